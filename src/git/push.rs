//! What a push adds: git's pre-push input, the remotes asked what they
//! already have, and the commits left to check.

use anyhow::{anyhow, bail, Context, Result};
use git2::{Oid, Sort};

use super::{CommitId, Repo};

impl Repo {
    /// Commits a push would add to `remote`, from git's pre-push stdin,
    /// sorted into those to check and those already judged: on another
    /// remote, or before the adoption point. What the remotes have is asked
    /// of them (`git ls-remote`), never read from local remote-tracking refs,
    /// which remember branches the server may have deleted.
    pub fn pushed_commits(
        &self,
        remote: &str,
        stdin: &str,
        adopted: Option<CommitId>,
    ) -> Result<PushedCommits> {
        let (tips, mut destination) = self.pushed_tips(stdin)?;
        let mut pushed = PushedCommits {
            destination: remote.to_string(),
            ..PushedCommits::default()
        };
        if tips.is_empty() || self.walk_count(&tips, &destination)? == 0 {
            return Ok(pushed);
        }
        let mut asked = ask_remotes(
            std::iter::once(remote.to_string())
                .chain(self.other_remotes(remote)?)
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
        hide.extend(adopted.map(|id| id.0));
        pushed.check = self
            .walk_new(&tips, &hide)?
            .into_iter()
            .map(CommitId)
            .collect();
        pushed.on_other_remotes = new_to_destination.saturating_sub(not_elsewhere);
        pushed.before_adoption = not_elsewhere.saturating_sub(pushed.check.len());
        Ok(pushed)
    }

    /// The commits pushed (deletions left out) and what the destination had
    /// on the pushed refs, as git's pre-push input says.
    fn pushed_tips(&self, stdin: &str) -> Result<(Vec<Oid>, Vec<Oid>)> {
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
        Ok((tips, destination))
    }

    /// The repository's remotes other than `remote`.
    fn other_remotes(&self, remote: &str) -> Result<Vec<String>> {
        Ok(self
            .repo
            .remotes()
            .context("cannot list the remotes")?
            .iter()
            .flatten()
            .filter(|name| *name != remote)
            .map(str::to_string)
            .collect())
    }

    /// The commits reachable from `tips` but not from `hide`, oldest first.
    fn walk_new(&self, tips: &[Oid], hide: &[Oid]) -> Result<Vec<Oid>> {
        let mut walk = self.repo.revwalk()?;
        walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
        for tip in tips {
            walk.push(*tip)?;
        }
        for oid in hide {
            walk.hide(*oid)?;
        }
        walk.collect::<std::result::Result<Vec<_>, _>>()
            .context("cannot walk the pushed commits (shallow clone? fetch more history)")
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
    pub check: Vec<CommitId>,
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

/// A running `git ls-remote` with the threads draining its stdout and
/// stderr.
type Running = (
    std::process::Child,
    std::thread::JoinHandle<Vec<u8>>,
    std::thread::JoinHandle<Vec<u8>>,
);

/// A running `git ls-remote`, or why it could not be started.
type Asking = std::result::Result<Running, String>;

/// `git ls-remote` of each remote, all at once: the ids each advertises,
/// or why it could not be asked.
fn ask_remotes(remotes: Vec<String>) -> Vec<(String, std::result::Result<Vec<Oid>, String>)> {
    let deadline = std::time::Instant::now() + LS_REMOTE_TIMEOUT;
    let running: Vec<(String, Asking)> = remotes
        .into_iter()
        .map(|remote| {
            let asking = start_ls_remote(&remote);
            (remote, asking)
        })
        .collect();
    running
        .into_iter()
        .map(|(remote, asking)| (remote, asking.and_then(|a| ls_remote_ids(a, deadline))))
        .collect()
}

/// Start `git ls-remote REMOTE`, its pipes drained on threads so a long ref
/// list cannot stall the child while it is waited for.
fn start_ls_remote(remote: &str) -> Asking {
    use std::io::Read;
    use std::process::{Command, Stdio};
    if remote.starts_with('-') {
        return Err(format!("{remote:?} is not a remote name or URL"));
    }
    let mut child = Command::new("git")
        .args(["ls-remote", remote])
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| format!("cannot run git ls-remote: {err}"))?;
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
    Ok((child, out, err))
}

/// The ids a started `git ls-remote` lists, waiting for it until
/// `deadline`; or why it gave none (its first stderr line, credentials in
/// URLs hidden).
fn ls_remote_ids(
    (mut child, out, err): Running,
    deadline: std::time::Instant,
) -> std::result::Result<Vec<Oid>, String> {
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "no answer within {} s",
                    LS_REMOTE_TIMEOUT.as_secs()
                ));
            }
            Err(e) => return Err(format!("cannot wait for git ls-remote: {e}")),
        }
    };
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
pub(super) fn parse_oid(text: &str, hook: &str, line: usize) -> Result<Oid> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
