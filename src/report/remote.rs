//! Human output of the server hooks, made for the `remote:` lines of a
//! `git push`: each blocked commit with its short id, the blocking findings
//! (redacted, one line each), the one command that fixes the commit, and a
//! summary line last.

use std::collections::BTreeMap;
use std::io::Write;

use confgate::finding::{Finding, Kind, Severity};
use confgate::model::CommitInfo;

use super::human::plural;
use super::{Palette, Report};
use owo_colors::Style;

/// The longest text a finding line quotes: `remote:` lines are read in a
/// terminal after a failed push.
const MAX_TEXT: usize = 100;

pub fn write(report: &Report<'_>, p: &Palette, out: &mut dyn Write) -> std::io::Result<()> {
    let red = Style::new().red().bold();
    let blocking: Vec<&Finding> = report
        .outcome
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    // Commits in the order checked (oldest first); findings of no known
    // commit last.
    let mut by_commit: BTreeMap<usize, Vec<&Finding>> = BTreeMap::new();
    for finding in &blocking {
        let order = finding
            .commit
            .as_ref()
            .and_then(|id| report.commits.iter().position(|c| &c.id == id))
            .unwrap_or(usize::MAX);
        by_commit.entry(order).or_default().push(finding);
    }
    for (order, findings) in &by_commit {
        let commit = report.commits.get(*order);
        match commit {
            Some(commit) => writeln!(
                out,
                "{} {} {}",
                p.paint("✖", red),
                p.paint(&commit.short_id, Style::new().bold()),
                clip(&commit.summary, 60)
            )?,
            None => writeln!(out, "{}", p.paint("✖", red))?,
        }
        for finding in findings {
            let location = match finding.line {
                Some(line) => format!("{}:{line}", finding.path),
                None => finding.path.clone(),
            };
            // The snippet is redacted by the engine; the message says what
            // was found when there is no snippet.
            let text = finding.snippet.as_deref().unwrap_or(&finding.message);
            writeln!(
                out,
                "    {location} [{}] {}",
                finding.rule,
                clip(text, MAX_TEXT)
            )?;
        }
        if let Some(commit) = commit {
            writeln!(out, "    fix: {}", fix_command(commit, findings))?;
        }
    }
    for notice in &report.outcome.notices {
        writeln!(out, "confgate: note: {notice}")?;
    }
    let commits = report.commits.len();
    if !blocking.is_empty() {
        let blocked_commits = by_commit.keys().filter(|k| **k != usize::MAX).count();
        writeln!(
            out,
            "{} {} blocking finding{} in {} of {} new commit{}; details: confgate explain <rule>",
            p.paint("confgate: push refused:", red),
            blocking.len(),
            plural(blocking.len()),
            blocked_commits,
            commits,
            plural(commits)
        )?;
    } else if let Some(reason) = &report.blocked_by {
        writeln!(out, "{} {reason}", p.paint("confgate: push refused:", red))?;
    } else if !report.quiet {
        writeln!(
            out,
            "{} {} new commit{} checked, nothing blocking",
            p.paint("confgate:", Style::new().green().bold()),
            commits,
            plural(commits)
        )?;
    }
    Ok(())
}

/// The one command that fixes a blocked commit: rewrite it, then push again.
fn fix_command(commit: &CommitInfo, findings: &[&Finding]) -> String {
    let only_records = findings
        .iter()
        .all(|f| matches!(f.kind, Kind::MissingRecord | Kind::IncompleteRecord));
    let what = if only_records {
        "reword it, adding Config-Owner, Expected-Result and Rollback trailers"
    } else if findings.iter().any(|f| f.kind == Kind::Secret) {
        "edit it, removing the secret; rotate the secret"
    } else {
        "edit it, moving or removing what is flagged"
    };
    format!(
        "git rebase -i {}~1   ({what}), then push again",
        commit.short_id
    )
}

/// At most `max` characters of one line of `text`, with `…` when cut.
fn clip(text: &str, max: usize) -> String {
    let line = text.lines().next().unwrap_or_default();
    if line.chars().count() <= max && !text.contains('\n') {
        return line.to_string();
    }
    let mut out: String = line.chars().take(max).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use confgate::outcome::Outcome;

    fn finding(kind: Kind, rule: &str, commit: &str, severity: Severity) -> Finding {
        let mut f = Finding::new(kind, rule, severity, "config/app.toml", "k").at_line(3);
        f.commit = Some(commit.to_string());
        f.snippet("token = \"ghp_…\"")
            .message("a long message\nwith a second line")
    }

    fn commit(id: &str, summary: &str) -> CommitInfo {
        CommitInfo {
            id: id.to_string(),
            short_id: id[..7].to_string(),
            summary: summary.to_string(),
            message: summary.to_string(),
        }
    }

    fn render(outcome: &Outcome, commits: &[CommitInfo]) -> String {
        let report = Report {
            mode: super::super::Mode::PreReceive,
            outcome,
            commits,
            rules: &[],
            files_checked: 1,
            quiet: false,
            verbose: false,
            blocked_by: None,
            range: None,
            release: None,
        };
        let mut out = Vec::new();
        write(&report, &Palette { enabled: false }, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn blocked_commits_in_order_with_their_fix_and_the_summary_last() {
        let a = "a".repeat(40);
        let b = "b".repeat(40);
        let outcome = Outcome {
            findings: vec![
                finding(Kind::MissingRecord, "missing-record", &b, Severity::Error),
                finding(Kind::Secret, "github-token", &a, Severity::Error),
                finding(Kind::SecuritySetting, "debug-mode", &a, Severity::Warning),
            ],
            ..Outcome::default()
        };
        let text = render(&outcome, &[commit(&a, "first"), commit(&b, "second")]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            [
                "✖ aaaaaaa first",
                "    config/app.toml:3 [github-token] token = \"ghp_…\"",
                "    fix: git rebase -i aaaaaaa~1   (edit it, removing the secret; rotate the secret), then push again",
                "✖ bbbbbbb second",
                "    config/app.toml:3 [missing-record] token = \"ghp_…\"",
                "    fix: git rebase -i bbbbbbb~1   (reword it, adding Config-Owner, Expected-Result and Rollback trailers), then push again",
                "confgate: push refused: 2 blocking findings in 2 of 2 new commits; details: confgate explain <rule>",
            ],
            "{text}"
        );
    }

    #[test]
    fn a_pass_is_one_line_and_text_is_clipped_to_one_line() {
        let text = render(&Outcome::default(), &[commit(&"c".repeat(40), "x")]);
        assert_eq!(text, "confgate: 1 new commit checked, nothing blocking\n");
        assert_eq!(clip("one\ntwo", 10), "one…");
        assert_eq!(clip(&"x".repeat(5), 3), "xxx…");
        assert_eq!(clip("short", 10), "short");
    }
}
