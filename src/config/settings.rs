//! confgate's own configuration: serde layers (embedded defaults, the project's
//! file, `--config`), each validated strictly, merged into effective values.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{bail, Context, Result};
use serde::Deserialize;

use crate::bounded;
use crate::detect::secrets::SecretRule;
use crate::detect::security::SecurityRule;
use crate::finding::Severity;

pub const DEFAULTS: &str = include_str!("../../rules/config.toml");

/// The files that make up a project's policy, at the root of the repository:
/// its settings (`.confgate.toml`, else `[tool.confgate]` of `pyproject.toml`),
/// its baseline, its gitleaks config (at `secrets.gitleaks_config` when set)
/// and `.gitleaksignore`.
pub const POLICY_FILES: [&str; 5] = [
    ".confgate.toml",
    "pyproject.toml",
    ".confgate-baseline.json",
    crate::config::gitleaks::CONFIG_FILE,
    crate::config::gitleaks::IGNORE_FILE,
];
pub const DOTFILE: &str = POLICY_FILES[0];
pub const PYPROJECT: &str = POLICY_FILES[1];

/// One layer of configuration as written in a file. Every field is optional:
/// a layer says only what it changes.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub config: Option<ConfigSection>,
    pub record: Option<RecordSection>,
    pub security: Option<SecuritySection>,
    pub secrets: Option<SecretsSection>,
    pub rules: Option<RulesSection>,
    pub environments: Option<BTreeMap<String, String>>,
    pub release: Option<ReleaseSection>,
    pub limits: Option<LimitsSection>,
    pub server: Option<ServerSection>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigSection {
    pub include: Option<Vec<String>>,
    pub extend_include: Option<Vec<String>>,
    pub exclude: Option<Vec<String>>,
    pub extend_exclude: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordSection {
    pub dir: Option<String>,
    pub require: Option<RequireSetting>,
    pub extend_require: Option<Vec<FieldPolicy>>,
    pub owners: Option<Vec<String>>,
    pub codeowners: Option<bool>,
    pub placeholders: Option<Vec<String>>,
    pub extend_placeholders: Option<Vec<String>>,
    pub max_keys: Option<usize>,
    /// `"record"`: a change that only moves image tags, digests or pinned
    /// versions needs a record like any other; `"skip"` (the default): it
    /// is a dependency update, listed in the log, needing none.
    pub dependency_updates: Option<DependencyUpdates>,
    /// The adoption point: this commit and its ancestors are history from
    /// before confgate, not re-judged by pre-push, `check --range` or
    /// `release-check`.
    pub adopted: Option<String>,
}

/// `record.dependency_updates`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DependencyUpdates {
    Record,
    Skip,
}

impl<'de> Deserialize<'de> for DependencyUpdates {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = String::deserialize(deserializer)?;
        match value.as_str() {
            "record" => Ok(DependencyUpdates::Record),
            "skip" => Ok(DependencyUpdates::Skip),
            _ => Err(serde::de::Error::custom(format!(
                "record.dependency_updates must be \"record\" or \"skip\", not {:?}",
                crate::redact::redact_quoted(&value)
            ))),
        }
    }
}

/// `record.require`: the string `"file"` / `"any"`, or field policies.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RequireSetting {
    Source(String),
    Fields(Vec<FieldPolicy>),
}

