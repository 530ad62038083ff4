//! Security settings a change deletes: a safe setting removed where the
//! framework's default is the unsafe one, a security middleware dropped from
//! a list, the strong password hashers dropped. Judged on old and new text
//! of one file, by the pack's removal rules.

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};

use regex::Regex;

use crate::finding::{shorten, Finding, Kind, Severity};

use super::syntax::{self, FileType, Form, PythonSource};
use super::{collapse, is_development_path, CompiledRule, SecurityScanner};
use crate::model::Lines;

/// How a removal rule reads what a change deletes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A setting whose value matched `removed` is no longer written.
    Setting,
    /// An entry of the value matching `removed` is no longer in it.
    Entries,
    /// The value matched `removed`; the value still written does not.
    Any,
}

impl Mode {
    pub fn parse(name: &str) -> Option<Mode> {
        match name {
            "setting" => Some(Mode::Setting),
            "entries" => Some(Mode::Entries),
            "any" => Some(Mode::Any),
            _ => None,
        }
    }
}

/// A removal finding, with what another file of the change would have to
/// write for the setting to count as moved rather than removed.
#[derive(Debug)]
pub struct Removal {
    pub finding: Finding,
    rule: usize,
    name: String,
    /// The entry removed (`entries`), or the value (`setting`).
    removed: String,
}

/// One setting a removal rule reads, with where it is.
struct Written {
    rule: usize,
    name: String,
    /// Name, and for config files the section or parent: the same key
    /// under another section is another setting.
    identity: String,
    value: String,
    literal: bool,
    /// 1-based line of the name, and of the value's first byte.
    line: u32,
    value_line: u32,
}

impl SecurityScanner {
    /// What the change from `old` to `new` of the file at `path` deletes
    /// that kept it safe. Empty unless a removal rule's keyword is in `old`.
    pub fn removals(&self, path: &str, old: &str, new: &str) -> Vec<Removal> {
        let Some(file_type) = FileType::settings_file(path) else {
            return Vec::new();
        };
        let candidates = self.removal_candidates(file_type, path, changed_part(old, new));
        if candidates.is_empty() {
            return Vec::new();
        }
        let before = self.written(file_type, old, &candidates);
        if before.is_empty() {
            return Vec::new();
        }
        let after = self.written(file_type, new, &candidates);
        let lines = LineMap::new(old, new);
        let mut out = Vec::new();
        for &index in &candidates {
            let rule = &self.rules[index];
            let (Some(mode), Some(removed)) = (rule.removal, rule.removed.get()) else {
                continue;
            };
            let old_of: Vec<&Written> = before.iter().filter(|w| w.rule == index).collect();
            let new_of: Vec<&Written> = after.iter().filter(|w| w.rule == index).collect();
            if mode == Mode::Any {
                let had: HashSet<&str> = old_of
                    .iter()
                    .filter(|o| removed.is_match(&o.value))
                    .map(|o| o.identity.as_str())
                    .collect();
                for w in new_of {
                    if had.contains(w.identity.as_str()) && w.literal && !removed.is_match(&w.value)
                    {
                        out.push(self.removal(index, path, w.line, &w.name, &w.value, mode));
                    }
                }
                continue;
            }
            let gone = items(mode, rule, removed, &old_of, true);
            let left = items(mode, rule, removed, &new_of, false);
            for item in fewer(&gone, &left, &lines) {
                let line = lines.new_line(item.line);
                out.push(self.removal(index, path, line, item.name, &item.shown, mode));
            }
        }
        out.sort_by_key(|r| r.finding.line);
        out
    }

    /// Whether `text` (another file of the same change, at `path`) writes
    /// what `removal` says was removed: the setting moved, not removed.
    pub fn still_written(&self, removal: &Removal, path: &str, text: &str) -> bool {
        let Some(file_type) = FileType::settings_file(path) else {
            return false;
        };
        let Some(rule) = self.rules.get(removal.rule) else {
            return false;
        };
        if !rule.applies_to(file_type) {
            return false;
        }
        let Some(removed) = rule.removed.get() else {
            return false;
        };
        self.written(file_type, text, &[removal.rule])
            .iter()
            .filter(|w| w.name == removal.name)
            .any(|w| match rule.removal {
                Some(Mode::Setting) => removed.is_match(&w.value) && !insecure(rule, &w.value),
                Some(Mode::Entries) => removed
                    .find_iter(&w.value)
                    .any(|m| m.as_str() == removal.removed),
                _ => false,
            })
    }

