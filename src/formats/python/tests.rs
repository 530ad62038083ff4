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

/// (source, name, form, call, held expression, constant)
type Shape = (
    &'static str,
    &'static str,
    Form,
    Option<&'static str>,
    &'static str,
    bool,
);

const SHAPES: &[Shape] = &[
    (
        "app.run(host='0.0.0.0', debug=True)\n",
        "debug",
        Form::Keyword,
        Some("app.run"),
        "True",
        true,
    ),
    (
        "super().__init__(verify=False)\n",
        "verify",
        Form::Keyword,
        Some(".__init__"),
        "False",
        true,
    ),
    (
        "def connect(verify=False):\n",
        "verify",
        Form::Keyword,
        None,
        "False",
        true,
    ),
    (
        "class C(Base, metaclass=M):\n",
        "metaclass",
        Form::Keyword,
        None,
        "M",
        false,
    ),
    (
        "uvicorn.run(app, **{'reload': True})\n",
        "reload",
        Form::DictEntry,
        Some("uvicorn.run"),
        "True",
        true,
    ),
    (
        "CORS = {'origins': ['*']}\n",
        "origins",
        Form::DictEntry,
        None,
        "['*']",
        true,
    ),
    (
        "app.config.DEBUG = True\n",
        "DEBUG",
        Form::Attribute,
        None,
        "True",
        true,
    ),
    (
        "app.config['a']['SECRET_KEY'] = 'k' 'v'\n",
        "SECRET_KEY",
        Form::Subscript,
        None,
        "'k' 'v'",
        true,
    ),
    (
        "DEBUG = TEMPLATE_DEBUG = True\n",
        "TEMPLATE_DEBUG",
        Form::Target,
        None,
        "True",
        true,
    ),
    (
        "DEBUG = TEMPLATE_DEBUG = True\n",
        "DEBUG",
        Form::Target,
        None,
        "True",
        true,
    ),
    (
        "HANDLER = lambda request=None: None\n",
        "HANDLER",
        Form::Target,
        None,
        "lambda request=None: None",
        false,
    ),
    (
        "TTL = timedelta(days=1) * 2\n",
        "TTL",
        Form::Target,
        None,
        "timedelta(days=1) * 2",
        true,
    ),
    (
        "HOSTS = ('a', f'{x}.b')\n",
        "HOSTS",
        Form::Target,
        None,
        "('a', f'{x}.b')",
        false,
    ),
    (
        "class S(BaseSettings):\n    debug: bool = Field(default=True, description='d')\n",
        "debug",
        Form::Target,
        None,
        "True",
        true,
    ),
    (
        "KEY = os.getenv('KEY', 'dflt')\n",
        "KEY",
        Form::Target,
        None,
        "os.getenv('KEY', 'dflt')",
        false,
    ),
];

#[test]
fn forms_calls_and_held_values() {
    for (source, name, form, call, held, constant) in SHAPES {
        let found = read(source).unwrap_or_else(|e| panic!("{source}: {e:?}"));
        let Some(hit) = found.iter().find(|a| a.name == *name) else {
            panic!("{name} not read from {source:?}: {found:?}");
        };
        assert_eq!(hit.form, *form, "{source}");
        assert_eq!(hit.call.as_deref(), *call, "{source}");
        assert_eq!(&source[hit.held.clone()], *held, "{source}");
        assert_eq!(hit.constant, *constant, "{source}");
        assert!(source[hit.name_at..].starts_with(*name), "{source}");
    }
}

#[test]
fn a_lambda_default_is_no_chained_target() {
    let found = read("HANDLER = lambda request=None: None\n").unwrap();
    let names: Vec<&str> = found.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["HANDLER"]);
}

/// (expression, value where the variable is unset)
const UNSET: &[(&str, Option<&str>)] = &[
    ("os.getenv('DEBUG', 'True')", Some("'True'")),
    ("os.environ.get('DEBUG', default=True)", Some("True")),
    ("envbool('DEBUG', 'True')", Some("'True'")),
    (
        "os.getenv('DEBUG', 'False').lower() == 'true'",
        Some("False"),
    ),
    ("os.getenv('DEBUG', 'True').lower() == 'true'", Some("True")),
    (
        "os.getenv('DEBUG', '1').strip() in ('1', 'yes')",
        Some("True"),
    ),
    ("os.getenv('DEBUG', '1') not in ['1', 'yes']", Some("False")),
    ("os.getenv('DEBUG', 'no').upper() != 'NO'", Some("False")),
    ("os.getenv('DEBUG') or 'True'", Some("'True'")),
    ("os.getenv('DEBUG') or default_debug()", None),
    ("settings.DEBUG or True", None),
    ("os.getenv('DEBUG')", None),
    ("os.getenv(NAME, 'True')", None),
    ("os.getenv('DEBUG', fallback)", None),
    ("os.getenv('DEBUG', 'x').lower() == other", None),
    ("os.getenv('DEBUG', 'x').title()", None),
    ("make('DEBUG', 'True')", None),
];

#[test]
fn values_where_the_variable_is_unset() {
    for (expression, unset) in UNSET {
        assert_eq!(
            super::reader::unset_value(expression).as_deref(),
            *unset,
            "{expression}"
        );
    }
}

#[test]
fn one_line_compound_statements_have_bodies() {
    let text = "if DEV: app.config['DEBUG'] = True\nelse: DEBUG = False\nfor x in y: z.a = 1\n";
    let found = read(text).unwrap();
    let got: Vec<(&str, Form, u32)> = found
        .iter()
        .map(|a| (a.name.as_str(), a.form, a.line))
        .collect();
    assert_eq!(
        got,
        [
            ("DEBUG", Form::Subscript, 1),
            ("DEBUG", Form::Target, 2),
            ("a", Form::Attribute, 3)
        ]
    );
}

#[test]
fn a_target_value_starts_after_its_chain() {
    let cases = [
        ("A = B = 1\n", "A", "1"),
        (
            "HANDLER = lambda r=None: r\n",
            "HANDLER",
            "lambda r=None: r",
        ),
        ("\u{feff}DEBUG = True\n", "DEBUG", "True"),
    ];
    for (text, name, value) in cases {
        let lines = super::lexer::tokenize(text).unwrap();
        let tokens = &lines[0];
        let Some((_, Some(start))) = super::reader::target(text, tokens) else {
            panic!("no target in {text:?}");
        };
        let last = &tokens[tokens.len() - 1];
        assert_eq!(&text[tokens[start].start..last.end], value, "{text:?}");
        assert_eq!(super::lexer::slice(text, &tokens[0]), name, "{text:?}");
        assert!(tokens[0].top_level, "{text:?}");
    }
}

#[test]
fn calls_a_name_is_handed_to() {
    let text = "opts = {'verify': False}\n# jwt.decode(t, options=opts)\nr = requests.get(\n    url,\n    **opts,\n)\nclaims = jwt.decode(t, KEY, options=opts)\nlog(opts)\nsend(json=opts, **other)\nx = f'{g(**opts)}'\n";
    assert_eq!(
        super::reader::calls_given(text, "opts"),
        ["requests.get", "jwt.decode"]
    );
}
