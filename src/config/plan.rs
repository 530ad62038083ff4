//! The checked plan: settings layers and rule packs compiled once (globs,
//! scanners, record policy) before any check runs.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use anyhow::{Context, Result};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use crate::config::gitleaks::{self, Gitleaks};
use crate::config::settings::{
    ChecklistStep, DependencyUpdates, FieldPolicy, Layers, RequireSetting, Settings, POLICY_FILES,
    PYPROJECT,
};
use crate::detect::gitleaks::GitleaksScanner;
use crate::detect::keywords::SharedKeywords;
use crate::detect::secrets::{SecretRule, SecretScanner};
use crate::detect::security::{SecurityRule, SecurityScanner};
use crate::finding::Severity;

/// A set of path globs: a pattern matches at any depth unless it starts with
/// `/` (anchored at the root), a trailing `/` means everything below, and `*`
/// does not cross `/`.
#[derive(Debug, Clone)]
pub struct PathSet {
    pub patterns: Vec<String>,
    set: GlobSet,
}

impl PathSet {
    pub fn new(source: &str, patterns: &[String]) -> Result<PathSet> {
        let mut builder = GlobSetBuilder::new();
        for pattern in patterns {
            for expanded in expand_pattern(pattern) {
                let glob = GlobBuilder::new(&expanded)
                    .literal_separator(true)
                    .backslash_escape(true)
                    .build()
                    .with_context(|| format!("{source}: invalid glob {pattern:?}"))?;
                builder.add(glob);
            }
        }
        let set = builder
            .build()
            .with_context(|| format!("{source}: cannot compile globs"))?;
        Ok(PathSet {
            patterns: patterns.to_vec(),
            set,
        })
    }

    pub fn is_match(&self, path: &str) -> bool {
        self.set.is_match(path)
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }
}

fn expand_pattern(pattern: &str) -> Vec<String> {
    let trimmed = pattern.trim();
    let mut body = trimmed.trim_start_matches('/').to_string();
    if body.ends_with('/') {
        body.push_str("**");
    }
    if trimmed.starts_with('/') || body.starts_with("**/") {
        vec![body]
    } else {
        // `**/x` matches `x` at the root too.
        vec![format!("**/{body}")]
    }
}

/// A `[[record.require]]` policy with its globs compiled.
#[derive(Debug, Clone)]
pub struct CompiledFieldPolicy {
    pub id: String,
    pub paths: PathSet,
    pub keys: Vec<String>,
    /// Each entry: alternatives, any of which satisfies it.
    pub fields: Vec<Vec<String>>,
    pub why: String,
    pub example: String,
    pub require_file: bool,
    pub severity: Severity,
}

impl CompiledFieldPolicy {
    /// Whether this policy applies to a change of `path` touching `keys`.
    pub fn applies(&self, path: &str, keys: &[String]) -> bool {
        if self.paths.is_match(path) {
            return true;
        }
        !self.keys.is_empty()
            && keys.iter().any(|key| {
                let lower = key.to_ascii_lowercase();
                self.keys
                    .iter()
                    .any(|frag| lower.contains(&frag.to_ascii_lowercase()))
            })
    }
}

/// Everything a check needs, compiled and validated.
pub struct Plan {
    pub config_files: PathSet,
    pub config_exclude: PathSet,
    pub security_files: PathSet,
    pub security_ignore: PathSet,
    pub secrets_ignore: PathSet,
    pub security_owners: Vec<String>,
    pub strict: bool,
    pub record_dir: String,
    pub require_file: bool,
    /// `record.dependency_updates = "record"`: dependency updates need a
    /// record too.
    pub record_dependency_updates: bool,
    pub field_policies: Vec<CompiledFieldPolicy>,
    pub owners: Vec<String>,
    pub codeowners: bool,
    pub placeholders: HashSet<String>,
    pub max_keys: usize,
    pub disabled: HashSet<String>,
    pub severity: BTreeMap<String, Severity>,
    /// With no rule added or disabled, the very scanner redaction uses
    /// (built once, its regexes compiled once for both).
    pub secrets: Arc<SecretScanner>,
    /// The repository's gitleaks rules, allowlists and ignored fingerprints.
    pub gitleaks: GitleaksScanner,
    pub security: SecurityScanner,
    /// Both detectors' keywords, for one pass over a whole Python file.
    pub shared_keywords: Option<SharedKeywords>,
    pub environments: Vec<(String, String)>,
    pub checklist: Vec<ChecklistStep>,
    pub max_file_size: u64,
    /// Whether a file that could not be read whole blocks (`limits.on_skip`).
    pub skip_blocks: bool,
    /// Where unread files are allowed (`limits.skip_paths`).
    pub skip_paths: PathSet,
    pub sources: Vec<String>,
    /// `record.adopted` as written, with the file that set it.
    pub adopted: Option<AdoptionPoint>,
}

