//! Installing and removing confgate's hook scripts in a hooks directory,
//! chaining or preserving any hook that was there before.
//!
//! Files in the hooks directory for hook `NAME`:
//! - `NAME`: confgate's script (recognised by [`MARKER`]) or a foreign hook;
//! - `NAME.pre-confgate`: a foreign hook chained by `install`; our script runs
//!   it first with the same arguments and stdin;
//! - `NAME.replaced-by-confgate`: a foreign hook set aside by `install --force`;
//!   never run, only kept so that `uninstall` can put it back.
//!
//! No path deletes or overwrites a file that is not ours: foreign hooks are only
//! ever renamed, which keeps their bytes, mode and symlink-ness, and a backup
//! name that is already taken makes `install` refuse.
//!
//! Users of the pre-commit framework use `.pre-commit-hooks.yaml` instead. The
//! framework calls `confgate hook pre-commit` and `confgate hook commit-msg
//! FILE` as git would, but `confgate hook pre-push` with no arguments and an
//! empty stdin; what was pushed is then in its environment:
//! `PRE_COMMIT_FROM_REF`..`PRE_COMMIT_TO_REF` when it found a base on the
//! remote, otherwise only `PRE_COMMIT_LOCAL_BRANCH` (a local ref, possibly
//! `HEAD`) and `PRE_COMMIT_REMOTE_NAME` for a history new to the remote.

use anyhow::{bail, Context, Result};
use std::fs;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

/// What `install` or `uninstall` did, one line per hook, for the user.
pub type Actions = Vec<String>;

/// The scripts `install` can write, as shipped in `hooks/`. `release-tag` is
/// not a git hook: it lives beside them so that a service repository has the
/// release gate script too (`install --hook release-tag`).
const HOOK_SCRIPTS: [(&str, &str); 4] = [
    ("pre-commit", include_str!("../hooks/pre-commit")),
    ("commit-msg", include_str!("../hooks/commit-msg")),
    ("pre-push", include_str!("../hooks/pre-push")),
    ("release-tag", include_str!("../hooks/release-tag")),
];

/// Start of the line that identifies a script written by confgate.
pub const MARKER: &str = "# confgate-managed-hook";

/// Start of the line in each hook script that `install` rewrites with the
/// path of the binary doing the install.
const RECORDED_BIN_LINE: &str = "CONFGATE_RECORDED_BIN=";

/// Suffix of a foreign hook that our script runs before confgate.
pub const CHAINED_SUFFIX: &str = ".pre-confgate";

/// Suffix of a foreign hook that `--force` set aside (not run).
pub const REPLACED_SUFFIX: &str = ".replaced-by-confgate";

/// Names of the hooks `install` accepts.
pub fn hook_names() -> impl Iterator<Item = &'static str> {
    HOOK_SCRIPTS.iter().map(|(name, _)| *name)
}

/// Install the named hooks (`pre-commit`, `commit-msg`, `pre-push`) into
/// `hooks_dir`, creating it if missing. `binary` is the path of the running
/// confgate, recorded in the scripts for when `confgate` is not on `PATH`.
///
/// A foreign hook is chained (kept as `NAME.pre-confgate` and run first), or,
/// with `force`, set aside as `NAME.replaced-by-confgate`. A foreign hook that
/// cannot be chained safely (the pre-commit framework's hook, a symlink,
/// anything but a regular file) is refused without `force`. Every hook is
/// checked before anything is written, so a refusal changes nothing.
pub fn install(hooks_dir: &Path, hooks: &[String], force: bool, binary: &Path) -> Result<Actions> {
    if hooks.is_empty() {
        bail!(
            "no hooks to install: name one or more of {}",
            hook_names().collect::<Vec<_>>().join(", ")
        );
    }
    let mut wanted: Vec<(&'static str, &'static str)> = Vec::new();
    for name in hooks {
        let Some(&(known, template)) = HOOK_SCRIPTS.iter().find(|(n, _)| *n == name.as_str())
        else {
            bail!(
                "unknown hook `{name}`: confgate installs {}",
                hook_names().collect::<Vec<_>>().join(", ")
            );
        };
        if !wanted.iter().any(|(n, _)| *n == known) {
            wanted.push((known, template));
        }
    }
    let binary = absolute(binary)?;

    fs::create_dir_all(hooks_dir)
        .with_context(|| format!("creating hooks directory {}", hooks_dir.display()))?;

    let mut plan = Vec::new();
    for (name, template) in wanted {
        let script = render(template, &binary)?;
        let step = plan_hook(hooks_dir, name, &script, force)?;
        plan.push((name, script, step));
    }

    let mut actions = Actions::new();
    for (name, script, step) in plan {
        let done = apply(hooks_dir, name, &script, step).with_context(|| {
            if actions.is_empty() {
                format!("installing {name}")
            } else {
                format!("installing {name} (already done: {})", actions.join("; "))
            }
        })?;
        actions.push(done);
    }
    Ok(actions)
}

