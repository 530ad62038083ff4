//! Human output: findings grouped by commit and file, a fix line each, and a
//! summary that says how to get past a block.

use std::collections::BTreeMap;
use std::io::Write;

use confgate::finding::{Finding, Kind, Severity};
use owo_colors::{OwoColorize, Style};

use super::{printable, quote_path, Mode, Report};

/// Colours, decided once (`--color`, `NO_COLOR`, terminal or not).
#[derive(Debug, Clone, Copy)]
pub struct Palette {
    pub enabled: bool,
}

impl Palette {
    pub fn paint(&self, text: &str, style: Style) -> String {
        if self.enabled {
            text.style(style).to_string()
        } else {
            text.to_string()
        }
    }

    fn error(&self, text: &str) -> String {
        self.paint(text, Style::new().red().bold())
    }
    fn warn(&self, text: &str) -> String {
        self.paint(text, Style::new().yellow().bold())
    }
    fn dim(&self, text: &str) -> String {
        self.paint(text, Style::new().dimmed())
    }
    fn bold(&self, text: &str) -> String {
        self.paint(text, Style::new().bold())
    }
    fn good(&self, text: &str) -> String {
        self.paint(text, Style::new().green().bold())
    }
}

pub fn write(report: &Report<'_>, p: &Palette, out: &mut dyn Write) -> std::io::Result<()> {
    let shown: Vec<&Finding> = report
        .outcome
        .findings
        .iter()
        .filter(|f| !report.quiet || f.severity == Severity::Error)
        .collect();
    write_findings(report, &shown, p, out)?;
    if !report.quiet {
        write_notes(report, !shown.is_empty(), p, out)?;
    }
    write_summary(report, p, out)
}

/// The findings grouped by commit (in the order checked), then by file.
fn write_findings(
    report: &Report<'_>,
    shown: &[&Finding],
    p: &Palette,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let mut by_commit: BTreeMap<usize, BTreeMap<&str, Vec<&Finding>>> = BTreeMap::new();
    for finding in shown {
        let order = finding
            .commit
            .as_ref()
            .and_then(|id| report.commits.iter().position(|c| &c.id == id))
            .unwrap_or(usize::MAX);
        by_commit
            .entry(order)
            .or_default()
            .entry(finding.path.as_str())
            .or_default()
            .push(finding);
    }
    for (order, files) in &by_commit {
        if let Some(commit) = report.commits.get(*order) {
            writeln!(
                out,
                "{} {}",
                p.bold(&format!("commit {}", commit.short_id)),
                printable(&commit.summary)
            )?;
        }
        for (path, findings) in files {
            writeln!(out, "{}", p.bold(&quote_path(path)))?;
            for finding in findings {
                write_finding(out, p, finding)?;
            }
        }
        writeln!(out)?;
    }
    Ok(())
}

/// Notices, then the details `-v` asks for (or a line on skipped files).
fn write_notes(
    report: &Report<'_>,
    any_shown: bool,
    p: &Palette,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let outcome = report.outcome;
    for notice in &outcome.notices {
        writeln!(out, "{} {}", p.warn("note:"), printable(notice))?;
    }
    if report.verbose {
        write_details(report, p, out)?;
    } else if !outcome.skipped.is_empty() && any_shown {
        writeln!(
            out,
            "{} {} file(s) skipped (binary, too large or submodule); -v lists them",
            p.dim("note:"),
            outcome.skipped.len()
        )?;
    }
    Ok(())
}

/// The last line: blocked (with the way out), or what passed.
fn write_summary(report: &Report<'_>, p: &Palette, out: &mut dyn Write) -> std::io::Result<()> {
    let findings = &report.outcome.findings;
    let count = |severity: Severity| findings.iter().filter(|f| f.severity == severity).count();
    let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
    if errors > 0 {
        let files: std::collections::BTreeSet<&str> = findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| f.path.as_str())
            .collect();
        writeln!(
            out,
            "{} {} blocking finding{} in {} file{}{}",
            p.error("✖ blocked:"),
            errors,
            plural(errors),
            files.len(),
            plural(files.len()),
            if warnings > 0 {
                format!(", {warnings} warning{}", plural(warnings))
            } else {
                String::new()
            }
        )?;
        write_way_out(report, p, out)?;
    } else if let Some(reason) = &report.blocked_by {
        writeln!(out, "{} {reason}", p.error("✖ blocked:"))?;
    } else if !report.quiet && !quiet_hook_pass(report) {
        let parts = pass_parts(report, warnings);
        writeln!(out, "{} {}", p.good("✔ confgate:"), parts.join(", "))?;
    }
    Ok(())
}

