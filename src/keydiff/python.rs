//! Python settings modules → flat key map of top-level `UPPER_CASE = expr`
//! (and `UPPER: type = expr`) assignments, and of the fields of top-level
//! classes (pydantic `BaseSettings`, dataclasses, Django/Flask config
//! classes) as `Settings.PORT`: every `name = expr` / `name: type = expr`
//! statement of the class body itself, not of its methods. A small tokenizer joins logical
//! lines across brackets, strings and backslashes; values are the
//! expression's tokens re-joined with canonical spacing and quoting, and
//! literal dicts with string keys are flattened (`DATABASES.default.HOST`).
//! Python is code, so anything else is ignored; only unterminated strings
//! and brackets are errors.

use super::{child_key, quote_string, KeyMap, ParseError, Sink, MAX_DEPTH};

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Name,
    Number,
    /// `Some(content)` for plain and raw strings, `None` for f/b strings.
    Str(Option<String>),
    Op,
    Open,
    Close,
}

#[derive(Debug, Clone)]
struct Token {
    kind: Kind,
    start: usize,
    end: usize,
    line: u32,
    space_before: bool,
    /// First token of a logical line starting at column 0.
    top_level: bool,
}

const OPERATORS: &[&str] = &[
    "**=", "//=", ">>=", "<<=", "...", "->", ":=", "==", "!=", "<=", ">=", "+=", "-=", "*=", "/=",
    "%=", "&=", "|=", "^=", "@=", "**", "//", "<<", ">>",
];

/// Keywords that open a compound statement.
const COMPOUND: &[&str] = &[
    "if", "elif", "else", "for", "while", "with", "try", "except", "finally", "def", "class",
    "async", "match", "case",
];

pub(super) fn parse(text: &str) -> Result<KeyMap, ParseError> {
    parse_names(text, is_setting_name)
}

/// A designated security module (`app/core/security.py`): every public
/// module-level assignment is a setting (`pwd_context = CryptContext(…)`),
/// whatever its case; function bodies are code.
pub(super) fn parse_security_module(text: &str) -> Result<KeyMap, ParseError> {
    parse_names(text, |name| !name.starts_with('_'))
}

/// The settings of a module whose module-level names `setting` accepts, and
/// the fields of its classes.
fn parse_names(text: &str, setting: fn(&str) -> bool) -> Result<KeyMap, ParseError> {
    let lines = tokenize(text)?;
    let mut sink = Sink::new();
    // The top-level class whose body the lines are in, and the column of
    // that body's statements (set by its first statement).
    let mut class: Option<(String, Option<usize>)> = None;
    for tokens in &lines {
        let Some(first) = tokens.first() else {
            continue;
        };
        if first.top_level {
            class = class_name(text, tokens).map(|name| (name.to_string(), None));
            assignment(text, tokens, setting, &mut sink)?;
            continue;
        }
        let Some((name, body)) = class.as_mut() else {
            continue;
        };
        let column = first.start - text[..first.start].rfind('\n').map_or(0, |i| i + 1);
        if *body.get_or_insert(column) == column {
            let name = name.clone();
            field(text, &name, tokens, &mut sink)?;
        }
    }
    Ok(sink.map)
}

/// `Name` of a `class Name(...):` line.
fn class_name<'t>(text: &'t str, tokens: &[Token]) -> Option<&'t str> {
    let (keyword, name) = (tokens.first()?, tokens.get(1)?);
    (slice(text, keyword) == "class" && name.kind == Kind::Name).then(|| slice(text, name))
}

/// A statement of a class body: `name = expr` or `name: type = expr` is the
/// field `Class.name`. Fields of settings classes are often lower case
/// (pydantic), so any name counts that is not private.
fn field(text: &str, class: &str, tokens: &[Token], sink: &mut Sink) -> Result<(), ParseError> {
    let Some(first) = tokens.first() else {
        return Ok(());
    };
    let name = slice(text, first);
    if first.kind != Kind::Name || name.starts_with('_') || COMPOUND.contains(&name) {
        return Ok(());
    }
    let parent = child_key("", class);
    // `SECRET_KEY: str` with no default: a required setting, which the
    // service cannot start without. Adding or dropping one is a change.
    let key = child_key(&parent, name);
    let annotated = tokens.get(1).is_some_and(|t| slice(text, t) == ":");
    let known = sink.map.contains_key(&key);
    assign(text, &parent, tokens, sink)?;
    if annotated && !known && !sink.map.contains_key(&key) {
        sink.insert(key, "(required)".into(), first.line)?;
    }
    Ok(())
}

