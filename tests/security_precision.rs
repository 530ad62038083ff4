//! Security settings judged as a reviewer would: an improvement is not a
//! block, and cannot hide a new insecure setting. Real `git commit` with the
//! hooks installed.

use crate::common::{TestRepo, TRAILERS};

/// A commit of everything, with a complete record in trailers, so that only
/// the security check can stop it.
fn commit_with_record(repo: &TestRepo, subject: &str) -> crate::common::Run {
    repo.git(&["add", "-A"]).ok();
    repo.git(&["commit", "-q", "-m", &format!("{subject}\n\n{TRAILERS}\n")])
}

/// Like the full-stack FastAPI template's `app/core/config.py`.
const CONFIG: &str = "from pydantic_settings import BaseSettings\n\n\nclass Settings(BaseSettings):\n    API_V1_STR: str = \"/api/v1\"\n    # 60 minutes * 24 hours * 8 days = 8 days\n    ACCESS_TOKEN_EXPIRE_MINUTES: int = 60 * 24 * 8\n    PROJECT_NAME: str = \"app\"\n";

fn token_repo() -> TestRepo {
    let repo = TestRepo::new();
    repo.write("backend/app/core/config.py", CONFIG);
    repo.seed("settings");
    repo.install();
    repo
}

#[test]
fn shortening_a_long_token_lifetime_is_a_warning_not_a_block() {
    let repo = token_repo();
    let head = repo.head();
    repo.write(
        "backend/app/core/config.py",
        CONFIG.replace("60 * 24 * 8", "60 * 24 * 2"),
    );
    let run = commit_with_record(&repo, "shorter tokens");
    run.ok()
        .contains("token-lifetime-long")
        .contains("better than before (60 * 24 * 8)");
    assert_ne!(repo.head(), head, "the commit must be made");

    // A longer lifetime than before still blocks.
    let head = repo.head();
    repo.write(
        "backend/app/core/config.py",
        CONFIG.replace("60 * 24 * 8", "60 * 24 * 30"),
    );
    let run = commit_with_record(&repo, "longer tokens");
    assert_eq!(run.code, 1, "{}", run.dump());
    run.lacks("better than before");
    assert_eq!(repo.head(), head);
}

/// The ways a commit could try to ride on an improvement: a second, worse
/// copy of the setting (the later one wins in Python), a new insecure
/// setting beside it, the value moved under another name.
#[test]
fn an_improvement_does_not_hide_a_new_insecure_setting() {
    let abuses = [
        CONFIG.replace(
            "    ACCESS_TOKEN_EXPIRE_MINUTES: int = 60 * 24 * 8\n",
            "    ACCESS_TOKEN_EXPIRE_MINUTES: int = 60 * 24 * 2\n    ACCESS_TOKEN_EXPIRE_MINUTES: int = 60 * 24 * 9\n",
        ),
        CONFIG.replace("60 * 24 * 8\n", "60 * 24 * 2\n    DEBUG: bool = True\n"),
        CONFIG.replace(
            "    ACCESS_TOKEN_EXPIRE_MINUTES: int = 60 * 24 * 8\n",
            "    JWT_ACCESS_TOKEN_EXPIRES: int = 60 * 24 * 7\n",
        ),
    ];
    for (n, text) in abuses.iter().enumerate() {
        let repo = token_repo();
        let head = repo.head();
        repo.write("backend/app/core/config.py", text);
        let run = commit_with_record(&repo, "tokens");
        assert_eq!(run.code, 1, "abuse {n}: {}", run.dump());
        assert_eq!(repo.head(), head, "abuse {n}: the commit must not be made");
    }
}

/// Like the full-stack FastAPI template's `app/core/security.py`: hashing
/// and token code around one setting.
const SECURITY_PY: &str = "import jwt\n\nfrom app.core.config import settings\n\nALGORITHM = \"HS256\"\n\n\ndef create_access_token(subject: str) -> str:\n    return jwt.encode({\"sub\": subject}, settings.SECRET_KEY, algorithm=ALGORITHM)\n\n\ndef decode(token: str) -> dict:\n    return jwt.decode(token, settings.SECRET_KEY, algorithms=[ALGORITHM])\n";

