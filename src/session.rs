//! Orchestration every command shares: a repository with the policy that
//! judges it, the staged change and commits checked through the engine (on
//! all cores, each commit by its parent's policy and CODEOWNERS).

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, OnceLock};

use anyhow::{Context, Result};
use rayon::prelude::*;

use crate::config::committed::{self, Policy, PolicyLoader};
use crate::config::plan::{OldTextPaths, Plan};
use crate::config::settings::Layer;
use crate::detect::baseline::Baseline;
use crate::engine::{self, Mode, PolicyChange, Reverted};
use crate::git::{CommitHead, CommitId, PolicyIds, Repo, Side};
use crate::model::CommitInfo;
use crate::outcome::Outcome;
use crate::records::codeowners::{self, CodeOwners};

/// What a long run tells the person waiting, outside the report: lines for
/// stderr and a tick per commit checked (a progress bar). The library never
/// prints; the command line decides where these go.
pub trait Observer: Sync {
    /// A line for people (what is checked, what is left out and why).
    fn say(&self, line: &str);
    /// One more commit checked.
    fn commit_checked(&self) {}
}

/// An observer that keeps quiet (tests, callers with nobody waiting).
pub struct Silent;

impl Observer for Silent {
    fn say(&self, _line: &str) {}
}

/// What checking commits found: the merged outcome, the commits in the
/// order checked, and how many files their changes touched.
#[derive(Debug, Default)]
pub struct CommitsChecked {
    pub outcome: Outcome,
    pub commits: Vec<CommitInfo>,
    pub files: usize,
}

/// Commits checked one after another on one repository handle.
const COMMITS_PER_RUN: usize = 16;

/// A repository with its plan and the files the checks consult.
pub struct Session {
    pub repo: Repo,
    /// The policy committed at HEAD (the built-in defaults before the first
    /// commit): it judges the staged change.
    pub policy: Arc<Policy>,
    pub plan: Arc<Plan>,
    pub baseline: Option<Arc<Baseline>>,
    loader: RefCell<PolicyLoader>,
    /// Every commit is judged by `policy` (the server hooks: the default
    /// branch's), not by its parent's.
    fixed: bool,
}

/// A commit to check, with the policy of its (first) parent that judges it,
/// and the policy it leaves when it changes the policy files.
struct Judged {
    oid: CommitId,
    /// The commit as the judging thread read it, taken by the worker that
    /// checks it (once).
    head: Mutex<Option<CommitHead>>,
    /// The policy the commit is checked by.
    judge: Arc<Policy>,
    /// Its parent's policy, which a change to the policy is compared with.
    before: Arc<Policy>,
    after: Option<std::result::Result<Arc<Policy>, String>>,
}

impl Session {
    /// The repository of the current directory, judged by the policy
    /// committed at HEAD with `extra` (the `--config` layer) over it.
    pub fn open(extra: Option<Layer>) -> Result<Session> {
        let mut repo = Repo::open()?;
        let mut loader = PolicyLoader::new(extra)?;
        let side = repo.head().map(|_| Side::Head);
        let policy = loader.at(&repo, side)?;
        repo.set_max_file_size(policy.plan.max_file_size);
        Ok(Session {
            repo,
            plan: policy.plan.clone(),
            baseline: policy.baseline.clone(),
            policy,
            loader: RefCell::new(loader),
            fixed: false,
        })
    }

    /// A session whose plan and baseline judge every commit, whatever the
    /// commits' own history says (the server hooks). `extra` is the
    /// `--config` layer, left out when a policy change is compared.
    pub fn fixed(
        repo: Repo,
        plan: Plan,
        baseline: Option<Baseline>,
        extra: Option<Layer>,
    ) -> Result<Session> {
        let plan = Arc::new(plan);
        let baseline = baseline.map(Arc::new);
        let policy = Arc::new(Policy {
            ids: PolicyIds::default(),
            plan: plan.clone(),
            committed_plan: plan.clone(),
            baseline: baseline.clone(),
        });
        Ok(Session {
            repo,
            plan,
            baseline,
            policy,
            loader: RefCell::new(PolicyLoader::new(extra)?),
            fixed: true,
        })
    }

