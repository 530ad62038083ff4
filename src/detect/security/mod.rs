//! Security settings written inline: debug, CORS, CSRF, TLS verification,
//! cookies, headers, auth, limits, permissions, logging, rate limits, hosts.
//!
//! A file is read as statements (`syntax`), each statement yields the
//! settings it writes; key rules judge a setting's value, pattern rules
//! match statements. Insecure values are errors, safe literals warnings,
//! and values read from the environment or settings nothing at all.

mod improvement;
mod removal;
mod syntax;

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::OnceLock;

use anyhow::{bail, Context};
use regex::Regex;
use serde::Deserialize;

use crate::detect::keywords::{self, KeywordMatcher};
use crate::finding::{redact, shorten, shorten_to, Finding, Kind, Severity};
use crate::formats::python::reader;
use crate::formats::unquote;
use crate::model::Lines;
use crate::redact::redact_text;
use crate::ruleinfo::RuleInfo;

use syntax::{FileType, Form, Statement, ALL_TYPES};

/// The id under which a safe literal written outside a designated security
/// file is reported: the rule that recognised the setting is named for its
/// insecure value (`hsts-off`), which a safe value is not.
pub const INLINE_RULE: &str = "security-setting-inline";

const INLINE_FIX: &str = "nothing unsafe; to keep security settings where reviewers look, move it to a designated security file";

/// The end of a fix that says where the setting belongs; the engine names
/// the project's designated file after it.
pub const MOVE_ADVICE: &str = "move it to a designated security file";

/// The fix for a placeholder secret in a `.env` (see `env_placeholder`).
const PLACEHOLDER_FIX: &str = "keep the placeholder here; set a real value in each deployment's environment or secret store (never in a committed file)";

/// `rules/security-settings.toml`, converted to JSON by `build.rs`.
const PACK: &str = include_str!(concat!(env!("OUT_DIR"), "/security-settings.json"));

/// A security-setting rule as written in `rules/security-settings.toml` or
/// `[[rules.security]]` of `.confgate.toml`.
///
/// A rule is either a *key* rule (`key`: the setting's name; `insecure`: the
/// values that are unsafe) or a *pattern* rule (`pattern`: a regex over one
/// statement, optionally with a `value` group judged by `insecure`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityRule {
    pub id: String,
    pub category: String,
    /// Why the insecure value is a problem, in a few words (used in messages).
    pub description: String,
    /// File types: python, toml, yaml, compose, ini, conf, json, env,
    /// dockerfile. Empty: all.
    #[serde(default)]
    pub files: Vec<String>,
    /// Regex matching the whole setting name (`DEBUG`, `(?i)verify_ssl`).
    #[serde(default)]
    pub key: Option<String>,
    /// Python only: the key counts only as an argument of a call (or a dict
    /// inside one) whose dotted name this regex finds (`CORSMiddleware`).
    #[serde(default)]
    pub call: Option<String>,
    /// Regex over a statement (multi-line calls joined); a `value` group,
    /// when present, is judged like a key's value.
    #[serde(default)]
    pub pattern: Option<String>,
    /// Regex over the value (as written, quotes included) that makes it
    /// insecure. Other literal values are reported as warnings.
    #[serde(default)]
    pub insecure: Option<String>,
    /// Regex the same statement must also match (`allow_credentials` with a
    /// wildcard origin).
    #[serde(default)]
    pub requires: Option<String>,
    /// `requires` is matched against the whole file rather than the
    /// statement: response headers are set one statement at a time.
    #[serde(default)]
    pub requires_in_file: bool,
    /// Regex the file path must match.
    #[serde(default)]
    pub path: Option<String>,
    /// Words (case-insensitive) one of which a statement must contain for the
    /// rule to be tried. Empty: always tried.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// The value is secret-like: redact it in snippets and messages.
    #[serde(default)]
    pub redact: bool,
    /// Makes a *removal* rule, judged on what a change deletes, never on
    /// what it writes: `setting` (deleting a setting whose value matches
    /// `removed` is insecure: the framework's default is the unsafe one),
    /// `entries` (each entry of the old value matching `removed` must stay
    /// in the new value), `any` (when the old value matches `removed`, the
    /// new value, if the setting is still written, must match it too).
    #[serde(default)]
    pub removal: Option<String>,
    /// Regex over the lines just before and after a match: when either
    /// matches, the match is part of something else (`DEBUG = 1` in a table
    /// of log levels, next to `INFO = 2`) and is not reported.
    #[serde(default)]
    pub unless_near: Option<String>,
    /// The value is a file mode: an integer written in any base (`0o777`,
    /// `0x1ff`, `511`, `0o7_7_7`) is judged as `0o` and its octal digits.
    #[serde(default)]
    pub mode: bool,
    /// Insecure values are warnings, never blocks: the value is right in
    /// some deployments and wrong in others (`host="0.0.0.0"` in a
    /// container's entry point).
    #[serde(default)]
    pub warn_only: bool,
    /// An environment read whose default (what runs where the variable is
    /// unset) is insecure is a warning naming that default, not a block:
    /// the insecure value is also the framework's own default (Django's
    /// `SECURE_SSL_REDIRECT = False`), so the read is no worse than leaving
    /// the setting out, and each deployment sets the variable.
    #[serde(default)]
    pub unset_default_warns: bool,
    /// Regex the value must match for the setting to be this rule's at
    /// all: `algorithm="sha256"` of an HMAC call is not a JWT algorithm.
    #[serde(default)]
    pub only_values: Option<String>,
    /// `lower` or `higher`: which way a numeric value moves toward safe.
    /// A change that moves an insecure value that way is a warning
    /// ("better, still insecure"), not a block.
    #[serde(default)]
    pub better: Option<String>,
    /// Removal rules: regex over the old value (as written) that made it
    /// safe; `insecure`, when set, excludes old values that were unsafe.
    #[serde(default)]
    pub removed: Option<String>,
    #[serde(default)]
    pub why: String,
    #[serde(default)]
    pub fix: String,
    /// An example that is flagged, and one that is not (checked by tests).
    #[serde(default)]
    pub bad: String,
    #[serde(default)]
    pub good: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Pack {
    files: Vec<String>,
    rule: Vec<SecurityRule>,
}

fn pack() -> Result<&'static Pack, String> {
    static PARSED: OnceLock<Result<Pack, String>> = OnceLock::new();
    PARSED
        .get_or_init(|| serde_json::from_str::<Pack>(PACK).map_err(|e| e.to_string()))
        .as_ref()
        .map_err(Clone::clone)
}

/// A regex compiled on first use: most rules never fire in a given commit.
#[derive(Debug, Default)]
struct LazyRegex {
    source: Option<String>,
    anchored: bool,
    cell: OnceLock<Option<Regex>>,
}

impl LazyRegex {
    fn new(source: Option<&String>, anchored: bool) -> LazyRegex {
        LazyRegex {
            source: source.cloned(),
            anchored,
            cell: OnceLock::new(),
        }
    }

