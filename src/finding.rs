//! Findings: what a check reports, with redaction and line-independent fingerprints.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// The ids of the built-in rules that are not in a detector's pack: the
/// record checks, the policy guard and the release check. Their docs are in
/// `rules/builtin.toml`; the record policies' ids are in
/// [`crate::records::policy`].
pub mod rule {
    pub const MISSING_RECORD: &str = "missing-record";
    pub const INCOMPLETE_RECORD: &str = "incomplete-record";
    pub const INVALID_CONFIG: &str = "invalid-config";
    pub const SKIPPED_FILE: &str = "skipped-file";
    pub const POLICY_WEAKENED: &str = "policy-weakened";
    pub const CONFIG_DRIFT: &str = "config-drift";
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Secret,
    SecuritySetting,
    MissingRecord,
    IncompleteRecord,
    InvalidConfig,
    ForbiddenFile,
    ConfigDrift,
    /// A text file that could not be read whole (too large).
    SkippedFile,
    /// A change that loosens the policy judging it (a rule disabled, a path
    /// ignored, a baseline entry added, …).
    PolicyWeakened,
    /// Record policies of `rules/config.toml` (extra fields, measurable
    /// expectations, …). Reported in JSON as `incomplete-record`.
    #[serde(rename = "incomplete-record")]
    Policy,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Secret => "secret",
            Kind::SecuritySetting => "security-setting",
            Kind::MissingRecord => "missing-record",
            Kind::IncompleteRecord | Kind::Policy => "incomplete-record",
            Kind::InvalidConfig => "invalid-config",
            Kind::ForbiddenFile => "forbidden-file",
            Kind::ConfigDrift => "config-drift",
            Kind::SkippedFile => "skipped-file",
            Kind::PolicyWeakened => "policy-weakened",
        }
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Shown, never blocks.
    Info,
    /// Shown, blocks only when the project turns it up.
    Warning,
    /// Blocks.
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One reported problem. `snippet` is already redacted: nothing that builds a
/// finding may put a secret in any field.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub kind: Kind,
    pub rule: String,
    pub severity: Severity,
    pub path: String,
    pub line: Option<u32>,
    pub commit: Option<String>,
    pub message: String,
    pub snippet: Option<String>,
    pub fingerprint: String,
    /// One line saying how to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    /// Security-setting category, or the secret provider.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// An insecure setting in a designated security file: a change that a
    /// complete record (signed by a security owner) accepts.
    #[serde(skip)]
    pub needs_signed_record: bool,
    /// Gitleaks allowlists (by index) that allow this finding when its
    /// commit is one of theirs: known only once the commit is.
    #[serde(skip)]
    pub allowed_in_commits: Vec<usize>,
}

impl Finding {
    /// A finding with the fingerprint computed from `rule`, `path` and `key`
    /// (the matched text, never a line number).
    pub fn new(kind: Kind, rule: &str, severity: Severity, path: &str, key: &str) -> Finding {
        Finding {
            kind,
            rule: rule.to_string(),
            severity,
            path: path.to_string(),
            line: None,
            commit: None,
            message: String::new(),
            snippet: None,
            fingerprint: fingerprint(rule, path, key),
            fix: None,
            category: None,
            needs_signed_record: false,
            allowed_in_commits: Vec::new(),
        }
    }

    pub fn at_line(mut self, line: u32) -> Finding {
        self.line = Some(line);
        self
    }

    pub fn message(mut self, message: impl Into<String>) -> Finding {
        self.message = message.into();
        self
    }

    pub fn snippet(mut self, snippet: impl Into<String>) -> Finding {
        self.snippet = Some(snippet.into());
        self
    }

    pub fn fix(mut self, fix: impl Into<String>) -> Finding {
        self.fix = Some(fix.into());
        self
    }

    pub fn category(mut self, category: impl Into<String>) -> Finding {
        self.category = Some(category.into());
        self
    }
}

/// A one-way, line-independent fingerprint: `sha256(rule \0 path \0 key)`, hex,
/// first 32 characters.
pub fn fingerprint(rule: &str, path: &str, key: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(rule.as_bytes());
    hasher.update([0]);
    hasher.update(path.as_bytes());
    hasher.update([0]);
    hasher.update(key.trim().as_bytes());
    let digest = hasher.finalize();
    let mut hex = String::with_capacity(32);
    for byte in &digest[..16] {
        hex.push_str(&format!("{byte:02x}"));
    }
    hex
}

/// The visible part of a secret: at most its first 4 characters (fewer for
/// short values), then `…`.
pub fn redact(secret: &str) -> String {
    let count = secret.chars().count();
    let keep = if count >= 16 { 4 } else { count / 4 };
    let mut out: String = secret.chars().take(keep).collect();
    // A kept escape character would swallow the ellipsis (`\…` in JSON).
    while out.ends_with('\\') {
        out.pop();
    }
    out.push('…');
    out
}

/// `line` with every occurrence of `secret` replaced by its redacted form,
/// trimmed and cut to a readable length.
pub fn redact_line(line: &str, secret: &str) -> String {
    let redacted = if secret.is_empty() {
        line.to_string()
    } else {
        line.replace(secret, &redact(secret))
    };
    shorten(redacted.trim())
}

/// Cut a snippet to 160 characters on a character boundary.
pub fn shorten(text: &str) -> String {
    shorten_to(text, 160)
}

/// Cut `text` to `max` characters on a character boundary, marking the cut
/// with `…`.
pub fn shorten_to(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut out: String = text.chars().take(max).collect();
        out.push('…');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_keeps_at_most_four_characters() {
        // confgate: allow aws-access-key-id -- synthetic key for the redaction test
        assert_eq!(redact("AKIAZ7VQ3LTW4GSQWERT"), "AKIA…");
        assert_eq!(redact("hunter2!"), "hu…");
        assert_eq!(redact("abc"), "…");
        assert_eq!(redact("ключключключключ"), "ключ…");
    }

    #[test]
    fn redact_line_hides_every_occurrence() {
        let line = r#"KEY = "s3cr3tValue-s3cr3tValue"  # s3cr3tValue-s3cr3tValue"#;
        let out = redact_line(line, "s3cr3tValue-s3cr3tValue");
        assert!(!out.contains("s3cr3tValue-s3cr3tValue"));
        assert_eq!(out.matches("s3cr…").count(), 2);
    }

    #[test]
    fn fingerprint_ignores_lines_but_not_rule_or_path() {
        let a = fingerprint("r", "a.py", "x");
        assert_eq!(a, fingerprint("r", "a.py", " x "));
        assert_ne!(a, fingerprint("r", "b.py", "x"));
        assert_ne!(a, fingerprint("s", "a.py", "x"));
        assert_eq!(a.len(), 32);
    }
}
