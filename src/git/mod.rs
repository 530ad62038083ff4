//! The git layer: the only module that uses git2. It turns the index, commits
//! and ranges into plain `ChangeSet`s and answers the few questions the
//! commands ask of a repository.

mod index_file;
mod receive;

use std::cell::OnceCell;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use git2::{
    Delta, DiffFindOptions, DiffOptions, FileMode, Index, ObjectType, Oid, Repository, Sort, Tree,
};

use crate::decode;
use crate::model::{ChangeSet, ChangeStatus, CommitInfo, Content, FileChange};
pub use crate::settings::POLICY_FILES;

use index_file::IndexFile;
pub use receive::{parse_receive_lines, update_args, Received, RefUpdate};

/// A tree entry's mode for a directory.
const TREE_MODE: i32 = 0o040000;

pub struct Repo {
    repo: Repository,
    max_file_size: u64,
    /// The index as read by `index_file`, when it could read it.
    fast_index: OnceCell<Option<IndexFile>>,
}

/// Which side of a change a caller wants file contents from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Index,
    Head,
    /// A commit's tree.
    Commit(Oid),
}

/// A policy file larger than this is refused: it is read whole into memory.
pub const POLICY_MAX_SIZE: u64 = 8 * 1024 * 1024;

/// The blob ids of the policy files in one tree (`None`: no such file), in
/// the order of `POLICY_FILES`. Two trees with the same ids have the same
/// policy, so it keys the parsed policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct PolicyIds(pub [Option<Oid>; 3]);

/// The policy files' texts in one tree, in the order of `POLICY_FILES`.
#[derive(Debug, Clone, Default)]
pub struct PolicyTexts(pub [Option<String>; 3]);

impl Repo {
    /// The repository around the current directory, as git finds it
    /// (`GIT_DIR` and friends respected). Bare repositories are refused.
    pub fn open() -> Result<Repo> {
        Repo::open_env(false)
    }

    /// As `open`; `allow_bare` is for the server hooks, which run in a bare
    /// repository (the environment git gives them, quarantine included, is
    /// honoured by `open_from_env`).
    pub fn open_env(allow_bare: bool) -> Result<Repo> {
        // Re-hashing every object read costs a third of a small hook's time;
        // git itself does not do it on reads, and a corrupt object still fails
        // to inflate or parse.
        git2::opts::strict_hash_verification(false);
        cache_small_blobs();
        let repo = Repository::open_from_env().map_err(|err| {
            if err.message().contains("object format") {
                anyhow!(
                    "this repository uses SHA-256 object ids, which confgate's git library (libgit2) does not read yet: {}",
                    err.message()
                )
            } else {
                anyhow!(
                    "not a git repository (or any parent up to the mount point): {}",
                    err.message()
                )
            }
        })?;
        if repo.is_bare() && !allow_bare {
            bail!(
                "{} is a bare repository: confgate needs a working tree (run it in a clone)",
                repo.path().display()
            );
        }
        Ok(Repo {
            repo,
            max_file_size: 1024 * 1024,
            fast_index: OnceCell::new(),
        })
    }

    pub fn is_bare(&self) -> bool {
        self.repo.is_bare()
    }

    pub fn set_max_file_size(&mut self, bytes: u64) {
        self.max_file_size = bytes;
    }

    /// The working tree's root.
    pub fn root(&self) -> &Path {
        self.repo.workdir().unwrap_or_else(|| self.repo.path())
    }

    /// The directories that belong to the repository: the working tree, the
    /// git directory and, for a linked worktree, the common one.
    pub fn own_dirs(&self) -> Vec<PathBuf> {
        let mut dirs = vec![self.root().to_path_buf(), self.repo.path().to_path_buf()];
        dirs.push(self.repo.commondir().to_path_buf());
        dirs
    }

    /// The index git will commit: `GIT_INDEX_FILE` when set (commit -a,
    /// commit <paths>, commit -p use a temporary one), else the repository's.
    fn index(&self) -> Result<Index> {
        match index_file_override()? {
            Some(path) => Index::open(&path)
                .with_context(|| format!("cannot read the index {}", path.display())),
            None => self.repo.index().context("cannot read the index"),
        }
    }

    /// The index read by confgate's own reader, when it can: `None` sends
    /// the caller to libgit2 (which also reports any error properly).
    fn fast_index(&self) -> Option<&IndexFile> {
        self.fast_index
            .get_or_init(|| {
                let path = match index_file_override() {
                    Ok(Some(path)) => path,
                    Ok(None) => self.repo.path().join("index"),
                    Err(_) => return None,
                };
                let bytes = std::fs::read(path).ok()?;
                IndexFile::parse(&bytes)
            })
            .as_ref()
    }

