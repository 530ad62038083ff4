//! `scan` and `baseline`: files as they are on disk, through the library's
//! scan, reported or written as a baseline.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use confgate::config::plan::Plan;
use confgate::detect::baseline::{self, Baseline};
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

pub fn baseline(app: &App, args: &BaselineArgs) -> Result<Status> {
    let result = run_scan(app, &args.paths)?;
    let output = match &args.output {
        None => result.root.join(baseline::FILE_NAME),
        Some(path) => inside_root(&result.root, path)?,
    };
    let baseline = Baseline::from_findings(&result.scanned.outcome.findings);
    let temp = output.with_extension("json.tmp");
    std::fs::write(&temp, baseline.to_json())
        .with_context(|| format!("cannot write {}", temp.display()))?;
    std::fs::rename(&temp, &output)
        .with_context(|| format!("cannot write {}", output.display()))?;
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
