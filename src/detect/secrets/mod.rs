//! Secret detection: provider token formats, private keys, connection URLs,
//! generic secret assignments and files that are secrets by nature.

pub mod checksum;
mod files;
mod generic;
mod jwt;
mod lookalike;
mod place;
pub mod random;
mod sample;

pub use generic::is_secret_key;

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use anyhow::{anyhow, Context};
use regex::Regex;
use serde::Deserialize;

use crate::detect::keywords::{Hit, KeywordMatcher};
use crate::finding::{fingerprint, redact, redact_line, shorten, Finding, Kind, Severity};
use crate::formats::markup::CodeBlocks;
use crate::formats::FileType;
use crate::model::Lines;
use crate::redact::hide_spans;
use crate::ruleinfo::RuleInfo;
use checksum::Checksum;

/// The embedded rule pack.
/// `rules/secrets.toml`, converted to JSON by `build.rs`.
const PACK: &str = include_str!(concat!(env!("OUT_DIR"), "/secrets.json"));

const DEFAULT_FIX: &str =
    "remove it, rotate it, and load it from an environment variable or a secret manager";

/// A secret rule as written in `rules/secrets.toml` or `[[rules.secret]]` of
/// `.confgate.toml`. When `regex` has a group named `secret`, that group is
/// the secret; otherwise the whole match is.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretRule {
    pub id: String,
    pub description: String,
    pub regex: String,
    /// Case-insensitive substrings; the regex only runs on lines holding one.
    /// Without keywords the rule runs on every line (slow).
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default)]
    pub why: String,
    #[serde(default)]
    pub fix: String,
    /// Who issued the secret (`aws`, `github`, …); the finding's category.
    #[serde(default)]
    pub provider: Option<String>,
    /// Minimum Shannon entropy (bits per character) of the secret.
    #[serde(default)]
    pub entropy: Option<f64>,
    /// Require the secret to pass the randomness judgement (for rules that
    /// match on context such as `SECRET_KEY = "…"`).
    #[serde(default)]
    pub random: bool,
    /// The regex finds where a list of secrets opens
    /// (`SECRET_KEY_FALLBACKS = [`): each string literal up to the closing
    /// bracket, on any line, is a secret candidate.
    #[serde(default)]
    pub list: bool,
    /// The provider's documented integrity check (`crc32-base62`,
    /// `pypi-macaroon`): a match that fails it is not this provider's token
    /// (and is left to the generic detectors).
    #[serde(default)]
    pub checksum: Option<Checksum>,
    /// A text the rule must flag (checked by the test suite).
    #[serde(default)]
    pub example: Option<String>,
    /// A lookalike the rule must not flag.
    #[serde(default)]
    pub example_good: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Pack {
    rule: Vec<SecretRule>,
}

struct CompiledRule {
    rule: SecretRule,
    regex: OnceLock<Option<Regex>>,
}

impl CompiledRule {
    /// Whether a value this rule's regex found is a secret by the rule's
    /// own conditions: not an example, random or entropic enough, and
    /// passing the provider's checksum (when `verify`).
    fn accepts(&self, secret: &str, verify: bool) -> bool {
        let rule = &self.rule;
        !(secret.is_empty()
            || random::is_example_secret(secret)
            || rule.random && !random::looks_random(secret)
            || rule
                .entropy
                .is_some_and(|min| random::shannon_entropy(secret) < min)
            || verify && rule.checksum.is_some_and(|check| !check.verify(secret)))
    }

    fn regex(&self) -> Option<&Regex> {
        self.regex
            .get_or_init(|| Regex::new(&self.rule.regex).ok())
            .as_ref()
    }
}

/// What a keyword hit asks to examine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Target {
    Key,
    Rule(usize),
    Url,
    /// Last, so it skips values a specific rule already reported.
    Generic,
}

/// All secret rules; regexes compile on first use.
pub struct SecretScanner {
    rules: Vec<CompiledRule>,
    /// Rules without keywords run on every line.
    always: Vec<usize>,
    keywords: Vec<Vec<Target>>,
    matcher: Option<KeywordMatcher>,
    /// Whether any private-key rule is on (their headers are searched in the
    /// whole text, since a key's changed line may be in its body).
    keys_enabled: bool,
    disabled: HashSet<String>,
}

/// `line` with adjacent string literals joined (`"AKIA" "QYLP"` becomes
/// `"AKIAQYLP"`), as Python and C read them; `None` when it has none.
fn joined_literals(line: &str) -> Option<String> {
    let bytes = line.as_bytes();
    let mut out = String::with_capacity(line.len());
    let mut quote: Option<u8> = None;
    let (mut i, mut last, mut joined) = (0, 0, false);
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(_) if b == b'\\' => i += 1,
            Some(q) if b == q => {
                // A closing quote, blanks, and a quote opening again.
                let mut j = i + 1;
                while j < bytes.len() && (bytes[j] == b' ' || bytes[j] == b'\t') {
                    j += 1;
                }
                if j > i + 1 && matches!(bytes.get(j), Some(b'"' | b'\'')) {
                    out.push_str(&line[last..i]);
                    last = j + 1;
                    quote = Some(bytes[j]);
                    i = j;
                    joined = true;
                } else {
                    quote = None;
                }
            }
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None => {}
        }
        i += 1;
    }
    if !joined {
        return None;
    }
    out.push_str(&line[last..]);
    Some(out)
}

