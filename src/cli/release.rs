//! `release-check` and `log`: the release gate over every commit since the
//! last tag, and the config change log it prints and tags.

use std::collections::HashSet;
use std::io::{IsTerminal, Write};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use confgate::finding::{Finding, Kind, Severity};
use confgate::git::Side;
use confgate::keydiff::{self, KeyMap};
use confgate::model::CommitInfo;
use confgate::outcome::{ConfigChange, Outcome};
use confgate::records::record;
use confgate::redact::redact_text;
use serde_json::json;
use std::fmt::Write as _;

use super::args::{Format, LogArgs, ReleaseArgs};
use super::check::Session;
use super::{catalog, App, Status};

/// Values that mark an environment config as not filled in.
const ENV_PLACEHOLDERS: &[&str] = &[
    "changeme",
    "change-me",
    "change_me",
    "replace-me",
    "replaceme",
    "fill-me",
    "your-value-here",
];

fn range_since(
    app: &App,
    session: &Session,
    since: Option<&str>,
) -> Result<(String, Vec<git2::Oid>)> {
    if session.repo.head().is_none() {
        bail!("no commits yet: nothing to check");
    }
    let base = match since {
        Some(rev) => Some(rev.to_string()),
        None => session.repo.latest_tag(),
    };
    let (label, spec) = match &base {
        Some(base) => (format!("{base}..HEAD"), format!("{base}..HEAD")),
        None if session.plan.adopted.is_some() => {
            ("since the adoption point".to_string(), "HEAD".to_string())
        }
        None => ("all history".to_string(), "HEAD".to_string()),
    };
    Ok((label, session.range_to_check(app, &spec)?))
}

/// One line per config change: commit, file, keys; then the record.
pub fn change_log(commits: &[CommitInfo], changes: &[ConfigChange]) -> Vec<String> {
    let mut lines = Vec::new();
    for commit in commits {
        let mine: Vec<&ConfigChange> = changes
            .iter()
            .filter(|c| c.commit.as_deref() == Some(commit.id.as_str()))
            .collect();
        if mine.is_empty() {
            continue;
        }
        lines.push(format!(
            "{} {}",
            commit.short_id,
            crate::report::printable(&commit.summary)
        ));
        for change in mine {
            lines.push(format!(
                "  {}: {}",
                crate::report::quote_path(&change.path),
                crate::report::printable(&change.summary(8))
            ));
            if let (Some(of), Some(r)) = (&change.rollback_of, &change.record) {
                lines.push(format!("    rollback of {of}, recorded by {}", r.owner));
            }
            match &change.record {
                Some(r) => {
                    lines.push(format!("    owner:    {}", r.owner));
                    lines.push(format!("    expected: {}", r.expected));
                    lines.push(format!("    rollback: {}", r.rollback));
                    if let Some(verify) = &r.verify {
                        lines.push(format!("    verify:   {verify}"));
                    }
                    if let Some(ticket) = &r.ticket {
                        lines.push(format!("    ticket:   {ticket}"));
                    }
                    for (field, value) in &r.fields {
                        lines.push(format!("    {field}: {value}"));
                    }
                }
                None => lines.push("    (no complete record)".to_string()),
            }
        }
    }
    lines
}

pub fn log(app: &App, args: &LogArgs) -> Result<Status> {
    let session = Session::open(app)?;
    let (label, oids) = range_since(app, &session, args.since.as_deref())?;
    let (outcome, commits, files) = session.check_commits(app, &oids)?;
    if app.global.format == Format::Human {
        let mut out = String::new();
        let lines = change_log(&commits, &outcome.config_changes);
        let _ = (|| -> std::fmt::Result {
            writeln!(
                out,
                "config change log, {label}: {} change{} in {} commit{}",
                outcome.config_changes.len(),
                if outcome.config_changes.len() == 1 {
                    ""
                } else {
                    "s"
                },
                commits.len(),
                if commits.len() == 1 { "" } else { "s" }
            )?;
            for line in lines {
                writeln!(out, "{}", crate::report::printable(&line))?;
            }
            Ok(())
        })();
        app.print(&out)?;
        return Ok(Status::Pass);
    }
    // JSON and SARIF: the change log is the config_changes; findings are not
    // this command's business.
    let logged = Outcome {
        config_changes: outcome.config_changes,
        ..Outcome::default()
    };
    app.emit(&app.report("log", &logged, &commits, &[], files))?;
    Ok(Status::Pass)
}