    /// The adoption point (`record.adopted`) as a commit of this repository.
    /// A rev that does not resolve is an error naming the key and the file:
    /// guessing would either re-judge all history or skip what is new.
    pub fn adopted(&self) -> Result<Option<CommitId>> {
        let Some(point) = &self.plan.adopted else {
            return Ok(None);
        };
        self.repo.resolve(&point.rev).map(Some).map_err(|err| {
            anyhow::anyhow!(
                "{}: record.adopted = {:?} does not name a commit in this repository ({err:#}); \
                 fix the key (`confgate adopt REV`), or fetch the history it names (git fetch --unshallow)",
                point.source,
                point.rev
            )
        })
    }

    /// The commits of a range to check, minus those before the adoption
    /// point; says how many were left out and why.
    pub fn range_to_check(&self, observer: &dyn Observer, spec: &str) -> Result<Vec<CommitId>> {
        let adopted = self.adopted()?;
        let (oids, before) = self.repo.range_after(spec, adopted)?;
        if before > 0 {
            let short: String = adopted
                .map(|o| o.to_string())
                .unwrap_or_default()
                .chars()
                .take(7)
                .collect();
            observer.say(&format!(
                "confgate: checking {} commit{} of {spec}; {before} before the adoption point ({short}, record.adopted) not re-judged",
                oids.len(),
                if oids.len() == 1 { "" } else { "s" },
            ));
        }
        Ok(oids)
    }

