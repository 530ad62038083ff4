//! CODEOWNERS: which owners a path has (last matching line wins).

use crate::config::plan::PathSet;

/// Where GitHub and GitLab look for the file, in order.
pub const LOCATIONS: &[&str] = &[
    "CODEOWNERS",
    ".github/CODEOWNERS",
    "docs/CODEOWNERS",
    ".gitlab/CODEOWNERS",
];

pub struct CodeOwners {
    entries: Vec<(PathSet, Vec<String>)>,
}

impl CodeOwners {
    /// Parse the file; lines whose pattern does not compile are skipped, as
    /// the hosting services do.
    pub fn parse(text: &str) -> CodeOwners {
        let mut entries = Vec::new();
        for line in text.lines() {
            let line = line.split(" #").next().unwrap_or_default().trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with('[') {
                continue;
            }
            let mut parts = line.split_whitespace();
            let Some(pattern) = parts.next() else {
                continue;
            };
            let owners: Vec<String> = parts.map(str::to_string).collect();
            let pattern =
                if pattern.ends_with("/*") || pattern.contains('.') || pattern.ends_with('/') {
                    pattern.to_string()
                } else if pattern == "*" {
                    "*".to_string()
                } else {
                    // `docs` means the file or everything below the directory.
                    format!("{pattern}{{,/**}}")
                };
            if let Ok(set) = PathSet::new("CODEOWNERS", &[pattern]) {
                entries.push((set, owners));
            }
        }
        CodeOwners { entries }
    }

    /// The owners of `path`: those of the last matching line.
    pub fn owners_of(&self, path: &str) -> Option<&[String]> {
        self.entries
            .iter()
            .rev()
            .find(|(set, _)| set.is_match(path))
            .map(|(_, owners)| owners.as_slice())
    }
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
}
