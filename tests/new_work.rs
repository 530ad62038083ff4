//! What counts as new work: commits a remote already has (as the remote
//! says, not as stale tracking refs remember), history before the adoption
//! point, and baselined findings (each approves what it recorded, no more).
//! Real bare remotes, real `git push` / `git commit` with the hooks installed.

use crate::common::{TestRepo, TRAILERS};

const SECRET: &str = "sk_live_51Hx9ZqLkT2mW8vN4rP6sY3bC7dF0gJ5hK";

fn bare_remote() -> TestRepo {
    let remote = TestRepo::bare_dir();
    remote
        .git(&["init", "-q", "--bare", "-b", "main", "."])
        .ok();
    remote
}

fn url(remote: &TestRepo) -> String {
    remote.path().to_str().unwrap().to_string()
}

/// A repository whose history (unrecorded config changes, a secret added
/// and removed) is all on `origin`, pushed without hooks; hooks installed.
fn legacy_on_origin() -> (TestRepo, TestRepo) {
    let origin = bare_remote();
    let repo = TestRepo::new();
    repo.write("config/service.toml", "[server]\nworkers = 2\n");
    repo.seed("initial");
    for n in 3..8 {
        repo.write("config/service.toml", format!("[server]\nworkers = {n}\n"));
        repo.seed(&format!("workers {n}, unrecorded"));
    }
    repo.write("app/pay.py", format!("KEY = \"{SECRET}\"\n"));
    repo.seed("legacy key");
    repo.write("app/pay.py", "import os\nKEY = os.environ['KEY']\n");
    repo.seed("key from the environment");
    repo.git(&["remote", "add", "origin", &url(&origin)]).ok();
    repo.git(&["push", "-q", "--no-verify", "origin", "main"])
        .ok();
    repo.install();
    (repo, origin)
}

fn remote_has(remote: &TestRepo, rev: &str) -> bool {
    remote
        .git(&["rev-parse", "--verify", "-q", &format!("{rev}^{{commit}}")])
        .code
        == 0
}

#[test]
fn push_to_a_new_remote_does_not_recheck_what_origin_has() {
    let (repo, _origin) = legacy_on_origin();
    let second = bare_remote();
    repo.git(&["remote", "add", "second", &url(&second)]).ok();
    let run = repo.git(&["push", "second", "main"]);
    run.ok()
        .contains("checked 0 commits new to second")
        .contains("8 already on origin")
        .lacks("missing-record");
    assert!(remote_has(&second, "main"));

    // New work is still checked, and only it.
    repo.write("config/service.toml", "[server]\nworkers = 12\n");
    repo.seed("workers 12, unrecorded");
    let run = repo.git(&["push", "second", "main"]);
    assert_eq!(run.code, 1, "{}", run.dump());
    run.contains("checked 1 commit new to second")
        .contains("workers 12, unrecorded")
        .lacks("workers 7, unrecorded");
    assert!(!remote_has(&second, &repo.head()));
}

#[test]
fn a_branch_deleted_on_the_server_is_not_trusted_from_a_stale_tracking_ref() {
    let origin = bare_remote();
    let repo = TestRepo::new();
    repo.write("app/main.py", "print('hi')\n");
    repo.seed("initial");
    repo.git(&["remote", "add", "origin", &url(&origin)]).ok();
    repo.git(&["push", "-q", "origin", "main"]).ok();
    repo.install();
    repo.git(&["checkout", "-q", "-b", "leak"]).ok();
    repo.write("app/pay.py", format!("KEY = \"{SECRET}\"\n"));
    repo.seed("leak a key");
    let leak = repo.head();
    repo.git(&["push", "-q", "--no-verify", "origin", "leak"])
        .ok();
    // The server deletes the branch (someone cleaned up); a fetch without
    // prune keeps the local origin/leak.
    origin.git(&["branch", "-D", "leak"]).ok();
    repo.git(&["fetch", "-q", "origin"]).ok();
    assert_eq!(
        repo.git(&["rev-parse", "origin/leak"]).stdout.trim(),
        leak,
        "the stale tracking ref is still there"
    );
    repo.git(&["checkout", "-q", "-b", "again"]).ok();
    repo.write("app/main.py", "print('again')\n");
    repo.seed("more on top");
    let run = repo.git(&["push", "origin", "again"]);
    assert_eq!(run.code, 1, "{}", run.dump());
    run.contains("leak a key").contains("stripe").lacks(SECRET);
    assert!(!remote_has(&origin, "again"));
}