/// Remove confgate's hooks from `hooks_dir`, restoring what was there before.
/// Files that are not confgate's are left alone.
pub fn uninstall(hooks_dir: &Path) -> Result<Actions> {
    let mut actions = Actions::new();
    if !hooks_dir.is_dir() {
        actions.push(format!(
            "nothing to uninstall: {} does not exist",
            hooks_dir.display()
        ));
        return Ok(actions);
    }
    for name in hook_names() {
        uninstall_hook(hooks_dir, name, &mut actions)
            .with_context(|| format!("uninstalling {name}"))?;
    }
    if actions.is_empty() {
        actions.push(format!(
            "nothing to uninstall: no confgate hooks in {}",
            hooks_dir.display()
        ));
    }
    Ok(actions)
}

/// What `install` will do for one hook, decided before anything is written.
#[derive(Debug, PartialEq, Eq)]
enum Step {
    /// No hook there yet.
    Write,
    /// Ours, byte for byte the script we would write.
    AlreadyInstalled,
    /// Ours, from another version or another binary path.
    Update,
    /// Foreign: move it to the backup name, then write ours.
    SetAside { backup: PathBuf, chained: bool },
}

/// What is at a hook's path.
enum Existing {
    Missing,
    Ours(Vec<u8>),
    /// A regular file that is not ours.
    ForeignFile(Vec<u8>),
    /// A symlink, directory or other non-regular file.
    ForeignOther(&'static str),
}

fn inspect(path: &Path) -> Result<Existing> {
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(err) if err.kind() == ErrorKind::NotFound => return Ok(Existing::Missing),
        Err(err) => return Err(err).with_context(|| format!("inspecting {}", path.display())),
    };
    let kind = meta.file_type();
    if kind.is_symlink() {
        return Ok(Existing::ForeignOther("a symlink"));
    }
    if kind.is_dir() {
        return Ok(Existing::ForeignOther("a directory"));
    }
    if !kind.is_file() {
        return Ok(Existing::ForeignOther("not a regular file"));
    }
    let bytes = crate::bounded::read(path, crate::bounded::MESSAGE_LIMIT, "the hook")?
        .with_context(|| format!("reading {}", path.display()))?;
    if is_ours(&bytes) {
        Ok(Existing::Ours(bytes))
    } else {
        Ok(Existing::ForeignFile(bytes))
    }
}

fn is_ours(bytes: &[u8]) -> bool {
    bytes
        .split(|&b| b == b'\n')
        .any(|line| line.starts_with(MARKER.as_bytes()))
}

/// Whether git will run confgate's commit-msg check after pre-commit: the
/// `commit-msg` hook in `hooks_dir` is confgate's script, or the pre-commit
/// framework's with the `confgate-commit-msg` hook in the repository's
/// `.pre-commit-config.yaml` (at `root`). Only an executable hook counts, as
/// git runs no other.
pub fn commit_msg_runs_confgate(hooks_dir: &Path, root: &Path) -> bool {
    let path = hooks_dir.join("commit-msg");
    if !is_executable(&path) {
        return false;
    }
    match inspect(&path) {
        Ok(Existing::Ours(_)) => true,
        Ok(Existing::ForeignFile(bytes)) if is_pre_commit_framework(&bytes) => {
            // A bounded read: the framework's config is small.
            let config = fs::File::open(root.join(".pre-commit-config.yaml")).and_then(|file| {
                use std::io::Read;
                let mut text = String::new();
                file.take(1 << 20).read_to_string(&mut text).map(|_| text)
            });
            config.is_ok_and(|text| text.contains("confgate-commit-msg"))
        }
        _ => false,
    }
}

