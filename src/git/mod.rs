//! The git layer: the only module that uses git2. It turns the index, commits
//! and ranges into plain `ChangeSet`s and answers the few questions the
//! commands ask of a repository.

mod history;
mod id;
mod index_file;
mod lines;
mod pack;
mod push;
mod receive;
mod staged;
mod treediff;

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use git2::{FileMode, ObjectType, Oid, Repository, Tree};

pub use crate::config::settings::POLICY_FILES;
use crate::model::Content;
pub use history::CommitHead;

use history::tune_libgit2;
pub use id::{BlobId, CommitId, TagId};
use index_file::IndexFile;
pub use lines::added_lines;
pub(crate) use push::hook_input_lines;
pub use push::{parse_push_lines, without_userinfo, PushLine, PushedCommits};
pub use receive::{parse_receive_lines, update_args, Received, RefUpdate};

/// The blob ids of a tree's `.confgate.toml` and `pyproject.toml`.
type SettingsIds = (Option<BlobId>, Option<BlobId>);

/// A tree entry's mode for a directory.
const TREE_MODE: i32 = 0o040000;

pub struct Repo {
    repo: Repository,
    max_file_size: u64,
    /// The index as read by `index_file`, when it could read it.
    fast_index: OnceCell<Option<IndexFile>>,
    /// `secrets.gitleaks_config` by the settings files' blob ids.
    gitleaks_paths: RefCell<HashMap<SettingsIds, Option<String>>>,
    /// The pack files, read by `pack.rs` once the first blob is asked for.
    packs: OnceCell<pack::Packs>,
}

/// Which side of a change a caller wants file contents from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Index,
    Head,
    /// A commit's tree.
    Commit(CommitId),
}

/// A policy file larger than this is refused: it is read whole into memory.
pub const POLICY_MAX_SIZE: u64 = 8 * 1024 * 1024;

/// The blob ids of the policy files in one tree (`None`: no such file), in
/// the order of `POLICY_FILES`. Two trees with the same ids have the same
/// policy, so it keys the parsed policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct PolicyIds(pub [Option<BlobId>; 5]);

