//! Table-driven tests of the Python reader.

use super::reader::{read, read_fragment, Form, ValueKind};

/// (source, key, kind, literal the setting holds)
const CASES: &[(&str, &str, ValueKind, Option<&str>)] = &[
    ("PORT = 8000\n", "PORT", ValueKind::Number, None),
    ("DEBUG = False\n", "DEBUG", ValueKind::Bool, None),
    ("X = None\n", "X", ValueKind::None, None),
    ("NAME = 'app'\n", "NAME", ValueKind::Str, Some("app")),
    (
        "NAME = r'a\\d' \"b\"\n",
        "NAME",
        ValueKind::Str,
        Some("a\\db"),
    ),
    ("NAME = b'raw'\n", "NAME", ValueKind::Str, Some("raw")),
    ("NAME = f'plain'\n", "NAME", ValueKind::Str, Some("plain")),
    ("NAME = f'{x}y'\n", "NAME", ValueKind::Expression, None),
    ("NAME = ('a'\n        'b')\n", "NAME", ValueKind::List, None),
    (
        "class Settings(BaseSettings):\n    SMTP_PASSWORD: str = 'pw1'\n",
        "Settings.SMTP_PASSWORD",
        ValueKind::Str,
        Some("pw1"),
    ),
    (
        "class S:\n    token: str = Field(default='tk2', min_length=3)\n",
        "S.token",
        ValueKind::Str,
        Some("tk2"),
    ),
    (
        "class S:\n    token: str = Field('tk3')\n",
        "S.token",
        ValueKind::Str,
        Some("tk3"),
    ),
    (
        "KEY = os.getenv('KEY', 'dflt')\n",
        "KEY",
        ValueKind::Reference,
        Some("dflt"),
    ),
    (
        "KEY = os.environ.get('KEY', default='dflt')\n",
        "KEY",
        ValueKind::Reference,
        Some("dflt"),
    ),
    (
        "KEY = os.environ.get('KEY')\n",
        "KEY",
        ValueKind::Reference,
        None,
    ),
    (
        "KEY = os.getenv('KEY') or 'fallback'\n",
        "KEY",
        ValueKind::Reference,
        Some("fallback"),
    ),
    (
        "DEBUG = envbool('DEBUG', 'True')\n",
        "DEBUG",
        ValueKind::Reference,
        Some("True"),
    ),
    (
        "KEY = envsecret('KEY', 'sek')\n",
        "KEY",
        ValueKind::Reference,
        Some("sek"),
    ),
    (
        "KEY = config('KEY', default='cfg')\n",
        "KEY",
        ValueKind::Reference,
        Some("cfg"),
    ),
    ("KEY = settings.OTHER\n", "KEY", ValueKind::Reference, None),
    ("KEY = make_key(32)\n", "KEY", ValueKind::Expression, None),
    (
        "os.environ['API_TOKEN'] = 'set'\n",
        "API_TOKEN",
        ValueKind::Str,
        Some("set"),
    ),
    (
        "MIDDLEWARE = [\n    'a.B',\n    'c.D',\n]\n",
        "MIDDLEWARE",
        ValueKind::List,
        None,
    ),
];

#[test]
fn assignments_by_form() {
    for (source, key, kind, literal) in CASES {
        let found = read(source).unwrap_or_else(|e| panic!("{source}: {e:?}"));
        let Some(hit) = found.iter().find(|a| a.key == *key) else {
            panic!("{key} not read from {source:?}: {found:?}");
        };
        assert_eq!(hit.kind, *kind, "{source}");
        assert_eq!(
            hit.literal.as_ref().map(|l| l.text.as_str()),
            *literal,
            "{source}"
        );
        if let Some(literal) = &hit.literal {
            // The span points at the literal's own text (first piece).
            assert!(
                source[literal.start..literal.end].starts_with(&literal.text[..1]),
                "{source}"
            );
        }
    }
}

#[test]
fn keywords_dicts_lists_and_lines() {
    let text = "r = requests.get(url, auth=('user', 'pw4'), timeout=5)\nDATABASES = {\n    'default': {'PASSWORD': 'pw5'},\n}\nPASSWORD_HASHERS = [\n    'a.PBKDF2',\n    'a.Argon2',\n]\n";
    let found = read(text).unwrap();
    let auth = found.iter().find(|a| a.name == "auth").unwrap();
    assert_eq!(
        (auth.form, auth.kind, auth.line),
        (Form::Keyword, ValueKind::List, 1)
    );
    let items: Vec<&str> = auth.items.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(items, ["user", "pw4"]);
    let timeout = found.iter().find(|a| a.name == "timeout").unwrap();
    assert_eq!(timeout.kind, ValueKind::Number);
    let password = found.iter().find(|a| a.name == "PASSWORD").unwrap();
    assert_eq!((password.form, password.line), (Form::DictEntry, 3));
    assert_eq!(password.literal.as_ref().unwrap().text, "pw5");
    let hashers = found.iter().find(|a| a.name == "PASSWORD_HASHERS").unwrap();
    assert_eq!(
        (hashers.kind, hashers.items.len(), hashers.line),
        (ValueKind::List, 2, 5)
    );
}

#[test]
fn methods_are_not_class_fields() {
    let text = "class S(BaseSettings):\n    PORT: int = 1\n    def f(self):\n        inner = 'x'\n";
    let keys: Vec<String> = read(text).unwrap().into_iter().map(|a| a.key).collect();
    assert!(keys.contains(&"S.PORT".to_string()), "{keys:?}");
    assert!(keys.contains(&"inner".to_string()), "{keys:?}");
    assert!(!keys.contains(&"S.inner".to_string()), "{keys:?}");
}

#[test]
fn fragments_never_fail() {
    let found =
        read_fragment("    password: str = Field(default='abc', description=\"unterminated");
    assert_eq!(found[0].literal.as_ref().unwrap().text, "abc");
    assert!(read_fragment(")]} = = 'x")
        .iter()
        .all(|a| a.literal.is_none() || a.name.is_empty()));
}
