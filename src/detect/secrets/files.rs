//! Files that are secrets by nature (`.env`, private keys, keystores,
//! credential files), judged by name and, where the name is not enough, content.

use crate::finding::{Finding, Kind, Severity};
use crate::formats::FileType;

/// One forbidden-file rule, for `confgate rules` and the finding itself.
pub struct FileRule {
    pub id: &'static str,
    pub description: &'static str,
    pub matches: &'static str,
    pub why: &'static str,
    pub fix: &'static str,
    pub example_bad: &'static str,
    pub example_good: &'static str,
}

pub const FILE_RULES: &[FileRule] = &[
    FileRule {
        id: "env-file",
        description: "dotenv file with real values",
        matches: "`.env`, `.env.local`, `.env.production`, … (not `.env.example`, `.env.sample`, `.env.template`, `.env.dist`)",
        why: "a .env file holds the environment's real credentials; once committed they live in history forever",
        fix: "commit a `.env.example` with placeholders and keep `.env` in .gitignore; load real values from a secret manager",
        example_bad: ".env.production",
        example_good: ".env.example",
    },
    FileRule {
        id: "private-key-file",
        description: "private key file",
        matches: "`*.pem`, `*.key`, `id_rsa`, `id_dsa`, `id_ecdsa`, `id_ed25519` (not `*.pub`)",
        why: "a private key in the repository lets anyone with read access impersonate the key's owner",
        fix: "keep keys out of the repository: mount them from a secret manager or the deploy environment",
        example_bad: "deploy/id_ed25519",
        example_good: "deploy/id_ed25519.pub",
    },
    FileRule {
        id: "keystore-file",
        description: "certificate store or keystore",
        matches: "`*.p12`, `*.pfx`, `*.jks`, `*.keystore`",
        why: "keystores bundle private keys; their passwords are usually weak or committed next to them",
        fix: "store the keystore in a secret manager and fetch it at deploy time",
        example_bad: "certs/server.p12",
        example_good: "certs/server.crt",
    },
    FileRule {
        id: "credentials-json",
        description: "cloud credentials file",
        matches: "`credentials.json`, or any JSON with `\"type\": \"service_account\"` and a `private_key`",
        why: "a service-account or OAuth credentials file grants API access to whoever reads it",
        fix: "use workload identity or a secret manager; point GOOGLE_APPLICATION_CREDENTIALS at a file outside the repo",
        example_bad: "gcp/service-account.json (a service-account key)",
        example_good: "gcp/service-account.example.json without a private_key",
    },
    FileRule {
        id: "pypirc-file",
        description: ".pypirc with a password or token",
        matches: "`.pypirc` with a `password` entry",
        why: "a PyPI token lets anyone publish releases of your packages",
        fix: "use trusted publishing or pass the token via TWINE_PASSWORD from the CI secret store",
        example_bad: ".pypirc with password = pypi-…",
        example_good: ".pypirc with only repository URLs",
    },
    FileRule {
        id: "netrc-file",
        description: ".netrc with a password",
        matches: "`.netrc` / `_netrc` with a `password` entry",
        why: ".netrc stores plain-text logins for hosts",
        fix: "keep .netrc in your home directory, never in the repository; use a credential helper",
        example_bad: ".netrc with machine … password …",
        example_good: "no .netrc in the repository",
    },
    FileRule {
        id: "npmrc-token",
        description: ".npmrc with an auth token",
        matches: "`.npmrc` with `_authToken` or `_auth`",
        why: "an npm token lets anyone publish or read private packages",
        fix: "write `_authToken=${NPM_TOKEN}` and set NPM_TOKEN from the CI secret store",
        example_bad: "//registry.npmjs.org/:_authToken=npm_…",
        example_good: "//registry.npmjs.org/:_authToken=${NPM_TOKEN}",
    },
];

fn rule(id: &str) -> Option<&'static FileRule> {
    FILE_RULES.iter().find(|r| r.id == id)
}

/// The id of the rule `path` (with `text`) breaks, if any.
pub fn classify(path: &str, text: Option<&str>) -> Option<&'static str> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    // Templates (`.env.example`) are another type in the table; `prod.env`
    // is read as dotenv but named like any other file.
    if FileType::of(path) == FileType::Env && (lower == ".env" || lower.starts_with(".env.")) {
        return Some("env-file");
    }
    if lower.ends_with(".pub") {
        return None;
    }
    if lower.ends_with(".pem")
        || lower.ends_with(".key")
        || ["id_rsa", "id_dsa", "id_ecdsa", "id_ed25519"].contains(&lower.as_str())
    {
        return Some("private-key-file");
    }
    if [".p12", ".pfx", ".jks", ".keystore"]
        .iter()
        .any(|ext| lower.ends_with(ext))
    {
        return Some("keystore-file");
    }
    if lower == "credentials.json" {
        return Some("credentials-json");
    }
    let text = text?;
    if lower.ends_with(".json")
        && text.contains("\"service_account\"")
        && text.contains("\"private_key\"")
    {
        return Some("credentials-json");
    }
    let has_entry = |entry: &str| {
        text.lines().any(|line| {
            let line = line.trim();
            !line.starts_with('#') && !line.starts_with(';') && line.contains(entry)
        })
    };
    match lower.as_str() {
        ".pypirc" if has_entry("password") => Some("pypirc-file"),
        ".netrc" | "_netrc" if has_entry("password") => Some("netrc-file"),
        ".npmrc" if npmrc_has_literal_token(text) => Some("npmrc-token"),
        _ => None,
    }
}

