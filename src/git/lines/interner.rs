//! The lines of an old and a new text turned into imara-diff tokens, for the
//! histogram diff of `added_lines`.
//!
//! imara-diff's own `InternedInput` searches for each line's end anew, hashes
//! every byte of it with a general-purpose hasher and builds its tables per
//! call. Here the newline searcher is built once per text, a line is hashed
//! by its length and at most 24 of its bytes (lines alike there are told
//! apart by their bytes), and the tables are kept per thread. Tokens are
//! numbered exactly as `InternedInput::new(old, new)` numbers them (by first
//! occurrence, the old side first; a line is its bytes up to and including
//! its `\n`, or to the end of the text), so the diff computed from them is
//! the one imara-diff would compute: tests hold the two side by side.

use std::cell::RefCell;

use imara_diff::{Algorithm, Diff, Token};

thread_local! {
    static WORK: RefCell<LineDiff> = RefCell::default();
}

/// Line numbers of `new` (counted from `skipped + 1`) that the histogram diff
/// of `old` against `new` marks as added.
pub(super) fn added_lines(old: &[u8], new: &[u8], skipped: u32) -> Vec<u32> {
    WORK.with(|work| match work.try_borrow_mut() {
        Ok(mut work) => work.added_lines(old, new, skipped),
        // Only a re-entrant call could find the buffers taken: give it its own.
        Err(_) => LineDiff::default().added_lines(old, new, skipped),
    })
}

/// Buffers reused from one diff to the next on a thread.
#[derive(Default)]
struct LineDiff {
    interner: LineInterner,
    before: Vec<Token>,
    after: Vec<Token>,
    diff: Diff,
}

impl LineDiff {
    fn added_lines(&mut self, old: &[u8], new: &[u8], skipped: u32) -> Vec<u32> {
        self.interner.start(old.len() + new.len());
        self.interner.tokenize(old, new, false, &mut self.before);
        self.interner.tokenize(old, new, true, &mut self.after);
        self.diff.compute_with(
            Algorithm::Histogram,
            &self.before,
            &self.after,
            self.interner.token_count(),
        );
        let diff = &self.diff;
        (0..self.after.len() as u32)
            .filter(|&line| diff.is_added(line))
            .map(|line| skipped + line + 1)
            .collect()
    }
}

/// A distinct line: its hash and where it lies in the side it was first
/// seen on.
#[derive(Clone, Copy)]
struct Entry {
    hash: u64,
    start: usize,
    len: usize,
}

/// Distinct lines, found by hash and told apart by their bytes.
#[derive(Default)]
struct LineInterner {
    /// Open addressing, linear probing: a token plus one, 0 when free.
    slots: Vec<u32>,
    /// By token.
    entries: Vec<Entry>,
    /// Tokens from this one on were first seen on the new side; `usize::MAX`
    /// while the old side is cut.
    first_new: usize,
}

impl LineInterner {
    /// Empties the tables, sized for texts of `bytes` bytes in all.
    fn start(&mut self, bytes: usize) {
        // Lines of source code average 25 to 40 bytes, and most lines of
        // the part diffed are on both sides; the table grows if this guesses
        // low, and is kept at most half full. (A table twice this size cost
        // more to clear than it saved in probes.)
        let slots = (bytes / 32).clamp(64, 1 << 24).next_power_of_two();
        self.slots.clear();
        self.slots.resize(slots, 0);
        self.entries.clear();
        self.first_new = usize::MAX;
    }

    fn token_count(&self) -> u32 {
        self.entries.len() as u32
    }

    /// Cuts one side into lines and puts their tokens in `out`.
    fn tokenize(&mut self, old: &[u8], new: &[u8], new_side: bool, out: &mut Vec<Token>) {
        out.clear();
        if new_side {
            self.first_new = self.entries.len();
        }
        let text = if new_side { new } else { old };
        let mut start = 0;
        for_each_line_end(text, |end| {
            out.push(self.intern(old, new, (start, end), hash_line(text, start, end)));
            start = end;
        });
        if start < text.len() {
            let end = text.len();
            out.push(self.intern(old, new, (start, end), hash_line(text, start, end)));
        }
    }