#[test]
fn a_remote_that_cannot_be_asked_vouches_for_nothing() {
    let origin = bare_remote();
    let backup = bare_remote();
    let repo = TestRepo::new();
    repo.write("app/main.py", "print('hi')\n");
    repo.seed("initial");
    repo.git(&["remote", "add", "origin", &url(&origin)]).ok();
    repo.git(&["remote", "add", "backup", &url(&backup)]).ok();
    repo.git(&["push", "-q", "--no-verify", "origin", "main"])
        .ok();
    repo.install();
    repo.write("app/pay.py", format!("KEY = \"{SECRET}\"\n"));
    repo.seed("leak a key");
    repo.git(&["push", "-q", "--no-verify", "backup", "main"])
        .ok();
    // While backup answers, what it has is not re-checked.
    let run = repo.confgate_stdin(
        &["hook", "pre-push", "origin", "x"],
        &format!(
            "refs/heads/main {} refs/heads/main {}\n",
            repo.head(),
            "0".repeat(40)
        ),
    );
    run.ok().contains("1 already on backup");
    // Backup goes away: its tracking refs prove nothing, the commit is new.
    let moved = backup.path().with_extension("gone");
    std::fs::rename(backup.path(), &moved).unwrap();
    let run = repo.git(&["push", "origin", "main"]);
    std::fs::rename(&moved, backup.path()).unwrap();
    assert_eq!(run.code, 1, "{}", run.dump());
    run.contains("could not ask backup")
        .contains("its commits are checked as new")
        .contains("leak a key")
        .lacks(SECRET);
}

#[test]
fn init_adopts_head_and_pre_push_starts_there() {
    let repo = TestRepo::new();
    repo.write("config/service.toml", "[server]\nworkers = 2\n");
    repo.seed("legacy config, unrecorded");
    repo.write("app/pay.py", format!("KEY = \"{SECRET}\"\n"));
    repo.seed("legacy key");
    let adopted = repo.head();
    repo.confgate(&["init"])
        .ok()
        .contains(&format!("adoption point: HEAD, {}", &adopted[..7]));
    assert!(
        repo.read(".confgate.toml")
            .contains(&format!("adopted = \"{adopted}\"")),
        "{}",
        repo.read(".confgate.toml")
    );
    repo.git(&["add", ".confgate.toml"]).ok();
    // Setting the adoption point changes the policy: it carries a record.
    repo.git(&[
        "commit",
        "-q",
        "--no-verify",
        "-m",
        &format!("adopt confgate\n\n{TRAILERS}"),
    ])
    .ok();
    repo.install();
    let origin = bare_remote();
    repo.git(&["remote", "add", "origin", &url(&origin)]).ok();
    let run = repo.git(&["push", "origin", "main"]);
    run.ok()
        .contains("checked 1 commit new to origin")
        .contains("2 before the adoption point");

    repo.write("config/service.toml", "[server]\nworkers = 4\n");
    repo.seed("after adoption, unrecorded");
    let run = repo.git(&["push", "origin", "main"]);
    assert_eq!(run.code, 1, "{}", run.dump());
    run.contains("after adoption, unrecorded")
        .contains("missing-record")
        .lacks("legacy");
}

