//! Dockerfiles → flat key map, one key per setting of the image: `FROM`,
//! `ENV.X`, `ARG.X`, `LABEL.X`, `USER`, `WORKDIR`, `EXPOSE`, `CMD`,
//! `ENTRYPOINT`, `HEALTHCHECK`, `SHELL`, `STOPSIGNAL`; steps that run or copy
//! (`RUN`, `COPY`, `ADD`, …) are numbered in order (`RUN[2]`). With several
//! stages, keys start with the stage (`stage.build.FROM`). Values are the
//! instruction's words with canonical spacing, so a reformatted Dockerfile
//! changes no key. Comments and parser directives are not keys.

use super::{child_key, index_key, KeyMap, ParseError, Sink};
use crate::formats::config::dockerfile;
use crate::formats::strip_quotes;
use crate::records::reformat::{words, Syntax};

/// Instructions that are settings: the last one of a stage wins.
const SETTINGS: &[&str] = &[
    "FROM",
    "USER",
    "WORKDIR",
    "EXPOSE",
    "CMD",
    "ENTRYPOINT",
    "HEALTHCHECK",
    "SHELL",
    "STOPSIGNAL",
];

/// One instruction: its first line and its text, continuations joined.
struct Instruction {
    line: u32,
    text: String,
}

pub(super) fn parse(text: &str) -> Result<KeyMap, ParseError> {
    let instructions = instructions(text);
    let stages = instructions
        .iter()
        .filter(|i| keyword(&i.text) == "FROM")
        .count();
    let mut sink = Sink::new();
    let mut stage = String::new();
    let mut stage_index = 0usize;
    let mut steps: std::collections::BTreeMap<String, usize> = Default::default();
    for instruction in &instructions {
        // A heredoc's lines stay lines.
        let parts: Vec<String> = words(&instruction.text, Syntax::Plain)
            .into_iter()
            .map(|w| if w == "\n" { "↵".to_string() } else { w })
            .collect();
        let Some((first, rest)) = parts.split_first() else {
            continue;
        };
        let name = first.to_ascii_uppercase();
        if name == "FROM" && stages > 1 {
            let alias = stage_alias(rest).unwrap_or_else(|| stage_index.to_string());
            stage = child_key("stage", &alias);
            stage_index += 1;
            steps.clear();
        }
        let line = instruction.line;
        match name.as_str() {
            "ENV" | "ARG" | "LABEL" => {
                for (key, value) in pairs(&instruction.text) {
                    let key = child_key(&child_key(&stage, &name), &key);
                    sink.insert(key, value, line)?;
                }
            }
            _ if SETTINGS.contains(&name.as_str()) => {
                sink.insert(child_key(&stage, &name), value_of(&name, rest), line)?;
            }
            _ => {
                let count = steps.entry(name.clone()).or_default();
                let key = index_key(&child_key(&stage, &name), *count);
                sink.insert(key, rest.join(" "), line)?;
                *count += 1;
            }
        }
    }
    Ok(sink.map)
}

fn keyword(text: &str) -> String {
    text.split_whitespace()
        .next()
        .unwrap_or_default()
        .to_ascii_uppercase()
}

/// `AS name` of a `FROM` line.
fn stage_alias(rest: &[String]) -> Option<String> {
    let at = rest.iter().position(|w| w.eq_ignore_ascii_case("as"))?;
    rest.get(at + 1).map(|alias| alias.to_ascii_lowercase())
}

/// The value of a setting; a `FROM` line's `AS` in one spelling.
fn value_of(name: &str, rest: &[String]) -> String {
    let words: Vec<String> = rest
        .iter()
        .map(|w| {
            if name == "FROM" && w.eq_ignore_ascii_case("as") {
                "AS".to_string()
            } else {
                w.clone()
            }
        })
        .collect();
    words.join(" ")
}

/// `K=V K2="V 2"` pairs, or the legacy `ENV K V…` form, read by the one
/// Dockerfile reader (`formats::config::dockerfile`); values unquoted and
/// with canonical spacing; an `ARG` without a default is `(no default)`.
fn pairs(text: &str) -> Vec<(String, String)> {
    let Some((keyword, body, _)) = dockerfile::instruction(text) else {
        return Vec::new();
    };
    dockerfile::pairs(&keyword, body)
        .into_iter()
        .map(|pair| {
            let value = match pair.value {
                Some(value) if pair.legacy => words(value, Syntax::Plain).join(" "),
                Some(value) => strip_quotes(value).to_string(),
                None => "(no default)".to_string(),
            };
            (pair.key.to_string(), value)
        })
        .collect()
}