    /// Removal rules that fit this file and whose keywords `old` (the part
    /// of the old text the change touches) holds.
    fn removal_candidates(&self, file_type: FileType, path: &str, old: &str) -> Vec<usize> {
        let mut candidates: Vec<usize> = self
            .rules
            .iter()
            .enumerate()
            .filter(|(_, r)| r.removal.is_some() && r.rule.keywords.is_empty())
            .map(|(i, _)| i)
            .collect();
        if let Some(matcher) = &self.removal_keywords {
            matcher.for_each(old, |hit| {
                candidates.extend(self.removal_keyword_rules[hit.pattern].iter().copied());
            });
        }
        candidates.sort_unstable();
        candidates.dedup();
        candidates.retain(|&i| {
            let rule = &self.rules[i];
            rule.applies_to(file_type)
                && (!rule.path.is_set() || rule.path.get().is_some_and(|r| r.is_match(path)))
        });
        candidates
    }

    /// The settings of `text` the `candidates` rules read.
    fn written(&self, file_type: FileType, text: &str, candidates: &[usize]) -> Vec<Written> {
        let mut out = Vec::new();
        if file_type == FileType::Python {
            self.python_woken(text, candidates, |statement, rules| {
                self.take(file_type, statement, rules, &mut out);
            });
        } else {
            for statement in syntax::config_statements_wanted(file_type, text, Lines::All) {
                self.take(file_type, &statement, candidates, &mut out);
            }
        }
        out
    }

    /// Adds to `out` the settings of `statement` that `rules` read.
    fn take(
        &self,
        file_type: FileType,
        statement: &syntax::Statement,
        rules: &[usize],
        out: &mut Vec<Written>,
    ) {
        for &index in rules {
            let rule = &self.rules[index];
            let Some((key, call)) = rule.target.key() else {
                continue;
            };
            for setting in &statement.settings {
                if !key.is_match(&setting.name) || !in_call(call, file_type, setting) {
                    continue;
                }
                let value_at = statement.text[setting.at..]
                    .find(setting.value.as_str())
                    .map_or(setting.at, |at| setting.at + at);
                let identity = if setting.form == Form::Config {
                    format!("{}\u{1f}{}", setting.context, setting.name)
                } else {
                    setting.name.clone()
                };
                out.push(Written {
                    rule: index,
                    name: setting.name.clone(),
                    identity,
                    value: setting.value.clone(),
                    literal: setting.literal,
                    line: statement.line_of(setting.at),
                    value_line: statement.line_of(value_at),
                });
            }
        }
    }

