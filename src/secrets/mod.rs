//! Secret detection: provider token formats, private keys, connection URLs,
//! generic secret assignments and files that are secrets by nature.

use std::collections::HashSet;

use serde::Deserialize;

use crate::finding::Finding;
use crate::model::Lines;
use crate::ruleinfo::RuleInfo;

/// A secret rule as written in `rules/secrets.toml` or `[[rules.secret]]` of
/// `.confgate.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretRule {
    pub id: String,
    pub description: String,
    pub regex: String,
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default)]
    pub why: String,
    #[serde(default)]
    pub fix: String,
}

/// All secret rules, compiled once.
pub struct SecretScanner {}

impl SecretScanner {
    pub fn new(
        _extra: &[SecretRule],
        _disabled: &HashSet<String>,
    ) -> anyhow::Result<SecretScanner> {
        Ok(SecretScanner {})
    }

    /// Secrets in `text` whose lines are selected by `lines`.
    pub fn scan(&self, _path: &str, _text: &str, _lines: Lines<'_>) -> Vec<Finding> {
        Vec::new()
    }

    /// A `forbidden-file` finding when `path` (with its content, when text) is a
    /// secret by nature.
    pub fn forbidden_file(&self, _path: &str, _text: Option<&str>) -> Option<Finding> {
        None
    }

    pub fn rules(&self) -> Vec<RuleInfo> {
        Vec::new()
    }
}
