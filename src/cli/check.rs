//! The hook commands and `check`: the staged change, one commit, or a range
//! of commits, each through the same engine.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::{Context, Result};
use confgate::bounded;
use confgate::engine;
use confgate::git::{without_userinfo, CommitId, PushedCommits, Repo};
use confgate::install;
use confgate::session::{CommitsChecked, Observer, Session};
use indicatif::{ProgressBar, ProgressStyle};

use super::args::CheckArgs;
use super::{App, Status};
use crate::report::{Format, Mode, ReleaseSummary};

/// Commits checked with a progress bar on a terminal, when there are many.
struct CommitProgress<'a> {
    app: &'a App,
    bar: Option<ProgressBar>,
}

impl Observer for CommitProgress<'_> {
    fn say(&self, line: &str) {
        self.app.say(line);
    }

    fn commit_checked(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }
}

/// The library's commit check, with a progress bar for people.
pub(super) fn check_commits(
    app: &App,
    session: &Session,
    oids: &[CommitId],
) -> Result<CommitsChecked> {
    let bar = (oids.len() > 20
        && app.human()
        && !app.global.quiet
        && std::io::stderr().is_terminal())
    .then(|| {
        let bar = ProgressBar::new(oids.len() as u64);
        bar.set_style(
            ProgressStyle::with_template("{spinner} checking commits {pos}/{len} {wide_bar} {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    });
    let progress = CommitProgress { app, bar };
    let checked = session.check_commits(oids, &progress);
    if let Some(bar) = progress.bar {
        bar.finish_and_clear();
    }
    checked
}

/// The staged change's outcome as a report hands it on.
fn staged(
    session: &Session,
    message: Option<&str>,
    unseen: engine::Mode<'_>,
) -> Result<CommitsChecked> {
    let (outcome, files) = session.check_staged_as(message, unseen)?;
    Ok(CommitsChecked {
        outcome,
        commits: Vec::new(),
        files,
    })
}

pub(super) fn emit(
    app: &App,
    session: Session,
    mode: Mode,
    checked: CommitsChecked,
) -> Result<Status> {
    emit_with(app, session, mode, checked, None)
}

/// Report what was checked, with the release check's own results.
pub(super) fn emit_with(
    app: &App,
    session: Session,
    mode: Mode,
    checked: CommitsChecked,
    release: Option<&ReleaseSummary>,
) -> Result<Status> {
    let CommitsChecked {
        outcome,
        commits,
        files,
    } = checked;
    let rules = if app.global.format == Format::Sarif {
        confgate::ruleinfo::all_rules(&session.plan)?
    } else {
        Vec::new()
    };
    let mut report = app.report(mode, &outcome, &commits, &rules, files);
    if let Some(release) = release {
        report.blocked_by = release
            .failed_step()
            .map(|name| format!("release checklist step {name:?} failed"));
        report.release = Some(release);
    }
    let status = app.emit(&report);
    drop(report);
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
    Session::open(app.config_layer()?)
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
        engine::Mode::StagedRecordsLater
    } else {
        engine::Mode::Staged
    };
    let checked = staged(&session, None, mode)?;
    if checked.files == 0 {
        if let Some(asked) = super::framework::asked() {
            return super::framework::check_asked(app, session, asked);
        }
    }
    emit(app, session, Mode::PreCommit, checked)
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
    let checked = staged(&session, Some(&message), engine::Mode::Staged)?;
    emit(app, session, Mode::CommitMsg, checked)
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
    let checked = check_commits(app, &session, &oids)?;
    emit(app, session, Mode::PrePush, checked)
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

fn framework_push(app: &App, session: &Session) -> Result<Vec<CommitId>> {
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
    let session = Session::open(app.config_layer()?)?;
    if let Some(range) = &args.range {
        let oids = session.range_to_check(app, range)?;
        let checked = check_commits(app, &session, &oids)?;
        return emit(app, session, Mode::Check, checked);
    }
    if let Some(rev) = &args.commit {
        let oid = session.repo.resolve(rev)?;
        let checked = check_commits(app, &session, &[oid])?;
        return emit(app, session, Mode::Check, checked);
    }
    // `--staged`, the default. Outside a hook no commit-msg check follows:
    // the records are judged here, with the message's trailers when given.
    let message = match &args.message {
        Some(file) => read_message(file)?,
        None => String::new(),
    };
    let checked = staged(&session, Some(&message), engine::Mode::Staged)?;
    emit(app, session, Mode::Check, checked)
}
