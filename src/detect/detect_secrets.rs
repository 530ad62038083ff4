//! A detect-secrets baseline (`.secrets.baseline`) read and matched to
//! confgate's findings, so the secrets a team accepted there become
//! confgate baseline entries and the ones it marked real stay reported.

use std::collections::{BTreeMap, HashMap};

use anyhow::{bail, Context, Result};
use serde::Deserialize;

use crate::finding::{Finding, Kind};

#[derive(Debug, Deserialize)]
struct File {
    version: Option<String>,
    results: Option<BTreeMap<String, Vec<Entry>>>,
}

/// One potential secret detect-secrets recorded.
#[derive(Debug, Clone, Deserialize)]
pub struct Entry {
    #[serde(rename = "type")]
    pub kind: String,
    /// SHA-1 of the secret, hex.
    pub hashed_secret: String,
    pub line_number: Option<u32>,
    /// The audit: `false` a false positive, `true` a real secret, absent
    /// when nobody audited it.
    pub is_secret: Option<bool>,
}

/// The results of a detect-secrets baseline, by file.
#[derive(Debug, Default)]
pub struct SecretsBaseline {
    pub results: BTreeMap<String, Vec<Entry>>,
}

/// How a confgate finding stands against the detect-secrets baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Audited as a false positive.
    Audited,
    /// In the baseline, never audited (detect-secrets' hook accepts it).
    Unaudited,
    /// Audited as a real secret: stays reported.
    Real,
    /// Not in the baseline.
    Unknown,
}

impl SecretsBaseline {
    /// `name` says where the text came from in errors.
    pub fn parse(name: &str, text: &str) -> Result<SecretsBaseline> {
        let file: File = serde_json::from_str(text)
            .with_context(|| format!("{name} is not a detect-secrets baseline (JSON)"))?;
        let Some(version) = file.version else {
            bail!("{name}: no \"version\": not a detect-secrets baseline");
        };
        let major = version.split('.').next().unwrap_or_default();
        let minor: u32 = version
            .split('.')
            .nth(1)
            .and_then(|m| m.parse().ok())
            .unwrap_or(0);
        // 0.9 introduced the results layout read here (with `is_secret`).
        if !(major == "1" || (major == "0" && minor >= 9)) {
            bail!(
                "{name}: detect-secrets baseline version {version:?} is not supported (0.9 to 1.x)"
            );
        }
        let Some(results) = file.results else {
            bail!("{name}: no \"results\": not a detect-secrets baseline");
        };
        for (path, entries) in &results {
            if let Some(bad) = entries.iter().find(|e| !is_sha1(&e.hashed_secret)) {
                bail!(
                    "{name}: {path}: hashed_secret {:?} is not a SHA-1 hex digest",
                    crate::finding::redact(&bad.hashed_secret)
                );
            }
        }
        Ok(SecretsBaseline { results })
    }

    /// The standing of a secret finding whose secret (when known) is
    /// `secret`: its hash decides; else an entry on its line does, unless
    /// one on that line was audited real.
    pub fn standing(&self, finding: &Finding, secret: Option<&str>) -> Standing {
        let Some(entries) = self.results.get(&finding.path) else {
            return Standing::Unknown;
        };
        let of = |entry: &Entry| match entry.is_secret {
            Some(true) => Standing::Real,
            Some(false) => Standing::Audited,
            None => Standing::Unaudited,
        };
        if let Some(secret) = secret {
            let hash = sha1_hex(secret.as_bytes());
            if let Some(entry) = entries.iter().find(|e| e.hashed_secret == hash) {
                return of(entry);
            }
        }
        let on_line: Vec<&Entry> = entries
            .iter()
            .filter(|e| e.line_number.is_some() && e.line_number == finding.line)
            .collect();
        if on_line.iter().any(|e| e.is_secret == Some(true)) {
            return Standing::Real;
        }
        on_line.first().map_or(Standing::Unknown, |e| of(e))
    }

    pub fn entries(&self) -> usize {
        self.results.values().map(Vec::len).sum()
    }
}

/// What an import decided, finding by finding.
#[derive(Debug, Default)]
pub struct Import {
    /// Findings the baseline accepts (to become confgate baseline entries).
    pub accepted: Vec<Finding>,
    pub audited: usize,
    pub unaudited: usize,
    /// Findings detect-secrets' audit marked real.
    pub real: usize,
}

