//! The file system's edges: reads with a size bound (no read runs until
//! memory is gone: `/dev/zero`, a FIFO, a huge file; policy files may not
//! be links), and paths a user gives for writing kept inside the repository.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

use anyhow::{bail, Context, Result};

/// Policy and configuration files: `.confgate.toml`, `pyproject.toml`,
/// `--config`.
pub const POLICY_LIMIT: u64 = 4 * 1024 * 1024;
/// A baseline: one line per finding of a legacy tree.
pub const BASELINE_LIMIT: u64 = 64 * 1024 * 1024;
/// A commit message file, git's pre-push input, a hook script.
pub const MESSAGE_LIMIT: u64 = 16 * 1024 * 1024;

/// The bytes of the regular file at `path`, at most `limit` of them;
/// anything else (a device, a FIFO, a directory, a larger file) is an error
/// naming `what` and the path. `Ok(None)`: there is no such file.
pub fn read(path: &Path, limit: u64, what: &str) -> Result<Option<Vec<u8>>> {
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => {
            return Err(err).with_context(|| format!("cannot read {what} {}", path.display()))
        }
    };
    if !meta.is_file() {
        bail!("{what} {} is not a regular file: refused", path.display());
    }
    let file = std::fs::File::open(path)
        .with_context(|| format!("cannot read {what} {}", path.display()))?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {what} {}", path.display()))?;
    if bytes.len() as u64 > limit {
        bail!(
            "{what} {} is larger than {limit} bytes: refused",
            path.display()
        );
    }
    Ok(Some(bytes))
}

/// [`read`] as UTF-8 text.
pub fn read_text(path: &Path, limit: u64, what: &str) -> Result<Option<String>> {
    let Some(bytes) = read(path, limit, what)? else {
        return Ok(None);
    };
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| anyhow::anyhow!("{what} {} is not UTF-8 text", path.display()))
}

/// [`read_text`] of a policy file in the working tree (`what`: "policy
/// file", "baseline"), which must not be a symlink: a link can point the
/// policy anywhere (`/dev/zero`, another project's file) while git shows
/// only the link.
pub fn read_policy(path: &Path, limit: u64, what: &str) -> Result<Option<String>> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => bail!(
            "{what} {} is a symlink: confgate reads its policy only from a regular file (replace the link with the file)",
            path.display()
        ),
        Ok(_) => read_text(path, limit, what),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(err).with_context(|| format!("cannot read {what} {}", path.display())),
    }
}

/// Whether a relative path written by a user (`record.dir`, a file name)
/// stays below the directory it is joined to: not absolute, no `..`.
pub fn stays_inside(relative: &str) -> bool {
    let path = Path::new(relative);
    !relative.contains('\\')
        && path
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}

/// `root` joined with `relative`, refused when the result would leave
/// `root`: `..`, an absolute path, or an existing symlink on the way (which
/// could point anywhere). `what` names the setting or argument.
pub fn inside(root: &Path, relative: &str, what: &str) -> Result<PathBuf> {
    if !stays_inside(relative) {
        bail!("{what} {relative:?} leaves the repository: give a path relative to its root, without `..`");
    }
    let mut path = root.to_path_buf();
    for component in Path::new(relative).components() {
        path.push(component);
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
            bail!(
                "{what} {relative:?}: {} is a symlink; confgate writes only inside the repository",
                path.display()
            );
        }
    }
    Ok(path)
}

/// At most `limit` bytes of a reader (stdin), or an error naming `what`.
pub fn read_stream(reader: impl Read, limit: u64, what: &str) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {what}"))?;
    if bytes.len() as u64 > limit {
        bail!("{what} is larger than {limit} bytes: refused");
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_links_and_large_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let err = read(Path::new("/dev/zero"), 10, "config file").unwrap_err();
        assert!(format!("{err:#}").contains("/dev/zero"), "{err:#}");
        let big = dir.path().join("big");
        std::fs::write(&big, [b'a'; 11]).unwrap();
        let err = read(&big, 10, "config file").unwrap_err();
        assert!(
            format!("{err:#}").contains("larger than 10 bytes"),
            "{err:#}"
        );
        assert_eq!(read(&big, 11, "x").unwrap().unwrap().len(), 11);
        assert!(read(&dir.path().join("none"), 10, "x").unwrap().is_none());
        let link = dir.path().join(".confgate.toml");
        std::os::unix::fs::symlink(&big, &link).unwrap();
        let err = read_policy(&link, POLICY_LIMIT, "policy file").unwrap_err();
        assert!(format!("{err:#}").contains(".confgate.toml is a symlink"));
        let err = read_stream(std::io::repeat(0), 100, "stdin").unwrap_err();
        assert!(format!("{err:#}").contains("stdin"));
    }

    #[test]
    fn paths_that_leave_the_root_are_refused() {
        for ok in ["config-changes/", "a/b", "./x", "x.toml"] {
            assert!(stays_inside(ok), "{ok}");
        }
        for bad in ["../x/", "/etc", "a/../../b", "..", "a\\..\\b"] {
            assert!(!stays_inside(bad), "{bad}");
        }
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("/tmp", dir.path().join("out")).unwrap();
        let err = inside(dir.path(), "out/records", "record.dir").unwrap_err();
        assert!(format!("{err:#}").contains("record.dir"), "{err:#}");
        assert_eq!(
            inside(dir.path(), "in/records", "record.dir").unwrap(),
            dir.path().join("in/records")
        );
    }
}