fn is_setting_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_uppercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        && name.chars().any(|c| c.is_ascii_uppercase())
}

fn assignment(
    text: &str,
    tokens: &[Token],
    setting: fn(&str) -> bool,
    sink: &mut Sink,
) -> Result<(), ParseError> {
    let Some(first) = tokens.first() else {
        return Ok(());
    };
    let name = slice(text, first);
    if !first.top_level
        || first.kind != Kind::Name
        || !setting(name)
        || COMPOUND.contains(&name)
        || KEYWORDS.contains(&name)
    {
        return Ok(());
    }
    assign(text, "", tokens, sink)
}

/// `NAME = expr`, `NAME: type = expr` or `NAME += expr` at `tokens`, stored
/// under `parent.NAME`.
fn assign(text: &str, parent: &str, tokens: &[Token], sink: &mut Sink) -> Result<(), ParseError> {
    let Some(first) = tokens.first() else {
        return Ok(());
    };
    let name = slice(text, first);
    let Some(second) = tokens.get(1) else {
        return Ok(());
    };
    let second_text = slice(text, second);
    if second.kind == Kind::Op && second_text.len() >= 2 && second_text.ends_with('=') {
        let key = child_key(parent, name);
        return augmented(text, &key, second_text, &tokens[2..], first.line, sink);
    }
    if second_text != "=" && second_text != ":" {
        return Ok(());
    }
    // The value follows the last top-level `=` (`A = B = 1`, `A: int = 1`).
    let mut depth = 0usize;
    let mut value_start = None;
    for (i, token) in tokens.iter().enumerate().skip(1) {
        match token.kind {
            Kind::Open => depth += 1,
            Kind::Close => depth = depth.saturating_sub(1),
            Kind::Op if depth == 0 && slice(text, token) == "=" => value_start = Some(i + 1),
            _ => {}
        }
    }
    let Some(start) = value_start else {
        return Ok(());
    };
    let value = &tokens[start..];
    if value.is_empty() {
        return Ok(());
    }
    let key = child_key(parent, name);
    flatten(text, value, &key, first.line, 0, sink)
}

/// `NAME += expr` (and other augmented operators) extends the key's value,
/// so that `INSTALLED_APPS += [...]` in a settings overlay shows as a change
/// of `INSTALLED_APPS`.
fn augmented(
    text: &str,
    key: &str,
    operator: &str,
    value: &[Token],
    line: u32,
    sink: &mut Sink,
) -> Result<(), ParseError> {
    if matches!(operator, "==" | "!=" | "<=" | ">=" | ":=") || value.is_empty() {
        return Ok(());
    }
    let key = key.to_string();
    let mut rendered = match sink.map.get(&key) {
        Some(existing) => format!("{} ", existing.value),
        None => String::new(),
    };
    let line = sink.map.get(&key).map_or(line, |existing| existing.line);
    rendered.push_str(operator);
    rendered.push(' ');
    rendered.push_str(&render(text, value));
    sink.insert(key, rendered, line)
}

fn flatten(
    text: &str,
    value: &[Token],
    key: &str,
    line: u32,
    depth: usize,
    sink: &mut Sink,
) -> Result<(), ParseError> {
    if depth < MAX_DEPTH {
        if let Some(entries) = dict_entries(text, value) {
            if entries.is_empty() {
                return sink.insert(key.to_string(), "{}".into(), line);
            }
            for (name, name_line, entry) in entries {
                flatten(
                    text,
                    entry,
                    &child_key(key, &name),
                    name_line,
                    depth + 1,
                    sink,
                )?;
            }
            return Ok(());
        }
    }
    sink.insert(key.to_string(), render(text, value), line)
}

