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
        if rule.removal.is_some() {
            assert_removal_examples(&s, rule);
            continue;
        }
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
            // A `warn_only` rule's insecure value is a warning.
            let fired = if rule.warn_only {
                Severity::Warning
            } else {
                Severity::Error
            };
            flagged |= bad.iter().any(|f| f.rule == rule.id && f.severity == fired);
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

/// A removal rule's examples are the old text, a `---` line, the new text:
/// the change in `bad` is flagged in every file type the rule reads (where
/// the example parses as that type), the one in `good` in none.
fn assert_removal_examples(s: &SecurityScanner, rule: &SecurityRule) {
    let split = |example: &str| -> (String, String) {
        match example.split_once("\n---\n") {
            Some((old, new)) => (format!("{old}\n"), format!("{new}\n")),
            None => panic!("{}: removal example without `---`: {example:?}", rule.id),
        }
    };
    let (bad_old, bad_new) = split(&rule.bad);
    let (good_old, good_new) = split(&rule.good);
    let mut flagged = false;
    for t in types_of(rule) {
        let path = FileType::example_path(t);
        let bad = s.removals(path, &bad_old, &bad_new);
        flagged |= bad
            .iter()
            .any(|r| r.finding.rule == rule.id && r.finding.severity == Severity::Error);
        let good = s.removals(path, &good_old, &good_new);
        assert!(
            !good.iter().any(|r| r.finding.rule == rule.id),
            "{}: good example flagged in {path}: {good:?}",
            rule.id
        );
        // What a removal rule reads, it never reports from added lines.
        let scanned = s.scan(path, &bad_old, Lines::All);
        assert!(
            !scanned.iter().any(|f| f.rule == rule.id),
            "{}: removal rule ran on written lines: {scanned:?}",
            rule.id
        );
    }
    assert!(flagged, "{}: bad example not flagged", rule.id);
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
    // A safe setting that could live in a designated file warns; a call's
    // safe argument has nowhere else to go and is quiet.
    let f = scan(
        "app/http.py",
        "REQUESTS_VERIFY = \"/etc/ssl/ca.pem\"\nSESSION_COOKIE_SECURE = True\n",
    );
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].severity, Severity::Warning);
    assert_eq!(f[0].rule, INLINE_RULE);
    assert!(scan(
        "app/http.py",
        "r = requests.get(u, verify=\"/etc/ssl/ca.pem\")\n"
    )
    .is_empty());
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
            "deploy/supervisord.conf",
            "[program:api]\ncommand=gunicorn api.wsgi --bind 0.0.0.0:8000\n",
            "bind-all-flag",
            2,
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
        assert_eq!(rule.kind, Kind::SecuritySetting);
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
        if rule.removal.is_some() {
            // Everything deleted at once: one pass over each side.
            let found = scanner.removals(path, &text, "x\n");
            assert!(
                found.iter().all(|r| r.finding.line == Some(1)),
                "{}: a removal outside the new text",
                rule.id
            );
            continue;
        }
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
    use crate::detect::keywords::SharedKeywords;

    let s = scanner();
    assert!(s.can_share_keywords());
    let secrets = crate::detect::secrets::SecretScanner::new(&[], &HashSet::new()).expect("loads");
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

// ------------------------------------------------------------ removals

/// `(rule, line in the new text)` of each removal from `old` to `new`.
fn removed(path: &str, old: &str, new: &str) -> Vec<(String, u32)> {
    scanner()
        .removals(path, old, new)
        .into_iter()
        .map(|r| {
            assert_eq!(r.finding.severity, Severity::Error, "{r:?}");
            (r.finding.rule, r.finding.line.unwrap_or(0))
        })
        .collect()
}

#[test]
fn deleting_the_non_root_user_of_a_dockerfile_is_a_removal() {
    let old = "FROM python:3.12\nRUN useradd app\nUSER app\nCMD [\"gunicorn\"]\n";
    let rule = "dockerfile-user-removed".to_string();
    let new = "FROM python:3.12\nRUN useradd app\nCMD [\"gunicorn\"]\n";
    assert_eq!(removed("Dockerfile", old, new), vec![(rule.clone(), 3)]);
    let env_instead = "FROM python:3.12\nRUN useradd app\nENV USER=app\nCMD [\"gunicorn\"]\n";
    assert_eq!(
        removed("Dockerfile", old, env_instead),
        vec![(rule.clone(), 3)]
    );
    let lower = "from python:3.12\nuser 1000:1000\n";
    assert_eq!(
        removed("app.Dockerfile", lower, "from python:3.12\n"),
        vec![(rule.clone(), 1)]
    );
    // The last stage's USER goes; the build stage keeps its own.
    let stages = "FROM python AS build\nUSER builder\nRUN make\nFROM python\nUSER app\nCMD x\n";
    let dropped = "FROM python AS build\nUSER builder\nRUN make\nFROM python\nCMD x\n";
    assert_eq!(removed("Dockerfile", stages, dropped), vec![(rule, 5)]);
    for (why, new) in [
        (
            "moved",
            "FROM python:3.12\nUSER app\nRUN useradd app\nCMD [\"gunicorn\"]\n",
        ),
        (
            "renamed user",
            "FROM python:3.12\nRUN useradd web\nUSER web\nCMD [\"gunicorn\"]\n",
        ),
        (
            "other lines",
            "FROM python:3.13\nRUN useradd app\nUSER app\nCMD [\"uvicorn\"]\n",
        ),
    ] {
        assert!(removed("Dockerfile", old, new).is_empty(), "{why}");
    }
    // Root before is not a safe setting lost (and root after is the
    // written rule's business, not a removal).
    assert!(removed("Dockerfile", "FROM x\nUSER root\n", "FROM x\n").is_empty());
    let to_root = "FROM python:3.12\nRUN useradd app\nUSER root\nCMD [\"gunicorn\"]\n";
    assert!(removed("Dockerfile", old, to_root).is_empty());
    assert_eq!(
        errors(&scanner().scan("Dockerfile", to_root, Lines::Only(&[3]))),
        vec![("dockerfile-user-root".to_string(), 3)]
    );
}

const MIDDLEWARE: &str = "MIDDLEWARE = [\n    \"django.middleware.security.SecurityMiddleware\",\n    \"django.contrib.sessions.middleware.SessionMiddleware\",\n    \"django.middleware.common.CommonMiddleware\",\n    \"django.middleware.csrf.CsrfViewMiddleware\",\n    \"django.middleware.clickjacking.XFrameOptionsMiddleware\",\n]\n";

