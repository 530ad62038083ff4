//! Dockerfile instructions: the one reading of an `ENV`/`ARG`/`LABEL`
//! line's pairs and of `USER`, for the lenient reader and the strict parse
//! (`keydiff/dockerfile.rs`). Words follow the Dockerfile reference: quotes
//! and backslashes keep spaces inside a value (`MY_DOG=Rex\ The\ Dog`),
//! a trailing `\` continues the instruction on the next line, and `ENV key
//! value` (no `=`) is the legacy one-variable form, of `ENV` only.

use super::{assignment, Assignment};

/// One `key[=value]` of an `ENV`, `ARG` or `LABEL` instruction, as slices
/// of its body (the value as written, quotes kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair<'a> {
    pub key: &'a str,
    /// Byte offset of the key in the body.
    pub key_at: usize,
    /// `None` for an `ARG` without a default.
    pub value: Option<&'a str>,
    /// `ENV key value`: the value is the rest of the instruction.
    pub legacy: bool,
}

/// The keyword (upper case) and the body of an instruction, with the
/// body's byte offset in `text`.
pub fn instruction(text: &str) -> Option<(String, &str, usize)> {
    let trimmed = text.trim_start();
    let end = trimmed
        .find(|c: char| c.is_whitespace())
        .unwrap_or(trimmed.len());
    let keyword = &trimmed[..end];
    if keyword.is_empty() || !keyword.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let body = trimmed[end..].trim_start();
    Some((keyword.to_ascii_uppercase(), body, text.len() - body.len()))
}

/// The pairs of the body of an `ENV`, `ARG` or `LABEL` instruction.
pub fn pairs<'a>(keyword: &str, body: &'a str) -> Vec<Pair<'a>> {
    let words = words(body);
    let legacy = keyword == "ENV"
        && words
            .first()
            .is_some_and(|&(s, e)| !body[s..e].contains('='));
    if legacy {
        let (start, end) = words[0];
        let value = body[end..].trim();
        return vec![Pair {
            key: &body[start..end],
            key_at: start,
            value: (!value.is_empty()).then_some(value),
            legacy: true,
        }];
    }
    words
        .into_iter()
        .map(|(start, end)| {
            let word = &body[start..end];
            match word.split_once('=') {
                Some((key, value)) => Pair {
                    key,
                    key_at: start,
                    value: Some(value),
                    legacy: false,
                },
                None => Pair {
                    key: word,
                    key_at: start,
                    value: None,
                    legacy: false,
                },
            }
        })
        .collect()
}

/// Byte spans of the words of `body`: split at whitespace outside quotes
/// that no backslash escapes; a backslash before a line break is a
/// continuation, which separates words too.
fn words(body: &str) -> Vec<(usize, usize)> {
    let bytes = body.as_bytes();
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let continuation = b == b'\\'
            && body[i + 1..]
                .trim_start_matches([' ', '\t', '\r'])
                .starts_with('\n');
        match quote {
            Some(q) if b == q => quote = None,
            Some(q) if b == b'\\' && q == b'"' => i += 1,
            Some(_) => {}
            None if continuation || b.is_ascii_whitespace() => {
                if let Some(s) = start.take() {
                    out.push((s, i));
                }
            }
            None => {
                start.get_or_insert(i);
                match b {
                    b'"' | b'\'' => quote = Some(b),
                    b'\\' => i += 1,
                    _ => {}
                }
            }
        }
        i += 1;
    }
    if let Some(s) = start {
        out.push((s, bytes.len().min(i)));
    }
    out
}

/// The assignments of one Dockerfile statement: `ENV`/`ARG` pairs, and the
/// user a `USER` line runs the container as, keyed `USER` under the parent
/// `USER` (an `ENV USER=x` is another thing).
pub(super) fn statement(text: &str) -> Vec<Assignment> {
    let Some((keyword, body, body_at)) = instruction(text) else {
        return Vec::new();
    };
    match keyword.as_str() {
        "USER" => {
            let user = body.trim_end();
            if user.is_empty() || user.contains(char::is_whitespace) {
                return Vec::new();
            }
            let mut setting = assignment(text, "USER", body_at, user, "USER");
            setting.at = text.len() - text.trim_start().len();
            vec![setting]
        }
        "ENV" | "ARG" => pairs(&keyword, body)
            .into_iter()
            .filter_map(|pair| {
                let value = pair.value?;
                Some(assignment(text, pair.key, body_at + pair.key_at, value, ""))
            })
            .collect(),
        _ => Vec::new(),
    }
}