    fn pattern(source: &str, anchored: bool) -> String {
        let source = syntax::ascii_classes(source);
        if anchored {
            format!("^(?:{source})$")
        } else {
            source
        }
    }

    fn validate(&self, what: &str) -> anyhow::Result<()> {
        if let Some(source) = &self.source {
            Regex::new(&Self::pattern(source, self.anchored))
                .with_context(|| format!("invalid `{what}` regex"))?;
        }
        Ok(())
    }

    fn get(&self) -> Option<&Regex> {
        self.cell
            .get_or_init(|| {
                let source = self.source.as_ref()?;
                Regex::new(&Self::pattern(source, self.anchored)).ok()
            })
            .as_ref()
    }

    fn is_set(&self) -> bool {
        self.source.is_some()
    }

    /// The regex as the rule wrote it (empty when unset).
    fn source(&self) -> &str {
        self.source.as_deref().unwrap_or("")
    }
}

/// What a rule reads: a setting by its name, or the text of a statement.
/// The TOML keeps them as two optional fields (`key`, `pattern`); exactly
/// one of them is set, checked once when the rule is compiled.
#[derive(Debug)]
enum Target {
    /// Each setting whose whole name `key` matches, its value judged; in
    /// Python, with `call` set, only as an argument of a matching call.
    Key { key: LazyRegex, call: LazyRegex },
    /// Each match of `pattern` in a statement, outside strings; a `value`
    /// group is judged like a key's value.
    Pattern { pattern: LazyRegex },
}

impl Target {
    /// The target `rule` names, or why it names none (or both).
    fn of(rule: &SecurityRule) -> anyhow::Result<Target> {
        match (&rule.key, &rule.pattern) {
            (Some(_), Some(_)) => bail!("set `key` or `pattern`, not both"),
            (None, None) => bail!("set `key` (a setting name) or `pattern`"),
            (Some(key), None) => {
                if rule.insecure.is_none() && rule.removal.is_none() {
                    bail!("a `key` rule needs `insecure` (the values that are unsafe)")
                }
                Ok(Target::Key {
                    key: LazyRegex::new(Some(key), true),
                    call: LazyRegex::new(rule.call.as_ref(), false),
                })
            }
            (None, Some(pattern)) => {
                // Ignoring it would match more than the author asked for.
                if rule.call.is_some() {
                    bail!("`call` needs `key`: a `pattern` rule has no setting to be a call's argument")
                }
                Ok(Target::Pattern {
                    pattern: LazyRegex::new(Some(pattern), false),
                })
            }
        }
    }

    fn validate(&self) -> anyhow::Result<()> {
        match self {
            Target::Key { key, call } => {
                key.validate("key")?;
                call.validate("call")
            }
            Target::Pattern { pattern } => pattern.validate("pattern"),
        }
    }

    fn is_key(&self) -> bool {
        matches!(self, Target::Key { .. })
    }

    /// A key rule's name regex and `call` condition.
    fn key(&self) -> Option<(&Regex, Option<&Regex>)> {
        match self {
            Target::Key { key, call } => Some((key.get()?, call.get())),
            Target::Pattern { .. } => None,
        }
    }
}

#[derive(Debug)]
struct CompiledRule {
    rule: SecurityRule,
    target: Target,
    insecure: LazyRegex,
    requires: LazyRegex,
    path: LazyRegex,
    removed: LazyRegex,
    unless_near: LazyRegex,
    only_values: LazyRegex,
    better: Option<improvement::Direction>,
    /// Set for removal rules, which the statement scan never runs.
    removal: Option<removal::Mode>,
}

impl CompiledRule {
    fn new(rule: SecurityRule) -> anyhow::Result<CompiledRule> {
        if rule.id.trim().is_empty() {
            bail!("a security rule has an empty `id`");
        }
        if rule.category.trim().is_empty() {
            bail!("`category` is empty");
        }
        let target = Target::of(&rule)?;
        if let Some(mode) = &rule.removal {
            if removal::Mode::parse(mode).is_none() {
                bail!("unknown `removal` {mode:?} (one of: setting, entries, any)");
            }
            if !target.is_key() || rule.removed.is_none() {
                bail!("a `removal` rule needs `key` and `removed` (the old values that were safe)");
            }
        } else if rule.removed.is_some() {
            bail!("`removed` needs `removal` (setting, entries or any)");
        }
        if let Some(better) = &rule.better {
            if improvement::Direction::parse(better).is_none() {
                bail!("unknown `better` {better:?} (one of: lower, higher)");
            }
        }
        for name in &rule.files {
            if !ALL_TYPES.contains(&name.as_str()) {
                bail!(
                    "unknown file type {name:?} in `files` (one of: {})",
                    ALL_TYPES.join(", ")
                );
            }
        }
        Ok(CompiledRule {
            target,
            insecure: LazyRegex::new(rule.insecure.as_ref(), false),
            requires: LazyRegex::new(rule.requires.as_ref(), false),
            path: LazyRegex::new(rule.path.as_ref(), false),
            removed: LazyRegex::new(rule.removed.as_ref(), false),
            unless_near: LazyRegex::new(rule.unless_near.as_ref(), false),
            only_values: LazyRegex::new(rule.only_values.as_ref(), false),
            better: rule
                .better
                .as_deref()
                .and_then(improvement::Direction::parse),
            removal: rule.removal.as_deref().and_then(removal::Mode::parse),
            rule,
        })
    }

    fn validate(&self) -> anyhow::Result<()> {
        self.target.validate()?;
        self.insecure.validate("insecure")?;
        self.requires.validate("requires")?;
        self.removed.validate("removed")?;
        self.unless_near.validate("unless_near")?;
        self.only_values.validate("only_values")?;
        self.path.validate("path")
    }

    fn applies_to_name(&self, name: &str) -> bool {
        self.rule.files.is_empty() || self.rule.files.iter().any(|f| f == name)
    }

    fn applies_to(&self, file_type: FileType) -> bool {
        self.rule.files.is_empty()
            || file_type
                .names()
                .iter()
                .any(|n| self.rule.files.iter().any(|f| f == n))
    }
}

/// All security-setting rules, compiled once.
pub struct SecurityScanner {
    rules: Vec<CompiledRule>,
    disabled: HashSet<String>,
    /// Keyword prefilter; `keyword_rules[pattern]` are the rules it wakes.
    keywords: Option<KeywordMatcher>,
    keyword_rules: Vec<Vec<usize>>,
    /// Rules without keywords, tried on every statement, by index.
    always_on: Vec<bool>,
    /// The same for removal rules, searched in a change's old text.
    removal_keywords: Option<KeywordMatcher>,
    removal_keyword_rules: Vec<Vec<usize>>,
}

/// Python `text` with comments and docstrings blanked to spaces, and for
/// each byte whether it is inside a string literal (the lexer the checks use).
pub fn python_comments_and_strings(text: &str) -> (String, Vec<bool>) {
    crate::formats::python::lexer::clean(text)
}