fn security_repo() -> TestRepo {
    let repo = TestRepo::new();
    repo.write(".confgate.toml", "[security]\nowners = [\"@sec-team\"]\n");
    repo.write("backend/app/core/security.py", SECURITY_PY);
    repo.seed("security module");
    repo.install();
    repo
}

const SEC_TRAILERS: &str = "Config-Owner: @sec-team\nExpected-Result: tokens verified without a signature for the load test only\nRollback: revert; set ALGORITHM back to HS256";

#[test]
fn code_in_the_designated_security_py_needs_no_record() {
    let repo = security_repo();
    let head = repo.head();
    repo.write(
        "backend/app/core/security.py",
        SECURITY_PY.replace(
            "def decode(token: str) -> dict:\n",
            "def decode(token: str) -> dict:\n    \"\"\"The token's claims, once its signature is checked.\"\"\"\n",
        ),
    );
    repo.commit_all("docstring").ok();
    assert_ne!(repo.head(), head, "a docstring needs no record");

    // A function body is code: changing it, or adding a function, changes
    // no setting (the report says so).
    let head = repo.head();
    let code = SECURITY_PY.replace(
        "    return jwt.decode(token, settings.SECRET_KEY, algorithms=[ALGORITHM])\n",
        "    claims = jwt.decode(token, settings.SECRET_KEY, algorithms=[ALGORITHM])\n    return dict(claims)\n\n\ndef subject(token: str) -> str:\n    return str(decode(token)[\"sub\"])\n",
    );
    repo.write("backend/app/core/security.py", &code);
    repo.commit_all("decode: return a plain dict; subject()")
        .ok();
    assert_ne!(repo.head(), head, "a function body needs no record");
    repo.confgate(&["check", "--commit", "HEAD"])
        .ok()
        .contains("no setting changed")
        .lacks("missing-record");

    // A module-level setting is still configuration.
    let head = repo.head();
    repo.write(
        "backend/app/core/security.py",
        code.replace("ALGORITHM = \"HS256\"", "ALGORITHM = \"HS512\""),
    );
    let run = repo.commit_all("stronger hash");
    assert_eq!(run.code, 1, "{}", run.dump());
    assert_eq!(repo.head(), head, "a module-level setting needs a record");
}

#[test]
fn an_insecure_setting_in_security_py_is_accepted_only_with_a_security_owners_record() {
    let repo = security_repo();
    let head = repo.head();
    let insecure = SECURITY_PY.replace("ALGORITHM = \"HS256\"", "ALGORITHM = \"none\"");
    repo.write("backend/app/core/security.py", &insecure);

    // No record: blocked, naming the rule and the line.
    let run = repo.commit_all("unsigned tokens");
    assert_eq!(run.code, 1, "{}", run.dump());
    run.contains("jwt-alg-none")
        .contains("backend/app/core/security.py:5");
    assert_eq!(repo.head(), head);

    // A complete record by someone who is not a security owner: blocked.
    let run = commit_with_record(&repo, "unsigned tokens");
    assert_eq!(run.code, 1, "{}", run.dump());
    assert_eq!(repo.head(), head);

    // Signed by a security owner: an accepted change, still shown.
    repo.git(&["add", "-A"]).ok();
    let run = repo.git(&[
        "commit",
        "-q",
        "-m",
        &format!("unsigned tokens for the load test\n\n{SEC_TRAILERS}\n"),
    ]);
    run.ok();
    assert_ne!(repo.head(), head);
    let shown = repo.confgate(&["check", "--commit", "HEAD"]);
    shown
        .ok()
        .contains("jwt-alg-none")
        .contains("accepted change, recorded by @sec-team");
}

#[test]
fn insecure_code_in_a_function_of_security_py_blocks_even_with_a_record() {
    let repo = security_repo();
    let head = repo.head();
    repo.write(
        "backend/app/core/security.py",
        SECURITY_PY.replace("algorithms=[ALGORITHM]", "algorithms=[\"none\"]"),
    );
    repo.git(&["add", "-A"]).ok();
    let run = repo.git(&[
        "commit",
        "-q",
        "-m",
        &format!("accept any token\n\n{SEC_TRAILERS}\n"),
    ]);
    assert_eq!(run.code, 1, "{}", run.dump());
    run.contains("jwt-alg-none").lacks("accepted change");
    assert_eq!(repo.head(), head);
}

