//! Change records that are what they seem: no invisible or lookalike
//! answers, no placeholder owners, no old record file re-used by touching
//! it, no trailers that git strips after the commit-msg hook passed. Real
//! `git commit` with the hooks installed.

use crate::common::{TestRepo, RECORD};

fn repo() -> TestRepo {
    let repo = TestRepo::new();
    repo.write("app/main.py", "print('hi')\n");
    repo.write("config/service.toml", "[server]\nworkers = 2\n");
    repo.seed("initial");
    repo.install();
    repo
}

fn message(owner: &str, expected: &str, rollback: &str) -> String {
    format!("workers\n\nConfig-Owner: {owner}\nExpected-Result: {expected}\nRollback: {rollback}")
}

#[test]
fn invisible_or_lookalike_answers_do_not_fill_a_record() {
    let repo = repo();
    let good_expected = "p95 below 200 ms within 1 h of deploy";
    let cases = [
        ("@payments-sre", "\u{200b}", "revert"),
        ("@payments-sre", "\u{feff}\u{2060}", "revert"),
        ("@payments-sre", good_expected, "\u{3164}"),
        ("@payments-sre", good_expected, "\u{a0}\u{a0}\u{a0}\u{a0}"),
        ("@payments-sre", good_expected, "— — —"),
        ("@payments-sre", "\u{422}BD", "revert"),
        ("@payments-sre", good_expected, ";"),
        ("@tbd", good_expected, "revert"),
        ("@someone", good_expected, "revert"),
        ("@owner", good_expected, "revert"),
    ];
    for (owner, expected, rollback) in cases {
        repo.write("config/service.toml", "[server]\nworkers = 9\n");
        repo.git(&["add", "-A"]).ok();
        let run = repo.git(&["commit", "-q", "-m", &message(owner, expected, rollback)]);
        assert_ne!(
            run.code,
            0,
            "{owner:?} {expected:?} {rollback:?}\n{}",
            run.dump()
        );
        run.contains("incomplete-record");
    }
    repo.git(&[
        "commit",
        "-q",
        "-m",
        &message("@payments-sre", good_expected, "revert; workers back to 2"),
    ])
    .ok();
}

#[test]
fn touching_an_old_record_file_does_not_cover_a_new_change() {
    let repo = repo();
    repo.write("config/service.toml", "[server]\nworkers = 4\n");
    repo.write("config-changes/workers.toml", RECORD);
    repo.commit_all("workers 4, recorded").ok();
    // An unrelated change, with the old record touched by one blank line.
    repo.write(
        "config/service.toml",
        "[server]\nworkers = 4\ntimeout = 1\n",
    );
    repo.write("config-changes/workers.toml", format!("{RECORD}\n"));
    let run = repo.commit_all("timeout");
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("missing-record")
        .contains("existing record whose fields did not change");
    // Changing the record's fields makes it this change's record.
    repo.write(
        "config-changes/workers.toml",
        RECORD.replace("set ttl back to 60", "drop timeout"),
    );
    repo.commit_all("timeout, recorded").ok();
}

#[test]
fn trailers_git_strips_after_the_hook_do_not_count() {
    let repo = repo();
    let trailers = message(
        "@payments-sre",
        "p95 below 200 ms within 1 h of deploy",
        "revert",
    );
    // `C` as the comment character: git strips `Config-Owner:` with --cleanup=strip.
    repo.write("config/service.toml", "[server]\nworkers = 5\n");
    repo.git(&["add", "-A"]).ok();
    let run = repo.git(&[
        "-c",
        "core.commentChar=C",
        "commit",
        "-q",
        "--cleanup=strip",
        "-m",
        &trailers,
    ]);
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("Config-Owner");
    // `;` as the comment character: a `;` scissors line cuts the trailers off.
    let cut = format!(
        "workers\n\n; ------------------------ >8 ------------------------\n{}",
        trailers.trim_start_matches("workers\n\n")
    );
    let run = repo.git(&[
        "-c",
        "core.commentChar=;",
        "-c",
        "core.editor=true",
        "commit",
        "-q",
        "--cleanup=scissors",
        "-e",
        "-m",
        &cut,
    ]);
    assert_ne!(run.code, 0, "{}", run.dump());
    // A `;` line that git strips does not hide the trailers it keeps.
    let kept = format!("{trailers}\n;a note git strips");
    repo.git(&[
        "-c",
        "core.commentChar=;",
        "commit",
        "-q",
        "--cleanup=strip",
        "-m",
        &kept,
    ])
    .ok();
    let stored = repo.git(&["log", "-1", "--format=%B"]);
    stored.contains("Config-Owner: @payments-sre");
}