impl SecurityScanner {
    /// Whether `rule` reports a secret value (a hard-coded `SECRET_KEY`):
    /// where a secret finding holds the same value, the secret says it better.
    pub fn reports_secret_value(&self, rule: &str) -> bool {
        self.rules
            .iter()
            .any(|r| r.rule.id == rule && r.rule.redact)
    }

    pub fn new(
        extra: &[SecurityRule],
        disabled: &HashSet<String>,
    ) -> anyhow::Result<SecurityScanner> {
        let pack = pack().map_err(|e| anyhow::anyhow!("rules/security-settings.toml: {e}"))?;
        let mut rules = Vec::with_capacity(pack.rule.len() + extra.len());
        for rule in &pack.rule {
            let id = rule.id.clone();
            rules.push(
                CompiledRule::new(rule.clone())
                    .with_context(|| format!("built-in security rule {id}"))?,
            );
        }
        for rule in extra {
            let id = rule.id.clone();
            let compiled = CompiledRule::new(rule.clone())
                .and_then(|c| c.validate().map(|()| c))
                .with_context(|| format!("security rule {id:?}"))?;
            // A project rule with a built-in id replaces the built-in one.
            rules.retain(|r| r.rule.id != id);
            rules.push(compiled);
        }
        rules.retain(|r| !disabled.contains(&r.rule.id));

        let (keywords, keyword_rules) = keyword_index(&rules, |r| r.removal.is_none())
            .context("building the security keyword prefilter")?;
        let (removal_keywords, removal_keyword_rules) =
            keyword_index(&rules, |r| r.removal.is_some())
                .context("building the removal keyword prefilter")?;
        let always_on = rules
            .iter()
            .map(|r| r.rule.keywords.is_empty() && r.removal.is_none())
            .collect();
        Ok(SecurityScanner {
            rules,
            disabled: disabled.clone(),
            keywords,
            keyword_rules,
            always_on,
            removal_keywords,
            removal_keyword_rules,
        })
    }

    /// Adds to `woken` the rules `text` may trigger, by the keyword
    /// prefilter (unsorted, with repeats).
    fn wake(&self, text: &str, woken: &mut Vec<usize>) {
        if let Some(matcher) = &self.keywords {
            matcher.for_each(text, |hit| {
                woken.extend(self.keyword_rules[hit.pattern].iter().copied());
            });
        }
    }

    /// The keyword prefilter's words, in its pattern numbers.
    pub fn keywords(&self) -> &[String] {
        self.keywords.as_ref().map_or(&[], |m| m.patterns())
    }

    /// Whether keyword hits found in a file's raw text can stand in for a
    /// search of its Python statements ([`scan_with`](Self::scan_with)):
    /// statements differ from the raw text only where comments and
    /// docstrings are blanked to spaces, so a word without whitespace is in
    /// a statement exactly where the raw text has it and nothing is
    /// blanked.
    pub fn can_share_keywords(&self) -> bool {
        self.keywords()
            .iter()
            .all(|w| !w.bytes().any(|b| b.is_ascii_whitespace()))
    }

    /// Whether [`scan_with`](Self::scan_with) uses shared hits for `path`
    /// (Python files; config files are searched statement by statement).
    pub fn reads_as_python(path: &str) -> bool {
        FileType::settings_file(path) == Some(FileType::Python)
    }

    /// `(span, rule)` for every rule a keyword wakes in a Python statement,
    /// sorted. Equivalent to searching each statement on its own, but neighbouring
    /// statements are searched in one run: one automaton pass over a whole
    /// file instead of a start-up per statement.
    fn wake_spans(&self, source: &syntax::PythonSource) -> Vec<(u32, u32)> {
        let mut woken: Vec<(u32, u32)> = Vec::new();
        let Some(matcher) = &self.keywords else {
            return woken;
        };
        let spans = &source.spans;
        let mut first = 0;
        while first < spans.len() {
            // A run: statements with at most `GAP` bytes between neighbours.
            const GAP: usize = 256;
            let mut last = first;
            while last + 1 < spans.len() && spans[last + 1].start - spans[last].end <= GAP {
                last += 1;
            }
            let run = &spans[first..=last];
            let (from, to) = (run[0].start, run[run.len() - 1].end);
            let text = source.clean(from, to).unwrap_or_default();
            matcher.for_each(text, |hit| {
                let (start, end) = (from + hit.start, from + hit.end);
                // The statement the match ends in, if it also starts in it.
                let at = run.partition_point(|span| span.end < end);
                if run.get(at).is_some_and(|span| span.start <= start) {
                    let span = (first + at) as u32;
                    woken.extend(
                        self.keyword_rules[hit.pattern]
                            .iter()
                            .map(|&rule| (span, rule as u32)),
                    );
                }
            });
            first = last + 1;
        }
        woken.sort_unstable();
        woken.dedup();
        woken
    }

    /// [`wake_spans`](Self::wake_spans) from hits in the raw text: a hit
    /// counts where nothing under it was blanked and it lies wholly in one
    /// statement.
    fn wake_spans_from(
        &self,
        source: &syntax::PythonSource,
        text: &str,
        found: &[keywords::Hit],
    ) -> Vec<(u32, u32)> {
        let spans = &source.spans;
        let raw = text.as_bytes();
        let mut woken: Vec<(u32, u32)> = Vec::new();
        for hit in found {
            let at = spans.partition_point(|span| span.end < hit.end);
            if spans.get(at).is_none_or(|span| span.start > hit.start)
                || source.clean_bytes(hit.start, hit.end) != raw.get(hit.start..hit.end)
            {
                continue;
            }
            woken.extend(
                self.keyword_rules[hit.pattern]
                    .iter()
                    .map(|&rule| (at as u32, rule as u32)),
            );
        }
        woken.sort_unstable();
        woken.dedup();
        woken
    }

    /// Security settings in `text` on lines selected by `lines`: insecure
    /// values as `Severity::Error`, safe literals as `Severity::Warning`.
    pub fn scan(&self, path: &str, text: &str, lines: Lines<'_>) -> Vec<Finding> {
        self.scan_with(path, text, lines, None)
    }

    /// [`scan`](Self::scan), with the keyword hits of the whole raw `text`
    /// when a shared pass has found them already; used for Python files
    /// when [`can_share_keywords`](Self::can_share_keywords).
    pub fn scan_with(
        &self,
        path: &str,
        text: &str,
        lines: Lines<'_>,
        found: Option<&[keywords::Hit]>,
    ) -> Vec<Finding> {
        self.judge_file(path, text, lines, found)
            .into_iter()
            .map(|j| j.finding)
            .collect()
    }