    /// Calls `each` with every Python statement of `text` that may set
    /// something, and the `candidates` its removal keywords wake.
    fn python_woken(
        &self,
        text: &str,
        candidates: &[usize],
        mut each: impl FnMut(&syntax::Statement, &[usize]),
    ) {
        let source = PythonSource::new(text, Lines::All);
        let spans = &source.spans;
        let mut woken: Vec<(usize, usize)> = Vec::new();
        let always: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|&i| self.rules[i].rule.keywords.is_empty())
            .collect();
        if let Some(matcher) = &self.removal_keywords {
            let (base, clean) = source.cleaned();
            matcher.for_each(clean, |hit| {
                let (start, end) = (base + hit.start, base + hit.end);
                let at = spans.partition_point(|span| span.end < end);
                if spans.get(at).is_some_and(|span| span.start <= start) {
                    woken.extend(
                        self.removal_keyword_rules[hit.pattern]
                            .iter()
                            .filter(|r| candidates.contains(r))
                            .map(|&r| (at, r)),
                    );
                }
            });
        }
        woken.sort_unstable();
        woken.dedup();
        let mut rules: Vec<usize> = Vec::new();
        let mut next = 0;
        for (at, span) in spans.iter().enumerate() {
            rules.clear();
            while let Some(&(s, r)) = woken.get(next) {
                if s != at {
                    break;
                }
                rules.push(r);
                next += 1;
            }
            rules.extend_from_slice(&always);
            if rules.is_empty() || !source.may_set(span) {
                continue;
            }
            let mut statement = source.statement(span);
            syntax::fill_settings(FileType::Python, &mut statement);
            each(&statement, &rules);
        }
    }

    fn removal(
        &self,
        index: usize,
        path: &str,
        line: u32,
        name: &str,
        value: &str,
        mode: Mode,
    ) -> Removal {
        let rule = &self.rules[index];
        let r = &rule.rule;
        let value = collapse(value);
        // As the file writes it: `USER app` in a Dockerfile.
        let written =
            if FileType::settings_file(path) == Some(FileType::Dockerfile) && name == "USER" {
                format!("{name} {value}")
            } else {
                format!("{name} = {value}")
            };
        let what = match mode {
            Mode::Setting => format!("{written} removed"),
            Mode::Entries => format!("{value} removed from {name}"),
            Mode::Any => written.clone(),
        };
        let development = is_development_path(path);
        let (severity, message) = if development {
            (
                Severity::Warning,
                format!(
                    "{} — {} security-setting weakened in development settings ({}); allowed as a warning",
                    shorten(&what),
                    r.category,
                    r.description
                ),
            )
        } else {
            (
                Severity::Error,
                format!(
                    "{} — insecure {} security-setting: {}",
                    shorten(&what),
                    r.category,
                    r.description
                ),
            )
        };
        let key = format!("removed:{name}={}", value.replace(' ', ""));
        let mut finding = Finding::new(Kind::SecuritySetting, &r.id, severity, path, &key)
            .at_line(line.max(1))
            .category(r.category.clone())
            .message(message)
            .snippet(shorten(&match mode {
                Mode::Setting => format!("- {written}"),
                Mode::Entries => format!("- {value}"),
                Mode::Any => written,
            }));
        if !r.fix.is_empty() {
            finding = finding.fix(r.fix.clone());
        }
        Removal {
            finding,
            rule: index,
            name: name.to_string(),
            removed: value,
        }
    }
}

/// One thing a removal rule counts: a setting (`setting` mode: counted by
/// identity) or an entry of its value (`entries`: by identity and entry).
struct Item<'w> {
    identity: &'w str,
    entry: &'w str,
    /// 1-based line in the text it was read from.
    line: u32,
    name: &'w str,
    shown: String,
}

/// The items of `written`: on the old side only those that kept the file
/// safe; on the new side every setting, whatever its value (a changed value
/// is the written-value rules' business, not a removal).
fn items<'w>(
    mode: Mode,
    rule: &CompiledRule,
    removed: &regex::Regex,
    written: &[&'w Written],
    old: bool,
) -> Vec<Item<'w>> {
    let mut out = Vec::new();
    for w in written {
        match mode {
            Mode::Setting => {
                if old && (!removed.is_match(&w.value) || insecure(rule, &w.value)) {
                    continue;
                }
                out.push(Item {
                    identity: &w.identity,
                    entry: "",
                    line: w.line,
                    name: &w.name,
                    shown: w.value.clone(),
                });
            }
            Mode::Entries | Mode::Any => {
                for m in removed.find_iter(&w.value) {
                    let newlines =
                        memchr::memchr_iter(b'\n', &w.value.as_bytes()[..m.start()]).count();
                    out.push(Item {
                        identity: &w.identity,
                        entry: &w.value[m.start()..m.end()],
                        line: w.value_line + newlines as u32,
                        name: &w.name,
                        shown: m.as_str().to_string(),
                    });
                }
            }
        }
    }
    out
}

/// The items of `gone` that `left` has fewer of (same identity and entry),
/// as many as are missing, those on deleted lines first.
fn fewer<'g, 'w>(gone: &'g [Item<'w>], left: &[Item<'_>], map: &LineMap) -> Vec<&'g Item<'w>> {
    let mut left_of: HashMap<(&str, &str), usize> = HashMap::new();
    for item in left {
        *left_of.entry((item.identity, item.entry)).or_default() += 1;
    }
    let mut by_key: HashMap<(&str, &str), Vec<&Item<'w>>> = HashMap::new();
    for item in gone {
        by_key
            .entry((item.identity, item.entry))
            .or_default()
            .push(item);
    }
    let mut out = Vec::new();
    for (key, group) in by_key {
        let kept = left_of.get(&key).copied().unwrap_or(0);
        if group.len() > kept {
            out.extend(map.deleted(&group, |item| item.line, group.len() - kept));
        }
    }
    out
}

