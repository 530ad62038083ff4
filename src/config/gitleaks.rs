//! A repository's gitleaks policy (`.gitleaks.toml`, `.gitleaksignore`)
//! converted into confgate secret rules, allowlists and ignored fingerprints;
//! what cannot be honoured exactly is an error naming the file and the rule.

use std::path::Path;
use std::sync::Arc;

use anyhow::{anyhow, bail, Result};
use regex::Regex;
use serde::Deserialize;

use crate::bounded;
use crate::config::settings::POLICY_FILES;
use crate::detect::secrets::SecretRule;
use crate::finding::redact;

/// gitleaks' own default lookup at the repository root.
pub const CONFIG_FILE: &str = ".gitleaks.toml";
pub const IGNORE_FILE: &str = ".gitleaksignore";

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct FileConfig {
    #[allow(dead_code)]
    title: Option<String>,
    #[allow(dead_code)]
    description: Option<String>,
    #[allow(dead_code)]
    min_version: Option<String>,
    extend: Option<FileExtend>,
    #[serde(default)]
    rules: Vec<FileRule>,
    allowlist: Option<FileAllowlist>,
    #[serde(default)]
    allowlists: Vec<FileAllowlist>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct FileExtend {
    use_default: Option<bool>,
    path: Option<String>,
    url: Option<String>,
    disabled_rules: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct FileRule {
    id: String,
    description: Option<String>,
    regex: Option<String>,
    secret_group: Option<usize>,
    entropy: Option<f64>,
    #[serde(default)]
    keywords: Vec<String>,
    path: Option<String>,
    #[allow(dead_code)]
    #[serde(default)]
    tags: Vec<String>,
    allowlist: Option<FileAllowlist>,
    #[serde(default)]
    allowlists: Vec<FileAllowlist>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct FileAllowlist {
    description: Option<String>,
    condition: Option<String>,
    #[serde(default)]
    commits: Vec<String>,
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    regexes: Vec<String>,
    regex_target: Option<String>,
    #[serde(default)]
    stopwords: Vec<String>,
    #[serde(default)]
    target_rules: Vec<String>,
}

/// What an allowlist's `regexes` are matched against (`regexTarget`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegexTarget {
    Secret,
    Match,
    Line,
}

/// One gitleaks allowlist, global or a rule's own, compiled.
#[derive(Debug, Clone)]
pub struct Allowlist {
    /// The rule whose own allowlist this is; `None`: global.
    pub rule: Option<String>,
    /// A global `[[allowlists]]`'s `targetRules` (empty: every rule).
    pub target_rules: Vec<String>,
    /// `condition = "AND"`: every criterion set must match.
    pub all: bool,
    pub commits: Vec<String>,
    pub paths: Vec<Regex>,
    pub regexes: Vec<Regex>,
    pub target: RegexTarget,
    /// Lowercased: a secret containing one is allowed.
    pub stopwords: Vec<String>,
}

/// The text a secret finding was made from, for allowlist regexes.
pub struct Found<'a> {
    pub secret: &'a str,
    pub matched: &'a str,
    pub line: &'a str,
}

/// An allowlist's judgement of a finding, before its commit is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// Allowed when the finding's commit is one of `commits`.
    IfCommit,
    Kept,
}

impl Allowlist {
    pub fn applies_to(&self, rule: &str) -> bool {
        match &self.rule {
            Some(own) => own == rule,
            None => self.target_rules.is_empty() || self.target_rules.iter().any(|r| r == rule),
        }
    }

    /// The judgement from everything but the commit. `found` is `None` for
    /// a finding about a whole file (only `paths` can allow it).
    pub fn verdict(&self, path: &str, found: Option<&Found<'_>>) -> Verdict {
        let mut checks: Vec<bool> = Vec::new();
        if !self.paths.is_empty() {
            checks.push(self.paths.iter().any(|re| re.is_match(path)));
        }
        if !self.regexes.is_empty() {
            checks.push(found.is_some_and(|f| {
                let text = match self.target {
                    RegexTarget::Secret => f.secret,
                    RegexTarget::Match => f.matched,
                    RegexTarget::Line => f.line,
                };
                self.regexes.iter().any(|re| re.is_match(text))
            }));
        }
        if !self.stopwords.is_empty() {
            checks.push(found.is_some_and(|f| {
                let secret = f.secret.to_lowercase();
                self.stopwords.iter().any(|w| secret.contains(w.as_str()))
            }));
        }
        let has_commits = !self.commits.is_empty();
        let content = if self.all {
            checks.iter().all(|c| *c)
        } else {
            checks.iter().any(|c| *c)
        };
        match (self.all, content, has_commits) {
            (false, true, _) => Verdict::Allowed,
            (true, true, false) => Verdict::Allowed,
            (_, _, true) if content || !self.all => Verdict::IfCommit,
            _ => Verdict::Kept,
        }
    }

