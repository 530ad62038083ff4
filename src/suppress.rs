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
/// comment naming `rule`. Reads the whole text: a caller with many findings in
/// one text builds an [`AllowIndex`] once instead.
pub fn allow_for(text: &str, line: u32, rule: &str) -> Allow {
    AllowIndex::new(text).allow_for(line, rule)
}

/// The lines of one text, indexed once so that looking up the allow comment
/// of each finding costs the length of two lines, not of the text (a dense
/// file has thousands of findings).
pub struct AllowIndex<'t> {
    text: &'t str,
    /// Where each line starts; `None` when the text holds no allow comment.
    line_starts: Option<Vec<usize>>,
}

impl<'t> AllowIndex<'t> {
    pub fn new(text: &'t str) -> AllowIndex<'t> {
        let line_starts = memchr::memmem::find(text.as_bytes(), b"confgate:").map(|_| {
            std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|at| at + 1))
                .filter(|&start| start < text.len())
                .collect()
        });
        AllowIndex { text, line_starts }
    }

    /// Line `index` (0-based) as `str::lines` gives it.
    fn line(&self, starts: &[usize], index: usize) -> Option<&'t str> {
        let start = *starts.get(index)?;
        let end = starts
            .get(index + 1)
            .map_or(self.text.len(), |next| next - 1);
        let line = &self.text[start..end];
        Some(line.strip_suffix('\r').unwrap_or(line))
    }

    /// Look at `line` (1-based) and the line above it for an allow comment
    /// naming `rule`.
    pub fn allow_for(&self, line: u32, rule: &str) -> Allow {
        let Some(starts) = &self.line_starts else {
            return Allow::None;
        };
        if line == 0 {
            return Allow::None;
        }
        let index = (line - 1) as usize;
        let start = index.saturating_sub(1);
        let mut found = Allow::None;
        for candidate in (start..=index).filter_map(|i| self.line(starts, i)) {
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
    fn the_index_reads_lines_as_str_lines_does() {
        let text = "a\r\n# confgate: allow r -- crlf line above\r\nK = 1\r\n\nx  # confgate: allow r -- last line, no newline";
        let index = AllowIndex::new(text);
        assert_eq!(
            index.allow_for(3, "r"),
            Allow::Reason("crlf line above".into())
        );
        assert_eq!(index.allow_for(4, "r"), Allow::None);
        assert_eq!(
            index.allow_for(5, "r"),
            Allow::Reason("last line, no newline".into())
        );
        assert_eq!(
            index.allow_for(6, "r"),
            Allow::Reason("last line, no newline".into())
        );
        assert_eq!(index.allow_for(7, "r"), Allow::None);
        assert_eq!(index.allow_for(0, "r"), Allow::None);
        assert_eq!(AllowIndex::new("K = 1\n").allow_for(1, "r"), Allow::None);
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
