//! The checks: one change set in, findings and config changes out. Pure: no
//! git, no printing.

use std::collections::{BTreeMap, HashMap, HashSet};

use anyhow::Result;
use rayon::prelude::*;

use crate::config::committed::Policy;
use crate::config::plan::Plan;
use crate::config::settings::{DOTFILE, POLICY_FILES, PYPROJECT};
use crate::config::weakening::{self, Weakening};
use crate::decode;
use crate::detect::baseline::Baseline;
use crate::detect::security::SecurityScanner;
use crate::detect::suppress::{Allow, AllowIndex};
use crate::finding::{Finding, Kind, Severity};
use crate::keydiff;
use crate::model::{ChangeSet, ChangeStatus, Content, FileChange, Lines};
use crate::outcome::{ConfigChange, KeyEntry, Outcome, RecordSummary, Skipped, Suppressed};
use crate::records::codeowners::CodeOwners;
use crate::records::policy;
use crate::records::record::{self, Field, Record, RecordDraft, RecordSource};
use crate::records::{dependency, reformat, template};
use crate::redact::{redact_quoted, redact_value};

/// Change sets with more files than this are checked on all cores.
const PARALLEL_FILES: usize = 32;

/// What a check looks at besides the files.
#[derive(Clone, Copy)]
pub enum Mode<'a> {
    /// Files as they are: secrets, security settings, forbidden files.
    Scan,
    /// The staged change before its message exists (pre-commit), when no
    /// commit-msg check follows: records are judged as far as files go.
    Staged,
    /// The staged change before its message exists, when confgate's
    /// commit-msg hook follows and judges the records: none judged here, so
    /// nothing about them is said twice.
    StagedRecordsLater,
    /// A change with its commit message (commit-msg, a commit in a range).
    WithMessage(&'a str),
}

pub struct Context<'a> {
    pub mode: Mode<'a>,
    pub baseline: Option<&'a Baseline>,
    pub codeowners: Option<&'a CodeOwners>,
    /// The commit this change reverts, when its message says so.
    pub reverted: Option<&'a Reverted>,
    /// Set when the change touches the policy files.
    pub policy_change: Option<PolicyChange<'a>>,
}

/// A change to the policy files: the policy that judges it, and the one it
/// leaves (or why that one cannot be read).
#[derive(Clone, Copy)]
pub struct PolicyChange<'a> {
    pub before: &'a Policy,
    pub after: std::result::Result<&'a Policy, &'a str>,
}

/// A commit that a `git revert` undoes: its config file changes and the
/// records that covered them. A config file of the revert that exactly
/// undoes one of them is covered by that record: the rollback it describes is
/// being carried out.
pub struct Reverted {
    pub short_id: String,
    files: Vec<FileChange>,
    records: BTreeMap<String, RecordSummary>,
}

impl Reverted {
    /// `change` is the reverted commit, `outcome` its own check.
    pub fn new(change: ChangeSet, outcome: &Outcome) -> Reverted {
        let records = outcome
            .config_changes
            .iter()
            .filter(|c| c.rollback_of.is_none())
            .filter_map(|c| Some((c.path.clone(), c.record.clone()?)))
            .collect();
        Reverted {
            short_id: change
                .commit
                .as_ref()
                .map(|c| c.short_id.clone())
                .unwrap_or_default(),
            files: change.files,
            records,
        }
    }

    /// The record of the reverted change that `file` undoes, if it undoes one.
    fn covering(&self, file: &FileChange) -> Option<&RecordSummary> {
        self.files
            .iter()
            .find(|original| undoes(file, original))
            .and_then(|original| self.records.get(&original.path))
    }
}

/// Whether `revert` is the exact inverse of `original`: the same file (a
/// rename undone is a rename back), the revert's old text is the original's
/// new text and its new text the original's old text (absent for a file the
/// original added or deleted). Content that was not read as text (binary,
/// too large) is never judged an undo.
fn undoes(revert: &FileChange, original: &FileChange) -> bool {
    fn before(file: &FileChange) -> &str {
        file.old_path.as_deref().unwrap_or(&file.path)
    }
    fn same(a: &Content, b: &Content) -> bool {
        match (a, b) {
            (Content::Text(a), Content::Text(b)) => a == b,
            (Content::Absent, Content::Absent) => true,
            _ => false,
        }
    }
    let (revert_after, original_after) = (&revert.path, &original.path);
    before(revert) == original_after
        && revert_after == before(original)
        && same(&revert.old, &original.new)
        && same(&revert.new, &original.old)
}

/// The commit a `git revert` message names: `This reverts commit <id>.`
pub fn reverted_commit(message: &str) -> Option<&str> {
    const SAYS: &str = "This reverts commit ";
    let start = message.find(SAYS)? + SAYS.len();
    let rest = &message[start..];
    let end = rest
        .find(|c: char| !c.is_ascii_hexdigit())
        .unwrap_or(rest.len());
    (end >= 7).then(|| &rest[..end])
}

/// What checking one file gives.
#[derive(Default)]
struct FileOutcome {
    findings: Vec<Finding>,
    config: Option<ConfigChange>,
    skipped: Option<Skipped>,
    suppressed: Vec<Suppressed>,
    baselined: usize,
    notices: Vec<String>,
}

/// Check one change set. Errors are reserved for what the user must fix
/// before anything can be judged (an unreadable record file).
pub fn check(plan: &Plan, change: &ChangeSet, ctx: &Context<'_>) -> Result<Outcome> {
    let commit = change.commit.as_ref().map(|c| c.id.clone());
    let per_file: Vec<FileOutcome> = if change.files.len() > PARALLEL_FILES {
        change
            .files
            .par_iter()
            .map(|file| check_file(plan, file, ctx, &change.files))
            .collect()
    } else {
        change
            .files
            .iter()
            .map(|file| check_file(plan, file, ctx, &change.files))
            .collect()
    };
    let mut outcome = Outcome::default();
    for file in per_file {
        outcome.findings.extend(file.findings);
        outcome.config_changes.extend(file.config);
        outcome.skipped.extend(file.skipped);
        outcome.suppressed.extend(file.suppressed);
        outcome.baselined += file.baselined;
        // "No setting changed" is said where records are judged: once per
        // commit, by commit-msg rather than by both hooks.
        if matches!(ctx.mode, Mode::Staged | Mode::WithMessage(_)) {
            outcome.notices.extend(file.notices);
        }
    }
    match ctx.mode {
        Mode::Scan => {}
        Mode::StagedRecordsLater => records_later(plan, change, ctx, &mut outcome)?,
        Mode::Staged | Mode::WithMessage(_) => {
            check_records(plan, change, ctx, &mut outcome)?;
            accept_designated(plan, ctx, &mut outcome);
            // Under StagedRecordsLater the commit-msg hook judges a policy
            // change, with the message that may carry its record.
            if let Some(policy_change) = &ctx.policy_change {
                check_policy_change(plan, policy_change, ctx, &mut outcome);
            }
        }
    }
    stamp_commit(plan, commit.as_deref(), &mut outcome);
    // A snippet quotes the user's text: besides the secrets found on its
    // line, hide whatever on it looks generated (a token no rule knows).
    for finding in &mut outcome.findings {
        if let Some(snippet) = &finding.snippet {
            finding.snippet = Some(redact_quoted(snippet));
        }
    }
    // A loosening of the policy is judged by no setting the policy itself
    // could loosen: it is never disabled or lowered.
    outcome
        .findings
        .retain(|f| f.kind == Kind::PolicyWeakened || !plan.is_disabled(&f.rule));
    for finding in &mut outcome.findings {
        if finding.kind != Kind::PolicyWeakened {
            finding.severity = plan.severity_of(&finding.rule, finding.severity);
        }
    }
    Ok(outcome)
}

