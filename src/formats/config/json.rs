//! JSON lines for the lenient reader: `"key": value` one per line (the
//! strict parse is `keydiff/json.rs`, `serde_json`). One-line objects are
//! read by `flow`.

use std::sync::OnceLock;

use regex::Regex;

use super::{assignment, Assignment};
use crate::formats::regex_once;

pub(super) fn statement(text: &str) -> Vec<Assignment> {
    static JSON_KEY: OnceLock<Regex> = OnceLock::new();
    let Some(caps) = regex_once(&JSON_KEY, r#"(?s)^\s*"([^"]+)"\s*:\s*(.*?),?\s*$"#).captures(text)
    else {
        return Vec::new();
    };
    match (caps.get(1), caps.get(2)) {
        (Some(k), Some(v)) => vec![assignment(text, k.as_str(), k.start(), v.as_str(), "")],
        _ => Vec::new(),
    }
}
