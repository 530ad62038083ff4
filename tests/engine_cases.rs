//! Table-driven tests of the pure core: change sets built in memory, checked
//! by `engine::check` with the default plan (or a project policy on top),
//! and compared by rule, path, line and severity. One row per behaviour;
//! the integration tests drive the same engine through git and the binary.

use confgate::config::plan::Plan;
use confgate::config::settings::{parse_layer, Layers, DEFAULTS};
use confgate::engine::{check, Context, Mode};
use confgate::finding::Severity;
use confgate::model::{ChangeSet, ChangeSetBuilder, Content};

/// A finding as a row expects it: rule, path, line, blocking or not.
type Expected = (&'static str, &'static str, Option<u32>, Severity);

struct Case {
    name: &'static str,
    /// A project `.confgate.toml` layered on the defaults.
    project: Option<&'static str>,
    /// The commit message; `None` is the staged change before one exists.
    message: Option<&'static str>,
    /// For a staged change: whether confgate's commit-msg hook follows and
    /// judges the records.
    records_later: bool,
    change: fn(ChangeSetBuilder) -> ChangeSetBuilder,
    expected: &'static [Expected],
}

use Severity::{Error, Warning};

const AWS_KEY: &str = "AKIAZ5GMHYJKQ3TWXRPL";
const TRAILERS: &str = "Raise the cache TTL\n\nConfig-Owner: @platform\nExpected-Result: hit rate above 90% within a day\nRollback: set cache.ttl back to 60 and redeploy\n";

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "a provider key in a new module blocks",
            project: None,
            message: None,
            records_later: false,
            change: |c| c.added("app/clients.py", &format!("KEY = \"{AWS_KEY}\"\n")),
            expected: &[("aws-access-key-id", "app/clients.py", Some(1), Error)],
        },
        Case {
            name: "a key already on an unchanged line is not this change's",
            project: None,
            message: None,
            records_later: false,
            change: |c| {
                let old = format!("KEY = \"{AWS_KEY}\"\nx = 1\n");
                let new = format!("KEY = \"{AWS_KEY}\"\nx = 2\n");
                c.modified("app/clients.py", &old, &new)
            },
            expected: &[],
        },
        Case {
            name: "a deleted file adds nothing",
            project: None,
            message: None,
            records_later: false,
            change: |c| c.deleted("app/clients.py", &format!("KEY = \"{AWS_KEY}\"\n")),
            expected: &[],
        },
        Case {
            name: "TLS verification switched off inline blocks",
            project: None,
            message: None,
            records_later: false,
            change: |c| c.added("app/http.py", "requests.get(url, verify=False)\n"),
            expected: &[("tls-verify-disabled", "app/http.py", Some(1), Error)],
        },
        Case {
            name: "an allow comment with a reason suppresses its own rule",
            project: None,
            message: None,
            records_later: false,
            change: |c| {
                c.added(
                    "app/http.py",
                    "# confgate: allow tls-verify-disabled -- local mock server\nrequests.get(url, verify=False)\n",
                )
            },
            expected: &[],
        },
        Case {
            name: "an allow for one rule does not hide another",
            project: None,
            message: None,
            records_later: false,
            change: |c| {
                c.added(
                    "app/http.py",
                    &format!(
                        "# confgate: allow tls-verify-disabled -- mock\nKEY = \"{AWS_KEY}\"\n"
                    ),
                )
            },
            expected: &[("aws-access-key-id", "app/http.py", Some(2), Error)],
        },
        Case {
            name: "a config change without a record blocks at commit-msg",
            project: None,
            records_later: false,
            message: Some("Raise the cache TTL\n"),
            change: |c| {
                c.modified(
                    "config/app.toml",
                    "[cache]\nttl = 60\n",
                    "[cache]\nttl = 300\n",
                )
            },
            expected: &[("missing-record", "config/app.toml", None, Error)],
        },
        Case {
            name: "owner, expected result and rollback in trailers cover it",
            project: None,
            records_later: false,
            message: Some(TRAILERS),
            change: |c| {
                c.modified(
                    "config/app.toml",
                    "[server]\nworkers = 4\n",
                    "[server]\nworkers = 8\n",
                )
            },
            expected: &[],
        },
        Case {
            name: "a cache change also wants the cache rule and bypass, as warnings",
            project: None,
            records_later: false,
            message: Some(TRAILERS),
            change: |c| {
                c.modified(
                    "config/app.toml",
                    "[cache]\nttl = 60\n",
                    "[cache]\nttl = 300\n",
                )
            },
            expected: &[
                ("record-fields", "config/app.toml", None, Warning),
                ("record-fields", "config/app.toml", None, Warning),
            ],
        },
        Case {
            name: "a project can make the cache fields blocking",
            project: Some("[rules.severity]\nrecord-fields = \"error\"\n"),
            records_later: false,
            message: Some(TRAILERS),
            change: |c| {
                c.modified(
                    "config/app.toml",
                    "[cache]\nttl = 60\n",
                    "[cache]\nttl = 300\n",
                )
            },
            expected: &[
                ("record-fields", "config/app.toml", None, Error),
                ("record-fields", "config/app.toml", None, Error),
            ],
        },
        Case {
            name: "a comment-only edit changes no setting and needs no record",
            project: None,
            records_later: false,
            message: Some("Explain the TTL\n"),
            change: |c| {
                c.modified(
                    "config/app.toml",
                    "[cache]\nttl = 60\n",
                    "[cache]\n# seconds\nttl = 60\n",
                )
            },
            expected: &[],
        },
        Case {
            name: "a staged change that needs a record file and has none blocks before the message",
            project: Some("[record]\nrequire = \"file\"\n"),
            message: None,
            records_later: false,
            change: |c| {
                c.modified(
                    "config/app.toml",
                    "[server]\nworkers = 4\n",
                    "[server]\nworkers = 8\n",
                )
            },
            expected: &[("missing-record", "config/app.toml", None, Error)],
        },
        Case {
            name: "a staged change that trailers may still cover waits for the message",
            project: None,
            message: None,
            records_later: false,
            change: |c| {
                c.modified(
                    "config/app.toml",
                    "[server]\nworkers = 4\n",
                    "[server]\nworkers = 8\n",
                )
            },
            expected: &[],
        },
        Case {
            name: "with the commit-msg hook to follow, a missing record file still blocks early",
            project: Some("[record]\nrequire = \"file\"\n"),
            message: None,
            records_later: true,
            change: |c| {
                c.modified(
                    "config/app.toml",
                    "[server]\nworkers = 4\n",
                    "[server]\nworkers = 8\n",
                )
            },
            expected: &[("missing-record", "config/app.toml", None, Error)],
        },
        Case {
            name: "a config file that no longer parses is reported",
            project: None,
            records_later: false,
            message: Some(TRAILERS),
            change: |c| {
                c.modified(
                    "config/app.toml",
                    "[cache]\nttl = 60\n",
                    "[cache\nttl = 60\n",
                )
            },
            expected: &[("invalid-config", "config/app.toml", Some(1), Error)],
        },
        Case {
            name: "a committed .env is a secret file",
            project: None,
            message: None,
            records_later: false,
            change: |c| c.added(".env", "DATABASE_URL=postgres://app:Xk29vQm7pLw3@db/app\n"),
            expected: &[
                ("env-file", ".env", None, Error),
                ("url-password", ".env", Some(1), Error),
            ],
        },
        Case {
            name: "paths the project ignores are not checked",
            project: Some("[secrets]\nignore = [\"fixtures/\"]\n"),
            message: None,
            records_later: false,
            change: |c| c.added("fixtures/keys.py", &format!("KEY = \"{AWS_KEY}\"\n")),
            expected: &[],
        },
        Case {
            name: "a binary file is not read for secrets",
            project: None,
            message: None,
            records_later: false,
            change: |c| c.file("assets/logo.png", None, Content::Absent, Content::Binary),
            expected: &[],
        },
    ]
}

