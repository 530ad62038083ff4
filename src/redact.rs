//! The one redaction path: every value and text that leaves confgate (reports
//! in every format, key diffs, record fields, tag messages, record scaffolds,
//! errors) is passed through here, which runs the secret detectors on the
//! text itself and hides what they find.
//!
//! Two entry points:
//! - [`redact_text`] for free text (messages, errors, whole reports): every
//!   span a secret detector finds (provider rules, private keys, URL
//!   passwords, generic `secret_key = <random literal>` assignments).
//! - [`redact_value`] for a value shown under a key (key diffs, record
//!   fields): the whole value when the key looks secret or the value looks
//!   generated, otherwise what [`redact_text`] hides plus any random-looking
//!   token, password inside a URL, or `NAME=value` whose name looks secret.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::{Arc, OnceLock};

pub use crate::detect::secrets::is_secret_key;
use crate::detect::secrets::random::looks_random;
use crate::detect::secrets::SecretScanner;
pub use crate::finding::redact;

/// Every built-in secret rule, none disabled: a project that turns a rule off
/// for its findings still gets its values hidden.
fn scanner() -> Option<&'static SecretScanner> {
    builtin().as_deref()
}

fn builtin() -> &'static Option<Arc<SecretScanner>> {
    static SCANNER: OnceLock<Option<Arc<SecretScanner>>> = OnceLock::new();
    SCANNER.get_or_init(|| SecretScanner::new(&[], &HashSet::new()).ok().map(Arc::new))
}

/// The scanner redaction uses, for a plan that adds and disables no secret
/// rule: the same scanner, built once (a hook that shows key diffs built
/// it twice). `None` when the built-in rules do not load; the plan then
/// builds its own and reports why.
pub fn builtin_scanner() -> Option<Arc<SecretScanner>> {
    builtin().clone()
}

/// `text` with every secret the detectors find in it hidden (at most its
/// first 4 characters, then `…`).
pub fn redact_text(text: &str) -> Cow<'_, str> {
    if text.is_empty() {
        return Cow::Borrowed(text);
    }
    let spans = match scanner() {
        Some(scanner) => scanner.secret_spans(text),
        // The embedded pack is checked by the test suite; should it ever fail
        // to load, hide every random-looking token instead of nothing.
        None => return Cow::Owned(redact_random_tokens(text)),
    };
    if spans.is_empty() {
        return Cow::Borrowed(text);
    }
    Cow::Owned(hide_spans(text, 0, &spans))
}

/// A value shown under `key` (a key diff, a record field), redacted.
pub fn redact_value(key: &str, value: &str) -> String {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return value.to_string();
    }
    if is_secret_key(key) || looks_generated(trimmed) {
        return redact(value);
    }
    let masked = redact_embedded(&mask_url_password(value));
    let detected = redact_text(&masked).into_owned();
    redact_random_tokens(&detected)
}

/// Every string in a JSON document (a JSON or SARIF report) passed through
/// [`redact_text`]; keys are confgate's own names and stay.
pub fn redact_json(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(text) => {
            if let Cow::Owned(hidden) = redact_text(text) {
                *text = hidden;
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact_json),
        serde_json::Value::Object(members) => members.values_mut().for_each(redact_json),
        _ => {}
    }
}

/// A message that quotes what a user wrote (a parser error: `invalid type:
/// string "…"`): what [`redact_text`] hides, and every random-looking token.
pub fn redact_quoted(message: &str) -> String {
    redact_random_tokens(&redact_text(&mask_url_password(message)))
}

/// A TOML parse error of the file `source` as one line, `line L, column C:
/// message`, without the parser's excerpt of the source line (which would
/// quote a token in full), the message redacted.
pub fn toml_error(source: &str, text: &str, error: &toml::de::Error) -> String {
    let message = error
        .message()
        .lines()
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(": ");
    let position = error.span().map(|span| {
        let before = text.get(..span.start).unwrap_or(text);
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        format!("line {line}, column {column}: ")
    });
    format!(
        "{source}: {}{}",
        position.unwrap_or_default(),
        redact_quoted(&message)
    )
}

