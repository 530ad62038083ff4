//! Change records through real `git commit` with the hooks installed, and the
//! git cases the staged change must get right.

use crate::common::{TestRepo, RECORD, TRAILERS};

/// A repository with hooks installed and one committed service config.
fn service_repo() -> TestRepo {
    let repo = TestRepo::new();
    repo.write("app/main.py", "print('hello')\n");
    repo.write(
        "config/service.toml",
        "[server]\nworkers = 2\ntimeout = 30\n",
    );
    repo.seed("initial");
    repo.install();
    repo
}

fn with_trailers(subject: &str) -> String {
    format!("{subject}\n\n{TRAILERS}\n")
}

#[test]
fn config_change_without_record_is_refused_and_says_what_to_add() {
    let repo = service_repo();
    let head = repo.head();
    repo.write(
        "config/service.toml",
        "[server]\nworkers = 8\ntimeout = 30\n",
    );
    let run = repo.commit_all("more workers");
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("missing-record")
        .contains("config/service.toml")
        .contains("server.workers 2 → 8")
        .contains("Config-Owner:")
        .contains("Rollback:");
    assert_eq!(repo.head(), head, "the commit must not be made");
}

#[test]
fn same_change_with_trailers_goes_through() {
    let repo = service_repo();
    repo.write(
        "config/service.toml",
        "[server]\nworkers = 8\ntimeout = 30\n",
    );
    repo.git(&["add", "-A"]).ok();
    repo.git(&["commit", "-q", "-m", &with_trailers("more workers")])
        .ok();
    repo.git(&["log", "-1", "--format=%s"])
        .contains("more workers");
}

#[test]
fn same_change_with_record_file_goes_through() {
    let repo = service_repo();
    repo.write(
        "config/service.toml",
        "[server]\nworkers = 8\ntimeout = 30\n",
    );
    repo.write("config-changes/workers.toml", RECORD);
    repo.commit_all("more workers").ok();
}

#[test]
fn incomplete_record_names_the_missing_field() {
    let repo = service_repo();
    repo.write(
        "config/service.toml",
        "[server]\nworkers = 8\ntimeout = 30\n",
    );
    repo.write(
        "config-changes/workers.toml",
        "owner = \"@payments-sre\"\nexpected = \"TBD\"\n",
    );
    let run = repo.commit_all("more workers");
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("incomplete-record")
        .contains("`expected` is a placeholder")
        .contains("`rollback` is missing");
}

#[test]
fn trailers_missing_one_field_name_it() {
    let repo = service_repo();
    repo.write(
        "config/service.toml",
        "[server]\nworkers = 8\ntimeout = 30\n",
    );
    repo.git(&["add", "-A"]).ok();
    let run = repo.git(&[
        "commit",
        "-m",
        "more workers\n\nConfig-Owner: @sre\nExpected-Result: p95 below 200 ms\n",
    ]);
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("`Rollback:` is missing");
}

#[test]
fn owner_must_have_owner_form() {
    let repo = service_repo();
    repo.write(
        "config/service.toml",
        "[server]\nworkers = 8\ntimeout = 30\n",
    );
    repo.write(
        "config-changes/w.toml",
        "owner = \"bob\"\nexpected = \"p95 below 200 ms\"\nrollback = \"revert\"\n",
    );
    let run = repo.commit_all("more workers");
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("not an @handle");
}

#[test]
fn commit_all_uses_the_temporary_index() {
    let repo = service_repo();
    repo.write(
        "config/service.toml",
        "[server]\nworkers = 8\ntimeout = 30\n",
    );
    // Nothing staged: only `-a` brings the change in.
    let run = repo.git(&["commit", "-a", "-m", "more workers"]);
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("missing-record");
    repo.git(&["commit", "-q", "-a", "-m", &with_trailers("more workers")])
        .ok();
}

#[test]
fn commit_with_paths_checks_what_it_commits() {
    let repo = service_repo();
    repo.write(
        "config/service.toml",
        "[server]\nworkers = 8\ntimeout = 30\n",
    );
    repo.write("app/main.py", "print('changed')\n");
    let run = repo.git(&["commit", "config/service.toml", "-m", "workers"]);
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("missing-record");
    // Committing only the Python file carries no config change.
    repo.git(&["commit", "-q", "app/main.py", "-m", "code only"])
        .ok();
}

#[test]
fn unstaged_config_edit_does_not_count() {
    let repo = service_repo();
    repo.write("app/main.py", "print('changed')\n");
    repo.git(&["add", "app/main.py"]).ok();
    repo.write("config/service.toml", "[server]\nworkers = 99\n");
    repo.git(&["commit", "-q", "-m", "code only"]).ok();
}