/// Entries of a literal dict whose keys are all plain strings; `None` for
/// anything else (comprehensions, `**spread`, computed keys, non-dicts).
fn dict_entries<'t>(text: &str, tokens: &'t [Token]) -> Option<Vec<(String, u32, &'t [Token])>> {
    let (first, last) = (tokens.first()?, tokens.last()?);
    if slice(text, first) != "{" || slice(text, last) != "}" {
        return None;
    }
    let inner = &tokens[1..tokens.len() - 1];
    let mut entries = Vec::new();
    let mut depth = 0usize;
    let mut entry_start = 0;
    for i in 0..=inner.len() {
        let at_end = i == inner.len();
        if !at_end {
            match inner[i].kind {
                Kind::Open => depth += 1,
                Kind::Close => {
                    // The dict's own `}` closed early: `{...} | other`.
                    depth = depth.checked_sub(1)?;
                }
                _ => {}
            }
        }
        let separator = !at_end && depth == 0 && slice(text, &inner[i]) == ",";
        if !(separator || at_end) {
            continue;
        }
        let entry = &inner[entry_start..i];
        entry_start = i + 1;
        if entry.is_empty() {
            if at_end {
                break;
            }
            return None;
        }
        let key = entry.first()?;
        let Kind::Str(Some(name)) = &key.kind else {
            return None;
        };
        if entry.len() < 3 || slice(text, &entry[1]) != ":" {
            return None;
        }
        entries.push((name.clone(), key.line, &entry[2..]));
    }
    Some(entries)
}

/// The expression with canonical spacing: one space after `,` and `:`,
/// none inside brackets or around `.`, other gaps kept as one space;
/// strings re-quoted with double quotes; a lone string is its content.
fn render(text: &str, tokens: &[Token]) -> String {
    if tokens.iter().all(|t| matches!(t.kind, Kind::Str(Some(_)))) {
        return tokens
            .iter()
            .filter_map(|t| match &t.kind {
                Kind::Str(Some(content)) => Some(content.as_str()),
                _ => None,
            })
            .collect();
    }
    let mut out = String::new();
    let mut previous: Option<&Token> = None;
    for (i, token) in tokens.iter().enumerate() {
        let here = slice(text, token);
        // A trailing comma before `]` or `}` is style; before `)` it can make a tuple.
        if here == "," {
            if let Some(next) = tokens.get(i + 1) {
                let next_text = slice(text, next);
                if next_text == "]" || next_text == "}" {
                    continue;
                }
            }
        }
        if let Some(prev) = previous {
            let prev_text = slice(text, prev);
            let glue = prev.kind == Kind::Open
                || token.kind == Kind::Close
                || here == ","
                || here == ":"
                || here == "."
                || prev_text == "."
                || (token.kind == Kind::Open && !token.space_before);
            if prev_text == "," || prev_text == ":" {
                if token.kind != Kind::Close {
                    out.push(' ');
                }
            } else if !glue && token.space_before {
                out.push(' ');
            }
        }
        match &token.kind {
            Kind::Str(Some(content)) => quote_string(&mut out, content),
            _ => out.push_str(here),
        }
        previous = Some(token);
    }
    out
}

/// Keywords after which `(` opens a tuple or a group, not a call.
const KEYWORDS: &[&str] = &[
    "and", "as", "assert", "await", "del", "elif", "else", "for", "from", "if", "import", "in",
    "is", "lambda", "not", "or", "return", "while", "with", "yield",
];

/// The program's tokens as the interpreter sees them, for telling a
/// formatter run from a change: comments, docstrings (a statement that is
/// only a string), line wrapping inside brackets, spacing, quote style and
/// trailing commas that change nothing are left out; indentation is kept as
/// block structure (`>` opens a block, `<` closes one), each statement ends
/// with `;`. Strings are their decoded content (`'a'` and `"a"` are one
/// token); f- and b-strings are kept as written.
pub(crate) fn token_stream(text: &str) -> Result<Vec<String>, ParseError> {
    let mut out = Vec::new();
    let mut indents: Vec<usize> = vec![0];
    for tokens in tokenize(text)? {
        if tokens.iter().all(|t| matches!(t.kind, Kind::Str(Some(_)))) {
            continue;
        }
        let first = &tokens[0];
        let line_start = text[..first.start].rfind('\n').map_or(0, |i| i + 1);
        // A statement after `;` keeps the block it is in.
        if text[line_start..first.start].trim().is_empty() {
            let column = first.start - line_start;
            while indents.len() > 1 && indents.last().is_some_and(|&c| column < c) {
                indents.pop();
                out.push("<".to_string());
            }
            if indents.last().is_some_and(|&c| column > c) {
                indents.push(column);
                out.push(">".to_string());
            }
        }
        statement_tokens(text, &tokens, &mut out);
        out.push(";".to_string());
    }
    Ok(out)
}