    fn want_old(&self) -> impl Fn(&str) -> bool + '_ {
        |path: &str| self.plan.wants_old_text(path)
    }

    fn codeowners(&self, side: Option<CommitId>) -> Result<Option<CodeOwners>> {
        codeowners_at(&self.plan, &self.repo, side)
    }

    /// The policy a tree leaves, when it differs from `before`'s; a policy
    /// that cannot be read is the reason why, for a finding.
    fn after(
        &self,
        before: &Policy,
        side: Side,
        ids: Result<PolicyIds>,
    ) -> Option<std::result::Result<Arc<Policy>, String>> {
        let loaded = match ids {
            Ok(ids) if ids == before.ids => return None,
            Ok(ids) => self
                .loader
                .borrow_mut()
                .for_ids(&self.repo, ids, committed::origin(side)),
            Err(err) => Err(err),
        };
        Some(loaded.map_err(|err| format!("{err:#}")))
    }

    /// Check the staged change, with the message when there is one, by the
    /// policy committed at HEAD.
    pub fn check_staged(&self, message: Option<&str>) -> Result<(Outcome, usize)> {
        self.check_staged_as(message, Mode::Staged)
    }

    /// Check the staged change; without a message, in `unseen` mode.
    pub fn check_staged_as(
        &self,
        message: Option<&str>,
        unseen: Mode<'_>,
    ) -> Result<(Outcome, usize)> {
        let want_old = self.want_old();
        let change = self.repo.staged(&want_old)?;
        let codeowners = self.codeowners(None)?;
        let reverted = match message {
            Some(message) => {
                reverted_by(&self.plan, &self.repo, self.baseline.as_deref(), message)?
            }
            None => None,
        };
        let staged = self.repo.policy_ids(Side::Index);
        let staged_ids = staged.as_ref().ok().copied();
        let after = self.after(&self.policy, Side::Index, staged);
        let ctx = engine::Context {
            mode: match message {
                Some(message) => Mode::WithMessage(message),
                None => unseen,
            },
            baseline: self.baseline.as_deref(),
            codeowners: codeowners.as_ref(),
            reverted: reverted.as_ref(),
            policy_change: policy_change(&self.policy, after.as_ref()),
        };
        let mut outcome = engine::check(&self.plan, &change, &ctx)?;
        outcome.notices.extend(committed::worktree_notice(
            &self.repo,
            &self.policy.ids,
            staged_ids.as_ref(),
        )?);
        Ok((outcome, change.files.len()))
    }

    /// A commit's judging policy (its parent's). Commits are judged in
    /// order so that a range that never changes the policy parses it once;
    /// `memo` keeps each commit's policy ids, asked for as a commit and
    /// again as its children's parent.
    fn judge_one(&self, memo: &mut HashMap<CommitId, PolicyIds>, oid: &CommitId) -> Result<Judged> {
        let head = self.repo.commit_head(*oid)?;
        let parents = head.parents.clone();
        let head = Mutex::new(Some(head));
        let parent = self
            .policy_of(memo, parents.first().copied())
            .with_context(|| {
                format!(
                    "reading the policy that judges commit {} (its parent's)",
                    &oid.to_string()[..10]
                )
            });
        let before = match parent {
            Ok(policy) => policy,
            // The fixed policy judges; without the parent's there is
            // nothing to compare a change with.
            Err(_) if self.fixed => {
                return Ok(Judged {
                    oid: *oid,
                    head,
                    judge: self.policy.clone(),
                    before: self.policy.clone(),
                    after: None,
                });
            }
            Err(err) => return Err(err),
        };
        let side = Side::Commit(*oid);
        let mut after = self.after(&before, side, self.ids_of(memo, *oid));
        if let (Some(Ok(policy)), [_, others @ ..]) = (&after, parents.as_slice()) {
            // A merge whose settings and baseline each are some parent's
            // changes nothing itself: the commits that changed them are
            // judged on their own.
            let mut same_settings = Arc::ptr_eq(&policy.committed_plan, &before.committed_plan);
            let mut same_baseline = policy.ids.0[2] == before.ids.0[2];
            for other in others {
                let Ok(theirs) = self.policy_of(memo, Some(*other)) else {
                    continue;
                };
                same_settings |= Arc::ptr_eq(&policy.committed_plan, &theirs.committed_plan);
                same_baseline |= policy.ids.0[2] == theirs.ids.0[2];
            }
            if same_settings && same_baseline {
                after = None;
            }
        }
        Ok(Judged {
            oid: *oid,
            head,
            judge: if self.fixed {
                self.policy.clone()
            } else {
                before.clone()
            },
            before,
            after,
        })
    }

    /// A commit's policy ids, read from its tree the first time.
    fn ids_of(&self, memo: &mut HashMap<CommitId, PolicyIds>, oid: CommitId) -> Result<PolicyIds> {
        if let Some(ids) = memo.get(&oid) {
            return Ok(*ids);
        }
        let ids = self.repo.policy_ids(Side::Commit(oid))?;
        memo.insert(oid, ids);
        Ok(ids)
    }

    /// The policy committed at `oid` (none before the root commit), as
    /// `PolicyLoader::at` reads it, with the ids from `memo`.
    fn policy_of(
        &self,
        memo: &mut HashMap<CommitId, PolicyIds>,
        oid: Option<CommitId>,
    ) -> Result<Arc<Policy>> {
        let (ids, origin) = match oid {
            Some(oid) => (
                self.ids_of(memo, oid)?,
                committed::origin(Side::Commit(oid)),
            ),
            None => (PolicyIds::default(), String::new()),
        };
        self.loader.borrow_mut().for_ids(&self.repo, ids, origin)
    }

    /// Check each commit on its own, with its own message and its parent's
    /// policy, on all cores.
    pub fn check_commits(
        &self,
        oids: &[CommitId],
        observer: &dyn Observer,
    ) -> Result<CommitsChecked> {
        // This thread judges the commits in order while the pool checks
        // those already judged: a worker that gets ahead sleeps until its
        // commit is judged. (Judging runs on this thread inside a rayon
        // scope was tried: idle workers spun between runs, 11 % more
        // instructions.)
        let judged = HandOff::new(oids.len());
        let bare = self.repo.is_bare();
        let (judging, per_run) = std::thread::scope(|scope| {
            let checking = scope.spawn(|| check_judged(&judged, bare, observer));
            let judging = self.judge_all(oids, &judged);
            match checking.join() {
                Ok(per_run) => (judging, per_run),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        });
        judging?;
        let mut checked = CommitsChecked {
            commits: Vec::with_capacity(oids.len()),
            ..CommitsChecked::default()
        };
        for run in per_run {
            for (outcome, info, files) in run? {
                checked.outcome.merge(outcome);
                checked.commits.push(info);
                checked.files += files;
            }
        }
        Ok(checked)
    }

    /// Judge every commit in order into `judged`, telling the waiting
    /// workers after each run; at the first error the rest stay unjudged.
    fn judge_all(&self, oids: &[CommitId], judged: &HandOff<Judged>) -> Result<()> {
        let mut memo = HashMap::new();
        let publishing = Publishing(judged);
        for (at, oid) in oids.iter().enumerate() {
            judged.set(at, self.judge_one(&mut memo, oid)?);
            if (at + 1) % COMMITS_PER_RUN == 0 {
                publishing.0.publish();
            }
        }
        Ok(())
    }
}

