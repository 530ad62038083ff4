//! The server hooks' orchestration (`hook pre-receive`, `hook update`): the
//! policy of a server repository, the `[server]` budget, a skip request, and
//! the check of every commit a push brings, within the budget. The command
//! line reads git's input and reports; nothing here prints.

use std::path::Path;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use anyhow::{bail, Result};

use crate::config::gitleaks::{self, Gitleaks, GitleaksTexts};
use crate::config::plan::Plan;
use crate::config::settings::{self, Layers};
use crate::detect::baseline::{self, Baseline};
use crate::finding::shorten;
use crate::git::{RefUpdate, Repo};
use crate::session::{CommitsChecked, Session, Silent};

/// `git push -o confgate.skip=<reason>`.
pub const SKIP_OPTION: &str = "confgate.skip";
/// How messages name where a server's policy comes from.
const ORIGIN: &str = " (default branch)";

/// `[server]`, as the layers set it (the defaults in `rules/config.toml`).
#[derive(Debug, Clone)]
pub struct Budget {
    pub timeout: Duration,
    pub max_commits: usize,
    /// `on_budget = "accept"`: a push the check cannot finish is let in.
    pub accept_over_budget: bool,
    pub allow_skip: bool,
}

impl Budget {
    pub fn from_layers(layers: &Layers) -> Result<Budget> {
        let missing = |key: &str| {
            anyhow::anyhow!(
                "no value for server.{key}: the embedded defaults (rules/config.toml) must set it"
            )
        };
        let timeout_secs: f64 = layers
            .last(|s| s.server.as_ref()?.timeout.as_ref())
            .ok_or_else(|| missing("timeout"))?;
        Ok(Budget {
            timeout: Duration::from_secs_f64(timeout_secs),
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

/// A server repository with the default branch's policy: the plan, the
/// budget and the baseline, all as they are before the push.
pub struct ServerPolicy {
    pub repo: Repo,
    pub plan: Plan,
    pub budget: Budget,
    pub baseline: Option<Baseline>,
}

impl ServerPolicy {
    /// The repository git runs the hook in (`GIT_DIR`), with the built-in
    /// defaults, the default branch's `.confgate.toml` (else
    /// `[tool.confgate]` of `pyproject.toml`), then the server's `config`.
    /// A push cannot bring its own policy, and no working tree is read.
    pub fn load(config: Option<&Path>) -> Result<ServerPolicy> {
        let mut repo = Repo::open_env(true)?;
        let layers = layers(&repo, config)?;
        let plan = Plan::build_with(&layers, default_branch_gitleaks(&repo)?)?;
        let budget = Budget::from_layers(&layers)?;
        repo.set_max_file_size(plan.max_file_size);
        let baseline = match repo.default_branch_file(baseline::FILE_NAME)? {
            Some(text) => Some(Baseline::parse(
                &format!("{}{ORIGIN}", baseline::FILE_NAME),
                &text,
            )?),
            None => None,
        };
        Ok(ServerPolicy {
            repo,
            plan,
            budget,
            baseline,
        })
    }
}

fn layers(repo: &Repo, config: Option<&Path>) -> Result<Layers> {
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
    if let Some(path) = config {
        layers.push(settings::file_layer(path)?);
    }
    Ok(Layers::new(layers))
}

/// The default branch's gitleaks policy.
fn default_branch_gitleaks(repo: &Repo) -> Result<Gitleaks> {
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

/// What `git push -o confgate.skip=<reason>` gets.
#[derive(Debug, PartialEq, Eq)]
pub enum Skip {
    /// The check is skipped: the notice that says so, and who asked.
    Granted(String),
    /// The push is checked, with these notices.
    Check(Vec<String>),
}

/// The answer to a skip request (`Some("")`: asked without a reason, which
/// is an error) made by `pusher` for `refs`.
pub fn skip(budget: &Budget, request: Option<&str>, refs: &str, pusher: &str) -> Result<Skip> {
    match request {
        Some("") => {
            bail!("push option {SKIP_OPTION} needs a reason: git push -o {SKIP_OPTION}=\"<why>\"")
        }
        Some(reason) if budget.allow_skip => Ok(Skip::Granted(format!(
            "check SKIPPED by push option {SKIP_OPTION} (reason: {:?}; refs: {refs}; pusher: {}); allowed by [server] allow_skip = true",
            shorten(reason),
            shorten(pusher)
        ))),
        Some(_) => Ok(Skip::Check(vec![format!(
            "push option {SKIP_OPTION} ignored: this server does not allow skipping ([server] allow_skip = false); checking"
        )])),
        None => Ok(Skip::Check(Vec::new())),
    }
}

/// What checking a push came to.
pub enum Checked {
    Done {
        session: Box<Session>,
        checked: CommitsChecked,
    },
    /// The budget ran out first: why, in a sentence.
    OverBudget(String),
}

/// The commits `updates` bring that the repository does not have, each
/// checked on its own with its own message, on a thread of its own so that
/// the budget holds whatever it meets (a huge history, a slow disk): when
/// time runs out the verdict is given and the caller may end the process,
/// leaving the thread unfinished.
pub fn check_within_budget(
    session: Session,
    updates: Vec<RefUpdate>,
    budget: &Budget,
) -> Result<Checked> {
    let deadline = Instant::now() + budget.timeout;
    let (sender, receiver) = mpsc::channel();
    let max_commits = budget.max_commits;
    std::thread::spawn(move || {
        let result = check_push(session, &updates, max_commits);
        let _ = sender.send((result, Instant::now()));
    });
    match receiver.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
        Ok((result, finished)) if finished <= deadline => result,
        Ok(_) | Err(RecvTimeoutError::Timeout) => Ok(Checked::OverBudget(format!(
            "the check did not finish within its time budget of {} s ([server] timeout)",
            budget.timeout.as_secs_f64()
        ))),
        Err(RecvTimeoutError::Disconnected) => {
            bail!("the check of the pushed commits stopped without a verdict")
        }
    }
}

fn check_push(session: Session, updates: &[RefUpdate], max_commits: usize) -> Result<Checked> {
    let received = session.repo.received_commits(updates)?;
    if received.commits.len() > max_commits {
        return Ok(Checked::OverBudget(format!(
            "the push brings {} new commits, more than [server] max_commits = {max_commits}",
            received.commits.len()
        )));
    }
    let mut checked = session.check_commits(&received.commits, &Silent)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn budget(allow_skip: bool) -> Budget {
        Budget {
            timeout: Duration::from_secs(1),
            max_commits: 10,
            accept_over_budget: false,
            allow_skip,
        }
    }

    #[test]
    fn a_skip_needs_a_reason_and_the_servers_consent() {
        assert!(skip(&budget(true), Some(""), "refs/heads/main", "ann").is_err());
        match skip(&budget(true), Some("hotfix"), "refs/heads/main", "ann").unwrap() {
            Skip::Granted(notice) => {
                assert!(notice.contains("\"hotfix\""), "{notice}");
                assert!(notice.contains("pusher: ann"), "{notice}");
            }
            other => panic!("expected a granted skip, got {other:?}"),
        }
        match skip(&budget(false), Some("hotfix"), "refs/heads/main", "ann").unwrap() {
            Skip::Check(notices) => assert!(notices[0].contains("ignored"), "{notices:?}"),
            other => panic!("expected a check, got {other:?}"),
        }
        assert_eq!(
            skip(&budget(false), None, "refs/heads/main", "ann").unwrap(),
            Skip::Check(Vec::new())
        );
    }

    #[test]
    fn the_budget_comes_from_the_builtin_defaults() {
        let layers = Layers::new(vec![settings::parse_layer(
            "rules/config.toml (built in)",
            settings::DEFAULTS,
        )
        .unwrap()]);
        let budget = Budget::from_layers(&layers).unwrap();
        assert!(budget.timeout > Duration::ZERO);
        assert!(budget.max_commits > 0);
        assert!(
            !budget.accept_over_budget,
            "a server refuses what it cannot check"
        );
        assert!(
            !budget.allow_skip,
            "skipping is off unless a server turns it on"
        );
    }
}
