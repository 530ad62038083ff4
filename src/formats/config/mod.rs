//! The lenient reader of config files: TOML, INI, `*.conf`, dotenv, JSON,
//! YAML, compose files and Dockerfiles, read statement by statement (valid
//! or not) into the assignments each one writes. Every detector reads
//! config text through it; the strict parses for key diffs (`keydiff/`)
//! share its per-format line readers (`env`, `ini`, `dockerfile`).

pub mod dockerfile;
pub mod env;
mod flow;
pub mod ini;
mod json;
mod toml;
mod yaml;

use std::ops::Range;

pub use super::python::reader::ValueKind;
use super::{unquote, FileType};
use crate::model::Lines;

/// One setting written in a config statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// The name written to, unquoted, the last part of a dotted key:
    /// `debug` of `app.debug = true`.
    pub name: String,
    /// The section (TOML, INI), the parent key (YAML, inline maps), `USER`
    /// for a Dockerfile's `USER` line; empty at the top level.
    pub parent: String,
    /// Byte offset of the key in the statement's text.
    pub at: usize,
    /// The value as written, trimmed (quotes kept).
    pub value: String,
    /// Byte span of `value` in the statement's text.
    pub span: Range<usize>,
    /// `Reference` when the value interpolates something (`${X}`, `!env`,
    /// `%(x)s`, `{{ x }}`, `$X`); otherwise what the written text is.
    pub kind: ValueKind,
    /// The 1-based line of the key.
    pub line: u32,
}

impl Assignment {
    /// Whether the value is written out, not read from elsewhere.
    pub fn is_literal(&self) -> bool {
        self.kind != ValueKind::Reference
    }
}

/// A `key<delimiter>value` line of a format, as slices of the line: what
/// the lenient reader and the strict parse (`keydiff/`) both split on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyLine<'a> {
    /// The key, trimmed.
    pub key: &'a str,
    /// Byte offset of the key in the line.
    pub key_at: usize,
    /// Everything after the delimiter, leading space removed.
    pub rest: &'a str,
}

/// A statement: one line, or several when a list spans lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// The text without comments (same byte offsets up to a comment).
    pub text: String,
    pub first_line: u32,
    pub assignments: Vec<Assignment>,
}

/// What carries over from line to line: the TOML/INI section, the YAML
/// parents as (indent, key) of keys whose value is a nested block.
#[derive(Default)]
struct State {
    section: String,
    parents: Vec<(usize, String)>,
}

/// The statements of `text` that touch the `wanted` lines, with their
/// assignments. Read from the top, since sections and parent keys carry
/// over from line to line, and no further than the last line wanted.
pub fn statements(file_type: FileType, text: &str, wanted: Lines<'_>) -> Vec<Statement> {
    let last_wanted = wanted.last();
    let wanted = |first: u32, last: u32| wanted.any_in(first, last);
    // Where no section or parent key carries over from line to line, a
    // statement nobody wants is not read for settings: a lock file's
    // few changed lines do not cost a parse of all of it.
    let stateless = matches!(
        file_type,
        FileType::Json | FileType::Env | FileType::Dockerfile
    );
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out = Vec::new();
    let mut state = State::default();
    let mut i = 0;
    while i < lines.len() {
        let first = i;
        let cleaned = joined(file_type, &lines, &mut i);
        if cleaned.trim().is_empty() {
            continue;
        }
        // The statement's lines: those it joined (`i` is one past the last).
        let (first_line, last_line) = (first as u32 + 1, i as u32);
        if first_line > last_wanted {
            // Statements come in order: none after this one is wanted.
            break;
        }
        if stateless && !wanted(first_line, last_line) {
            continue;
        }
        let mut assignments = read_statement(file_type, &cleaned, &mut state);
        flow::inline_maps(file_type, &cleaned, &mut assignments);
        for assignment in &mut assignments {
            assignment.line = first_line + newlines(&cleaned[..assignment.at.min(cleaned.len())]);
        }
        let last = first_line + newlines(&cleaned);
        if wanted(first_line, last) {
            out.push(Statement {
                text: cleaned,
                first_line,
                assignments,
            });
        }
    }
    out
}

fn newlines(text: &str) -> u32 {
    text.bytes().filter(|&b| b == b'\n').count() as u32
}

