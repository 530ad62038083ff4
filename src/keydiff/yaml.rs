//! YAML → flat key map from `yaml_rust2`'s event stream. Aliases are never
//! expanded (rendered `*name`), so alias bombs stay as small as their text;
//! nesting is bounded by `MAX_DEPTH`.

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::{
    child_key, index_key, leaf_key, quote_string, unquote_string, KeyMap, KeyValue, LineIndex,
    ParseError, Sink, MAX_DEPTH, MAX_KEYS,
};

enum Frame {
    Map {
        key: String,
        /// Flat key and line of the entry whose value comes next.
        pending: Option<(String, u32)>,
        line: u32,
        entries: usize,
    },
    Seq {
        key: String,
        line: u32,
        /// Rendered scalars while every element so far is a scalar.
        scalars: Option<Vec<(String, u32)>>,
        next: usize,
    },
    /// Content of a complex (non-scalar) mapping key: ignored.
    Skip { depth: usize },
}

/// The flat entries of every document, in order: (document number, key,
/// value).
type Entries = Vec<(usize, String, KeyValue)>;

/// Parse in three stages: refuse NUL, read the event stream into entries,
/// then key the entries (by document when there are several).
pub(super) fn parse(text: &str) -> Result<KeyMap, ParseError> {
    let lines = LineIndex::new(text);
    refuse_nul(text, &lines)?;
    let entries = read_events(text, &lines)?;
    key_map(entries)
}

/// The scanner takes NUL for end of input and would silently ignore the
/// rest of the file; YAML does not allow it anyway.
fn refuse_nul(text: &str, lines: &LineIndex) -> Result<(), ParseError> {
    match text.find('\0') {
        Some(pos) => {
            let (line, column) = lines.line_col(pos);
            Err(ParseError::at(
                line,
                column,
                "NUL character is not allowed in YAML",
            ))
        }
        None => Ok(()),
    }
}

/// The entries of the event stream.
fn read_events(text: &str, lines: &LineIndex) -> Result<Entries, ParseError> {
    let mut parser = Parser::new_from_str(text);
    let mut reader = EventReader {
        stack: Vec::new(),
        entries: Vec::new(),
        documents: 0,
    };
    loop {
        let (event, mark) = parser.next_token().map_err(|error| {
            let marker = error.marker();
            ParseError::at(
                to_u32(marker.line()),
                to_u32(marker.col() + 1),
                error.info(),
            )
        })?;
        if matches!(event, Event::StreamEnd) {
            return Ok(reader.entries);
        }
        reader.event(event, &mark, lines)?;
    }
}

/// The open mappings and sequences, and what has been read so far.
struct EventReader {
    stack: Vec<Frame>,
    entries: Entries,
    documents: usize,
}

impl EventReader {
    fn event(&mut self, event: Event, mark: &Marker, lines: &LineIndex) -> Result<(), ParseError> {
        let line = to_u32(mark.line());
        let (stack, entries, documents) = (&mut self.stack, &mut self.entries, self.documents);
        match event {
            Event::DocumentStart => {
                self.documents += 1;
                stack.clear();
                Ok(())
            }
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => Ok(()),
            Event::Scalar(value, style, anchor, tag) => {
                // An empty document (a stray `---`) is no document.
                let empty_root = stack.is_empty()
                    && value.is_empty()
                    && style == TScalarStyle::Plain
                    && anchor == 0
                    && tag.is_none();
                if empty_root {
                    return Ok(());
                }
                let rendered = render_scalar(&value, style, tag.as_ref());
                let quoted = quoted_form(&value, style, &rendered);
                place(stack, rendered, quoted, line, documents, entries)
            }
            Event::Alias(_) => {
                let name = alias_name(lines, mark);
                place(stack, name.clone(), name, line, documents, entries)
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(ParseError::at(
                        line,
                        to_u32(mark.col() + 1),
                        format!("nesting deeper than {MAX_DEPTH} levels"),
                    ));
                }
                let is_map = matches!(event, Event::MappingStart(..));
                let frame = open(stack, is_map, line, documents, entries)?;
                stack.push(frame);
                Ok(())
            }
            Event::MappingEnd | Event::SequenceEnd => close(stack, documents, entries),
        }
    }
}

