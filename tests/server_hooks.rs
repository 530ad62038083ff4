//! The server hooks: a real bare repository with `hooks/pre-receive` (the
//! shipped script) or an `update` hook, and real `git push` over the local
//! path and `file://` transports.

use std::path::Path;

use crate::common::{Run, TestRepo, TRAILERS};

const SECRET: &str = "sk_live_51Hx9ZqLkT2mW8vN4rP6sY3bC7dF0gJ5hK";

/// A bare server repository and a clone-like working repository whose
/// `main` the server already has (pushed before any hook was installed).
struct Server {
    server: TestRepo,
    dev: TestRepo,
}

impl Server {
    fn new() -> Server {
        Server::with_history(&[])
    }

    /// `files` are committed on the server's `main` before the hook is
    /// installed: history the server already has.
    fn with_history(files: &[(&str, &str)]) -> Server {
        let server = TestRepo::bare_dir();
        server
            .git(&["init", "-q", "--bare", "-b", "main", "."])
            .ok();
        let dev = TestRepo::new();
        dev.write("app/main.py", "print('hi')\n");
        for (path, text) in files {
            dev.write(path, text);
        }
        dev.seed("initial");
        dev.git(&["remote", "add", "origin", server.path().to_str().unwrap()])
            .ok();
        dev.git(&["push", "-q", "origin", "main"]).ok();
        let hooks = server.path().join("hooks");
        install_script(&hooks.join("pre-receive"), &shipped_hook());
        Server { server, dev }
    }

    fn url(&self) -> String {
        format!("file://{}", self.server.path().display())
    }

    fn push(&self, args: &[&str]) -> Run {
        let mut all = vec!["push"];
        all.extend_from_slice(args);
        self.dev.git(&all)
    }

    fn server_rev(&self, rev: &str) -> String {
        self.server
            .git(&["rev-parse", "-q", "--verify", rev])
            .stdout
            .trim()
            .to_string()
    }

    /// Replace the hook with one that passes `--config FILE` (written with
    /// `text`, outside the repository) through CONFGATE_CONFIG.
    fn with_server_config(&self, text: &str) {
        let config = self.server.path().parent().unwrap().join(format!(
            "{}-server.toml",
            self.server.path().file_name().unwrap().to_string_lossy()
        ));
        std::fs::write(&config, text).unwrap();
        let hooks = self.server.path().join("hooks");
        install_script(&hooks.join("confgate-pre-receive"), &shipped_hook());
        install_script(
            &hooks.join("pre-receive"),
            &format!(
                "#!/bin/sh\nCONFGATE_CONFIG='{}' exec \"$(dirname \"$0\")/confgate-pre-receive\"\n",
                config.display()
            ),
        );
    }
}

fn shipped_hook() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("hooks/pre-receive"))
        .expect("hooks/pre-receive is shipped")
}

