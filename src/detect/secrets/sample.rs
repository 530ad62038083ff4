//! A secret-shaped value in documentation that its own document shows to be
//! a sample: the printed output of a key generator, or a value a comment
//! right above introduces as what a generator prints.

use std::collections::HashMap;
use std::sync::OnceLock;

use regex::Regex;

use crate::finding::{Finding, Severity};

use super::place::{is_documentation, KEY_NAME_RULES};

/// How many lines a generator's printed output, or the comment naming a
/// generator, may sit from the command or the value.
const NEARBY: usize = 3;

/// A command or call that prints a random key.
fn generator() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)(?:\bsecrets\.)?\btoken_(?:hex|urlsafe|bytes)\s*\(\s*\d*\s*\)|\bopenssl\s+rand(?:\s+-(?:hex|base64))?(?:\s+\d+)?|(?:\bos\.)?\burandom\s*\(\s*\d*\s*\)|\bget_random_secret_key\s*\(\s*\)|/dev/urandom|\bpwgen(?:\s+-\w+)*(?:\s+\d+)*",
        )
        .expect("constant regex")
    })
}

/// A generator whose output is lowercase hexadecimal.
fn hex_generator() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)\btoken_hex\s*\(|\bopenssl\s+rand\s+-hex\b|\)\s*\.hex\(\)")
            .expect("constant regex")
    })
}

fn is_comment(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with('#') || t.starts_with("//")
}

/// What a line holding only a printed value prints: the line without
/// quotes (as a REPL or a shell prints it) and a bytes prefix.
fn printed_value(line: &str) -> &str {
    let t = line.trim();
    let t = t
        .strip_prefix('b')
        .filter(|r| r.starts_with('\''))
        .unwrap_or(t);
    t.trim_matches(|c| c == '\'' || c == '"')
}

fn is_hex_key(value: &str) -> bool {
    value.len() >= 16
        && value.len() % 2 == 0
        && value
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// What a document shows about generated keys, read once per document so
/// that judging each finding costs no more than a look-up.
struct Document<'t> {
    lines: Vec<&'t str>,
    /// Values printed right after a generator line, with that line.
    printed: HashMap<&'t str, &'t str>,
    /// The first line naming a generator whose output is lowercase hex.
    hex_generator: Option<&'t str>,
}

impl<'t> Document<'t> {
    fn read(text: &'t str) -> Document<'t> {
        let lines: Vec<&str> = text.lines().collect();
        let mut printed = HashMap::new();
        for (i, line) in lines.iter().enumerate() {
            if !generator().is_match(line) {
                continue;
            }
            // The printed output: the next few non-blank lines.
            for next in lines[i + 1..]
                .iter()
                .filter(|l| !l.trim().is_empty())
                .take(NEARBY)
            {
                printed.entry(printed_value(next)).or_insert(*line);
            }
        }
        let hex_generator = lines.iter().find(|l| hex_generator().is_match(l)).copied();
        Document {
            lines,
            printed,
            hex_generator,
        }
    }

    /// The generator a comment block right above line `index` names.
    fn introduced_by(&self, index: usize) -> Option<&'t str> {
        self.lines[..index.min(self.lines.len())]
            .iter()
            .rev()
            .take(NEARBY)
            .take_while(|l| is_comment(l))
            .find(|l| generator().is_match(l))
            .copied()
    }

    /// Why `value` on line `index` is the document's sample, if it is.
    fn why_sample(&self, index: usize, value: &str) -> Option<String> {
        if let Some(line) = self.printed.get(value) {
            return Some(format!(
                "the document shows `{}` printing it",
                command(line)
            ));
        }
        if let Some(line) = self.introduced_by(index) {
            return Some(format!(
                "the comment above names its generator, `{}`",
                command(line)
            ));
        }
        let line = self.hex_generator.filter(|_| is_hex_key(value))?;
        Some(format!(
            "hexadecimal, as the document's generator `{}` prints",
            command(line)
        ))
    }
}

/// The generator named on `line` (only the call or command, never the
/// rest of the line, which could hold a value).
fn command(line: &str) -> &str {
    generator().find(line).map_or("", |m| m.as_str())
}

