//! The git layer: the only module that uses git2. It turns the index, commits
//! and ranges into plain `ChangeSet`s and answers the few questions the
//! commands ask of a repository.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use git2::{
    Blob, Delta, DiffFindOptions, DiffOptions, FileMode, Index, ObjectType, Oid, Patch, Repository,
    Sort, Tree,
};

use crate::model::{ChangeSet, ChangeStatus, CommitInfo, Content, FileChange};

/// libgit2's own rule for binary content: a NUL in the first 8000 bytes.
const BINARY_PROBE: usize = 8000;

pub struct Repo {
    repo: Repository,
    max_file_size: u64,
}

/// Which side of a change a caller wants file contents from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Index,
    Head,
}

impl Repo {
    /// The repository around the current directory, as git finds it
    /// (`GIT_DIR` and friends respected). Bare repositories are refused.
    pub fn open() -> Result<Repo> {
        // Re-hashing every object read costs a third of a small hook's time;
        // git itself does not do it on reads, and a corrupt object still fails
        // to inflate or parse.
        git2::opts::strict_hash_verification(false);
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
        if repo.is_bare() {
            bail!(
                "{} is a bare repository: confgate needs a working tree (run it in a clone)",
                repo.path().display()
            );
        }
        Ok(Repo {
            repo,
            max_file_size: 1024 * 1024,
        })
    }

    pub fn set_max_file_size(&mut self, bytes: u64) {
        self.max_file_size = bytes;
    }

    /// The working tree's root.
    pub fn root(&self) -> &Path {
        self.repo.workdir().unwrap_or_else(|| self.repo.path())
    }

    /// The index git will commit: `GIT_INDEX_FILE` when set (commit -a,
    /// commit <paths>, commit -p use a temporary one), else the repository's.
    fn index(&self) -> Result<Index> {
        match std::env::var_os("GIT_INDEX_FILE") {
            Some(path) if !path.is_empty() => {
                let path = PathBuf::from(path);
                let path = if path.is_relative() {
                    std::env::current_dir()?.join(path)
                } else {
                    path
                };
                let index = Index::open(&path)
                    .with_context(|| format!("cannot read the index {}", path.display()))?;
                Ok(index)
            }
            _ => self.repo.index().context("cannot read the index"),
        }
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
        let index = self.index()?;
        let head = self.head_tree()?;
        let mut opts = diff_options();
        let mut diff = self
            .repo
            .diff_tree_to_index(head.as_ref(), Some(&index), Some(&mut opts))
            .context("cannot diff the index against HEAD")?;
        find_renames(&mut diff)?;
        let files = self.file_changes(&diff, want_old)?;
        let merging = self.merge_heads()?;
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
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(err) => return Err(err).with_context(|| format!("cannot read {}", path.display())),
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
        for (index, delta) in diff.deltas().enumerate() {
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
            let (new, new_blob) = if status == ChangeStatus::Deleted {
                (Content::Absent, None)
            } else {
                self.load(new_file.id(), new_file.mode())?
            };
            let keep_old = want_old(&path) || want_old(&old_path);
            // The old blob is needed for the line diff of any text file, and
            // kept as text only where a caller asked for it.
            let need_old = status != ChangeStatus::Added
                && !old_file.id().is_zero()
                && (keep_old || matches!(new, Content::Text(_)));
            let (old, old_blob) = if need_old {
                self.load(old_file.id(), old_file.mode())?
            } else {
                (Content::Absent, None)
            };
            let added_lines = match (&new, status) {
                (Content::Text(text), ChangeStatus::Added) => (1..=line_count(text)).collect(),
                (Content::Text(text), _) => match (old_blob.as_ref(), new_blob.as_ref()) {
                    (Some(old), Some(new)) => added_lines(diff, index, old, new)?,
                    // The old side was not text (binary, too large, a link):
                    // every line of the new text is new.
                    _ => (1..=line_count(text)).collect(),
                },
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
    fn load(&self, oid: Oid, mode: FileMode) -> Result<(Content, Option<Blob<'_>>)> {
        if mode == FileMode::Commit {
            return Ok((Content::Submodule, None));
        }
        if oid.is_zero() {
            return Ok((Content::Absent, None));
        }
        let odb = self.repo.odb().context("cannot open the object database")?;
        let (size, kind) = odb
            .read_header(oid)
            .with_context(|| format!("object {oid} is missing or corrupt"))?;
        if kind != ObjectType::Blob {
            return Ok((Content::Absent, None));
        }
        if mode != FileMode::Link && size as u64 > self.max_file_size {
            return Ok((Content::TooLarge(size as u64), None));
        }
        let blob = self
            .repo
            .find_blob(oid)
            .with_context(|| format!("object {oid} is missing or corrupt"))?;
        let bytes = blob.content();
        if mode == FileMode::Link {
            let target = String::from_utf8_lossy(bytes).into_owned();
            return Ok((Content::Symlink(target), None));
        }
        if bytes[..bytes.len().min(BINARY_PROBE)].contains(&0) {
            return Ok((Content::Binary, None));
        }
        // Validating first is several times faster than the lossy decoder on
        // the common, valid case; the result is the same text.
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => text.to_owned(),
            Err(_) => String::from_utf8_lossy(bytes).into_owned(),
        };
        Ok((Content::Text(text), Some(blob)))
    }

    /// Commits in a range as `git log` takes it (`A..B`, `A...B`, `B`),
    /// oldest first.
    pub fn range(&self, spec: &str) -> Result<Vec<Oid>> {
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
        walk.collect::<std::result::Result<Vec<_>, _>>()
            .with_context(|| format!("cannot walk {spec:?} (shallow clone? fetch more history)"))
    }

    /// Commits a push would add to `remote`, from git's pre-push stdin.
    pub fn pushed_commits(&self, remote: &str, stdin: &str) -> Result<Vec<Oid>> {
        let mut walk = self.repo.revwalk()?;
        walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
        let mut any = false;
        let mut hid_remote_refs = false;
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
            walk.push(local_commit.id())?;
            any = true;
            let known_remote = !remote_oid.is_zero()
                && match self
                    .repo
                    .find_object(remote_oid, None)
                    .and_then(|o| o.peel_to_commit())
                {
                    Ok(commit) => {
                        walk.hide(commit.id())?;
                        true
                    }
                    Err(_) => false,
                };
            if !known_remote && !hid_remote_refs {
                // A new branch, or a forced push over a commit we do not have:
                // check what no ref of this remote has yet.
                hid_remote_refs = true;
                let glob = format!("refs/remotes/{remote}/*");
                if let Ok(refs) = self.repo.references_glob(&glob) {
                    for reference in refs.flatten() {
                        if let Ok(commit) = reference.peel_to_commit() {
                            walk.hide(commit.id())?;
                        }
                    }
                }
            }
        }
        if !any {
            return Ok(Vec::new());
        }
        walk.collect::<std::result::Result<Vec<_>, _>>()
            .context("cannot walk the pushed commits (shallow clone? fetch more history)")
    }

    /// A file's text in the index or HEAD, when it is there and is text.
    pub fn read_file(&self, side: Side, path: &str) -> Result<Option<String>> {
        let oid = match side {
            Side::Index => {
                let index = self.index()?;
                match index.get_path(Path::new(path), 0) {
                    Some(entry) => entry.id,
                    None => return Ok(None),
                }
            }
            Side::Head => {
                let Some(tree) = self.head_tree()? else {
                    return Ok(None);
                };
                match tree.get_path(Path::new(path)) {
                    Ok(entry) => entry.id(),
                    Err(_) => return Ok(None),
                }
            }
        };
        match self.load(oid, FileMode::Blob)? {
            (Content::Text(text), _) => Ok(Some(text)),
            _ => Ok(None),
        }
    }

    /// A file's text in a commit's tree.
    pub fn read_file_at(&self, oid: Oid, path: &str) -> Result<Option<String>> {
        let tree = self
            .repo
            .find_commit(oid)
            .and_then(|c| c.tree())
            .with_context(|| format!("cannot read the tree of {oid}"))?;
        let Ok(entry) = tree.get_path(Path::new(path)) else {
            return Ok(None);
        };
        match self.load(entry.id(), FileMode::Blob)? {
            (Content::Text(text), _) => Ok(Some(text)),
            _ => Ok(None),
        }
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
    let mut out = Vec::new();
    for (number, line) in stdin.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [local_ref, local_id, remote_ref, remote_id] = fields[..] else {
            bail!(
                "pre-push input line {}: expected `<local ref> <local id> <remote ref> <remote id>`, got {:?}",
                number + 1,
                crate::finding::shorten(line)
            );
        };
        out.push(PushLine {
            local_ref: local_ref.to_string(),
            local: parse_oid(local_id, number + 1)?,
            remote_ref: remote_ref.to_string(),
            remote: parse_oid(remote_id, number + 1)?,
        });
    }
    Ok(out)
}

fn parse_oid(text: &str, line: usize) -> Result<Oid> {
    if !(text.len() == 40 || text.len() == 64) || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        bail!(
            "pre-push input line {line}: {:?} is not an object id",
            crate::finding::shorten(text)
        );
    }
    if text.bytes().all(|b| b == b'0') {
        return Ok(Oid::zero());
    }
    Oid::from_str(text).map_err(|err| anyhow!("pre-push input line {line}: {}", err.message()))
}