/// Like the full-stack FastAPI template's `.env`-beside-`.env.example`: the
/// template documents variables for others to copy; the service never reads
/// it, so documenting a new one needs no record and is not a setting.
#[test]
fn documenting_a_variable_in_an_env_template_is_not_blocked() {
    let repo = TestRepo::new();
    repo.write(
        ".env.example",
        "DOMAIN=localhost\nSECRET_KEY=changethis\nFIRST_SUPERUSER_PASSWORD=changethis\n",
    );
    repo.write("deploy/.env.production.example", "DEBUG=False\n");
    repo.seed("templates");
    repo.install();
    let head = repo.head();
    repo.write(
        ".env.example",
        "DOMAIN=localhost\nSECRET_KEY=changethis\nFIRST_SUPERUSER_PASSWORD=changethis\nSENTRY_DSN=\nSMTP_PASSWORD=\nDEBUG=True\n",
    );
    repo.write(
        "deploy/.env.production.example",
        "DEBUG=False\nSMTP_HOST=\n",
    );
    let run = repo.commit_all("document SMTP and Sentry variables");
    run.ok().lacks("missing-record").lacks("debug-mode-config");
    assert_ne!(repo.head(), head);

    // The real `.env` beside it is still configuration.
    repo.write(".env.production", "DEBUG=True\n");
    let run = repo.commit_all("prod env");
    assert_eq!(run.code, 1, "{}", run.dump());
}

/// Lock files, bundles and vendored code are not where a service is
/// configured: `scan` does not read them for settings.
#[test]
fn generated_and_vendored_files_are_not_read_for_settings() {
    let repo = TestRepo::new();
    repo.write(
        "frontend/package-lock.json",
        "{\n  \"packages\": {\n    \"node_modules/socket.io\": {\n      \"dependencies\": {\n        \"debug\": \"^4.1.0\"\n      }\n    }\n  }\n}\n",
    );
    repo.write("vendor/lib/settings.py", "DEBUG = True\n");
    repo.write("frontend/dist/config.json", "{\n  \"debug\": true\n}\n");
    repo.write("static/app.js.map", "{\"debug\": true}\n");
    let run = repo.confgate(&["scan"]);
    run.ok().lacks("debug-mode");

    repo.write("config/app.json", "{\n  \"debug\": true\n}\n");
    repo.confgate(&["scan"])
        .code(1)
        .contains("config/app.json:2")
        .contains("debug-mode-config");
}

/// The paths the secrets detector once called generated and the file-type
/// table did not (vendored directories, any source map, `*.bundle.*`) are
/// one kind now, read alike by every detector: no generic secret
/// assignment, no inline security setting, provider tokens still found.
/// `security.ignore` is emptied so that only the file type decides.
#[test]
fn formerly_disputed_generated_paths_are_read_alike_by_every_detector() {
    let repo = TestRepo::new();
    repo.write(".confgate.toml", "[security]\nignore = []\n");
    repo.seed("policy");
    let token = crate::common::github_token("ghp_", "Vb3Kq9Zt2Wm8Xr4Np7Lc1Hd6Jf5Gs0Ya");
    let python =
        format!("DEBUG = True\nDB_PASSWORD = \"kT9vQ2mX7pL4wR8zN3bH6cJ1\"\nGH = \"{token}\"\n");
    let json = format!(
        "{{\n  \"debug\": true,\n  \"password\": \"kT9vQ2mX7pL4wR8zN3bH6cJ1\",\n  \"gh\": \"{token}\"\n}}\n"
    );
    let generated = [
        ("web/node_modules/pkg/settings.py", &python),
        ("vendor/lib/settings.py", &python),
        ("pkg/vendored/settings.py", &python),
        ("pkg/_vendor/settings.py", &python),
        ("third_party/lib/settings.py", &python),
        ("venv/lib/site-packages/pkg/settings.py", &python),
        ("static/app.bundle.json", &json),
        ("static/settings.map", &json),
    ];
    let control = [("app/settings.py", &python), ("config/app.json", &json)];
    for (path, text) in generated.iter().chain(&control) {
        repo.write(path, text.as_str());
    }
    let run = repo.confgate(&["scan", "--format", "json"]);
    let report = run.code(1).json();
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    let rules_at = |path: &str| -> Vec<String> {
        findings
            .iter()
            .filter(|f| f["path"] == path)
            .map(|f| f["rule"].as_str().unwrap_or("").to_string())
            .collect()
    };
    for (path, _) in control {
        let rules = rules_at(path);
        assert!(
            rules.iter().any(|r| r == "generic-secret-assignment"),
            "{path}: {rules:?}"
        );
        assert!(
            rules.iter().any(|r| r.starts_with("debug-mode")),
            "{path}: {rules:?}"
        );
        assert!(
            rules.iter().any(|r| r.starts_with("github")),
            "{path}: {rules:?}"
        );
    }
    for (path, _) in generated {
        let rules = rules_at(path);
        assert!(
            rules.iter().all(|r| r.starts_with("github")),
            "{path}: only the provider token, got {rules:?}\n{}",
            run.dump()
        );
        assert!(
            !rules.is_empty(),
            "{path}: the provider token is still found"
        );
    }
}

