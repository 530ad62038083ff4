//! Line-level diffs and the diff options shared by the staged and history
//! readers.

use anyhow::{Context, Result};
use git2::{DiffFindOptions, DiffOptions};

mod interner;

pub(super) fn diff_options() -> DiffOptions {
    let mut opts = DiffOptions::new();
    // Only the list of changed files is taken from libgit2 (line diffs are
    // `added_lines`): no binary sniffing, so no attribute lookups.
    opts.context_lines(0)
        .force_text(true)
        .include_typechange(true)
        .ignore_submodules(false)
        .skip_binary_check(true);
    opts
}

pub(super) fn find_renames(diff: &mut git2::Diff<'_>) -> Result<()> {
    let mut find = DiffFindOptions::new();
    // Renames, as `git log` finds them by default; copy detection would
    // compare every added file with every unchanged one.
    find.renames(true).rename_limit(1000);
    diff.find_similar(Some(&mut find))
        .context("cannot detect renames")
}

/// Line numbers `new` adds over `old`: a histogram line diff, as
/// `git diff --histogram` would show it. Done here rather than by libgit2,
/// whose patches look up the `diff` attribute of every path (reading
/// `.gitattributes` from the index and the work tree) before diffing.
pub fn added_lines(old: &str, new: &str) -> Vec<u32> {
    let (a, b) = (old.as_bytes(), new.as_bytes());
    let (prefix, suffix) = common_lines(a, b);
    let skipped = memchr::memchr_iter(b'\n', &b[..prefix]).count() as u32;
    interner::added_lines(
        &a[prefix..a.len() - suffix],
        &b[prefix..b.len() - suffix],
        skipped,
    )
}

/// Lengths of the whole lines shared at the start and at the end of `a` and
/// `b`, which are left out of the diff, as git's xdiff does: most edits touch
/// a few lines of a long file.
fn common_lines(a: &[u8], b: &[u8]) -> (usize, usize) {
    let mut prefix = common_prefix(a, b);
    prefix = memchr::memrchr(b'\n', &b[..prefix]).map_or(0, |at| at + 1);
    let room = a.len().min(b.len()) - prefix;
    let mut suffix = common_suffix(&a[a.len() - room..], &b[b.len() - room..]);
    let line_start = |text: &[u8], at: usize| at == 0 || text[at - 1] == b'\n';
    while suffix > 0 && !(line_start(a, a.len() - suffix) && line_start(b, b.len() - suffix)) {
        suffix -= 1;
    }
    (prefix, suffix)
}

/// The common ends are compared 256 bytes at a time first (one `bcmp` call,
/// half the instructions of 32-byte blocks compared inline), then 32 bytes,
/// then byte by byte. The sizes are constants so that the smaller compares
/// are inlined.
const BIG_BLOCK: usize = 256;
const BLOCK: usize = 32;

/// Length of the common start of `a` and `b`, compared a block at a time.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let mut at = 0;
    while at + BIG_BLOCK <= n && a[at..at + BIG_BLOCK] == b[at..at + BIG_BLOCK] {
        at += BIG_BLOCK;
    }
    while at + BLOCK <= n && a[at..at + BLOCK] == b[at..at + BLOCK] {
        at += BLOCK;
    }
    while at < n && a[at] == b[at] {
        at += 1;
    }
    at
}

/// Length of the common end of `a` and `b`.
fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let (a, b) = (&a[a.len() - n..], &b[b.len() - n..]);
    let mut len = 0;
    while len + BIG_BLOCK <= n && a[n - len - BIG_BLOCK..n - len] == b[n - len - BIG_BLOCK..n - len]
    {
        len += BIG_BLOCK;
    }
    while len + BLOCK <= n && a[n - len - BLOCK..n - len] == b[n - len - BLOCK..n - len] {
        len += BLOCK;
    }
    while len < n && a[n - len - 1] == b[n - len - 1] {
        len += 1;
    }
    len
}