fn diff_options() -> DiffOptions {
    let mut opts = DiffOptions::new();
    // `force_text` only matters to the patches `added_lines` takes from the
    // diff: a `binary` or `-diff` attribute must not hide added lines.
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

/// Line numbers `new` adds over `old`, for delta `index` of `diff`.
fn added_lines(
    diff: &git2::Diff<'_>,
    index: usize,
    old: &Blob<'_>,
    new: &Blob<'_>,
) -> Result<Vec<u32>> {
    // The patch comes from the diff, not from the two blobs: a blob pair
    // makes libgit2 look up the `diff` attribute of a placeholder path each
    // time (stat and readlink of .gitattributes, info/attributes and the work
    // tree, and a config reload), and a buffer pair makes it re-hash both
    // sides; each cost more than the line diff itself. The diff keeps one
    // attribute session, knows the ids, and is forced to text, so the added
    // lines are the same.
    let patch = match Patch::from_diff(diff, index).context("cannot diff file contents")? {
        Some(patch) => patch,
        None => {
            let mut opts = DiffOptions::new();
            opts.context_lines(0).force_text(true);
            Patch::from_blobs(old, None, new, None, Some(&mut opts))
                .context("cannot diff file contents")?
        }
    };
    let mut out = Vec::new();
    for hunk in 0..patch.num_hunks() {
        let lines = patch.num_lines_in_hunk(hunk)?;
        for index in 0..lines {
            let line = patch.line_in_hunk(hunk, index)?;
            if line.origin() == '+' {
                if let Some(number) = line.new_lineno() {
                    out.push(number);
                }
            }
        }
    }
    Ok(out)
}

fn line_count(text: &str) -> u32 {
    u32::try_from(text.lines().count()).unwrap_or(u32::MAX)
}

fn path_string(bytes: Option<&[u8]>) -> String {
    String::from_utf8_lossy(bytes.unwrap_or_default()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

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
