//! A repository's gitleaks policy is confgate's: `.gitleaks.toml` rules
//! (same ids), allowlists and `.gitleaksignore` fingerprints, read as
//! committed, so a commit cannot allow its own secret. Files written from
//! gitleaks' documented format; real `git commit` with the hooks installed.

use crate::common::{TestRepo, TRAILERS};

/// A team's gitleaks config: a custom rule with its own allowlist, and a
/// global allowlist of fixture paths and a placeholder regex.
const GITLEAKS: &str = r#"title = "payments gitleaks config"

[extend]
useDefault = true

[[rules]]
id = "acme-deploy-token"
description = "ACME deploy token"
regex = '''\b(adt_[A-Za-z0-9]{24})\b'''
secretGroup = 1
keywords = ["adt_"]
tags = ["deploy"]
  [[rules.allowlists]]
  description = "documented sample tokens"
  stopwords = ["ciprobe"]

[allowlist]
description = "fixtures hold fake keys"
paths = ['''^tests/fixtures/''']
regexes = ['''^AKIAQ3NB7''']
"#;

const TOKEN: &str = "adt_Q7vTz2LmW9pXc4RbN8sKd3Fh";
const AWS: &str = "AKIAZ4QW7RT2LMNBXP3C";

fn with_gitleaks(config: &str, ignore: Option<&str>) -> TestRepo {
    let repo = TestRepo::new();
    repo.write("app/main.py", "print('hi')\n");
    repo.write(".gitleaks.toml", config);
    if let Some(ignore) = ignore {
        repo.write(".gitleaksignore", ignore);
    }
    repo.seed("initial");
    repo.install();
    repo
}

#[test]
fn a_custom_gitleaks_rule_blocks_a_commit_under_its_own_id_redacted() {
    let repo = with_gitleaks(GITLEAKS, None);
    let before = repo.head();
    repo.write(
        "app/deploy.py",
        format!("ACME_DEPLOY_TOKEN = \"{TOKEN}\"\n"),
    );
    repo.git(&["add", "-A"]).ok();
    let run = repo.git(&["commit", "-q", "-m", "deploy"]);
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("acme-deploy-token")
        .contains("app/deploy.py")
        .lacks(TOKEN)
        .lacks(&TOKEN[4..]);
    assert_eq!(repo.head(), before);
    let json = repo.confgate(&["--format", "json", "check", "--staged"]);
    json.code(1).lacks(&TOKEN[4..]);
    let findings = json.json()["findings"].as_array().unwrap().clone();
    assert!(
        findings
            .iter()
            .any(|f| f["rule"] == "acme-deploy-token" && f["line"] == 1),
        "{findings:?}"
    );
    repo.confgate(&["explain", "acme-deploy-token"])
        .ok()
        .contains("ACME deploy token")
        .contains(".gitleaks.toml");
    repo.confgate(&["rules"]).ok().contains("acme-deploy-token");
}

#[test]
fn the_rule_allowlist_and_the_global_allowlist_let_findings_through() {
    let repo = with_gitleaks(GITLEAKS, None);
    // The rule's stopword; a confgate rule's finding in an allowlisted path;
    // a secret the global regex allows.
    repo.write(
        "docs/deploy.md",
        "CI probes deploy with adt_CiProbe4Kq9pXc4RbN8sKd3W\n",
    );
    repo.write(
        "tests/fixtures/aws.py",
        format!("AWS_ACCESS_KEY_ID = \"{AWS}\"\n"),
    );
    repo.write(
        "app/aws.py",
        "AWS_ACCESS_KEY_ID = \"AKIAQ3NB7XW2RT5LMP4D\"\n",
    );
    repo.git(&["add", "-A"]).ok();
    repo.confgate(&["check", "--staged"])
        .ok()
        .lacks("acme-deploy-token")
        .lacks("aws-access-key");
    repo.git(&["commit", "-q", "-m", "docs and fixtures"]).ok();
    // The same AWS key outside the fixtures is still a finding.
    repo.write("app/keys.py", format!("AWS_ACCESS_KEY_ID = \"{AWS}\"\n"));
    repo.git(&["add", "-A"]).ok();
    repo.confgate(&["check", "--staged"])
        .code(1)
        .contains("app/keys.py");
}

