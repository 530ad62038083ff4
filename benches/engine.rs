//! Criterion benchmarks of the engine's inner loops: the secret and
//! security-setting scanners over realistic text, the key-level config
//! parsers, the history walk's line diff, and plan construction from the
//! built-in settings.

use std::collections::HashSet;
use std::hint::black_box;

use confgate::config::plan::Plan;
use confgate::config::settings::{self, Layers};
use confgate::detect::keywords::SharedKeywords;
use confgate::detect::secrets::SecretScanner;
use confgate::detect::security::SecurityScanner;
use confgate::keydiff::{self, Format};
use confgate::model::Lines;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

/// A small deterministic generator, so every run scans the same bytes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() as usize) % items.len()]
    }
}

const WORDS: &[&str] = &[
    "account", "order", "invoice", "payment", "customer", "ledger", "refund", "catalog", "price",
    "session", "token", "audit", "report", "queue", "worker", "cache", "tenant",
];

/// Python service code with settings modules mixed in: what a commit to a
/// FastAPI or Django service mostly adds. About one line in 400 looks like a
/// credential or an inline security setting, so match paths are exercised too.
fn python_corpus(bytes: usize) -> String {
    let mut rng = Rng(7);
    let mut out = String::with_capacity(bytes + 256);
    let mut n = 0u64;
    while out.len() < bytes {
        n += 1;
        let (a, b) = (rng.pick(WORDS), rng.pick(WORDS));
        let line = match rng.next() % 12 {
            0 => format!("def get_{a}_{b}(request, limit: int = 50):\n"),
            1 => format!("    \"\"\"Return the {a} {b} records for the caller.\"\"\"\n"),
            2 => format!("    logger.debug(\"load {a} %s\", {b}_id)\n"),
            3 => format!("    for item in {a}s[:limit]:\n        result.append(item.{b})\n"),
            4 => format!(
                "    query = \"SELECT id, {a}, created_at FROM {b} WHERE tenant_id = %s\"\n"
            ),
            5 => format!(
                "{}_TIMEOUT = int(os.environ.get(\"{a}_TIMEOUT\", \"30\"))\n",
                b.to_uppercase()
            ),
            6 => format!("    {a}_{b} = settings.{}\n", a.to_uppercase()),
            7 => format!("class {a}{b}Schema(BaseModel):\n    id: int\n    name: str\n"),
            8 => "    return result\n\n".to_string(),
            9 => format!(
                "    if len(result) > {}:\n        raise ValueError(\"too many\")\n",
                rng.next() % 1000
            ),
            10 => format!("# Keep {a} ordering stable: clients page through {b}.\n"),
            _ => format!(
                "{a}_{b} = {{\"enabled\": True, \"retries\": {}}}\n",
                rng.next() % 9
            ),
        };
        out.push_str(&line);
        if n % 400 == 0 {
            out.push_str(match n % 2400 {
                400 => "AWS_ACCESS_KEY_ID = \"AKIAZ3MPLEQ7XWERT5BN\"\n",
                800 => "DEBUG = True\n",
                1200 => "GITHUB_TOKEN = \"ghp_8aFq2LrT0vXbN4kYp7Wz1cJm5sUe9dHgQiRo\"\n",
                1600 => "CORS_ALLOW_ALL_ORIGINS = True\n",
                2000 => "DATABASE_URL = \"postgres://app:Pr0dPassw0rd!@db.internal:5432/app\"\n",
                _ => "SESSION_COOKIE_SECURE = False\n",
            });
        }
    }
    out
}

fn yaml_config(keys: usize) -> String {
    let mut rng = Rng(11);
    let mut out = String::from("service:\n  name: billing\n  replicas: 3\nfeatures:\n");
    for i in 0..keys {
        let (a, b) = (rng.pick(WORDS), rng.pick(WORDS));
        out.push_str(&format!("  {a}_{b}_{i}: {}\n", rng.next() % 2 == 0));
    }
    out.push_str("limits:\n");
    for i in 0..keys / 2 {
        out.push_str(&format!(
            "  {}_{i}_per_minute: {}\n",
            rng.pick(WORDS),
            rng.next() % 10_000
        ));
    }
    out
}

fn toml_config(tables: usize) -> String {
    let mut rng = Rng(13);
    let mut out = String::from("[worker]\nconcurrency = 8\nqueue = \"billing\"\n\n");
    for i in 0..tables {
        let a = rng.pick(WORDS);
        out.push_str(&format!(
            "[schedule.{a}_{i}]\ncron = \"*/{} * * * *\"\nenabled = true\ntimeout = {}\n\n",
            rng.next() % 59 + 1,
            rng.next() % 600
        ));
    }
    out
}

fn django_settings(extra: usize) -> String {
    let mut out = String::from(
        "import os\nfrom pathlib import Path\n\nBASE_DIR = Path(__file__).resolve().parent.parent\n\
         SECRET_KEY = os.environ[\"DJANGO_SECRET_KEY\"]\nDEBUG = False\nALLOWED_HOSTS = [\"api.example.com\"]\n\
         INSTALLED_APPS = [\n    \"django.contrib.auth\",\n    \"django.contrib.sessions\",\n    \"rest_framework\",\n]\n\
         DATABASES = {\n    \"default\": {\n        \"ENGINE\": \"django.db.backends.postgresql\",\n        \"NAME\": \"app\",\n        \"CONN_MAX_AGE\": 60,\n    }\n}\n",
    );
    let mut rng = Rng(17);
    for i in 0..extra {
        out.push_str(&format!(
            "{}_{i} = {}\n",
            rng.pick(WORDS).to_uppercase(),
            rng.next() % 1000
        ));
    }
    out
}

