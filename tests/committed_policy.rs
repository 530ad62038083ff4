//! The policy cannot switch itself off: hooks judge a commit by the policy
//! committed at HEAD, a range judges each commit by its parent's, a policy
//! or baseline change needs a record, and a loosening is `policy-weakened`.
//! Real `git commit` / `git push` with the hooks installed.

use crate::common::{TestRepo, RECORD, TRAILERS};

const AWS: &str = "AKIAZ4QW7RT2LMNBXP3C";

/// A repository with a bare remote `origin` holding `main`, the hooks
/// installed, and `policy` (when not empty) committed as `.confgate.toml`.
fn guarded(policy: &str) -> (TestRepo, TestRepo) {
    let remote = TestRepo::bare_dir();
    remote
        .git(&["init", "-q", "--bare", "-b", "main", "."])
        .ok();
    let repo = TestRepo::new();
    repo.write("app/main.py", "print('hi')\n");
    repo.write("config/service.toml", "[server]\nworkers = 2\n");
    if !policy.is_empty() {
        repo.write(".confgate.toml", policy);
    }
    repo.seed("initial");
    let url = remote.path().to_str().unwrap().to_string();
    repo.git(&["remote", "add", "origin", &url]).ok();
    repo.git(&["push", "-q", "origin", "main"]).ok();
    repo.install();
    (repo, remote)
}

fn remote_head(remote: &TestRepo) -> String {
    remote.git(&["rev-parse", "main"]).stdout.trim().to_string()
}

/// The attack: one commit ignores app/ for secrets and adds a key there.
fn plant_ignore_and_key(repo: &TestRepo) {
    repo.write(".confgate.toml", "[secrets]\nignore = [\"app/\"]\n");
    repo.write("app/keys.py", format!("AWS_ACCESS_KEY_ID = \"{AWS}\"\n"));
    repo.git(&["add", "-A"]).ok();
}

#[test]
fn a_commit_that_ignores_its_own_secret_is_blocked_at_commit() {
    let (repo, _remote) = guarded("");
    let before = repo.head();
    plant_ignore_and_key(&repo);
    let run = repo.git(&["commit", "-q", "-m", &format!("keys\n\n{TRAILERS}")]);
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("aws-access-key-id")
        .contains("app/keys.py")
        .lacks(AWS);
    assert_eq!(repo.head(), before, "the commit must not be made");
}

#[test]
fn the_same_commit_made_with_no_verify_is_blocked_at_push_and_by_check_range() {
    let (repo, remote) = guarded("");
    let before = remote_head(&remote);
    plant_ignore_and_key(&repo);
    repo.git(&["commit", "-q", "--no-verify", "-m", "keys"])
        .ok();
    let push = repo.git(&["push", "origin", "main"]);
    assert_ne!(push.code, 0, "{}", push.dump());
    push.contains("aws-access-key-id")
        .contains("policy-weakened")
        .contains("secrets.ignore now lists \"app/\"")
        .lacks(AWS);
    assert_eq!(remote_head(&remote), before, "the push must not land");

    repo.confgate(&["check", "--range", "HEAD~1..HEAD"])
        .code(1)
        .contains("aws-access-key-id")
        .contains("policy-weakened");
    repo.confgate(&["check", "--commit", "HEAD"])
        .code(1)
        .contains("aws-access-key-id");
    // JSON names the kind SPEC lists.
    let json = repo
        .confgate(&["--format", "json", "check", "--range", "HEAD~1..HEAD"])
        .json();
    let kinds: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"policy-weakened"), "{kinds:?}");
    assert!(kinds.contains(&"secret"), "{kinds:?}");
}

#[test]
fn later_commits_are_judged_by_the_policy_their_parent_committed() {
    // Once the loosening is in history (with its record), the commit after
    // it is judged by it: the policy is not frozen, it is only never judged
    // by itself.
    let (repo, _remote) = guarded("");
    repo.write(".confgate.toml", "[secrets]\nignore = [\"fixtures/\"]\n");
    repo.git(&["add", "-A"]).ok();
    repo.git(&["commit", "-q", "-m", &format!("fixtures\n\n{TRAILERS}")])
        .ok();
    repo.write("fixtures/fake.py", format!("KEY = \"{AWS}\"\n"));
    repo.commit_all("fake key for tests").ok();
    repo.confgate(&["check", "--range", "HEAD~2..HEAD"]).ok();
}

