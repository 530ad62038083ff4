//! Fuzz the other inputs a repository controls: pre-push lines, baselines,
//! CODEOWNERS.
#![no_main]

use confgate::baseline::Baseline;
use confgate::codeowners::CodeOwners;
use confgate::git::parse_push_lines;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = parse_push_lines(&text);
    let _ = serde_json::from_str::<Baseline>(&text);
    let owners = CodeOwners::parse(&text);
    let _ = owners.owners_of("config/app.toml");
});
