//! `.env` and `.properties` → flat key map: `KEY=value`, `export KEY=value`,
//! `key: value`, quoted values (double quotes may span lines), `#`/`!`
//! comments and trailing-backslash continuations.

use super::{KeyMap, ParseError, Sink};
use crate::formats::config::{self, KeyLine};

pub(super) fn parse(text: &str) -> Result<KeyMap, ParseError> {
    let mut sink = Sink::new();
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let mut index = 0;
    while index < lines.len() {
        let number = line_number(index);
        let line = lines[index];
        index += 1;
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with('!') {
            continue;
        }
        let Some(KeyLine { key, rest, .. }) = config::env::key_line(line) else {
            let indent = line.len() - trimmed.len();
            let column = u32::try_from(indent + 1).unwrap_or(u32::MAX);
            return Err(ParseError::at(
                number,
                column,
                "expected `KEY=value` (or `export KEY=value`)",
            ));
        };
        let value = match rest.chars().next() {
            Some(quote @ ('"' | '\'' | '`')) => quoted_value(&rest[1..], quote, &lines, &mut index)
                .ok_or_else(|| {
                    let column = column_of(line, rest);
                    ParseError::at(number, column, format!("unterminated {quote}-quoted value"))
                })?,
            _ => unquoted_value(rest, &lines, &mut index),
        };
        sink.insert(key.to_string(), value, number)?;
    }
    Ok(sink.map)
}

fn line_number(index: usize) -> u32 {
    u32::try_from(index + 1).unwrap_or(u32::MAX)
}

/// 1-based column where `part` (a suffix of `line`) starts.
fn column_of(line: &str, part: &str) -> u32 {
    let offset = line.len().saturating_sub(part.len());
    let chars = line.get(..offset).map_or(offset, |s| s.chars().count());
    u32::try_from(chars + 1).unwrap_or(u32::MAX)
}

/// Unquoted: an inline comment starts at ` #`; a trailing backslash joins
/// the next line (`.properties`).
fn unquoted_value(first: &str, lines: &[&str], index: &mut usize) -> String {
    let mut value = String::new();
    let mut part = first;
    loop {
        let without_comment = match part.find(" #").or_else(|| part.find("\t#")) {
            Some(pos) => &part[..pos],
            None => part,
        };
        let text = without_comment.trim_end();
        let trailing = text.len() - text.trim_end_matches('\\').len();
        if trailing % 2 == 1 && *index < lines.len() {
            value.push_str(&text[..text.len() - 1]);
            part = lines[*index].trim_start();
            *index += 1;
            continue;
        }
        value.push_str(text);
        return value;
    }
}

/// The content of a quoted value starting after its opening quote, which
/// may run over several lines; `None` when it never closes. Double quotes
/// understand `\n`, `\t`, `\"` and `\\`; other quotes are literal.
fn quoted_value(first: &str, quote: char, lines: &[&str], index: &mut usize) -> Option<String> {
    let mut value = String::new();
    let mut part = first;
    loop {
        let mut chars = part.chars();
        while let Some(c) = chars.next() {
            if c == quote {
                return Some(value);
            }
            if c == '\\' && quote == '"' {
                match chars.next() {
                    Some('n') => value.push('\n'),
                    Some('t') => value.push('\t'),
                    Some('r') => value.push('\r'),
                    Some(other @ ('"' | '\\' | '$')) => value.push(other),
                    Some(other) => {
                        value.push('\\');
                        value.push(other);
                    }
                    None => value.push('\\'),
                }
                continue;
            }
            value.push(c);
        }
        if *index >= lines.len() {
            return None;
        }
        value.push('\n');
        part = lines[*index];
        *index += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::super::{diff, parse, Format};

    #[test]
    fn parses_assignments_with_lines() {
        let text = "\
# service config
DEBUG=false
export DATABASE_URL=\"postgres://db/app\"
NAME='it''s'
GREETING=\"line1\\nline2\"
CERT=\"-----BEGIN-----
abc
-----END-----\"
PLAIN = value # trailing comment
EMPTY=
app.name: demo
long.value = a\\
   b
";
        let map = parse(Format::Env, text).unwrap();
        let get = |k: &str| {
            let v = map
                .get(k)
                .unwrap_or_else(|| panic!("{k} missing in {map:?}"));
            (v.value.as_str(), v.line)
        };
        assert_eq!(get("DEBUG"), ("false", 2));
        assert_eq!(get("DATABASE_URL"), ("postgres://db/app", 3));
        assert_eq!(get("NAME"), ("it", 4));
        assert_eq!(get("GREETING"), ("line1\nline2", 5));
        assert_eq!(get("CERT"), ("-----BEGIN-----\nabc\n-----END-----", 6));
        assert_eq!(get("PLAIN"), ("value", 9));
        assert_eq!(get("EMPTY"), ("", 10));
        assert_eq!(get("app.name"), ("demo", 11));
        assert_eq!(get("long.value"), ("ab", 12));
    }

    #[test]
    fn formatting_only_edits_are_not_changes() {
        let old = parse(Format::Env, "A=1\nB=\"x y\"\nC='z'\n").unwrap();
        let new = parse(Format::Env, "export A = 1\n\nB='x y'\r\nC=z # note\n").unwrap();
        assert!(diff(&old, &new).is_empty(), "{:?}", diff(&old, &new));
    }

    #[test]
    fn non_assignments_are_errors_with_line() {
        let error = parse(Format::Env, "A=1\n  this is not an assignment\n").unwrap_err();
        assert_eq!((error.line, error.column), (Some(2), Some(3)));
        let error = parse(Format::Env, "A=1\nB=\"never closed\nC=3\n").unwrap_err();
        assert_eq!((error.line, error.column), (Some(2), Some(3)));
        let error = parse(Format::Env, "1ABC=x\n").unwrap_err();
        assert_eq!(error.line, Some(1));
    }

    #[test]
    fn hostile_input_is_bounded() {
        let long = format!("X={}\n", "y".repeat(3_000_000));
        assert_eq!(
            parse(Format::Env, &long).unwrap()["X"].value.len(),
            3_000_000
        );
        assert!(parse(Format::Env, "\u{0}\u{1}\u{fffd}").is_err());
        let slashes = format!("X={}\n", "\\".repeat(100_001));
        assert!(parse(Format::Env, &slashes).is_ok());
    }
}