#[test]
fn first_commit_is_checked_against_the_empty_tree() {
    let repo = TestRepo::new();
    repo.install();
    repo.write("config/service.toml", "[server]\nworkers = 2\n");
    let run = repo.commit_all("initial");
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("missing-record")
        .contains("config/service.toml");
    repo.git(&["commit", "-q", "-m", &with_trailers("initial")])
        .ok();
}

#[test]
fn renaming_or_deleting_a_config_file_is_a_config_change() {
    let repo = service_repo();
    repo.git(&["mv", "config/service.toml", "config/server.toml"])
        .ok();
    let run = repo.git(&["commit", "-m", "rename"]);
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("renamed from config/service.toml");
    repo.git(&["reset", "-q", "--hard"]).ok();
    repo.git(&["rm", "-q", "config/service.toml"]).ok();
    let run = repo.git(&["commit", "-m", "delete"]);
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("file deleted");
}

#[test]
fn non_config_changes_pass_quietly() {
    let repo = service_repo();
    repo.write("app/main.py", "print('changed')\n");
    repo.write("pyproject.toml", "[project]\nname = \"svc\"\n");
    repo.write("tests/conftest.py", "X = 1\n");
    repo.commit_all("code").ok();
}

#[test]
fn linked_worktree_uses_the_shared_hooks() {
    let repo = service_repo();
    let wt = tempfile::TempDir::new().unwrap();
    let wt_path = wt.path().join("wt");
    repo.git(&[
        "worktree",
        "add",
        "-q",
        wt_path.to_str().unwrap(),
        "-b",
        "feature",
    ])
    .ok();
    std::fs::write(
        wt_path.join("config/service.toml"),
        "[server]\nworkers = 5\n",
    )
    .unwrap();
    repo.git_in(&wt_path, &["add", "-A"]).ok();
    let run = repo.git_in(&wt_path, &["commit", "-m", "in worktree"]);
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("missing-record");
    repo.git_in(
        &wt_path,
        &["commit", "-q", "-m", &with_trailers("in worktree")],
    )
    .ok();
}

#[test]
fn core_hooks_path_is_where_hooks_go() {
    let repo = TestRepo::new();
    repo.git(&["config", "core.hooksPath", ".githooks"]).ok();
    repo.install();
    assert!(repo.path().join(".githooks/pre-commit").exists());
    assert!(!repo.path().join(".git/hooks/pre-commit").exists());
    repo.write("config/service.toml", "[server]\nworkers = 2\n");
    let run = repo.commit_all("initial");
    assert_ne!(run.code, 0, "{}", run.dump());
}

#[test]
fn foreign_hook_is_chained_and_restored() {
    let repo = TestRepo::new();
    let hook = repo.path().join(".git/hooks/pre-commit");
    std::fs::create_dir_all(hook.parent().unwrap()).unwrap();
    std::fs::write(
        &hook,
        "#!/bin/sh\necho ran >> \"$(git rev-parse --git-dir)/foreign-ran\"\n",
    )
    .unwrap();
    make_executable(&hook);
    let original = std::fs::read(&hook).unwrap();
    repo.install();
    repo.write("app.py", "x = 1\n");
    repo.commit_all("code").ok();
    assert!(
        repo.path().join(".git/foreign-ran").exists(),
        "the foreign hook must still run"
    );
    repo.write("config/service.toml", "[server]\nworkers = 2\n");
    let run = repo.commit_all("config");
    assert_ne!(run.code, 0, "confgate must run too\n{}", run.dump());
    repo.confgate(&["uninstall"]).ok();
    assert_eq!(std::fs::read(&hook).unwrap(), original);
}

#[test]
fn record_new_scaffolds_a_record_for_the_staged_change() {
    let repo = service_repo();
    repo.write(
        "config/service.toml",
        "[server]\nworkers = 8\ntimeout = 30\n",
    );
    repo.git(&["add", "-A"]).ok();
    repo.confgate(&[
        "record",
        "new",
        "--owner",
        "@payments-sre",
        "--name",
        "workers",
    ])
    .ok();
    let text = repo.read("config-changes/workers.toml");
    assert!(text.contains("owner = \"@payments-sre\""), "{text}");
    assert!(
        text.contains("covers = [\"config/service.toml\"]"),
        "{text}"
    );
    assert!(text.contains("server.workers 2 → 8"), "{text}");
    // As written, it is not complete yet.
    repo.git(&["add", "-A"]).ok();
    let run = repo.git(&["commit", "-m", "workers"]);
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("`expected` is missing");
    let filled = text
        .replace(
            "expected = \"\"",
            "expected = \"p95 below 200 ms within 1 h\"",
        )
        .replace(
            "rollback = \"\"",
            "rollback = \"revert; workers back to 2\"",
        );
    repo.write("config-changes/workers.toml", filled);
    repo.commit_all("workers").ok();
}