/// The instructions, continuation lines joined, comment lines left out, a
/// heredoc's body (`RUN <<EOF … EOF`) kept with its instruction as written.
fn instructions(text: &str) -> Vec<Instruction> {
    let mut out: Vec<Instruction> = Vec::new();
    let mut open: Option<Instruction> = None;
    let mut heredoc: Option<String> = None;
    for (index, raw) in text.lines().enumerate() {
        let line = u32::try_from(index + 1).unwrap_or(u32::MAX);
        if let Some(end) = &heredoc {
            if let Some(current) = open.as_mut() {
                current.text.push('\n');
                current.text.push_str(raw);
            }
            if raw.trim() == end {
                heredoc = None;
                out.extend(open.take());
            }
            continue;
        }
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let (body, continued) = match trimmed.strip_suffix('\\') {
            Some(body) => (body, true),
            None => (trimmed, false),
        };
        let current = open.get_or_insert(Instruction {
            line,
            text: String::new(),
        });
        current.text.push(' ');
        current.text.push_str(body);
        heredoc = heredoc_end(body);
        if !continued && heredoc.is_none() {
            out.extend(open.take());
        }
    }
    out.extend(open);
    out
}

/// The word that closes a heredoc opened on this line (`<<EOF`, `<<-EOF`,
/// `<<"EOF"`).
fn heredoc_end(line: &str) -> Option<String> {
    let at = line.find("<<")?;
    let rest = line[at + 2..].trim_start_matches('-');
    let word: String = rest
        .trim_matches(|c| c == '"' || c == '\'')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!word.is_empty()).then_some(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<(String, String)> {
        parse(text)
            .unwrap()
            .into_iter()
            .map(|(k, v)| (k, v.value))
            .collect()
    }

    #[test]
    fn settings_and_steps_by_key() {
        let text = "# syntax=docker/dockerfile:1\nFROM python:3.12.1-slim\nARG POETRY_VERSION=1.8.2\nENV PYTHONUNBUFFERED=1 APP_HOME=\"/app\"\nENV LEGACY a b\nWORKDIR /app\nRUN pip install \\\n    poetry==${POETRY_VERSION}\nCOPY . .\nRUN <<EOF\nset -e\n  echo hi\nEOF\nUSER app\nEXPOSE 8000\nCMD [\"uvicorn\", \"app.main:app\"]\n";
        let got = keys(text);
        let want = [
            ("ARG.POETRY_VERSION", "1.8.2"),
            ("CMD", "[\"uvicorn\", \"app.main:app\"]"),
            ("COPY[0]", ". ."),
            ("ENV.APP_HOME", "/app"),
            ("ENV.LEGACY", "a b"),
            ("ENV.PYTHONUNBUFFERED", "1"),
            ("EXPOSE", "8000"),
            ("FROM", "python:3.12.1-slim"),
            ("RUN[0]", "pip install poetry==${POETRY_VERSION}"),
            ("RUN[1]", "<<EOF ↵ set -e ↵ echo hi ↵ EOF"),
            ("USER", "app"),
            ("WORKDIR", "/app"),
        ];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn stages_prefix_their_keys_and_reformatting_changes_nothing() {
        let text = "FROM node:20 AS build\nRUN npm ci\nFROM nginx:1.27\nCOPY --from=build /app/dist /usr/share/nginx/html\n";
        let got: Vec<String> = keys(text).into_iter().map(|(k, _)| k).collect();
        assert_eq!(
            got,
            [
                "stage.1.COPY[0]",
                "stage.1.FROM",
                "stage.build.FROM",
                "stage.build.RUN[0]"
            ]
        );
        let reformatted = "# build the site\nFROM node:20 as build\nRUN   npm \\\n  ci\n\nFROM nginx:1.27\nCOPY --from=build \\\n     /app/dist /usr/share/nginx/html\n";
        assert_eq!(
            parse(text).unwrap().len(),
            parse(reformatted).unwrap().len()
        );
        let same = |a: &str, b: &str| {
            let (a, b) = (keys(a), keys(b));
            a == b
        };
        assert!(same(text, reformatted));
    }

    /// The Dockerfile reference: quotes and backslashes keep spaces inside
    /// a value; a quoted value keeps its spacing. (Words split at every
    /// space once made `Rex\ The\ Dog` three keys.)
    #[test]
    fn escaped_and_quoted_spaces_stay_in_the_value() {
        let got = keys("FROM x\nENV MY_DOG=Rex\\ The\\ Dog MODE=\"a  b\"\n");
        assert_eq!(
            got,
            [
                ("ENV.MODE".to_string(), "a  b".to_string()),
                ("ENV.MY_DOG".to_string(), "Rex\\ The\\ Dog".to_string()),
                ("FROM".to_string(), "x".to_string()),
            ]
        );
    }
}
