//! Which files two trees hold differently, found by one walk over both
//! trees' sorted entries: an unchanged subtree is skipped by its id, and a
//! path is built only for an entry that changed. libgit2's diff joins the
//! full path of every entry of every tree it opens, and takes a config
//! snapshot per diff: in fastapi's history (directories of hundreds of
//! translated pages) that was most of the tree diff's time.
//!
//! The walk declines (returns `None`) what it leaves to libgit2: submodules
//! and modes it does not know. Renames are not its business
//! either: the caller hands a change that adds and deletes files to libgit2.

use std::cmp::Ordering;

use anyhow::{Context, Result};
use git2::{FileMode, Oid, Repository, Tree, TreeEntry};

use crate::model::ChangeStatus;

/// One changed file, as a libgit2 diff delta describes it: the absent side
/// of an addition or deletion has the other side's path, a zero id and
/// mode 0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct TreeDelta {
    pub status: ChangeStatus,
    pub old_path: Vec<u8>,
    pub new_path: Vec<u8>,
    pub old_id: Oid,
    pub old_mode: u32,
    pub new_id: Oid,
    pub new_mode: u32,
}

impl TreeDelta {
    pub fn old_file_mode(&self) -> FileMode {
        file_mode(self.old_mode)
    }

    pub fn new_file_mode(&self) -> FileMode {
        file_mode(self.new_mode)
    }
}

/// The deltas of a libgit2 diff, in its order; statuses a tree diff does
/// not produce (unmodified, ignored, …) are left out.
pub(super) fn deltas_of(diff: &git2::Diff<'_>) -> Vec<TreeDelta> {
    diff.deltas()
        .filter_map(|delta| {
            let status = match delta.status() {
                git2::Delta::Added | git2::Delta::Untracked => ChangeStatus::Added,
                git2::Delta::Deleted => ChangeStatus::Deleted,
                git2::Delta::Modified => ChangeStatus::Modified,
                git2::Delta::Renamed => ChangeStatus::Renamed,
                git2::Delta::Copied => ChangeStatus::Copied,
                git2::Delta::Typechange => ChangeStatus::TypeChange,
                _ => return None,
            };
            let (old, new) = (delta.old_file(), delta.new_file());
            Some(TreeDelta {
                status,
                old_path: old.path_bytes().unwrap_or_default().to_vec(),
                new_path: new.path_bytes().unwrap_or_default().to_vec(),
                old_id: old.id(),
                old_mode: u32::from(old.mode()),
                new_id: new.id(),
                new_mode: u32::from(new.mode()),
            })
        })
        .collect()
}

const TREE: u32 = 0o040000;
const GITLINK: u32 = 0o160000;
const LINK: u32 = 0o120000;
/// The bits of a mode that say what kind of entry it is.
const KIND: u32 = 0o170000;

/// The modes this walk handles: files, links and directories, with the
/// group-writable file mode of old repositories. Submodules (`GITLINK`),
/// whose diff libgit2 may judge by `.gitmodules`, are left to it.
fn known_mode(mode: u32) -> bool {
    matches!(mode, 0o100644 | 0o100755 | 0o100664 | LINK | TREE)
}

fn file_mode(mode: u32) -> FileMode {
    match mode {
        TREE => FileMode::Tree,
        0o100755 => FileMode::BlobExecutable,
        0o100664 => FileMode::BlobGroupWritable,
        LINK => FileMode::Link,
        GITLINK => FileMode::Commit,
        0 => FileMode::Unreadable,
        _ => FileMode::Blob,
    }
}

