//! Provider coverage end to end (issue 20): registry credentials in
//! `.npmrc` and Maven `settings.xml`, Vault and 42 Intra tokens, and tokens
//! whose checksum tells a real one from a random string of the same shape,
//! through real `git commit` with the hooks installed.

use crate::common::{github_token, pypi_token, TestRepo};

fn repo() -> TestRepo {
    let repo = TestRepo::new();
    repo.write("app/main.py", "print('hi')\n");
    repo.seed("initial");
    repo.install();
    repo
}

/// `token` with its last character changed: same shape, checksum broken.
fn broken(token: &str) -> String {
    let last = if token.ends_with('A') { 'B' } else { 'A' };
    format!("{}{last}", &token[..token.len() - 1])
}

/// The rule ids of a JSON report's findings.
fn rules(repo: &TestRepo, args: &[&str]) -> Vec<String> {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let json = repo.confgate(&all).json();
    json["findings"]
        .as_array()
        .map(|f| {
            f.iter()
                .map(|f| f["rule"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn registry_credentials_in_npmrc_and_maven_settings_block_the_commit() {
    let repo = repo();
    let legacy = ["6f1e2a9c-4b7d-", "4e3a-9c1f-2d8b7e6a5c40"].concat();
    let password = ["Wq8Tz2Lk9W", "x4Rv8Np3Hs"].concat();
    repo.write(
        "web/.npmrc",
        format!("registry=https://registry.npmjs.org/\n//npm.acme.internal/:_authToken={legacy}\n"),
    );
    repo.write(
        "build/settings.xml",
        format!("<settings>\n  <servers>\n    <server>\n      <id>releases</id>\n      <password>{password}</password>\n    </server>\n  </servers>\n</settings>\n"),
    );
    let run = repo.commit_all("build credentials");
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("web/.npmrc:2")
        .contains("npmrc-auth-token")
        .contains("build/settings.xml:5")
        .contains("maven-settings-password")
        .lacks(&legacy[4..16])
        .lacks(&password[4..]);
}

#[test]
fn environment_references_in_npmrc_and_maven_settings_pass() {
    let repo = repo();
    repo.write(
        "web/.npmrc",
        "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\nalways-auth=true\n",
    );
    repo.write(
        "build/settings.xml",
        "<settings><servers><server><id>releases</id><password>${env.MAVEN_PASSWORD}</password></server></servers></settings>\n",
    );
    let found = rules(&repo, &["scan", "."]);
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn a_valid_github_token_blocks_and_a_broken_checksum_in_a_fixture_passes() {
    let repo = repo();
    let token = github_token("ghp_", "Zt4rQ8wLmN2pXy6vKc3eHb7JdF9sA1");
    // A random string of the token's shape, as a replay fixture's id.
    repo.write(
        "tests/fixtures/replay.py",
        format!("CASSETTE = \"{}\"\n", broken(&token)),
    );
    let run = repo.commit_all("replay fixture");
    assert_eq!(run.code, 0, "{}", run.dump());

    repo.write(
        "tests/fixtures/live.py",
        format!("CASSETTE = \"{token}\"\n"),
    );
    let run = repo.commit_all("live token");
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("github-pat").lacks(&token[4..20]);
}

#[test]
fn a_broken_checksum_under_a_secret_key_is_still_blocked() {
    let repo = repo();
    let token = broken(&github_token("ghp_", "Zt4rQ8wLmN2pXy6vKc3eHb7JdF9sA1"));
    repo.write("app/client.py", format!("GITHUB_TOKEN = \"{token}\"\n"));
    let run = repo.commit_all("client");
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("generic-secret-assignment")
        .lacks("[github-pat]");
}

#[test]
fn short_form_github_vault_intra_and_pypi_tokens_are_found_by_scan() {
    let repo = repo();
    let short = github_token("ghp_", "Zt4rQ8wLmN2pXy6vKc3eHb7JdF9sA");
    let vault = ["hvr.", "Q8wLmN2pXy6vKc3eHb7JdF9s"].concat();
    let intra = [
        "s-s4t2ud-",
        "9f2c4e6a8b0d1f3e5a7c9e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f1a3c5e7b9d0f",
    ]
    .concat();
    let pypi = pypi_token("3c9a1e7f-2b4d-4f6a-8c0e-1d3f5a7b9c2e");
    repo.write(
        "deploy/notes.txt",
        format!("gh {short}\nvault {vault}\n42 {intra}\npublish {pypi}\n"),
    );
    let mut found = rules(&repo, &["scan", "deploy"]);
    found.sort();
    assert_eq!(
        found,
        [
            "github-pat",
            "intra42-client-secret",
            "pypi-token",
            "vault-service-token"
        ],
    );
}

#[test]
fn explain_says_which_rules_verify_a_checksum() {
    let repo = repo();
    for id in ["github-pat", "github-app-token", "npm-token", "pypi-token"] {
        repo.confgate(&["explain", id])
            .ok()
            .contains("verified offline");
        let json = repo.confgate(&["--format", "json", "explain", id]).json();
        let matches = json["matches"].as_str().unwrap_or("");
        assert!(matches.contains("verified offline"), "{id}: {matches}");
    }
    repo.confgate(&["explain", "npmrc-auth-token"])
        .ok()
        .lacks("verified offline");
}