#[test]
fn an_untracked_or_excluded_policy_file_does_not_disable_the_hook() {
    let (repo, _remote) = guarded("");
    let before = repo.head();
    repo.write(
        ".confgate.toml",
        "[rules]\ndisable = [\"aws-access-key-id\"]\n",
    );
    repo.write("app/keys.py", format!("KEY = \"{AWS}\"\n"));
    repo.git(&["add", "app/keys.py"]).ok();
    let run = repo.git(&["commit", "-q", "-m", "keys"]);
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("aws-access-key-id")
        .contains(".confgate.toml in the working tree differs from HEAD and is not used");
    // Hidden from git as well: still ignored.
    repo.write(".git/info/exclude", ".confgate.toml\n");
    let run = repo.git(&["commit", "-q", "-m", "keys"]);
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("aws-access-key-id");
    repo.confgate(&["check", "--staged"])
        .code(1)
        .contains("aws-access-key-id");
    assert_eq!(repo.head(), before);
}

#[test]
fn a_modified_but_unstaged_policy_is_not_used_either() {
    let (repo, _remote) = guarded("[security]\nstrict = false\n");
    repo.write(".confgate.toml", "[secrets]\nignore = [\"app/\"]\n");
    repo.write("app/keys.py", format!("KEY = \"{AWS}\"\n"));
    repo.git(&["add", "app/keys.py"]).ok();
    repo.git(&["commit", "-q", "-m", "keys"])
        .code(1)
        .contains("aws-access-key-id")
        .contains("differs from HEAD");
}

#[test]
fn a_weakening_without_a_record_is_blocked_naming_what_was_weakened() {
    let (repo, _remote) = guarded("[rules]\ndisable = []\n");
    repo.write(
        ".confgate.toml",
        "[rules]\ndisable = [\"debug-true\"]\n\n[rules.severity]\ngithub-pat = \"warning\"\n\n[limits]\nmax_file_size = 90000000\n",
    );
    repo.git(&["add", "-A"]).ok();
    // pre-commit leaves it to the message; commit-msg finds no record.
    let run = repo.git(&["commit", "-q", "-m", "tune the policy"]);
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("policy-weakened")
        .contains("rule debug-true disabled")
        .contains("rule github-pat severity lowered from error to warning")
        .contains("limits.max_file_size raised from 1048576 to 90000000")
        .contains("missing-record");
    // Without security.owners a complete record in the commit is enough.
    repo.git(&[
        "commit",
        "-q",
        "-m",
        &format!("tune the policy\n\n{TRAILERS}"),
    ])
    .ok();
}

#[test]
fn with_security_owners_only_their_record_lets_a_weakening_through() {
    let (repo, remote) = guarded("[security]\nowners = [\"@sec-team\"]\n");
    repo.write(
        ".confgate.toml",
        "[security]\nowners = [\"@sec-team\"]\nextend_ignore = [\"app/\"]\n",
    );
    repo.write("config-changes/policy.toml", RECORD);
    repo.git(&["add", "-A"]).ok();
    let run = repo.git(&["commit", "-q", "-m", "ignore app for security settings"]);
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("policy-weakened")
        .contains("security.ignore now lists \"app/\"")
        .contains("@payments-sre is not one of security.owners (@sec-team)");
    repo.write(
        "config-changes/policy.toml",
        RECORD.replace("@payments-sre", "@sec-team"),
    );
    repo.git(&["add", "-A"]).ok();
    repo.git(&["commit", "-q", "-m", "ignore app for security settings"])
        .ok();
    repo.git(&["push", "-q", "origin", "main"]).ok();
    assert_eq!(remote_head(&remote), repo.head());
}

#[test]
fn security_owners_cannot_be_widened_by_the_commit_that_uses_them() {
    let (repo, _remote) = guarded("[security]\nowners = [\"@sec-team\"]\n");
    repo.write(
        ".confgate.toml",
        "[security]\nowners = [\"@sec-team\", \"@payments-sre\"]\n",
    );
    repo.git(&["add", "-A"]).ok();
    let run = repo.git(&["commit", "-q", "-m", &format!("me too\n\n{TRAILERS}")]);
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("security.owners now includes \"@payments-sre\"")
        .contains("not one of security.owners (@sec-team)");
}

#[test]
fn a_strengthening_only_needs_the_ordinary_record() {
    let (repo, _remote) = guarded("");
    repo.write(
        ".confgate.toml",
        "[security]\nstrict = true\n\n[record]\nrequire = \"any\"\n",
    );
    repo.git(&["add", "-A"]).ok();
    let run = repo.git(&["commit", "-q", "-m", "stricter"]);
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("missing-record")
        .contains(".confgate.toml")
        .contains("the staged change to .confgate.toml is judged by the policy committed at HEAD")
        .lacks("policy-weakened");
    repo.git(&["commit", "-q", "-m", &format!("stricter\n\n{TRAILERS}")])
        .ok();
}

