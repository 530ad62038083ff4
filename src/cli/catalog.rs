//! `rules` and `explain`: what is in force, and what each rule means.

use std::io::Write;

use anyhow::{bail, Result};
use confgate::config::plan::Plan;
use confgate::finding::{Kind, Severity};
use confgate::git::Repo;
use confgate::ruleinfo;

use super::{App, Status};
use crate::report::Format;

fn current_plan(app: &App) -> Result<Plan> {
    let root = match Repo::open() {
        Ok(repo) => repo.root().to_path_buf(),
        Err(_) => std::env::current_dir()?,
    };
    app.plan(&root)
}

pub fn rules(app: &App) -> Result<Status> {
    let plan = current_plan(app)?;
    let rules = ruleinfo::all_rules(&plan)?;
    let mut out = super::stdout();
    let written = if app.global.format == Format::Human {
        let width = rules.iter().map(|r| r.id.len()).max().unwrap_or(10);
        let mut result = Ok(());
        for rule in &rules {
            let state = if rule.enabled { "" } else { " (disabled)" };
            result = writeln!(
                out,
                "{:<width$}  {:<17} {:<15} {:<8} {}{}",
                rule.id,
                rule.kind_label(),
                rule.category,
                rule.severity.as_str(),
                rule.description,
                state
            );
            if result.is_err() {
                break;
            }
        }
        result.and_then(|()| {
            writeln!(
                out,
                "\n{} rules; `confgate explain <id>` for one",
                rules.len()
            )
        })
    } else {
        let text =
            serde_json::to_string_pretty(&serde_json::json!({"version": 1, "rules": rules}))?;
        writeln!(out, "{text}")
    };
    written?;
    Ok(Status::Pass)
}

pub fn explain(app: &App, id: &str) -> Result<Status> {
    let plan = current_plan(app)?;
    let rules = ruleinfo::all_rules(&plan)?;
    let Some(rule) = rules.iter().find(|r| r.id == id) else {
        let close: Vec<&str> = rules
            .iter()
            .filter(|r| r.id.contains(id) || id.contains(r.id.as_str()))
            .map(|r| r.id.as_str())
            .take(5)
            .collect();
        if close.is_empty() {
            bail!("no rule {id:?}: `confgate rules` lists them");
        }
        bail!("no rule {id:?}; did you mean {}?", close.join(", "));
    };
    // What the examples really get, outside a designated security file, so
    // that the text cannot promise what the rule does not do.
    let judged = |example: &str| match rule.kind {
        Kind::SecuritySetting if !example.is_empty() => {
            plan.security.example_verdict(&rule.id, example)
        }
        _ => None,
    };
    let bad_verdict = judged(&rule.example_bad);
    let good_verdict = judged(&rule.example_good);
    let mut out = super::stdout();
    if app.global.format != Format::Human {
        let mut value = serde_json::to_value(rule)?;
        if rule.kind == Kind::SecuritySetting {
            value["example_bad_verdict"] =
                serde_json::json!(bad_verdict.map(|s| s.as_str()).unwrap_or("quiet"));
        }
        value["example_good_verdict"] =
            serde_json::json!(good_verdict.map(|s| s.as_str()).unwrap_or("quiet"));
        writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
        return Ok(Status::Pass);
    }
    let p = &app.palette;
    let bold = |t: &str| p.paint(t, owo_colors::Style::new().bold());
    writeln!(
        out,
        "{}  ({}, {}, {}{})",
        bold(&rule.id),
        rule.kind_label(),
        rule.category,
        rule.severity.as_str(),
        if rule.enabled { "" } else { ", disabled" }
    )?;
    writeln!(out, "{}\n", rule.description)?;
    writeln!(out, "{}\n  {}\n", bold("What it matches"), rule.matches)?;
    writeln!(out, "{}\n  {}\n", bold("Why it matters"), rule.why)?;
    writeln!(out, "{}\n  {}\n", bold("How to fix it"), rule.fix)?;
    if !rule.example_bad.is_empty() {
        let label = match bad_verdict {
            Some(severity) => format!("Flagged ({})", severity.as_str()),
            None => "Flagged".to_string(),
        };
        writeln!(out, "{}", bold(&label))?;
        for line in rule.example_bad.lines() {
            writeln!(out, "  {line}")?;
        }
    }
    if !rule.example_good.is_empty() {
        let label = match good_verdict {
            None => "Not flagged".to_string(),
            Some(Severity::Error) => "Flagged, although written as the good example (error)".to_string(),
            Some(severity) => format!(
                "Not blocked: outside a designated security file, a {} that the setting belongs in one",
                severity.as_str()
            ),
        };
        writeln!(out, "{}", bold(&label))?;
        for line in rule.example_good.lines() {
            writeln!(out, "  {line}")?;
        }
    }
    writeln!(out, "\nTurn it off: [rules] extend_disable = [\"{}\"]; change its severity: [rules.severity] {} = \"warning\"", rule.id, rule.id)?;
    Ok(Status::Pass)
}
