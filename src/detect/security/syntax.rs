//! Turns a file into statements and the settings they write, per file type,
//! so rules see `name = value` pairs instead of raw lines.

use std::sync::OnceLock;

use regex::Regex;

use crate::formats::config;
use crate::formats::python::reader;
use crate::formats::unquote;
use crate::model::Lines;

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

/// The config-file statements of `text` that touch the `wanted` lines.
/// Config files are read from the top, since sections and parent keys carry
/// over from line to line. (Python goes through [`PythonSource`].)
pub fn config_statements_wanted(
    file_type: FileType,
    text: &str,
    wanted: Lines<'_>,
) -> Vec<Statement> {
    config_statements(file_type, text, wanted)
}

// ---------------------------------------------------------------- Python

/// Where one Python statement lies in [`PythonSource::clean`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub first_line: u32,
}

/// A Python file cut into logical statements, and cleaned where the
/// statements kept lie. Statements are only copied out (`statement`) for
/// the spans a rule is woken for.
pub struct PythonSource {
    /// Where `clean` starts in the file.
    base: usize,
    /// The file from `base` to just after the last statement kept, comments
    /// and docstrings blanked (same byte offsets, less `base`).
    clean: String,
    /// Which bytes of `clean` are inside a string literal.
    mask: Vec<bool>,
    /// The non-blank statements that touch the selected lines, in file
    /// order.
    pub spans: Vec<Span>,
}

impl PythonSource {
    /// The file cut into its non-blank statements that touch `lines`.
    pub fn new(text: &str, lines: Lines<'_>) -> PythonSource {
        let mut spans = Splitter::new(text.as_bytes(), lines).run();
        // Only the stretch from the first statement kept to the newline
        // after the last is cleaned. Both ends are statement boundaries,
        // where the lexer is between tokens, so the stretch cleaned alone is
        // the file cleaned, cut there. (Both are after or at a newline, so
        // char boundaries; the whole file is the fallback all the same.)
        let base = spans.first().map_or(0, |span| span.start);
        let end = spans
            .last()
            .map_or(0, |span| (span.end + 1).min(text.len()));
        let (base, window) = match text.get(base..end) {
            Some(window) => (base, window),
            None => (0, text),
        };
        let (clean, mask) = crate::formats::python::lexer::clean(window);
        spans.retain(|span| {
            clean
                .get(span.start - base..span.end - base)
                .is_some_and(|statement| !is_blank(statement))
        });
        PythonSource {
            base,
            clean,
            mask,
            spans,
        }
    }

    /// The cleaned text at `from..to` (offsets in the file), where a
    /// statement kept lies.
    pub fn clean(&self, from: usize, to: usize) -> Option<&str> {
        self.clean
            .get(from.checked_sub(self.base)?..to.checked_sub(self.base)?)
    }

    /// [`clean`](Self::clean) as bytes, for any offsets.
    pub fn clean_bytes(&self, from: usize, to: usize) -> Option<&[u8]> {
        self.clean
            .as_bytes()
            .get(from.checked_sub(self.base)?..to.checked_sub(self.base)?)
    }

    /// All the cleaned text, and where it starts in the file.
    pub fn cleaned(&self) -> (usize, &str) {
        (self.base, &self.clean)
    }

    /// Whether the statement at `span` can write a setting: every form
    /// (`X = v`, `f(x=v)`, `{"x": v}`, `d["x"] = v`, `x: T = v`) has an
    /// `=` or a `:`.
    pub fn may_set(&self, span: &Span) -> bool {
        self.clean_bytes(span.start, span.end)
            .is_some_and(|text| memchr::memchr2(b'=', b':', text).is_some())
    }

    /// The statement at `span`, copied out.
    pub fn statement(&self, span: &Span) -> Statement {
        let (start, end) = (span.start - self.base, span.end - self.base);
        Statement {
            text: self.clean[start..end].to_string(),
            in_string: self.mask[start..end].to_vec(),
            first_line: span.first_line,
            settings: Vec::new(),
        }
    }
}

/// Cuts Python into logical statements, reading the raw text as the lexer
/// does (`lexer::clean`: jumping from one comment or string to the next)
/// and looking at brackets and newlines only between them. A statement
/// ends at a newline outside brackets, strings and backslash
/// continuations, or at the file's last byte.
struct Splitter<'t> {
    bytes: &'t [u8],
    wanted: Wanted<'t>,
    depth: i32,
    /// Where the statement being read starts, and its line.
    start: usize,
    start_line: u32,
    /// The line of the next newline.
    line: u32,
    /// The statements that touch the selected lines, blank ones included.
    spans: Vec<Span>,
}