    fn head_tree(&self) -> Result<Option<Tree<'_>>> {
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
        // as for a merge commit in history.
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
            per_parent.push(self.file_changes(&diff, want_old)?);
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
    /// the paths that differ from HEAD are found with the cache tree, and
    /// libgit2 diffs just those (renames, patches) from an in-memory index.
    fn staged_with_cache_tree(
        &self,
        head: &Tree<'_>,
        index: &IndexFile,
        want_old: &dyn Fn(&str) -> bool,
    ) -> Result<Vec<FileChange>> {
        let mut paths = Vec::new();
        self.differing_paths(b"", Some(head), &index.entries, index, &mut paths)?;
        if paths.is_empty() {
            return Ok(Vec::new());
        }
        let mut staged = Index::new().context("cannot create an in-memory index")?;
        let mut opts = diff_options();
        opts.disable_pathspec_match(true);
        for path in paths {
            if let Some(entry) = index.get(&path) {
                staged
                    .add(&git2::IndexEntry {
                        ctime: git2::IndexTime::new(0, 0),
                        mtime: git2::IndexTime::new(0, 0),
                        dev: 0,
                        ino: 0,
                        mode: entry.mode,
                        uid: 0,
                        gid: 0,
                        file_size: entry.file_size,
                        id: Oid::from_bytes(&entry.oid)?,
                        flags: 0,
                        flags_extended: 0,
                        path: entry.path.clone(),
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
    /// whose staged entry may differ from `tree`'s: a superset, since the
    /// diff that follows decides. `entries` are the index entries under
    /// `prefix`; a directory whose cache-tree id equals the tree's is skipped.
    fn differing_paths(
        &self,
        prefix: &[u8],
        tree: Option<&Tree<'_>>,
        entries: &[index_file::Entry],
        index: &IndexFile,
        out: &mut Vec<Vec<u8>>,
    ) -> Result<()> {
        let Some(tree) = tree else {
            out.extend(entries.iter().map(|e| e.path.clone()));
            return Ok(());
        };
        let dir = prefix.strip_suffix(b"/").unwrap_or(prefix);
        if let Some((count, oid)) = index.cache_tree.get(dir) {
            if *count == entries.len() && tree.id().as_bytes() == oid {
                return Ok(());
            }
        }
        let mut in_tree: HashMap<Vec<u8>, (Oid, i32)> = tree
            .iter()
            .map(|e| (e.name_bytes().to_vec(), (e.id(), e.filemode())))
            .collect();
        let mut at = 0;
        while at < entries.len() {
            let entry = &entries[at];
            let rest = &entry.path[prefix.len()..];
            match rest.iter().position(|&b| b == b'/') {
                None => {
                    match in_tree.remove(rest) {
                        Some((oid, mode))
                            if oid.as_bytes() == entry.oid && mode as u32 == entry.mode => {}
                        Some((oid, TREE_MODE)) => {
                            self.tree_paths(&entry.path, oid, out)?;
                            out.push(entry.path.clone());
                        }
                        _ => out.push(entry.path.clone()),
                    }
                    at += 1;
                }
                Some(slash) => {
                    let name = &rest[..slash];
                    let sub_prefix = &entry.path[..prefix.len() + slash + 1];
                    let end = at
                        + entries[at..]
                            .iter()
                            .position(|e| !e.path.starts_with(sub_prefix))
                            .unwrap_or(entries.len() - at);
                    let subtree = match in_tree.remove(name) {
                        Some((oid, TREE_MODE)) => Some(
                            self.repo
                                .find_tree(oid)
                                .with_context(|| format!("cannot read tree {oid}"))?,
                        ),
                        // A file became a directory: the file is gone.
                        Some(_) => {
                            out.push(sub_prefix[..sub_prefix.len() - 1].to_vec());
                            None
                        }
                        None => None,
                    };
                    self.differing_paths(
                        sub_prefix,
                        subtree.as_ref(),
                        &entries[at..end],
                        index,
                        out,
                    )?;
                    at = end;
                }
            }
        }
        // What HEAD has and the index no longer does: deleted.
        for (name, (oid, mode)) in in_tree {
            let path = [prefix, &name].concat();
            if mode == TREE_MODE {
                self.tree_paths(&path, oid, out)?;
            } else {
                out.push(path);
            }
        }
        Ok(())
    }

    /// Every file path in tree `oid`, which lives at `dir`.
    fn tree_paths(&self, dir: &[u8], oid: Oid, out: &mut Vec<Vec<u8>>) -> Result<()> {
        let tree = self
            .repo
            .find_tree(oid)
            .with_context(|| format!("cannot read tree {oid}"))?;
        for entry in tree.iter() {
            let path = [dir, b"/", entry.name_bytes()].concat();
            if entry.filemode() == TREE_MODE {
                self.tree_paths(&path, entry.id(), out)?;
            } else {
                out.push(path);
            }
        }
        Ok(())
    }

    /// One commit's change against its first parent; for a merge, only what
    /// the merge itself introduced (changed against every parent).
    pub fn commit_change(&self, oid: Oid, want_old: &dyn Fn(&str) -> bool) -> Result<ChangeSet> {
        let commit = self
            .repo
            .find_commit(oid)
            .with_context(|| format!("cannot read commit {oid}"))?;
        let tree = commit
            .tree()
            .with_context(|| format!("cannot read the tree of {oid}"))?;
        let parents: Vec<git2::Commit<'_>> = commit.parents().collect();
        let info = commit_info(&commit);
        if parents.len() <= 1 {
            let parent_tree = match parents.first() {
                Some(parent) => Some(parent.tree().with_context(|| {
                    format!("cannot read the parent of {oid} (shallow clone? fetch more history)")
                })?),
                None => None,
            };
            let mut opts = diff_options();
            let mut diff = self
                .repo
                .diff_tree_to_tree(parent_tree.as_ref(), Some(&tree), Some(&mut opts))
                .with_context(|| format!("cannot diff commit {oid}"))?;
            find_renames(&mut diff)?;
            let files = self.file_changes(&diff, want_old)?;
            return Ok(ChangeSet {
                commit: Some(info),
                files,
            });
        }
        let mut per_parent = Vec::new();
        for parent in &parents {
            let parent_tree = parent
                .tree()
                .with_context(|| format!("cannot read a parent of {oid}"))?;
            let mut opts = diff_options();
            let diff = self
                .repo
                .diff_tree_to_tree(Some(&parent_tree), Some(&tree), Some(&mut opts))
                .with_context(|| format!("cannot diff merge {oid}"))?;
            per_parent.push(self.file_changes(&diff, want_old)?);
        }
        Ok(ChangeSet {
            commit: Some(info),
            files: merge_introduced(per_parent),
        })
    }

    /// The other parents of a merge being committed (`MERGE_HEAD`).
    fn merge_heads(&self) -> Result<Vec<Oid>> {
        let path = self.repo.path().join("MERGE_HEAD");
        let Some(text) = crate::bounded::read_text(&path, crate::bounded::MESSAGE_LIMIT, "git's")?
        else {
            return Ok(Vec::new());
        };
        text.split_whitespace()
            .map(|id| {
                Oid::from_str(id)
                    .with_context(|| format!("{}: bad object id {id:?}", path.display()))
            })
            .collect()
    }

    fn file_changes(
        &self,
        diff: &git2::Diff<'_>,
        want_old: &dyn Fn(&str) -> bool,
    ) -> Result<Vec<FileChange>> {
        let mut out = Vec::with_capacity(diff.deltas().len());
        for delta in diff.deltas() {
            let status = match delta.status() {
                Delta::Added | Delta::Untracked => ChangeStatus::Added,
                Delta::Deleted => ChangeStatus::Deleted,
                Delta::Modified => ChangeStatus::Modified,
                Delta::Renamed => ChangeStatus::Renamed,
                Delta::Copied => ChangeStatus::Copied,
                Delta::Typechange => ChangeStatus::TypeChange,
                _ => continue,
            };
            let new_file = delta.new_file();
            let old_file = delta.old_file();
            let new_path = path_string(new_file.path_bytes());
            let old_path = path_string(old_file.path_bytes());
            let path = if status == ChangeStatus::Deleted {
                old_path.clone()
            } else {
                new_path.clone()
            };
            let new = if status == ChangeStatus::Deleted {
                Content::Absent
            } else {
                self.load(new_file.id(), new_file.mode())?
            };
            let keep_old = want_old(&path) || want_old(&old_path);
            // The old blob is needed for the line diff of any text file, and
            // kept as text only where a caller asked for it.
            let need_old = status != ChangeStatus::Added
                && !old_file.id().is_zero()
                && (keep_old || matches!(new, Content::Text(_)));
            let old = if need_old {
                self.load(old_file.id(), old_file.mode())?
            } else {
                Content::Absent
            };
            let added_lines = match (&new, status, &old) {
                (Content::Text(text), ChangeStatus::Added, _) => (1..=line_count(text)).collect(),
                (Content::Text(text), _, Content::Text(before)) => added_lines(before, text),
                // The old side was not text (binary, too large, a link):
                // every line of the new text is new.
                (Content::Text(text), _, _) => (1..=line_count(text)).collect(),
                _ => Vec::new(),
            };
            out.push(FileChange {
                old_path: (old_path != new_path && status != ChangeStatus::Deleted)
                    .then_some(old_path),
                path,
                status,
                old: if keep_old { old } else { Content::Absent },
                new,
                added_lines,
                mode_changed: old_file.mode() != new_file.mode()
                    && status != ChangeStatus::Added
                    && status != ChangeStatus::Deleted,
            });
        }
        Ok(out)
    }

    /// A blob's content, judged: submodule, symlink, too large, binary or text.
    fn load(&self, oid: Oid, mode: FileMode) -> Result<Content> {
        if mode == FileMode::Commit {
            return Ok(Content::Submodule);
        }
        if oid.is_zero() {
            return Ok(Content::Absent);
        }
        // The object is read whole before its size is judged: asking for the
        // header first walks a packed object's delta chain a second time.
        let object = self
            .repo
            .find_object(oid, None)
            .with_context(|| format!("object {oid} is missing or corrupt"))?;
        let Ok(blob) = object.into_blob() else {
            return Ok(Content::Absent);
        };
        let size = blob.size();
        let bytes = blob.content();
        if size as u64 > self.max_file_size.saturating_mul(decode::CHUNKED_FACTOR) {
            return Ok(decode::judge_large(bytes, size as u64));
        }
        if size as u64 > self.max_file_size {
            return Ok(decode::decode_large(bytes));
        }
        if mode == FileMode::Link {
            let target = String::from_utf8_lossy(bytes).into_owned();
            return Ok(Content::Symlink(target));
        }
        Ok(decode::decode(bytes))
    }

    /// Commits in a range as `git log` takes it (`A..B`, `A...B`, `B`),
    /// oldest first.
    pub fn range(&self, spec: &str) -> Result<Vec<Oid>> {
        self.range_hiding(spec, &[])
    }

    /// A range split at the adoption point: the commits to check (oldest
    /// first), and how many of the range are `adopted` or its ancestors.
    pub fn range_after(&self, spec: &str, adopted: Option<Oid>) -> Result<(Vec<Oid>, usize)> {
        let Some(adopted) = adopted else {
            return Ok((self.range(spec)?, 0));
        };
        let checked = self.range_hiding(spec, &[adopted])?;
        let before = self
            .range_hiding(spec, &[])?
            .len()
            .saturating_sub(checked.len());
        Ok((checked, before))
    }

    fn range_hiding(&self, spec: &str, hide: &[Oid]) -> Result<Vec<Oid>> {
        let revspec = self.repo.revparse(spec).map_err(|err| {
            anyhow!(
                "cannot resolve range {spec:?}: {} (in a shallow clone, fetch more history: git fetch --unshallow)",
                err.message()
            )
        })?;
        let mut walk = self.repo.revwalk()?;
        walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
        let mode = revspec.mode();
        let peel = |object: Option<&git2::Object<'_>>| -> Result<Option<Oid>> {
            match object {
                Some(object) => Ok(Some(
                    object
                        .peel_to_commit()
                        .with_context(|| format!("{spec:?} does not name commits"))?
                        .id(),
                )),
                None => Ok(None),
            }
        };
        let from = peel(revspec.from())?;
        let to = peel(revspec.to())?;
        if mode.contains(git2::RevparseMode::SINGLE) {
            let Some(from) = from else {
                bail!("empty range {spec:?}")
            };
            walk.push(from)?;
        } else if mode.contains(git2::RevparseMode::MERGE_BASE) {
            let (Some(a), Some(b)) = (from, to) else {
                bail!("incomplete range {spec:?}")
            };
            walk.push(a)?;
            walk.push(b)?;
            if let Ok(base) = self.repo.merge_base(a, b) {
                walk.hide(base)?;
            }
        } else {
            let (Some(a), Some(b)) = (from, to) else {
                bail!("incomplete range {spec:?}")
            };
            walk.push(b)?;
            walk.hide(a)?;
        }
        for oid in hide {
            walk.hide(*oid)?;
        }
        walk.collect::<std::result::Result<Vec<_>, _>>()
            .with_context(|| format!("cannot walk {spec:?} (shallow clone? fetch more history)"))
    }

    /// Commits a push would add to `remote`, from git's pre-push stdin,
    /// sorted into those to check and those already judged: on another
    /// remote, or before the adoption point. What the remotes have is asked
    /// of them (`git ls-remote`), never read from local remote-tracking refs,
    /// which remember branches the server may have deleted.
    pub fn pushed_commits(
        &self,
        remote: &str,
        stdin: &str,
        adopted: Option<Oid>,
    ) -> Result<PushedCommits> {
        let mut tips = Vec::new();
        let mut destination = Vec::new();
        for PushLine {
            local,
            remote: remote_oid,
            ..
        } in parse_push_lines(stdin)?
        {
            if local.is_zero() {
                continue; // a deletion adds nothing
            }
            let local_commit = self
                .repo
                .find_object(local, None)
                .and_then(|o| o.peel_to_commit())
                .map_err(|err| {
                    anyhow!(
                        "pushed object {local} is not a commit here: {}",
                        err.message()
                    )
                })?;
            tips.push(local_commit.id());
            // The remote's sha on the pushed ref is what git was just told
            // by the remote itself; a forced push over a commit we do not
            // have gives no boundary.
            destination.extend(self.local_commit(remote_oid));
        }
        let mut pushed = PushedCommits {
            destination: remote.to_string(),
            ..PushedCommits::default()
        };
        if tips.is_empty() || self.walk_count(&tips, &destination)? == 0 {
            return Ok(pushed);
        }
        let others: Vec<String> = self
            .repo
            .remotes()
            .context("cannot list the remotes")?
            .iter()
            .flatten()
            .filter(|name| *name != remote)
            .map(str::to_string)
            .collect();
        let mut asked = ask_remotes(
            std::iter::once(remote.to_string())
                .chain(others.iter().cloned())
                .collect(),
        );
        let (_, heads) = asked.remove(0);
        match heads {
            Ok(heads) => destination.extend(self.local_commits(&heads)),
            Err(reason) => pushed.unreachable.push((remote.to_string(), reason)),
        }
        let mut elsewhere = Vec::new();
        for (name, heads) in asked {
            match heads {
                Ok(heads) => {
                    let known = self.local_commits(&heads);
                    if !known.is_empty() {
                        pushed.other_remotes.push(name);
                    }
                    elsewhere.extend(known);
                }
                Err(reason) => pushed.unreachable.push((name, reason)),
            }
        }
        let new_to_destination = self.walk_count(&tips, &destination)?;
        let mut hide = destination;
        hide.extend(elsewhere);
        let not_elsewhere = self.walk_count(&tips, &hide)?;
        if let Some(adopted) = adopted {
            hide.push(adopted);
        }
        let mut walk = self.repo.revwalk()?;
        walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
        for tip in &tips {
            walk.push(*tip)?;
        }
        for oid in &hide {
            walk.hide(*oid)?;
        }
        pushed.check = walk
            .collect::<std::result::Result<Vec<_>, _>>()
            .context("cannot walk the pushed commits (shallow clone? fetch more history)")?;
        pushed.on_other_remotes = new_to_destination.saturating_sub(not_elsewhere);
        pushed.before_adoption = not_elsewhere.saturating_sub(pushed.check.len());
        Ok(pushed)
    }

    /// How many commits `tips` reach that `hide` do not.
    fn walk_count(&self, tips: &[Oid], hide: &[Oid]) -> Result<usize> {
        let mut walk = self.repo.revwalk()?;
        for tip in tips {
            walk.push(*tip)?;
        }
        for oid in hide {
            walk.hide(*oid)?;
        }
        let mut count = 0;
        for oid in walk {
            oid.context("cannot walk the pushed commits (shallow clone? fetch more history)")?;
            count += 1;
        }
        Ok(count)
    }

    /// `oid` as a commit of this repository, when it is one (tags peeled).
    fn local_commit(&self, oid: Oid) -> Option<Oid> {
        if oid.is_zero() {
            return None;
        }
        self.repo
            .find_object(oid, None)
            .and_then(|o| o.peel_to_commit())
            .ok()
            .map(|c| c.id())
    }

    /// The commits among a remote's advertised ids that exist here: only
    /// those can bound a walk.
    fn local_commits(&self, heads: &[Oid]) -> Vec<Oid> {
        let mut seen = BTreeSet::new();
        heads
            .iter()
            .filter_map(|oid| self.local_commit(*oid))
            .filter(|oid| seen.insert(*oid))
            .collect()
    }

    /// A file's text in the index, HEAD or a commit, when it is there and is text.
    pub fn read_file(&self, side: Side, path: &str) -> Result<Option<String>> {
        let Some((oid, _)) = self.entry(side, path)? else {
            return Ok(None);
        };
        match self.load(oid, FileMode::Blob)? {
            Content::Text(text) => Ok(Some(text)),
            _ => Ok(None),
        }
    }

    /// A path's blob id and file mode in the index, HEAD or a commit.
    fn entry(&self, side: Side, path: &str) -> Result<Option<(Oid, i32)>> {
        let in_tree = |tree: &Tree<'_>| {
            tree.get_path(Path::new(path))
                .ok()
                .map(|entry| (entry.id(), entry.filemode()))
        };
        Ok(match side {
            Side::Index => match self.fast_index() {
                Some(index) => match index.get(path.as_bytes()) {
                    Some(entry) => Some((Oid::from_bytes(&entry.oid)?, entry.mode as i32)),
                    None => None,
                },
                None => self
                    .index()?
                    .get_path(Path::new(path), 0)
                    .map(|entry| (entry.id, entry.mode as i32)),
            },
            Side::Head => match self.head_tree()? {
                Some(tree) => in_tree(&tree),
                None => None,
            },
            Side::Commit(oid) => {
                let tree = self
                    .repo
                    .find_commit(oid)
                    .and_then(|c| c.tree())
                    .with_context(|| format!("cannot read the tree of {oid}"))?;
                in_tree(&tree)
            }
        })
    }

    /// The blob ids of the policy files in the index, HEAD or a commit. A
    /// policy file that is not a regular file (a symlink, a directory, a
    /// submodule) is refused: its target is not what was reviewed.
    pub fn policy_ids(&self, side: Side) -> Result<PolicyIds> {
        let mut ids = PolicyIds::default();
        for (slot, path) in ids.0.iter_mut().zip(POLICY_FILES) {
            let Some((oid, mode)) = self.entry(side, path)? else {
                continue;
            };
            if mode != i32::from(FileMode::Blob) && mode != i32::from(FileMode::BlobExecutable) {
                bail!(
                    "{path} in {} is not a regular file (a symlink or directory): a policy file must be a plain file",
                    side_name(side)
                );
            }
            *slot = Some(oid);
        }
        Ok(ids)
    }

    /// The policy files' texts for `ids`, each read with a size bound.
    pub fn policy_texts(&self, ids: &PolicyIds) -> Result<PolicyTexts> {
        let mut texts = PolicyTexts::default();
        for ((slot, id), path) in texts.0.iter_mut().zip(ids.0).zip(POLICY_FILES) {
            if let Some(oid) = id {
                *slot = Some(self.read_policy_blob(oid, path)?);
            }
        }
        Ok(texts)
    }

    /// A policy file's blob as text, refused when over `POLICY_MAX_SIZE` (the
    /// size is asked before the blob is read) or not text.
    fn read_policy_blob(&self, oid: Oid, path: &str) -> Result<String> {
        let odb = self.repo.odb().context("cannot open the object database")?;
        let (size, _) = odb
            .read_header(oid)
            .with_context(|| format!("{path}: object {oid} is missing or corrupt"))?;
        if size as u64 > POLICY_MAX_SIZE {
            bail!(
                "{path} is {size} bytes, over the {POLICY_MAX_SIZE} byte limit for a policy file"
            );
        }
        let blob = self
            .repo
            .find_blob(oid)
            .with_context(|| format!("{path}: object {oid} is missing or corrupt"))?;
        String::from_utf8(blob.content().to_vec())
            .map_err(|_| anyhow!("{path} is not UTF-8 text: a policy file must be text"))
    }

    /// The policy files in the working tree, by the blob id they would
    /// have. A file that is not a plain file (a symlink) or is over the size
    /// bound gets the zero id: it differs from every committed one.
    pub fn worktree_policy_ids(&self) -> Result<PolicyIds> {
        let mut ids = PolicyIds::default();
        for (slot, name) in ids.0.iter_mut().zip(POLICY_FILES) {
            let path = self.root().join(name);
            let Ok(meta) = std::fs::symlink_metadata(&path) else {
                continue;
            };
            *slot = Some(if !meta.is_file() || meta.len() > POLICY_MAX_SIZE {
                Oid::zero()
            } else {
                Oid::hash_file(ObjectType::Blob, &path).unwrap_or_else(|_| Oid::zero())
            });
        }
        Ok(ids)
    }

    /// A policy file's text in the working tree: `None` when absent, not a
    /// plain file, or over the size bound.
    pub fn read_worktree_policy(&self, name: &str) -> Result<Option<String>> {
        use std::io::Read;
        let path = self.root().join(name);
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            return Ok(None);
        };
        if !meta.is_file() || meta.len() > POLICY_MAX_SIZE {
            return Ok(None);
        }
        let mut bytes = Vec::new();
        std::fs::File::open(&path)
            .and_then(|file| file.take(POLICY_MAX_SIZE + 1).read_to_end(&mut bytes))
            .with_context(|| format!("cannot read {}", path.display()))?;
        Ok(String::from_utf8(bytes).ok())
    }

    /// A commit's parents, first parent first (none for a root commit).
    pub fn parents(&self, oid: Oid) -> Result<Vec<Oid>> {
        let commit = self
            .repo
            .find_commit(oid)
            .with_context(|| format!("cannot read commit {oid}"))?;
        Ok(commit.parent_ids().collect())
    }

    /// A file's text in a commit's tree.
    pub fn read_file_at(&self, oid: Oid, path: &str) -> Result<Option<String>> {
        self.read_file(Side::Commit(oid), path)
    }

    pub fn resolve(&self, rev: &str) -> Result<Oid> {
        self.repo
            .revparse_single(rev)
            .and_then(|o| o.peel_to_commit())
            .map(|c| c.id())
            .map_err(|err| anyhow!("cannot resolve {rev:?}: {}", err.message()))
    }

    pub fn head(&self) -> Option<Oid> {
        self.repo.head().ok().and_then(|h| h.target())
    }

    /// The newest tag reachable from HEAD, if any.
    pub fn latest_tag(&self) -> Option<String> {
        let mut opts = git2::DescribeOptions::new();
        opts.describe_tags();
        let describe = self.repo.describe(&opts).ok()?;
        let mut format = git2::DescribeFormatOptions::new();
        format.abbreviated_size(0);
        describe.format(Some(&format)).ok()
    }

    pub fn tag_exists(&self, name: &str) -> bool {
        self.repo
            .find_reference(&format!("refs/tags/{name}"))
            .is_ok()
    }

    /// Whether tracked files differ from HEAD (staged or not); untracked files
    /// do not count.
    pub fn is_dirty(&self) -> Result<bool> {
        let mut opts = git2::StatusOptions::new();
        opts.include_untracked(false)
            .include_ignored(false)
            .exclude_submodules(true);
        let statuses = self
            .repo
            .statuses(Some(&mut opts))
            .context("cannot read the status")?;
        Ok(!statuses.is_empty())
    }

    /// Create an annotated tag on HEAD.
    pub fn create_tag(&self, name: &str, message: &str) -> Result<Oid> {
        let head = self
            .repo
            .head()
            .and_then(|h| h.peel(ObjectType::Commit))
            .context("cannot tag: HEAD has no commit")?;
        let signature = self
            .repo
            .signature()
            .context("cannot tag: set user.name and user.email in git config")?;
        self.repo
            .tag(name, &head, &signature, message, false)
            .with_context(|| format!("cannot create tag {name}"))
    }

    /// The prefix that marks a comment line in a commit message being
    /// written: `core.commentString`, else `core.commentChar` (`auto` and
    /// unset mean `#`). Asked of git itself where it can be run, so that
    /// `git -c core.commentChar=…` on the command line (passed to hooks in
    /// the environment) counts too.
    pub fn comment_prefix(&self) -> String {
        let from_git = |key: &str| {
            std::process::Command::new("git")
                .args(["config", "--get", key])
                .current_dir(self.root())
                .output()
                .ok()
                .filter(|out| out.status.success())
                .map(|out| {
                    String::from_utf8_lossy(&out.stdout)
                        .trim_end_matches('\n')
                        .to_string()
                })
        };
        let config = self.repo.config().ok();
        let from_libgit2 = |key: &str| config.as_ref().and_then(|c| c.get_string(key).ok());
        let value = ["core.commentString", "core.commentChar"]
            .iter()
            .find_map(|key| {
                from_git(key)
                    .or_else(|| from_libgit2(key))
                    .filter(|v| !v.is_empty())
            });
        match value {
            Some(value) if value != "auto" => value,
            _ => "#".to_string(),
        }
    }

    /// The hooks directory, as git finds it: `core.hooksPath` (relative to
    /// the working tree root), else `hooks/` in the common git directory
    /// (shared by linked worktrees).
    pub fn hooks_dir(&self) -> Result<PathBuf> {
        let config = self.repo.config().context("cannot read git config")?;
        if let Ok(path) = config.get_path("core.hooksPath") {
            return Ok(if path.is_relative() {
                self.root().join(path)
            } else {
                path
            });
        }
        Ok(self.repo.commondir().join("hooks"))
    }

    pub fn commit_info(&self, oid: Oid) -> Result<CommitInfo> {
        let commit = self
            .repo
            .find_commit(oid)
            .with_context(|| format!("cannot read commit {oid}"))?;
        Ok(commit_info(&commit))
    }
}

/// What a merge introduces, from its diffs against each parent: a file counts
/// when it differs from every parent, and a line when every diff adds it (the
/// idea of git's combined diff).
/// libgit2 caches commits and trees but not blobs. In a history, the new
/// side of a file in one commit is its old side in the next that touches it:
/// caching small blobs saves inflating them twice.
fn side_name(side: Side) -> String {
    match side {
        Side::Index => "the index".to_string(),
        Side::Head => "HEAD".to_string(),
        Side::Commit(oid) => format!("commit {oid}"),
    }
}

fn cache_small_blobs() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: libgit2's global options are not synchronised; `Once`
        // makes this the only call, made before any repository is opened.
        let _ = unsafe { git2::opts::set_cache_object_limit(ObjectType::Blob, 256 * 1024) };
    });
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

