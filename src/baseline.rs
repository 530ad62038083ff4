//! The baseline file: fingerprints of findings accepted as they were when it
//! was written, so that only new ones are reported.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

use crate::finding::Finding;

pub const FILE_NAME: &str = ".confgate-baseline.json";

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<BaselineEntry>,
}

/// One accepted finding. No line number and no secret: only a one-way hash.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct BaselineEntry {
    pub fingerprint: String,
    pub rule: String,
    pub path: String,
}

impl Baseline {
    pub fn from_findings(findings: &[Finding]) -> Baseline {
        let mut unique: BTreeMap<(String, String, String), ()> = BTreeMap::new();
        for finding in findings {
            unique.insert(
                (
                    finding.path.clone(),
                    finding.rule.clone(),
                    finding.fingerprint.clone(),
                ),
                (),
            );
        }
        Baseline {
            version: 1,
            findings: unique
                .into_keys()
                .map(|(path, rule, fingerprint)| BaselineEntry {
                    fingerprint,
                    rule,
                    path,
                })
                .collect(),
        }
    }

    /// The baseline at `path`; `None` when there is no file.
    pub fn load(path: &Path) -> Result<Option<Baseline>> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(err) => return Err(err).with_context(|| format!("cannot read {}", path.display())),
        };
        let baseline: Baseline = serde_json::from_str(&text)
            .with_context(|| format!("{} is not a confgate baseline", path.display()))?;
        if baseline.version != 1 {
            bail!(
                "{}: baseline version {} is not supported (expected 1)",
                path.display(),
                baseline.version
            );
        }
        Ok(Some(baseline))
    }

    pub fn contains(&self, fingerprint: &str) -> bool {
        self.findings.iter().any(|e| e.fingerprint == fingerprint)
    }

    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Kind, Severity};

    #[test]
    fn round_trip_and_dedup() {
        let f = Finding::new(Kind::Secret, "r", Severity::Error, "a.py", "k").at_line(3);
        let g = Finding::new(Kind::Secret, "r", Severity::Error, "a.py", "k").at_line(9);
        let baseline = Baseline::from_findings(&[f.clone(), g]);
        assert_eq!(baseline.findings.len(), 1);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, baseline.to_json()).unwrap();
        let loaded = Baseline::load(&path).unwrap().unwrap();
        assert!(loaded.contains(&f.fingerprint));
        assert!(!baseline.to_json().contains("\"line\""));
    }

    #[test]
    fn bad_file_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, "{\"version\": 1, \"findings\": [], \"x\": 1}").unwrap();
        let err = Baseline::load(&path).unwrap_err();
        assert!(format!("{err:#}").contains(FILE_NAME));
        assert!(Baseline::load(&dir.path().join("none.json"))
            .unwrap()
            .is_none());
    }
}
