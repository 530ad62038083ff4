//! `confgate: allow <rule-id> -- <reason>` comments: a finding is suppressed
//! by one on its line or the line above, and only when it gives a reason.

use std::sync::OnceLock;

use regex::Regex;

/// What an allow comment near a finding says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Allow {
    /// No allow comment names this rule.
    None,
    /// Suppressed, with this reason.
    Reason(String),
    /// An allow comment names the rule but gives no reason.
    NoReason,
}

fn allow_pattern() -> &'static Regex {
    static ALLOW: OnceLock<Regex> = OnceLock::new();
    ALLOW.get_or_init(|| {
        Regex::new(r"confgate:\s*allow\s+([A-Za-z0-9_.,/-]+)(?:\s+--\s*(.*))?")
            .expect("allow pattern is valid")
    })
}

/// Look at `line` (1-based) and the line above it in `text` for an allow
/// comment naming `rule`.
pub fn allow_for(text: &str, line: u32, rule: &str) -> Allow {
    if line == 0 || !text.contains("confgate:") {
        return Allow::None;
    }
    let index = (line - 1) as usize;
    let start = index.saturating_sub(1);
    let mut found = Allow::None;
    for candidate in text.lines().skip(start).take(index - start + 1) {
        if let Some(caps) = allow_pattern().captures(candidate) {
            let names = caps.get(1).map(|m| m.as_str()).unwrap_or_default();
            if !names.split(',').any(|name| name.trim() == rule) {
                continue;
            }
            let reason = caps
                .get(2)
                .map(|m| clean_reason(m.as_str()))
                .unwrap_or_default();
            if reason.is_empty() {
                found = Allow::NoReason;
            } else {
                return Allow::Reason(reason);
            }
        }
    }
    found
}

fn clean_reason(raw: &str) -> String {
    // Drop comment closers of other syntaxes (`-->`, `*/`).
    raw.trim()
        .trim_end_matches("-->")
        .trim_end_matches("*/")
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_line_and_line_above() {
        let text = "a = 1\n# confgate: allow aws-key -- fixture for tests\nKEY = 'AKIA'\nB = 2  # confgate: allow generic-secret -- fake\n";
        assert_eq!(
            allow_for(text, 3, "aws-key"),
            Allow::Reason("fixture for tests".into())
        );
        assert_eq!(
            allow_for(text, 4, "generic-secret"),
            Allow::Reason("fake".into())
        );
        assert_eq!(allow_for(text, 1, "aws-key"), Allow::None);
        assert_eq!(allow_for(text, 3, "other-rule"), Allow::None);
    }

    #[test]
    fn without_reason_does_not_suppress() {
        let text =
            "X = 1  # confgate: allow debug-mode\nY = 2 // confgate: allow debug-mode --   \n";
        assert_eq!(allow_for(text, 1, "debug-mode"), Allow::NoReason);
        assert_eq!(allow_for(text, 2, "debug-mode"), Allow::NoReason);
    }

    #[test]
    fn several_rules_and_other_comment_syntaxes() {
        let text = "<!-- confgate: allow a,b -- kept for the demo -->\nv\n";
        assert_eq!(
            allow_for(text, 2, "b"),
            Allow::Reason("kept for the demo".into())
        );
    }
}
