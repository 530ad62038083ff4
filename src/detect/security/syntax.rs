//! Turns a file into statements and the settings they write, per file type,
//! so rules see `name = value` pairs instead of raw lines.

use std::sync::OnceLock;

use regex::Regex;

use crate::formats::config;
use crate::formats::python::reader;
use crate::formats::unquote;

pub use crate::formats::types::SETTINGS_TYPE_NAMES as ALL_TYPES;
pub use crate::formats::{ascii_classes, FileType};

/// How a setting is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// `NAME = value` at the start of a Python statement.
    Assign,
    /// `obj.name = value`.
    Attr,
    /// `call(name=value)`.
    Kwarg,
    /// `{"name": value}` or `x["name"] = value`.
    DictKey,
    /// A key in a config file.
    Config,
}

/// One setting written in a statement.
#[derive(Debug, Clone)]
pub struct Setting {
    pub name: String,
    /// Byte offset of the name in the statement's text.
    pub at: usize,
    pub value: String,
    pub form: Form,
    /// The call the setting is an argument of (Python), or the section /
    /// parent key (config files).
    pub context: String,
    /// Whether the value is written out (a literal), not computed or read
    /// from the environment.
    pub literal: bool,
}

/// A logical statement: one or more physical lines.
#[derive(Debug, Clone)]
pub struct Statement {
    /// Cleaned text: comments and docstrings blanked, same byte offsets as
    /// the original slice.
    pub text: String,
    /// Which bytes of `text` are inside a string literal.
    pub in_string: Vec<bool>,
    pub first_line: u32,
    pub settings: Vec<Setting>,
}

impl Statement {
    /// The 1-based line of byte offset `at`.
    pub fn line_of(&self, at: usize) -> u32 {
        let upto = at.min(self.text.len());
        self.first_line
            + self.text.as_bytes()[..upto]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u32
    }

    #[cfg(test)]
    pub fn last_line(&self) -> u32 {
        self.line_of(self.text.len())
    }
}

fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    crate::formats::regex_once(cell, pattern)
}

/// The config-file statements of `text` that `wanted(first_line,
/// last_line)` keeps. Config files are read whole, since sections and parent
/// keys carry over from line to line. (Python goes through [`PythonSource`].)
pub fn config_statements_wanted(
    file_type: FileType,
    text: &str,
    wanted: &dyn Fn(u32, u32) -> bool,
) -> Vec<Statement> {
    config_statements(file_type, text, wanted)
}

// ---------------------------------------------------------------- Python

/// Where one Python statement lies in [`PythonSource::clean`].
#[derive(Debug, Clone, Copy)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub first_line: u32,
}

/// A Python file cleaned once and cut into logical statements. Statements
/// are only copied out (`statement`) for the spans a rule is woken for.
pub struct PythonSource {
    /// Comments and docstrings blanked, same byte offsets as the file.
    pub clean: String,
    /// Which bytes are inside a string literal.
    mask: Vec<bool>,
    /// The non-blank statements `wanted` kept, in file order.
    pub spans: Vec<Span>,
}

impl PythonSource {
    pub fn new(text: &str, wanted: &dyn Fn(u32, u32) -> bool) -> PythonSource {
        let (clean, mask) = crate::formats::python::lexer::clean(text);
        let bytes = clean.as_bytes();
        let mut spans = Vec::new();
        let mut push = |start: usize, end: usize, first_line: u32, last_line: u32| {
            if !is_blank(&clean[start..end]) && wanted(first_line, last_line) {
                spans.push(Span {
                    start,
                    end,
                    first_line,
                });
            }
        };
        let mut depth: i32 = 0;
        let mut start = 0;
        let mut line = 1u32;
        let mut start_line = 1u32;
        for (i, &b) in bytes.iter().enumerate() {
            if !SPLITS[b as usize] {
                continue;
            }
            if !mask[i] {
                match b {
                    b'(' | b'[' | b'{' => depth += 1,
                    b')' | b']' | b'}' => depth = (depth - 1).max(0),
                    _ => {}
                }
            }
            if b == b'\n' {
                let continued = i > 0 && bytes[i - 1] == b'\\';
                if (depth == 0 && !continued && !mask[i]) || i + 1 == bytes.len() {
                    push(start, i, start_line, line);
                    start = i + 1;
                    start_line = line + 1;
                }
                line += 1;
            }
        }
        if start < bytes.len() {
            push(start, bytes.len(), start_line, line);
        }
        PythonSource { clean, mask, spans }
    }

    /// Whether the statement at `span` can write a setting: every form
    /// (`X = v`, `f(x=v)`, `{"x": v}`, `d["x"] = v`, `x: T = v`) has an
    /// `=` or a `:`.
    pub fn may_set(&self, span: &Span) -> bool {
        memchr::memchr2(b'=', b':', &self.clean.as_bytes()[span.start..span.end]).is_some()
    }