    #[inline(always)]
    fn intern(&mut self, old: &[u8], new: &[u8], (start, end): (usize, usize), hash: u64) -> Token {
        let line = if self.first_new == usize::MAX {
            &old[start..end]
        } else {
            &new[start..end]
        };
        let mask = self.slots.len() - 1;
        let mut slot = hash as usize & mask;
        loop {
            let token = match self.slots[slot] {
                0 => break,
                taken => taken as usize - 1,
            };
            let entry = self.entries[token];
            if entry.hash == hash && entry.len == line.len() {
                let side = if token >= self.first_new { new } else { old };
                if side[entry.start..entry.start + entry.len] == *line {
                    return Token(token as u32);
                }
            }
            slot = (slot + 1) & mask;
        }
        let token = self.entries.len();
        self.slots[slot] = token as u32 + 1;
        let len = line.len();
        self.entries.push(Entry { hash, start, len });
        if 2 * self.entries.len() > self.slots.len() {
            self.grow();
        }
        Token(token as u32)
    }

    /// Doubles the table, placing each token again by its kept hash.
    fn grow(&mut self) {
        let slots = self.slots.len() * 2;
        self.slots.clear();
        self.slots.resize(slots, 0);
        let mask = slots - 1;
        for (token, entry) in self.entries.iter().enumerate() {
            let mut slot = entry.hash as usize & mask;
            while self.slots[slot] != 0 {
                slot = (slot + 1) & mask;
            }
            self.slots[slot] = token as u32 + 1;
        }
    }
}

/// Calls `each` with the end (just after the `\n`) of each line of `text`
/// that ends in a newline, in order.
fn for_each_line_end(text: &[u8], mut each: impl FnMut(usize)) {
    crate::newlines::for_each(text, |newline| each(newline + 1));
}

const SEEDS: [u64; 2] = [0x243f_6a88_85a3_08d3, 0x1319_8a2e_0370_7344];

/// A hash of the line `text[start..end]` from its length and at most its
/// first 16 and last 8 bytes: lines alike there (and lines whose hashes
/// collide) are told apart by comparing their bytes.
fn hash_line(text: &[u8], start: usize, end: usize) -> u64 {
    let line = &text[start..end];
    let (first, last) = match (line.first_chunk::<8>(), line.last_chunk::<8>()) {
        (Some(first), Some(last)) => {
            let second = match line.get(8..).and_then(|rest| rest.first_chunk::<8>()) {
                Some(second) => u64::from_le_bytes(*second).rotate_left(32),
                None => 0,
            };
            (
                u64::from_le_bytes(*first) ^ second,
                u64::from_le_bytes(*last),
            )
        }
        _ => (short_line(text, start, end), 0),
    };
    fold(first ^ SEEDS[0], last ^ SEEDS[1] ^ line.len() as u64)
}

/// A line of fewer than 8 bytes as a word, its bytes at the low end.
fn short_line(text: &[u8], start: usize, end: usize) -> u64 {
    let len = end - start;
    match text[..end].last_chunk::<8>() {
        // The 8 bytes that end with the line, shifted down to the line.
        Some(word) => u64::from_le_bytes(*word) >> (8 * (8 - len)),
        None => {
            let mut word = [0u8; 8];
            word[..len].copy_from_slice(&text[start..end]);
            u64::from_le_bytes(word)
        }
    }
}