#[test]
fn check_range_and_release_check_start_at_the_adoption_point() {
    let repo = TestRepo::new();
    repo.write("config/service.toml", "[server]\nworkers = 2\n");
    repo.seed("legacy config, unrecorded");
    repo.write("config/service.toml", "[server]\nworkers = 3\n");
    repo.seed("more legacy config");
    let legacy = repo.head();
    repo.write("config/service.toml", "[server]\nworkers = 4\n");
    repo.git(&["add", "-A"]).ok();
    repo.git(&[
        "commit",
        "-q",
        "--no-verify",
        "-m",
        &format!("recorded change\n\n{TRAILERS}"),
    ])
    .ok();
    // Without an adoption point, all history is judged.
    repo.confgate(&["check", "--range", "HEAD"])
        .code(1)
        .contains("legacy config, unrecorded");
    repo.confgate(&["release-check", "--dry-run"])
        .code(1)
        .contains("more legacy config");

    repo.write(".confgate.toml", "# our policy\n[record]\n# keep\n");
    repo.confgate(&["adopt", &legacy[..10]])
        .ok()
        .contains(&legacy[..7]);
    let policy = repo.read(".confgate.toml");
    assert!(policy.contains("# our policy") && policy.contains("# keep"));
    assert!(
        policy.contains(&format!("adopted = \"{legacy}\"")),
        "{policy}"
    );
    // The adoption point is in force once committed (with its record).
    repo.git(&["add", ".confgate.toml"]).ok();
    repo.git(&[
        "commit",
        "-q",
        "--no-verify",
        "-m",
        &format!("adopt confgate\n\n{TRAILERS}"),
    ])
    .ok();

    repo.confgate(&["check", "--range", "HEAD"])
        .ok()
        .contains("2 before the adoption point")
        .lacks("missing-record");
    repo.confgate(&["release-check", "--dry-run"])
        .ok()
        .contains("2 commits (since the adoption point)")
        .contains("recorded change")
        .lacks("legacy config");
    // A range that lies after the adoption point is unchanged.
    let after = format!("{legacy}..HEAD");
    let run = repo.confgate(&["--format", "json", "check", "--range", &after]);
    run.ok().lacks("adoption point");
    assert_eq!(run.json()["commits"].as_array().map(Vec::len), Some(2));
}

#[test]
fn an_adopted_rev_that_does_not_resolve_is_an_error_naming_key_and_file() {
    let repo = TestRepo::new();
    repo.write("app/main.py", "print('hi')\n");
    repo.seed("initial");
    repo.write(".confgate.toml", "[record]\nadopted = \"v9.9.9\"\n");
    // The policy in force is the committed one.
    repo.seed("policy");
    for args in [
        &["check", "--range", "HEAD"][..],
        &["release-check", "--dry-run"][..],
    ] {
        repo.confgate(args)
            .code(2)
            .contains(".confgate.toml")
            .contains("record.adopted")
            .contains("v9.9.9");
    }
    repo.install();
    let origin = bare_remote();
    repo.git(&["remote", "add", "origin", &url(&origin)]).ok();
    let run = repo.git(&["push", "origin", "main"]);
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("record.adopted");
    assert!(!remote_has(&origin, "main"));
    // `adopt` refuses a rev it cannot resolve and leaves the file alone.
    repo.confgate(&["adopt", "no-such-rev"])
        .code(2)
        .contains("no-such-rev");
    assert_eq!(
        repo.read(".confgate.toml"),
        "[record]\nadopted = \"v9.9.9\"\n"
    );
    repo.write(".confgate.toml", "[record]\nadopted = \"\"\n");
    repo.seed("empty adoption point");
    repo.confgate(&["check", "--range", "HEAD"])
        .code(2)
        .contains("record.adopted");
}

#[test]
fn adopt_without_a_policy_file_says_to_init_and_edits_pyproject() {
    let repo = TestRepo::new();
    repo.write("app/main.py", "print('hi')\n");
    repo.seed("initial");
    repo.confgate(&["adopt"]).code(2).contains("confgate init");
    repo.write(
        "pyproject.toml",
        "[project]\nname = \"shop\"\n\n[tool.confgate.record]\n# who signs\nowners = [\"@sre\"]\n",
    );
    repo.confgate(&["adopt"]).ok();
    let text = repo.read("pyproject.toml");
    assert!(text.contains("# who signs"), "{text}");
    assert!(
        text.contains(&format!("adopted = \"{}\"", repo.head())),
        "{text}"
    );
    // Before the first commit, init writes no adoption point.
    let empty = TestRepo::new();
    empty.confgate(&["init"]).ok();
    assert!(empty.read(".confgate.toml").contains("# adopted = "));
    assert!(!empty.read(".confgate.toml").contains("\nadopted = "));
}

