//! Security settings written inline: debug, CORS, CSRF, TLS verification,
//! cookies, headers, auth, limits, permissions, logging, rate limits, hosts.

use std::collections::HashSet;

use serde::Deserialize;

use crate::finding::Finding;
use crate::model::Lines;
use crate::ruleinfo::RuleInfo;

/// A security-setting rule as written in `rules/security-settings.toml` or
/// `[[rules.security]]` of `.confgate.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityRule {
    pub id: String,
    pub category: String,
    pub description: String,
    pub regex: String,
    #[serde(default)]
    pub why: String,
    #[serde(default)]
    pub fix: String,
}

/// All security-setting rules, compiled once.
pub struct SecurityScanner {}

impl SecurityScanner {
    pub fn new(
        _extra: &[SecurityRule],
        _disabled: &HashSet<String>,
    ) -> anyhow::Result<SecurityScanner> {
        Ok(SecurityScanner {})
    }

    /// Security settings in `text` on lines selected by `lines`: insecure
    /// values as `Severity::Error`, safe literals as `Severity::Warning`.
    pub fn scan(&self, _path: &str, _text: &str, _lines: Lines<'_>) -> Vec<Finding> {
        Vec::new()
    }

    /// Default designated security files (globs) from the embedded pack.
    pub fn default_files() -> Vec<String> {
        Vec::new()
    }

    pub fn rules(&self) -> Vec<RuleInfo> {
        Vec::new()
    }
}