/// The change of one file from `old` to `new` (each `(id, raw mode)`, `None`
/// where absent), as libgit2 would report it: `Some(None)` when unchanged,
/// `None` when it is left to libgit2 (a directory, a submodule, an unknown
/// mode).
pub(super) fn file_delta(
    path: &[u8],
    old: Option<(Oid, u32)>,
    new: Option<(Oid, u32)>,
) -> Option<Option<TreeDelta>> {
    let known =
        |side: Option<(Oid, u32)>| side.is_none_or(|(_, mode)| known_mode(mode) && mode != TREE);
    if !known(old) || !known(new) {
        return None;
    }
    let status = match (old, new) {
        (None, None) => return Some(None),
        (Some(a), Some(b)) if a == b => return Some(None),
        (Some((_, a)), Some((_, b))) if a & KIND != b & KIND => ChangeStatus::TypeChange,
        (Some(_), Some(_)) => ChangeStatus::Modified,
        (Some(_), None) => ChangeStatus::Deleted,
        (None, Some(_)) => ChangeStatus::Added,
    };
    let (old_id, old_mode) = old.unwrap_or((Oid::zero(), 0));
    let (new_id, new_mode) = new.unwrap_or((Oid::zero(), 0));
    Some(Some(TreeDelta {
        status,
        old_path: path.to_vec(),
        new_path: path.to_vec(),
        old_id,
        old_mode,
        new_id,
        new_mode,
    }))
}

/// The files `new` holds differently from `old` (`None`: the empty tree),
/// in the order libgit2's tree diff reports them; `None` when the walk
/// leaves the pair to libgit2.
pub(super) fn tree_changes(
    repo: &Repository,
    old: Option<&Tree<'_>>,
    new: &Tree<'_>,
) -> Result<Option<Vec<TreeDelta>>> {
    let mut walk = Walk {
        repo,
        path: Vec::new(),
        out: Vec::new(),
    };
    Ok(walk.trees(old, Some(new))?.then_some(walk.out))
}

struct Walk<'r> {
    repo: &'r Repository,
    /// The directory being walked, ending in `/` (empty at the root).
    path: Vec<u8>,
    out: Vec<TreeDelta>,
}

/// A tree entry's raw mode: libgit2's diff compares raw modes.
fn mode_of(entry: &TreeEntry<'_>) -> u32 {
    entry.filemode_raw() as u32
}

fn is_tree(entry: &TreeEntry<'_>) -> bool {
    mode_of(entry) == TREE
}

impl<'r> Walk<'r> {
    /// Both trees' entries side by side, in git's tree order; `false` when
    /// something is left to libgit2.
    fn trees(&mut self, old: Option<&Tree<'_>>, new: Option<&Tree<'_>>) -> Result<bool> {
        let mut old_items = old.into_iter().flat_map(|t| t.iter());
        let mut new_items = new.into_iter().flat_map(|t| t.iter());
        let (mut a, mut b) = (old_items.next(), new_items.next());
        loop {
            let order = match (&a, &b) {
                (None, None) => return Ok(true),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (Some(x), Some(y)) => tree_order(x, y),
            };
            let done = match order {
                Ordering::Less => self.one_side(a.take(), ChangeStatus::Deleted)?,
                Ordering::Greater => self.one_side(b.take(), ChangeStatus::Added)?,
                Ordering::Equal => self.both_sides(a.take(), b.take())?,
            };
            if !done {
                return Ok(false);
            }
            if a.is_none() {
                a = old_items.next();
            }
            if b.is_none() {
                b = new_items.next();
            }
        }
    }

    /// An entry only one side has: the file, or every file under the
    /// directory, added or deleted.
    fn one_side(&mut self, item: Option<TreeEntry<'_>>, status: ChangeStatus) -> Result<bool> {
        let Some(item) = item else { return Ok(true) };
        if !known_mode(mode_of(&item)) {
            return Ok(false);
        }
        if is_tree(&item) {
            let tree = self.find_tree(item.id())?;
            let (old, new) = match status {
                ChangeStatus::Deleted => (Some(&tree), None),
                _ => (None, Some(&tree)),
            };
            return self.subtree(item.name_bytes(), old, new);
        }
        let path = [self.path.as_slice(), item.name_bytes()].concat();
        let (id, mode) = (item.id(), mode_of(&item));
        let (old_id, old_mode, new_id, new_mode) = match status {
            ChangeStatus::Deleted => (id, mode, Oid::zero(), 0),
            _ => (Oid::zero(), 0, id, mode),
        };
        self.out.push(TreeDelta {
            status,
            old_path: path.clone(),
            new_path: path,
            old_id,
            old_mode,
            new_id,
            new_mode,
        });
        Ok(true)
    }