    pub fn allows_commit(&self, commit: &str) -> bool {
        self.commits.iter().any(|c| commit.starts_with(c.as_str()))
    }

    /// Its entries in words, for the policy-weakening comparison.
    pub fn entries(&self) -> Vec<String> {
        let scope = match &self.rule {
            Some(rule) => format!("rule {rule} allowlist"),
            None if self.target_rules.is_empty() => "global allowlist".to_string(),
            None => format!("allowlist for {}", self.target_rules.join(", ")),
        };
        let mode = if self.all { " (AND)" } else { "" };
        let mut out = Vec::new();
        let mut add = |what: &str, value: &str| out.push(format!("{scope}{mode} {what} {value:?}"));
        self.commits.iter().for_each(|c| add("commit", c));
        self.paths.iter().for_each(|p| add("path", p.as_str()));
        let target = match self.target {
            RegexTarget::Secret => "regex",
            RegexTarget::Match => "regex (match)",
            RegexTarget::Line => "regex (line)",
        };
        // A regex or stopword may spell out the secret it lets through:
        // shown redacted, like every secret.
        self.regexes
            .iter()
            .for_each(|r| add(target, &redact(r.as_str())));
        self.stopwords
            .iter()
            .for_each(|w| add("stopword", &redact(w)));
        out
    }
}

/// A gitleaks rule as a confgate secret rule (its secret group named
/// `secret`), with what a secret rule does not say.
#[derive(Debug, Clone)]
pub struct ImportedRule {
    /// Empty `regex` for a path-only rule.
    pub rule: SecretRule,
    /// `path`: the rule applies only to matching paths; without a regex,
    /// a matching file is itself the finding.
    pub path: Option<Regex>,
}

/// One `.gitleaksignore` fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IgnoreEntry {
    pub commit: Option<String>,
    pub path: String,
    pub rule: String,
    pub line: u32,
}

impl IgnoreEntry {
    pub fn covers(&self, rule: &str, path: &str, line: Option<u32>, commit: Option<&str>) -> bool {
        self.rule == rule
            && self.path == path
            && line == Some(self.line)
            && match (&self.commit, commit) {
                (None, _) => true,
                (Some(mine), Some(theirs)) => theirs.starts_with(mine.as_str()),
                (Some(_), None) => false,
            }
    }
}

impl std::fmt::Display for IgnoreEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(commit) = &self.commit {
            write!(f, "{commit}:")?;
        }
        write!(f, "{}:{}:{}", self.path, self.rule, self.line)
    }
}

/// The gitleaks policy of a tree, converted.
#[derive(Debug, Clone, Default)]
pub struct Gitleaks {
    /// The config file it came from, when there is one, for messages.
    pub source: Option<String>,
    /// That file's path in the repository.
    pub path: Option<String>,
    pub rules: Vec<ImportedRule>,
    pub allowlists: Arc<Vec<Allowlist>>,
    pub ignore: Vec<IgnoreEntry>,
}

/// The texts a gitleaks policy is read from: the config (with the path it
/// was read at, and where, for messages) and `.gitleaksignore`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct GitleaksTexts {
    pub config: Option<(String, String)>,
    pub ignore: Option<String>,
    /// Goes after the file name in messages (` (HEAD)`).
    pub origin: String,
}

impl Gitleaks {
    pub fn load(texts: &GitleaksTexts) -> Result<Gitleaks> {
        let mut out = match &texts.config {
            Some((path, text)) => {
                let mut config = parse_config(&format!("{path}{}", texts.origin), text)?;
                config.path = Some(path.clone());
                config
            }
            None => Gitleaks::default(),
        };
        if let Some(text) = &texts.ignore {
            out.ignore = parse_ignore(&format!("{IGNORE_FILE}{}", texts.origin), text)?;
        }
        Ok(out)
    }

