//! INI → flat key map: `[section]` headers, `key = value` or `key: value`,
//! `;`/`#` comment lines, indented continuation lines (configparser style).

use super::{child_key, KeyMap, ParseError, Sink};
use crate::formats::config::ini::key_line;
use crate::formats::strip_quotes;

pub(super) fn parse(text: &str) -> Result<KeyMap, ParseError> {
    let mut sink = Sink::new();
    let mut section = String::new();
    // The entry a continuation line would extend.
    let mut current: Option<(String, String, u32)> = None;
    for (index, raw) in text.split('\n').enumerate() {
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let trimmed = line.trim();
        if trimmed.is_empty() {
            flush(&mut sink, &mut current)?;
            continue;
        }
        if trimmed.starts_with(';') || trimmed.starts_with('#') {
            continue;
        }
        let indented = line.starts_with([' ', '\t']);
        if indented {
            if let Some((_, value, _)) = current.as_mut() {
                if !value.is_empty() {
                    value.push('\n');
                }
                value.push_str(trimmed);
                continue;
            }
        }
        flush(&mut sink, &mut current)?;
        if let Some(rest) = trimmed.strip_prefix('[') {
            let column = column_of(line, line.len() - line.trim_start().len());
            let Some(close) = rest.find(']') else {
                return Err(ParseError::at(number, column, "section header without `]`"));
            };
            let after = rest[close + 1..].trim();
            if !(after.is_empty() || after.starts_with(';') || after.starts_with('#')) {
                return Err(ParseError::at(
                    number,
                    column,
                    "unexpected text after section header",
                ));
            }
            section = rest[..close].trim().to_string();
            continue;
        }
        let (key, value) = match key_line(trimmed) {
            Some(k) => (k.key, strip_quotes(k.rest.trim_end())),
            None => (trimmed, ""),
        };
        if key.is_empty() {
            let column = column_of(line, line.len() - line.trim_start().len());
            return Err(ParseError::at(number, column, "assignment without a key"));
        }
        let flat = if section.is_empty() {
            child_key("", key)
        } else {
            child_key(&child_key("", &section), key)
        };
        current = Some((flat, value.to_string(), number));
    }
    flush(&mut sink, &mut current)?;
    Ok(sink.map)
}

fn flush(sink: &mut Sink, current: &mut Option<(String, String, u32)>) -> Result<(), ParseError> {
    match current.take() {
        Some((key, value, line)) => sink.insert(key, value, line),
        None => Ok(()),
    }
}

/// 1-based column of byte offset `offset` in `line`.
fn column_of(line: &str, offset: usize) -> u32 {
    let chars = line.get(..offset).map_or(offset, |s| s.chars().count());
    u32::try_from(chars + 1).unwrap_or(u32::MAX)
}

/// Whether a `.conf` file reads as INI: the first meaningful line is a
/// section header and no line is a block opener/closer or a bare directive.
pub(super) fn looks_like_ini(text: &str) -> bool {
    let mut first = true;
    for line in text.lines().take(2000) {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with(';') || trimmed.starts_with('#') {
            continue;
        }
        if first {
            if !(trimmed.starts_with('[') && trimmed.contains(']')) {
                return false;
            }
            first = false;
            continue;
        }
        if line.starts_with([' ', '\t']) || trimmed.starts_with('[') {
            continue;
        }
        if trimmed.ends_with('{') || trimmed.ends_with(';') || !trimmed.contains(['=', ':']) {
            return false;
        }
    }
    !first
}

#[cfg(test)]
mod tests {
    use super::super::{diff, parse, Format};

    #[test]
    fn flattens_sections_with_lines() {
        let text = "\
top = 1
; comment
[alembic]
script_location = migrations
sqlalchemy.url: postgresql://db/app

[loggers]
keys = root,
    sqlalchemy,
    alembic
[flags]
bare
";
        let map = parse(Format::Ini, text).unwrap();
        let get = |k: &str| {
            let v = map
                .get(k)
                .unwrap_or_else(|| panic!("{k} missing in {map:?}"));
            (v.value.as_str(), v.line)
        };
        assert_eq!(get("top"), ("1", 1));
        assert_eq!(get("alembic.script_location"), ("migrations", 4));
        assert_eq!(
            get("alembic.\"sqlalchemy.url\""),
            ("postgresql://db/app", 5)
        );
        assert_eq!(get("loggers.keys"), ("root,\nsqlalchemy,\nalembic", 8));
        assert_eq!(get("flags.bare"), ("", 12));
    }

    #[test]
    fn formatting_only_edits_are_not_changes() {
        let old = parse(Format::Ini, "[a]\nx=1\ny = \"q\"\n").unwrap();
        let new = parse(Format::Ini, "[a]\r\n# note\r\nx   =   1\r\ny: 'q'\r\n").unwrap();
        assert!(diff(&old, &new).is_empty(), "{:?}", diff(&old, &new));
    }

    #[test]
    fn errors_have_line_and_column() {
        let error = parse(Format::Ini, "[a]\n\n[broken\n").unwrap_err();
        assert_eq!((error.line, error.column), (Some(3), Some(1)));
        let error = parse(Format::Ini, "[a]\n = 1\n").unwrap_err();
        assert_eq!(error.line, Some(2));
    }

    #[test]
    fn hostile_input_is_bounded() {
        let long = format!("[s]\nx = {}\n", "y".repeat(3_000_000));
        assert_eq!(
            parse(Format::Ini, &long).unwrap()["s.x"].value.len(),
            3_000_000
        );
        assert!(parse(Format::Ini, "\u{0}\u{1}\u{fffd}").is_ok());
    }
}
