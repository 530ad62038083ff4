//! Unit tests of the scanner as the engine calls it.

use super::*;

fn scanner() -> SecretScanner {
    match SecretScanner::new(&[], &HashSet::new()) {
        Ok(s) => s,
        Err(e) => panic!("pack must load: {e:#}"),
    }
}

fn rule_ids(findings: &[Finding]) -> Vec<&str> {
    findings.iter().map(|f| f.rule.as_str()).collect()
}

/// A GitHub-format token with a valid checksum.
fn github_token(prefix: &str, entropy: &str) -> String {
    checksum::sample::github_style(prefix, entropy)
}

const BODY: &str = "MIIEowIBAAKCAQEAv3Yq8Zk2LmP9wXr4TnQs7Jd1HcVb6Ue0Ga5Yf2Ki8Lo3Np";

#[test]
fn scanner_is_sync() {
    fn assert_sync<T: Sync + Send>() {}
    assert_sync::<SecretScanner>();
}

#[test]
fn pack_has_many_rules_and_every_example_is_flagged_by_its_rule() {
    let pack = load_pack().unwrap_or_default();
    assert!(pack.len() >= 80, "only {} rules", pack.len());
    let scanner = scanner();
    for rule in &pack {
        assert!(Regex::new(&rule.regex).is_ok(), "{}: bad regex", rule.id);
        let Some(example) = &rule.example else {
            panic!("{} has no example", rule.id);
        };
        let text = format!("{example}\n");
        let found = scanner.scan("app/config.env", &text, Lines::All);
        assert!(
            found.iter().any(|f| f.rule == rule.id),
            "{}: example not flagged by its rule (got {:?})",
            rule.id,
            rule_ids(&found)
        );
        let mut secret = Regex::new(&rule.regex)
            .ok()
            .and_then(|re| {
                re.captures(example)
                    .and_then(|c| c.name("secret").or_else(|| c.get(0)))
                    .map(|m| m.as_str().to_string())
            })
            .unwrap_or_default();
        if rule.list {
            // The regex opens the list; the secret is its first literal.
            let after = example.split_once(secret.as_str()).map_or("", |(_, a)| a);
            secret = after.split('"').nth(1).unwrap_or("").to_string();
            assert!(secret.len() > 8, "{}: no literal in the example", rule.id);
        }
        // Anything past the first 4 characters must never be shown.
        let hidden: String = secret.chars().skip(4).take(8).collect();
        for f in &found {
            let snippet = f.snippet.clone().unwrap_or_default();
            assert!(!snippet.contains(&hidden), "{}: {snippet}", rule.id);
            assert!(!f.message.contains(&hidden), "{}: {}", rule.id, f.message);
        }
    }
}

#[test]
fn every_good_example_stays_quiet_for_its_rule() {
    let scanner = scanner();
    for rule in load_pack().unwrap_or_default() {
        let Some(good) = &rule.example_good else {
            assert!(
                rule.checksum.is_none(),
                "{}: a checksum rule needs a good example",
                rule.id
            );
            continue;
        };
        let found = scanner.scan("app/config.env", &format!("{good}\n"), Lines::All);
        assert!(
            found.iter().all(|f| f.rule != rule.id),
            "{}: good example flagged: {good}",
            rule.id
        );
    }
}

#[test]
fn a_token_failing_its_checksum_is_not_reported_as_the_provider() {
    let s = scanner();
    let token = github_token("ghp_", "Zt4rQ8wLmN2pXy6vKc3eHb7JdF9sA1");
    let last = token.chars().last().unwrap_or('A');
    let broken = format!(
        "{}{}",
        &token[..token.len() - 1],
        if last == 'A' { 'B' } else { 'A' }
    );
    // Free text: quiet.
    let prose = format!("see {broken} in the replay fixture\n");
    assert!(s.scan("notes/replay.txt", &prose, Lines::All).is_empty());
    // Assigned to a secret-looking key: the generic detector still blocks it.
    let assigned = format!("GITHUB_TOKEN = \"{broken}\"\n");
    assert_eq!(
        rule_ids(&s.scan("app/settings.py", &assigned, Lines::All)),
        vec!["generic-secret-assignment"]
    );
    // Redaction still hides it: hiding a same-shape string costs nothing.
    assert!(!s.hide_secrets(&prose).contains(&broken[4..]));
    // The valid token, in the same places, is GitHub's.
    let prose = format!("see {token} in the replay fixture\n");
    assert_eq!(
        rule_ids(&s.scan("notes/replay.txt", &prose, Lines::All)),
        vec!["github-pat"]
    );
}

