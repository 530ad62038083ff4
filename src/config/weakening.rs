//! Whether a change to the policy loosens it: the old and new plans (built
//! from the parsed layers, never compared as text) and baselines, side by
//! side, each loosening named.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::config::gitleaks::{self, Gitleaks, IgnoreEntry, ImportedRule};
use crate::config::plan::{PathSet, Plan};
use crate::detect::baseline::Baseline;
use crate::finding::Severity;
use crate::ruleinfo::{self, RuleInfo};

/// One way a change loosens the policy, said in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Weakening {
    /// The policy file the loosening is reported on.
    pub file: String,
    pub what: String,
}

/// Where the project's settings live (`.confgate.toml` or `pyproject.toml`).
pub type SettingsFile = &'static str;

/// Every loosening from `old` to `new`. A change whose direction cannot be
/// told (a custom rule redefined) counts as a loosening.
pub fn plans(old: &Plan, new: &Plan, file: SettingsFile) -> Vec<Weakening> {
    let mut out = Vec::new();
    let mut say = |what: String| {
        out.push(Weakening {
            file: file.to_string(),
            what,
        })
    };
    rules(old, new, &mut say);
    paths(old, new, &mut say);
    records(old, new, &mut say);
    field_policies(old, new, &mut say);
    limits_and_release(old, new, &mut say);
    out
}

/// Rules disabled, removed, redefined or lowered in severity; strict mode off.
fn rules(old: &Plan, new: &Plan, say: &mut impl FnMut(String)) {
    let old_rules = rule_table(old);
    let new_rules = rule_table(new);
    let newly_disabled: BTreeSet<&String> = new.disabled.difference(&old.disabled).collect();
    for id in newly_disabled {
        say(format!("rule {id} disabled"));
    }
    for (id, info) in &old_rules {
        match new_rules.get(id) {
            None if !new.is_disabled(id) => say(format!("rule {id} removed")),
            Some(now) if now.matches != info.matches || now.kind != info.kind => {
                say(format!("rule {id} redefined"))
            }
            _ => {}
        }
    }
    let ids: BTreeSet<&str> = old
        .severity
        .keys()
        .chain(new.severity.keys())
        .chain(old_rules.keys())
        .map(String::as_str)
        .collect();
    for id in ids {
        let before = effective_severity(old, &old_rules, id);
        let after = effective_severity(new, &new_rules, id);
        if after < before {
            say(format!(
                "rule {id} severity lowered from {} to {}",
                before.as_str(),
                after.as_str()
            ));
        }
    }
    if old.strict && !new.strict {
        say("security.strict turned off".to_string());
    }
}

/// Path lists that check less: configuration narrowed, exclusions, ignores
/// and unread-file allowances widened, security files widened (a designated
/// file is where inline settings are allowed).
fn paths(old: &Plan, new: &Plan, say: &mut impl FnMut(String)) {
    narrowed(say, "config.include", &old.config_files, &new.config_files);
    widened(
        say,
        "config.exclude",
        &old.config_exclude,
        &new.config_exclude,
    );
    widened(
        say,
        "security.files",
        &old.security_files,
        &new.security_files,
    );
    widened(
        say,
        "security.ignore",
        &old.security_ignore,
        &new.security_ignore,
    );
    widened(
        say,
        "secrets.ignore",
        &old.secrets_ignore,
        &new.secrets_ignore,
    );
    widened(say, "limits.skip_paths", &old.skip_paths, &new.skip_paths);
    if old.skip_blocks && !new.skip_blocks {
        say("limits.on_skip turned to \"warn\" (unread files no longer block)".to_string());
    }
}

/// What a record must be, loosened: adoption point, record dir, record
/// files, owners, placeholders, the one-change-at-a-time bound.
fn records(old: &Plan, new: &Plan, say: &mut impl FnMut(String)) {
    let rev = |plan: &Plan| plan.adopted.as_ref().map(|a| a.rev.clone());
    if let Some(point) = rev(new).filter(|point| Some(point) != rev(old).as_ref()) {
        // Which way a moved point goes needs the history; either may skip
        // commits, so any new point counts.
        say(format!(
            "record.adopted set to {point:?} (history before it is no longer re-judged)"
        ));
    }
    if old.record_dir != new.record_dir {
        say(format!(
            "record.dir moved from {} to {}",
            old.record_dir, new.record_dir
        ));
    }
    if old.require_file && !new.require_file {
        say("record.require no longer asks for a record file".to_string());
    }
    if old.record_dependency_updates && !new.record_dependency_updates {
        say("record.dependency_updates no longer asks dependency updates for a record".to_string());
    }
    owners(say, "record.owners", &old.owners, &new.owners);
    owners(
        say,
        "security.owners",
        &old.security_owners,
        &new.security_owners,
    );
    if old.codeowners && !new.codeowners {
        say("record.codeowners turned off".to_string());
    }
    let gone: BTreeSet<&String> = old.placeholders.difference(&new.placeholders).collect();
    if !gone.is_empty() {
        say(format!(
            "record.placeholders no longer refuse {}",
            list(gone)
        ));
    }
    if new.max_keys > old.max_keys {
        say(format!(
            "record.max_keys raised from {} to {}",
            old.max_keys, new.max_keys
        ));
    }
}