impl<'t> Splitter<'t> {
    fn new(bytes: &'t [u8], lines: Lines<'t>) -> Splitter<'t> {
        Splitter {
            bytes,
            wanted: Wanted(lines),
            depth: 0,
            start: 0,
            start_line: 1,
            line: 1,
            spans: Vec::new(),
        }
    }

    /// The statements, up to the last one the selected lines can keep.
    fn run(mut self) -> Vec<Span> {
        let (bytes, len) = (self.bytes, self.bytes.len());
        let mut i = 0;
        while i <= len {
            let token = memchr::memchr3(b'#', b'"', b'\'', &bytes[i..]).map(|n| i + n);
            if self.code(i, token.unwrap_or(len)) {
                return self.spans;
            }
            let Some(at) = token else { break };
            if bytes[at] == b'#' {
                // Blanked up to its newline: that newline is not continued.
                i = memchr::memchr(b'\n', &bytes[at..]).map_or(len, |n| at + n);
                continue;
            }
            let triple =
                bytes.get(at + 1) == Some(&bytes[at]) && bytes.get(at + 2) == Some(&bytes[at]);
            let (end, closed) = crate::formats::python::lexer::string_end(bytes, at);
            let end = end.min(len);
            if self.inside(at, end) {
                return self.spans;
            }
            if triple || closed || end == len {
                i = end;
                continue;
            }
            // A one-line string cut by its newline, which the lexer leaves
            // outside the string: the string's last byte is not blanked.
            let continued = bytes[end - 1] == b'\\';
            if self.newline(end, self.depth == 0 && !continued) {
                return self.spans;
            }
            i = end + 1;
        }
        if self.start < len && self.wanted.any_in(self.start_line, self.line) {
            self.spans.push(Span {
                start: self.start,
                end: len,
                first_line: self.start_line,
            });
        }
        self.spans
    }

    /// The code `from..to` between two tokens: brackets and newlines. True
    /// when no later statement can be kept.
    fn code(&mut self, from: usize, to: usize) -> bool {
        let gap = &self.bytes[from..to];
        for at in SplitBytes::new(gap) {
            match gap[at] {
                b'\n' => {
                    // At the gap's start the byte before is a token's last,
                    // a closing quote or a blanked comment.
                    let continued = at > 0 && gap[at - 1] == b'\\';
                    if self.newline(from + at, self.depth == 0 && !continued) {
                        return true;
                    }
                }
                b'(' | b'[' | b'{' => self.depth += 1,
                _ => self.depth = (self.depth - 1).max(0),
            }
        }
        false
    }

    /// A string `from..to`: its newlines (escaped, or in a triple-quoted
    /// string) end no statement, unless one is the file's last byte.
    fn inside(&mut self, from: usize, to: usize) -> bool {
        let newlines = memchr::memchr_iter(b'\n', &self.bytes[from..to]).count() as u32;
        if to == self.bytes.len() && self.bytes.last() == Some(&b'\n') && newlines > 0 {
            self.line += newlines - 1;
            return self.newline(to - 1, false);
        }
        self.line += newlines;
        false
    }

    /// The newline at `at`, which ends the statement when `ends` (or when
    /// it is the last byte). True when no later statement can be kept.
    #[inline]
    fn newline(&mut self, at: usize, ends: bool) -> bool {
        let mut done = false;
        if ends || at + 1 == self.bytes.len() {
            if self.wanted.any_in(self.start_line, self.line) {
                self.spans.push(Span {
                    start: self.start,
                    end: at,
                    first_line: self.start_line,
                });
            }
            self.start = at + 1;
            self.start_line = self.line + 1;
            done = self.wanted.none_from(self.start_line);
        }
        self.line += 1;
        done
    }
}

/// [`Lines::any_in`] asked for statements in file order: the selected
/// lines before a statement are dropped instead of searched again.
struct Wanted<'a>(Lines<'a>);

