//! Turning an outcome into output: human (coloured), JSON and SARIF, all
//! written through one `Write`. The report owns its types: the output
//! format, the mode a run reports as, and the JSON schema.

mod human;
mod json;
mod release;
mod remote;
mod sarif;

use std::borrow::Cow;
use std::io::Write;

use clap::ValueEnum;
use confgate::model::CommitInfo;
use confgate::outcome::Outcome;
use confgate::ruleinfo::RuleInfo;
use serde::Serialize;

pub use human::Palette;
pub use release::{change_log, tag_message, ReleaseSummary};

/// The output format (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
}

/// What a run reports as: the command or hook that ran (JSON's `mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    PreCommit,
    CommitMsg,
    PrePush,
    PreReceive,
    Update,
    Check,
    Scan,
    ReleaseCheck,
    Log,
}

impl Mode {
    /// The client-side hooks, which stay quiet when they pass.
    pub fn is_client_hook(self) -> bool {
        matches!(self, Mode::PreCommit | Mode::CommitMsg | Mode::PrePush)
    }
}

/// Everything one run reports.
pub struct Report<'a> {
    pub mode: Mode,
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
    /// The range a log or release check covers, as people read it
    /// (`v1.2..HEAD`, `all history`).
    pub range: Option<&'a str>,
    /// The release check's own results (environments, checklist, tag).
    pub release: Option<&'a ReleaseSummary>,
}

impl Report<'_> {
    /// The server hooks, whose human output becomes `remote:` lines.
    fn is_server(&self) -> bool {
        matches!(self.mode, Mode::PreReceive | Mode::Update)
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
            Format::Human if self.mode == Mode::Log => release::write_log(self, out),
            Format::Human => {
                if let Some(release) = self.release {
                    release::write(release, palette, out)?;
                }
                human::write(self, palette, out)
            }
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
