//! What `confgate rules` and `confgate explain` show about one rule or
//! policy, and the registry of every rule in force: the built-in rules of
//! `rules/builtin.toml` with the detectors' packs.

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize, Serializer};

use crate::config::plan::Plan;
use crate::finding::{Kind, Severity};
use crate::records::policy;

/// The built-in rules that no detector's pack holds (records, policy guard,
/// release check, record policies).
const BUILTIN_PACK: &str = include_str!("../rules/builtin.toml");
const BUILTIN_SOURCE: &str = "rules/builtin.toml (built in)";

#[derive(Debug, Clone, Serialize)]
pub struct RuleInfo {
    pub id: String,
    /// What its findings are; record policies show as `policy`.
    #[serde(serialize_with = "kind_label")]
    pub kind: Kind,
    /// Provider for secrets, category for security settings.
    pub category: String,
    /// The severity in force (the default, or [rules.severity]'s).
    pub severity: Severity,
    pub description: String,
    /// What it matches, in words.
    pub matches: String,
    pub why: String,
    pub fix: String,
    /// An example that is flagged and one that is not.
    pub example_bad: String,
    pub example_good: String,
    pub enabled: bool,
}

impl RuleInfo {
    /// The kind as `rules` and SARIF tags name it.
    pub fn kind_label(&self) -> &'static str {
        rule_kind_label(self.kind)
    }
}

/// A rule's kind as `rules` names it: a finding kind, or `policy`.
pub fn rule_kind_label(kind: Kind) -> &'static str {
    match kind {
        Kind::Policy => "policy",
        kind => kind.as_str(),
    }
}

fn kind_label<S: Serializer>(kind: &Kind, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(rule_kind_label(*kind))
}

/// One rule of `rules/builtin.toml`, with the same fields as the packs.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BuiltinRule {
    id: String,
    kind: String,
    /// `record` unless it says otherwise.
    category: Option<String>,
    severity: Severity,
    description: String,
    matches: String,
    why: String,
    fix: String,
    bad: String,
    good: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BuiltinPack {
    rule: Vec<BuiltinRule>,
}

/// A finding kind by the name `rules` gives it.
fn kind_named(name: &str) -> Option<Kind> {
    const KINDS: [Kind; 10] = [
        Kind::Secret,
        Kind::SecuritySetting,
        Kind::MissingRecord,
        Kind::IncompleteRecord,
        Kind::InvalidConfig,
        Kind::ForbiddenFile,
        Kind::ConfigDrift,
        Kind::SkippedFile,
        Kind::PolicyWeakened,
        Kind::Policy,
    ];
    KINDS.into_iter().find(|k| rule_kind_label(*k) == name)
}

/// The rules of `rules/builtin.toml` with their default severities.
pub fn builtin_rules() -> Result<Vec<RuleInfo>> {
    let pack: BuiltinPack = toml::from_str(BUILTIN_PACK).context(BUILTIN_SOURCE)?;
    pack.rule
        .into_iter()
        .map(|rule| {
            let kind = kind_named(&rule.kind).with_context(|| {
                format!(
                    "{BUILTIN_SOURCE}: rule {}: unknown kind {:?}",
                    rule.id, rule.kind
                )
            })?;
            Ok(RuleInfo {
                id: rule.id,
                kind,
                category: rule.category.unwrap_or_else(|| "record".to_string()),
                severity: rule.severity,
                description: rule.description,
                matches: rule.matches,
                why: rule.why,
                fix: rule.fix,
                example_bad: rule.bad,
                example_good: rule.good,
                enabled: true,
            })
        })
        .collect()
}

/// The built-in rules as `plan` has them: `limits.on_skip` and the
/// project's `[[record.require]]` entries filled in, disabled ones marked.
fn builtin_in_force(plan: &Plan) -> Result<Vec<RuleInfo>> {
    let mut rules = builtin_rules()?;
    let required: Vec<String> = plan
        .field_policies
        .iter()
        .map(|p| {
            let wanted: Vec<String> = p.fields.iter().map(|alts| alts.join(" or ")).collect();
            format!(
                "{} ({}): {}",
                p.id,
                p.paths.patterns.join(", "),
                wanted.join(", ")
            )
        })
        .collect();
    for rule in &mut rules {
        if rule.id == crate::finding::rule::SKIPPED_FILE && !plan.skip_blocks {
            rule.severity = Severity::Warning;
        }
        if rule.id == policy::RECORD_FIELDS {
            rule.matches = rule.matches.replace("{require}", &required.join("; "));
        }
        rule.enabled = !plan.is_disabled(&rule.id);
    }
    Ok(rules)
}

/// Every rule `plan` defines, at its default severity, for comparing two
/// policies (`config::weakening`): the built-in rules, and the detectors'
/// packs with the project's own `[[rules.secret]]` and `[[rules.security]]`.
/// Rules imported from a gitleaks config are left out: a change to them is
/// judged against that file (`weakening::gitleaks`).
pub fn defined_rules(plan: &Plan) -> Vec<RuleInfo> {
    // The embedded pack is checked by the tests below and `all_rules`
    // reports a broken one; without it, every built-in default counts as
    // blocking, so a lowered severity is still said.
    let mut rules = builtin_rules().unwrap_or_default();
    for rule in &mut rules {
        rule.enabled = !plan.is_disabled(&rule.id);
    }
    rules.extend(plan.secrets.rules());
    rules.extend(plan.security.rules());
    rules
}