/// Like the full-stack FastAPI template's committed `.env`: local defaults
/// and placeholders. Its `SECRET_KEY=changethis` is a placeholder in the
/// environment file itself: a warning that says so, with advice that fits
/// a `.env` (not "move it to security.py"). A real-looking key there, or a
/// placeholder written into Python code, still blocks.
#[test]
fn a_placeholder_secret_key_in_a_dotenv_is_a_warning_that_fits_a_dotenv() {
    let repo = TestRepo::new();
    let env = "FASTAPI_ENV=development\nFIRST_SUPERUSER_PASSWORD=changethis\nSMTP_HOST=localhost\n";
    repo.write(".env", env);
    repo.seed("template env");
    repo.install();
    let head = repo.head();
    repo.write(".env", format!("{env}SECRET_KEY=changethis\n"));
    let run = commit_with_record(&repo, "document the signing key");
    run.ok()
        .contains("hardcoded-secret-key")
        .contains("holds a placeholder, not a key")
        .contains("each deployment's environment")
        .lacks("designated security file")
        .lacks("security.py");
    assert_ne!(repo.head(), head, "a placeholder in a .env does not block");

    let head = repo.head();
    repo.write(".env", format!("{env}SECRET_KEY=Xk29fLq8Zr0vPa7Wn3Ty\n"));
    let run = commit_with_record(&repo, "a real key");
    assert_eq!(run.code, 1, "{}", run.dump());
    run.lacks("security.py");
    assert_eq!(repo.head(), head);

    repo.git(&["checkout", "-q", "--", ".env"]).ok();
    repo.write("app/config.py", "SECRET_KEY = \"changethis\"\n");
    let run = commit_with_record(&repo, "a placeholder in code");
    assert_eq!(run.code, 1, "{}", run.dump());
    run.contains("hardcoded-secret-key").contains("error");
}

/// `SECURE_SSL_REDIRECT` read from the environment with Django's own
/// default (off) is a warning naming that default; `DEBUG` defaulting to
/// on where the variable is unset still blocks.
#[test]
fn an_environment_read_defaulting_to_the_framework_default_warns() {
    let repo = TestRepo::new();
    repo.write(
        "app/settings.py",
        "import os\n\nALLOWED_HOSTS = [\"api.example.com\"]\n",
    );
    repo.seed("settings");
    repo.install();
    let head = repo.head();
    repo.write(
        "app/settings.py",
        "import os\n\nALLOWED_HOSTS = [\"api.example.com\"]\nSECURE_SSL_REDIRECT = os.getenv(\"SSL_REDIRECT\", \"0\") == \"1\"\n",
    );
    let run = commit_with_record(&repo, "redirect to HTTPS where SSL_REDIRECT=1");
    run.ok()
        .contains("ssl-redirect-off")
        .contains("where the variable is unset it is False");
    assert_ne!(repo.head(), head);

    let head = repo.head();
    repo.write(
        "app/settings.py",
        "import os\n\nALLOWED_HOSTS = [\"api.example.com\"]\nSECURE_SSL_REDIRECT = os.getenv(\"SSL_REDIRECT\", \"0\") == \"1\"\nDEBUG = os.getenv(\"DEBUG\", \"True\") == \"True\"\n",
    );
    let run = commit_with_record(&repo, "debug from the environment");
    assert_eq!(run.code, 1, "{}", run.dump());
    run.contains("debug-mode");
    assert_eq!(repo.head(), head);
}
