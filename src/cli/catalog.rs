//! `rules` and `explain`: what is in force, and what each rule means.

use std::io::Write;

use anyhow::{bail, Result};
use confgate::config::plan::Plan;
use confgate::finding::Severity;
use confgate::git::Repo;
use confgate::records::policy;
use confgate::ruleinfo::RuleInfo;

use super::{App, Status};
use crate::report::Format;

// A table of literal rule texts reads best as one call per rule.
#[allow(clippy::too_many_arguments)]
fn builtin(
    id: &str,
    kind: &str,
    severity: &str,
    description: &str,
    matches: &str,
    why: &str,
    fix: &str,
    bad: &str,
    good: &str,
) -> RuleInfo {
    RuleInfo {
        id: id.to_string(),
        kind: kind.to_string(),
        category: "record".to_string(),
        severity: severity.to_string(),
        description: description.to_string(),
        matches: matches.to_string(),
        why: why.to_string(),
        fix: fix.to_string(),
        example_bad: bad.to_string(),
        example_good: good.to_string(),
        enabled: true,
    }
}

/// The rules of the change-record checks and the record policies.
fn record_rules(plan: &Plan) -> Vec<RuleInfo> {
    let severity = |id: &str, default: &str| {
        plan.severity
            .get(id)
            .map(|s| s.as_str().to_string())
            .unwrap_or_else(|| default.to_string())
    };
    let fields: Vec<String> = plan
        .field_policies
        .iter()
        .map(|p| {
            let wanted: Vec<String> = p.fields.iter().map(|alts| alts.join(" or ")).collect();
            format!(
                "{} ({}): {}",
                p.id,
                p.paths.patterns.join(", "),
                wanted.join(", ")
            )
        })
        .collect();
    let mut rules = vec![
        builtin("missing-record", "missing-record", "error",
            "A config change without a change record",
            "any change to a file matched by config.include (and not config.exclude), designated security files included, with no record file in the commit and no Config-Owner / Expected-Result / Rollback trailers (the message's last paragraph, or one block of a squashed message), unless it exactly undoes a recorded commit it reverts",
            "a config change nobody owns, with no expected result and no rollback, is the one that breaks production at night with nobody to ask",
            "add a record file under config-changes/ (`confgate record new`) or the three trailers to the commit message",
            "git commit -m 'bump cache ttl'   # config/cache.toml changed",
            "git commit -m 'bump cache ttl' -m 'Config-Owner: @payments-sre\nExpected-Result: hit ratio from 61% to above 80%\nRollback: revert; set cache.ttl back to 60'"),
        builtin("incomplete-record", "incomplete-record", "error",
            "A change record without all of owner, expected result and rollback",
            "a record file or trailers where a field is missing, empty, a placeholder (TBD, TODO, n/a, -, …), an owner not of the form @handle, @org/team or e-mail, or an owner not allowed by record.owners, CODEOWNERS or security.owners",
            "the three fields only help when they are recorded together and filled in by someone who will answer for them",
            "fill in each field named in the message",
            "owner = \"bob\"\nexpected = \"TBD\"",
            "owner = \"@payments-sre\"\nexpected = \"p95 below 200 ms\"\nrollback = \"revert; set cache.ttl back to 60\""),
        builtin("invalid-config", "invalid-config", "error",
            "A config file that no longer parses",
            "a changed TOML, YAML, JSON, INI, .env or Python settings file that its parser rejects",
            "a service that cannot load its configuration does not start, or starts with defaults",
            "fix the syntax at the line and column given",
            "[cache]\nttl = ",
            "[cache]\nttl = 300"),
        builtin("skipped-file", "skipped-file", if plan.skip_blocks { "error" } else { "warning" },
            "A text file too large to check",
            "a changed or scanned text file over 16 times limits.max_file_size (1 MiB by default; smaller large files are checked in chunks) that is not in limits.skip_paths; binary content (images, fonts, archives, compiled code) is never a finding",
            "what confgate did not read it did not check: a secret in a large file would pass unseen",
            "split the file, raise limits.max_file_size, or list it in limits.skip_paths (limits.on_skip = \"warn\" only shows it)",
            "data/export.sql   # 40 MB of text",
            "[limits]\nskip_paths = [\"data/*.sql\"]"),
        builtin("policy-weakened", "policy-weakened", "error",
            "A change that loosens the policy judging it",
            "a commit that changes .confgate.toml, [tool.confgate] of pyproject.toml or .confgate-baseline.json so that less is checked: a rule disabled or removed, a severity lowered, a path ignored (secrets.ignore, security.ignore, config.exclude) or no longer config, designated security files widened, record requirements or owners loosened, limits raised, baseline entries added. The parsed old and new policies are compared, not their text. It cannot be disabled or lowered",
            "the policy that judges a commit is the one already committed: a commit that could switch off its own checks (ignore app/ and add a key there) makes the gate worthless",
            "keep the policy as it was, or add a complete change record to the same commit (owner one of security.owners when that is set)",
            "[secrets]\nignore = [\"app/\"]   # same commit adds app/keys.py",
            "the same change with a record signed by a security owner, alone in its commit"),
        builtin(policy::RECORD_FIELDS, "policy", &severity(policy::RECORD_FIELDS, "error"),
            "Extra record fields for risky kinds of change",
            &format!("changes matching a [[record.require]] entry: {}", fields.join("; ")),
            "migrations, caches and background jobs fail in ways the three fields do not cover: where a migration was tried, which cache rule applies and when it is bypassed, why a job may run twice",
            "add the named field to the record file (or as a trailer, e.g. Tested-On:)",
            "owner = \"@db\"\nexpected = \"…\"\nrollback = \"…\"   # alembic/versions/0042.py",
            "tested_on = \"staging snapshot, 41 M rows, 3 min\"\nquery_plan = \"index scan on orders_customer_id\""),
        builtin(policy::ONE_CHANGE, "policy", &severity(policy::ONE_CHANGE, "warning"),
            "One change at a time",
            "a commit changing more than record.max_keys config keys, or keys of more than three areas (top-level sections of files)",
            "a broad rewrite cannot be verified against one expected result, and cannot be rolled back in part",
            "split the commit: one small verified change, one record",
            "12 keys across cache, db, auth and features in one commit",
            "cache.ttl 60 → 300, with its own record"),
        builtin(policy::MEASURABLE, "policy", &severity(policy::MEASURABLE, "warning"),
            "The expected result names something to measure",
            "an expected result with no number, unit, percentile, rate or before → after comparison",
            "\"faster\" cannot be checked after the deploy; \"p95 from 450 ms to below 200 ms\" can",
            "state the before and the target",
            "expected = \"search is faster\"",
            "expected = \"p95 of /search from 450 ms to below 200 ms within 1 h\""),
        builtin(policy::ROLLBACK, "policy", &severity(policy::ROLLBACK, "warning"),
            "The rollback can really roll back",
            "a rollback that only says \"revert\" on a change a revert cannot undo: a migration, a removed key running services read, a renamed or deleted config file",
            "reverting the commit does not un-run a migration or bring back a key a running service already failed on",
            "add the data or deploy step",
            "rollback = \"revert\"   # on a migration",
            "rollback = \"run downgrade to 0041, then revert; readers first\""),
    ];
    for rule in &mut rules {
        rule.enabled = !plan.is_disabled(&rule.id);
    }
    rules
}