/// Every finding, config change and skipped file gets the change's commit;
/// commit allowlists and `.gitleaksignore` fingerprints, which need it,
/// are applied.
fn stamp_commit(plan: &Plan, commit: Option<&str>, outcome: &mut Outcome) {
    outcome.findings.retain(|f| plan.gitleaks.keep(f, commit));
    let commit = commit.map(str::to_string);
    for finding in &mut outcome.findings {
        finding.commit.clone_from(&commit);
    }
    for config in &mut outcome.config_changes {
        config.commit.clone_from(&commit);
    }
    for skipped in &mut outcome.skipped {
        skipped.commit.clone_from(&commit);
    }
}

fn check_file(
    plan: &Plan,
    file: &FileChange,
    ctx: &Context<'_>,
    files: &[FileChange],
) -> FileOutcome {
    let mut out = FileOutcome::default();
    let path = file.path.as_str();
    if !matches!(ctx.mode, Mode::Scan) {
        judge_config_file(plan, file, &mut out);
    }
    if file.status == ChangeStatus::Deleted {
        return out;
    }
    if let Content::LargeText(text) = &file.new {
        let chunked = check_in_chunks(plan, path, text, ctx);
        out.findings = chunked.findings;
        out.suppressed = chunked.suppressed;
        out.baselined = chunked.baselined;
        return out;
    }
    let reason = match &file.new {
        Content::Binary => Some("binary content: no text checks".to_string()),
        Content::TooLarge(size) => {
            out.findings.extend(unread_file(plan, path, *size));
            Some(format!(
                "{size} bytes, over {} times the {} byte limit (limits.max_file_size)",
                decode::CHUNKED_FACTOR,
                plan.max_file_size
            ))
        }
        Content::Submodule => Some("submodule: skipped".to_string()),
        _ => None,
    };
    if let Some(reason) = reason {
        out.skipped = Some(Skipped {
            path: path.to_string(),
            reason,
            commit: None,
        });
    }
    // A symlink's content is its target text, a blob like any other (and
    // gitleaks reads it): it is scanned for secrets as a one-line file.
    let (text, lines) = match &file.new {
        Content::Symlink(target) => (Some(target.as_str()), Lines::All),
        _ => (file.new_text(), file.lines()),
    };
    let (mut found, mut suppressed) = detect(plan, file, text, lines);
    // What the change deletes: judged even when it adds no line.
    if let (Some(text), false) = (file.new_text(), matches!(ctx.mode, Mode::Scan)) {
        let mut allowed = Vec::new();
        let removed = suppress_findings(
            &file.path,
            text,
            removals(plan, file, text, files),
            &mut allowed,
        );
        if !removed.is_empty() {
            found.extend(removed);
            found.sort_by_key(|f| f.line);
        }
        suppressed.extend(allowed);
    }
    out.suppressed = suppressed;
    apply_baseline(plan, file, text, found, ctx.baseline, &mut out);
    out
}

/// A file that a config glob matched but whose every side is tooling by
/// content (a GitHub Actions workflow outside `.github/workflows/`, or
/// moved there): no setting of the service, so no record.
fn is_tooling_by_content(file: &FileChange) -> bool {
    let sides = [file.old_text(), file.new_text()];
    sides.iter().any(Option::is_some)
        && sides
            .iter()
            .flatten()
            .all(|text| crate::records::tooling::is_ci_workflow(text))
}

/// A config file's change (a path that is config before or after it): its
/// keys, whether it parses, and whether it changes anything that runs.
fn judge_config_file(plan: &Plan, file: &FileChange, out: &mut FileOutcome) {
    let path = file.path.as_str();
    let is_config = plan.is_config(path)
        || file
            .old_path
            .as_deref()
            .is_some_and(|old| plan.is_config(old));
    if !is_config || is_tooling_by_content(file) {
        return;
    }
    let (mut config, invalid) = config_change(plan, file);
    let policy_only = plan.is_policy_only(path);
    if policy_only {
        // Only `[tool.confgate]` of a pyproject.toml is configuration.
        config.keys.retain(|k| is_policy_key(&k.key));
    }
    let unchanged = invalid.is_none() && nothing_runs_differently(plan, file, &config);
    if unchanged && !policy_only {
        out.notices.push(format!(
            "{path}: no setting changed (comments, formatting or code only); no record needed"
        ));
    }
    if !unchanged && (invalid.is_some() || !policy_only || !config.keys.is_empty()) {
        out.config = Some(config);
    }
    out.findings.extend(invalid);
}

/// Whether a modified config file changes nothing a running service reads:
/// read key by key, no key differs; read as tokens (migrations, nginx
/// configs), the tokens are the same (a formatter run).
fn nothing_runs_differently(plan: &Plan, file: &FileChange, config: &ConfigChange) -> bool {
    if file.status != ChangeStatus::Modified {
        return false;
    }
    let (Some(old), Some(new)) = (file.old_text(), file.new_text()) else {
        return config.keyed && config.keys.is_empty();
    };
    if config.keyed {
        // In a designated Python security file only module and class level
        // settings are configuration; a function body is code, judged as
        // code (`scan_designated` keeps its insecure values blocking, and
        // no record can accept them).
        return config.keys.is_empty();
    }
    // A file read by key whose old side did not parse: spacing may be what
    // made it parse (YAML), so it is a change; unless both sides are
    // templates, compared as such.
    let templates = template::holds_template_syntax(old) && template::holds_template_syntax(new);
    (templates || KeyReader::for_file(plan, &file.path, new).is_none())
        && reformat::only_reformatted(&file.path, old, new)
}

