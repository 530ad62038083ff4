//! The release gate's own checks: which commits a release covers, and the
//! environment configs (`[environments]`) each parsing, holding every key
//! production has, and no placeholder.

use std::collections::HashSet;

use crate::git::CommitId;
use anyhow::{bail, Result};
use serde::Serialize;

use crate::config::plan::Plan;
use crate::finding::{rule, Finding, Kind, Severity};
use crate::git::{Repo, Side};
use crate::keydiff::{self, KeyMap};
use crate::records::record;
use crate::session::{Observer, Session};

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

/// The environment a release is compared with: every other one must have
/// its keys.
const PRODUCTION: &str = "production";

/// One environment config as the release check found it.
#[derive(Debug, Clone, Serialize)]
pub struct EnvironmentStatus {
    pub name: String,
    pub path: String,
    /// It is in HEAD and parses.
    pub ok: bool,
    /// How many keys it sets, when it parses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keys: Option<usize>,
}

/// One step of the release checklist, as it ran.
#[derive(Debug, Clone, Serialize)]
pub struct StepResult {
    pub name: String,
    pub command: String,
    pub ok: bool,
    pub seconds: f64,
    /// What it printed (stdout, then stderr): shown when it failed.
    #[serde(skip)]
    pub output: String,
}

/// The commits a release covers: `since..HEAD`, by default since the latest
/// tag reachable from HEAD (all history, or since the adoption point, when
/// there is none). Returns how the range reads for people, and the commits.
pub fn range_since(
    session: &Session,
    since: Option<&str>,
    observer: &dyn Observer,
) -> Result<(String, Vec<CommitId>)> {
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
    Ok((label, session.range_to_check(observer, &spec)?))
}

/// A `config-drift` finding on an environment file.
fn drift(path: &str, key: &str, message: String, fix: impl Into<String>) -> Finding {
    Finding::new(
        Kind::ConfigDrift,
        rule::CONFIG_DRIFT,
        Severity::Error,
        path,
        key,
    )
    .message(message)
    .fix(fix)
}

/// `[environments]` as committed at HEAD: each parses, every environment
/// has production's keys, no placeholder values.
pub fn check_environments(
    repo: &Repo,
    plan: &Plan,
) -> Result<(Vec<Finding>, Vec<EnvironmentStatus>)> {
    let mut findings = Vec::new();
    let mut statuses = Vec::new();
    let mut maps: Vec<(String, String, KeyMap)> = Vec::new();
    let placeholders: HashSet<String> = plan
        .placeholders
        .iter()
        .cloned()
        .chain(ENV_PLACEHOLDERS.iter().map(|s| s.to_string()))
        .collect();
    for (name, path) in &plan.environments {
        let map = read_environment(repo, name, path, &placeholders, &mut findings)?;
        statuses.push(EnvironmentStatus {
            name: name.clone(),
            path: path.clone(),
            ok: map.is_some(),
            keys: map.as_ref().map(|m| m.len()),
        });
        if let Some(map) = map {
            maps.push((name.clone(), path.clone(), map));
        }
    }
    findings.extend(missing_production_keys(&maps));
    Ok((findings, statuses))
}

/// One environment's keys, when it is in HEAD and parses; findings for a
/// missing file, a parse error or a placeholder value.
fn read_environment(
    repo: &Repo,
    name: &str,
    path: &str,
    placeholders: &HashSet<String>,
    findings: &mut Vec<Finding>,
) -> Result<Option<KeyMap>> {
    let Some(text) = repo.read_file(Side::Head, path)? else {
        findings.push(drift(
            path,
            &format!("missing:{name}"),
            format!("environment {name}: {path} is not in HEAD"),
            "commit the file, or correct its path under [environments]",
        ));
        return Ok(None);
    };
    let Some(format) = keydiff::format_for_text(path, &text) else {
        bail!("[environments] {name} = {path:?}: confgate cannot read this file type (use TOML, YAML, JSON, INI, .env or a settings module)");
    };
    match keydiff::parse(format, &text) {
        Ok(map) => {
            for (key, value) in &map {
                let v = value.value.trim().trim_matches(|c| c == '"' || c == '\'');
                // An empty environment value is a setting left to its
                // default, not a stand-in (unlike an empty record field).
                if record::is_placeholder(v, placeholders) && !v.is_empty() {
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
            Ok(Some(map))
        }
        Err(err) => {
            let mut finding = Finding::new(
                Kind::InvalidConfig,
                rule::INVALID_CONFIG,
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
            Ok(None)
        }
    }
}

/// A `config-drift` finding for each key production has and another
/// environment lacks.
fn missing_production_keys(maps: &[(String, String, KeyMap)]) -> Vec<Finding> {
    let mut findings = Vec::new();
    let Some((_, prod_path, production)) = maps.iter().find(|(name, _, _)| name == PRODUCTION)
    else {
        return findings;
    };
    for (name, path, map) in maps {
        if name == PRODUCTION {
            continue;
        }
        for key in production.keys() {
            if !map.contains_key(key) {
                findings.push(drift(
                    path,
                    &format!("{name}:{key}"),
                    format!("environment {name} lacks {key}, which production ({prod_path}) has"),
                    format!("add {key} to {path}, so {name} tests what production runs"),
                ));
            }
        }
    }
    findings
}
