//! The command line, as clap derives it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "confgate",
    version,
    about = "Git hooks that keep config changes recorded, secrets out, and security settings where reviewers look",
    long_about = "confgate guards the moment a configuration change enters history:\n\
  - a commit that changes service configuration must carry a change record\n\
    (owner, expected result and rollback, together);\n\
  - a commit that adds a secret is blocked;\n\
  - a commit that sets a security setting inline, outside a designated\n\
    security file, is blocked.\n\n\
Exit codes: 0 nothing blocking, 1 blocked, 2 error.",
    after_help = "Examples:\n  confgate install                 # pre-commit, commit-msg and pre-push hooks\n  confgate check --range origin/main..HEAD --format sarif > confgate.sarif\n  confgate scan . --format json\n  confgate record new --owner @payments-sre\n  confgate explain aws-access-key"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// When to colour human output (NO_COLOR is respected by `auto`).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Extra configuration file, layered over .confgate.toml (hooks refuse
    /// one inside the repository).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Print only blocking findings and errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Also print config changes, suppressed findings and skipped files.
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

use crate::report::Format;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run as a git hook (what the scripts in hooks/ call).
    #[command(
        subcommand,
        after_help = "Examples:\n  confgate hook pre-commit\n  confgate hook commit-msg .git/COMMIT_EDITMSG\n  confgate install            # writes hook scripts that call these"
    )]
    Hook(HookCommand),
    /// Check the staged change, a commit or a range (for people and CI).
    #[command(
        after_help = "Examples:\n  confgate check                      # the staged change\n  confgate check --message msg.txt    # ... with the record trailers in msg.txt\n  confgate check --commit HEAD\n  confgate check --range origin/main..HEAD --format sarif"
    )]
    Check(CheckArgs),
    /// Check files as they are, for secrets and inline security settings.
    #[command(
        after_help = "Examples:\n  confgate scan                 # the working tree (respects .gitignore)\n  confgate scan app/ config/\n  confgate scan --format sarif > scan.sarif"
    )]
    Scan(ScanArgs),
    /// The release gate: every commit since the last tag, environments,
    /// checklist, change log, and optionally the tag.
    #[command(
        after_help = "Examples:\n  confgate release-check --dry-run\n  confgate release-check --tag v1.4.0\n  hooks/release-tag v1.4.0"
    )]
    ReleaseCheck(ReleaseArgs),
    /// Print the config change log (each change with owner, expected result, rollback).
    #[command(
        after_help = "Examples:\n  confgate log\n  confgate log --since v1.3.0 --format json"
    )]
    Log(LogArgs),
    /// Change records.
    #[command(
        subcommand,
        after_help = "Example:\n  git add config/cache.toml && confgate record new --owner @payments-sre"
    )]
    Record(RecordCommand),
    /// Install the hook scripts (pre-commit, commit-msg, pre-push by default).
    #[command(
        after_help = "Examples:\n  confgate install\n  confgate install --hook pre-push\n  confgate install --hook release-tag   # the release gate script, for release scripts\n  confgate install --force   # replace a hook that cannot be chained (kept for uninstall)"
    )]
    Install(InstallArgs),
    /// Remove confgate's hook scripts, restoring what was there before.
    #[command(after_help = "Example:\n  confgate uninstall")]
    Uninstall,
    /// Write a commented starter .confgate.toml.
    #[command(
        after_help = "Examples:\n  confgate init\n  confgate init --force   # overwrite an existing .confgate.toml"
    )]
    Init(InitArgs),
    /// Set the adoption point (record.adopted): checks start after REV.
    #[command(
        after_help = "Examples:\n  confgate adopt              # history up to HEAD is not re-judged\n  confgate adopt v2.3.0\n\nWrites record.adopted in .confgate.toml (or [tool.confgate] of pyproject.toml),\nkeeping its comments. Pre-push, check --range and release-check do not\nre-judge REV and its ancestors."
    )]
    Adopt(AdoptArgs),
    /// List the rules and policies in force.
    #[command(after_help = "Examples:\n  confgate rules\n  confgate rules --format json")]
    Rules,
    /// Explain one rule: what it matches, why it matters, how to fix it.
    #[command(after_help = "Example:\n  confgate explain debug-mode")]
    Explain {
        /// A rule or policy id, as `confgate rules` lists them.
        rule: String,
    },
    /// Record today's findings of `scan`, so that only new ones are reported.
    #[command(
        after_help = "Examples:\n  confgate baseline           # writes .confgate-baseline.json\n  confgate baseline legacy/\n  confgate baseline --import .secrets.baseline   # from detect-secrets"
    )]
    Baseline(BaselineArgs),
    /// Print shell completions.
    #[command(
        after_help = "Example:\n  confgate completions bash > /etc/bash_completion.d/confgate"
    )]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    #[command(after_help = "Example:\n  confgate man > confgate.1 && man ./confgate.1")]
    Man,
}