/// Every finding in `lines` of a file's new text, forbidden file included,
/// after allow comments: what is reported, and what an allow suppressed.
fn detect(
    plan: &Plan,
    file: &FileChange,
    text: Option<&str>,
    lines: Lines<'_>,
) -> (Vec<Finding>, Vec<Suppressed>) {
    let path = file.path.as_str();
    let mut found = Vec::new();
    let secrets_ignored = plan.secrets_ignore.is_match(path);
    if !secrets_ignored && (file.status != ChangeStatus::TypeChange || text.is_some()) {
        let forbidden = plan.secrets.forbidden_file(path, text);
        found.extend(forbidden.and_then(|f| plan.gitleaks.allow_file(f)));
        found.extend(plan.gitleaks.scan_file(path));
    }
    let Some(text) = text else {
        return (found, Vec::new());
    };
    if lines.is_empty() {
        return (found, Vec::new());
    }
    // A link's text is a path, not code: secrets only.
    let is_link = matches!(file.new, Content::Symlink(_));
    let security_checked =
        !is_link && !plan.security_ignore.is_match(path) && !plan.is_security_file(path);
    // A whole Python file is searched once for both detectors' keywords.
    let shared = match (&plan.shared_keywords, lines) {
        (Some(shared), Lines::All)
            if !secrets_ignored && security_checked && SecurityScanner::reads_as_python(path) =>
        {
            shared.search(text)
        }
        _ => None,
    };
    let (secret_hits, security_hits) = match &shared {
        Some((a, b)) => (Some(a.as_slice()), Some(b.as_slice())),
        None => (None, None),
    };
    if !secrets_ignored {
        let (secrets, spans) = plan.secrets.scan_spans(path, text, lines, secret_hits);
        found.extend(plan.gitleaks.allow(path, text, secrets, &spans));
        found.extend(plan.gitleaks.scan(path, text, lines));
    }
    if security_checked {
        let hint = plan.security_file_hint();
        let old = file.old_text();
        for mut finding in plan
            .security
            .scan_change(path, old, text, lines, security_hits)
        {
            if finding.severity == Severity::Warning && plan.strict {
                finding.severity = Severity::Error;
            }
            // Only a setting that could live in a designated file is told
            // to move there (a decorator, a call's argument, a response
            // header or a Dockerfile `USER` has nowhere else to go).
            if let Some(fix) = &mut finding.fix {
                if fix.ends_with(crate::detect::security::MOVE_ADVICE) {
                    fix.push_str(&format!(" ({hint})"));
                }
            }
            found.push(finding);
        }
    }
    if !is_link && !plan.security_ignore.is_match(path) && plan.is_security_file(path) {
        found.extend(plan.security.scan_designated(path, text, lines));
    }
    // A file's findings in line order, whichever detector found them.
    found.sort_by_key(|f| f.line);
    let mut suppressed = Vec::new();
    let kept = suppress_findings(path, text, found, &mut suppressed);
    (drop_repeated_values(plan, kept), suppressed)
}

/// Security settings the change deletes from `file` (new text `text`),
/// less those another file of the change writes again (a setting moved to
/// a designated security file is not removed).
fn removals(plan: &Plan, file: &FileChange, text: &str, files: &[FileChange]) -> Vec<Finding> {
    let path = file.path.as_str();
    let Some(old) = file.old_text() else {
        return Vec::new();
    };
    if plan.security_ignore.is_match(path) || plan.is_security_file(path) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for removal in plan.security.removals(path, old, text) {
        let moved = files.iter().any(|other| {
            other.path != file.path
                && other.status != ChangeStatus::Deleted
                && other
                    .new_text()
                    .is_some_and(|t| plan.security.still_written(&removal, &other.path, t))
        });
        if moved {
            continue;
        }
        let mut finding = removal.finding;
        if finding.severity == Severity::Warning && plan.strict {
            finding.severity = Severity::Error;
        }
        out.push(finding);
    }
    out
}

/// The baseline stage (`Baseline::apply`): occurrences of a fingerprint
/// already in the file before the change use its allowance first, counted
/// on the whole file only when the change touched some lines of it.
fn apply_baseline(
    plan: &Plan,
    file: &FileChange,
    text: Option<&str>,
    found: Vec<Finding>,
    baseline: Option<&Baseline>,
    out: &mut FileOutcome,
) {
    let Some(baseline) = baseline else {
        out.findings.extend(found);
        return;
    };
    let mut added: HashMap<String, usize> = HashMap::new();
    for finding in &found {
        *added.entry(finding.fingerprint.clone()).or_default() += 1;
    }
    let mut whole: Option<HashMap<String, usize>> = None;
    let unchanged = |finding: &Finding| match file.lines() {
        Lines::All => 0,
        Lines::Only(_) => {
            let counts = whole.get_or_insert_with(|| {
                let mut counts = HashMap::new();
                for f in detect(plan, file, text, Lines::All).0 {
                    *counts.entry(f.fingerprint).or_default() += 1;
                }
                counts
            });
            let in_file = counts.get(&finding.fingerprint).copied().unwrap_or(0);
            in_file.saturating_sub(added[&finding.fingerprint])
        }
    };
    let (kept, approved) = baseline.apply(found, unchanged);
    out.findings.extend(kept);
    out.baselined += approved;
}

/// Neighbouring chunks share up to this many bytes of whole lines, so a
/// value on a boundary is whole in one of them (and an allow comment is
/// seen with the line below it).
const CHUNK_OVERLAP: usize = 4096;

/// A text over `limits.max_file_size`, checked a chunk at a time: each chunk
/// is checked as a new file of its own (secrets, security settings, allow
/// comments, baseline), its line numbers moved to the whole text's, and a
/// finding seen in two overlapping chunks kept once (suppressed when either
/// saw an allow for it).
fn check_in_chunks(plan: &Plan, path: &str, text: &str, ctx: &Context<'_>) -> FileOutcome {
    let scan = Context {
        mode: Mode::Scan,
        baseline: ctx.baseline,
        codeowners: ctx.codeowners,
        reverted: None,
        policy_change: None,
    };
    let size = usize::try_from(plan.max_file_size)
        .unwrap_or(usize::MAX)
        .max(2);
    let mut found: Vec<Finding> = Vec::new();
    let mut out = FileOutcome::default();
    for (offset, chunk) in chunks(text, size, CHUNK_OVERLAP.min(size / 2)) {
        let piece = FileChange {
            path: path.to_string(),
            old_path: None,
            status: ChangeStatus::Added,
            old: Content::Absent,
            new: Content::Text(chunk.into()),
            added_lines: Vec::new(),
            mode_changed: false,
        };
        let checked = check_file(plan, &piece, &scan, std::slice::from_ref(&piece));
        let shift = |line: Option<u32>| line.map(|l| l.saturating_add(offset));
        found.extend(checked.findings.into_iter().map(|mut f| {
            f.line = shift(f.line);
            f
        }));
        out.suppressed
            .extend(checked.suppressed.into_iter().map(|mut s| {
                s.line = shift(s.line);
                s
            }));
        out.baselined += checked.baselined;
    }
    let mut seen_suppressed = HashSet::new();
    out.suppressed
        .retain(|s| seen_suppressed.insert((s.rule.clone(), s.line)));
    found.sort_by_key(|f| f.line);
    let mut seen = HashSet::new();
    for finding in found {
        if !seen_suppressed.contains(&(finding.rule.clone(), finding.line))
            && seen.insert((
                finding.rule.clone(),
                finding.line,
                finding.fingerprint.clone(),
            ))
        {
            out.findings.push(finding);
        }
    }
    out
}

