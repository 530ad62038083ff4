//! Line-level diffs and the diff options shared by the staged and history
//! readers.

use anyhow::{Context, Result};
use git2::{DiffFindOptions, DiffOptions};

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
    // Whole lines shared at both ends are left out of the diff, as git's
    // xdiff does: most edits touch a few lines of a long file.
    let (a, b) = (old.as_bytes(), new.as_bytes());
    let mut prefix = common_prefix(a, b);
    prefix = memchr::memrchr(b'\n', &b[..prefix]).map_or(0, |at| at + 1);
    let room = a.len().min(b.len()) - prefix;
    let mut suffix = common_suffix(&a[a.len() - room..], &b[b.len() - room..]);
    let line_start = |text: &[u8], at: usize| at == 0 || text[at - 1] == b'\n';
    while suffix > 0 && !(line_start(a, a.len() - suffix) && line_start(b, b.len() - suffix)) {
        suffix -= 1;
    }
    let skipped = memchr::memchr_iter(b'\n', &b[..prefix]).count() as u32;
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

/// Length of the common start of `a` and `b`, compared a block at a time.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 32;
    let n = a.len().min(b.len());
    let mut at = 0;
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
    const BLOCK: usize = 32;
    let n = a.len().min(b.len());
    let (a, b) = (&a[a.len() - n..], &b[b.len() - n..]);
    let mut len = 0;
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