    /// [`scan_with`](Self::scan_with) for a change from `old` to `text`: an
    /// insecure value the change moves toward safe (a token lifetime from 8
    /// days to 2) is a warning, not a block. Only a setting that was
    /// insecure before, under the same name, is judged so; a new insecure
    /// setting, or a value no better than the safest the file had under
    /// that name, still blocks.
    pub fn scan_change(
        &self,
        path: &str,
        old: Option<&str>,
        text: &str,
        lines: Lines<'_>,
        found: Option<&[keywords::Hit]>,
    ) -> Vec<Finding> {
        let judged = self.judge_file(path, text, lines, found);
        let Some(old) = old.filter(|_| judged.iter().any(|j| j.setting.is_some())) else {
            return judged.into_iter().map(|j| j.finding).collect();
        };
        let before = self.judge_file(path, old, Lines::All, None);
        judged
            .into_iter()
            .map(|j| improvement::judge(self, j, &before))
            .collect()
    }

    /// Insecure values in a designated security file, where security
    /// settings belong: only errors. A setting (in Python: a module or
    /// class level statement) is accepted by a record, signed by a security
    /// owner when `security.owners` is set, which the engine checks
    /// (`needs_signed_record`). A function body is code, not
    /// configuration: judged as code anywhere else is.
    pub fn scan_designated(&self, path: &str, text: &str, lines: Lines<'_>) -> Vec<Finding> {
        let python = FileType::of(path) == FileType::Python;
        let raw_lines: Vec<&str> = if python {
            text.split('\n').collect()
        } else {
            Vec::new()
        };
        self.judge_file(path, text, lines, None)
            .into_iter()
            .map(|j| j.finding)
            .filter(|f| f.severity == Severity::Error)
            .map(|mut f| {
                if !python || !f.line.is_some_and(|l| in_function(&raw_lines, l)) {
                    f.needs_signed_record = true;
                    f.message.push_str(
                        " (in a designated security file: accepted only with a change record for this file)",
                    );
                }
                f
            })
            .collect()
    }

    /// Every finding in `lines` of `text`, each with the setting it judged
    /// when its rule can tell a better value from a worse one.
    fn judge_file(
        &self,
        path: &str,
        text: &str,
        lines: Lines<'_>,
        found: Option<&[keywords::Hit]>,
    ) -> Vec<Judged> {
        if lines.is_empty() {
            return Vec::new();
        }
        let Some(file_type) = FileType::settings_file(path) else {
            return Vec::new();
        };
        let mut judge = Judge {
            scanner: self,
            path,
            text,
            file_type,
            lines,
            fits: vec![None; self.rules.len()],
            raw_lines: None,
            dev_file: None,
            seen: HashSet::new(),
            out: Vec::new(),
        };
        let always_on: Vec<usize> = (0..self.rules.len())
            .filter(|&i| self.always_on[i])
            .collect();
        if file_type == FileType::Python {
            self.judge_python(&mut judge, found, &always_on);
        } else {
            self.judge_config(&mut judge, &always_on);
        }
        let mut out = judge.out;
        out.sort_by_key(|j| j.finding.line);
        out
    }

    /// The Python stage: statements woken by the keyword prefilter.
    fn judge_python(
        &self,
        judge: &mut Judge<'_>,
        found: Option<&[keywords::Hit]>,
        always_on: &[usize],
    ) {
        let (text, lines) = (judge.text, judge.lines);
        let source = syntax::PythonSource::new(text, lines);
        let woken = match found {
            Some(found) => self.wake_spans_from(&source, text, found),
            None => self.wake_spans(&source),
        };
        let mut candidates: Vec<usize> = Vec::new();
        let mut next = 0;
        for (index, span) in source.spans.iter().enumerate() {
            candidates.clear();
            while let Some(&(at, rule)) = woken.get(next) {
                if at as usize != index {
                    break;
                }
                candidates.push(rule as usize);
                next += 1;
            }
            if !judge.keep_fitting(&mut candidates, always_on) {
                continue;
            }
            // Key rules judge settings, and a Python setting is written
            // with `=` or `:`; pattern rules read the text alone.
            let key_rules = candidates.iter().any(|&i| self.rules[i].target.is_key());
            let settings = key_rules && source.may_set(span);
            if !settings && candidates.iter().all(|&i| self.rules[i].target.is_key()) {
                continue;
            }
            let mut statement = source.statement(span);
            if settings {
                syntax::fill_settings(FileType::Python, &mut statement);
            }
            judge.statement(&statement, &candidates);
        }
    }

    /// The config stage: every statement of a TOML, YAML, INI, JSON, env or
    /// Dockerfile text.
    fn judge_config(&self, judge: &mut Judge<'_>, always_on: &[usize]) {
        let (text, lines, file_type) = (judge.text, judge.lines, judge.file_type);
        let mut candidates: Vec<usize> = Vec::new();
        for mut statement in syntax::config_statements_wanted(file_type, text, lines) {
            candidates.clear();
            self.wake(&statement.text, &mut candidates);
            // A YAML list item is keyed by its parent, which is not in
            // its text: config statements come with their settings.
            for setting in statement.settings.iter().filter(|s| s.form == Form::Config) {
                self.wake(&setting.name, &mut candidates);
            }
            if !judge.keep_fitting(&mut candidates, always_on) {
                continue;
            }
            syntax::fill_settings(file_type, &mut statement);
            judge.statement(&statement, &candidates);
        }
    }

    fn hits(
        &self,
        rule: &CompiledRule,
        file_type: FileType,
        statement: &Statement,
        file_text: &str,
    ) -> Vec<Hit> {
        let required_in = if rule.rule.requires_in_file {
            file_text
        } else {
            &statement.text
        };
        if rule.requires.is_set() && !rule.requires.get().is_some_and(|r| r.is_match(required_in)) {
            return Vec::new();
        }
        match &rule.target {
            Target::Key { key, call } => match key.get() {
                Some(key) => key_hits(rule, key, call.get(), file_type, statement, file_text),
                None => Vec::new(),
            },
            Target::Pattern { pattern } => match pattern.get() {
                Some(pattern) => pattern_hits(rule, pattern, file_type, statement),
                None => Vec::new(),
            },
        }
    }