/// `[[record.require]]` entries removed, or asking for less.
fn field_policies(old: &Plan, new: &Plan, say: &mut impl FnMut(String)) {
    for policy in &old.field_policies {
        let Some(now) = new.field_policies.iter().find(|p| p.id == policy.id) else {
            say(format!("record.require {} removed", policy.id));
            continue;
        };
        let fields: BTreeSet<&Vec<String>> = now.fields.iter().collect();
        let dropped: Vec<String> = policy
            .fields
            .iter()
            .filter(|f| !fields.contains(f))
            .map(|f| f.join("|"))
            .collect();
        if !dropped.is_empty() {
            say(format!(
                "record.require {} no longer asks for {}",
                policy.id,
                dropped.join(", ")
            ));
        }
        narrowed(
            say,
            &format!("record.require {} paths", policy.id),
            &policy.paths,
            &now.paths,
        );
        let keys: HashSet<&String> = now.keys.iter().collect();
        let lost: BTreeSet<&String> = policy.keys.iter().filter(|k| !keys.contains(k)).collect();
        if !lost.is_empty() {
            say(format!(
                "record.require {} keys no longer list {}",
                policy.id,
                list(lost)
            ));
        }
        if policy.require_file && !now.require_file {
            say(format!(
                "record.require {} no longer asks for a record file",
                policy.id
            ));
        }
        if now.severity < policy.severity {
            say(format!(
                "record.require {} severity lowered from {} to {}",
                policy.id,
                policy.severity.as_str(),
                now.severity.as_str()
            ));
        }
    }
}

/// Larger files allowed unread, release checklist steps and environment
/// checks removed.
fn limits_and_release(old: &Plan, new: &Plan, say: &mut impl FnMut(String)) {
    if new.max_file_size > old.max_file_size {
        say(format!(
            "limits.max_file_size raised from {} to {}",
            old.max_file_size, new.max_file_size
        ));
    }
    let steps: HashSet<&str> = new.checklist.iter().map(|s| s.command()).collect();
    for step in &old.checklist {
        if !steps.contains(step.command()) {
            say(format!("release checklist step {:?} removed", step.name()));
        }
    }
    let envs: HashSet<&(String, String)> = new.environments.iter().collect();
    for env in &old.environments {
        if !envs.contains(env) {
            say(format!(
                "environment {} no longer checked at {}",
                env.0, env.1
            ));
        }
    }
}

/// Entries the new baseline accepts that the old one did not.
pub fn baselines(
    old: Option<&Baseline>,
    new: Option<&Baseline>,
    file: &'static str,
) -> Vec<Weakening> {
    let Some(new) = new else {
        return Vec::new();
    };
    // Occurrences accepted per fingerprint before the change.
    let mut before: HashMap<&str, usize> = HashMap::new();
    for entry in old.map(|b| b.findings.as_slice()).unwrap_or_default() {
        *before.entry(entry.fingerprint.as_str()).or_default() += entry.count;
    }
    let mut after: BTreeMap<&str, (usize, &str, &str)> = BTreeMap::new();
    for entry in &new.findings {
        let slot = after.entry(entry.fingerprint.as_str()).or_insert((
            0,
            entry.rule.as_str(),
            entry.path.as_str(),
        ));
        slot.0 += entry.count;
    }
    let added: Vec<String> = after
        .iter()
        .filter_map(|(fingerprint, (count, rule, path))| {
            let was = before.get(fingerprint).copied().unwrap_or(0);
            match was {
                _ if *count <= was => None,
                0 if *count == 1 => Some(format!("{rule} in {path}")),
                0 => Some(format!("{rule} in {path} ×{count}")),
                _ => Some(format!("{rule} in {path} count {was} → {count}")),
            }
        })
        .collect();
    if added.is_empty() {
        return Vec::new();
    }
    let shown: Vec<&str> = added.iter().take(5).map(String::as_str).collect();
    let more = if added.len() > shown.len() {
        format!(", … {} more", added.len() - shown.len())
    } else {
        String::new()
    };
    vec![Weakening {
        file: file.to_string(),
        what: format!(
            "{} baseline entr{} added or raised (findings accepted without review: {}{more})",
            added.len(),
            if added.len() == 1 { "y" } else { "ies" },
            shown.join(", ")
        ),
    }]
}

