//! The one Python lexer: where strings and comments are, and tokens grouped
//! by logical line. Key diffs, secret and security detection and allow
//! comments all read Python through it, so they agree on what is a string.

/// What a token is.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Name,
    Number,
    /// `Some(content)` for plain and raw strings, `None` for f/b strings.
    Str(Option<String>),
    Op,
    Open,
    Close,
}

#[derive(Debug, Clone)]
pub struct Token {
    pub kind: Kind,
    /// Byte span in the text, string prefix and quotes included.
    pub start: usize,
    pub end: usize,
    pub line: u32,
    pub space_before: bool,
    /// First token of a logical line starting at column 0.
    pub top_level: bool,
}

/// Where and why the text is not Python: 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexError {
    pub line: u32,
    pub column: u32,
    pub message: &'static str,
}

const OPERATORS: &[&str] = &[
    "**=", "//=", ">>=", "<<=", "...", "->", ":=", "==", "!=", "<=", ">=", "+=", "-=", "*=", "/=",
    "%=", "&=", "|=", "^=", "@=", "**", "//", "<<", ">>",
];

/// Keywords that open a compound statement.
pub const COMPOUND: &[&str] = &[
    "if", "elif", "else", "for", "while", "with", "try", "except", "finally", "def", "class",
    "async", "match", "case",
];

/// The text of `token`.
pub fn slice<'a>(text: &'a str, token: &Token) -> &'a str {
    text.get(token.start..token.end).unwrap_or("")
}

/// The end of the string literal whose opening quote is at `pos`: the
/// offset after its closing quote(s), or, unterminated, the offset of the
/// newline that ends a one-line string (the end of text for a triple-quoted
/// one). An escaped byte never closes.
pub fn string_end(bytes: &[u8], pos: usize) -> (usize, bool) {
    let quote = bytes[pos];
    let triple = bytes.get(pos + 1) == Some(&quote) && bytes.get(pos + 2) == Some(&quote);
    if triple {
        // Jump from one quote or backslash to the next: docstrings are long.
        let mut j = pos + 3;
        while let Some(n) = bytes
            .get(j..)
            .and_then(|rest| memchr::memchr2(quote, b'\\', rest))
        {
            j += n;
            if bytes[j] == b'\\' {
                j += 2;
                continue;
            }
            if bytes.get(j + 1) == Some(&quote) && bytes.get(j + 2) == Some(&quote) {
                return (j + 3, true);
            }
            j += 1;
        }
        return (bytes.len(), false);
    }
    let mut j = pos + 1;
    while let Some(n) = bytes
        .get(j..)
        .and_then(|rest| memchr::memchr3(quote, b'\n', b'\\', rest))
    {
        j += n;
        match bytes[j] {
            b'\\' => j += 2,
            b'\n' => return (j, false),
            _ => return (j + 1, true),
        }
    }
    (bytes.len(), false)
}

/// Comments and triple-quoted strings blanked to spaces (newlines kept, so
/// offsets and lines stay), and a mask of bytes inside string literals.
pub fn clean(text: &str) -> (String, Vec<bool>) {
    let bytes = text.as_bytes();
    let mut out: Vec<u8> = bytes.to_vec();
    let mut mask = vec![false; bytes.len()];
    let mut i = 0;
    // Only comments and strings change anything: jump from one to the next.
    while let Some(found) = bytes
        .get(i..)
        .and_then(|rest| memchr::memchr3(b'#', b'"', b'\'', rest))
    {
        i += found;
        let b = bytes[i];
        if b == b'#' {
            let end = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n);
            out[i..end].fill(b' ');
            i = end;
            continue;
        }
        let triple = bytes.get(i + 1) == Some(&b) && bytes.get(i + 2) == Some(&b);
        let (end, closed) = string_end(bytes, i);
        let end = end.min(bytes.len());
        if triple {
            // Blanked a line at a time: `out[i..end]` is still the text.
            let mut from = i;
            for newline in memchr::memchr_iter(b'\n', &bytes[i..end]) {
                out[from..i + newline].fill(b' ');
                from = i + newline + 1;
            }
            out[from..end].fill(b' ');
            mask[i..end].fill(true);
            i = end;
            continue;
        }
        let content_end = if closed { end - 1 } else { end };
        mask[i + 1..content_end.max(i + 1)].fill(true);
        i = if closed { end } else { end + 1 };
    }
    // Blanking replaced whole bytes of multi-byte characters only inside
    // comments and docstrings; fall back to the original if that broke UTF-8.
    let clean = String::from_utf8(out).unwrap_or_else(|e| {
        String::from_utf8_lossy(e.as_bytes())
            .chars()
            .map(|c| if c == '\u{fffd}' { ' ' } else { c })
            .collect()
    });
    if clean.len() != mask.len() {
        return (text.to_string(), vec![false; text.len()]);
    }
    (clean, mask)
}

