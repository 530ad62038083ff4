//! TOML → flat key map, via `toml_edit` so that keys keep their source spans
//! (line numbers) and parse errors carry a position.

use toml_edit::{ImDocument, InlineTable, Item, Table, Value};

use super::{
    child_key, index_key, leaf_key, quote_string, render_float, LineIndex, ParseError, Sink,
    MAX_DEPTH,
};

pub(super) fn parse(text: &str) -> Result<super::KeyMap, ParseError> {
    let lines = LineIndex::new(text);
    let document = ImDocument::parse(text).map_err(|error| {
        // One line: the report puts the message after the position.
        let message = error
            .message()
            .lines()
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(": ");
        match error.span() {
            Some(span) => {
                let (line, column) = lines.line_col(span.start);
                ParseError::at(line, column, message)
            }
            None => ParseError::nowhere(message),
        }
    })?;
    let mut walker = Walker {
        lines: &lines,
        sink: Sink::new(),
    };
    walker.table(document.as_table(), "", 0)?;
    Ok(walker.sink.map)
}

struct Walker<'a> {
    lines: &'a LineIndex<'a>,
    sink: Sink,
}

fn too_deep(line: u32) -> ParseError {
    ParseError::at(line, 1, format!("nesting deeper than {MAX_DEPTH} levels"))
}

