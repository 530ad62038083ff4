//! One reading of each file format: which format a path is in (the
//! [`FileType`] table) and the readers every detector shares.

pub mod config;
pub mod markup;
pub mod python;
pub mod types;

pub use types::{is_python_settings, FileType};

use std::sync::OnceLock;

use regex::Regex;

/// The regex of `pattern` (ASCII classes, see [`ascii_classes`]), compiled
/// once into `cell`.
pub fn regex_once(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(&ascii_classes(pattern)).unwrap_or_else(|_| unreachable_regex()))
}

/// `\s`, `\w` and `\d` as ASCII classes. The Unicode classes they mean by
/// default make each regex cost milliseconds to compile at a hook's first
/// scan; configuration syntax is ASCII. Escaped backslashes are left alone.
pub fn ascii_classes(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('s') => out.push_str(r"[\t\n\x0B\x0C\r ]"),
            Some('S') => out.push_str(r"[^\t\n\x0B\x0C\r ]"),
            Some('w') => out.push_str("[0-9A-Za-z_]"),
            Some('W') => out.push_str("[^0-9A-Za-z_]"),
            Some('d') => out.push_str("[0-9]"),
            Some('D') => out.push_str("[^0-9]"),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// Every built-in pattern is a constant tested by the unit tests; this
/// fallback only keeps a typo from panicking.
fn unreachable_regex() -> Regex {
    Regex::new(r"[^\s\S]").unwrap_or_else(|_| unreachable_regex())
}

/// A written value without its quotes: trimmed, then one pair of matching
/// `"` or `'` removed, after a Python string prefix (`r`, `b`, `u`, `rb`)
/// if any. Anything else is returned trimmed.
pub fn unquote(value: &str) -> &str {
    let trimmed = value.trim();
    let prefix = trimmed
        .bytes()
        .take(2)
        .take_while(|b| b"rbuRBU".contains(b))
        .count();
    for skip in [prefix, 0] {
        let body = &trimmed[skip..];
        let inner = strip_quotes(body);
        if inner.len() != body.len() {
            return inner;
        }
    }
    trimmed
}

/// `value` without one pair of matching surrounding `"` or `'`, as a
/// config format quotes a value (INI, Dockerfile words): no trimming, no
/// string prefixes.
pub fn strip_quotes(value: &str) -> &str {
    for quote in ['"', '\''] {
        if value.len() >= 2 && value.starts_with(quote) && value.ends_with(quote) {
            return &value[1..value.len() - 1];
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use crate::detect::secrets::SecretScanner;
    use crate::detect::security::SecurityScanner;
    use crate::model::Lines;

    fn secrets(path: &str, text: &str) -> usize {
        let scanner = SecretScanner::new(&[], &HashSet::new()).expect("pack loads");
        scanner.scan(path, text, Lines::All).len()
    }

    fn settings(path: &str, text: &str) -> usize {
        let scanner = SecurityScanner::new(&[], &HashSet::new()).expect("pack loads");
        scanner.scan(path, text, Lines::All).len()
    }

    /// The table decides for every detector: the same text is read for
    /// settings and generic secrets in configuration, not in a lock file.
    #[test]
    fn lock_files_are_not_read_for_settings_or_assignments() {
        let json = "{\n  \"debug\": true,\n  \"auth_token\": \"Zt4rQ8wLmN2pXy6vKc3e\"\n}\n";
        assert_eq!(settings("config/app.json", json), 1);
        assert_eq!(secrets("config/app.json", json), 1);
        assert_eq!(settings("frontend/package-lock.json", json), 0);
        assert_eq!(secrets("frontend/package-lock.json", json), 0);
        // A provider-format token (checksum valid) is a secret wherever it is.
        let ghp = crate::detect::secrets::checksum::sample::github_style(
            "ghp_",
            "Zt4rQ8wLmN2pXy6vKc3eZt4rQ8wLmN",
        );
        let token = format!("{{\"x\": \"{ghp}\"}}\n");
        assert_eq!(secrets("frontend/package-lock.json", &token), 1);
    }

    /// In TypeScript and Vue a bare word after `token =` is code.
    #[test]
    fn bare_words_in_code_are_not_literals() {
        let line = "const apiToken = Zt4rQ8wLmN2pXy6vKc3e\n";
        assert_eq!(secrets("config/app.yaml", line), 1);
        assert_eq!(secrets("src/Login.tsx", line), 0);
        assert_eq!(secrets("src/App.vue", line), 0);
        assert_eq!(
            secrets("src/App.vue", "const apiToken = \"Zt4rQ8wLmN2pXy6vKc3e\"\n"),
            1
        );
    }

    #[test]
    fn one_unquote() {
        for (written, value) in [
            ("\"x\"", "x"),
            (" 'y' ", "y"),
            ("rb'z'", "z"),
            ("u\"w\"", "w"),
            ("rubber", "rubber"),
            ("\"", "\""),
            ("'mixed\"", "'mixed\""),
            ("\"\"", ""),
        ] {
            assert_eq!(super::unquote(written), value, "{written}");
        }
    }

    /// The security detector asks the same reader what an environment read
    /// is: a project's own wrapper (`read_env_flag`) counts, and its
    /// literal default is the value in force where the variable is unset.
    #[test]
    fn project_env_wrappers_are_environment_reads_for_security() {
        let text = "DEBUG = read_env_flag(\"DEBUG\", \"True\")\n";
        assert_eq!(settings("app/settings.py", text), 1);
        let quiet = "DEBUG = read_env_flag(\"DEBUG\", \"False\")\n";
        assert_eq!(settings("app/settings.py", quiet), 0);
    }

    /// Code read in its own language, in documents and frontend files: the
    /// lookalikes from real projects stay quiet, quoted literals do not.
    #[test]
    fn code_blocks_and_frontend_code_are_read_as_code() {
        let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus/secrets");
        for name in [
            "docs_code_blocks.md",
            "docs_code_blocks.rst",
            "frontend_code.vue",
            "frontend_forms.ts",
            "search_expressions.sql",
        ] {
            let path = format!("{corpus}/negatives/{name}");
            let text = std::fs::read_to_string(&path).expect("corpus file");
            assert_eq!(secrets(&path, &text), 0, "{name}");
        }
        for (name, count) in [("docs_literals.md", 3), ("frontend_literals.ts", 2)] {
            let path = format!("{corpus}/positives/{name}");
            let text = std::fs::read_to_string(&path).expect("corpus file");
            assert_eq!(secrets(&path, &text), count, "{name}");
        }
    }
}
