//! Change records: record files under `record.dir` and commit-message
//! trailers, parsed and judged complete or not.

use std::collections::{BTreeMap, HashSet};
use std::sync::OnceLock;

use std::fmt::Write as _;

use anyhow::{bail, Result};
use regex::Regex;

use crate::config::plan::Plan;
use crate::model::ChangeStatus;
use crate::outcome::{ConfigChange, RecordSummary};
pub use crate::outcome::{DraftField, RecordDraft};
pub use crate::placeholder::{is_placeholder, normalise};
use crate::redact::redact_value;

/// Where a record came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordSource {
    File(String),
    Trailers,
}

impl RecordSource {
    pub fn label(&self) -> &str {
        match self {
            RecordSource::File(_) => "file",
            RecordSource::Trailers => "trailers",
        }
    }
}

/// One change record, whatever its source.
#[derive(Debug, Clone)]
pub struct Record {
    pub source: RecordSource,
    pub owner: Option<String>,
    pub expected: Option<String>,
    pub rollback: Option<String>,
    /// Globs of the config changes it covers; `None` covers all.
    pub covers: Option<Vec<String>>,
    pub ticket: Option<String>,
    pub verify: Option<String>,
    /// Fields asked for by `[[record.require]]` policies.
    pub extra: BTreeMap<String, String>,
}

const FILE_KEYS: &[&str] = &[
    "owner", "expected", "rollback", "covers", "ticket", "verify",
];

impl Record {
    fn empty(source: RecordSource) -> Record {
        Record {
            source,
            owner: None,
            expected: None,
            rollback: None,
            covers: None,
            ticket: None,
            verify: None,
            extra: BTreeMap::new(),
        }
    }

    /// Parse a record file. Unknown keys, wrong types and TOML errors are
    /// errors (exit 2), naming the file and the key.
    pub fn parse_file(path: &str, text: &str, extra_fields: &HashSet<String>) -> Result<Record> {
        let table: toml::Table = toml::from_str(text).map_err(|err| {
            anyhow::anyhow!(crate::redact::toml_error(
                &format!("record {path}"),
                text,
                &err
            ))
        })?;
        let mut record = Record::empty(RecordSource::File(path.to_string()));
        for (key, value) in &table {
            if key == "covers" {
                let list = value.as_array().and_then(|items| {
                    items
                        .iter()
                        .map(|v| v.as_str().map(str::to_string))
                        .collect::<Option<Vec<_>>>()
                });
                match list {
                    Some(list) => record.covers = Some(list),
                    None => bail!("record {path}: `covers` must be a list of path globs"),
                }
                continue;
            }
            let Some(text) = value.as_str() else {
                bail!("record {path}: `{key}` must be a string");
            };
            let value = text.to_string();
            let text = Some(value.clone());
            match key.as_str() {
                "owner" => record.owner = text,
                "expected" => record.expected = text,
                "rollback" => record.rollback = text,
                "ticket" => record.ticket = text,
                "verify" => record.verify = text,
                other if extra_fields.contains(other) => {
                    record.extra.insert(other.to_string(), value.clone());
                }
                other => {
                    let mut allowed: Vec<&str> = FILE_KEYS.to_vec();
                    let mut extra: Vec<&str> = extra_fields.iter().map(String::as_str).collect();
                    extra.sort_unstable();
                    allowed.extend(extra);
                    bail!(
                        "record {path}: unknown key `{other}` (allowed: {})",
                        allowed.join(", ")
                    );
                }
            }
        }
        Ok(record)
    }

    /// The records a commit message carries as trailers: the last
    /// paragraph's, as git reads trailers; in a squash message (GitHub's or
    /// GitLab's squash, `git merge --squash`) also each squashed message's
    /// trailer block. A record is one block: fields spread over two blocks are
    /// two incomplete records.
    pub fn from_message(message: &str, extra_fields: &HashSet<String>) -> Vec<Record> {
        let cleaned = clean_message(message);
        let blocks = match squashed_body(&cleaned) {
            Some(body) => paragraphs(&body)
                .into_iter()
                .map(|paragraph| trailer_block(&paragraph))
                .collect(),
            None => vec![parse_trailers(&cleaned)],
        };
        blocks
            .into_iter()
            .filter_map(|block| Record::from_trailers(block, extra_fields))
            .collect()
    }

