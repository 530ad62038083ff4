//! `hook pre-commit` outside a `git commit`: the pre-commit framework's
//! `pre-commit run --all-files` (pre-commit.ci runs it on every pull request)
//! or CI stage nothing, so checking the staged change would pass without a
//! word. There the hook checks what the run is about instead, and says which.

use anyhow::Result;

use confgate::session::Session;

use super::check::{check_commits, emit};
use super::{scan, App, Status};
use crate::report::Mode;

/// What a run with nothing staged is about.
pub enum Asked {
    /// `pre-commit run --from-ref A --to-ref B`: the commits `A..B`.
    Range { from: String, to: String },
    /// `pre-commit run --all-files`, or CI: the repository's files.
    Files,
}

/// `Some` when nothing staged means "nothing to do" is the wrong answer:
/// run by the framework (`PRE_COMMIT`) or in CI (`CI`), and not by
/// `git commit`, which always names its index (`GIT_INDEX_FILE`) to its
/// hooks: an empty commit or a reworded amend is judged as what it is.
pub fn asked() -> Option<Asked> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    if var("GIT_INDEX_FILE").is_some() {
        return None;
    }
    var("PRE_COMMIT").or_else(|| var("CI"))?;
    Some(
        match (var("PRE_COMMIT_FROM_REF"), var("PRE_COMMIT_TO_REF")) {
            (Some(from), Some(to)) => Asked::Range { from, to },
            _ => Asked::Files,
        },
    )
}

pub fn check_asked(app: &App, session: Session, asked: Asked) -> Result<Status> {
    match asked {
        Asked::Range { from, to } => {
            app.say(&format!(
                "confgate: nothing staged; checking the commits {from}..{to} (PRE_COMMIT_FROM_REF..PRE_COMMIT_TO_REF)"
            ));
            let oids = session.range_to_check(app, &format!("{from}..{to}"))?;
            let checked = check_commits(app, &session, &oids)?;
            emit(app, session, Mode::Check, checked)
        }
        Asked::Files => {
            app.say(
                "confgate: nothing staged and not run by `git commit` (pre-commit run --all-files, CI): scanning the repository's files, as `confgate scan` does",
            );
            drop(session);
            scan::scan(app, &[])
        }
    }
}
