//! Files as they are on disk, in a git working tree (respecting .gitignore)
//! or any directory: walked, checked on all cores, and judged against the
//! baseline.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{bail, Context, Result};

use crate::config::plan::Plan;
use crate::decode;
use crate::detect::baseline::{self, Baseline};
use crate::engine::{self, Mode};
use crate::finding::Kind;
use crate::git::Repo;
use crate::model::{ChangeSet, ChangeStatus, Content, FileChange};
use crate::outcome::Outcome;

/// Files per scan job: enough to make a job worth handing to another core,
/// few enough that the walk keeps the cores fed.
const SCAN_BATCH: usize = 32;

/// What a scan found, before the baseline is applied.
#[derive(Debug)]
pub struct Scanned {
    pub outcome: Outcome,
    /// Files read.
    pub files: usize,
    /// The scan covered the whole tree: a baseline entry it did not meet is
    /// stale, not merely outside the paths asked for.
    pub whole_tree: bool,
}

/// One file the walk found: where it is, the path it is reported as, and
/// whether it is a symbolic link (whose own text is checked).
type Entry = (PathBuf, String, bool);

/// The root paths are reported against, and whose policy judges them: the
/// working tree of the repository that holds the scanned paths (not the one
/// the command runs in: a scan of another checkout is judged by that
/// checkout's policy), or the scanned directory outside git. Paths in two
/// different repositories are refused: each would need its own policy.
pub fn scan_root(paths: &[PathBuf]) -> Result<PathBuf> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let Some(first) = paths.first() else {
        return Ok(Repo::open().map_or(cwd, |repo| repo.root().to_path_buf()));
    };
    let Some(root) = Repo::work_tree_of(&search_start(&cwd.join(first))) else {
        return Ok(match paths {
            [single] if single.is_dir() => single.clone(),
            _ => cwd,
        });
    };
    let canonical = root.canonicalize().unwrap_or_else(|_| root.clone());
    for path in paths {
        // A path that does not exist is reported by the walk.
        let Ok(at) = cwd.join(path).canonicalize() else {
            continue;
        };
        if !at.starts_with(&canonical) {
            bail!(
                "{}: not in the repository at {} that holds {}; scan one repository at a time (each is judged by its own policy)",
                path.display(),
                root.display(),
                first.display()
            );
        }
    }
    Ok(root)
}

/// The directory to look for a repository from: `path` itself when it is a
/// directory, else the nearest existing directory above it.
fn search_start(path: &Path) -> PathBuf {
    path.ancestors()
        .find(|dir| dir.is_dir())
        .unwrap_or(path)
        .to_path_buf()
}

/// Check the files under `paths` (the current directory when empty) with
/// `plan`, reported relative to `root` (canonical), in walk order.
pub fn scan_paths(plan: &Plan, root: &Path, paths: &[PathBuf]) -> Result<Scanned> {
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
            .any(|t| t.canonicalize().ok().as_deref() == Some(root));
    let (results, files) = walk_and_check(root, &targets, |entry| scan_file(plan, entry))?;
    let mut outcome = Outcome::default();
    for result in results {
        outcome.merge(result?);
    }
    outcome
        .findings
        .sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    Ok(Scanned {
        outcome,
        files,
        whole_tree,
    })
}

/// One file through the engine, as if it were added.
fn scan_file(plan: &Plan, (path, shown, is_link): &Entry) -> Result<Outcome> {
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
    let ctx = engine::Context {
        mode: Mode::Scan,
        baseline: None,
        codeowners: None,
        reverted: None,
        policy_change: None,
    };
    engine::check(plan, &change, &ctx)
}

/// Walk `targets` and check each file with `check`: the walk hands out
/// files in batches as it goes, so the other cores scan while it walks;
/// results come back in walk order, with the number of files.
fn walk_and_check<F>(
    root: &Path,
    targets: &[PathBuf],
    check: F,
) -> Result<(Vec<Result<Outcome>>, usize)>
where
    F: Fn(&Entry) -> Result<Outcome> + Sync,
{
    let done: Mutex<Vec<(usize, Vec<Result<Outcome>>)>> = Mutex::new(Vec::new());
    let mut count = 0;
    rayon::scope(|scope| -> Result<()> {
        let mut batches = 0;
        let mut hand_out = |batch: Vec<Entry>| {
            let (done, check) = (&done, &check);
            let index = batches;
            batches += 1;
            scope.spawn(move |_| {
                let results = batch.iter().map(check).collect();
                done.lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .push((index, results));
            });
        };
        let mut batch: Vec<Entry> = Vec::new();
        for target in targets {
            walk_target(root, target, &mut |entry| {
                count += 1;
                batch.push(entry);
                if batch.len() == SCAN_BATCH {
                    hand_out(std::mem::take(&mut batch));
                }
            })?;
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
    let results = done.into_iter().flat_map(|(_, results)| results).collect();
    Ok((results, count))
}

/// The files and links under one target, as `ignore` walks them (hidden
/// files included, `.git` left out, links not followed).
fn walk_target(root: &Path, target: &Path, found: &mut dyn FnMut(Entry)) -> Result<()> {
    let mut walk = ignore::WalkBuilder::new(target);
    walk.hidden(false)
        .follow_links(false)
        .filter_entry(|entry| entry.file_name() != ".git");
    // Links are not followed, so below the target every directory
    // is a real one: resolving the target once gives every entry's
    // real path.
    let target_real = target
        .canonicalize()
        .unwrap_or_else(|_| target.to_path_buf());
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
        let shown = relative(root, entry.path(), &absolute);
        found((entry.path().to_path_buf(), shown, kind.is_symlink()));
    }
    Ok(())
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

/// The scan's outcome judged against the baseline file under `root`, when
/// there is one: approved findings are counted, not reported, and on a
/// whole-tree scan entries no longer found are said to be stale.
pub fn apply_baseline(scanned: &mut Scanned, root: &Path) -> Result<()> {
    let Some(baseline) = Baseline::load(&root.join(baseline::FILE_NAME))? else {
        return Ok(());
    };
    let outcome = &mut scanned.outcome;
    let seen: HashSet<String> = outcome
        .findings
        .iter()
        .map(|f| f.fingerprint.clone())
        .collect();
    // Every occurrence is found: none is left over from before a change.
    let (kept, approved) = baseline.apply(std::mem::take(&mut outcome.findings), |_| 0);
    outcome.findings = kept;
    outcome.baselined = approved;
    if scanned.whole_tree {
        outcome.notices.extend(baseline.stale_note(&seen));
    }
    Ok(())
}

/// One notice per security category found inline: how many, in which
/// files, and where they belong. Only settings that could move count (not
/// a decorator, a call's argument, a Dockerfile line or a `.env` entry).
pub fn security_notices(plan: &Plan, outcome: &mut Outcome) {
    let mut by_category: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for finding in &outcome.findings {
        let movable = finding
            .fix
            .as_deref()
            .is_some_and(|fix| fix.contains(crate::detect::security::MOVE_ADVICE));
        if finding.kind == Kind::SecuritySetting && movable {
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
    if by_category.is_empty() {
        return;
    }
    let hint = plan.security_file_hint();
    for (category, files) in &by_category {
        let list: Vec<&str> = files.iter().map(String::as_str).collect();
        outcome.notices.push(format!(
            "security settings, {category}: {} in {} — move to {hint}",
            counts[category],
            list.join(", ")
        ));
    }
}