fn merge_introduced(per_parent: Vec<Vec<FileChange>>) -> Vec<FileChange> {
    let mut maps: Vec<HashMap<String, FileChange>> = per_parent
        .into_iter()
        .map(|files| files.into_iter().map(|f| (f.path.clone(), f)).collect())
        .collect();
    let Some((first, rest)) = maps.split_first_mut() else {
        return Vec::new();
    };
    let mut paths: Vec<String> = first.keys().cloned().collect();
    paths.sort();
    let mut files = Vec::new();
    for path in paths {
        if !rest.iter().all(|other| other.contains_key(&path)) {
            continue;
        }
        let Some(mut change) = first.remove(&path) else {
            continue;
        };
        let mut added: BTreeSet<u32> = change.added_lines.iter().copied().collect();
        for other in rest.iter() {
            if let Some(theirs) = other.get(&path) {
                let theirs: BTreeSet<u32> = theirs.added_lines.iter().copied().collect();
                added = added.intersection(&theirs).copied().collect();
            }
        }
        if change.status == ChangeStatus::Added
            && rest.iter().any(|o| o[&path].status != ChangeStatus::Added)
        {
            // New against one parent but present in another: only the lines
            // no parent had are new.
            change.status = ChangeStatus::Modified;
        }
        change.added_lines = added.into_iter().collect();
        files.push(change);
    }
    files
}