#[test]
fn pyproject_needs_a_record_only_for_tool_confgate() {
    let (repo, _remote) = guarded("");
    repo.write(
        "pyproject.toml",
        "[project]\nname = \"svc\"\nversion = \"1.0\"\n",
    );
    repo.commit_all("pyproject").ok();
    repo.write(
        "pyproject.toml",
        "[project]\nname = \"svc\"\nversion = \"1.1\"\n",
    );
    repo.commit_all("bump version").ok();
    repo.write(
        "pyproject.toml",
        "[project]\nname = \"svc\"\nversion = \"1.1\"\n\n[tool.confgate.secrets]\nignore = [\"app/\"]\n",
    );
    repo.git(&["add", "-A"]).ok();
    let run = repo.git(&["commit", "-q", "-m", "policy in pyproject"]);
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("pyproject.toml")
        .contains("missing-record")
        .contains("policy-weakened")
        .contains("secrets.ignore now lists \"app/\"");
}

#[test]
fn baseline_entries_added_are_a_weakening() {
    let (repo, _remote) = guarded("");
    repo.write("legacy/old.py", format!("KEY = \"{AWS}\"\n"));
    repo.seed("legacy, from before confgate");
    repo.confgate(&["baseline"]).ok();
    repo.git(&["add", ".confgate-baseline.json"]).ok();
    let run = repo.git(&["commit", "-q", "-m", "accept legacy"]);
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("policy-weakened")
        .contains("1 baseline entry added or raised")
        .contains("aws-access-key-id in legacy/old.py")
        .contains(".confgate-baseline.json");
    repo.git(&[
        "commit",
        "-q",
        "-m",
        &format!("accept legacy\n\n{TRAILERS}"),
    ])
    .ok();
    // Now committed, the baseline judges the next commit.
    repo.write("legacy/old.py", format!("A = 1\nKEY = \"{AWS}\"\n"));
    repo.commit_all("touch legacy").ok();
}

#[test]
fn an_uncommitted_baseline_does_not_approve_a_commit() {
    let (repo, _remote) = guarded("");
    repo.write("app/keys.py", format!("KEY = \"{AWS}\"\n"));
    repo.confgate(&["baseline"]).ok();
    repo.git(&["add", "app/keys.py"]).ok();
    repo.git(&["commit", "-q", "-m", "keys"])
        .code(1)
        .contains("aws-access-key-id")
        .contains(".confgate-baseline.json in the working tree differs from HEAD");
}

#[test]
fn a_policy_the_commit_cannot_leave_readable_is_blocked() {
    let (repo, _remote) = guarded("");
    repo.write(".confgate.toml", "[secrets]\nignorez = [\"app/\"]\n");
    repo.git(&["add", "-A"]).ok();
    let run = repo.git(&["commit", "-q", "-m", &format!("typo\n\n{TRAILERS}")]);
    assert_eq!(run.code, 1, "{}", run.dump());
    run.contains(".confgate.toml  error [invalid-config]")
        .contains("ignorez")
        .lacks("pyproject.toml");
}

#[test]
fn a_committed_policy_that_is_a_symlink_is_refused() {
    let (repo, _remote) = guarded("");
    std::os::unix::fs::symlink("/dev/zero", repo.path().join(".confgate.toml")).unwrap();
    repo.seed("link");
    repo.confgate(&["check", "--staged"])
        .code(2)
        .contains(".confgate.toml")
        .contains("not a regular file");
}

#[test]
fn a_root_commit_is_judged_by_the_defaults() {
    let repo = TestRepo::new();
    repo.write(".confgate.toml", "[secrets]\nignore = [\"app/\"]\n");
    repo.write("app/keys.py", format!("KEY = \"{AWS}\"\n"));
    repo.seed("root");
    repo.confgate(&["check", "--range", "HEAD"])
        .code(1)
        .contains("aws-access-key-id")
        .contains("policy-weakened");
}