/// The pre-commit framework runs its own legacy-hook chain and regenerates its
/// script on `pre-commit install`; chaining it from ours would run it twice or
/// fight over the file.
fn is_pre_commit_framework(bytes: &[u8]) -> bool {
    const SIGNS: [&[u8]; 2] = [b"File generated by pre-commit", b"pre-commit.com"];
    SIGNS
        .iter()
        .any(|sign| bytes.windows(sign.len()).any(|w| w == *sign))
}

/// A hook that is not ours, by how `install` may treat it.
enum Foreign {
    /// A regular file that our script can run first.
    Chainable,
    /// The pre-commit framework's generated hook.
    Framework,
    /// A symlink, directory or other non-regular file.
    NotRegular(&'static str),
}

fn plan_hook(dir: &Path, name: &str, script: &str, force: bool) -> Result<Step> {
    let path = dir.join(name);
    let foreign = match inspect(&path)? {
        Existing::Missing => return Ok(Step::Write),
        Existing::Ours(bytes) if bytes == script.as_bytes() => return Ok(Step::AlreadyInstalled),
        Existing::Ours(_) => return Ok(Step::Update),
        Existing::ForeignFile(bytes) if is_pre_commit_framework(&bytes) => Foreign::Framework,
        Existing::ForeignFile(_) => Foreign::Chainable,
        Existing::ForeignOther(kind) => Foreign::NotRegular(kind),
    };

    for taken in [backup_path(dir, name, true), backup_path(dir, name, false)] {
        if fs::symlink_metadata(&taken).is_ok() {
            bail!(
                "{} exists and is not confgate's, and {} is already taken by an earlier hook; \
                 move one of them away, then run install again (nothing was changed)",
                path.display(),
                taken.display()
            );
        }
    }

    let kept = backup_name(name, false);
    match (foreign, force) {
        (_, true) => Ok(Step::SetAside {
            backup: backup_path(dir, name, false),
            chained: false,
        }),
        (Foreign::Chainable, false) => Ok(Step::SetAside {
            backup: backup_path(dir, name, true),
            chained: true,
        }),
        (Foreign::Framework, false) => bail!(
            "{} is the pre-commit framework's hook, which confgate will not chain. \
             Add confgate to .pre-commit-config.yaml instead (hook ids `confgate`, \
             `confgate-commit-msg`, `confgate-pre-push` from confgate's \
             .pre-commit-hooks.yaml, or a `repo: local` hook with \
             `entry: confgate hook {name}`), or run install with --force to replace it \
             (it is kept as {kept} and `confgate uninstall` puts it back). Nothing was changed.",
            path.display(),
        ),
        (Foreign::NotRegular(kind), false) => bail!(
            "{} is {kind}, which confgate cannot chain safely; run install with --force to \
             replace it (it is kept as {kept} and `confgate uninstall` puts it back), or call \
             `confgate hook {name}` from it yourself. Nothing was changed.",
            path.display(),
        ),
    }
}

fn backup_name(name: &str, chained: bool) -> String {
    let suffix = if chained {
        CHAINED_SUFFIX
    } else {
        REPLACED_SUFFIX
    };
    format!("{name}{suffix}")
}

fn backup_path(dir: &Path, name: &str, chained: bool) -> PathBuf {
    dir.join(backup_name(name, chained))
}

fn apply(dir: &Path, name: &str, script: &str, step: Step) -> Result<String> {
    let path = dir.join(name);
    match step {
        Step::AlreadyInstalled => Ok(format!("{name} already installed")),
        Step::Write => {
            write_atomic(&path, script)?;
            Ok(format!("installed {name}"))
        }
        Step::Update => {
            write_atomic(&path, script)?;
            Ok(format!("updated {name}"))
        }
        Step::SetAside { backup, chained } => {
            // Ours is fully written before the foreign hook moves, so a failure
            // at any point leaves either the old hook or ours in place.
            let temp = write_temp(&path, script)?;
            if let Err(err) = fs::rename(&path, &backup) {
                let _ = fs::remove_file(&temp);
                return Err(err)
                    .with_context(|| format!("moving {} to {}", path.display(), backup.display()));
            }
            if let Err(err) = fs::rename(&temp, &path) {
                let _ = fs::rename(&backup, &path);
                let _ = fs::remove_file(&temp);
                return Err(err).with_context(|| format!("writing {}", path.display()));
            }
            let kept = backup_name(name, chained);
            if !chained {
                return Ok(format!(
                    "replaced existing {name} (--force; kept as {kept}, not run; \
                     `confgate uninstall` restores it)"
                ));
            }
            if is_executable(&backup) {
                Ok(format!(
                    "chained existing {name} (kept as {kept}; it runs first)"
                ))
            } else {
                Ok(format!(
                    "chained existing {name} (kept as {kept}; it is not executable, so git \
                     was not running it and confgate will not either)"
                ))
            }
        }
    }
}

fn uninstall_hook(dir: &Path, name: &str, actions: &mut Actions) -> Result<()> {
    let path = dir.join(name);
    let chained = backup_path(dir, name, true);
    let replaced = backup_path(dir, name, false);
    let backups: Vec<&PathBuf> = [&chained, &replaced]
        .into_iter()
        .filter(|p| fs::symlink_metadata(p).is_ok())
        .collect();

    match inspect(&path)? {
        Existing::Ours(_) => match backups.first() {
            Some(backup) => {
                // One rename puts the original back over our script: there is
                // no moment without a hook, and its bytes and mode are kept.
                fs::rename(backup, &path).with_context(|| {
                    format!("restoring {} to {}", backup.display(), path.display())
                })?;
                actions.push(format!("removed {name}; restored the original {name}"));
            }
            None => {
                fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
                actions.push(format!("removed {name}"));
            }
        },
        Existing::Missing => {
            if let Some(backup) = backups.first() {
                fs::rename(backup, &path).with_context(|| {
                    format!("restoring {} to {}", backup.display(), path.display())
                })?;
                actions.push(format!(
                    "restored the original {name} (confgate's {name} was already gone)"
                ));
            }
        }
        Existing::ForeignFile(_) | Existing::ForeignOther(_) => {
            for backup in &backups {
                actions.push(format!(
                    "left {name} alone (not confgate's); an earlier hook is still kept at {}",
                    backup.display()
                ));
            }
            return Ok(());
        }
    }
    if let Some(left) = backups.get(1) {
        actions.push(format!(
            "left {} in place (an even earlier {name}; restore it by hand if you want it)",
            left.display()
        ));
    }

    // `pre-commit install` keeps the hook it displaces as NAME.legacy and runs it.
    let legacy = dir.join(format!("{name}.legacy"));
    if let Existing::Ours(_) = inspect(&legacy)? {
        actions.push(format!(
            "note: {} is confgate's hook, kept by the pre-commit framework; \
             remove it with `pre-commit uninstall` or by hand",
            legacy.display()
        ));
    }
    Ok(())
}

/// The shipped script with the install-time binary path on its marked line.
fn render(template: &str, binary: &Path) -> Result<String> {
    let Some(path) = binary.to_str() else {
        bail!(
            "the confgate binary's path {} is not valid UTF-8; move it, or put confgate on PATH",
            binary.display()
        );
    };
    let mut out = String::with_capacity(template.len() + path.len());
    let mut replaced = false;
    for line in template.split_inclusive('\n') {
        if !replaced && line.starts_with(RECORDED_BIN_LINE) {
            out.push_str(RECORDED_BIN_LINE);
            out.push_str(&shell_quote(path));
            out.push_str(" # confgate install records its binary path on this line\n");
            replaced = true;
        } else {
            out.push_str(line);
        }
    }
    if !replaced {
        bail!("internal error: hook script has no {RECORDED_BIN_LINE} line");
    }
    Ok(out)
}

/// Single-quoted for POSIX sh: nothing inside single quotes is special
/// except the quote itself, which is closed, escaped and reopened.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

fn absolute(path: &Path) -> Result<PathBuf> {
    if path.is_absolute() {
        return Ok(path.to_path_buf());
    }
    let cwd = std::env::current_dir().context("finding the current directory")?;
    Ok(cwd.join(path))
}

fn write_atomic(path: &Path, contents: &str) -> Result<()> {
    let temp = write_temp(path, contents)?;
    if let Err(err) = fs::rename(&temp, path) {
        let _ = fs::remove_file(&temp);
        return Err(err).with_context(|| format!("writing {}", path.display()));
    }
    Ok(())
}

/// Writes `contents` with mode 0755 next to `path` (same filesystem, so the
/// rename that follows is atomic) and returns the temporary file's path.
fn write_temp(path: &Path, contents: &str) -> Result<PathBuf> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let base = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut attempt = 0u32;
    loop {
        let temp = dir.join(format!(
            ".{base}.confgate-tmp-{}-{attempt}",
            std::process::id()
        ));
        let file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp);
        let mut file = match file {
            Ok(file) => file,
            Err(err) if err.kind() == ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1;
                continue;
            }
            Err(err) => return Err(err).with_context(|| format!("creating {}", temp.display())),
        };
        let written = file
            .write_all(contents.as_bytes())
            .and_then(|()| set_executable(&file))
            .and_then(|()| file.sync_all());
        if let Err(err) = written {
            drop(file);
            let _ = fs::remove_file(&temp);
            return Err(err).with_context(|| format!("writing {}", temp.display()));
        }
        return Ok(temp);
    }
}

