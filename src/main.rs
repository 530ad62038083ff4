//! The confgate binary: parse the command line, run one command, and turn its
//! result into the exit code (0 pass, 1 blocked, 2 error) in one place.

mod cli;
mod report;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use cli::args::Cli;
use cli::Status;

fn main() -> ExitCode {
    // A panic must never let a commit through: report it and exit 2.
    std::panic::set_hook(Box::new(|info| {
        let text = info.to_string();
        let _ = writeln!(
            std::io::stderr(),
            "confgate: internal error: {}\nconfgate: this is a bug; the check did not complete (exit 2)",
            confgate::redact::redact_text(&text)
        );
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let code = if err.use_stderr() { 2 } else { 0 };
            let _ = err.print();
            return ExitCode::from(code);
        }
    };
    match std::panic::catch_unwind(|| {
        // Lets the test suite prove that a panic anywhere fails closed.
        if std::env::var_os("CONFGATE_INTERNAL_PANIC").is_some() {
            panic!("CONFGATE_INTERNAL_PANIC is set");
        }
        cli::run(cli)
    }) {
        Ok(Ok(Status::Pass)) => ExitCode::SUCCESS,
        Ok(Ok(Status::Blocked)) => ExitCode::from(1),
        Ok(Err(err)) => {
            // Errors quote files (a parser's excerpt of a line): redacted too.
            let text = format!("{err:#}");
            let _ = writeln!(
                std::io::stderr(),
                "confgate: error: {}",
                confgate::redact::redact_text(&text)
            );
            ExitCode::from(2)
        }
        Err(_) => ExitCode::from(2),
    }
}
