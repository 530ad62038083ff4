//! Fuzz the secret and security-setting detectors over any text and path.
#![no_main]

use std::collections::HashSet;
use std::sync::OnceLock;

use confgate::model::Lines;
use confgate::secrets::SecretScanner;
use confgate::security::SecurityScanner;
use libfuzzer_sys::fuzz_target;

const PATHS: [&str; 10] = [
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

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let path = PATHS[usize::from(selector) % PATHS.len()];
    let text = String::from_utf8_lossy(rest);
    let (secrets, security) = scanners();
    let some: Vec<u32> = (1..=text.lines().count() as u32).step_by(2).collect();
    for lines in [Lines::All, Lines::Only(&some)] {
        for finding in secrets.scan(path, &text, lines) {
            assert!(finding.line.is_some_and(|l| l >= 1), "a secret finding without a line");
        }
        let _ = security.scan(path, &text, lines);
    }
    let _ = secrets.forbidden_file(path, Some(&text));
});
