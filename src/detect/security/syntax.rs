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

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The innermost unclosed bracket before `at`: its byte and offset.
fn open_bracket(text: &[u8], mask: &[bool], at: usize) -> Option<(u8, usize)> {
    let mut depth = 0i32;
    let mut i = at;
    while i > 0 {
        i -= 1;
        if mask[i] {
            continue;
        }
        match text[i] {
            b')' | b']' | b'}' => depth += 1,
            b'(' | b'[' | b'{' => {
                if depth == 0 {
                    return Some((text[i], i));
                }
                depth -= 1;
            }
            _ => {}
        }
    }
    None
}

/// The dotted name called by the parenthesis at `paren`, or `None` for a
/// `def`/`class` header or a bare tuple.
fn callee(text: &str, paren: usize) -> Option<String> {
    let bytes = text.as_bytes();
    let mut j = paren;
    while j > 0 && bytes[j - 1] == b' ' {
        j -= 1;
    }
    let end = j;
    while j > 0 && (is_ident(bytes[j - 1]) || bytes[j - 1] == b'.') {
        j -= 1;
    }
    if j == end {
        return None;
    }
    let before = text[..j].trim_end();
    if before.ends_with("def") || before.ends_with("class") || before.ends_with("lambda") {
        return None;
    }
    Some(text[j..end].to_string())
}

/// The innermost call enclosing `at`, skipping list and dict brackets.
fn enclosing_call(text: &str, mask: &[bool], at: usize) -> Option<String> {
    let mut pos = at;
    while let Some((b, open)) = open_bracket(text.as_bytes(), mask, pos) {
        if b == b'(' {
            return callee(text, open);
        }
        pos = open;
    }
    None
}

/// The value starting at `from`: up to a top-level `,`, closing bracket,
/// `;` or the statement's end.
fn value_at(text: &str, mask: &[bool], from: usize, stop_at_newline: bool) -> String {
    let bytes = text.as_bytes();
    let mut i = from;
    let mut depth = 0i32;
    while i < bytes.len() {
        if !mask[i] {
            match bytes[i] {
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => {
                    if depth == 0 {
                        break;
                    }
                    depth -= 1;
                }
                b',' | b';' if depth == 0 => break,
                b'\n' if depth == 0 && stop_at_newline => break,
                _ => {}
            }
        }
        i += 1;
    }
    text.get(from..i).unwrap_or("").trim().to_string()
}

/// Fills in the settings of a Python statement (config statements get
/// theirs while being read, since sections and parents carry over).
pub fn fill_settings(file_type: FileType, statement: &mut Statement) {
    if file_type == FileType::Python {
        statement.settings = python_settings(statement);
    }
}