/// `adopted = "<rev>"` in `[record]`: where checks start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdoptionPoint {
    pub rev: String,
    /// The layer that set it (`.confgate.toml`, …), for error messages.
    pub source: String,
}

/// A getter of one setting from a layer: `get!(record.dir)`.
macro_rules! get {
    ($section:ident . $key:ident) => {
        |s: &Settings| s.$section.as_ref().and_then(|c| c.$key.as_ref())
    };
}

/// The layers merged: each setting's effective value, read from the layers
/// (the embedded defaults first), before anything is compiled.
struct Merged {
    include: Vec<String>,
    exclude: Vec<String>,
    record_dir: String,
    security_files: Vec<String>,
    security_ignore: Vec<String>,
    secrets_ignore: Vec<String>,
    require_file: bool,
    record_dependency_updates: bool,
    policies: Vec<FieldPolicy>,
    placeholders: HashSet<String>,
    disabled: HashSet<String>,
    secret_rules: Vec<SecretRule>,
    security_rules: Vec<SecurityRule>,
    skip_paths: Vec<String>,
    security_owners: Vec<String>,
    strict: bool,
    owners: Vec<String>,
    codeowners: bool,
    max_keys: usize,
    severity: BTreeMap<String, Severity>,
    environments: Vec<(String, String)>,
    checklist: Vec<ChecklistStep>,
    adopted: Option<AdoptionPoint>,
    max_file_size: u64,
    skip_blocks: bool,
}

impl Merged {
    fn from_layers(layers: &Layers) -> Result<Merged> {
        let record_dir = required(layers.last(get!(record.dir)), "record.dir")?;
        let record_dir = format!("{}/", record_dir.trim_matches('/'));
        let mut exclude = layers.list(get!(config.exclude), get!(config.extend_exclude));
        exclude.push(format!("/{record_dir}"));
        let (require_file, policies) = record_requirements(layers);
        let placeholders = layers.list(get!(record.placeholders), get!(record.extend_placeholders));
        let disabled = layers.list(get!(rules.disable), get!(rules.extend_disable));
        Ok(Merged {
            include: layers.list(get!(config.include), get!(config.extend_include)),
            exclude,
            record_dir,
            security_files: security_files(layers),
            security_ignore: layers.list(get!(security.ignore), get!(security.extend_ignore)),
            secrets_ignore: layers.list(get!(secrets.ignore), get!(secrets.extend_ignore)),
            require_file,
            record_dependency_updates: layers.last(get!(record.dependency_updates))
                == Some(DependencyUpdates::Record),
            policies,
            placeholders: placeholders
                .iter()
                .map(|p| p.trim().to_lowercase())
                .collect(),
            disabled: disabled.into_iter().collect(),
            secret_rules: layers.list(|_| None, get!(rules.secret)),
            security_rules: layers.list(|_| None, get!(rules.security)),
            skip_paths: layers.list(get!(limits.skip_paths), get!(limits.extend_skip_paths)),
            security_owners: layers.last(get!(security.owners)).unwrap_or_default(),
            strict: layers.last(get!(security.strict)).unwrap_or(false),
            owners: layers.last(get!(record.owners)).unwrap_or_default(),
            codeowners: layers.last(get!(record.codeowners)).unwrap_or(false),
            max_keys: required(layers.last(get!(record.max_keys)), "record.max_keys")?,
            severity: layers.map(get!(rules.severity)),
            environments: layers
                .map(|s| s.environments.as_ref())
                .into_iter()
                .collect(),
            checklist: layers.last(get!(release.checklist)).unwrap_or_default(),
            adopted: layers
                .last_with_source(get!(record.adopted))
                .map(|(rev, source)| AdoptionPoint {
                    rev: rev.trim().to_string(),
                    source,
                }),
            max_file_size: required(
                layers.last(get!(limits.max_file_size)),
                "limits.max_file_size",
            )?,
            skip_blocks: layers
                .last(get!(limits.on_skip))
                .is_none_or(|value| value == "block"),
        })
    }
}