#[test]
fn a_hook_refuses_a_config_file_from_inside_the_repository() {
    let (repo, _remote) = guarded("");
    repo.write("lax.toml", "[rules]\ndisable = [\"aws-access-key-id\"]\n");
    repo.write("app/keys.py", format!("KEY = \"{AWS}\"\n"));
    repo.git(&["add", "app/keys.py"]).ok();
    repo.confgate(&["--config", "lax.toml", "hook", "pre-commit"])
        .code(2)
        .contains("--config lax.toml")
        .contains("inside the repository");
    repo.write(".git/lax.toml", "[rules]\ndisable = []\n");
    repo.confgate(&["--config", ".git/lax.toml", "hook", "pre-commit"])
        .code(2);
    // A file outside the repository is the caller's choice.
    let outside = TestRepo::bare_dir();
    outside.write("team.toml", "[security]\nstrict = true\n");
    let path = outside.path().join("team.toml");
    repo.confgate(&["--config", path.to_str().unwrap(), "hook", "pre-commit"])
        .code(1)
        .contains("aws-access-key-id");
    // The installed hooks pass no --config.
    let hook = std::fs::read_to_string(repo.path().join(".git/hooks/pre-commit")).unwrap();
    assert!(!hook.contains("--config"), "{hook}");
}

#[test]
fn scan_says_it_reads_the_working_tree_policy() {
    let (repo, _remote) = guarded("");
    repo.write(".confgate.toml", "[security]\nstrict = true\n");
    repo.confgate(&["scan"])
        .ok()
        .contains("policy read from the working tree")
        .contains(".confgate.toml");
    let quiet = repo.confgate(&["-q", "scan"]);
    quiet.ok().lacks("policy read from the working tree");
    let json = repo.confgate(&["--format", "json", "scan"]);
    json.ok().lacks("policy read from the working tree");
}

#[test]
fn a_merge_that_takes_a_parents_policy_is_not_a_policy_change() {
    let (repo, _remote) = guarded("[security]\nstrict = false\n");
    repo.git(&["checkout", "-q", "-b", "lax"]).ok();
    repo.write(".confgate.toml", "[secrets]\nignore = [\"fixtures/\"]\n");
    repo.git(&["add", "-A"]).ok();
    repo.git(&["commit", "-q", "-m", &format!("fixtures\n\n{TRAILERS}")])
        .ok();
    repo.git(&["checkout", "-q", "main"]).ok();
    repo.write("app/other.py", "X = 1\n");
    repo.commit_all("other work").ok();
    repo.git(&["merge", "-q", "--no-edit", "--no-verify", "lax"])
        .ok();
    // The loosening was judged (and recorded) in its own commit; the merge
    // brings it in and changes nothing itself.
    repo.confgate(&["check", "--range", "HEAD~2..HEAD"])
        .ok()
        .lacks("policy-weakened");
    // A merge that writes a policy of its own is judged like any commit.
    repo.git(&["checkout", "-q", "-b", "side", "HEAD~1"]).ok();
    repo.write("app/side.py", "Y = 1\n");
    repo.commit_all("side work").ok();
    repo.git(&["checkout", "-q", "main"]).ok();
    repo.git(&["merge", "-q", "--no-commit", "--no-verify", "side"])
        .ok();
    repo.write(
        ".confgate.toml",
        "[secrets]\nignore = [\"fixtures/\", \"app/\"]\n",
    );
    repo.git(&["add", "-A"]).ok();
    repo.git(&["commit", "-q", "--no-verify", "-m", "merge side"])
        .ok();
    repo.confgate(&["check", "--commit", "HEAD"])
        .code(1)
        .contains("policy-weakened")
        .contains("secrets.ignore now lists \"app/\"");
}

#[test]
fn an_oversized_committed_policy_is_refused_not_read() {
    let (repo, _remote) = guarded("");
    let mut text = String::from("[security]\nstrict = true\n");
    text.push_str(&"# padding\n".repeat(900_000));
    repo.write(".confgate.toml", text);
    repo.seed("huge policy");
    repo.confgate(&["check", "--staged"])
        .code(2)
        .contains(".confgate.toml")
        .contains("byte limit for a policy file");
}

/// A range of `count` commits on `repo`, commit `i` adding `app/k{i}.py`
/// with a key; `change_at` commits the policy `policy` (with its record)
/// as commit number `change_at`.
fn many_commits(repo: &TestRepo, count: usize, change_at: usize, policy: &str) {
    for i in 0..count {
        if i == change_at {
            repo.write(".confgate.toml", policy);
            repo.seed(&format!("policy\n\n{TRAILERS}"));
            continue;
        }
        repo.write(&format!("app/k{i}.py"), format!("KEY = \"{AWS}\"\n"));
        repo.seed(&format!("key {i}"));
    }
}

