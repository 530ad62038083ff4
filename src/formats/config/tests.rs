use super::*;

fn read(file_type: FileType, text: &str) -> Vec<(String, String, String, u32, ValueKind)> {
    statements(file_type, text, &|_, _| true)
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
