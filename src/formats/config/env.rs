//! dotenv lines for the lenient reader: `KEY=value`, `export KEY=value`.

use std::sync::OnceLock;

use regex::Regex;

use super::{assignment, Assignment};
use crate::formats::regex_once;

pub(super) fn statement(text: &str) -> Vec<Assignment> {
    static ENV_KEY: OnceLock<Regex> = OnceLock::new();
    let Some(c) = regex_once(
        &ENV_KEY,
        r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$",
    )
    .captures(text) else {
        return Vec::new();
    };
    match (c.get(1), c.get(2)) {
        (Some(k), Some(v)) => vec![assignment(text, k.as_str(), k.start(), v.as_str(), "")],
        _ => Vec::new(),
    }
}