/// The key map of the entries; with several documents, each key starts
/// with its document's index (`[1].app.debug`).
fn key_map(entries: Entries) -> Result<KeyMap, ParseError> {
    let mut sink = Sink::new();
    let several = entries
        .first()
        .is_some_and(|(first, _, _)| entries.iter().any(|(d, _, _)| d != first));
    for (document, key, value) in entries {
        let key = if several {
            match key.as_str() {
                "$" => format!("[{}]", document - 1),
                k if k.starts_with('[') => format!("[{}]{k}", document - 1),
                k => format!("[{}].{k}", document - 1),
            }
        } else {
            key
        };
        sink.insert(key, value.value, value.line)?;
    }
    Ok(sink.map)
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn push_entry(
    entries: &mut Entries,
    document: usize,
    key: String,
    value: String,
    line: u32,
) -> Result<(), ParseError> {
    if entries.len() >= MAX_KEYS {
        return Err(ParseError::nowhere(format!(
            "more than {MAX_KEYS} keys; refusing to parse further"
        )));
    }
    entries.push((document, leaf_key(key), KeyValue { value, line }));
    Ok(())
}

/// Put a scalar (`rendered` as a leaf, `quoted` as an array element) where
/// the innermost open node expects it.
fn place(
    stack: &mut [Frame],
    rendered: String,
    quoted: String,
    line: u32,
    document: usize,
    entries: &mut Entries,
) -> Result<(), ParseError> {
    match stack.last_mut() {
        None => push_entry(entries, document, String::new(), rendered, line),
        Some(Frame::Skip { .. }) => Ok(()),
        Some(Frame::Map {
            key,
            pending,
            entries: count,
            ..
        }) => match pending.take() {
            None => {
                *pending = Some((child_key(key, &rendered), line));
                *count += 1;
                Ok(())
            }
            Some((flat, key_line)) => push_entry(entries, document, flat, rendered, key_line),
        },
        Some(Frame::Seq {
            key, scalars, next, ..
        }) => {
            let index = *next;
            *next += 1;
            match scalars {
                Some(list) => {
                    if list.len() >= MAX_KEYS {
                        return Err(ParseError::nowhere("sequence too long"));
                    }
                    list.push((quoted, line));
                    Ok(())
                }
                None => push_entry(entries, document, index_key(key, index), rendered, line),
            }
        }
    }
}

/// The frame for a mapping or sequence that starts inside the current top.
fn open(
    stack: &mut [Frame],
    is_map: bool,
    line: u32,
    document: usize,
    entries: &mut Entries,
) -> Result<Frame, ParseError> {
    let new = |key: String, line: u32| {
        if is_map {
            Frame::Map {
                key,
                pending: None,
                line,
                entries: 0,
            }
        } else {
            Frame::Seq {
                key,
                line,
                scalars: Some(Vec::new()),
                next: 0,
            }
        }
    };
    match stack.last_mut() {
        None => Ok(new(String::new(), line)),
        Some(Frame::Skip { depth }) => Ok(Frame::Skip { depth: *depth + 1 }),
        Some(Frame::Map {
            key,
            pending,
            entries: count,
            ..
        }) => match pending.take() {
            // A mapping or sequence used as a key: keep a marker key, skip its content.
            None => {
                *pending = Some((child_key(key, "?"), line));
                *count += 1;
                Ok(Frame::Skip { depth: 1 })
            }
            Some((flat, key_line)) => Ok(new(flat, key_line)),
        },
        Some(Frame::Seq {
            key, scalars, next, ..
        }) => {
            // The first non-scalar element: earlier scalars become indexed leaves.
            if let Some(list) = scalars.take() {
                for (index, (quoted, item_line)) in list.into_iter().enumerate() {
                    let value = unquote_string(&quoted);
                    push_entry(entries, document, index_key(key, index), value, item_line)?;
                }
            }
            let index = *next;
            *next += 1;
            Ok(new(index_key(key, index), line))
        }
    }
}

fn close(stack: &mut Vec<Frame>, document: usize, entries: &mut Entries) -> Result<(), ParseError> {
    match stack.pop() {
        Some(Frame::Skip { depth }) if depth > 1 => {
            stack.push(Frame::Skip { depth: depth - 1 });
            Ok(())
        }
        Some(Frame::Map {
            key,
            entries: 0,
            line,
            ..
        }) => push_entry(entries, document, key, "{}".into(), line),
        Some(Frame::Seq {
            key,
            line,
            scalars: Some(list),
            ..
        }) => {
            let mut rendered = String::from("[");
            for (i, (quoted, _)) in list.iter().enumerate() {
                if i > 0 {
                    rendered.push_str(", ");
                }
                rendered.push_str(quoted);
            }
            rendered.push(']');
            push_entry(entries, document, key, rendered, line)
        }
        _ => Ok(()),
    }
}

/// `*name` for an alias, read back from the source at the event's position
/// (the parser only hands out numeric anchor ids).
fn alias_name(lines: &LineIndex, mark: &Marker) -> String {
    let text = lines.line_text(mark.line()).unwrap_or("");
    let from: String = text.chars().skip(mark.col()).collect();
    let Some(star) = from.find('*') else {
        return "*alias".into();
    };
    let name: String = from[star..]
        .chars()
        .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | '[' | ']' | '{' | '}'))
        .take(100)
        .collect();
    if name.len() > 1 {
        name
    } else {
        "*alias".into()
    }
}