#[test]
fn github_short_and_long_forms_are_found_by_their_checksum() {
    let s = scanner();
    for entropy in [
        "Zt4rQ8wLmN2pXy6vKc3eHb7JdF9sA",
        "Zt4rQ8wLmN2pXy6vKc3eHb7JdF9sA1uGo5",
    ] {
        for (prefix, rule) in [("ghp_", "github-pat"), ("ghs_", "github-app-token")] {
            let text = format!("token: {}\n", github_token(prefix, entropy));
            assert_eq!(
                rule_ids(&s.scan("ci.yml", &text, Lines::All)),
                vec![rule],
                "{text}"
            );
        }
    }
}

#[test]
fn fixed_length_tokens_ending_in_a_dash_or_underscore_are_found() {
    let s = scanner();
    for (text, rule) in [
        ("SENDGRID = \"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\"\n", "sendgrid-api-key"),
        ("maps: AIzaZt4rQ8wLmN2pXy6vKc3eHb7JdF9sA1uGo5_\n", "gcp-api-key"),
        ("hub = Client('dckr_pat_Zt4rQ8wLmN2pXy6vKc3eHb7JdF-')\n", "dockerhub-pat"),
    ] {
        assert_eq!(rule_ids(&s.scan("app/settings.py", text, Lines::All)), vec![rule], "{text}");
    }
}