/// `text` cut into pieces of at most `size` bytes, at line ends where a
/// line end is near, each starting up to `overlap` bytes (whole lines)
/// before the previous one ended; with the number of lines before each.
fn chunks(text: &str, size: usize, overlap: usize) -> Vec<(u32, &str)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let (mut start, mut lines_before) = (0usize, 0u32);
    loop {
        let mut end = (start + size).min(text.len());
        if end < text.len() {
            if let Some(newline) = memchr::memrchr(b'\n', &bytes[start..end]) {
                if newline > overlap {
                    end = start + newline + 1;
                }
            }
            while !text.is_char_boundary(end) {
                end -= 1;
            }
        }
        out.push((lines_before, &text[start..end]));
        if end >= text.len() {
            return out;
        }
        // The next piece starts at the first line start in the overlap, or
        // inside a line longer than the overlap (minified JSON, a dump), so
        // a value cut at `end` is whole in the next piece.
        let from = end.saturating_sub(overlap).max(start + 1);
        let mut next = match memchr::memchr(b'\n', &bytes[from..end]) {
            Some(at) if from + at + 1 < end => from + at + 1,
            _ => from,
        };
        while !text.is_char_boundary(next) {
            next += 1;
        }
        lines_before += memchr::memchr_iter(b'\n', &bytes[start..next]).count() as u32;
        start = next;
    }
}

/// A `skipped-file` finding for a text file too large to read: what was not
/// read was not checked, so it blocks (`limits.on_skip = "block"`) unless
/// its path is allowed by `limits.skip_paths`.
fn unread_file(plan: &Plan, path: &str, size: u64) -> Option<Finding> {
    if plan.skip_paths.is_match(path) {
        return None;
    }
    let severity = if plan.skip_blocks {
        Severity::Error
    } else {
        Severity::Warning
    };
    // The size is part of the fingerprint: a baseline entry for today's
    // file does not approve whatever it grows into.
    Some(
        Finding::new(
            Kind::SkippedFile,
            "skipped-file",
            severity,
            path,
            &size.to_string(),
        )
        .message(format!(
            "not checked: {size} bytes of text, over {} times the {} byte limit (limits.max_file_size); a secret in it would pass unseen",
            decode::CHUNKED_FACTOR,
            plan.max_file_size
        ))
        .fix("split the file, raise limits.max_file_size, or list it in limits.skip_paths once you know it holds no secret"),
    )
}

/// Findings an allow comment does not cover. Runs before any finding is
/// merged into another, so an allow for one rule never hides a different one.
fn suppress_findings(
    path: &str,
    text: &str,
    found: Vec<Finding>,
    suppressed: &mut Vec<Suppressed>,
) -> Vec<Finding> {
    // Most texts have no finding: the index searches the whole text.
    if found.is_empty() {
        return found;
    }
    let mut kept = Vec::with_capacity(found.len());
    let allows = AllowIndex::new(path, text);
    for mut finding in found {
        if let Some(line) = finding.line {
            match allows.allow_for(line, &finding.rule) {
                Allow::Reason(reason) => {
                    suppressed.push(Suppressed {
                        rule: finding.rule.clone(),
                        path: finding.path.clone(),
                        line: finding.line,
                        reason,
                    });
                    continue;
                }
                Allow::Refused(why) => {
                    finding
                        .message
                        .push_str(&format!(" (the allow comment here does not count: {why})"));
                }
                Allow::None => {}
            }
        }
        kept.push(finding);
    }
    kept
}

/// One value, one report: where a secret finding and a security setting that
/// reports a secret value (a hard-coded SECRET_KEY) share a line, the secret
/// says it better. Other settings on that line (`verify=False`) stay.
fn drop_repeated_values(plan: &Plan, found: Vec<Finding>) -> Vec<Finding> {
    let secret_lines: HashSet<u32> = found
        .iter()
        .filter(|f| f.kind == Kind::Secret)
        .filter_map(|f| f.line)
        .collect();
    if secret_lines.is_empty() {
        return found;
    }
    found
        .into_iter()
        .filter(|f| {
            f.kind != Kind::SecuritySetting
                || f.line.is_none_or(|line| !secret_lines.contains(&line))
                || !plan.security.reports_secret_value(&f.rule)
        })
        .map(|mut f| {
            // A setting on a secret's line: its snippet hides that secret
            // too, by the project's own rules as well as the built-in ones.
            if f.kind != Kind::Secret && f.line.is_some_and(|line| secret_lines.contains(&line)) {
                f.snippet = f.snippet.map(|snippet| plan.secrets.hide_secrets(&snippet));
            }
            f
        })
        .collect()
}

/// How a config file is read key by key.
#[derive(Clone, Copy)]
enum KeyReader {
    Format(keydiff::Format),
    /// A designated security file written in Python: its module-level
    /// assignments and class fields are settings, function bodies code.
    SecurityModule,
    Dockerfile,
}

impl KeyReader {
    fn for_file(plan: &Plan, path: &str, sample: &str) -> Option<KeyReader> {
        if template::is_template_path(path) {
            return None;
        }
        if let Some(format) = keydiff::format_for_text(path, sample) {
            return Some(KeyReader::Format(format));
        }
        if reformat::is_dockerfile(path) {
            return Some(KeyReader::Dockerfile);
        }
        let python = reformat::Syntax::of(path) == reformat::Syntax::Python;
        (python && plan.is_security_file(path)).then_some(KeyReader::SecurityModule)
    }

    fn read(self, path: &str, text: &str) -> Result<keydiff::KeyMap, keydiff::ParseError> {
        match self {
            KeyReader::Format(format) => keydiff::parse_file(path, format, text),
            KeyReader::SecurityModule => keydiff::parse_security_module(text),
            KeyReader::Dockerfile => keydiff::parse_dockerfile(text),
        }
    }
}

/// The key-level change of a config file, and an `invalid-config` finding
/// when its new text does not parse.
fn config_change(plan: &Plan, file: &FileChange) -> (ConfigChange, Option<Finding>) {
    let mut config = ConfigChange {
        path: file.path.clone(),
        commit: None,
        keys: Vec::new(),
        record: None,
        status: Some(file.status),
        old_path: file.old_path.clone(),
        security_file: plan.is_security_file(&file.path),
        rollback_of: None,
        keyed: false,
        dependency_update: false,
    };
    let sample = file
        .new_text()
        .or_else(|| file.old_text())
        .unwrap_or_default();
    let Some(reader) = KeyReader::for_file(plan, &file.path, sample) else {
        return (config, None);
    };
    let old = file
        .old_text()
        .and_then(|text| reader.read(&file.path, text).ok());
    config.keyed = old.is_some();
    let old = old.unwrap_or_default();
    let new = match file.new_text() {
        Some(text) => match reader.read(&file.path, text) {
            Ok(map) => map,
            // A file that holds template syntax becomes config once
            // rendered: unparsed, it is not broken.
            Err(_) if template::holds_template_syntax(text) => {
                config.keyed = false;
                return (config, None);
            }
            Err(err) => {
                let position = match (err.line, err.column) {
                    (Some(line), Some(column)) => format!(" at line {line}, column {column}"),
                    (Some(line), None) => format!(" at line {line}"),
                    _ => String::new(),
                };
                let mut finding = Finding::new(
                    Kind::InvalidConfig,
                    "invalid-config",
                    Severity::Error,
                    &file.path,
                    &err.message,
                )
                .message(format!("does not parse{position}: {}", err.message))
                .fix("fix the syntax; the service would fail to load this file");
                finding.line = err.line;
                return (config, Some(finding));
            }
        },
        None => Default::default(),
    };
    let changes = keydiff::diff(&old, &new);
    config.dependency_update = dependency::only_moves_versions(&changes);
    config.keys = changes
        .iter()
        .map(|change| KeyEntry {
            key: change.key().to_string(),
            change: change.kind(),
            text: keydiff::describe(change),
            old: keydiff::shown_old_value(change),
        })
        .collect();
    if file.status == ChangeStatus::Deleted && !plan.is_policy_only(&file.path) {
        config.keys.clear();
    }
    (config, None)
}

