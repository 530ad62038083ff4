//! CODEOWNERS: which owners a path has. Patterns follow gitignore's rules, as
//! GitHub and GitLab document them (matched by the `ignore` crate's
//! gitignore matcher, one per line), and the last matching line wins.

use std::path::Path;

use ignore::gitignore::{Gitignore, GitignoreBuilder};

/// Where GitHub and GitLab look for the file, in order.
pub const LOCATIONS: &[&str] = &[
    "CODEOWNERS",
    ".github/CODEOWNERS",
    "docs/CODEOWNERS",
    ".gitlab/CODEOWNERS",
];

pub struct CodeOwners {
    entries: Vec<Entry>,
}

/// One line of the file.
struct Entry {
    matcher: Gitignore,
    /// `dir/*` owns the files directly in `dir`, not those further down
    /// (GitHub's documented exception to gitignore, where a matched
    /// directory takes everything below it).
    direct_children_only: bool,
    owners: Vec<String>,
}

impl Entry {
    fn matches(&self, path: &Path) -> bool {
        if self.direct_children_only {
            self.matcher.matched(path, false).is_ignore()
        } else {
            self.matcher
                .matched_path_or_any_parents(path, false)
                .is_ignore()
        }
    }
}

impl CodeOwners {
    /// Parse the file. Lines whose pattern does not compile, negations (which
    /// CODEOWNERS does not have) and GitLab section headers are skipped, as
    /// the hosting services do.
    pub fn parse(text: &str) -> CodeOwners {
        let entries = text.lines().filter_map(entry).collect();
        CodeOwners { entries }
    }

    /// The owners of `path` (relative to the repository root): those of the
    /// last matching line. A line with a pattern and no owners leaves the
    /// path without owners.
    pub fn owners_of(&self, path: &str) -> Option<&[String]> {
        self.entries
            .iter()
            .rev()
            .find(|entry| entry.matches(Path::new(path)))
            .map(|entry| entry.owners.as_slice())
    }
}

/// One line's matcher and owners, or `None` for a comment, a blank line, a
/// section header or a pattern that does not compile.
fn entry(line: &str) -> Option<Entry> {
    let line = without_comment(line).trim();
    if line.is_empty() || line.starts_with('[') || line.starts_with("^[") {
        return None;
    }
    let mut parts = line.split_whitespace();
    let pattern = parts.next()?;
    if pattern.starts_with('!') {
        return None;
    }
    let mut builder = GitignoreBuilder::new("");
    builder.add_line(None, pattern).ok()?;
    let matcher = builder.build().ok()?;
    Some(Entry {
        matcher,
        direct_children_only: pattern.ends_with("/*"),
        owners: parts.map(str::to_string).collect(),
    })
}

/// The line up to its comment: `#` at the start or after whitespace, unless
/// escaped (`\#`).
fn without_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'#' && (i == 0 || bytes[i - 1].is_ascii_whitespace()) {
            return &line[..i];
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_match_wins() {
        let owners = CodeOwners::parse(
            "* @everyone\n/config/ @platform\nconfig/cache.toml @payments-sre ops@corp.io\n",
        );
        assert_eq!(owners.owners_of("README.md").unwrap(), ["@everyone"]);
        assert_eq!(owners.owners_of("config/db.toml").unwrap(), ["@platform"]);
        assert_eq!(
            owners.owners_of("config/cache.toml").unwrap(),
            ["@payments-sre", "ops@corp.io"]
        );
    }

    /// The cases GitHub's documentation spells out, one per row:
    /// (CODEOWNERS text, path, expected owners).
    #[test]
    fn patterns_follow_gitignore_rules() {
        let cases: &[(&str, &str, Option<&[&str]>)] = &[
            // A pattern without a slash matches at any depth.
            ("*.py @py", "app/core/config.py", Some(&["@py"])),
            (
                "settings.py @django",
                "proj/settings.py",
                Some(&["@django"]),
            ),
            // A leading slash anchors to the root.
            ("/settings.py @root", "proj/settings.py", None),
            ("/settings.py @root", "settings.py", Some(&["@root"])),
            // A slash in the middle anchors too: `config/x` is not `a/config/x`.
            ("config/app.toml @ops", "svc/config/app.toml", None),
            ("config/app.toml @ops", "config/app.toml", Some(&["@ops"])),
            // A directory owns everything below it, at any depth when unanchored.
            ("apps/ @apps", "src/apps/api/settings.py", Some(&["@apps"])),
            (
                "/deploy/ @sre",
                "deploy/k8s/prod/values.yaml",
                Some(&["@sre"]),
            ),
            // `dir/*` owns direct children only.
            ("docs/* @docs", "docs/index.md", Some(&["@docs"])),
            ("docs/* @docs", "docs/api/index.md", None),
            // `**` spans directories.
            ("**/logs @logs", "a/b/logs/x.log", Some(&["@logs"])),
            (
                "/infra/**/prod.toml @sre",
                "infra/eu/west/prod.toml",
                Some(&["@sre"]),
            ),
            // A pattern with no owners leaves the path unowned; a comment is no owner.
            (
                "* @all\n/config/generated.toml",
                "config/generated.toml",
                Some(&[]),
            ),
            ("* @all # everyone", "x.py", Some(&["@all"])),
            // Escaped `#` is part of the pattern; negation is not CODEOWNERS syntax.
            ("\\#notes @n", "#notes", Some(&["@n"])),
            ("* @all\n!secret.toml @none", "secret.toml", Some(&["@all"])),
            // GitLab sections are headers, not patterns.
            (
                "[Config] @ops\nconfig/ @cfg",
                "config/a.toml",
                Some(&["@cfg"]),
            ),
        ];
        for (text, path, want) in cases {
            let owners = CodeOwners::parse(text);
            let got = owners.owners_of(path);
            let want: Option<Vec<String>> = want.map(|w| w.iter().map(|s| s.to_string()).collect());
            assert_eq!(got.map(<[String]>::to_vec), want, "{text:?} for {path}");
        }
    }
}