/// The lines of `old` that `new` does not share at its start or end: where
/// anything deleted was. (A deleted setting's line holds its name, a
/// deleted entry's line the entry, so the keywords are found there.)
pub(super) fn changed_part<'t>(old: &'t str, new: &str) -> &'t str {
    let (a, b) = (old.as_bytes(), new.as_bytes());
    let mut prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    prefix = a[..prefix]
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |at| at + 1);
    let room = a.len().min(b.len()) - prefix;
    let mut suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(room)
        .take_while(|(x, y)| x == y)
        .count();
    // Back to a line end, so the part is whole lines (a suffix that is all
    // of `old` already starts at one).
    while suffix > 0 && suffix < a.len() && a[a.len() - suffix - 1] != b'\n' {
        suffix -= 1;
    }
    old.get(prefix..a.len() - suffix).unwrap_or(old)
}

fn insecure(rule: &CompiledRule, value: &str) -> bool {
    rule.insecure.get().is_some_and(|r| r.is_match(value))
}

/// The `call` condition of a Python key rule (see `SecurityScanner::hits`).
fn in_call(call: Option<&Regex>, file_type: FileType, setting: &syntax::Setting) -> bool {
    if file_type != FileType::Python {
        return true;
    }
    match call {
        Some(call) => {
            matches!(setting.form, Form::Kwarg | Form::DictKey) && call.is_match(&setting.context)
        }
        None => true,
    }
}

/// Old lines against new ones: which old lines the change deletes, and
/// where each old line is (or was) in the new text. Diffed on first use:
/// most changes remove nothing a rule reads.
struct LineMap<'t> {
    old: &'t str,
    new: &'t str,
    diffed: OnceCell<Diffed>,
}

struct Diffed {
    deleted: Vec<bool>,
    /// 0-based new line at each 0-based old line.
    to_new: Vec<u32>,
    new_lines: u32,
}

impl<'t> LineMap<'t> {
    fn new(old: &'t str, new: &'t str) -> LineMap<'t> {
        LineMap {
            old,
            new,
            diffed: OnceCell::new(),
        }
    }

    fn diffed(&self) -> &Diffed {
        self.diffed.get_or_init(|| {
            let input = imara_diff::InternedInput::new(self.old, self.new);
            let diff = imara_diff::Diff::compute(imara_diff::Algorithm::Histogram, &input);
            let (before, after) = (input.before.len() as u32, input.after.len() as u32);
            let mut deleted = Vec::with_capacity(before as usize);
            let mut to_new = Vec::with_capacity(before as usize);
            let mut j = 0u32;
            for i in 0..before {
                if diff.is_removed(i) {
                    deleted.push(true);
                    to_new.push(j);
                    continue;
                }
                while j < after && diff.is_added(j) {
                    j += 1;
                }
                deleted.push(false);
                to_new.push(j);
                j += 1;
            }
            Diffed {
                deleted,
                to_new,
                new_lines: after,
            }
        })
    }

    /// The 1-based line of the new text where old `line` is, or was.
    fn new_line(&self, line: u32) -> u32 {
        let d = self.diffed();
        let at = d
            .to_new
            .get(line.saturating_sub(1) as usize)
            .copied()
            .unwrap_or(d.new_lines);
        (at + 1).min(d.new_lines.max(1))
    }

    /// `count` of `items`, those on deleted lines first, in line order.
    fn deleted<T: Copy>(&self, items: &[T], line: impl Fn(&T) -> u32, count: usize) -> Vec<T> {
        let d = self.diffed();
        let gone = |item: &T| {
            d.deleted
                .get(line(item).saturating_sub(1) as usize)
                .copied()
                .unwrap_or(false)
        };
        let mut out: Vec<T> = items.iter().copied().filter(|i| gone(i)).collect();
        out.extend(items.iter().copied().filter(|i| !gone(i)));
        out.truncate(count);
        out.sort_by_key(|i| line(i));
        out
    }
}
