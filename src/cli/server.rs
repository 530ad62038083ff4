//! The server hooks (`hook pre-receive`, `hook update`): every commit a push
//! brings to the repository, judged by the default branch's policy, within a
//! time and a size budget.

use std::io::Read;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use confgate::config::gitleaks::{self, Gitleaks, GitleaksTexts};
use confgate::config::plan::Plan;
use confgate::config::settings::{self, Layers};
use confgate::detect::baseline::{self, Baseline};
use confgate::git::{self, RefUpdate, Repo};
use confgate::outcome::Outcome;
use confgate::session::{CommitsChecked, Session};

use super::args::{ColorChoice, GlobalArgs};
use super::check::{check_commits, emit};
use super::{App, Status};
use crate::report::{Mode, Palette};

/// git writes one line per ref; a mirror push of many tags stays far below.
const MAX_STDIN: u64 = 64 * 1024 * 1024;
/// `git push -o confgate.skip=<reason>`.
const SKIP_OPTION: &str = "confgate.skip";
/// Where `[server]` policy text names the default branch in messages.
const ORIGIN: &str = " (default branch)";

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

/// `[server]`, as the layers set it (the defaults in `rules/config.toml`).
struct Budget {
    timeout: Duration,
    timeout_secs: f64,
    max_commits: usize,
    accept_over_budget: bool,
    allow_skip: bool,
}

impl Budget {
    fn from_layers(layers: &Layers) -> Result<Budget> {
        let missing = |key: &str| {
            anyhow::anyhow!(
                "no value for server.{key}: the embedded defaults (rules/config.toml) must set it"
            )
        };
        let timeout_secs = layers
            .last(|s| s.server.as_ref()?.timeout.as_ref())
            .ok_or_else(|| missing("timeout"))?;
        Ok(Budget {
            timeout: Duration::from_secs_f64(timeout_secs),
            timeout_secs,
            max_commits: layers
                .last(|s| s.server.as_ref()?.max_commits.as_ref())
                .ok_or_else(|| missing("max_commits"))?,
            accept_over_budget: layers
                .last(|s| s.server.as_ref()?.on_budget.as_ref())
                .ok_or_else(|| missing("on_budget"))?
                == "accept",
            allow_skip: layers
                .last(|s| s.server.as_ref()?.allow_skip.as_ref())
                .ok_or_else(|| missing("allow_skip"))?,
        })
    }
}

/// The policy of a server repository: the built-in defaults, the default
/// branch's `.confgate.toml` (else `[tool.confgate]` of `pyproject.toml`) as
/// it is before the push, then the server's `--config`. A push cannot bring
/// its own policy, and no working tree is read.
fn server_layers(app: &App, repo: &Repo) -> Result<Layers> {
    let mut layers = vec![settings::parse_layer(
        "rules/config.toml (built in)",
        settings::DEFAULTS,
    )?];
    let dotfile = repo.default_branch_file(".confgate.toml")?;
    let pyproject = match dotfile {
        Some(_) => None,
        None => repo.default_branch_file("pyproject.toml")?,
    };
    layers.extend(settings::project_layer_from(
        dotfile.as_deref(),
        pyproject.as_deref(),
        ORIGIN,
    )?);
    if let Some(path) = &app.global.config {
        layers.push(settings::file_layer(path)?);
    }
    Ok(Layers::new(layers))
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
        .map(|name| confgate::finding::shorten(&name))
        .unwrap_or_else(|| "unknown to git".to_string())
}

