//! The lines of an old and a new text turned into imara-diff tokens, for the
//! histogram diff of `added_lines`.
//!
//! imara-diff's own `InternedInput` hashes each line with a general-purpose
//! hasher (a `&str` fed through `Hash`, after a separate search for its end)
//! and keeps its tables per call. Here one pass over 8 bytes at a time finds
//! a line's end and hashes it, and the tables are kept per thread. Tokens are
//! numbered exactly as `InternedInput::new(old, new)` numbers them (by first
//! occurrence, the old side first; a line is its bytes up to and including
//! its `\n`, or to the end of the text), so the diff computed from them is
//! the one imara-diff would compute: a test holds the two side by side.

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

/// Distinct lines, found by hash and told apart by their bytes.
#[derive(Default)]
struct LineInterner {
    /// Open addressing, linear probing: a token plus one, 0 when free.
    slots: Vec<u32>,
    /// By token: the line's hash and where it lies in its side.
    hashes: Vec<u64>,
    spans: Vec<(usize, usize)>,
    /// Tokens from this one on were first seen on the new side.
    first_new: usize,
}

impl LineInterner {
    /// Empties the tables, sized for texts of `bytes` bytes in all.
    fn start(&mut self, bytes: usize) {
        // Lines of source code average 25 to 40 bytes; the table grows if
        // this guesses low, and is kept at most half full.
        let slots = (bytes / 16).clamp(64, 1 << 24).next_power_of_two();
        self.slots.clear();
        self.slots.resize(slots, 0);
        self.hashes.clear();
        self.spans.clear();
        self.first_new = usize::MAX;
    }

    fn token_count(&self) -> u32 {
        self.hashes.len() as u32
    }

    /// Cuts one side into lines and puts their tokens in `out`.
    fn tokenize(&mut self, old: &[u8], new: &[u8], new_side: bool, out: &mut Vec<Token>) {
        out.clear();
        if new_side {
            self.first_new = self.hashes.len();
        }
        let text = if new_side { new } else { old };
        let mut at = 0;
        while at < text.len() {
            let (end, hash) = hash_line(text, at);
            out.push(self.intern(old, new, (at, end), hash));
            at = end;
        }
    }

    fn intern(&mut self, old: &[u8], new: &[u8], span: (usize, usize), hash: u64) -> Token {
        let line = &(if self.first_new == usize::MAX {
            old
        } else {
            new
        })[span.0..span.1];
        let mask = self.slots.len() - 1;
        let mut slot = hash as usize & mask;
        loop {
            let token = match self.slots[slot] {
                0 => break,
                taken => taken as usize - 1,
            };
            if self.hashes[token] == hash && self.text_of(token, old, new) == line {
                return Token(token as u32);
            }
            slot = (slot + 1) & mask;
        }
        let token = self.hashes.len();
        self.slots[slot] = token as u32 + 1;
        self.hashes.push(hash);
        self.spans.push(span);
        if 2 * self.hashes.len() > self.slots.len() {
            self.grow();
        }
        Token(token as u32)
    }

    fn text_of<'t>(&self, token: usize, old: &'t [u8], new: &'t [u8]) -> &'t [u8] {
        let (start, end) = self.spans[token];
        &(if token >= self.first_new { new } else { old })[start..end]
    }

    /// Doubles the table, placing each token again by its kept hash.
    fn grow(&mut self) {
        let slots = self.slots.len() * 2;
        self.slots.clear();
        self.slots.resize(slots, 0);
        let mask = slots - 1;
        for (token, &hash) in self.hashes.iter().enumerate() {
            let mut slot = hash as usize & mask;
            while self.slots[slot] != 0 {
                slot = (slot + 1) & mask;
            }
            self.slots[slot] = token as u32 + 1;
        }
    }
}

const NEWLINES: u64 = u64::from_ne_bytes([b'\n'; 8]);
const LOW_BITS: u64 = u64::from_ne_bytes([0x01; 8]);
const HIGH_BITS: u64 = u64::from_ne_bytes([0x80; 8]);
const SEED: u64 = 0x243f_6a88_85a3_08d3;
const MULTIPLIER: u64 = 0x9e37_79b9_7f4a_7c15;

/// The end of the line that starts at `start` (after its `\n`, or the end
/// of `text`) and a hash of its bytes, found in one pass of 8 bytes a step.
fn hash_line(text: &[u8], start: usize) -> (usize, u64) {
    let mut hash = SEED;
    let mut at = start;
    loop {
        let (word, available) = match text.get(at..at + 8) {
            Some(bytes) => (u64::from_le_bytes(bytes.try_into().unwrap_or_default()), 8),
            None => (tail_word(&text[at..]), text.len() - at),
        };
        // The lowest byte flagged is the first `\n` (a borrow can only flag
        // bytes above a true match).
        let x = word ^ NEWLINES;
        let found = x.wrapping_sub(LOW_BITS) & !x & HIGH_BITS;
        let taken = if found != 0 {
            (found.trailing_zeros() / 8 + 1) as usize
        } else {
            available
        };
        if taken < 8 {
            hash = fold(hash ^ (word & ((1u64 << (8 * taken)) - 1)), MULTIPLIER);
            let end = at + taken;
            return (end, fold(hash ^ (end - start) as u64, MULTIPLIER));
        }
        hash = fold(hash ^ word, MULTIPLIER);
        at += 8;
        if found != 0 || at == text.len() {
            return (at, fold(hash ^ (at - start) as u64, MULTIPLIER));
        }
    }
}

/// The last bytes of a text (fewer than 8) as a little-endian word, zeros
/// above them.
fn tail_word(bytes: &[u8]) -> u64 {
    let mut word = [0u8; 8];
    word[..bytes.len()].copy_from_slice(bytes);
    u64::from_le_bytes(word)
}

/// The two halves of a 128-bit product folded together (foldhash's mixer).
fn fold(x: u64, multiplier: u64) -> u64 {
    let product = u128::from(x) * u128::from(multiplier);
    (product as u64) ^ ((product >> 64) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(text: &[u8]) -> Vec<&[u8]> {
        let mut lines = Vec::new();
        let mut at = 0;
        while at < text.len() {
            let (end, _) = hash_line(text, at);
            lines.push(&text[at..end]);
            at = end;
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
        assert_eq!(lines_of(b"01234567"), vec![&b"01234567"[..]]);
        assert_eq!(lines_of(b"0123456\n"), vec![&b"0123456\n"[..]]);
    }

    #[test]
    fn equal_lines_hash_alike_wherever_they_start() {
        let text = b"same line, long enough\nsame line, long enough\nx\nsame line, long enough";
        let hashes: Vec<u64> = [0, 23]
            .into_iter()
            .map(|start| hash_line(text, start).1)
            .collect();
        assert_eq!(hashes[0], hashes[1]);
        assert_ne!(hash_line(text, 46).1, hashes[0], "no newline at the end");
        assert_ne!(hash_line(b"a\0\n", 0).1, hash_line(b"a\n", 0).1);
    }
}
