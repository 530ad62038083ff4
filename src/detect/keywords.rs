//! The keyword prefilter the detectors share: which of many words occur in
//! a text, ASCII case-insensitively, overlapping matches included.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use aho_corasick::automaton::Automaton;
use aho_corasick::{dfa, AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, Anchored, MatchKind};

/// Text searched before the DFA is built: about what a DFA's build time
/// (a millisecond or two) buys back at twice the search speed.
const DFA_AFTER_BYTES: usize = 256 << 10;

/// Texts at least this long are searched by [`LANES`] interleaved walks.
const LANES_FROM_BYTES: usize = 4096;

/// How many parts of a long text one loop walks at once. A DFA step waits
/// on the previous step's table load; independent walks overlap those
/// waits (measured: 4 walks, 1.6× one walk; 8 walks, slower than 4).
const LANES: usize = 4; // the walk below is written out for four

/// One keyword occurrence: byte offsets in the searched text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    pub pattern: usize,
}

/// An Aho-Corasick automaton in two forms: a contiguous NFA that builds in a
/// fraction of a millisecond (a hook searches a few kilobytes), and a DFA
/// several times as fast to search, built once a run has searched enough
/// text to repay it (scan, history).
pub struct KeywordMatcher {
    patterns: Vec<String>,
    /// Byte length of each pattern, to turn a match's end into its start.
    lengths: Vec<usize>,
    longest: usize,
    quick: AhoCorasick,
    fast: OnceLock<Option<dfa::DFA>>,
    searched: AtomicUsize,
}

impl KeywordMatcher {
    pub fn new(patterns: Vec<String>) -> Result<KeywordMatcher, aho_corasick::BuildError> {
        let quick = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .match_kind(MatchKind::Standard)
            .build(&patterns)?;
        let lengths: Vec<usize> = patterns.iter().map(String::len).collect();
        Ok(KeywordMatcher {
            longest: lengths.iter().copied().max().unwrap_or(0),
            lengths,
            quick,
            patterns,
            fast: OnceLock::new(),
            searched: AtomicUsize::new(0),
        })
    }

    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    /// Calls `found` for every occurrence of every pattern in `text`, in no
    /// particular order.
    pub fn for_each(&self, text: &str, mut found: impl FnMut(Hit)) {
        let len = text.len();
        let total = self.searched.fetch_add(len, Ordering::Relaxed) + len;
        if total >= DFA_AFTER_BYTES {
            let fast = self.fast.get_or_init(|| {
                dfa::Builder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .build(&self.patterns)
                    .ok()
            });
            if let Some(fast) = fast {
                return self.walk_dfa(fast, text.as_bytes(), &mut found);
            }
        }
        for m in self.quick.find_overlapping_iter(text) {
            found(Hit {
                start: m.start(),
                end: m.end(),
                pattern: m.pattern().as_usize(),
            });
        }
    }

