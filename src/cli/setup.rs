//! Commands that write files on request: install, uninstall, init, record new.
//! (The checks themselves never write.)

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use confgate::bounded;
use confgate::git::Repo;
use confgate::install;
use confgate::outcome::ConfigChange;
use confgate::records::record::{self, RecordDraft};
use confgate::redact::redact_text;

use confgate::config::settings;

use super::args::{AdoptArgs, InitArgs, InstallArgs};
use super::{App, Status};
use confgate::session::Session;

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

const STARTER: &str = r#"# confgate configuration. Every key is optional: the defaults are in
# confgate's rules/config.toml. Lists replace the default (`include`) or add
# to it (`extend_include`). Unknown keys are an error.

[config]
# Files that count as service configuration, on top of the defaults
# (.env*, *.toml, *.yaml, settings.py, Dockerfile, docker-compose*.yml, ...).
# extend_include = ["deploy/*.json"]
# extend_exclude = ["fixtures/"]

[record]
# The adoption point: this commit and everything before it is history from
# before confgate, not re-judged by pre-push, `check --range` or
# `release-check`. `confgate init` sets it to HEAD; `confgate adopt REV`
# moves it.
# adopted = "<commit id>"
# Where record files live.
# dir = "config-changes/"
# "file": trailers in the commit message are not enough.
# require = "file"
# Only these owners may sign off config changes.
# owners = ["@payments-sre", "@platform"]
# Owners must be those CODEOWNERS gives the changed paths.
# codeowners = true
# More changed keys than this in one commit is a broad rewrite.
# max_keys = 5

# Extra record fields for a kind of change (these add to the defaults for
# migrations, caches and background jobs).
# [[record.extend_require]]
# id = "feature-flags"
# paths = ["config/flags.yaml"]
# fields = ["experiment"]
# why = "every flag flip belongs to an experiment someone watches"

[security]
# Designated security files: security settings belong here and nowhere else.
# extend_files = ["myservice/conf/security.py"]
# Records for changes to them must be signed by one of these.
# owners = ["@security"]
# Block safe-but-inline settings too, not just insecure values.
# strict = true

[rules]
# Turn rules or policies off, or change their severity.
# extend_disable = ["one-change-at-a-time"]
# [rules.severity]
# measurable-expected = "error"

# Environment configs the release check compares (staging must have every
# key production has; no placeholder values).
# [environments]
# staging = "config/staging.toml"
# production = "config/production.toml"

# [release]
# checklist = [
#   { name = "lint", run = "ruff check ." },
#   { name = "unit tests", run = "pytest -q" },
# ]

# [limits]
# Text over this size is checked in chunks; over 16 times it, not at all.
# max_file_size = 1048576
# An unread text file blocks ("block") or is only shown ("warn").
# on_skip = "block"
# Large files allowed to go unread.
# skip_paths = ["data/*.sql"]
"#;

pub fn init(app: &App, args: &InitArgs) -> Result<Status> {
    let root: PathBuf = match Repo::open() {
        Ok(repo) => repo.root().to_path_buf(),
        Err(_) => std::env::current_dir()?,
    };
    let path = root.join(".confgate.toml");
    if path.exists() && !args.force {
        bail!("{} exists; pass --force to overwrite it", path.display());
    }
    // A repository with history adopts confgate at its current HEAD:
    // what was committed before is not re-judged.
    let head = Repo::open().ok().and_then(|repo| repo.head());
    let text = match head {
        Some(head) => STARTER.replacen(
            "# adopted = \"<commit id>\"",
            &format!("adopted = \"{head}\""),
            1,
        ),
        None => STARTER.to_string(),
    };
    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
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
    let root = repo.root().to_path_buf();
    let dotfile = root.join(".confgate.toml");
    let pyproject = root.join("pyproject.toml");
    let (path, name, in_pyproject) = if dotfile.exists() {
        (dotfile, ".confgate.toml", false)
    } else if pyproject.exists() && has_tool_confgate(&pyproject)? {
        (pyproject, "pyproject.toml", true)
    } else {
        bail!(
            "no .confgate.toml (or [tool.confgate] in pyproject.toml) in {}: run `confgate init`, which records the adoption point",
            root.display()
        );
    };
    let text = read_policy_text(&path)?;
    let updated = with_adopted(&text, name, in_pyproject, &commit.to_string())?;
    // The edit must leave a policy confgate accepts.
    if in_pyproject {
        settings::pyproject_layer(&updated)?;
    } else {
        settings::parse_layer(name, &updated)?;
    }
    let temp = path.with_extension("toml.confgate-tmp");
    std::fs::write(&temp, &updated).with_context(|| format!("cannot write {}", temp.display()))?;
    std::fs::rename(&temp, &path).with_context(|| format!("cannot write {}", path.display()))?;
    app.say(&format!(
        "confgate: adoption point set to {} ({}) in {name}: it and its history are not re-judged; commit {name}",
        commit.short(),
        args.rev
    ));
    Ok(Status::Pass)
}

