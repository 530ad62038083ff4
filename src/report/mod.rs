//! Turning an outcome into output: human (coloured), JSON and SARIF, all
//! written through one `Write`.

mod human;
mod json;
mod remote;
mod sarif;

use std::io::Write;

use confgate::engine::Outcome;
use confgate::model::CommitInfo;
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