    /// The DFA search: `text` cut into [`LANES`] parts walked in one loop.
    /// Each part's walk starts `longest - 1` bytes early, so that a match
    /// across the cut is seen whole, and reports only matches that end
    /// inside its own part.
    fn walk_dfa(&self, dfa: &dfa::DFA, text: &[u8], found: &mut impl FnMut(Hit)) {
        let part = text.len() / LANES;
        if (text.len() < LANES_FROM_BYTES || part < self.longest) && dfa.prefilter().is_some() {
            // The crate's own walk: it skips ahead with its prefilter.
            let Ok(matches) = dfa.try_find_overlapping_iter(aho_corasick::Input::new(text)) else {
                return;
            };
            for m in matches {
                found(Hit {
                    start: m.start(),
                    end: m.end(),
                    pattern: m.pattern().as_usize(),
                });
            }
            return;
        }
        let Ok(start) = dfa.start_state(Anchored::No) else {
            return;
        };
        if text.len() < LANES_FROM_BYTES || part < self.longest {
            let mut state = start;
            for (at, &byte) in text.iter().enumerate() {
                state = dfa.next_state(Anchored::No, state, byte);
                if dfa.is_special(state) && dfa.is_match(state) {
                    report_to(dfa, &self.lengths, state, at + 1, found);
                }
            }
            return;
        }
        let mut report = |state, end: usize| report_to(dfa, &self.lengths, state, end, found);
        // Lane `l` owns ends in (own[l], limit[l]] and walks from at[l].
        let own: [usize; LANES] = std::array::from_fn(|l| l * part);
        let limit: [usize; LANES] = std::array::from_fn(|l| {
            if l + 1 == LANES {
                text.len()
            } else {
                own[l + 1]
            }
        });
        let back = self.longest.saturating_sub(1);
        let at: [usize; LANES] = std::array::from_fn(|l| own[l].saturating_sub(back));
        // Every lane has at least this many bytes left: step them together,
        // each lane's bytes from its own slice (no bounds checks), states in
        // registers.
        let together = (0..LANES).map(|l| limit[l] - at[l]).min().unwrap_or(0);
        let lane = |l: usize| &text[at[l]..at[l] + together];
        let (t0, t1, t2, t3) = (lane(0), lane(1), lane(2), lane(3));
        let mut s = [start; LANES];
        for i in 0..together {
            s[0] = dfa.next_state(Anchored::No, s[0], t0[i]);
            s[1] = dfa.next_state(Anchored::No, s[1], t1[i]);
            s[2] = dfa.next_state(Anchored::No, s[2], t2[i]);
            s[3] = dfa.next_state(Anchored::No, s[3], t3[i]);
            if dfa.is_special(s[0])
                | dfa.is_special(s[1])
                | dfa.is_special(s[2])
                | dfa.is_special(s[3])
            {
                for l in 0..LANES {
                    let end = at[l] + i + 1;
                    if dfa.is_special(s[l]) && dfa.is_match(s[l]) && end > own[l] {
                        report(s[l], end);
                    }
                }
            }
        }
        for l in 0..LANES {
            let mut state = s[l];
            for end in at[l] + together + 1..=limit[l] {
                state = dfa.next_state(Anchored::No, state, text[end - 1]);
                if dfa.is_special(state) && dfa.is_match(state) && end > own[l] {
                    report(state, end);
                }
            }
        }
    }
}

/// Hands `found` every pattern that matches in `state`, ending at `end`.
fn report_to(
    dfa: &dfa::DFA,
    lengths: &[usize],
    state: aho_corasick::automaton::StateID,
    end: usize,
    found: &mut impl FnMut(Hit),
) {
    for index in 0..dfa.match_len(state) {
        let pattern = dfa.match_pattern(state, index).as_usize();
        found(Hit {
            start: end - lengths[pattern],
            end,
            pattern,
        });
    }
}

/// Two detectors' keywords searched in one pass over a text, each hit
/// handed back in its detector's own pattern numbers. The automaton is
/// built on first use: a hook that checks no whole Python file never pays
/// for it.
pub struct SharedKeywords {
    patterns: Vec<String>,
    /// For each shared pattern, its number in the first and second list.
    owners: Vec<(Option<usize>, Option<usize>)>,
    matcher: OnceLock<Result<KeywordMatcher, aho_corasick::BuildError>>,
    offered: AtomicUsize,
}

impl SharedKeywords {
    pub fn new(first: &[String], second: &[String]) -> SharedKeywords {
        let mut patterns: Vec<String> = Vec::new();
        let mut owners: Vec<(Option<usize>, Option<usize>)> = Vec::new();
        for (side, list) in [first, second].into_iter().enumerate() {
            for (number, word) in list.iter().enumerate() {
                let at = match patterns.iter().position(|p| p == word) {
                    Some(at) => at,
                    None => {
                        patterns.push(word.clone());
                        owners.push((None, None));
                        patterns.len() - 1
                    }
                };
                if side == 0 {
                    owners[at].0 = Some(number);
                } else {
                    owners[at].1 = Some(number);
                }
            }
        }
        SharedKeywords {
            patterns,
            owners,
            matcher: OnceLock::new(),
            offered: AtomicUsize::new(0),
        }
    }

