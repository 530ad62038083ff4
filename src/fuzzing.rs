//! The bodies of the fuzz targets (`fuzz/fuzz_targets/`), kept in the
//! library so that `cargo test` replays the saved inputs in
//! `fuzz/regressions/` through exactly the code the fuzzer ran. Each takes
//! arbitrary bytes; the assertions are invariants, not input checks.

use std::collections::HashSet;
use std::sync::OnceLock;

use crate::config::plan::Plan;
use crate::config::settings::{self, Layers};
use crate::detect::baseline::Baseline;
use crate::detect::secrets::SecretScanner;
use crate::detect::security::SecurityScanner;
use crate::detect::suppress;
use crate::git::parse_push_lines;
use crate::keydiff::{self, Format};
use crate::model::Lines;
use crate::records::codeowners::CodeOwners;
use crate::records::record::{self, Record};

/// A fuzz target's body: any bytes in, a panic only on a broken invariant.
pub type FuzzTarget = fn(&[u8]);

/// The fuzz targets by name, as `cargo fuzz run NAME` knows them.
pub const TARGETS: [(&str, FuzzTarget); 5] = [
    ("config_formats", config_formats),
    ("detectors", detectors),
    ("inputs", inputs),
    ("records", records),
    ("settings", settings),
];

/// The key-level config parsers and the diff/describe built on them. The
/// first byte picks the format; a NUL splits the old and the new version.
pub fn config_formats(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let format = Format::ALL[usize::from(selector) % Format::ALL.len()];
    let text = String::from_utf8_lossy(rest);
    let (old, new) = match text.split_once('\0') {
        Some((old, new)) => (old.to_string(), new.to_string()),
        None => (String::new(), text.into_owned()),
    };
    let old = keydiff::parse(format, &old).unwrap_or_default();
    if let Ok(new) = keydiff::parse(format, &new) {
        for change in keydiff::diff(&old, &new) {
            let _ = keydiff::describe(&change);
        }
        assert!(
            keydiff::diff(&new, &new).is_empty(),
            "a map differs from itself"
        );
    }
}

const DETECTOR_PATHS: [&str; 10] = [
    "app/settings.py",
    "config/app.toml",
    "deploy/values.yaml",
    ".env",
    "config/app.json",
    "setup.ini",
    "Dockerfile",
    "docker-compose.yml",
    "gunicorn.conf.py",
    "README.md",
];

fn scanners() -> &'static (SecretScanner, SecurityScanner) {
    static SCANNERS: OnceLock<(SecretScanner, SecurityScanner)> = OnceLock::new();
    SCANNERS.get_or_init(|| {
        let none = HashSet::new();
        (
            SecretScanner::new(&[], &none).expect("built-in secret rules load"),
            SecurityScanner::new(&[], &none).expect("built-in security rules load"),
        )
    })
}

/// The secret and security-setting detectors over any text; the first byte
/// picks the path.
pub fn detectors(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let path = DETECTOR_PATHS[usize::from(selector) % DETECTOR_PATHS.len()];
    let text = String::from_utf8_lossy(rest);
    let (secrets, security) = scanners();
    let some: Vec<u32> = (1..=text.lines().count() as u32).step_by(2).collect();
    for lines in [Lines::All, Lines::Only(&some)] {
        for finding in secrets.scan(path, &text, lines) {
            assert!(
                finding.line.is_some_and(|l| l >= 1),
                "a secret finding without a line"
            );
        }
        let _ = security.scan(path, &text, lines);
    }
    let _ = secrets.forbidden_file(path, Some(&text));
}

/// The other inputs a repository controls: pre-push lines, baselines,
/// CODEOWNERS.
pub fn inputs(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = parse_push_lines(&text);
    let _ = serde_json::from_str::<Baseline>(&text);
    let owners = CodeOwners::parse(&text);
    let _ = owners.owners_of("config/app.toml");
}

/// Record files, commit-message trailers and suppression comments.
pub fn records(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let extra: HashSet<String> = ["tested_on".to_string(), "rule".to_string()].into();
    let placeholders: HashSet<String> = ["tbd".to_string(), "-".to_string()].into();
    if let Ok(record) = Record::parse_file("config-changes/f.toml", &text, &extra) {
        let _ = record.problems(&placeholders);
    }
    for record in Record::from_message(&text, &extra) {
        let _ = record.problems(&placeholders);
    }
    let _ = record::parse_trailers(&text);
    let _ = record::is_owner_form(&text);
    for line in 0..4 {
        let _ = suppress::allow_for("f.py", &text, line, "aws-access-key");
    }
}

/// `.confgate.toml` parsing and plan building on top of the defaults.
pub fn settings(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(layer) = settings::parse_layer(".confgate.toml", &text) else {
        return;
    };
    let defaults =
        settings::parse_layer("defaults", settings::DEFAULTS).expect("the built-in defaults parse");
    let _ = Plan::build(&Layers::new(vec![defaults, layer]));
}