    /// The record in one trailer block, if it has any of `Config-Owner`,
    /// `Expected-Result`, `Rollback`.
    fn from_trailers(
        trailers: Vec<(String, String)>,
        extra_fields: &HashSet<String>,
    ) -> Option<Record> {
        let mut record = Record::empty(RecordSource::Trailers);
        let mut any = false;
        for (key, value) in trailers {
            let field = key.to_ascii_lowercase().replace('-', "_");
            let raw = value.clone();
            let value = Some(value);
            match field.as_str() {
                "config_owner" => record.owner = value,
                "expected_result" => record.expected = value,
                "rollback" => record.rollback = value,
                "config_ticket" | "ticket" => {
                    record.ticket = value;
                    continue;
                }
                "verify" => {
                    record.verify = value;
                    continue;
                }
                other if extra_fields.contains(other) => {
                    record.extra.insert(other.to_string(), raw.clone());
                    continue;
                }
                _ => continue,
            }
            any = true;
        }
        any.then_some(record)
    }

    /// Whether `other` records the same thing (wherever it came from).
    pub fn same_fields(&self, other: &Record) -> bool {
        self.owner == other.owner
            && self.expected == other.expected
            && self.rollback == other.rollback
            && self.covers == other.covers
            && self.ticket == other.ticket
            && self.verify == other.verify
            && self.extra == other.extra
    }

    /// What keeps the record from being complete, one entry per field.
    pub fn problems(&self, placeholders: &HashSet<String>) -> Vec<FieldProblem> {
        let mut out = Vec::new();
        for (field, value) in [
            (Field::Owner, &self.owner),
            (Field::Expected, &self.expected),
            (Field::Rollback, &self.rollback),
        ] {
            match value.as_deref().map(str::trim) {
                None | Some("") => out.push(FieldProblem::Missing(field)),
                Some(v) if is_placeholder(v, placeholders) => {
                    out.push(FieldProblem::Placeholder(field, v.to_string()))
                }
                Some(v) if field == Field::Owner && !is_owner_form(v) => {
                    out.push(FieldProblem::OwnerForm(v.to_string()))
                }
                Some(v) if field == Field::Owner && is_placeholder_owner(v, placeholders) => {
                    out.push(FieldProblem::Placeholder(field, v.to_string()))
                }
                Some(_) => {}
            }
        }
        out
    }