pub fn all_rules(plan: &Plan) -> Vec<RuleInfo> {
    let mut rules = record_rules(plan);
    rules.extend(plan.secrets.rules());
    rules.extend(plan.security.rules());
    // [rules.severity] applies to every rule: show what is in force.
    for rule in &mut rules {
        if let Some(severity) = plan.severity.get(&rule.id) {
            rule.severity = severity.as_str().to_string();
        }
    }
    rules
}

fn current_plan(app: &App) -> Result<Plan> {
    let root = match Repo::open() {
        Ok(repo) => repo.root().to_path_buf(),
        Err(_) => std::env::current_dir()?,
    };
    app.plan(&root)
}

pub fn rules(app: &App) -> Result<Status> {
    let plan = current_plan(app)?;
    let rules = all_rules(&plan);
    let mut out = super::stdout();
    let written = if app.global.format == Format::Human {
        let width = rules.iter().map(|r| r.id.len()).max().unwrap_or(10);
        let mut result = Ok(());
        for rule in &rules {
            let state = if rule.enabled { "" } else { " (disabled)" };
            result = writeln!(
                out,
                "{:<width$}  {:<17} {:<15} {:<8} {}{}",
                rule.id, rule.kind, rule.category, rule.severity, rule.description, state
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
    let rules = all_rules(&plan);
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
    let judged = |example: &str| match rule.kind.as_str() {
        "security-setting" if !example.is_empty() => {
            plan.security.example_verdict(&rule.id, example)
        }
        _ => None,
    };
    let bad_verdict = judged(&rule.example_bad);
    let good_verdict = judged(&rule.example_good);
    let mut out = super::stdout();
    if app.global.format != Format::Human {
        let mut value = serde_json::to_value(rule)?;
        if rule.kind == "security-setting" {
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
        rule.kind,
        rule.category,
        rule.severity,
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
