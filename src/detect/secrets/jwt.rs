//! A JSON Web Token judged offline: one whose `exp` has passed, or whose
//! payload is a documentation sample, is not a live credential.

use super::checksum::base64_bytes;
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use regex::Regex;

use crate::finding::{Finding, Severity};

const RULE: &str = "jwt";

/// Claim values that documentation uses (jwt.io's `1234567890` / `John
/// Doe`, tutorials' `johndoe`, `foo`, `bob`).
const SAMPLE_VALUES: &[&str] = &[
    "1234567890",
    "john doe",
    "johndoe",
    "jane doe",
    "foo",
    "bar",
    "baz",
    "bob",
    "alice",
    "admin",
    "user",
    "test",
    "example",
];

fn token_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"\beyJ[A-Za-z0-9_-]{10,}\.(eyJ[A-Za-z0-9_-]{10,})\.[A-Za-z0-9_-]{10,}")
            .expect("constant regex")
    })
}

/// Why the token with this payload (the middle part) is not live, if it is not.
fn not_live(payload: &str, now: u64) -> Option<String> {
    let claims: serde_json::Value = serde_json::from_slice(&base64_bytes(payload)?).ok()?;
    let claims = claims.as_object()?;
    if let Some(exp) = claims.get("exp").and_then(serde_json::Value::as_u64) {
        return (exp < now).then(|| format!("its exp ({exp}) has passed"));
    }
    let sample = |v: &serde_json::Value| {
        v.as_str().is_some_and(|s| {
            let s = s.to_ascii_lowercase();
            let s = s.rsplit(':').next().unwrap_or(&s);
            SAMPLE_VALUES.contains(&s)
        })
    };
    let mut strings = claims.values().filter(|v| v.is_string()).peekable();
    (strings.peek().is_some() && strings.all(sample))
        .then(|| "its payload is a documentation sample".to_string())
}

/// Turns `jwt` findings whose every token on the line is expired or a
/// documentation sample into notes that say why.
pub fn judge(text: &str, findings: &mut [Finding]) {
    // Most texts have no JWT finding: cutting them into lines is the cost.
    if !findings.iter().any(|f| f.rule == RULE) {
        return;
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let lines: Vec<&str> = text.lines().collect();
    for finding in findings.iter_mut().filter(|f| f.rule == RULE) {
        let Some(line) = finding
            .line
            .and_then(|n| lines.get((n as usize).saturating_sub(1)))
        else {
            continue;
        };
        let reasons: Vec<Option<String>> = token_regex()
            .captures_iter(line)
            .map(|caps| caps.get(1).and_then(|p| not_live(p.as_str(), now)))
            .collect();
        if reasons.is_empty() || reasons.iter().any(Option::is_none) {
            continue;
        }
        if let Some(Some(reason)) = reasons.into_iter().next() {
            finding.severity = Severity::Info;
            finding.message = format!("{}: not a live credential, {reason}", finding.message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(json: &str) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let bytes = json.as_bytes();
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk.iter().fold(0u32, |acc, &b| acc << 8 | u32::from(b))
                << (8 * (3 - chunk.len()));
            for i in 0..=chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            }
        }
        out
    }

    #[test]
    fn expired_and_sample_payloads_are_not_live() {
        let now = 1_800_000_000;
        assert!(not_live(&encode(r#"{"sub":"42","exp":1516239022}"#), now).is_some());
        assert!(not_live(
            &encode(r#"{"sub":"1234567890","name":"John Doe","iat":1516239022}"#),
            now
        )
        .is_some());
        assert!(not_live(&encode(r#"{"sub":"username:bob"}"#), now).is_some());
        assert!(not_live(&encode(r#"{"data":"foo"}"#), now).is_some());
        assert!(not_live(&encode(r#"{"sub":"foo","role":"billing-admin-7f3c"}"#), now).is_none());
        // Live: a future exp, or a real-looking subject without exp.
        assert!(not_live(&encode(r#"{"sub":"johndoe","exp":4102444800}"#), now).is_none());
        assert!(not_live(
            &encode(r#"{"sub":"7f3c2a91-5b1e-4d0a","iss":"auth.acme"}"#),
            now
        )
        .is_none());
        assert!(not_live("not-base64!", now).is_none());
    }
}