fn read_policy_text(path: &std::path::Path) -> Result<String> {
    // Bounded, and never through a symlink (see `bounded::read_policy`).
    bounded::read_policy(path, bounded::POLICY_LIMIT, "policy file")?
        .with_context(|| format!("cannot read {}", path.display()))
}

fn has_tool_confgate(path: &std::path::Path) -> Result<bool> {
    let text = read_policy_text(path)?;
    let doc: toml_edit::DocumentMut = text.parse().map_err(|err: toml_edit::TomlError| {
        anyhow::anyhow!("pyproject.toml: {}", err.to_string().trim_end())
    })?;
    Ok(doc
        .get("tool")
        .and_then(|tool| tool.get("confgate"))
        .is_some())
}

/// `text` (a `.confgate.toml`, or a `pyproject.toml` with `[tool.confgate]`)
/// with `record.adopted` set to `rev`, everything else as it was.
fn with_adopted(text: &str, name: &str, in_pyproject: bool, rev: &str) -> Result<String> {
    use toml_edit::{DocumentMut, Item, Table};
    let mut doc: DocumentMut = text.parse().map_err(|err: toml_edit::TomlError| {
        anyhow::anyhow!("{name}: {}", err.to_string().trim_end())
    })?;
    let mut table: &mut Table = doc.as_table_mut();
    let path: &[&str] = if in_pyproject {
        &["tool", "confgate", "record"]
    } else {
        &["record"]
    };
    for key in path {
        let entry = table.entry(key).or_insert_with(|| {
            let mut new = Table::new();
            new.set_implicit(*key != "record");
            Item::Table(new)
        });
        table = match entry {
            Item::Table(inner) => inner,
            _ => bail!("{name}: `{key}` must be a table to hold record.adopted"),
        };
    }
    table["adopted"] = toml_edit::value(rev);
    Ok(doc.to_string())
}

pub fn record_new(app: &App, owner: Option<&str>, name: Option<&str>) -> Result<Status> {
    let session = Session::open(app.config_layer()?)?;
    let (outcome, _) = session.check_staged(None)?;
    let changes = &outcome.config_changes;
    if changes.is_empty() {
        bail!("no config changes are staged: stage the config change first (git add), then run `confgate record new`");
    }
    if let Some(name) = name {
        if name.is_empty() || name.contains('/') || !bounded::stays_inside(name) {
            bail!(
                "--name {name:?}: give a file name, not a path (the record goes under {})",
                session.plan.record_dir
            );
        }
    }
    let stem = name.map(str::to_string).unwrap_or_else(|| {
        let first = &changes[0].path;
        let file = first.rsplit('/').next().unwrap_or(first);
        let file = file.split('.').find(|s| !s.is_empty()).unwrap_or("config");
        format!("{}-{}", today(), slug(file))
    });
    let dir = bounded::inside(
        session.repo.root(),
        session.plan.record_dir.trim_end_matches('/'),
        "record.dir",
    )?;
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut path = dir.join(format!("{stem}.toml"));
    let mut n = 2;
    // A dangling link "does not exist" but would be written through.
    while std::fs::symlink_metadata(&path).is_ok() {
        path = dir.join(format!("{stem}-{n}.toml"));
        n += 1;
    }
    let changes: Vec<&ConfigChange> = changes.iter().collect();
    let draft = RecordDraft::new(&session.plan, &changes, owner);
    let text = draft.blank_file();
    // The scaffold lists the staged changes' keys and values: redacted.
    std::fs::write(&path, redact_text(&text).as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    let shown = path.strip_prefix(session.repo.root()).unwrap_or(&path);
    let to_fill: Vec<String> = draft.to_fill();
    app.say(&format!(
        "confgate: wrote {} — fill in {}, then: git add {}",
        shown.display(),
        record::and_list(&to_fill),
        shown.display()
    ));
    Ok(Status::Pass)
}

fn slug(text: &str) -> String {
    let mut out: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    out.truncate(40);
    let trimmed = out.trim_matches('-').to_string();
    if trimmed.is_empty() {
        "config".to_string()
    } else {
        trimmed
    }
}

/// Today's date (UTC) as YYYY-MM-DD, from the days since 1970.
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = (secs / 86_400) as i64;
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}
