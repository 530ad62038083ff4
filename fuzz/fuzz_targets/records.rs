//! Fuzz record files, commit-message trailers and suppression comments.
#![no_main]

use std::collections::HashSet;

use confgate::record::{self, Record};
use confgate::suppress;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let extra: HashSet<String> = ["tested_on".to_string(), "rule".to_string()].into();
    let placeholders: HashSet<String> = ["tbd".to_string(), "-".to_string()].into();
    if let Ok(record) = Record::parse_file("config-changes/f.toml", &text, &extra) {
        let _ = record.problems(&placeholders);
    }
    if let Some(record) = Record::from_message(&text, &extra) {
        let _ = record.problems(&placeholders);
    }
    let _ = record::parse_trailers(&text);
    let _ = record::is_owner_form(&text);
    for line in 0..4 {
        let _ = suppress::allow_for(&text, line, "aws-access-key");
    }
});
