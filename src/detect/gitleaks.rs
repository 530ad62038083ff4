//! Secrets by the repository's gitleaks policy: each gitleaks rule scanned
//! on its own (as in gitleaks, no rule hides another's finding), and the
//! gitleaks allowlists and `.gitleaksignore` applied to every secret finding.

use std::collections::HashMap;

use anyhow::Result;
use regex::Regex;

use crate::config::gitleaks::{Found, Gitleaks, ImportedRule, Verdict};
use crate::detect::secrets::{secrets_by_fingerprint, SecretScanner};
use crate::finding::{Finding, Kind, Severity};
use crate::model::Lines;
use crate::ruleinfo::RuleInfo;

const FIX: &str =
    "remove it, rotate it, and load it from an environment variable or a secret manager";

/// The gitleaks policy of a tree, ready to scan with.
#[derive(Default)]
pub struct GitleaksScanner {
    pub policy: Gitleaks,
    /// One scanner per rule, in the policy's order (`None`: a path-only rule).
    scanners: Vec<Option<SecretScanner>>,
    /// Each rule's regex, for `regexTarget = "match"`.
    regexes: HashMap<String, Regex>,
}

impl GitleaksScanner {
    pub fn new(policy: Gitleaks) -> Result<GitleaksScanner> {
        let mut scanners = Vec::new();
        let mut regexes = HashMap::new();
        for imported in &policy.rules {
            if imported.rule.regex.is_empty() {
                scanners.push(None);
                continue;
            }
            scanners.push(Some(SecretScanner::only(std::slice::from_ref(
                &imported.rule,
            ))?));
            regexes.insert(imported.rule.id.clone(), Regex::new(&imported.rule.regex)?);
        }
        Ok(GitleaksScanner {
            policy,
            scanners,
            regexes,
        })
    }

    /// Path-only rules: a changed file whose path matches is the finding.
    pub fn scan_file(&self, path: &str) -> Vec<Finding> {
        let mut out = Vec::new();
        for (imported, scanner) in self.policy.rules.iter().zip(&self.scanners) {
            let matches = imported.path.as_ref().is_some_and(|p| p.is_match(path));
            if scanner.is_some() || !matches {
                continue;
            }
            let mut finding = Finding::new(
                Kind::ForbiddenFile,
                &imported.rule.id,
                Severity::Error,
                path,
                path,
            )
            .message(imported.rule.description.clone())
            .fix("remove the file from the commit and keep it out of the repository")
            .category("gitleaks");
            if self.keeps(&mut finding, path, None) {
                out.push(finding);
            }
        }
        out
    }

    /// Findings of the gitleaks rules with a regex in `lines` of `text`.
    pub fn scan(&self, path: &str, text: &str, lines: Lines<'_>) -> Vec<Finding> {
        let mut out = Vec::new();
        for (imported, scanner) in self.policy.rules.iter().zip(&self.scanners) {
            let Some(scanner) = scanner else { continue };
            if imported.path.as_ref().is_some_and(|p| !p.is_match(path)) {
                continue;
            }
            let (found, spans) = scanner.scan_spans(path, text, lines, None);
            // The per-rule scanner's Kubernetes decoding may report a URL
            // password: confgate's own rules report that.
            let found = found
                .into_iter()
                .filter(|f| f.rule == imported.rule.id)
                .collect();
            out.extend(self.allow(path, text, found, &spans));
        }
        out
    }

    /// `found` (secret findings in `text`, whose secrets are at `spans`)
    /// less what the gitleaks allowlists allow; a finding an allowlist
    /// allows only in some commits is marked for [`keep`](Self::keep).
    pub fn allow(
        &self,
        path: &str,
        text: &str,
        found: Vec<Finding>,
        spans: &[(usize, usize)],
    ) -> Vec<Finding> {
        if self.policy.allowlists.is_empty() || found.is_empty() {
            return found;
        }
        let secrets = secrets_by_fingerprint(path, text, &found, spans);
        let lines: Vec<&str> = text.lines().collect();
        let mut out = Vec::with_capacity(found.len());
        for mut finding in found {
            let line = finding
                .line
                .and_then(|n| lines.get((n as usize).saturating_sub(1)))
                .copied()
                .unwrap_or("");
            let known = secrets.get(finding.fingerprint.as_str()).map(|secret| {
                let matched = self
                    .regexes
                    .get(&finding.rule)
                    .and_then(|re| full_match(re, line, secret))
                    .unwrap_or(secret);
                Found {
                    secret,
                    matched,
                    line,
                }
            });
            if self.keeps(&mut finding, path, known.as_ref()) {
                out.push(finding);
            }
        }
        out
    }

    /// A finding about a whole file (no secret): only `paths` can allow it.
    pub fn allow_file(&self, mut finding: Finding) -> Option<Finding> {
        let path = finding.path.clone();
        self.keeps(&mut finding, &path, None).then_some(finding)
    }

    fn keeps(&self, finding: &mut Finding, path: &str, found: Option<&Found<'_>>) -> bool {
        for (index, list) in self.policy.allowlists.iter().enumerate() {
            if !list.applies_to(&finding.rule) {
                continue;
            }
            match list.verdict(path, found) {
                Verdict::Allowed => return false,
                Verdict::IfCommit => finding.allowed_in_commits.push(index),
                Verdict::Kept => {}
            }
        }
        true
    }

    /// Whether a finding stays once its commit is known: not allowed by a
    /// commit allowlist, not fingerprinted in `.gitleaksignore`.
    pub fn keep(&self, finding: &Finding, commit: Option<&str>) -> bool {
        if !matches!(finding.kind, Kind::Secret | Kind::ForbiddenFile) {
            return true;
        }
        if let Some(commit) = commit {
            let allowed = finding
                .allowed_in_commits
                .iter()
                .filter_map(|&i| self.policy.allowlists.get(i))
                .any(|list| list.allows_commit(commit));
            if allowed {
                return false;
            }
        }
        !self
            .policy
            .ignores(&finding.rule, &finding.path, finding.line, commit)
    }

