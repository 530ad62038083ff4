//! The integration tests, one binary: each module drives the real `confgate`
//! binary (or the library's public API) in real temporary git repositories,
//! isolated from the machine's git config. One binary links once, which is
//! most of a clean test build's time.

mod common;

mod bad_input;
mod ci_script;
mod cli_manners;
mod committed_policy;
mod config_readings;
mod detect_secrets_import;
mod engine_cases;
mod foundation;
mod fuzz_regressions;
mod gitleaks_import;
mod holes;
mod hook_scripts;
mod human_snapshots;
mod keydiff_cases;
mod new_work;
mod no_secret_leaks;
mod policies;
mod precommit_framework;
mod provider_tokens;
mod push_release;
mod record_noise;
mod records;
mod records_seem;
mod robustness;
mod sarif_schema;
mod scan_secrets;
mod secrets_corpus;
mod security_corpus;
mod security_precision;
mod security_removals;
mod server_hooks;
mod suppression;

/// Every `tests/*.rs` file is a module here: with `autotests = false`, a
/// file not listed would silently never run.
#[test]
fn every_test_file_is_a_module() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let listed = include_str!("tests.rs");
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("tests/ is readable") {
        let path = entry.expect("a directory entry").path();
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if path.extension().is_some_and(|e| e == "rs")
            && stem != "tests"
            && !listed.contains(&format!("\nmod {stem};\n"))
        {
            missing.push(stem.to_string());
        }
    }
    assert!(
        missing.is_empty(),
        "add `mod NAME;` to tests/tests.rs for: {missing:?}"
    );
}
