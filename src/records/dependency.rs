//! Dependency updates: a change that only moves an image tag, an image
//! digest or a pinned version (what Renovate and Dependabot commit). Judged
//! by content alone, never by author: the author is whatever was typed.
//!
//! Every key change must be a modification whose old and new values differ
//! only in versions: the same image name with a tag of the same shape
//! (`3.12.1-slim` → `3.12.2-slim`, not `3.12-slim` → `latest`) and any
//! digest (a digest may be added, never dropped); a `…VERSION` `ARG`/`ENV`
//! whose value keeps its shape; or words pinned with `==` / `@`
//! (`poetry==1.8.2`) that keep the package and the version's shape. A key
//! added or removed, or any other value changed alongside, is a config
//! change like any other.

use crate::keydiff::KeyChange;

/// Whether the change set of one file is a dependency update.
pub fn only_moves_versions(changes: &[KeyChange]) -> bool {
    !changes.is_empty()
        && changes.iter().all(|change| match change {
            KeyChange::Modified { key, old, new } => version_moved(key, &old.value, &new.value),
            _ => false,
        })
}

fn version_moved(key: &str, old: &str, new: &str) -> bool {
    let leaf = key.rsplit('.').next().unwrap_or(key);
    let leaf = leaf.trim_matches('"').to_ascii_uppercase();
    let old_words: Vec<&str> = old.split(' ').collect();
    let new_words: Vec<&str> = new.split(' ').collect();
    if old_words.len() != new_words.len() {
        return false;
    }
    let versioned_name = leaf.ends_with("VERSION") || leaf.ends_with("_VER");
    let image_key = leaf == "FROM" || leaf == "IMAGE";
    old_words.iter().zip(&new_words).all(|(a, b)| {
        a == b
            || (image_key && image_moved(a, b))
            || (versioned_name && is_version(a) && same_shape(a, b))
            || pin_moved(a, b)
    })
}

/// `name[:tag][@digest]`: the same name, a tag of the same shape, a digest
/// kept, added or changed.
fn image_moved(old: &str, new: &str) -> bool {
    let (old_name, old_tag, old_digest) = split_image(old);
    let (new_name, new_tag, new_digest) = split_image(new);
    let digest_ok = match (old_digest, new_digest) {
        (Some(_), None) => false,
        (_, Some(digest)) => is_digest(digest),
        (None, None) => true,
    };
    let tag_ok = match (old_tag, new_tag) {
        (Some(a), Some(b)) => a == b || (has_digit(a) && same_shape(a, b)),
        (None, None) => true,
        _ => false,
    };
    !old_name.is_empty() && old_name == new_name && digest_ok && tag_ok
}

fn split_image(image: &str) -> (&str, Option<&str>, Option<&str>) {
    let (rest, digest) = match image.split_once('@') {
        Some((rest, digest)) => (rest, Some(digest)),
        None => (image, None),
    };
    let slash = rest.rfind('/').map_or(0, |at| at + 1);
    match rest[slash..].rfind(':') {
        Some(at) => (&rest[..slash + at], Some(&rest[slash + at + 1..]), digest),
        None => (rest, None, digest),
    }
}

fn is_digest(digest: &str) -> bool {
    digest.split_once(':').is_some_and(|(algo, hex)| {
        algo.chars().all(|c| c.is_ascii_alphanumeric())
            && hex.len() >= 32
            && hex.chars().all(|c| c.is_ascii_hexdigit())
    })
}

/// `pkg==1.2.3` → `pkg==1.2.4`, `pkg@1.2.3` → `pkg@1.3.0`: the same package,
/// a dotted version of the same shape.
fn pin_moved(old: &str, new: &str) -> bool {
    ["==", "@"]
        .iter()
        .any(|sep| match (old.split_once(sep), new.split_once(sep)) {
            (Some((a_name, a_ver)), Some((b_name, b_ver))) => {
                !a_name.is_empty()
                    && a_name == b_name
                    && is_version(a_ver)
                    && a_ver.contains('.')
                    && same_shape(a_ver, b_ver)
            }
            _ => false,
        })
}

fn has_digit(text: &str) -> bool {
    text.chars().any(|c| c.is_ascii_digit())
}

/// A version: starts with a digit (or `v` and a digit), holds only
/// digits, letters, `.`, `-`, `+` and `_`.
fn is_version(text: &str) -> bool {
    let body = text.strip_prefix(['v', 'V']).unwrap_or(text);
    body.starts_with(|c: char| c.is_ascii_digit())
        && body
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | '_'))
}

