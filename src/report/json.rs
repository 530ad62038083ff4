//! The versioned JSON schema (`--format json`), as the structs it serializes.

use std::io::Write;

use confgate::finding::Finding;
use confgate::outcome::{ConfigChange, Skipped, Suppressed};
use confgate::release::{EnvironmentStatus, StepResult};
use serde::Serialize;
use serde_json::Value;

use super::{Mode, Report};

pub const SCHEMA_VERSION: u32 = 1;

/// The whole document: version 1 of the schema.
#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    mode: Mode,
    blocked: bool,
    findings: &'a [Finding],
    config_changes: &'a [ConfigChange],
    skipped: &'a [Skipped],
    suppressed: &'a [Suppressed],
    notices: &'a [String],
    commits: Vec<JsonCommit<'a>>,
    #[serde(flatten)]
    release: Option<JsonRelease<'a>>,
}

/// A commit checked, as the report names it.
#[derive(Serialize)]
struct JsonCommit<'a> {
    id: &'a str,
    summary: &'a str,
}

/// What `release-check` adds: the environments, the checklist steps as
/// they ran, and what became of the tag.
#[derive(Serialize)]
struct JsonRelease<'a> {
    environments: &'a [EnvironmentStatus],
    checklist: &'a [StepResult],
    tag: Option<&'a str>,
}

pub fn to_value(report: &Report<'_>) -> serde_json::Result<Value> {
    let outcome = report.outcome;
    let document = JsonReport {
        version: SCHEMA_VERSION,
        mode: report.mode,
        blocked: report.blocked(),
        findings: &outcome.findings,
        config_changes: &outcome.config_changes,
        skipped: &outcome.skipped,
        suppressed: &outcome.suppressed,
        notices: &outcome.notices,
        commits: report
            .commits
            .iter()
            .map(|c| JsonCommit {
                id: &c.id,
                summary: &c.summary,
            })
            .collect(),
        release: report.release.map(|release| JsonRelease {
            environments: &release.environments,
            checklist: &release.steps,
            tag: release.tag.as_deref(),
        }),
    };
    serde_json::to_value(document)
}

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    let mut value = to_value(report).map_err(std::io::Error::other)?;
    confgate::redact::redact_json(&mut value);
    let text = serde_json::to_string_pretty(&value).map_err(std::io::Error::other)?;
    writeln!(out, "{text}")
}