/// What a passing run checked and let through, for its summary line.
fn pass_parts(report: &Report<'_>, warnings: usize) -> Vec<String> {
    let outcome = report.outcome;
    let mut parts = vec![format!(
        "{} file{} checked",
        report.files_checked,
        plural(report.files_checked)
    )];
    if !report.commits.is_empty() {
        parts.push(format!(
            "{} commit{}",
            report.commits.len(),
            plural(report.commits.len())
        ));
    }
    let recorded = outcome
        .config_changes
        .iter()
        .filter(|c| c.record.is_some())
        .count();
    if recorded > 0 {
        parts.push(format!(
            "{recorded} recorded config change{}",
            plural(recorded)
        ));
    }
    if warnings > 0 {
        parts.push(format!("{warnings} warning{}", plural(warnings)));
    }
    if outcome.baselined > 0 {
        parts.push(format!("{} in baseline", outcome.baselined));
    }
    if !outcome.suppressed.is_empty() {
        parts.push(format!("{} suppressed", outcome.suppressed.len()));
    }
    parts
}

/// A hook that passes with no findings prints no summary (its notes, if
/// any, were said already), as git's own hooks stay quiet.
fn quiet_hook_pass(report: &Report<'_>) -> bool {
    report.mode.is_client_hook() && report.outcome.findings.is_empty() && !report.verbose
}

fn write_finding(out: &mut dyn Write, p: &Palette, finding: &Finding) -> std::io::Result<()> {
    let path = quote_path(&finding.path);
    let location = match finding.line {
        Some(line) => format!("{path}:{line}"),
        None => path.into_owned(),
    };
    let label = match finding.severity {
        Severity::Error => p.error("error"),
        Severity::Warning => p.warn("warning"),
        Severity::Info => p.dim("info"),
    };
    writeln!(
        out,
        "  {}  {} {}  {}",
        location,
        label,
        p.dim(&format!("[{}]", printable(&finding.rule))),
        printable(&finding.message)
    )?;
    if let Some(snippet) = &finding.snippet {
        writeln!(out, "      {} {}", p.dim("│"), printable(snippet))?;
    }
    if let Some(fix) = &finding.fix {
        writeln!(out, "      {} {}", p.dim("fix:"), printable(fix))?;
    }
    Ok(())
}

fn write_details(report: &Report<'_>, p: &Palette, out: &mut dyn Write) -> std::io::Result<()> {
    let outcome = report.outcome;
    if !outcome.config_changes.is_empty() {
        writeln!(out, "{}", p.bold("config changes:"))?;
        for change in &outcome.config_changes {
            let record = match &change.record {
                Some(r) => match &change.rollback_of {
                    Some(of) => format!("rollback of {of}, recorded by {}", r.owner),
                    None => format!("owner {} ({})", r.owner, r.source),
                },
                None => "no record".to_string(),
            };
            writeln!(
                out,
                "  {}  {}  {}",
                quote_path(&change.path),
                printable(&change.summary(6)),
                p.dim(&printable(&record))
            )?;
        }
    }
    for s in &outcome.suppressed {
        writeln!(
            out,
            "{} {}:{} [{}] -- {}",
            p.dim("suppressed:"),
            quote_path(&s.path),
            s.line.unwrap_or(0),
            printable(&s.rule),
            printable(&s.reason)
        )?;
    }
    for s in &outcome.skipped {
        writeln!(
            out,
            "{} {}: {}",
            p.dim("skipped:"),
            quote_path(&s.path),
            printable(&s.reason)
        )?;
    }
    Ok(())
}

fn write_way_out(report: &Report<'_>, p: &Palette, out: &mut dyn Write) -> std::io::Result<()> {
    let kinds: std::collections::BTreeSet<Kind> = report
        .outcome
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| f.kind)
        .collect();
    let draft = report.outcome.drafts.first();
    if let (Some(draft), true) = (
        draft,
        kinds.contains(&Kind::MissingRecord) || kinds.contains(&Kind::IncompleteRecord),
    ) {
        writeln!(
            out,
            "  {}",
            p.bold(&format!(
                "a complete record, as a file under {} (confgate record new):",
                draft.dir
            ))
        )?;
        for line in draft.example_file().lines() {
            writeln!(out, "      {line}")?;
        }
        if !draft.file_only {
            writeln!(
                out,
                "  {}",
                p.bold("or as the last paragraph of the commit message:")
            )?;
            for line in draft.example_trailers().lines() {
                writeln!(out, "      {line}")?;
            }
        }
    }
    if kinds.contains(&Kind::Secret) || kinds.contains(&Kind::SecuritySetting) {
        writeln!(
            out,
            "  suppress one finding, with a reason: {}",
            p.bold("# confgate: allow <rule-id> -- <reason>")
        )?;
    }
    match report.mode {
        Mode::PreCommit | Mode::CommitMsg => writeln!(
            out,
            "  bypass (not recommended): {} — the pre-push check and CI still run",
            p.bold("git commit --no-verify")
        )?,
        Mode::PrePush => writeln!(
            out,
            "  bypass (not recommended): {} — CI still runs; a secret already committed must be rotated",
            p.bold("git push --no-verify")
        )?,
        _ => {}
    }
    writeln!(out, "  details: {}", p.bold("confgate explain <rule-id>"))
}

pub(super) fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