/// Check the commits in `judged` as they are judged, in runs of
/// consecutive commits, each run on one repository: commits next to each
/// other share trees and blobs in libgit2's cache. Runs are short enough
/// that both cores stay busy to the end.
fn check_judged(
    judged: &HandOff<Judged>,
    bare: bool,
    observer: &dyn Observer,
) -> Vec<Result<Vec<OneCommit>>> {
    let runs = judged.slots.len().div_ceil(COMMITS_PER_RUN);
    (0..runs)
        .into_par_iter()
        .map_init(
            || (Repo::open_env(bare), OldTextPaths::default()),
            |(repo, old_text), run| {
                let repo = repo.as_mut().map_err(|err| anyhow::anyhow!("{err:#}"))?;
                let first = run * COMMITS_PER_RUN;
                let end = (first + COMMITS_PER_RUN).min(judged.slots.len());
                (first..end)
                    .map(|at| {
                        let one = judged.wait(at).context("not judged: judging failed")?;
                        let done = check_one_commit(repo, old_text, one)?;
                        observer.commit_checked();
                        Ok(done)
                    })
                    .collect()
            },
        )
        .collect()
}

/// Commits judged so far, handed from the thread that judges them in order
/// to the workers that check them. A worker that reaches a commit not
/// judged yet sleeps (no spinning) until it is, or until judging stops.
struct HandOff<T> {
    slots: Vec<OnceLock<T>>,
    /// Whether judging has stopped (done, or failed part way).
    stopped: Mutex<bool>,
    news: Condvar,
}

impl<T> HandOff<T> {
    fn new(count: usize) -> HandOff<T> {
        HandOff {
            slots: (0..count).map(|_| OnceLock::new()).collect(),
            stopped: Mutex::new(false),
            news: Condvar::new(),
        }
    }

    fn set(&self, at: usize, one: T) {
        // Each slot is set once, by the one thread that judges.
        let _ = self.slots[at].set(one);
    }

    /// Wake the workers waiting for commits judged since the last time.
    /// The lock orders a slot set before it with a waiter's last look.
    fn publish(&self) {
        drop(self.stopped.lock().unwrap_or_else(|p| p.into_inner()));
        self.news.notify_all();
    }

    /// The judged commit `at`, once judged; `None` when judging stopped
    /// before it.
    fn wait(&self, at: usize) -> Option<&T> {
        if let Some(one) = self.slots[at].get() {
            return Some(one);
        }
        let mut stopped = self.stopped.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if let Some(one) = self.slots[at].get() {
                return Some(one);
            }
            if *stopped {
                return None;
            }
            stopped = self.news.wait(stopped).unwrap_or_else(|p| p.into_inner());
        }
    }
}

/// Judging under way: when it ends, however it ends (done, an error, a
/// panic), the waiting workers are told, so none sleeps for ever.
struct Publishing<'a, T>(&'a HandOff<T>);

impl<T> Drop for Publishing<'_, T> {
    fn drop(&mut self) {
        *self.0.stopped.lock().unwrap_or_else(|p| p.into_inner()) = true;
        self.0.news.notify_all();
    }
}

/// One commit's outcome, its description and how many files it changed.
type OneCommit = (Outcome, CommitInfo, usize);