#[test]
fn key_level_changes_in_json() {
    let repo = service_repo();
    repo.write(
        "config/service.toml",
        "[server]\nworkers = 8\n[features]\nsearch_v2 = true\n",
    );
    repo.git(&["add", "-A"]).ok();
    let json = repo
        .confgate(&["--format", "json", "check", "--staged"])
        .json();
    assert_eq!(json["version"], 1);
    assert_eq!(json["mode"], "check");
    let keys = &json["config_changes"][0]["keys"];
    let pairs: Vec<(String, String)> = keys
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            (
                k["key"].as_str().unwrap().to_string(),
                k["change"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        pairs.contains(&("server.workers".into(), "modified".into())),
        "{pairs:?}"
    );
    assert!(
        pairs.contains(&("server.timeout".into(), "removed".into())),
        "{pairs:?}"
    );
    assert!(
        pairs.contains(&("features.search_v2".into(), "added".into())),
        "{pairs:?}"
    );
}

#[test]
fn staged_config_that_does_not_parse_blocks_with_position() {
    let repo = service_repo();
    repo.write("config/service.toml", "[server]\nworkers = = 8\n");
    repo.git(&["add", "-A"]).ok();
    let run = repo.confgate(&["--format", "json", "hook", "pre-commit"]);
    run.code(1);
    let json = run.json();
    let finding = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "invalid-config")
        .unwrap_or_else(|| panic!("no invalid-config finding\n{}", run.dump()));
    assert_eq!(finding["line"], 2);
}

#[test]
fn partial_staging_checks_the_staged_blob() {
    let repo = service_repo();
    // Stage a harmless file, then put a secret into the working tree only.
    repo.write("app/keys.py", "REGION = 'eu-west-1'\n");
    repo.git(&["add", "app/keys.py"]).ok();
    repo.write(
        "app/keys.py",
        "REGION = 'eu-west-1'\nAWS_ACCESS_KEY_ID = 'AKIAZ4QW7RT2LMNBXP3C'\n",
    );
    repo.git(&["commit", "-q", "-m", "region"]).ok();
    // The other way round: the secret staged, the working tree clean.
    repo.git(&["add", "app/keys.py"]).ok();
    repo.write("app/keys.py", "REGION = 'eu-west-1'\n");
    let run = repo.git(&["commit", "-m", "keys"]);
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("app/keys.py:2").lacks("AKIAZ4QW7RT2LMNBXP3C");
}

#[test]
fn hard_files_do_not_break_the_check() {
    let repo = service_repo();
    repo.write("assets/logo.png", [0x89u8, b'P', b'N', b'G', 0, 0, 1, 2, 3]);
    repo.write("docs dir/naïve file \"q\".py", "x = 1\n");
    repo.write(
        "app/crlf.py",
        "A = 1\r\nAWS_ACCESS_KEY_ID = 'AKIAZ4QW7RT2LMNBXP3C'\r\n",
    );
    repo.write("app/latin1.py", b"name = '\xe9t\xe9'\nB = 2\n".as_slice());
    std::os::unix::fs::symlink("../../etc/passwd", repo.path().join("app/link")).unwrap();
    repo.write("data/big.txt", "x".repeat(2 * 1024 * 1024));
    repo.git(&["add", "-A"]).ok();
    let run = repo.confgate(&["--format", "json", "-v", "check", "--staged"]);
    run.code(1);
    let json = run.json();
    let findings = json["findings"].as_array().unwrap();
    let crlf = findings
        .iter()
        .find(|f| f["path"] == "app/crlf.py")
        .unwrap_or_else(|| panic!("secret in CRLF file missed\n{}", run.dump()));
    assert_eq!(crlf["line"], 2);
    let skipped = run.paths("skipped");
    assert!(
        skipped.iter().any(|p| p == "assets/logo.png"),
        "{skipped:?}"
    );
    // Over the size limit, but text: checked in chunks, not skipped.
    assert!(!skipped.iter().any(|p| p == "data/big.txt"), "{skipped:?}");
    assert!(!run.stdout.contains("AKIAZ4QW7RT2LMNBXP3C"));
}