/// The two halves of a 128-bit product folded together (foldhash's mixer).
fn fold(x: u64, y: u64) -> u64 {
    let product = u128::from(x) * u128::from(y);
    (product as u64) ^ ((product >> 64) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(text: &[u8]) -> Vec<&[u8]> {
        let mut lines = Vec::new();
        let mut start = 0;
        for_each_line_end(text, |end| {
            lines.push(&text[start..end]);
            start = end;
        });
        if start < text.len() {
            lines.push(&text[start..]);
        }
        lines
    }

    #[test]
    fn tokens_are_those_of_imaras_interned_input() {
        let mut interner = LineInterner::default();
        let (mut before, mut after) = (Vec::new(), Vec::new());
        for (old, new) in super::super::tests::random_pairs(500) {
            let theirs = imara_diff::InternedInput::new(old.as_str(), new.as_str());
            let (a, b) = (old.as_bytes(), new.as_bytes());
            interner.start(a.len() + b.len());
            interner.tokenize(a, b, false, &mut before);
            interner.tokenize(a, b, true, &mut after);
            assert_eq!(before, theirs.before, "{old:?}");
            assert_eq!(after, theirs.after, "{new:?}");
            assert_eq!(interner.token_count(), theirs.interner.num_tokens());
            let ours: Vec<&[u8]> = lines_of(b);
            let cut: Vec<&[u8]> = imara_diff::sources::byte_lines(b).collect();
            assert_eq!(ours, cut);
        }
    }

    #[test]
    fn lines_end_after_their_newline_or_at_the_end() {
        assert_eq!(lines_of(b""), Vec::<&[u8]>::new());
        assert_eq!(lines_of(b"a\nb"), vec![&b"a\n"[..], b"b"]);
        assert_eq!(lines_of(b"\n\n"), vec![&b"\n"[..], b"\n"]);
        let long = b"0123456789abcdef\n01234567\nx\r\n";
        assert_eq!(
            lines_of(long),
            vec![&b"0123456789abcdef\n"[..], b"01234567\n", b"x\r\n"]
        );
    }

    #[test]
    fn equal_lines_hash_alike_wherever_they_start() {
        let line = "same line, long enough\n";
        for len in 1..line.len() {
            let line = &line[line.len() - len..];
            let text = format!("{line}{line}xyz\n{line}");
            let at = [0, len, 2 * len + 4];
            let hashes: Vec<u64> = at
                .iter()
                .map(|&s| hash_line(text.as_bytes(), s, s + len))
                .collect();
            assert!(
                hashes.iter().all(|&h| h == hashes[0]),
                "{line:?}: {hashes:?}"
            );
        }
        let hash = |text: &[u8]| hash_line(text, 0, text.len());
        assert_ne!(hash(b"a\0\n"), hash(b"a\n"));
        assert_ne!(hash(b"abc\n"), hash(b"abc"));
    }

    #[test]
    fn lines_whose_hashes_meet_are_told_apart() {
        // Alike in length and in the bytes hashed, different in the middle.
        let mut interner = LineInterner::default();
        let old = b"0123456789abcdefXX-tail-12345678\n";
        let new = b"0123456789abcdefYY-tail-12345678\n0123456789abcdefXX-tail-12345678\n";
        assert_eq!(hash_line(old, 0, 33), hash_line(new, 0, 33));
        let (mut before, mut after) = (Vec::new(), Vec::new());
        interner.start(old.len() + new.len());
        interner.tokenize(old, new, false, &mut before);
        interner.tokenize(old, new, true, &mut after);
        assert_eq!(before, vec![Token(0)]);
        assert_eq!(after, vec![Token(1), Token(0)]);
        assert_eq!(added_lines(old, new, 0), vec![1]);
    }

    #[test]
    fn the_table_grows_past_its_first_guess() {
        let old: String = (0..5_000).map(|i| format!("{i}\n")).collect();
        let new: String = (0..5_000).rev().map(|i| format!("{i}\n")).collect();
        let mut interner = LineInterner::default();
        let (mut before, mut after) = (Vec::new(), Vec::new());
        interner.start(64);
        interner.tokenize(old.as_bytes(), new.as_bytes(), false, &mut before);
        interner.tokenize(old.as_bytes(), new.as_bytes(), true, &mut after);
        assert_eq!(interner.token_count(), 5_000);
        assert!(after.iter().zip(before.iter().rev()).all(|(a, b)| a == b));
    }
}