    fn finding(&self, rule: &CompiledRule, path: &str, raw: &str, hit: Hit) -> Finding {
        let r = &rule.rule;
        let value = collapse(&hit.value);
        let secret = unquote(&value);
        let redacting = r.redact && !secret.is_empty();
        let shown_value = if redacting {
            redact(secret)
        } else {
            shorten_to(&value, 60)
        };
        let setting = if rule.target.is_key() {
            format!("{} = {}", hit.name, shown_value)
        } else {
            shorten_to(&hit.name, 80)
        };
        let message = message(r, &setting, &hit);
        // Every secret on the statement is hidden, not only this rule's value
        // (`requests.get(url, auth=("u", "<token>"), verify=False)`).
        let own_hidden: Cow<'_, str> = if redacting {
            Cow::Owned(raw.replace(secret, &redact(secret)))
        } else {
            Cow::Borrowed(raw)
        };
        let snippet = shorten(redact_text(&own_hidden).trim());
        let key = if rule.target.is_key() {
            format!("{}={}", hit.name, collapse(&hit.value).replace(' ', ""))
        } else {
            hit.name.replace(' ', "")
        };
        let (id, fix) = id_and_fix(r, &hit);
        let mut finding = Finding::new(Kind::SecuritySetting, id, hit.severity, path, &key)
            .at_line(hit.line)
            .category(r.category.clone())
            .message(message)
            .snippet(snippet);
        if !fix.is_empty() {
            finding = finding.fix(fix);
        }
        finding
    }

    /// Default designated security files (globs) from the embedded pack.
    pub fn default_files() -> Vec<String> {
        pack().map(|p| p.files.clone()).unwrap_or_default()
    }

    /// How the rule `id` judges `example` written in a file of any of its
    /// file types that is not a designated security file: the highest
    /// severity it reports, or `None` when it stays quiet in all of them.
    /// `explain` says what really happens with this, rather than what a
    /// rule's author expected.
    pub fn example_verdict(&self, id: &str, example: &str) -> Option<Severity> {
        if id == INLINE_RULE {
            let text = format!("{example}\n");
            return ALL_TYPES
                .iter()
                .flat_map(|kind| self.scan(FileType::example_path(kind), &text, Lines::All))
                .filter(|f| f.rule == id)
                .map(|f| f.severity)
                .max();
        }
        let compiled = self.rules.iter().find(|r| r.rule.id == id)?;
        let rule = &compiled.rule;
        if compiled.removal.is_some() {
            // A removal rule's example is the old text, `---`, the new text.
            let (old, new) = example.split_once("\n---\n")?;
            let (old, new) = (format!("{old}\n"), format!("{new}\n"));
            return ALL_TYPES
                .iter()
                .filter(|t| compiled.applies_to_name(t))
                .flat_map(|kind| self.removals(FileType::example_path(kind), &old, &new))
                .filter(|r| r.finding.rule == id)
                .map(|r| r.finding.severity)
                .max();
        }
        let text = format!("{example}\n");
        ALL_TYPES
            .iter()
            .filter(|t| rule.files.is_empty() || rule.files.iter().any(|f| f == *t))
            .flat_map(|kind| {
                let mut path = FileType::example_path(kind).to_string();
                if rule.path.as_deref().is_some_and(|p| p.contains("gunicorn")) {
                    path = match *kind {
                        "python" => "gunicorn.conf.py".to_string(),
                        _ => format!("gunicorn.{}", path.rsplit('.').next().unwrap_or("ini")),
                    };
                }
                self.scan(&path, &text, Lines::All)
            })
            .filter(|f| f.rule == id)
            .map(|f| f.severity)
            .max()
    }

    /// Every rule, built-in and the project's, disabled ones included.
    pub fn rules(&self) -> Vec<RuleInfo> {
        let mut out: Vec<RuleInfo> = self.rules.iter().map(|r| info(r, true)).collect();
        out.push(inline_info(!self.disabled.contains(INLINE_RULE)));
        if let Ok(pack) = pack() {
            for rule in &pack.rule {
                if self.disabled.contains(&rule.id) && !out.iter().any(|r| r.id == rule.id) {
                    // Built-in rules compiled once already, in `new`.
                    if let Ok(compiled) = CompiledRule::new(rule.clone()) {
                        out.push(info(&compiled, false));
                    }
                }
            }
        }
        out
    }
}

/// The calls a dict assigned by `statement` (`opts = {...}`) is handed to
/// in `file_text`, as `options=opts` or `**opts`: its keys are those calls'
/// arguments. (Passed any other way, as `json=opts`, it is data.)
fn passed_to(statement: &Statement, file_text: &str) -> Vec<String> {
    let text = statement.text.as_str();
    let assigned = reader::read_fragment(text).into_iter().find(|a| {
        a.form == reader::Form::Target
            && text
                .get(a.value.clone())
                .is_some_and(|v| v.starts_with('{'))
    });
    match assigned {
        Some(dict) => reader::calls_given(file_text, &dict.name),
        None => Vec::new(),
    }
}

/// The value as `insecure` judges it: a file mode in octal when the rule
/// reads modes, else as written.
fn judged_value<'v>(rule: &SecurityRule, file_type: FileType, value: &'v str) -> Cow<'v, str> {
    if rule.mode {
        if let Some(mode) = syntax::file_mode(value, file_type == FileType::Python) {
            return Cow::Owned(format!("0o{mode:o}"));
        }
    }
    Cow::Borrowed(value)
}

/// A key rule's hits: each setting of `statement` its key names.
fn key_hits(
    rule: &CompiledRule,
    key: &Regex,
    call: Option<&Regex>,
    file_type: FileType,
    statement: &Statement,
    file_text: &str,
) -> Vec<Hit> {
    let mut out = Vec::new();
    for setting in &statement.settings {
        if !key.is_match(&setting.name) {
            continue;
        }
        // Compiled only once a setting of this name turns up.
        let Some(insecure) = rule.insecure.get() else {
            return out;
        };
        if file_type == FileType::Python
            && !called_as_rule_wants(call, statement, setting, file_text)
        {
            continue;
        }
        if let Some(hit) = setting_hit(rule, insecure, file_type, statement, setting) {
            out.push(hit);
        }
    }
    out
}

/// The `call` condition of a Python key rule: the setting is an argument
/// of a matching call, or a dict passed to one.
fn called_as_rule_wants(
    call: Option<&Regex>,
    statement: &Statement,
    setting: &syntax::Setting,
    file_text: &str,
) -> bool {
    let Some(call) = call else {
        return true;
    };
    let in_call = matches!(setting.form, Form::Kwarg | Form::DictKey);
    let passed = || {
        setting.form == Form::DictKey
            && setting.context.is_empty()
            && passed_to(statement, file_text)
                .iter()
                .any(|c| call.is_match(c))
    };
    in_call && (call.is_match(&setting.context) || passed())
}

