//! Security settings un-written: real `git commit` with the hooks installed,
//! where the change deletes what made the service safe.

use crate::common::{TestRepo, TRAILERS};

fn with_trailers(subject: &str) -> String {
    format!("{subject}\n\n{TRAILERS}\n")
}

/// A commit of everything, with a complete record in trailers, so that only
/// the security check can stop it.
fn commit_with_record(repo: &TestRepo, subject: &str) -> crate::common::Run {
    repo.git(&["add", "-A"]).ok();
    repo.git(&["commit", "-q", "-m", &with_trailers(subject)])
}

const DOCKERFILE: &str = "FROM python:3.12-slim\nRUN useradd --create-home app\nWORKDIR /srv\nCOPY . .\nUSER app\nCMD [\"gunicorn\", \"app:app\"]\n";

#[test]
fn deleting_user_app_from_a_dockerfile_is_blocked() {
    let repo = TestRepo::new();
    repo.write("Dockerfile", DOCKERFILE);
    repo.seed("image");
    repo.install();
    let head = repo.head();

    repo.write("Dockerfile", DOCKERFILE.replace("USER app\n", ""));
    let run = commit_with_record(&repo, "slimmer image");
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("dockerfile-user-removed")
        .contains("Dockerfile:5")
        .contains("USER app removed");
    assert_eq!(repo.head(), head, "the commit must not be made");

    // Moving the USER line is not removing it.
    repo.write(
        "Dockerfile",
        "FROM python:3.12-slim\nRUN useradd --create-home app\nUSER app\nWORKDIR /srv\nCOPY . .\nCMD [\"gunicorn\", \"app:app\"]\n",
    );
    commit_with_record(&repo, "user earlier").ok();
    assert_ne!(repo.head(), head);
}

const SETTINGS: &str = "DEBUG = False\n\nMIDDLEWARE = [\n    \"django.middleware.security.SecurityMiddleware\",\n    \"django.contrib.sessions.middleware.SessionMiddleware\",\n    \"django.middleware.common.CommonMiddleware\",\n    \"django.middleware.csrf.CsrfViewMiddleware\",\n    \"django.middleware.clickjacking.XFrameOptionsMiddleware\",\n]\n\nSESSION_COOKIE_SECURE = True\nTIME_ZONE = \"UTC\"\n";

fn django_repo() -> TestRepo {
    let repo = TestRepo::new();
    repo.write("mysite/settings.py", SETTINGS);
    repo.seed("django project");
    repo.install();
    repo
}

#[test]
fn dropping_csrf_middleware_from_a_multi_line_list_is_blocked() {
    let repo = django_repo();
    let head = repo.head();
    repo.write(
        "mysite/settings.py",
        SETTINGS.replace("    \"django.middleware.csrf.CsrfViewMiddleware\",\n", ""),
    );
    let run = commit_with_record(&repo, "simplify middleware");
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("security-middleware-removed")
        .contains("mysite/settings.py:7")
        .contains("django.middleware.csrf.CsrfViewMiddleware removed from MIDDLEWARE");
    assert_eq!(repo.head(), head);

    // The JSON report carries it as a blocking security-setting finding.
    let json = repo.confgate(&["--format", "json", "check", "--staged"]);
    assert_eq!(json.code, 1, "{}", json.dump());
    let report = json.json();
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    assert!(
        findings
            .iter()
            .any(|f| f["rule"] == "security-middleware-removed"
                && f["kind"] == "security-setting"
                && f["severity"] == "error"
                && f["line"] == 7),
        "{}",
        json.dump()
    );

    // Reordering the list drops nothing.
    repo.write(
        "mysite/settings.py",
        SETTINGS.replace(
            "    \"django.middleware.security.SecurityMiddleware\",\n    \"django.contrib.sessions.middleware.SessionMiddleware\",\n",
            "    \"django.contrib.sessions.middleware.SessionMiddleware\",\n    \"django.middleware.security.SecurityMiddleware\",\n",
        ),
    );
    commit_with_record(&repo, "reorder middleware").ok();
    assert_ne!(repo.head(), head);
}

#[test]
fn a_deleted_secure_cookie_line_blocks_unless_moved_or_allowed() {
    let repo = django_repo();
    let head = repo.head();
    let without = SETTINGS.replace("SESSION_COOKIE_SECURE = True\n", "");
    repo.write("mysite/settings.py", &without);
    let run = commit_with_record(&repo, "tidy settings");
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("secure-setting-removed")
        .contains("SESSION_COOKIE_SECURE = True removed");
    assert_eq!(repo.head(), head);

    // Moved to the designated security file in the same commit: allowed
    // (a config change, covered by the trailers).
    repo.write("mysite/security.py", "SESSION_COOKIE_SECURE = True\n");
    commit_with_record(&repo, "security settings in their own file").ok();
    let moved = repo.head();
    assert_ne!(moved, head);

    // Deleted from the designated file: a config change that needs its
    // record, not an inline finding.
    repo.write("mysite/security.py", "\n");
    let run = repo.commit_all("drop it");
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("missing-record")
        .lacks("secure-setting-removed");
    commit_with_record(&repo, "HTTPS ends at the proxy, which sets Secure").ok();
    assert_ne!(repo.head(), moved);
}

#[test]
fn an_allow_comment_with_a_reason_accepts_a_removal() {
    let repo = django_repo();
    let head = repo.head();
    repo.write(
        "mysite/settings.py",
        SETTINGS.replace(
            "SESSION_COOKIE_SECURE = True\n",
            "# confgate: allow secure-setting-removed -- the proxy in front sets Secure on every cookie\n",
        ),
    );
    commit_with_record(&repo, "cookies secured by the proxy").ok();
    assert_ne!(repo.head(), head);
}
