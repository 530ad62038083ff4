//! `scan` and `baseline`: files as they are on disk, in a git working tree
//! (respecting .gitignore) or any directory.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{bail, Context, Result};
use confgate::config::plan::Plan;
use confgate::decode;
use confgate::detect::baseline::{self, Baseline};
use confgate::engine::{self, Mode};
use confgate::finding::Kind;
use confgate::git::Repo;
use confgate::model::{ChangeSet, ChangeStatus, Content, FileChange};
use confgate::outcome::Outcome;

use super::args::{BaselineArgs, Format};
use super::{catalog, App, Status};

/// What a scan found, before the baseline is applied.
struct ScanResult {
    root: PathBuf,
    plan: Plan,
    outcome: Outcome,
    files: usize,
    whole_tree: bool,
}

/// Files per scan job: enough to make a job worth handing to another core,
/// few enough that the walk keeps the cores fed.
const SCAN_BATCH: usize = 32;

/// The root paths are reported against: the repository's working tree, or
/// the scanned directory outside git.
fn scan_root(paths: &[PathBuf]) -> Result<PathBuf> {
    if let Ok(repo) = Repo::open() {
        return Ok(repo.root().to_path_buf());
    }
    match paths {
        [single] if single.is_dir() => Ok(single.clone()),
        _ => std::env::current_dir().context("cannot read the current directory"),
    }
}

