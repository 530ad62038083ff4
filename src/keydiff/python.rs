//! Python settings modules → flat key map of top-level `UPPER_CASE = expr`
//! (and `UPPER: type = expr`) assignments, and of the fields of top-level
//! classes (pydantic `BaseSettings`, dataclasses, Django/Flask config
//! classes) as `Settings.PORT`: every `name = expr` / `name: type = expr`
//! statement of the class body itself, not of its methods. Statements come
//! from the shared Python reader (`formats::python`); values are the
//! expression's tokens re-joined with canonical spacing and quoting, and
//! literal dicts with string keys are flattened (`DATABASES.default.HOST`).
//! Python is code, so anything else is ignored; only unterminated strings
//! and brackets are errors.

use super::{child_key, quote_string, KeyMap, ParseError, Sink, MAX_DEPTH};
use crate::formats::python::lexer::{slice, tokenize, Kind, LexError, Token, COMPOUND};
use crate::formats::python::reader::{self, Scope};

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
    let statements = reader::statements(text).map_err(lex_error)?;
    let mut sink = Sink::new();
    for statement in &statements {
        match &statement.scope {
            Scope::Module => assignment(text, &statement.tokens, setting, &mut sink)?,
            Scope::Class(name) => field(text, name, &statement.tokens, &mut sink)?,
            Scope::Nested => {}
        }
    }
    Ok(sink.map)
}

fn lex_error(
    LexError {
        line,
        column,
        message,
    }: LexError,
) -> ParseError {
    ParseError::at(line, column, message)
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
        || defines_type(text, tokens)
    {
        return Ok(());
    }
    assign(text, "", tokens, sink)
}

/// Calls that make a type, not a value: `T = t.TypeVar("T")` names a type
/// variable for annotations, whatever its case.
const TYPE_FACTORIES: &[&str] = &[
    "TypeVar",
    "ParamSpec",
    "TypeVarTuple",
    "NewType",
    "TypeAliasType",
];

/// A module-level statement that defines a type (a type variable, a
/// `NewType`, an alias annotated `TypeAlias`): the service reads no setting
/// from it.
fn defines_type(text: &str, tokens: &[Token]) -> bool {
    let Some((at, Some(start))) = reader::target(text, tokens) else {
        return false;
    };
    if tokens[1..at]
        .iter()
        .any(|t| slice(text, t).ends_with("TypeAlias"))
    {
        return true;
    }
    let value = &tokens[start.min(tokens.len())..];
    let Some(open) = value.iter().position(|t| t.kind == Kind::Open) else {
        return false;
    };
    open > 0
        && slice(text, &value[open]) == "("
        && value[..open]
            .iter()
            .all(|t| t.kind == Kind::Name || slice(text, t) == ".")
        && TYPE_FACTORIES.contains(&slice(text, &value[open - 1]))
}

