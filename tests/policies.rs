//! Record policies and owner restrictions, through real commits with the
//! hooks installed, in warning and in blocking mode.

use crate::common::TestRepo;

fn repo_with(config: &str) -> TestRepo {
    let repo = TestRepo::new();
    repo.write("app/main.py", "print('hi')\n");
    repo.write("config/service.toml", "[server]\nworkers = 2\n");
    if !config.is_empty() {
        repo.write(".confgate.toml", config);
    }
    repo.seed("initial");
    repo.install();
    repo
}

fn record(extra: &str) -> String {
    format!(
        "owner = \"@db-team\"\nexpected = \"p95 of /orders from 300 ms to below 120 ms\"\nrollback = \"run alembic downgrade -1, then revert\"\n{extra}"
    )
}

#[test]
fn migration_needs_tested_on_and_query_plan() {
    let repo = repo_with("");
    repo.write(
        "alembic/versions/0042_add_index.py",
        "def upgrade():\n    pass\n",
    );
    repo.write("config-changes/idx.toml", record(""));
    let run = repo.commit_all("add index");
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("record-fields")
        .contains("`tested_on`")
        .contains("`query_plan` or `indexes`")
        .contains("tested_on = \"staging snapshot");
    repo.write(
        "config-changes/idx.toml",
        record("tested_on = \"staging copy, 41 M rows, 3 min\"\nindexes = \"orders_customer_id used\"\n"),
    );
    repo.commit_all("add index").ok();
}

#[test]
fn policy_fields_work_as_trailers_too() {
    let repo = repo_with("");
    repo.write("app/migrations/0007_more.py", "ops = []\n");
    repo.git(&["add", "-A"]).ok();
    let msg = "more\n\nConfig-Owner: @db\nExpected-Result: 0 failed requests during deploy\nRollback: migrate app 0006, then revert\nTested-On: staging snapshot\nQuery-Plan: seq scan avoided\n";
    repo.git(&["commit", "-q", "-m", msg]).ok();
}

#[test]
fn cache_policy_warns_by_default_and_blocks_when_turned_up() {
    let repo = repo_with("");
    repo.write("config/cache.toml", "[cache]\nttl = 300\n");
    repo.write("config-changes/c.toml", record(""));
    let run = repo.commit_all("cache");
    run.ok()
        .contains("warning")
        .contains("`rule`")
        .contains("`bypass`");

    let repo = repo_with("[rules.severity]\nrecord-fields = \"error\"\n");
    repo.write("config/cache.toml", "[cache]\nttl = 300\n");
    repo.write("config-changes/c.toml", record(""));
    let run = repo.commit_all("cache");
    assert_ne!(run.code, 0, "{}", run.dump());
    repo.write(
        "config-changes/c.toml",
        record("rule = \"search-results-300s\"\nbypass = \"Cache-Control: no-cache from the admin UI\"\n"),
    );
    repo.commit_all("cache").ok().lacks("record-fields");
}

#[test]
fn cache_keys_trigger_the_policy_in_any_file() {
    let repo = repo_with("[rules.severity]\nrecord-fields = \"error\"\n");
    repo.write(
        "config/service.toml",
        "[server]\nworkers = 2\ncache_ttl = 30\n",
    );
    repo.write("config-changes/c.toml", record(""));
    let run = repo.commit_all("ttl");
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("cache change");
}

#[test]
fn background_work_asks_why_it_is_idempotent() {
    let repo = repo_with("[rules.severity]\nrecord-fields = \"error\"\n");
    repo.write("app/celeryconfig.py", "beat_schedule = {}\n");
    repo.write("config-changes/b.toml", record(""));
    repo.git(&["add", "-A"]).ok();
    // celeryconfig.py is not config by default: add it for this project.
    repo.write(
        ".confgate.toml",
        "[rules.severity]\nrecord-fields = \"error\"\n",
    );
    let run = repo.commit_all("schedule");
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("`idempotent`");
}

#[test]
fn broad_rewrites_warn_and_can_block() {
    let many = "[server]\nworkers = 3\ntimeout = 5\nkeepalive = 2\nbacklog = 64\n[db]\npool = 9\n[auth]\nttl = 60\n";
    let repo = repo_with("");
    repo.write("config/service.toml", many);
    repo.write("config-changes/r.toml", record(""));
    repo.commit_all("rewrite")
        .ok()
        .contains("one-change-at-a-time")
        .contains("server.timeout");

    let repo = repo_with("[rules.severity]\none-change-at-a-time = \"error\"\n");
    repo.write("config/service.toml", many);
    repo.write("config-changes/r.toml", record(""));
    let run = repo.commit_all("rewrite");
    assert_ne!(run.code, 0, "{}", run.dump());
    // A small change stays quiet.
    repo.write("config/service.toml", "[server]\nworkers = 3\n");
    repo.commit_all("small").ok().lacks("one-change-at-a-time");
}

#[test]
fn unmeasurable_expectation_warns_and_can_block() {
    let vague = "owner = \"@sre\"\nexpected = \"it should be faster\"\nrollback = \"revert; workers back to 2\"\n";
    let repo = repo_with("");
    repo.write("config/service.toml", "[server]\nworkers = 4\n");
    repo.write("config-changes/v.toml", vague);
    repo.commit_all("vague")
        .ok()
        .contains("measurable-expected");

    let repo = repo_with("[rules.severity]\nmeasurable-expected = \"error\"\n");
    repo.write("config/service.toml", "[server]\nworkers = 4\n");
    repo.write("config-changes/v.toml", vague);
    let run = repo.commit_all("vague");
    assert_ne!(run.code, 0, "{}", run.dump());
    repo.write(
        "config-changes/v.toml",
        vague.replace("it should be faster", "queue wait from 2 s to below 200 ms"),
    );
    repo.commit_all("measured")
        .ok()
        .lacks("measurable-expected");
}