#[test]
fn a_commit_that_allowlists_its_own_secret_is_blocked_and_reported_as_weakening() {
    let repo = with_gitleaks(GITLEAKS, None);
    let before = repo.head();
    let widened = GITLEAKS.replace(
        "'''^tests/fixtures/'''",
        "'''^tests/fixtures/''', '''^app/'''",
    );
    repo.write(".gitleaks.toml", &widened);
    repo.write(
        "app/deploy.py",
        format!("ACME_DEPLOY_TOKEN = \"{TOKEN}\"\n"),
    );
    repo.git(&["add", "-A"]).ok();
    let run = repo.git(&["commit", "-q", "-m", &format!("deploy\n\n{TRAILERS}")]);
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("acme-deploy-token").lacks(&TOKEN[4..]);
    assert_eq!(repo.head(), before);

    repo.git(&["commit", "-q", "--no-verify", "-m", "deploy"])
        .ok();
    repo.confgate(&["check", "--range", "HEAD~1..HEAD"])
        .code(1)
        .contains("acme-deploy-token")
        .contains("policy-weakened")
        .contains("global allowlist path \"^app/\"")
        .lacks(&TOKEN[4..]);
    // An allowlist entry that spells out a secret is shown redacted.
    let spelled = widened.replace("'''^AKIAQ3NB7'''", &format!("'''{AWS}'''"));
    repo.write(".gitleaks.toml", spelled);
    repo.git(&["add", "-A"]).ok();
    repo.git(&["commit", "-q", "--no-verify", "-m", "spell"])
        .ok();
    repo.confgate(&["check", "--range", "HEAD~1..HEAD"])
        .code(1)
        .contains("policy-weakened")
        .contains("global allowlist regex \"AKIA…\"")
        .lacks(&AWS[4..]);
    // Once committed, the allowlist is the policy: the next commit passes.
    repo.write(
        "app/deploy2.py",
        format!("ACME_DEPLOY_TOKEN = \"{TOKEN}\"\n"),
    );
    repo.git(&["add", "-A"]).ok();
    repo.confgate(&["check", "--staged"]).ok();
}

#[test]
fn gitleaksignore_fingerprints_are_honoured_and_cannot_ignore_their_own_commit() {
    // A finding triaged earlier: its fingerprint in .gitleaksignore.
    let repo = with_gitleaks(
        GITLEAKS,
        Some("# triaged 2024-05\nnotes/legacy.md:acme-deploy-token:2\n"),
    );
    repo.write(
        "notes/legacy.md",
        format!("# old deploy\nold deploys used {TOKEN}\n"),
    );
    repo.git(&["add", "-A"]).ok();
    repo.git(&["commit", "-q", "-m", "legacy"]).ok();
    // Another line of the same rule is not covered.
    repo.write(
        "notes/legacy.md",
        format!("# old deploy\nold deploys used {TOKEN}\nold deploys used adt_Zz8Tz2LmW9pXc4RbN8sKd3Fq\n"),
    );
    repo.git(&["add", "-A"]).ok();
    repo.confgate(&["check", "--staged"])
        .code(1)
        .contains("notes/legacy.md:3");
    repo.git(&["reset", "-q", "--hard"]).ok();

    // A commit-form fingerprint covers the finding in that commit only.
    repo.write("app/other.py", format!("ACME_DEPLOY_TOKEN = \"{TOKEN}\"\n"));
    repo.git(&["add", "-A"]).ok();
    repo.git(&["commit", "-q", "--no-verify", "-m", "other"])
        .ok();
    let commit = repo.head();
    repo.confgate(&["check", "--commit", "HEAD"]).code(1);

    // Ignoring it in the same commit that adds it does not work.
    let before = repo.head();
    repo.write(
        ".gitleaksignore",
        "notes/legacy.md:acme-deploy-token:2\napp/new.py:acme-deploy-token:1\n",
    );
    repo.write("app/new.py", format!("ACME_DEPLOY_TOKEN = \"{TOKEN}\"\n"));
    repo.git(&["add", "-A"]).ok();
    let run = repo.git(&["commit", "-q", "-m", &format!("new\n\n{TRAILERS}")]);
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("app/new.py");
    assert_eq!(repo.head(), before);
    repo.git(&["commit", "-q", "--no-verify", "-m", "new"]).ok();
    repo.confgate(&["check", "--range", "HEAD~1..HEAD"])
        .code(1)
        .contains("app/new.py")
        .contains("policy-weakened")
        .contains("app/new.py:acme-deploy-token:1");

    // A commit-form fingerprint names one commit: a scan of the working
    // tree (no commit) is not covered by it; the file-form one is.
    repo.write(
        ".gitleaksignore",
        format!("{commit}:app/other.py:acme-deploy-token:1\nnotes/legacy.md:acme-deploy-token:2\n"),
    );
    repo.confgate(&["scan", "app"])
        .code(1)
        .contains("app/other.py")
        .lacks("notes/legacy.md")
        .lacks(&TOKEN[4..]);
}

