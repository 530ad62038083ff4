use super::*;

fn read(file_type: FileType, text: &str) -> Vec<(String, String, String, u32, ValueKind)> {
    statements(file_type, text, Lines::All)
        .into_iter()
        .flat_map(|s| {
            s.assignments.into_iter().map(move |a| {
                // The span is where the value is written.
                assert_eq!(&s.text[a.span.clone()], a.value, "{a:?}");
                (a.parent, a.name, a.value, a.line, a.kind)
            })
        })
        .collect()
}

fn row(
    parent: &str,
    name: &str,
    value: &str,
    line: u32,
    kind: ValueKind,
) -> (String, String, String, u32, ValueKind) {
    (parent.into(), name.into(), value.into(), line, kind)
}

#[test]
fn each_format_yields_assignments_with_parent_value_kind_and_line() {
    use ValueKind::*;
    let cases: Vec<(FileType, &str, Vec<_>)> = vec![
        (
            FileType::Toml,
            "[server]\nport = 8000\nhosts = [\n  \"a\",\n]\napp = { debug = true }\n",
            vec![
                row("server", "port", "8000", 2, Number),
                row("server", "hosts", "[\n  \"a\",\n]", 3, List),
                row("server", "app", "{ debug = true }", 6, Str),
                row("app", "debug", "true", 6, Bool),
            ],
        ),
        (
            FileType::Ini,
            "; note\n[alembic]\nsqlalchemy.url = %(DB_URL)s\nkeys: root # c\n",
            vec![
                row("alembic", "url", "%(DB_URL)s", 3, Reference),
                row("alembic", "keys", "root", 4, Str),
            ],
        ),
        (
            FileType::Conf,
            "server {\n  listen 0.0.0.0:80;\n  add_header X-Frame-Options DENY always;\n}\n",
            vec![
                row("", "listen", "0.0.0.0:80", 2, Str),
                row("", "add_header", "X-Frame-Options DENY always", 3, Str),
                row("", "X-Frame-Options", "DENY", 3, Str),
            ],
        ),
        (
            FileType::Env,
            "# c\nexport DEBUG=true\nURL=${BASE}/x\n",
            vec![
                row("", "DEBUG", "true", 2, Bool),
                row("", "URL", "${BASE}/x", 3, Reference),
            ],
        ),
        (
            FileType::Json,
            "{\n  \"debug\": false,\n  \"cors\": {\"origins\": \"*\"}\n}\n",
            vec![
                row("", "debug", "false", 2, Bool),
                row("", "cors", "{\"origins\": \"*\"}", 3, Str),
                row("cors", "origins", "\"*\"", 3, Str),
            ],
        ),
        (
            FileType::Compose,
            "services:\n  web:\n    environment:\n      - DEBUG=1\n    ports:\n      - \"80:80\"\n    secret: !env TOKEN\n",
            vec![
                row("environment", "DEBUG", "1", 4, Number),
                row("ports", "ports", "\"80:80\"", 6, Str),
                row("web", "secret", "!env TOKEN", 7, Reference),
            ],
        ),
        (
            FileType::Dockerfile,
            "FROM python:3.12\nENV MODE=\"dev x\" LEVEL=2\nUSER root\n",
            vec![
                row("", "MODE", "\"dev x\"", 2, Str),
                row("", "LEVEL", "2", 2, Number),
                row("USER", "USER", "root", 3, Str),
            ],
        ),
    ];
    for (file_type, text, want) in cases {
        assert_eq!(read(file_type, text), want, "{file_type:?}");
    }
}

#[test]
fn dotenv_key_lines() {
    let key = |line: &'static str| env::key_line(line).map(|k| (k.key, k.key_at, k.rest));
    assert_eq!(key("export  DB_URL = x"), Some(("DB_URL", 8, "x")));
    assert_eq!(key("APP-NAME=demo"), Some(("APP-NAME", 0, "demo")));
    assert_eq!(key("app.name: demo"), Some(("app.name", 0, "demo")));
    assert_eq!(key("export=1"), Some(("export", 0, "1")));
    assert_eq!(key("1ABC=x"), None);
    assert_eq!(key("not an assignment"), None);
}

#[test]
fn ini_key_lines() {
    let key = |line: &'static str| ini::key_line(line).map(|k| (k.key, k.key_at, k.rest));
    assert_eq!(
        key("  sqlalchemy.url: a=b"),
        Some(("sqlalchemy.url", 2, "a=b"))
    );
    assert_eq!(key("x = 1"), Some(("x", 0, "1")));
    assert_eq!(key(" = 1"), Some(("", 0, "1")));
    assert_eq!(key("bare"), None);
    // A key with spaces is read, but is no setting name (nginx's
    // `listen 0.0.0.0:80;` is a directive).
    assert!(!ini::is_name("listen 0.0.0.0"));
    assert!(!ini::is_name(""));
    assert!(ini::is_name("sqlalchemy.url"));
}

#[test]
fn dockerfile_pairs_follow_the_reference() {
    let pairs = |keyword: &str, body: &str| -> Vec<(String, Option<String>, bool)> {
        dockerfile::pairs(keyword, body)
            .into_iter()
            .map(|p| (p.key.to_string(), p.value.map(str::to_string), p.legacy))
            .collect()
    };
    let pair =
        |k: &str, v: Option<&str>, legacy: bool| (k.to_string(), v.map(str::to_string), legacy);
    assert_eq!(
        pairs(
            "ENV",
            r#"MY_NAME="John Doe" MY_DOG=Rex\ The\ Dog MY_CAT=fluffy"#
        ),
        vec![
            pair("MY_NAME", Some("\"John Doe\""), false),
            pair("MY_DOG", Some(r"Rex\ The\ Dog"), false),
            pair("MY_CAT", Some("fluffy"), false),
        ]
    );
    assert_eq!(
        pairs("ENV", "OPTS a=1  b=2"),
        vec![pair("OPTS", Some("a=1  b=2"), true)]
    );
    assert_eq!(
        pairs("ARG", "DEBUG True"),
        vec![pair("DEBUG", None, false), pair("True", None, false)]
    );
    assert_eq!(
        pairs("ENV", "A=1 \\\n    B=\"x \\\" y\""),
        vec![
            pair("A", Some("1"), false),
            pair("B", Some("\"x \\\" y\""), false)
        ]
    );
    assert_eq!(
        dockerfile::instruction("  env A=1"),
        Some(("ENV".to_string(), "A=1", 6))
    );
    assert_eq!(dockerfile::instruction("# comment"), None);
}

#[test]
fn dockerfile_continuation_lines_are_one_statement() {
    use ValueKind::*;
    assert_eq!(
        read(
            FileType::Dockerfile,
            "FROM x\nENV A=1 \\\n  # note\n  DEBUG=True\nARG TOKEN\n"
        ),
        vec![
            row("", "A", "1", 2, Number),
            row("", "DEBUG", "True", 4, Bool)
        ]
    );
}

/// A dotenv value whose brackets span lines is read whole (the old line
/// regex stopped at the line break and read nothing).
#[test]
fn dotenv_bracketed_value_over_lines_is_one_assignment() {
    assert_eq!(
        read(FileType::Env, "ALLOWED_HOSTS=[\"a\",\n  \"*\"]\nX=1\n"),
        vec![
            row("", "ALLOWED_HOSTS", "[\"a\",\n  \"*\"]", 1, ValueKind::List),
            row("", "X", "1", 3, ValueKind::Number),
        ]
    );
}