/// How a key rule judges one setting: an error for an insecure value (or
/// an insecure default of an environment read), a warning for another
/// literal, nothing for a value read from elsewhere.
fn setting_hit(
    rule: &CompiledRule,
    insecure: &Regex,
    file_type: FileType,
    statement: &Statement,
    setting: &syntax::Setting,
) -> Option<Hit> {
    let judged = judged_value(&rule.rule, file_type, &setting.value);
    // A literal outside the rule's values is another thing of the same
    // name; a value read from elsewhere is judged by its default below.
    if setting.literal
        && rule.only_values.is_set()
        && !rule.only_values.get().is_some_and(|r| r.is_match(&judged))
    {
        return None;
    }
    let found = insecure.find(&judged);
    let movable = match setting.form {
        Form::Assign => true,
        // A `.env` is the environment itself, where settings are meant to
        // be read from; a Dockerfile or compose key has nowhere else to go.
        Form::Config => !matches!(
            file_type,
            FileType::Dockerfile | FileType::Compose | FileType::Env
        ),
        Form::Attr | Form::Kwarg | Form::DictKey => false,
    };
    // Read from the environment with a default: the default is what runs
    // where the variable is unset.
    let unset_default = || {
        syntax::unset_default(file_type, &setting.value)
            .is_some_and(|d| insecure.is_match(&judged_value(&rule.rule, file_type, &d)))
    };
    let (severity, from_default) = if found.is_some() {
        (Severity::Error, false)
    } else if setting.literal {
        // A safe value is only worth a word where it could move to a
        // designated security file.
        if !movable {
            return None;
        }
        (Severity::Warning, false)
    } else if unset_default() {
        let warns = rule.rule.unset_default_warns;
        (
            if warns {
                Severity::Warning
            } else {
                Severity::Error
            },
            true,
        )
    } else {
        return None;
    };
    // A list over many lines is judged where the insecure entry is too:
    // moving it first changes no line but its own.
    let entry_line = found
        .filter(|m| judged.get(..m.end()).is_some_and(|v| v.contains('\n')))
        .and_then(|m| {
            let from = setting.at + statement.text[setting.at..].find(&setting.value)?;
            Some(statement.line_of(from + m.end().saturating_sub(1)))
        });
    Some(Hit {
        line: statement.line_of(setting.at),
        entry_line,
        from_default,
        unset_value: from_default
            .then(|| syntax::unset_default(file_type, &setting.value))
            .flatten(),
        name: setting.name.clone(),
        value: setting.value.clone(),
        severity,
        development: false,
        capped: false,
        placeholder: false,
        movable,
    })
}

/// A pattern rule's hits: each match in `statement` outside a string.
fn pattern_hits(
    rule: &CompiledRule,
    pattern: &Regex,
    file_type: FileType,
    statement: &Statement,
) -> Vec<Hit> {
    let mut out = Vec::new();
    for caps in pattern.captures_iter(&statement.text) {
        let Some(whole) = caps.get(0) else {
            continue;
        };
        if statement
            .in_string
            .get(whole.start())
            .copied()
            .unwrap_or(false)
        {
            continue;
        }
        let (value, severity) = match caps.name("value") {
            Some(v) => {
                let value = v.as_str().trim().to_string();
                let insecure = match rule.insecure.get() {
                    Some(r) => r.is_match(&judged_value(&rule.rule, file_type, &value)),
                    None => true,
                };
                // A pattern (a decorator, a command, a header) written with a
                // safe value is not a setting to move anywhere.
                if !insecure {
                    continue;
                }
                (value, Severity::Error)
            }
            None => (String::new(), Severity::Error),
        };
        out.push(Hit {
            line: statement.line_of(whole.start()),
            entry_line: None,
            from_default: false,
            unset_value: None,
            name: collapse(whole.as_str()),
            value,
            severity,
            development: false,
            capped: false,
            placeholder: false,
            movable: false,
        });
    }
    out
}

/// The keyword automaton over the rules `wanted` keeps, and for each of its
/// words the rules it wakes.
fn keyword_index(
    rules: &[CompiledRule],
    wanted: impl Fn(&CompiledRule) -> bool,
) -> anyhow::Result<(Option<KeywordMatcher>, Vec<Vec<usize>>)> {
    let mut words: Vec<String> = Vec::new();
    let mut keyword_rules: Vec<Vec<usize>> = Vec::new();
    for (index, rule) in rules.iter().enumerate().filter(|(_, r)| wanted(r)) {
        for word in &rule.rule.keywords {
            let word = word.to_ascii_lowercase();
            match words.iter().position(|w| *w == word) {
                Some(at) => keyword_rules[at].push(index),
                None => {
                    words.push(word);
                    keyword_rules.push(vec![index]);
                }
            }
        }
    }
    if words.is_empty() {
        return Ok((None, keyword_rules));
    }
    Ok((Some(KeywordMatcher::new(words)?), keyword_rules))
}

struct Hit {
    line: u32,
    /// For an insecure entry of a multi-line value: its line, reported
    /// when the change touches it but not the setting's name.
    entry_line: Option<u32>,
    /// Judged by the default of an environment read.
    from_default: bool,
    /// That default, as the setting would read it (`False`).
    unset_value: Option<String>,
    name: String,
    value: String,
    severity: Severity,
    /// An insecure value in development settings, reported as a warning.
    development: bool,
    /// An insecure value of a `warn_only` rule, reported as a warning.
    capped: bool,
    /// A placeholder secret in a `.env`, reported as a warning.
    placeholder: bool,
    /// A setting that could be written in a designated security file
    /// instead (an assignment, a config key), unlike a call's argument, a
    /// decorator, a command or a Dockerfile line.
    movable: bool,
}

/// One file's scan state: which rules fit the file, findings so far.
struct Judge<'a> {
    scanner: &'a SecurityScanner,
    path: &'a str,
    text: &'a str,
    file_type: FileType,
    lines: Lines<'a>,
    /// Whether each rule fits this file, decided on first need: a rule's
    /// `path` regex is compiled only once a statement wakes it.
    fits: Vec<Option<bool>>,
    raw_lines: Option<Vec<&'a str>>,
    dev_file: Option<bool>,
    seen: HashSet<(usize, u32)>,
    out: Vec<Judged>,
}

/// A finding, with the setting it judged when its rule can tell a better
/// value from a worse one (`better`) and the value blocks.
struct Judged {
    finding: Finding,
    rule: usize,
    /// Name and value as written.
    setting: Option<(String, String)>,
}