/// One statement's tokens for [`token_stream`]: strings by content, a
/// trailing comma dropped where it cannot make a tuple or a subscript.
fn statement_tokens(text: &str, tokens: &[Token], out: &mut Vec<String>) {
    // For each open bracket: whether it can hold a trailing comma freely
    // (a call, a list, a dict or set), and whether a comma was seen in it.
    let mut groups: Vec<(bool, bool)> = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let here = slice(text, token);
        match &token.kind {
            Kind::Open => {
                let before = i.checked_sub(1).map(|j| &tokens[j]);
                let follows_value = before.is_some_and(|b| {
                    b.kind == Kind::Close
                        || (b.kind == Kind::Name && !KEYWORDS.contains(&slice(text, b)))
                });
                let free = match here {
                    "(" => follows_value,
                    "[" => !follows_value,
                    _ => true,
                };
                groups.push((free, false));
            }
            Kind::Close => {
                groups.pop();
            }
            _ => {}
        }
        if here == "," && token.kind == Kind::Op {
            let closes = tokens.get(i + 1).is_some_and(|t| t.kind == Kind::Close);
            if let Some((free, seen_comma)) = groups.last_mut() {
                let drop = closes && (*free || *seen_comma);
                *seen_comma = true;
                if drop {
                    continue;
                }
            }
        }
        out.push(match &token.kind {
            Kind::Str(Some(content)) => format!("s{content}"),
            _ => format!("t{here}"),
        });
    }
}

fn slice<'a>(text: &'a str, token: &Token) -> &'a str {
    text.get(token.start..token.end).unwrap_or("")
}

fn column(text: &str, line_start: usize, pos: usize) -> u32 {
    let chars = text
        .get(line_start..pos)
        .map_or(pos.saturating_sub(line_start), |s| s.chars().count());
    u32::try_from(chars + 1).unwrap_or(u32::MAX)
}

