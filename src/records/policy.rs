//! Record policies from the production checklist: extra fields for risky
//! changes, one change at a time, measurable expectations, real rollbacks.

use std::collections::{BTreeSet, HashSet};
use std::sync::OnceLock;

use regex::Regex;

use crate::config::plan::{PathSet, Plan};
use crate::finding::{Finding, Kind, Severity};
use crate::model::ChangeStatus;
use crate::outcome::ConfigChange;
use crate::records::record::{self, Record, RecordSource};

pub const RECORD_FIELDS: &str = "record-fields";
pub const ONE_CHANGE: &str = "one-change-at-a-time";
pub const MEASURABLE: &str = "measurable-expected";
pub const ROLLBACK: &str = "rollback-irreversible";

/// Field names the policies may ask for: allowed in record files and trailers.
pub fn extra_field_names(plan: &Plan) -> HashSet<String> {
    plan.field_policies
        .iter()
        .flat_map(|p| p.fields.iter().flatten().cloned())
        .collect()
}

/// Where a record-level finding is reported: the record file, else the
/// config file it covers.
fn record_path<'a>(record: &'a Record, config: &'a ConfigChange) -> &'a str {
    match &record.source {
        RecordSource::File(path) => path,
        RecordSource::Trailers => &config.path,
    }
}

/// Policies judged on one covered config change and its record.
pub fn check(plan: &Plan, config: &ConfigChange, record: &Record) -> Vec<Finding> {
    let mut out = Vec::new();
    let keys = config.key_names();
    let record_at = record_path(record, config);
    let as_trailer = record.source == RecordSource::Trailers;
    for policy in &plan.field_policies {
        if !policy.applies(&config.path, &keys) {
            continue;
        }
        for alternatives in &policy.fields {
            if alternatives
                .iter()
                .any(|field| record.extra_field(field, &plan.placeholders).is_some())
            {
                continue;
            }
            // Said in the form the record is given in: trailer names for
            // trailers, TOML for a record file.
            let wanted = alternatives
                .iter()
                .map(|field| match as_trailer {
                    true => format!("`{}:`", record::trailer_name(field)),
                    false => format!("`{field}`"),
                })
                .collect::<Vec<_>>()
                .join(" or ");
            let value = record::policy_example(&policy.example, &alternatives[0])
                .unwrap_or_else(|| "…".to_string());
            let example = record::field_line(&alternatives[0], &value, as_trailer);
            out.push(
                Finding::new(
                    Kind::Policy,
                    RECORD_FIELDS,
                    policy.severity,
                    record_at,
                    &format!("{}:{}", config.path, alternatives.join(" or ")),
                )
                .message(format!(
                    "{} is a {} change: the record needs {wanted} ({})",
                    config.path, policy.id, policy.why
                ))
                .fix(match as_trailer {
                    true => {
                        format!("add the trailer to the commit message's last paragraph: {example}")
                    }
                    false => format!("add to the record: {example}"),
                })
                .category(policy.id.clone()),
            );
        }
    }
    if let Some(expected) = record.expected.as_deref() {
        if !is_measurable(expected) {
            out.push(
                Finding::new(Kind::Policy, MEASURABLE, Severity::Warning, record_at, expected)
                    .message(format!(
                        "the expected result has nothing to measure ({expected:?}): say the state before and the target"
                    ))
                    .fix(format!("e.g. {}", record::field_line("expected", "p95 of /search from 450 ms to below 200 ms within 1 h of deploy", as_trailer))),
            );
        }
    }
    if let Some(rollback) = record.rollback.as_deref() {
        if is_bare_revert(rollback) {
            if let Some(reason) = irreversible(plan, config) {
                out.push(
                    Finding::new(Kind::Policy, ROLLBACK, Severity::Warning, record_at, &format!("{}:{rollback}", config.path))
                        .message(format!(
                            "the rollback only says {rollback:?}, but {reason}: a revert alone does not undo it"
                        ))
                        .fix(format!("add the data or deploy step, e.g. {}", record::field_line("rollback", "revert; run the down migration 0042; redeploy readers first", as_trailer))),
                );
            }
        }
    }
    out
}

