//! The hook commands and `check`: the staged change, one commit, or a range
//! of commits, each through the same engine.

use std::io::{IsTerminal, Read};
use std::path::Path;

use anyhow::{Context, Result};
use confgate::baseline::{self, Baseline};
use confgate::codeowners::{self, CodeOwners};
use confgate::engine::{self, Mode, Outcome, Reverted};
use confgate::git::{without_userinfo, PushedCommits, Repo, Side};
use confgate::install;
use confgate::model::CommitInfo;
use confgate::plan::Plan;
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
    pub plan: Plan,
    pub baseline: Option<Baseline>,
}

impl Session {
    pub fn open(app: &App) -> Result<Session> {
        let mut repo = Repo::open()?;
        let plan = app.plan(repo.root())?;
        repo.set_max_file_size(plan.max_file_size);
        let baseline = Baseline::load(&repo.root().join(baseline::FILE_NAME))?;
        Ok(Session {
            repo,
            plan,
            baseline,
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

    /// Check the staged change, with the message when there is one.
    pub fn check_staged(&self, message: Option<&str>) -> Result<(Outcome, usize)> {
        self.check_staged_as(message, Mode::Staged)
    }

    /// Check the staged change; without a message, in `unseen` mode.
    fn check_staged_as(&self, message: Option<&str>, unseen: Mode<'_>) -> Result<(Outcome, usize)> {
        let want_old = self.want_old();
        let change = self.repo.staged(&want_old)?;
        let codeowners = self.codeowners(None)?;
        let reverted = match message {
            Some(message) => reverted_by(&self.plan, &self.repo, self.baseline.as_ref(), message)?,
            None => None,
        };
        let ctx = engine::Context {
            mode: match message {
                Some(message) => Mode::WithMessage(message),
                None => unseen,
            },
            baseline: self.baseline.as_ref(),
            codeowners: codeowners.as_ref(),
            reverted: reverted.as_ref(),
        };
        let outcome = engine::check(&self.plan, &change, &ctx)?;
        Ok((outcome, change.files.len()))
    }

    /// Check each commit on its own, with its own message, on all cores.
    pub fn check_commits(
        &self,
        app: &App,
        oids: &[Oid],
    ) -> Result<(Outcome, Vec<CommitInfo>, usize)> {
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
        let plan = &self.plan;
        let baseline = self.baseline.as_ref();
        let bare = self.repo.is_bare();
        // Runs of consecutive commits, each run on one repository: commits
        // next to each other share trees and blobs in libgit2's cache. Runs
        // are short enough that both cores stay busy to the end.
        let per_chunk: Vec<Result<Vec<(Outcome, CommitInfo, usize)>>> = oids
            .par_chunks(COMMITS_PER_RUN)
            .map_init(
                || {
                    Repo::open_env(bare).map(|mut repo| {
                        repo.set_max_file_size(plan.max_file_size);
                        repo
                    })
                },
                |repo, oids| {
                    let repo = repo.as_ref().map_err(|err| anyhow::anyhow!("{err:#}"))?;
                    let mut done = Vec::with_capacity(oids.len());
                    for oid in oids {
                        let want_old = |path: &str| plan.wants_old_text(path);
                        let change = repo.commit_change(*oid, &want_old)?;
                        let info = change.commit.clone().unwrap_or_default();
                        let codeowners = codeowners_at(plan, repo, Some(*oid))?;
                        let reverted = reverted_by(plan, repo, baseline, &info.message)?;
                        let ctx = engine::Context {
                            mode: Mode::WithMessage(&info.message),
                            baseline,
                            codeowners: codeowners.as_ref(),
                            reverted: reverted.as_ref(),
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
    };
    Ok(engine::check(plan, &change, &ctx)
        .ok()
        .map(|outcome| Reverted::new(change, &outcome)))
}

/// CODEOWNERS of the index (`None`) or of a commit, when the plan uses it.
fn codeowners_at(plan: &Plan, repo: &Repo, side: Option<Oid>) -> Result<Option<CodeOwners>> {
    if !plan.codeowners {
        return Ok(None);
    }
    for location in codeowners::LOCATIONS {
        let text = match side {
            None => repo.read_file(Side::Index, location)?,
            Some(oid) => repo.read_file_at(oid, location)?,
        };
        if let Some(text) = text {
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
pub fn pre_commit(app: &App) -> Result<Status> {
    let session = Session::open(app)?;
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

/// Longest commit message read, in bytes.
const MAX_MESSAGE: u64 = 1 << 20;

/// A commit message from FILE (`-`: standard input), bounded.
fn read_message(file: &Path) -> Result<String> {
    let what = || format!("cannot read the commit message file {}", file.display());
    let mut bytes = Vec::new();
    if file == Path::new("-") {
        std::io::stdin()
            .take(MAX_MESSAGE + 1)
            .read_to_end(&mut bytes)
            .with_context(what)?;
    } else {
        std::fs::File::open(file)
            .and_then(|f| f.take(MAX_MESSAGE + 1).read_to_end(&mut bytes))
            .with_context(what)?;
    }
    if bytes.len() as u64 > MAX_MESSAGE {
        anyhow::bail!(
            "the commit message file {} is over {MAX_MESSAGE} bytes",
            file.display()
        );
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

pub fn commit_msg(app: &App, file: &Path) -> Result<Status> {
    let message = read_message(file)?;
    let session = Session::open(app)?;
    // Judge the message as git may store it: the cleanup runs after this hook.
    let message = confgate::record::as_stored(&message, &session.repo.comment_prefix());
    let (outcome, files) = session.check_staged(Some(&message))?;
    emit(app, session, "commit-msg", outcome, Vec::new(), files)
}

pub fn pre_push(app: &App, remote: Option<&str>, _url: Option<&str>) -> Result<Status> {
    let session = Session::open(app)?;
    let oids = match remote {
        // Called by git: ref lines on stdin.
        Some(remote) => {
            let mut input = String::new();
            std::io::stdin()
                .read_to_string(&mut input)
                .context("cannot read the pre-push ref lines from stdin")?;
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