/// Check one commit by the policy that judges it, on `repo`; `old_text`
/// remembers the plan's answers for paths seen before.
fn check_one_commit(
    repo: &mut Repo,
    old_text: &mut OldTextPaths,
    one: &Judged,
) -> Result<OneCommit> {
    let plan = &*one.judge.plan;
    repo.set_max_file_size(plan.max_file_size);
    let head = one
        .head
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .take()
        .context("a commit was checked twice")?;
    let change = repo.change_of(head, &old_text.of(&one.judge.plan))?;
    let info = change.commit.clone().unwrap_or_default();
    let codeowners = codeowners_at(plan, repo, Some(one.oid))?;
    let reverted = reverted_by(plan, repo, one.judge.baseline.as_deref(), &info.message)?;
    let ctx = engine::Context {
        mode: Mode::WithMessage(&info.message),
        baseline: one.judge.baseline.as_deref(),
        codeowners: codeowners.as_ref(),
        reverted: reverted.as_ref(),
        policy_change: policy_change(&one.before, one.after.as_ref()),
    };
    let outcome =
        engine::check(plan, &change, &ctx).with_context(|| format!("commit {}", info.short_id))?;
    Ok((outcome, info, change.files.len()))
}

/// The commit a revert message names, checked on its own so that its records
/// can cover the revert. `None` when the message names no commit, or one this
/// repository does not have or cannot judge: the revert then needs its own
/// record.
fn reverted_by(
    plan: &Plan,
    repo: &Repo,
    baseline: Option<&Baseline>,
    message: &str,
) -> Result<Option<Reverted>> {
    let Some(id) = engine::reverted_commit(message) else {
        return Ok(None);
    };
    let Ok(oid) = repo.resolve(id) else {
        return Ok(None);
    };
    let want_old = |path: &str| plan.is_config(path);
    let change = repo.commit_change(oid, &want_old)?;
    let codeowners = codeowners_at(plan, repo, Some(oid))?;
    let original = change.commit.as_ref().map(|c| c.message.clone());
    let ctx = engine::Context {
        mode: Mode::WithMessage(original.as_deref().unwrap_or_default()),
        baseline,
        codeowners: codeowners.as_ref(),
        reverted: None,
        policy_change: None,
    };
    Ok(engine::check(plan, &change, &ctx)
        .ok()
        .map(|outcome| Reverted::new(change, &outcome)))
}

fn policy_change<'a>(
    before: &'a Policy,
    after: Option<&'a std::result::Result<Arc<Policy>, String>>,
) -> Option<PolicyChange<'a>> {
    after.map(|after| PolicyChange {
        before,
        after: match after {
            Ok(policy) => Ok(&**policy),
            Err(reason) => Err(reason.as_str()),
        },
    })
}

/// CODEOWNERS as committed before the change, when the plan uses it: HEAD's
/// for the staged change (`None`), the first parent's for a commit (a root
/// commit's own: nothing came before it). Like the policy, it is never read
/// from the change it judges, which could otherwise name its own signer.
fn codeowners_at(plan: &Plan, repo: &Repo, side: Option<CommitId>) -> Result<Option<CodeOwners>> {
    if !plan.codeowners {
        return Ok(None);
    }
    let before = match side {
        None => Side::Head,
        Some(oid) => Side::Commit(repo.parents(oid)?.first().copied().unwrap_or(oid)),
    };
    for location in codeowners::LOCATIONS {
        if let Some(text) = repo.read_file(before, location)? {
            return Ok(Some(CodeOwners::parse(&text)));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_worker_waits_for_its_commit_and_is_released_when_judging_stops() {
        let judged = HandOff::new(40);
        std::thread::scope(|scope| {
            let early = scope.spawn(|| judged.wait(20).copied());
            let late = scope.spawn(|| judged.wait(35).copied());
            {
                let publishing = Publishing(&judged);
                for at in 0..30 {
                    judged.set(at, at * 10);
                    if at % 16 == 15 {
                        publishing.0.publish();
                    }
                }
                // Judging fails at 30: the guard wakes whoever still waits.
            }
            assert_eq!(early.join().expect("no panic"), Some(200));
            assert_eq!(late.join().expect("no panic"), None);
        });
        assert_eq!(judged.wait(3), Some(&30), "judged before the failure");
    }
}
