//! The staged change: the index against HEAD, read from git's own index
//! file where it can be (cache tree), through libgit2 where it cannot.

use std::cmp::Ordering;
use std::collections::BTreeSet;
use std::path::PathBuf;

use anyhow::{anyhow, Context, Result};
use git2::{Index, Oid, Tree, TreeEntry};

use super::index_file::{self, IndexFile};
use super::{Repo, TREE_MODE};
use crate::model::{ChangeSet, FileChange};

use super::history::{adds_and_deletes, merge_introduced};
use super::lines::{diff_options, find_renames, path_string};
use super::treediff::{file_delta, name_order};

impl Repo {
    /// The index git will commit: `GIT_INDEX_FILE` when set (commit -a,
    /// commit <paths>, commit -p use a temporary one), else the repository's.
    pub(super) fn index(&self) -> Result<Index> {
        match index_file_override()? {
            Some(path) => Index::open(&path)
                .with_context(|| format!("cannot read the index {}", path.display())),
            None => self.repo.index().context("cannot read the index"),
        }
    }

    /// The index read by confgate's own reader, when it can: `None` sends
    /// the caller to libgit2 (which also reports any error properly).
    pub(super) fn fast_index(&self) -> Option<&IndexFile> {
        self.fast_index
            .get_or_init(|| {
                let path = match index_file_override() {
                    Ok(Some(path)) => path,
                    Ok(None) => self.repo.path().join("index"),
                    Err(_) => return None,
                };
                IndexFile::read(&path)
            })
            .as_ref()
    }