/// The statement starting at line `*i`, comments removed; lists may span
/// lines, so lines are joined until brackets balance, and a Dockerfile
/// instruction goes on after a line ending in `\`. Objects are not joined,
/// so the keys inside them stay visible one per line. Leaves `*i` one past
/// the statement's last line.
fn joined(file_type: FileType, lines: &[&str], i: &mut usize) -> String {
    let first = *i;
    let mut cleaned = strip_comment(file_type, lines[*i]);
    let mut balance = bracket_balance(&cleaned);
    let continued =
        |text: &str| file_type == FileType::Dockerfile && text.trim_end().ends_with('\\');
    while (balance > 0 || continued(&cleaned)) && *i + 1 < lines.len() && *i - first < 200 {
        *i += 1;
        cleaned.push('\n');
        let next = strip_comment(file_type, lines[*i]);
        balance += bracket_balance(&next);
        cleaned.push_str(&next);
    }
    *i += 1;
    cleaned
}

/// The assignments one statement writes, by format.
fn read_statement(file_type: FileType, text: &str, state: &mut State) -> Vec<Assignment> {
    match file_type {
        FileType::Toml => toml::statement(text, &mut state.section),
        FileType::Ini | FileType::Conf => {
            ini::statement(text, file_type == FileType::Conf, &mut state.section)
        }
        FileType::Env => env::statement(text),
        FileType::Json => json::statement(text),
        FileType::Yaml | FileType::Compose => yaml::statement(text, &mut state.parents),
        FileType::Dockerfile => dockerfile::statement(text),
        _ => Vec::new(),
    }
}

fn bracket_balance(line: &str) -> i32 {
    let mut n = 0;
    let mut quote: Option<char> = None;
    for c in line.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '"' | '\'' => quote = Some(c),
                '[' => n += 1,
                ']' => n -= 1,
                _ => {}
            },
        }
    }
    n
}

/// The line without its comment (kept the same length up to the comment).
fn strip_comment(file_type: FileType, line: &str) -> String {
    let line = line.strip_suffix('\r').unwrap_or(line);
    let trimmed = line.trim_start();
    let full_line = match file_type {
        FileType::Ini | FileType::Conf => trimmed.starts_with('#') || trimmed.starts_with(';'),
        FileType::Json => trimmed.starts_with("//"),
        _ => trimmed.starts_with('#'),
    };
    if full_line {
        return String::new();
    }
    if file_type == FileType::Json {
        return line.to_string();
    }
    // An inline comment starts at ` #` outside quotes.
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => {
                if c == '"' || c == '\'' {
                    quote = Some(c);
                } else if c == '#' && prev.is_whitespace() {
                    return line[..i].to_string();
                }
            }
        }
        prev = c;
    }
    line.to_string()
}

/// What a written config value is: a reference when it interpolates
/// something, else by its text.
pub fn value_kind(value: &str) -> ValueKind {
    let reference = value.contains("${")
        || value.contains("{{")
        || value.contains("%(")
        || value.starts_with('$')
        || value.contains("!env")
        || value.contains("os.environ");
    if reference {
        return ValueKind::Reference;
    }
    let is = |words: &[&str]| words.iter().any(|w| value.eq_ignore_ascii_case(w));
    if is(&["true", "false", "yes", "no", "on", "off"]) {
        ValueKind::Bool
    } else if is(&["null", "~", "none"]) {
        ValueKind::None
    } else if value.starts_with('[') {
        ValueKind::List
    } else if value.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '.')
        && value.parse::<f64>().is_ok()
    {
        ValueKind::Number
    } else {
        ValueKind::Str
    }
}

/// Byte offset of `inner` in `outer`, when `inner` is a slice of it.
fn offset_in(outer: &str, inner: &str) -> Option<usize> {
    let start = (inner.as_ptr() as usize).checked_sub(outer.as_ptr() as usize)?;
    (start + inner.len() <= outer.len()).then_some(start)
}

/// The assignment of `key` (at byte `at` of `text`) to `value`, a slice of
/// `text` (else found after the key).
fn assignment(text: &str, key: &str, at: usize, value: &str, parent: &str) -> Assignment {
    let value = value.trim();
    let start = offset_in(text, value)
        .or_else(|| text.get(at..)?.find(value).map(|v| at + v))
        .unwrap_or(at);
    Assignment {
        name: unquote(key).rsplit('.').next().unwrap_or(key).to_string(),
        parent: parent.to_string(),
        at,
        value: value.to_string(),
        span: start..start + value.len(),
        kind: value_kind(value),
        line: 0,
    }
}

#[cfg(test)]
mod tests;