fn install_script(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn a_secret_in_an_intermediate_commit_refuses_the_whole_push() {
    let s = Server::new();
    let before = s.server_rev("main");
    s.dev
        .write("app/keys.py", format!("STRIPE_KEY = \"{SECRET}\"\n"));
    s.dev.seed("add payment key");
    let bad = s.dev.head();
    s.dev.write(
        "app/keys.py",
        "import os\nSTRIPE_KEY = os.environ[\"STRIPE_KEY\"]\n",
    );
    s.dev.seed("read the key from the environment");
    let run = s.push(&["origin", "main"]);
    run.code(1)
        .contains("pre-receive hook declined")
        .contains(&format!("remote: ✖ {}", &bad[..7]))
        .contains("app/keys.py:1")
        .contains("sk_l…")
        .contains(&format!("git rebase -i {}~1", &bad[..7]))
        .contains("push refused: 1 blocking finding in 1 of 2 new commits")
        .lacks(&SECRET[4..])
        // Not coloured: remote lines are not a terminal of ours.
        .lacks("\u{1b}[");
    let last = run
        .stderr
        .lines()
        .rfind(|l| l.starts_with("remote:"))
        .unwrap_or_default();
    assert!(
        last.contains("push refused"),
        "summary last\n{}",
        run.dump()
    );
    assert_eq!(s.server_rev("main"), before, "the ref did not move");
    // The refused objects stayed in the quarantine, which git dropped.
    s.server.git(&["cat-file", "-e", &bad]).code(1);
}

#[test]
fn a_clean_push_and_a_branch_deletion_are_accepted_over_file_urls() {
    let s = Server::new();
    s.dev.write("app/main.py", "print('hello')\n");
    s.dev.seed("greet");
    let url = s.url();
    s.push(&[&url, "main"])
        .ok()
        .contains("remote: confgate: 1 new commit checked, nothing blocking");
    assert_eq!(s.server_rev("main"), s.dev.head());
    s.dev.git(&["branch", "topic"]).ok();
    s.push(&[&url, "topic"]).ok();
    assert_eq!(s.server_rev("topic"), s.dev.head());
    s.push(&[&url, "--delete", "topic"])
        .ok()
        .contains("0 new commits checked");
    assert_eq!(s.server_rev("refs/heads/topic"), "", "the branch is gone");
}

#[test]
fn a_new_branch_from_known_commits_checks_nothing_old() {
    // The server's history already holds a secret (from before confgate).
    let legacy = format!("STRIPE_KEY = \"{SECRET}\"\n");
    let s = Server::with_history(&[("legacy/keys.py", &legacy)]);
    s.dev.git(&["branch", "release"]).ok();
    s.push(&["origin", "release"])
        .ok()
        .contains("0 new commits checked");
    s.dev.git(&["checkout", "-q", "-b", "feature"]).ok();
    s.dev.write("app/feature.py", "ENABLED = True\n");
    s.dev.seed("feature");
    s.push(&["origin", "feature"])
        .ok()
        .contains("1 new commit checked")
        .lacks("legacy/keys.py");
}

#[test]
fn the_new_objects_are_read_from_the_quarantine() {
    let s = Server::new();
    // A hook that records the quarantine environment git gives it.
    let hooks = s.server.path().join("hooks");
    let seen = s.server.path().parent().unwrap().join(format!(
        "{}-env",
        s.server.path().file_name().unwrap().to_string_lossy()
    ));
    install_script(&hooks.join("confgate-pre-receive"), &shipped_hook());
    install_script(
        &hooks.join("pre-receive"),
        &format!(
            "#!/bin/sh\nprintf '%s\\n' \"$GIT_QUARANTINE_PATH\" \"$GIT_OBJECT_DIRECTORY\" >'{}'\nexec \"$(dirname \"$0\")/confgate-pre-receive\"\n",
            seen.display()
        ),
    );
    s.dev.write("config/.env", format!("STRIPE_KEY={SECRET}\n"));
    s.dev.seed("env file");
    let commit = s.dev.head();
    s.push(&["origin", "main"]).code(1).contains("config/.env");
    let env = std::fs::read_to_string(&seen).unwrap();
    let mut lines = env.lines();
    let quarantine = lines.next().unwrap_or_default();
    assert!(
        quarantine.contains("tmp_objdir-incoming"),
        "git ran the hook with a quarantine: {env:?}"
    );
    assert_eq!(
        lines.next(),
        Some(quarantine),
        "objects go to the quarantine"
    );
    // Only the quarantine held the commit: it is gone now, yet was judged.
    s.server.git(&["cat-file", "-e", &commit]).code(1);
}

#[test]
fn a_policy_weakened_in_the_push_does_not_judge_it() {
    let s = Server::new();
    s.dev
        .write(".confgate.toml", "[secrets]\nignore = [\"app/**\"]\n");
    s.dev.seed("relax the policy");
    s.dev
        .write("app/keys.py", format!("STRIPE_KEY = \"{SECRET}\"\n"));
    s.dev.seed("add payment key");
    s.push(&["origin", "main"])
        .code(1)
        .contains("app/keys.py:1")
        .lacks(&SECRET[4..]);
}

#[test]
fn the_default_branch_policy_judges_every_push() {
    // What the default branch says holds, read from the bare repository.
    let s = Server::with_history(&[(
        ".confgate.toml",
        "[secrets]\nignore = [\"tests/fixtures/**\"]\n",
    )]);
    s.dev.git(&["checkout", "-q", "-b", "fixtures"]).ok();
    s.dev
        .write("tests/fixtures/fake.py", format!("KEY = \"{SECRET}\"\n"));
    s.dev.seed("a fake key for tests");
    s.push(&["origin", "fixtures"]).ok();
    s.dev.write("app/real.py", format!("KEY = \"{SECRET}\"\n"));
    s.dev.seed("a real key");
    s.push(&["origin", "fixtures"])
        .code(1)
        .contains("app/real.py:1");
}

#[test]
fn a_push_over_the_time_budget_is_refused_or_accepted_as_configured() {
    let s = Server::new();
    s.with_server_config("[server]\ntimeout = 0\n");
    s.dev.write("app/main.py", "print('hello')\n");
    s.dev.seed("greet");
    s.push(&["origin", "main"])
        .code(1)
        .contains("time budget of 0 s ([server] timeout)")
        .contains("push refused");
    assert_ne!(s.server_rev("main"), s.dev.head());
    s.with_server_config("[server]\ntimeout = 0\non_budget = \"accept\"\n");
    s.push(&["origin", "main"])
        .ok()
        .contains("ACCEPTED UNCHECKED")
        .contains("refs/heads/main");
    assert_eq!(s.server_rev("main"), s.dev.head());
}

#[test]
fn a_push_over_the_size_budget_is_refused() {
    let s = Server::new();
    s.with_server_config("[server]\nmax_commits = 1\n");
    for n in 0..2 {
        s.dev.write("app/main.py", format!("print({n})\n"));
        s.dev.seed(&format!("step {n}"));
    }
    s.push(&["origin", "main"])
        .code(1)
        .contains("the push brings 2 new commits, more than [server] max_commits = 1");
}

#[test]
fn break_glass_push_option_works_only_when_allowed_and_is_logged() {
    let s = Server::new();
    s.server
        .git(&["config", "receive.advertisePushOptions", "true"])
        .ok();
    s.dev
        .write("app/keys.py", format!("STRIPE_KEY = \"{SECRET}\"\n"));
    s.dev.seed("add payment key");
    let skip = "confgate.skip=incident 42: key already rotated";
    s.push(&["-o", skip, "origin", "main"])
        .code(1)
        .contains("ignored: this server does not allow skipping")
        .contains("app/keys.py:1");
    s.with_server_config("[server]\nallow_skip = true\n");
    s.push(&["-o", "confgate.skip", "origin", "main"])
        .code(1)
        .contains("needs a reason");
    s.push(&["-o", skip, "origin", "main"])
        .ok()
        .contains("check SKIPPED by push option confgate.skip")
        .contains("incident 42: key already rotated")
        .contains("refs: refs/heads/main; pusher: unknown to git");
    assert_eq!(s.server_rev("main"), s.dev.head());
}

#[test]
fn the_update_hook_checks_each_ref() {
    let s = Server::new();
    let hooks = s.server.path().join("hooks");
    std::fs::remove_file(hooks.join("pre-receive")).unwrap();
    install_script(
        &hooks.join("update"),
        "#!/bin/sh\nexec \"$CONFGATE_BIN\" hook update \"$1\" \"$2\" \"$3\"\n",
    );
    s.dev.git(&["checkout", "-q", "-b", "good"]).ok();
    s.dev.write("app/main.py", "print('fine')\n");
    s.dev.seed("fine");
    s.dev.git(&["checkout", "-q", "-b", "bad"]).ok();
    s.dev
        .write("app/keys.py", format!("STRIPE_KEY = \"{SECRET}\"\n"));
    s.dev.seed("add payment key");
    let run = s.push(&["origin", "good", "bad"]);
    run.code(1).contains("app/keys.py:1").lacks(&SECRET[4..]);
    assert_eq!(
        s.server_rev("good"),
        s.dev.git(&["rev-parse", "good"]).stdout.trim()
    );
    assert_eq!(s.server_rev("refs/heads/bad"), "");
}

#[test]
fn a_config_change_needs_its_record_on_the_server_too() {
    let s = Server::new();
    s.dev.write("config/cache.toml", "[cache]\nttl = 300\n");
    s.dev.seed("longer cache");
    s.push(&["origin", "main"])
        .code(1)
        .contains("config/cache.toml")
        .contains("reword it, adding Config-Owner");
    s.dev
        .git(&[
            "commit",
            "-q",
            "--amend",
            "--no-verify",
            "-m",
            &format!("longer cache\n\n{TRAILERS}"),
        ])
        .ok();
    s.push(&["origin", "main"]).ok();
}

#[test]
fn a_broken_server_policy_or_missing_binary_refuses_the_push() {
    let s = Server::new();
    s.with_server_config("[server]\non_budget = \"maybe\"\n");
    s.dev.write("app/main.py", "print('hello')\n");
    s.dev.seed("greet");
    s.push(&["origin", "main"])
        .code(1)
        .contains("server.on_budget must be \"refuse\" or \"accept\"");
    let hooks = s.server.path().join("hooks");
    install_script(
        &hooks.join("pre-receive"),
        &shipped_hook().replace("bin=${CONFGATE_BIN:-confgate}", "bin=/nonexistent/confgate"),
    );
    s.push(&["origin", "main"])
        .code(1)
        .contains("confgate not found");
    assert_ne!(s.server_rev("main"), s.dev.head());
}

#[test]
fn the_first_push_into_an_empty_repository_is_judged_by_the_built_in_policy() {
    let server = TestRepo::bare_dir();
    server
        .git(&["init", "-q", "--bare", "-b", "main", "."])
        .ok();
    install_script(&server.path().join("hooks/pre-receive"), &shipped_hook());
    let dev = TestRepo::new();
    // The push brings a policy that would ignore the file: no policy is in
    // force yet but the built-in one, which judges it.
    dev.write(".confgate.toml", "[secrets]\nignore = [\"app/**\"]\n");
    dev.write("app/keys.py", format!("STRIPE_KEY = \"{SECRET}\"\n"));
    dev.seed("initial");
    let url = format!("file://{}", server.path().display());
    dev.git(&["push", &url, "main"])
        .code(1)
        .contains("app/keys.py:1")
        .contains("1 of 1 new commit");
    server.git(&["rev-parse", "-q", "--verify", "main"]).code(1);
}