    pub(super) fn head_tree(&self) -> Result<Option<Tree<'_>>> {
        match self.repo.head() {
            Ok(head) => Ok(Some(
                head.peel_to_tree().context("cannot read HEAD's tree")?,
            )),
            Err(err)
                if err.code() == git2::ErrorCode::UnbornBranch
                    || err.code() == git2::ErrorCode::NotFound =>
            {
                Ok(None)
            }
            Err(err) => Err(anyhow!("cannot read HEAD: {}", err.message())),
        }
    }

    /// The staged change: the index against HEAD (the empty tree before the
    /// first commit). `want_old` says for which paths the old side is needed.
    pub fn staged(&self, want_old: &dyn Fn(&str) -> bool) -> Result<ChangeSet> {
        let head = self.head_tree()?;
        let merging = self.merge_heads()?;
        if merging.is_empty() {
            if let (Some(head), Some(fast)) = (head.as_ref(), self.fast_index()) {
                return Ok(ChangeSet {
                    commit: None,
                    files: self.staged_with_cache_tree(head, fast, want_old)?,
                });
            }
        }
        let index = self.index()?;
        let files = self.staged_with_libgit2(head.as_ref(), &index, want_old)?;
        if merging.is_empty() {
            return Ok(ChangeSet {
                commit: None,
                files,
            });
        }
        // Committing a merge: only what the merge itself introduces counts,
        // as for a merge commit in history. A file the staged change leaves
        // as HEAD has it cannot be introduced: against the other parents,
        // only the files changed against HEAD are read and diffed.
        let changed: BTreeSet<String> = files.iter().map(|f| f.path.clone()).collect();
        let mut per_parent = vec![files];
        for oid in merging {
            let tree = self
                .repo
                .find_commit(oid)
                .and_then(|c| c.tree())
                .with_context(|| format!("cannot read MERGE_HEAD commit {oid}"))?;
            let mut opts = diff_options();
            let diff = self
                .repo
                .diff_tree_to_index(Some(&tree), Some(&index), Some(&mut opts))
                .context("cannot diff the index against MERGE_HEAD")?;
            per_parent.push(self.file_changes_in(&diff, &changed, want_old)?);
        }
        Ok(ChangeSet {
            commit: None,
            files: merge_introduced(per_parent),
        })
    }

    /// The staged change as libgit2 computes it from the whole index.
    fn staged_with_libgit2(
        &self,
        head: Option<&Tree<'_>>,
        index: &Index,
        want_old: &dyn Fn(&str) -> bool,
    ) -> Result<Vec<FileChange>> {
        let mut opts = diff_options();
        let mut diff = self
            .repo
            .diff_tree_to_index(head, Some(index), Some(&mut opts))
            .context("cannot diff the index against HEAD")?;
        find_renames(&mut diff)?;
        self.file_changes(&diff, want_old)
    }

    /// The staged change when confgate's index reader could read the index:
    /// the paths that differ from HEAD are found with the cache tree, each
    /// with HEAD's entry and the index's; libgit2 diffs just those paths
    /// from an in-memory index where files may be renamed (some added, some
    /// deleted) or a path is left to it (a directory on one side, a
    /// submodule).
    fn staged_with_cache_tree(
        &self,
        head: &Tree<'_>,
        index: &IndexFile,
        want_old: &dyn Fn(&str) -> bool,
    ) -> Result<Vec<FileChange>> {
        let mut found = Vec::new();
        self.differing_paths(b"", Some(head), &index.entries, index, &mut found)?;
        if found.is_empty() {
            return Ok(Vec::new());
        }
        // A file's full path sorts as git orders trees: deltas in path order.
        found.sort_unstable_by(|a, b| a.path.cmp(&b.path));
        found.dedup_by(|a, b| a.path == b.path);
        let mut deltas = Vec::with_capacity(found.len());
        for differing in &found {
            match file_delta(&differing.path, differing.old, differing.new) {
                Some(delta) => deltas.extend(delta),
                None => return self.staged_paths_with_libgit2(head, index, found, want_old),
            }
        }
        if adds_and_deletes(&deltas) {
            return self.staged_paths_with_libgit2(head, index, found, want_old);
        }
        self.changes_of(deltas, want_old)
    }

    /// The staged change of just the `found` paths, diffed by libgit2 from
    /// an in-memory index holding their entries.
    fn staged_paths_with_libgit2(
        &self,
        head: &Tree<'_>,
        index: &IndexFile,
        found: Vec<Differing>,
        want_old: &dyn Fn(&str) -> bool,
    ) -> Result<Vec<FileChange>> {
        let mut staged = Index::new().context("cannot create an in-memory index")?;
        let mut opts = diff_options();
        opts.disable_pathspec_match(true);
        for Differing { path, .. } in found {
            if let Some(entry) = index.get(&path) {
                staged
                    .add(&git2::IndexEntry {
                        ctime: git2::IndexTime::new(0, 0),
                        mtime: git2::IndexTime::new(0, 0),
                        dev: 0,
                        ino: 0,
                        mode: index.mode(entry),
                        uid: 0,
                        gid: 0,
                        file_size: index.file_size(entry),
                        id: Oid::from_bytes(index.oid(entry))?,
                        flags: 0,
                        flags_extended: 0,
                        path: path.clone(),
                    })
                    .with_context(|| {
                        format!("cannot read index entry {}", path_string(Some(&path)))
                    })?;
            }
            opts.pathspec(path);
        }
        let mut diff = self
            .repo
            .diff_tree_to_index(Some(head), Some(&staged), Some(&mut opts))
            .context("cannot diff the index against HEAD")?;
        find_renames(&mut diff)?;
        self.file_changes(&diff, want_old)
    }

    /// Appends to `out` every path under `prefix` (empty or ending in `/`)
    /// whose staged entry differs from `tree`'s, or may (a directory on one
    /// side, a file on the other). `entries` are the index entries under
    /// `prefix`; a directory whose cache-tree id equals the tree's is
    /// skipped. Both sides are walked together in their common order (an
    /// index path's first name, a directory's as if it ended in `/`, sorts
    /// as git sorts tree entries).
    fn differing_paths(
        &self,
        prefix: &[u8],
        tree: Option<&Tree<'_>>,
        entries: &[index_file::Entry],
        index: &IndexFile,
        out: &mut Vec<Differing>,
    ) -> Result<()> {
        let Some(tree) = tree else {
            for entry in entries {
                out.push(Differing::staged(index, entry, None)?);
            }
            return Ok(());
        };
        let dir = prefix.strip_suffix(b"/").unwrap_or(prefix);
        if unchanged_by_cache_tree(index, dir, entries.len(), tree.id()) {
            return Ok(());
        }
        let mut in_tree = tree.iter().peekable();
        let mut at = 0;
        loop {
            let staged = entries.get(at).map(|entry| {
                let rest = &index.path(entry)[prefix.len()..];
                match memchr::memchr(b'/', rest) {
                    Some(slash) => (&rest[..slash], true),
                    None => (rest, false),
                }
            });
            let order = match (staged, in_tree.peek()) {
                (None, None) => return Ok(()),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (Some((name, is_dir)), Some(item)) => name_order(
                    name,
                    is_dir,
                    item.name_bytes(),
                    item.filemode() == TREE_MODE,
                ),
            };
            let item = match order {
                Ordering::Less => None,
                _ => in_tree.next(),
            };
            at += match (staged, order) {
                (_, Ordering::Greater) => {
                    self.deleted(prefix, item, out)?;
                    0
                }
                (Some((name, false)), _) => {
                    self.differing_file(tree, name, &entries[at], index, item, out)?;
                    1
                }
                (Some((name, true)), _) => {
                    let sub_prefix = &index.path(&entries[at])[..prefix.len() + name.len() + 1];
                    let sub_entries = &entries[at..];
                    self.differing_directory(sub_prefix, item, sub_entries, index, out)?
                }
                (None, _) => 0,
            };
        }
    }

    /// A file entry of the index against the tree's entry of the same name
    /// (`None`: the tree has no file of that name): nothing when both agree.
    fn differing_file(
        &self,
        tree: &Tree<'_>,
        name: &[u8],
        entry: &index_file::Entry,
        index: &IndexFile,
        item: Option<TreeEntry<'_>>,
        out: &mut Vec<Differing>,
    ) -> Result<()> {
        let old = match item {
            Some(item)
                if item.id().as_bytes() == index.oid(entry)
                    && item.filemode() as u32 == index.mode(entry) =>
            {
                return Ok(());
            }
            Some(item) => Some((item.id(), item.filemode_raw() as u32)),
            // A directory of the same name (it sorts elsewhere) became
            // this file: left to libgit2, as its mode says.
            None => tree
                .get_name_bytes(name)
                .filter(|item| item.filemode() == TREE_MODE)
                .map(|item| (item.id(), TREE_MODE as u32)),
        };
        out.push(Differing::staged(index, entry, old)?);
        Ok(())
    }

    /// The run of `entries` under directory `sub_prefix` (ending in `/`)
    /// against the tree's directory of that name (`None`: it has none);
    /// returns how many entries the run holds.
    fn differing_directory(
        &self,
        sub_prefix: &[u8],
        item: Option<TreeEntry<'_>>,
        entries: &[index_file::Entry],
        index: &IndexFile,
        out: &mut Vec<Differing>,
    ) -> Result<usize> {
        // Entries are sorted: those under the directory are one run, found
        // by bisection, not by a walk over them.
        let end = entries.partition_point(|e| index.path(e).starts_with(sub_prefix));
        let dir = &sub_prefix[..sub_prefix.len() - 1];
        let subtree = match item {
            // An unchanged directory is skipped by its id, before its tree
            // object is read.
            Some(item) if unchanged_by_cache_tree(index, dir, end, item.id()) => return Ok(end),
            Some(item) => Some(
                self.repo
                    .find_tree(item.id())
                    .with_context(|| format!("cannot read tree {}", item.id()))?,
            ),
            None => None,
        };
        self.differing_paths(sub_prefix, subtree.as_ref(), &entries[..end], index, out)?;
        Ok(end)
    }

    /// A tree entry the index no longer has: the file, or every file of the
    /// directory, deleted.
    fn deleted(
        &self,
        prefix: &[u8],
        item: Option<TreeEntry<'_>>,
        out: &mut Vec<Differing>,
    ) -> Result<()> {
        let Some(item) = item else { return Ok(()) };
        let path = [prefix, item.name_bytes()].concat();
        if item.filemode() == TREE_MODE {
            self.tree_paths(&path, item.id(), out)
        } else {
            out.push(Differing {
                path,
                old: Some((item.id(), item.filemode_raw() as u32)),
                new: None,
            });
            Ok(())
        }
    }

    /// Every file in tree `oid`, which lives at `dir`, as deleted.
    fn tree_paths(&self, dir: &[u8], oid: Oid, out: &mut Vec<Differing>) -> Result<()> {
        let tree = self
            .repo
            .find_tree(oid)
            .with_context(|| format!("cannot read tree {oid}"))?;
        for item in tree.iter() {
            let path = [dir, b"/", item.name_bytes()].concat();
            if item.filemode() == TREE_MODE {
                self.tree_paths(&path, item.id(), out)?;
            } else {
                out.push(Differing {
                    path,
                    old: Some((item.id(), item.filemode_raw() as u32)),
                    new: None,
                });
            }
        }
        Ok(())
    }
}

