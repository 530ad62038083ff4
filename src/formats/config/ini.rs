//! INI and `*.conf` lines: `[section]` headers and `key = value` /
//! `key: value` lines (configparser's delimiters, the first one wins), and
//! nginx-style `directive value;` lines in `*.conf` files.

use std::sync::OnceLock;

use regex::Regex;

use super::{assignment, Assignment, KeyLine};
use crate::formats::regex_once;

/// The name of a `[section]` / `[[table]]` header line, trimmed.
pub fn section_header(line: &str) -> Option<&str> {
    static SECTION: OnceLock<Regex> = OnceLock::new();
    let caps = regex_once(&SECTION, r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*$").captures(line)?;
    caps.get(1).map(|m| m.as_str())
}

/// The key and value of an INI line: split at the first `=` or `:`
/// (configparser's default delimiters); `None` without a delimiter. The key
/// is empty when the line starts with the delimiter.
pub fn key_line(line: &str) -> Option<KeyLine<'_>> {
    let pos = line.find(['=', ':'])?;
    let key = line[..pos].trim();
    let key_at = line[..pos].find(key).unwrap_or(0);
    Some(KeyLine {
        key,
        key_at,
        rest: line[pos + 1..].trim_start(),
    })
}

/// Whether a key is a setting name a rule can match: letters, digits and
/// `_.-` (not a sentence with a colon in it, nor nginx's `listen 0.0.0.0:80`).
pub fn is_name(key: &str) -> bool {
    !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
}

/// The assignments of one INI or `*.conf` statement; a header sets the
/// section.
pub(super) fn statement(text: &str, conf: bool, section: &mut String) -> Vec<Assignment> {
    if let Some(name) = section_header(text) {
        *section = name.to_string();
        return Vec::new();
    }
    match key_line(text).filter(|k| is_name(k.key)) {
        Some(k) => vec![assignment(text, k.key, k.key_at, k.rest, section)],
        None if conf => nginx(text, section),
        None => Vec::new(),
    }
}

/// `directive value;`, and `add_header Name value [always];`, whose
/// response header is a setting of its own.
fn nginx(text: &str, section: &str) -> Vec<Assignment> {
    static NGINX: OnceLock<Regex> = OnceLock::new();
    static NGINX_HEADER: OnceLock<Regex> = OnceLock::new();
    let mut out = Vec::new();
    let directive = regex_once(&NGINX, r"^\s*([a-z_]+)\s+([^;{]+);");
    let header = regex_once(
        &NGINX_HEADER,
        r#"^\s*add_header\s+["']?([A-Za-z][A-Za-z0-9-]*)["']?\s+(.+?)(?:\s+always)?\s*;"#,
    );
    for caps in [directive.captures(text), header.captures(text)]
        .into_iter()
        .flatten()
    {
        if let (Some(k), Some(v)) = (caps.get(1), caps.get(2)) {
            out.push(assignment(text, k.as_str(), k.start(), v.as_str(), section));
        }
    }
    out
}