impl Wanted<'_> {
    fn any_in(&mut self, first: u32, last: u32) -> bool {
        match &mut self.0 {
            Lines::All => true,
            Lines::Only(lines) => {
                let before = lines.iter().take_while(|&&l| l < first).count();
                *lines = &lines[before..];
                lines.first().is_some_and(|&l| l <= last)
            }
        }
    }

    /// Whether no selected line is at `first` or after it.
    fn none_from(&self, first: u32) -> bool {
        match self.0 {
            Lines::All => false,
            Lines::Only(lines) => lines.last().is_none_or(|&l| l < first),
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

/// The offsets of brackets and newlines in `bytes`, in order, found eight
/// bytes at a time: most words of Python (docstrings, names, blanked
/// comments) hold neither.
struct SplitBytes<'b> {
    bytes: &'b [u8],
    /// Offset of the word `bits` describes.
    word: usize,
    /// The high bit of each byte of the word that may be one of them.
    bits: u64,
}

impl<'b> SplitBytes<'b> {
    fn new(bytes: &'b [u8]) -> SplitBytes<'b> {
        SplitBytes {
            bytes,
            word: 0,
            bits: split_candidates(word_at(bytes, 0)),
        }
    }
}

impl Iterator for SplitBytes<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        loop {
            while self.bits != 0 {
                let at = self.word + self.bits.trailing_zeros() as usize / 8;
                self.bits &= self.bits - 1;
                // The word test may flag a byte next to a real one.
                if self.bytes.get(at).is_some_and(|&b| SPLITS[b as usize]) {
                    return Some(at);
                }
            }
            self.word += 8;
            if self.word >= self.bytes.len() {
                return None;
            }
            self.bits = split_candidates(word_at(self.bytes, self.word));
        }
    }
}

/// The eight bytes at `at`, zeros past the end.
fn word_at(bytes: &[u8], at: usize) -> u64 {
    if let Some(eight) = bytes
        .get(at..at + 8)
        .and_then(|s| <[u8; 8]>::try_from(s).ok())
    {
        return u64::from_le_bytes(eight);
    }
    // Gaps between tokens are often shorter than a word.
    let rest = bytes.get(at..).unwrap_or_default();
    rest.iter()
        .enumerate()
        .fold(0, |word, (k, &b)| word | u64::from(b) << (8 * k))
}

/// The high bit of every byte of `word` that is a newline or a bracket,
/// and possibly of bytes just above one (the zero-byte test borrows across
/// bytes; [`SPLITS`] tells them apart). `(` `)` differ in bit 0, `[` `{`
/// and `]` `}` in bit 5: four comparisons cover the seven bytes.
fn split_candidates(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let zero = |v: u64| v.wrapping_sub(ONES) & !v;
    let newline = zero(word ^ (ONES * 0x0a));
    let paren = zero((word | ONES) ^ (ONES * 0x29));
    let opening = zero((word | (ONES * 0x20)) ^ (ONES * 0x7b));
    let closing = zero((word | (ONES * 0x20)) ^ (ONES * 0x7d));
    (newline | paren | opening | closing) & (ONES * 0x80)
}

/// Whether `text` is whitespace only; ASCII first, Unicode when in doubt.
fn is_blank(text: &str) -> bool {
    match text.bytes().find(|b| !b.is_ascii_whitespace()) {
        None => true,
        Some(b) if b.is_ascii() => false,
        Some(_) => text.trim().is_empty(),
    }
}

/// Fills in the settings of a Python statement (config statements get
/// theirs while being read, since sections and parents carry over).
pub fn fill_settings(file_type: FileType, statement: &mut Statement) {
    if file_type == FileType::Python {
        statement.settings = python_settings(statement);
    }
}

/// The settings a Python statement writes, as the one Python reader reads
/// them.
fn python_settings(statement: &Statement) -> Vec<Setting> {
    let text = statement.text.as_str();
    reader::read_fragment(text)
        .into_iter()
        .filter_map(|assignment| python_setting(text, assignment))
        .collect()
}

/// A reader assignment as a setting: a keyword argument of a `def` header
/// is a parameter's default, not a setting.
fn python_setting(text: &str, assignment: reader::Assignment) -> Option<Setting> {
    let (form, context) = match assignment.form {
        reader::Form::Target => (Form::Assign, String::new()),
        reader::Form::Attribute => {
            let object = assignment.key.strip_suffix(assignment.name.as_str())?;
            (Form::Attr, object.trim_end_matches('.').to_string())
        }
        reader::Form::Keyword => (Form::Kwarg, assignment.call?),
        reader::Form::DictEntry | reader::Form::Subscript => {
            (Form::DictKey, assignment.call.unwrap_or_default())
        }
    };
    let value = text.get(assignment.held)?.trim().to_string();
    Some(Setting {
        name: assignment.name,
        at: assignment.name_at,
        value,
        form,
        context,
        literal: assignment.constant,
    })
}