/// What the new gitleaks policy lets through that the old one did not: a
/// rule removed or redefined, an allowlist entry or an ignored fingerprint
/// added.
pub fn gitleaks(old: &Gitleaks, new: &Gitleaks) -> Vec<Weakening> {
    let config_file = new
        .path
        .as_deref()
        .or(old.path.as_deref())
        .unwrap_or(gitleaks::CONFIG_FILE)
        .to_string();
    let mut out = Vec::new();
    let shape = |rule: &ImportedRule| {
        format!(
            "{:?}",
            (
                &rule.rule.regex,
                rule.path.as_ref().map(|p| p.as_str()),
                rule.rule.entropy,
                &rule.rule.keywords
            )
        )
    };
    let now: HashMap<&str, String> = new
        .rules
        .iter()
        .map(|r| (r.rule.id.as_str(), shape(r)))
        .collect();
    let mut rules = Vec::new();
    for rule in &old.rules {
        match now.get(rule.rule.id.as_str()) {
            None => rules.push(format!("gitleaks rule {} removed", rule.rule.id)),
            Some(shape_now) if *shape_now != shape(rule) => {
                rules.push(format!("gitleaks rule {} redefined", rule.rule.id))
            }
            _ => {}
        }
    }
    out.extend(rules.into_iter().map(|what| Weakening {
        file: config_file.clone(),
        what,
    }));
    let before: HashSet<String> = old.allowlists.iter().flat_map(|a| a.entries()).collect();
    let added: Vec<String> = new
        .allowlists
        .iter()
        .flat_map(|a| a.entries())
        .filter(|entry| !before.contains(entry))
        .collect();
    out.extend(summary(&added, "gitleaks allowlist entr", &config_file));
    let before: HashSet<&IgnoreEntry> = old.ignore.iter().collect();
    let added: Vec<String> = new
        .ignore
        .iter()
        .filter(|entry| !before.contains(entry))
        .map(|entry| entry.to_string())
        .collect();
    out.extend(summary(
        &added,
        "ignored fingerprint",
        gitleaks::IGNORE_FILE,
    ));
    out
}

/// One weakening listing `added` things (the first five shown).
fn summary(added: &[String], noun: &str, file: &str) -> Option<Weakening> {
    if added.is_empty() {
        return None;
    }
    let plural = match (added.len(), noun.ends_with("entr")) {
        (1, true) => "y",
        (_, true) => "ies",
        (1, false) => "",
        (_, false) => "s",
    };
    let shown: Vec<&str> = added.iter().take(5).map(String::as_str).collect();
    let more = if added.len() > shown.len() {
        format!(", … {} more", added.len() - shown.len())
    } else {
        String::new()
    };
    Some(Weakening {
        file: file.to_string(),
        what: format!(
            "{} {noun}{plural} added (findings let through without review: {}{more})",
            added.len(),
            shown.join(", ")
        ),
    })
}

/// The rules in force by id, from the registry.
fn rule_table(plan: &Plan) -> BTreeMap<String, RuleInfo> {
    ruleinfo::defined_rules(plan)
        .into_iter()
        .filter(|rule| rule.enabled)
        .map(|rule| (rule.id.clone(), rule))
        .collect()
}

fn effective_severity(plan: &Plan, rules: &BTreeMap<String, RuleInfo>, id: &str) -> Severity {
    if let Some(severity) = plan.severity.get(id) {
        return *severity;
    }
    // Unknown defaults count as blocking: lowering one is reported.
    rules.get(id).map_or(Severity::Error, |r| r.severity)
}

/// Patterns a path set no longer lists.
fn narrowed(say: &mut impl FnMut(String), name: &str, old: &PathSet, new: &PathSet) {
    let now: HashSet<&String> = new.patterns.iter().collect();
    let gone: BTreeSet<&String> = old.patterns.iter().filter(|p| !now.contains(p)).collect();
    if !gone.is_empty() {
        say(format!("{name} no longer lists {}", list(gone)));
    }
}

