//! The checked plan: settings layers and rule packs compiled once (globs,
//! scanners, record policy) before any check runs.

use std::collections::{BTreeMap, HashSet};

use anyhow::{Context, Result};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use crate::config::settings::{
    ChecklistStep, FieldPolicy, Layers, RequireSetting, POLICY_FILES, PYPROJECT,
};
use crate::detect::keywords::SharedKeywords;
use crate::detect::secrets::SecretScanner;
use crate::detect::security::SecurityScanner;
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
    pub field_policies: Vec<CompiledFieldPolicy>,
    pub owners: Vec<String>,
    pub codeowners: bool,
    pub placeholders: HashSet<String>,
    pub max_keys: usize,
    pub disabled: HashSet<String>,
    pub severity: BTreeMap<String, Severity>,
    pub secrets: SecretScanner,
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

/// Default paths where security settings are ignored (tests, docs, examples).
const SECURITY_IGNORE: &[&str] = &[
    "tests/",
    "test/",
    "test_*.py",
    "*_test.py",
    "conftest.py",
    "docs/",
    "doc/",
    "examples/",
];

impl Plan {
    pub fn build(layers: &Layers) -> Result<Plan> {
        let config_source = layers.sources().join(", ");
        let include = layers.list(
            |s| s.config.as_ref().and_then(|c| c.include.as_ref()),
            |s| s.config.as_ref().and_then(|c| c.extend_include.as_ref()),
        );
        let mut exclude = layers.list(
            |s| s.config.as_ref().and_then(|c| c.exclude.as_ref()),
            |s| s.config.as_ref().and_then(|c| c.extend_exclude.as_ref()),
        );
        let record_dir = layers
            .last(|s| s.record.as_ref().and_then(|r| r.dir.as_ref()))
            .unwrap_or_else(|| "config-changes/".to_string());
        let record_dir = format!("{}/", record_dir.trim_matches('/'));
        exclude.push(format!("/{record_dir}"));

        let mut security_files = layers.list(
            |s| s.security.as_ref().and_then(|c| c.files.as_ref()),
            |s| s.security.as_ref().and_then(|c| c.extend_files.as_ref()),
        );
        if layers
            .last(|s| s.security.as_ref().and_then(|c| c.files.as_ref()))
            .is_none()
        {
            let mut defaults = SecurityScanner::default_files();
            defaults.append(&mut security_files);
            security_files = defaults;
        }
        let mut security_ignore = layers.list(
            |s| s.security.as_ref().and_then(|c| c.ignore.as_ref()),
            |s| s.security.as_ref().and_then(|c| c.extend_ignore.as_ref()),
        );
        if layers
            .last(|s| s.security.as_ref().and_then(|c| c.ignore.as_ref()))
            .is_none()
        {
            let mut defaults: Vec<String> = SECURITY_IGNORE.iter().map(|s| s.to_string()).collect();
            defaults.append(&mut security_ignore);
            security_ignore = defaults;
        }
        let secrets_ignore = layers.list(
            |s| s.secrets.as_ref().and_then(|c| c.ignore.as_ref()),
            |s| s.secrets.as_ref().and_then(|c| c.extend_ignore.as_ref()),
        );

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
        let field_policies = policies
            .iter()
            .enumerate()
            .map(|(index, policy)| {
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
            })
            .collect::<Result<Vec<_>>>()?;

        let placeholders = layers
            .list(
                |s| s.record.as_ref().and_then(|c| c.placeholders.as_ref()),
                |s| {
                    s.record
                        .as_ref()
                        .and_then(|c| c.extend_placeholders.as_ref())
                },
            )
            .into_iter()
            .map(|p| p.trim().to_lowercase())
            .collect();

        let disabled: HashSet<String> = layers
            .list(
                |s| s.rules.as_ref().and_then(|c| c.disable.as_ref()),
                |s| s.rules.as_ref().and_then(|c| c.extend_disable.as_ref()),
            )
            .into_iter()
            .collect();
        let secret_rules = layers.list(
            |_| None,
            |s| s.rules.as_ref().and_then(|c| c.secret.as_ref()),
        );
        let security_rules = layers.list(
            |_| None,
            |s| s.rules.as_ref().and_then(|c| c.security.as_ref()),
        );
        let secrets = SecretScanner::new(&secret_rules, &disabled)
            .with_context(|| format!("loading secret rules ({config_source})"))?;
        let security = SecurityScanner::new(&security_rules, &disabled)
            .with_context(|| format!("loading security-setting rules ({config_source})"))?;

        let shared_keywords = security
            .can_share_keywords()
            .then(|| SharedKeywords::new(secrets.keywords(), security.keywords()));

        Ok(Plan {
            shared_keywords,
            config_files: PathSet::new("config.include", &include)?,
            config_exclude: PathSet::new("config.exclude", &exclude)?,
            security_files: PathSet::new("security.files", &security_files)?,
            security_ignore: PathSet::new("security.ignore", &security_ignore)?,
            secrets_ignore: PathSet::new("secrets.ignore", &secrets_ignore)?,
            security_owners: layers
                .last(|s| s.security.as_ref().and_then(|c| c.owners.as_ref()))
                .unwrap_or_default(),
            strict: layers
                .last(|s| s.security.as_ref().and_then(|c| c.strict.as_ref()))
                .unwrap_or(false),
            record_dir,
            require_file,
            field_policies,
            owners: layers
                .last(|s| s.record.as_ref().and_then(|c| c.owners.as_ref()))
                .unwrap_or_default(),
            codeowners: layers
                .last(|s| s.record.as_ref().and_then(|c| c.codeowners.as_ref()))
                .unwrap_or(false),
            placeholders,
            max_keys: layers
                .last(|s| s.record.as_ref().and_then(|c| c.max_keys.as_ref()))
                .unwrap_or(5),
            severity: layers.map(|s| s.rules.as_ref().and_then(|c| c.severity.as_ref())),
            disabled,
            secrets,
            security,
            environments: layers
                .map(|s| s.environments.as_ref())
                .into_iter()
                .collect(),
            checklist: layers
                .last(|s| s.release.as_ref().and_then(|c| c.checklist.as_ref()))
                .unwrap_or_default(),
            adopted: layers
                .last_with_source(|s| s.record.as_ref().and_then(|c| c.adopted.as_ref()))
                .map(|(rev, source)| AdoptionPoint {
                    rev: rev.trim().to_string(),
                    source,
                }),
            max_file_size: layers
                .last(|s| s.limits.as_ref().and_then(|c| c.max_file_size.as_ref()))
                .unwrap_or(1024 * 1024),
            skip_blocks: layers
                .last(|s| s.limits.as_ref().and_then(|c| c.on_skip.as_ref()))
                .is_none_or(|value| value == "block"),
            skip_paths: PathSet::new(
                "limits.skip_paths",
                &layers.list(
                    |s| s.limits.as_ref().and_then(|c| c.skip_paths.as_ref()),
                    |s| s.limits.as_ref().and_then(|c| c.extend_skip_paths.as_ref()),
                ),
            )?,
            sources: layers.sources().iter().map(|s| s.to_string()).collect(),
        })
    }

    /// Whether `path` is service configuration: designated security files
    /// and the paths record policies single out (migrations, …) are.
    /// The policy's own files are too (`pyproject.toml` only for its
    /// `[tool.confgate]` table: see `is_policy_only`).
    pub fn is_config(&self, path: &str) -> bool {
        self.is_service_config(path) || POLICY_FILES.contains(&path)
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