    /// An entry both sides have, of the same kind (tree or not).
    fn both_sides(
        &mut self,
        old: Option<TreeEntry<'_>>,
        new: Option<TreeEntry<'_>>,
    ) -> Result<bool> {
        let (Some(old), Some(new)) = (old, new) else {
            return Ok(true);
        };
        if old.id() == new.id() && mode_of(&old) == mode_of(&new) {
            return Ok(true);
        }
        if !known_mode(mode_of(&old)) || !known_mode(mode_of(&new)) {
            return Ok(false);
        }
        if is_tree(&old) {
            let (before, after) = (self.find_tree(old.id())?, self.find_tree(new.id())?);
            return self.subtree(old.name_bytes(), Some(&before), Some(&after));
        }
        let status = if mode_of(&old) & KIND == mode_of(&new) & KIND {
            ChangeStatus::Modified
        } else {
            ChangeStatus::TypeChange
        };
        let path = [self.path.as_slice(), old.name_bytes()].concat();
        self.out.push(TreeDelta {
            status,
            old_path: path.clone(),
            new_path: path,
            old_id: old.id(),
            old_mode: mode_of(&old),
            new_id: new.id(),
            new_mode: mode_of(&new),
        });
        Ok(true)
    }

    fn subtree(
        &mut self,
        name: &[u8],
        old: Option<&Tree<'_>>,
        new: Option<&Tree<'_>>,
    ) -> Result<bool> {
        let len = self.path.len();
        self.path.extend_from_slice(name);
        self.path.push(b'/');
        let done = self.trees(old, new);
        self.path.truncate(len);
        done
    }

    fn find_tree(&self, id: Oid) -> Result<Tree<'r>> {
        self.repo
            .find_tree(id)
            .with_context(|| format!("cannot read tree {id}"))
    }
}

/// git's order of tree entries: by name, a directory's name as if it ended
/// in `/`.
fn tree_order(a: &TreeEntry<'_>, b: &TreeEntry<'_>) -> Ordering {
    name_order(a.name_bytes(), is_tree(a), b.name_bytes(), is_tree(b))
}

/// git's order of two names in one tree, each a directory's (`x_dir`,
/// `y_dir`) or not: a directory's name sorts as if it ended in `/`.
pub(super) fn name_order(x: &[u8], x_dir: bool, y: &[u8], y_dir: bool) -> Ordering {
    let n = x.len().min(y.len());
    x[..n].cmp(&y[..n]).then_with(|| {
        let next =
            |name: &[u8], dir: bool| name.get(n).copied().unwrap_or(if dir { b'/' } else { 0 });
        next(x, x_dir).cmp(&next(y, y_dir))
    })
}

/// The walk against libgit2's tree diff (renames off) on trees holding the
/// shapes history meets: nested directories, deletions of whole
/// directories, mode and type changes, a file and a directory of the same
/// name, and names that sort differently as directories.
#[cfg(test)]
mod tests {
    use super::*;
    use git2::{Index, IndexEntry, IndexTime};

    /// A tree of `files` (path, content, mode), written to `repo`.
    fn tree(repo: &Repository, files: &[(&str, &str, u32)]) -> Oid {
        let mut index = Index::new().unwrap();
        for (path, text, mode) in files {
            index
                .add(&IndexEntry {
                    ctime: IndexTime::new(0, 0),
                    mtime: IndexTime::new(0, 0),
                    dev: 0,
                    ino: 0,
                    mode: *mode,
                    uid: 0,
                    gid: 0,
                    file_size: 0,
                    id: repo.blob(text.as_bytes()).unwrap(),
                    flags: 0,
                    flags_extended: 0,
                    path: path.as_bytes().to_vec(),
                })
                .unwrap();
        }
        index.write_tree_to(repo).unwrap()
    }