    /// The gitleaks rules, for `confgate rules` and `explain`.
    pub fn rules(&self) -> Vec<RuleInfo> {
        self.policy.rules.iter().map(rule_info).collect()
    }
}

fn rule_info(imported: &ImportedRule) -> RuleInfo {
    let rule = &imported.rule;
    let mut matches = Vec::new();
    if !rule.regex.is_empty() {
        matches.push(format!("regex `{}`", rule.regex));
    }
    if let Some(path) = &imported.path {
        matches.push(format!("paths matching `{}`", path.as_str()));
    }
    if !rule.keywords.is_empty() {
        matches.push(format!("on lines holding {}", rule.keywords.join(", ")));
    }
    if let Some(entropy) = rule.entropy {
        matches.push(format!("secrets of entropy ≥ {entropy}"));
    }
    RuleInfo {
        id: rule.id.clone(),
        kind: if rule.regex.is_empty() {
            Kind::ForbiddenFile
        } else {
            Kind::Secret
        },
        category: "gitleaks".into(),
        severity: Severity::Error,
        description: rule.description.clone(),
        matches: matches.join("; "),
        why: rule.why.clone(),
        fix: FIX.into(),
        example_bad: String::new(),
        example_good: String::new(),
        enabled: true,
    }
}

/// The whole match of `regex` on `line` whose `secret` group is `secret`.
fn full_match<'l>(regex: &Regex, line: &'l str, secret: &str) -> Option<&'l str> {
    regex.captures_iter(line).find_map(|caps| {
        let found = caps.name("secret").or_else(|| caps.get(0))?;
        (found.as_str() == secret).then(|| caps.get(0).map(|m| m.as_str()))?
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::gitleaks::GitleaksTexts;
    use crate::finding::fingerprint;

    fn scanner(config: &str, ignore: Option<&str>) -> GitleaksScanner {
        let texts = GitleaksTexts {
            config: Some((".gitleaks.toml".into(), config.into())),
            ignore: ignore.map(str::to_string),
            origin: String::new(),
        };
        GitleaksScanner::new(Gitleaks::load(&texts).unwrap()).unwrap()
    }

    const RULE: &str = "[[rules]]\nid = \"acme-token\"\ndescription = \"ACME token\"\nregex = '''acme_key\\s*=\\s*\"(acme_[A-Za-z0-9]{20})\"'''\nkeywords = [\"acme_\"]\n";

    #[test]
    fn the_secret_group_is_the_secret_and_paths_filter() {
        let config = format!("{RULE}path = '''\\.py$'''\n");
        let s = scanner(&config, None);
        let text = "x = 1\nacme_key = \"acme_Q7vTz2LmW9pXc4RbN8sK\"\n";
        let found = s.scan("app/x.py", text, Lines::All);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].rule, "acme-token");
        assert_eq!(found[0].line, Some(2));
        assert_eq!(
            found[0].fingerprint,
            fingerprint("acme-token", "app/x.py", "acme_Q7vTz2LmW9pXc4RbN8sK")
        );
        assert!(s.scan("app/x.env", text, Lines::All).is_empty());
    }

    #[test]
    fn allowlists_by_secret_match_line_and_commit() {
        let text = "acme_key = \"acme_Q7vTz2LmW9pXc4RbN8sK\" # rotated\n";
        for (allowlist, allowed) in [
            ("regexes = ['''^acme_Q7''']", true),
            ("regexes = ['''^acme_key''']", false),
            ("regexTarget = \"match\"\nregexes = ['''^acme_key''']", true),
            ("regexTarget = \"line\"\nregexes = ['''# rotated''']", true),
            ("stopwords = [\"q7vtz\"]", true),
            ("paths = ['''^other/''']", false),
        ] {
            let config = format!("{RULE}[[rules.allowlists]]\n{allowlist}\n");
            let found = scanner(&config, None).scan("a.py", text, Lines::All);
            assert_eq!(found.is_empty(), allowed, "{allowlist}");
        }
        let config = format!("{RULE}[allowlist]\ncommits = [\"abc1234\"]\n");
        let s = scanner(&config, None);
        let found = s.scan("a.py", text, Lines::All);
        assert_eq!(found.len(), 1);
        assert!(!s.keep(&found[0], Some("abc1234ffff")));
        assert!(s.keep(&found[0], Some("def5678")));
        assert!(s.keep(&found[0], None));
    }

    #[test]
    fn gitleaksignore_drops_the_fingerprinted_finding_only() {
        let s = scanner(RULE, Some("a.py:acme-token:1\n"));
        let text =
            "acme_key = \"acme_Q7vTz2LmW9pXc4RbN8sK\"\nacme_key = \"acme_Z8vTz2LmW9pXc4RbN8sQ\"\n";
        let found = s.scan("a.py", text, Lines::All);
        assert_eq!(found.len(), 2);
        let kept: Vec<u32> = found
            .iter()
            .filter(|f| s.keep(f, None))
            .filter_map(|f| f.line)
            .collect();
        assert_eq!(kept, vec![2]);
    }

    #[test]
    fn path_only_rule_reports_the_file() {
        let s = scanner(
            "[[rules]]\nid = \"keystore\"\ndescription = \"Java keystore\"\npath = '''\\.jks$'''\n",
            None,
        );
        assert_eq!(s.scan_file("certs/app.jks").len(), 1);
        assert!(s.scan_file("certs/app.txt").is_empty());
        assert_eq!(s.rules()[0].kind, Kind::ForbiddenFile);
    }
}