fn column(text: &str, line_start: usize, pos: usize) -> u32 {
    let chars = text
        .get(line_start..pos)
        .map_or(pos.saturating_sub(line_start), |s| s.chars().count());
    u32::try_from(chars + 1).unwrap_or(u32::MAX)
}

/// The lexer's position in the text.
struct Cursor<'t> {
    text: &'t str,
    pos: usize,
    line: u32,
    line_start: usize,
    /// Strict: unterminated strings and brackets are errors. Lenient (one
    /// line of a larger file): a string runs to the end of its line.
    strict: bool,
}

impl Cursor<'_> {
    fn error(&self, at: usize, message: &'static str) -> LexError {
        LexError {
            line: self.line,
            column: column(self.text, self.line_start, at),
            message,
        }
    }

    /// A string literal from `start` (its prefix) with its quote at `self.pos`.
    fn string(&mut self, start: usize, prefix: &str) -> Result<Kind, LexError> {
        let bytes = self.text.as_bytes();
        let quote_at = self.pos;
        let triple = bytes.get(quote_at + 1) == Some(&bytes[quote_at])
            && bytes.get(quote_at + 2) == Some(&bytes[quote_at]);
        let (end, closed) = string_end(bytes, quote_at);
        if !closed && self.strict {
            let message = if triple || end >= bytes.len() {
                "string never closed before end of file"
            } else {
                "string not closed on its line"
            };
            return Err(self.error(start, message));
        }
        let quotes = if triple { 3 } else { 1 };
        let content_end = if closed { end - quotes } else { end };
        let content = self.text.get(quote_at + quotes..content_end).unwrap_or("");
        let lower = prefix.to_ascii_lowercase();
        let decodable = !lower.contains('f') && !lower.contains('b');
        let decoded = decodable.then(|| decode(content, lower.contains('r')));
        for newline in memchr::memchr_iter(b'\n', &bytes[quote_at..end]) {
            self.line = self.line.saturating_add(1);
            self.line_start = quote_at + newline + 1;
        }
        self.pos = end;
        Ok(Kind::Str(decoded))
    }

    fn word(&mut self, start: usize) -> Result<Kind, LexError> {
        let bytes = self.text.as_bytes();
        while self.pos < bytes.len()
            && (bytes[self.pos].is_ascii_alphanumeric()
                || bytes[self.pos] == b'_'
                || bytes[self.pos] >= 0x80)
        {
            self.pos += 1;
        }
        let word = self.text.get(start..self.pos).unwrap_or("");
        let is_prefix = word.len() <= 2
            && word.chars().all(|c| "rbufRBUF".contains(c))
            && matches!(bytes.get(self.pos), Some(b'"' | b'\''));
        if is_prefix {
            return self.string(start, word);
        }
        Ok(Kind::Name)
    }

    fn number(&mut self, start: usize) -> Kind {
        let bytes = self.text.as_bytes();
        while self.pos < bytes.len() {
            let c = bytes[self.pos];
            let sign_after_exponent = matches!(c, b'+' | b'-')
                && self.pos > start
                && matches!(bytes[self.pos - 1], b'e' | b'E')
                && !self
                    .text
                    .get(start..self.pos)
                    .unwrap_or("")
                    .starts_with("0x");
            if c.is_ascii_alphanumeric() || c == b'_' || c == b'.' || sign_after_exponent {
                self.pos += 1;
            } else {
                break;
            }
        }
        Kind::Number
    }

    fn operator(&mut self) -> Kind {
        let rest = self.text.get(self.pos..).unwrap_or("");
        let len = OPERATORS
            .iter()
            .find(|op| rest.starts_with(**op))
            .map_or(1, |op| op.len());
        self.pos += len;
        Kind::Op
    }
}