fn assign(text: &str, parent: &str, tokens: &[Token], sink: &mut Sink) -> Result<(), ParseError> {
    let Some((at, value_start)) = reader::target(text, tokens) else {
        return Ok(());
    };
    let first = &tokens[0];
    let key = child_key(parent, slice(text, first));
    match value_start {
        None => {
            let operator = slice(text, &tokens[at]);
            augmented(text, &key, operator, &tokens[at + 1..], first.line, sink)
        }
        Some(start) if start < tokens.len() => {
            flatten(text, &tokens[start..], &key, first.line, 0, sink)
        }
        Some(_) => Ok(()),
    }
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
    for tokens in tokenize(text).map_err(lex_error)? {
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

/// Calls that read a setting from the environment, by the name before `(`.
const ENV_LOOKUPS: &[&str] = &[
    "config",
    "os.getenv",
    "getenv",
    "os.environ.get",
    "environ.get",
    "env",
    "env.str",
    "env.int",
    "env.bool",
    "env.float",
    "env.list",
    "env.json",
];

/// A value read from the environment (`config("X", cast=int, default=0)`,
/// `os.getenv("X", "0")`, `env.int("X", default=0)`) as a report shows it:
/// the variable (`env` when it is named as the key) with its cast,
/// `int(env)`, and the default, `0`, apart (only a default can hold a
/// value to redact). `None` for any other value, or a lookup with
/// arguments this does not name (shown as written, so nothing is hidden).
pub(super) fn shown_env_lookup(key: &str, value: &str) -> Option<(String, Option<String>)> {
    let (function, rest) = value.split_once('(')?;
    let args = rest.strip_suffix(')')?;
    if !ENV_LOOKUPS.contains(&function) {
        return None;
    }
    let mut parts = top_level_args(args).into_iter();
    let name = parts
        .next()?
        .strip_prefix('"')?
        .strip_suffix('"')?
        .to_string();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let mut cast = function.strip_prefix("env.").map(str::to_string);
    let mut default = None;
    for (at, arg) in parts.enumerate() {
        match arg.split_once('=') {
            Some(("cast", c)) => cast = Some(c.to_string()),
            Some(("default", d)) => default = Some(d.to_string()),
            None if at == 0 => default = Some(arg.to_string()),
            _ => return None,
        }
    }
    let leaf = key.rsplit('.').next().unwrap_or(key);
    let variable = if name == leaf {
        "env".to_string()
    } else {
        format!("env {name}")
    };
    let lookup = cast.map_or(variable.clone(), |c| format!("{c}({variable})"));
    Some((lookup, default))
}

/// The arguments of a call as re-joined (`"X", cast=int, default=[1, 2]`),
/// split at commas outside brackets and strings.
fn top_level_args(args: &str) -> Vec<&str> {
    let (mut depth, mut quote, mut start) = (0i32, None, 0);
    let mut out = Vec::new();
    for (i, c) in args.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '(' | '[' | '{') => depth += 1,
            (None, ')' | ']' | '}') => depth -= 1,
            (None, ',') if depth == 0 => {
                out.push(args[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(args[start..].trim());
    out.retain(|a| !a.is_empty());
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

    /// Settings classes of each kind: (old, new, the key diff).
    #[test]
    fn settings_class_changes_by_key() {
        let cases: &[(&str, &str, &[&str])] = &[
            (
                "class Settings(BaseSettings):\n    PORT: int = 8000\n",
                "class Settings(BaseSettings):\n    PORT: int = 8080\n",
                &["Settings.PORT 8000 → 8080"],
            ),
            (
                "class Base(Configuration):\n    DEBUG = False\n    MIDDLEWARE = [\n        'a.A',\n        'b.B',\n    ]\n",
                "class Base(Configuration):\n    DEBUG = True\n    MIDDLEWARE = [\n        'a.A',\n        'b.B',\n        'c.C',\n    ]\n",
                &[
                    "Base.DEBUG False → True",
                    "Base.MIDDLEWARE [\"a.A\", \"b.B\"] → [\"a.A\", \"b.B\", \"c.C\"]",
                ],
            ),
            (
                "@dataclass\nclass Config:\n    timeout: float = 1.5\n    name: str = 'a' 'b'\n",
                "@dataclass\nclass Config:\n    timeout: float = 2.5\n    name: str = 'ab'\n",
                &["Config.timeout 1.5 → 2.5"],
            ),
            (
                "class Config:\n    SECRET_KEY = os.getenv('SECRET_KEY', 'dev')\n",
                "class Config:\n    SECRET_KEY = os.getenv('SECRET_KEY', 'prod')\n",
                // A secret key's values are redacted whatever they hold.
                &["Config.SECRET_KEY env or \"… → env or \"…"],
            ),
        ];
        for (old, new, expected) in cases {
            let changes: Vec<String> = diff(&map(old), &map(new))
                .iter()
                .map(super::super::describe)
                .collect();
            assert_eq!(&changes, expected, "{old}");
        }
    }

    #[test]
    fn type_definitions_are_not_settings() {
        let m = map(
            "import typing as t\nfrom typing import TypeAlias, TypeVar\nT = t.TypeVar(\"T\")\nP = typing.ParamSpec(\"P\")\nUserId = NewType(\"UserId\", int)\nJSON: TypeAlias = dict[str, t.Any]\nF = TypeVar(\"F\", bound=t.Callable[..., t.Any])\nTIMEOUT = int(\"30\")\nDEFAULT = make_default(TypeVar)\n",
        );
        let keys: Vec<&String> = m.keys().collect();
        assert_eq!(keys, ["DEFAULT", "TIMEOUT"], "{m:?}");
    }

    #[test]
    fn environment_lookups_are_shown_by_variable_cast_and_default() {
        let m = map("A = config(\"A\", cast=int, default=0)\nB = os.getenv('B_URL', 'http://x')\nC = env.bool(\"C\", default=False)\nD = config(\"D\")\nE = config(\"E\", default=[1, 2], cast=Csv())\nF = config(\"F\", default=1, parser=p)\nG = other(\"G\", default=1)\n");
        let shown = |k: &str| {
            super::shown_env_lookup(k, &m[k].value).map(|(lookup, default)| {
                default.map_or(lookup.clone(), |d| format!("{lookup} or {d}"))
            })
        };
        assert_eq!(shown("A").as_deref(), Some("int(env) or 0"));
        assert_eq!(shown("B").as_deref(), Some("env B_URL or \"http://x\""));
        assert_eq!(shown("C").as_deref(), Some("bool(env) or False"));
        assert_eq!(shown("D").as_deref(), Some("env"));
        assert_eq!(shown("E").as_deref(), Some("Csv()(env) or [1, 2]"));
        // An argument it does not name, or another call: shown as written.
        assert_eq!(shown("F"), None);
        assert_eq!(shown("G"), None);
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