/// Patterns a path set lists that it did not.
fn widened(say: &mut impl FnMut(String), name: &str, old: &PathSet, new: &PathSet) {
    let before: HashSet<&String> = old.patterns.iter().collect();
    let added: BTreeSet<&String> = new
        .patterns
        .iter()
        .filter(|p| !before.contains(p))
        .collect();
    if !added.is_empty() {
        say(format!("{name} now lists {}", list(added)));
    }
}

/// An owner list loosens when it is emptied (anyone may sign) or gains names.
fn owners(say: &mut impl FnMut(String), name: &str, old: &[String], new: &[String]) {
    if old.is_empty() {
        return;
    }
    if new.is_empty() {
        say(format!("{name} emptied (anyone may sign)"));
        return;
    }
    let before: HashSet<String> = old.iter().map(|o| o.to_lowercase()).collect();
    let added: BTreeSet<&String> = new
        .iter()
        .filter(|o| !before.contains(&o.to_lowercase()))
        .collect();
    if !added.is_empty() {
        say(format!("{name} now includes {}", list(added)));
    }
}

/// Items quoted, the first few only.
fn list<'a>(items: impl IntoIterator<Item = &'a String>) -> String {
    const SHOWN: usize = 6;
    let items: Vec<String> = items.into_iter().map(|item| format!("{item:?}")).collect();
    if items.len() <= SHOWN {
        return items.join(", ");
    }
    format!(
        "{}, … {} more",
        items[..SHOWN].join(", "),
        items.len() - SHOWN
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::settings::{parse_layer, Layers, DEFAULTS};
    use crate::detect::baseline::BaselineEntry;

    fn plan(project: &str) -> Plan {
        let mut layers = vec![parse_layer("defaults", DEFAULTS).unwrap()];
        if !project.is_empty() {
            layers.push(parse_layer(".confgate.toml", project).unwrap());
        }
        Plan::build(&Layers::new(layers)).unwrap()
    }

    fn said(old: &str, new: &str) -> Vec<String> {
        plans(&plan(old), &plan(new), ".confgate.toml")
            .into_iter()
            .map(|w| w.what)
            .collect()
    }

    #[test]
    fn each_loosening_is_named() {
        let cases: &[(&str, &str, &str)] = &[
            (
                "",
                "[rules]\ndisable = [\"github-pat\"]\n",
                "rule github-pat disabled",
            ),
            (
                "",
                "[rules.severity]\ngithub-pat = \"warning\"\n",
                "rule github-pat severity lowered from error to warning",
            ),
            // A built-in rule's default comes from the registry: removing
            // an override falls back to it (a warning here).
            (
                "[rules.severity]\none-change-at-a-time = \"error\"\n",
                "",
                "rule one-change-at-a-time severity lowered from error to warning",
            ),
            (
                "",
                "[rules.severity]\nmissing-record = \"warning\"\n",
                "rule missing-record severity lowered from error to warning",
            ),
            (
                "[security]\nstrict = true\n",
                "",
                "security.strict turned off",
            ),
            (
                "",
                "[secrets]\nignore = [\"app/\"]\n",
                "secrets.ignore now lists \"app/\"",
            ),
            (
                "",
                "[security]\nextend_ignore = [\"app/\"]\n",
                "security.ignore now lists \"app/\"",
            ),
            (
                "",
                "[security]\nextend_files = [\"app/**\"]\n",
                "security.files now lists \"app/**\"",
            ),
            (
                "",
                "[config]\nextend_exclude = [\"config/\"]\n",
                "config.exclude now lists \"config/\"",
            ),
            (
                "",
                "[config]\ninclude = [\"*.toml\"]\n",
                "config.include no longer lists \"*.cfg\", \"*.conf\"",
            ),
            (
                "[record]\nrequire = \"file\"\n",
                "",
                "record.require no longer asks for a record file",
            ),
            (
                "[record]\nowners = [\"@a\"]\n",
                "[record]\nowners = [\"@a\", \"@b\"]\n",
                "record.owners now includes \"@b\"",
            ),
            (
                "[security]\nowners = [\"@sec\"]\n",
                "",
                "security.owners emptied (anyone may sign)",
            ),
            (
                "[record]\ncodeowners = true\n",
                "",
                "record.codeowners turned off",
            ),
            (
                "",
                "[record]\nplaceholders = [\"tbd\"]\n",
                "record.placeholders no longer refuse \"-\", \"--\"",
            ),
            (
                "",
                "[record]\nmax_keys = 50\n",
                "record.max_keys raised from 5 to 50",
            ),
            (
                "",
                "[record]\ndir = \"changes/\"\n",
                "record.dir moved from config-changes/ to changes/",
            ),
            (
                "",
                "[limits]\nmax_file_size = 99999999\n",
                "limits.max_file_size raised from 1048576 to 99999999",
            ),
            (
                "",
                "[limits]\nskip_paths = [\"data/*.sql\"]\n",
                "limits.skip_paths now lists \"data/*.sql\"",
            ),
            (
                "",
                "[limits]\non_skip = \"warn\"\n",
                "limits.on_skip turned to \"warn\" (unread files no longer block)",
            ),
            (
                "[release]\nchecklist = [\"pytest -q\"]\n",
                "",
                "release checklist step \"pytest -q\" removed",
            ),
            (
                "[environments]\nproduction = \"p.toml\"\n",
                "",
                "environment production no longer checked at p.toml",
            ),
        ];
        for (old, new, expected) in cases {
            let got = said(old, new);
            assert!(
                got.iter().any(|w| w.starts_with(expected)),
                "{old:?} -> {new:?}: expected {expected:?}, got {got:?}"
            );
        }
    }

    #[test]
    fn migration_policy_loosened_is_named() {
        let got = said("", "[record]\nrequire = []\n");
        assert!(
            got.iter().any(|w| w == "record.require migration removed"),
            "{got:?}"
        );
    }

    #[test]
    fn strengthenings_and_no_ops_say_nothing() {
        let cases: &[(&str, &str)] = &[
            ("", ""),
            ("", "[security]\nstrict = true\n"),
            ("[secrets]\nignore = [\"app/\"]\n", ""),
            ("[rules]\ndisable = [\"github-pat\"]\n", ""),
            ("", "[rules.severity]\none-change-at-a-time = \"error\"\n"),
            // Its default written out (a built-in rule's default is a warning).
            ("", "[rules.severity]\none-change-at-a-time = \"warning\"\n"),
            ("", "[record]\nrequire = \"file\"\n"),
            ("", "[security]\nowners = [\"@sec\"]\n"),
            (
                "[record]\nowners = [\"@a\", \"@b\"]\n",
                "[record]\nowners = [\"@a\"]\n",
            ),
            ("", "[limits]\nmax_file_size = 1000\n"),
            ("[limits]\non_skip = \"warn\"\n", ""),
            ("", "[config]\nextend_include = [\"deploy/*.json\"]\n"),
            // The same policy written another way.
            (
                "[secrets]\nignore = [\"a/\"]\n",
                "[secrets]\nextend_ignore = [\"a/\"]\n",
            ),
        ];
        for (old, new) in cases {
            let got = said(old, new);
            assert!(got.is_empty(), "{old:?} -> {new:?}: {got:?}");
        }
    }

    fn baseline(entries: &[(&str, &str)]) -> Baseline {
        Baseline::new(
            entries
                .iter()
                .map(|(rule, path)| BaselineEntry {
                    fingerprint: format!("{rule}:{path}"),
                    rule: rule.to_string(),
                    path: path.to_string(),
                    count: 1,
                })
                .collect(),
        )
    }

    #[test]
    fn baseline_entries_added_are_named_and_removals_are_not() {
        let old = baseline(&[("aws-access-key-id", "a.py")]);
        let new = baseline(&[("aws-access-key-id", "a.py"), ("github-pat", "b.py")]);
        let got = baselines(Some(&old), Some(&new), ".confgate-baseline.json");
        assert_eq!(got.len(), 1);
        assert!(
            got[0].what.contains("1 baseline entry added or raised"),
            "{got:?}"
        );
        assert!(got[0].what.contains("github-pat in b.py"), "{got:?}");
        assert!(baselines(Some(&new), Some(&old), "b").is_empty());
        assert!(baselines(Some(&new), None, "b").is_empty());
        assert_eq!(baselines(None, Some(&old), "b").len(), 1);
        let mut raised = old.clone();
        raised.findings[0].count = 3;
        let got = baselines(Some(&old), Some(&raised), "b");
        assert!(
            got[0]
                .what
                .contains("aws-access-key-id in a.py count 1 → 3"),
            "{got:?}"
        );
        assert!(baselines(Some(&raised), Some(&old), "b").is_empty());
    }
}