#[test]
fn file_size_limit_is_configurable() {
    let repo = service_repo();
    repo.write(".confgate.toml", "[limits]\nmax_file_size = 100\n");
    // The committed policy is the one in force.
    repo.seed("limit");
    repo.write(
        "app/settings_local.py",
        format!(
            "{}\nAWS_ACCESS_KEY_ID = 'AKIAZ4QW7RT2LMNBXP3C'\n",
            "#".repeat(200)
        ),
    );
    repo.git(&["add", "app/settings_local.py"]).ok();
    // Over the limit: read in chunks of 100 bytes, and the key is found on
    // its own line.
    let run = repo.confgate(&["--format", "json", "check"]);
    run.code(1);
    let json = run.json();
    let found = json["findings"].as_array().unwrap().iter().any(|f| {
        f["path"] == "app/settings_local.py" && f["rule"] == "aws-access-key-id" && f["line"] == 2
    });
    assert!(found, "{}", run.dump());
}

#[test]
fn submodule_is_skipped_not_read() {
    let sub = TestRepo::new();
    sub.write("x.txt", "x\n");
    sub.seed("sub");
    let repo = service_repo();
    let url = sub.path().to_str().unwrap().to_string();
    repo.git(&[
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "add",
        "-q",
        &url,
        "vendor/sub",
    ])
    .ok();
    let run = repo.confgate(&["--format", "json", "check"]);
    assert!(
        run.paths("skipped").iter().any(|p| p == "vendor/sub"),
        "{}",
        run.dump()
    );
}

#[cfg(unix)]
fn make_executable(path: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    let mut perms = std::fs::metadata(path).unwrap().permissions();
    perms.set_mode(0o755);
    std::fs::set_permissions(path, perms).unwrap();
}

#[test]
fn rename_with_edits_copy_and_mode_change() {
    let repo = service_repo();
    // A rename with an edit: the record names the new path and the key.
    repo.git(&["mv", "config/service.toml", "config/server.toml"])
        .ok();
    repo.write(
        "config/server.toml",
        "[server]\nworkers = 4\ntimeout = 30\n",
    );
    repo.git(&["add", "-A"]).ok();
    let json = repo
        .confgate(&["--format", "json", "check", "--staged"])
        .json();
    let change = &json["config_changes"][0];
    assert_eq!(change["path"], "config/server.toml");
    assert_eq!(change["keys"][0]["key"], "server.workers");
    repo.git(&["commit", "-q", "-m", &with_trailers("rename")])
        .ok();

    // A copy is a new config file, checked in full.
    std::fs::copy(
        repo.path().join("config/server.toml"),
        repo.path().join("config/worker.toml"),
    )
    .unwrap();
    repo.write("app/secret_copy.py", "print('x')\n");
    repo.git(&["add", "-A"]).ok();
    let run = repo.git(&["commit", "-m", "copy"]);
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("config/worker.toml");
    repo.git(&["commit", "-q", "-m", &with_trailers("copy")])
        .ok();

    // A mode change alone adds no lines and no keys: nothing to block.
    repo.git(&["update-index", "--chmod=+x", "app/main.py"])
        .ok();
    repo.git(&["commit", "-q", "-m", "executable"]).ok();
}

#[test]
fn tab_and_control_characters_in_names() {
    let repo = service_repo();
    repo.write(
        "app/tab\tname.py",
        "KEY = \"sk_live_51Hx9ZqLkT2mW8vN4rP6sY3bC7dF0gJ5hK\"\n",
    );
    repo.write("app/bell\u{7}name.py", "x = 1\n");
    repo.git(&["add", "-A"]).ok();
    let paths = repo
        .confgate(&["--format", "json", "check"])
        .paths("findings");
    assert_eq!(paths, ["app/tab\tname.py"]);
}

/// confgate reads the index itself, paths in place by the length git
/// records in each entry; a path of 4,095 bytes or more has no length there
/// and is read up to its NUL. A secret under such a path, staged without a
/// working-tree file (no file system takes a path that long), next to a
/// modified file in another directory, still stops `git commit`.
#[test]
fn a_secret_under_a_path_too_long_for_the_index_flags_is_still_caught() {
    let repo = service_repo();
    let token = crate::common::github_token("ghp_", "monorepoLongPathEntropy0123456");
    let blob = repo
        .git_stdin(
            &["hash-object", "-w", "--stdin"],
            &format!("TOKEN = \"{token}\"\n"),
        )
        .ok()
        .stdout
        .trim()
        .to_string();
    let long = format!("{}/settings.py", vec!["d".repeat(200); 21].join("/"));
    assert!(long.len() >= 0xfff, "{}", long.len());
    repo.git(&[
        "update-index",
        "--add",
        "--cacheinfo",
        &format!("100644,{blob},{long}"),
    ])
    .ok();
    repo.write("app/main.py", "print('hello again')\n");
    repo.git(&["add", "app/main.py"]).ok();
    let head = repo.head();
    let run = repo.git(&["commit", "-q", "-m", "long path"]);
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("settings.py").contains("ghp_");
    run.lacks(&token);
    assert_eq!(repo.head(), head, "the commit must not be made");
}