/// A path whose staged entry may differ from HEAD's: each side's id and raw
/// mode, `None` where the side has no file there.
struct Differing {
    path: Vec<u8>,
    old: Option<(Oid, u32)>,
    new: Option<(Oid, u32)>,
}

impl Differing {
    /// The index's `entry` against HEAD's `old`.
    fn staged(
        index: &IndexFile,
        entry: &index_file::Entry,
        old: Option<(Oid, u32)>,
    ) -> Result<Differing> {
        Ok(Differing {
            path: index.path(entry).to_vec(),
            old,
            new: Some((Oid::from_bytes(index.oid(entry))?, index.mode(entry))),
        })
    }
}

/// Whether the cache tree says directory `dir` (no trailing `/`; empty for
/// the root) holds `entries` entries and is tree `oid`: unchanged.
fn unchanged_by_cache_tree(index: &IndexFile, dir: &[u8], entries: usize, oid: Oid) -> bool {
    index
        .cache_tree
        .get(dir)
        .is_some_and(|(count, cached)| *count == entries && oid.as_bytes() == cached)
}

/// `GIT_INDEX_FILE` when set (commit -a, commit <paths>, commit -p use a
/// temporary index), made absolute as git does: relative to the directory
/// the hook runs in.
fn index_file_override() -> Result<Option<PathBuf>> {
    match std::env::var_os("GIT_INDEX_FILE") {
        Some(path) if !path.is_empty() => {
            let path = PathBuf::from(path);
            Ok(Some(if path.is_relative() {
                std::env::current_dir()?.join(path)
            } else {
                path
            }))
        }
        _ => Ok(None),
    }
}