/// A `config-drift` finding on an environment file.
fn drift(path: &str, key: &str, message: String, fix: impl Into<String>) -> Finding {
    Finding::new(
        Kind::ConfigDrift,
        "config-drift",
        Severity::Error,
        path,
        key,
    )
    .message(message)
    .fix(fix)
}

/// `[environments]`: each parses, every environment has production's keys,
/// no placeholder values.
fn check_environments(session: &Session) -> Result<(Vec<Finding>, Vec<serde_json::Value>)> {
    let plan = &session.plan;
    let mut findings = Vec::new();
    let mut report = Vec::new();
    let mut maps: Vec<(String, String, KeyMap)> = Vec::new();
    let placeholders: HashSet<String> = plan
        .placeholders
        .iter()
        .cloned()
        .chain(ENV_PLACEHOLDERS.iter().map(|s| s.to_string()))
        .collect();
    for (name, path) in &plan.environments {
        let Some(text) = session.repo.read_file(Side::Head, path)? else {
            findings.push(drift(
                path,
                &format!("missing:{name}"),
                format!("environment {name}: {path} is not in HEAD"),
                "commit the file, or correct its path under [environments]",
            ));
            report.push(json!({"name": name, "path": path, "ok": false}));
            continue;
        };
        let Some(format) = keydiff::format_for_text(path, &text) else {
            bail!("[environments] {name} = {path:?}: confgate cannot read this file type (use TOML, YAML, JSON, INI, .env or a settings module)");
        };
        match keydiff::parse(format, &text) {
            Ok(map) => {
                for (key, value) in &map {
                    let v = value.value.trim().trim_matches(|c| c == '"' || c == '\'');
                    if record::is_placeholder(v, &placeholders) && !v.is_empty() {
                        findings.push(
                            drift(
                                path,
                                &format!("placeholder:{key}"),
                                format!("environment {name}: {key} is a placeholder ({v:?})"),
                                "set the real value before the release",
                            )
                            .at_line(value.line),
                        );
                    }
                }
                report.push(json!({"name": name, "path": path, "ok": true, "keys": map.len()}));
                maps.push((name.clone(), path.clone(), map));
            }
            Err(err) => {
                let mut finding = Finding::new(
                    Kind::InvalidConfig,
                    "invalid-config",
                    Severity::Error,
                    path,
                    &err.message,
                )
                .message(format!(
                    "environment {name}: {path} does not parse: {}",
                    err.message
                ))
                .fix("fix the syntax");
                finding.line = err.line;
                findings.push(finding);
                report.push(json!({"name": name, "path": path, "ok": false}));
            }
        }
    }
    if let Some((_, prod_path, production)) = maps.iter().find(|(name, _, _)| name == "production")
    {
        for (name, path, map) in &maps {
            if name == "production" {
                continue;
            }
            for key in production.keys() {
                if !map.contains_key(key) {
                    findings.push(drift(
                        path,
                        &format!("{name}:{key}"),
                        format!(
                            "environment {name} lacks {key}, which production ({prod_path}) has"
                        ),
                        format!("add {key} to {path}, so {name} tests what production runs"),
                    ));
                }
            }
        }
    }
    Ok((findings, report))
}