/// The policy files' texts in one tree, in the order of `POLICY_FILES`.
#[derive(Debug, Clone, Default)]
pub struct PolicyTexts(pub [Option<String>; 5]);

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
        tune_libgit2();
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
            gitleaks_paths: RefCell::new(HashMap::new()),
            packs: OnceCell::new(),
        })
    }

    pub fn is_bare(&self) -> bool {
        self.repo.is_bare()
    }

    pub fn set_max_file_size(&mut self, bytes: u64) {
        self.max_file_size = bytes;
    }

    /// The working tree's root.
    /// The working tree of the repository holding `path` (found upwards
    /// from it, as git does from the current directory), if any.
    pub fn work_tree_of(path: &Path) -> Option<PathBuf> {
        let repo = Repository::discover(path).ok()?;
        repo.workdir().map(Path::to_path_buf)
    }

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

    /// A file's text in the index, HEAD or a commit, when it is there and is text.
    pub fn read_file(&self, side: Side, path: &str) -> Result<Option<String>> {
        let Some((oid, _)) = self.entry(side, path)? else {
            return Ok(None);
        };
        match self.load(oid, FileMode::Blob)? {
            Content::Text(text) => Ok(Some(text.as_str().to_string())),
            _ => Ok(None),
        }
    }

    /// A path's blob id and file mode in the index, HEAD or a commit.
    fn entry(&self, side: Side, path: &str) -> Result<Option<(Oid, i32)>> {
        let in_tree = |tree: &Tree<'_>| tree_entry(tree, path);
        Ok(match side {
            Side::Index => match self.fast_index() {
                Some(index) => match index.get(path.as_bytes()) {
                    Some(entry) => {
                        Some((Oid::from_bytes(index.oid(entry))?, index.mode(entry) as i32))
                    }
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
            Side::Commit(CommitId(oid)) => in_tree(&self.commit_tree(oid)?),
        })
    }

    /// The tree of commit `oid`.
    fn commit_tree(&self, oid: Oid) -> Result<Tree<'_>> {
        self.repo
            .find_commit(oid)
            .and_then(|c| c.tree())
            .with_context(|| format!("cannot read the tree of {oid}"))
    }

    /// The blob ids of the policy files in the index, HEAD or a commit. A
    /// policy file that is not a regular file (a symlink, a directory, a
    /// submodule) is refused: its target is not what was reviewed.
    pub fn policy_ids(&self, side: Side) -> Result<PolicyIds> {
        match side {
            // A commit's tree is found once, not once per policy file.
            Side::Commit(CommitId(oid)) => {
                let tree = self.commit_tree(oid)?;
                self.policy_ids_by(side, |path| Ok(tree_entry(&tree, path)))
            }
            _ => self.policy_ids_by(side, |path| self.entry(side, path)),
        }
    }

    /// The policy ids of `side`, each file's entry found by `entry`.
    fn policy_ids_by(
        &self,
        side: Side,
        entry: impl Fn(&str) -> Result<Option<(Oid, i32)>>,
    ) -> Result<PolicyIds> {
        let mut ids = PolicyIds::default();
        for (index, name) in POLICY_FILES.iter().enumerate() {
            let configured = match index {
                3 => self.gitleaks_config_path(&ids)?,
                _ => None,
            };
            let path = configured.as_deref().unwrap_or(name);
            let Some((oid, mode)) = entry(path)? else {
                if configured.is_some() {
                    bail!(
                        "secrets.gitleaks_config names {path}, which is not in {}: commit the file or fix the key",
                        side_name(side)
                    );
                }
                continue;
            };
            if mode != i32::from(FileMode::Blob) && mode != i32::from(FileMode::BlobExecutable) {
                bail!(
                    "{path} in {} is not a regular file (a symlink or directory): a policy file must be a plain file",
                    side_name(side)
                );
            }
            ids.0[index] = Some(BlobId(oid));
        }
        Ok(ids)
    }

    /// `secrets.gitleaks_config` in the settings files of `ids` (slots 0
    /// and 1), when set.
    fn gitleaks_config_path(&self, ids: &PolicyIds) -> Result<Option<String>> {
        let key = (ids.0[0], ids.0[1]);
        if key == (None, None) {
            return Ok(None);
        }
        if let Some(known) = self.gitleaks_paths.borrow().get(&key) {
            return Ok(known.clone());
        }
        let texts = self.policy_texts(&PolicyIds([key.0, key.1, None, None, None]))?;
        let path =
            crate::config::gitleaks::configured_path(texts.0[0].as_deref(), texts.0[1].as_deref());
        self.gitleaks_paths.borrow_mut().insert(key, path.clone());
        Ok(path)
    }

    /// The policy files' texts for `ids`, each read with a size bound.
    pub fn policy_texts(&self, ids: &PolicyIds) -> Result<PolicyTexts> {
        let mut texts = PolicyTexts::default();
        for ((slot, id), path) in texts.0.iter_mut().zip(ids.0).zip(POLICY_FILES) {
            if let Some(BlobId(oid)) = id {
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
        let configured = crate::config::gitleaks::configured_path(
            self.read_worktree_policy(POLICY_FILES[0])?.as_deref(),
            self.read_worktree_policy(POLICY_FILES[1])?.as_deref(),
        );
        for (index, slot) in ids.0.iter_mut().enumerate() {
            let name = match (index, &configured) {
                (3, Some(path)) => path.as_str(),
                _ => POLICY_FILES[index],
            };
            let path = self.root().join(name);
            let Ok(meta) = std::fs::symlink_metadata(&path) else {
                continue;
            };
            *slot = Some(BlobId(if !meta.is_file() || meta.len() > POLICY_MAX_SIZE {
                Oid::zero()
            } else {
                Oid::hash_file(ObjectType::Blob, &path).unwrap_or_else(|_| Oid::zero())
            }));
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
    pub fn parents(&self, id: CommitId) -> Result<Vec<CommitId>> {
        let commit = self
            .repo
            .find_commit(id.0)
            .with_context(|| format!("cannot read commit {id}"))?;
        Ok(commit.parent_ids().map(CommitId).collect())
    }

    /// A file's text in a commit's tree.
    pub fn read_file_at(&self, id: CommitId, path: &str) -> Result<Option<String>> {
        self.read_file(Side::Commit(id), path)
    }

    pub fn resolve(&self, rev: &str) -> Result<CommitId> {
        self.repo
            .revparse_single(rev)
            .and_then(|o| o.peel_to_commit())
            .map(|c| CommitId(c.id()))
            .map_err(|err| anyhow!("cannot resolve {rev:?}: {}", err.message()))
    }

    pub fn head(&self) -> Option<CommitId> {
        self.repo.head().ok().and_then(|h| h.target()).map(CommitId)
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
    pub fn create_tag(&self, name: &str, message: &str) -> Result<TagId> {
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
            .map(TagId)
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
}

fn side_name(side: Side) -> String {
    match side {
        Side::Index => "the index".to_string(),
        Side::Head => "HEAD".to_string(),
        Side::Commit(oid) => format!("commit {oid}"),
    }
}

/// A path's blob id and file mode in a tree, when it is there.
fn tree_entry(tree: &Tree<'_>, path: &str) -> Option<(Oid, i32)> {
    if !path.contains(['/', '\0']) {
        // A name at the root: found without `get_path`, which builds an
        // error (message and all) for every name that is missing, as most
        // policy files are from most commits. (`get_name` panics on a NUL,
        // which a configured path could hold: such a path is missing.)
        return tree
            .get_name(path)
            .map(|entry| (entry.id(), entry.filemode()));
    }
    tree.get_path(Path::new(path))
        .ok()
        .map(|entry| (entry.id(), entry.filemode()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_entries_are_found_at_the_root_and_below_and_a_nul_finds_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let repo = Repository::init(dir.path()).expect("init");
        let blob = |text: &str| repo.blob(text.as_bytes()).expect("blob");
        let (root_file, nested_file) = (blob("a = 1\n"), blob("b = 2\n"));
        let mut sub = repo.treebuilder(None).expect("builder");
        sub.insert("gitleaks.toml", nested_file, 0o100644)
            .expect("insert");
        let sub = sub.write().expect("subtree");
        let mut top = repo.treebuilder(None).expect("builder");
        top.insert(".confgate.toml", root_file, 0o100755)
            .expect("insert");
        top.insert("ci", sub, 0o040000).expect("insert");
        let tree = repo.find_tree(top.write().expect("tree")).expect("tree");

        assert_eq!(
            tree_entry(&tree, ".confgate.toml"),
            Some((root_file, 0o100755))
        );
        assert_eq!(
            tree_entry(&tree, "ci/gitleaks.toml"),
            Some((nested_file, 0o100644))
        );
        assert_eq!(tree_entry(&tree, "ci").map(|e| e.1), Some(0o040000));
        for missing in [
            "pyproject.toml",
            "ci/other.toml",
            "",
            "gitleaks.toml",
            ".confgate.toml\0x",
            "ci\0",
        ] {
            assert_eq!(tree_entry(&tree, missing), None, "{missing:?}");
        }
    }
}
