//! `release-check` and `log`: the release gate over every commit since the
//! last tag, and the config change log it prints and tags.

use std::io::{IsTerminal, Write};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use confgate::outcome::Outcome;
use confgate::redact::redact_text;
use confgate::release::{self, StepResult};
use confgate::session::Session;

use super::args::{LogArgs, ReleaseArgs};
use super::check::{check_commits, emit_with};
use super::{App, Status};
use crate::report::{self, Mode, ReleaseSummary};

pub fn log(app: &App, args: &LogArgs) -> Result<Status> {
    let session = Session::open(app.config_layer()?)?;
    let (label, oids) = release::range_since(&session, args.since.as_deref(), app)?;
    let checked = check_commits(app, &session, &oids)?;
    // The change log is the config_changes; findings are not this
    // command's business.
    let logged = Outcome {
        config_changes: checked.outcome.config_changes,
        ..Outcome::default()
    };
    let mut report = app.report(Mode::Log, &logged, &checked.commits, &[], checked.files);
    report.range = Some(&label);
    app.emit(&report)?;
    Ok(Status::Pass)
}

fn run_checklist(app: &App, session: &Session) -> Result<Vec<StepResult>> {
    let steps = &session.plan.checklist;
    let mut results = Vec::new();
    let total = steps.len();
    for (index, step) in steps.iter().enumerate() {
        let prefix = format!("[{}/{total}] {}", index + 1, step.name());
        if std::io::stderr().is_terminal() && !app.global.quiet {
            let _ = write!(std::io::stderr(), "{prefix} … ");
            let _ = std::io::stderr().flush();
        }
        let start = Instant::now();
        let output = Command::new("sh")
            .arg("-c")
            .arg(step.command())
            .current_dir(session.repo.root())
            .stdin(std::process::Stdio::null())
            .output()
            .with_context(|| format!("cannot run checklist step {:?}", step.name()))?;
        let seconds = start.elapsed().as_secs_f64();
        let ok = output.status.success();
        let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
        text.push_str(&String::from_utf8_lossy(&output.stderr));
        let verdict = if ok { "ok" } else { "FAILED" };
        if std::io::stderr().is_terminal() && !app.global.quiet {
            let _ = writeln!(std::io::stderr(), "{verdict} ({seconds:.1} s)");
        } else {
            app.say(&format!("{prefix} … {verdict} ({seconds:.1} s)"));
        }
        results.push(StepResult {
            name: step.name().to_string(),
            command: step.command().to_string(),
            ok,
            seconds,
            output: text,
        });
        if !ok {
            break;
        }
    }
    Ok(results)
}

/// Refuse a tag that exists, or a dirty tree to tag, before any work.
fn tag_preconditions(session: &Session, tag: Option<&str>) -> Result<()> {
    let Some(tag) = tag else {
        return Ok(());
    };
    if session.repo.tag_exists(tag) {
        bail!("tag {tag} already exists: pick a new version, or delete the tag first");
    }
    if session.repo.is_dirty()? {
        bail!("the working tree has uncommitted changes to tracked files: commit or stash them before tagging {tag}");
    }
    Ok(())
}

/// One line per configured checklist step: how it went, or why it did not run.
fn checklist_lines(session: &Session, steps: &[StepResult], dry_run: bool) -> Vec<String> {
    let mut lines = Vec::new();
    for step in &session.plan.checklist {
        let line = match steps.iter().find(|s| s.name == step.name()) {
            Some(s) => format!(
                "{}: {} ({:.1} s)",
                s.name,
                if s.ok { "ok" } else { "FAILED" },
                s.seconds
            ),
            None if dry_run => format!("{}: would run `{}`", step.name(), step.command()),
            None => format!("{}: not run", step.name()),
        };
        lines.push(line);
    }
    lines
}

/// Create the tag when asked and the release passed; what became of it.
fn make_tag(
    session: &Session,
    args: &ReleaseArgs,
    blocked: bool,
    release: &ReleaseSummary,
) -> Result<Option<String>> {
    let Some(tag) = &args.tag else {
        return Ok(None);
    };
    if blocked {
        return Ok(Some(format!(
            "tag {tag} not created: the release check failed"
        )));
    }
    if args.dry_run {
        return Ok(Some(format!("would create tag {tag}")));
    }
    let message = report::tag_message(tag, release);
    let id = session.repo.create_tag(tag, &redact_text(&message))?;
    Ok(Some(format!(
        "created annotated tag {tag} ({})",
        id.short()
    )))
}

pub fn release_check(app: &App, args: &ReleaseArgs) -> Result<Status> {
    let session = Session::open(app.config_layer()?)?;
    tag_preconditions(&session, args.tag.as_deref())?;
    let (label, oids) = release::range_since(&session, args.since.as_deref(), app)?;
    app.say(&format!(
        "confgate release-check: {} commit{} ({label})",
        oids.len(),
        if oids.len() == 1 { "" } else { "s" }
    ));
    let mut checked = check_commits(app, &session, &oids)?;
    let (env_findings, environments) = release::check_environments(&session.repo, &session.plan)?;
    checked.outcome.findings.extend(env_findings);
    let steps = if args.dry_run || checked.outcome.blocked() {
        Vec::new()
    } else {
        run_checklist(app, &session)?
    };
    let mut summary = ReleaseSummary {
        log_lines: report::change_log(&checked.commits, &checked.outcome.config_changes),
        checklist_lines: checklist_lines(&session, &steps, args.dry_run),
        label,
        environments,
        steps,
        tag: None,
    };
    let blocked = checked.outcome.blocked() || summary.failed_step().is_some();
    summary.tag = make_tag(&session, args, blocked, &summary)?;
    // Said before the report, whose summary is the last line: the outcome.
    if let Some(line) = &summary.tag {
        app.say(&format!("confgate: {line}"));
    }
    emit_with(app, session, Mode::ReleaseCheck, checked, Some(&summary))
}
