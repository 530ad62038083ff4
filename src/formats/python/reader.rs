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
    /// `NAME = v`, `NAME: T = v`, each name of `A = B = v`.
    Target,
    /// `obj.NAME = v` (`app.debug = True`): the key is the dotted target.
    Attribute,
    /// `call(name=v)`.
    Keyword,
    /// `{"name": v}`.
    DictEntry,
    /// `x["NAME"] = v` (`os.environ["X"] = "…"`, `a["b"]["NAME"] = v`).
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
    /// Byte offset of the name as written (inside the quotes of a string
    /// key).
    pub name_at: usize,
    /// The call the assignment is an argument of: a keyword argument's
    /// callee, or for a dict entry the innermost call around the dict, as
    /// its dotted name (`app.run`, `.__init__`). `None` for a target, and
    /// for the parameters of a `def`/`class` header or a bare tuple.
    pub call: Option<String>,
    /// Byte span of the value expression.
    pub value: std::ops::Range<usize>,
    /// Byte span of the expression the setting holds: the value, or the
    /// default of a `Field(…)` / `field(…)`.
    pub held: std::ops::Range<usize>,
    pub kind: ValueKind,
    /// The string the setting holds when nothing else sets it: the literal
    /// itself, a `Field` default or an environment read's default.
    pub literal: Option<Literal>,
    /// The literal strings of a list or tuple value, in order.
    pub items: Vec<Literal>,
    /// Whether the held expression is written out: a string (without
    /// f-string fields), number, bool or `None` ([`ValueKind`]), or a
    /// container, arithmetic or `timedelta(…)` of those; never a reference
    /// to the environment or settings.
    pub constant: bool,
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
/// name's token and where the value starts (after the last `=` of a chain
/// `NAME = B = v`), or the operator's index for an augmented assignment.
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
    let (_, start) = targets(text, tokens)?;
    Some((start, Some(start)))
}

/// One target of an assignment: how it is written and its tokens.
type Target<'a> = (Form, &'a [Token]);

/// The targets of an assignment statement and the index where its value
/// starts: `A = B = v` has two, `obj.attr = v` and `x["K"] = v` one each.
/// A chain ends at the first part that is no target, so the `=` of
/// `A = lambda x=1: x` belongs to the value.
fn targets<'a>(text: &str, tokens: &'a [Token]) -> Option<(Vec<Target<'a>>, usize)> {
    let first = tokens.first()?;
    if first.kind != Kind::Name || COMPOUND.contains(&slice(text, first)) {
        return None;
    }
    let mut found = Vec::new();
    let (mut depth, mut from) = (0usize, 0usize);
    for (i, token) in tokens.iter().enumerate() {
        match token.kind {
            Kind::Open => depth += 1,
            Kind::Close => depth = depth.saturating_sub(1),
            Kind::Op if depth == 0 && slice(text, token) == "=" => {
                let Some(form) = target_form(text, &tokens[from..i], found.is_empty()) else {
                    break;
                };
                found.push((form, &tokens[from..i]));
                from = i + 1;
            }
            _ => {}
        }
    }
    (!found.is_empty() && from < tokens.len()).then_some((found, from))
}

/// What kind of target `part` (the tokens before an `=`) is: a name
/// (annotated when `first`), a dotted attribute, or a subscript by a string.
fn target_form(text: &str, part: &[Token], first: bool) -> Option<Form> {
    let is = |i: usize, s: &str| part.get(i).is_some_and(|t| slice(text, t) == s);
    let name = |i: usize| part.get(i).is_some_and(|t| t.kind == Kind::Name);
    if part.len() == 1 && name(0) {
        return Some(Form::Target);
    }
    if first && name(0) && is(1, ":") {
        return Some(Form::Target);
    }
    let dotted = part.len() >= 3
        && part.len() % 2 == 1
        && (0..part.len()).all(|i| if i % 2 == 0 { name(i) } else { is(i, ".") });
    if dotted {
        return Some(Form::Attribute);
    }
    let n = part.len();
    let subscript = n >= 4
        && is(n - 3, "[")
        && is(n - 1, "]")
        && matches!(part[n - 2].kind, Kind::Str(Some(_)))
        && matches!(part[n - 4].kind, Kind::Name | Kind::Close);
    subscript.then_some(Form::Subscript)
}