#[cfg(unix)]
fn set_executable(file: &fs::File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    // Explicit, so the user's umask cannot make a hook git will not run.
    file.set_permissions(fs::Permissions::from_mode(0o755))
}

#[cfg(not(unix))]
fn set_executable(_file: &fs::File) -> std::io::Result<()> {
    Ok(())
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_script_has_marker_and_recorded_bin_line() {
        for (name, script) in HOOK_SCRIPTS {
            assert!(script.starts_with("#!/bin/sh\n"), "{name}");
            assert!(is_ours(script.as_bytes()), "{name} lacks the marker");
            let rendered = render(script, Path::new("/opt/x/confgate")).unwrap();
            assert!(
                rendered.contains("\nCONFGATE_RECORDED_BIN='/opt/x/confgate' #"),
                "{name}"
            );
            assert_eq!(rendered.lines().count(), script.lines().count(), "{name}");
        }
    }

    #[test]
    fn quotes_awkward_paths_for_sh() {
        assert_eq!(shell_quote("/a b/c"), "'/a b/c'");
        assert_eq!(shell_quote("/it's/$HOME`x`"), r"'/it'\''s/$HOME`x`'");
    }

    #[test]
    fn recognises_the_pre_commit_framework_hook() {
        let hook = b"#!/usr/bin/env bash\n# File generated by pre-commit: https://pre-commit.com\n";
        assert!(is_pre_commit_framework(hook));
        assert!(!is_pre_commit_framework(b"#!/bin/sh\nexec ruff check .\n"));
    }

    #[cfg(unix)]
    #[test]
    fn commit_msg_hook_that_runs_confgate_is_recognised() {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::TempDir::new().unwrap();
        let hooks = root.path().join("hooks");
        fs::create_dir_all(&hooks).unwrap();
        let hook = hooks.join("commit-msg");
        let write = |text: &str, mode: u32| {
            fs::write(&hook, text).unwrap();
            fs::set_permissions(&hook, fs::Permissions::from_mode(mode)).unwrap();
        };
        assert!(!commit_msg_runs_confgate(&hooks, root.path()));
        write(HOOK_SCRIPTS[1].1, 0o755);
        assert_eq!(HOOK_SCRIPTS[1].0, "commit-msg");
        assert!(commit_msg_runs_confgate(&hooks, root.path()));
        write(HOOK_SCRIPTS[1].1, 0o644);
        assert!(
            !commit_msg_runs_confgate(&hooks, root.path()),
            "git skips it"
        );
        write("#!/bin/sh\nexec ruff check .\n", 0o755);
        assert!(!commit_msg_runs_confgate(&hooks, root.path()));
        write(
            "#!/usr/bin/env bash\n# File generated by pre-commit: https://pre-commit.com\n",
            0o755,
        );
        assert!(!commit_msg_runs_confgate(&hooks, root.path()));
        fs::write(
            root.path().join(".pre-commit-config.yaml"),
            "repos:\n- repo: local\n  hooks:\n  - id: confgate-commit-msg\n",
        )
        .unwrap();
        assert!(commit_msg_runs_confgate(&hooks, root.path()));
    }

    #[test]
    fn marker_must_start_a_line() {
        assert!(!is_ours(b"#!/bin/sh\necho '# confgate-managed-hook'\n"));
        assert!(is_ours(b"#!/bin/sh\n# confgate-managed-hook: pre-push\n"));
    }
}