#[test]
fn a_long_range_is_reported_in_order_each_commit_by_its_parents_policy() {
    // More commits than one run of the walk (16), with the policy changed
    // in the middle: runs are judged and checked as they come, and the
    // report still lists commits and findings in the range's order, each
    // commit judged by its parent's policy.
    let (repo, _remote) = guarded("");
    many_commits(&repo, 45, 20, "[secrets]\nignore = [\"app/\"]\n");
    let run = repo.confgate(&["--format", "json", "check", "--range", "origin/main..HEAD"]);
    assert_eq!(run.code, 1, "{}", run.dump());
    let json = run.json();
    let listed: Vec<&str> = json["commits"]
        .as_array()
        .expect("commits")
        .iter()
        .map(|c| c["id"].as_str().expect("id"))
        .collect();
    let log = repo
        .git(&["rev-list", "--reverse", "origin/main..HEAD"])
        .stdout;
    let mut expected: Vec<&str> = log.lines().collect();
    let mut sorted = listed.clone();
    sorted.sort_unstable();
    expected.sort_unstable();
    assert_eq!(sorted, expected, "every commit listed once");
    let order = repo
        .git(&["rev-list", "--reverse", "--topo-order", "origin/main..HEAD"])
        .stdout;
    let in_report = repo.confgate(&["--format", "json", "check", "--range", "origin/main..HEAD"]);
    assert_eq!(in_report.stdout, run.stdout, "the same report twice");
    let position = |id: &str| order.lines().position(|l| l == id);
    let secrets: Vec<(usize, String)> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["kind"] == "secret")
        .map(|f| {
            let commit = f["commit"].as_str().expect("commit");
            (
                position(commit).expect("a commit of the range"),
                f["path"].to_string(),
            )
        })
        .collect();
    let paths: Vec<String> = secrets.iter().map(|(_, p)| p.clone()).collect();
    let wanted: Vec<String> = (0..20).map(|i| format!("\"app/k{i}.py\"")).collect();
    // Before the change: found; the commit that changes the policy is
    // judged by its parent's; after it, the new policy ignores fixtures/.
    assert_eq!(paths, wanted, "{}", run.stdout);
    let positions: Vec<usize> = secrets.iter().map(|(at, _)| *at).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
}

#[test]
fn an_unreadable_policy_late_in_a_long_range_fails_the_range() {
    // Runs before it are already being checked when the policy that
    // cannot be read (a symlink, in the middle of the range; HEAD's is a
    // plain file) is reached: the range still fails with the reason.
    let (repo, _remote) = guarded("");
    many_commits(&repo, 30, 40, "");
    std::os::unix::fs::symlink("/dev/zero", repo.path().join(".confgate.toml")).unwrap();
    repo.seed("link");
    std::fs::remove_file(repo.path().join(".confgate.toml")).unwrap();
    repo.write(".confgate.toml", "");
    repo.write("app/after.py", format!("KEY = \"{AWS}\"\n"));
    repo.seed("a plain file again");
    repo.confgate(&["--format", "json", "check", "--range", "origin/main..HEAD"])
        .code(2)
        .contains(".confgate.toml")
        .contains("not a regular file")
        .lacks("app/k0.py");
}

#[test]
fn a_policy_change_in_the_middle_of_a_run_changes_which_old_sides_are_read() {
    // One worker checks these commits one after another and remembers,
    // per path, whether the judging plan wants the old side: the policy
    // commit makes deploy/*.json config, so the next change of the file is
    // shown by key against its old side (a stale answer would read no old
    // side and list every key as added).
    let (repo, _remote) = guarded("");
    repo.write("deploy/limits.json", "{\"a\": 1, \"b\": 1}\n");
    repo.seed("limits");
    repo.write("deploy/limits.json", "{\"a\": 2, \"b\": 1}\n");
    repo.seed("limits a 2");
    repo.write(
        ".confgate.toml",
        "[config]\nextend_include = [\"deploy/*.json\"]\n",
    );
    repo.seed(&format!("deploy json is config\n\n{TRAILERS}"));
    repo.write("deploy/limits.json", "{\"a\": 3, \"b\": 1}\n");
    repo.seed(&format!("limits a 3\n\n{TRAILERS}"));
    let run = repo.confgate(&["--format", "json", "check", "--range", "origin/main..HEAD"]);
    assert_eq!(run.code, 0, "{}", run.dump());
    let json = run.json();
    let changes: Vec<&serde_json::Value> = json["config_changes"]
        .as_array()
        .expect("config_changes")
        .iter()
        .filter(|c| c["path"] == "deploy/limits.json")
        .collect();
    assert_eq!(changes.len(), 1, "{}", run.stdout);
    assert_eq!(changes[0]["commit"].as_str(), Some(repo.head().as_str()));
    assert_eq!(
        changes[0]["keys"],
        serde_json::json!([{"key": "a", "change": "modified"}]),
        "{}",
        run.stdout
    );
}