    /// The gitleaks policy of a directory as it is (a working tree): the
    /// config named by its settings, else `.gitleaks.toml`, and
    /// `.gitleaksignore`.
    pub fn from_dir(root: &Path) -> Result<Gitleaks> {
        let read = |name: &str| {
            bounded::read_policy(&root.join(name), bounded::POLICY_LIMIT, "policy file")
        };
        let configured = configured_path(
            read(POLICY_FILES[0])?.as_deref(),
            read(POLICY_FILES[1])?.as_deref(),
        );
        let path = configured
            .clone()
            .unwrap_or_else(|| CONFIG_FILE.to_string());
        if !bounded::stays_inside(&path) {
            bail!("secrets.gitleaks_config {path:?} leaves the repository");
        }
        let config = read(&path)?;
        if configured.is_some() && config.is_none() {
            bail!("secrets.gitleaks_config names {path}, which does not exist: create it or fix the key");
        }
        Gitleaks::load(&GitleaksTexts {
            config: config.map(|text| (path, text)),
            ignore: read(IGNORE_FILE)?,
            origin: String::new(),
        })
    }

    pub fn is_empty(&self) -> bool {
        self.source.is_none() && self.ignore.is_empty()
    }

    /// Whether `.gitleaksignore` holds this finding's fingerprint.
    pub fn ignores(&self, rule: &str, path: &str, line: Option<u32>, commit: Option<&str>) -> bool {
        self.ignore
            .iter()
            .any(|entry| entry.covers(rule, path, line, commit))
    }
}

fn parse_config(source: &str, text: &str) -> Result<Gitleaks> {
    let file: FileConfig = toml::from_str(text)
        .map_err(|err| anyhow!(crate::redact::toml_error(source, text, &err)))?;
    if let Some(extend) = &file.extend {
        check_extend(source, extend)?;
    }
    let mut allowlists = Vec::new();
    for (index, list) in file.allowlist.iter().chain(&file.allowlists).enumerate() {
        let name = format!("{source}: global allowlist {}", index + 1);
        allowlists.push(compile_allowlist(&name, list, None)?);
    }
    let mut rules = Vec::new();
    for rule in &file.rules {
        let name = format!("{source}: rule {:?}", rule.id);
        if rule.id.trim().is_empty() {
            bail!("{source}: a [[rules]] entry has an empty id");
        }
        for (index, list) in rule.allowlist.iter().chain(&rule.allowlists).enumerate() {
            let name = format!("{name} allowlist {}", index + 1);
            if !list.target_rules.is_empty() {
                bail!("{name}: targetRules belongs in a global [[allowlists]], not a rule's own");
            }
            allowlists.push(compile_allowlist(&name, list, Some(&rule.id))?);
        }
        rules.push(convert_rule(&name, source, rule)?);
    }
    Ok(Gitleaks {
        source: Some(source.to_string()),
        path: None,
        rules,
        allowlists: Arc::new(allowlists),
        ignore: Vec::new(),
    })
}

fn check_extend(source: &str, extend: &FileExtend) -> Result<()> {
    if let Some(path) = &extend.path {
        bail!("{source}: [extend] path = {path:?} is not supported: confgate reads one gitleaks config; copy the rules and allowlists you need into this file");
    }
    if let Some(url) = &extend.url {
        bail!("{source}: [extend] url = {url:?} is not supported: confgate reads one gitleaks config; copy the rules and allowlists you need into this file");
    }
    if let Some(ids) = extend.disabled_rules.as_ref().filter(|ids| !ids.is_empty()) {
        bail!(
            "{source}: [extend] disabledRules ({}) names gitleaks' default rules, which confgate does not have; disable confgate rules with `[rules] disable` in .confgate.toml",
            ids.join(", ")
        );
    }
    // `useDefault`: gitleaks' built-in rules are not confgate's; confgate's
    // own rules are always on, whatever it says.
    let _ = extend.use_default;
    Ok(())
}