    /// Every occurrence in `text` of the first list's and of the second
    /// list's patterns. `None` until the run has offered [`DFA_AFTER_BYTES`]
    /// of text (a hook keeps to the detectors' own, already built
    /// automatons), or when the shared one cannot be built: each detector
    /// then searches on its own.
    pub fn search(&self, text: &str) -> Option<(Vec<Hit>, Vec<Hit>)> {
        let len = text.len();
        if self.offered.fetch_add(len, Ordering::Relaxed) + len < DFA_AFTER_BYTES {
            return None;
        }
        let matcher = self
            .matcher
            .get_or_init(|| KeywordMatcher::new(self.patterns.clone()))
            .as_ref()
            .ok()?;
        let (mut first, mut second) = (Vec::new(), Vec::new());
        matcher.for_each(text, |hit| {
            let (a, b) = self.owners[hit.pattern];
            if let Some(pattern) = a {
                first.push(Hit { pattern, ..hit });
            }
            if let Some(pattern) = b {
                second.push(Hit { pattern, ..hit });
            }
        });
        Some((first, second))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(matcher: &KeywordMatcher, text: &str) -> Vec<Hit> {
        let mut out = Vec::new();
        matcher.for_each(text, |hit| out.push(hit));
        out.sort_unstable();
        out
    }

    #[test]
    fn both_forms_find_the_same_overlapping_words() {
        let matcher = KeywordMatcher::new(vec!["log".into(), "logging".into(), "TOKEN".into()])
            .expect("builds");
        let text = "import logging; api_token = 1";
        let quick = hits(&matcher, text);
        let words: Vec<usize> = quick.iter().map(|h| h.pattern).collect();
        assert_eq!(words, vec![0, 1, 2]);
        assert_eq!(&text[quick[2].start..quick[2].end], "token");
        matcher.searched.store(DFA_AFTER_BYTES, Ordering::Relaxed);
        assert_eq!(hits(&matcher, text), quick);
        assert!(
            matcher.fast.get().is_some_and(Option::is_some),
            "the DFA was built"
        );
    }

    /// Long texts are cut into lanes: matches across every cut, at both
    /// ends and overlapping one another are each found exactly once.
    #[test]
    fn interleaved_walks_find_what_the_nfa_finds() {
        let words = vec![
            "password".to_string(),
            "pass".to_string(),
            "word".to_string(),
            "-----begin ".to_string(),
            "sk".to_string(),
            "x".to_string(),
        ];
        let matcher = KeywordMatcher::new(words).expect("builds");
        for len in [4096, 4097, 5000, 10_007, 65_536] {
            let mut text = String::new();
            let filler = "PassWord-----BEGIN x sk;ab ";
            while text.len() < len {
                text.push_str(filler);
            }
            text.truncate(len);
            for shift in 0..filler.len() {
                let text = &text[shift..];
                let mut nfa: Vec<Hit> = matcher
                    .quick
                    .find_overlapping_iter(text)
                    .map(|m| Hit {
                        start: m.start(),
                        end: m.end(),
                        pattern: m.pattern().as_usize(),
                    })
                    .collect();
                nfa.sort_unstable();
                matcher.searched.store(DFA_AFTER_BYTES, Ordering::Relaxed);
                assert_eq!(hits(&matcher, text), nfa, "length {}", text.len());
            }
        }
    }

    #[test]
    fn a_shared_pass_finds_what_each_list_finds() {
        let first: Vec<String> = vec!["token".into(), "pass".into(), "://".into()];
        let second: Vec<String> = vec!["verify".into(), "token".into()];
        let shared = SharedKeywords::new(&first, &second);
        let text = "requests.get(url, verify=False, headers={'token': t}) # pass ://";
        let alone =
            |words: &[String]| hits(&KeywordMatcher::new(words.to_vec()).expect("builds"), text);
        assert!(shared.search(text).is_none(), "not before a run is long");
        shared.offered.store(DFA_AFTER_BYTES, Ordering::Relaxed);
        let (mut a, mut b) = shared.search(text).expect("builds");
        a.sort_unstable();
        b.sort_unstable();
        assert_eq!(a, alone(&first));
        assert_eq!(b, alone(&second));
        assert_eq!(a.len(), 3);
        assert_eq!(b.len(), 2);
    }
}