/// The assignments of one logical line; `class` names the class whose body
/// it is in.
pub fn assignments(text: &str, tokens: &[Token], class: Option<&str>) -> Vec<Assignment> {
    let mut out = Vec::new();
    let statement = compound_body(text, tokens).unwrap_or(tokens);
    if let Some((found, start)) = targets(text, statement) {
        // A chain's names nearest the value first: `TEMPLATE_DEBUG` of
        // `DEBUG = TEMPLATE_DEBUG = True` is the one a line reports, as
        // before the reader read chains.
        for (form, part) in found.into_iter().rev() {
            let (name, name_at, key) = match form {
                Form::Attribute => {
                    let last = &part[part.len() - 1];
                    let key = part.iter().map(|t| slice(text, t)).collect();
                    (slice(text, last).to_string(), last.start, key)
                }
                Form::Subscript => {
                    let key = &part[part.len() - 2];
                    let Kind::Str(Some(name)) = &key.kind else {
                        continue;
                    };
                    (name.clone(), content_span(text, key).0, name.clone())
                }
                _ => {
                    let name = slice(text, &part[0]);
                    let key = class.map_or_else(|| name.to_string(), |c| format!("{c}.{name}"));
                    (name.to_string(), part[0].start, key)
                }
            };
            let written = Written {
                name: &name,
                name_at,
                key,
                form,
                call: None,
            };
            push(&mut out, text, written, &statement[start..]);
        }
    }
    inner_assignments(text, tokens, &mut out);
    out
}

/// The statement after the header of a one-line compound statement:
/// `X = 1` of `if DEV: X = 1`.
fn compound_body<'a>(text: &str, tokens: &'a [Token]) -> Option<&'a [Token]> {
    let first = tokens.first()?;
    if first.kind != Kind::Name || !COMPOUND.contains(&slice(text, first)) {
        return None;
    }
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate() {
        match token.kind {
            Kind::Open => depth += 1,
            Kind::Close => depth = depth.saturating_sub(1),
            Kind::Op if depth == 0 && slice(text, token) == ":" => {
                return tokens.get(i + 1..).filter(|body| !body.is_empty());
            }
            _ => {}
        }
    }
    None
}

/// The dotted name called by the `(` at `open` (`app.run`, `.__init__`), or
/// `None` for a `def`/`class` header or a bare tuple.
fn callee(text: &str, tokens: &[Token], open: usize) -> Option<String> {
    let is_name = |i: usize| tokens[i].kind == Kind::Name;
    if open == 0 || !is_name(open - 1) {
        return None;
    }
    let mut from = open - 1;
    while from > 0 && slice(text, &tokens[from - 1]) == "." {
        from -= 1;
        if from > 0 && is_name(from - 1) {
            from -= 1;
        } else {
            break;
        }
    }
    let header = from > 0 && matches!(slice(text, &tokens[from - 1]), "def" | "class" | "lambda");
    (!header).then(|| tokens[from..open].iter().map(|t| slice(text, t)).collect())
}

/// Keyword arguments and dict entries anywhere in the line.
fn inner_assignments(text: &str, tokens: &[Token], out: &mut Vec<Assignment>) {
    // Each open bracket, and for a `(` the call it opens.
    let mut open: Vec<(&str, Option<String>)> = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        match token.kind {
            Kind::Open => {
                let bracket = slice(text, token);
                let call = (bracket == "(").then(|| callee(text, tokens, i)).flatten();
                open.push((bracket, call));
            }
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
        let (bracket, call) = open.last().map_or(("", None), |(b, c)| (*b, c.clone()));
        let value = || until_separator(text, &tokens[i + 2..]);
        match &token.kind {
            Kind::Name if bracket == "(" && next_text == "=" && next.kind == Kind::Op => {
                let name = slice(text, token);
                let written = Written {
                    name,
                    name_at: token.start,
                    key: name.to_string(),
                    form: Form::Keyword,
                    call,
                };
                push(out, text, written, value());
            }
            Kind::Str(Some(name)) if bracket == "{" && next_text == ":" => {
                // A dict handed to a call is that call's options.
                let call = open.iter().rev().find(|(b, _)| *b == "(");
                let written = Written {
                    name,
                    name_at: content_span(text, token).0,
                    key: name.clone(),
                    form: Form::DictEntry,
                    call: call.and_then(|(_, c)| c.clone()),
                };
                push(out, text, written, value());
            }
            _ => {}
        }
    }
}