/// Tokens grouped by logical line.
fn tokenize(text: &str) -> Result<Vec<Vec<Token>>, ParseError> {
    let bytes = text.as_bytes();
    let mut lines: Vec<Vec<Token>> = Vec::new();
    let mut current: Vec<Token> = Vec::new();
    // Open brackets: (line, column) of each.
    let mut brackets: Vec<(u32, u32)> = Vec::new();
    let mut line: u32 = 1;
    let mut line_start = 0usize;
    let mut space = false;
    // After a top-level `;`: the next statement is top-level too.
    let mut continue_top = false;
    let mut pos = 0usize;
    while pos < bytes.len() {
        let b = bytes[pos];
        match b {
            b' ' | b'\t' | b'\x0c' | b'\r' => {
                space = true;
                pos += 1;
            }
            b'\n' => {
                line = line.saturating_add(1);
                pos += 1;
                line_start = pos;
                space = true;
                continue_top = false;
                if brackets.is_empty() && !current.is_empty() {
                    lines.push(std::mem::take(&mut current));
                }
            }
            b'\\'
                if matches!(bytes.get(pos + 1), Some(b'\n'))
                    || (bytes.get(pos + 1) == Some(&b'\r')
                        && bytes.get(pos + 2) == Some(&b'\n')) =>
            {
                pos += if bytes[pos + 1] == b'\r' { 3 } else { 2 };
                line = line.saturating_add(1);
                line_start = pos;
                space = true;
            }
            b';' if brackets.is_empty() => {
                pos += 1;
                space = true;
                // `if X: A = 1; B = 2` keeps B inside the `if`.
                continue_top = current.first().is_some_and(|t| {
                    t.top_level && !COMPOUND.contains(&text.get(t.start..t.end).unwrap_or(""))
                });
                if !current.is_empty() {
                    lines.push(std::mem::take(&mut current));
                }
            }
            b'#' => {
                while pos < bytes.len() && bytes[pos] != b'\n' {
                    pos += 1;
                }
            }
            _ => {
                let start = pos;
                let token_line = line;
                let top_level = current.is_empty() && (start == line_start || continue_top);
                let kind;
                if b == b'"' || b == b'\'' {
                    let (end, content) = string(text, pos, "", &mut line, &mut line_start)?;
                    pos = end;
                    kind = Kind::Str(content);
                } else if b.is_ascii_alphabetic() || b == b'_' || b >= 0x80 {
                    while pos < bytes.len()
                        && (bytes[pos].is_ascii_alphanumeric()
                            || bytes[pos] == b'_'
                            || bytes[pos] >= 0x80)
                    {
                        pos += 1;
                    }
                    let word = text.get(start..pos).unwrap_or("");
                    let is_prefix = word.len() <= 2
                        && word.chars().all(|c| "rbufRBUF".contains(c))
                        && matches!(bytes.get(pos), Some(b'"' | b'\''));
                    if is_prefix {
                        let (end, content) = string(text, pos, word, &mut line, &mut line_start)?;
                        pos = end;
                        kind = Kind::Str(content);
                    } else {
                        kind = Kind::Name;
                    }
                } else if b.is_ascii_digit()
                    || (b == b'.' && bytes.get(pos + 1).is_some_and(u8::is_ascii_digit))
                {
                    while pos < bytes.len() {
                        let c = bytes[pos];
                        let sign_after_exponent = matches!(c, b'+' | b'-')
                            && pos > start
                            && matches!(bytes[pos - 1], b'e' | b'E')
                            && !text.get(start..pos).unwrap_or("").starts_with("0x");
                        if c.is_ascii_alphanumeric()
                            || c == b'_'
                            || c == b'.'
                            || sign_after_exponent
                        {
                            pos += 1;
                        } else {
                            break;
                        }
                    }
                    kind = Kind::Number;
                } else if matches!(b, b'(' | b'[' | b'{') {
                    brackets.push((line, column(text, line_start, pos)));
                    pos += 1;
                    kind = Kind::Open;
                } else if matches!(b, b')' | b']' | b'}') {
                    // An unmatched closer is someone else's syntax error; stay lenient.
                    brackets.pop();
                    pos += 1;
                    kind = Kind::Close;
                } else {
                    let rest = text.get(pos..).unwrap_or("");
                    let len = OPERATORS
                        .iter()
                        .find(|op| rest.starts_with(**op))
                        .map_or(1, |op| op.len());
                    pos += len;
                    kind = Kind::Op;
                }
                current.push(Token {
                    kind,
                    start,
                    end: pos,
                    line: token_line,
                    space_before: space,
                    top_level,
                });
                space = false;
            }
        }
    }
    if let Some((open_line, open_column)) = brackets.first() {
        return Err(ParseError::at(
            *open_line,
            *open_column,
            "bracket never closed before end of file",
        ));
    }
    if !current.is_empty() {
        lines.push(current);
    }
    Ok(lines)
}