pub(super) fn line_count(text: &str) -> u32 {
    // `str::lines`: a last line without a newline counts too.
    let newlines = memchr::memchr_iter(b'\n', text.as_bytes()).count();
    let unterminated = usize::from(!text.is_empty() && !text.ends_with('\n'));
    u32::try_from(newlines + unterminated).unwrap_or(u32::MAX)
}

pub(super) fn path_string(bytes: Option<&[u8]>) -> String {
    String::from_utf8_lossy(bytes.unwrap_or_default()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `added_lines` as it was before its own line interner, with
    /// imara-diff's `InternedInput`: the oracle the random pairs are held to.
    fn added_lines_by_imara(old: &str, new: &str) -> Vec<u32> {
        let (prefix, suffix) = common_lines(old.as_bytes(), new.as_bytes());
        let skipped = memchr::memchr_iter(b'\n', &new.as_bytes()[..prefix]).count() as u32;
        let input = imara_diff::InternedInput::new(
            &old[prefix..old.len() - suffix],
            &new[prefix..new.len() - suffix],
        );
        let diff = imara_diff::Diff::compute(imara_diff::Algorithm::Histogram, &input);
        (0..input.after.len() as u32)
            .filter(|&line| diff.is_added(line))
            .map(|line| skipped + line + 1)
            .collect()
    }

    /// A fixed linear congruential generator: reproducible, no dependency.
    pub(super) struct Lcg(pub(super) u64);

    impl Lcg {
        pub(super) fn below(&mut self, n: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((self.0 >> 33) as usize) % n.max(1)
        }
    }

    /// Lines drawn from a small vocabulary (so that lines repeat), in both
    /// line-end styles, short and long, ASCII and not.
    fn random_text(rng: &mut Lcg, lines: usize, vocabulary: usize) -> String {
        const WORDS: [&str; 12] = [
            "",
            "}",
            "a",
            "    return x",
            "é",
            "中文行",
            "def f():",
            "#",
            "x = 1",
            "        \"key\": \"value\",",
            "0123456",
            "01234567",
        ];
        let mut text = String::new();
        for _ in 0..lines {
            let pick = rng.below(vocabulary);
            text.push_str(WORDS[pick % WORDS.len()]);
            for _ in 0..pick / WORDS.len() {
                text.push_str(" long-tail");
            }
            text.push_str(if rng.below(8) == 0 { "\r\n" } else { "\n" });
        }
        if rng.below(4) == 0 {
            text.pop();
        }
        text
    }

    /// `old` edited a few times (inserted, removed, replaced lines, at
    /// either end or anywhere), or something unrelated, or nothing.
    fn random_edit(rng: &mut Lcg, old: &str, vocabulary: usize) -> String {
        match rng.below(10) {
            0 => return String::new(),
            1 => {
                let lines = rng.below(40);
                return random_text(rng, lines, vocabulary);
            }
            _ => {}
        }
        let mut lines: Vec<String> = old.split_inclusive('\n').map(str::to_string).collect();
        for _ in 0..=rng.below(6) {
            let at = match rng.below(4) {
                0 => 0,
                1 => lines.len(),
                _ => rng.below(lines.len() + 1),
            };
            match rng.below(3) {
                0 if at < lines.len() => {
                    lines.remove(at);
                }
                1 if at < lines.len() => lines[at] = random_text(rng, 1, vocabulary),
                _ => {
                    let count = 1 + rng.below(3);
                    lines.insert(at, random_text(rng, count, vocabulary));
                }
            }
        }
        let mut new = lines.concat();
        if rng.below(6) == 0 {
            new.pop();
        }
        new
    }

    /// Random old and new texts, from empty to a few thousand lines.
    pub(super) fn random_pairs(count: usize) -> Vec<(String, String)> {
        let mut rng = Lcg(0x9e37_79b9_7f4a_7c15);
        (0..count)
            .map(|round| {
                let vocabulary = [3, 12, 40, 400][round % 4];
                let lines = match round % 7 {
                    0 => 0,
                    1 => 1_000 + rng.below(1_500),
                    _ => rng.below(60),
                };
                let old = random_text(&mut rng, lines, vocabulary);
                let new = random_edit(&mut rng, &old, vocabulary);
                if round % 11 == 0 {
                    (new, old)
                } else {
                    (old, new)
                }
            })
            .collect()
    }

    #[test]
    fn common_ends_are_those_found_byte_by_byte() {
        let naive_prefix = |a: &[u8], b: &[u8]| a.iter().zip(b).take_while(|(x, y)| x == y).count();
        let naive_suffix = |a: &[u8], b: &[u8]| {
            a.iter()
                .rev()
                .zip(b.iter().rev())
                .take_while(|(x, y)| x == y)
                .count()
        };
        let mut rng = Lcg(7);
        for _ in 0..2_000 {
            let len = rng.below(1_200);
            let a: Vec<u8> = (0..len).map(|_| b'a' + rng.below(2) as u8).collect();
            let mut b = a.clone();
            match rng.below(4) {
                0 => b.truncate(rng.below(len + 1)),
                1 => b.insert(rng.below(len + 1), b'z'),
                2 if len > 0 => b[rng.below(len)] = b'z',
                _ => b.drain(..rng.below(len + 1)).for_each(drop),
            }
            assert_eq!(common_prefix(&a, &b), naive_prefix(&a, &b));
            assert_eq!(common_suffix(&a, &b), naive_suffix(&a, &b));
        }
    }

    #[test]
    fn added_lines_are_imaras_on_random_pairs() {
        let pairs = random_pairs(1_500);
        let mut nonempty = 0;
        for (old, new) in &pairs {
            let ours = added_lines(old, new);
            assert_eq!(ours, added_lines_by_imara(old, new), "{old:?} -> {new:?}");
            nonempty += usize::from(!ours.is_empty());
        }
        // The pairs do exercise the diff.
        assert!(nonempty > pairs.len() / 2, "{nonempty}");
    }

    #[test]
    fn added_lines_are_those_of_the_new_side() {
        assert_eq!(added_lines("a\nb\nc\n", "a\nb\nc\n"), Vec::<u32>::new());
        assert_eq!(added_lines("a\nb\nc\n", "a\nB\nc\n"), vec![2]);
        assert_eq!(added_lines("a\nc\n", "a\nb\nc\n"), vec![2]);
        assert_eq!(added_lines("", "x\ny\n"), vec![1, 2]);
        assert_eq!(added_lines("a\nb", "a\nb\n"), vec![2], "newline at end");
        assert_eq!(added_lines("a\nb\n", "a\nb"), vec![2], "newline dropped");
        assert_eq!(added_lines("x\n", "x\nx\n"), vec![2], "a repeated line");
        assert_eq!(
            added_lines("ab\n", "aXb\n"),
            vec![1],
            "a change inside a line"
        );
        assert_eq!(added_lines("k = 1\r\n", "k = 2\r\n"), vec![1]);
        let long: String = (0..1000).map(|i| format!("line {i}\n")).collect();
        let edited = long.replace("line 500\n", "line 500\nnew\n");
        assert_eq!(added_lines(&long, &edited), vec![502]);
        let changed_early = long.replace("line 3\n", "line three\n");
        assert_eq!(added_lines(&long, &changed_early), vec![4]);
        let changed_late = long.replace("line 998\n", "line 998!\n");
        assert_eq!(added_lines(&long, &changed_late), vec![999]);
        assert_eq!(common_prefix(b"abc", b"abd"), 2);
        assert_eq!(common_suffix(b"xbc", b"abc"), 2);
        let x = "q".repeat(100);
        assert_eq!(common_suffix(x.as_bytes(), format!("z{x}").as_bytes()), 100);
        assert_eq!(common_prefix(x.as_bytes(), format!("{x}z").as_bytes()), 100);
    }
}
