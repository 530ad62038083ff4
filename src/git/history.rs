//! Commits as change sets: one commit, a range, what a merge introduces.

use std::collections::{BTreeSet, HashMap};

use anyhow::{anyhow, bail, Context, Result};
use git2::{FileMode, ObjectType, Oid, Sort};

use super::pack::{self, Packs};
use super::{CommitId, Repo};
use crate::decode;
use crate::model::{ChangeSet, ChangeStatus, CommitInfo, Content, FileChange};

use super::lines::{added_lines, diff_options, find_renames, line_count, path_string};
use super::treediff::{deltas_of, tree_changes, TreeDelta};

/// What a commit's change is read from: its tree, the trees of the parents
/// this repository has, and its description. A history walk reads these
/// once, on the thread that judges the commits in order (which has just read
/// each commit for its parents), so the worker that diffs a commit does not
/// read and inflate it again.
#[derive(Debug, Clone)]
pub struct CommitHead {
    pub id: CommitId,
    /// Every parent, as the commit names them (a shallow clone may lack
    /// some).
    pub parents: Vec<CommitId>,
    pub info: CommitInfo,
    tree: Oid,
    /// The trees of the parents that can be read, in order.
    parent_trees: Vec<Oid>,
}

impl Repo {
    /// A commit's tree, parents and description.
    pub fn commit_head(&self, id: CommitId) -> Result<CommitHead> {
        let commit = self
            .repo
            .find_commit(id.0)
            .with_context(|| format!("cannot read commit {id}"))?;
        Ok(CommitHead {
            id,
            parents: commit.parent_ids().map(CommitId).collect(),
            info: commit_info(&commit),
            tree: commit.tree_id(),
            // `parents()` leaves out parents that cannot be read: a shallow
            // clone's boundary commit is diffed as a root commit.
            parent_trees: commit.parents().map(|parent| parent.tree_id()).collect(),
        })
    }

    /// One commit's change against its first parent; for a merge, only what
    /// the merge itself introduced (changed against every parent).
    pub fn commit_change(
        &self,
        id: CommitId,
        want_old: &dyn Fn(&str) -> bool,
    ) -> Result<ChangeSet> {
        self.change_of(self.commit_head(id)?, want_old)
    }

    /// [`Repo::commit_change`] of a commit already read.
    pub fn change_of(
        &self,
        head: CommitHead,
        want_old: &dyn Fn(&str) -> bool,
    ) -> Result<ChangeSet> {
        let (oid, info) = (head.id.0, head.info);
        let tree = self
            .repo
            .find_tree(head.tree)
            .with_context(|| format!("cannot read the tree of {oid}"))?;
        if head.parent_trees.len() <= 1 {
            let parent_tree = match head.parent_trees.first() {
                Some(&parent) => Some(self.repo.find_tree(parent).with_context(|| {
                    format!("cannot read the parent of {oid} (shallow clone? fetch more history)")
                })?),
                None => None,
            };
            let deltas = match tree_changes(&self.repo, parent_tree.as_ref(), &tree)? {
                // A change that adds and deletes files may rename them:
                // libgit2 pairs them.
                Some(deltas) if !adds_and_deletes(&deltas) => deltas,
                _ => {
                    let mut opts = diff_options();
                    let mut diff = self
                        .repo
                        .diff_tree_to_tree(parent_tree.as_ref(), Some(&tree), Some(&mut opts))
                        .with_context(|| format!("cannot diff commit {oid}"))?;
                    find_renames(&mut diff)?;
                    deltas_of(&diff)
                }
            };
            let files = self.changes_of(deltas, want_old)?;
            return Ok(ChangeSet {
                commit: Some(info),
                files,
            });
        }
        let mut per_parent_deltas = Vec::new();
        for &parent in &head.parent_trees {
            let parent_tree = self
                .repo
                .find_tree(parent)
                .with_context(|| format!("cannot read a parent of {oid}"))?;
            // Renames are not looked for here: no diff against one parent
            // is a merge's change on its own.
            let deltas = match tree_changes(&self.repo, Some(&parent_tree), &tree)? {
                Some(deltas) => deltas,
                None => {
                    let mut opts = diff_options();
                    let diff = self
                        .repo
                        .diff_tree_to_tree(Some(&parent_tree), Some(&tree), Some(&mut opts))
                        .with_context(|| format!("cannot diff merge {oid}"))?;
                    deltas_of(&diff)
                }
            };
            per_parent_deltas.push(deltas);
        }
        // Only a file that differs from every parent can be introduced by
        // the merge: the others are neither read nor diffed.
        let mut per_parent = Vec::with_capacity(per_parent_deltas.len());
        for deltas in against_every_parent(per_parent_deltas) {
            per_parent.push(self.changes_of(deltas, want_old)?);
        }
        Ok(ChangeSet {
            commit: Some(info),
            files: merge_introduced(per_parent),
        })
    }