#[test]
fn security_middleware_dropped_from_a_multi_line_list() {
    let rule = "security-middleware-removed".to_string();
    for (entry, line) in [
        (
            "    \"django.middleware.security.SecurityMiddleware\",\n",
            2,
        ),
        ("    \"django.middleware.csrf.CsrfViewMiddleware\",\n", 5),
        (
            "    \"django.middleware.clickjacking.XFrameOptionsMiddleware\",\n",
            6,
        ),
    ] {
        let new = MIDDLEWARE.replace(entry, "");
        assert_eq!(
            removed("mysite/settings.py", MIDDLEWARE, &new),
            vec![(rule.clone(), line)],
            "{entry}"
        );
        // Commented out is removed too.
        let commented = MIDDLEWARE.replace(entry, &format!("    # {}", entry.trim_start()));
        assert_eq!(
            removed("mysite/settings.py", MIDDLEWARE, &commented),
            vec![(rule.clone(), line)],
            "{entry}"
        );
    }
    let gone = "TIME_ZONE = \"UTC\"\n";
    assert_eq!(
        removed("mysite/settings.py", MIDDLEWARE, gone).len(),
        3,
        "the whole list deleted"
    );
    // Reordered, re-quoted, reformatted, one entry added or a harmless one
    // dropped: nothing removed.
    let reordered = "MIDDLEWARE = [\n    'django.middleware.csrf.CsrfViewMiddleware',\n    'django.middleware.security.SecurityMiddleware',\n    'django.middleware.clickjacking.XFrameOptionsMiddleware',\n    'django.contrib.sessions.middleware.SessionMiddleware',\n    'whitenoise.middleware.WhiteNoiseMiddleware',\n]\n";
    assert!(removed("mysite/settings.py", MIDDLEWARE, reordered).is_empty());
    let one_line = "MIDDLEWARE = [\"django.middleware.security.SecurityMiddleware\", \"django.middleware.csrf.CsrfViewMiddleware\", \"django.middleware.clickjacking.XFrameOptionsMiddleware\"]\n";
    assert!(removed("mysite/settings.py", MIDDLEWARE, one_line).is_empty());
}

const HASHERS: &str = "PASSWORD_HASHERS = [\n    \"django.contrib.auth.hashers.PBKDF2PasswordHasher\",\n    \"django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher\",\n    \"django.contrib.auth.hashers.Argon2PasswordHasher\",\n    \"django.contrib.auth.hashers.MD5PasswordHasher\",\n]\n";

#[test]
fn weak_hasher_first_or_strong_ones_dropped() {
    // The weak hasher moved first: only its line and the one it swapped
    // with change, not the setting's name.
    let weak_first = "PASSWORD_HASHERS = [\n    \"django.contrib.auth.hashers.MD5PasswordHasher\",\n    \"django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher\",\n    \"django.contrib.auth.hashers.Argon2PasswordHasher\",\n    \"django.contrib.auth.hashers.PBKDF2PasswordHasher\",\n]\n";
    assert_eq!(
        errors(&scanner().scan("mysite/settings.py", weak_first, Lines::Only(&[2, 5]))),
        vec![("weak-password-hasher".to_string(), 2)]
    );
    for weak in ["SHA1", "UnsaltedMD5", "UnsaltedSHA1", "Crypt"] {
        let text =
            format!("PASSWORD_HASHERS = [\"django.contrib.auth.hashers.{weak}PasswordHasher\"]\n");
        assert_eq!(
            errors(&scan("mysite/settings.py", &text)),
            vec![("weak-password-hasher".to_string(), 1)],
            "{weak}"
        );
    }
    // Django's default list (PBKDF2SHA1 second, weak hashers after the
    // strong ones to verify old hashes) is not weak.
    assert!(errors(&scan("mysite/settings.py", HASHERS)).is_empty());
    let pbkdf2_sha1_first =
        "PASSWORD_HASHERS = [\"django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher\"]\n";
    assert!(errors(&scan("mysite/settings.py", pbkdf2_sha1_first)).is_empty());

    let rule = "strong-password-hashers-removed".to_string();
    let only_weak = "PASSWORD_HASHERS = [\n    \"myapp.hashers.LegacyHasher\",\n]\n";
    assert_eq!(
        removed("mysite/settings.py", HASHERS, only_weak),
        vec![(rule, 1)]
    );
    let one_strong_left =
        "PASSWORD_HASHERS = [\n    \"django.contrib.auth.hashers.Argon2PasswordHasher\",\n]\n";
    assert!(removed("mysite/settings.py", HASHERS, one_strong_left).is_empty());
    // No list at all: Django's default is strong.
    assert!(removed("mysite/settings.py", HASHERS, "TIME_ZONE = \"UTC\"\n").is_empty());
    // Read from the environment: not a literal to judge.
    let from_env = "PASSWORD_HASHERS = env.list(\"PASSWORD_HASHERS\")\n";
    assert!(removed("mysite/settings.py", HASHERS, from_env).is_empty());
}

#[test]
fn deleting_a_setting_whose_default_is_unsafe() {
    let rule = "secure-setting-removed".to_string();
    for line in [
        "SESSION_COOKIE_SECURE = True",
        "CSRF_COOKIE_SECURE = True",
        "SECURE_SSL_REDIRECT = True",
        "SECURE_HSTS_SECONDS = 31536000",
        "SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS = True",
        "REMEMBER_COOKIE_SECURE = True",
    ] {
        let old = format!("TIME_ZONE = \"UTC\"\n{line}\nUSE_TZ = True\n");
        let new = "TIME_ZONE = \"UTC\"\nUSE_TZ = True\n";
        assert_eq!(
            removed("mysite/settings.py", &old, new),
            vec![(rule.clone(), 2)],
            "{line}"
        );
        // Kept under another value or read from the environment: the
        // written-value rules judge it; moved: still there.
        let name = line.split(' ').next().unwrap_or("");
        for kept in [
            format!(
                "TIME_ZONE = \"UTC\"\n{name} = env.bool(\"{name}\", default=True)\nUSE_TZ = True\n"
            ),
            format!("{line}\nTIME_ZONE = \"UTC\"\nUSE_TZ = True\n"),
        ] {
            assert!(
                removed("mysite/settings.py", &old, &kept).is_empty(),
                "{kept}"
            );
        }
    }
    // In a class: the class keeps its own.
    let old = "class Production(Base):\n    SESSION_COOKIE_SECURE = True\n    DEBUG = False\n";
    let new = "class Production(Base):\n    DEBUG = False\n";
    assert_eq!(removed("app/config.py", old, new), vec![(rule.clone(), 2)]);
    // Config files: the key under its section.
    let old = "[django]\nsession_cookie_secure = true\nsecure_ssl_redirect = true\n";
    let new = "[django]\nsecure_ssl_redirect = true\n";
    assert_eq!(
        removed("config/app.toml", old, new),
        vec![(rule.clone(), 2)]
    );
    let old = "DJANGO_SECURE_SSL_REDIRECT=1\nPORT=80\n";
    assert!(
        removed(".env.production", old, "PORT=80\n").is_empty(),
        "a different name is another setting"
    );
    // Defaults that are safe, unsafe values deleted, other settings.
    for line in [
        "SESSION_COOKIE_HTTPONLY = True",
        "SECURE_CONTENT_TYPE_NOSNIFF = True",
        "SESSION_COOKIE_SECURE = False",
        "SECURE_HSTS_SECONDS = 0",
        "SESSION_COOKIE_SECURE = env.bool(\"X\")",
        "DEBUG = False",
    ] {
        let old = format!("{line}\nUSE_TZ = True\n");
        assert!(
            removed("mysite/settings.py", &old, "USE_TZ = True\n").is_empty(),
            "{line}"
        );
    }
}