/// The cache-tree reader against libgit2's whole-index diff, on indexes
/// written by real git in the shapes a hook meets.
#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::model::FileChange;
    use git2::Repository;
    use std::cell::OnceCell;
    use std::path::Path;
    use std::process::Command;

    /// Runs real git in `dir`, isolated from the machine's configuration.
    pub(in crate::git) fn git(dir: &Path, args: &[&str]) {
        let out = Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .env_remove("GIT_INDEX_FILE")
            .env_remove("GIT_DIR")
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn write(dir: &Path, path: &str, text: &str) {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn summary(files: &[FileChange]) -> Vec<String> {
        let mut out: Vec<String> = files
            .iter()
            .map(|f| {
                format!(
                    "{:?} {} <- {:?} lines {:?} mode {}",
                    f.status, f.path, f.old_path, f.added_lines, f.mode_changed
                )
            })
            .collect();
        out.sort();
        out
    }

    fn open(dir: &Path) -> Repo {
        Repo {
            repo: Repository::open(dir).unwrap(),
            max_file_size: 1024 * 1024,
            fast_index: OnceCell::new(),
            gitleaks_paths: Default::default(),
            packs: OnceCell::new(),
        }
    }

    /// Both readers on the repository at `dir`; returns what the fast one
    /// saw, after checking it agrees with libgit2. `None`: it declined.
    fn compare(dir: &Path) -> Option<Vec<String>> {
        let repo = open(dir);
        let head = repo.head_tree().unwrap().unwrap();
        let slow = repo
            .staged_with_libgit2(Some(&head), &repo.repo.index().unwrap(), &|_| true)
            .unwrap();
        let fast = repo.fast_index()?;
        let fast = repo.staged_with_cache_tree(&head, fast, &|_| true).unwrap();
        assert_eq!(summary(&fast), summary(&slow));
        Some(summary(&fast))
    }

    fn project() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        git(d, &["init", "-q", "-b", "main"]);
        for service in ["a", "b", "c"] {
            for n in 0..5 {
                write(
                    d,
                    &format!("svc/{service}/src/m{n}.py"),
                    &format!("X = {n}\nY = 2\n"),
                );
            }
            write(
                d,
                &format!("svc/{service}/config.toml"),
                "[cache]\nttl = 30\n",
            );
        }
        write(d, "top.txt", "top\n");
        write(d, "old/dir/gone.txt", "bye\n");
        write(d, "old/dir/deep/also.txt", "bye too\n");
        write(d, "becomes_dir", "a file\n");
        write(d, "was_dir/inner.txt", "inner\n");
        write(d, "moved.py", &"line of code that stays\n".repeat(20));
        git(d, &["add", "-A"]);
        git(d, &["commit", "-q", "-m", "initial"]);
        dir
    }

    #[test]
    fn nothing_staged_reads_no_directory() {
        let dir = project();
        assert_eq!(compare(dir.path()), Some(Vec::new()));
    }

    #[test]
    fn every_kind_of_change_agrees_with_libgit2() {
        let dir = project();
        let d = dir.path();
        write(d, "svc/a/src/m1.py", "X = 1\nY = 3\nZ = 4\n");
        write(d, "svc/b/new/deep/file.py", "NEW = 1\n");
        write(d, "top.txt", "top\nmore\n");
        std::fs::remove_dir_all(d.join("old")).unwrap();
        std::fs::remove_file(d.join("becomes_dir")).unwrap();
        write(d, "becomes_dir/now.txt", "inside\n");
        std::fs::remove_dir_all(d.join("was_dir")).unwrap();
        write(d, "was_dir", "now a file\n");
        std::fs::rename(d.join("moved.py"), d.join("svc/c/moved_here.py")).unwrap();
        git(d, &["add", "-A"]);
        git(d, &["update-index", "--chmod=+x", "svc/c/src/m2.py"]);
        let seen = compare(d).expect("a plain index is read");
        assert!(
            seen.iter()
                .any(|l| l.starts_with("Renamed svc/c/moved_here.py")),
            "{seen:#?}"
        );
        assert!(
            seen.iter().any(|l| l.contains("old/dir/deep/also.txt")),
            "{seen:#?}"
        );
        assert!(
            seen.iter()
                .any(|l| l.contains("m2.py") && l.ends_with("mode true")),
            "{seen:#?}"
        );
        assert_eq!(seen.len(), 11, "{seen:#?}");
    }

    #[test]
    fn changes_the_walk_reads_itself_agree_with_libgit2() {
        // Without both additions and deletions (no renames possible) the
        // walk's own deltas are used: each shape on its own.
        type Shape = (&'static str, fn(&Path));
        let shapes: [Shape; 4] = [
            ("modified, mode, type", |d| {
                write(d, "svc/a/src/m1.py", "X = 1\nY = 3\n");
                git(d, &["update-index", "--chmod=+x", "svc/b/src/m2.py"]);
                std::fs::remove_file(d.join("top.txt")).unwrap();
                std::os::unix::fs::symlink("svc", d.join("top.txt")).unwrap();
            }),
            ("deleted directories", |d| {
                std::fs::remove_dir_all(d.join("old")).unwrap();
                std::fs::remove_file(d.join("svc/c/config.toml")).unwrap();
            }),
            ("added, sorting around directories", |d| {
                write(d, "svc/a-b.py", "A = 1\n");
                write(d, "svc/a0.py", "A = 2\n");
                write(d, "svc/a/src/m1.pyc", "x\n");
                write(d, "svc/new/deep/x.toml", "[x]\n");
                write(d, "zz.txt", "last\n");
            }),
            ("a file becomes a directory", |d| {
                std::fs::remove_file(d.join("becomes_dir")).unwrap();
                write(d, "becomes_dir/now.txt", "inside\n");
            }),
        ];
        for (what, change) in shapes {
            let dir = project();
            let d = dir.path();
            change(d);
            git(d, &["add", "-A"]);
            let seen = compare(d).expect("a plain index is read");
            assert!(!seen.is_empty(), "{what}");
        }
    }

    #[test]
    fn index_versions_three_and_four_agree() {
        for version in ["3", "4"] {
            let dir = project();
            let d = dir.path();
            git(d, &["update-index", "--index-version", version]);
            git(d, &["update-index", "--skip-worktree", "top.txt"]);
            write(d, "svc/b/src/m3.py", "X = 33\n");
            write(d, "svc/b/src/zz_new.py", "Q = 1\n");
            git(d, &["add", "svc"]);
            let seen = compare(d).expect("versions 3 and 4 are read");
            assert_eq!(seen.len(), 2, "version {version}: {seen:#?}");
        }
    }

    #[test]
    fn an_index_without_a_cache_tree_still_agrees() {
        let dir = project();
        let d = dir.path();
        // read-tree writes an index without the TREE extension.
        git(d, &["read-tree", "HEAD"]);
        write(d, "svc/a/config.toml", "[cache]\nttl = 60\n");
        git(d, &["add", "svc/a/config.toml"]);
        let seen = compare(d).expect("read without a cache tree");
        assert_eq!(seen.len(), 1, "{seen:#?}");
    }

    #[test]
    fn split_and_intent_to_add_indexes_are_left_to_libgit2() {
        let dir = project();
        let d = dir.path();
        write(d, "later.py", "A = 1\n");
        git(d, &["add", "-N", "later.py"]);
        assert_eq!(compare(d), None, "intent-to-add");
        git(d, &["rm", "-q", "--cached", "later.py"]);
        git(d, &["update-index", "--split-index"]);
        write(d, "svc/a/src/m0.py", "X = 100\n");
        git(d, &["add", "svc/a/src/m0.py"]);
        // libgit2 cannot read a split index either: the hook stops with an
        // error (exit 2) rather than judging a partial index.
        let repo = open(d);
        assert!(repo.fast_index().is_none());
        let err = repo.staged(&|_| true).unwrap_err();
        assert!(format!("{err:#}").contains("link"), "{err:#}");
    }

    #[test]
    fn unchanged_directories_are_skipped_without_reading_their_trees() {
        let dir = project();
        let d = dir.path();
        write(d, "svc/a/src/m1.py", "X = 100\n");
        git(d, &["add", "svc/a/src/m1.py"]);
        // The tree of an unchanged directory (no other has its content)
        // goes missing: a reader that opened it to compare ids would fail.
        let repo = open(d);
        let head = repo.head_tree().unwrap().unwrap();
        let old = head.get_path(Path::new("old")).unwrap().id().to_string();
        let loose = d.join(".git/objects").join(&old[..2]).join(&old[2..]);
        std::fs::remove_file(loose).unwrap();
        let fast = repo.fast_index().expect("the fast reader reads this index");
        let files = repo.staged_with_cache_tree(&head, fast, &|_| true).unwrap();
        assert_eq!(
            summary(&files),
            vec!["Modified svc/a/src/m1.py <- None lines [1] mode false"]
        );
    }
}