/// Every rule `plan` knows, built in and from the packs, with the
/// severities in force.
pub fn all_rules(plan: &Plan) -> Result<Vec<RuleInfo>> {
    let mut rules = builtin_in_force(plan)?;
    rules.extend(plan.secrets.rules());
    rules.extend(plan.gitleaks.rules());
    rules.extend(plan.security.rules());
    // [rules.severity] applies to every rule: show what is in force.
    for rule in &mut rules {
        if let Some(severity) = plan.severity.get(&rule.id) {
            rule.severity = *severity;
        }
    }
    Ok(rules)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::finding::rule;
    use crate::keydiff::{self, Format};
    use crate::records::policy::{is_bare_revert, is_measurable};
    use crate::records::record::Record;

    fn pack() -> Vec<RuleInfo> {
        builtin_rules().expect("rules/builtin.toml is valid")
    }

    fn example<'a>(id: &str, rules: &'a [RuleInfo]) -> &'a RuleInfo {
        rules.iter().find(|r| r.id == id).expect("documented")
    }

    /// A one-key TOML example's value (`expected = "…"`).
    fn value_of(example: &str, key: &str) -> String {
        let table: toml::Table = toml::from_str(example).expect("the example is TOML");
        table[key].as_str().expect("a string").to_string()
    }

    #[test]
    fn every_builtin_rule_id_is_documented_once_and_nothing_else() {
        let ids = [
            rule::MISSING_RECORD,
            rule::INCOMPLETE_RECORD,
            rule::INVALID_CONFIG,
            rule::SKIPPED_FILE,
            rule::POLICY_WEAKENED,
            rule::CONFIG_DRIFT,
            policy::RECORD_FIELDS,
            policy::ONE_CHANGE,
            policy::MEASURABLE,
            policy::ROLLBACK,
        ];
        let documented: Vec<String> = pack().into_iter().map(|r| r.id).collect();
        let mut sorted_ids: Vec<&str> = ids.to_vec();
        sorted_ids.sort_unstable();
        let mut sorted_docs: Vec<&str> = documented.iter().map(String::as_str).collect();
        sorted_docs.sort_unstable();
        assert_eq!(sorted_docs, sorted_ids);
    }

    #[test]
    fn every_builtin_rule_says_what_why_how_with_examples() {
        for rule in pack() {
            for (field, text) in [
                ("description", &rule.description),
                ("matches", &rule.matches),
                ("why", &rule.why),
                ("fix", &rule.fix),
                ("bad", &rule.example_bad),
                ("good", &rule.example_good),
            ] {
                assert!(!text.trim().is_empty(), "{}: empty {field}", rule.id);
            }
        }
    }

    #[test]
    fn record_policies_are_listed_as_policies_in_json() {
        let rules = pack();
        let value = serde_json::to_value(example(policy::MEASURABLE, &rules)).unwrap();
        assert_eq!(value["kind"], "policy");
        assert_eq!(value["severity"], "warning");
        let value = serde_json::to_value(example(rule::CONFIG_DRIFT, &rules)).unwrap();
        assert_eq!(value["kind"], "config-drift");
    }

    #[test]
    fn invalid_config_examples_parse_as_the_rule_says() {
        let rules = pack();
        let rule = example(rule::INVALID_CONFIG, &rules);
        assert!(keydiff::parse(Format::Toml, &rule.example_bad).is_err());
        assert!(keydiff::parse(Format::Toml, &rule.example_good).is_ok());
    }

    #[test]
    fn incomplete_record_examples_are_judged_as_the_rule_says() {
        let rules = pack();
        let rule = example(rule::INCOMPLETE_RECORD, &rules);
        let none = HashSet::new();
        let placeholders: HashSet<String> = HashSet::new();
        let bad = Record::parse_file("config-changes/bad.toml", &rule.example_bad, &none);
        assert!(bad.is_err() || !bad.unwrap().problems(&placeholders).is_empty());
        let good = Record::parse_file("config-changes/good.toml", &rule.example_good, &none)
            .expect("the good record parses");
        assert!(good.problems(&placeholders).is_empty());
    }

    #[test]
    fn record_policy_examples_are_judged_as_the_rules_say() {
        let rules = pack();
        let measurable = example(policy::MEASURABLE, &rules);
        assert!(!is_measurable(&value_of(
            &measurable.example_bad,
            "expected"
        )));
        assert!(is_measurable(&value_of(
            &measurable.example_good,
            "expected"
        )));
        let rollback = example(policy::ROLLBACK, &rules);
        assert!(is_bare_revert(&value_of(&rollback.example_bad, "rollback")));
        assert!(!is_bare_revert(&value_of(
            &rollback.example_good,
            "rollback"
        )));
    }
}