fn python_settings(statement: &Statement) -> Vec<Setting> {
    static NAME_EQ: OnceLock<Regex> = OnceLock::new();
    static KEY_STR: OnceLock<Regex> = OnceLock::new();
    static ANNOTATED: OnceLock<Regex> = OnceLock::new();
    static CHAIN: OnceLock<Regex> = OnceLock::new();
    let text = statement.text.as_str();
    let bytes = text.as_bytes();
    let mask = &statement.in_string;
    let mut out = Vec::new();

    for caps in re(&NAME_EQ, r"([A-Za-z_][A-Za-z0-9_]*)[ \t]*=").captures_iter(text) {
        let (Some(whole), Some(name)) = (caps.get(0), caps.get(1)) else {
            continue;
        };
        if mask[name.start()] || bytes.get(whole.end()) == Some(&b'=') {
            continue;
        }
        let mut p = name.start();
        while p > 0 && matches!(bytes[p - 1], b' ' | b'\t' | b'\n' | b'\\') {
            p -= 1;
        }
        // A byte-order mark before the first statement is not code.
        let at_start = p == 0 || (p == 3 && text.starts_with('\u{feff}'));
        let prev = if at_start { None } else { Some(bytes[p - 1]) };
        let (form, context) = match prev {
            None | Some(b';') => (Form::Assign, String::new()),
            // Chained assignment: `DEBUG = TEMPLATE_DEBUG = True`.
            Some(b'=')
                if re(&CHAIN, r"^\s*(?:[A-Za-z_][\w.]*[ \t]*=[ \t]*)+$").is_match(&text[..p]) =>
            {
                (Form::Assign, String::new())
            }
            Some(b'.') => {
                let mut q = p - 1;
                while q > 0 && (is_ident(bytes[q - 1]) || bytes[q - 1] == b'.') {
                    q -= 1;
                }
                if !text[..q].trim().is_empty() {
                    continue;
                }
                (Form::Attr, text[q..p - 1].to_string())
            }
            Some(b'(') | Some(b',') => match open_bracket(bytes, mask, name.start()) {
                Some((b'(', open)) => match callee(text, open) {
                    Some(call) => (Form::Kwarg, call),
                    None => continue,
                },
                _ => continue,
            },
            _ => continue,
        };
        let value = value_at(text, mask, whole.end(), form != Form::Kwarg);
        push_setting(&mut out, name.as_str(), name.start(), value, form, context);
    }

    if let Some(caps) = re(
        &ANNOTATED,
        r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*[A-Za-z_][\w\[\]., |]*=",
    )
    .captures(text)
    {
        if let (Some(whole), Some(name)) = (caps.get(0), caps.get(1)) {
            if bytes.get(whole.end()) != Some(&b'=') {
                let value = value_at(text, mask, whole.end(), true);
                push_setting(
                    &mut out,
                    name.as_str(),
                    name.start(),
                    value,
                    Form::Assign,
                    String::new(),
                );
            }
        }
    }

    for caps in re(
        &KEY_STR,
        r#"["']([A-Za-z_][A-Za-z0-9_.-]*)["'][ \t]*(:|\][ \t]*=)"#,
    )
    .captures_iter(text)
    {
        let (Some(whole), Some(name)) = (caps.get(0), caps.get(1)) else {
            continue;
        };
        if mask[whole.start()] || bytes.get(whole.end()) == Some(&b'=') {
            continue;
        }
        let is_subscript = caps.get(2).is_some_and(|m| m.as_str() != ":");
        if !is_subscript {
            // A dict key sits right inside `{` or after a `,` in one.
            match open_bracket(bytes, mask, whole.start()) {
                Some((b'{', _)) => {}
                _ => continue,
            }
        }
        let context = enclosing_call(text, mask, whole.start()).unwrap_or_default();
        let value = value_at(text, mask, whole.end(), is_subscript);
        push_setting(
            &mut out,
            name.as_str(),
            name.start(),
            value,
            Form::DictKey,
            context,
        );
    }
    out
}

fn push_setting(
    out: &mut Vec<Setting>,
    name: &str,
    at: usize,
    value: String,
    form: Form,
    context: String,
) {
    if value.is_empty() {
        return;
    }
    let literal = python_literal(&value);
    out.push(Setting {
        name: name.to_string(),
        at,
        value,
        form,
        context,
        literal,
    });
}

