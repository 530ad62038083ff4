//! The baseline file: fingerprints of findings accepted as they were when it
//! was written, so that only new ones are reported. An entry approves as
//! many occurrences as it recorded (`count`), not every future identical line.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::OnceLock;

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

use crate::finding::Finding;

pub const FILE_NAME: &str = ".confgate-baseline.json";

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<BaselineEntry>,
    /// Approved occurrences by fingerprint, built on first lookup: a dense
    /// file meets a large baseline once per finding.
    #[serde(skip)]
    allowances: OnceLock<HashMap<String, usize>>,
}

/// One accepted finding. No line number and no secret: only a one-way hash.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct BaselineEntry {
    pub fingerprint: String,
    pub rule: String,
    pub path: String,
    /// How many identical findings (same rule, file and text) were
    /// accepted. Files written before counts existed have none: one.
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub count: usize,
}

fn one() -> usize {
    1
}

fn is_one(count: &usize) -> bool {
    *count == 1
}

impl Baseline {
    /// A baseline of these entries.
    pub fn new(findings: Vec<BaselineEntry>) -> Baseline {
        Baseline {
            version: 1,
            findings,
            allowances: OnceLock::new(),
        }
    }

    pub fn from_findings(findings: &[Finding]) -> Baseline {
        let mut unique: BTreeMap<(String, String, String), usize> = BTreeMap::new();
        for finding in findings {
            *unique
                .entry((
                    finding.path.clone(),
                    finding.rule.clone(),
                    finding.fingerprint.clone(),
                ))
                .or_default() += 1;
        }
        Baseline {
            allowances: OnceLock::new(),
            version: 1,
            findings: unique
                .into_iter()
                .map(|((path, rule, fingerprint), count)| BaselineEntry {
                    fingerprint,
                    rule,
                    path,
                    count,
                })
                .collect(),
        }
    }

    /// How many findings the entries hold (identical ones counted).
    pub fn occurrences(&self) -> usize {
        self.findings.iter().map(|e| e.count).sum()
    }

    /// The baseline at `path`; `None` when there is no file.
    pub fn load(path: &Path) -> Result<Option<Baseline>> {
        let bounded = crate::bounded::BASELINE_LIMIT;
        let Some(text) = crate::bounded::read_policy(path, bounded, "baseline")? else {
            return Ok(None);
        };
        Baseline::parse(&path.display().to_string(), &text).map(Some)
    }

    /// A baseline from its text; `name` says where it came from in errors.
    pub fn parse(name: &str, text: &str) -> Result<Baseline> {
        let baseline: Baseline = serde_json::from_str(text)
            .with_context(|| format!("{name} is not a confgate baseline"))?;
        if baseline.version != 1 {
            bail!(
                "{name}: baseline version {} is not supported (expected 1)",
                baseline.version
            );
        }
        Ok(baseline)
    }

    pub fn contains(&self, fingerprint: &str) -> bool {
        self.allowance(fingerprint) > 0
    }

    /// How many occurrences of `fingerprint` the baseline approves.
    pub fn allowance(&self, fingerprint: &str) -> usize {
        let allowances = self.allowances.get_or_init(|| {
            let mut map: HashMap<String, usize> = HashMap::new();
            for entry in &self.findings {
                *map.entry(entry.fingerprint.clone()).or_default() += entry.count;
            }
            map
        });
        allowances.get(fingerprint).copied().unwrap_or(0)
    }

    /// The baseline applied to findings, the one place it is, for a change
    /// (`engine`) and a scan (`scan`) alike. Each fingerprint approves as
    /// many occurrences as the baseline recorded, less `unchanged(finding)`:
    /// the occurrences already in the file that the change did not add,
    /// which use the allowance first (none in a scan, which finds them all).
    /// Approved findings are counted, not kept; one beyond the allowance is
    /// kept and says so. Returns the kept findings and how many were approved.
    pub fn apply(
        &self,
        found: Vec<Finding>,
        mut unchanged: impl FnMut(&Finding) -> usize,
    ) -> (Vec<Finding>, usize) {
        let mut left: HashMap<String, usize> = HashMap::new();
        let mut kept = Vec::new();
        let mut approved = 0;
        for mut finding in found {
            let allowance = self.allowance(&finding.fingerprint);
            if allowance == 0 {
                kept.push(finding);
                continue;
            }
            let budget = match left.get_mut(&finding.fingerprint) {
                Some(budget) => budget,
                None => {
                    let budget = allowance.saturating_sub(unchanged(&finding));
                    left.entry(finding.fingerprint.clone()).or_insert(budget)
                }
            };
            if *budget > 0 {
                *budget -= 1;
                approved += 1;
            } else {
                mark_beyond(&mut finding, allowance);
                kept.push(finding);
            }
        }
        (kept, approved)
    }