fn scanners(c: &mut Criterion) {
    let text = python_corpus(400 * 1024);
    let secrets = match SecretScanner::new(&[], &HashSet::new()) {
        Ok(scanner) => scanner,
        Err(err) => panic!("built-in secret rules do not compile: {err:#}"),
    };
    let security = match SecurityScanner::new(&[], &HashSet::new()) {
        Ok(scanner) => scanner,
        Err(err) => panic!("built-in security rules do not compile: {err:#}"),
    };
    // Every fifth line added: what a modification of an existing file checks.
    let line_count = u32::try_from(text.lines().count()).unwrap_or(u32::MAX);
    let some: Vec<u32> = (1..=line_count).step_by(5).collect();

    let mut group = c.benchmark_group("scan");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("secrets/all-lines", |b| {
        b.iter(|| black_box(secrets.scan("app/services/billing.py", black_box(&text), Lines::All)))
    });
    group.bench_function("secrets/every-5th-line", |b| {
        b.iter(|| {
            black_box(secrets.scan(
                "app/services/billing.py",
                black_box(&text),
                Lines::Only(&some),
            ))
        })
    });
    group.bench_function("security/all-lines", |b| {
        b.iter(|| black_box(security.scan("app/settings.py", black_box(&text), Lines::All)))
    });
    group.bench_function("security/every-5th-line", |b| {
        b.iter(|| black_box(security.scan("app/settings.py", black_box(&text), Lines::Only(&some))))
    });
    // What `confgate scan` does with a Python file: one keyword pass shared
    // by both detectors, then each detector.
    let shared = SharedKeywords::new(secrets.keywords(), security.keywords());
    group.bench_function("both/all-lines-shared-keywords", |b| {
        b.iter(|| {
            let text = black_box(&text);
            let hits = shared.search(text);
            let (a, b) = match &hits {
                Some((a, b)) => (Some(a.as_slice()), Some(b.as_slice())),
                None => (None, None),
            };
            let path = "app/services/billing.py";
            black_box(secrets.scan_with(path, text, Lines::All, a));
            black_box(security.scan_with(path, text, Lines::All, b));
        })
    });
    group.finish();
}

fn parsers(c: &mut Criterion) {
    let cases = [
        ("yaml", Format::Yaml, yaml_config(600)),
        ("toml", Format::Toml, toml_config(200)),
        (
            "python-settings",
            Format::PythonSettings,
            django_settings(400),
        ),
    ];
    let mut group = c.benchmark_group("keydiff");
    for (name, format, text) in &cases {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(format!("parse/{name}"), |b| {
            b.iter(|| black_box(keydiff::parse(*format, black_box(text))))
        });
    }
    let old = keydiff::parse(Format::Yaml, &cases[0].2).unwrap_or_default();
    let changed = cases[0].2.replacen(": true", ": false", 3);
    let new = keydiff::parse(Format::Yaml, &changed).unwrap_or_default();
    group.bench_function("diff/yaml-3-changes", |b| {
        b.iter(|| black_box(keydiff::diff(black_box(&old), black_box(&new))))
    });
    group.finish();
}

/// `added_lines` (the history walk's line diff) on a Python module edited in
/// three places, far apart: the common ends are trimmed and the lines between
/// the first and last edit interned and diffed.
fn line_diffs(c: &mut Criterion) {
    let old = python_corpus(200_000);
    let lines: Vec<&str> = old.split_inclusive('\n').collect();
    let mut edited: Vec<String> = lines.iter().map(|line| line.to_string()).collect();
    let n = edited.len();
    edited.insert(n * 9 / 10, "    retries = 3\n".to_string());
    edited[n / 2] = "    return None\n".to_string();
    edited.insert(n / 10, "import time\n".to_string());
    let new = edited.concat();
    let mut group = c.benchmark_group("lines");
    group.throughput(Throughput::Bytes((old.len() + new.len()) as u64));
    group.bench_function("added-lines/python-200k-3-edits", |b| {
        b.iter(|| black_box(confgate::git::added_lines(black_box(&old), black_box(&new))))
    });
    group.finish();
}

fn plan(c: &mut Criterion) {
    let build = || -> anyhow::Result<Plan> {
        let layer = settings::parse_layer("rules/config.toml (built in)", settings::DEFAULTS)?;
        Plan::build(&Layers::new(vec![layer]))
    };
    if let Err(err) = build() {
        panic!("the built-in settings do not make a plan: {err:#}");
    }
    let mut group = c.benchmark_group("plan");
    group.bench_function("parse-defaults", |b| {
        b.iter(|| {
            black_box(settings::parse_layer(
                "rules/config.toml (built in)",
                black_box(settings::DEFAULTS),
            ))
        })
    });
    group.bench_function("build-from-defaults", |b| b.iter(|| black_box(build())));
    group.finish();
}

criterion_group!(benches, scanners, parsers, line_diffs, plan);
criterion_main!(benches);