/// A repository with hooks installed whose legacy findings are baselined
/// and committed.
fn baselined(files: &[(&str, &str)]) -> TestRepo {
    let repo = TestRepo::new();
    for (path, text) in files {
        repo.write(path, text);
    }
    repo.seed("legacy");
    repo.confgate(&["baseline"]).ok();
    repo.seed("baseline the legacy findings");
    repo.install();
    repo
}

#[test]
fn a_baselined_forbidden_file_can_be_edited() {
    let repo = baselined(&[(".env", "PORT=8000\nWORKERS=2\n")]);
    repo.confgate(&["scan"]).ok().contains("1 in baseline");
    repo.write(".env", "PORT=8001\nWORKERS=2\n");
    repo.git(&["add", "-A"]).ok();
    let run = repo.git(&["commit", "-q", "-m", &format!("port\n\n{TRAILERS}")]);
    run.ok().lacks("env-file");
    // Another file of the kind is not in the baseline.
    repo.write(".env.production", "PORT=80\nAPI_TOKEN=Zq8vT2pLk9mWx4Rb\n");
    repo.git(&["add", "-A"]).ok();
    let run = repo.git(&["commit", "-q", "-m", &format!("prod env\n\n{TRAILERS}")]);
    assert_eq!(run.code, 1, "{}", run.dump());
    run.contains("env-file").contains(".env.production");
}

const CLIENT: &str =
    "import requests\n\n\ndef partner(url):\n    return requests.get(url, verify=False)\n";

#[test]
fn a_baseline_entry_approves_what_it_recorded_and_no_more() {
    let repo = baselined(&[("app/client.py", CLIENT)]);
    // The recorded line may move.
    repo.write(
        "app/client.py",
        format!("import requests\n\nTIMEOUT = 5\n\n{}", &CLIENT[17..]),
    );
    repo.commit_all("timeout").ok();
    // A second identical verify=False in the same file is new.
    let two = format!(
        "{}\n\ndef other(url):\n    return requests.get(url, verify=False)\n",
        repo.read("app/client.py")
    );
    repo.write("app/client.py", &two);
    let run = repo.commit_all("another partner");
    assert_eq!(run.code, 1, "{}", run.dump());
    run.contains("tls-verify")
        .contains("app/client.py:11")
        .contains("one more than the baseline approves");
    let json = repo.confgate(&["--format", "json", "scan"]);
    json.code(1);
    assert_eq!(json.json()["findings"].as_array().map(Vec::len), Some(1));
}

#[test]
fn identical_findings_are_counted_per_fingerprint() {
    let doubled =
        format!("{CLIENT}\n\ndef other(url):\n    return requests.get(url, verify=False)\n");
    let repo = TestRepo::new();
    repo.write("app/client.py", &doubled);
    repo.seed("legacy");
    let run = repo.confgate(&["baseline"]);
    run.ok()
        .contains("wrote 2 findings as 1 fingerprint")
        .contains("share a fingerprint");
    assert!(repo
        .read(".confgate-baseline.json")
        .contains("\"count\": 2"));
    repo.seed("baseline");
    repo.install();
    repo.confgate(&["scan"]).ok().contains("2 in baseline");
    // Both recorded lines may change around them; a third may not.
    let three =
        format!("{doubled}\n\ndef third(url):\n    return requests.get(url, verify=False)\n");
    repo.write("app/client.py", &three);
    let run = repo.commit_all("third partner");
    assert_eq!(run.code, 1, "{}", run.dump());
    run.contains("recorded 2 identical findings");
    // Removing one frees its place: a file with two stays approved.
    repo.write(
        "app/client.py",
        format!("{CLIENT}\n\ndef third(url):\n    return requests.get(url, verify=False)\n"),
    );
    repo.commit_all("replace other by third").ok();
}
