//! Unit tests: the pack's own examples, multi-line calls, file types, line
//! selection, disabled rules and bad user rules.

use super::syntax::{FileType, ALL_TYPES};
use super::*;

fn scanner() -> SecurityScanner {
    match SecurityScanner::new(&[], &HashSet::new()) {
        Ok(s) => s,
        Err(e) => panic!("built-in pack does not load: {e:#}"),
    }
}

fn scan(path: &str, text: &str) -> Vec<Finding> {
    scanner().scan(path, text, Lines::All)
}

fn errors(findings: &[Finding]) -> Vec<(String, u32)> {
    findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| (f.rule.clone(), f.line.unwrap_or(0)))
        .collect()
}

fn types_of(rule: &SecurityRule) -> Vec<&'static str> {
    if rule.files.is_empty() {
        ALL_TYPES.to_vec()
    } else {
        ALL_TYPES
            .iter()
            .copied()
            .filter(|t| rule.files.iter().any(|f| f == t))
            .collect()
    }
}

#[test]
fn every_pack_regex_compiles_and_examples_behave() {
    let pack = match pack() {
        Ok(p) => p,
        Err(e) => panic!("{e}"),
    };
    assert!(pack.rule.len() >= 40);
    let s = scanner();
    let mut ids = HashSet::new();
    for rule in &pack.rule {
        assert!(ids.insert(rule.id.clone()), "duplicate id {}", rule.id);
        let compiled = match CompiledRule::new(rule.clone()) {
            Ok(c) => c,
            Err(e) => panic!("{}: {e:#}", rule.id),
        };
        if let Err(e) = compiled.validate() {
            panic!("{}: {e:#}", rule.id);
        }
        assert!(
            !rule.bad.is_empty() && !rule.good.is_empty() && !rule.fix.is_empty(),
            "{}",
            rule.id
        );
        let mut flagged = false;
        for t in types_of(rule) {
            let mut path = FileType::example_path(t).to_string();
            if rule.path.as_deref().is_some_and(|p| p.contains("gunicorn")) {
                path = if t == "python" {
                    "gunicorn.conf.py".into()
                } else {
                    format!("gunicorn.{}", path.rsplit('.').next().unwrap_or("ini"))
                };
            }
            let bad = s.scan(&path, &format!("{}\n", rule.bad), Lines::All);
            flagged |= bad
                .iter()
                .any(|f| f.rule == rule.id && f.severity == Severity::Error);
            let good = s.scan(&path, &format!("{}\n", rule.good), Lines::All);
            assert!(
                !good
                    .iter()
                    .any(|f| f.rule == rule.id && f.severity == Severity::Error),
                "{}: good example flagged in {path}: {good:?}",
                rule.id
            );
        }
        assert!(flagged, "{}: bad example not flagged", rule.id);
    }
}

#[test]
fn multi_line_call_points_at_the_setting_line() {
    let text = "from fastapi.middleware.cors import CORSMiddleware\n\napp.add_middleware(\n    CORSMiddleware,\n    allow_origins=[\"*\"],\n    allow_credentials=True,\n)\n";
    let found = errors(&scan("app/main.py", text));
    assert!(
        found.contains(&("cors-any-origin".to_string(), 5)),
        "{found:?}"
    );
    assert!(
        found.contains(&("cors-credentials-any-origin".to_string(), 6)),
        "{found:?}"
    );
    let text = "r = requests.get(\n    url,\n    verify=False,\n)\n";
    assert_eq!(
        errors(&scan("app/http.py", text)),
        vec![("tls-verify-disabled".to_string(), 3)]
    );
}