#[test]
fn bare_revert_on_irreversible_change_warns_and_can_block() {
    let bare =
        "owner = \"@sre\"\nexpected = \"0 errors after removing the key\"\nrollback = \"revert\"\n";
    let repo = repo_with("");
    repo.write("config/service.toml", "[other]\nx = 1\n");
    repo.write("config-changes/r.toml", bare);
    repo.commit_all("drop workers")
        .ok()
        .contains("rollback-irreversible")
        .contains("server.workers");

    let repo = repo_with("[rules.severity]\nrollback-irreversible = \"error\"\n");
    repo.write("config/service.toml", "[other]\nx = 1\n");
    repo.write("config-changes/r.toml", bare);
    let run = repo.commit_all("drop workers");
    assert_ne!(run.code, 0, "{}", run.dump());
    // A change a revert does undo passes with a bare revert.
    let repo = repo_with("[rules.severity]\nrollback-irreversible = \"error\"\n");
    repo.write("config/service.toml", "[server]\nworkers = 6\n");
    repo.write("config-changes/r.toml", bare);
    repo.commit_all("more workers").ok();
}

#[test]
fn policies_can_be_turned_off() {
    let repo = repo_with("[rules]\nextend_disable = [\"record-fields\"]\n");
    repo.write(
        "alembic/versions/0042_add_index.py",
        "def upgrade():\n    pass\n",
    );
    repo.write("config-changes/idx.toml", record(""));
    repo.commit_all("add index").ok().lacks("record-fields");
}

#[test]
fn explain_covers_every_policy() {
    let repo = TestRepo::new();
    for id in [
        "record-fields",
        "one-change-at-a-time",
        "measurable-expected",
        "rollback-irreversible",
        "missing-record",
        "incomplete-record",
        "invalid-config",
    ] {
        repo.confgate(&["explain", id])
            .ok()
            .contains("Why it matters")
            .contains("How to fix it");
    }
}

#[test]
fn record_owners_allow_list() {
    let repo = repo_with("[record]\nowners = [\"@platform\"]\n");
    repo.write("config/service.toml", "[server]\nworkers = 4\n");
    repo.write("config-changes/o.toml", record(""));
    let run = repo.commit_all("workers");
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("not one of record.owners");
    repo.write(
        "config-changes/o.toml",
        record("").replace("@db-team", "@platform"),
    );
    repo.commit_all("workers").ok();
}

#[test]
fn codeowners_decide_who_may_sign() {
    let repo = repo_with("[record]\ncodeowners = true\n");
    repo.write(
        ".github/CODEOWNERS",
        "* @everyone\n/config/ @platform @sre\n",
    );
    repo.seed("owners");
    repo.write("config/service.toml", "[server]\nworkers = 4\n");
    repo.write("config-changes/o.toml", record(""));
    let run = repo.commit_all("workers");
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("not a CODEOWNERS owner of config/service.toml");
    repo.write(
        "config-changes/o.toml",
        record("").replace("@db-team", "@sre"),
    );
    repo.commit_all("workers").ok();
}

/// CODEOWNERS is read as committed before the change (HEAD for a commit
/// being made, the parent for a commit in a range), like the policy: a
/// commit that names its own signer a code owner is not judged by itself.
#[test]
fn a_commit_cannot_make_its_signer_a_code_owner() {
    let repo = repo_with("[record]\ncodeowners = true\n");
    repo.write(".github/CODEOWNERS", "* @everyone\n/config/ @platform\n");
    repo.seed("owners");
    repo.write(
        ".github/CODEOWNERS",
        "* @everyone\n/config/ @platform @db-team\n",
    );
    repo.write("config/service.toml", "[server]\nworkers = 4\n");
    repo.write("config-changes/o.toml", record(""));
    let run = repo.commit_all("workers, signed by a new code owner");
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("not a CODEOWNERS owner of config/service.toml");
    // The same commit made without the hook is refused by a range check.
    repo.git(&["commit", "--no-verify", "-m", "workers, hook skipped"])
        .ok();
    let run = repo.confgate(&["check", "--range", "HEAD~1..HEAD"]);
    assert_eq!(run.code, 1, "{}", run.dump());
    run.contains("not a CODEOWNERS owner of config/service.toml");
    // Once the new owner is committed, the next change may be signed by them.
    repo.write("config/service.toml", "[server]\nworkers = 6\n");
    repo.write("config-changes/o2.toml", record(""));
    repo.commit_all("workers again").ok();
}

#[test]
fn security_files_need_a_security_owner() {
    let repo = repo_with("[security]\nowners = [\"@security\"]\n");
    repo.write("app/security.py", "SESSION_COOKIE_SECURE = True\n");
    repo.write("config-changes/s.toml", record(""));
    let run = repo.commit_all("cookies");
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("designated security file");
    repo.write(
        "config-changes/s.toml",
        record("").replace("@db-team", "@security"),
    );
    repo.commit_all("cookies").ok();
}

#[test]
fn require_file_refuses_trailers() {
    let repo = repo_with("[record]\nrequire = \"file\"\n");
    repo.write("config/service.toml", "[server]\nworkers = 4\n");
    repo.git(&["add", "-A"]).ok();
    // pre-commit already blocks: no record file staged.
    let run = repo.git(&["commit", "-m", &format!("w\n\n{}", crate::common::TRAILERS)]);
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("missing-record");
    repo.write("config-changes/w.toml", record(""));
    repo.commit_all("w").ok();
}