/// A setting the embedded defaults always give: missing only when a plan is
/// built without them, which is an error rather than a silent fallback.
fn required<T>(value: Option<T>, key: &str) -> Result<T> {
    value.with_context(|| {
        format!("no value for {key}: the embedded defaults (rules/config.toml) must set it")
    })
}

/// The designated security files: the rule pack's list unless a layer
/// replaces it, then every layer's additions.
fn security_files(layers: &Layers) -> Vec<String> {
    let mut files = layers.list(get!(security.files), get!(security.extend_files));
    if layers.last(get!(security.files)).is_none() {
        let mut defaults = SecurityScanner::default_files();
        defaults.append(&mut files);
        files = defaults;
    }
    files
}

/// `record.require` over the layers: the string `"file"` (every config
/// change needs a record file), or the list of field policies, which a later
/// layer replaces and `extend_require` adds to.
fn record_requirements(layers: &Layers) -> (bool, Vec<FieldPolicy>) {
    let mut require_file = false;
    let mut policies: Vec<FieldPolicy> = Vec::new();
    for layer in &layers.layers {
        let Some(record) = &layer.settings.record else {
            continue;
        };
        match &record.require {
            Some(RequireSetting::Source(value)) => require_file = value == "file",
            Some(RequireSetting::Fields(list)) => policies = list.clone(),
            None => {}
        }
        if let Some(more) = &record.extend_require {
            policies.extend(more.iter().cloned());
        }
    }
    (require_file, policies)
}

/// A `[[record.require]]` entry with its globs compiled; `index` names an
/// entry without an id.
fn compile_field_policy(index: usize, policy: &FieldPolicy) -> Result<CompiledFieldPolicy> {
    let id = policy
        .id
        .clone()
        .unwrap_or_else(|| format!("require-{}", index + 1));
    Ok(CompiledFieldPolicy {
        paths: PathSet::new(&format!("record.require {id}"), &policy.paths)?,
        keys: policy.keys.clone(),
        fields: policy
            .fields
            .iter()
            .map(|f| f.split('|').map(|s| s.trim().to_string()).collect())
            .collect(),
        why: policy.why.clone(),
        example: policy.example.clone(),
        require_file: policy.source.as_deref() == Some("file"),
        severity: policy.severity.unwrap_or(Severity::Error),
        id,
    })
}

impl Plan {
    /// [`build`](Self::build), with the repository's gitleaks policy.
    pub fn build_with(layers: &Layers, gitleaks: Gitleaks) -> Result<Plan> {
        let mut plan = Plan::build(layers)?;
        plan.gitleaks = GitleaksScanner::new(gitleaks)?;
        Ok(plan)
    }