/// The calls `name` is handed to as their options, by `f(**name)` or
/// `f(…, options=name)`: their dotted callees, in file order.
pub fn calls_given(text: &str, name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for tokens in tokenize_lenient(text) {
        let mut open: Vec<Option<String>> = Vec::new();
        for (i, token) in tokens.iter().enumerate() {
            match token.kind {
                Kind::Open => {
                    let paren = slice(text, token) == "(";
                    open.push(paren.then(|| callee(text, &tokens, i)).flatten());
                }
                Kind::Close => {
                    open.pop();
                }
                _ => {}
            }
            let (Some(Some(call)), Some(next)) = (open.last(), tokens.get(i + 1)) else {
                continue;
            };
            let handed = match slice(text, token) {
                "**" => true,
                "=" => i > 0 && slice(text, &tokens[i - 1]) == "options",
                _ => false,
            };
            if handed && next.kind == Kind::Name && slice(text, next) == name {
                out.push(call.clone());
            }
        }
    }
    out
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

/// What is written to, and how: an assignment without its value.
struct Written<'n> {
    name: &'n str,
    name_at: usize,
    key: String,
    form: Form,
    call: Option<String>,
}

fn push(out: &mut Vec<Assignment>, text: &str, written: Written<'_>, value: &[Token]) {
    let (Some(first), Some(last)) = (value.first(), value.last()) else {
        return;
    };
    let held_tokens = call_at(text, value)
        .filter(|call| call.after == value.len())
        .and_then(|call| field_default(text, &call))
        .unwrap_or(value);
    let (kind, literal) = value_of(text, value, 0);
    let items = if kind == ValueKind::List {
        list_items(text, value)
    } else {
        Vec::new()
    };
    let held = match (held_tokens.first(), held_tokens.last()) {
        (Some(a), Some(b)) => a.start..b.end,
        _ => first.start..last.end,
    };
    out.push(Assignment {
        name: written.name.to_string(),
        key: written.key,
        form: written.form,
        name_at: written.name_at,
        call: written.call,
        value: first.start..last.end,
        held,
        kind,
        literal,
        items,
        constant: constant(text, held_tokens, kind),
        line: first.line,
    });
}

/// Names a written-out value may use: `True`/`False`/`None` and
/// `timedelta(days=…)`-style durations.
const CONSTANT_NAMES: &[&str] = &[
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

/// Whether an expression of `kind` is written out (see
/// [`Assignment::constant`]). Containers and arithmetic are judged token by
/// token: strings without fields, numbers, [`CONSTANT_NAMES`], brackets and
/// the operators of arithmetic, slices and keyword arguments.
fn constant(text: &str, tokens: &[Token], kind: ValueKind) -> bool {
    match kind {
        ValueKind::Str | ValueKind::Number | ValueKind::Bool | ValueKind::None => true,
        ValueKind::Reference => false,
        ValueKind::List | ValueKind::Expression => tokens.iter().all(|token| match &token.kind {
            Kind::Str(_) => string_literal(text, std::slice::from_ref(token)).is_some(),
            Kind::Number | Kind::Open | Kind::Close => true,
            Kind::Name => CONSTANT_NAMES.contains(&slice(text, token)),
            Kind::Op => slice(text, token)
                .bytes()
                .all(|b| b",:+-*/%.=\\".contains(&b)),
        }),
    }
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

impl<'a> Call<'a> {
    fn keyword(&self, text: &str, name: &str) -> Option<&'a [Token]> {
        self.args.iter().copied().find_map(|arg| {
            (arg.len() > 2 && slice(text, &arg[0]) == name && slice(text, &arg[1]) == "=")
                .then(|| &arg[2..])
        })
    }

    fn positional(&self, text: &str, index: usize) -> Option<&'a [Token]> {
        self.args
            .iter()
            .filter(|arg| !(arg.len() > 1 && slice(text, &arg[1]) == "="))
            .nth(index)
            .copied()
    }

    /// The default an environment read falls back to: `default=` or the
    /// second positional argument.
    fn default(&self, text: &str) -> Option<&'a [Token]> {
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
    if let Some(default) = field_default(text, &call) {
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

/// The default of a `Field(…)` / `field(…)` call: `default=` or the first
/// positional argument.
fn field_default<'a>(text: &str, call: &Call<'a>) -> Option<&'a [Token]> {
    let last = call.callee.rsplit('.').next().unwrap_or_default();
    if last != "Field" && last != "field" {
        return None;
    }
    call.keyword(text, "default")
        .or_else(|| call.positional(text, 0))
}