/// Sort secret findings by their standing; `secrets` maps a finding's
/// fingerprint to its secret where the scanner reported it.
pub fn import(
    baseline: &SecretsBaseline,
    findings: &[Finding],
    secrets: &HashMap<String, String>,
) -> Import {
    let mut out = Import::default();
    for finding in findings.iter().filter(|f| f.kind == Kind::Secret) {
        let secret = secrets.get(&finding.fingerprint).map(String::as_str);
        match baseline.standing(finding, secret) {
            Standing::Audited => out.audited += 1,
            Standing::Unaudited => out.unaudited += 1,
            Standing::Real => {
                out.real += 1;
                continue;
            }
            Standing::Unknown => continue,
        }
        out.accepted.push(finding.clone());
    }
    out
}

fn is_sha1(text: &str) -> bool {
    text.len() == 40 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// SHA-1, as detect-secrets hashes secrets (hex, lowercase).
pub fn sha1_hex(data: &[u8]) -> String {
    let mut h: [u32; 5] = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0];
    let mut message = data.to_vec();
    message.push(0x80);
    while message.len() % 64 != 56 {
        message.push(0);
    }
    message.extend_from_slice(&((data.len() as u64) * 8).to_be_bytes());
    for block in message.chunks(64) {
        let mut w = [0u32; 80];
        for (i, word) in block.chunks(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (i, word) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5A827999),
                20..=39 => (b ^ c ^ d, 0x6ED9EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1BBCDC),
                _ => (b ^ c ^ d, 0xCA62C1D6),
            };
            let t = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(*word);
            (e, d, c, b, a) = (d, c, b.rotate_left(30), a, t);
        }
        for (slot, value) in h.iter_mut().zip([a, b, c, d, e]) {
            *slot = slot.wrapping_add(value);
        }
    }
    h.iter().map(|v| format!("{v:08x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;

    #[test]
    fn sha1_known_answers() {
        assert_eq!(sha1_hex(b""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assert_eq!(sha1_hex(b"abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
        let long = b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
        assert_eq!(sha1_hex(long), "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
    }

    fn baseline(entries: &str) -> SecretsBaseline {
        let text =
            format!("{{\"version\": \"1.4.0\", \"results\": {{\"app/a.py\": [{entries}]}}}}");
        SecretsBaseline::parse(".secrets.baseline", &text).unwrap()
    }

    fn entry(secret: &str, line: u32, audit: &str) -> String {
        format!(
            "{{\"type\": \"Secret Keyword\", \"filename\": \"app/a.py\", \"hashed_secret\": \"{}\", \"is_verified\": false, \"line_number\": {line}{audit}}}",
            sha1_hex(secret.as_bytes())
        )
    }

    fn finding(line: u32) -> Finding {
        Finding::new(Kind::Secret, "r", Severity::Error, "app/a.py", "k").at_line(line)
    }

    #[test]
    fn the_hash_decides_then_the_line() {
        let b = baseline(
            &[
                entry("fp-secret", 3, ", \"is_secret\": false"),
                entry("real-one", 7, ", \"is_secret\": true"),
                entry("never-audited", 9, ""),
            ]
            .join(","),
        );
        // Moved to another line: the hash still finds it.
        assert_eq!(
            b.standing(&finding(40), Some("fp-secret")),
            Standing::Audited
        );
        assert_eq!(b.standing(&finding(7), Some("real-one")), Standing::Real);
        assert_eq!(
            b.standing(&finding(9), Some("never-audited")),
            Standing::Unaudited
        );
        // Secret unknown or extracted differently: the line.
        assert_eq!(b.standing(&finding(3), None), Standing::Audited);
        assert_eq!(b.standing(&finding(7), Some("other")), Standing::Real);
        assert_eq!(b.standing(&finding(5), Some("other")), Standing::Unknown);
        let other = Finding::new(Kind::Secret, "r", Severity::Error, "b.py", "k").at_line(3);
        assert_eq!(b.standing(&other, None), Standing::Unknown);
    }

    #[test]
    fn bad_files_name_themselves() {
        for (text, wanted) in [
            ("not json", "not a detect-secrets baseline"),
            ("{\"version\": \"2.0.0\", \"results\": {}}", "version \"2.0.0\""),
            ("{\"version\": \"0.8.1\", \"results\": {}}", "not supported"),
            ("{\"results\": {}}", "no \"version\""),
            ("{\"version\": \"1.4.0\"}", "no \"results\""),
            (
                "{\"version\": \"1.4.0\", \"results\": {\"a\": [{\"type\": \"x\", \"hashed_secret\": \"zz\"}]}}",
                "SHA-1",
            ),
        ] {
            let err = SecretsBaseline::parse("team/.secrets.baseline", text).unwrap_err();
            let shown = format!("{err:#}");
            assert!(shown.contains("team/.secrets.baseline"), "{shown}");
            assert!(shown.contains(wanted), "{wanted}: {shown}");
        }
        let ibm = "{\"version\": \"0.13.1+ibm.62.dss\", \"results\": {}}";
        assert!(SecretsBaseline::parse("b", ibm).is_ok());
    }
}
