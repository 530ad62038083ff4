//! Accuracy of the inline security-settings detector on the corpus in
//! `tests/corpus/security/`: block rate on `flag/`, false-block rate on
//! `pass/`, silence on `quiet/`, for Python and config files separately.

use std::collections::HashSet;
use std::path::Path;

use confgate::detect::security::SecurityScanner;
use confgate::finding::{Finding, Severity};
use confgate::model::Lines;

struct Case {
    name: String,
    python: bool,
    findings: Vec<Finding>,
}

fn run(dir: &str) -> Vec<Case> {
    let scanner = match SecurityScanner::new(&[], &HashSet::new()) {
        Ok(s) => s,
        Err(e) => panic!("{e:#}"),
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus/security")
        .join(dir);
    let mut cases = Vec::new();
    let entries = std::fs::read_dir(&root).unwrap_or_else(|e| panic!("{}: {e}", root.display()));
    for entry in entries {
        let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let findings = scanner.scan(&name, &text, Lines::All);
        cases.push(Case {
            python: name.ends_with(".py"),
            name,
            findings,
        });
    }
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    assert!(!cases.is_empty(), "no cases in {}", root.display());
    cases
}

fn blocks(case: &Case) -> bool {
    case.findings.iter().any(|f| f.severity == Severity::Error)
}

/// (blocked, total) for Python and for config files.
fn rates(cases: &[Case]) -> [(usize, usize); 2] {
    let mut out = [(0, 0); 2];
    for case in cases {
        let slot = &mut out[usize::from(!case.python)];
        slot.1 += 1;
        if blocks(case) {
            slot.0 += 1;
        }
    }
    out
}

fn pct(n: usize, d: usize) -> f64 {
    if d == 0 {
        0.0
    } else {
        100.0 * n as f64 / d as f64
    }
}

#[test]
fn corpus_block_and_false_block_rates() {
    let flag = run("flag");
    let pass = run("pass");
    let quiet = run("quiet");
    let missed: Vec<&str> = flag
        .iter()
        .filter(|c| !blocks(c))
        .map(|c| c.name.as_str())
        .collect();
    let false_blocks: Vec<String> = pass
        .iter()
        .filter(|c| blocks(c))
        .map(|c| {
            format!(
                "{} ({:?})",
                c.name,
                c.findings.iter().map(|f| &f.rule).collect::<Vec<_>>()
            )
        })
        .collect();
    let noisy: Vec<String> = quiet
        .iter()
        .filter(|c| !c.findings.is_empty())
        .map(|c| {
            format!(
                "{} ({:?})",
                c.name,
                c.findings.iter().map(|f| &f.rule).collect::<Vec<_>>()
            )
        })
        .collect();
    let f = rates(&flag);
    let p = rates(&pass);
    for (i, label) in ["python", "config"].iter().enumerate() {
        println!(
            "{label}: block rate {}/{} = {:.1}%, false-block rate {}/{} = {:.1}%",
            f[i].0,
            f[i].1,
            pct(f[i].0, f[i].1),
            p[i].0,
            p[i].1,
            pct(p[i].0, p[i].1)
        );
    }
    println!(
        "quiet cases with any finding: {}/{}",
        noisy.len(),
        quiet.len()
    );
    println!("missed: {missed:?}");
    println!("false blocks: {false_blocks:?}");
    println!("noisy quiet cases: {noisy:?}");
    for i in 0..2 {
        assert!(
            f[i].1 >= 20 && p[i].1 >= 20,
            "corpus too small: {f:?} {p:?}"
        );
        assert!(
            pct(f[i].0, f[i].1) >= 90.0,
            "block rate below 90%: missed {missed:?}"
        );
        assert!(
            pct(p[i].0, p[i].1) <= 10.0,
            "false-block rate above 10%: {false_blocks:?}"
        );
    }
    assert!(noisy.is_empty(), "lookalikes produced findings: {noisy:?}");
}

#[test]
fn flag_findings_point_at_a_line_and_name_a_category() {
    for case in run("flag") {
        for f in case
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
        {
            assert!(f.line.is_some_and(|l| l >= 1), "{}: {f:?}", case.name);
            assert!(
                f.category.as_deref().is_some_and(|c| !c.is_empty()),
                "{}",
                case.name
            );
            assert!(
                f.fix.as_deref().is_some_and(|c| !c.is_empty()),
                "{}",
                case.name
            );
            assert!(
                f.message.contains(f.category.as_deref().unwrap_or("")),
                "{}",
                case.name
            );
        }
    }
}