fn commit_info(commit: &git2::Commit<'_>) -> CommitInfo {
    let id = commit.id().to_string();
    CommitInfo {
        short_id: id.chars().take(7).collect(),
        id,
        summary: String::from_utf8_lossy(commit.summary_bytes().unwrap_or_default()).into_owned(),
        message: String::from_utf8_lossy(commit.message_bytes()).into_owned(),
    }
}

/// One ref line of git's pre-push input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushLine {
    pub local_ref: String,
    pub local: Oid,
    pub remote_ref: String,
    pub remote: Oid,
}

/// Parse git's pre-push input: `<local ref> <local id> <remote ref> <remote id>`
/// per line; ids of 40 (SHA-1) or 64 (SHA-256) hex digits, all zeros for
/// "none". Blank lines are skipped; anything else is an error naming the line.
pub fn parse_push_lines(stdin: &str) -> Result<Vec<PushLine>> {
    hook_input_lines::<4>(
        stdin,
        "pre-push",
        "<local ref> <local id> <remote ref> <remote id>",
    )?
    .into_iter()
    .map(|(number, [local_ref, local_id, remote_ref, remote_id])| {
        Ok(PushLine {
            local_ref: local_ref.to_string(),
            local: parse_oid(local_id, "pre-push", number)?,
            remote_ref: remote_ref.to_string(),
            remote: parse_oid(remote_id, "pre-push", number)?,
        })
    })
    .collect()
}