#[test]
fn jwts_are_found_anywhere_on_a_line_when_their_header_is_json() {
    let s = scanner();
    let b64 = |json: &str| checksum::sample::base64url(json.as_bytes());
    let payload = b64(r#"{"sub":"svc-billing","exp":1893456000}"#);
    let sig = "Qz8Lw2Nv5Tr7Yx1Km4Hs9Jd3Fb6Cp0GaEu7VbN2xYw";
    for header in [
        r#"{"alg":"HS256","typ":"JWT"}"#,
        "{\n  \"alg\": \"RS256\"\n}",
        r#"{ "alg": "ES256" }"#,
    ] {
        let jwt = format!("{}.{payload}.{sig}", b64(header));
        for text in [
            format!("curl -H 'Authorization: Bearer {jwt}' https://api.internal/v1/me\n"),
            format!("requests.get(URL, headers=auth_headers(\"{jwt}\"))\n"),
            format!("- {jwt}\n"),
        ] {
            assert_eq!(
                rule_ids(&s.scan("deploy/notes.md", &text, Lines::All)),
                vec!["jwt"],
                "{text}"
            );
        }
    }
    // Three dotted base64url JSON segments, but no JWT header (no `alg`).
    let fake = format!(
        "{}.{payload}.{sig}",
        b64(r#"{"version": 2, "kind": "cache"}"#)
    );
    let text = format!("cache_marker({fake})\n");
    assert!(
        s.scan("app/cache.py", &text, Lines::All).is_empty(),
        "{fake}"
    );
}

#[test]
fn findings_are_redacted_and_fingerprinted_by_value() {
    let token = github_token("ghp_", "Zt4rQ8wLmN2pXy6vKc3eHb7JdF9sA1");
    let text = format!("# header\nGITHUB_TOKEN = \"{token}\"\n");
    let found = scanner().scan("settings.py", &text, Lines::All);
    assert_eq!(rule_ids(&found), vec!["github-pat"]);
    let f = &found[0];
    assert_eq!(f.line, Some(2));
    assert_eq!(f.kind, Kind::Secret);
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(f.category.as_deref(), Some("github"));
    let snippet = f.snippet.clone().unwrap_or_default();
    assert!(snippet.contains("ghp_…"), "{snippet}");
    assert!(!snippet.contains("ghp_Z"));
    assert!(!f.message.contains("ghp_Z"));
    // Moving the secret to another line keeps the fingerprint.
    let moved = format!("\n\n\nGITHUB_TOKEN = \"{token}\"\n");
    let again = scanner().scan("settings.py", &moved, Lines::All);
    assert_eq!(again[0].fingerprint, f.fingerprint);
}

#[test]
fn only_selected_lines_are_reported() {
    let text = "A = \"AKIAZ7VQ3LTW4GSQWERT\"\nB = \"AKIAQ7VQ3LTW4GSQWERM\"\n";
    let s = scanner();
    assert_eq!(s.scan("a.py", text, Lines::All).len(), 2);
    let only = s.scan("a.py", text, Lines::Only(&[2]));
    assert_eq!(only.len(), 1);
    assert_eq!(only[0].line, Some(2));
    assert!(s.scan("a.py", text, Lines::Only(&[])).is_empty());
}

#[test]
fn multi_line_key_reported_when_any_of_its_lines_is_added() {
    let text = format!(
        "KEY = \"\"\"\n-----BEGIN OPENSSH PRIVATE KEY-----\n{BODY}\n{BODY}\n-----END OPENSSH PRIVATE KEY-----\n\"\"\"\n"
    );
    let s = scanner();
    let found = s.scan("keys.py", &text, Lines::Only(&[4]));
    assert_eq!(rule_ids(&found), vec!["private-key-openssh"]);
    assert_eq!(found[0].line, Some(2));
    let snippet = found[0].snippet.clone().unwrap_or_default();
    assert_eq!(snippet, "-----BEGIN OPENSSH PRIVATE KEY-----");
    assert!(s.scan("keys.py", &text, Lines::Only(&[7])).is_empty());
}

/// Headers and list keys are looked for only on the lines above a changed
/// line that a key block or a list could reach from them: a changed line
/// deep in a long block or list is still found, at every depth either
/// reaches, exactly as when every line is selected.
#[test]
fn a_changed_line_deep_in_a_long_key_block_or_list_is_found_from_its_start() {
    let s = scanner();
    let filler: String = (0..600).map(|n| format!("x{n} = {n}\n")).collect();
    let body: String = (0..390).map(|_| format!("{BODY}\n")).collect();
    let text = format!(
        "{filler}KEY = \"\"\"\n-----BEGIN OPENSSH PRIVATE KEY-----\n{body}-----END OPENSSH PRIVATE KEY-----\n\"\"\"\n{filler}"
    );
    let header = 602u32;
    let everything: Vec<u32> = (1..=text.lines().count() as u32).collect();
    let all = s.scan("keys.py", &text, Lines::Only(&everything));
    assert_eq!(rule_ids(&all), vec!["private-key-openssh"]);
    assert_eq!(all[0].line, Some(header));
    for changed in [header, header + 1, header + 200, header + 390, header + 391] {
        let found = s.scan("keys.py", &text, Lines::Only(&[changed]));
        assert_eq!(
            rule_ids(&found),
            vec!["private-key-openssh"],
            "line {changed}"
        );
        assert_eq!(found[0].line, Some(header));
    }
    for quiet in [header - 1, header + 392, 1, 1500] {
        assert!(
            s.scan("keys.py", &text, Lines::Only(&[quiet])).is_empty(),
            "line {quiet}"
        );
    }

    let entries: String = (0..180)
        .map(|n| format!("    os.environ[\"OLD_{n}\"],\n"))
        .collect();
    let list = format!(
        "{filler}SECRET_KEY_FALLBACKS = [\n{entries}    \"qe86PE4oyLyjrfs6ePIethrzfiJnGYlS6HGo7CPrX\",\n]\n{filler}"
    );
    let secret_line = 601 + 180 + 1;
    let found = s.scan("settings.py", &list, Lines::Only(&[secret_line]));
    assert_eq!(rule_ids(&found), vec!["framework-secret-key-fallback"]);
    assert_eq!(found[0].line, Some(secret_line));
    assert!(s
        .scan("settings.py", &list, Lines::Only(&[secret_line - 1]))
        .is_empty());
}

#[test]
fn json_escaped_key_is_one_finding_with_redacted_snippet() {
    let text = format!(
        "{{\n  \"type\": \"service_account\",\n  \"private_key\": \"-----BEGIN PRIVATE KEY-----\\n{BODY}\\n{BODY}\\n-----END PRIVATE KEY-----\\n\"\n}}\n"
    );
    let found = scanner().scan("sa.json", &text, Lines::All);
    assert_eq!(rule_ids(&found), vec!["private-key-pkcs8"]);
    let snippet = found[0].snippet.clone().unwrap_or_default();
    assert!(!snippet.contains(BODY), "{snippet}");
}

#[test]
fn disabled_rules_are_skipped_and_listed_as_disabled() {
    let disabled: HashSet<String> =
        ["aws-access-key-id".to_string(), "env-file".to_string()].into();
    let s = match SecretScanner::new(&[], &disabled) {
        Ok(s) => s,
        Err(e) => panic!("{e:#}"),
    };
    assert!(s
        .scan("a.py", "K = \"AKIAZ7VQ3LTW4GSQWERT\"\n", Lines::All)
        .is_empty());
    assert!(s.forbidden_file(".env", None).is_none());
    assert!(s.forbidden_file("id_rsa", None).is_some());
    let rules = s.rules();
    let aws = rules.iter().find(|r| r.id == "aws-access-key-id");
    assert!(aws.is_some_and(|r| !r.enabled));
    assert!(rules
        .iter()
        .any(|r| r.id == "generic-secret-assignment" && r.enabled));
    assert!(rules.iter().any(|r| r.kind == Kind::ForbiddenFile));
}

fn user_rule(id: &str, regex: &str) -> SecretRule {
    SecretRule {
        id: id.into(),
        description: "internal service token".into(),
        regex: regex.into(),
        keywords: vec!["acme_".into()],
        why: String::new(),
        fix: String::new(),
        provider: Some("acme".into()),
        entropy: None,
        random: false,
        list: false,
        checksum: None,
        example: None,
        example_good: None,
    }
}

#[test]
fn user_rules_run_and_bad_regex_names_the_rule() {
    let good = user_rule("acme-token", r"\bacme_(?P<secret>[a-z0-9]{24})\b");
    let s = match SecretScanner::new(&[good], &HashSet::new()) {
        Ok(s) => s,
        Err(e) => panic!("{e:#}"),
    };
    let found = s.scan("c.py", "T = 'acme_k3j9x2m8q7w1z5v4b6n0p2r8'\n", Lines::All);
    assert!(
        found.iter().any(|f| f.rule == "acme-token"),
        "{:?}",
        rule_ids(&found)
    );
    let bad = user_rule("broken-rule", r"acme_(unclosed");
    let err = SecretScanner::new(&[bad], &HashSet::new()).err();
    let message = err.map(|e| format!("{e:#}")).unwrap_or_default();
    assert!(message.contains("broken-rule"), "{message}");
}

#[test]
fn user_rule_schema_rejects_unknown_fields() {
    let parsed: Result<SecretRule, _> =
        toml::from_str("id = \"x\"\ndescription = \"d\"\nregex = \"x\"\nbogus = 1\n");
    assert!(parsed.is_err());
}

#[test]
fn doc_examples_and_lookalikes_stay_quiet() {
    let text = r#"
AWS_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
AWS_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
DATABASE_URL = "postgres://postgres:postgres@localhost/db"
commit = "3f786850e387550fdab836ed7e6dc881de23001b"
image = "python@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
request_id = "123e4567-e89b-12d3-a456-426614174000"
API_KEY = os.environ["API_KEY"]
"#;
    let found = scanner().scan("settings.py", text, Lines::All);
    assert!(found.is_empty(), "{:?}", rule_ids(&found));
}

#[test]
fn provider_rule_wins_over_generic_for_the_same_value() {
    let text = "STRIPE_SECRET_KEY = \"sk_live_Zt4rQ8wLmN2pXy6vKc3eHb7J\"\n";
    let found = scanner().scan("settings.py", text, Lines::All);
    assert_eq!(rule_ids(&found), vec!["stripe-secret-key"]);
}

/// Each rule's own example, cut short and repeated along one long line and
/// down many lines: the worst case for a prefix that keeps almost matching.
/// The regex engine is linear by construction; this guards the code around
/// it (candidate lines, randomness checks, URL and key-block parsing), where
/// a quadratic loop would turn this test into hours and CI's limit into a
/// failure.
#[test]
fn every_rule_stays_bounded_on_its_own_pathological_input() {
    let scanner = scanner();
    for rule in load_pack().unwrap_or_default() {
        let Some(example) = rule.example.as_deref() else {
            continue;
        };
        let stem: String = example
            .chars()
            .take(example.chars().count().saturating_sub(1))
            .collect();
        let line = stem.repeat(20_000 / stem.len().max(1) + 1);
        let text = format!("{line}\n{}", format!("{example}\n").repeat(300));
        let found = scanner.scan("app/settings.py", &text, Lines::All);
        assert!(
            found.iter().all(|f| f.line.is_some_and(|l| l <= 301)),
            "{}: a finding outside the text",
            rule.id
        );
        assert!(
            found.iter().filter(|f| f.rule == rule.id).count() >= 300,
            "{}: the repeated example is no longer found on every line",
            rule.id
        );
    }
}

#[test]
fn every_snippet_hides_every_secret_of_its_line_in_any_order() {
    // The URL password (found after the provider rules) comes first on the
    // line, the AWS key (found first) second.
    let password = "Xk29vLq8Wz7pRt4M";
    let key = ["AKIA", "Q7XW3LTV4GSZ2PRN"].concat();
    let line = format!("DB = \"postgres://app:{password}@db.internal/app\"; ID = \"{key}\"\n");
    let findings = scanner().scan("app/settings.py", &line, Lines::All);
    assert_eq!(rule_ids(&findings).len(), 2, "{findings:?}");
    for finding in &findings {
        let snippet = finding.snippet.as_deref().unwrap_or_default();
        assert!(
            !snippet.contains(password) && !snippet.contains(&key),
            "{snippet}"
        );
        assert!(
            snippet.contains("Xk29…") && snippet.contains("AKIA…"),
            "{snippet}"
        );
    }
}

#[test]
fn secret_key_fallbacks_are_secrets_like_the_key() {
    let s = scanner();
    let text = "SECRET_KEY = os.environ[\"SECRET_KEY\"]\nSECRET_KEY_FALLBACKS = [\n    os.environ[\"OLD_KEY\"],\n    \"qe86PE4oyLyjrfs6ePIethrzfiJnGYlS6HGo7CPrX\",  # the 2024 key\n    \"changeme-please-replace\",\n]\nDEBUG = False\n";
    let found = s.scan("mysite/settings.py", text, Lines::All);
    assert_eq!(rule_ids(&found), vec!["framework-secret-key-fallback"]);
    assert_eq!(found[0].line, Some(4));
    assert!(
        !found[0]
            .snippet
            .as_deref()
            .unwrap_or("")
            .contains("yLyjrfs6"),
        "{:?}",
        found[0].snippet
    );
    // Only the entry line is added: the list's key is lines away.
    let found = s.scan("mysite/settings.py", text, Lines::Only(&[4]));
    assert_eq!(rule_ids(&found), vec!["framework-secret-key-fallback"]);
    assert!(s
        .scan("mysite/settings.py", text, Lines::Only(&[7]))
        .is_empty());
    // One line, tuple form.
    let one = "SECRET_KEY_FALLBACKS = (\"a\", \"django-insecure-qe86PE4oyLyjrfs6ePIethrzfiJnGYlS6HGo7CPr\")\n";
    assert_eq!(
        rule_ids(&s.scan("mysite/settings.py", one, Lines::All)),
        vec!["framework-secret-key-fallback"]
    );
    for quiet in [
        "SECRET_KEY_FALLBACKS = []\n",
        "SECRET_KEY_FALLBACKS = env.list(\"SECRET_KEY_FALLBACKS\", default=[])\n",
        "SECRET_KEY_FALLBACKS = [os.environ[\"OLD_SECRET_KEY_2024\"]]\nX = \"qe86PE4oyLyjrfs6ePIethrzfiJnGYlS6HGo7CPrX\"\n",
    ] {
        let found = s.scan("mysite/settings.py", quiet, Lines::All);
        assert!(
            !found.iter().any(|f| f.rule == "framework-secret-key-fallback"),
            "{quiet}: {found:?}"
        );
    }
}

#[test]
fn secrets_in_prefixed_joined_and_query_literals() {
    let s = scanner();
    for (text, rule) in [
        (
            "PASSWORD = f\"Zt4rQ8wLmN2pXy6vKc3eHb7J\"\n",
            "generic-secret-assignment",
        ),
        (
            "API_KEY = r'Zt4rQ8wLmN2pXy6vKc3eHb7K'\n",
            "generic-secret-assignment",
        ),
        (
            "SECRET = b\"Zt4rQ8wLmN2pXy6vKc3eHb7L\"\n",
            "generic-secret-assignment",
        ),
        ("KEY = \"AKIA\" \"QYLPMN5HHHFPZAM2\"\n", "aws-access-key-id"),
        (
            "URL = \"https://api.example.com/v1/items?api_key=Zt4rQ8wLmN2pXy6vKc3eHb7N&limit=5\"\n",
            "generic-secret-assignment",
        ),
    ]
    .into_iter()
    .map(|(text, rule)| (text.to_string(), rule))
    .chain([(
        format!("GH = (\"ghp_R8x2Lq9TzV4mN7wK3\"  '{}')\n", &joined_tail()),
        "github-pat",
    )]) {
        let text = text.as_str();
        let found = s.scan("app/settings.py", text, Lines::All);
        assert_eq!(rule_ids(&found), vec![rule], "{text}");
        let snippet = found[0].snippet.as_deref().unwrap_or("");
        assert!(
            !snippet.contains("QYLPMN")
                && !snippet.contains("Q8wLmN")
                && !snippet.contains("pY6sD1"),
            "{snippet}"
        );
    }
    for quiet in [
        "HEADER = f\"Bearer {token}\"\n",
        "TOKEN = f\"{prefix}{Zt4rQ8wLmN2pXy6vKc3eHb7M}\"\n",
        "MSG = \"hello\" \"world\"\n",
        "DOC = \"https://example.com/search?token=&q=x\"\n",
        "LINK = \"https://example.com/reset?token={token}\"\n",
        "KEY = \"AKIA\" + suffix\n",
    ] {
        let found = s.scan("app/settings.py", quiet, Lines::All);
        assert!(found.is_empty(), "{quiet}: {found:?}");
    }
}

/// The part of a valid `ghp_R8x2Lq9TzV4mN7wK3…` token after its first 21
/// characters.
fn joined_tail() -> String {
    github_token("ghp_", "R8x2Lq9TzV4mN7wK3pY6sD1fH5jB0c")[21..].to_string()
}

#[test]
fn json_escapes_inside_a_token_are_read_as_characters() {
    let s = scanner();
    let tail = joined_tail().replacen("H5", "\\u0048\\u0035", 1);
    let text = format!("{{\"ci\": \"ghp_R8x2Lq9TzV4mN7wK3{tail}\"}}\n");
    let text = text.as_str();
    let found = s.scan("config/ci.json", text, Lines::All);
    assert_eq!(rule_ids(&found), vec!["github-pat"]);
    assert!(!found[0].snippet.as_deref().unwrap_or("").contains("R8x2Lq"));
    let quiet = "{\"greeting\": \"caf\\u00e9 \\u0048ello\"}\n";
    assert!(s.scan("config/ci.json", quiet, Lines::All).is_empty());
}

#[test]
fn base64_data_of_a_kubernetes_secret_is_decoded() {
    let s = scanner();
    let text = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ntype: Opaque\ndata:\n  DATABASE_URL: cG9zdGdyZXM6Ly9hcHA6WnQ0clE4d0xtTjJwWHk2dktjM2VAZGI6NTQzMi9hcHA=\n  STRIPE: c2tfbGl2ZV9adDRyUTh3TG1OMnBYeTZ2S2MzZUhiN0o=\n  LOCAL_URL: cG9zdGdyZXM6Ly9hcHA6Y2hhbmdlbWVAbG9jYWxob3N0L2FwcA==\n  HOST: ZGIuaW50ZXJuYWwuZXhhbXBsZS5jb20=\n";
    let found = s.scan("deploy/k8s/secret.yaml", text, Lines::All);
    let got: Vec<(&str, Option<u32>)> = found.iter().map(|f| (f.rule.as_str(), f.line)).collect();
    assert_eq!(
        got,
        vec![("url-password", Some(7)), ("stripe-secret-key", Some(8))]
    );
    for f in &found {
        let snippet = f.snippet.as_deref().unwrap_or("");
        assert!(
            !snippet.contains("ZGdyZXM")
                && !snippet.contains("l2ZV9")
                && !f.message.contains("Zt4r"),
            "{f:?}"
        );
    }
    // Only the selected lines; and not a Secret, not decoded.
    assert_eq!(
        s.scan("deploy/k8s/secret.yaml", text, Lines::Only(&[8]))
            .len(),
        1
    );
    let config_map = text.replace("kind: Secret", "kind: ConfigMap");
    assert!(s
        .scan("deploy/k8s/cm.yaml", &config_map, Lines::All)
        .is_empty());
}