    /// The statement at `span`, copied out.
    pub fn statement(&self, span: &Span) -> Statement {
        Statement {
            text: self.clean[span.start..span.end].to_string(),
            in_string: self.mask[span.start..span.end].to_vec(),
            first_line: span.first_line,
            settings: Vec::new(),
        }
    }
}

/// The bytes the statement splitter looks at: brackets and newlines.
const SPLITS: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 7 {
        table[b"()[]{}\n"[i] as usize] = true;
        i += 1;
    }
    table
};

/// Whether `text` is whitespace only; ASCII first, Unicode when in doubt.
fn is_blank(text: &str) -> bool {
    match text.bytes().find(|b| !b.is_ascii_whitespace()) {
        None => true,
        Some(b) if b.is_ascii() => false,
        Some(_) => text.trim().is_empty(),
    }
}

/// Fills in the settings of a Python statement (config statements get
/// theirs while being read, since sections and parents carry over).
pub fn fill_settings(file_type: FileType, statement: &mut Statement) {
    if file_type == FileType::Python {
        statement.settings = python_settings(statement);
    }
}

/// The settings a Python statement writes, as the one Python reader reads
/// them.
fn python_settings(statement: &Statement) -> Vec<Setting> {
    let text = statement.text.as_str();
    reader::read_fragment(text)
        .into_iter()
        .filter_map(|assignment| python_setting(text, assignment))
        .collect()
}

/// A reader assignment as a setting: a keyword argument of a `def` header
/// is a parameter's default, not a setting.
fn python_setting(text: &str, assignment: reader::Assignment) -> Option<Setting> {
    let (form, context) = match assignment.form {
        reader::Form::Target => (Form::Assign, String::new()),
        reader::Form::Attribute => {
            let object = assignment.key.strip_suffix(assignment.name.as_str())?;
            (Form::Attr, object.trim_end_matches('.').to_string())
        }
        reader::Form::Keyword => (Form::Kwarg, assignment.call?),
        reader::Form::DictEntry | reader::Form::Subscript => {
            (Form::DictKey, assignment.call.unwrap_or_default())
        }
    };
    let value = text.get(assignment.held)?.trim().to_string();
    Some(Setting {
        name: assignment.name,
        at: assignment.name_at,
        value,
        form,
        context,
        literal: assignment.constant,
    })
}

/// The value a setting takes where the environment variable it reads is
/// unset: in Python the reader's [`reader::unset_value`]
/// (`os.getenv("X", "True")`), in config files `${X:-true}`.
pub fn unset_default(file_type: FileType, value: &str) -> Option<String> {
    static SHELL: OnceLock<Regex> = OnceLock::new();
    if file_type == FileType::Python {
        return reader::unset_value(value.trim());
    }
    let caps = re(
        &SHELL,
        r#"^["']?\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}["']?$"#,
    )
    .captures(value.trim())?;
    caps.get(1).map(|m| m.as_str().to_string())
}

/// The integer a file mode is written as: `0o755`, `0x1ff`, `0b111`,
/// `0o7_7_7`, `0755` (octal, as in shells and YAML), or decimal (`511`)
/// where the language reads it so (`decimal`: Python). Quotes around it are
/// allowed (config files).
pub fn file_mode(value: &str, decimal: bool) -> Option<u32> {
    let v = unquote(value.trim());
    let digits: String = v.chars().filter(|&c| c != '_').collect();
    let (radix, body) = match digits.get(..2).map(str::to_ascii_lowercase).as_deref() {
        Some("0o") => (8, &digits[2..]),
        Some("0x") => (16, &digits[2..]),
        Some("0b") => (2, &digits[2..]),
        _ if digits.len() > 1 && digits.starts_with('0') => (8, &digits[1..]),
        _ if decimal => (10, digits.as_str()),
        _ => (8, digits.as_str()),
    };
    if body.is_empty() || v.starts_with('_') || v.ends_with('_') || v.contains("__") {
        return None;
    }
    u32::from_str_radix(body, radix).ok()
}

// ---------------------------------------------------------------- config

/// The statements of the one config reader (`formats::config`), as
/// statements with settings.
fn config_statements(
    file_type: FileType,
    text: &str,
    wanted: &dyn Fn(u32, u32) -> bool,
) -> Vec<Statement> {
    config::statements(file_type, text, wanted)
        .into_iter()
        .map(|statement| Statement {
            in_string: vec![false; statement.text.len()],
            first_line: statement.first_line,
            settings: statement.assignments.into_iter().map(setting).collect(),
            text: statement.text,
        })
        .collect()
}

fn setting(assignment: config::Assignment) -> Setting {
    Setting {
        literal: assignment.is_literal(),
        name: assignment.name,
        at: assignment.at,
        value: assignment.value,
        form: Form::Config,
        context: assignment.parent,
    }
}