/// The value a setting that reads the environment takes where the variable
/// is unset, as written: the literal default of an environment read of a
/// named variable (`os.getenv("X", "1")`, `env.bool("X", default=True)`,
/// `envbool("X", "True")`) or of `getenv("X") or "1"`, followed through
/// `.lower()` / `.upper()` / `.strip()` and a comparison with string
/// literals (`== "true"`, `in ("1", "yes")`: then `True` or `False`).
/// `None` for any other expression.
pub fn unset_value(text: &str) -> Option<String> {
    let lines = tokenize_lenient(text);
    let tokens = lines.first()?;
    if let Some(or) = top_level_word(text, tokens, "or") {
        let (read, fallback) = (&tokens[..or], &tokens[or + 1..]);
        let read_call = call_at(text, read)?;
        let whole = read_call.after == read.len() && reads_environment(&read_call.callee);
        return (whole && written_out(text, fallback)).then(|| spanned(text, fallback));
    }
    let call = call_at(text, tokens)?;
    let named = matches!(
        call.positional(text, 0),
        Some([Token {
            kind: Kind::Str(_),
            ..
        }])
    );
    if !reads_environment(&call.callee) || !named {
        return None;
    }
    let default = call.default(text)?;
    if !written_out(text, default) {
        return None;
    }
    fold_comparison(text, spanned(text, default), &tokens[call.after..])
}

/// Whether `tokens` are a non-empty written-out expression.
fn written_out(text: &str, tokens: &[Token]) -> bool {
    let (kind, _) = value_of(text, tokens, 0);
    !tokens.is_empty() && constant(text, tokens, kind)
}

/// The text from the first token to the last.
fn spanned(text: &str, tokens: &[Token]) -> String {
    match (tokens.first(), tokens.last()) {
        (Some(a), Some(b)) => text.get(a.start..b.end).unwrap_or("").to_string(),
        _ => String::new(),
    }
}

/// `value` followed through the string methods and comparison in `rest`.
fn fold_comparison(text: &str, mut value: String, mut rest: &[Token]) -> Option<String> {
    while let [dot, method, open, close, tail @ ..] = rest {
        let call = [dot, method, open, close].map(|t| slice(text, t));
        match call {
            [".", "lower", "(", ")"] => value = value.to_lowercase(),
            [".", "upper", "(", ")"] => value = value.to_uppercase(),
            [".", "strip", "(", ")"] => {}
            _ => break,
        }
        rest = tail;
    }
    let Some(operator) = rest.first() else {
        return Some(value);
    };
    let (negate, options) = match (slice(text, operator), rest.get(1).map(|t| slice(text, t))) {
        ("==", _) => (false, &rest[1..]),
        ("!=", _) => (true, &rest[1..]),
        ("not", Some("in")) => (true, &rest[2..]),
        ("in", _) => (false, &rest[1..]),
        _ => return None,
    };
    let options = match options {
        [first, .., _] if first.kind == Kind::Open && closes_at_end(options) => {
            &options[1..options.len() - 1]
        }
        _ => options,
    };
    let mut words = Vec::new();
    for option in arguments(text, options) {
        match option {
            [Token {
                kind: Kind::Str(Some(word)),
                ..
            }] if slice(text, &option[0]).starts_with(['"', '\'']) => words.push(word.as_str()),
            _ => return None,
        }
    }
    let unquoted = crate::formats::unquote(&value);
    let hit = words.contains(&unquoted);
    (!words.is_empty()).then(|| if hit != negate { "True" } else { "False" }.to_string())
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