fn convert_rule(name: &str, source: &str, rule: &FileRule) -> Result<ImportedRule> {
    let path = rule
        .path
        .as_deref()
        .map(|p| compile(name, "path", p))
        .transpose()?;
    let regex = match (&rule.regex, &path) {
        (Some(regex), _) => {
            let groups = compile(name, "regex", regex)?.captures_len() - 1;
            let group = match rule.secret_group.filter(|g| *g > 0) {
                Some(group) if group > groups => {
                    bail!("{name}: secretGroup = {group}, but the regex has {groups} group(s)")
                }
                Some(group) => Some(group),
                // gitleaks takes the first group that matched; confgate the
                // first group (the whole match when it did not take part).
                None => (groups > 0).then_some(1),
            };
            match group {
                Some(group) => name_secret_group(name, regex, group)?,
                None => regex.clone(),
            }
        }
        (None, Some(_)) => String::new(),
        (None, None) => bail!("{name}: a rule needs a regex or a path"),
    };
    if let Some(entropy) = rule.entropy {
        if !entropy.is_finite() || entropy < 0.0 {
            bail!("{name}: entropy must be a number of bits per character, not {entropy}");
        }
    }
    let converted = SecretRule {
        id: rule.id.clone(),
        description: rule
            .description
            .clone()
            .unwrap_or_else(|| format!("gitleaks rule {}", rule.id)),
        regex,
        keywords: rule.keywords.clone(),
        why: format!("a rule of the repository's gitleaks config ({source}), honoured by confgate under the same id"),
        fix: String::new(),
        provider: Some("gitleaks".to_string()),
        entropy: rule.entropy.filter(|e| *e > 0.0),
        random: false,
        list: false,
        example: None,
        example_good: None,
        checksum: None,
    };
    Ok(ImportedRule {
        rule: converted,
        path,
    })
}

/// `pattern` with its capture group number `group` named `secret` (the
/// group confgate reports), checked to compile.
fn name_secret_group(name: &str, pattern: &str, group: usize) -> Result<String> {
    let bytes = pattern.as_bytes();
    let (mut i, mut count, mut class) = (0, 0, false);
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'[' if class && bytes.get(i + 1) == Some(&b':') => {
                i = pattern[i..].find(":]").map_or(i, |at| i + at + 1);
            }
            b'[' if !class => {
                class = true;
                // A `]` first in the class is a literal.
                i += match (bytes.get(i + 1), bytes.get(i + 2)) {
                    (Some(b'^'), Some(b']')) => 2,
                    (Some(b']'), _) => 1,
                    _ => 0,
                };
            }
            b']' if class => class = false,
            b'(' if !class => {
                let rest = &pattern[i + 1..];
                let named = rest.starts_with("?P<")
                    || (rest.starts_with("?<")
                        && !rest.starts_with("?<=")
                        && !rest.starts_with("?<!"));
                if !rest.starts_with('?') || named {
                    count += 1;
                }
                if count == group && (!rest.starts_with('?') || named) {
                    let body = if named {
                        let close = rest.find('>').map_or(rest.len(), |at| at + 1);
                        &rest[close..]
                    } else {
                        rest
                    };
                    let out = format!("{}(?P<secret>{body}", &pattern[..i]);
                    compile(name, "regex", &out)?;
                    return Ok(out);
                }
            }
            _ => {}
        }
        i += 1;
    }
    bail!("{name}: cannot find capture group {group} of the regex")
}

fn compile_allowlist(name: &str, list: &FileAllowlist, rule: Option<&str>) -> Result<Allowlist> {
    let all = match list
        .condition
        .as_deref()
        .map(str::to_ascii_uppercase)
        .as_deref()
    {
        None | Some("OR") => false,
        Some("AND") => true,
        Some(other) => bail!("{name}: condition must be \"OR\" or \"AND\", not {other:?}"),
    };
    let target = match list.regex_target.as_deref() {
        None | Some("secret") => RegexTarget::Secret,
        Some("match") => RegexTarget::Match,
        Some("line") => RegexTarget::Line,
        Some(other) => {
            bail!("{name}: regexTarget must be \"secret\", \"match\" or \"line\", not {other:?}")
        }
    };
    if list.commits.is_empty()
        && list.paths.is_empty()
        && list.regexes.is_empty()
        && list.stopwords.is_empty()
    {
        bail!("{name}: an allowlist needs at least one of commits, paths, regexes, stopwords");
    }
    let _ = &list.description;
    let compile_all = |what: &str, patterns: &[String]| -> Result<Vec<Regex>> {
        patterns.iter().map(|p| compile(name, what, p)).collect()
    };
    Ok(Allowlist {
        rule: rule.map(str::to_string),
        target_rules: list.target_rules.clone(),
        all,
        commits: list.commits.iter().map(|c| c.trim().to_string()).collect(),
        paths: compile_all("paths", &list.paths)?,
        regexes: compile_all("regexes", &list.regexes)?,
        target,
        stopwords: list.stopwords.iter().map(|w| w.to_lowercase()).collect(),
    })
}