/// Tokens grouped by logical line (brackets, backslashes and strings join
/// physical lines; `;` splits them). Strict: an unterminated string or
/// bracket is an error.
pub fn tokenize(text: &str) -> Result<Vec<Vec<Token>>, LexError> {
    lines(text, true)
}

/// [`tokenize`] for a fragment (one line of a larger statement): nothing is
/// an error; an unterminated string runs to the end of its line.
pub fn tokenize_lenient(text: &str) -> Vec<Vec<Token>> {
    lines(text, false).unwrap_or_default()
}

fn lines(text: &str, strict: bool) -> Result<Vec<Vec<Token>>, LexError> {
    let mut state = Grouping {
        cursor: Cursor {
            text,
            pos: 0,
            line: 1,
            line_start: 0,
            strict,
        },
        lines: Vec::new(),
        current: Vec::new(),
        brackets: Vec::new(),
        space: false,
        continue_top: false,
    };
    while state.cursor.pos < text.len() {
        state.step()?;
    }
    if let Some(&(line, column)) = state.brackets.first() {
        if strict {
            return Err(LexError {
                line,
                column,
                message: "bracket never closed before end of file",
            });
        }
    }
    if !state.current.is_empty() {
        state.lines.push(state.current);
    }
    Ok(state.lines)
}

/// Tokens being grouped into logical lines.
struct Grouping<'t> {
    cursor: Cursor<'t>,
    lines: Vec<Vec<Token>>,
    current: Vec<Token>,
    /// Open brackets: (line, column) of each.
    brackets: Vec<(u32, u32)>,
    space: bool,
    /// After a top-level `;`: the next statement is top-level too.
    continue_top: bool,
}

impl Grouping<'_> {
    /// Reads what is at the cursor: blank, line break, comment or token.
    fn step(&mut self) -> Result<(), LexError> {
        let bytes = self.cursor.text.as_bytes();
        let pos = self.cursor.pos;
        // A byte-order mark before the first statement is not code.
        if pos == 0 && self.cursor.text.starts_with('\u{feff}') {
            self.cursor.pos = '\u{feff}'.len_utf8();
            self.cursor.line_start = self.cursor.pos;
            return Ok(());
        }
        let continuation = bytes[pos] == b'\\'
            && (bytes.get(pos + 1) == Some(&b'\n')
                || (bytes.get(pos + 1) == Some(&b'\r') && bytes.get(pos + 2) == Some(&b'\n')));
        match bytes[pos] {
            b' ' | b'\t' | b'\x0c' | b'\r' => {
                self.space = true;
                self.cursor.pos += 1;
            }
            b'\n' => {
                self.new_line(pos + 1);
                self.continue_top = false;
                if self.brackets.is_empty() && !self.current.is_empty() {
                    self.lines.push(std::mem::take(&mut self.current));
                }
            }
            b'\\' if continuation => {
                self.new_line(pos + if bytes[pos + 1] == b'\r' { 3 } else { 2 });
            }
            b';' if self.brackets.is_empty() => {
                self.cursor.pos += 1;
                self.space = true;
                // `if X: A = 1; B = 2` keeps B inside the `if`.
                let text = self.cursor.text;
                self.continue_top = self
                    .current
                    .first()
                    .is_some_and(|t| t.top_level && !COMPOUND.contains(&slice(text, t)));
                if !self.current.is_empty() {
                    self.lines.push(std::mem::take(&mut self.current));
                }
            }
            b'#' => {
                self.cursor.pos =
                    memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |n| pos + n);
            }
            _ => self.token()?,
        }
        Ok(())
    }

    /// A physical line starts at `at`.
    fn new_line(&mut self, at: usize) {
        self.cursor.line = self.cursor.line.saturating_add(1);
        self.cursor.pos = at;
        self.cursor.line_start = at;
        self.space = true;
    }

    fn token(&mut self) -> Result<(), LexError> {
        let start = self.cursor.pos;
        let line = self.cursor.line;
        let top_level =
            self.current.is_empty() && (start == self.cursor.line_start || self.continue_top);
        let kind = token(&mut self.cursor, &mut self.brackets)?;
        self.current.push(Token {
            kind,
            start,
            end: self.cursor.pos,
            line,
            space_before: self.space,
            top_level,
        });
        self.space = false;
        Ok(())
    }
}