/// Extra record fields asked for a kind of change (`[[record.require]]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldPolicy {
    pub id: Option<String>,
    #[serde(default)]
    pub paths: Vec<String>,
    /// Key-name fragments: a changed key containing one of them triggers the policy.
    #[serde(default)]
    pub keys: Vec<String>,
    /// Field names; `a|b` means either will do.
    #[serde(default)]
    pub fields: Vec<String>,
    #[serde(default)]
    pub why: String,
    #[serde(default)]
    pub example: String,
    /// `"file"`: these paths need a record file, trailers are not enough.
    pub source: Option<String>,
    /// How a missing field is reported (default `error`).
    pub severity: Option<Severity>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecuritySection {
    pub files: Option<Vec<String>>,
    pub extend_files: Option<Vec<String>>,
    pub ignore: Option<Vec<String>>,
    pub extend_ignore: Option<Vec<String>>,
    pub owners: Option<Vec<String>>,
    pub strict: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretsSection {
    /// Paths never scanned for secrets (fixtures of fake keys, …).
    pub ignore: Option<Vec<String>>,
    pub extend_ignore: Option<Vec<String>>,
    /// The repository's gitleaks config, when not `.gitleaks.toml` at the root.
    pub gitleaks_config: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesSection {
    pub disable: Option<Vec<String>>,
    pub extend_disable: Option<Vec<String>>,
    pub severity: Option<BTreeMap<String, Severity>>,
    pub secret: Option<Vec<SecretRule>>,
    pub security: Option<Vec<SecurityRule>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReleaseSection {
    pub checklist: Option<Vec<ChecklistStep>>,
}

/// A release checklist step: a command line, or a named one.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum ChecklistStep {
    Command(String),
    Named { name: String, run: String },
}

impl ChecklistStep {
    pub fn name(&self) -> &str {
        match self {
            ChecklistStep::Command(run) => run,
            ChecklistStep::Named { name, .. } => name,
        }
    }

    pub fn command(&self) -> &str {
        match self {
            ChecklistStep::Command(run) | ChecklistStep::Named { run, .. } => run,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsSection {
    pub max_file_size: Option<u64>,
    /// `"block"` (default) or `"warn"`: what a text file that could not be
    /// read whole (over `max_file_size`) is.
    pub on_skip: Option<String>,
    /// Paths whose unread files are allowed (listed, not a finding).
    pub skip_paths: Option<Vec<String>>,
    pub extend_skip_paths: Option<Vec<String>>,
}

/// `[server]`: the budgets of `hook pre-receive` / `hook update`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSection {
    /// Seconds one push may take to check (default 10).
    pub timeout: Option<f64>,
    /// New commits one push may bring (default 2000).
    pub max_commits: Option<usize>,
    /// `"refuse"` (default) or `"accept"`: what a push that exceeds a budget gets.
    pub on_budget: Option<String>,
    /// Whether `git push -o confgate.skip=<reason>` skips the check (default false).
    pub allow_skip: Option<bool>,
}

/// A parsed layer and where it came from, for error messages.
#[derive(Debug, Clone)]
pub struct Layer {
    pub source: String,
    pub settings: Settings,
}

/// Parse one layer from TOML text; errors name the file and, through the
/// TOML parser, the key, line and column.
pub fn parse_layer(source: &str, text: &str) -> Result<Layer> {
    let settings: Settings = toml::from_str(text)
        .map_err(|err| anyhow::anyhow!(crate::redact::toml_error(source, text, &err)))?;
    validate(source, &settings)?;
    Ok(Layer {
        source: source.to_string(),
        settings,
    })
}

/// The project's layer: `.confgate.toml` at `root`, else `[tool.confgate]` of
/// `pyproject.toml`, else nothing, read from the working tree.
pub fn project_layer(root: &Path) -> Result<Option<Layer>> {
    let policy =
        |name: &str| bounded::read_policy(&root.join(name), bounded::POLICY_LIMIT, "policy file");
    project_layer_from(
        policy(".confgate.toml")?.as_deref(),
        policy("pyproject.toml")?.as_deref(),
        "",
    )
}

/// The project's layer from the texts of `.confgate.toml` and
/// `pyproject.toml` (wherever they were read: a tree, the index, the working
/// tree; the server hooks read the default branch's). `origin` goes after
/// the file name in messages (` (HEAD)`).
pub fn project_layer_from(
    dotfile: Option<&str>,
    pyproject: Option<&str>,
    origin: &str,
) -> Result<Option<Layer>> {
    if let Some(text) = dotfile {
        return parse_layer(&format!(".confgate.toml{origin}"), text).map(Some);
    }
    let Some(text) = pyproject else {
        return Ok(None);
    };
    let Some(section) = pyproject_section(text, origin)? else {
        return Ok(None);
    };
    let source = format!("pyproject.toml{origin} [tool.confgate]");
    let settings: Settings = section
        .try_into()
        .map_err(|err| anyhow::anyhow!(crate::redact::toml_error(&source, "", &err)))?;
    validate(&source, &settings)?;
    Ok(Some(Layer { source, settings }))
}

/// `[tool.confgate]` of a `pyproject.toml`, when it has one.
pub fn pyproject_section(text: &str, origin: &str) -> Result<Option<toml::Value>> {
    let table: toml::Table = toml::from_str(text).map_err(|err| {
        anyhow::anyhow!(crate::redact::toml_error(
            &format!("pyproject.toml{origin}"),
            text,
            &err
        ))
    })?;
    Ok(table
        .get("tool")
        .and_then(|tool| tool.get("confgate"))
        .cloned())
}

/// The `[tool.confgate]` layer of a `pyproject.toml`'s text, if it has one.
pub fn pyproject_layer(text: &str) -> Result<Option<Layer>> {
    project_layer_from(None, Some(text), "")
}

/// A layer from `--config FILE`.
pub fn file_layer(path: &Path) -> Result<Layer> {
    let text = bounded::read_text(path, bounded::POLICY_LIMIT, "config file")?
        .with_context(|| format!("cannot read config file {}: no such file", path.display()))?;
    let layer = parse_layer(&path.display().to_string(), &text)?;
    if let Some(gitleaks) = layer
        .settings
        .secrets
        .as_ref()
        .and_then(|s| s.gitleaks_config.as_ref())
    {
        // The gitleaks config is part of the committed policy: a flag
        // cannot swap it for another file.
        bail!(
            "{}: secrets.gitleaks_config = {gitleaks:?} is read from the repository's own settings (.confgate.toml or [tool.confgate]), not from --config",
            layer.source
        );
    }
    Ok(layer)
}

/// Checks serde cannot express: enumerated strings and non-empty names.
fn validate(source: &str, settings: &Settings) -> Result<()> {
    if let Some(record) = &settings.record {
        if let Some(RequireSetting::Source(value)) = &record.require {
            if value != "file" && value != "any" {
                bail!("{source}: record.require must be \"file\", \"any\" or a list of [[record.require]] tables, not {value:?}");
            }
        }
        let policies = match &record.require {
            Some(RequireSetting::Fields(list)) => list.as_slice(),
            _ => &[],
        };
        for policy in policies
            .iter()
            .chain(record.extend_require.iter().flatten())
        {
            if let Some(value) = &policy.source {
                if value != "file" && value != "any" {
                    bail!("{source}: record.require source must be \"file\" or \"any\", not {value:?}");
                }
            }
            if policy.paths.is_empty() && policy.keys.is_empty() {
                bail!(
                    "{source}: a [[record.require]] entry{} needs `paths` or `keys`",
                    policy
                        .id
                        .as_deref()
                        .map(|id| format!(" ({id})"))
                        .unwrap_or_default()
                );
            }
        }
        if let Some(adopted) = &record.adopted {
            if adopted.trim().is_empty() {
                bail!("{source}: record.adopted must name a commit (a commit id, tag or branch), not an empty string");
            }
        }
        if let Some(dir) = &record.dir {
            if dir.trim_matches('/').is_empty() {
                bail!("{source}: record.dir must name a directory, not {dir:?}");
            }
            if !bounded::stays_inside(dir) {
                bail!("{source}: record.dir {dir:?} leaves the repository: give a path relative to its root, without `..`");
            }
        }
    }
    if let Some(path) = settings
        .secrets
        .as_ref()
        .and_then(|s| s.gitleaks_config.as_ref())
    {
        if path.trim().is_empty() || !bounded::stays_inside(path) {
            bail!("{source}: secrets.gitleaks_config must be a path inside the repository, relative to its root, not {path:?}");
        }
    }
    if let Some(server) = &settings.server {
        if let Some(value) = &server.on_budget {
            if value != "refuse" && value != "accept" {
                bail!("{source}: server.on_budget must be \"refuse\" or \"accept\", not {value:?}");
            }
        }
        if let Some(timeout) = server.timeout {
            if !timeout.is_finite() || !(0.0..=86_400.0).contains(&timeout) {
                bail!("{source}: server.timeout must be a number of seconds from 0 to 86400, not {timeout}");
            }
        }
    }
    if let Some(value) = settings.limits.as_ref().and_then(|l| l.on_skip.as_ref()) {
        if value != "block" && value != "warn" {
            bail!("{source}: limits.on_skip must be \"block\" or \"warn\", not {value:?}");
        }
    }
    if let Some(envs) = &settings.environments {
        for (name, path) in envs {
            if path.trim().is_empty() {
                bail!("{source}: environments.{name} is empty");
            }
        }
    }
    Ok(())
}

/// The effective configuration: layers in order, later ones winning.
#[derive(Debug, Clone)]
pub struct Layers {
    pub layers: Vec<Layer>,
}

impl Layers {
    pub fn new(layers: Vec<Layer>) -> Layers {
        Layers { layers }
    }

    /// The last value any layer sets.
    pub fn last<T: Clone>(&self, get: impl Fn(&Settings) -> Option<&T>) -> Option<T> {
        self.layers
            .iter()
            .rev()
            .find_map(|layer| get(&layer.settings).cloned())
    }

    /// A list: the last layer's replacement, then every later extension.
    pub fn list<T: Clone>(
        &self,
        replace: impl Fn(&Settings) -> Option<&Vec<T>>,
        extend: impl Fn(&Settings) -> Option<&Vec<T>>,
    ) -> Vec<T> {
        let start = self
            .layers
            .iter()
            .rposition(|layer| replace(&layer.settings).is_some())
            .unwrap_or(0);
        let mut out: Vec<T> = self
            .layers
            .get(start)
            .and_then(|layer| replace(&layer.settings))
            .cloned()
            .unwrap_or_default();
        for (index, layer) in self.layers.iter().enumerate() {
            if index >= start {
                if let Some(more) = extend(&layer.settings) {
                    out.extend(more.iter().cloned());
                }
            }
        }
        out
    }

    /// Maps merged key by key, later layers winning.
    pub fn map<V: Clone>(
        &self,
        get: impl Fn(&Settings) -> Option<&BTreeMap<String, V>>,
    ) -> BTreeMap<String, V> {
        let mut out = BTreeMap::new();
        for layer in &self.layers {
            if let Some(map) = get(&layer.settings) {
                out.extend(map.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
        }
        out
    }

    /// The last value any layer sets, with the layer's source.
    pub fn last_with_source<T: Clone>(
        &self,
        get: impl Fn(&Settings) -> Option<&T>,
    ) -> Option<(T, String)> {
        self.layers
            .iter()
            .rev()
            .find_map(|layer| get(&layer.settings).map(|v| (v.clone(), layer.source.clone())))
    }

    /// Where each layer came from, for `-v`.
    pub fn sources(&self) -> Vec<&str> {
        self.layers
            .iter()
            .map(|layer| layer.source.as_str())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_parse() {
        let layer = parse_layer("rules/config.toml", DEFAULTS).unwrap();
        let record = layer.settings.record.unwrap();
        assert_eq!(record.dir.as_deref(), Some("config-changes/"));
        assert!(
            matches!(record.require, Some(RequireSetting::Fields(ref list)) if list.len() == 3)
        );
    }

    #[test]
    fn unknown_key_names_file_and_key() {
        let err = parse_layer(".confgate.toml", "[record]\nownerz = []\n").unwrap_err();
        let text = format!("{err:#}");
        assert!(text.contains(".confgate.toml"), "{text}");
        assert!(text.contains("ownerz"), "{text}");
        assert!(text.contains("line 2"), "{text}");
    }

    #[test]
    fn bad_require_value_is_rejected() {
        let err = parse_layer("x.toml", "[record]\nrequire = \"always\"\n").unwrap_err();
        assert!(format!("{err}").contains("record.require"));
    }

    #[test]
    fn lists_replace_then_extend() {
        let base = parse_layer(
            "a",
            "[config]\ninclude = [\"a\"]\nextend_include = [\"b\"]\n",
        )
        .unwrap();
        let ext = parse_layer("b", "[config]\nextend_include = [\"c\"]\n").unwrap();
        let layers = Layers::new(vec![base.clone(), ext.clone()]);
        fn get(s: &Settings) -> Option<&Vec<String>> {
            s.config.as_ref().and_then(|c| c.include.as_ref())
        }
        fn more(s: &Settings) -> Option<&Vec<String>> {
            s.config.as_ref().and_then(|c| c.extend_include.as_ref())
        }
        assert_eq!(layers.list(get, more), vec!["a", "b", "c"]);
        let replace = parse_layer("c", "[config]\ninclude = [\"z\"]\n").unwrap();
        let layers = Layers::new(vec![base, ext, replace]);
        assert_eq!(layers.list(get, more), vec!["z"]);
    }

    #[test]
    fn checklist_accepts_strings_and_tables() {
        let layer = parse_layer(
            "a",
            "[release]\nchecklist = [\"ruff check .\", { name = \"tests\", run = \"pytest -q\" }]\n",
        )
        .unwrap();
        let steps = layer.settings.release.unwrap().checklist.unwrap();
        assert_eq!(steps[0].name(), "ruff check .");
        assert_eq!(steps[1].name(), "tests");
        assert_eq!(steps[1].command(), "pytest -q");
    }
}