impl Judge<'_> {
    /// Turns the woken rules in `candidates` (unsorted, with repeats) plus
    /// the always-on ones into the sorted rules that fit this file; false
    /// when none do.
    fn keep_fitting(&mut self, candidates: &mut Vec<usize>, always_on: &[usize]) -> bool {
        candidates.extend_from_slice(always_on);
        if candidates.is_empty() {
            return false;
        }
        candidates.sort_unstable();
        candidates.dedup();
        let (rules, file_type, path) = (&self.scanner.rules, self.file_type, self.path);
        let fits = &mut self.fits;
        candidates.retain(|&index| {
            *fits[index].get_or_insert_with(|| {
                let rule = &rules[index];
                rule.applies_to(file_type)
                    && (!rule.path.is_set() || rule.path.get().is_some_and(|r| r.is_match(path)))
            })
        });
        !candidates.is_empty()
    }

    /// Runs the `candidates` rules on one statement.
    fn statement(&mut self, statement: &Statement, candidates: &[usize]) {
        for &index in candidates {
            let rule = &self.scanner.rules[index];
            for mut hit in self
                .scanner
                .hits(rule, self.file_type, statement, self.text)
            {
                if let Some(entry) = hit.entry_line {
                    if !self.lines.contains(hit.line) && self.lines.contains(entry) {
                        hit.line = entry;
                    }
                }
                if !self.lines.contains(hit.line) || !self.seen.insert((index, hit.line)) {
                    continue;
                }
                // A secret-valued setting set to nothing (`"SECRET_KEY": None`)
                // writes no key at all.
                if rule.rule.redact && is_unset_value(&hit.value) {
                    continue;
                }
                let text = self.text;
                let raw_lines = self
                    .raw_lines
                    .get_or_insert_with(|| text.split('\n').collect());
                if let Some(unless) = rule.unless_near.get() {
                    let at = hit.line as usize - 1;
                    let near = [at.checked_sub(1), Some(at + 1)];
                    if near
                        .iter()
                        .flatten()
                        .filter_map(|&i| raw_lines.get(i))
                        .any(|l| unless.is_match(l))
                    {
                        continue;
                    }
                }
                // A safe value has no better place to be than where a CI job's
                // environment is set.
                let safe = hit.severity == Severity::Warning && !hit.from_default;
                if safe && (self.scanner.disabled.contains(INLINE_RULE) || is_ci_config(self.path))
                {
                    continue;
                }
                if hit.severity == Severity::Error && rule.rule.warn_only {
                    hit.severity = Severity::Warning;
                    hit.capped = true;
                }
                if hit.severity == Severity::Error
                    && placeholder_secret(rule, self.file_type, self.path, &hit)
                {
                    hit.severity = Severity::Warning;
                    hit.placeholder = true;
                }
                if hit.severity == Severity::Error
                    && (*self
                        .dev_file
                        .get_or_insert_with(|| is_development_path(self.path))
                        || (self.file_type == FileType::Python
                            && in_development_code(raw_lines, hit.line)))
                {
                    // Development settings may be lax; still shown, and
                    // strict mode still blocks them.
                    hit.severity = Severity::Warning;
                    hit.development = true;
                }
                let raw = raw_lines
                    .get(hit.line as usize - 1)
                    .map_or("", |l| l.strip_suffix('\r').unwrap_or(l));
                let setting = (rule.better.is_some() && hit.severity == Severity::Error)
                    .then(|| (hit.name.clone(), hit.value.clone()));
                self.out.push(Judged {
                    finding: self.scanner.finding(rule, self.path, raw, hit),
                    rule: index,
                    setting,
                });
            }
        }
    }
}

/// The one-line message of a hit on `setting` (`NAME = value`, redacted).
fn message(r: &SecurityRule, setting: &str, hit: &Hit) -> String {
    match hit.severity {
        Severity::Error if hit.from_default => format!(
            "{setting} — insecure {} security-setting where the variable is unset (the default): {}",
            r.category, r.description
        ),
        Severity::Error => format!(
            "{setting} — insecure {} security-setting: {}",
            r.category, r.description
        ),
        _ if hit.from_default => format!(
            "{setting} — {} security-setting read from the environment; where the variable is unset it is {} (the framework's default too): {}; a warning, not a block",
            r.category,
            hit.unset_value.as_deref().unwrap_or("insecure"),
            r.description
        ),
        _ if hit.placeholder => format!(
            "{setting} — {} security-setting holds a placeholder, not a key: fine for local runs and CI, but a deployment that keeps it can be forged",
            r.category
        ),
        _ if hit.capped => format!(
            "{setting} — {} security-setting: {}; a warning, not a block",
            r.category, r.description
        ),
        _ if hit.development => format!(
            "{setting} — insecure {} security-setting in development settings, a development command or a debug-only branch ({}); allowed as a warning",
            r.category, r.description
        ),
        _ => format!(
            "{setting} — {} security-setting written inline: the value is safe, but it belongs in a designated security file",
            r.category
        ),
    }
}

/// The rule id a hit is reported under and its fix: a safe value under
/// the inline rule; advice to move only for a setting that could move.
fn id_and_fix<'r>(r: &'r SecurityRule, hit: &Hit) -> (&'r str, String) {
    let safe = hit.severity == Severity::Warning
        && !hit.development
        && !hit.capped
        && !hit.placeholder
        && !hit.from_default;
    if safe {
        (INLINE_RULE, INLINE_FIX.to_string())
    } else if hit.placeholder {
        (r.id.as_str(), PLACEHOLDER_FIX.to_string())
    } else if hit.from_default && !r.fix.is_empty() {
        let fix = format!("{}, or make the safe value the default", r.fix);
        let fix = if hit.movable {
            format!("{fix}; {MOVE_ADVICE}")
        } else {
            fix
        };
        (r.id.as_str(), fix)
    } else if hit.movable && !r.fix.is_empty() {
        (r.id.as_str(), format!("{}; {MOVE_ADVICE}", r.fix))
    } else {
        (r.id.as_str(), r.fix.clone())
    }
}

/// A secret-valued setting whose value is a placeholder, written where an
/// environment is set for local runs or CI rather than in code that runs
/// deployed: `SECRET_KEY=changethis` in a `.env`, `SECRET_KEY: dummy` in a
/// CI workflow. Not a key anyone can sign with; each deployment sets the
/// real one (a warning that says so).
fn placeholder_secret(rule: &CompiledRule, file_type: FileType, path: &str, hit: &Hit) -> bool {
    rule.rule.redact
        && (file_type == FileType::Env || is_ci_config(path))
        && crate::detect::secrets::random::is_example_secret(unquote(&hit.value))
}

/// A CI service's pipeline definition: it sets the environment of build
/// and test jobs, not of the running service.
fn is_ci_config(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    path.starts_with(".github/workflows/")
        || path.starts_with(".circleci/")
        || matches!(
            name,
            ".gitlab-ci.yml" | "azure-pipelines.yml" | "bitbucket-pipelines.yml" | ".travis.yml"
        )
}

/// `None`, `null`, `nil`, `~` or an empty string: no value.
fn is_unset_value(value: &str) -> bool {
    let value = value.trim();
    matches!(value, "None" | "null" | "nil" | "~" | "\"\"" | "''")
}

/// Whether `path` names development or test settings (`settings/dev.py`,
/// `local_settings.py`, `.env.development`, `docker-compose.override.yml`).
fn is_development_path(path: &str) -> bool {
    static DEV: OnceLock<Option<Regex>> = OnceLock::new();
    DEV.get_or_init(|| {
        Regex::new(
            r"(?i)(?:^|/)(?:dev|devel|development|local|testing)(?:/|\.[a-z]+$)|(?:^|/)local_settings\.py$|[._-](?:dev|devel|development|local|testing)\.[a-z]+$|(?:^|/)docker-compose\.override\.ya?ml$|(?:^|/)\.env\.(?:dev|development|local|test|testing)$",
        )
        .ok()
    })
    .as_ref()
    .is_some_and(|r| r.is_match(path))
}

fn is_development_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["dev", "local", "test", "debug"]
        .iter()
        .any(|w| lower.contains(w))
}

