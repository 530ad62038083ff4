//! SARIF 2.1.0 output, as GitHub code scanning accepts it.

use std::collections::BTreeSet;
use std::io::Write;

use confgate::finding::{Finding, Severity};
use serde_json::{json, Value};

use super::Report;

pub fn to_value(report: &Report<'_>) -> Value {
    let used: BTreeSet<&str> = report
        .outcome
        .findings
        .iter()
        .map(|f| f.rule.as_str())
        .collect();
    let rules: Vec<Value> = used.iter().map(|id| rule_value(report, id)).collect();
    let results: Vec<Value> = report
        .outcome
        .findings
        .iter()
        .map(|finding| {
            let rule_index = used.iter().position(|id| *id == finding.rule).unwrap_or(0);
            result_value(finding, rule_index)
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "confgate",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/confgate/confgate",
                "rules": rules,
            }},
            "results": results,
        }],
    })
}

/// A rule the findings use, described from the registry.
fn rule_value(report: &Report<'_>, id: &str) -> Value {
    let info = report.rules.iter().find(|r| r.id == id);
    let (short, full, help, kind) = match info {
        Some(info) => (
            info.description.clone(),
            format!("{} {}", info.matches, info.why).trim().to_string(),
            info.fix.clone(),
            info.kind_label().to_string(),
        ),
        None => (id.to_string(), id.to_string(), String::new(), String::new()),
    };
    json!({
        "id": id,
        "name": id,
        "shortDescription": {"text": non_empty(&short, id)},
        "fullDescription": {"text": non_empty(&full, id)},
        "help": {"text": non_empty(&help, "see `confgate explain` for this rule")},
        "properties": {"tags": [kind]},
    })
}

/// One finding as a SARIF result.
fn result_value(finding: &Finding, rule_index: usize) -> Value {
    let mut location = json!({
        "physicalLocation": {
            "artifactLocation": {"uri": uri_reference(&finding.path)},
        }
    });
    if let Some(line) = finding.line.filter(|&l| l > 0) {
        location["physicalLocation"]["region"] = json!({"startLine": line});
    }
    let mut text = finding.message.clone();
    if let Some(fix) = &finding.fix {
        text.push_str(&format!(" Fix: {fix}"));
    }
    if let Some(commit) = &finding.commit {
        text.push_str(&format!(" (commit {commit})"));
    }
    let level = match finding.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    };
    json!({
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": level,
        "message": {"text": non_empty(&text, &finding.rule)},
        "locations": [location],
        "partialFingerprints": {"confgate/v1": finding.fingerprint},
        "properties": {"kind": finding.kind.as_str()},
    })
}

/// A repository path as the relative URI SARIF asks for: bytes other than
/// unreserved characters and `/` percent-encoded, so that spaces, `%`, `#`
/// or a `:` in the first segment cannot make an invalid or different URI.
fn uri_reference(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn non_empty(text: &str, fallback: &str) -> String {
    if text.trim().is_empty() {
        fallback.to_string()
    } else {
        text.to_string()
    }
}

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    let mut value = to_value(report);
    confgate::redact::redact_json(&mut value);
    let text = serde_json::to_string_pretty(&value).map_err(std::io::Error::other)?;
    writeln!(out, "{text}")
}

#[cfg(test)]
mod tests {
    use super::uri_reference;

    #[test]
    fn paths_become_relative_uri_references() {
        assert_eq!(uri_reference("app/settings.py"), "app/settings.py");
        assert_eq!(
            uri_reference("config/search service.toml"),
            "config/search%20service.toml"
        );
        assert_eq!(uri_reference("a:b/100%#x"), "a%3Ab/100%25%23x");
        assert_eq!(uri_reference("conf/é.toml"), "conf/%C3%A9.toml");
    }
}