    /// The other parents of a merge being committed (`MERGE_HEAD`).
    pub(super) fn merge_heads(&self) -> Result<Vec<Oid>> {
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

    pub(super) fn file_changes(
        &self,
        diff: &git2::Diff<'_>,
        want_old: &dyn Fn(&str) -> bool,
    ) -> Result<Vec<FileChange>> {
        self.changes_of(deltas_of(diff), want_old)
    }

    /// [`Repo::file_changes`] of the files of `diff` whose path (as
    /// `merge_introduced` keys a file) is in `paths`.
    pub(super) fn file_changes_in(
        &self,
        diff: &git2::Diff<'_>,
        paths: &BTreeSet<String>,
        want_old: &dyn Fn(&str) -> bool,
    ) -> Result<Vec<FileChange>> {
        let mut deltas = deltas_of(diff);
        retain_paths(&mut deltas, paths);
        self.changes_of(deltas, want_old)
    }

    /// Each changed file with the sides the checks need, read from the
    /// object database, and the lines the change adds.
    pub(super) fn changes_of(
        &self,
        deltas: Vec<TreeDelta>,
        want_old: &dyn Fn(&str) -> bool,
    ) -> Result<Vec<FileChange>> {
        let mut out = Vec::with_capacity(deltas.len());
        for delta in deltas {
            let status = delta.status;
            let new_path = path_string(Some(&delta.new_path));
            let old_path = path_string(Some(&delta.old_path));
            let path = if status == ChangeStatus::Deleted {
                old_path.clone()
            } else {
                new_path.clone()
            };
            let new = if status == ChangeStatus::Deleted {
                Content::Absent
            } else {
                self.load(delta.new_id, delta.new_file_mode())?
            };
            // Asked once per path: globs are most of the cost of asking.
            let keep_old = want_old(&path) || (old_path != path && want_old(&old_path));
            let (old, added_lines) = self.old_side(&delta, &new, keep_old)?;
            out.push(FileChange {
                old_path: (old_path != new_path && status != ChangeStatus::Deleted)
                    .then_some(old_path),
                path,
                status,
                old,
                new,
                added_lines,
                mode_changed: delta.old_mode != delta.new_mode
                    && status != ChangeStatus::Added
                    && status != ChangeStatus::Deleted,
            });
        }
        Ok(out)
    }

    /// The old side of a changed file (`Content::Absent` unless `keep_old`)
    /// and the lines the new side adds over it.
    fn old_side(
        &self,
        delta: &TreeDelta,
        new: &Content,
        keep_old: bool,
    ) -> Result<(Content, Vec<u32>)> {
        let Content::Text(text) = new else {
            let old = match keep_old && !delta.old_id.is_zero() {
                true => self.load(delta.old_id, delta.old_file_mode())?,
                false => Content::Absent,
            };
            return Ok((old, Vec::new()));
        };
        if delta.status == ChangeStatus::Added || delta.old_id.is_zero() {
            return Ok((Content::Absent, (1..=line_count(text)).collect()));
        }
        // Read only for the line diff: diffed on the blob's own bytes where
        // they are already the text, neither copied nor kept.
        if !keep_old {
            if let Some(lines) = self.added_over_blob(delta.old_id, delta.old_file_mode(), text)? {
                return Ok((Content::Absent, lines));
            }
        }
        let old = self.load(delta.old_id, delta.old_file_mode())?;
        let lines = match &old {
            Content::Text(before) => added_lines(before, text),
            // The old side was not text (binary, too large, a link): every
            // line of the new text is new.
            _ => (1..=line_count(text)).collect(),
        };
        Ok((if keep_old { old } else { Content::Absent }, lines))
    }

    /// The lines `new` adds over blob `oid`, when the blob's bytes are the
    /// very text `load` would decode (UTF-8 within the size limit, no byte
    /// order mark, no NUL); `None` sends the caller to `load`.
    fn added_over_blob(&self, oid: Oid, mode: FileMode, new: &str) -> Result<Option<Vec<u32>>> {
        if mode == FileMode::Link || mode == FileMode::Commit {
            return Ok(None);
        }
        let added = |bytes: &[u8]| match bytes.len() as u64 > self.max_file_size {
            true => None,
            false => decode::as_plain_text(bytes).map(|old| added_lines(old, new)),
        };
        if let Some(bytes) = self.packed_blob(oid) {
            return Ok(added(&bytes));
        }
        let object = self
            .repo
            .find_object(oid, None)
            .with_context(|| format!("object {oid} is missing or corrupt"))?;
        let Ok(blob) = object.into_blob() else {
            return Ok(None);
        };
        Ok(added(blob.content()))
    }

    /// A blob's content, judged: submodule, symlink, too large, binary or text.
    pub(super) fn load(&self, oid: Oid, mode: FileMode) -> Result<Content> {
        if mode == FileMode::Commit {
            return Ok(Content::Submodule);
        }
        if oid.is_zero() {
            return Ok(Content::Absent);
        }
        // The object is read whole before its size is judged: asking for the
        // header first walks a packed object's delta chain a second time.
        if let Some(bytes) = self.packed_blob(oid) {
            if mode != FileMode::Link && bytes.len() as u64 <= self.max_file_size {
                return Ok(decode::decode_shared(bytes));
            }
            return Ok(self.judge_blob(&bytes, mode));
        }
        let object = self
            .repo
            .find_object(oid, None)
            .with_context(|| format!("object {oid} is missing or corrupt"))?;
        let Ok(blob) = object.into_blob() else {
            return Ok(Content::Absent);
        };
        Ok(self.judge_blob(blob.content(), mode))
    }

    /// A blob read from a pack by confgate's own reader (`pack.rs`), when
    /// the packs hold `oid` as a blob; anything else is read by libgit2.
    fn packed_blob(&self, oid: Oid) -> Option<std::sync::Arc<Vec<u8>>> {
        let packs = self
            .packs
            .get_or_init(|| Packs::open(&self.repo.commondir().join("objects")));
        let object = packs.read(oid.as_bytes())?;
        (object.kind == pack::Kind::Blob).then_some(object.data)
    }

    /// A blob's bytes as content: too large, text, binary or a link.
    fn judge_blob(&self, bytes: &[u8], mode: FileMode) -> Content {
        let size = bytes.len();
        if size as u64 > self.max_file_size.saturating_mul(decode::CHUNKED_FACTOR) {
            return decode::judge_large(bytes, size as u64);
        }
        if size as u64 > self.max_file_size {
            return decode::decode_large(bytes);
        }
        if mode == FileMode::Link {
            let target = String::from_utf8_lossy(bytes).into_owned();
            return Content::Symlink(target);
        }
        decode::decode(bytes)
    }

    /// Commits in a range as `git log` takes it (`A..B`, `A...B`, `B`),
    /// oldest first.
    pub fn range(&self, spec: &str) -> Result<Vec<CommitId>> {
        self.range_hiding(spec, &[])
    }

    /// A range split at the adoption point: the commits to check (oldest
    /// first), and how many of the range are `adopted` or its ancestors.
    pub fn range_after(
        &self,
        spec: &str,
        adopted: Option<CommitId>,
    ) -> Result<(Vec<CommitId>, usize)> {
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

    fn range_hiding(&self, spec: &str, hide: &[CommitId]) -> Result<Vec<CommitId>> {
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
        for id in hide {
            walk.hide(id.0)?;
        }
        walk.map(|oid| oid.map(CommitId))
            .collect::<std::result::Result<Vec<_>, _>>()
            .with_context(|| format!("cannot walk {spec:?} (shallow clone? fetch more history)"))
    }

    /// How many commits `tips` reach that `hide` do not.
    pub(super) fn walk_count(&self, tips: &[Oid], hide: &[Oid]) -> Result<usize> {
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
    pub(super) fn local_commit(&self, oid: Oid) -> Option<Oid> {
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
    pub(super) fn local_commits(&self, heads: &[Oid]) -> Vec<Oid> {
        let mut seen = BTreeSet::new();
        heads
            .iter()
            .filter_map(|oid| self.local_commit(*oid))
            .filter(|oid| seen.insert(*oid))
            .collect()
    }

    pub fn commit_info(&self, id: CommitId) -> Result<CommitInfo> {
        let commit = self
            .repo
            .find_commit(id.0)
            .with_context(|| format!("cannot read commit {id}"))?;
        Ok(commit_info(&commit))
    }
}

/// Whether a change both adds and deletes files (it may rename some).
pub(super) fn adds_and_deletes(deltas: &[TreeDelta]) -> bool {
    deltas.iter().any(|d| d.status == ChangeStatus::Added)
        && deltas.iter().any(|d| d.status == ChangeStatus::Deleted)
}

/// libgit2's memory, bounded for a walk over a whole history: its object
/// cache would otherwise grow to 256 MiB, and its pack mappings to the size
/// of the pack.
///
/// Blobs in packs are read by `pack.rs`, with its own cache; libgit2 still
/// reads commits, trees and loose or unusual objects, and caches small blobs
/// it reads (a staged file's HEAD side).
pub(super) fn tune_libgit2() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: libgit2's global options are not synchronised; `Once`
        // makes this the only call, made before any repository is opened.
        unsafe {
            let _ = git2::opts::set_cache_object_limit(ObjectType::Blob, 256 * 1024);
            let _ = set_cache_max_size(OBJECT_CACHE_BYTES);
            let _ = git2::opts::set_mwindow_size(PACK_WINDOW_BYTES);
            let _ = git2::opts::set_mwindow_mapped_limit(PACK_MAPPED_BYTES);
        }
        two_malloc_arenas();
    });
}

/// What libgit2's object caches hold at most, all repository handles
/// together (its default is 256 MiB). While libgit2 read the blobs too, on
/// fastapi's 7,691 commits 32 MiB took the peak from 271 to 196 MiB, and
/// 12 MiB with two malloc arenas to 117-119 MiB. With blobs read by
/// `pack.rs`, it holds mostly trees: 6 MiB cost no CPU against 12 and took
/// 12 MiB off the peak.
const OBJECT_CACHE_BYTES: usize = 6 * 1024 * 1024;

/// How much of a pack file libgit2 maps at once, and at most in all (its
/// defaults on 64-bit: 1 GiB and 8 GiB). A walk over a whole history
/// touches most of the pack, and every touched page of a mapping counts in
/// the resident set: fastapi's 150 MB pack was a third of the peak. Windows
/// of 16 MiB (32 MiB mapped) took 50-80 MiB off the peak but were mapped
/// again 6,000 times in 2,000 commits (1.5 s of system time against git's
/// 0.3 s); windows of 1 MiB keep what the walk reuses mapped. With blobs
/// read by `pack.rs`, 8 MiB mapped in all took 4 MiB off fastapi's peak at
/// the same system time.
const PACK_WINDOW_BYTES: usize = 1024 * 1024;
const PACK_MAPPED_BYTES: usize = 8 * 1024 * 1024;

/// glibc gives each thread its own malloc arena (up to eight per core), and
/// memory freed in one (blobs of every size, read and dropped) stays
/// resident there: fastapi's walk held 100 MiB for a live heap under 50 MB.
/// Two arenas (the main thread's, idle during the walk, and one more: each
/// worker still finds one free) took the peak from 122-144 to 117-125 MiB
/// at the same CPU and wall time; one arena went lower (106-117 MiB) but
/// its lock made flask's walk a quarter slower. Set before the walk's
/// threads allocate.
fn two_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        extern "C" {
            fn mallopt(param: std::ffi::c_int, value: std::ffi::c_int) -> std::ffi::c_int;
        }
        /// glibc's `M_ARENA_MAX`.
        const M_ARENA_MAX: std::ffi::c_int = -8;
        // SAFETY: `mallopt` takes the arena bound at any time; it applies to
        // arenas created afterwards.
        unsafe {
            mallopt(M_ARENA_MAX, 2);
        }
    }
}

