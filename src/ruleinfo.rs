//! What `confgate rules` and `confgate explain` show about one rule or policy.

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct RuleInfo {
    pub id: String,
    /// `secret`, `security-setting`, `forbidden-file`, `policy`, …
    pub kind: String,
    /// Provider for secrets, category for security settings.
    pub category: String,
    pub severity: String,
    pub description: String,
    /// What it matches, in words.
    pub matches: String,
    pub why: String,
    pub fix: String,
    /// An example that is flagged and one that is not.
    pub example_bad: String,
    pub example_good: String,
    pub enabled: bool,
}