/// The value an environment read falls back to, as a literal: the default
/// of `os.getenv("X", "True")`, `os.environ.get("X", "1")`,
/// `env.bool("X", default=True)`, `envbool("X", "True")`,
/// `config("X", default=True)` (Python), optionally followed by
/// `.lower()` and a comparison with string literals (then `True`/`False`);
/// `${X:-true}` in config files. `None` when there is no default or the
/// expression is anything else.
pub fn env_default(value: &str, python: bool) -> Option<String> {
    static SHELL: OnceLock<Regex> = OnceLock::new();
    let value = value.trim();
    if !python {
        let caps = re(
            &SHELL,
            r#"^["']?\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}["']?$"#,
        )
        .captures(value)?;
        return caps.get(1).map(|m| m.as_str().to_string());
    }
    // The one Python reader decides what is an environment read and its default.
    let (default, end) = reader::environment_default(value)?;
    let default = value[default].trim();
    if !python_literal(default) || default.is_empty() {
        return None;
    }
    let mut rest = value[end..].trim();
    let mut text = default.to_string();
    loop {
        if let Some(r) = rest.strip_prefix(".lower()") {
            text = text.to_lowercase();
            rest = r.trim_start();
        } else if let Some(r) = rest.strip_prefix(".upper()") {
            text = text.to_uppercase();
            rest = r.trim_start();
        } else if let Some(r) = rest.strip_prefix(".strip()") {
            rest = r.trim_start();
        } else {
            break;
        }
    }
    if rest.is_empty() {
        return Some(text);
    }
    let inner = unquote(&text);
    let (negate, body) = if let Some(b) = rest.strip_prefix("==") {
        (false, b)
    } else if let Some(b) = rest.strip_prefix("!=") {
        (true, b)
    } else if let Some(b) = rest.strip_prefix("not in") {
        (true, b)
    } else if let Some(b) = rest.strip_prefix("in") {
        (false, b)
    } else {
        return None;
    };
    let body = body.trim();
    let body = body
        .strip_prefix(['(', '[', '{'])
        .and_then(|b| b.strip_suffix([')', ']', '}']))
        .unwrap_or(body);
    let options = split_args(body);
    if options.is_empty()
        || options
            .iter()
            .any(|o| !(o.starts_with('"') || o.starts_with('\'')))
    {
        return None;
    }
    let hit = options.iter().any(|o| unquote(o) == inner);
    Some(if hit != negate { "True" } else { "False" }.to_string())
}

/// Top-level comma-separated parts of an argument list, trimmed.
fn split_args(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut current = String::new();
    for c in text.chars() {
        if let Some(q) = quote {
            current.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' => quote = Some(c),
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                out.push(current.trim().to_string());
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    if !current.trim().is_empty() {
        out.push(current.trim().to_string());
    }
    out
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

/// Whether a Python expression is written out: strings (no f-string
/// fields), numbers, `True`/`False`/`None`, containers and arithmetic of
/// those, and `timedelta(...)` of literals.
pub fn python_literal(value: &str) -> bool {
    const NAMES: &[&str] = &[
        "True",
        "False",
        "None",
        "timedelta",
        "datetime",
        "days",
        "hours",
        "minutes",
        "seconds",
        "weeks",
        "milliseconds",
        "microseconds",
    ];
    let bytes = value.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_whitespace() || b"[](){},:+-*/%.=".contains(&b) || b == b'\\' {
            i += 1;
            continue;
        }
        if b.is_ascii_digit() {
            while i < bytes.len() && (is_ident(bytes[i]) || bytes[i] == b'.') {
                i += 1;
            }
            continue;
        }
        if is_ident(b) {
            let start = i;
            while i < bytes.len() && is_ident(bytes[i]) {
                i += 1;
            }
            let word = &value[start..i];
            let next = bytes.get(i).copied();
            if matches!(next, Some(b'"') | Some(b'\'')) && word.len() <= 2 {
                let prefix = word.to_ascii_lowercase();
                if prefix.chars().all(|c| "rbuf".contains(c)) {
                    let quote = bytes[i];
                    let mut j = i + 1;
                    while j < bytes.len() && bytes[j] != quote {
                        if bytes[j] == b'\\' {
                            j += 1;
                        }
                        j += 1;
                    }
                    let body = value.get(i + 1..j.min(bytes.len())).unwrap_or("");
                    if prefix.contains('f') && body.contains('{') {
                        return false;
                    }
                    i = j + 1;
                    continue;
                }
            }
            if !NAMES.contains(&word) {
                return false;
            }
            continue;
        }
        if b == b'"' || b == b'\'' {
            let mut j = i + 1;
            while j < bytes.len() && bytes[j] != b {
                if bytes[j] == b'\\' {
                    j += 1;
                }
                j += 1;
            }
            i = j + 1;
            continue;
        }
        return false;
    }
    true
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