#[test]
fn safe_literals_warn_and_lookalikes_stay_quiet() {
    let f = scan(
        "app/http.py",
        "r = requests.get(u, verify=\"/etc/ssl/ca.pem\")\n",
    );
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].severity, Severity::Warning);
    for quiet in [
        "if settings.DEBUG:\n    pass\n",
        "x = settings.SESSION_COOKIE_SECURE\n",
        "flag = getattr(settings, \"DEBUG\")\n",
        "DEBUG = os.environ.get(\"DEBUG\") == \"1\"\n",
        "r = requests.get(u, verify=settings.CA_BUNDLE)\n",
        "DEBUG = env.bool(\"DEBUG\")\n",
        "\"\"\"Set DEBUG = True for local runs.\"\"\"\n",
        "# DEBUG = True\n",
        "if DEBUG == True:\n    pass\n",
        "INSTALLED_APPS += [\"debug_toolbar\"]\n",
        "send(user, verify_email=False)\n",
        "opts = {\"verify_signature\": False}\n",
        "print(\"verify=False is bad\")\n",
    ] {
        let f = scan("app/views.py", quiet);
        assert!(f.is_empty(), "{quiet:?} gave {f:?}");
    }
}

#[test]
fn config_file_types() {
    let cases = [
        (
            "config/app.toml",
            "[app]\ndebug = true\n",
            "debug-mode-config",
            2,
        ),
        (
            "config/app.yaml",
            "server:\n  DEBUG: true\n",
            "debug-mode-config",
            2,
        ),
        (".env.production", "A=1\nDEBUG=1\n", "debug-mode-config", 2),
        (
            "config/app.json",
            "{\n  \"debug\": true\n}\n",
            "debug-mode-config",
            2,
        ),
        (
            "config/app.ini",
            "[app]\ndebug = true\n",
            "debug-mode-config",
            2,
        ),
        ("setup.cfg", "[app]\ndebug: yes\n", "debug-mode-config", 2),
        (
            "Dockerfile",
            "FROM python\nENV DEBUG=1 PORT=80\n",
            "debug-mode-config",
            2,
        ),
        (
            "docker-compose.yml",
            "services:\n  web:\n    environment:\n      - DEBUG=1\n",
            "debug-mode-config",
            4,
        ),
        (
            "docker-compose.yml",
            "services:\n  web:\n    cap_add:\n      - ALL\n",
            "container-capabilities",
            4,
        ),
        (
            "deploy/nginx.conf",
            "server {\n  client_max_body_size 0;\n}\n",
            "nginx-body-unlimited",
            2,
        ),
        (
            "gunicorn.conf.py",
            "bind = \"0.0.0.0:8000\"\n",
            "gunicorn-bind-all",
            1,
        ),
        (
            "config/app.yaml",
            "ALLOWED_HOSTS:\n  - \"*\"\n",
            "allowed-hosts-wildcard",
            2,
        ),
    ];
    for (path, text, rule, line) in cases {
        let found = errors(&scan(path, text));
        assert!(
            found.contains(&(rule.to_string(), line)),
            "{path}: {found:?}"
        );
    }
    assert!(scan("config/app.yaml", "debug: ${DEBUG}\n").is_empty());
    assert!(scan("README.md", "DEBUG = True\n").is_empty());
    assert!(scan(".env.example", "DEBUG=1\n").is_empty());
    assert_eq!(
        errors(&scan("app/settings.py", "\u{feff}DEBUG = True\n")).len(),
        1
    );
}

#[test]
fn only_selected_lines_are_reported() {
    let text = "DEBUG = True\nALLOWED_HOSTS = [\"*\"]\n";
    let s = scanner();
    let found = s.scan("app/settings.py", text, Lines::Only(&[2]));
    assert_eq!(
        errors(&found),
        vec![("allowed-hosts-wildcard".to_string(), 2)]
    );
    assert!(s.scan("app/settings.py", text, Lines::Only(&[])).is_empty());
    assert!(s
        .scan("app/settings.py", text, Lines::Only(&[3]))
        .is_empty());
}

#[test]
fn disabled_rules_are_skipped_and_listed() {
    let disabled: HashSet<String> = ["debug-mode".to_string()].into();
    // debug-mode-config still covers config files; debug-mode alone is off.
    let s = match SecurityScanner::new(&[], &disabled) {
        Ok(s) => s,
        Err(e) => panic!("{e:#}"),
    };
    assert!(s
        .scan("app/settings.py", "DEBUG = True\n", Lines::All)
        .is_empty());
    let info = s.rules();
    assert!(info.iter().any(|r| r.id == "debug-mode" && !r.enabled));
    assert!(info.iter().any(|r| r.id == "csrf-exempt" && r.enabled));
}