/// Canonical text of a scalar: plain scalars resolved with the YAML 1.2 core
/// schema (so `~`, `Null` and empty are all `null`, `0x10` is `16`),
/// quoted and block scalars as their content.
fn render_scalar(
    value: &str,
    style: TScalarStyle,
    tag: Option<&yaml_rust2::parser::Tag>,
) -> String {
    let custom_tag = tag
        .filter(|t| !(t.handle == "!!" || t.handle == "tag:yaml.org,2002:"))
        .map(|t| format!("{}{} ", t.handle, t.suffix));
    let body = if style == TScalarStyle::Plain && tag.is_none() {
        resolve_plain(value)
    } else {
        value.to_string()
    };
    match custom_tag {
        Some(prefix) => prefix + &body,
        None => body,
    }
}

fn resolve_plain(value: &str) -> String {
    match value {
        "" | "~" | "null" | "Null" | "NULL" => return "null".into(),
        "true" | "True" | "TRUE" => return "true".into(),
        "false" | "False" | "FALSE" => return "false".into(),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return "inf".into(),
        "-.inf" | "-.Inf" | "-.INF" => return "-inf".into(),
        ".nan" | ".NaN" | ".NAN" => return "nan".into(),
        _ => {}
    }
    let (digits, radix) = if let Some(hex) = value.strip_prefix("0x") {
        (hex, 16)
    } else if let Some(oct) = value.strip_prefix("0o") {
        (oct, 8)
    } else {
        (value, 10)
    };
    if !digits.is_empty() && digits.len() <= 38 {
        if let Ok(n) = i128::from_str_radix(digits, radix) {
            if radix != 10
                || digits
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b == b'-' || b == b'+')
            {
                return n.to_string();
            }
        }
    }
    let looks_float = value.len() <= 64
        && value.bytes().any(|b| b.is_ascii_digit())
        && value
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'));
    if looks_float {
        if let Ok(f) = value.parse::<f64>() {
            return super::render_float(f);
        }
    }
    value.to_string()
}