/// Whether line `line` (1-based) of Python source is in a development
/// settings class (`class DevConfig`) or a development command: a function
/// whose name or decorator says so (`@server.command("develop")`,
/// `def run_dev_server()`), where a reloader or debug logging is expected.
fn in_development_code(raw_lines: &[&str], line: u32) -> bool {
    if enclosing_class(raw_lines, line).is_some_and(is_development_name) {
        return true;
    }
    let indent_of = |l: &str| l.len() - l.trim_start().len();
    let Some(first) = raw_lines.get((line as usize).wrapping_sub(1)) else {
        return false;
    };
    let mut limit = indent_of(first);
    for (at, l) in raw_lines[..line as usize - 1].iter().enumerate().rev() {
        let trimmed = l.trim_start();
        if limit == 0 {
            break;
        }
        if trimmed.is_empty() || trimmed.starts_with('#') || indent_of(l) >= limit {
            continue;
        }
        limit = indent_of(l);
        let header = trimmed.strip_prefix("async ").unwrap_or(trimmed);
        if debug_branch(header) {
            return true;
        }
        if header.starts_with("def ") {
            // Decorators, with the continuation lines of one written over
            // several lines (`@click.option(\n    "--log-level",\n)`).
            let decorators = raw_lines[..at].iter().rev().take_while(|d| {
                let t = d.trim_start();
                !t.is_empty() && (t.starts_with(['@', ')']) || indent_of(d) > limit)
            });
            if std::iter::once(l)
                .chain(decorators)
                .any(|t| names_development(t))
            {
                return true;
            }
        }
    }
    false
}

/// An `if`/`elif` header whose condition is a debug switch
/// (`if settings.debug:`, `elif args.debug:`): the branch runs only when
/// someone asked for debugging, as fastapi's maintenance scripts do with
/// `logging.basicConfig(level=logging.DEBUG)`. A negated switch is not one.
fn debug_branch(header: &str) -> bool {
    let Some(condition) = header
        .strip_prefix("if ")
        .or_else(|| header.strip_prefix("elif "))
    else {
        return false;
    };
    let words: Vec<String> = condition
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .map(str::to_ascii_lowercase)
        .collect();
    !words.iter().any(|w| w == "not")
        && words
            .iter()
            .any(|w| w.split('_').any(|part| part == "debug"))
}

/// Whether a `def` line or decorator holds a word that names development
/// (`develop`, `dev`, `local`, `debug`), as a whole word: `list_devices`
/// does not.
fn names_development(text: &str) -> bool {
    text.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| {
        matches!(
            w.to_ascii_lowercase().as_str(),
            "dev" | "develop" | "development" | "devserver" | "local" | "debug"
        )
    })
}

/// The Python class whose body holds line `line` (1-based), by indentation.
fn enclosing_class<'t>(raw_lines: &[&'t str], line: u32) -> Option<&'t str> {
    let indent_of = |l: &str| l.len() - l.trim_start().len();
    let mut limit = indent_of(raw_lines.get(line as usize - 1)?);
    if limit == 0 {
        return None;
    }
    for l in raw_lines[..line as usize - 1].iter().rev() {
        let trimmed = l.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = indent_of(l);
        if indent >= limit {
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix("class ") {
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            return Some(&rest[..end]);
        }
        if indent == 0 {
            return None;
        }
        limit = indent;
    }
    None
}

/// Whether line `line` (1-based) of Python source is inside a function
/// body, by indentation.
fn in_function(raw_lines: &[&str], line: u32) -> bool {
    let indent_of = |l: &str| l.len() - l.trim_start().len();
    let Some(first) = raw_lines.get((line as usize).wrapping_sub(1)) else {
        return false;
    };
    let mut limit = indent_of(first);
    for l in raw_lines[..line as usize - 1].iter().rev() {
        if limit == 0 {
            return false;
        }
        let trimmed = l.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') || indent_of(l) >= limit {
            continue;
        }
        if trimmed.starts_with("def ") || trimmed.starts_with("async def ") {
            return true;
        }
        limit = indent_of(l);
    }
    false
}

/// The catalogue entry of [`INLINE_RULE`].
fn inline_info(enabled: bool) -> RuleInfo {
    RuleInfo {
        id: INLINE_RULE.to_string(),
        kind: Kind::SecuritySetting,
        category: "inline".to_string(),
        severity: Severity::Warning,
        description: "a security setting with a safe value, written outside a designated security file".to_string(),
        matches: "a safe literal value of a setting another security rule reads (`SECURE_HSTS_SECONDS = 31536000`), in a Python settings assignment or a TOML, YAML, INI, JSON or .env file; not Dockerfiles, compose files, decorators or commands, which have nowhere else to go".to_string(),
        why: "Security settings spread over unrelated code are missed in review; kept in one designated file, every change to them is seen.".to_string(),
        fix: INLINE_FIX.to_string(),
        example_bad: "SECURE_HSTS_SECONDS = 31536000".to_string(),
        example_good: "SECURE_HSTS_SECONDS = env.int(\"HSTS_SECONDS\")".to_string(),
        enabled,
    }
}

fn info(compiled: &CompiledRule, enabled: bool) -> RuleInfo {
    let rule = &compiled.rule;
    let files = if rule.files.is_empty() {
        "any file type".to_string()
    } else {
        rule.files.join(", ")
    };
    let matches = match &compiled.target {
        Target::Key { key, .. } if rule.removal.is_some() => {
            let removed = rule.removed.as_deref().unwrap_or("");
            format!(
                "a change that deletes what setting `{}` held ({files}; {} mode, values matching `{removed}`); examples are the old text, `---`, the new text",
                key.source(),
                rule.removal.as_deref().unwrap_or("")
            )
        }
        Target::Key { key, call } => {
            let call = call
                .source
                .as_ref()
                .map(|c| format!(" as an argument of a call matching `{c}`"))
                .unwrap_or_default();
            let insecure = rule.insecure.as_deref().unwrap_or("");
            let unset = if rule.unset_default_warns {
                "a warning when read from the environment with such a default (the framework's default too)"
            } else {
                "an error when read from the environment with such a default"
            };
            let placeholder = if rule.redact {
                "; a placeholder in a `.env` or CI workflow is a warning"
            } else {
                ""
            };
            format!(
                "setting `{}`{call} ({files}); error when the value matches `{insecure}`, {unset}{placeholder}; warning for other written-out values where they could move to a designated security file",
                key.source()
            )
        }
        Target::Pattern { pattern } => format!("`{}` ({files})", pattern.source()),
    };
    RuleInfo {
        id: rule.id.clone(),
        kind: Kind::SecuritySetting,
        category: rule.category.clone(),
        severity: if rule.warn_only {
            Severity::Warning
        } else {
            Severity::Error
        },
        description: rule.description.clone(),
        matches,
        why: rule.why.clone(),
        fix: rule.fix.clone(),
        example_bad: rule.bad.clone(),
        example_good: rule.good.clone(),
        enabled,
    }
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests;