impl Walker<'_> {
    fn line_of(&self, span: Option<std::ops::Range<usize>>, fallback: u32) -> u32 {
        span.map_or(fallback, |span| self.lines.line(span.start))
    }

    fn table(&mut self, table: &Table, prefix: &str, depth: usize) -> Result<(), ParseError> {
        let fallback = self.line_of(table.span(), 0);
        if depth > MAX_DEPTH {
            return Err(too_deep(fallback));
        }
        for (name, item) in table.iter() {
            let line = self.line_of(table.key(name).and_then(|k| k.span()), fallback);
            self.item(item, &child_key(prefix, name), line, depth + 1)?;
        }
        if table.is_empty() && !prefix.is_empty() {
            self.sink
                .insert(prefix.to_string(), "{}".into(), fallback)?;
        }
        Ok(())
    }

    fn inline_table(
        &mut self,
        table: &InlineTable,
        prefix: &str,
        line: u32,
        depth: usize,
    ) -> Result<(), ParseError> {
        if depth > MAX_DEPTH {
            return Err(too_deep(line));
        }
        for (name, value) in table.iter() {
            let key_line = self.line_of(table.key(name).and_then(|k| k.span()), line);
            self.value(value, &child_key(prefix, name), key_line, depth + 1)?;
        }
        if table.is_empty() {
            self.sink
                .insert(leaf_key(prefix.to_string()), "{}".into(), line)?;
        }
        Ok(())
    }

    fn item(&mut self, item: &Item, key: &str, line: u32, depth: usize) -> Result<(), ParseError> {
        match item {
            Item::None => Ok(()),
            Item::Value(value) => self.value(value, key, line, depth),
            Item::Table(table) => {
                if table.is_empty() {
                    self.sink.insert(key.to_string(), "{}".into(), line)?;
                    return Ok(());
                }
                self.table(table, key, depth)
            }
            Item::ArrayOfTables(array) => {
                for (index, table) in array.iter().enumerate() {
                    let element = index_key(key, index);
                    let table_line = self.line_of(table.span(), line);
                    if table.is_empty() {
                        self.sink.insert(element, "{}".into(), table_line)?;
                    } else {
                        self.table(table, &element, depth + 1)?;
                    }
                }
                Ok(())
            }
        }
    }

    fn value(
        &mut self,
        value: &Value,
        key: &str,
        line: u32,
        depth: usize,
    ) -> Result<(), ParseError> {
        if depth > MAX_DEPTH {
            return Err(too_deep(line));
        }
        match value {
            Value::InlineTable(table) => self.inline_table(table, key, line, depth),
            Value::Array(array) => {
                let scalars_only = array
                    .iter()
                    .all(|v| !matches!(v, Value::Array(_) | Value::InlineTable(_)));
                if scalars_only {
                    let mut rendered = String::from("[");
                    for (i, element) in array.iter().enumerate() {
                        if i > 0 {
                            rendered.push_str(", ");
                        }
                        match element {
                            Value::String(s) => quote_string(&mut rendered, s.value()),
                            other => rendered.push_str(&scalar(other)),
                        }
                    }
                    rendered.push(']');
                    return self.sink.insert(leaf_key(key.to_string()), rendered, line);
                }
                for (index, element) in array.iter().enumerate() {
                    let element_line = self.line_of(element.span(), line);
                    self.value(element, &index_key(key, index), element_line, depth + 1)?;
                }
                Ok(())
            }
            other => self
                .sink
                .insert(leaf_key(key.to_string()), scalar(other), line),
        }
    }
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.value().clone(),
        Value::Integer(i) => i.value().to_string(),
        Value::Float(f) => render_float(*f.value()),
        Value::Boolean(b) => b.value().to_string(),
        Value::Datetime(d) => d.value().to_string(),
        Value::Array(_) | Value::InlineTable(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{diff, parse, Format};

    fn get(text: &str, key: &str) -> (String, u32) {
        let map = parse(Format::Toml, text).unwrap();
        let value = map
            .get(key)
            .unwrap_or_else(|| panic!("{key} missing in {map:?}"));
        (value.value.clone(), value.line)
    }

    #[test]
    fn flattens_tables_with_lines() {
        let text = "title = \"svc\"\n\n[cache]\nttl = 60\nhosts = [\"a\", \"b\"]\n\n[database.default]\nhost = \"db\"\nport = 5432\n\n[servers.\"a.b\"]\nport = 1\n";
        assert_eq!(get(text, "title"), ("svc".into(), 1));
        assert_eq!(get(text, "cache.ttl"), ("60".into(), 4));
        assert_eq!(get(text, "cache.hosts"), ("[\"a\", \"b\"]".into(), 5));
        assert_eq!(get(text, "database.default.host"), ("db".into(), 8));
        assert_eq!(get(text, "database.default.port"), ("5432".into(), 9));
        assert_eq!(get(text, "servers.\"a.b\".port"), ("1".into(), 12));
    }

    #[test]
    fn arrays_of_tables_and_inline_tables() {
        let text = "[[jobs]]\nname = \"a\"\n\n[[jobs]]\nname = \"b\"\nenv = { X = 1, Y = { z = true } }\nempty = {}\n";
        assert_eq!(get(text, "jobs[0].name"), ("a".into(), 2));
        assert_eq!(get(text, "jobs[1].name"), ("b".into(), 5));
        assert_eq!(get(text, "jobs[1].env.X"), ("1".into(), 6));
        assert_eq!(get(text, "jobs[1].env.Y.z"), ("true".into(), 6));
        assert_eq!(get(text, "jobs[1].empty").0, "{}");
        let dotted = "a.b.c = 1\n";
        assert_eq!(get(dotted, "a.b.c"), ("1".into(), 1));
    }

    #[test]
    fn formatting_only_edits_are_not_changes() {
        let old = parse(
            Format::Toml,
            "[cache]\nttl = 60\nname = \"x\"\nn = 0x10\nl = [1,2]\n",
        )
        .unwrap();
        let new = parse(
            Format::Toml,
            "# comment\n[cache]\nttl   =   60\nname = 'x'\nn = 16\nl = [ 1, 2, ]\n",
        )
        .unwrap();
        assert!(diff(&old, &new).is_empty(), "{:?}", diff(&old, &new));
    }

    #[test]
    fn diff_by_key() {
        let old = parse(Format::Toml, "[cache]\nttl = 60\n[legacy]\nurl = \"x\"\n").unwrap();
        let new = parse(
            Format::Toml,
            "[cache]\nttl = 300\n[features]\nsearch_v2 = true\n",
        )
        .unwrap();
        let described: Vec<String> = diff(&old, &new)
            .iter()
            .map(super::super::describe)
            .collect();
        assert_eq!(
            described,
            vec![
                "cache.ttl 60 → 300",
                "+ features.search_v2 = true",
                "- legacy.url"
            ]
        );
    }

    #[test]
    fn errors_have_line_and_column() {
        let error = parse(Format::Toml, "[a]\nx = 1\ny = \n").unwrap_err();
        assert_eq!(error.line, Some(3));
        assert!(error.column.is_some());
        let duplicate = parse(Format::Toml, "x = 1\nx = 2\n").unwrap_err();
        assert_eq!(duplicate.line, Some(2));
        let table = parse(Format::Toml, "[a]\nb = 1\n[a]\n").unwrap_err();
        assert_eq!((table.line, table.column), (Some(3), Some(1)));
        assert!(!table.message.contains('\n'), "{table:?}");
    }

    #[test]
    fn hostile_input_is_bounded() {
        let deep = format!("x = {}1{}\n", "[".repeat(1000), "]".repeat(1000));
        assert!(parse(Format::Toml, &deep).is_err());
        let dotted = format!("{} = 1\n", vec!["a"; 5000].join("."));
        assert!(parse(Format::Toml, &dotted).is_err());
        let header = format!("[{}]\nx = 1\n", vec!["a"; 5000].join("."));
        assert!(parse(Format::Toml, &header).is_err());
        let long = format!("x = \"{}\"\n", "y".repeat(3_000_000));
        assert_eq!(
            parse(Format::Toml, &long).unwrap()["x"].value.len(),
            3_000_000
        );
        assert!(parse(Format::Toml, "\u{0}\u{1}\u{fffd}garbage[[[").is_err());
    }
}