fn run_scan(app: &App, paths: &[PathBuf]) -> Result<ScanResult> {
    let root = scan_root(paths)?;
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
    let targets: Vec<PathBuf> = if paths.is_empty() {
        vec![std::env::current_dir().context("cannot read the current directory")?]
    } else {
        paths.to_vec()
    };
    if let Some(missing) = targets.iter().find(|t| !t.exists()) {
        bail!("{}: no such file or directory", missing.display());
    }
    let whole_tree = paths.is_empty()
        || targets
            .iter()
            .any(|t| t.canonicalize().ok().as_deref() == Some(root.as_path()));
    let ctx = engine::Context {
        mode: Mode::Scan,
        baseline: None,
        codeowners: None,
        reverted: None,
        policy_change: None,
    };
    let scan_one = |(path, shown, is_link): &(PathBuf, String, bool)| -> Result<Outcome> {
        let content = if *is_link {
            // The link's own text (the OS bounds it), not its target file.
            let target = std::fs::read_link(path)
                .with_context(|| format!("cannot read the link {}", path.display()))?;
            Content::Symlink(target.to_string_lossy().into_owned())
        } else {
            read_content(path, plan.max_file_size)?
        };
        let change = ChangeSet {
            commit: None,
            files: vec![FileChange {
                path: shown.clone(),
                old_path: None,
                status: ChangeStatus::Added,
                old: Content::Absent,
                new: content,
                added_lines: Vec::new(),
                mode_changed: false,
            }],
        };
        engine::check(&plan, &change, &ctx)
    };
    // The walk hands out files in batches as it goes, so the other cores
    // scan while it walks; batches keep their walk order for the report.
    let done: Mutex<Vec<(usize, Vec<Result<Outcome>>)>> = Mutex::new(Vec::new());
    let mut count = 0;
    rayon::scope(|scope| -> Result<()> {
        let mut batch: Vec<(PathBuf, String, bool)> = Vec::new();
        let mut batches = 0;
        let mut hand_out = |batch: Vec<(PathBuf, String, bool)>| {
            let (done, scan_one) = (&done, &scan_one);
            let index = batches;
            batches += 1;
            scope.spawn(move |_| {
                let results = batch.iter().map(scan_one).collect();
                done.lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .push((index, results));
            });
        };
        for target in &targets {
            let mut walk = ignore::WalkBuilder::new(target);
            walk.hidden(false)
                .follow_links(false)
                .filter_entry(|entry| entry.file_name() != ".git");
            // Links are not followed, so below the target every directory
            // is a real one: resolving the target once gives every entry's
            // real path.
            let target_real = target.canonicalize().unwrap_or_else(|_| target.clone());
            for entry in walk.build() {
                let entry = entry.with_context(|| format!("cannot walk {}", target.display()))?;
                let Some(kind) = entry.file_type() else {
                    continue;
                };
                if !kind.is_symlink() && !kind.is_file() {
                    continue;
                }
                let absolute = match entry.path().strip_prefix(target) {
                    Ok(rest) if !rest.as_os_str().is_empty() => target_real.join(rest),
                    _ => entry
                        .path()
                        .canonicalize()
                        .unwrap_or_else(|_| entry.path().to_path_buf()),
                };
                let shown = relative(&root, entry.path(), &absolute);
                count += 1;
                batch.push((entry.path().to_path_buf(), shown, kind.is_symlink()));
                if batch.len() == SCAN_BATCH {
                    hand_out(std::mem::take(&mut batch));
                }
            }
        }
        if !batch.is_empty() {
            hand_out(batch);
        }
        Ok(())
    })?;
    let mut done = done
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    done.sort_unstable_by_key(|(index, _)| *index);
    let mut outcome = Outcome::default();
    for result in done.into_iter().flat_map(|(_, results)| results) {
        outcome.merge(result?);
    }
    outcome
        .findings
        .sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    Ok(ScanResult {
        root,
        plan,
        outcome,
        files: count,
        whole_tree,
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

fn relative(root: &Path, path: &Path, absolute: &Path) -> String {
    let shown = absolute
        .strip_prefix(root)
        .or_else(|_| path.strip_prefix(root))
        .unwrap_or(path);
    let text = shown.to_string_lossy().replace('\\', "/");
    text.trim_start_matches("./").to_string()
}

fn read_content(path: &Path, limit: u64) -> Result<Content> {
    use std::io::Read;
    let cannot = || format!("cannot read {}", path.display());
    // One open and one fstat: the size both judges the limit and sizes
    // the buffer.
    let file = std::fs::File::open(path).with_context(cannot)?;
    let size = file.metadata().with_context(cannot)?.len();
    let chunked = limit.saturating_mul(decode::CHUNKED_FACTOR);
    if size > chunked {
        // Its first bytes say whether it is binary content or text that
        // is not read.
        let mut probe = Vec::with_capacity(decode::PROBE);
        file.take(decode::PROBE as u64)
            .read_to_end(&mut probe)
            .with_context(cannot)?;
        return Ok(decode::judge_large(&probe, size));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0) + 1);
    // Through `take`: `File`'s own `read_to_end` asks the size again.
    file.take(chunked.saturating_add(1))
        .read_to_end(&mut bytes)
        .with_context(cannot)?;
    if bytes.len() as u64 > chunked {
        // Grew while being read.
        return Ok(decode::judge_large(&bytes, size.max(bytes.len() as u64)));
    }
    if bytes.len() as u64 > limit {
        return Ok(decode::decode_large(&bytes));
    }
    Ok(decode::decode(&bytes))
}

pub fn scan(app: &App, paths: &[PathBuf]) -> Result<Status> {
    let mut result = run_scan(app, paths)?;
    let baseline = Baseline::load(&result.root.join(baseline::FILE_NAME))?;
    if let Some(baseline) = &baseline {
        let seen: HashSet<String> = result
            .outcome
            .findings
            .iter()
            .map(|f| f.fingerprint.clone())
            .collect();
        let (kept, approved) = baseline.filter(std::mem::take(&mut result.outcome.findings));
        result.outcome.findings = kept;
        result.outcome.baselined = approved;
        if result.whole_tree {
            let stale = baseline
                .findings
                .iter()
                .filter(|e| !seen.contains(&e.fingerprint))
                .count();
            if stale > 0 {
                result.outcome.notices.push(format!(
                    "{stale} baseline entr{} no longer found (fixed, or the file moved): run `confgate baseline` to refresh {}",
                    if stale == 1 { "y is" } else { "ies are" },
                    baseline::FILE_NAME
                ));
            }
        }
    }
    let mut by_category: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for finding in &result.outcome.findings {
        if finding.kind == Kind::SecuritySetting {
            let category = finding
                .category
                .clone()
                .unwrap_or_else(|| "other".to_string());
            by_category
                .entry(category.clone())
                .or_default()
                .insert(finding.path.clone());
            *counts.entry(category).or_default() += 1;
        }
    }
    if !by_category.is_empty() {
        let hint = result.plan.security_file_hint();
        for (category, files) in &by_category {
            let list: Vec<&str> = files.iter().map(String::as_str).collect();
            result.outcome.notices.push(format!(
                "security settings, {category}: {} in {} — move to {hint}",
                counts[category],
                list.join(", ")
            ));
        }
    }
    let rules = if app.global.format == Format::Sarif {
        catalog::all_rules(&result.plan)
    } else {
        Vec::new()
    };
    app.emit(&app.report("scan", &result.outcome, &[], &rules, result.files))
}

pub fn baseline(app: &App, args: &BaselineArgs) -> Result<Status> {
    let result = run_scan(app, &args.paths)?;
    let output = match &args.output {
        None => result.root.join(baseline::FILE_NAME),
        Some(path) => inside_root(&result.root, path)?,
    };
    let baseline = Baseline::from_findings(&result.outcome.findings);
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
