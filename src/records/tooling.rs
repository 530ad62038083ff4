//! Files that are tooling by their content, wherever they sit: a GitHub
//! Actions workflow is read by GitHub, never by the service, even before it
//! is moved to `.github/workflows/` (where the config exclude list names it).

use crate::keydiff::{self, Format};

/// Whether `text` is a GitHub Actions workflow: YAML whose top level has
/// `on` (read as `true` by YAML 1.1 readers) and `jobs`, and at least one job
/// that runs on a runner or calls a reusable workflow.
pub fn is_ci_workflow(text: &str) -> bool {
    let Ok(map) = keydiff::parse_file("workflow.yml", Format::Yaml, text) else {
        return false;
    };
    let top = |key: &str| key.split('.').next().unwrap_or(key).to_string();
    let triggered = map.keys().any(|k| matches!(top(k).as_str(), "on" | "true"));
    let runs = map.keys().any(|k| {
        let mut parts = k.split('.');
        parts.next() == Some("jobs")
            && parts.next().is_some()
            && parts.next().is_some_and(|field| {
                matches!(field, "runs-on" | "uses" | "steps") || field.starts_with("steps[")
            })
    });
    triggered && runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflows_by_content() {
        let workflow = "on:\n  pull_request:\n  push:\n    branches: [main]\njobs:\n  main:\n    runs-on: ubuntu-latest\n    steps:\n    - uses: actions/checkout@v4\n";
        assert!(is_ci_workflow(workflow));
        let reusable =
            "on: [push]\njobs:\n  call:\n    uses: org/repo/.github/workflows/ci.yml@main\n";
        assert!(is_ci_workflow(reusable));
        for not_workflow in [
            "jobs:\n  workers: 4\n  queue: default\n",
            "on: true\nworkers: 4\n",
            "server:\n  port: 8080\n",
            "on:\n  push:\njobs: {}\n",
            "not: [valid\n",
        ] {
            assert!(!is_ci_workflow(not_workflow), "{not_workflow}");
        }
    }
}
