//! What a check gives: the findings, each config change with its keys and
//! record, the files skipped and the findings suppressed. Plain data, shared
//! by the engine that fills it, the record policies that judge it and the
//! reports that print it.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::finding::{Finding, Severity};
use crate::model::ChangeStatus;

/// One config file changed by the change set, with its keys and record.
#[derive(Debug, Clone, Serialize)]
pub struct ConfigChange {
    pub path: String,
    pub commit: Option<String>,
    pub keys: Vec<KeyEntry>,
    pub record: Option<RecordSummary>,
    #[serde(skip)]
    pub status: Option<ChangeStatus>,
    #[serde(skip)]
    pub old_path: Option<String>,
    #[serde(skip)]
    pub security_file: bool,
    /// The short id of the commit this change undoes, when it is covered by
    /// that commit's record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rollback_of: Option<String>,
    /// Read key by key on both sides, so an empty `keys` means that no
    /// setting changed (comments, formatting, code in a settings module).
    #[serde(skip)]
    pub keyed: bool,
    /// The change only moves image tags, digests or pinned versions (see
    /// `records::dependency`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub dependency_update: bool,
}

impl ConfigChange {
    pub fn key_names(&self) -> Vec<String> {
        self.keys.iter().map(|k| k.key.clone()).collect()
    }

    /// A short description of what changed, for messages and logs.
    pub fn summary(&self, limit: usize) -> String {
        let mut parts: Vec<String> = match (self.status, &self.old_path) {
            (Some(ChangeStatus::Deleted), _) => vec!["file deleted".to_string()],
            (Some(ChangeStatus::Renamed), Some(old)) => vec![format!("renamed from {old}")],
            (Some(ChangeStatus::Added), _) if self.keys.is_empty() => vec!["new file".to_string()],
            _ => Vec::new(),
        };
        parts.extend(self.keys.iter().take(limit).map(|k| k.text.clone()));
        if self.keys.len() > limit {
            parts.push(format!("… {} more keys", self.keys.len() - limit));
        }
        if parts.is_empty() {
            parts.push("content changed".to_string());
        }
        let parts = parts.join("; ");
        if self.dependency_update {
            format!("dependency update: {parts}")
        } else {
            parts
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct KeyEntry {
    pub key: String,
    pub change: &'static str,
    /// `cache.ttl 60 → 300`, with secret values redacted.
    #[serde(skip)]
    pub text: String,
    /// The value before the change (modified, removed), redacted like `text`.
    #[serde(skip)]
    pub old: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RecordSummary {
    pub owner: String,
    pub expected: String,
    pub rollback: String,
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verify: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
    #[serde(skip)]
    pub file: Option<String>,
}

/// A file the checks could not look into, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
    pub commit: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Suppressed {
    pub rule: String,
    pub path: String,
    pub line: Option<u32>,
    pub reason: String,
}

#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub config_changes: Vec<ConfigChange>,
    pub skipped: Vec<Skipped>,
    pub suppressed: Vec<Suppressed>,
    pub baselined: usize,
    pub notices: Vec<String>,
    /// For each change set with unrecorded config changes, the record they
    /// need (the example the report shows).
    pub drafts: Vec<RecordDraft>,
}

impl Outcome {
    pub fn merge(&mut self, other: Outcome) {
        self.findings.extend(other.findings);
        self.config_changes.extend(other.config_changes);
        self.skipped.extend(other.skipped);
        self.suppressed.extend(other.suppressed);
        self.baselined += other.baselined;
        self.notices.extend(other.notices);
        self.drafts.extend(other.drafts);
    }

    pub fn blocked(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }
}

/// An extra field a policy asks the record for.
#[derive(Debug, Clone)]
pub struct DraftField {
    /// The field's name; `alternatives` may stand in for it.
    pub name: String,
    pub alternatives: Vec<String>,
    pub policy: String,
    pub why: String,
    /// A filled-in value, from the policy's example, when it has one.
    pub example: Option<String>,
}

/// The record a set of config changes needs, built from the changes
/// themselves: their files, their keys (old values for the rollback), and
/// the fields their policies ask for. It is the one template behind the
/// examples in reports and the file `confgate record new` writes.
#[derive(Debug, Clone, Default)]
pub struct RecordDraft {
    pub owner: Option<String>,
    /// Allowed owners (`record.owners`), for the hint.
    pub owners: Vec<String>,
    /// `path: what changed`, one per change.
    pub changes: Vec<String>,
    pub covers: Vec<String>,
    /// The effect to measure, named after the changed keys.
    pub expected_hint: String,
    /// How to undo the change, from the old values.
    pub rollback: String,
    pub fields: Vec<DraftField>,
    /// Trailers are not enough for these changes (`record.require = "file"`).
    pub file_only: bool,
    /// Where record files go (`record.dir`).
    pub dir: String,
}