fn is_policy_key(key: &str) -> bool {
    key == "tool.confgate" || key.starts_with("tool.confgate.") || key.starts_with("tool.confgate[")
}

/// A change to the policy: an unreadable new policy is invalid config; a
/// loosening is `policy-weakened` unless a complete record covers the file
/// and, when `security.owners` is set (in the policy that judges the
/// change), one of them signs it.
fn check_policy_change(
    plan: &Plan,
    change: &PolicyChange<'_>,
    ctx: &Context<'_>,
    outcome: &mut Outcome,
) {
    let after = match change.after {
        Ok(after) => after,
        Err(reason) => {
            unreadable_policy(reason, outcome);
            return;
        }
    };
    for weakening in weakenings(change.before, after) {
        judge_weakening(plan, ctx, weakening, outcome);
    }
}

/// The policy this change leaves cannot be read: `invalid-config` on the
/// first policy file the change touches, unless one is reported already.
fn unreadable_policy(reason: &str, outcome: &mut Outcome) {
    let file = POLICY_FILES
        .iter()
        .find(|name| outcome.config_changes.iter().any(|c| c.path == **name))
        .copied()
        .unwrap_or(DOTFILE);
    let reported = outcome
        .findings
        .iter()
        .any(|f| f.kind == Kind::InvalidConfig && f.path == file);
    if reported {
        return;
    }
    outcome.findings.push(
        Finding::new(
            Kind::InvalidConfig,
            "invalid-config",
            Severity::Error,
            file,
            reason,
        )
        .message(format!(
            "the policy this change leaves cannot be read, so nothing after it could be checked: {reason}"
        ))
        .fix("fix the policy file; `confgate rules` in the working tree shows the error"),
    );
}

/// How the policy files changed loosen the policy.
fn weakenings(before: &Policy, after: &Policy) -> Vec<Weakening> {
    let changed = |index: usize| before.ids.0[index] != after.ids.0[index];
    let settings_file = if changed(0) { DOTFILE } else { PYPROJECT };
    let mut weakenings = Vec::new();
    if (changed(0) || changed(1))
        && !std::sync::Arc::ptr_eq(&before.committed_plan, &after.committed_plan)
    {
        weakenings.extend(weakening::plans(
            &before.committed_plan,
            &after.committed_plan,
            settings_file,
        ));
    }
    if changed(2) {
        weakenings.extend(weakening::baselines(
            before.baseline.as_deref(),
            after.baseline.as_deref(),
            POLICY_FILES[2],
        ));
    }
    if changed(3) || changed(4) {
        weakenings.extend(weakening::gitleaks(
            &before.committed_plan.gitleaks.policy,
            &after.committed_plan.gitleaks.policy,
        ));
    }
    weakenings
}

/// One loosening: accepted when a record signed as the policy asks covers
/// its file; left to the commit-msg hook before the message exists;
/// otherwise `policy-weakened`.
fn judge_weakening(plan: &Plan, ctx: &Context<'_>, weakening: Weakening, outcome: &mut Outcome) {
    let Weakening { file, what } = weakening;
    let config = outcome.config_changes.iter().find(|c| c.path == file);
    let record = config.and_then(|c| c.record.as_ref());
    let owners = &plan.security_owners;
    let signed = record.is_some_and(|r| {
        owners.is_empty()
            || owners
                .iter()
                .any(|o| o.eq_ignore_ascii_case(r.owner.trim()))
    });
    if signed {
        return;
    }
    let already_blocked = outcome
        .findings
        .iter()
        .any(|f| f.path == file && matches!(f.kind, Kind::MissingRecord | Kind::IncompleteRecord));
    if record.is_none() && matches!(ctx.mode, Mode::Staged) && !already_blocked {
        // The message, not written yet, may carry the record.
        outcome.notices.push(format!(
            "{file}: this change weakens the policy ({what}): the commit message must carry a complete record{} (checked by the commit-msg hook)",
            signer_hint(owners)
        ));
        return;
    }
    let why = match record {
        Some(r) => format!(
            "; the record's owner {} is not one of security.owners ({})",
            r.owner.trim(),
            owners.join(", ")
        ),
        None => String::new(),
    };
    outcome.findings.push(
        Finding::new(
            Kind::PolicyWeakened,
            "policy-weakened",
            Severity::Error,
            &file,
            &what,
        )
        .message(format!("policy weakened: {what}{why}"))
        .fix(format!(
            "a change that loosens the policy needs a complete change record in the same commit{}; or keep the policy as it was",
            signer_hint(owners)
        )),
    );
}

/// The pre-commit stage when commit-msg follows: only what needs no
/// message, a change that must have a record file and has none. The rest
/// (trailers, a record that accepts a designated file's insecure value) is
/// the commit-msg hook's to say.
fn records_later(
    plan: &Plan,
    change: &ChangeSet,
    ctx: &Context<'_>,
    outcome: &mut Outcome,
) -> Result<()> {
    let (findings, notices) = (outcome.findings.len(), outcome.notices.len());
    check_records(plan, change, ctx, outcome)?;
    let before = outcome.findings.len();
    outcome.findings.retain(|f| !is_designated_setting(plan, f));
    let findings = findings - (before - outcome.findings.len());
    let mut index = 0;
    outcome.findings.retain(|f| {
        index += 1;
        index <= findings || f.kind == Kind::MissingRecord
    });
    outcome.notices.truncate(notices);
    if outcome.findings.len() == findings {
        outcome.drafts.clear();
    }
    Ok(())
}

/// An insecure setting written in a designated security file, which a
/// record accepts.
fn is_designated_setting(plan: &Plan, finding: &Finding) -> bool {
    finding.needs_signed_record
        && finding.severity == Severity::Error
        && plan.is_security_file(&finding.path)
}

