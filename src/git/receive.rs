//! What a push brings to a server repository: git's pre-receive / update
//! input, the commits new to the repository, and the default branch's files.

use anyhow::{anyhow, bail, Context, Result};
use git2::{Oid, Sort};

use super::push::parse_oid;
use super::{CommitId, Repo, Side};

/// One ref a push updates: `<old> <new> <ref>`; a zero id is "none" (a new
/// ref when old, a deletion when new).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefUpdate {
    pub old: Oid,
    pub new: Oid,
    pub name: String,
}

/// Parse git's pre-receive input: `<old id> <new id> <ref name>` per line.
/// Blank lines are skipped; anything else is an error naming the line.
pub fn parse_receive_lines(stdin: &str) -> Result<Vec<RefUpdate>> {
    super::hook_input_lines::<3>(stdin, "pre-receive", "<old id> <new id> <ref name>")?
        .into_iter()
        .map(|(number, [old, new, name])| {
            Ok(RefUpdate {
                old: parse_oid(old, "pre-receive", number)?,
                new: parse_oid(new, "pre-receive", number)?,
                name: name.to_string(),
            })
        })
        .collect()
}

/// The update hook's arguments `REF OLD NEW` as one ref update.
pub fn update_args(name: &str, old: &str, new: &str) -> Result<RefUpdate> {
    if name.trim().is_empty() {
        bail!("hook update: REF is empty");
    }
    Ok(RefUpdate {
        old: parse_oid(old, "update hook OLD argument,", 1)?,
        new: parse_oid(new, "update hook NEW argument,", 1)?,
        name: name.to_string(),
    })
}

/// The commits a push adds to the repository.
#[derive(Debug, Default)]
pub struct Received {
    /// Oldest first, as `git rev-list --reverse <new>... --not --all`.
    pub commits: Vec<CommitId>,
    /// Refs whose new value is not a commit (a tag of a tree or blob): no
    /// commit of theirs to check.
    pub not_commits: Vec<String>,
}

impl Repo {
    /// Every commit reachable from the updates' new values and from no
    /// existing ref: `git rev-list <new>... --not --all`. In pre-receive no
    /// ref has moved yet, so the existing refs are what the repository had
    /// before the push; the new objects are read through git's quarantine
    /// directory, which `open_from_env` adds as the object directory.
    pub fn received_commits(&self, updates: &[RefUpdate]) -> Result<Received> {
        let mut received = Received::default();
        let mut walk = self.repo.revwalk()?;
        walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
        let mut any = false;
        for update in updates {
            if update.new.is_zero() {
                continue; // a deletion adds nothing
            }
            let object = self.repo.find_object(update.new, None).map_err(|err| {
                anyhow!(
                    "{}: pushed object {} cannot be read: {}",
                    update.name,
                    update.new,
                    err.message()
                )
            })?;
            match object.peel_to_commit() {
                Ok(commit) => {
                    walk.push(commit.id())?;
                    any = true;
                }
                Err(_) => received.not_commits.push(update.name.clone()),
            }
        }
        if !any {
            return Ok(received);
        }
        let refs = self
            .repo
            .references()
            .context("cannot list the repository's refs")?;
        for reference in refs {
            let reference = reference.context("cannot read a ref")?;
            if let Ok(commit) = reference.peel_to_commit() {
                walk.hide(commit.id())?;
            }
        }
        // A detached HEAD is part of `--all` too.
        if let Some(head) = self.head() {
            if let Ok(commit) = self.repo.find_commit(head.0) {
                walk.hide(commit.id())?;
            }
        }
        received.commits = walk
            .map(|oid| oid.map(CommitId))
            .collect::<std::result::Result<Vec<_>, _>>()
            .context("cannot walk the pushed commits")?;
        Ok(received)
    }

    /// A file's text on the default branch (`HEAD`) as it is before the
    /// push, or `None` when there is no such file or no default branch yet.
    pub fn default_branch_file(&self, path: &str) -> Result<Option<String>> {
        self.read_file(Side::Head, path)
            .with_context(|| format!("cannot read {path} from the default branch (HEAD)"))
    }

    /// The default branch's name, for messages (`main`), when HEAD names one.
    pub fn default_branch(&self) -> Option<String> {
        let head = self.repo.find_reference("HEAD").ok()?;
        let target = head.symbolic_target()?;
        Some(target.trim_start_matches("refs/heads/").to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receive_lines_parse_and_reject() {
        let zero = "0".repeat(40);
        let id = "b".repeat(40);
        let input = format!("{zero} {id} refs/heads/new\n\n{id} {zero} refs/heads/gone\n");
        let lines = parse_receive_lines(&input).unwrap();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].old.is_zero() && !lines[0].new.is_zero());
        assert_eq!(lines[1].name, "refs/heads/gone");
        assert!(lines[1].new.is_zero());
        let err = parse_receive_lines(&format!("{id} {id}\n")).unwrap_err();
        assert!(
            err.to_string().contains("pre-receive input line 1"),
            "{err}"
        );
        let err = parse_receive_lines(&format!("{id} nothex refs/heads/x\n")).unwrap_err();
        assert!(err.to_string().contains("not an object id"), "{err}");
        assert!(update_args("refs/heads/x", &zero, &id).is_ok());
        let err = update_args("refs/heads/x", "zz", &id).unwrap_err();
        assert!(err.to_string().contains("OLD"), "{err}");
    }
}