    /// Merge the layers, then compile what was merged: globs, rule packs
    /// with the project's rules, record policies.
    pub fn build(layers: &Layers) -> Result<Plan> {
        let m = Merged::from_layers(layers)?;
        let config_source = layers.sources().join(", ");
        let builtin = match m.secret_rules.is_empty() && m.disabled.is_empty() {
            true => crate::redact::builtin_scanner(),
            false => None,
        };
        let secrets = match builtin {
            Some(scanner) => scanner,
            None => Arc::new(
                SecretScanner::new(&m.secret_rules, &m.disabled)
                    .with_context(|| format!("loading secret rules ({config_source})"))?,
            ),
        };
        let security = SecurityScanner::new(&m.security_rules, &m.disabled)
            .with_context(|| format!("loading security-setting rules ({config_source})"))?;
        let field_policies = m
            .policies
            .iter()
            .enumerate()
            .map(|(index, policy)| compile_field_policy(index, policy))
            .collect::<Result<Vec<_>>>()?;
        Ok(Plan {
            shared_keywords: security
                .can_share_keywords()
                .then(|| SharedKeywords::new(secrets.keywords(), security.keywords())),
            config_files: PathSet::new("config.include", &m.include)?,
            config_exclude: PathSet::new("config.exclude", &m.exclude)?,
            security_files: PathSet::new("security.files", &m.security_files)?,
            security_ignore: PathSet::new("security.ignore", &m.security_ignore)?,
            secrets_ignore: PathSet::new("secrets.ignore", &m.secrets_ignore)?,
            skip_paths: PathSet::new("limits.skip_paths", &m.skip_paths)?,
            field_policies,
            secrets,
            gitleaks: GitleaksScanner::default(),
            security,
            record_dir: m.record_dir,
            require_file: m.require_file,
            record_dependency_updates: m.record_dependency_updates,
            placeholders: m.placeholders,
            disabled: m.disabled,
            security_owners: m.security_owners,
            strict: m.strict,
            owners: m.owners,
            codeowners: m.codeowners,
            max_keys: m.max_keys,
            severity: m.severity,
            environments: m.environments,
            checklist: m.checklist,
            adopted: m.adopted,
            max_file_size: m.max_file_size,
            skip_blocks: m.skip_blocks,
            sources: layers.sources().iter().map(|s| s.to_string()).collect(),
        })
    }

    /// Whether `path` is service configuration: designated security files
    /// and the paths record policies single out (migrations, …) are.
    /// The policy's own files are too (`pyproject.toml` only for its
    /// `[tool.confgate]` table: see `is_policy_only`).
    pub fn is_config(&self, path: &str) -> bool {
        self.is_service_config(path)
            || POLICY_FILES.contains(&path)
            || self.gitleaks.policy.path.as_deref() == Some(path)
            || path == gitleaks::CONFIG_FILE
    }

    fn is_service_config(&self, path: &str) -> bool {
        self.is_security_file(path)
            || (self.config_files.is_match(path) && !self.config_exclude.is_match(path))
            || self.field_policies.iter().any(|p| p.paths.is_match(path))
    }

    /// A file that is config only as part of the policy: `pyproject.toml`,
    /// whose keys outside `[tool.confgate]` need no record.
    pub fn is_policy_only(&self, path: &str) -> bool {
        path == PYPROJECT && !self.is_service_config(path)
    }

    pub fn is_security_file(&self, path: &str) -> bool {
        self.security_files.is_match(path)
    }

    pub fn is_record_file(&self, path: &str) -> bool {
        path.starts_with(&self.record_dir) && path.ends_with(".toml")
    }

    /// Whether the old side of a changed file is read: config files (for
    /// key diffs) and record files (whether a touched record changed).
    pub fn wants_old_text(&self, path: &str) -> bool {
        self.is_config(path) || self.is_record_file(path)
    }

    /// The severity a rule or policy reports at: the project's override, else `default`.
    pub fn severity_of(&self, rule: &str, default: Severity) -> Severity {
        self.severity.get(rule).copied().unwrap_or(default)
    }

    pub fn is_disabled(&self, rule: &str) -> bool {
        self.disabled.contains(rule)
    }

    /// The designated file a security setting should move to, for messages.
    pub fn security_file_hint(&self) -> String {
        self.security_files
            .patterns
            .first()
            .cloned()
            .unwrap_or_else(|| "a designated security file".to_string())
    }
}

/// `Plan::wants_old_text` answered once per path: a history walk asks it
/// for every changed path of every commit, and the globs behind it cost
/// fifty times a lookup. Each worker keeps one for its run; the answers
/// hold for the plan they were worked out with (kept alive here, so its
/// address is not reused), and a commit judged by another plan starts
/// them afresh.
#[derive(Default)]
pub struct OldTextPaths {
    plan: Option<Arc<Plan>>,
    answers: RefCell<HashMap<Box<str>, bool>>,
}