/// `line` (which starts at byte `from` of the text `spans` index) with the
/// part of every span that falls on it hidden. `spans` are sorted by start.
pub fn hide_spans(line: &str, from: usize, spans: &[(usize, usize)]) -> String {
    let to = from + line.len();
    let lo = spans.partition_point(|s| s.0 < from);
    let hi = spans.partition_point(|s| s.0 < to);
    // A span that starts before the line (a private key block) may reach it.
    let first = if lo > 0 && spans[lo - 1].1 > from {
        lo - 1
    } else {
        lo
    };
    let mut out = String::with_capacity(line.len());
    let mut copied = 0;
    for &(start, end) in &spans[first..hi] {
        let start = start.max(from) - from;
        let end = end.min(to) - from;
        if end <= start || start < copied {
            continue;
        }
        let (Some(before), Some(secret)) = (line.get(copied..start), line.get(start..end)) else {
            continue;
        };
        out.push_str(before);
        out.push_str(&redact(secret));
        copied = end;
    }
    out.push_str(line.get(copied..).unwrap_or_default());
    out
}

/// Tokens of a value: split where a secret cannot continue.
fn is_token_break(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '"' | '\''
                | '`'
                | ','
                | ';'
                | '('
                | ')'
                | '['
                | ']'
                | '{'
                | '}'
                | '<'
                | '>'
                | '='
                | ':'
                | '&'
                | '?'
                | '@'
                | '|'
                | '\\'
        )
}

/// Every token of `text` that looks generated, hidden.
fn redact_random_tokens(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut start = 0;
    for (index, c) in text.char_indices() {
        if is_token_break(c) {
            push_token(&mut out, &text[start..index]);
            out.push(c);
            start = index + c.len_utf8();
        }
    }
    push_token(&mut out, &text[start..]);
    out
}

/// A value that looks generated: random by the detectors' judgement, and not
/// plain words joined by separators (`@payments-sre`, `eu-west-1`).
fn looks_generated(value: &str) -> bool {
    let plain_word = |part: &str| {
        let mut chars = part.chars();
        let rest_lower = |c: char| c.is_lowercase();
        part.chars().all(|c| c.is_ascii_digit())
            || part.chars().all(char::is_lowercase)
            || part.chars().all(char::is_uppercase)
            || chars.next().is_some_and(char::is_uppercase) && chars.all(rest_lower)
    };
    let words = value.split(|c: char| !c.is_alphanumeric()).all(plain_word);
    !words && looks_random(value)
}

fn push_token(out: &mut String, token: &str) {
    if token.len() >= 12 && looks_generated(token) {
        out.push_str(&redact(token));
    } else {
        out.push_str(token);
    }
}

