//! The server hooks (`hook pre-receive`, `hook update`): git's input read,
//! the library's server check run (`confgate::server`), the verdict reported
//! as `remote:` lines.

use std::io::Read;

use anyhow::{bail, Context, Result};
use confgate::git::{self, RefUpdate};
use confgate::outcome::Outcome;
use confgate::server::{self, Checked, ServerPolicy, Skip, SKIP_OPTION};
use confgate::session::Session;

use super::args::ColorChoice;
use super::check::emit;
use super::{App, Status};
use crate::report::{Mode, Palette};

/// git writes one line per ref; a mirror push of many tags stays far below.
const MAX_STDIN: u64 = 64 * 1024 * 1024;

pub fn pre_receive(app: &App) -> Result<Status> {
    let mut input = String::new();
    std::io::stdin()
        .take(MAX_STDIN + 1)
        .read_to_string(&mut input)
        .context("cannot read the pre-receive ref lines from stdin")?;
    if input.len() as u64 > MAX_STDIN {
        bail!("pre-receive input is larger than {MAX_STDIN} bytes: refusing to judge a part of it");
    }
    serve(app, Mode::PreReceive, git::parse_receive_lines(&input)?)
}

pub fn update(app: &App, name: &str, old: &str, new: &str) -> Result<Status> {
    serve(app, Mode::Update, vec![git::update_args(name, old, new)?])
}

/// The reason given with `git push -o confgate.skip=<reason>`, from the
/// `GIT_PUSH_OPTION_*` variables git exports (with
/// `receive.advertisePushOptions` on). `Some("")`: asked without a reason.
fn skip_request() -> Option<String> {
    let count: usize = std::env::var("GIT_PUSH_OPTION_COUNT").ok()?.parse().ok()?;
    (0..count.min(1000)).find_map(|n| {
        let option = std::env::var(format!("GIT_PUSH_OPTION_{n}")).ok()?;
        let rest = option.strip_prefix(SKIP_OPTION)?;
        if rest.is_empty() {
            return Some(String::new());
        }
        rest.strip_prefix('=')
            .map(|reason| reason.trim().to_string())
    })
}

/// Who pushed, when the server says (git itself does not know): GitLab's
/// `GL_USERNAME`, Gitea's and Forgejo's `GITEA_PUSHER_NAME`, an HTTP
/// server's `REMOTE_USER`.
fn pusher() -> String {
    ["GL_USERNAME", "GITEA_PUSHER_NAME", "REMOTE_USER"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "unknown to git".to_string())
}

fn serve(app: &App, mode: Mode, updates: Vec<RefUpdate>) -> Result<Status> {
    // Output goes to the pusher's terminal as `remote:` lines: colour only
    // when asked for, whatever the hook's stdout is.
    let app = App {
        global: app.global.clone(),
        palette: Palette {
            enabled: app.global.color == ColorChoice::Always,
        },
    };
    let policy = ServerPolicy::load(app.global.config.as_deref())?;
    let refs = updates
        .iter()
        .map(|u| u.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let mut notices =
        match server::skip(&policy.budget, skip_request().as_deref(), &refs, &pusher())? {
            Skip::Granted(notice) => return emit_notices(&app, mode, vec![notice], None),
            Skip::Check(notices) => notices,
        };
    let budget = policy.budget.clone();
    let session = Session::fixed(
        policy.repo,
        policy.plan,
        policy.baseline,
        app.config_layer()?,
    )?;
    match server::check_within_budget(session, updates, &budget)? {
        Checked::Done {
            session,
            mut checked,
        } => {
            notices.append(&mut checked.outcome.notices);
            checked.outcome.notices = notices;
            emit(&app, *session, mode, checked)
        }
        Checked::OverBudget(why) if budget.accept_over_budget => {
            notices.push(format!(
                "{why}: push ACCEPTED UNCHECKED ([server] on_budget = \"accept\"); refs: {refs}"
            ));
            emit_notices(&app, mode, notices, None)
        }
        Checked::OverBudget(why) => {
            let reason = format!(
                "{why}; push refused ([server] on_budget = \"refuse\"): push fewer commits at a time, or ask the server's admin"
            );
            emit_notices(&app, mode, notices, Some(reason))
        }
    }
}

/// A report with no findings: notices, and a reason when it blocks.
fn emit_notices(
    app: &App,
    mode: Mode,
    notices: Vec<String>,
    blocked_by: Option<String>,
) -> Result<Status> {
    let outcome = Outcome {
        notices,
        ..Outcome::default()
    };
    let mut report = app.report(mode, &outcome, &[], &[], 0);
    report.blocked_by = blocked_by;
    app.emit(&report)
}