/// Paths remembered at most, so that a history of many distinct paths does
/// not grow the memo without bound (about 100 bytes each).
const OLD_TEXT_PATHS_MAX: usize = 1 << 15;

impl OldTextPaths {
    /// `plan.wants_old_text`, remembered per path.
    pub fn of<'a>(&'a mut self, plan: &Arc<Plan>) -> impl Fn(&str) -> bool + 'a {
        let OldTextPaths {
            plan: kept,
            answers,
        } = self;
        if !kept.as_ref().is_some_and(|k| Arc::ptr_eq(k, plan)) {
            *kept = None;
            answers.get_mut().clear();
        }
        let plan: &Plan = kept.get_or_insert_with(|| plan.clone());
        let answers: &RefCell<_> = answers;
        move |path: &str| {
            if let Some(wanted) = answers.borrow().get(path) {
                return *wanted;
            }
            let wanted = plan.wants_old_text(path);
            let mut answers = answers.borrow_mut();
            if answers.len() >= OLD_TEXT_PATHS_MAX {
                answers.clear();
            }
            answers.insert(path.into(), wanted);
            wanted
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(patterns: &[&str]) -> PathSet {
        let owned: Vec<String> = patterns.iter().map(|s| s.to_string()).collect();
        PathSet::new("test", &owned).unwrap()
    }

    #[test]
    fn bare_patterns_match_at_any_depth_without_crossing_slashes() {
        let s = set(&["*.toml", "settings/*.py", "docs/"]);
        assert!(s.is_match("cache.toml"));
        assert!(s.is_match("config/cache.toml"));
        assert!(s.is_match("app/settings/base.py"));
        assert!(s.is_match("settings/base.py"));
        assert!(!s.is_match("app/settings/sub/base.py"));
        assert!(s.is_match("docs/conf.toml"));
        assert!(s.is_match("pkg/docs/index.md"));
        assert!(!s.is_match("README.md"));
    }

    #[test]
    fn the_built_in_secret_scanner_is_shared_with_redaction_unless_rules_change() {
        use crate::config::settings::{parse_layer, DEFAULTS};
        let build = |project: &str| {
            let defaults = parse_layer("defaults", DEFAULTS).unwrap();
            let project = parse_layer(".confgate.toml", project).unwrap();
            Plan::build(&Layers::new(vec![defaults, project])).unwrap()
        };
        let redaction = crate::redact::builtin_scanner().expect("built-in rules load");
        assert!(Arc::ptr_eq(&build("").secrets, &redaction));
        let disabled = build("[rules]\ndisable = [\"generic-secret-assignment\"]\n");
        assert!(!Arc::ptr_eq(&disabled.secrets, &redaction));
    }

    #[test]
    fn remembered_old_side_answers_hold_only_for_their_plan() {
        use crate::config::settings::{parse_layer, DEFAULTS};
        let build = |project: &str| {
            let defaults = parse_layer("defaults", DEFAULTS).unwrap();
            let project = parse_layer(".confgate.toml", project).unwrap();
            Arc::new(Plan::build(&Layers::new(vec![defaults, project])).unwrap())
        };
        let plain = build("");
        let json = build("[config]\nextend_include = [\"deploy/*.json\"]\n");
        let mut paths = OldTextPaths::default();
        for _ in 0..2 {
            {
                let wants = paths.of(&plain);
                assert!(!wants("deploy/limits.json"));
                assert!(!wants("deploy/limits.json"), "asked again");
                assert!(wants("config/service.toml"));
            }
            let wants = paths.of(&json);
            assert!(wants("deploy/limits.json"));
            assert!(wants("config/service.toml"));
        }
    }

    #[test]
    fn anchored_pattern_matches_only_at_root() {
        let s = set(&["/config-changes/"]);
        assert!(s.is_match("config-changes/a.toml"));
        assert!(!s.is_match("x/config-changes/a.toml"));
    }

    #[test]
    fn invalid_glob_names_its_source() {
        let err = PathSet::new("config.include", &["a[".to_string()]).unwrap_err();
        assert!(format!("{err:#}").contains("config.include"));
    }
}
