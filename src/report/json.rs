//! The versioned JSON schema (`--format json`).

use std::io::Write;

use serde_json::{json, Map, Value};

use super::Report;

pub const SCHEMA_VERSION: u32 = 1;

pub fn to_value(report: &Report<'_>) -> Value {
    let outcome = report.outcome;
    let mut root = Map::new();
    root.insert("version".into(), json!(SCHEMA_VERSION));
    root.insert("mode".into(), json!(report.mode));
    root.insert("blocked".into(), json!(report.blocked()));
    root.insert("findings".into(), json!(outcome.findings));
    root.insert("config_changes".into(), json!(outcome.config_changes));
    root.insert("skipped".into(), json!(outcome.skipped));
    root.insert("suppressed".into(), json!(outcome.suppressed));
    root.insert("notices".into(), json!(outcome.notices));
    root.insert(
        "commits".into(),
        Value::Array(
            report
                .commits
                .iter()
                .map(|c| json!({"id": c.id, "summary": c.summary}))
                .collect(),
        ),
    );
    for (key, value) in &report.extra_json {
        root.insert((*key).to_string(), value.clone());
    }
    Value::Object(root)
}

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    let mut value = to_value(report);
    confgate::redact::redact_json(&mut value);
    let text = serde_json::to_string_pretty(&value).map_err(std::io::Error::other)?;
    writeln!(out, "{text}")
}