    /// The value of an extra field, if filled in.
    pub fn extra_field(&self, name: &str, placeholders: &HashSet<String>) -> Option<&str> {
        let value = match name {
            "ticket" => self.ticket.as_deref(),
            "verify" => self.verify.as_deref(),
            _ => self.extra.get(name).map(String::as_str),
        }?;
        let value = value.trim();
        (!value.is_empty() && !is_placeholder(value, placeholders)).then_some(value)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Owner,
    Expected,
    Rollback,
}

impl Field {
    /// The name in a record file and in trailers.
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            Field::Owner => ("owner", "Config-Owner"),
            Field::Expected => ("expected", "Expected-Result"),
            Field::Rollback => ("rollback", "Rollback"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldProblem {
    Missing(Field),
    Placeholder(Field, String),
    OwnerForm(String),
}

impl FieldProblem {
    /// The field at fault.
    pub fn field(&self) -> Field {
        match self {
            FieldProblem::Missing(field) | FieldProblem::Placeholder(field, _) => *field,
            FieldProblem::OwnerForm(_) => Field::Owner,
        }
    }

    pub fn describe(&self, source: &RecordSource) -> String {
        let name = |field: Field| {
            let (file, trailer) = field.names();
            match source {
                RecordSource::File(_) => format!("`{file}`"),
                RecordSource::Trailers => format!("`{trailer}:`"),
            }
        };
        match self {
            FieldProblem::Missing(field) => format!("{} is missing", name(*field)),
            FieldProblem::Placeholder(field, value) => {
                let value = crate::redact::redact_value(field.names().0, value);
                format!("{} is a placeholder ({value:?})", name(*field))
            }
            FieldProblem::OwnerForm(value) => format!(
                "{} {:?} is not an @handle, @org/team or e-mail",
                name(Field::Owner),
                crate::redact::redact_value("owner", value)
            ),
        }
    }
}

/// Handles that name nobody in particular, beside the placeholders
/// (`@tbd`, `@todo`: [`crate::placeholder::builtin_words`] and the
/// project's).
const PLACEHOLDER_OWNERS: &[&str] = &[
    "someone",
    "somebody",
    "anyone",
    "anybody",
    "nobody",
    "owner",
    "owners",
    "theowner",
    "me",
    "myself",
    "you",
    "who",
    "whoever",
    "name",
    "handle",
    "username",
    "user",
    "team",
    "yourteam",
    "myteam",
    "example",
    "placeholder",
    "changeme",
    "foo",
    "bar",
    "test",
];

/// An owner of the owner form that still names nobody: `@tbd`, `@todo`,
/// `@someone`, `@owner`, `@org/tbd`, `todo@corp.io`.
pub fn is_placeholder_owner(owner: &str, placeholders: &HashSet<String>) -> bool {
    let owner = owner.trim();
    let parts: Vec<&str> = match owner.strip_prefix('@') {
        // `@org/team`: the org, and the team unless it is literally `team`.
        Some(handle) => match handle.split_once('/') {
            Some((org, team)) => vec![org, team],
            None => vec![handle],
        },
        // An e-mail: its local part.
        None => vec![owner.split('@').next().unwrap_or(owner)],
    };
    let team_of_org = parts.len() == 2;
    parts.iter().enumerate().any(|(index, part)| {
        let word: String = normalise(part).split(' ').collect();
        if team_of_org && index == 1 && word == "team" {
            return false;
        }
        word.is_empty()
            || PLACEHOLDER_OWNERS.contains(&word.as_str())
            || is_placeholder(part, placeholders)
            || is_placeholder(part, crate::placeholder::builtin_words())
    })
}

/// `@handle`, `@org/team` or an e-mail address.
pub fn is_owner_form(value: &str) -> bool {
    static OWNER: OnceLock<Regex> = OnceLock::new();
    let re = OWNER.get_or_init(|| {
        Regex::new(
            r"^(?:@[A-Za-z0-9](?:[A-Za-z0-9_-]*)(?:/[A-Za-z0-9][A-Za-z0-9._-]*)?|[^@\s<>]+@[^@\s<>]+\.[A-Za-z]{2,})$",
        )
        .expect("owner pattern is valid")
    });
    re.is_match(value.trim())
}

/// A message being committed as git may store it: with `--cleanup=strip` or
/// `scissors` (which a hook cannot see), lines starting with the comment
/// prefix (`core.commentChar`) are dropped, and so is everything from a
/// scissors line on. Judging this text fails closed: a trailer that git
/// could strip does not count.
pub fn as_stored(message: &str, comment: &str) -> String {
    let comment = if comment.is_empty() { "#" } else { comment };
    let mut out = String::with_capacity(message.len());
    for line in message.lines() {
        if let Some(rest) = line.strip_prefix(comment) {
            if rest.contains(">8") && rest.contains("----") {
                break;
            }
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The message as git stores it: comment lines and everything below the
/// scissors line dropped.
pub fn clean_message(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    for line in message.lines() {
        if line.starts_with("# ") && line.contains(">8") && line.contains("----") {
            break;
        }
        if line.starts_with('#') {
            continue;
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The paragraphs of a cleaned message, without empty ones.
fn paragraphs(cleaned: &str) -> Vec<String> {
    cleaned
        .split("\n\n")
        .map(|p| p.trim_matches('\n'))
        .filter(|p| !p.trim().is_empty())
        .map(str::to_string)
        .collect()
}

/// Trailers of the message's last paragraph, as git reads them: `Key: value`
/// lines (continuations indented), in a paragraph that is not the subject and
/// is mostly trailers.
pub fn parse_trailers(message: &str) -> Vec<(String, String)> {
    let cleaned = clean_message(message);
    let paragraphs = paragraphs(&cleaned);
    match paragraphs.as_slice() {
        [_subject, .., last] => trailer_block(last),
        _ => Vec::new(),
    }
}

/// The trailers of one paragraph, when git would read it as a trailer block.
fn trailer_block(paragraph: &str) -> Vec<(String, String)> {
    let mut trailers: Vec<(String, String)> = Vec::new();
    let mut other_lines = 0usize;
    let mut trailer_lines = 0usize;
    for line in paragraph.lines() {
        if line.starts_with(' ') || line.starts_with('\t') {
            if let Some((_, value)) = trailers.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
                continue;
            }
        }
        match split_trailer(line) {
            Some((key, value)) => {
                trailer_lines += 1;
                trailers.push((key.to_string(), value.trim().to_string()));
            }
            None => other_lines += 1,
        }
    }
    // git accepts a block that is at least 25% trailers when it holds a
    // trailer it knows; ours count as known.
    if trailer_lines == 0 || (other_lines > 0 && trailer_lines * 3 < other_lines) {
        return Vec::new();
    }
    trailers
}

/// The squashed messages of a squash commit's (cleaned) message, or `None`
/// when the message is not a squash. Recognised shapes:
/// - `git merge --squash`: `Squashed commit of the following:`, then per
///   commit `commit <sha>`, `Author:`, `Date:` and the message indented by
///   four spaces;
/// - GitHub's "Squash and merge" and GitLab's `%{all_commits}`: after the
///   title, each squashed message starts with a paragraph of one line,
///   `* Subject`, followed by its body and trailers (GitHub ends with
///   `---------` and `Co-authored-by:` lines).
fn squashed_body(cleaned: &str) -> Option<String> {
    let lines: Vec<&str> = cleaned.lines().collect();
    if let Some(start) = lines
        .iter()
        .position(|line| line.trim() == "Squashed commit of the following:")
    {
        if !lines[start..].iter().any(|line| is_commit_header(line)) {
            return None;
        }
        let body: Vec<&str> = lines
            .iter()
            .enumerate()
            .map(|(n, line)| match n > start {
                true => line.strip_prefix("    ").unwrap_or(line),
                false => line,
            })
            .collect();
        // Every paragraph but the subject: the user may have written the
        // record above the squashed messages, or below them.
        let mut paragraphs = paragraphs(&body.join("\n"));
        if !paragraphs.is_empty() {
            paragraphs.remove(0);
        }
        return Some(paragraphs.join("\n\n"));
    }
    let paragraphs = paragraphs(cleaned);
    let first_bullet = paragraphs
        .iter()
        .skip(1)
        .position(|p| !p.contains('\n') && p.starts_with("* ") && p.len() > 2)?;
    Some(paragraphs[first_bullet + 1..].join("\n\n"))
}

/// `commit <sha>`, as `git merge --squash` heads each squashed commit.
fn is_commit_header(line: &str) -> bool {
    line.strip_prefix("commit ")
        .is_some_and(|id| (7..=64).contains(&id.len()) && id.chars().all(|c| c.is_ascii_hexdigit()))
}

fn split_trailer(line: &str) -> Option<(&str, &str)> {
    let (key, value) = line.split_once(':')?;
    let key = key.trim_end();
    let valid = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    valid.then_some((key, value))
}

/// The trailer name of a record-file field: `tested_on` -> `Tested-On`.
pub fn trailer_name(field: &str) -> String {
    match field {
        "owner" => return "Config-Owner".to_string(),
        "expected" => return "Expected-Result".to_string(),
        "rollback" => return "Rollback".to_string(),
        _ => {}
    }
    field
        .split(['_', '-'])
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// One field written the way the record is given: `name = "value"` in a
/// record file, `Trailer-Name: value` in a commit message.
pub fn field_line(field: &str, value: &str, as_trailer: bool) -> String {
    if as_trailer {
        format!("{}: {value}", trailer_name(field))
    } else {
        format!("{field} = {value:?}")
    }
}

impl DraftField {
    /// The value an example shows: something to write yourself.
    fn shown(&self) -> String {
        match &self.example {
            Some(value) => format!("<e.g. {value}>"),
            None => "<…>".to_string(),
        }
    }
}

/// Keys named in a rollback suggestion before "and N more".
const ROLLBACK_KEYS: usize = 3;

impl RecordDraft {
    /// The draft for `changes`, judged by `plan`'s record policies.
    pub fn new(plan: &Plan, changes: &[&ConfigChange], owner: Option<&str>) -> RecordDraft {
        let mut fields: Vec<DraftField> = Vec::new();
        let mut file_only = plan.require_file;
        for policy in &plan.field_policies {
            if !changes
                .iter()
                .any(|c| policy.applies(&c.path, &c.key_names()))
            {
                continue;
            }
            file_only |= policy.require_file;
            for alternatives in &policy.fields {
                let Some(name) = alternatives.first() else {
                    continue;
                };
                if fields.iter().any(|f| &f.name == name) {
                    continue;
                }
                fields.push(DraftField {
                    name: name.clone(),
                    alternatives: alternatives[1..].to_vec(),
                    policy: policy.id.clone(),
                    why: policy.why.clone(),
                    example: policy_example(&policy.example, name),
                });
            }
        }
        let undo: Vec<String> = changes
            .iter()
            .filter_map(
                |c| match crate::records::policy::is_migration(plan, &c.path) {
                    // A revert does not run the down migration.
                    true => Some(format!("run the down migration of {} first", c.path)),
                    false => undo_step(c),
                },
            )
            .collect();
        let rollback = if undo.is_empty() {
            "revert this commit".to_string()
        } else {
            format!("revert this commit; {}", undo.join("; "))
        };
        let keys: Vec<&str> = changes
            .iter()
            .flat_map(|c| c.keys.iter().map(|k| k.key.as_str()))
            .take(ROLLBACK_KEYS)
            .collect();
        let subject = match keys.as_slice() {
            [] => changes
                .iter()
                .map(|c| c.path.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            keys => keys.join(", "),
        };
        RecordDraft {
            owner: owner.map(str::to_string),
            owners: plan.owners.clone(),
            changes: changes
                .iter()
                .map(|c| format!("{}: {}", c.path, c.summary(12)))
                .collect(),
            covers: changes.iter().map(|c| c.path.clone()).collect(),
            expected_hint: format!(
                "<what changing {subject} should do: the state before, the target, by when>"
            ),
            rollback,
            fields,
            file_only,
            dir: plan.record_dir.clone(),
        }
    }

    fn owner_hint(&self) -> String {
        match self.owners.as_slice() {
            [] => "<@team, @org/team or e-mail>".to_string(),
            owners => format!("<one of {}>", owners.join(", ")),
        }
    }

    /// The record as a filled-in example (values to write yourself in `<…>`).
    pub fn example_file(&self) -> String {
        let mut out = String::new();
        let owner = self.owner.clone().unwrap_or_else(|| self.owner_hint());
        out.push_str(&field_line("owner", &owner, false));
        out.push('\n');
        out.push_str(&field_line("expected", &self.expected_hint, false));
        out.push('\n');
        out.push_str(&field_line("rollback", &self.rollback, false));
        out.push('\n');
        let covers: Vec<String> = self.covers.iter().map(|c| format!("{c:?}")).collect();
        out.push_str(&format!("covers = [{}]\n", covers.join(", ")));
        for field in &self.fields {
            out.push_str(&field_line(&field.name, &field.shown(), false));
            out.push('\n');
        }
        out
    }

    /// The same record as commit-message trailers.
    pub fn example_trailers(&self) -> String {
        let owner = self.owner.clone().unwrap_or_else(|| self.owner_hint());
        let mut lines = vec![
            field_line("owner", &owner, true),
            field_line("expected", &self.expected_hint, true),
            field_line("rollback", &self.rollback, true),
        ];
        for field in &self.fields {
            lines.push(field_line(&field.name, &field.shown(), true));
        }
        lines.join("\n")
    }

    /// The example line of one field, in the form the record is given.
    pub fn example_line(&self, field: &str, as_trailer: bool) -> String {
        let value = match field {
            "owner" => self.owner.clone().unwrap_or_else(|| self.owner_hint()),
            "expected" => self.expected_hint.clone(),
            "rollback" => self.rollback.clone(),
            other => self
                .fields
                .iter()
                .find(|f| f.name == other || f.alternatives.iter().any(|a| a == other))
                .map(DraftField::shown)
                .unwrap_or_else(|| "<…>".to_string()),
        };
        field_line(field, &value, as_trailer)
    }

    /// The record file `confgate record new` writes: each field empty (but
    /// the owner, when given), with what to write and an example above it.
    pub fn blank_file(&self) -> String {
        let mut text = String::new();
        let to_fill = self.to_fill();
        let _ = writeln!(
            text,
            "# Change record. Fill in {}, then `git add` this file",
            and_list(&to_fill.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>())
        );
        let _ = writeln!(text, "# and commit it together with the change.");
        let _ = writeln!(text, "#\n# Staged config changes:");
        for change in &self.changes {
            let _ = writeln!(text, "#   {change}");
        }
        let _ = writeln!(text);
        let _ = writeln!(
            text,
            "# Who answers for the change: @handle, @org/team or e-mail{}.",
            match self.owners.as_slice() {
                [] => String::new(),
                owners => format!(" (one of {})", owners.join(", ")),
            }
        );
        let _ = writeln!(text, "owner = {:?}", self.owner.as_deref().unwrap_or(""));
        let _ = writeln!(
            text,
            "# What should be seen after the deploy, and by when: the state before and the target."
        );
        let _ = writeln!(text, "expected = \"\"");
        let _ = writeln!(
            text,
            "# How to undo it, including any data or deploy step a revert does not cover;"
        );
        let _ = writeln!(text, "# from the change: {:?}", self.rollback);
        let _ = writeln!(text, "rollback = \"\"");
        let covers: Vec<String> = self.covers.iter().map(|c| format!("{c:?}")).collect();
        let _ = writeln!(text, "covers = [{}]", covers.join(", "));
        let _ = writeln!(text, "# ticket = \"OPS-1234\"");
        let _ = writeln!(text, "# verify = \"curl -fsS https://service.internal/health\"  # how to see the expected result");
        for field in &self.fields {
            let _ = writeln!(
                text,
                "\n# Asked for {} changes: {}",
                field.policy, field.why
            );
            if !field.alternatives.is_empty() {
                let _ = writeln!(text, "# (or instead: {})", field.alternatives.join(", "));
            }
            if let Some(example) = &field.example {
                let _ = writeln!(text, "# e.g. {}", field_line(&field.name, example, false));
            }
            let _ = writeln!(text, "{} = \"\"", field.name);
        }
        text
    }

    /// The fields [`RecordDraft::blank_file`] leaves empty.
    pub fn to_fill(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.owner.as_deref().is_none_or(|o| o.trim().is_empty()) {
            out.push("owner".to_string());
        }
        out.push("expected".to_string());
        out.push("rollback".to_string());
        out.extend(self.fields.iter().map(|f| f.name.clone()));
        out
    }
}

/// `a`, `a and b`, `a, b and c`.
pub fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The value a policy's TOML example (`tested_on = "…"`) gives `field`.
pub fn policy_example(example: &str, field: &str) -> Option<String> {
    toml::from_str::<toml::Table>(example)
        .ok()
        .and_then(|table| {
            table
                .get(field)
                .and_then(|v| v.as_str().map(str::to_string))
        })
}

/// What undoing one config change takes beyond the revert, from its keys.
fn undo_step(change: &ConfigChange) -> Option<String> {
    let path = &change.path;
    match change.status {
        Some(ChangeStatus::Added) if change.keys.is_empty() => {
            return Some(format!("delete {path}"));
        }
        Some(ChangeStatus::Deleted) => return Some(format!("restore {path}")),
        Some(ChangeStatus::Renamed) => {
            if let Some(old) = &change.old_path {
                return Some(format!("rename {path} back to {old}"));
            }
        }
        _ => {}
    }
    let mut steps: Vec<String> = change
        .keys
        .iter()
        .take(ROLLBACK_KEYS)
        .map(|k| match (k.change, &k.old) {
            ("added", _) => format!("remove {}", k.key),
            ("removed", Some(old)) => format!("restore {} = {old}", k.key),
            (_, Some(old)) => format!("set {} back to {old}", k.key),
            (_, None) => format!("restore {}", k.key),
        })
        .collect();
    if steps.is_empty() {
        return None;
    }
    if change.keys.len() > ROLLBACK_KEYS {
        steps.push(format!("{} more keys", change.keys.len() - ROLLBACK_KEYS));
    }
    Some(format!("{} in {path}", and_list(&steps)))
}

impl RecordSummary {
    /// The record's fields as shown in reports and the change log: free text
    /// a person typed, so passed through the redaction path.
    pub(crate) fn from_record(record: &Record) -> RecordSummary {
        let shown = |name: &str, value: &Option<String>| {
            redact_value(name, value.as_deref().unwrap_or_default())
        };
        RecordSummary {
            owner: shown("owner", &record.owner),
            expected: shown("expected", &record.expected),
            rollback: shown("rollback", &record.rollback),
            source: record.source.label().to_string(),
            verify: record.verify.as_deref().map(|v| redact_value("verify", v)),
            ticket: record.ticket.as_deref().map(|v| redact_value("ticket", v)),
            fields: record
                .extra
                .iter()
                .map(|(name, value)| (name.clone(), redact_value(name, value)))
                .collect(),
            file: match &record.source {
                RecordSource::File(path) => Some(path.clone()),
                RecordSource::Trailers => None,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placeholders() -> HashSet<String> {
        ["tbd", "todo", "n/a", "none", "-", "?", "...", "xxx"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    #[test]
    fn complete_file_has_no_problems() {
        let text = "owner = \"@sre\"\nexpected = \"p95 < 200ms\"\nrollback = \"revert\"\ncovers = [\"config/*.toml\"]\n";
        let record = Record::parse_file("config-changes/a.toml", text, &HashSet::new()).unwrap();
        assert!(record.problems(&placeholders()).is_empty());
        assert_eq!(
            record.covers.as_deref(),
            Some(&["config/*.toml".to_string()][..])
        );
    }

    #[test]
    fn problems_name_each_field() {
        let text = "owner = \"bob\"\nexpected = \"TBD\"\n";
        let record = Record::parse_file("r.toml", text, &HashSet::new()).unwrap();
        let problems = record.problems(&placeholders());
        assert_eq!(
            problems,
            vec![
                FieldProblem::OwnerForm("bob".into()),
                FieldProblem::Placeholder(Field::Expected, "TBD".into()),
                FieldProblem::Missing(Field::Rollback),
            ]
        );
        assert_eq!(
            problems[2].describe(&RecordSource::Trailers),
            "`Rollback:` is missing"
        );
    }

    #[test]
    fn unknown_key_is_an_error_naming_it() {
        let err = Record::parse_file(
            "config-changes/x.toml",
            "owner = \"@a\"\nowners = \"@b\"\n",
            &HashSet::new(),
        )
        .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("config-changes/x.toml") && text.contains("`owners`"),
            "{text}"
        );
    }

    #[test]
    fn policy_fields_are_allowed_when_asked_for() {
        let extra: HashSet<String> = ["tested_on".to_string()].into();
        let record = Record::parse_file("r.toml", "tested_on = \"staging\"\n", &extra).unwrap();
        assert_eq!(
            record.extra_field("tested_on", &placeholders()),
            Some("staging")
        );
        assert!(
            Record::parse_file("r.toml", "tested_on = \"staging\"\n", &HashSet::new()).is_err()
        );
    }

    #[test]
    fn trailers_in_last_paragraph_only() {
        let msg = "Raise cache TTL\n\nConfig-Owner: @x in body is prose\n\nConfig-Owner: @payments-sre\nExpected-Result: hit ratio\n  above 80%\nRollback: revert\nSigned-off-by: A <a@b.c>\n";
        let records = Record::from_message(msg, &HashSet::new());
        assert_eq!(records.len(), 1, "{records:?}");
        let record = &records[0];
        assert_eq!(record.owner.as_deref(), Some("@payments-sre"));
        assert_eq!(record.expected.as_deref(), Some("hit ratio above 80%"));
        assert!(record.problems(&placeholders()).is_empty());
    }

    #[test]
    fn subject_alone_is_not_a_trailer_block() {
        assert!(Record::from_message("Rollback: revert\n", &HashSet::new()).is_empty());
    }

    #[test]
    fn comments_and_scissors_are_ignored() {
        let msg = "Subject\n\nConfig-Owner: @a\nExpected-Result: x 5%\nRollback: revert\n# Please enter the commit message\n# ------------------------ >8 ------------------------\ndiff --git a/x b/x\n";
        let records = Record::from_message(msg, &HashSet::new());
        assert_eq!(records[0].rollback.as_deref(), Some("revert"));
    }

    /// The complete records a message carries.
    fn complete(message: &str) -> Vec<Record> {
        Record::from_message(message, &HashSet::new())
            .into_iter()
            .filter(|r| r.problems(&placeholders()).is_empty())
            .collect()
    }

    #[test]
    fn github_squash_keeps_a_squashed_record() {
        let msg = "Raise cache TTL for search (#42)\n\n\
            * Raise cache ttl\n\n\
            Config-Owner: @payments-sre\n\
            Expected-Result: hit ratio from 61% to above 80%\n\
            Rollback: revert; set cache.ttl back to 60\n\n\
            * Fix typo\n\n\
            ---------\n\n\
            Co-authored-by: Dana Doe <dana@example.com>\n\
            Co-authored-by: Sam Roe <sam@example.com>\n";
        let records = complete(msg);
        assert_eq!(records.len(), 1, "{records:?}");
        assert_eq!(records[0].owner.as_deref(), Some("@payments-sre"));
    }

    #[test]
    fn gitlab_squash_keeps_a_squashed_record() {
        // GitLab's `%{all_commits}` squash template, with its co-author lines.
        let msg = "Resolve \"Search is slow\"\n\n\
            * Raise cache ttl\n\n\
            The search cache expired too soon under load.\n\
            Config-Owner: @payments-sre\n\
            Expected-Result: p95 of /search below 200 ms\n\
            Rollback: revert; set cache.ttl back to 60\n\n\
            * Update docs\n\n\
            Co-authored-by: Dana Doe <dana@example.com>\n";
        assert_eq!(complete(msg).len(), 1);
    }

    #[test]
    fn merge_squash_keeps_a_squashed_record() {
        // `git merge --squash` then `git commit --no-edit` (SQUASH_MSG).
        let msg = "Squashed commit of the following:\n\n\
            commit 0123456789abcdef0123456789abcdef01234567\n\
            Author: Dana Doe <dana@example.com>\n\
            Date:   Fri Jan 2 03:04:05 2026 +0000\n\n    \
            Fix typo\n\n\
            commit 89abcdef0123456789abcdef0123456789abcdef\n\
            Author: Dana Doe <dana@example.com>\n\
            Date:   Fri Jan 2 03:04:05 2026 +0000\n\n    \
            Raise cache ttl\n    \n    \
            Config-Owner: @payments-sre\n    \
            Expected-Result: hit ratio from 61% to\n      above 80%\n    \
            Rollback: revert; set cache.ttl back to 60\n";
        let records = complete(msg);
        assert_eq!(records.len(), 1, "{records:?}");
        assert_eq!(
            records[0].expected.as_deref(),
            Some("hit ratio from 61% to above 80%")
        );
    }

    #[test]
    fn squash_fields_split_over_two_blocks_do_not_count() {
        let msg = "Search tuning (#43)\n\n\
            * Raise cache ttl\n\n\
            Config-Owner: @payments-sre\n\
            Expected-Result: hit ratio above 80%\n\n\
            * Note the rollback\n\n\
            Rollback: revert; set cache.ttl back to 60\n\n\
            ---------\n\n\
            Co-authored-by: Dana Doe <dana@example.com>\n";
        assert!(complete(msg).is_empty());
        let records = Record::from_message(msg, &HashSet::new());
        assert_eq!(records.len(), 2, "each block is its own record");
        let squash = "Squashed commit of the following:\n\n\
            commit 0123456789abcdef0123456789abcdef01234567\n\
            Author: A <a@example.com>\n\
            Date:   Fri Jan 2 03:04:05 2026 +0000\n\n    \
            Raise ttl\n    \n    \
            Config-Owner: @payments-sre\n    \
            Rollback: revert\n\n\
            commit 89abcdef0123456789abcdef0123456789abcdef\n\
            Author: A <a@example.com>\n\
            Date:   Fri Jan 2 03:04:05 2026 +0000\n\n    \
            Say what to expect\n    \n    \
            Expected-Result: hit ratio above 80%\n";
        assert!(complete(squash).is_empty());
    }

    #[test]
    fn ordinary_message_with_bullets_takes_its_last_paragraph_only() {
        let middle = "Raise cache TTL\n\n\
            Config-Owner: @payments-sre\n\
            Expected-Result: hit ratio above 80%\n\
            Rollback: revert\n\n\
            * bumps the ttl\n\
            * adds a test\n";
        assert!(Record::from_message(middle, &HashSet::new()).is_empty());
    }

    #[test]
    fn trailer_names_read_back_as_their_fields() {
        for (field, trailer) in [
            ("tested_on", "Tested-On"),
            ("query_plan", "Query-Plan"),
            ("rollback", "Rollback"),
            ("owner", "Config-Owner"),
        ] {
            assert_eq!(trailer_name(field), trailer);
        }
        let extra: HashSet<String> = ["tested_on".to_string()].into();
        let message = format!("m\n\n{}\n", field_line("tested_on", "staging", true));
        let records = Record::from_message(&message, &extra);
        assert!(records.is_empty(), "a policy field alone is no record");
        let message = format!(
            "m\n\nRollback: revert\n{}\n",
            field_line("tested_on", "staging", true)
        );
        let records = Record::from_message(&message, &extra);
        assert_eq!(
            records[0].extra_field("tested_on", &placeholders()),
            Some("staging")
        );
    }

    #[test]
    fn owner_forms() {
        for ok in [
            "@sre",
            "@org/team-a",
            "ops@example.com",
            "first.last@corp.io",
        ] {
            assert!(is_owner_form(ok), "{ok}");
        }
        for bad in ["bob", "@", "@/x", "team", "a@b"] {
            assert!(!is_owner_form(bad), "{bad}");
        }
    }

    #[test]
    fn placeholders_are_caught_loosely() {
        let set = placeholders();
        for p in ["TBD", "tbd.", " n/a ", "???", "<fill me>", "XXX", "..."] {
            assert!(is_placeholder(p, &set), "{p}");
        }
        assert!(!is_placeholder("revert the commit", &set));
    }

    #[test]
    fn stored_message_drops_what_git_may_strip() {
        let msg = "subject\n\nConfig-Owner: @sre\nExpected-Result: p95\nRollback: revert\n";
        assert_eq!(
            as_stored(msg, "C"),
            "subject\n\nExpected-Result: p95\nRollback: revert\n"
        );
        let cut = "subject\n\n; ------------------------ >8 ------------------------\nConfig-Owner: @sre\n";
        assert_eq!(as_stored(cut, ";"), "subject\n\n");
        assert_eq!(as_stored(msg, "#"), msg);
    }

    #[test]
    fn invisible_and_lookalike_values_are_placeholders() {
        let set = placeholders();
        for value in [
            "\u{200b}",
            "\u{feff}",
            "\u{2060}\u{2060}",
            "\u{3164}",
            "\u{a0}\u{a0}\u{a0}",
            "— – -",
            "\u{422}BD",
            "\u{422}\u{41e}D\u{41e}",
            ";",
            "ＴＢＤ",
            "t.b.d.",
            "n\u{200b}/a",
            "to\u{a0}do",
        ] {
            assert!(is_placeholder(value, &set), "{value:?}");
        }
        assert!(!is_placeholder("revert; set ttl back to 60", &set));
        assert!(!is_placeholder("p95 below 200 ms", &set));
    }

    #[test]
    fn placeholder_owners_are_refused() {
        let set = placeholders();
        for owner in [
            "@tbd",
            "@TODO",
            "@someone",
            "@owner",
            "@acme/tbd",
            "@\u{422}BD",
            "todo@corp.io",
            "@team",
        ] {
            assert!(is_placeholder_owner(owner, &set), "{owner}");
        }
        for owner in [
            "@payments-sre",
            "@acme/team",
            "@acme/payments",
            "ops@example.com",
        ] {
            assert!(!is_placeholder_owner(owner, &set), "{owner}");
        }
        let record = Record {
            owner: Some("@tbd".into()),
            expected: Some("p95 below 200 ms".into()),
            rollback: Some("revert".into()),
            ..Record::empty(RecordSource::Trailers)
        };
        assert_eq!(
            record.problems(&set),
            vec![FieldProblem::Placeholder(Field::Owner, "@tbd".into())]
        );
    }
}
