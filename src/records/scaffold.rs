//! `confgate record new`: a record file scaffolded for the staged config
//! changes, under `record.dir`, for a person to fill in.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::bounded;
use crate::config::plan::Plan;
use crate::outcome::ConfigChange;
use crate::records::record::RecordDraft;
use crate::redact::redact_text;

/// A scaffold written: where, and which fields are left to fill in.
pub struct Scaffold {
    pub path: PathBuf,
    pub to_fill: Vec<String>,
}

/// Write a record scaffold for `changes` (at least one) under the plan's
/// `record.dir` in `root`: named `name`, else `<today>-<first file>`, with
/// `-2`, `-3`… when taken. Keys and values it lists are redacted.
pub fn write(
    root: &Path,
    plan: &Plan,
    changes: &[ConfigChange],
    owner: Option<&str>,
    name: Option<&str>,
) -> Result<Scaffold> {
    let Some(first) = changes.first() else {
        bail!("no config changes are staged: stage the config change first (git add), then run `confgate record new`");
    };
    let stem = match name {
        Some(name) if name.is_empty() || name.contains('/') || !bounded::stays_inside(name) => {
            bail!(
                "--name {name:?}: give a file name, not a path (the record goes under {})",
                plan.record_dir
            )
        }
        Some(name) => name.to_string(),
        None => default_stem(&first.path, &today()),
    };
    let dir = bounded::inside(root, plan.record_dir.trim_end_matches('/'), "record.dir")?;
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = free_path(&dir, &stem);
    let changes: Vec<&ConfigChange> = changes.iter().collect();
    let draft = RecordDraft::new(plan, &changes, owner);
    std::fs::write(&path, redact_text(&draft.blank_file()).as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(Scaffold {
        path,
        to_fill: draft.to_fill(),
    })
}

/// `<date>-<first file's name up to its first dot>`, as a slug.
fn default_stem(first_path: &str, date: &str) -> String {
    let file = first_path.rsplit('/').next().unwrap_or(first_path);
    let file = file.split('.').find(|s| !s.is_empty()).unwrap_or("config");
    format!("{date}-{}", slug(file))
}

/// `dir/stem.toml`, else the first free `dir/stem-N.toml`. A dangling link
/// "does not exist" but would be written through, so links count as taken.
fn free_path(dir: &Path, stem: &str) -> PathBuf {
    let mut path = dir.join(format!("{stem}.toml"));
    let mut n = 2;
    while std::fs::symlink_metadata(&path).is_ok() {
        path = dir.join(format!("{stem}-{n}.toml"));
        n += 1;
    }
    path
}

/// Lowercase ASCII letters and digits, anything else a `-`; at most 40
/// characters; `config` when nothing is left.
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

/// Today's date (UTC) as YYYY-MM-DD.
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    civil_date((secs / 86_400) as i64)
}

/// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's
/// civil-from-days).
fn civil_date(days: i64) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_from_days_since_1970() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(59), "1970-03-01");
        assert_eq!(civil_date(11_016), "2000-02-29");
        assert_eq!(civil_date(20_784), "2026-11-27");
    }

    #[test]
    fn names_come_from_the_first_changed_file() {
        assert_eq!(
            default_stem("app/settings.py", "2026-11-27"),
            "2026-11-27-settings"
        );
        assert_eq!(
            default_stem(".env.production", "2026-11-27"),
            "2026-11-27-env"
        );
        assert_eq!(
            default_stem("deploy/Ünïcode Name.yml", "d"),
            "d-n-code-name"
        );
        assert_eq!(slug("***"), "config");
    }

    #[test]
    fn a_taken_name_gets_the_next_number_and_a_dangling_link_counts_as_taken() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(free_path(dir.path(), "a"), dir.path().join("a.toml"));
        std::fs::write(dir.path().join("a.toml"), "").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink("/nonexistent", dir.path().join("a-2.toml")).unwrap();
        #[cfg(unix)]
        assert_eq!(free_path(dir.path(), "a"), dir.path().join("a-3.toml"));
    }
}