#[test]
fn deleting_a_ca_bundle_from_a_client_call() {
    let rule = "tls-ca-removed".to_string();
    let old = "def fetch(url):\n    return requests.get(\n        url,\n        verify=\"/etc/ssl/ca.pem\",\n        timeout=5,\n    )\n";
    let new =
        "def fetch(url):\n    return requests.get(\n        url,\n        timeout=5,\n    )\n";
    assert_eq!(removed("app/client.py", old, new), vec![(rule, 4)]);
    for quiet in [
        // verify=True is requests' default: deleting it changes nothing.
        (
            "r = requests.get(url, verify=True)\n",
            "r = requests.get(url)\n",
        ),
        (
            "r = requests.get(url, verify=settings.CA)\n",
            "r = requests.get(url)\n",
        ),
        (
            "send(user, verify_email=\"yes\")\n",
            "send(user)\n",
        ),
        // Reformatted.
        (old, "def fetch(url):\n    return requests.get(url, verify=\"/etc/ssl/ca.pem\", timeout=5)\n"),
    ] {
        assert!(removed("app/client.py", quiet.0, quiet.1).is_empty(), "{quiet:?}");
    }
}

#[test]
fn removals_in_development_settings_warn() {
    let old = "SESSION_COOKIE_SECURE = True\nDEBUG = True\n";
    let found = scanner().removals("mysite/settings/dev.py", old, "DEBUG = True\n");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].finding.severity, Severity::Warning);
}

#[test]
fn removal_rules_are_checked_like_other_rules() {
    let bad = |extra: &str| {
        user_rule(&format!(
            "id = \"x\"\ncategory = \"c\"\ndescription = \"d\"\nkey = \"K\"\n{extra}"
        ))
    };
    for (extra, needle) in [
        (
            "removal = \"sometimes\"\nremoved = \"a\"\n",
            "unknown `removal`",
        ),
        ("removal = \"setting\"\n", "needs `key` and `removed`"),
        (
            "insecure = \"a\"\nremoved = \"a\"\n",
            "`removed` needs `removal`",
        ),
    ] {
        let err = match SecurityScanner::new(&[bad(extra)], &HashSet::new()) {
            Ok(_) => panic!("accepted {extra:?}"),
            Err(e) => format!("{e:#}"),
        };
        assert!(err.contains(needle) && err.contains("\"x\""), "{err}");
    }
    // A project's removal rule works, and disabling a built-in one stops it.
    let mine = bad("removal = \"setting\"\nremoved = \"(?i)^true$\"\nkeywords = [\"k\"]\n");
    let s = match SecurityScanner::new(&[mine], &HashSet::new()) {
        Ok(s) => s,
        Err(e) => panic!("{e:#}"),
    };
    assert_eq!(
        s.removals("app/settings.py", "K = True\nA = 1\n", "A = 1\n")
            .len(),
        1
    );
    let off = HashSet::from(["dockerfile-user-removed".to_string()]);
    let s = match SecurityScanner::new(&[], &off) {
        Ok(s) => s,
        Err(e) => panic!("{e:#}"),
    };
    assert!(s
        .removals("Dockerfile", "FROM x\nUSER app\n", "FROM x\n")
        .is_empty());
}

