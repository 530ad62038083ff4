//! The hook commands and `check`: the staged change, one commit, or a range
//! of commits, each through the same engine.

use std::cell::RefCell;
use std::io::IsTerminal;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use confgate::bounded;
use confgate::config::committed::{self, Policy, PolicyLoader};
use confgate::config::plan::Plan;
use confgate::config::settings::Layer;
use confgate::detect::baseline::Baseline;
use confgate::engine::{self, Mode, PolicyChange, Reverted};
use confgate::git::{without_userinfo, PolicyIds, PushedCommits, Repo, Side};
use confgate::install;
use confgate::model::CommitInfo;
use confgate::outcome::Outcome;
use confgate::records::codeowners::{self, CodeOwners};
use git2::Oid;
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use super::args::{CheckArgs, Format};
use super::{catalog, App, Status};

/// A repository with its plan and the files the checks consult.
/// Commits checked one after another on one repository handle.
const COMMITS_PER_RUN: usize = 16;

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
    oid: Oid,
    /// The policy the commit is checked by.
    judge: Arc<Policy>,
    /// Its parent's policy, which a change to the policy is compared with.
    before: Arc<Policy>,
    after: Option<std::result::Result<Arc<Policy>, String>>,
}

impl Session {
    pub fn open(app: &App) -> Result<Session> {
        let mut repo = Repo::open()?;
        let mut loader = PolicyLoader::new(app.config_layer()?)?;
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
    pub fn adopted(&self) -> Result<Option<Oid>> {
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
    pub fn range_to_check(&self, app: &App, spec: &str) -> Result<Vec<Oid>> {
        let adopted = self.adopted()?;
        let (oids, before) = self.repo.range_after(spec, adopted)?;
        if before > 0 {
            let short: String = adopted
                .map(|o| o.to_string())
                .unwrap_or_default()
                .chars()
                .take(7)
                .collect();
            app.say(&format!(
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

    fn codeowners(&self, side: Option<Oid>) -> Result<Option<CodeOwners>> {
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
    fn check_staged_as(&self, message: Option<&str>, unseen: Mode<'_>) -> Result<(Outcome, usize)> {
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

    /// Each commit's judging policy (its parent's), read in order so that a
    /// range that never changes the policy parses it once.
    fn judge_policies(&self, oids: &[Oid]) -> Result<Vec<Judged>> {
        let mut out = Vec::with_capacity(oids.len());
        for oid in oids {
            let parents = self.repo.parents(*oid)?;
            let parent = self
                .loader
                .borrow_mut()
                .at(&self.repo, parents.first().copied().map(Side::Commit))
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
                    out.push(Judged {
                        oid: *oid,
                        judge: self.policy.clone(),
                        before: self.policy.clone(),
                        after: None,
                    });
                    continue;
                }
                Err(err) => return Err(err),
            };
            let side = Side::Commit(*oid);
            let mut after = self.after(&before, side, self.repo.policy_ids(side));
            if let (Some(Ok(policy)), [_, others @ ..]) = (&after, parents.as_slice()) {
                // A merge whose settings and baseline each are some parent's
                // changes nothing itself: the commits that changed them are
                // judged on their own.
                let mut same_settings = Arc::ptr_eq(&policy.committed_plan, &before.committed_plan);
                let mut same_baseline = policy.ids.0[2] == before.ids.0[2];
                for other in others {
                    let Ok(theirs) = self
                        .loader
                        .borrow_mut()
                        .at(&self.repo, Some(Side::Commit(*other)))
                    else {
                        continue;
                    };
                    same_settings |= Arc::ptr_eq(&policy.committed_plan, &theirs.committed_plan);
                    same_baseline |= policy.ids.0[2] == theirs.ids.0[2];
                }
                if same_settings && same_baseline {
                    after = None;
                }
            }
            out.push(Judged {
                oid: *oid,
                judge: if self.fixed {
                    self.policy.clone()
                } else {
                    before.clone()
                },
                before,
                after,
            });
        }
        Ok(out)
    }

    /// Check each commit on its own, with its own message and its parent's
    /// policy, on all cores.
    pub fn check_commits(
        &self,
        app: &App,
        oids: &[Oid],
    ) -> Result<(Outcome, Vec<CommitInfo>, usize)> {
        let judged = self.judge_policies(oids)?;
        let progress = (oids.len() > 20
            && app.human()
            && !app.global.quiet
            && std::io::stderr().is_terminal())
        .then(|| {
            let bar = ProgressBar::new(oids.len() as u64);
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} checking commits {pos}/{len} {wide_bar} {eta}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar
        });
        let bare = self.repo.is_bare();
        // Runs of consecutive commits, each run on one repository: commits
        // next to each other share trees and blobs in libgit2's cache. Runs
        // are short enough that both cores stay busy to the end.
        let per_chunk: Vec<Result<Vec<(Outcome, CommitInfo, usize)>>> = judged
            .par_chunks(COMMITS_PER_RUN)
            .map_init(
                || Repo::open_env(bare),
                |repo, judged| {
                    let repo = repo.as_mut().map_err(|err| anyhow::anyhow!("{err:#}"))?;
                    let mut done = Vec::with_capacity(judged.len());
                    for one in judged {
                        let plan = &*one.judge.plan;
                        repo.set_max_file_size(plan.max_file_size);
                        let want_old = |path: &str| plan.wants_old_text(path);
                        let change = repo.commit_change(one.oid, &want_old)?;
                        let info = change.commit.clone().unwrap_or_default();
                        let codeowners = codeowners_at(plan, repo, Some(one.oid))?;
                        let reverted =
                            reverted_by(plan, repo, one.judge.baseline.as_deref(), &info.message)?;
                        let ctx = engine::Context {
                            mode: Mode::WithMessage(&info.message),
                            baseline: one.judge.baseline.as_deref(),
                            codeowners: codeowners.as_ref(),
                            reverted: reverted.as_ref(),
                            policy_change: policy_change(&one.before, one.after.as_ref()),
                        };
                        let outcome = engine::check(plan, &change, &ctx)
                            .with_context(|| format!("commit {}", info.short_id))?;
                        if let Some(bar) = &progress {
                            bar.inc(1);
                        }
                        done.push((outcome, info, change.files.len()));
                    }
                    Ok(done)
                },
            )
            .collect();
        let mut results = Vec::with_capacity(oids.len());
        for chunk in per_chunk {
            results.extend(chunk?.into_iter().map(Ok::<_, anyhow::Error>));
        }
        if let Some(bar) = progress {
            bar.finish_and_clear();
        }
        let mut outcome = Outcome::default();
        let mut commits = Vec::with_capacity(oids.len());
        let mut files = 0;
        for result in results {
            let (one, info, count) = result?;
            outcome.merge(one);
            commits.push(info);
            files += count;
        }
        Ok((outcome, commits, files))
    }
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
fn codeowners_at(plan: &Plan, repo: &Repo, side: Option<Oid>) -> Result<Option<CodeOwners>> {
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

pub(super) fn emit(
    app: &App,
    session: Session,
    mode: &'static str,
    outcome: Outcome,
    commits: Vec<CommitInfo>,
    files: usize,
) -> Result<Status> {
    let rules = if app.global.format == Format::Sarif {
        catalog::all_rules(&session.plan)
    } else {
        Vec::new()
    };
    let status = app.emit(&app.report(mode, &outcome, &commits, &rules, files));
    // The process ends right after: freeing thousands of index entries and
    // compiled rules one by one only delays the commit.
    std::mem::forget((session, outcome, commits, rules));
    status
}
/// A hook's session. A hook never takes its policy from a file in the
/// repository it guards: `--config` pointing into the working tree or the
/// git directory is refused (a commit could otherwise bring its own policy).
fn hook_session(app: &App, hook: &str) -> Result<Session> {
    if let Some(path) = &app.global.config {
        let repo = Repo::open()?;
        let file = path
            .canonicalize()
            .with_context(|| format!("cannot read config file {}", path.display()))?;
        for dir in repo.own_dirs() {
            let dir = dir.canonicalize().unwrap_or(dir);
            if file.starts_with(&dir) {
                anyhow::bail!(
                    "--config {}: hook {hook} does not read a policy from inside the repository it checks ({}); hooks use the policy committed at HEAD, or pass a file kept outside the repository",
                    path.display(),
                    dir.display()
                );
            }
        }
    }
    Session::open(app)
}

pub fn pre_commit(app: &App) -> Result<Status> {
    let session = hook_session(app, "pre-commit")?;
    // When confgate's commit-msg hook follows, it judges the records with
    // the message: saying anything about them here would say it twice.
    let records_later = session
        .repo
        .hooks_dir()
        .is_ok_and(|dir| install::commit_msg_runs_confgate(&dir, session.repo.root()));
    let mode = if records_later {
        Mode::StagedRecordsLater
    } else {
        Mode::Staged
    };
    let (outcome, files) = session.check_staged_as(None, mode)?;
    if files == 0 {
        if let Some(asked) = super::framework::asked() {
            return super::framework::check_asked(app, session, asked);
        }
    }
    emit(app, session, "pre-commit", outcome, Vec::new(), files)
}

/// A commit message from FILE (`-`: standard input), bounded.
fn read_message(file: &Path) -> Result<String> {
    let bytes = if file == Path::new("-") {
        bounded::read_stream(
            std::io::stdin(),
            bounded::MESSAGE_LIMIT,
            "the commit message on stdin",
        )?
    } else {
        bounded::read(file, bounded::MESSAGE_LIMIT, "the commit message file")?.with_context(
            || {
                format!(
                    "cannot read the commit message file {}: no such file",
                    file.display()
                )
            },
        )?
    };
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

pub fn commit_msg(app: &App, file: &Path) -> Result<Status> {
    let message = read_message(file)?;
    let session = hook_session(app, "commit-msg")?;
    // Judge the message as git may store it: the cleanup runs after this hook.
    let message = confgate::records::record::as_stored(&message, &session.repo.comment_prefix());
    let (outcome, files) = session.check_staged(Some(&message))?;
    emit(app, session, "commit-msg", outcome, Vec::new(), files)
}

pub fn pre_push(app: &App, remote: Option<&str>, _url: Option<&str>) -> Result<Status> {
    let session = hook_session(app, "pre-push")?;
    let oids = match remote {
        // Called by git: ref lines on stdin.
        Some(remote) => {
            let input = bounded::read_stream(
                std::io::stdin(),
                bounded::MESSAGE_LIMIT,
                "the pre-push ref lines on stdin",
            )?;
            let input = String::from_utf8(input)
                .context("the pre-push ref lines on stdin are not UTF-8")?;
            let pushed = session
                .repo
                .pushed_commits(remote, &input, session.adopted()?)?;
            say_pushed(app, &pushed);
            pushed.check
        }
        // Called by the pre-commit framework, which passes no arguments and
        // no stdin but exports what is pushed.
        None => framework_push(app, &session)?,
    };
    let (outcome, commits, files) = session.check_commits(app, &oids)?;
    emit(app, session, "pre-push", outcome, commits, files)
}

/// One line on what a push is checked for, and one per remote that could
/// not be asked (its commits were checked as new: fail closed).
fn say_pushed(app: &App, pushed: &PushedCommits) {
    let destination = without_userinfo(&pushed.destination);
    for (remote, reason) in &pushed.unreachable {
        let remote = without_userinfo(remote);
        if remote == destination {
            app.say(&format!(
                "confgate pre-push: could not ask {remote} what it has ({reason}): only the refs this push updates count as known there"
            ));
        } else {
            app.say(&format!(
                "confgate pre-push: could not ask {remote} what it has ({reason}): its commits are checked as new"
            ));
        }
    }
    let count = pushed.check.len();
    if count == 0 && pushed.on_other_remotes == 0 && pushed.before_adoption == 0 {
        return;
    }
    let mut line = format!(
        "confgate pre-push: checked {count} commit{} new to {destination}",
        if count == 1 { "" } else { "s" }
    );
    let mut why = Vec::new();
    if pushed.on_other_remotes > 0 {
        why.push(format!(
            "{} already on {}",
            pushed.on_other_remotes,
            pushed.other_remotes.join(", ")
        ));
    }
    if pushed.before_adoption > 0 {
        why.push(format!(
            "{} before the adoption point (record.adopted)",
            pushed.before_adoption
        ));
    }
    if !why.is_empty() {
        line.push_str("; not re-checked: ");
        line.push_str(&why.join(", "));
    }
    app.say(&line);
}

fn framework_push(app: &App, session: &Session) -> Result<Vec<Oid>> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let remote = var("PRE_COMMIT_REMOTE_NAME").unwrap_or_else(|| "origin".to_string());
    if let (Some(from), Some(to)) = (var("PRE_COMMIT_FROM_REF"), var("PRE_COMMIT_TO_REF")) {
        return session.range_to_check(app, &format!("{from}..{to}"));
    }
    if let Some(local) = var("PRE_COMMIT_LOCAL_BRANCH") {
        // A new history: whatever no remote has yet.
        let oid = session.repo.resolve(&local)?;
        let zero = "0".repeat(oid.to_string().len());
        let pushed = session.repo.pushed_commits(
            &remote,
            &format!("{local} {oid} {local} {zero}\n"),
            session.adopted()?,
        )?;
        say_pushed(app, &pushed);
        return Ok(pushed.check);
    }
    anyhow::bail!(
        "hook pre-push needs REMOTE and URL arguments and git's ref lines on stdin \
         (or the pre-commit framework's PRE_COMMIT_FROM_REF/PRE_COMMIT_TO_REF)"
    )
}

pub fn check(app: &App, args: &CheckArgs) -> Result<Status> {
    let session = Session::open(app)?;
    if let Some(range) = &args.range {
        let oids = session.range_to_check(app, range)?;
        let (outcome, commits, files) = session.check_commits(app, &oids)?;
        return emit(app, session, "check", outcome, commits, files);
    }
    if let Some(rev) = &args.commit {
        let oid = session.repo.resolve(rev)?;
        let (outcome, commits, files) = session.check_commits(app, &[oid])?;
        return emit(app, session, "check", outcome, commits, files);
    }
    // `--staged`, the default. Outside a hook no commit-msg check follows:
    // the records are judged here, with the message's trailers when given.
    let message = match &args.message {
        Some(file) => read_message(file)?,
        None => String::new(),
    };
    let (outcome, files) = session.check_staged(Some(&message))?;
    emit(app, session, "check", outcome, Vec::new(), files)
}