/// `_authToken=${NPM_TOKEN}` is the recommended form; only literal values count.
fn npmrc_has_literal_token(text: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim();
        if line.starts_with('#') || line.starts_with(';') {
            return false;
        }
        ["_authToken=", "_auth="].iter().any(|key| {
            line.find(key).is_some_and(|at| {
                let value = line[at + key.len()..].trim();
                !value.is_empty() && !value.starts_with("${")
            })
        })
    })
}

/// What the values of a dotenv file are, judged entry by entry.
#[derive(Debug, PartialEq, Eq)]
pub enum EnvValues {
    /// Only variables a frontend build bundles into the page by design
    /// (`VITE_`, `NEXT_PUBLIC_`, `REACT_APP_`, …): public, not secrets.
    PublicBuild,
    /// Secret-named values are all empty, placeholders or references, and no
    /// URL carries a password: the local defaults of a template.
    Placeholders,
    /// Anything else, fail closed: real values.
    Real,
}

const PUBLIC_BUILD_PREFIXES: &[&str] = &[
    "VITE_",
    "NEXT_PUBLIC_",
    "REACT_APP_",
    "NUXT_PUBLIC_",
    "EXPO_PUBLIC_",
    "PUBLIC_",
    "GATSBY_",
];

/// Judges a dotenv file's entries (`KEY=value`, `export KEY=value`).
pub fn env_values(text: &str) -> EnvValues {
    let (mut public, mut entries, mut real) = (0, 0, false);
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let (key, value) = (key.trim(), value.trim().trim_matches(['"', '\'']));
        entries += 1;
        if PUBLIC_BUILD_PREFIXES.iter().any(|p| key.starts_with(p)) {
            public += 1;
            continue;
        }
        let secret_value = super::generic::is_secret_key(key)
            && !value.is_empty()
            && !super::random::is_example_secret(value);
        if secret_value || !super::generic::url_passwords(line).is_empty() {
            real = true;
        }
    }
    match (real, entries) {
        (true, _) => EnvValues::Real,
        (false, n) if n > 0 && n == public => EnvValues::PublicBuild,
        _ => EnvValues::Placeholders,
    }
}

/// The finding for `path` under rule `id`.
pub fn finding(id: &str, path: &str) -> Option<Finding> {
    let rule = rule(id)?;
    Some(
        Finding::new(Kind::ForbiddenFile, rule.id, Severity::Error, path, path)
            .message(format!("{} committed: {}", rule.description, path))
            .fix(rule.fix)
            .category("files"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_values_public_placeholders_real() {
        let frontend = "VITE_API_URL=http://localhost:8000\nNODE_ENV=production\n";
        assert_eq!(env_values(frontend), EnvValues::Placeholders);
        assert_eq!(
            env_values("VITE_API_URL=http://localhost:8000\n# comment\nNEXT_PUBLIC_SITE=x\n"),
            EnvValues::PublicBuild
        );
        let template = "DOMAIN=localhost\nSECRET_KEY=changethis\nPOSTGRES_PASSWORD=changethis\nSMTP_PASSWORD=\nPOSTGRES_USER=postgres\nFIRST_SUPERUSER=admin@example.com\n";
        assert_eq!(env_values(template), EnvValues::Placeholders);
        let real = "DOMAIN=localhost\nSECRET_KEY=kT9vQ2mX7pL4wR8zN3bH6cJ1\n";
        assert_eq!(env_values(real), EnvValues::Real);
        let weak = "DB_PASSWORD=hunter2024\n";
        assert_eq!(env_values(weak), EnvValues::Real);
        let url = "DATABASE_URL=postgresql://app:Zq8vT2pLk9mW@db.internal:5432/app\n";
        assert_eq!(env_values(url), EnvValues::Real);
    }

    #[test]
    fn env_files_but_not_templates() {
        assert_eq!(classify(".env", None), Some("env-file"));
        assert_eq!(classify("svc/.env.production", None), Some("env-file"));
        assert_eq!(classify(".env.local", None), Some("env-file"));
        for ok in [
            ".env.example",
            ".env.sample",
            ".env.template",
            ".env.dist",
            "env.py",
        ] {
            assert_eq!(classify(ok, None), None, "{ok}");
        }
    }

    #[test]
    fn keys_and_keystores() {
        assert_eq!(classify("deploy/id_rsa", None), Some("private-key-file"));
        assert_eq!(classify("deploy/id_rsa.pub", None), None);
        assert_eq!(classify("tls/server.pem", None), Some("private-key-file"));
        assert_eq!(classify("a/b.jks", None), Some("keystore-file"));
        assert_eq!(classify("credentials.json", None), Some("credentials-json"));
    }

    #[test]
    fn content_decides_for_rc_files() {
        let sa = r#"{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\n"}"#;
        assert_eq!(classify("gcp/sa.json", Some(sa)), Some("credentials-json"));
        assert_eq!(classify("gcp/other.json", Some("{}")), None);
        let pypirc = "[pypi]\nusername = __token__\npassword = pypi-AgEIcHlwaS5vcmc\n";
        assert_eq!(classify(".pypirc", Some(pypirc)), Some("pypirc-file"));
        assert_eq!(classify(".pypirc", Some("[distutils]\n")), None);
        assert_eq!(
            classify(".npmrc", Some("//registry.npmjs.org/:_authToken=npm_abc\n")),
            Some("npmrc-token")
        );
        assert_eq!(
            classify(
                ".npmrc",
                Some("//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n")
            ),
            None
        );
        assert_eq!(
            classify(".netrc", Some("machine h login u password p\n")),
            Some("netrc-file")
        );
    }
}