/// The same text once every version number is one placeholder: a run of
/// digits and dots (`3.12.1`, `18`), so that `3.12.1-slim`, `3.12-slim` and
/// `3.13.0-slim` have one shape (a version pinned more or less precisely:
/// Renovate's "pin" commits) and `3.12-alpine` another (another variant).
fn same_shape(a: &str, b: &str) -> bool {
    fn shape(text: &str) -> String {
        let mut out = String::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if c.is_ascii_digit() {
                while chars.next_if(|n| n.is_ascii_digit()).is_some()
                    || chars
                        .next_if(|&n| n == '.')
                        .is_some_and(|_| chars.peek().is_some_and(char::is_ascii_digit))
                {
                }
                out.push('#');
            } else {
                out.push(c);
            }
        }
        out
    }
    shape(a) == shape(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keydiff::KeyValue;

    fn modified(key: &str, old: &str, new: &str) -> KeyChange {
        let value = |v: &str| KeyValue {
            value: v.to_string(),
            line: 1,
        };
        KeyChange::Modified {
            key: key.to_string(),
            old: value(old),
            new: value(new),
        }
    }

    #[test]
    fn version_moves_are_dependency_updates() {
        let digest_a = format!("sha256:{}", "a".repeat(64));
        let digest_b = format!("sha256:{}", "b".repeat(64));
        let updates = [
            modified("FROM", "python:3.12.1-slim", "python:3.12.2-slim"),
            modified("stage.build.FROM", "node:20 AS build", "node:22 AS build"),
            modified("services.db.image", "postgres:16.1", "postgres:16.2"),
            // Pinned more precisely, or less: the same version family.
            modified("services.db.image", "postgres:18", "postgres:18.9"),
            modified("FROM", "python:3.12-slim", "python:3.12.2-slim"),
            modified(
                "FROM",
                &format!("python:3.12@{digest_a}"),
                &format!("python:3.12@{digest_b}"),
            ),
            modified("FROM", "python:3.12", &format!("python:3.12@{digest_a}")),
            modified("FROM", "ghcr.io/org/app:1.2", "ghcr.io/org/app:1.3"),
            modified("ARG.POETRY_VERSION", "1.8.2", "1.8.3"),
            modified(
                "RUN[0]",
                "pip install poetry==1.8.2 uv==0.4.1",
                "pip install poetry==1.8.3 uv==0.4.2",
            ),
        ];
        for change in updates {
            assert!(
                only_moves_versions(std::slice::from_ref(&change)),
                "{change:?}"
            );
        }
    }

    #[test]
    fn anything_else_is_a_config_change() {
        let digest = format!("sha256:{}", "a".repeat(64));
        let not_updates = [
            // A different image, with or without a digest.
            modified("FROM", "python:3.12", "evil/python:3.12"),
            modified(
                "FROM",
                &format!("python@{digest}"),
                &format!("pythonx@{digest}"),
            ),
            // Unpinned, or moved to a tag that is not a version.
            modified("FROM", &format!("python:3.12@{digest}"), "python:3.12"),
            modified("services.web.image", "app:1.2", "app:latest"),
            modified("services.web.image", "app:prod", "app:debug"),
            // Another variant of the image.
            modified("FROM", "python:3.12-slim", "python:3.12-alpine"),
            modified("FROM", "python:3.12-slim", "python:3.12"),
            modified("FROM", "python:3.12-slim", "python:3.12-slim AS build"),
            // Numbers that are settings, not versions.
            modified("ENV.WORKERS", "4", "8"),
            modified("RUN[0]", "sleep 10", "sleep 20"),
            modified("CMD", "gunicorn --workers=4", "gunicorn --workers=8"),
            modified(
                "services.web.command",
                "serve --port 8000",
                "serve --port 8001",
            ),
        ];
        for change in not_updates {
            assert!(
                !only_moves_versions(std::slice::from_ref(&change)),
                "{change:?}"
            );
        }
        // A tag bump that carries an ENV change along is not an update.
        let mixed = [
            modified("FROM", "python:3.12.1-slim", "python:3.12.2-slim"),
            modified("ENV.DEBUG", "0", "1"),
        ];
        assert!(!only_moves_versions(&mixed));
        assert!(!only_moves_versions(&[]));
        let added = KeyChange::Added {
            key: "ENV.X".into(),
            new: KeyValue {
                value: "1".into(),
                line: 1,
            },
        };
        assert!(!only_moves_versions(&[
            modified("FROM", "a:1", "a:2"),
            added
        ]));
    }
}
