//! The keyword prefilter the detectors share: which of many words occur in
//! a text, ASCII case-insensitively, overlapping matches included.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

/// Text searched before the DFA is built: about what a DFA's build time
/// (milliseconds) buys back at twice the search speed.
const DFA_AFTER_BYTES: usize = 4 << 20;

/// An Aho-Corasick automaton in two forms: a contiguous NFA that builds in a
/// fraction of a millisecond (a hook searches a few kilobytes), and a DFA
/// about twice as fast to search, built once a run has searched enough text
/// to repay it (scan, history).
pub struct KeywordMatcher {
    patterns: Vec<String>,
    quick: AhoCorasick,
    fast: OnceLock<Option<AhoCorasick>>,
    searched: AtomicUsize,
}

impl KeywordMatcher {
    pub fn new(patterns: Vec<String>) -> Result<KeywordMatcher, aho_corasick::BuildError> {
        Ok(KeywordMatcher {
            quick: build(&patterns, AhoCorasickKind::ContiguousNFA)?,
            patterns,
            fast: OnceLock::new(),
            searched: AtomicUsize::new(0),
        })
    }

    /// The automaton to search `len` bytes with.
    pub fn for_text(&self, len: usize) -> &AhoCorasick {
        let total = self.searched.fetch_add(len, Ordering::Relaxed) + len;
        if total >= DFA_AFTER_BYTES {
            let fast = self
                .fast
                .get_or_init(|| build(&self.patterns, AhoCorasickKind::DFA).ok());
            if let Some(fast) = fast {
                return fast;
            }
        }
        &self.quick
    }
}

fn build(
    patterns: &[String],
    kind: AhoCorasickKind,
) -> Result<AhoCorasick, aho_corasick::BuildError> {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .kind(Some(kind))
        .match_kind(MatchKind::Standard)
        .build(patterns)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms_find_the_same_overlapping_words() {
        let matcher = KeywordMatcher::new(vec!["log".into(), "logging".into(), "TOKEN".into()])
            .expect("builds");
        let text = "import logging; api_token = 1";
        let words = |ac: &AhoCorasick| -> Vec<usize> {
            ac.find_overlapping_iter(text)
                .map(|m| m.pattern().as_usize())
                .collect()
        };
        let quick = words(matcher.for_text(text.len()));
        assert_eq!(quick, vec![0, 1, 2]);
        let fast = words(matcher.for_text(DFA_AFTER_BYTES));
        assert_eq!(fast, quick);
        assert!(
            matcher.fast.get().is_some_and(Option::is_some),
            "the DFA was built"
        );
    }
}