/// `GIT_OPT_SET_CACHE_MAX_SIZE`, which git2 does not wrap: the most the
/// object caches of all repositories together hold.
///
/// # Safety
/// As every libgit2 global option: set before any repository is opened.
unsafe fn set_cache_max_size(bytes: usize) -> i32 {
    extern "C" {
        fn git_libgit2_opts(option: std::ffi::c_int, ...) -> std::ffi::c_int;
    }
    /// The option's place in libgit2's `git_libgit2_opt_t`.
    const GIT_OPT_SET_CACHE_MAX_SIZE: std::ffi::c_int = 7;
    git2::opts::enable_caching(true);
    git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, bytes as isize)
}

/// Each parent's deltas, left with those whose path (as `merge_introduced`
/// keys a file) is changed against every parent.
fn against_every_parent(mut per_parent: Vec<Vec<TreeDelta>>) -> Vec<Vec<TreeDelta>> {
    let mut common: Option<BTreeSet<String>> = None;
    for deltas in &per_parent {
        let paths: BTreeSet<String> = deltas.iter().map(merge_key).collect();
        common = Some(match common {
            Some(common) => common.intersection(&paths).cloned().collect(),
            None => paths,
        });
    }
    let common = common.unwrap_or_default();
    for deltas in &mut per_parent {
        retain_paths(deltas, &common);
    }
    per_parent
}