fn user_rule(toml_text: &str) -> SecurityRule {
    match toml::from_str(toml_text) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn user_rules_work_and_bad_ones_name_their_id() {
    let good = user_rule(
        "id = \"acme-audit-off\"\ncategory = \"logging\"\ndescription = \"audit log off\"\nkey = \"ACME_AUDIT\"\ninsecure = \"(?i)^false$\"\n",
    );
    let s = match SecurityScanner::new(&[good], &HashSet::new()) {
        Ok(s) => s,
        Err(e) => panic!("{e:#}"),
    };
    let found = errors(&s.scan("app/settings.py", "ACME_AUDIT = False\n", Lines::All));
    assert_eq!(found, vec![("acme-audit-off".to_string(), 1)]);

    let bad = user_rule(
        "id = \"acme-broken\"\ncategory = \"x\"\ndescription = \"d\"\nkey = \"(unclosed\"\ninsecure = \"x\"\n",
    );
    let err = match SecurityScanner::new(&[bad], &HashSet::new()) {
        Ok(_) => panic!("a broken regex was accepted"),
        Err(e) => format!("{e:#}"),
    };
    assert!(err.contains("acme-broken"), "{err}");
    let neither = user_rule("id = \"acme-empty\"\ncategory = \"x\"\ndescription = \"d\"\n");
    let err = SecurityScanner::new(&[neither], &HashSet::new())
        .err()
        .map(|e| format!("{e:#}"));
    assert!(err.is_some_and(|e| e.contains("acme-empty")));
    assert!(toml::from_str::<SecurityRule>(
        "id = \"a\"\ncategory = \"x\"\ndescription = \"d\"\nkeyy = \"X\"\n"
    )
    .is_err());
}

#[test]
fn secret_key_values_are_redacted() {
    let f = scan(
        "app/settings.py",
        "SECRET_KEY = \"django-insecure-abcdefghijklmnop\"\n",
    );
    assert_eq!(f.len(), 1);
    let snippet = f[0].snippet.clone().unwrap_or_default();
    assert!(!snippet.contains("abcdefghijklmnop"), "{snippet}");
    assert!(
        !f[0].message.contains("abcdefghijklmnop"),
        "{}",
        f[0].message
    );
}

#[test]
fn fingerprint_does_not_depend_on_the_line() {
    let a = scan("app/settings.py", "DEBUG = True\n");
    let b = scan("app/settings.py", "\n\nDEBUG  =  True\n");
    assert_eq!(a[0].fingerprint, b[0].fingerprint);
    assert_ne!(a[0].line, b[0].line);
}

#[test]
fn default_files_come_from_the_pack() {
    let files = SecurityScanner::default_files();
    assert!(files.iter().any(|f| f == "**/security.py"));
    assert!(files.iter().any(|f| f == "config/security/**"));
}

#[test]
fn odd_input_does_not_panic() {
    let s = scanner();
    for text in [
        "\"\"\"",
        "x = (",
        "'",
        "é = ('ü\n",
        "DEBUG =",
        "\u{feff}DEBUG = True",
        "a\\\n",
    ] {
        for path in [
            "a.py",
            "a.toml",
            "a.yaml",
            ".env",
            "a.json",
            "Dockerfile",
            "a.conf",
        ] {
            let _ = s.scan(path, text, Lines::All);
            let _ = s.scan(path, text, Lines::Only(&[1, 5, 99]));
        }
    }
}

#[test]
fn multi_line_lists_in_config_files() {
    let toml_text = "[cors]\nallow_origins = [\n  \"https://a.example.com\",\n  \"*\",\n]\n";
    assert_eq!(
        errors(&scan("config/app.toml", toml_text)),
        vec![("cors-any-origin".to_string(), 2)]
    );
    let json_text = "{\n  \"cors\": {\n    \"origins\": [\n      \"*\"\n    ]\n  }\n}\n";
    assert_eq!(
        errors(&scan("config/app.json", json_text)),
        vec![("cors-any-origin".to_string(), 3)]
    );
}

#[test]
fn comparisons_and_constants_are_not_settings() {
    for quiet in [
        "will_verify = context.verify_mode != ssl.CERT_NONE\n",
        "if value == TLSVersion.SSLv3:\n    pass\n",
        "_create_default_https_context = create_default_context\n",
        "DEBUG = 1\nINFO = 2\n",
    ] {
        let f = errors(&scan("lib/module.py", quiet));
        assert!(f.is_empty(), "{quiet:?} gave {f:?}");
    }
    assert!(!errors(&scan("lib/module.py", "ctx.verify_mode = ssl.CERT_NONE\n")).is_empty());
}

#[test]
fn random_input_does_not_panic() {
    // A fixed linear congruential generator: reproducible, no dependency.
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let alphabet: Vec<char> = "DEBUG=True:\"'#[](){},.\\\n\r\t -*é€verify_ssl0o777ENV USER -\u{0}"
        .chars()
        .collect();
    let s = scanner();
    let added = [1, 2, 3, 5, 8, 13];
    for round in 0..300 {
        let len = (round * 7) % 200;
        let mut text = String::new();
        for _ in 0..len {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            text.push(alphabet[(seed >> 33) as usize % alphabet.len()]);
        }
        for path in [
            "a.py",
            "a.toml",
            "a.yaml",
            "docker-compose.yml",
            ".env",
            "a.json",
            "Dockerfile",
            "a.conf",
            "a.ini",
        ] {
            let _ = s.scan(path, &text, Lines::All);
            let _ = s.scan(path, &text, Lines::Only(&added));
        }
    }
}

#[test]
fn development_settings_warn_instead_of_block() {
    let flask = "class Config:\n    DEBUG = False\n\nclass DevelopmentConfig(Config):\n    DEBUG = True\n\nclass ProductionConfig(Config):\n    DEBUG = True\n";
    let found = scan("app/config.py", flask);
    let at = |line: u32| {
        found
            .iter()
            .find(|f| f.line == Some(line))
            .map(|f| f.severity)
    };
    assert_eq!(at(5), Some(Severity::Warning));
    assert_eq!(at(8), Some(Severity::Error));
    for path in [
        "app/settings/dev.py",
        "app/local_settings.py",
        "config/settings_local.py",
        ".env.development",
        "docker-compose.override.yml",
    ] {
        let text = if path.ends_with(".py") {
            "DEBUG = True\n"
        } else if path.ends_with(".yml") {
            "services:\n  web:\n    environment:\n      - DEBUG=1\n"
        } else {
            "DEBUG=1\n"
        };
        let f = scan(path, text);
        assert!(
            !f.is_empty() && f.iter().all(|f| f.severity == Severity::Warning),
            "{path}: {f:?}"
        );
    }
    for path in [
        "app/settings/production.py",
        "app/devices.py",
        "app/settings.py",
    ] {
        assert_eq!(errors(&scan(path, "DEBUG = True\n")).len(), 1, "{path}");
    }
}

#[test]
fn scanner_is_shared_across_threads() {
    fn assert_sync<T: Sync + Send>(_: &T) {}
    let s = scanner();
    assert_sync(&s);
    let found: Vec<usize> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                scope.spawn(|| {
                    s.scan("app/settings.py", "DEBUG = True\n", Lines::All)
                        .len()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or(0)).collect()
    });
    assert_eq!(found, vec![1, 1, 1, 1]);
}

