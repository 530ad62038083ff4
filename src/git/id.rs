//! Object ids as the rest of confgate sees them: git2's `Oid` stays inside
//! `git/`, wrapped in one type per kind of object so that a blob id cannot
//! be passed where a commit is meant.

use std::fmt;

use git2::Oid;

/// The length of a short id, as `git log --oneline` prints it.
const SHORT: usize = 7;

macro_rules! object_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub(super) Oid);

        impl $name {
            /// The first 7 hex digits.
            pub fn short(&self) -> String {
                let mut id = self.0.to_string();
                id.truncate(SHORT);
                id
            }
        }

        /// The full 40-hex id.
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }
    };
}

object_id!(
    /// A commit's id.
    CommitId
);
object_id!(
    /// A file's blob id (policy files are keyed by theirs).
    BlobId
);
object_id!(
    /// An annotated tag object's id.
    TagId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_the_full_id_and_short_its_first_seven_digits() {
        let hex = "0123456789abcdef0123456789abcdef01234567";
        let id = match Oid::from_str(hex) {
            Ok(oid) => CommitId(oid),
            Err(e) => panic!("{e}"),
        };
        assert_eq!(id.to_string(), hex);
        assert_eq!(id.short(), "0123456");
    }
}

/// The boundary this module exists for: no file outside `src/git/` names
/// git2 or its `Oid`.
#[cfg(test)]
mod boundary {
    use std::path::Path;

    fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            panic!("cannot list {}", dir.display());
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    #[test]
    fn git2_stays_inside_the_git_module() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        let outside: Vec<_> = files
            .iter()
            .filter(|p| !p.starts_with(src.join("git")))
            .collect();
        assert!(outside.len() > 20, "{} files outside git/", outside.len());
        let mut leaks = Vec::new();
        for path in outside {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                let names_oid = code
                    .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                    .any(|word| word == "Oid");
                if code.contains("git2::") || code.contains("use git2") || names_oid {
                    leaks.push(format!("{}:{}: {line}", path.display(), n + 1));
                }
            }
        }
        assert!(
            leaks.is_empty(),
            "git2 outside src/git/:\n{}",
            leaks.join("\n")
        );
    }
}
