//! Table-driven key diffs across formats, through the engine: one row per
//! format and shape, the file's old and new text, and the key changes the
//! report shows (`ConfigChange::summary`, secrets redacted).

use confgate::config::plan::Plan;
use confgate::config::settings::{parse_layer, Layers, DEFAULTS};
use confgate::engine::{check, Context, Mode};
use confgate::model::ChangeSet;

/// A config file whose settings did not change: no record needed.
const NO_SETTING: &str = "(no setting changed)";
/// A file that is not configuration.
const NOT_CONFIG: &str = "(not a config change)";

/// (path, old text, new text, the summary the change gets).
const CASES: &[(&str, &str, &str, &str)] = &[
    // TOML: nested tables, arrays, a key removed.
    (
        "config/app.toml",
        "[cache]\nttl = 60\n",
        "[cache]\nttl = 300\n",
        "cache.ttl 60 → 300",
    ),
    (
        "config/app.toml",
        "[db]\npool = 5\necho = 1\n",
        "[db]\npool = 5\n",
        "- db.echo",
    ),
    (
        "config/app.toml",
        "hosts = [\"a\"]\n",
        "hosts = [\"a\", \"b\"]\n",
        "hosts [\"a\"] → [\"a\", \"b\"]",
    ),
    // YAML: nesting and a new key.
    (
        "deploy/values.yaml",
        "app:\n  replicas: 2\n",
        "app:\n  replicas: 3\n",
        "app.replicas 2 → 3",
    ),
    (
        "deploy/values.yaml",
        "app:\n  replicas: 2\n",
        "app:\n  replicas: 2\n  debug: false\n",
        "+ app.debug = false",
    ),
    // JSON.
    (
        "config/flags.json",
        "{\"search\": {\"beta\": false}}\n",
        "{\"search\": {\"beta\": true}}\n",
        "search.beta false → true",
    ),
    // INI sections.
    (
        "alembic.ini",
        "[alembic]\nscript_location = a\n",
        "[alembic]\nscript_location = b\n",
        "alembic.script_location a → b",
    ),
    // .env: a secret value is redacted on both sides.
    (
        ".env.production",
        "PORT=8000\n",
        "PORT=8080\n",
        "PORT 8000 → 8080",
    ),
    // Python settings: module constants and a pydantic settings class.
    (
        "app/settings.py",
        "TIMEOUT = 30\n",
        "TIMEOUT = 45\n",
        "TIMEOUT 30 → 45",
    ),
    (
        "app/core/config.py",
        "class Settings(BaseSettings):\n    PORT: int = 8000\n",
        "class Settings(BaseSettings):\n    PORT: int = 8080\n",
        "Settings.PORT 8000 → 8080",
    ),
    // Compose: a service's environment.
    (
        "compose.yml",
        "services:\n  api:\n    environment:\n      WORKERS: \"2\"\n",
        "services:\n  api:\n    environment:\n      WORKERS: \"4\"\n",
        "services.api.environment.WORKERS 2 → 4",
    ),
    // Comments and formatting only: keyed on both sides, nothing changed.
    (
        "config/app.toml",
        "[cache]\nttl = 60\n",
        "[cache]\n# seconds\nttl   = 60\n",
        NO_SETTING,
    ),
    (
        "app/settings.py",
        "TIMEOUT = 30\n",
        "# seconds\nTIMEOUT = 30\n",
        NO_SETTING,
    ),
    (
        "compose.yml",
        "services:\n  api:\n    image: x\n",
        "services:\n  api:\n    image: x  # pinned\n",
        NO_SETTING,
    ),
    // Not configuration at all.
    ("app/views.py", "X = 1\n", "X = 2\n", NOT_CONFIG),
];

/// The defaults, with JSON settings under `config/` (not configuration by
/// default: most JSON in a Python service is data or tooling).
fn plan() -> Plan {
    let defaults = parse_layer("defaults", DEFAULTS).expect("defaults parse");
    let project = parse_layer(
        ".confgate.toml",
        "[config]\nextend_include = [\"config/*.json\"]\n",
    )
    .expect("project layer parses");
    Plan::build(&Layers::new(vec![defaults, project])).expect("plan builds")
}

#[test]
fn key_diffs_across_formats() {
    let plan = plan();
    let mut failures = Vec::new();
    for (path, old, new, want) in CASES {
        let change = ChangeSet::builder().modified(path, old, new).build();
        let ctx = Context {
            mode: Mode::Staged,
            baseline: None,
            codeowners: None,
            reverted: None,
            policy_change: None,
        };
        let outcome = check(&plan, &change, &ctx).expect("check runs");
        let unchanged = outcome
            .notices
            .iter()
            .any(|n| n.contains(path) && n.contains("no setting changed"));
        let got = match outcome.config_changes.iter().find(|c| c.path == *path) {
            Some(config) => config.summary(5),
            None if unchanged => NO_SETTING.to_string(),
            None => NOT_CONFIG.to_string(),
        };
        if got != *want {
            failures.push(format!(
                "{path}: {old:?} → {new:?}\n  want {want:?}\n  got  {got:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