/// The breadth policy, judged once per change set: a broad rewrite instead of
/// a small verified change.
pub fn breadth(plan: &Plan, changes: &[ConfigChange]) -> Vec<Finding> {
    let keys: Vec<String> = changes
        .iter()
        .flat_map(|c| c.keys.iter().map(move |k| format!("{}: {}", c.path, k.key)))
        .collect();
    let areas: BTreeSet<String> = changes
        .iter()
        .flat_map(|c| {
            c.keys.iter().map(move |k| {
                let top = k.key.split(['.', '[']).next().unwrap_or_default();
                format!("{}:{top}", c.path)
            })
        })
        .collect();
    let Some(first) = changes.first() else {
        return Vec::new();
    };
    let mut reasons = Vec::new();
    if keys.len() > plan.max_keys {
        reasons.push(format!(
            "{} keys (record.max_keys = {})",
            keys.len(),
            plan.max_keys
        ));
    }
    if areas.len() > 3 {
        reasons.push(format!("{} unrelated areas", areas.len()));
    }
    if reasons.is_empty() {
        return Vec::new();
    }
    let mut quoted: Vec<String> = keys.iter().take(8).cloned().collect();
    if keys.len() > 8 {
        quoted.push(format!("… {} more", keys.len() - 8));
    }
    vec![Finding::new(
        Kind::Policy,
        ONE_CHANGE,
        Severity::Warning,
        &first.path,
        &keys.join(","),
    )
    .message(format!(
        "this commit changes {}: {}",
        reasons.join(" across "),
        quoted.join(", ")
    ))
    .fix("prefer a small verified change: split the commit, one record each")]
}

/// Whether an expected result names something to measure: a number, a
/// percentile, a rate, or a before → after comparison.
pub fn is_measurable(text: &str) -> bool {
    static COMPARISON: OnceLock<Regex> = OnceLock::new();
    let comparison = COMPARISON.get_or_init(|| {
        Regex::new(r"(?i)(→|->|=>|\bfrom\b.+\bto\b|\b(?:zero|no|none of the|all)\s+\w+\s+(?:errors?|failures?|timeouts?|alerts?)\b)")
            .expect("comparison pattern is valid")
    });
    text.chars().any(|c| c.is_ascii_digit()) || comparison.is_match(text)
}

/// A rollback note that says nothing beyond "revert".
pub fn is_bare_revert(text: &str) -> bool {
    static BARE: OnceLock<Regex> = OnceLock::new();
    let bare = BARE.get_or_init(|| {
        Regex::new(r"(?i)^\s*(?:just\s+)?(?:git\s+)?(?:revert|roll\s*back|rollback|undo)(?:\s+(?:it|this|the)(?:\s+(?:commit|change|pr|pull request|merge))?)?[\s.!]*$")
            .expect("revert pattern is valid")
    });
    bare.is_match(text)
}

/// Whether `path` is a database migration: the `migration` record policy's
/// paths, or the usual migration directories.
pub fn is_migration(plan: &Plan, path: &str) -> bool {
    static MIGRATIONS: OnceLock<Option<PathSet>> = OnceLock::new();
    let migrations = MIGRATIONS.get_or_init(|| {
        let globs: Vec<String> = [
            "**/migrations/*.py",
            "alembic/versions/*.py",
            "**/migrations/**/*.sql",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        PathSet::new("migrations", &globs).ok()
    });
    plan.field_policies
        .iter()
        .any(|p| p.id == "migration" && p.paths.is_match(path))
        || migrations.as_ref().is_some_and(|m| m.is_match(path))
}

/// Why a revert cannot undo this change, if it cannot.
fn irreversible(plan: &Plan, config: &ConfigChange) -> Option<String> {
    if is_migration(plan, &config.path) {
        return Some("it is a database migration".to_string());
    }
    match config.status {
        Some(ChangeStatus::Renamed) => return Some("the config file was renamed".to_string()),
        Some(ChangeStatus::Deleted) => return Some("the config file was deleted".to_string()),
        _ => {}
    }
    let removed: Vec<&str> = config
        .keys
        .iter()
        .filter(|k| k.change == "removed")
        .map(|k| k.key.as_str())
        .collect();
    if !removed.is_empty() {
        return Some(format!(
            "it removes keys running services may read ({})",
            removed.join(", ")
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measurable_expectations() {
        for ok in [
            "p95 below 200 ms",
            "hit ratio above 80%",
            "error rate from high to low",
            "latency 450ms → 200ms",
            "zero 5xx errors",
        ] {
            assert!(is_measurable(ok), "{ok}");
        }
        for vague in ["faster search", "should be better", "works as expected"] {
            assert!(!is_measurable(vague), "{vague}");
        }
    }

    #[test]
    fn bare_reverts() {
        for bare in [
            "revert",
            "Revert this commit.",
            "git revert",
            "rollback",
            "just revert it",
        ] {
            assert!(is_bare_revert(bare), "{bare}");
        }
        for full in [
            "revert; run the down migration",
            "revert and flush the cache",
        ] {
            assert!(!is_bare_revert(full), "{full}");
        }
    }
}