/// An insecure value in a designated security file is an accepted change
/// when the file's change carries a complete record: `check_records` has
/// already required its owner to be one of `security.owners` when that is
/// set. Without one it blocks, except where the message is still to come.
fn accept_designated(plan: &Plan, ctx: &Context<'_>, outcome: &mut Outcome) {
    let owners = &plan.security_owners;
    let mut waiting = Vec::new();
    for finding in outcome.findings.iter_mut() {
        if !is_designated_setting(plan, finding) {
            continue;
        }
        let record = outcome
            .config_changes
            .iter()
            .find(|c| c.path == finding.path)
            .and_then(|c| c.record.as_ref());
        match record {
            Some(record) => {
                finding.severity = Severity::Warning;
                finding.message = format!(
                    "{} — accepted change, recorded by {}",
                    finding.message,
                    record.owner.trim()
                );
            }
            None if matches!(ctx.mode, Mode::Staged) => waiting.push(finding.fingerprint.clone()),
            None => {
                finding.fix = Some(format!(
                    "{}; or keep it and add a complete change record{} to the same commit",
                    finding.fix.as_deref().unwrap_or("fix the value"),
                    signer_hint(owners)
                ));
            }
        }
    }
    if waiting.is_empty() {
        return;
    }
    let before = outcome.findings.len();
    outcome
        .findings
        .retain(|f| !(is_designated_setting(plan, f) && waiting.contains(&f.fingerprint)));
    outcome.notices.push(format!(
        "{} insecure value(s) in designated security files: the commit message must carry a complete record{} (checked by the commit-msg hook)",
        before - outcome.findings.len(),
        signer_hint(owners)
    ));
}

fn signer_hint(owners: &[String]) -> String {
    if owners.is_empty() {
        String::new()
    } else {
        format!(
            " whose owner is one of security.owners ({})",
            owners.join(", ")
        )
    }
}

/// What a config change's records make of it.
enum Verdict<'r> {
    /// Undoes a recorded commit exactly: covered by that commit's record.
    Rollback(String),
    /// Only moves versions, and the policy asks no record for that.
    DependencyUpdate,
    Covered(&'r Record),
    /// Records apply, none complete: the first one, and what each lacks.
    Incomplete {
        first: &'r Record,
        problems: Vec<String>,
        needs_file: bool,
    },
    Missing {
        needs_file: bool,
    },
}

/// Every config change must be covered by a complete record: a verdict per
/// change, then the findings, notices and the draft record.
fn check_records(
    plan: &Plan,
    change: &ChangeSet,
    ctx: &Context<'_>,
    outcome: &mut Outcome,
) -> Result<()> {
    if outcome.config_changes.is_empty() {
        return Ok(());
    }
    let records = records_of(plan, change, ctx, &mut outcome.notices)?;
    let staged_only = matches!(ctx.mode, Mode::Staged | Mode::StagedRecordsLater);
    let mut pending_trailers = Vec::new();
    let mut unrecorded = Vec::new();
    for index in 0..outcome.config_changes.len() {
        let config = &mut outcome.config_changes[index];
        match verdict(plan, change, ctx, &records, config) {
            Verdict::Rollback(note) => outcome.notices.push(note),
            Verdict::DependencyUpdate => outcome.notices.push(format!(
                "{}: {}; no record needed (record.dependency_updates = \"record\" asks for one)",
                config.path,
                config.summary(3)
            )),
            Verdict::Covered(record) => {
                outcome.findings.extend(policy::check(plan, config, record));
                config.record = Some(RecordSummary::from_record(record));
            }
            Verdict::Incomplete {
                first,
                problems,
                needs_file,
            } => {
                unrecorded.push(index);
                let finding = incomplete_record(plan, config, first, &problems, needs_file);
                outcome.findings.push(finding);
            }
            Verdict::Missing { needs_file } if staged_only && !needs_file => {
                pending_trailers.push(config.path.clone());
            }
            Verdict::Missing { needs_file } => {
                unrecorded.push(index);
                outcome
                    .findings
                    .push(missing_record(plan, config, needs_file));
            }
        }
    }
    finish_records(plan, outcome, &unrecorded, &pending_trailers);
    Ok(())
}

/// The records this change carries: new or changed record files, and the
/// message's trailers. An old record file touched without changing its
/// fields is not one (a notice says so).
fn records_of(
    plan: &Plan,
    change: &ChangeSet,
    ctx: &Context<'_>,
    notices: &mut Vec<String>,
) -> Result<Vec<Record>> {
    let extra_fields = policy::extra_field_names(plan);
    let mut records = Vec::new();
    for file in &change.files {
        if file.status == ChangeStatus::Deleted || !plan.is_record_file(&file.path) {
            continue;
        }
        let Some(text) = file.new_text() else {
            continue;
        };
        let record = Record::parse_file(&file.path, text, &extra_fields)?;
        if record_is_new(file, &record, &extra_fields) {
            records.push(record);
        } else {
            notices.push(format!(
                "{} is an existing record whose fields did not change: it covers the commit that added it, not this one",
                file.path
            ));
        }
    }
    if let Mode::WithMessage(message) = ctx.mode {
        records.extend(Record::from_message(message, &extra_fields));
    }
    Ok(records)
}

/// The verdict on one config change (a rollback is covered here, on the
/// change itself).
fn verdict<'r>(
    plan: &Plan,
    change: &ChangeSet,
    ctx: &Context<'_>,
    records: &'r [Record],
    config: &mut ConfigChange,
) -> Verdict<'r> {
    if let Some(note) = rollback(change, ctx, config) {
        return Verdict::Rollback(note);
    }
    let needs_file = plan.require_file
        || plan
            .field_policies
            .iter()
            .any(|p| p.require_file && p.applies(&config.path, &config.key_names()));
    let applicable: Vec<&Record> = records.iter().filter(|r| covers(r, &config.path)).collect();
    let mut problems: Vec<String> = Vec::new();
    for record in &applicable {
        let issues = record_issues(plan, ctx, config, record, needs_file);
        if issues.is_empty() {
            return Verdict::Covered(record);
        }
        let where_ = match &record.source {
            RecordSource::File(path) => path.clone(),
            RecordSource::Trailers => "the commit message trailers".to_string(),
        };
        problems.push(format!("{where_}: {}", issues.join("; ")));
    }
    match applicable.first() {
        Some(first) => Verdict::Incomplete {
            first,
            problems,
            needs_file,
        },
        None if config.dependency_update && !plan.record_dependency_updates => {
            Verdict::DependencyUpdate
        }
        None => Verdict::Missing { needs_file },
    }
}

/// What keeps `record` from covering `config`: missing fields first, then
/// owners, then the record's form.
fn record_issues(
    plan: &Plan,
    ctx: &Context<'_>,
    config: &ConfigChange,
    record: &Record,
    needs_file: bool,
) -> Vec<String> {
    let mut issues: Vec<String> = record
        .problems(&plan.placeholders)
        .iter()
        .map(|p| p.describe(&record.source))
        .collect();
    if issues.is_empty() {
        issues.extend(owner_problems(plan, ctx, config, record));
    }
    if needs_file && record.source == RecordSource::Trailers {
        issues.push(
            "these paths need a record file (record.require = \"file\"); trailers are not enough"
                .to_string(),
        );
    }
    issues
}

