//! Where a file sits changes what a secret-shaped value in it means: test
//! data in `tests/`, generated bundles and lock files, vendored code.

use crate::finding::{Finding, Severity};
use crate::formats::FileType;

/// Rules that judge a value by its key name alone (a key name and a value
/// that looks chosen, no provider format): where the file sits, or what its
/// document says around the value, can tell such a value is not live.
/// Provider tokens, private keys and URL passwords are never softened.
pub(super) const KEY_NAME_RULES: &[&str] = &[
    "generic-secret-assignment",
    "framework-secret-key",
    "framework-secret-key-fallback",
];

fn by_key_name(finding: &Finding) -> bool {
    KEY_NAME_RULES.contains(&finding.rule.as_str())
}

const TEST_DIRS: &[&str] = &[
    "test",
    "tests",
    "testing",
    "__tests__",
    "spec",
    "specs",
    "fixtures",
    "fixture",
    "testdata",
    "test_data",
    "e2e",
];

/// Development infrastructure: a development container's definition,
/// setup scripts and example environment run on a developer's machine or a
/// codespace, never in a deployment. CI workflows are not in this list:
/// they run with the repository's deployment rights and reach real systems.
const DEV_DIRS: &[&str] = &[".devcontainer"];

fn dirs(path: &str) -> impl Iterator<Item = String> + '_ {
    let mut parts: Vec<&str> = path.split('/').collect();
    parts.pop();
    parts.into_iter().map(str::to_ascii_lowercase)
}

fn file_name(path: &str) -> String {
    path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase()
}

/// Test code and fixtures: a `tests/`-like folder, or a test module name
/// (`test_x.py`, `x_test.py`, `conftest.py`, `x.test.ts`, `x.spec.js`).
pub fn is_test_data(path: &str) -> bool {
    let name = file_name(path);
    let stem = name.split('.').next().unwrap_or("");
    dirs(path).any(|d| TEST_DIRS.contains(&d.as_str()))
        || name.ends_with(".py")
            && (stem.starts_with("test_") || stem.ends_with("_test") || stem == "conftest")
        || name.contains(".test.")
        || name.contains(".spec.")
}

/// A development container's files (`.devcontainer/`, or the single-file
/// form `.devcontainer.json`).
pub fn is_development_setup(path: &str) -> bool {
    dirs(path).any(|d| DEV_DIRS.contains(&d.as_str())) || file_name(path) == ".devcontainer.json"
}

/// Folders of documentation. fastapi's `docs_src/` counts: its modules are
/// included into the documentation's pages and are not part of the package.
/// `examples/` does not: examples are copied into services as they are.
const DOC_DIRS: &[&str] = &["docs", "doc", "docs_src", "documentation"];

/// Documentation: a Markdown or reStructuredText file anywhere, or any
/// file under a documentation folder.
pub fn is_documentation(path: &str) -> bool {
    dirs(path).any(|d| DOC_DIRS.contains(&d.as_str()))
        || matches!(FileType::of(path), FileType::Markdown | FileType::Rst)
}

/// Applies the place of `path` to a file's secret findings: in generated
/// or vendored files (the file-type table's lock files and bundles) only
/// provider rules, private keys and URL passwords count; in test data and
/// a development container's files the key-name rules warn instead of
/// blocking.
pub fn judge(path: &str, findings: &mut Vec<Finding>) {
    if FileType::of(path).is_generated() {
        findings.retain(|f| !by_key_name(f));
        return;
    }
    let why = if is_test_data(path) {
        "test data: a warning in test and fixture paths"
    } else if is_development_setup(path) {
        "development default: a warning in .devcontainer/"
    } else {
        return;
    };
    for finding in findings.iter_mut().filter(|f| by_key_name(f)) {
        finding.severity = Severity::Warning;
        finding.message = format!("{} ({why})", finding.message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documentation_paths() {
        for path in [
            "docs/config.rst",
            "README.md",
            "docs_src/security/tutorial004.py",
            "doc/source/settings.py",
            "site/Documentation/deploy.txt",
        ] {
            assert!(is_documentation(path), "{path}");
        }
        for path in [
            "app/settings.py",
            "examples/app.py",
            "docsite.py",
            "src/docs.py",
        ] {
            assert!(!is_documentation(path), "{path}");
        }
    }

    #[test]
    fn test_paths() {
        for path in [
            "tests/test_login.py",
            "backend/app/tests/api/routes/test_users.py",
            "src/app/conftest.py",
            "app/users/test_views.py",
            "frontend/src/login.test.ts",
            "tests/fixtures/page.html",
            "e2e/login.spec.ts",
        ] {
            assert!(is_test_data(path), "{path}");
        }
        for path in ["app/settings.py", "app/contest.py", "testimonials/views.py"] {
            assert!(!is_test_data(path), "{path}");
        }
    }

    #[test]
    fn development_container_paths() {
        for path in [
            ".devcontainer/postCreateCommand.sh",
            ".devcontainer/.env.example",
            "services/api/.devcontainer/docker-compose.yml",
            ".devcontainer.json",
        ] {
            assert!(is_development_setup(path), "{path}");
        }
        for path in [
            ".github/workflows/playwright.yml",
            "data/.env",
            "devcontainer.md",
            "app/devcontainer_settings.py",
        ] {
            assert!(!is_development_setup(path), "{path}");
        }
    }

    #[test]
    fn generated_paths() {
        for path in [
            "package-lock.json",
            "frontend/pnpm-lock.yaml",
            "static/dist/app.js",
            "static/js/app.min.js",
            "static/js/app.js.map",
            "vendor/lib/client.py",
            "uv.lock",
        ] {
            assert!(FileType::of(path).is_generated(), "{path}");
        }
        for path in ["package.json", "app/distance.py", "src/vendors.py"] {
            assert!(!FileType::of(path).is_generated(), "{path}");
        }
    }
}
