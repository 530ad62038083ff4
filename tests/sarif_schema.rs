//! SARIF output against the SARIF 2.1.0 schema (OASIS), with findings in it,
//! for `scan` and for `check --range`.

use std::path::PathBuf;

use crate::common::{TestRepo, RECORD};
use jsonschema::Validator;
use serde_json::{json, Value};

/// A made-up AWS access key id: the right shape, random letters, no real key.
const AWS_KEY: &str = "AKIAQ4T7WZ2LMRX5BNPD";

/// The schema is vendored in `tests/schemas/` (its source and licence are in
/// the README there), so a fresh clone tests with nothing beside it.
fn schema_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/sarif-schema-2.1.0.json")
}

/// The validator for a whole SARIF log. A missing or unreadable schema fails
/// the test: skipping would let invalid SARIF through unnoticed.
fn validator() -> Validator {
    let path = schema_path();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|err| {
        panic!(
            "SARIF schema not readable at {} ({err}); it is required for this test \
             (it is vendored in tests/schemas/)",
            path.display()
        )
    });
    let file: Value = serde_json::from_str(&text)
        .unwrap_or_else(|err| panic!("{} is not JSON: {err}", path.display()));
    let mut definitions = file
        .get("definitions")
        .cloned()
        .unwrap_or_else(|| panic!("{} has no definitions", path.display()));
    assert!(
        definitions.get("Root").is_some(),
        "{} has no definitions.Root",
        path.display()
    );
    escape_lone_brackets(&mut definitions);
    let root = json!({"$ref": "#/definitions/Root", "definitions": definitions});
    jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(&root)
        .unwrap_or_else(|err| panic!("schema does not compile: {err}"))
}

/// ECMA-262, the regex dialect of JSON Schema, reads a `]` outside a class
/// as a literal; Rust's regex engines reject it. The OASIS schema's
/// `language` pattern has one, so escape such brackets: same meaning, and
/// the schema compiles.
fn escape_lone_brackets(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                match value {
                    Value::String(pattern) if key == "pattern" => {
                        *pattern = escape_pattern(pattern);
                    }
                    _ => escape_lone_brackets(value),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(escape_lone_brackets),
        _ => {}
    }
}

fn escape_pattern(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 2);
    let mut in_class = false;
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                out.push(c);
                if let Some(next) = chars.next() {
                    out.push(next);
                }
                continue;
            }
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            ']' => {
                out.push_str("\\]");
                continue;
            }
            _ => {}
        }
        out.push(c);
    }
    out
}

#[test]
fn lone_brackets_are_escaped_and_classes_kept() {
    assert_eq!(
        escape_pattern("^[a-z]{2}-[a-z]{2}]?$"),
        "^[a-z]{2}-[a-z]{2}\\]?$"
    );
    assert_eq!(escape_pattern(r"^\]a[b\]]$"), r"^\]a[b\]]$");
}

#[track_caller]
fn assert_valid(validator: &Validator, log: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|err| format!("  at {}: {err}", err.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what}: SARIF does not validate:\n{}\n--- document\n{}",
        errors.join("\n"),
        serde_json::to_string_pretty(log).unwrap_or_default()
    );
}

fn results(log: &Value) -> &Vec<Value> {
    log["runs"][0]["results"]
        .as_array()
        .unwrap_or_else(|| panic!("no runs[0].results in {log}"))
}

/// What GitHub code scanning relies on beyond the schema: every result names
/// a rule the driver declares, at the index it gives, with a fingerprint.
#[track_caller]
fn assert_rules_consistent(log: &Value) {
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap_or_else(|| panic!("no driver.rules in {log}"));
    for result in results(log) {
        let id = result["ruleId"].as_str().unwrap_or_default();
        let index = result["ruleIndex"].as_u64().unwrap_or(u64::MAX) as usize;
        assert_eq!(
            rules.get(index).and_then(|r| r["id"].as_str()),
            Some(id),
            "ruleIndex of {id} points elsewhere in {log}"
        );
        assert!(
            result["partialFingerprints"]
                .as_object()
                .is_some_and(|f| !f.is_empty()),
            "result without partialFingerprints: {result}"
        );
    }
}

fn rule_ids(log: &Value) -> Vec<String> {
    results(log)
        .iter()
        .filter_map(|r| r["ruleId"].as_str().map(str::to_string))
        .collect()
}

fn sarif_of(run: &crate::common::Run) -> Value {
    assert!(
        run.code == 0 || run.code == 1,
        "confgate failed\n{}",
        run.dump()
    );
    run.json()
}

#[test]
fn the_validator_rejects_what_is_not_sarif() {
    let validator = validator();
    let wrong_version = json!({"version": "2.0.0", "runs": []});
    assert!(!validator.is_valid(&wrong_version));
    let result_without_message = json!({
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"ruleId": "r"}]}]
    });
    assert!(!validator.is_valid(&result_without_message));
    let minimal = json!({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}}]});
    assert!(validator.is_valid(&minimal));
}