/// The lines of a hook's stdin, each as its `N` whitespace-separated fields
/// with its 1-based number. Blank lines are skipped; a line of another shape
/// is an error naming the hook, the line and the shape `expected`.
pub(crate) fn hook_input_lines<'t, const N: usize>(
    stdin: &'t str,
    hook: &str,
    expected: &str,
) -> Result<Vec<(usize, [&'t str; N])>> {
    let mut out = Vec::new();
    for (index, line) in stdin.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        let Ok(fields) = <[&str; N]>::try_from(fields) else {
            bail!(
                "{hook} input line {}: expected `{expected}`, got {:?}",
                index + 1,
                crate::finding::shorten(line)
            );
        };
        out.push((index + 1, fields));
    }
    Ok(out)
}

/// The commits a push adds, and why the others were not checked.
#[derive(Debug, Clone, Default)]
pub struct PushedCommits {
    /// The remote pushed to (a name, or the URL git was given).
    pub destination: String,
    /// The commits to check, oldest first.
    pub check: Vec<Oid>,
    /// New to the destination but already on another remote.
    pub on_other_remotes: usize,
    /// The other remotes that have some of the pushed history.
    pub other_remotes: Vec<String>,
    /// New to every remote, but the adoption point or its ancestors.
    pub before_adoption: usize,
    /// Remotes that could not be asked, and why: their commits count as new.
    pub unreachable: Vec<(String, String)>,
}