#[derive(Debug, Subcommand)]
pub enum HookCommand {
    /// Check the staged change (index against HEAD).
    #[command(after_help = "Example (what hooks/pre-commit runs):\n  confgate hook pre-commit")]
    PreCommit,
    /// Check the staged change with the commit message's record trailers.
    #[command(
        after_help = "Example (what hooks/commit-msg runs):\n  confgate hook commit-msg .git/COMMIT_EDITMSG"
    )]
    CommitMsg {
        /// The file git passes with the message.
        file: PathBuf,
    },
    /// Check every commit the push would add; ref lines on stdin.
    #[command(
        after_help = "Example (what hooks/pre-push runs, with git's ref lines on stdin):\n  confgate hook pre-push origin git@example.com:shop.git"
    )]
    PrePush {
        /// The remote's name.
        remote: Option<String>,
        /// The remote's URL.
        url: Option<String>,
    },
    /// On the server: check every commit a push brings, by the default
    /// branch's policy; `<old> <new> <ref>` lines on stdin.
    #[command(
        after_help = "Example (a bare repository's hooks/pre-receive, see docs/server-hooks.md):
  exec confgate hook pre-receive

Budgets and break-glass: [server] timeout, max_commits, on_budget, allow_skip
(git push -o confgate.skip=<reason>)."
    )]
    PreReceive,
    /// On the server, per ref: as pre-receive, for one ref update.
    #[command(after_help = "Example (a bare repository's hooks/update):
  exec confgate hook update \"$1\" \"$2\" \"$3\"")]
    Update {
        /// The ref being updated (refs/heads/main).
        #[arg(value_name = "REF")]
        name: String,
        /// Its old object id (all zeros for a new ref).
        old: String,
        /// Its new object id (all zeros for a deletion).
        new: String,
    },
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The staged change (the default), records included: a config change
    /// needs a staged record file, or trailers in the --message file.
    #[arg(long, conflicts_with_all = ["range", "commit"])]
    pub staged: bool,
    /// The commit message for the staged change, whose trailers may carry
    /// its record (`-` reads standard input).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["range", "commit"])]
    pub message: Option<PathBuf>,
    /// A range as `git log` takes it (A..B, A...B).
    #[arg(long, value_name = "A..B", conflicts_with = "commit")]
    pub range: Option<String>,
    /// One commit.
    #[arg(long, value_name = "REV")]
    pub commit: Option<String>,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or directories (default: the current directory).
    pub paths: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ReleaseArgs {
    /// Check commits since REF (default: the latest tag reachable from HEAD, else
    /// the adoption point record.adopted, else all history).
    #[arg(long, value_name = "REF")]
    pub since: Option<String>,
    /// Create this annotated tag when everything passes.
    #[arg(long, value_name = "NAME")]
    pub tag: Option<String>,
    /// Check and report, but create no tag and run no checklist commands.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct LogArgs {
    /// Changes since REF (default: the latest tag, else the adoption point, else all history).
    #[arg(long, value_name = "REF")]
    pub since: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum RecordCommand {
    /// Write a record file for the staged config changes, to be completed.
    #[command(
        after_help = "Examples:\n  confgate record new --owner @payments-sre\n  confgate record new --owner sre@example.com --name cache-ttl"
    )]
    New {
        /// Who answers for the change (@handle, @org/team or e-mail).
        #[arg(long)]
        owner: Option<String>,
        /// File name (without .toml) under the record directory.
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct InstallArgs {
    /// A hook to install (repeatable): pre-commit, commit-msg, pre-push, or
    /// release-tag (the release gate script; not run by git).
    #[arg(long = "hook", value_name = "NAME")]
    pub hooks: Vec<String>,
    /// Replace a foreign hook that cannot be chained (it is kept for uninstall).
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Overwrite an existing .confgate.toml.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct AdoptArgs {
    /// The last commit from before confgate (a commit id, tag or branch).
    #[arg(default_value = "HEAD")]
    pub rev: String,
}

#[derive(Debug, Args)]
pub struct BaselineArgs {
    /// Files or directories to scan (default: the repository or current directory).
    pub paths: Vec<PathBuf>,
    /// Where to write the baseline (default: .confgate-baseline.json at the root).
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Convert a detect-secrets baseline: today's findings it accepts (audited
    /// false positives and unaudited entries) are added to confgate's baseline;
    /// those audited as real secrets stay reported.
    #[arg(long, value_name = "FILE")]
    pub import: Option<PathBuf>,
}