    fn libgit2(repo: &Repository, old: Option<&Tree<'_>>, new: &Tree<'_>) -> Vec<TreeDelta> {
        let mut opts = super::super::lines::diff_options();
        let diff = repo
            .diff_tree_to_tree(old, Some(new), Some(&mut opts))
            .unwrap();
        deltas_of(&diff)
    }

    #[test]
    fn the_walk_reports_what_libgit2_reports() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let docs: Vec<String> = (0..20).map(|i| format!("docs/en/{i}.md")).collect();
        let mut first: Vec<(&str, &str, u32)> = vec![
            ("a.txt", "a\n", 0o100644),
            ("a-b/x", "x\n", 0o100644),
            ("a/b/c.py", "c = 1\n", 0o100644),
            ("a0", "zero\n", 0o100644),
            ("foo", "file\n", 0o100644),
            ("foo.txt", "txt\n", 0o100644),
            ("link", "a.txt", 0o120000),
        ];
        first.extend(docs.iter().map(|p| (p.as_str(), "page\n", 0o100644)));
        let mut second: Vec<(&str, &str, u32)> = vec![
            ("a.txt", "a\n", 0o100644),
            ("a-b/x", "x\n", 0o100644),
            ("a/b/c.py", "c = 2\n", 0o100644),
            ("a0", "zero\n", 0o100755),
            ("foo.txt", "txt\n", 0o100644),
            ("foo/bar", "now a directory\n", 0o100644),
            ("link", "a.txt", 0o100644),
            ("docs/fr/1.md", "page\n", 0o100644),
        ];
        second.extend(
            docs.iter()
                .filter(|p| !p.ends_with("/5.md"))
                .map(|p| (p.as_str(), "page\n", 0o100644)),
        );
        let third: Vec<(&str, &str, u32)> = vec![
            ("a-b/x", "x\n", 0o100644),
            ("foo", "a file again\n", 0o100755),
            ("link", "b.txt", 0o120000),
            ("z/y/x", "deep\n", 0o100644),
        ];
        let ids = [
            tree(&repo, &first),
            tree(&repo, &second),
            tree(&repo, &third),
        ];
        let trees: Vec<Tree<'_>> = ids.iter().map(|id| repo.find_tree(*id).unwrap()).collect();
        let mut compared = 0;
        for new in &trees {
            let walked = tree_changes(&repo, None, new).unwrap().expect("walked");
            assert_eq!(walked, libgit2(&repo, None, new), "from the empty tree");
            for old in &trees {
                let walked = tree_changes(&repo, Some(old), new)
                    .unwrap()
                    .expect("walked");
                assert_eq!(walked, libgit2(&repo, Some(old), new));
                compared += walked.len();
            }
        }
        assert!(
            compared > 50,
            "the trees differ: {compared} deltas compared"
        );
        let statuses: Vec<ChangeStatus> = tree_changes(&repo, Some(&trees[0]), &trees[1])
            .unwrap()
            .unwrap()
            .iter()
            .map(|d| d.status)
            .collect();
        for status in [
            ChangeStatus::Added,
            ChangeStatus::Deleted,
            ChangeStatus::Modified,
            ChangeStatus::TypeChange,
        ] {
            assert!(statuses.contains(&status), "{status:?} in {statuses:?}");
        }
    }

    #[test]
    fn submodules_are_left_to_libgit2() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let plain = tree(&repo, &[("a.txt", "a\n", 0o100644)]);
        let with_module = tree(
            &repo,
            &[
                ("a.txt", "a\n", 0o100644),
                ("vendor/lib", "commit", 0o160000),
            ],
        );
        let (plain, with_module) = (
            repo.find_tree(plain).unwrap(),
            repo.find_tree(with_module).unwrap(),
        );
        assert_eq!(
            tree_changes(&repo, Some(&plain), &with_module).unwrap(),
            None
        );
        assert!(tree_changes(&repo, Some(&with_module), &with_module)
            .unwrap()
            .is_some_and(|d| d.is_empty()));
    }
}