/// How long a remote may take to list its refs before it counts as
/// unreachable (and its commits as unknown).
const LS_REMOTE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// `git ls-remote` of each remote, all at once: the ids each advertises,
/// or why it could not be asked.
fn ask_remotes(remotes: Vec<String>) -> Vec<(String, std::result::Result<Vec<Oid>, String>)> {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let deadline = std::time::Instant::now() + LS_REMOTE_TIMEOUT;
    let running: Vec<_> = remotes
        .into_iter()
        .map(|remote| {
            let child = if remote.starts_with('-') {
                Err(format!("{remote:?} is not a remote name or URL"))
            } else {
                Command::new("git")
                    .args(["ls-remote", &remote])
                    .env("GIT_TERMINAL_PROMPT", "0")
                    .stdin(Stdio::null())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .map_err(|err| format!("cannot run git ls-remote: {err}"))
            };
            // Pipes are drained on threads so a long ref list cannot stall
            // the child while it is waited for.
            let child = child.map(|mut child| {
                let drain = |pipe: Option<Box<dyn Read + Send>>| {
                    std::thread::spawn(move || {
                        let mut bytes = Vec::new();
                        if let Some(mut pipe) = pipe {
                            let _ = pipe.read_to_end(&mut bytes);
                        }
                        bytes
                    })
                };
                let out = drain(
                    child
                        .stdout
                        .take()
                        .map(|p| Box::new(p) as Box<dyn Read + Send>),
                );
                let err = drain(
                    child
                        .stderr
                        .take()
                        .map(|p| Box::new(p) as Box<dyn Read + Send>),
                );
                (child, out, err)
            });
            (remote, child)
        })
        .collect();
    running
        .into_iter()
        .map(|(remote, child)| {
            let result = child.and_then(|(mut child, out, err)| {
                let status = loop {
                    match child.try_wait() {
                        Ok(Some(status)) => break Ok(status),
                        Ok(None) if std::time::Instant::now() < deadline => {
                            std::thread::sleep(std::time::Duration::from_millis(2));
                        }
                        Ok(None) => {
                            let _ = child.kill();
                            let _ = child.wait();
                            break Err(format!(
                                "no answer within {} s",
                                LS_REMOTE_TIMEOUT.as_secs()
                            ));
                        }
                        Err(e) => break Err(format!("cannot wait for git ls-remote: {e}")),
                    }
                }?;
                let stdout = out.join().unwrap_or_default();
                let stderr = err.join().unwrap_or_default();
                if !status.success() {
                    let reason = String::from_utf8_lossy(&stderr);
                    let reason = reason
                        .lines()
                        .map(str::trim)
                        .find(|l| !l.is_empty())
                        .unwrap_or("git ls-remote failed");
                    return Err(crate::finding::shorten(&without_userinfo(reason)));
                }
                Ok(String::from_utf8_lossy(&stdout)
                    .lines()
                    .filter_map(|line| line.split_whitespace().next())
                    .filter_map(|id| Oid::from_str(id).ok())
                    .collect())
            });
            (remote, result)
        })
        .collect()
}