/// Turns key-name findings in documentation whose every secret on the line
/// is the document's own sample into warnings that say why. `spans` are
/// the byte ranges of every secret in `text`, ascending.
pub fn judge(path: &str, text: &str, spans: &[(usize, usize)], findings: &mut [Finding]) {
    let candidates = |f: &Finding| KEY_NAME_RULES.contains(&f.rule.as_str()) && f.line.is_some();
    if !findings.iter().any(candidates) || !is_documentation(path) {
        return;
    }
    let starts = crate::newlines::line_starts(text);
    let document = Document::read(text);
    for finding in findings.iter_mut().filter(|f| candidates(f)) {
        let index = finding.line.unwrap_or(1).saturating_sub(1) as usize;
        let (Some(&from), to) = (starts.get(index), starts.get(index + 1)) else {
            continue;
        };
        let to = to.copied().unwrap_or(text.len() + 1);
        let reasons: Vec<Option<String>> = spans
            .iter()
            .filter(|&&(s, _)| s >= from && s < to)
            .map(|&(s, e)| text.get(s..e).and_then(|v| document.why_sample(index, v)))
            .collect();
        if reasons.is_empty() || reasons.iter().any(Option::is_none) {
            continue;
        }
        if let Some(Some(reason)) = reasons.into_iter().next() {
            finding.severity = Severity::Warning;
            finding.message = format!(
                "{} (documentation sample: {reason}; the same line outside documentation blocks)",
                finding.message
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Kind;

    const HEX: &str = "591f64fe29fbdd830aedd2c39df12f9b99216a4aabdd6366e6e0e7decf55cb9e";

    /// Judges one key-name finding on line `line` (1-based) of `text`, whose
    /// secret is `value` (its first occurrence on that line).
    fn judged(path: &str, text: &str, line: u32, value: &str) -> Severity {
        let from: usize = text
            .split_inclusive('\n')
            .take(line as usize - 1)
            .map(str::len)
            .sum();
        let start = from + text[from..].find(value).expect("value on its line");
        let mut findings = vec![Finding::new(
            Kind::Secret,
            "framework-secret-key",
            Severity::Error,
            path,
            value,
        )];
        findings[0].line = Some(line);
        judge(path, text, &[(start, start + value.len())], &mut findings);
        findings[0].severity
    }

    #[test]
    fn printed_output_of_a_generator_is_a_sample_in_docs_only() {
        let text = format!(
            "Copy the output::\n\n    $ python -c 'import secrets; print(secrets.token_hex())'\n\n    '{HEX}'\n\nThen::\n\n    SECRET_KEY = '{HEX}'\n"
        );
        assert_eq!(judged("docs/config.rst", &text, 9, HEX), Severity::Warning);
        assert_eq!(judged("app/config.py", &text, 9, HEX), Severity::Error);
        // The generator printed another value, and this one is not hex.
        let other = "Xk29vLq8WzTr4mPn7QsBv3Lw";
        let text = format!(
            "    $ python -c 'import secrets; print(secrets.token_urlsafe())'\n    '{HEX}'\n\n    SECRET_KEY = '{other}'\n"
        );
        assert_eq!(judged("docs/config.rst", &text, 4, other), Severity::Error);
    }

    #[test]
    fn a_comment_right_above_naming_a_generator_introduces_a_sample() {
        let text = format!(
            "# to get a string like this run:\n# openssl rand -hex 32\nSECRET_KEY = \"{HEX}\"\n"
        );
        assert_eq!(
            judged("docs_src/security/t.py", &text, 3, HEX),
            Severity::Warning
        );
        assert_eq!(judged("app/core/config.py", &text, 3, HEX), Severity::Error);
        // Code between the comment and the value: not introduced by it.
        let text =
            format!("# openssl rand -hex 32\nALGORITHM = \"HS256\"\nSECRET_KEY = \"{HEX}\"\n");
        let value = "Zq8vT2pLk9mWx4RbZq8vT2pL";
        let text = text.replace(HEX, value);
        assert_eq!(judged("docs/t.py", &text, 3, value), Severity::Error);
        // A comment that names no generator.
        let text = format!("# Keep this really secret!\nSECRET_KEY = \"{value}\"\n");
        assert_eq!(judged("docs/t.py", &text, 2, value), Severity::Error);
    }

    #[test]
    fn hex_values_in_a_document_that_shows_a_hex_generator() {
        let short = "16ea94de6d4fc72b355dd002376ac2b5";
        let text = format!(
            "Generate one::\n\n    $ openssl rand -hex 32\n\nLater::\n\n    $ export APP_SECRET_KEY=\"{short}\"\n"
        );
        assert_eq!(
            judged("docs/config.rst", &text, 7, short),
            Severity::Warning
        );
        // Upper-case or odd-length hex is not what the generator prints.
        let upper = short.to_ascii_uppercase();
        let text2 = text.replace(short, &upper);
        assert_eq!(
            judged("docs/config.rst", &text2, 7, &upper),
            Severity::Error
        );
        // A generator of another alphabet says nothing about a hex value.
        let text3 = text.replace("openssl rand -hex 32", "openssl rand -base64 32");
        assert_eq!(judged("docs/config.rst", &text3, 7, short), Severity::Error);
    }

    #[test]
    fn provider_findings_are_never_softened() {
        let token = "AKIA7KLFYYLBEG3RHDSV";
        let text = format!("# openssl rand -hex 32\nKEY = \"{token}\"\n");
        let mut findings = vec![Finding::new(
            Kind::Secret,
            "aws-access-key-id",
            Severity::Error,
            "docs/a.md",
            token,
        )];
        findings[0].line = Some(2);
        judge("docs/a.md", &text, &[(30, 50)], &mut findings);
        assert_eq!(findings[0].severity, Severity::Error);
    }

    #[test]
    fn the_message_names_the_generator_and_never_the_value() {
        let text = format!("    $ openssl rand -hex 32 # {HEX}\n    {HEX}\n\nKEY = '{HEX}'\n");
        let start = text.rfind(HEX).expect("value");
        let mut findings = vec![Finding::new(
            Kind::Secret,
            "generic-secret-assignment",
            Severity::Error,
            "docs/a.md",
            HEX,
        )];
        findings[0].line = Some(4);
        judge(
            "docs/a.md",
            &text,
            &[(start, start + HEX.len())],
            &mut findings,
        );
        assert_eq!(findings[0].severity, Severity::Warning);
        assert!(findings[0].message.contains("`openssl rand -hex 32`"));
        assert!(
            !findings[0].message.contains(&HEX[4..]),
            "{}",
            findings[0].message
        );
    }
}