#[test]
fn scan_with_findings_is_valid_sarif() {
    let validator = validator();
    let repo = TestRepo::new();
    repo.write(
        "app/settings.py",
        format!(
            "import os\n\nDEBUG = True\nAWS_ACCESS_KEY_ID = \"{AWS_KEY}\"\nALLOWED_HOSTS = [\"*\"]\n"
        ),
    );
    repo.write(
        "app/main.py",
        "from fastapi import FastAPI\napp = FastAPI()\n",
    );
    repo.seed("legacy service");
    let run = repo.confgate(&["--format", "sarif", "scan"]);
    run.code(1);
    let log = sarif_of(&run);
    assert_valid(&validator, &log, "scan");
    assert_rules_consistent(&log);
    assert!(
        results(&log).len() >= 2,
        "expected a secret and a security setting\n{}",
        run.dump()
    );
    let kinds: Vec<&str> = results(&log)
        .iter()
        .filter_map(|r| r["properties"]["kind"].as_str())
        .collect();
    assert!(kinds.contains(&"secret"), "no secret in {kinds:?}");
    assert!(
        kinds.contains(&"security-setting"),
        "no security setting in {kinds:?}"
    );
    assert!(
        !run.stdout.contains(AWS_KEY),
        "the key is printed in full\n{}",
        run.dump()
    );
    for result in results(&log) {
        let uri = &result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
        assert_eq!(uri, "app/settings.py", "{result}");
        assert!(
            result["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64() >= Some(3),
            "{result}"
        );
    }
}

#[test]
fn clean_scan_is_valid_sarif() {
    let validator = validator();
    let repo = TestRepo::new();
    repo.write("app/main.py", "print('hello')\n");
    let run = repo.confgate(&["--format", "sarif", "scan"]);
    run.ok();
    let log = sarif_of(&run);
    assert_valid(&validator, &log, "clean scan");
    assert!(results(&log).is_empty(), "{}", run.dump());
}

#[test]
fn check_range_with_findings_is_valid_sarif() {
    let validator = validator();
    let repo = TestRepo::new();
    repo.write("config/service.toml", "[cache]\nttl = 60\n");
    repo.write("app/main.py", "print('hello')\n");
    repo.seed("base");
    let base = repo.head();

    // An unrecorded config change, in a path that needs percent-encoding.
    repo.write("config/search service.toml", "[search]\nlimit = 50\n");
    repo.write("config/service.toml", "[cache]\nttl = 300\n");
    repo.seed("raise cache ttl");
    // A secret, in a commit of its own.
    repo.write("app/client.py", format!("KEY = \"{AWS_KEY}\"\n"));
    repo.seed("add client");
    // A recorded change: no finding for it.
    repo.write("config/service.toml", "[cache]\nttl = 120\n");
    repo.write("config-changes/ttl.toml", RECORD);
    repo.seed("lower cache ttl");

    let range = format!("{base}..HEAD");
    let run = repo.confgate(&["--format", "sarif", "check", "--range", &range]);
    run.code(1);
    let log = sarif_of(&run);
    assert_valid(&validator, &log, "check --range");
    assert_rules_consistent(&log);
    let ids = rule_ids(&log);
    assert!(
        ids.iter().any(|id| id == "missing-record"),
        "no missing-record in {ids:?}"
    );
    assert!(
        results(&log)
            .iter()
            .any(|r| r["properties"]["kind"] == "secret"),
        "no secret in {ids:?}\n{}",
        run.dump()
    );
    assert_eq!(
        ids.iter().filter(|id| *id == "missing-record").count(),
        2,
        "the two files of the unrecorded commit lack a record, the recorded one does not: {ids:?}"
    );
    assert!(
        results(&log).iter().any(
            |r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                == "config/search%20service.toml"
        ),
        "the path with a space is not percent-encoded\n{}",
        run.dump()
    );
    assert!(!run.stdout.contains(AWS_KEY), "{}", run.dump());
}

#[test]
fn check_range_invalid_config_is_valid_sarif() {
    let validator = validator();
    let repo = TestRepo::new();
    repo.write("config/service.toml", "[cache]\nttl = 60\n");
    repo.seed("base");
    let base = repo.head();
    repo.write("config/service.toml", "[cache]\nttl = \n");
    repo.write("config-changes/ttl.toml", RECORD);
    repo.seed("broken");
    let run = repo.confgate(&[
        "--format",
        "sarif",
        "check",
        "--range",
        &format!("{base}..HEAD"),
    ]);
    run.code(1);
    let log = sarif_of(&run);
    assert_valid(&validator, &log, "invalid config");
    assert!(
        rule_ids(&log).iter().any(|id| id == "invalid-config"),
        "{}",
        run.dump()
    );
}