/// `line` with `\uXXXX` escapes of ASCII letters and digits decoded, as a
/// JSON or JavaScript reader sees them; `None` when it has none.
fn unescaped(line: &str) -> Option<String> {
    if !line.contains("\\u") {
        return None;
    }
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    let mut changed = false;
    while let Some(at) = rest.find("\\u") {
        out.push_str(&rest[..at]);
        let code = rest
            .get(at + 2..at + 6)
            .and_then(|hex| u32::from_str_radix(hex, 16).ok())
            .and_then(char::from_u32)
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-');
        match code {
            Some(c) => {
                out.push(c);
                rest = &rest[at + 6..];
                changed = true;
            }
            None => {
                out.push_str("\\u");
                rest = &rest[at + 2..];
            }
        }
    }
    out.push_str(rest);
    changed.then_some(out)
}

/// Base64 (padding optional) decoded to text; `None` when it is not
/// base64 or does not decode to printable UTF-8.
fn base64_text(encoded: &str) -> Option<String> {
    let text = String::from_utf8(checksum::base64_bytes(encoded)?).ok()?;
    text.chars()
        .all(|c| !c.is_control() || c == '\n' || c == '\t')
        .then_some(text)
}

/// The string literals of the list a list rule's regex opens on line
/// `line_index`: `(line index, literal body)`, up to the closing bracket,
/// at most 200 lines on.
fn list_entries<'t>(
    compiled: &CompiledRule,
    text: &'t str,
    starts: &[usize],
    line_index: usize,
) -> Vec<(usize, &'t str)> {
    let mut out = Vec::new();
    let Some(regex) = compiled.regex() else {
        return out;
    };
    let line = generic::line_at(text, starts, line_index);
    let Some(open) = regex.find(line) else {
        return out;
    };
    let from = starts[line_index] + open.end();
    let last = (line_index + LIST_LINES).min(starts.len() - 2);
    let to = (starts[last + 1] - 1).min(text.len());
    let bytes = text.as_bytes();
    let mut depth = 1;
    let mut i = from;
    while i < to && depth > 0 {
        match bytes[i] {
            b'[' | b'(' => depth += 1,
            b']' | b')' => depth -= 1,
            b'#' => {
                // A comment runs to the end of the line.
                i = memchr::memchr(b'\n', &bytes[i..to]).map_or(to, |n| i + n);
                continue;
            }
            q @ (b'"' | b'\'') => {
                let start = i + 1;
                let mut j = start;
                while j < to && bytes[j] != q && bytes[j] != b'\n' {
                    j += if bytes[j] == b'\\' { 2 } else { 1 };
                }
                // Directly in the list: not a subscript or a call's argument.
                if j < to && bytes[j] == q && depth == 1 {
                    let entry_line = starts.partition_point(|&s| s <= start) - 1;
                    out.push((entry_line, &text[start..j]));
                }
                i = j + 1;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// How many lines below its opening line a list's entries are read.
const LIST_LINES: usize = 200;

/// How many lines below its first line a private key block
/// (`generic::key_block`) or a list (`list_entries`) reaches at most.
const MAX_REACH: usize = if generic::KEY_BLOCK_LINES > LIST_LINES {
    generic::KEY_BLOCK_LINES
} else {
    LIST_LINES
};

/// Byte ranges of the selected lines (1-based numbers, ascending), each
/// with the `above` lines before it, overlapping or adjacent ranges merged.
/// Each range ends at the end of its last line, its newline left out.
fn selected_ranges(
    selected: &[u32],
    above: usize,
    starts: &[usize],
    len: usize,
) -> Vec<(usize, usize)> {
    let line_count = starts.len().saturating_sub(1);
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for &number in selected {
        let index = number as usize;
        if index == 0 || index > line_count {
            continue;
        }
        let from = starts[(index - 1).saturating_sub(above)];
        let to = starts[index].saturating_sub(1).min(len);
        match ranges.last_mut() {
            Some(last) if last.1 + 1 >= from => last.1 = last.1.max(to),
            _ => ranges.push((from, to)),
        }
    }
    ranges
}

fn load_pack() -> anyhow::Result<Vec<SecretRule>> {
    let pack: Pack =
        serde_json::from_str(PACK).context("parsing the embedded rules/secrets.toml")?;
    Ok(pack.rule)
}

/// One scan of one text: what the detectors share while they walk its
/// candidate lines.
struct Pass<'a> {
    path: &'a str,
    text: &'a str,
    lines: Lines<'a>,
    starts: Vec<usize>,
    /// Findings whose snippet is their line with every secret on it
    /// hidden, once all secrets of the line are known.
    findings: Vec<(Finding, Option<usize>)>,
    /// Spans already reported, of the current line only: candidates come
    /// line by line, and a dense file has thousands of findings.
    covered: Vec<(usize, usize, usize)>,
    /// Byte ranges of every secret found, in `text`.
    spans: Vec<(usize, usize)>,
    /// Whether provider checksums are verified (not for redaction).
    verify: bool,
    /// The file's type, and a document's code blocks, each read in its own
    /// language; the blocks are found when a line first asks for its type
    /// (most texts have no line that does).
    file_type: FileType,
    blocks: OnceCell<CodeBlocks>,
}

impl<'a> Pass<'a> {
    fn new(path: &'a str, text: &'a str, lines: Lines<'a>, verify: bool) -> Pass<'a> {
        Pass {
            path,
            text,
            lines,
            verify,
            file_type: FileType::of(path),
            blocks: OnceCell::new(),
            starts: crate::newlines::line_starts(text),
            findings: Vec::new(),
            covered: Vec::new(),
            spans: Vec::new(),
        }
    }

    /// The type line `index` is read in: a code block's, or the file's.
    fn line_type(&self, index: usize) -> FileType {
        self.blocks
            .get_or_init(|| CodeBlocks::of(self.file_type, self.text))
            .type_of(index, self.file_type)
    }

    fn line(&self, index: usize) -> &'a str {
        generic::line_at(self.text, &self.starts, index)
    }

    fn overlaps(&self, line: usize, start: usize, end: usize) -> bool {
        self.covered
            .iter()
            .any(|&(l, cs, ce)| l == line && start < ce && cs < end)
    }

    /// `finding`, for the secret at `start..end` of line `index`.
    fn report(&mut self, index: usize, start: usize, end: usize, finding: Finding) {
        self.covered.push((index, start, end));
        let from = self.starts[index];
        self.spans.push((from + start, from + end));
        self.findings.push((finding, Some(index)));
    }

    /// The findings, each line's snippet with every secret on it hidden,
    /// and the secrets' spans in order.
    fn finish(&mut self) -> (Vec<Finding>, Vec<(usize, usize)>) {
        // Candidates run rule by rule, so a line's spans arrive out of order.
        self.spans.sort_unstable();
        let (text, starts, spans) = (self.text, &self.starts, &self.spans);
        let findings = std::mem::take(&mut self.findings)
            .into_iter()
            .map(|(mut finding, line_index)| {
                if let Some(index) = line_index {
                    let line = generic::line_at(text, starts, index);
                    finding.snippet = Some(shorten(hide_spans(line, starts[index], spans).trim()));
                }
                finding
            })
            .collect();
        (findings, std::mem::take(&mut self.spans))
    }
}

/// Passwords in connection URLs on `line_index`.
fn on_url(pass: &mut Pass<'_>, line_index: usize) {
    let number = (line_index + 1) as u32;
    if !pass.lines.contains(number) {
        return;
    }
    for hit in generic::url_passwords(pass.line(line_index)) {
        if pass.overlaps(line_index, hit.start, hit.end) {
            continue;
        }
        let finding = Finding::new(Kind::Secret, "url-password", Severity::Error, pass.path, hit.secret)
            .at_line(number)
            .message(hit.label)
            .fix("drop the password from the URL; build the URL from an environment variable or secret manager")
            .category("connection-url");
        pass.report(line_index, hit.start, hit.end, finding);
    }
}

/// Random literals assigned to secret-looking keys on `line_index`.
fn on_generic(pass: &mut Pass<'_>, line_index: usize) {
    let number = (line_index + 1) as u32;
    if !pass.lines.contains(number) {
        return;
    }
    let line_type = pass.line_type(line_index);
    for hit in generic::assignments(line_type, pass.line(line_index)) {
        if pass.overlaps(line_index, hit.start, hit.end) {
            continue;
        }
        let finding = Finding::new(
            Kind::Secret,
            "generic-secret-assignment",
            Severity::Error,
            pass.path,
            hit.secret,
        )
        .at_line(number)
        .message(hit.label)
        .fix("read it from the environment (os.environ) or a secret manager instead of a literal")
        .category("generic");
        pass.report(line_index, hit.start, hit.end, finding);
    }
}

/// The keyword prefilter: rules without keywords, the targets of each
/// keyword (in the matcher's pattern numbers), and the matcher.
type KeywordIndex = (Vec<usize>, Vec<Vec<Target>>, Option<KeywordMatcher>);

fn keyword_index(
    rules: &[CompiledRule],
    disabled: &HashSet<String>,
) -> anyhow::Result<KeywordIndex> {
    let mut by_keyword: HashMap<String, Vec<Target>> = HashMap::new();
    let mut always = Vec::new();
    for (index, compiled) in rules.iter().enumerate() {
        if compiled.rule.keywords.is_empty() {
            always.push(index);
        }
        for keyword in &compiled.rule.keywords {
            by_keyword
                .entry(keyword.to_ascii_lowercase())
                .or_default()
                .push(Target::Rule(index));
        }
    }
    if !disabled.contains("generic-secret-assignment") {
        for keyword in generic::GENERIC_KEYWORDS {
            by_keyword
                .entry(keyword.to_string())
                .or_default()
                .push(Target::Generic);
        }
    }
    if !disabled.contains("url-password") {
        by_keyword
            .entry("://".into())
            .or_default()
            .push(Target::Url);
    }
    if generic::KEY_RULES
        .iter()
        .any(|(id, _)| !disabled.contains(*id))
    {
        by_keyword
            .entry("-----begin ".into())
            .or_default()
            .push(Target::Key);
    }
    let (patterns, keywords): (Vec<String>, Vec<Vec<Target>>) = by_keyword
        .into_iter()
        .filter(|(k, _)| !k.is_empty())
        .unzip();
    let matcher = if patterns.is_empty() {
        None
    } else {
        Some(KeywordMatcher::new(patterns).context("building the secret keyword matcher")?)
    };
    Ok((always, keywords, matcher))
}

impl SecretScanner {
    pub fn new(extra: &[SecretRule], disabled: &HashSet<String>) -> anyhow::Result<SecretScanner> {
        SecretScanner::with_pack(load_pack()?, extra, disabled)
    }

    /// A scanner of `rules` alone: no built-in rule, no generic, URL or
    /// private-key detector (a gitleaks rule runs this way, on its own).
    pub fn only(rules: &[SecretRule]) -> anyhow::Result<SecretScanner> {
        let mut disabled: HashSet<String> = generic::KEY_RULES
            .iter()
            .map(|(id, _)| id.to_string())
            .collect();
        disabled.insert("generic-secret-assignment".into());
        disabled.insert("url-password".into());
        SecretScanner::with_pack(Vec::new(), rules, &disabled)
    }

    fn with_pack(
        pack: Vec<SecretRule>,
        extra: &[SecretRule],
        disabled: &HashSet<String>,
    ) -> anyhow::Result<SecretScanner> {
        let mut rules = Vec::new();
        for rule in pack {
            if !disabled.contains(&rule.id) {
                rules.push(CompiledRule {
                    rule,
                    regex: OnceLock::new(),
                });
            }
        }
        for rule in extra {
            if disabled.contains(&rule.id) {
                continue;
            }
            // User regexes are checked now so a typo fails loudly, naming the rule.
            let regex = Regex::new(&rule.regex)
                .map_err(|e| anyhow!("secret rule `{}`: invalid regex: {e}", rule.id))?;
            let compiled = OnceLock::new();
            let _ = compiled.set(Some(regex));
            rules.push(CompiledRule {
                rule: rule.clone(),
                regex: compiled,
            });
        }

        let (always, keywords, matcher) = keyword_index(&rules, disabled)?;
        let keys_enabled = generic::KEY_RULES
            .iter()
            .any(|(id, _)| !disabled.contains(*id));
        Ok(SecretScanner {
            rules,
            always,
            keywords,
            matcher,
            keys_enabled,
            disabled: disabled.clone(),
        })
    }

    /// The keyword prefilter's words, in its pattern numbers.
    pub fn keywords(&self) -> &[String] {
        self.matcher.as_ref().map_or(&[], |m| m.patterns())
    }

    /// Secrets in `text` whose lines are selected by `lines`.
    pub fn scan(&self, path: &str, text: &str, lines: Lines<'_>) -> Vec<Finding> {
        self.scan_with(path, text, lines, None)
    }

    /// [`scan`](Self::scan), with the keyword hits of the whole `text` when
    /// a shared pass has found them already (`lines` must then be all).
    pub fn scan_with(
        &self,
        path: &str,
        text: &str,
        lines: Lines<'_>,
        found: Option<&[Hit]>,
    ) -> Vec<Finding> {
        self.scan_spans(path, text, lines, found).0
    }

    /// [`scan_with`](Self::scan_with), with the byte ranges (in `text`) of
    /// every secret found, for filters that judge the secret itself.
    pub fn scan_spans(
        &self,
        path: &str,
        text: &str,
        lines: Lines<'_>,
        found: Option<&[Hit]>,
    ) -> (Vec<Finding>, Vec<(usize, usize)>) {
        let (mut findings, spans) = self.detect(path, text, lines, found, true);
        place::judge(path, &mut findings);
        sample::judge(path, text, &spans, &mut findings);
        jwt::judge(text, &mut findings);
        (findings, spans)
    }

    /// Byte ranges of `text` that hold a secret by any detector (provider
    /// rules, private keys, URL passwords, generic assignments), ascending.
    /// The redaction path hides these in everything confgate prints.
    pub fn secret_spans(&self, text: &str) -> Vec<(usize, usize)> {
        // No file name: bare values count as literals, as in `.env` or INI.
        // Checksums are not asked: hiding a same-shape string costs nothing,
        // showing a token that merely looks broken could.
        let mut spans = self.detect("", text, Lines::All, None, false).1;
        spans.sort_unstable();
        spans
    }

    /// `text` with every secret these rules find in it hidden.
    pub fn hide_secrets(&self, text: &str) -> String {
        hide_spans(text, 0, &self.secret_spans(text))
    }

    /// Findings, and the byte ranges (in `text`) of every secret found;
    /// `verify`: whether a provider checksum must pass.
    fn detect(
        &self,
        path: &str,
        text: &str,
        lines: Lines<'_>,
        found: Option<&[Hit]>,
        verify: bool,
    ) -> (Vec<Finding>, Vec<(usize, usize)>) {
        if lines.is_empty() || text.is_empty() {
            return (Vec::new(), Vec::new());
        }
        let mut pass = Pass::new(path, text, lines, verify);
        for (line_index, target) in self.candidates(&pass, found) {
            if pass
                .covered
                .first()
                .is_some_and(|&(l, _, _)| l != line_index)
            {
                pass.covered.clear();
            }
            match target {
                Target::Key => self.on_key(&mut pass, line_index),
                Target::Rule(index) if self.rules[index].rule.list => {
                    self.on_list(&mut pass, &self.rules[index], line_index)
                }
                Target::Rule(index) => self.on_rule(&mut pass, &self.rules[index], line_index),
                Target::Url => on_url(&mut pass, line_index),
                Target::Generic => on_generic(&mut pass, line_index),
            }
        }
        let (mut findings, spans) = pass.finish();
        self.kube_secret_data(path, text, &pass.starts, lines, &mut findings);
        findings.sort_by_key(|f| f.line);
        (findings, spans)
    }

    /// The lines to examine and what for, in line order: keyword hits on the
    /// selected lines, key headers and list openings anywhere (their changed
    /// line may be away from them), and every line for keyword-less rules.
    fn candidates(&self, pass: &Pass<'_>, found: Option<&[Hit]>) -> Vec<(usize, Target)> {
        let (text, starts) = (pass.text, &pass.starts);
        let line_of = |at: usize| starts.partition_point(|&s| s <= at) - 1;
        let mut candidates: Vec<(usize, Target)> = Vec::new();
        // Search only the selected lines: a commit that adds one line to a
        // long file should not pay for the whole file.
        let ranges: Vec<(usize, usize)> = match pass.lines {
            Lines::All => vec![(0, text.len())],
            Lines::Only(selected) => selected_ranges(selected, 0, starts, text.len()),
        };
        let mut wake = |from: usize, hit: Hit| {
            let line = line_of(from + hit.start);
            for target in &self.keywords[hit.pattern] {
                candidates.push((line, *target));
            }
        };
        match (found, &self.matcher) {
            (Some(found), _) => found.iter().for_each(|&hit| wake(0, hit)),
            (None, Some(matcher)) => {
                for &(from, to) in &ranges {
                    matcher.for_each(&text[from..to], |hit| wake(from, hit));
                }
            }
            (None, None) => {}
        }
        if let Lines::Only(selected) = pass.lines {
            // A private key's changed line may be in its body, away from the
            // header, and a list's in an entry, away from its key: they are
            // looked for on each changed line and the `MAX_REACH` lines
            // above it, from which a block or a list could reach it.
            let windows = selected_ranges(selected, MAX_REACH, starts, text.len());
            let mut find = |needle: &[u8], target: Target| {
                if needle.contains(&b'\n') {
                    // Spans lines: the whole text, not windows of lines.
                    for at in memchr::memmem::find_iter(text.as_bytes(), needle) {
                        candidates.push((line_of(at), target));
                    }
                    return;
                }
                let finder = memchr::memmem::Finder::new(needle);
                for &(from, to) in &windows {
                    for at in finder.find_iter(&text.as_bytes()[from..to]) {
                        candidates.push((line_of(from + at), target));
                    }
                }
            };
            if self.keys_enabled {
                find(b"-----BEGIN ", Target::Key);
            }
            for (index, compiled) in self.rules.iter().enumerate() {
                if !compiled.rule.list {
                    continue;
                }
                for keyword in &compiled.rule.keywords {
                    find(keyword.as_bytes(), Target::Rule(index));
                }
            }
        }
        if !self.always.is_empty() {
            for line in 0..starts.len() - 1 {
                candidates.extend(self.always.iter().map(|&i| (line, Target::Rule(i))));
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        candidates
    }

    /// A private key block whose header is on `line_index`.
    fn on_key(&self, pass: &mut Pass<'_>, line_index: usize) {
        let Some(block) = generic::key_block(pass.text, &pass.starts, line_index) else {
            return;
        };
        if self.disabled.contains(block.kind)
            || !pass
                .lines
                .any_in((block.first + 1) as u32, (block.last + 1) as u32)
        {
            return;
        }
        let line = pass.line(line_index);
        pass.covered.push((line_index, 0, line.len()));
        let block_start = block.secret.as_ptr() as usize - pass.text.as_ptr() as usize;
        pass.spans
            .push((block_start, block_start + block.secret.len()));
        let header = line.find("-----BEGIN ").map_or(line, |at| {
            let rest = &line[at..];
            let close = rest[11..].find("-----").map_or(rest.len(), |x| 11 + x + 5);
            &rest[..close]
        });
        pass.findings.push((
            Finding::new(
                Kind::Secret,
                block.kind,
                Severity::Error,
                pass.path,
                block.secret,
            )
            .at_line((line_index + 1) as u32)
            .message(block.label)
            .snippet(redact_line(header, block.secret))
            .fix("remove the key, revoke it, and mount it from a secret manager at deploy time")
            .category("private-key"),
            None,
        ));
    }

    /// The entries of the list a list rule opens on `line_index`.
    fn on_list(&self, pass: &mut Pass<'_>, compiled: &CompiledRule, line_index: usize) {
        for (entry_line, secret) in list_entries(compiled, pass.text, &pass.starts, line_index) {
            let entry_number = (entry_line + 1) as u32;
            if !pass.lines.contains(entry_number)
                || random::is_example_secret(secret)
                || !random::looks_random(secret)
            {
                continue;
            }
            let finding = self.rule_finding(compiled, pass.path, entry_number, secret);
            match pass.line(entry_line).find(secret) {
                Some(at) if pass.overlaps(entry_line, at, at + secret.len()) => {}
                Some(at) => pass.report(entry_line, at, at + secret.len(), finding),
                None => pass.findings.push((finding, Some(entry_line))),
            }
        }
    }

    /// A provider rule's regex on `line_index`, as written and as a reader
    /// sees it (adjacent literals joined, JSON escapes decoded).
    fn on_rule(&self, pass: &mut Pass<'_>, compiled: &CompiledRule, line_index: usize) {
        let number = (line_index + 1) as u32;
        let line = pass.line(line_index);
        let Some(regex) = compiled.regex().filter(|_| pass.lines.contains(number)) else {
            return;
        };
        for caps in regex.captures_iter(line) {
            let Some(m) = caps.name("secret").or_else(|| caps.get(0)) else {
                continue;
            };
            if compiled.accepts(m.as_str(), pass.verify)
                && !pass.overlaps(line_index, m.start(), m.end())
            {
                let finding = self.rule_finding(compiled, pass.path, number, m.as_str());
                pass.report(line_index, m.start(), m.end(), finding);
            }
        }
        // `"AKIA" "QYLP…"`: adjacent literals are one string;
        // `ghp_…\u0048…`: JSON escapes are the characters.
        let Some(joined) = joined_literals(line).or_else(|| unescaped(line)) else {
            return;
        };
        for caps in regex.captures_iter(&joined) {
            let Some(m) = caps.name("secret").or_else(|| caps.get(0)) else {
                continue;
            };
            let secret = m.as_str();
            if line.contains(secret) || !compiled.accepts(secret, pass.verify) {
                continue;
            }
            pass.covered.push((line_index, 0, line.len()));
            pass.findings.push((
                self.rule_finding(compiled, pass.path, number, secret)
                    .snippet(redact_line(&joined, secret)),
                None,
            ));
        }
    }

    /// The `data:` values of a Kubernetes Secret are base64: decoded, each
    /// is judged by the provider rules and the URL rule, on its own line
    /// (where no other finding is).
    fn kube_secret_data(
        &self,
        path: &str,
        text: &str,
        starts: &[usize],
        lines: Lines<'_>,
        findings: &mut Vec<Finding>,
    ) {
        static ITEM: OnceLock<Option<Regex>> = OnceLock::new();
        let lower = path.to_ascii_lowercase();
        if !(lower.ends_with(".yaml") || lower.ends_with(".yml")) || !text.contains("kind: Secret")
        {
            return;
        }
        let Some(item) = ITEM
            .get_or_init(|| {
                Regex::new(r#"^[ \t]+([A-Za-z0-9_.\-]+):[ \t]*["']?([A-Za-z0-9+/]{12,}={0,2})["']?[ \t]*$"#).ok()
            })
            .as_ref()
        else {
            return;
        };
        let mut in_data = false;
        for index in 0..starts.len() - 1 {
            let line = generic::line_at(text, starts, index);
            let line = line.strip_suffix('\r').unwrap_or(line);
            if !line.starts_with([' ', '\t']) {
                in_data = line.trim_end() == "data:";
                continue;
            }
            let number = (index + 1) as u32;
            if !in_data
                || !lines.contains(number)
                || findings.iter().any(|f| f.line == Some(number))
            {
                continue;
            }
            let Some(caps) = item.captures(line) else {
                continue;
            };
            let (Some(key), Some(encoded)) = (caps.get(1), caps.get(2)) else {
                continue;
            };
            let Some(decoded) = base64_text(encoded.as_str()) else {
                continue;
            };
            let shown = format!("{}: {}", key.as_str(), redact(encoded.as_str()));
            let found = self.decoded_secret(path, number, &decoded, &shown);
            findings.extend(found);
        }
    }

    /// The first secret in a decoded Kubernetes Secret value (`shown` is its
    /// key and redacted base64), by the provider rules, then the URL rule.
    fn decoded_secret(
        &self,
        path: &str,
        number: u32,
        decoded: &str,
        shown: &str,
    ) -> Option<Finding> {
        let mut woken: Vec<usize> = Vec::new();
        if let Some(matcher) = &self.matcher {
            matcher.for_each(decoded, |hit| {
                woken.extend(self.keywords[hit.pattern].iter().filter_map(|t| match t {
                    Target::Rule(i) => Some(*i),
                    _ => None,
                }));
            });
        }
        woken.sort_unstable();
        woken.dedup();
        for index in woken {
            let compiled = &self.rules[index];
            if compiled.rule.list {
                continue;
            }
            let Some(secret) = compiled
                .regex()
                .and_then(|r| r.captures(decoded))
                .and_then(|c| c.name("secret").or_else(|| c.get(0)))
                .map(|m| m.as_str())
                .filter(|secret| compiled.accepts(secret, true))
            else {
                continue;
            };
            let mut finding = self
                .rule_finding(compiled, path, number, secret)
                .snippet(redact_line(shown, secret));
            finding.message.push_str(" (base64 in a Kubernetes Secret)");
            return Some(finding);
        }
        let hit = generic::url_passwords(decoded).into_iter().next()?;
        Some(
            Finding::new(Kind::Secret, "url-password", Severity::Error, path, hit.secret)
                .at_line(number)
                .message(format!("{} (base64 in a Kubernetes Secret)", hit.label))
                .snippet(shown.to_string())
                .fix("keep the Secret out of the repository: create it from a secret manager at deploy time (External Secrets, Sealed Secrets, SOPS)")
                .category("connection-url"),
        )
    }

    fn rule_finding(
        &self,
        compiled: &CompiledRule,
        path: &str,
        number: u32,
        secret: &str,
    ) -> Finding {
        let rule = &compiled.rule;
        let fix = if rule.fix.is_empty() {
            DEFAULT_FIX
        } else {
            &rule.fix
        };
        Finding::new(Kind::Secret, &rule.id, Severity::Error, path, secret)
            .at_line(number)
            .message(rule.description.clone())
            .fix(fix)
            .category(rule.provider.clone().unwrap_or_else(|| "custom".into()))
    }

    /// A `forbidden-file` finding when `path` (with its content, when text) is a
    /// secret by nature.
    pub fn forbidden_file(&self, path: &str, text: Option<&str>) -> Option<Finding> {
        let id = files::classify(path, text)?;
        if self.disabled.contains(id) {
            return None;
        }
        let finding = files::finding(id, path)?;
        match text.map(files::env_values) {
            Some(files::EnvValues::PublicBuild) if id == "env-file" => None,
            Some(files::EnvValues::Placeholders) if id == "env-file" => {
                let mut finding = finding.message(format!(
                    "dotenv file with only placeholders and local defaults committed: {path} (no real value in it; keep it that way)"
                ));
                finding.severity = Severity::Warning;
                Some(finding)
            }
            _ => Some(finding),
        }
    }

    pub fn rules(&self) -> Vec<RuleInfo> {
        let enabled = |id: &str| !self.disabled.contains(id);
        let mut out = Vec::new();
        // Disabled pack rules are not in `self.rules`; list them from the pack.
        let mut seen = HashSet::new();
        let listed = self
            .rules
            .iter()
            .map(|c| c.rule.clone())
            .chain(load_pack().unwrap_or_default());
        for rule in listed {
            if !seen.insert(rule.id.clone()) {
                continue;
            }
            out.push(RuleInfo {
                kind: Kind::Secret,
                category: rule.provider.clone().unwrap_or_else(|| "custom".into()),
                severity: Severity::Error,
                matches: match rule.checksum {
                    Some(check) => format!("regex `{}`; {}", rule.regex, check.describe()),
                    None => format!("regex `{}`", rule.regex),
                },
                why: if rule.why.is_empty() {
                    "anyone who can read the repository, or any clone of it, can use this credential".into()
                } else {
                    rule.why.clone()
                },
                fix: if rule.fix.is_empty() { DEFAULT_FIX.into() } else { rule.fix.clone() },
                example_bad: rule.example.as_deref().map(redact_example).unwrap_or_default(),
                example_good: rule.example_good.clone().unwrap_or_default(),
                enabled: enabled(&rule.id),
                description: rule.description,
                id: rule.id,
            });
        }
        out.extend(self.builtin_rules());
        out
    }

    /// The detectors built into the code: private keys, URL passwords,
    /// generic assignments and forbidden files.
    fn builtin_rules(&self) -> Vec<RuleInfo> {
        let enabled = |id: &str| !self.disabled.contains(id);
        let mut out = Vec::new();
        for (id, label) in generic::KEY_RULES {
            out.push(RuleInfo {
                id: (*id).into(),
                kind: Kind::Secret,
                category: "private-key".into(),
                severity: Severity::Error,
                description: (*label).into(),
                matches: "a `-----BEGIN … PRIVATE KEY-----` block with a key body, on many lines or with `\\n` escapes in a string".into(),
                why: "a private key lets anyone impersonate its owner or decrypt its traffic".into(),
                fix: "remove the key, revoke it, and mount it from a secret manager at deploy time".into(),
                example_bad: "-----BEGIN … PRIVATE KEY----- followed by base64 lines".into(),
                example_good: "PEM_HEADER = \"-----BEGIN PRIVATE KEY-----\" (no key body)".into(),
                enabled: enabled(id),
            });
        }
        out.push(RuleInfo {
            id: "url-password".into(),
            kind: Kind::Secret,
            category: "connection-url".into(),
            severity: Severity::Error,
            description: "password inside a connection URL".into(),
            matches: "`scheme://user:password@host` (postgres, mysql, mongodb, redis, amqp, …); placeholders and non-random passwords on localhost are ignored".into(),
            why: "connection strings are copied into logs and tickets; the password travels with them".into(),
            fix: "build the URL from an environment variable or secret manager".into(),
            example_bad: "postgres://app:Xk29…@db.internal/app".into(),
            example_good: "postgres://postgres:postgres@localhost/db".into(),
            enabled: enabled("url-password"),
        });
        out.push(RuleInfo {
            id: "generic-secret-assignment".into(),
            kind: Kind::Secret,
            category: "generic".into(),
            severity: Severity::Error,
            description: "random-looking literal assigned to a secret-looking key".into(),
            matches: "a key containing password, secret, token, api_key, auth, credential, private_key, access_key, … assigned a literal that looks generated (length, character mix, entropy, no words, placeholders or template references), in Python, TOML, YAML, INI, .env, JSON, Dockerfile and compose files".into(),
            why: "hard-coded credentials end up in every clone, fork and backup of the repository".into(),
            fix: "read it from the environment (os.environ) or a secret manager instead of a literal".into(),
            example_bad: "DB_PASSWORD = \"Zt4r…\"".into(),
            example_good: "DB_PASSWORD = os.environ[\"DB_PASSWORD\"]".into(),
            enabled: enabled("generic-secret-assignment"),
        });
        for rule in files::FILE_RULES {
            out.push(RuleInfo {
                id: rule.id.into(),
                kind: Kind::ForbiddenFile,
                category: "files".into(),
                severity: Severity::Error,
                description: rule.description.into(),
                matches: rule.matches.into(),
                why: rule.why.into(),
                fix: rule.fix.into(),
                example_bad: rule.example_bad.into(),
                example_good: rule.example_good.into(),
                enabled: enabled(rule.id),
            });
        }
        out
    }
}

/// The secret of each finding, by its fingerprint, from the spans its
/// scanner reported (a finding's fingerprint is its rule, path and secret).
pub fn secrets_by_fingerprint<'t>(
    path: &str,
    text: &'t str,
    found: &[Finding],
    spans: &[(usize, usize)],
) -> HashMap<String, &'t str> {
    let mut rules: Vec<&str> = found.iter().map(|f| f.rule.as_str()).collect();
    rules.sort_unstable();
    rules.dedup();
    let mut out = HashMap::new();
    for &(from, to) in spans {
        let Some(secret) = text.get(from..to) else {
            continue;
        };
        for rule in &rules {
            out.insert(fingerprint(rule, path, secret), secret);
        }
    }
    out
}

/// Rule examples are synthetic, but show them redacted like any finding.
fn redact_example(example: &str) -> String {
    let token = example
        .split(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '='))
        .max_by_key(|t| t.len())
        .unwrap_or(example);
    if token.len() >= 16 {
        example.replace(token, &redact(token))
    } else {
        example.to_string()
    }
}

#[cfg(test)]
mod tests;