/// A gitleaks (Go RE2) pattern compiled by the Rust regex crate; a pattern
/// it reads differently or not at all is an error naming where it is.
fn compile(name: &str, what: &str, pattern: &str) -> Result<Regex> {
    if pattern.contains("\\Q") {
        bail!("{name}: {what} uses \\Q…\\E quoting, a Go regex feature the Rust regex crate lacks: escape the characters instead");
    }
    Regex::new(pattern).map_err(|err| {
        let first = err.to_string();
        let reason = first.lines().last().unwrap_or(&first).trim().to_string();
        anyhow!("{name}: {what} cannot be compiled by confgate's regex engine (Rust regex, close to gitleaks' Go RE2): {reason}")
    })
}

/// `.gitleaksignore`: one fingerprint a line, `commit:file:rule-id:line` or
/// `file:rule-id:line`; blank lines and `#` comments skipped.
pub fn parse_ignore(source: &str, text: &str) -> Result<Vec<IgnoreEntry>> {
    let mut out = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let entry = parse_fingerprint(line).ok_or_else(|| {
            anyhow!(
                "{source}: line {} is not a gitleaks fingerprint (commit:file:rule-id:line or file:rule-id:line)",
                index + 1
            )
        })?;
        out.push(entry);
    }
    Ok(out)
}

fn parse_fingerprint(line: &str) -> Option<IgnoreEntry> {
    let (rest, number) = line.rsplit_once(':')?;
    let number: u32 = number.trim().parse().ok()?;
    let (rest, rule) = rest.rsplit_once(':')?;
    let (commit, path) = match rest.split_once(':') {
        Some((head, path))
            if (7..=64).contains(&head.len()) && head.bytes().all(|b| b.is_ascii_hexdigit()) =>
        {
            (Some(head.to_ascii_lowercase()), path)
        }
        _ => (None, rest),
    };
    if path.is_empty() || rule.is_empty() {
        return None;
    }
    Some(IgnoreEntry {
        commit,
        path: path.to_string(),
        rule: rule.to_string(),
        line: number,
    })
}

