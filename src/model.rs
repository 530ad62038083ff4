//! Plain data describing a change: what the git layer produces and every check consumes.

use std::sync::Arc;

/// One commit's identity and message, already converted out of git2.
#[derive(Debug, Clone, Default)]
pub struct CommitInfo {
    pub id: String,
    pub short_id: String,
    pub summary: String,
    pub message: String,
}

/// How a file changed between the old and the new tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeStatus {
    Added,
    Modified,
    Deleted,
    Renamed,
    Copied,
    /// A file became a symlink, or the other way round.
    TypeChange,
}

/// A file's text: owned, or the very bytes git's object reader produced
/// (shared with its cache, not copied), checked to be UTF-8 when made.
#[derive(Clone)]
pub struct Text(Repr);

#[derive(Clone)]
enum Repr {
    Owned(String),
    /// Valid UTF-8: `Text::shared` checked it, and nothing changes bytes
    /// behind an `Arc`.
    Shared(Arc<Vec<u8>>),
}

impl Text {
    /// `bytes` as text without a copy, when they are UTF-8.
    pub fn shared(bytes: Arc<Vec<u8>>) -> Option<Text> {
        simdutf8::basic::from_utf8(&bytes).ok()?;
        Some(Text(Repr::Shared(bytes)))
    }

    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Owned(text) => text,
            // SAFETY: checked to be UTF-8 by `Text::shared`, immutable since.
            Repr::Shared(bytes) => unsafe { std::str::from_utf8_unchecked(bytes) },
        }
    }
}

impl std::ops::Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl From<String> for Text {
    fn from(text: String) -> Text {
        Text(Repr::Owned(text))
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Text {
        Text(Repr::Owned(text.to_string()))
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Text {}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

/// What a side of a file change holds, once read from git.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    Text(Text),
    Binary,
    /// Text over `limits.max_file_size` (and within the chunked bound): no
    /// line or key diff; checked a chunk at a time, every line as new.
    LargeText(Text),
    /// Over even the chunked bound, or a size only: not read.
    TooLarge(u64),
    Submodule,
    Symlink(String),
    Absent,
}

impl Content {
    pub fn text(&self) -> Option<&str> {
        match self {
            Content::Text(text) => Some(text),
            _ => None,
        }
    }
}

/// One file of a change set with both sides and the lines the change adds.
#[derive(Debug, Clone)]
pub struct FileChange {
    /// The path after the change (the old path for a deletion), `/`-separated.
    pub path: String,
    /// The path before the change, when it differs (renames and copies).
    pub old_path: Option<String>,
    pub status: ChangeStatus,
    pub old: Content,
    pub new: Content,
    /// 1-based numbers of the lines of `new` that the change adds, ascending.
    pub added_lines: Vec<u32>,
    /// Whether the executable bit changed (alone it is not a content change).
    pub mode_changed: bool,
}

impl FileChange {
    pub fn new_text(&self) -> Option<&str> {
        self.new.text()
    }

    pub fn old_text(&self) -> Option<&str> {
        self.old.text()
    }

    /// The lines a check should look at in `new`.
    pub fn lines(&self) -> Lines<'_> {
        if self.status == ChangeStatus::Added {
            Lines::All
        } else {
            Lines::Only(&self.added_lines)
        }
    }
}

/// A set of changes checked together: the staged change, or one commit.
#[derive(Debug, Clone, Default)]
pub struct ChangeSet {
    /// `None` for the staged change (no commit exists yet).
    pub commit: Option<CommitInfo>,
    pub files: Vec<FileChange>,
}

impl ChangeSet {
    /// A change set built file by file, for tests and benchmarks: the git
    /// layer builds the real ones.
    pub fn builder() -> ChangeSetBuilder {
        ChangeSetBuilder::default()
    }
}

/// Builds a [`ChangeSet`] the way the git layer would: statuses, both sides
/// and the added lines (by the same line diff) filled in from the texts.
#[derive(Debug, Default)]
pub struct ChangeSetBuilder {
    set: ChangeSet,
}

impl ChangeSetBuilder {
    /// The change set is a commit with this message (a range or commit-msg
    /// check); without one it is the staged change.
    pub fn message(mut self, message: &str) -> Self {
        self.set.commit = Some(CommitInfo {
            id: "0123456789abcdef0123456789abcdef01234567".to_string(),
            short_id: "0123456".to_string(),
            summary: message.lines().next().unwrap_or_default().to_string(),
            message: message.to_string(),
        });
        self
    }

