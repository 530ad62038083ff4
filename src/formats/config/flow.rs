//! Inline maps: the keys of a one-line JSON object (`{"debug": true}`), a
//! YAML flow map (`app: {debug: true}`) or a TOML inline table
//! (`app = { debug = true }`), nested ones included, as assignments of
//! their own.

use super::{assignment, offset_in, Assignment};
use crate::formats::{unquote, FileType};

/// Deeper maps than this are not read.
const MAX_NESTING: usize = 8;

/// Adds the keys of the inline maps of statement `text` to `assignments`.
pub(super) fn inline_maps(file_type: FileType, text: &str, assignments: &mut Vec<Assignment>) {
    let separator = match file_type {
        FileType::Json | FileType::Yaml | FileType::Compose => b':',
        FileType::Toml => b'=',
        _ => return,
    };
    let mut found = Vec::new();
    let trimmed = text.trim();
    if assignments.is_empty() && trimmed.starts_with('{') {
        let body = trimmed.trim_end_matches(',');
        pairs(text, body, separator, "", &mut found, 0);
    }
    for assignment in assignments.iter() {
        if !assignment.value.starts_with('{') {
            continue;
        }
        if let Some(value) = text.get(assignment.span.clone()) {
            let value = value.trim_end_matches(',');
            pairs(text, value, separator, &assignment.name, &mut found, 0);
        }
    }
    assignments.extend(found);
}

/// The `key<separator>value` pairs of `map` (from `{` to its `}`), a slice
/// of the statement `text`.
fn pairs(
    text: &str,
    map: &str,
    separator: u8,
    context: &str,
    out: &mut Vec<Assignment>,
    depth: usize,
) {
    let bytes = map.as_bytes();
    if depth > MAX_NESTING || bytes.first() != Some(&b'{') || bytes.last() != Some(&b'}') {
        return;
    }
    let Some(base) = offset_in(text, map) else {
        return;
    };
    for (from, to) in parts(bytes) {
        let part = &map[from..to];
        let Some(split) = separator_at(part, separator) else {
            continue;
        };
        let key = part[..split].trim();
        let value = part[split + 1..].trim();
        let name = unquote(key);
        if name.is_empty()
            || value.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
        {
            continue;
        }
        let key_at = base + from + (part.len() - part.trim_start().len());
        out.push(assignment(text, key, key_at, value, context));
        if value.starts_with('{') {
            pairs(text, value, separator, name, out, depth + 1);
        }
    }
}

/// Byte ranges of the top-level parts of a map, between `{`, `,` and `}`.
fn parts(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut parts = Vec::new();
    let (mut level, mut quote, mut start) = (0i32, None::<u8>, 1usize);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) if b == b'\\' => i += 1,
            Some(_) => {}
            None => match b {
                b'"' | b'\'' => quote = Some(b),
                b'{' | b'[' => level += 1,
                b'}' | b']' => {
                    level -= 1;
                    if level == 0 {
                        parts.push((start, i));
                        break;
                    }
                }
                b',' if level == 1 => {
                    parts.push((start, i));
                    start = i + 1;
                }
                _ => {}
            },
        }
        i += 1;
    }
    parts
}

/// The separator outside quotes; a YAML key ends at the first `:`.
fn separator_at(part: &str, separator: u8) -> Option<usize> {
    let mut quote = None::<u8>;
    for (j, &b) in part.as_bytes().iter().enumerate() {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == separator => return Some(j),
            None => {}
        }
    }
    None
}