/// The token starting at the cursor, which it moves past.
fn token(cursor: &mut Cursor<'_>, brackets: &mut Vec<(u32, u32)>) -> Result<Kind, LexError> {
    let bytes = cursor.text.as_bytes();
    let start = cursor.pos;
    let b = bytes[start];
    if b == b'"' || b == b'\'' {
        return cursor.string(start, "");
    }
    if b.is_ascii_alphabetic() || b == b'_' || b >= 0x80 {
        return cursor.word(start);
    }
    if b.is_ascii_digit() || (b == b'.' && bytes.get(start + 1).is_some_and(u8::is_ascii_digit)) {
        return Ok(cursor.number(start));
    }
    if matches!(b, b'(' | b'[' | b'{') {
        brackets.push((cursor.line, column(cursor.text, cursor.line_start, start)));
        cursor.pos += 1;
        return Ok(Kind::Open);
    }
    if matches!(b, b')' | b']' | b'}') {
        // An unmatched closer is someone else's syntax error; stay lenient.
        brackets.pop();
        cursor.pos += 1;
        return Ok(Kind::Close);
    }
    Ok(cursor.operator())
}

/// The value of a plain string's content (escapes resolved); raw strings as
/// written.
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
    use super::*;

    #[test]
    fn clean_and_tokens_agree_on_strings() {
        let text = "A = 'x # not a comment'  # comment\nB = \"\"\"doc\n'quote\"\"\"\nC = f\"{x}\" r'\\d' b'\\x00'\nD = 'esc\\'aped'\n";
        let (clean, mask) = clean(text);
        assert!(!clean.contains("# comment"));
        assert!(clean.contains("'x # not a comment'"));
        let lines = tokenize(text).unwrap();
        for tokens in &lines {
            for token in tokens {
                if let Kind::Str(_) = token.kind {
                    let quote = text[token.start..].find(['"', '\'']).unwrap() + token.start;
                    assert!(mask[quote + 1], "{:?}", &text[token.start..token.end]);
                }
            }
        }
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[1][0].line, 2);
        assert_eq!(lines[2][0].line, 4);
        assert_eq!(lines[3][2].kind, Kind::Str(Some("esc'aped".into())));
        assert_eq!(lines[2][2].kind, Kind::Str(None));
        assert_eq!(lines[2][3].kind, Kind::Str(Some("\\d".into())));
    }

    #[test]
    fn strict_errors_lenient_does_not() {
        let error = tokenize("A = 1\nB = [1,\n   2\n").unwrap_err();
        assert_eq!((error.line, error.column), (2, 5));
        let error = tokenize("X = 'abc\nY = 1\n").unwrap_err();
        assert_eq!(error.line, 1);
        let lines = tokenize_lenient("X = foo('abc, [1,\n");
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0][3].kind, Kind::Open);
        assert_eq!(lines[0][4].kind, Kind::Str(Some("abc, [1,".into())));
    }

    /// `string_end` as it was, reading a docstring a byte at a time.
    fn string_end_by_every_byte(bytes: &[u8], pos: usize) -> (usize, bool) {
        let quote = bytes[pos];
        let triple = bytes.get(pos + 1) == Some(&quote) && bytes.get(pos + 2) == Some(&quote);
        if triple {
            let mut j = pos + 3;
            while j < bytes.len() {
                if bytes[j] == b'\\' {
                    j += 2;
                    continue;
                }
                if bytes[j] == quote
                    && bytes.get(j + 1) == Some(&quote)
                    && bytes.get(j + 2) == Some(&quote)
                {
                    return (j + 3, true);
                }
                j += 1;
            }
            return (bytes.len(), false);
        }
        let mut j = pos + 1;
        while let Some(n) = bytes
            .get(j..)
            .and_then(|rest| memchr::memchr3(quote, b'\n', b'\\', rest))
        {
            j += n;
            match bytes[j] {
                b'\\' => j += 2,
                b'\n' => return (j, false),
                _ => return (j + 1, true),
            }
        }
        (bytes.len(), false)
    }

    /// `clean` as it was, blanking docstrings a byte at a time.
    fn clean_by_every_byte(text: &str) -> (String, Vec<bool>) {
        let bytes = text.as_bytes();
        let mut out: Vec<u8> = bytes.to_vec();
        let mut mask = vec![false; bytes.len()];
        let mut i = 0;
        // Only comments and strings change anything: jump from one to the next.
        while let Some(found) = bytes
            .get(i..)
            .and_then(|rest| memchr::memchr3(b'#', b'"', b'\'', rest))
        {
            i += found;
            let b = bytes[i];
            if b == b'#' {
                let end = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n);
                out[i..end].fill(b' ');
                i = end;
                continue;
            }
            let triple = bytes.get(i + 1) == Some(&b) && bytes.get(i + 2) == Some(&b);
            let (end, closed) = string_end_by_every_byte(bytes, i);
            let end = end.min(bytes.len());
            if triple {
                for k in i..end {
                    if out[k] != b'\n' {
                        out[k] = b' ';
                    }
                    mask[k] = true;
                }
                i = end;
                continue;
            }
            let content_end = if closed { end - 1 } else { end };
            mask[i + 1..content_end.max(i + 1)].fill(true);
            i = if closed { end } else { end + 1 };
        }
        // Blanking replaced whole bytes of multi-byte characters only inside
        // comments and docstrings; fall back to the original if that broke UTF-8.
        let clean = String::from_utf8(out).unwrap_or_else(|e| {
            String::from_utf8_lossy(e.as_bytes())
                .chars()
                .map(|c| if c == '\u{fffd}' { ' ' } else { c })
                .collect()
        });
        if clean.len() != mask.len() {
            return (text.to_string(), vec![false; text.len()]);
        }
        (clean, mask)
    }

    #[test]
    fn triple_quoted_strings_end_and_blank_as_byte_by_byte() {
        let pieces = [
            "\"\"\"", "'''", "\"", "'", "\\", "\n", "x", " ", "# c", "é", "\\\"", "=",
        ];
        let mut seed = 0x2545_F491_u32;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed as usize
        };
        let mut triples = 0;
        for _ in 0..4000 {
            let len = next() % 30;
            let text: String = (0..len).map(|_| pieces[next() % pieces.len()]).collect();
            let bytes = text.as_bytes();
            for pos in 0..bytes.len() {
                if matches!(bytes[pos], b'"' | b'\'') {
                    triples += usize::from(bytes.get(pos + 1) == Some(&bytes[pos]));
                    assert_eq!(
                        string_end(bytes, pos),
                        string_end_by_every_byte(bytes, pos),
                        "{text:?} at {pos}"
                    );
                }
            }
            assert_eq!(clean(&text), clean_by_every_byte(&text), "{text:?}");
        }
        assert!(triples > 1000, "too few triple quotes: {triples}");
        let doc = format!("x = '''{}'''\ny = 1\n", "word \\' \n".repeat(1000));
        assert_eq!(clean(&doc), clean_by_every_byte(&doc));
    }

    #[test]
    fn unterminated_single_line_string_ends_at_newline() {
        let (_, mask) = clean("x = 'abc\ny = 1\n");
        assert!(mask[5] && mask[7]);
        assert!(!mask[8] && !mask[9]);
    }
}
