//! Writing the project's policy on request: `confgate init` (a starter
//! `.confgate.toml` with the adoption point at HEAD) and `confgate adopt REV`
//! (`record.adopted` set in place, comments and layout kept).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use toml_edit::{DocumentMut, Item, Table};

use crate::bounded;
use crate::config::settings;

/// The starter `.confgate.toml`: every key commented out at its default.
pub const STARTER: &str = include_str!("../../rules/starter.confgate.toml");
/// The line of [`STARTER`] that `init` turns into the adoption point.
const ADOPTED_PLACEHOLDER: &str = "# adopted = \"<commit id>\"";

/// The starter text, with `record.adopted` set to `head` when the
/// repository has history (what was committed before is not re-judged).
pub fn starter(head: Option<&str>) -> String {
    match head {
        Some(head) => STARTER.replacen(ADOPTED_PLACEHOLDER, &format!("adopted = \"{head}\""), 1),
        None => STARTER.to_string(),
    }
}

/// Write the starter policy to `root/.confgate.toml`; an existing file is
/// kept unless `force`.
pub fn write_starter(root: &Path, head: Option<&str>, force: bool) -> Result<PathBuf> {
    let path = root.join(".confgate.toml");
    if path.exists() && !force {
        bail!("{} exists; pass --force to overwrite it", path.display());
    }
    std::fs::write(&path, starter(head))
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path)
}

/// Set `record.adopted = rev` in the project's policy file under `root`
/// (`.confgate.toml`, else `[tool.confgate]` of `pyproject.toml`), keeping
/// everything else as it was. The edited policy must still be accepted, and
/// the file is replaced whole or not at all. Returns the file's name.
pub fn set_adopted(root: &Path, rev: &str) -> Result<&'static str> {
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
    let updated = with_adopted(&text, name, in_pyproject, rev)?;
    if in_pyproject {
        settings::pyproject_layer(&updated)?;
    } else {
        settings::parse_layer(name, &updated)?;
    }
    let temp = path.with_extension("toml.confgate-tmp");
    std::fs::write(&temp, &updated).with_context(|| format!("cannot write {}", temp.display()))?;
    std::fs::rename(&temp, &path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(name)
}

fn read_policy_text(path: &Path) -> Result<String> {
    // Bounded, and never through a symlink (see `bounded::read_policy`).
    bounded::read_policy(path, bounded::POLICY_LIMIT, "policy file")?
        .with_context(|| format!("cannot read {}", path.display()))
}

fn has_tool_confgate(path: &Path) -> Result<bool> {
    let text = read_policy_text(path)?;
    let doc: DocumentMut = text.parse().map_err(|err: toml_edit::TomlError| {
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

#[cfg(test)]
mod tests {
    use super::*;

    const REV: &str = "0123456789abcdef0123456789abcdef01234567";

    #[test]
    fn the_starter_is_a_valid_policy_with_and_without_an_adoption_point() {
        assert!(STARTER.contains(ADOPTED_PLACEHOLDER));
        settings::parse_layer(".confgate.toml", &starter(None)).unwrap();
        let adopted = starter(Some(REV));
        assert!(adopted.contains(&format!("adopted = \"{REV}\"")));
        let layer = settings::parse_layer(".confgate.toml", &adopted).unwrap();
        assert_eq!(
            layer
                .settings
                .record
                .as_ref()
                .and_then(|r| r.adopted.as_deref()),
            Some(REV)
        );
    }

    #[test]
    fn adopting_keeps_comments_and_refuses_a_record_that_is_not_a_table() {
        let text = "# keep me\n[record]\ndir = \"changes/\" # and me\n";
        let updated = with_adopted(text, ".confgate.toml", false, REV).unwrap();
        assert!(updated.contains("# keep me") && updated.contains("# and me"));
        assert!(updated.contains(&format!("adopted = \"{REV}\"")));
        let py = "[project]\nname = \"x\"\n[tool.confgate.secrets]\nignore = []\n";
        let updated = with_adopted(py, "pyproject.toml", true, REV).unwrap();
        settings::pyproject_layer(&updated).unwrap();
        assert!(updated.contains("[tool.confgate.record]"), "{updated}");
        let err = with_adopted("record = 1\n", ".confgate.toml", false, REV).unwrap_err();
        assert!(
            err.to_string().contains("`record` must be a table"),
            "{err}"
        );
    }
}
