//! TOML lines for the lenient reader: `[table]` headers and `key = value`
//! (bare, quoted or dotted keys). The strict parse is `keydiff/toml.rs`
//! (`toml_edit`).

use std::sync::OnceLock;

use regex::Regex;

use super::{assignment, ini::section_header, Assignment};
use crate::formats::regex_once;

pub(super) fn statement(text: &str, section: &mut String) -> Vec<Assignment> {
    static KEY_EQ: OnceLock<Regex> = OnceLock::new();
    if let Some(name) = section_header(text) {
        *section = name.to_string();
        return Vec::new();
    }
    let Some(caps) =
        regex_once(&KEY_EQ, r#"(?s)^\s*([A-Za-z0-9_."'-]+)\s*=\s*(.*)$"#).captures(text)
    else {
        return Vec::new();
    };
    match (caps.get(1), caps.get(2)) {
        (Some(k), Some(v)) => vec![assignment(text, k.as_str(), k.start(), v.as_str(), section)],
        _ => Vec::new(),
    }
}
