//! The Python reader: the assignments a file or fragment writes, each with
//! its key path, value span, value kind and line, over the one lexer.
//!
//! It understands module constants, class bodies (pydantic `BaseSettings`,
//! dataclasses, Django/Flask config classes), annotated assignments, dict
//! literals, keyword arguments, `os.environ["X"] = …`, `Field(default=…)`,
//! environment reads with a literal default (`os.getenv("X", "lit")`,
//! `os.environ.get`, `getenv(…) or "lit"`, and any call whose name says it
//! reads the environment: `envbool("DEBUG", "True")`), lists and tuples
//! across lines, and f/r/b and implicitly concatenated strings.

use super::lexer::{slice, tokenize, tokenize_lenient, Kind, LexError, Token, COMPOUND};

/// What a value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// A string written out (plain, raw, bytes, f-string without fields,
    /// implicitly concatenated).
    Str,
    Number,
    Bool,
    None,
    /// A list, tuple or set display.
    List,
    /// A read of the environment or of settings (`os.getenv(…)`,
    /// `settings.X`, `env("X")`), with or without a literal default.
    Reference,
    /// Anything computed.
    Expression,
}

/// How the assignment is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// `NAME = v`, `NAME: T = v`, `obj.NAME = v`.
    Target,
    /// `call(name=v)`.
    Keyword,
    /// `{"name": v}`.
    DictEntry,
    /// `x["NAME"] = v` (`os.environ["X"] = "…"`).
    Subscript,
}

/// A string literal as written: its value and the byte span of its content
/// in the text (from the first string's content to the last's, for
/// implicitly concatenated strings).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Literal {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone)]
pub struct Assignment {
    /// The name written to: `PORT`, `password`, `SECRET_KEY`.
    pub name: String,
    /// `Class.name` for class fields, else the name.
    pub key: String,
    pub form: Form,
    /// Byte span of the value expression.
    pub value: std::ops::Range<usize>,
    pub kind: ValueKind,
    /// The string the setting holds when nothing else sets it: the literal
    /// itself, a `Field` default or an environment read's default.
    pub literal: Option<Literal>,
    /// The literal strings of a list or tuple value, in order.
    pub items: Vec<Literal>,
    pub line: u32,
}

/// Where a logical line stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Module,
    /// A statement of a top-level class's body (not of its methods).
    Class(String),
    /// Inside a function, a compound statement or a method.
    Nested,
}

/// A logical line and its scope.
pub struct Statement {
    pub scope: Scope,
    pub tokens: Vec<Token>,
}

/// The logical lines of a file with their scope. An unterminated string or
/// bracket is an error.
pub fn statements(text: &str) -> Result<Vec<Statement>, LexError> {
    let mut out = Vec::new();
    // The top-level class whose body the lines are in, and the column of
    // that body's statements (set by its first statement).
    let mut class: Option<(String, Option<usize>)> = None;
    for tokens in tokenize(text)? {
        let Some(first) = tokens.first() else {
            continue;
        };
        let scope = if first.top_level {
            class = class_name(text, &tokens).map(|name| (name.to_string(), None));
            Scope::Module
        } else {
            let column = first.start - text[..first.start].rfind('\n').map_or(0, |i| i + 1);
            match class.as_mut() {
                Some((name, body)) => {
                    if *body.get_or_insert(column) == column {
                        Scope::Class(name.clone())
                    } else {
                        Scope::Nested
                    }
                }
                None => Scope::Nested,
            }
        };
        out.push(Statement { scope, tokens });
    }
    Ok(out)
}

/// `Name` of a `class Name(...):` line.
fn class_name<'t>(text: &'t str, tokens: &[Token]) -> Option<&'t str> {
    let (keyword, name) = (tokens.first()?, tokens.get(1)?);
    (slice(text, keyword) == "class" && name.kind == Kind::Name).then(|| slice(text, name))
}

/// Every assignment of a whole file.
pub fn read(text: &str) -> Result<Vec<Assignment>, LexError> {
    let mut out = Vec::new();
    for statement in statements(text)? {
        let class = match &statement.scope {
            Scope::Class(name) => Some(name.as_str()),
            _ => None,
        };
        out.extend(assignments(text, &statement.tokens, class));
    }
    Ok(out)
}

/// Every assignment of a fragment (one line of a file, read without its
/// neighbours): never an error.
pub fn read_fragment(text: &str) -> Vec<Assignment> {
    tokenize_lenient(text)
        .iter()
        .flat_map(|tokens| assignments(text, tokens, None))
        .collect()
}