/// Keeps the deltas whose path (as `merge_introduced` keys a file) is in
/// `paths`.
fn retain_paths(deltas: &mut Vec<TreeDelta>, paths: &BTreeSet<String>) {
    deltas.retain(|delta| paths.contains(&merge_key(delta)));
}

/// The path `merge_introduced` keys a delta's file by: the old path of a
/// deletion, the new path otherwise (`FileChange::path`).
fn merge_key(delta: &TreeDelta) -> String {
    path_string(Some(if delta.status == ChangeStatus::Deleted {
        &delta.old_path
    } else {
        &delta.new_path
    }))
}

/// What a merge introduces, from its diffs against each parent: a file counts
/// when it differs from every parent, and a line when every diff adds it (the
/// idea of git's combined diff).
pub(super) fn merge_introduced(per_parent: Vec<Vec<FileChange>>) -> Vec<FileChange> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_object_cache_and_pack_mappings_are_bounded() {
        extern "C" {
            fn git_libgit2_opts(option: std::ffi::c_int, ...) -> std::ffi::c_int;
        }
        /// `GIT_OPT_GET_CACHED_MEMORY`: what the caches hold, and may hold.
        const GIT_OPT_GET_CACHED_MEMORY: std::ffi::c_int = 9;
        tune_libgit2();
        let (mut current, mut allowed): (isize, isize) = (-1, -1);
        // SAFETY: two out-pointers to `ssize_t`, as the option takes.
        let rc = unsafe {
            git_libgit2_opts(
                GIT_OPT_GET_CACHED_MEMORY,
                &mut current as *mut isize,
                &mut allowed as *mut isize,
            )
        };
        assert_eq!(rc, 0);
        assert_eq!(allowed, OBJECT_CACHE_BYTES as isize);
        assert!(current >= 0);
        // SAFETY: reads of libgit2's global options, set once above.
        let (window, mapped) = unsafe {
            (
                git2::opts::get_mwindow_size().unwrap(),
                git2::opts::get_mwindow_mapped_limit().unwrap(),
            )
        };
        assert_eq!((window, mapped), (PACK_WINDOW_BYTES, PACK_MAPPED_BYTES));
    }
}