/// `incomplete-record`, with an example of the fields the user's record
/// lacks, in the form the user wrote it in.
fn incomplete_record(
    plan: &Plan,
    config: &ConfigChange,
    first: &Record,
    problems: &[String],
    needs_file: bool,
) -> Finding {
    let summary = config.summary(3);
    let as_trailer = first.source == RecordSource::Trailers && !needs_file;
    let draft = RecordDraft::new(plan, &[config], None);
    let mut fields: Vec<&str> = first
        .problems(&plan.placeholders)
        .iter()
        .map(|p| p.field().names().0)
        .collect();
    if fields.is_empty() {
        fields.push(Field::Owner.names().0);
    }
    let example = fields
        .iter()
        .map(|f| draft.example_line(f, as_trailer))
        .collect::<Vec<_>>()
        .join(" / ");
    let fix = if needs_file && first.source == RecordSource::Trailers {
        format!(
            "trailers are not enough here: put the record in a file under {} (`confgate record new` writes one)",
            plan.record_dir
        )
    } else {
        format!("fill in the missing fields, e.g. {example}")
    };
    Finding::new(
        Kind::IncompleteRecord,
        "incomplete-record",
        Severity::Error,
        &config.path,
        &summary,
    )
    .message(format!(
        "change record incomplete ({summary}): {}",
        problems.join(" | ")
    ))
    .fix(fix)
}

/// `missing-record`, naming the file or trailers to add and the extra fields
/// the change's policies ask for.
fn missing_record(plan: &Plan, config: &ConfigChange, needs_file: bool) -> Finding {
    let summary = config.summary(3);
    let extra: Vec<String> = RecordDraft::new(plan, &[config], None)
        .fields
        .iter()
        .map(|f| f.name.clone())
        .collect();
    let fix = if needs_file {
        let mut fields: Vec<String> = ["owner", "expected", "rollback"]
            .iter()
            .map(|f| format!("`{f}`"))
            .collect();
        fields.extend(extra.iter().map(|f| format!("`{f}`")));
        format!(
            "add a record file under {} with {} (`confgate record new` writes one)",
            plan.record_dir,
            record::and_list(&fields)
        )
    } else {
        let mut trailers: Vec<String> = ["Config-Owner", "Expected-Result", "Rollback"]
            .iter()
            .map(|t| t.to_string())
            .collect();
        trailers.extend(extra.iter().map(|f| record::trailer_name(f)));
        format!(
            "add a record file under {} (`confgate record new`) or the {} trailers to the commit message",
            plan.record_dir,
            record::and_list(&trailers)
        )
    };
    Finding::new(
        Kind::MissingRecord,
        "missing-record",
        Severity::Error,
        &config.path,
        &summary,
    )
    .message(format!("config change without a change record: {summary}"))
    .fix(fix)
}

/// After the verdicts: the draft record for what is unrecorded, the breadth
/// policy over the changes that need records, one finding per message, and
/// the notice that trailers are still to come.
fn finish_records(
    plan: &Plan,
    outcome: &mut Outcome,
    unrecorded: &[usize],
    pending_trailers: &[String],
) {
    if !unrecorded.is_empty() {
        let changes: Vec<&ConfigChange> = unrecorded
            .iter()
            .map(|&index| &outcome.config_changes[index])
            .collect();
        let draft = RecordDraft::new(plan, &changes, None);
        outcome.drafts.push(draft);
    }
    let recordable: Vec<ConfigChange> = outcome
        .config_changes
        .iter()
        .filter(|c| !c.dependency_update || c.record.is_some())
        .cloned()
        .collect();
    outcome.findings.extend(policy::breadth(plan, &recordable));
    let mut seen = HashSet::new();
    outcome
        .findings
        .retain(|f| seen.insert((f.rule.clone(), f.path.clone(), f.message.clone())));
    if !pending_trailers.is_empty() {
        outcome.notices.push(format!(
            "config changes staged without a record file ({}): the commit message must carry Config-Owner, Expected-Result and Rollback trailers (no commit-msg hook checks them at commit time: the pre-push hook and CI do)",
            pending_trailers.join(", ")
        ));
    }
}

/// Cover `config` with the record of the commit it reverts, when the file's
/// change exactly undoes that commit's; the note says so.
fn rollback(change: &ChangeSet, ctx: &Context<'_>, config: &mut ConfigChange) -> Option<String> {
    let reverted = ctx.reverted?;
    let file = change.files.iter().find(|f| f.path == config.path)?;
    let record = reverted.covering(file)?;
    let note = format!(
        "{}{}: rollback of {}, recorded by {}",
        change
            .commit
            .as_ref()
            .map(|c| format!("commit {} ", c.short_id))
            .unwrap_or_default(),
        config.path,
        reverted.short_id,
        record.owner
    );
    config.record = Some(record.clone());
    config.rollback_of = Some(reverted.short_id.clone());
    Some(note)
}

/// A record covers the commit that adds it. A record file this commit
/// modifies, renames or copies covers it only when its fields changed: a
/// blank line added to an old record does not make it a record of this
/// change.
fn record_is_new(file: &FileChange, record: &Record, extra_fields: &HashSet<String>) -> bool {
    if file.status == ChangeStatus::Added {
        return true;
    }
    // An old side that could not be read cannot show a change: fail closed.
    let Some(old_text) = file.old_text() else {
        return false;
    };
    let old_path = file.old_path.as_deref().unwrap_or(&file.path);
    match Record::parse_file(old_path, old_text, extra_fields) {
        Ok(old) => !old.same_fields(record),
        // The old one was not a valid record: this commit makes it one.
        Err(_) => true,
    }
}

fn covers(record: &Record, path: &str) -> bool {
    match &record.covers {
        None => true,
        Some(globs) => crate::config::plan::PathSet::new("covers", globs)
            .map(|set| set.is_match(path))
            .unwrap_or(false),
    }
}

