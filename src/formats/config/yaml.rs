//! YAML and compose lines for the lenient reader: `key: value` under the
//! parent keys that indentation opens, and list items (`- KEY=value`, or a
//! value of the parent key). The strict parse is `keydiff/yaml.rs`.

use std::sync::OnceLock;

use regex::Regex;

use super::{assignment, Assignment};
use crate::formats::{regex_once, unquote};

/// The assignments of one YAML statement; `parents` holds (indent, key) of
/// the keys whose value is a nested block, innermost last.
pub(super) fn statement(text: &str, parents: &mut Vec<(usize, String)>) -> Vec<Assignment> {
    static YAML_KEY: OnceLock<Regex> = OnceLock::new();
    static YAML_ITEM: OnceLock<Regex> = OnceLock::new();
    let indent = text.len() - text.trim_start().len();
    let item = regex_once(&YAML_ITEM, r"^(\s*)-\s+(.*)$").captures(text);
    let key = regex_once(
        &YAML_KEY,
        r#"(?s)^\s*(?:-\s+)?["']?([A-Za-z0-9_.-]+)["']?\s*:(?:\s+(.*))?$"#,
    )
    .captures(text);
    let is_item = item.is_some();
    while parents
        .last()
        .is_some_and(|(i, _)| *i > indent || (*i == indent && !is_item))
    {
        parents.pop();
    }
    let parent = parents.last().map(|(_, k)| k.clone()).unwrap_or_default();
    if let Some(c) = key {
        let Some(k) = c.get(1) else {
            return Vec::new();
        };
        let v = c.get(2).map_or("", |m| m.as_str()).trim();
        if v.is_empty() || v == "|" || v == ">" {
            parents.push((indent, k.as_str().to_string()));
            return Vec::new();
        }
        return vec![assignment(text, k.as_str(), k.start(), v, &parent)];
    }
    match item.and_then(|c| c.get(2)) {
        Some(v) => list_item(text, v.as_str(), v.start(), &parent),
        None => Vec::new(),
    }
}

/// A list item: `KEY=value` (compose's `environment:` list) is a setting of
/// its own; any other item is a value of the parent key.
fn list_item(text: &str, item: &str, at: usize, parent: &str) -> Vec<Assignment> {
    static PAIR: OnceLock<Regex> = OnceLock::new();
    let raw = unquote(item);
    match regex_once(&PAIR, r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$").captures(raw) {
        Some(p) => {
            let k = p.get(1).map_or("", |m| m.as_str());
            let value = p.get(2).map_or("", |m| m.as_str());
            vec![assignment(text, k, at, value, parent)]
        }
        None if !parent.is_empty() => vec![assignment(text, parent, at, item, parent)],
        None => Vec::new(),
    }
}
