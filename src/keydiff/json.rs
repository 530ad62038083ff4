//! JSON → flat key map: `serde_json` parses and validates; a light second
//! scan over the (now known valid) text finds the line of every key.

use std::collections::HashMap;

use serde_json::Value;

use super::{
    child_key, index_key, leaf_key, quote_string, unquote_string, KeyMap, ParseError, Sink,
    MAX_DEPTH,
};

pub(super) fn parse(text: &str) -> Result<KeyMap, ParseError> {
    let value: Value = serde_json::from_str(text).map_err(|error| {
        let message = strip_position(&error.to_string());
        match (error.line(), error.column()) {
            (0, _) => ParseError::nowhere(message),
            (line, column) => ParseError::at(
                u32::try_from(line).unwrap_or(u32::MAX),
                u32::try_from(column).unwrap_or(u32::MAX),
                message,
            ),
        }
    })?;
    let lines = key_lines(text);
    let mut sink = Sink::new();
    flatten(&value, "", &lines, 1, 0, &mut sink)?;
    Ok(sink.map)
}

/// serde_json appends " at line L column C"; the position is reported apart.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(pos) => message[..pos].to_string(),
        None => message.to_string(),
    }
}

fn flatten(
    value: &Value,
    key: &str,
    lines: &HashMap<String, u32>,
    line: u32,
    depth: usize,
    sink: &mut Sink,
) -> Result<(), ParseError> {
    if depth > MAX_DEPTH {
        return Err(ParseError::at(
            line,
            1,
            format!("nesting deeper than {MAX_DEPTH} levels"),
        ));
    }
    let line_of = |child: &str| lines.get(child).copied().unwrap_or(line);
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (name, child) in map {
                let child_key = child_key(key, name);
                let child_line = line_of(&child_key);
                flatten(child, &child_key, lines, child_line, depth + 1, sink)?;
            }
            Ok(())
        }
        Value::Object(_) => sink.insert(leaf_key(key.to_string()), "{}".into(), line),
        Value::Array(items) if items.iter().any(|v| v.is_array() || v.is_object()) => {
            for (index, child) in items.iter().enumerate() {
                let child_key = index_key(key, index);
                let child_line = line_of(&child_key);
                flatten(child, &child_key, lines, child_line, depth + 1, sink)?;
            }
            Ok(())
        }
        Value::Array(items) => {
            let mut rendered = String::from("[");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    rendered.push_str(", ");
                }
                match item {
                    Value::String(s) => quote_string(&mut rendered, s),
                    other => rendered.push_str(&scalar(other)),
                }
            }
            rendered.push(']');
            sink.insert(leaf_key(key.to_string()), rendered, line)
        }
        other => sink.insert(leaf_key(key.to_string()), scalar(other), line),
    }
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() => super::render_float(f),
            _ => n.to_string(),
        },
        Value::Array(_) | Value::Object(_) => String::new(),
    }
}

enum Frame {
    Object {
        key: String,
        pending: Option<String>,
    },
    Array {
        key: String,
        next: usize,
    },
}

/// Line of every object key and array element, by flat key. The text is
/// valid JSON (serde_json accepted it), so the scan can be forgiving.
fn key_lines(text: &str) -> HashMap<String, u32> {
    let bytes = text.as_bytes();
    let mut scan = KeyScan {
        lines: HashMap::new(),
        stack: Vec::new(),
        line: 1,
    };
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => scan.line += 1,
            b'"' => i = scan.string(text, i),
            b'{' | b'[' => scan.open(bytes[i] == b'{'),
            b'}' | b']' => {
                scan.stack.pop();
            }
            b',' | b':' | b' ' | b'\t' | b'\r' => {}
            _ => i = scan.literal(bytes, i),
        }
        i += 1;
    }
    scan.lines
}

/// The state of [`key_lines`]' scan.
struct KeyScan {
    lines: HashMap<String, u32>,
    stack: Vec<Frame>,
    line: u32,
}

impl KeyScan {
    /// A value starts: the flat key it belongs to. Lines are recorded only
    /// for container elements of arrays, so that a huge array of numbers
    /// does not cost a map entry per number.
    fn value_key(&mut self, container: bool) -> Option<String> {
        match self.stack.last_mut() {
            Some(Frame::Object { pending, .. }) => pending.take(),
            Some(Frame::Array { key, next }) => {
                *next += 1;
                if !container {
                    return None;
                }
                let element = index_key(key, *next - 1);
                self.lines.entry(element.clone()).or_insert(self.line);
                Some(element)
            }
            None => Some(String::new()),
        }
    }

