//! `confgate: allow <rule-id> -- <reason>` comments: a finding is suppressed
//! by one on its line or the line above, and only when it gives a reason.

use std::sync::OnceLock;

use regex::Regex;

use crate::formats::FileType;

/// What an allow comment near a finding says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Allow {
    /// No allow comment names this rule.
    None,
    /// Suppressed, with this reason.
    Reason(String),
    /// An allow names the rule but does not count; says why.
    Refused(String),
}

fn allow_pattern() -> &'static Regex {
    static ALLOW: OnceLock<Regex> = OnceLock::new();
    ALLOW.get_or_init(|| {
        Regex::new(r"confgate:\s*allow\s+([A-Za-z0-9_.,/-]+)(?:\s+--\s*(.*))?")
            .expect("allow pattern is valid")
    })
}

/// Look at `line` (1-based) and the line above it in `text` (the file at
/// `path`) for an allow comment naming `rule`. Reads the whole text: a
/// caller with many findings in one text builds an [`AllowIndex`] once.
pub fn allow_for(path: &str, text: &str, line: u32, rule: &str) -> Allow {
    AllowIndex::new(path, text).allow_for(line, rule)
}

/// The allow comments of one text, indexed once, so that the lookup for each
/// finding costs the length of two lines, not of the text (a dense file has
/// thousands of findings). An allow counts when it is a comment in the
/// file's own syntax (not text inside a string or docstring), names exactly
/// one rule, and gives a reason that holds words.
pub struct AllowIndex<'t> {
    text: &'t str,
    syntax: Syntax,
    /// Where each line starts; `None` when the text holds no allow comment.
    line_starts: Option<Vec<usize>>,
    /// Python only: which bytes are inside a `#` comment, found on first use.
    python_mask: OnceLock<Vec<bool>>,
}

impl<'t> AllowIndex<'t> {
    pub fn new(path: &str, text: &'t str) -> AllowIndex<'t> {
        let line_starts = memchr::memmem::find(text.as_bytes(), b"confgate:").map(|_| {
            std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|at| at + 1))
                .filter(|&start| start < text.len())
                .collect()
        });
        AllowIndex {
            text,
            syntax: comment_syntax(path),
            line_starts,
            python_mask: OnceLock::new(),
        }
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
        let mut found = Allow::None;
        for number in index.saturating_sub(1)..=index {
            let Some(&line_start) = starts.get(number) else {
                break;
            };
            let end = starts.get(number + 1).copied().unwrap_or(self.text.len());
            let candidate = &self.text[line_start..end];
            match self.judge(candidate, line_start, rule) {
                Allow::Reason(reason) => return Allow::Reason(reason),
                Allow::Refused(why) => found = Allow::Refused(why),
                Allow::None => {}
            }
        }
        found
    }

    /// What the allow comment on one line (starting at byte `line_start`)
    /// says about `rule`.
    fn judge(&self, candidate: &str, line_start: usize, rule: &str) -> Allow {
        let Some(caps) = allow_pattern().captures(candidate) else {
            return Allow::None;
        };
        let names = caps.get(1).map(|m| m.as_str()).unwrap_or_default();
        let list: Vec<&str> = names.split(',').map(str::trim).collect();
        if !list.contains(&rule) {
            return Allow::None;
        }
        let marker = caps.get(0).map_or(0, |m| m.start());
        let in_comment = match self.syntax {
            Syntax::Python => {
                let mask = self
                    .python_mask
                    .get_or_init(|| python_comment_mask(self.text));
                mask.get(line_start + marker).copied().unwrap_or(false)
            }
            Syntax::Openers(openers) => comment_starts_before(candidate, marker, openers),
        };
        if !in_comment {
            return Allow::Refused(
                "it is not a comment (an allow inside a string or docstring does not count)"
                    .to_string(),
            );
        }
        if list.len() > 1 {
            return Allow::Refused(format!(
                "an allow names one rule; write one allow comment per rule (this one names {})",
                list.join(", ")
            ));
        }
        let reason = caps
            .get(2)
            .map(|m| clean_reason(m.as_str()))
            .unwrap_or_default();
        if reason_holds_words(&reason) {
            return Allow::Reason(reason);
        }
        Allow::Refused(if reason.is_empty() {
            "it needs a reason, `-- <why>`".to_string()
        } else {
            format!("its reason {reason:?} says nothing: write at least two words")
        })
    }
}

/// A reason holds words: at least two words, or ten letters.
fn reason_holds_words(reason: &str) -> bool {
    let letters = reason.chars().filter(|c| c.is_alphabetic()).count();
    let words = reason
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 2)
        .count();
    words >= 2 || letters >= 10
}

enum Syntax {
    /// Python: comments found by the lexer, which knows docstrings.
    Python,
    /// Comment openers of a line-oriented syntax.
    Openers(&'static [&'static str]),
}