    /// A whole-tree scan's note on entries it no longer finds (`seen`: the
    /// fingerprints it found, approved or not), when there are any.
    pub fn stale_note(&self, seen: &HashSet<String>) -> Option<String> {
        let stale = self
            .findings
            .iter()
            .filter(|e| !seen.contains(&e.fingerprint))
            .count();
        (stale > 0).then(|| {
            format!(
                "{stale} baseline entr{} no longer found (fixed, or the file moved): run `confgate baseline` to refresh {FILE_NAME}",
                if stale == 1 { "y is" } else { "ies are" },
            )
        })
    }

    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// Say on a finding that its fingerprint is baselined, but this occurrence
/// is one more than the baseline recorded.
fn mark_beyond(finding: &mut Finding, allowance: usize) {
    finding.message.push_str(&format!(
        " (one more than the baseline approves: it recorded {allowance} identical finding{} in this file)",
        if allowance == 1 { "" } else { "s" }
    ));
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
        assert_eq!(baseline.findings[0].count, 2);
        assert_eq!(baseline.occurrences(), 2);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, baseline.to_json()).unwrap();
        let loaded = Baseline::load(&path).unwrap().unwrap();
        assert!(loaded.contains(&f.fingerprint));
        assert_eq!(loaded.allowance(&f.fingerprint), 2);
        assert!(!baseline.to_json().contains("\"line\""));
    }

    #[test]
    fn files_without_counts_approve_one_each() {
        let f = Finding::new(Kind::SecuritySetting, "r", Severity::Error, "a.py", "x").at_line(1);
        let old = format!(
            "{{\"version\": 1, \"findings\": [{{\"fingerprint\": \"{}\", \"rule\": \"r\", \"path\": \"a.py\"}}]}}",
            f.fingerprint
        );
        let baseline: Baseline = serde_json::from_str(&old).unwrap();
        assert_eq!(baseline.allowance(&f.fingerprint), 1);
        // A count of one is written as before: old files stay unchanged.
        assert!(!Baseline::from_findings(std::slice::from_ref(&f))
            .to_json()
            .contains("count"));
        let second = f.clone().at_line(7);
        let (kept, approved) = baseline.apply(vec![f, second], |_| 0);
        assert_eq!(approved, 1);
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].line, Some(7));
        assert!(kept[0]
            .message
            .contains("one more than the baseline approves"));
    }

    /// A change: occurrences already in the file use the allowance first.
    #[test]
    fn unchanged_occurrences_use_the_allowance_first() {
        let f = Finding::new(Kind::Secret, "r", Severity::Error, "a.py", "k").at_line(2);
        let other = Finding::new(Kind::Secret, "r", Severity::Error, "b.py", "k").at_line(2);
        let baseline = Baseline::from_findings(&[f.clone(), f.clone(), other.clone()]);
        // Two recorded, one still in the file untouched: one of the two
        // the change adds is approved.
        let mut asked = 0;
        let (kept, approved) = baseline.apply(vec![f.clone(), f.clone().at_line(5)], |_| {
            asked += 1;
            1
        });
        assert_eq!((kept.len(), approved, asked), (1, 1, 1));
        assert_eq!(kept[0].line, Some(5));
        // Both still there: nothing left for a new one.
        let (kept, approved) = baseline.apply(vec![f.clone()], |_| 2);
        assert_eq!((kept.len(), approved), (1, 0));
        // Another fingerprint has its own allowance.
        let (kept, approved) = baseline.apply(vec![other, f], |_| 0);
        assert_eq!((kept.len(), approved), (0, 2));
    }

    #[test]
    fn stale_entries_are_counted_in_one_note() {
        let f = Finding::new(Kind::Secret, "r", Severity::Error, "a.py", "k");
        let g = Finding::new(Kind::Secret, "r", Severity::Error, "b.py", "k");
        let h = Finding::new(Kind::Secret, "r", Severity::Error, "c.py", "k");
        let baseline = Baseline::from_findings(&[f.clone(), g, h]);
        let all: HashSet<String> = baseline
            .findings
            .iter()
            .map(|e| e.fingerprint.clone())
            .collect();
        assert_eq!(baseline.stale_note(&all), None);
        let one: HashSet<String> = [f.fingerprint].into_iter().collect();
        let note = baseline.stale_note(&one).unwrap_or_default();
        assert!(
            note.starts_with("2 baseline entries are no longer found"),
            "{note}"
        );
        assert!(note.contains(FILE_NAME), "{note}");
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