/// Names a `key` regex accepts, one per top-level alternative: optional
/// groups left out, the first branch of other groups taken, `\w*` and
/// friends as `x`. `None` where the alternative is beyond this reading.
fn key_samples(key: &str) -> Vec<Option<String>> {
    let key = key.strip_prefix("(?i)").unwrap_or(key);
    let mut alternatives = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in key.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            '|' if depth == 0 => {
                alternatives.push(&key[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    alternatives.push(&key[start..]);
    alternatives.into_iter().map(sample_of).collect()
}

fn sample_of(alternative: &str) -> Option<String> {
    let chars: Vec<char> = alternative.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '(' => {
                // The group's extent and its first branch.
                let (mut depth, mut j, mut bar) = (0, i, None);
                while j < chars.len() {
                    match chars[j] {
                        '(' => depth += 1,
                        ')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        '|' if depth == 1 && bar.is_none() => bar = Some(j),
                        _ => {}
                    }
                    j += 1;
                }
                let inner_start = if chars.get(i + 1) == Some(&'?') {
                    i + 3
                } else {
                    i + 1
                };
                let first: String = chars[inner_start..bar.unwrap_or(j)].iter().collect();
                let optional = matches!(chars.get(j + 1), Some('?') | Some('*'));
                if !optional {
                    out.push_str(&sample_of(&first)?);
                }
                i = j + 1 + usize::from(optional);
            }
            '\\' => {
                match chars.get(i + 1) {
                    Some('w') => out.push('x'),
                    Some('.') => out.push('.'),
                    Some('-') => out.push('-'),
                    _ => return None,
                }
                i += 2;
                if matches!(chars.get(i), Some('*') | Some('+')) {
                    i += 1;
                }
            }
            '[' => {
                let end = chars[i..].iter().position(|&c| c == ']')? + i;
                let class: String = chars[i + 1..end].iter().collect();
                out.push(if class.starts_with("a-z") {
                    'x'
                } else {
                    return None;
                });
                i = end + 1;
                if matches!(chars.get(i), Some('*') | Some('+')) {
                    i += 1;
                }
            }
            c if c.is_ascii_alphanumeric() || c == '_' || c == '-' => {
                if chars.get(i + 1) == Some(&'?') {
                    i += 2;
                } else {
                    out.push(c);
                    i += 1;
                }
            }
            _ => return None,
        }
    }
    Some(out)
}

/// Every name a key rule lists wakes the rule through the keyword
/// prefilter: a name without any of the rule's keywords is never tried
/// (`SECURE_CROSS_ORIGIN_OPENER_POLICY` under the keyword "referrer").
#[test]
fn every_key_name_wakes_its_rule_through_the_keywords() {
    let s = scanner();
    let pack = pack().expect("built-in pack");
    let (mut checked, mut missed) = (0, Vec::new());
    for rule in &pack.rule {
        let Some(key) = &rule.key else {
            continue;
        };
        if rule.keywords.is_empty() {
            continue;
        }
        let index = s
            .rules
            .iter()
            .position(|r| r.rule.id == rule.id)
            .expect("rule loaded");
        let (matcher, _) = s.rules[index].target.key().expect("key compiles");
        for sample in key_samples(key) {
            let Some(name) = sample else {
                panic!("{}: cannot read a name out of `{key}`", rule.id);
            };
            assert!(
                matcher.is_match(&name),
                "{}: sample {name:?} does not match `{key}`",
                rule.id
            );
            // The bad example with its setting renamed: a keyword may be in
            // the name, the call or the value.
            let bad = rule.bad.split("\n---\n").next().unwrap_or("");
            let Some(at) = key_span(key, bad) else {
                panic!(
                    "{}: the bad example {bad:?} does not write `{key}`",
                    rule.id
                );
            };
            let text = format!("{}{name}{}", &bad[..at.0], &bad[at.1..]);
            let mut woken = Vec::new();
            if rule.removal.is_some() {
                if let Some(m) = &s.removal_keywords {
                    m.for_each(&text, |hit| {
                        woken.extend(&s.removal_keyword_rules[hit.pattern])
                    });
                }
            } else {
                s.wake(&text, &mut woken);
            }
            if !woken.contains(&index) {
                missed.push(format!(
                    "{}: {name:?} (keywords {:?})",
                    rule.id, rule.keywords
                ));
            }
            checked += 1;
        }
    }
    assert!(
        missed.is_empty(),
        "settings the prefilter never wakes their rule for:\n{}",
        missed.join("\n")
    );
    assert!(checked > 100, "{checked}");
}

/// Where `text` writes a setting `key` (a regex over the whole name) names:
/// the first match that is a whole word.
fn key_span(key: &str, text: &str) -> Option<(usize, usize)> {
    let re = regex::Regex::new(&format!("(?:{key})")).ok()?;
    let word =
        |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let mut from = 0;
    while let Some(m) = re.find_at(text, from) {
        if !word(text[..m.start()].chars().next_back())
            && !word(text[m.end()..].chars().next())
            && !m.is_empty()
        {
            return Some((m.start(), m.end()));
        }
        from = m.start() + text[m.start()..].chars().next().map_or(1, char::len_utf8);
    }
    None
}

#[test]
fn key_samples_read_the_pack_forms() {
    assert_eq!(
        key_samples(r"(?i)(?:DJANGO_|FLASK_)?DEBUG|verify_?ssl|\w*_ALGORITHM|[a-z]+-src"),
        vec![
            Some("DEBUG".to_string()),
            Some("verifyssl".to_string()),
            Some("x_ALGORITHM".to_string()),
            Some("x-src".to_string()),
        ]
    );
    assert_eq!(
        key_samples(r"ssl_cert_(?:a|b)s?"),
        vec![Some("ssl_cert_a".to_string())]
    );
}

// ------------------------------------------------- values judged as they run

fn error_rules(path: &str, text: &str) -> Vec<String> {
    errors(&scan(path, text))
        .into_iter()
        .map(|(rule, _)| rule)
        .collect()
}

#[test]
fn insecure_values_in_other_spellings() {
    for (path, text, rule) in [
        ("app/settings.py", "DEBUG = 1\n", "debug-mode"),
        (
            "app/files.py",
            "os.chmod(p, 0o7_7_7)\n",
            "chmod-world-writable",
        ),
        (
            "app/files.py",
            "os.chmod(p, 0x1ff)\n",
            "chmod-world-writable",
        ),
        (
            "app/files.py",
            "os.chmod(p, 0o100777)\n",
            "chmod-world-writable",
        ),
        ("app/files.py", "os.chmod(p, 511)\n", "chmod-world-writable"),
        (
            "app/files.py",
            "os.chmod(p, 0o1777)\n",
            "chmod-world-writable",
        ),
        ("app/files.py", "os.umask(0x0)\n", "umask-permissive"),
        (
            "app/settings.py",
            "FILE_UPLOAD_PERMISSIONS = 0x1ff\n",
            "upload-permissions-world",
        ),
        ("Dockerfile", "RUN chmod a+rwx /srv\n", "shell-chmod-world"),
        ("Dockerfile", "RUN chmod -R o+w /srv\n", "shell-chmod-world"),
        (
            "Dockerfile",
            "RUN chmod 1777 /srv/tmp\n",
            "shell-chmod-world",
        ),
        (
            "Dockerfile",
            "RUN chmod a=rwx /srv && true\n",
            "shell-chmod-world",
        ),
        (
            "app/settings.py",
            "SECURE_CROSS_ORIGIN_OPENER_POLICY = \"unsafe-none\"\n",
            "opener-policy-unsafe",
        ),
    ] {
        assert_eq!(error_rules(path, text), vec![rule.to_string()], "{text}");
    }
    for (path, text) in [
        ("app/settings.py", "DEBUG = 0\n"),
        ("app/settings.py", "DEBUG = False\n"),
        ("app/files.py", "os.chmod(p, 0o755)\n"),
        ("app/files.py", "os.chmod(p, 0o7_5_5)\n"),
        ("app/files.py", "os.chmod(p, 0x1ed)\n"),
        ("app/files.py", "os.chmod(p, 493)\n"),
        ("app/files.py", "os.chmod(p, 0o100644)\n"),
        ("app/files.py", "os.chmod(p, mode)\n"),
        ("app/files.py", "os.umask(0o077)\n"),
        ("Dockerfile", "RUN chmod a+rx /srv\n"),
        ("Dockerfile", "RUN chmod u+rwx,g+rx /srv\n"),
        ("Dockerfile", "RUN chmod 755 /srv\n"),
        ("Dockerfile", "RUN chmod +x /srv/run.sh\n"),
        (
            "app/settings.py",
            "SECURE_CROSS_ORIGIN_OPENER_POLICY = \"same-origin\"\n",
        ),
    ] {
        assert!(error_rules(path, text).is_empty(), "{text}");
    }
}

#[test]
fn an_environment_read_is_judged_by_its_default() {
    for text in [
        "DEBUG = envbool(\"DEBUG\", \"True\")\n",
        "DEBUG = os.getenv(\"DEBUG\", \"True\")\n",
        "DEBUG = os.environ.get(\"DEBUG\", \"1\")\n",
        "DEBUG = env.bool(\"DEBUG\", default=True)\n",
        "DEBUG = config(\"DEBUG\", default=True, cast=bool)\n",
        "DEBUG = os.getenv(\"DEBUG\", \"True\").lower() == \"true\"\n",
        "DEBUG = os.environ.get(\"DEBUG\", \"1\") in (\"1\", \"true\")\n",
        "DEBUG = os.getenv(\"DEBUG\", \"on\").lower() in [\"on\", \"yes\"]\n",
    ] {
        let found = scan("app/settings.py", text);
        assert_eq!(
            errors(&found),
            vec![("debug-mode".to_string(), 1)],
            "{text}"
        );
        assert!(found[0].message.contains("unset"), "{}", found[0].message);
    }
    let compose = "services:\n  web:\n    environment:\n      DEBUG: ${DEBUG:-true}\n";
    assert_eq!(
        errors(&scan("docker-compose.yml", compose)),
        vec![("debug-mode-config".to_string(), 4)]
    );
    let verify = "r = requests.get(url, verify=os.getenv(\"VERIFY_TLS\", False))\n";
    assert_eq!(
        error_rules("app/http.py", verify),
        vec!["tls-verify-disabled".to_string()]
    );
    for quiet in [
        "DEBUG = os.getenv(\"DEBUG\", \"False\")\n",
        "DEBUG = os.getenv(\"DEBUG\")\n",
        "DEBUG = env.bool(\"DEBUG\", default=False)\n",
        "DEBUG = os.getenv(\"DEBUG\", \"True\") == \"False\"\n",
        "DEBUG = os.getenv(\"DEBUG\", \"0\") == \"1\"\n",
        "DEBUG = os.getenv(\"DEBUG\", \"False\").lower() in (\"1\", \"true\")\n",
        "DEBUG = os.getenv(\"DEBUG\", \"True\") == os.getenv(\"X\")\n",
        "DEBUG = os.getenv(\"DEBUG\", default_debug())\n",
        "DEBUG = settings.get(\"DEBUG\", True)\n",
        "DEBUG = os.getenv(\"DEBUG\", \"True\") and is_local()\n",
    ] {
        assert!(error_rules("app/settings.py", quiet).is_empty(), "{quiet}");
    }
    let compose =
        "services:\n  web:\n    environment:\n      DEBUG: ${DEBUG:-false}\n      X: ${DEBUG}\n";
    assert!(errors(&scan("docker-compose.yml", compose)).is_empty());
}

#[test]
fn credentials_with_any_origin_on_a_response() {
    let rule = "cors-header-credentials-any-origin".to_string();
    let view = "def view(request):\n    response = HttpResponse()\n    response[\"Access-Control-Allow-Origin\"] = \"*\"\n    response[\"Access-Control-Allow-Credentials\"] = \"true\"\n    return response\n";
    // Only the credentials line is new: the origin set before still counts.
    let found = errors(&scanner().scan("app/views.py", view, Lines::Only(&[4])));
    assert_eq!(found, vec![(rule.clone(), 4)]);
    let one_call = "return JSONResponse(data, headers={\"Access-Control-Allow-Origin\": \"*\", \"Access-Control-Allow-Credentials\": \"true\"})\n";
    assert!(errors(&scan("app/api.py", one_call)).contains(&(rule.clone(), 1)));
    let nginx = "location /api {\n  add_header Access-Control-Allow-Origin * always;\n  add_header 'Access-Control-Allow-Credentials' 'true' always;\n}\n";
    let found = errors(&scan("deploy/nginx.conf", nginx));
    assert!(found.contains(&(rule.clone(), 3)), "{found:?}");
    // The bare header, without credentials, is a warning (public data).
    let bare = scan("deploy/nginx.conf", nginx);
    assert!(
        bare.iter().any(|f| f.rule == "cors-header-any-origin"
            && f.line == Some(2)
            && f.severity == Severity::Warning),
        "{bare:?}"
    );
    for quiet in [
        view.replace("\"*\"", "\"https://app.example.com\""),
        view.replace("\"true\"", "\"false\""),
        "response[\"Access-Control-Allow-Credentials\"] = \"true\"\nresponse[\"Access-Control-Allow-Origin\"] = request.headers[\"Origin\"] if ok else \"null\"\n".to_string(),
    ] {
        let found = errors(&scan("app/views.py", &quiet));
        assert!(!found.iter().any(|(r, _)| *r == rule), "{quiet}: {found:?}");
    }
}

#[test]
fn inline_maps_in_config_files() {
    for (path, text, line) in [
        ("config/app.json", "{\"debug\": true}\n", 1),
        (
            "config/app.json",
            "{\n  \"app\": {\"name\": \"shop\", \"debug\": true},\n  \"port\": 80\n}\n",
            2,
        ),
        ("config/app.yaml", "app: {debug: true, port: 80}\n", 1),
        ("config/app.yaml", "app: {server: {\"debug\": \"on\"}}\n", 1),
        ("config/app.toml", "app = { debug = true, port = 80 }\n", 1),
        (
            "config/app.toml",
            "[servers]\nweb = { name = \"a\", debug = true }\n",
            2,
        ),
    ] {
        assert_eq!(
            errors(&scan(path, text)),
            vec![("debug-mode-config".to_string(), line)],
            "{path}: {text}"
        );
    }
    for (path, text) in [
        ("config/app.json", "{\"debug\": false}\n"),
        ("config/app.json", "{\"message\": \"debug: true\"}\n"),
        ("config/app.yaml", "app: {debug: false}\n"),
        ("config/app.yaml", "note: \"{debug: true}\"\n"),
        ("config/app.toml", "app = { debug = false }\n"),
        ("config/app.toml", "title = \"{ debug = true }\"\n"),
    ] {
        assert!(errors(&scan(path, text)).is_empty(), "{path}: {text}");
    }
}

#[test]
fn tls_and_jwt_spellings() {
    for (text, rule) in [
        ("ctx = SSL.Context(SSL.SSLv3_METHOD)\n", "tls-old-protocol"),
        (
            "ctx = SSL.Context(method=SSL.SSLv2_METHOD)\n",
            "tls-old-protocol",
        ),
        ("ctx = SSL.Context(SSL.SSLv23_METHOD)\n", "tls-old-protocol"),
        ("ctx = SSL.Context(SSL.TLSv1_METHOD)\n", "tls-old-protocol"),
        (
            "ctx = SSL.Context(SSL.TLSv1_1_METHOD)\n",
            "tls-old-protocol",
        ),
        (
            "conn = connect(host, cert_reqs=ssl.CERT_OPTIONAL)\n",
            "tls-cert-none",
        ),
        ("pool = PoolManager(cert_reqs=\"NONE\")\n", "tls-cert-none"),
        (
            "r = redis.Redis(ssl=True, ssl_cert_reqs=\"none\")\n",
            "tls-cert-none",
        ),
        (
            "OPTIONS = {\"ssl_cert_reqs\": \"optional\"}\n",
            "tls-cert-none",
        ),
    ] {
        assert_eq!(
            error_rules("app/net.py", text),
            vec![rule.to_string()],
            "{text}"
        );
    }
    let jwt = "def read(token):\n    opts = {\"verify_signature\": False}\n    return jwt.decode(token, KEY, algorithms=[\"HS256\"], options=opts)\n";
    assert_eq!(
        errors(&scan("app/auth.py", jwt)),
        vec![("jwt-signature-unverified".to_string(), 2)]
    );
    let unpacked = "kwargs = {\"verify\": False}\nr = requests.get(url, **kwargs)\n";
    assert_eq!(
        error_rules("app/http.py", unpacked),
        vec!["tls-verify-disabled".to_string()]
    );
    for quiet in [
        "ctx = SSL.Context(SSL.TLS_METHOD)\n",
        "ctx = SSL.Context(SSL.TLSv1_2_METHOD)\n",
        "ctx = SSL.Context(SSL.TLS_CLIENT_METHOD)\n",
        "conn = connect(host, cert_reqs=ssl.CERT_REQUIRED)\n",
        "pool = PoolManager(cert_reqs=None)\n",
        "pool = PoolManager(cert_reqs=\"CERT_REQUIRED\")\n",
        "if ctx.verify_mode == ssl.CERT_OPTIONAL:\n    pass\n",
        // Data, not options: a payload that mentions verify.
        "payload = {\"verify\": False}\nr = requests.post(url, json=payload)\n",
        "opts = {\"verify_signature\": True}\nclaims = jwt.decode(token, KEY, options=opts)\n",
        "opts = {\"verify_signature\": False}\nlog(opts)\n",
    ] {
        assert!(error_rules("app/net.py", quiet).is_empty(), "{quiet}");
    }
}

/// `changed_part` on every pair of short texts over a small alphabet with
/// newlines: never out of bounds, always whole lines of the old text.
#[test]
fn changed_part_is_whole_old_lines_for_any_pair() {
    use super::removal::changed_part;
    let texts: Vec<String> = (0..3u32.pow(5))
        .flat_map(|n| {
            let word: String = (0..5)
                .map(|i| ['a', 'b', '\n'][(n / 3u32.pow(i) % 3) as usize])
                .collect();
            [word.clone(), word[..3].to_string()]
        })
        .collect();
    for old in &texts {
        for new in texts.iter().step_by(7) {
            let part = changed_part(old, new);
            let start = part.as_ptr() as usize - old.as_ptr() as usize;
            assert!(start + part.len() <= old.len(), "{old:?} {new:?}");
            assert!(
                start == 0 || old.as_bytes()[start - 1] == b'\n',
                "{old:?} {new:?}"
            );
        }
    }
}

#[test]
fn removals_look_for_keywords_only_where_the_change_is() {
    use super::removal::changed_part;
    assert_eq!(changed_part("a\nb\nc\n", "a\nc\n"), "b\n");
    assert_eq!(changed_part("a\nbx\nc\n", "a\nby\nc\n"), "bx\n");
    assert_eq!(changed_part("same\n", "same\n"), "");
    assert_eq!(changed_part("", "new\n"), "");
    assert_eq!(changed_part("x\n", ""), "x\n");
    // The old text whole at the end of the new one (a line added on top),
    // and at its start: nothing of the old side changed.
    assert_eq!(changed_part("A = 1\n", "# note\nA = 1\n"), "");
    assert_eq!(changed_part("A = 1\n", "A = 1\n# note\n"), "");
    assert_eq!(changed_part("A = 1", "B\nA = 1"), "");
    // A long settings file where one line goes: found all the same.
    let filler: String = (0..2000).map(|i| format!("OPTION_{i} = {i}\n")).collect();
    let old = format!("{filler}SESSION_COOKIE_SECURE = True\n{filler}");
    let new = format!("{filler}{filler}");
    assert_eq!(
        removed("mysite/settings.py", &old, &new),
        vec![("secure-setting-removed".to_string(), 2001)]
    );
}

#[test]
fn statements_outside_the_wanted_lines_are_skipped_without_changing_the_rest() {
    use super::syntax::config_statements_wanted;
    let json = "{\n  \"debug\": true,\n  \"hosts\": [\n    \"a\",\n    \"b\"\n  ],\n  \"app\": {\"secure\": false},\n  \"name\": \"x\"\n}\n";
    let env = "DEBUG=1\n# comment\nexport SECRET_KEY=abc\n\nALLOWED_HOSTS=*\n";
    let docker = "FROM python:3.12\nENV DEBUG=1 MODE=\"dev x\"\nUSER root\nARG TOKEN\n";
    // Formats whose sections and parent keys carry over from line to line:
    // a statement keeps its section when the lines above it are not wanted,
    // and reading stops after the last line wanted.
    let yaml = "app:\n  debug: true\n  hosts:\n    - a\n    - \"*\"\nsession:\n  cookie:\n    secure: false\nname: x\n";
    let ini = "[server]\ndebug = true\nallowed_hosts = *\n\n[session]\n; note\ncookie_secure = false\nhosts = [\"a\",\n  \"b\"]\n";
    let toml = "[app]\ndebug = true\nhosts = [\n  \"*\",\n]\n\n[app.session]\nsecure = false\n";
    for (file_type, text) in [
        (FileType::Json, json),
        (FileType::Env, env),
        (FileType::Dockerfile, docker),
        (FileType::Yaml, yaml),
        (FileType::Ini, ini),
        (FileType::Toml, toml),
    ] {
        let lines = text.lines().count() as u32;
        let all = config_statements_wanted(file_type, text, Lines::All);
        // Every window of wanted lines: the statements kept are exactly the
        // whole parse's statements that touch the window, settings included.
        for first in 1..=lines {
            for last in first..=lines {
                let wanted = |a: u32, b: u32| a <= last && b >= first;
                let window: Vec<u32> = (first..=last).collect();
                let some = config_statements_wanted(file_type, text, Lines::Only(&window));
                let expected: Vec<_> = all
                    .iter()
                    .filter(|s| wanted(s.first_line, s.last_line()))
                    .collect();
                assert_eq!(
                    format!("{some:?}"),
                    format!("{expected:?}"),
                    "{file_type:?} lines {first}..={last}"
                );
            }
        }
        assert!(all.iter().any(|s| !s.settings.is_empty()), "{file_type:?}");
    }
}

/// Binding every interface is how a server in a container is reached:
/// quiet in container files, a warning at most in a Python entry point,
/// still an error where a process manager runs the server on a host.
#[test]
fn containers_bind_every_interface() {
    for (path, text) in [
        (
            "Dockerfile",
            "CMD [\"uvicorn\", \"main:app\", \"--host\", \"0.0.0.0\"]\n",
        ),
        (
            "Dockerfile",
            "CMD [\"server\", \"start\", \"app:app\", \"--host=0.0.0.0\"]\n",
        ),
        (
            "docker-compose.yml",
            "services:\n  web:\n    command: gunicorn -b 0.0.0.0:8000 app:app\n",
        ),
        (
            "k8s/deployment.yaml",
            "spec:\n  containers:\n    - args: [\"--bind\", \"0.0.0.0:8000\"]\n",
        ),
        ("gunicorn.conf.py", "bind = \"0.0.0.0:8000\"\n"),
        ("Procfile", "web: gunicorn --bind 0.0.0.0:$PORT app:app\n"),
    ] {
        let found = scan(path, text);
        assert!(found.is_empty(), "{path}: {found:?}");
    }
    let entry = scan(
        "bin/run.py",
        "uvicorn.run(\"app.main:app\", host=\"0.0.0.0\")\n",
    );
    assert_eq!(entry.len(), 1, "{entry:?}");
    assert_eq!(entry[0].severity, Severity::Warning);
    assert_eq!(entry[0].rule, "bind-all-interfaces");
    assert!(
        entry[0].message.contains("not a block"),
        "{}",
        entry[0].message
    );
    let host = scan(
        "deploy/supervisord.conf",
        "[program:api]\ncommand=gunicorn api.wsgi --bind 0.0.0.0:8000\n",
    );
    assert_eq!(errors(&host), vec![("bind-all-flag".to_string(), 2)]);
}

/// Values the framework documents as the secure choice are not reported as
/// insecure, and a safe value is never reported under a rule named for the
/// insecure one: it is `security-setting-inline`, whose fix is to move it.
#[test]
fn safe_values_are_not_filed_under_insecure_rule_names() {
    let settings = "SECURE_PROXY_SSL_HEADER = (\"HTTP_X_FORWARDED_PROTO\", \"https\")\nCSRF_TRUSTED_ORIGINS = [\"https://*.example.com\"]\nSECURE_HSTS_SECONDS = 31536000\nSECURE_REFERRER_POLICY = \"same-origin\"\nPASSWORD_HASHERS = [\n    \"django.contrib.auth.hashers.PBKDF2PasswordHasher\",\n    \"django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher\",\n]\n";
    let found = scan("app/settings.py", settings);
    assert_eq!(found.len(), 5, "{found:?}");
    for f in &found {
        assert_eq!(f.severity, Severity::Warning, "{f:?}");
        assert_eq!(f.rule, INLINE_RULE, "{f:?}");
        assert!(
            f.fix
                .as_deref()
                .is_some_and(|x| x.contains("nothing unsafe")),
            "{f:?}"
        );
    }
    // Not JWT: an HMAC or hash call's algorithm is no `jwt-alg-none`.
    for code in [
        "mac = hmac.new(key, body, digestmod=\"sha256\")\n",
        "sig = sign(body, algorithm=\"sha256\")\n",
        "sig = crypto.generate_signature(secret, body, algorithm=None)\n",
        "class Signer:\n    ALGORITHM = \"sha256\"\n",
    ] {
        let found = scan("app/webhooks.py", code);
        assert!(found.is_empty(), "{code}: {found:?}");
    }
    // The insecure forms still block.
    for (text, rule) in [
        (
            "SECURE_PROXY_SSL_HEADER = (\"HTTP_X_FORWARDED_PROTO\", \"http\")\n",
            "secure-proxy-ssl-header",
        ),
        (
            "CSRF_TRUSTED_ORIGINS = [\"https://*\"]\n",
            "csrf-trusted-origins-wildcard",
        ),
        (
            "CSRF_TRUSTED_ORIGINS = [\"https://*.com\"]\n",
            "csrf-trusted-origins-wildcard",
        ),
        ("SECURE_HSTS_SECONDS = 0\n", "hsts-off"),
        (
            "SECURE_REFERRER_POLICY = \"unsafe-url\"\n",
            "referrer-policy-leaky",
        ),
        ("jwt.decode(t, k, algorithms=[\"none\"])\n", "jwt-alg-none"),
        ("JWT_ALGORITHM = \"none\"\n", "jwt-alg-none"),
    ] {
        assert_eq!(
            errors(&scan("app/settings.py", text)),
            vec![(rule.to_string(), 1)],
            "{text}"
        );
    }
}

/// `"debug": "^4.1.0"` is the npm package, `debug = "DEBUG"` a log level
/// name: debug mode is a switch.
#[test]
fn only_a_switch_is_debug_mode() {
    for (path, text) in [
        (
            "package-lock.json",
            "{\n  \"dependencies\": {\n    \"debug\": \"^4.1.0\"\n  }\n}\n",
        ),
        ("frontend/package.json", "{\n  \"debug\": \"4.3.4\"\n}\n"),
        (
            "app/logging.py",
            "class LogLevels(str, Enum):\n    info = \"INFO\"\n    debug = \"DEBUG\"\n",
        ),
    ] {
        let found = scan(path, text);
        assert!(found.is_empty(), "{path}: {found:?}");
    }
    assert_eq!(
        errors(&scan("config/app.json", "{\n  \"debug\": \"true\"\n}\n")),
        vec![("debug-mode-config".to_string(), 2)]
    );
}

/// Each fix fits where it fires: only a setting that could live in a
/// designated file is told to move there, and `@csrf_exempt` on a view that
/// checks a token itself is not told to "use token auth".
#[test]
fn fixes_fit_where_they_fire() {
    let fix_of = |path: &str, text: &str, rule: &str| -> String {
        let found = scan(path, text);
        match found.iter().find(|f| f.rule == rule) {
            Some(f) => f.fix.clone().unwrap_or_default(),
            None => panic!("{path}: no {rule} in {found:?}"),
        }
    };
    for (path, text, rule) in [
        (
            "app/views.py",
            "@csrf_exempt\ndef hook(request):\n    pass\n",
            "csrf-exempt",
        ),
        (
            "Dockerfile",
            "FROM python:3.12\nUSER root\n",
            "dockerfile-user-root",
        ),
        (
            "docker-compose.yml",
            "services:\n  web:\n    privileged: true\n",
            "container-privileged",
        ),
        (
            "app/client.py",
            "r = requests.get(u, verify=False)\n",
            "tls-verify-disabled",
        ),
    ] {
        let fix = fix_of(path, text, rule);
        assert!(!fix.contains(MOVE_ADVICE), "{rule}: {fix}");
    }
    let csrf = fix_of(
        "app/views.py",
        "@csrf_exempt\ndef hook(request):\n    pass\n",
        "csrf-exempt",
    );
    assert!(!csrf.contains("use token auth"), "{csrf}");
    assert!(csrf.contains("allow csrf-exempt"), "{csrf}");
    let debug = fix_of("app/config.py", "DEBUG = True\n", "debug-mode");
    assert!(debug.ends_with(MOVE_ADVICE), "{debug}");
}

#[test]
fn a_secret_setting_set_to_nothing_writes_no_key() {
    for (path, text) in [
        (
            "app/defaults.py",
            "DEFAULTS = {\"SECRET_KEY\": None, \"TESTING\": False}\n",
        ),
        ("app/factory.py", "app.config.update(SECRET_KEY=None)\n"),
        ("config/app.yaml", "SECRET_KEY: null\n"),
        ("config/app.yaml", "SECRET_KEY: ~\n"),
    ] {
        let found = scan(path, text);
        assert!(
            !found.iter().any(|f| f.rule == "hardcoded-secret-key"),
            "{path}: {text} -> {:?}",
            errors(&found)
        );
    }
    // A value is still a hardcoded key.
    let found = scan(
        "app/defaults.py",
        "DEFAULTS = {\"SECRET_KEY\": \"kT9vQ2mX7pL4wR8zN3bH6cJ1\"}\n",
    );
    assert!(found.iter().any(|f| f.rule == "hardcoded-secret-key"));
}

/// Python settings come from the one reader (`formats::python::reader`);
/// these are the cases where its reading changed a finding.
#[test]
fn python_settings_as_the_reader_reads_them() {
    let cases = [
        // A pydantic `Field` default is the value the setting holds.
        (
            "class Settings(BaseSettings):\n    DEBUG: bool = Field(default=True)\n",
            vec![("debug-mode".to_string(), 2)],
        ),
        // `getenv(…) or "lit"`: the literal runs where the variable is unset.
        (
            "DEBUG = os.getenv(\"DEBUG\") or \"True\"\n",
            vec![("debug-mode".to_string(), 1)],
        ),
        // The statement after a one-line `if`.
        (
            "if LOCAL: DEBUG = True\n",
            vec![("debug-mode".to_string(), 1)],
        ),
        (
            "if LOCAL: app.config[\"DEBUG\"] = True\n",
            vec![("debug-mode".to_string(), 1)],
        ),
        // A subscript of a subscript.
        (
            "app.config[\"flask\"][\"DEBUG\"] = True\n",
            vec![("debug-mode".to_string(), 1)],
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(errors(&scan("app/views.py", text)), expected, "{text}");
    }
    // Each name of a chain holds the value; the line's one finding names
    // the name nearest the value.
    let chained = scan("app/views.py", "DEBUG = TEMPLATE_DEBUG = True\n");
    assert_eq!(errors(&chained), vec![("debug-mode".to_string(), 1)]);
    let chained = scan("app/views.py", "TEMPLATE_DEBUG = DEBUG = True\n");
    assert!(
        chained[0].message.starts_with("DEBUG = True"),
        "{chained:?}"
    );
    // A tuple is judged whole.
    let hosts = scan("app/views.py", "ALLOWED_HOSTS = \"*\", \"example.com\"\n");
    assert!(
        hosts[0].message.contains("\"*\", \"example.com\""),
        "{hosts:?}"
    );
    for quiet in [
        // A parameter's default and a lambda's are code, not settings.
        "def run(debug=True):\n    pass\n",
        "HANDLER = lambda debug=True: None\n",
        "class Settings(BaseSettings):\n    DEBUG: bool = Field(default=False)\n",
        "DEBUG = os.getenv(\"DEBUG\") or default_debug()\n",
        // A dict is options only where code hands it to a call, not a
        // comment.
        "opts = {\"verify_signature\": False}\n# jwt.decode(token, options=opts)\n",
    ] {
        assert!(errors(&scan("app/views.py", quiet)).is_empty(), "{quiet}");
    }
}

/// An environment read whose default is the insecure value: a block, unless
/// that value is also the framework's own default (`unset_default_warns`),
/// where it is a warning that names the default.
#[test]
fn insecure_environment_defaults_block_unless_the_framework_default_is_the_same() {
    let text = "SECURE_SSL_REDIRECT = os.getenv(\"SSL_REDIRECT\", \"0\") == \"1\"\nSECURE_HSTS_SECONDS = os.environ.get(\"HSTS_SECONDS\", \"0\")\nDEBUG = os.getenv(\"DEBUG\", \"True\") == \"True\"\n";
    let found = scan("app/settings.py", text);
    assert_eq!(errors(&found), vec![("debug-mode".to_string(), 3)]);
    for (rule, line, default) in [("ssl-redirect-off", 1, "False"), ("hsts-off", 2, "\"0\"")] {
        let warning = found
            .iter()
            .find(|f| f.rule == rule && f.line == Some(line))
            .unwrap_or_else(|| panic!("{rule} not reported: {found:?}"));
        assert_eq!(warning.severity, Severity::Warning);
        assert!(
            warning
                .message
                .contains(&format!("where the variable is unset it is {default}")),
            "{}",
            warning.message
        );
        assert!(
            warning
                .fix
                .as_deref()
                .is_some_and(|f| f.contains("make the safe value the default")),
            "{:?}",
            warning.fix
        );
    }
    // A literal insecure value still blocks.
    let literal = scan("app/settings.py", "SECURE_SSL_REDIRECT = False\n");
    assert_eq!(errors(&literal), vec![("ssl-redirect-off".to_string(), 1)]);
}

/// A placeholder signing key where an environment is set for local runs or
/// CI is a warning that says so; in code, or with a real-looking value, it
/// blocks.
#[test]
fn placeholder_secret_keys_in_env_files_and_ci_workflows_warn() {
    for (path, text) in [
        (".env", "SECRET_KEY=changethis\n"),
        (
            ".github/workflows/test.yml",
            "jobs:\n  test:\n    env:\n      SECRET_KEY: dummy\n",
        ),
        (".gitlab-ci.yml", "variables:\n  SECRET_KEY: dummy\n"),
    ] {
        let found = scan(path, text);
        assert!(errors(&found).is_empty(), "{path}: {found:?}");
        assert!(
            found.iter().any(|f| f.rule == "hardcoded-secret-key"
                && f.message.contains("holds a placeholder")
                && f.fix.as_deref().is_some_and(|x| !x.contains(MOVE_ADVICE))),
            "{path}: {found:?}"
        );
    }
    for (path, text) in [
        ("app/settings.py", "SECRET_KEY = \"changethis\"\n"),
        ("config/app.yaml", "SECRET_KEY: dummy\n"),
        (
            ".github/workflows/deploy.yml",
            "jobs:\n  deploy:\n    env:\n      SECRET_KEY: Xk29fLq8Zr0vPa7Wn3Ty\n",
        ),
    ] {
        let found = scan(path, text);
        assert!(
            errors(&found)
                .iter()
                .any(|(rule, _)| rule == "hardcoded-secret-key"),
            "{path}: {found:?}"
        );
    }
}

/// A CI workflow's matrix and job environment are not where a service's
/// security settings belong: a safe value there is not told to move, and a
/// matrix key ending in `-src` is not a CSP directive.
#[test]
fn ci_workflows_draw_no_inline_warnings_and_src_keys_are_csp_directives_only() {
    let workflow = "jobs:\n  test:\n    strategy:\n      matrix:\n        starlette-src:\n          - starlette-pypi\n    env:\n      LOG_LEVEL: ERROR\n      DEBUG: \"true\"\n";
    let found = scan(".github/workflows/test.yml", workflow);
    assert!(
        found
            .iter()
            .all(|f| f.rule != INLINE_RULE && f.rule != "csp-unsafe"),
        "{found:?}"
    );
    assert_eq!(errors(&found), vec![("debug-mode-config".to_string(), 9)]);
    let csp = scan(
        "config/app.yaml",
        "csp:\n  script-src: \"'self' 'unsafe-inline'\"\n  starlette-src: \"*\"\n",
    );
    assert_eq!(errors(&csp), vec![("csp-unsafe".to_string(), 2)]);
}

/// A reloader or debug logging in a development command (dispatch's
/// `@dispatch_server.command("develop")`) is a warning, as in a development
/// settings class; the same in an ordinary function, or one whose name only
/// contains the letters (`list_devices`), still blocks.
#[test]
fn development_commands_are_lax_like_development_settings() {
    let dev = "x = 1\n\n\n@dispatch_server.command(\"develop\")\n@click.option(\n    \"--log-level\",\n    default=\"info\",\n)\ndef run_server(log_level):\n    if log_level:\n        uvicorn.run(\"app.main:app\", reload=True, log_level=log_level)\n\n\ndef run_dev():\n    logging.basicConfig(level=logging.DEBUG)\n";
    let found = scan("src/app/cli.py", dev);
    assert!(errors(&found).is_empty(), "{found:?}");
    assert_eq!(
        found
            .iter()
            .filter(|f| f.message.contains("development"))
            .count(),
        2,
        "{found:?}"
    );
    let prod = "@server.command(\"start\")\ndef start():\n    uvicorn.run(\"app.main:app\", reload=True)\n\n\ndef list_devices():\n    logging.basicConfig(level=logging.DEBUG)\n";
    let found = scan("src/app/cli.py", prod);
    assert_eq!(
        errors(&found),
        vec![
            ("server-autoreload".to_string(), 3),
            ("basicconfig-debug".to_string(), 7)
        ]
    );
}

/// Debug logging chosen by a debug switch (fastapi's `scripts/*.py`:
/// `if settings.debug: logging.basicConfig(level=logging.DEBUG)`) is a
/// warning; unconditional, under a negated switch or under another
/// condition it still blocks.
#[test]
fn a_debug_switch_branch_is_lax_like_development_code() {
    let switched = "settings = Settings()\nif settings.debug:\n    logging.basicConfig(level=logging.DEBUG)\nelse:\n    logging.basicConfig(level=logging.INFO)\n\n\ndef main():\n    if args.verbose or args.debug_mode:\n        logging.basicConfig(level=logging.DEBUG)\n";
    let found = scan("scripts/label_approved.py", switched);
    assert!(errors(&found).is_empty(), "{found:?}");
    assert_eq!(
        found
            .iter()
            .filter(|f| f.message.contains("debug-only branch"))
            .count(),
        2,
        "{found:?}"
    );
    let blocked = "logging.basicConfig(level=logging.DEBUG)\nif not settings.debug:\n    logging.basicConfig(level=logging.DEBUG)\nif settings.verbose:\n    logging.basicConfig(level=logging.DEBUG)\nif debugger_attached:\n    logging.basicConfig(level=logging.DEBUG)\n";
    assert_eq!(
        errors(&scan("scripts/label_approved.py", blocked)),
        vec![
            ("basicconfig-debug".to_string(), 1),
            ("basicconfig-debug".to_string(), 3),
            ("basicconfig-debug".to_string(), 5),
            ("basicconfig-debug".to_string(), 7)
        ]
    );
}