#[test]
fn rule_info_explains_each_rule() {
    let info = scanner().rules();
    assert!(info.len() >= 40);
    for rule in &info {
        assert_eq!(rule.kind, "security-setting");
        assert!(!rule.matches.is_empty(), "{}", rule.id);
        assert!(!rule.why.is_empty() && !rule.fix.is_empty(), "{}", rule.id);
        assert!(
            !rule.example_bad.is_empty() && !rule.example_good.is_empty(),
            "{}",
            rule.id
        );
    }
    let cors = info.iter().find(|r| r.id == "cors-any-origin");
    assert!(cors.is_some_and(|r| r.matches.contains("allow_origins") && r.category == "cors"));
}

#[test]
fn ascii_classes_keep_meaning_for_ascii_text() {
    use super::syntax::ascii_classes;
    assert_eq!(ascii_classes(r"a\.b"), r"a\.b");
    assert_eq!(ascii_classes(r"\\s"), r"\\s");
    let re = regex::Regex::new(&ascii_classes(r"^\s*([\w.]+)\s*=\s*(\S+)\d$")).unwrap();
    let caps = re.captures("  app.debug_mode = True1").unwrap();
    assert_eq!(&caps[1], "app.debug_mode");
    assert_eq!(&caps[2], "True");
    assert!(regex::Regex::new(&ascii_classes(r"[^\s\W]"))
        .unwrap()
        .is_match("x"));
}