    /// The string starting at `start`: a key (its line recorded) or a
    /// value. Returns the offset of its closing quote.
    fn string(&mut self, text: &str, start: usize) -> usize {
        let bytes = text.as_bytes();
        let mut i = start + 1;
        while i < bytes.len() && bytes[i] != b'"' {
            if bytes[i] == b'\\' {
                i += 1;
            }
            i += 1;
        }
        let raw = text.get(start..(i + 1).min(text.len())).unwrap_or("");
        let is_key = matches!(self.stack.last(), Some(Frame::Object { pending: None, .. }))
            && next_significant(bytes, i + 1) == Some(b':');
        if !is_key {
            self.value_key(false);
        } else if let Some(Frame::Object { key, pending }) = self.stack.last_mut() {
            let flat = child_key(key, &unquote_string(raw));
            self.lines.insert(flat.clone(), self.line);
            *pending = Some(flat);
        }
        i
    }

    fn open(&mut self, object: bool) {
        let key = self.value_key(true).unwrap_or_default();
        self.stack.push(if object {
            Frame::Object { key, pending: None }
        } else {
            Frame::Array { key, next: 0 }
        });
    }

    /// A number or literal starting at `i`, consumed whole; returns the
    /// offset of its last byte.
    fn literal(&mut self, bytes: &[u8], mut i: usize) -> usize {
        self.value_key(false);
        while i + 1 < bytes.len()
            && !matches!(
                bytes[i + 1],
                b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t'
            )
        {
            i += 1;
        }
        i
    }
}

fn next_significant(bytes: &[u8], from: usize) -> Option<u8> {
    bytes
        .get(from..)?
        .iter()
        .copied()
        .find(|b| !b.is_ascii_whitespace())
}

#[cfg(test)]
mod tests {
    use super::super::{diff, parse, Format};

    #[test]
    fn flattens_with_lines() {
        let text = r#"{
  "cache": {"ttl": 60,
            "hosts": ["a", "b"]},
  "jobs": [
    {"name": "a"},
    {"name": "b", "env": {}}
  ],
  "a.b": {"c d": null},
  "esc\"q": 1.5
}"#;
        let map = parse(Format::Json, text).unwrap();
        let get = |k: &str| {
            let v = map
                .get(k)
                .unwrap_or_else(|| panic!("{k} missing in {map:?}"));
            (v.value.as_str(), v.line)
        };
        assert_eq!(get("cache.ttl"), ("60", 2));
        assert_eq!(get("cache.hosts"), ("[\"a\", \"b\"]", 3));
        assert_eq!(get("jobs[0].name"), ("a", 5));
        assert_eq!(get("jobs[1].name"), ("b", 6));
        assert_eq!(get("jobs[1].env"), ("{}", 6));
        assert_eq!(get("\"a.b\".\"c d\""), ("null", 8));
        assert_eq!(get("\"esc\\\"q\""), ("1.5", 9));
    }

    #[test]
    fn formatting_only_edits_are_not_changes() {
        let old = parse(Format::Json, r#"{"a": 1, "b": [1,2], "c": {"d": "x"}}"#).unwrap();
        let new = parse(
            Format::Json,
            "{\n  \"c\": { \"d\": \"x\" },\n  \"b\": [ 1, 2 ],\n  \"a\": 1\n}\n",
        )
        .unwrap();
        assert!(diff(&old, &new).is_empty());
    }

    #[test]
    fn root_scalar_and_errors() {
        assert_eq!(parse(Format::Json, "[1, 2]").unwrap()["$"].value, "[1, 2]");
        let error = parse(Format::Json, "{\n  \"a\": 1,\n  \"b\": }\n").unwrap_err();
        assert_eq!(error.line, Some(3));
        assert_eq!(error.column, Some(8));
        assert!(!error.message.contains("at line"));
    }

    #[test]
    fn hostile_input_is_bounded() {
        let deep = format!("{}1{}", "[".repeat(1000), "]".repeat(1000));
        assert!(parse(Format::Json, &deep).is_err());
        let deep_objects = format!("{}1{}", "{\"a\":".repeat(100), "}".repeat(100));
        let error = parse(Format::Json, &deep_objects).unwrap_err();
        assert!(error.message.contains("nesting"), "{error:?}");
        let long = format!("{{\"x\": \"{}\"}}", "y".repeat(3_000_000));
        assert_eq!(
            parse(Format::Json, &long).unwrap()["x"].value.len(),
            3_000_000
        );
        assert!(parse(Format::Json, "\u{0}\u{fffd}\u{fffd}{{").is_err());
    }
}