/// The target of a `NAME = v` / `NAME: T = v` / `NAME += v` statement: the
/// name's token and where the value starts (after the last top-level `=`),
/// or the operator's index for an augmented assignment.
pub fn target(text: &str, tokens: &[Token]) -> Option<(usize, Option<usize>)> {
    let first = tokens.first()?;
    let second = tokens.get(1)?;
    let name = slice(text, first);
    if first.kind != Kind::Name || COMPOUND.contains(&name) {
        return None;
    }
    let operator = slice(text, second);
    if second.kind == Kind::Op && operator.len() >= 2 && operator.ends_with('=') {
        let comparison = matches!(operator, "==" | "!=" | "<=" | ">=" | ":=");
        return (!comparison).then_some((1, None));
    }
    if operator != "=" && operator != ":" {
        return None;
    }
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
    value_start.map(|start| (start, Some(start)))
}

/// The assignments of one logical line; `class` names the class whose body
/// it is in.
pub fn assignments(text: &str, tokens: &[Token], class: Option<&str>) -> Vec<Assignment> {
    let mut out = Vec::new();
    if let Some((_, Some(start))) = target(text, tokens) {
        let name = slice(text, &tokens[0]);
        let key = class.map_or_else(|| name.to_string(), |c| format!("{c}.{name}"));
        push(&mut out, text, name, key, Form::Target, &tokens[start..]);
    } else if let Some((name, start)) = subscript_target(text, tokens) {
        push(
            &mut out,
            text,
            &name,
            name.clone(),
            Form::Subscript,
            &tokens[start..],
        );
    }
    inner_assignments(text, tokens, &mut out);
    out
}

/// `x["NAME"] = v` / `os.environ['NAME'] = v`: the name and the value start.
fn subscript_target(text: &str, tokens: &[Token]) -> Option<(String, usize)> {
    let open = tokens.iter().position(|t| t.kind == Kind::Open)?;
    let dotted = tokens[..open]
        .iter()
        .all(|t| t.kind == Kind::Name || slice(text, t) == ".");
    let (key, close, equals) = (
        tokens.get(open + 1)?,
        tokens.get(open + 2)?,
        tokens.get(open + 3)?,
    );
    let Kind::Str(Some(name)) = &key.kind else {
        return None;
    };
    let shape = open > 0
        && dotted
        && slice(text, &tokens[open]) == "["
        && slice(text, close) == "]"
        && slice(text, equals) == "=";
    shape.then(|| (name.clone(), open + 4))
}

/// Keyword arguments and dict entries anywhere in the line.
fn inner_assignments(text: &str, tokens: &[Token], out: &mut Vec<Assignment>) {
    // The kind of each open bracket: `(` of a call, `{`, or other.
    let mut open: Vec<&str> = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        match token.kind {
            Kind::Open => open.push(slice(text, token)),
            Kind::Close => {
                open.pop();
            }
            _ => {}
        }
        let after_separator = i > 0 && matches!(slice(text, &tokens[i - 1]), "(" | "{" | ",");
        let Some(next) = tokens.get(i + 1) else {
            continue;
        };
        if !after_separator {
            continue;
        }
        let next_text = slice(text, next);
        match (&token.kind, open.last().copied()) {
            (Kind::Name, Some("(")) if next_text == "=" && next.kind == Kind::Op => {
                let name = slice(text, token);
                let value = until_separator(text, &tokens[i + 2..]);
                push(out, text, name, name.to_string(), Form::Keyword, value);
            }
            (Kind::Str(Some(name)), Some("{")) if next_text == ":" => {
                let value = until_separator(text, &tokens[i + 2..]);
                push(out, text, name, name.clone(), Form::DictEntry, value);
            }
            _ => {}
        }
    }
}

/// The tokens up to a top-level `,` or the closing bracket.
fn until_separator<'a>(text: &str, tokens: &'a [Token]) -> &'a [Token] {
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate() {
        match token.kind {
            Kind::Open => depth += 1,
            Kind::Close if depth == 0 => return &tokens[..i],
            Kind::Close => depth -= 1,
            Kind::Op if depth == 0 && slice(text, token) == "," => return &tokens[..i],
            _ => {}
        }
    }
    tokens
}

fn push(
    out: &mut Vec<Assignment>,
    text: &str,
    name: &str,
    key: String,
    form: Form,
    value: &[Token],
) {
    let (Some(first), Some(last)) = (value.first(), value.last()) else {
        return;
    };
    let (kind, literal) = value_of(text, value, 0);
    let items = if kind == ValueKind::List {
        list_items(text, value)
    } else {
        Vec::new()
    };
    out.push(Assignment {
        name: name.to_string(),
        key,
        form,
        value: first.start..last.end,
        kind,
        literal,
        items,
        line: first.line,
    });
}

/// Nesting of wrappers (`Field(default=getenv(…))`) followed at most.
const MAX_WRAPPERS: usize = 4;

