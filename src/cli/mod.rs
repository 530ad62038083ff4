//! Commands: each turns its arguments into a plan and a change set, runs the
//! engine, and hands the outcome to the reporter.

pub mod args;
mod catalog;
mod check;
mod framework;
mod release;
mod scan;
mod server;
mod setup;

use std::io::{IsTerminal, Write};
use std::path::Path;

use anyhow::{Context, Result};
use clap::CommandFactory;
use confgate::config::gitleaks::Gitleaks;
use confgate::config::plan::Plan;
use confgate::config::settings::{self, Layers};
use confgate::model::CommitInfo;
use confgate::outcome::Outcome;
use confgate::redact::redact_text;

use crate::report::{Format, Mode, Palette, Report};
use args::{Cli, ColorChoice, Command, GlobalArgs, HookCommand, RecordCommand};

/// How a command ended, when it could do its job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pass,
    Blocked,
}

pub fn run(cli: Cli) -> Result<Status> {
    let app = App::new(cli.global);
    match cli.command {
        Command::Hook(HookCommand::PreCommit) => check::pre_commit(&app),
        Command::Hook(HookCommand::CommitMsg { file }) => check::commit_msg(&app, &file),
        Command::Hook(HookCommand::PrePush { remote, url }) => {
            check::pre_push(&app, remote.as_deref(), url.as_deref())
        }
        Command::Hook(HookCommand::PreReceive) => server::pre_receive(&app),
        Command::Hook(HookCommand::Update { name, old, new }) => {
            server::update(&app, &name, &old, &new)
        }
        Command::Check(args) => check::check(&app, &args),
        Command::Scan(args) => scan::scan(&app, &args.paths),
        Command::Baseline(args) => scan::baseline(&app, &args),
        Command::ReleaseCheck(args) => release::release_check(&app, &args),
        Command::Log(args) => release::log(&app, &args),
        Command::Record(RecordCommand::New { owner, name }) => {
            setup::record_new(&app, owner.as_deref(), name.as_deref())
        }
        Command::Install(args) => setup::install(&app, &args),
        Command::Uninstall => setup::uninstall(&app),
        Command::Init(args) => setup::init(&app, &args),
        Command::Adopt(args) => setup::adopt(&app, &args),
        Command::Rules => catalog::rules(&app),
        Command::Explain { rule } => catalog::explain(&app, &rule),
        Command::Completions { shell } => {
            let mut command = Cli::command();
            clap_complete::generate(shell, &mut command, "confgate", &mut stdout());
            Ok(Status::Pass)
        }
        Command::Man => {
            let man = clap_mangen::Man::new(Cli::command());
            man.render(&mut stdout())
                .context("cannot write the man page")?;
            Ok(Status::Pass)
        }
    }
}

/// Standard output for every command. A reader that went away (`| head`)
/// ends the output quietly, as it does for `git log | head`: the rest is
/// dropped, the command runs to its end and keeps its verdict. Writers that
/// treat any error as fatal (clap_complete panics) never see one.
pub fn stdout() -> QuietStdout {
    QuietStdout {
        inner: std::io::stdout().lock(),
        closed: false,
    }
}

pub struct QuietStdout {
    inner: std::io::StdoutLock<'static>,
    closed: bool,
}

impl QuietStdout {
    fn absorb(&mut self, result: std::io::Result<()>) -> std::io::Result<()> {
        match result {
            Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => other,
        }
    }
}

impl Write for QuietStdout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if !self.closed {
            let result = self.inner.write_all(buf);
            self.absorb(result)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let result = self.inner.flush();
        self.absorb(result)
    }
}

impl confgate::session::Observer for App {
    fn say(&self, line: &str) {
        App::say(self, line);
    }
}

/// What every command shares: global flags and the colour decision.
pub struct App {
    pub global: GlobalArgs,
    pub palette: Palette,
}

impl App {
    fn new(global: GlobalArgs) -> App {
        let enabled = match global.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stdout().is_terminal()
            }
        };
        App {
            global,
            palette: Palette { enabled },
        }
    }

    /// Layers for a project rooted at `root`: embedded defaults, the
    /// project's file, then `--config`.
    pub fn layers(&self, root: &Path) -> Result<Layers> {
        let mut layers = vec![settings::parse_layer(
            "rules/config.toml (built in)",
            settings::DEFAULTS,
        )?];
        if let Some(layer) = settings::project_layer(root)? {
            layers.push(layer);
        }
        layers.extend(self.config_layer()?);
        Ok(Layers::new(layers))
    }

    /// The `--config FILE` layer, when given.
    pub fn config_layer(&self) -> Result<Option<settings::Layer>> {
        self.global
            .config
            .as_ref()
            .map(|path| settings::file_layer(path))
            .transpose()
    }

    pub fn plan(&self, root: &Path) -> Result<Plan> {
        let layers = self.layers(root)?;
        Plan::build_with(&layers, Gitleaks::from_dir(root)?)
    }

    /// Write a report and say whether it blocks. A reader that went away
    /// (`| head`) does not change the verdict.
    pub fn emit(&self, report: &Report<'_>) -> Result<Status> {
        let mut buffer = Vec::new();
        report
            .write(self.global.format, &self.palette, &mut buffer)
            .context("cannot write the report")?;
        // JSON and SARIF reports redact each string before they serialize
        // it (a pass over the serialized text could split an escape).
        let text = String::from_utf8_lossy(&buffer);
        if self.human() {
            self.print(&text)?;
        } else {
            self.write_stdout(&text)?;
        }
        Ok(if report.blocked() {
            Status::Blocked
        } else {
            Status::Pass
        })
    }

    pub fn report<'a>(
        &self,
        mode: Mode,
        outcome: &'a Outcome,
        commits: &'a [CommitInfo],
        rules: &'a [confgate::ruleinfo::RuleInfo],
        files_checked: usize,
    ) -> Report<'a> {
        Report {
            mode,
            outcome,
            commits,
            rules,
            files_checked,
            quiet: self.global.quiet,
            verbose: self.global.verbose,
            blocked_by: None,
            range: None,
            release: None,
        }
    }

    pub fn human(&self) -> bool {
        self.global.format == Format::Human
    }

    /// Write `text` to stdout through the redaction path: whatever built it,
    /// no secret a detector recognises leaves in full. A reader that went
    /// away (`| head`) is not an error.
    pub fn print(&self, text: &str) -> Result<()> {
        self.write_stdout(&redact_text(text))
    }

    fn write_stdout(&self, text: &str) -> Result<()> {
        let mut out = stdout();
        out.write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .context("cannot write the report")
    }

    /// A line for people on stderr (progress, actions), unless quiet.
    pub fn say(&self, text: &str) {
        if !self.global.quiet {
            let _ = writeln!(std::io::stderr(), "{}", redact_text(text));
        }
    }
}