#[test]
fn what_cannot_be_honoured_is_an_error_naming_file_and_rule() {
    for (config, wanted) in [
        (
            "[extend]\npath = \"../base/gitleaks.toml\"\n",
            "[extend] path",
        ),
        (
            "[[rules]]\nid = \"lookbehind\"\nregex = '''(?<=key=)[a-z]{20}'''\n",
            "rule \"lookbehind\"",
        ),
        (
            "[[rules]]\nid = \"quoted\"\nregex = '''\\Qa.b\\E'''\n",
            "rule \"quoted\"",
        ),
    ] {
        let repo = with_gitleaks(config, None);
        repo.write("app/x.py", "x = 1\n");
        repo.git(&["add", "-A"]).ok();
        let run = repo.git(&["commit", "-q", "-m", "x"]);
        assert_ne!(run.code, 0, "{}", run.dump());
        repo.confgate(&["check", "--staged"])
            .code(2)
            .contains(".gitleaks.toml")
            .contains(wanted);
        repo.confgate(&["scan"]).code(2).contains(wanted);
    }
}

#[test]
fn gitleaks_config_at_another_path_is_read_from_the_settings() {
    let repo = TestRepo::new();
    repo.write("app/main.py", "print('hi')\n");
    repo.write(
        ".confgate.toml",
        "[secrets]\ngitleaks_config = \"ci/gitleaks.toml\"\n",
    );
    repo.write("ci/gitleaks.toml", GITLEAKS);
    repo.seed("initial");
    repo.install();
    repo.write(
        "app/deploy.py",
        format!("ACME_DEPLOY_TOKEN = \"{TOKEN}\"\n"),
    );
    repo.git(&["add", "-A"]).ok();
    repo.confgate(&["check", "--staged"])
        .code(1)
        .contains("acme-deploy-token");
    repo.confgate(&["scan", "app"])
        .code(1)
        .contains("acme-deploy-token");
    // A key naming a missing file is an error, not a silent default.
    repo.write(
        ".confgate.toml",
        "[secrets]\ngitleaks_config = \"ci/missing.toml\"\n",
    );
    repo.seed("break it");
    repo.confgate(&["check", "--staged"])
        .code(2)
        .contains("ci/missing.toml");
    // `--config` cannot point confgate at another gitleaks config.
    repo.write(
        "other.toml",
        "[secrets]\ngitleaks_config = \"ci/gitleaks.toml\"\n",
    );
    repo.confgate(&["--config", "other.toml", "scan", "app"])
        .code(2)
        .contains("other.toml")
        .contains("secrets.gitleaks_config");
}