/// Owner restrictions: `record.owners`, CODEOWNERS, `security.owners`.
fn owner_problems(
    plan: &Plan,
    ctx: &Context<'_>,
    config: &ConfigChange,
    record: &Record,
) -> Vec<String> {
    let owner = record.owner.as_deref().unwrap_or_default().trim();
    let shown_owner = redact_value("owner", owner);
    let mut out = Vec::new();
    let same = |list: &[String]| list.iter().any(|o| o.eq_ignore_ascii_case(owner));
    if !plan.owners.is_empty() && !same(&plan.owners) {
        out.push(format!(
            "owner {shown_owner} is not one of record.owners ({})",
            plan.owners.join(", ")
        ));
    }
    if plan.codeowners {
        if let Some(owners) = ctx.codeowners.and_then(|c| c.owners_of(&config.path)) {
            if !owners.is_empty() && !same(owners) {
                out.push(format!(
                    "owner {shown_owner} is not a CODEOWNERS owner of {} ({})",
                    config.path,
                    owners.join(", ")
                ));
            }
        }
    }
    if config.security_file && !plan.security_owners.is_empty() && !same(&plan.security_owners) {
        out.push(format!(
            "{} is a designated security file: the owner must be one of security.owners ({})",
            config.path,
            plan.security_owners.join(", ")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::settings::{parse_layer, Layers, DEFAULTS};

    fn plan() -> Plan {
        Plan::build(&Layers::new(vec![
            parse_layer("defaults", DEFAULTS).unwrap()
        ]))
        .unwrap()
    }

    fn change(path: &str, text: &str, added: &[u32]) -> ChangeSet {
        ChangeSet {
            commit: None,
            files: vec![FileChange {
                path: path.to_string(),
                old_path: None,
                status: if added.is_empty() {
                    ChangeStatus::Added
                } else {
                    ChangeStatus::Modified
                },
                old: Content::Absent,
                new: Content::Text(text.into()),
                added_lines: added.to_vec(),
                mode_changed: false,
            }],
        }
    }

    fn run(plan: &Plan, change: &ChangeSet, baseline: &Baseline) -> Outcome {
        let ctx = Context {
            mode: Mode::Scan,
            baseline: Some(baseline),
            codeowners: None,
            reverted: None,
            policy_change: None,
        };
        check(plan, change, &ctx).unwrap()
    }

    const LINE: &str = "requests.get(url, verify=False)\n";

    #[test]
    fn a_baseline_entry_approves_as_many_as_it_counted() {
        let plan = plan();
        let one = change("app/c.py", LINE, &[]);
        let baseline =
            Baseline::from_findings(&run(&plan, &one, &Baseline::from_findings(&[])).findings);
        assert_eq!(baseline.occurrences(), 1);
        // The recorded line, moved: approved.
        let moved = format!("import requests\n{LINE}");
        let outcome = run(&plan, &change("app/c.py", &moved, &[2]), &baseline);
        assert!(outcome.findings.is_empty(), "{:?}", outcome.findings);
        assert_eq!(outcome.baselined, 1);
        // A second identical line added beside the first: reported.
        let two = format!("{LINE}x = 1\n{LINE}");
        let outcome = run(&plan, &change("app/c.py", &two, &[3]), &baseline);
        assert_eq!(outcome.findings.len(), 1, "{:?}", outcome.findings);
        assert_eq!(outcome.findings[0].line, Some(3));
        // Both added at once in a new file: one approved, one reported.
        let outcome = run(&plan, &change("app/c.py", &two, &[]), &baseline);
        assert_eq!((outcome.findings.len(), outcome.baselined), (1, 1));
        // A baseline that counted two approves both.
        let both = Baseline::from_findings(
            &run(
                &plan,
                &change("app/c.py", &two, &[]),
                &Baseline::from_findings(&[]),
            )
            .findings,
        );
        let outcome = run(&plan, &change("app/c.py", &two, &[1, 3]), &both);
        assert!(outcome.findings.is_empty(), "{:?}", outcome.findings);
    }

    #[test]
    fn forbidden_files_pass_through_the_baseline() {
        let plan = plan();
        let env = change(".env", "PORT=1\n", &[]);
        let none = Baseline::from_findings(&[]);
        let found = run(&plan, &env, &none).findings;
        assert_eq!(found.len(), 1, "{found:?}");
        let baseline = Baseline::from_findings(&found);
        let edited = change(".env", "PORT=2\n", &[1]);
        let outcome = run(&plan, &edited, &baseline);
        assert!(outcome.findings.is_empty(), "{:?}", outcome.findings);
        assert_eq!(outcome.baselined, 1);
    }

    fn file(
        path: &str,
        old_path: Option<&str>,
        old: Option<&str>,
        new: Option<&str>,
    ) -> FileChange {
        let content = |text: Option<&str>| match text {
            Some(text) => Content::Text(text.into()),
            None => Content::Absent,
        };
        let status = match (old, new, old_path) {
            (None, _, _) => ChangeStatus::Added,
            (_, None, _) => ChangeStatus::Deleted,
            (_, _, Some(_)) => ChangeStatus::Renamed,
            _ => ChangeStatus::Modified,
        };
        FileChange {
            path: path.to_string(),
            old_path: old_path.map(str::to_string),
            status,
            old: content(old),
            new: content(new),
            added_lines: Vec::new(),
            mode_changed: false,
        }
    }

    #[test]
    fn revert_message_names_the_commit() {
        let message = "Revert \"Raise ttl\"\n\nThis reverts commit f981a53c0ffee0123456789abcdef0123456789a.\n";
        assert_eq!(
            reverted_commit(message),
            Some("f981a53c0ffee0123456789abcdef0123456789a")
        );
        assert_eq!(reverted_commit("This reverts commit abc."), None);
        assert_eq!(reverted_commit("Raise ttl\n"), None);
    }

    #[test]
    fn undo_is_the_exact_inverse() {
        let original = file("c.toml", None, Some("ttl = 60\n"), Some("ttl = 300\n"));
        let revert = file("c.toml", None, Some("ttl = 300\n"), Some("ttl = 60\n"));
        assert!(undoes(&revert, &original));
        let more = file("c.toml", None, Some("ttl = 300\n"), Some("ttl = 30\n"));
        assert!(!undoes(&more, &original));
        let elsewhere = file("d.toml", None, Some("ttl = 300\n"), Some("ttl = 60\n"));
        assert!(!undoes(&elsewhere, &original));
        // An added file undone is a deletion; a rename undone renames back.
        let added = file("n.toml", None, None, Some("a = 1\n"));
        assert!(undoes(&file("n.toml", None, Some("a = 1\n"), None), &added));
        let renamed = file(
            "new.toml",
            Some("old.toml"),
            Some("a = 1\n"),
            Some("a = 1\n"),
        );
        let back = file(
            "old.toml",
            Some("new.toml"),
            Some("a = 1\n"),
            Some("a = 1\n"),
        );
        assert!(undoes(&back, &renamed));
        let binary = FileChange {
            old: Content::Binary,
            new: Content::Binary,
            ..original.clone()
        };
        assert!(!undoes(&binary, &binary));
    }

    #[test]
    fn chunks_cover_the_text_with_overlap_and_count_lines() {
        let text: String = (0..100).map(|i| format!("line {i:03}\n")).collect();
        let pieces = chunks(&text, 100, 30);
        assert!(pieces.len() > 9);
        for (before, piece) in &pieces {
            assert!(piece.len() <= 100);
            assert!(piece.starts_with("line "), "{piece:?}");
            let first: u32 = piece[5..8].parse().unwrap();
            assert_eq!(first, *before, "line numbers carry over");
        }
        assert!(text.ends_with(pieces.last().unwrap().1));
        // Every line is whole in some piece.
        for i in 0..100 {
            let line = format!("line {i:03}\n");
            assert!(pieces.iter().any(|(_, p)| p.contains(&line)), "{line}");
        }
        // One long line: a value across a cut is whole in the next piece.
        let long = format!("{}TOKEN-ABCDEFGH{}", "x".repeat(95), "y".repeat(200));
        let pieces = chunks(&long, 100, 40);
        assert!(pieces.iter().any(|(_, p)| p.contains("TOKEN-ABCDEFGH")));
        assert!(pieces.iter().all(|(before, _)| *before == 0));
        assert_eq!(chunks("short\n", 100, 40), vec![(0, "short\n")]);
    }
}