/// Each rule's bad example, cut short and repeated along one long statement
/// and down many lines (see the secrets test of the same name: a quadratic
/// loop around the regexes would make this run for hours).
#[test]
fn every_rule_stays_bounded_on_its_own_pathological_input() {
    let scanner = scanner();
    let pack = pack().expect("built-in pack");
    for rule in &pack.rule {
        let Some(kind) = types_of(rule).first().copied() else {
            continue;
        };
        let path = FileType::example_path(kind);
        let bad = rule.bad.as_str();
        let stem: String = bad
            .chars()
            .take(bad.chars().count().saturating_sub(1))
            .collect();
        let line = stem.repeat(20_000 / stem.len().max(1) + 1);
        let text = format!("{line}\n{}", format!("{bad}\n").repeat(300));
        let found = scanner.scan(path, &text, Lines::All);
        assert!(
            found.iter().all(|f| f
                .line
                .is_some_and(|l| l <= 301 + 300 * bad.lines().count() as u32)),
            "{}: a finding outside the text",
            rule.id
        );
    }
}

/// Keyword hits from a shared pass over the raw text wake the same rules
/// as the scanner's own search of the cleaned statements: words in
/// comments, docstrings and across statements included.
#[test]
fn shared_keyword_hits_wake_what_the_own_search_wakes() {
    use crate::keywords::SharedKeywords;

    let s = scanner();
    assert!(s.can_share_keywords());
    let secrets = crate::secrets::SecretScanner::new(&[], &HashSet::new()).expect("loads");
    let shared = SharedKeywords::new(secrets.keywords(), s.keywords());
    let text = concat!(
        "\"\"\"Settings. DEBUG = True is how it must not be; verify=False too.\"\"\"\n",
        "import requests  # requests.get(u, verify=False)\n",
        "DEBUG = True\n",
        "# CORS_ALLOW_ALL_ORIGINS = True\n",
        "r = requests.get(url, verify=False)\n",
        "x = 1; SESSION_COOKIE_SECURE = False\n",
        "logger.info(f\"token {token}\")  # log the secret: bad\n",
        "ALLOWED_HOSTS = ['*']  # '0.0.0.0'\n",
        "s = 'debug = True'; t = '''\nDEBUG = True\n'''\n",
        "CSRF_COOKIE_SECURE = (\n    False\n)\n",
    );
    let key = |f: &Finding| (f.rule.clone(), f.line, f.severity);
    let own: Vec<_> = s
        .scan("app/settings.py", text, Lines::All)
        .iter()
        .map(key)
        .collect();
    // The shared pass starts once a run has searched enough text.
    let mut hits = None;
    for _ in 0..=(300_000 / text.len()) {
        hits = shared.search(text);
    }
    let (_, hits) = hits.expect("builds");
    let with_shared: Vec<_> = s
        .scan_with("app/settings.py", text, Lines::All, Some(&hits))
        .iter()
        .map(key)
        .collect();
    assert_eq!(with_shared, own);
    let rules: Vec<&str> = own.iter().map(|(rule, _, _)| rule.as_str()).collect();
    for rule in [
        "debug-mode",
        "tls-verify-disabled",
        "log-secret",
        "allowed-hosts-wildcard",
    ] {
        assert!(rules.contains(&rule), "{rule} not found in {rules:?}");
    }
    assert!(
        !own.iter()
            .any(|(_, line, _)| *line == Some(1) || *line == Some(4)),
        "a docstring or comment was judged: {own:?}"
    );
}
