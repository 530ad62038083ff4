//! `scan` and `baseline`: files as they are on disk, through the library's
//! scan, reported or written as a baseline.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use confgate::bounded;
use confgate::config::plan::Plan;
use confgate::detect::baseline::{self, Baseline};
use confgate::detect::detect_secrets::{self, SecretsBaseline};
use confgate::detect::secrets::secrets_by_fingerprint;
use confgate::finding::Kind;
use confgate::model::Lines;
use confgate::scan::{self as scanning, Scanned};

use super::args::BaselineArgs;
use super::{App, Status};
use crate::report::{Format, Mode};

/// What a scan found, with the root it is reported against and the plan
/// that judged it.
struct ScanResult {
    root: PathBuf,
    plan: Plan,
    scanned: Scanned,
}

fn run_scan(app: &App, paths: &[PathBuf]) -> Result<ScanResult> {
    let root = scanning::scan_root(paths)?;
    let root = root.canonicalize().unwrap_or(root);
    let plan = app.plan(&root)?;
    if app.human() {
        let project = plan.sources.get(1..).unwrap_or_default();
        app.say(&format!(
            "confgate: policy read from the working tree, not from a commit ({})",
            if project.is_empty() {
                "built-in defaults only".to_string()
            } else {
                project.join(", ")
            }
        ));
    }
    let scanned = scanning::scan_paths(&plan, &root, paths)?;
    Ok(ScanResult {
        root,
        plan,
        scanned,
    })
}

/// `--output` resolved, refused when it is outside `root`: confgate writes
/// only inside the repository (or the scanned directory).
fn inside_root(root: &Path, path: &Path) -> Result<PathBuf> {
    let refuse = || {
        format!(
            "--output {}: outside the repository ({}); confgate writes only inside it",
            path.display(),
            root.display()
        )
    };
    let absolute = std::env::current_dir()
        .context("cannot read the current directory")?
        .join(path);
    let (Some(parent), Some(name)) = (absolute.parent(), absolute.file_name()) else {
        bail!(refuse());
    };
    let parent = parent
        .canonicalize()
        .with_context(|| format!("--output {}: no such directory", path.display()))?;
    if !parent.starts_with(root) {
        bail!(refuse());
    }
    Ok(parent.join(name))
}

pub fn scan(app: &App, paths: &[PathBuf]) -> Result<Status> {
    let mut result = run_scan(app, paths)?;
    scanning::apply_baseline(&mut result.scanned, &result.root)?;
    scanning::security_notices(&result.plan, &mut result.scanned.outcome);
    let rules = if app.global.format == Format::Sarif {
        confgate::ruleinfo::all_rules(&result.plan)?
    } else {
        Vec::new()
    };
    let scanned = &result.scanned;
    app.emit(&app.report(Mode::Scan, &scanned.outcome, &[], &rules, scanned.files))
}

/// Write `baseline` to `output` whole or not at all.
fn write_baseline(baseline: &Baseline, output: &Path) -> Result<()> {
    let temp = output.with_extension("json.tmp");
    std::fs::write(&temp, baseline.to_json())
        .with_context(|| format!("cannot write {}", temp.display()))?;
    std::fs::rename(&temp, output).with_context(|| format!("cannot write {}", output.display()))
}

/// `baseline --import FILE`: today's secret findings that the
/// detect-secrets baseline accepts join confgate's baseline (kept entries
/// and all).
fn import_baseline(app: &App, args: &BaselineArgs, file: &Path) -> Result<Status> {
    let name = file.display().to_string();
    let text = bounded::read_text(file, bounded::BASELINE_LIMIT, "detect-secrets baseline")?
        .with_context(|| format!("cannot read {name}: no such file"))?;
    let theirs = SecretsBaseline::parse(&name, &text)?;
    let result = run_scan(app, &args.paths)?;
    let output = match &args.output {
        None => result.root.join(baseline::FILE_NAME),
        Some(path) => inside_root(&result.root, path)?,
    };
    let secrets = finding_secrets(&result);
    let imported = detect_secrets::import(&theirs, &result.scanned.outcome.findings, &secrets);
    let mut entries = Baseline::from_findings(&imported.accepted).findings;
    if let Some(existing) = Baseline::load(&output)? {
        let known: HashSet<String> = entries.iter().map(|e| e.fingerprint.clone()).collect();
        entries.extend(
            existing
                .findings
                .into_iter()
                .filter(|e| !known.contains(&e.fingerprint)),
        );
    }
    entries.sort_by(|a, b| {
        (&a.path, &a.rule, &a.fingerprint).cmp(&(&b.path, &b.rule, &b.fingerprint))
    });
    write_baseline(&Baseline::new(entries), &output)?;
    app.say(&format!(
        "confgate: imported {} finding{} from {name} ({} entries) into {}: {} audited as false positives, {} never audited (accepted, as detect-secrets' hook accepts them: run `detect-secrets audit` first to review); {} audited as real secrets stay reported; commit it",
        imported.accepted.len(),
        if imported.accepted.len() == 1 { "" } else { "s" },
        theirs.entries(),
        output.display(),
        imported.audited,
        imported.unaudited,
        imported.real,
    ));
    Ok(Status::Pass)
}

/// Each secret finding's secret, by fingerprint, from the scanned files.
fn finding_secrets(result: &ScanResult) -> HashMap<String, String> {
    let mut paths: Vec<&str> = result
        .scanned
        .outcome
        .findings
        .iter()
        .filter(|f| f.kind == Kind::Secret)
        .map(|f| f.path.as_str())
        .collect();
    paths.sort_unstable();
    paths.dedup();
    let mut out = HashMap::new();
    for path in paths {
        let full = result.root.join(path);
        let Ok(Some(text)) = bounded::read_text(&full, result.plan.max_file_size, "file") else {
            continue;
        };
        let (found, spans) = result
            .plan
            .secrets
            .scan_spans(path, &text, Lines::All, None);
        for (fingerprint, secret) in secrets_by_fingerprint(path, &text, &found, &spans) {
            out.insert(fingerprint, secret.to_string());
        }
    }
    out
}

pub fn baseline(app: &App, args: &BaselineArgs) -> Result<Status> {
    if let Some(file) = &args.import {
        return import_baseline(app, args, file);
    }
    let result = run_scan(app, &args.paths)?;
    let output = match &args.output {
        None => result.root.join(baseline::FILE_NAME),
        Some(path) => inside_root(&result.root, path)?,
    };
    let baseline = Baseline::from_findings(&result.scanned.outcome.findings);
    write_baseline(&baseline, &output)?;
    let fingerprints = baseline.findings.len();
    let findings = baseline.occurrences();
    let why = if findings > fingerprints {
        format!(
            "; identical findings in the same file share a fingerprint, which approves as many as were counted ({} fingerprint{} stand for more than one)",
            baseline.findings.iter().filter(|e| e.count > 1).count(),
            if baseline.findings.iter().filter(|e| e.count > 1).count() == 1 { "" } else { "s" },
        )
    } else {
        String::new()
    };
    app.say(&format!(
        "confgate: wrote {findings} finding{} as {fingerprints} fingerprint{} to {}{why} (scan and hooks now report only new findings; commit it)",
        if findings == 1 { "" } else { "s" },
        if fingerprints == 1 { "" } else { "s" },
        output.display()
    ));
    Ok(Status::Pass)
}
