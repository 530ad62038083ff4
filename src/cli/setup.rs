//! Commands that write files on request: install, uninstall, init, record new.
//! (The checks themselves never write.)

use std::path::PathBuf;

use anyhow::{Context, Result};
use confgate::config::adopt;
use confgate::git::Repo;
use confgate::install;
use confgate::records::{record, scaffold};
use confgate::session::Session;

use super::args::{AdoptArgs, InitArgs, InstallArgs};
use super::{App, Status};

pub const DEFAULT_HOOKS: &[&str] = &["pre-commit", "commit-msg", "pre-push"];

pub fn install(app: &App, args: &InstallArgs) -> Result<Status> {
    let repo = Repo::open()?;
    let hooks_dir = repo.hooks_dir()?;
    let hooks: Vec<String> = if args.hooks.is_empty() {
        DEFAULT_HOOKS.iter().map(|s| s.to_string()).collect()
    } else {
        args.hooks.clone()
    };
    let binary = std::env::current_exe().context("cannot find confgate's own path")?;
    let actions = install::install(&hooks_dir, &hooks, args.force, &binary)?;
    for action in actions {
        app.say(&format!("confgate: {action}"));
    }
    app.say(&format!("confgate: hooks in {}", hooks_dir.display()));
    if hooks.iter().any(|h| h == "release-tag") {
        app.say(&format!(
            "confgate: tag a release with {} TAG (runs `confgate release-check --tag TAG`)",
            hooks_dir.join("release-tag").display()
        ));
    }
    Ok(Status::Pass)
}

pub fn uninstall(app: &App) -> Result<Status> {
    let repo = Repo::open()?;
    let hooks_dir = repo.hooks_dir()?;
    let actions = install::uninstall(&hooks_dir)?;
    if actions.is_empty() {
        app.say("confgate: no confgate hooks installed");
    }
    for action in actions {
        app.say(&format!("confgate: {action}"));
    }
    Ok(Status::Pass)
}

pub fn init(app: &App, args: &InitArgs) -> Result<Status> {
    let repo = Repo::open().ok();
    let root: PathBuf = match &repo {
        Some(repo) => repo.root().to_path_buf(),
        None => std::env::current_dir()?,
    };
    let head = repo.and_then(|repo| repo.head());
    let path = adopt::write_starter(&root, head.map(|h| h.to_string()).as_deref(), args.force)?;
    match head {
        Some(head) => app.say(&format!(
            "confgate: wrote {} (adoption point: HEAD, {})",
            path.display(),
            head.short()
        )),
        None => app.say(&format!("confgate: wrote {}", path.display())),
    }
    Ok(Status::Pass)
}

/// `confgate adopt [REV]`: set `record.adopted` in the project's policy
/// file, keeping its comments and layout.
pub fn adopt(app: &App, args: &AdoptArgs) -> Result<Status> {
    let repo = Repo::open()?;
    let commit = repo.resolve(&args.rev)?;
    let name = adopt::set_adopted(repo.root(), &commit.to_string())?;
    app.say(&format!(
        "confgate: adoption point set to {} ({}) in {name}: it and its history are not re-judged; commit {name}",
        commit.short(),
        args.rev
    ));
    Ok(Status::Pass)
}

pub fn record_new(app: &App, owner: Option<&str>, name: Option<&str>) -> Result<Status> {
    let session = Session::open(app.config_layer()?)?;
    let (outcome, _) = session.check_staged(None)?;
    let root = session.repo.root();
    let written = scaffold::write(root, &session.plan, &outcome.config_changes, owner, name)?;
    let shown = written.path.strip_prefix(root).unwrap_or(&written.path);
    app.say(&format!(
        "confgate: wrote {} — fill in {}, then: git add {}",
        shown.display(),
        record::and_list(&written.to_fill),
        shown.display()
    ));
    Ok(Status::Pass)
}