/// What the worker thread hands back.
enum Checked {
    Done {
        session: Box<Session>,
        checked: CommitsChecked,
    },
    OverBudget(String),
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
    let (repo, plan, budget, baseline) = server_policy(&app)?;
    let refs = updates
        .iter()
        .map(|u| u.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let mut notices = match skip_option(&budget, &refs)? {
        Skip::Granted(notice) => return emit_notices(&app, mode, vec![notice], None),
        Skip::Check(notices) => notices,
    };
    let session = Session::fixed(repo, plan, baseline, app.config_layer()?)?;
    match within_budget(&app, session, updates, &budget)? {
        Checked::Done {
            session,
            mut checked,
        } => {
            notices.append(&mut checked.outcome.notices);
            checked.outcome.notices = notices;
            emit(&app, *session, mode, checked)
        }
        Checked::OverBudget(why) => {
            if budget.accept_over_budget {
                notices.push(format!(
                    "{why}: push ACCEPTED UNCHECKED ([server] on_budget = \"accept\"); refs: {refs}"
                ));
                emit_notices(&app, mode, notices, None)
            } else {
                let reason = format!(
                    "{why}; push refused ([server] on_budget = \"refuse\"): push fewer commits at a time, or ask the server's admin"
                );
                emit_notices(&app, mode, notices, Some(reason))
            }
        }
    }
}

/// The default branch's gitleaks policy.
fn server_gitleaks(repo: &Repo) -> Result<Gitleaks> {
    let configured = gitleaks::configured_path(
        repo.default_branch_file(".confgate.toml")?.as_deref(),
        repo.default_branch_file("pyproject.toml")?.as_deref(),
    );
    let path = configured
        .clone()
        .unwrap_or_else(|| gitleaks::CONFIG_FILE.to_string());
    let config = repo.default_branch_file(&path)?;
    if configured.is_some() && config.is_none() {
        bail!("secrets.gitleaks_config names {path}, which is not on the default branch{ORIGIN}");
    }
    Gitleaks::load(&GitleaksTexts {
        config: config.map(|text| (path, text)),
        ignore: repo.default_branch_file(gitleaks::IGNORE_FILE)?,
        origin: ORIGIN.to_string(),
    })
}

/// The server repository with the default branch's plan, budget and
/// baseline.
fn server_policy(app: &App) -> Result<(Repo, Plan, Budget, Option<Baseline>)> {
    let mut repo = Repo::open_env(true)?;
    let layers = server_layers(app, &repo)?;
    let plan = Plan::build_with(&layers, server_gitleaks(&repo)?)?;
    let budget = Budget::from_layers(&layers)?;
    repo.set_max_file_size(plan.max_file_size);
    let baseline = match repo.default_branch_file(baseline::FILE_NAME)? {
        Some(text) => Some(Baseline::parse(
            &format!("{}{ORIGIN}", baseline::FILE_NAME),
            &text,
        )?),
        None => None,
    };
    Ok((repo, plan, budget, baseline))
}

/// What `git push -o confgate.skip=<reason>` gets.
enum Skip {
    /// The check is skipped: the notice that says so, and who asked.
    Granted(String),
    /// The push is checked, with these notices.
    Check(Vec<String>),
}

fn skip_option(budget: &Budget, refs: &str) -> Result<Skip> {
    match skip_request() {
        Some(reason) if reason.is_empty() => {
            bail!("push option {SKIP_OPTION} needs a reason: git push -o {SKIP_OPTION}=\"<why>\"")
        }
        Some(reason) if budget.allow_skip => Ok(Skip::Granted(format!(
            "check SKIPPED by push option {SKIP_OPTION} (reason: {:?}; refs: {refs}; pusher: {}); allowed by [server] allow_skip = true",
            confgate::finding::shorten(&reason),
            pusher()
        ))),
        Some(_) => Ok(Skip::Check(vec![format!(
            "push option {SKIP_OPTION} ignored: this server does not allow skipping ([server] allow_skip = false); checking"
        )])),
        None => Ok(Skip::Check(Vec::new())),
    }
}

/// The check, on its own thread so that the budget holds whatever it meets
/// (a huge history, a slow disk): when time runs out the verdict is given
/// and the process ends, leaving the thread unfinished.
fn within_budget(
    app: &App,
    session: Session,
    updates: Vec<RefUpdate>,
    budget: &Budget,
) -> Result<Checked> {
    let deadline = Instant::now() + budget.timeout;
    let (sender, receiver) = mpsc::channel();
    let global = app.global.clone();
    let max_commits = budget.max_commits;
    std::thread::spawn(move || {
        let result = check_push(global, session, &updates, max_commits);
        let _ = sender.send((result, Instant::now()));
    });
    match receiver.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
        Ok((result, finished)) if finished <= deadline => result,
        Ok(_) | Err(RecvTimeoutError::Timeout) => Ok(Checked::OverBudget(format!(
            "the check did not finish within its time budget of {} s ([server] timeout)",
            budget.timeout_secs
        ))),
        Err(RecvTimeoutError::Disconnected) => {
            bail!("the check of the pushed commits stopped without a verdict")
        }
    }
}

/// The worker: the commits new to the repository, within `max_commits`,
/// each checked on its own with its own message.
fn check_push(
    global: GlobalArgs,
    session: Session,
    updates: &[RefUpdate],
    max_commits: usize,
) -> Result<Checked> {
    let app = App::new(global);
    let received = session.repo.received_commits(updates)?;
    if received.commits.len() > max_commits {
        return Ok(Checked::OverBudget(format!(
            "the push brings {} new commits, more than [server] max_commits = {max_commits}",
            received.commits.len()
        )));
    }
    let mut checked = check_commits(&app, &session, &received.commits)?;
    for name in received.not_commits {
        checked.outcome.notices.push(format!(
            "{name} points to a tree or blob, not a commit: no commit to check"
        ));
    }
    Ok(Checked::Done {
        session: Box::new(session),
        checked,
    })
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