/// How comments are written in the file at `path`.
fn comment_syntax(path: &str) -> Syntax {
    match FileType::of(path) {
        FileType::Python => Syntax::Python,
        other => Syntax::Openers(other.comment_openers()),
    }
}

/// Whether a comment opens on `line` before byte `at`, outside any quoted
/// string of the line.
fn comment_starts_before(line: &str, at: usize, openers: &[&str]) -> bool {
    let bytes = line.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < at.min(bytes.len()) {
        let b = bytes[i];
        match quote {
            Some(q) => {
                if b == b'\\' {
                    i += 2;
                    continue;
                }
                if b == q {
                    quote = None;
                }
            }
            None => {
                if b == b'"' || b == b'\'' {
                    quote = Some(b);
                } else if openers.iter().any(|o| line[i..].starts_with(o)) {
                    return true;
                }
            }
        }
        i += 1;
    }
    false
}

/// For each byte of a Python source, whether it is inside a `#` comment.
fn python_comment_mask(text: &str) -> Vec<bool> {
    let (clean, strings) = crate::detect::security::python_comments_and_strings(text);
    text.bytes()
        .zip(clean.bytes())
        .zip(strings)
        .map(|((original, blanked), in_string)| !in_string && blanked == b' ' && original != b' ')
        .collect()
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
        let text = "a = 1\n# confgate: allow aws-key -- fixture for tests\nKEY = 'AKIA'\nB = 2  # confgate: allow generic-secret -- fake value\n";
        assert_eq!(
            allow_for("a.py", text, 3, "aws-key"),
            Allow::Reason("fixture for tests".into())
        );
        assert_eq!(
            allow_for("a.py", text, 4, "generic-secret"),
            Allow::Reason("fake value".into())
        );
        assert_eq!(allow_for("a.py", text, 1, "aws-key"), Allow::None);
        assert_eq!(allow_for("a.py", text, 3, "other-rule"), Allow::None);
    }

    #[test]
    fn the_index_reads_lines_as_str_lines_does() {
        let text = "a\r\n# confgate: allow r -- crlf line above\r\nK = 1\r\n\nx  # confgate: allow r -- last line, no newline";
        let index = AllowIndex::new("a.cfg", text);
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
        assert_eq!(
            AllowIndex::new("a.cfg", "K = 1\n").allow_for(1, "r"),
            Allow::None
        );
    }

    #[test]
    fn without_a_reason_of_words_does_not_suppress() {
        let text = "X = 1  # confgate: allow debug-mode\nY = 2 # confgate: allow debug-mode --   \nZ = 3 # confgate: allow debug-mode -- .\nW = 4 # confgate: allow debug-mode -- ok\nV = 5 # confgate: allow debug-mode -- legitimately\n";
        for line in 1..=4 {
            assert!(
                matches!(
                    allow_for("s.py", text, line, "debug-mode"),
                    Allow::Refused(_)
                ),
                "line {line}"
            );
        }
        assert!(matches!(
            allow_for("s.py", text, 5, "debug-mode"),
            Allow::Reason(_)
        ));
    }

    #[test]
    fn one_rule_per_allow() {
        let text = "<!-- confgate: allow a,b -- kept for the demo -->\nv\n";
        assert!(matches!(allow_for("x.md", text, 2, "b"), Allow::Refused(_)));
        let text = "<!-- confgate: allow b -- kept for the demo -->\nv\n";
        assert_eq!(
            allow_for("x.md", text, 2, "b"),
            Allow::Reason("kept for the demo".into())
        );
    }

    #[test]
    fn strings_and_docstrings_are_not_comments() {
        let py = "x = \"# confgate: allow debug-mode -- kept for the demo\"\nDEBUG = True\n\"\"\"\n# confgate: allow debug-mode -- kept for the demo\n\"\"\"\nDEBUG = True\n";
        assert!(matches!(
            allow_for("s.py", py, 2, "debug-mode"),
            Allow::Refused(_)
        ));
        assert!(matches!(
            allow_for("s.py", py, 5, "debug-mode"),
            Allow::Refused(_)
        ));
        let toml = "note = \"# confgate: allow debug-mode -- kept for the demo\"\ndebug = true\n";
        assert!(matches!(
            allow_for("a.toml", toml, 2, "debug-mode"),
            Allow::Refused(_)
        ));
        let ok = "debug = true # confgate: allow debug-mode -- local only, never deployed\n";
        assert!(matches!(
            allow_for("a.toml", ok, 1, "debug-mode"),
            Allow::Reason(_)
        ));
        let js = "const s = '// confgate: allow x -- kept for the demo'; // real\n";
        assert!(matches!(allow_for("a.js", js, 1, "x"), Allow::Refused(_)));
    }
}