/// The value a setting takes where the environment variable it reads is
/// unset: in Python the reader's [`reader::unset_value`]
/// (`os.getenv("X", "True")`), in config files `${X:-true}`.
pub fn unset_default(file_type: FileType, value: &str) -> Option<String> {
    static SHELL: OnceLock<Regex> = OnceLock::new();
    if file_type == FileType::Python {
        return reader::unset_value(value.trim());
    }
    let caps = re(
        &SHELL,
        r#"^["']?\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}["']?$"#,
    )
    .captures(value.trim())?;
    caps.get(1).map(|m| m.as_str().to_string())
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

// ---------------------------------------------------------------- config

/// The statements of the one config reader (`formats::config`), as
/// statements with settings.
fn config_statements(file_type: FileType, text: &str, wanted: Lines<'_>) -> Vec<Statement> {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The statement splitter as it was: every byte looked at, `wanted`
    /// asked of every statement.
    fn spans_by_every_byte(text: &str, wanted: &dyn Fn(u32, u32) -> bool) -> Vec<Span> {
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
        spans
    }

    /// A xorshift generator: the same texts on every run.
    fn generator(mut seed: u32) -> impl FnMut() -> usize {
        move || {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed as usize
        }
    }

    /// Python-like text: strings of every quote kind and prefix, comments,
    /// brackets across lines, continuations, unterminated strings, CRLF,
    /// tabs and non-ASCII.
    fn python_like(next: &mut impl FnMut() -> usize, pieces: usize) -> String {
        const PIECES: &[&str] = &[
            "x",
            "DEBUG",
            " = ",
            "True",
            "\n",
            "\n",
            "\n",
            "\r\n",
            "\t",
            "    ",
            "(",
            ")",
            "[",
            "]",
            "{",
            "}",
            ",",
            ":",
            "\\\n",
            "\\",
            "'",
            "\"",
            "'''",
            "\"\"\"",
            "f'",
            "rb\"",
            "F\"{x}\"",
            "b'\\x00'",
            "r'\\d'",
            "'a # b'",
            "\"(\"",
            "# c (\n",
            "#",
            "é",
            "日本",
            "\\'",
            "\\\"",
            "=",
            "def f(a=1):\n",
            "    return {\n",
            "\n\n",
            " \u{a0}",
            "z\n",
            "f'''{x!r:>{w}}'''",
        ];
        (0..pieces).map(|_| PIECES[next() % PIECES.len()]).collect()
    }

    /// Selected lines for a text of `lines` lines: all, none, or a sorted
    /// random few (some past the end).
    fn some_lines(next: &mut impl FnMut() -> usize, lines: u32) -> Option<Vec<u32>> {
        match next() % 4 {
            0 => None,
            1 => Some(Vec::new()),
            _ => {
                let mut picked: Vec<u32> = (0..next() % 5)
                    .map(|_| 1 + (next() as u32) % (lines + 2))
                    .collect();
                picked.sort_unstable();
                Some(picked)
            }
        }
    }

    #[test]
    fn statements_split_as_byte_by_byte_on_random_python() {
        let mut next = generator(0x9E37_79B9);
        let (mut kept, mut partial) = (0, 0);
        for round in 0..20_000 {
            let pieces = if round % 50 == 0 { 400 } else { next() % 40 };
            let text = python_like(&mut next, pieces);
            let line_count = text.matches('\n').count() as u32 + 1;
            let selected = some_lines(&mut next, line_count);
            let lines = selected.as_deref().map_or(Lines::All, Lines::Only);
            let source = PythonSource::new(&text, lines);
            let expected = spans_by_every_byte(&text, &|first, last| lines.any_in(first, last));
            assert_eq!(source.spans, expected, "{text:?} lines {selected:?}");
            // The cleaned stretch is the whole file cleaned, cut there, and
            // covers every statement kept.
            let (clean, mask) = crate::formats::python::lexer::clean(&text);
            let (base, end) = (source.base, source.base + source.clean.len());
            assert_eq!(
                source.clean,
                clean[base..end],
                "{text:?} lines {selected:?}"
            );
            assert_eq!(source.mask, mask[base..end], "{text:?} lines {selected:?}");
            assert!(
                expected.first().is_none_or(|s| s.start >= base)
                    && expected.last().is_none_or(|s| s.end <= end),
                "{text:?} lines {selected:?}"
            );
            if selected.is_none() {
                assert_eq!((base, end), (0, text.len()), "{text:?}");
            }
            kept += expected.len();
            partial += usize::from(selected.is_some() && !expected.is_empty());
        }
        assert!(kept > 15_000 && partial > 2_000, "{kept} {partial}");
    }
}