/// The kind of the expression `tokens` and the literal string it amounts to.
pub fn value_of(text: &str, tokens: &[Token], depth: usize) -> (ValueKind, Option<Literal>) {
    if let Some(literal) = string_literal(text, tokens) {
        return (ValueKind::Str, Some(literal));
    }
    let Some(first) = tokens.first() else {
        return (ValueKind::Expression, None);
    };
    let word = slice(text, first);
    if tokens.len() == 1 || (tokens.len() == 2 && word == "-") {
        let last = &tokens[tokens.len() - 1];
        return match (&last.kind, slice(text, last)) {
            (Kind::Number, _) => (ValueKind::Number, None),
            (Kind::Name, "True" | "False") => (ValueKind::Bool, None),
            (Kind::Name, "None") => (ValueKind::None, None),
            (Kind::Name, _) if tokens.len() == 1 => (ValueKind::Expression, None),
            _ => (ValueKind::Expression, None),
        };
    }
    if let Some(or) = top_level_word(text, tokens, "or") {
        let (left, _) = value_of(text, &tokens[..or], depth);
        if left == ValueKind::Reference {
            let (_, default) = value_of(text, &tokens[or + 1..], depth + 1);
            return (ValueKind::Reference, default);
        }
        return (ValueKind::Expression, None);
    }
    if first.kind == Kind::Open && closes_at_end(tokens) && word != "{" {
        return (ValueKind::List, None);
    }
    if depth < MAX_WRAPPERS {
        if let Some(value) = call_value(text, tokens, depth) {
            return value;
        }
    }
    let reference = tokens.iter().any(|t| {
        let name = slice(text, t);
        t.kind == Kind::Name && (name == "settings" || name == "environ" || reads_environment(name))
    });
    if reference {
        return (ValueKind::Reference, None);
    }
    (ValueKind::Expression, None)
}

/// Whether the bracket opened by the first token closes at the last.
fn closes_at_end(tokens: &[Token]) -> bool {
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate() {
        match token.kind {
            Kind::Open => depth += 1,
            Kind::Close => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i + 1 == tokens.len();
                }
            }
            _ => {}
        }
    }
    false
}

/// The index of a top-level name token `word` (`or`, `and`).
fn top_level_word(text: &str, tokens: &[Token], word: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate() {
        match token.kind {
            Kind::Open => depth += 1,
            Kind::Close => depth = depth.saturating_sub(1),
            Kind::Name if depth == 0 && slice(text, token) == word => return Some(i),
            _ => {}
        }
    }
    None
}

/// Whether a callee's name says it reads the environment: `getenv`,
/// `environ.get`, `env`, `env.str`, `envbool`, `get_env_secret`, `config`
/// (python-decouple).
pub fn reads_environment(callee: &str) -> bool {
    let lower = callee.to_ascii_lowercase();
    let mut segments = lower.rsplit('.');
    let last = segments.next().unwrap_or_default();
    let before = segments.next().unwrap_or_default();
    last.contains("env") || before == "environ" || before == "env" || last == "config"
}

/// A call at the start of an expression: `callee(args)`.
struct Call<'a> {
    callee: String,
    args: Vec<&'a [Token]>,
    /// Index of the first token after the call's `)` (the token count when
    /// a fragment ends inside the call).
    after: usize,
}

impl Call<'_> {
    fn keyword(&self, text: &str, name: &str) -> Option<&[Token]> {
        self.args.iter().find_map(|arg| {
            (arg.len() > 2 && slice(text, &arg[0]) == name && slice(text, &arg[1]) == "=")
                .then(|| &arg[2..])
        })
    }

    fn positional(&self, text: &str, index: usize) -> Option<&[Token]> {
        self.args
            .iter()
            .filter(|arg| !(arg.len() > 1 && slice(text, &arg[1]) == "="))
            .nth(index)
            .copied()
    }

    /// The default an environment read falls back to: `default=` or the
    /// second positional argument.
    fn default(&self, text: &str) -> Option<&[Token]> {
        self.keyword(text, "default")
            .or_else(|| self.positional(text, 1))
    }
}

/// The call `tokens` start with: a dotted name, then `(`.
fn call_at<'a>(text: &str, tokens: &'a [Token]) -> Option<Call<'a>> {
    let open = tokens.iter().position(|t| t.kind == Kind::Open)?;
    let dotted = open > 0
        && tokens[..open]
            .iter()
            .all(|t| t.kind == Kind::Name || slice(text, t) == ".");
    if !dotted || slice(text, &tokens[open]) != "(" {
        return None;
    }
    let mut depth = 0usize;
    let mut close = None;
    for (i, token) in tokens.iter().enumerate().skip(open) {
        match token.kind {
            Kind::Open => depth += 1,
            Kind::Close => {
                depth -= 1;
                if depth == 0 {
                    close = Some(i);
                    break;
                }
            }
            _ => {}
        }
    }
    // A fragment may end inside the call: its arguments run to the end.
    let (inside, after) = match close {
        Some(close) => (&tokens[open + 1..close], close + 1),
        None => (&tokens[open + 1..], tokens.len()),
    };
    Some(Call {
        callee: tokens[..open].iter().map(|t| slice(text, t)).collect(),
        args: arguments(text, inside),
        after,
    })
}