fn plan(project: Option<&str>) -> Plan {
    let mut layers = vec![parse_layer("defaults", DEFAULTS).expect("defaults parse")];
    if let Some(text) = project {
        layers.push(parse_layer(".confgate.toml", text).expect("project layer parses"));
    }
    Plan::build(&Layers::new(layers)).expect("plan builds")
}

fn run(case: &Case) -> Vec<(String, String, Option<u32>, Severity)> {
    let mut builder = ChangeSet::builder();
    if let Some(message) = case.message {
        builder = builder.message(message);
    }
    let change = (case.change)(builder).build();
    let mode = match case.message {
        Some(message) => Mode::WithMessage(message),
        None if case.records_later => Mode::StagedRecordsLater,
        None => Mode::Staged,
    };
    let ctx = Context {
        mode,
        baseline: None,
        codeowners: None,
        reverted: None,
        policy_change: None,
    };
    let outcome = check(&plan(case.project), &change, &ctx).expect("check runs");
    let mut found: Vec<_> = outcome
        .findings
        .iter()
        .map(|f| (f.rule.clone(), f.path.clone(), f.line, f.severity))
        .collect();
    found.sort();
    found
}

#[test]
fn engine_check_cases() {
    let mut failures = Vec::new();
    for case in cases() {
        let got = run(&case);
        let mut want: Vec<_> = case
            .expected
            .iter()
            .map(|(rule, path, line, severity)| {
                (rule.to_string(), path.to_string(), *line, *severity)
            })
            .collect();
        want.sort();
        if got != want {
            failures.push(format!("{}:\n  want {want:?}\n  got  {got:?}", case.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
