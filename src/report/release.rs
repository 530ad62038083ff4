//! The release check's and the log's own output: environments, checklist,
//! the config change log, and the message of the release tag.

use std::io::Write;

use confgate::model::CommitInfo;
use confgate::outcome::ConfigChange;
use confgate::release::{EnvironmentStatus, StepResult};
use owo_colors::Style;

use super::human::plural;
use super::{printable, quote_path, Palette, Report};

/// The last lines of a failed step's output that are shown.
const FAILED_OUTPUT_LINES: usize = 40;

/// What `release-check` found besides the commits' findings.
#[derive(Debug, Default)]
pub struct ReleaseSummary {
    /// The range checked, as people read it.
    pub label: String,
    pub environments: Vec<EnvironmentStatus>,
    /// The checklist steps that ran, in order.
    pub steps: Vec<StepResult>,
    /// One line per configured step: its result, or why it did not run.
    pub checklist_lines: Vec<String>,
    /// The config change log of the range ([`change_log`]).
    pub log_lines: Vec<String>,
    /// What became of the tag asked for (`--tag`).
    pub tag: Option<String>,
}

impl ReleaseSummary {
    /// The checklist step that failed, which blocks the release.
    pub fn failed_step(&self) -> Option<&str> {
        self.steps.iter().find(|s| !s.ok).map(|s| s.name.as_str())
    }
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
            printable(&commit.summary)
        ));
        for change in mine {
            lines.push(format!(
                "  {}: {}",
                quote_path(&change.path),
                printable(&change.summary(8))
            ));
            record_lines(change, &mut lines);
        }
    }
    lines
}

/// A change's record in the log, field by field.
fn record_lines(change: &ConfigChange, lines: &mut Vec<String>) {
    if let (Some(of), Some(r)) = (&change.rollback_of, &change.record) {
        lines.push(format!("    rollback of {of}, recorded by {}", r.owner));
    }
    let Some(r) = &change.record else {
        lines.push(if change.dependency_update {
            "    (dependency update: no record needed)".to_string()
        } else {
            "    (no complete record)".to_string()
        });
        return;
    };
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

/// The annotated tag's message: the change log and the checklist results.
pub fn tag_message(tag: &str, release: &ReleaseSummary) -> String {
    let mut message = format!("Release {tag}\n\nConfig changes ({}):\n", release.label);
    if release.log_lines.is_empty() {
        message.push_str("  none\n");
    }
    for line in &release.log_lines {
        message.push_str(line);
        message.push('\n');
    }
    message.push_str("\nRelease checklist:\n");
    if release.checklist_lines.is_empty() {
        message.push_str("  none configured\n");
    }
    for line in &release.checklist_lines {
        message.push_str(&format!("  {line}\n"));
    }
    message
}

/// `log` for people: a count, then the change log.
pub fn write_log(report: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    let changes = &report.outcome.config_changes;
    let commits = report.commits.len();
    writeln!(
        out,
        "config change log, {}: {} change{} in {commits} commit{}",
        report.range.unwrap_or_default(),
        changes.len(),
        plural(changes.len()),
        plural(commits)
    )?;
    for line in change_log(report.commits, changes) {
        writeln!(out, "{}", printable(&line))?;
    }
    Ok(())
}

/// The release check's sections, before the findings: environments,
/// checklist (with the failed step's output), change log.
pub fn write(release: &ReleaseSummary, p: &Palette, out: &mut dyn Write) -> std::io::Result<()> {
    let bold = |t: &str| p.paint(t, Style::new().bold());
    if !release.environments.is_empty() {
        writeln!(out, "{}", bold("Environments"))?;
        for env in &release.environments {
            let verdict = if env.ok { "parses" } else { "FAILED" };
            writeln!(out, "  {} {} {verdict}", env.name, env.path)?;
        }
    }
    if !release.checklist_lines.is_empty() {
        writeln!(out, "{}", bold("Release checklist"))?;
        for line in &release.checklist_lines {
            writeln!(out, "  {line}")?;
        }
        if let Some(failed) = release.steps.iter().find(|s| !s.ok) {
            writeln!(out, "  output of {:?} ({}):", failed.name, failed.command)?;
            let lines: Vec<&str> = failed.output.lines().collect();
            for line in &lines[lines.len().saturating_sub(FAILED_OUTPUT_LINES)..] {
                writeln!(out, "    {line}")?;
            }
        }
    }
    writeln!(
        out,
        "{}",
        bold(&format!("Config change log ({})", release.label))
    )?;
    if release.log_lines.is_empty() {
        writeln!(out, "  no config changes")?;
    }
    for line in &release.log_lines {
        writeln!(out, "  {}", printable(line))?;
    }
    writeln!(out)
}