struct StepResult {
    name: String,
    command: String,
    ok: bool,
    seconds: f64,
    output: String,
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

pub fn release_check(app: &App, args: &ReleaseArgs) -> Result<Status> {
    let session = Session::open(app)?;
    if let Some(tag) = &args.tag {
        if session.repo.tag_exists(tag) {
            bail!("tag {tag} already exists: pick a new version, or delete the tag first");
        }
        if session.repo.is_dirty()? {
            bail!("the working tree has uncommitted changes to tracked files: commit or stash them before tagging {tag}");
        }
    }
    let (label, oids) = range_since(app, &session, args.since.as_deref())?;
    app.say(&format!(
        "confgate release-check: {} commit{} ({label})",
        oids.len(),
        if oids.len() == 1 { "" } else { "s" }
    ));
    let (mut outcome, commits, files) = session.check_commits(app, &oids)?;
    let (env_findings, environments) = check_environments(&session)?;
    outcome.findings.extend(env_findings);

    let steps = if args.dry_run || outcome.blocked() {
        Vec::new()
    } else {
        run_checklist(app, &session)?
    };
    let checklist_failed = steps.iter().any(|s| !s.ok);
    let log_lines = change_log(&commits, &outcome.config_changes);

    let mut checklist_lines = Vec::new();
    for step in &session.plan.checklist {
        let line = match steps.iter().find(|s| s.name == step.name()) {
            Some(s) => format!(
                "{}: {} ({:.1} s)",
                s.name,
                if s.ok { "ok" } else { "FAILED" },
                s.seconds
            ),
            None if args.dry_run => format!("{}: would run `{}`", step.name(), step.command()),
            None => format!("{}: not run", step.name()),
        };
        checklist_lines.push(line);
    }

    let blocked = outcome.blocked() || checklist_failed;
    let mut tag_line = None;
    if let Some(tag) = &args.tag {
        if blocked {
            tag_line = Some(format!("tag {tag} not created: the release check failed"));
        } else if args.dry_run {
            tag_line = Some(format!("would create tag {tag}"));
        } else {
            let mut message = format!("Release {tag}\n\nConfig changes ({label}):\n");
            if log_lines.is_empty() {
                message.push_str("  none\n");
            }
            for line in &log_lines {
                message.push_str(line);
                message.push('\n');
            }
            message.push_str("\nRelease checklist:\n");
            if checklist_lines.is_empty() {
                message.push_str("  none configured\n");
            }
            for line in &checklist_lines {
                message.push_str(&format!("  {line}\n"));
            }
            let oid = session.repo.create_tag(tag, &redact_text(&message))?;
            tag_line = Some(format!(
                "created annotated tag {tag} ({})",
                &oid.to_string()[..7]
            ));
        }
    }

    if app.global.format == Format::Human {
        let p = &app.palette;
        let bold = |t: &str| p.paint(t, owo_colors::Style::new().bold());
        let mut out = String::new();
        if !session.plan.environments.is_empty() {
            writeln!(out, "{}", bold("Environments"))?;
            for env in &environments {
                writeln!(
                    out,
                    "  {} {} {}",
                    env["name"].as_str().unwrap_or(""),
                    env["path"].as_str().unwrap_or(""),
                    if env["ok"].as_bool() == Some(true) {
                        "parses"
                    } else {
                        "FAILED"
                    }
                )?;
            }
        }
        if !checklist_lines.is_empty() {
            writeln!(out, "{}", bold("Release checklist"))?;
            for line in &checklist_lines {
                writeln!(out, "  {line}")?;
            }
            if let Some(failed) = steps.iter().find(|s| !s.ok) {
                writeln!(out, "  output of {:?} ({}):", failed.name, failed.command)?;
                let lines: Vec<&str> = failed.output.lines().collect();
                for line in &lines[lines.len().saturating_sub(40)..] {
                    writeln!(out, "    {line}")?;
                }
            }
        }
        writeln!(out, "{}", bold(&format!("Config change log ({label})")))?;
        if log_lines.is_empty() {
            writeln!(out, "  no config changes")?;
        }
        for line in &log_lines {
            writeln!(out, "  {}", crate::report::printable(line))?;
        }
        writeln!(out)?;
        app.print(&out)?;
    }
    let rules = if app.global.format == Format::Sarif {
        catalog::all_rules(&session.plan)
    } else {
        Vec::new()
    };
    let mut report = app.report("release-check", &outcome, &commits, &rules, files);
    report.blocked_by = steps
        .iter()
        .find(|s| !s.ok)
        .map(|s| format!("release checklist step {:?} failed", s.name));
    report.extra_json = vec![
        ("environments", json!(environments)),
        ("checklist", json!(steps.iter().map(|s| json!({"name": s.name, "command": s.command, "ok": s.ok, "seconds": s.seconds})).collect::<Vec<_>>())),
        ("tag", json!(tag_line)),
    ];
    // Said before the report, whose summary is the last line: the outcome.
    if let Some(line) = tag_line {
        app.say(&format!("confgate: {line}"));
    }
    app.emit(&report)
}