/// `value` with the password of every `scheme://user:password@host` replaced
/// by `…`, so that a DSN under an innocent key name does not leak.
fn mask_url_password(value: &str) -> Cow<'_, str> {
    if !value.contains("://") {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(pos) = rest.find("://") {
        let (before, after) = rest.split_at(pos + 3);
        out.push_str(before);
        let authority_end = after
            .find(|c: char| c == '/' || c == '?' || c == '#' || c.is_whitespace() || c == '"')
            .unwrap_or(after.len());
        let authority = &after[..authority_end];
        match (authority.rfind('@'), authority.find(':')) {
            (Some(at), Some(colon)) if colon < at => {
                out.push_str(&authority[..=colon]);
                out.push('…');
                out.push_str(&authority[at..]);
            }
            _ => out.push_str(authority),
        }
        rest = &after[authority_end..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// `value` with the value part of every embedded `NAME=value`,
/// `"name": "value"` or `name: value` whose name looks secret redacted, so
/// that `environment: ["DB_PASSWORD=…"]` or an unflattened dict does not
/// leak under an innocent key.
fn redact_embedded(value: &str) -> String {
    let bytes = value.as_bytes();
    let is_name = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.');
    let mut out = String::with_capacity(value.len());
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let separator = (b == b'=' && bytes.get(i + 1) != Some(&b'='))
            || (b == b':' && bytes.get(i + 1) != Some(&b'/'));
        if !separator || i == 0 {
            i += 1;
            continue;
        }
        let mut name_end = i;
        while name_end > 0 && bytes[name_end - 1] == b' ' {
            name_end -= 1;
        }
        if name_end > 0 && matches!(bytes[name_end - 1], b'"' | b'\'') {
            name_end -= 1;
        }
        let mut name_start = name_end;
        while name_start > 0 && is_name(bytes[name_start - 1]) {
            name_start -= 1;
        }
        let name = &value[name_start..name_end];
        let mut start = i + 1;
        while start < bytes.len() && bytes[start] == b' ' {
            start += 1;
        }
        let quote = bytes
            .get(start)
            .copied()
            .filter(|q| matches!(q, b'"' | b'\''));
        if quote.is_some() {
            start += 1;
        }
        let mut end = start;
        while end < bytes.len() {
            let c = bytes[end];
            let stop = match quote {
                Some(q) => c == q,
                None => {
                    c.is_ascii_whitespace()
                        || matches!(c, b'"' | b'\'' | b',' | b']' | b'}' | b')' | b'&' | b';')
                }
            };
            if stop {
                break;
            }
            end += 1;
        }
        if end > start && !name.is_empty() && is_secret_key(name) {
            out.push_str(&value[copied..start]);
            out.push_str(&redact(&value[start..end]));
            copied = end;
        }
        i = end.max(i + 1);
    }
    out.push_str(&value[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // Synthetic tokens, assembled so this file holds none whole.
    fn github() -> String {
        format!("ghp_{}", "Zt4rQ8wLmN2pXy6vKc3eHb7JdSa5TfUg9VkW")
    }
    fn aws() -> String {
        format!("AKIA{}", "Z7VQ3LTW4GSQWXRT")
    }

    #[test]
    fn text_hides_every_detected_secret() {
        let text = format!(
            "a {} and {} and postgres://app:Xk29vLq8Wz7p@db.internal/app",
            github(),
            aws()
        );
        let out = redact_text(&text);
        assert!(!out.contains(&github()), "{out}");
        assert!(!out.contains(&aws()), "{out}");
        assert!(!out.contains("Xk29vLq8Wz7p"), "{out}");
        assert!(out.contains("ghp_…") && out.contains("AKIA…"), "{out}");
        assert_eq!(
            redact_text("nothing to see: cache.ttl 60 → 300"),
            "nothing to see: cache.ttl 60 → 300"
        );
    }

    #[test]
    fn values_under_innocent_keys_are_judged_on_the_value() {
        let out = redact_value("ci.github", &github());
        assert_eq!(out, "ghp_…");
        assert_eq!(redact_value("login.word", "Zt4rQ8wLmN2pXy6v"), "Zt4r…");
        let header = redact_value("ci.header", "Bearer Zt4rQ8wLmN2pXy6vKc3e");
        assert_eq!(header, "Bearer Zt4r…");
        assert_eq!(redact_value("cache.ttl", "300"), "300");
        assert_eq!(redact_value("service.name", "search-api"), "search-api");
        assert_eq!(redact_value("owner", "@payments-sre"), "@payments-sre");
        assert_eq!(redact_value("region", "eu-west-1.prod"), "eu-west-1.prod");
        assert_eq!(redact_value("database.password", "hunter2-hunter2"), "hun…");
    }

    #[test]
    fn toml_errors_do_not_quote_the_line() {
        let text = format!("owner = \"@team\"\nexpected = {}\n", github());
        let error = toml::from_str::<toml::Table>(&text).expect_err("bare value");
        assert!(
            error.to_string().contains(&github()),
            "the excerpt quotes the line"
        );
        let shown = toml_error("record r.toml", &text, &error);
        assert!(!shown.contains(&github()), "{shown}");
        assert!(
            shown.starts_with("record r.toml: line 2, column"),
            "{shown}"
        );
        let typed = "debug = \"Zt4rQ8wLmN2pXy6vKc3e\"\n";
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Typed {
            debug: bool,
        }
        let error = toml::from_str::<Typed>(typed).expect_err("wrong type");
        let shown = toml_error("x.toml", typed, &error);
        assert!(!shown.contains("Zt4rQ8wLmN2pXy6vKc3e"), "{shown}");
    }

    #[test]
    fn spans_are_hidden_only_where_they_fall_on_the_line() {
        let text = "k = AAAAAAAAAAAA\nsecond BBBBBBBBBBBB end";
        let spans = [(4, 16), (24, 36)];
        assert_eq!(hide_spans(&text[17..], 17, &spans), "second BBB… end");
        assert_eq!(hide_spans(&text[..16], 0, &spans), "k = AAA…");
    }
}
