//! Bad input gets a one-line error naming the file, key or argument, and
//! exit 2; no check writes anything.

use crate::common::{TestRepo, RECORD};

#[test]
fn not_a_repository() {
    let dir = TestRepo::bare_dir();
    dir.confgate(&["hook", "pre-commit"])
        .code(2)
        .contains("not a git repository");
}

#[test]
fn bare_repository() {
    let dir = TestRepo::bare_dir();
    dir.git(&["init", "-q", "--bare", "."]).ok();
    dir.confgate(&["check"]).code(2).contains("bare repository");
}

#[test]
fn unknown_key_in_project_config_names_file_key_and_line() {
    let repo = TestRepo::new();
    repo.write(
        ".confgate.toml",
        "[record]\ndir = \"changes/\"\nowner = \"@x\"\n",
    );
    // The policy that judges a change is the committed one.
    repo.seed("policy");
    repo.confgate(&["check"])
        .code(2)
        .contains(".confgate.toml")
        .contains("owner")
        .contains("line 3");
}

#[test]
fn unknown_key_in_pyproject_section() {
    let repo = TestRepo::new();
    repo.write(
        "pyproject.toml",
        "[tool.confgate.security]\nstrictt = true\n",
    );
    repo.seed("policy");
    repo.confgate(&["check"])
        .code(2)
        .contains("pyproject.toml")
        .contains("strictt");
}

#[test]
fn invalid_glob_and_value_are_errors() {
    let repo = TestRepo::new();
    repo.write(
        ".confgate.toml",
        "[config]\nextend_include = [\"conf/[\"]\n",
    );
    repo.seed("policy");
    repo.confgate(&["check"]).code(2).contains("invalid glob");
    repo.write(".confgate.toml", "[record]\nrequire = \"sometimes\"\n");
    repo.seed("policy");
    repo.confgate(&["check"]).code(2).contains("record.require");
}

#[test]
fn unreadable_config_flag_file() {
    let repo = TestRepo::new();
    repo.confgate(&["--config", "nope.toml", "check"])
        .code(2)
        .contains("nope.toml");
}

#[test]
fn record_with_unknown_key_or_bad_toml() {
    let repo = TestRepo::new();
    repo.write("config/app.toml", "a = 1\n");
    repo.write(
        "config-changes/r.toml",
        format!("{RECORD}approver = \"@x\"\n"),
    );
    repo.git(&["add", "-A"]).ok();
    repo.confgate(&["hook", "pre-commit"])
        .code(2)
        .contains("config-changes/r.toml")
        .contains("`approver`");
    repo.write("config-changes/r.toml", "owner = \n");
    repo.git(&["add", "-A"]).ok();
    repo.confgate(&["hook", "pre-commit"])
        .code(2)
        .contains("config-changes/r.toml");
}

#[test]
fn missing_message_file() {
    let repo = TestRepo::new();
    repo.confgate(&["hook", "commit-msg", "no-such-file"])
        .code(2)
        .contains("no-such-file");
}

#[test]
fn bad_arguments_exit_2() {
    let repo = TestRepo::new();
    repo.confgate(&["check", "--range"]).code(2);
    repo.confgate(&["frobnicate"]).code(2);
    repo.confgate(&["check", "--range", "nope..alsonope"])
        .code(2)
        .contains("nope");
    repo.confgate(&["explain", "no-such-rule"])
        .code(2)
        .contains("no-such-rule");
}

#[test]
fn checks_never_write_to_the_repository() {
    let repo = TestRepo::new();
    repo.write("config/app.toml", "a = 1\n");
    repo.write("app/x.py", "KEY = 'AKIAZ4QW7RT2LMNBXP3C'\n");
    repo.seed("one");
    repo.write("config/app.toml", "a = 2\n");
    repo.git(&["add", "-A"]).ok();
    repo.write("config/app.toml", "a = 3\n");
    let before = repo.git_state();
    let worktree = repo.read("config/app.toml");
    for args in [
        vec!["hook", "pre-commit"],
        vec!["check", "--staged"],
        vec!["check", "--commit", "HEAD"],
        vec!["check", "--range", "HEAD"],
        vec!["scan"],
        vec!["log"],
        vec!["rules"],
    ] {
        let run = repo.confgate(&args);
        assert!(run.code == 0 || run.code == 1, "{}", run.dump());
    }
    assert_eq!(repo.git_state(), before, "a check changed .git");
    assert_eq!(repo.read("config/app.toml"), worktree);
}

/// A `[[rules.security]]` rule reads a setting (`key`) or a statement
/// (`pattern`): both, neither, or `call` on a pattern rule is exit 2 naming
/// the rule.
#[test]
fn security_rule_with_both_or_neither_target_names_the_rule() {
    let head = "[[rules.security]]\nid = \"acme-audit\"\ncategory = \"logging\"\ndescription = \"d\"\ninsecure = \"x\"\n";
    let cases = [
        ("key = \"AUDIT\"\npattern = \"audit\"\n", "not both"),
        ("", "set `key`"),
        (
            "pattern = \"audit\"\ncall = \"Audit\"\n",
            "`call` needs `key`",
        ),
    ];
    for (target, why) in cases {
        let repo = TestRepo::new();
        repo.write(".confgate.toml", format!("{head}{target}"));
        repo.seed("policy");
        repo.confgate(&["check"])
            .code(2)
            .contains("acme-audit")
            .contains(why);
        repo.confgate(&["scan"]).code(2).contains("acme-audit");
    }
    let repo = TestRepo::new();
    repo.write(
        ".confgate.toml",
        format!("{head}pattern = 'audit\\s*=\\s*(?P<value>x)'\n"),
    );
    repo.write("app.py", "audit = x\n");
    repo.seed("policy");
    repo.confgate(&["scan", "app.py"])
        .code(1)
        .contains("[acme-audit]");
}
