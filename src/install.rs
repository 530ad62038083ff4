//! Installing and removing confgate's hook scripts in a hooks directory,
//! chaining or preserving any hook that was there before.

use std::path::Path;

/// What `install` or `uninstall` did, one line per hook, for the user.
pub type Actions = Vec<String>;

/// Install the named hooks (`pre-commit`, `commit-msg`, `pre-push`) into
/// `hooks_dir`. `binary` is the path of the running confgate, used when
/// `confgate` is not on `PATH` when the hook runs.
pub fn install(
    _hooks_dir: &Path,
    _hooks: &[String],
    _force: bool,
    _binary: &Path,
) -> anyhow::Result<Actions> {
    anyhow::bail!("install is not built yet")
}

/// Remove confgate's hooks from `hooks_dir`, restoring what was there before.
pub fn uninstall(_hooks_dir: &Path) -> anyhow::Result<Actions> {
    anyhow::bail!("uninstall is not built yet")
}
