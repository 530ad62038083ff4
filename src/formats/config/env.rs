//! dotenv (and `.properties`) lines: `KEY=value`, `export KEY=value`,
//! `key: value`. The one reading of such a line, for the lenient reader and
//! the strict parse (`keydiff/env.rs`, which reads the value's quoting).

use super::{assignment, Assignment, KeyLine};

/// The key and the rest of a dotenv line: an optional `export ` prefix, a
/// key of letters, digits and `_.-` that starts with a letter or `_`
/// (python-dotenv reads `-` and `.` in keys too), then `=` (or `:`, the
/// `.properties` delimiter, read the same way). `None` for anything else.
pub fn key_line(line: &str) -> Option<KeyLine<'_>> {
    let trimmed = line.trim_start();
    let body = match trimmed.strip_prefix("export") {
        Some(rest) if rest.starts_with([' ', '\t']) => rest.trim_start(),
        _ => trimmed,
    };
    let key_len = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
        .unwrap_or(body.len());
    let key = &body[..key_len];
    if !key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
    {
        return None;
    }
    let after_key = body[key_len..].trim_start();
    let rest = after_key
        .strip_prefix('=')
        .or_else(|| after_key.strip_prefix(':'))?;
    Some(KeyLine {
        key,
        key_at: line.len() - body.len(),
        rest: rest.trim_start(),
    })
}

pub(super) fn statement(text: &str) -> Vec<Assignment> {
    match key_line(text) {
        Some(k) => vec![assignment(text, k.key, k.key_at, k.rest, "")],
        None => Vec::new(),
    }
}