/// The scalar as an element of a rendered array: strings quoted, other
/// plain values (numbers, booleans, null) bare.
fn quoted_form(value: &str, style: TScalarStyle, rendered: &str) -> String {
    let bare = style == TScalarStyle::Plain
        && (rendered != value
            || matches!(value, "true" | "false" | "null")
            || value.parse::<f64>().is_ok());
    if bare {
        rendered.to_string()
    } else {
        let mut out = String::new();
        quote_string(&mut out, rendered);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::{diff, parse, Format};
    use std::time::{Duration, Instant};

    fn get(map: &super::KeyMap, key: &str) -> (String, u32) {
        let value = map
            .get(key)
            .unwrap_or_else(|| panic!("{key} missing in {map:?}"));
        (value.value.clone(), value.line)
    }

    #[test]
    fn flattens_with_lines() {
        let text = "\
cache:
  ttl: 60
  hosts: [a, b]
  ports:
    - 80
    - 443
database:
  default:
    host: db
    \"a.b\": x
jobs:
  - name: a
    retries: 3
  - name: b
empty: {}
none:
";
        let map = parse(Format::Yaml, text).unwrap();
        assert_eq!(get(&map, "cache.ttl"), ("60".into(), 2));
        assert_eq!(get(&map, "cache.hosts"), ("[\"a\", \"b\"]".into(), 3));
        assert_eq!(get(&map, "cache.ports"), ("[80, 443]".into(), 4));
        assert_eq!(get(&map, "database.default.host"), ("db".into(), 9));
        assert_eq!(get(&map, "database.default.\"a.b\""), ("x".into(), 10));
        assert_eq!(get(&map, "jobs[0].name"), ("a".into(), 12));
        assert_eq!(get(&map, "jobs[0].retries"), ("3".into(), 13));
        assert_eq!(get(&map, "jobs[1].name"), ("b".into(), 14));
        assert_eq!(get(&map, "empty").0, "{}");
        assert_eq!(get(&map, "none").0, "null");
    }

    #[test]
    fn mixed_sequences_index_every_element() {
        let map = parse(Format::Yaml, "x:\n  - a\n  - k: v\n").unwrap();
        assert_eq!(get(&map, "x[0]"), ("a".into(), 2));
        assert_eq!(get(&map, "x[1].k"), ("v".into(), 3));
    }

    #[test]
    fn formatting_only_edits_are_not_changes() {
        let old = parse(
            Format::Yaml,
            "a: 1\nb: \"text\"\nc: [1, 2]\nd: ~\ne: True\nf: 0x10\n",
        )
        .unwrap();
        let new = parse(
            Format::Yaml,
            "# c\na:   1\nb: 'text'\nc:\n  - 1\n  - 2\nd: null\ne: true\nf: 16\n",
        )
        .unwrap();
        assert!(diff(&old, &new).is_empty(), "{:?}", diff(&old, &new));
    }

    #[test]
    fn aliases_are_not_expanded() {
        let text = "base: &base\n  host: db\nprod:\n  <<: *base\n  port: 1\nlist: [*base, x]\n";
        let map = parse(Format::Yaml, text).unwrap();
        assert_eq!(get(&map, "prod.<<"), ("*base".into(), 4));
        assert_eq!(get(&map, "list").0, "[*base, \"x\"]");
        assert_eq!(get(&map, "base.host").0, "db");
    }

    #[test]
    fn complex_keys_are_kept_as_markers() {
        let map = parse(Format::Yaml, "? [a, b]\n: v\nk: 1\n").unwrap();
        assert_eq!(get(&map, "?").0, "v");
        assert_eq!(get(&map, "k"), ("1".into(), 3));
        let map = parse(Format::Yaml, "just a scalar\n").unwrap();
        assert_eq!(get(&map, "$").0, "just a scalar");
    }

    #[test]
    fn multiple_documents_are_prefixed() {
        let map = parse(Format::Yaml, "a: 1\n---\na: 2\n").unwrap();
        assert_eq!(get(&map, "[0].a"), ("1".into(), 1));
        assert_eq!(get(&map, "[1].a"), ("2".into(), 3));
        let single = parse(Format::Yaml, "---\na: 1\n---\n").unwrap();
        assert_eq!(get(&single, "a").0, "1");
        assert!(parse(Format::Yaml, "# only a comment\n")
            .unwrap()
            .is_empty());
    }

    #[test]
    fn errors_have_line_and_column() {
        let error = parse(Format::Yaml, "a: 1\nb: [1, 2\nc: 3\n").unwrap_err();
        assert!(error.line.is_some() && error.column.is_some(), "{error:?}");
        let error = parse(Format::Yaml, "a: 1\n  b: 2\n").unwrap_err();
        assert_eq!(error.line, Some(2), "{error:?}");
    }

    #[test]
    fn billion_laughs_stays_small_and_fast() {
        let mut text = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
        for pair in names.windows(2) {
            let refs = vec![format!("*{}", pair[0]); 9].join(",");
            text.push_str(&format!("{}: &{} [{refs}]\n", pair[1], pair[1]));
        }
        let start = Instant::now();
        let map = parse(Format::Yaml, &text).unwrap();
        assert!(start.elapsed() < Duration::from_secs(1));
        assert_eq!(map.len(), 9);
        assert!(map["i"].value.starts_with("[*h, *h"));
    }

    #[test]
    fn deep_nesting_is_an_error() {
        let flow = format!("{}1{}", "[".repeat(1000), "]".repeat(1000));
        assert!(parse(Format::Yaml, &flow).is_err());
        let mut block = String::new();
        for depth in 0..1000 {
            block.push_str(&" ".repeat(depth));
            block.push_str("k:\n");
        }
        let error = parse(Format::Yaml, &block).unwrap_err();
        assert!(error.message.contains("nesting"), "{error:?}");
    }

    #[test]
    fn garbage_and_long_lines() {
        // Garbage gives an error or a small map, never a panic.
        let garbage = parse(Format::Yaml, "\u{0}\u{1}\u{fffd}: [[[{{");
        assert!(garbage.is_err(), "{garbage:?}");
        if let Ok(map) = parse(Format::Yaml, "\u{0}\u{1}\u{fffd}\u{fffd}: \u{7f}") {
            assert!(map.len() <= 1);
        }
        let error = parse(Format::Yaml, "a: 1\nb: \u{0}x\n").unwrap_err();
        assert_eq!((error.line, error.column), (Some(2), Some(4)));
        let long = format!("x: {}\n", "y".repeat(3_000_000));
        assert_eq!(
            parse(Format::Yaml, &long).unwrap()["x"].value.len(),
            3_000_000
        );
    }
}
