//! Security settings judged as a reviewer would: an improvement is not a
//! block, and cannot hide a new insecure setting. Real `git commit` with the
//! hooks installed.

mod common;

use common::{TestRepo, TRAILERS};

/// A commit of everything, with a complete record in trailers, so that only
/// the security check can stop it.
fn commit_with_record(repo: &TestRepo, subject: &str) -> common::Run {
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