/// Scan a string literal whose quote is at `pos` (after any `prefix`).
/// Returns the end offset and the decoded content for plain/raw strings.
fn string(
    text: &str,
    pos: usize,
    prefix: &str,
    line: &mut u32,
    line_start: &mut usize,
) -> Result<(usize, Option<String>), ParseError> {
    let bytes = text.as_bytes();
    let quote = bytes[pos];
    let triple = bytes.get(pos + 1) == Some(&quote) && bytes.get(pos + 2) == Some(&quote);
    let open_line = *line;
    let open_column = column(text, *line_start, pos - prefix.len());
    let lower = prefix.to_ascii_lowercase();
    let raw = lower.contains('r');
    let decodable = !lower.contains('f') && !lower.contains('b');
    let mut i = pos + if triple { 3 } else { 1 };
    let content_start = i;
    loop {
        let Some(&c) = bytes.get(i) else {
            return Err(ParseError::at(
                open_line,
                open_column,
                "string never closed before end of file",
            ));
        };
        match c {
            b'\\' => {
                if bytes.get(i + 1) == Some(&b'\n') {
                    *line = line.saturating_add(1);
                    *line_start = i + 2;
                }
                i += 2;
            }
            b'\n' => {
                if !triple {
                    return Err(ParseError::at(
                        open_line,
                        open_column,
                        "string not closed on its line",
                    ));
                }
                *line = line.saturating_add(1);
                i += 1;
                *line_start = i;
            }
            c if c == quote => {
                if !triple {
                    let content = text.get(content_start..i).unwrap_or("");
                    let decoded = decodable.then(|| decode(content, raw));
                    return Ok((i + 1, decoded));
                }
                if bytes.get(i + 1) == Some(&quote) && bytes.get(i + 2) == Some(&quote) {
                    let content = text.get(content_start..i).unwrap_or("");
                    let decoded = decodable.then(|| decode(content, raw));
                    return Ok((i + 3, decoded));
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
}

fn decode(content: &str, raw: bool) -> String {
    if raw || !content.contains('\\') {
        return content.to_string();
    }
    let mut out = String::with_capacity(content.len());
    let mut chars = content.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('\n') => {}
            Some(q @ ('\\' | '\'' | '"')) => out.push(q),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::{diff, parse, Format};

    fn map(text: &str) -> super::KeyMap {
        parse(Format::PythonSettings, text).unwrap()
    }

    #[test]
    fn top_level_assignments_with_lines() {
        let text = r#"import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
DEBUG = False
ALLOWED_HOSTS = [
    "example.com",  # main
    'www.example.com',
]
SECRET_KEY = os.environ["SECRET_KEY"]
TIMEOUT: int = 30
DESCRIPTION = """multi
line"""
lower_case = 1
if DEBUG:
    EXTRA = 1
def f():
    INNER = 2
LONG = 1 + \
    2
"#;
        let m = map(text);
        let get = |k: &str| {
            let v = m.get(k).unwrap_or_else(|| panic!("{k} missing in {m:?}"));
            (v.value.as_str(), v.line)
        };
        assert_eq!(get("BASE_DIR"), ("Path(__file__).resolve().parent", 4));
        assert_eq!(get("DEBUG"), ("False", 5));
        assert_eq!(
            get("ALLOWED_HOSTS"),
            ("[\"example.com\", \"www.example.com\"]", 6)
        );
        assert_eq!(get("SECRET_KEY"), ("os.environ[\"SECRET_KEY\"]", 10));
        assert_eq!(get("TIMEOUT"), ("30", 11));
        assert_eq!(get("DESCRIPTION"), ("multi\nline", 12));
        assert_eq!(get("LONG"), ("1 + 2", 19));
        assert!(!m.contains_key("lower_case"));
        assert!(!m.contains_key("EXTRA"));
        assert!(!m.contains_key("INNER"));
    }

    #[test]
    fn fields_of_settings_classes() {
        let text = r#"from pydantic_settings import BaseSettings


@dataclass
class Settings(BaseSettings):
    """Read from the environment."""

    model_config = SettingsConfigDict(env_file="../.env")
    PORT: int = 8000
    database_url: str = "postgresql://localhost/app"
    SECRET_KEY: str
    WORKERS: Annotated[int, Field(gt=0)]
    _cache: dict = {}

    @property
    def url(self) -> str:
        inner = "not a field"
        return f"http://{self.PORT}"

    RETRIES = 3


class Production(Settings):
    DEBUG = False


TOP = 1
"#;
        let m = map(text);
        let get = |k: &str| m.get(k).map(|v| (v.value.as_str(), v.line));
        assert_eq!(get("Settings.PORT"), Some(("8000", 9)));
        assert_eq!(
            get("Settings.database_url"),
            Some(("postgresql://localhost/app", 10))
        );
        assert_eq!(get("Settings.RETRIES"), Some(("3", 20)));
        assert_eq!(get("Production.DEBUG"), Some(("False", 24)));
        assert_eq!(get("TOP"), Some(("1", 27)));
        assert!(get("Settings.model_config").is_some());
        assert_eq!(get("Settings.SECRET_KEY"), Some(("(required)", 11)));
        assert_eq!(get("Settings.WORKERS"), Some(("(required)", 12)));
        for absent in ["Settings._cache", "Settings.inner", "inner", "PORT"] {
            assert!(!m.contains_key(absent), "{absent} in {m:?}");
        }

        // A field's new value is a change of that key; a method body is not.
        let changed = text
            .replace("PORT: int = 8000", "PORT: int = 8080")
            .replace("not a field", "still not a field");
        let changes: Vec<String> = diff(&m, &map(&changed))
            .iter()
            .map(super::super::describe)
            .collect();
        assert_eq!(changes, ["Settings.PORT 8000 → 8080"]);
    }

    #[test]
    fn semicolons_separate_statements() {
        let m = map("A = 1; B = 2\nif X: C = 3; D = 4\n");
        assert_eq!(m["A"].value, "1");
        assert_eq!(m["B"].value, "2");
        assert_eq!(m["B"].line, 1);
        assert!(!m.contains_key("C") && !m.contains_key("D"), "{m:?}");
    }

    #[test]
    fn augmented_assignments_extend_the_value() {
        let m = map("INSTALLED_APPS = ['a']\nINSTALLED_APPS += ['b']\nEXTRA |= {'x': 1}\n");
        assert_eq!(m["INSTALLED_APPS"].value, "[\"a\"] += [\"b\"]");
        assert_eq!(m["INSTALLED_APPS"].line, 1);
        assert_eq!(m["EXTRA"].value, "|= {\"x\": 1}");
        assert_eq!(m["EXTRA"].line, 3);
    }

    #[test]
    fn literal_dicts_are_flattened() {
        let text = r#"DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        'HOST': os.environ.get("DB_HOST", "localhost"),
        "PORT": 5432,
    },
}
CACHES = {**BASE, "x": 1}
EMPTY = {}
"#;
        let m = map(text);
        let get = |k: &str| {
            let v = m.get(k).unwrap_or_else(|| panic!("{k} missing in {m:?}"));
            (v.value.as_str(), v.line)
        };
        assert_eq!(
            get("DATABASES.default.ENGINE"),
            ("django.db.backends.postgresql", 3)
        );
        assert_eq!(
            get("DATABASES.default.HOST"),
            ("os.environ.get(\"DB_HOST\", \"localhost\")", 4)
        );
        assert_eq!(get("DATABASES.default.PORT"), ("5432", 5));
        assert_eq!(get("CACHES"), ("{**BASE, \"x\": 1}", 8));
        assert_eq!(get("EMPTY"), ("{}", 9));
    }

    #[test]
    fn formatting_only_edits_are_not_changes() {
        let old = map("A = 'x'\nB = [1,2,3]\nC = f(a,b)\nD = {'k': 'v'}\nE = (1,)\n");
        let new = map(
            "# comment\nA = \"x\"\nB = [\n    1,\n    2,\n    3,\n]\nC = f( a , b )\nD = {\n  \"k\" : \"v\",\n}\nE = ( 1, )\n",
        );
        assert!(diff(&old, &new).is_empty(), "{:?}", diff(&old, &new));
        let tuple = map("E = (1)\n");
        assert_ne!(tuple["E"].value, old["E"].value);
    }

    #[test]
    fn only_broken_text_is_an_error() {
        let error = parse(Format::PythonSettings, "A = 1\nB = [1,\n   2\n").unwrap_err();
        assert_eq!((error.line, error.column), (Some(2), Some(5)));
        let error = parse(Format::PythonSettings, "A = 1\nB = \"\"\"never\n").unwrap_err();
        assert_eq!((error.line, error.column), (Some(2), Some(5)));
        let error = parse(Format::PythonSettings, "X = 'abc\nY = 1\n").unwrap_err();
        assert_eq!(error.line, Some(1));
        // Odd but valid-enough code is not an error.
        assert!(parse(
            Format::PythonSettings,
            "x = )\nclass A:\n    pass\nA, B = 1, 2\n"
        )
        .is_ok());
        // A quote inside a comment does not open a string.
        assert!(parse(Format::PythonSettings, "# don't\nA = 1\n").is_ok());
    }

    #[test]
    fn hostile_input_is_bounded() {
        let deep = format!("X = {}1{}\n", "{'a': ".repeat(1000), "}".repeat(1000));
        let m = map(&deep);
        assert_eq!(m.len(), 1);
        let long = format!("X = \"{}\"\n", "y".repeat(3_000_000));
        assert_eq!(map(&long)["X"].value.len(), 3_000_000);
        assert!(parse(Format::PythonSettings, "\u{0}\u{1}\u{fffd}\u{fffd}").is_ok());
        let unclosed = "(".repeat(100_000);
        assert!(parse(Format::PythonSettings, &unclosed).is_err());
    }
}