/// `[secrets] gitleaks_config` as set in the project's settings texts (the
/// dotfile, else `[tool.confgate]` of `pyproject.toml`), when it is. A
/// file that does not parse says nothing here: loading it reports the error.
pub fn configured_path(dotfile: Option<&str>, pyproject: Option<&str>) -> Option<String> {
    let table: toml::Table = match (dotfile, pyproject) {
        (Some(text), _) => toml::from_str(text).ok()?,
        (None, Some(text)) => {
            let whole: toml::Table = toml::from_str(text).ok()?;
            whole.get("tool")?.get("confgate")?.as_table()?.clone()
        }
        (None, None) => return None,
    };
    table
        .get("secrets")?
        .get("gitleaks_config")?
        .as_str()
        .map(|p| p.trim_start_matches("./").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = r#"
title = "team rules"
[extend]
useDefault = true

[[rules]]
id = "acme-deploy-token"
description = "ACME deploy token"
regex = '''acme_(?:dep|ci)_([a-z0-9]{24})'''
secretGroup = 1
keywords = ["acme_"]
[rules.allowlist]
stopwords = ["example"]

[allowlist]
paths = ['''^fixtures/''']
regexes = ['''^dummy''']
"#;

    #[test]
    fn rules_and_allowlists_convert() {
        let g = parse_config(".gitleaks.toml", CONFIG).unwrap();
        assert_eq!(g.rules.len(), 1);
        let rule = &g.rules[0];
        assert_eq!(rule.rule.id, "acme-deploy-token");
        assert_eq!(rule.rule.regex, "acme_(?:dep|ci)_(?P<secret>[a-z0-9]{24})");
        assert_eq!(g.allowlists.len(), 2);
        let global = &g.allowlists[0];
        assert!(global.applies_to("anything"));
        assert_eq!(global.verdict("fixtures/a.py", None), Verdict::Allowed);
        assert_eq!(global.verdict("app/a.py", None), Verdict::Kept);
        let own = &g.allowlists[1];
        assert!(own.applies_to("acme-deploy-token") && !own.applies_to("other"));
        let found = Found {
            secret: "EXAMPLEabc",
            matched: "x",
            line: "x",
        };
        assert_eq!(own.verdict("a.py", Some(&found)), Verdict::Allowed);
    }

    #[test]
    fn and_condition_needs_every_criterion_and_commits_wait_for_the_commit() {
        let text = "[[allowlists]]\ncondition = \"AND\"\npaths = ['''^t/''']\nstopwords = [\"fake\"]\ncommits = [\"abc1234\"]\n";
        let g = parse_config("g.toml", text).unwrap();
        let list = &g.allowlists[0];
        let fake = Found {
            secret: "a_fake_one",
            matched: "",
            line: "",
        };
        let real = Found {
            secret: "zzz",
            matched: "",
            line: "",
        };
        assert_eq!(list.verdict("t/x", Some(&fake)), Verdict::IfCommit);
        assert_eq!(list.verdict("t/x", Some(&real)), Verdict::Kept);
        assert_eq!(list.verdict("u/x", Some(&fake)), Verdict::Kept);
        assert!(list.allows_commit("abc1234def"));
        assert!(!list.allows_commit("fff"));
    }

    #[test]
    fn what_cannot_be_honoured_is_an_error_naming_file_and_rule() {
        for (text, wanted) in [
            ("[extend]\npath = \"base.toml\"\n", "[extend] path"),
            ("[extend]\nurl = \"https://x\"\n", "[extend] url"),
            (
                "[[rules]]\nid = \"r1\"\nregex = '''\\Qa.b\\E'''\n",
                "rule \"r1\"",
            ),
            (
                "[[rules]]\nid = \"r2\"\nregex = '''(?<=a)b'''\n",
                "rule \"r2\"",
            ),
            (
                "[[rules]]\nid = \"r3\"\nregex = '''a(b)'''\nsecretGroup = 2\n",
                "secretGroup",
            ),
            ("[[rules]]\nid = \"r4\"\nregexx = 'a'\n", "regexx"),
            ("[allowlist]\ndescription = \"empty\"\n", "at least one"),
            (
                "[allowlist]\ncondition = \"XOR\"\npaths=['a']\n",
                "condition",
            ),
        ] {
            let err = parse_config(".gitleaks.toml", text).unwrap_err();
            let shown = format!("{err:#}");
            assert!(shown.contains(".gitleaks.toml"), "{shown}");
            assert!(shown.contains(wanted), "{wanted}: {shown}");
        }
    }

    #[test]
    fn secret_group_is_named_past_classes_escapes_and_other_groups() {
        for (pattern, group, wanted) in [
            (r"(a)(b)", 2, r"(a)(?P<secret>b)"),
            (r"[(]\((?:x)(y)", 1, r"[(]\((?:x)(?P<secret>y)"),
            (r"[]()](?P<tok>z)", 1, r"[]()](?P<secret>z)"),
            (r"[[:alpha:](](q)", 1, r"[[:alpha:](](?P<secret>q)"),
        ] {
            assert_eq!(name_secret_group("t", pattern, group).unwrap(), wanted);
        }
    }

    #[test]
    fn ignore_fingerprints_parse_with_and_without_commit() {
        let text = "# triaged\n\nabc1234abc1234abc1234abc1234abc1234abcd:app/x.py:acme-deploy-token:3\nconfig/a:b.env:generic-api-key:12\n";
        let entries = parse_ignore(IGNORE_FILE, text).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(
            entries[0].commit.as_deref(),
            Some("abc1234abc1234abc1234abc1234abc1234abcd")
        );
        assert_eq!(entries[1].commit, None);
        assert_eq!(entries[1].path, "config/a:b.env");
        assert!(entries[1].covers("generic-api-key", "config/a:b.env", Some(12), None));
        assert!(!entries[1].covers("generic-api-key", "config/a:b.env", Some(13), None));
        assert!(!entries[0].covers("acme-deploy-token", "app/x.py", Some(3), None));
        assert!(entries[0].covers(
            "acme-deploy-token",
            "app/x.py",
            Some(3),
            Some("abc1234abc1234abc1234abc1234abc1234abcd")
        ));
        let err = parse_ignore(IGNORE_FILE, "ok:rule:1\nnot a fingerprint\n").unwrap_err();
        assert!(format!("{err:#}").contains("line 2"));
    }

    #[test]
    fn configured_path_from_dotfile_or_pyproject() {
        assert_eq!(
            configured_path(
                Some("[secrets]\ngitleaks_config = \"./ci/gl.toml\"\n"),
                None
            ),
            Some("ci/gl.toml".to_string())
        );
        assert_eq!(
            configured_path(
                None,
                Some("[tool.confgate.secrets]\ngitleaks_config = \"g.toml\"\n")
            ),
            Some("g.toml".to_string())
        );
        assert_eq!(configured_path(Some("[record]\n"), None), None);
    }
}