/// `callee(args)` as a whole expression: `Field(default=X)` is X;
/// an environment read is a reference with the default's literal.
fn call_value(text: &str, tokens: &[Token], depth: usize) -> Option<(ValueKind, Option<Literal>)> {
    let call = call_at(text, tokens)?;
    if call.after != tokens.len() {
        return None;
    }
    let last = call.callee.rsplit('.').next().unwrap_or_default();
    if last == "Field" || last == "field" {
        let default = call
            .keyword(text, "default")
            .or_else(|| call.positional(text, 0))?;
        return Some(value_of(text, default, depth + 1));
    }
    if !reads_environment(&call.callee) {
        return None;
    }
    let literal = call
        .default(text)
        .and_then(|d| value_of(text, d, depth + 1).1);
    Some((ValueKind::Reference, literal))
}

/// For an expression that starts with an environment read
/// (`os.getenv("X", "1").lower() == "true"`): the byte span of the read's
/// default as written, and the offset where the read ends. `None` when the
/// expression does not start with an environment read of a named variable
/// with a default.
pub fn environment_default(text: &str) -> Option<(std::ops::Range<usize>, usize)> {
    let lines = tokenize_lenient(text);
    let tokens = lines.first()?;
    let call = call_at(text, tokens)?;
    let named = call.positional(text, 0).is_some_and(|name| {
        matches!(
            name,
            [Token {
                kind: Kind::Str(_),
                ..
            }]
        )
    });
    if !reads_environment(&call.callee) || !named {
        return None;
    }
    let default = call.default(text)?;
    let (first, last) = (default.first()?, default.last()?);
    let end = tokens.get(call.after - 1).map_or(text.len(), |t| t.end);
    Some((first.start..last.end, end))
}

/// The top-level comma-separated arguments of a call's inside.
fn arguments<'a>(text: &str, mut tokens: &'a [Token]) -> Vec<&'a [Token]> {
    let mut out = Vec::new();
    while !tokens.is_empty() {
        let arg = until_separator(text, tokens);
        if !arg.is_empty() {
            out.push(arg);
        }
        tokens = tokens.get(arg.len() + 1..).unwrap_or(&[]);
    }
    out
}

/// The literal strings of a list or tuple display (one level).
fn list_items(text: &str, tokens: &[Token]) -> Vec<Literal> {
    let inner = &tokens[1..tokens.len().saturating_sub(1).max(1)];
    arguments(text, inner)
        .into_iter()
        .filter_map(|item| string_literal(text, item))
        .collect()
}

/// The value of `tokens` when they are only string literals (implicitly
/// concatenated); `None` for an f-string with a field.
fn string_literal(text: &str, tokens: &[Token]) -> Option<Literal> {
    let mut value = String::new();
    let mut span: Option<(usize, usize)> = None;
    for token in tokens {
        let Kind::Str(decoded) = &token.kind else {
            return None;
        };
        let (start, end) = content_span(text, token);
        let raw = text.get(start..end).unwrap_or("");
        let prefix = text.get(token.start..token.end).unwrap_or("");
        let formatted = prefix
            .bytes()
            .take_while(|b| *b != b'"' && *b != b'\'')
            .any(|b| b == b'f' || b == b'F');
        if formatted && raw.contains('{') {
            return None;
        }
        value.push_str(decoded.as_deref().unwrap_or(raw));
        span = Some(span.map_or((start, end), |(s, _)| (s, end)));
    }
    let (start, end) = span?;
    Some(Literal {
        text: value,
        start,
        end,
    })
}

/// The byte span of a string token's content, without prefix and quotes.
fn content_span(text: &str, token: &Token) -> (usize, usize) {
    let written = text.get(token.start..token.end).unwrap_or("");
    let quote_at = written.find(['"', '\'']).unwrap_or(0);
    let quote = written.as_bytes().get(quote_at).copied().unwrap_or(b'"');
    let bytes = written.as_bytes();
    let triple = bytes.get(quote_at + 1) == Some(&quote) && bytes.get(quote_at + 2) == Some(&quote);
    let quotes = if triple && written.len() >= quote_at + 6 {
        3
    } else {
        1
    };
    let start = token.start + quote_at + quotes;
    let closed = written.len() >= quote_at + 2 * quotes && written.ends_with(quote as char);
    let end = if closed {
        token.end - quotes
    } else {
        token.end
    };
    (start.min(end), end)
}