    /// A new file: every line added.
    pub fn added(self, path: &str, text: &str) -> Self {
        self.file(path, None, Content::Absent, Content::Text(text.into()))
    }

    /// A file edited from `old` to `new`.
    pub fn modified(self, path: &str, old: &str, new: &str) -> Self {
        let (old, new) = (Content::Text(old.into()), Content::Text(new.into()));
        self.file(path, None, old, new)
    }

    /// A file removed.
    pub fn deleted(self, path: &str, old: &str) -> Self {
        self.file(path, None, Content::Text(old.into()), Content::Absent)
    }

    /// A file moved from `from` to `to`, its text edited from `old` to `new`.
    pub fn renamed(self, from: &str, to: &str, old: &str, new: &str) -> Self {
        let (old, new) = (Content::Text(old.into()), Content::Text(new.into()));
        self.file(to, Some(from), old, new)
    }

    /// A file with any contents on either side (binary, too large, a symlink).
    pub fn file(mut self, path: &str, from: Option<&str>, old: Content, new: Content) -> Self {
        let status = match (&old, &new, from) {
            (Content::Absent, _, _) => ChangeStatus::Added,
            (_, Content::Absent, _) => ChangeStatus::Deleted,
            (_, _, Some(_)) => ChangeStatus::Renamed,
            _ => ChangeStatus::Modified,
        };
        let added_lines = match (&old, &new) {
            (Content::Text(before), Content::Text(after)) => crate::git::added_lines(before, after),
            _ => Vec::new(),
        };
        self.set.files.push(FileChange {
            path: path.to_string(),
            old_path: from.map(str::to_string),
            status,
            old,
            new,
            added_lines,
            mode_changed: false,
        });
        self
    }

    pub fn build(self) -> ChangeSet {
        self.set
    }
}

/// Which lines of a text a detector reports on: every line (scan, new files)
/// or only the lines a change adds.
#[derive(Debug, Clone, Copy)]
pub enum Lines<'a> {
    All,
    /// Sorted ascending, 1-based.
    Only(&'a [u32]),
}

impl Lines<'_> {
    pub fn contains(&self, line: u32) -> bool {
        match self {
            Lines::All => true,
            Lines::Only(lines) => lines.binary_search(&line).is_ok(),
        }
    }

    /// Whether any line in `first..=last` is selected.
    pub fn any_in(&self, first: u32, last: u32) -> bool {
        match self {
            Lines::All => true,
            Lines::Only(lines) => {
                let start = lines.partition_point(|&l| l < first);
                lines.get(start).is_some_and(|&l| l <= last)
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        matches!(self, Lines::Only(lines) if lines.is_empty())
    }

    /// The last line selected (`u32::MAX` for every line; 0 for none).
    pub fn last(&self) -> u32 {
        match self {
            Lines::All => u32::MAX,
            Lines::Only(lines) => lines.last().copied().unwrap_or(0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_lines_select_ranges() {
        let added = [3, 7, 8];
        let lines = Lines::Only(&added);
        assert!(lines.contains(7));
        assert!(!lines.contains(4));
        assert!(lines.any_in(4, 7));
        assert!(!lines.any_in(4, 6));
        assert!(!lines.any_in(9, 100));
        assert!(Lines::All.any_in(1, 1));
    }
}
