//! Turning an outcome into output: human (coloured), JSON and SARIF, all
//! written through one `Write`.

mod human;
mod json;
mod remote;
mod sarif;

use std::borrow::Cow;
use std::io::Write;

use confgate::model::CommitInfo;
use confgate::outcome::Outcome;
use confgate::ruleinfo::RuleInfo;

use crate::cli::args::Format;

pub use human::Palette;

/// Everything one run reports.
pub struct Report<'a> {
    /// `pre-commit`, `commit-msg`, `pre-push`, `check`, `scan`, `release-check`, `log`.
    pub mode: &'static str,
    pub outcome: &'a Outcome,
    /// The commits checked, to name offending ones (empty for staged changes and scans).
    pub commits: &'a [CommitInfo],
    /// Rule metadata, for SARIF and for the human footer.
    pub rules: &'a [RuleInfo],
    pub files_checked: usize,
    pub quiet: bool,
    pub verbose: bool,
    /// Blocked for a reason that is not a finding (a failed release step),
    /// said in the summary line.
    pub blocked_by: Option<String>,
    /// Extra JSON members (release steps, environments), already built.
    pub extra_json: Vec<(&'static str, serde_json::Value)>,
}

impl Report<'_> {
    /// The server hooks, whose human output becomes `remote:` lines.
    fn is_server(&self) -> bool {
        matches!(self.mode, "pre-receive" | "update")
    }

    pub fn blocked(&self) -> bool {
        self.outcome.blocked() || self.blocked_by.is_some()
    }

    pub fn write(
        &self,
        format: Format,
        palette: &Palette,
        out: &mut dyn Write,
    ) -> std::io::Result<()> {
        match format {
            Format::Human if self.is_server() => remote::write(self, palette, out),
            Format::Human => human::write(self, palette, out),
            Format::Json => json::write(self, out),
            Format::Sarif => sarif::write(self, out),
        }
    }
}

/// A path as git shows it (`core.quotePath`): in double quotes with C
/// escapes when it holds a control character, a quote or a backslash, so a
/// name with ESC or a newline cannot paint the terminal or forge a report
/// line. Other text is left as it is.
pub fn quote_path(path: &str) -> Cow<'_, str> {
    if !path
        .chars()
        .any(|c| c.is_control() || c == '"' || c == '\\')
    {
        return Cow::Borrowed(path);
    }
    let mut out = String::with_capacity(path.len() + 2);
    out.push('"');
    for c in path.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => push_escaped(&mut out, c),
        }
    }
    out.push('"');
    Cow::Owned(out)
}

/// Free text (a message, a snippet of file content, a commit summary) with
/// its control characters escaped as in [`quote_path`]; tabs are kept.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c.is_control() && c != '\t') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c == '\t' {
            out.push(c);
        } else {
            push_escaped(&mut out, c);
        }
    }
    Cow::Owned(out)
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\x07' => out.push_str("\\a"),
        '\x08' => out.push_str("\\b"),
        '\t' => out.push_str("\\t"),
        '\n' => out.push_str("\\n"),
        '\x0b' => out.push_str("\\v"),
        '\x0c' => out.push_str("\\f"),
        '\r' => out.push_str("\\r"),
        c if c.is_control() => {
            let mut buf = [0u8; 4];
            for byte in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("\\{byte:03o}"));
            }
        }
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_quoted_as_git_quotes_them() {
        assert_eq!(quote_path("app/main.py"), "app/main.py");
        assert_eq!(quote_path("naïve file.py"), "naïve file.py");
        assert_eq!(quote_path("a\x1bb"), "\"a\\033b\"");
        assert_eq!(quote_path("a\nb"), "\"a\\nb\"");
        assert_eq!(quote_path("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(quote_path("x\u{9b}y"), "\"x\\302\\233y\"");
        assert_eq!(printable("K = 1\x1b[2K\r"), "K = 1\\033[2K\\r");
        assert_eq!(printable("a\tb \"q\""), "a\tb \"q\"");
    }
}