/// `text` with the user part of every URL (`https://user:token@host`)
/// hidden: remote URLs may carry credentials, and they end up in messages.
pub fn without_userinfo(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let (head, tail) = rest.split_at(at + 3);
        out.push_str(head);
        let end = tail
            .find(|c: char| c == '/' || c.is_whitespace() || c == '\'' || c == '"')
            .unwrap_or(tail.len());
        match tail[..end].rfind('@') {
            Some(user_end) => {
                out.push_str("…@");
                rest = &tail[user_end + 1..];
            }
            None => rest = tail,
        }
    }
    out.push_str(rest);
    out
}

/// An object id of a hook's input (`hook` names it in errors), all zeros
/// for "none".
fn parse_oid(text: &str, hook: &str, line: usize) -> Result<Oid> {
    if !(text.len() == 40 || text.len() == 64) || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        bail!(
            "{hook} input line {line}: {:?} is not an object id",
            crate::finding::shorten(text)
        );
    }
    if text.bytes().all(|b| b == b'0') {
        return Ok(Oid::zero());
    }
    Oid::from_str(text).map_err(|err| anyhow!("{hook} input line {line}: {}", err.message()))
}

fn diff_options() -> DiffOptions {
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

fn find_renames(diff: &mut git2::Diff<'_>) -> Result<()> {
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
fn added_lines(old: &str, new: &str) -> Vec<u32> {
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

fn line_count(text: &str) -> u32 {
    // `str::lines`: a last line without a newline counts too.
    let newlines = memchr::memchr_iter(b'\n', text.as_bytes()).count();
    let unterminated = usize::from(!text.is_empty() && !text.ends_with('\n'));
    u32::try_from(newlines + unterminated).unwrap_or(u32::MAX)
}

fn path_string(bytes: Option<&[u8]>) -> String {
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

    #[test]
    fn credentials_in_urls_are_hidden() {
        assert_eq!(
            without_userinfo(
                "fatal: unable to access 'https://bob:ghp_abc123@git.example.com/x.git/': 403"
            ),
            "fatal: unable to access 'https://…@git.example.com/x.git/': 403"
        );
        assert_eq!(without_userinfo("ssh://git@host/repo"), "ssh://…@host/repo");
        assert_eq!(without_userinfo("/srv/git/repo.git"), "/srv/git/repo.git");
        assert_eq!(without_userinfo("https://host/a@b"), "https://host/a@b");
    }

    #[test]
    fn push_lines_parse_and_reject() {
        let zero40 = "0".repeat(40);
        let zero64 = "0".repeat(64);
        let id = "a".repeat(40);
        let input = format!("refs/heads/main {id} refs/heads/main {zero40}\n\n(delete) {zero64} refs/heads/x {id}\n");
        let lines = parse_push_lines(&input).unwrap();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].remote.is_zero());
        assert!(lines[1].local.is_zero());
        assert!(parse_push_lines("a b c\n").is_err());
        assert!(parse_push_lines(&format!("r {} r {zero40}", "g".repeat(40))).is_err());
        assert!(parse_push_lines(&format!("r {} r {zero40}", "a".repeat(39))).is_err());
        let err = parse_push_lines(&format!("x\n{}\n", "y ".repeat(5000))).unwrap_err();
        assert!(
            err.to_string().len() < 400,
            "errors quote a bounded part of the input"
        );
    }
}

/// The cache-tree reader against libgit2's whole-index diff, on indexes
/// written by real git in the shapes a hook meets.
#[cfg(test)]
mod index_tests {
    use super::*;
    use std::process::Command;

    fn git(dir: &Path, args: &[&str]) {
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
}
