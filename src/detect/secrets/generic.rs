//! Detectors that need more than one regex: generic `secret-key = literal`
//! assignments, PEM private key blocks and URLs carrying a password.

use std::sync::OnceLock;

use regex::Regex;

use super::random::{is_example_secret, looks_random};
use crate::formats::python::reader;
use crate::formats::FileType;

/// A secret found on one line: byte span within the line and the value.
pub struct Hit<'t> {
    pub start: usize,
    pub end: usize,
    pub secret: &'t str,
    pub label: String,
}

/// Case-insensitive words that make a key secret-looking; also the keyword
/// prefilter of the generic rule.
pub const GENERIC_KEYWORDS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "pass",
    "secret",
    "token",
    "apikey",
    "api_key",
    "api-key",
    "auth",
    "credential",
    "private_key",
    "privatekey",
    "access_key",
    "accesskey",
    "signing_key",
    "signingkey",
    "encryption_key",
    "master_key",
];

/// Last key segments that name something about a secret, not the secret.
const NOT_SECRET_SUFFIXES: &[&str] = &[
    "url",
    "uri",
    "file",
    "path",
    "dir",
    "name",
    "type",
    "header",
    "length",
    "len",
    "ttl",
    "expiry",
    "expires",
    "expire",
    "timeout",
    "lifetime",
    "age",
    // Durations and counts: `ACCESS_TOKEN_EXPIRE_MINUTES`, `TOKEN_RETRIES`.
    "seconds",
    "secs",
    "minutes",
    "mins",
    "hours",
    "days",
    "weeks",
    "ms",
    "retries",
    "count",
    "size",
    "algorithm",
    "algorithms",
    "alg",
    "endpoint",
    "field",
    "model",
    "backend",
    "backends",
    "class",
    "validators",
    "prefix",
    "env",
    "var",
    "id",
    "count",
    "size",
    "max",
    "min",
    "enabled",
    "required",
    "hash",
    "hashers",
    "format",
    "mode",
    "method",
    "scheme",
    "location",
    "policy",
    "version",
    "kind",
    "email",
    "user",
    "username",
    "login",
    "host",
    "port",
    "provider",
    "source",
    "store",
    "rotation",
    "reset",
    "hint",
    "label",
    "description",
    "help",
    "regex",
    "pattern",
    "placeholder",
    "policy",
    "strength",
    "digest",
    "checksum",
    "integrity",
];

fn assignment_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // Key, optional closing quote, an optional type annotation (Python's
        // `SMTP_PASSWORD: str | None = "…"`, the pydantic settings form), an
        // assignment operator, then a quoted or bare value. Bare values are
        // judged by file type afterwards.
        Regex::new(
            r#"(?i)(?:^|[^A-Za-z0-9_])(?P<key>[A-Za-z0-9_.\-]*(?:pass|pwd|secret|token|api[_-]?key|auth|credential|private[_-]?key|access[_-]?key|signing[_-]?key|encryption[_-]?key|master[_-]?key)[A-Za-z0-9_.\-]*)["']?\s*(?::\s*[A-Za-z_][A-Za-z0-9_.\[\], |]*?\s*=|:=|=>|=|:)\s*(?P<val>(?:[rRbBuUfF]{1,2})?(?:"[^"]*"|'[^']*')|[^\s#;,'"&]+)"#,
        )
        .expect("constant regex")
    })
}

fn query_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r#"(?i)[?&](?P<key>[A-Za-z0-9_.\-]*(?:api[_-]?key|apikey|token|secret|passw(?:or)?d|pwd|access[_-]?key|signature)[A-Za-z0-9_.\-]*)=(?P<val>[^&\s#'"<>]+)"#,
        )
        .expect("constant regex")
    })
}

fn docker_env_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)^\s*(?:ENV|ARG)\s+(?P<key>[A-Za-z0-9_.\-]+)\s+(?P<val>\S+)\s*$")
            .expect("constant regex")
    })
}

/// Whether values of `key` are secret: the one judgement used both to detect
/// generic `key = literal` secrets and to redact values shown under a key
/// (`database.password`, `DATABASES.default.PASSWORD`, `apiKey`,
/// `SENTRY_DSN`), so detection and redaction cannot disagree.
pub fn is_secret_key(key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    if lower.contains("author") && !lower.contains("authoriz")
        || lower.contains("tokenizer")
        || lower.contains("passthrough")
    {
        return false;
    }
    let words = split_words(key);
    let Some(last) = words.last() else {
        return false;
    };
    // `token_ttl`, `PASSWORD_HASHERS`, `AUTH_USER_MODEL` name something about
    // a secret, not the secret; `hashed_password` holds a one-way hash.
    if NOT_SECRET_SUFFIXES.contains(&last.as_str()) || words.first().is_some_and(|w| w == "hashed")
    {
        return false;
    }
    // `hashed_secret` (a detect-secrets baseline), `hashed_password`: a
    // one-way digest of a secret, not the secret.
    if words.first().is_some_and(|w| w == "hashed") {
        return false;
    }
    // `pass` only counts as a whole word or within password-like words.
    let pass_word = words
        .iter()
        .any(|w| w == "pass" || w.starts_with("passw") || w == "passphrase");
    // Secret as the last word only: `SENTRY_DSN`, `gcp.creds`.
    let last_word = matches!(last.as_str(), "dsn" | "creds");
    pass_word
        || last_word
        || GENERIC_KEYWORDS
            .iter()
            .filter(|word| **word != "pass")
            .any(|word| lower.contains(word))
}

/// Lower-case words of a key, split on separators, brackets and quotes, and
/// camelCase humps (`authTokenUrl` is `auth`, `token`, `url`).
fn split_words(key: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in key.chars() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    // `tokens[0]`: an index says nothing about the key.
    while words.len() > 1
        && words
            .last()
            .is_some_and(|w| w.chars().all(|c| c.is_ascii_digit()))
    {
        words.pop();
    }
    words
}

/// Strip an auth scheme so `Bearer <token>` is judged on the token.
fn strip_scheme(value: &str) -> &str {
    for scheme in ["Bearer ", "Basic ", "Token ", "bearer ", "token "] {
        if let Some(rest) = value.strip_prefix(scheme) {
            return rest;
        }
    }
    value
}

/// Whether the key at `key_start` is the name inside an interpolation:
/// `${POSTGRES_PASSWORD:?not set}`, `${X:-default}`, `{{ token }}`. What
/// follows it is a message or a default, not an assigned value.
fn interpolated(line: &str, key_start: usize) -> bool {
    let before = line[..key_start].trim_end_matches([' ', '\t']);
    before.ends_with("${") || before.ends_with("{{") || before.ends_with("{{-")
}

/// Whether an unquoted value in prose names code rather than holding a
/// literal: a dotted path (`form.password`, `settings.SECRET_KEY`), a call
/// (`get_token()`) or a subscript, as documentation writes
/// `password=form.password`. A call's or subscript's quoted argument ends
/// the unquoted value early (`request.form[`, `os.environ.get(`).
fn names_code(value: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*(\.[A-Za-z_][A-Za-z0-9_]*|\([^)]*\)?|\[[^\]]*\]?)$")
            .expect("constant regex")
    })
    .is_match(value.trim_end_matches(['`', ',', '.', ';']))
}

/// Whether an unquoted value in prose is markup: a backtick inside it
/// (rst's `:data:`~flask.current_app``, after "never pass"), not around it.
fn is_markup(value: &str) -> bool {
    value.trim_matches('`').contains('`')
}

/// `${KEY:-default}` / `${KEY-default}`: the default is a literal.
fn interpolation_default_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"\$\{(?P<key>[A-Za-z0-9_]+):?-(?P<val>[^}\s]+)\}").expect("constant regex")
    })
}

/// Generic secret assignments on one line, read as `file_type` (the
/// file's, or its code block's in a document).
pub fn assignments<'t>(file_type: FileType, line: &'t str) -> Vec<Hit<'t>> {
    let mut hits = Vec::new();
    // Lock files and bundles are generated: their `key: value` pairs are
    // nobody's assignment (provider-format rules still read them).
    if file_type.is_generated() {
        return hits;
    }
    let bare_ok = file_type.bare_values_are_literals();
    let prose = matches!(file_type, FileType::Markdown | FileType::Rst);
    let mut consider = |key: &str, val: regex::Match<'t>, quoted_required: bool| {
        let mut raw = val.as_str();
        let mut start = val.start();
        // A Python string prefix (`f"…"`, `r"…"`, `b"…"`) is not the value;
        // an f-string with a field is computed, not a literal.
        let prefix = raw.find(['"', '\'']).unwrap_or(0);
        if prefix > 0 && prefix <= 2 && raw[..prefix].bytes().all(|b| b"rRbBuUfF".contains(&b)) {
            if raw[..prefix].contains(['f', 'F']) && raw.contains('{') {
                return;
            }
            raw = &raw[prefix..];
            start += prefix;
        }
        let mut value = raw;
        let quoted = raw.len() >= 2
            && (raw.starts_with('"') && raw.ends_with('"')
                || raw.starts_with('\'') && raw.ends_with('\''));
        if quoted {
            value = &raw[1..raw.len() - 1];
            start += 1;
        } else if quoted_required || (prose && (names_code(value) || is_markup(value))) {
            return;
        }
        hits.extend(judged(key, value, start));
    };
    // `?api_key=…&` in a URL: a value up to the next parameter, in any file.
    if line.contains('?') || line.contains('&') {
        for caps in query_regex().captures_iter(line) {
            if let (Some(key), Some(val)) = (caps.name("key"), caps.name("val")) {
                consider(key.as_str(), val, false);
            }
        }
    }
    for caps in assignment_regex().captures_iter(line) {
        if let (Some(key), Some(val)) = (caps.name("key"), caps.name("val")) {
            if interpolated(line, key.start()) {
                continue;
            }
            consider(key.as_str(), val, !bare_ok);
        }
    }
    if line.contains("${") {
        for caps in interpolation_default_regex().captures_iter(line) {
            if let (Some(key), Some(val)) = (caps.name("key"), caps.name("val")) {
                consider(key.as_str(), val, false);
            }
        }
    }
    if let Some(caps) = docker_env_regex().captures(line) {
        if let (Some(key), Some(val)) = (caps.name("key"), caps.name("val")) {
            consider(key.as_str(), val, false);
        }
    }
    if file_type == FileType::Python {
        python_literals(line, &mut hits);
    }
    hits
}

/// A hit when `value` (at byte `start` of its line) is a secret under `key`.
fn judged<'t>(key: &str, value: &'t str, mut start: usize) -> Option<Hit<'t>> {
    let stripped = strip_scheme(value);
    start += value.len() - stripped.len();
    let value = stripped.trim();
    // `hashed_password=hashed_password` (inline code in prose): a name
    // passed on under its own name is code.
    let same_name = value.trim_end_matches('`').eq_ignore_ascii_case(key);
    if !is_secret_key(key) || same_name || value.contains("://") || !looks_random(value) {
        return None;
    }
    Some(Hit {
        start,
        end: start + value.len(),
        secret: value,
        label: format!("secret assigned to `{key}`"),
    })
}

/// Literals the Python reader finds where the assignment pattern sees code:
/// `Field(default="…")`, an environment read's default
/// (`os.getenv("X", "…")`, `getenv("X") or "…"`), `os.environ["X"] = "…"`,
/// and the password of an `auth=("user", "…")` pair.
fn python_literals<'t>(line: &'t str, hits: &mut Vec<Hit<'t>>) {
    for assignment in reader::read_fragment(line) {
        let literal = match (&assignment.literal, assignment.items.as_slice()) {
            (Some(literal), _) => literal,
            (None, [_, password]) => password,
            _ => continue,
        };
        let Some(value) = line.get(literal.start..literal.end) else {
            continue;
        };
        let seen = hits
            .iter()
            .any(|hit| hit.start < literal.end && literal.start < hit.end);
        if !seen {
            hits.extend(judged(&assignment.name, value, literal.start));
        }
    }
}

fn url_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r#"(?i)\b(?P<scheme>[a-z][a-z0-9+.\-]{1,30})://(?P<user>[^\s:/@'"<>]{0,128}):(?P<pass>[^\s@/'"<>]{1,256})@(?P<host>[^\s/:'"?#@,;]+)"#,
        )
        .expect("constant regex")
    })
}

const LOCAL_HOSTS: &[&str] = &["localhost", "127.0.0.1", "0.0.0.0", "[::1]", "::1"];

/// Passwords in `scheme://user:password@host` URLs.
pub fn url_passwords(line: &str) -> Vec<Hit<'_>> {
    let mut hits = Vec::new();
    for caps in url_regex().captures_iter(line) {
        let (Some(scheme), Some(user), Some(pass), Some(host)) = (
            caps.name("scheme"),
            caps.name("user"),
            caps.name("pass"),
            caps.name("host"),
        ) else {
            continue;
        };
        let password = pass.as_str();
        let host_lower = host.as_str().to_ascii_lowercase();
        if is_example_secret(password)
            || password.eq_ignore_ascii_case(user.as_str())
            || password.len() < 4
            || is_example_secret(&host_lower)
            || matches!(host_lower.as_str(), "host" | "hostname" | "server")
        {
            continue;
        }
        let local = LOCAL_HOSTS.contains(&host_lower.as_str());
        if local && !looks_random(password) {
            continue;
        }
        hits.push(Hit {
            start: pass.start(),
            end: pass.end(),
            secret: password,
            label: format!(
                "password in {} connection URL",
                scheme.as_str().to_ascii_lowercase()
            ),
        });
    }
    hits
}

/// A private key block found in the text.
pub struct KeyBlock<'t> {
    /// 0-based index of the header line and of the last line of the block.
    pub first: usize,
    pub last: usize,
    pub secret: &'t str,
    pub kind: &'static str,
    pub label: &'static str,
}

/// The rule id and label for a PEM header such as `RSA PRIVATE KEY`.
fn key_kind(header: &str) -> Option<(&'static str, &'static str)> {
    let upper = header.to_ascii_uppercase();
    let kinds = [
        (
            "ENCRYPTED PRIVATE KEY",
            "private-key-pkcs8-encrypted",
            "encrypted PKCS#8 private key",
        ),
        ("RSA PRIVATE KEY", "private-key-rsa", "RSA private key"),
        ("EC PRIVATE KEY", "private-key-ec", "EC private key"),
        ("DSA PRIVATE KEY", "private-key-dsa", "DSA private key"),
        (
            "OPENSSH PRIVATE KEY",
            "private-key-openssh",
            "OpenSSH private key",
        ),
        (
            "PGP PRIVATE KEY BLOCK",
            "private-key-pgp",
            "PGP private key block",
        ),
        ("PRIVATE KEY", "private-key-pkcs8", "PKCS#8 private key"),
    ];
    kinds
        .iter()
        .find(|(marker, _, _)| upper.contains(&format!("BEGIN {marker}-----")))
        .map(|(_, id, label)| (*id, *label))
}

/// Rule ids and labels of every PEM kind, for the rule list.
pub const KEY_RULES: &[(&str, &str)] = &[
    (
        "private-key-pkcs8-encrypted",
        "encrypted PKCS#8 private key",
    ),
    ("private-key-rsa", "RSA private key"),
    ("private-key-ec", "EC private key"),
    ("private-key-dsa", "DSA private key"),
    ("private-key-openssh", "OpenSSH private key"),
    ("private-key-pgp", "PGP private key block"),
    ("private-key-pkcs8", "PKCS#8 private key"),
];

/// Enough base64 body that this is a key, not a parser's marker constant.
fn has_key_body(body: &str) -> bool {
    if body.contains("...") || body.contains('…') {
        return false;
    }
    let base64 = body
        .bytes()
        .filter(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
        .count();
    base64 >= 40
}

/// How many lines below its header a key block's END marker is looked for.
pub const KEY_BLOCK_LINES: usize = 400;

/// A private key starting on line `index` (0-based) of `lines`: a real
/// multi-line block, or one with `\n` escapes inside a JSON/Python string.
pub fn key_block<'t>(text: &'t str, starts: &[usize], index: usize) -> Option<KeyBlock<'t>> {
    let line = line_at(text, starts, index);
    let header_at = line.find("-----BEGIN ")?;
    let (kind, label) = key_kind(&line[header_at..])?;
    let from_header = &line[header_at..];
    if from_header.contains("\\n") {
        // Escaped newlines: the whole key is on this line.
        let end = from_header
            .find("-----END ")
            .and_then(|e| from_header[e + 9..].find("-----").map(|x| e + 9 + x + 5))
            .unwrap_or_else(|| from_header.find(['"', '\'']).unwrap_or(from_header.len()));
        let secret = &from_header[..end];
        return has_key_body(secret).then_some(KeyBlock {
            first: index,
            last: index,
            secret,
            kind,
            label,
        });
    }
    let block_start = starts[index] + header_at;
    let max = (index + KEY_BLOCK_LINES).min(starts.len().saturating_sub(1));
    for end_index in index + 1..=max {
        let l = line_at(text, starts, end_index);
        if let Some(at) = l.find("-----END ") {
            let tail = &l[at + 9..];
            let close = tail.find("-----").map_or(l.len(), |x| at + 9 + x + 5);
            let block_end = starts[end_index] + close;
            let secret = text.get(block_start..block_end)?;
            return has_key_body(secret).then_some(KeyBlock {
                first: index,
                last: end_index,
                secret,
                kind,
                label,
            });
        }
    }
    // No END marker (truncated paste): the header plus a body still counts,
    // but only when the next line is base64 (code that mentions a header is not).
    let next = line_at(text, starts, index + 1).trim();
    let base64_line = next.len() >= 40
        && next
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='));
    if !base64_line {
        return None;
    }
    let last = (index + 3).min(starts.len().saturating_sub(1));
    let block_end = starts[last] + line_at(text, starts, last).len();
    let secret = text.get(block_start..block_end)?;
    has_key_body(secret).then_some(KeyBlock {
        first: index,
        last,
        secret,
        kind,
        label,
    })
}

/// Line `index` of `text` without its line ending; `starts` holds each line's
/// first byte plus a final `text.len() + 1` sentinel.
pub fn line_at<'t>(text: &'t str, starts: &[usize], index: usize) -> &'t str {
    let start = starts.get(index).copied().unwrap_or(text.len());
    let end = starts
        .get(index + 1)
        .map_or(text.len(), |next| next.saturating_sub(1))
        .min(text.len());
    let line = text.get(start.min(end)..end).unwrap_or("");
    line.strip_suffix('\r').unwrap_or(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets(path: &str, line: &str) -> Vec<String> {
        assignments(FileType::of(path), line)
            .into_iter()
            .map(|h| h.secret.to_string())
            .collect()
    }

    const V: &str = "Zt4rQ8wLmN2pXy6vKc3e";

    #[test]
    fn assignments_in_each_file_type() {
        let cases = [
            ("settings.py", format!("DB_PASSWORD = \"{V}\"")),
            (
                "config.py",
                format!("    SMTP_PASSWORD: str | None = \"{V}\""),
            ),
            ("config.py", format!("    api_key: Optional[str] = '{V}'")),
            ("config.py", format!("    api_key: str='{V}'")),
            ("client.py", format!("connect(host=h, password='{V}')")),
            ("client.py", format!("cfg = {{\"api_key\": \"{V}\"}}")),
            ("config.toml", format!("secret_key = \"{V}\"")),
            ("config.yaml", format!("  password: {V}")),
            ("config.yml", format!("  api_token: \"{V}\"")),
            ("app.ini", format!("password = {V}")),
            (".env.example", format!("STRIPE_SECRET={V}")),
            ("config.json", format!("  \"client_secret\": \"{V}\",")),
            ("Dockerfile", format!("ENV API_TOKEN={V}")),
            ("Dockerfile", format!("ARG NPM_AUTH_TOKEN {V}")),
            (
                "docker-compose.yml",
                format!("      - POSTGRES_PASSWORD={V}"),
            ),
            ("docker-compose.yml", format!("      REDIS_PASSWORD: {V}")),
            (
                "app.py",
                format!("headers = {{\"Authorization\": \"Bearer {V}\"}}"),
            ),
        ];
        for (path, line) in cases {
            assert_eq!(secrets(path, &line), vec![V.to_string()], "{path}: {line}");
        }
    }

    #[test]
    fn lookalike_assignments_stay_quiet() {
        let cases = [
            ("settings.py", "DB_PASSWORD = os.environ[\"DB_PASSWORD\"]"),
            ("settings.py", "API_KEY = os.getenv(\"API_KEY\")"),
            ("settings.py", "SECRET_KEY = env(\"SECRET_KEY\")"),
            ("settings.py", "token = settings.API_TOKEN"),
            ("settings.py", "password = \"\""),
            ("settings.py", "AUTH_USER_MODEL = \"accounts.User\""),
            (
                "settings.py",
                "PASSWORD_HASHERS = [\"django.contrib.auth.hashers.Argon2\"]",
            ),
            (
                "settings.py",
                "TOKEN_URL = \"https://auth.example.org/oauth/token\"",
            ),
            ("settings.py", "def check_password(password: str) -> bool:"),
            ("config.py", "    SMTP_PASSWORD: str | None = None"),
            ("config.py", "    FIRST_SUPERUSER_PASSWORD: str"),
            ("config.py", "    password: str = Field(..., min_length=8)"),
            ("views.py", "    if token: str == expected:"),
            ("config.toml", "password = \"${DB_PASSWORD}\""),
            ("config.yaml", "password: {{ vault_db_password }}"),
            ("config.yaml", "api_key: <your-api-key>"),
            ("app.ini", "password = %(db_password)s"),
            (".env.example", "SECRET_KEY=changeme"),
            ("config.json", "\"token_ttl\": 3600,"),
            ("Dockerfile", "ARG API_TOKEN"),
            ("Dockerfile", "ENV API_TOKEN=$API_TOKEN"),
            ("config.yaml", "client_secret: your-client-secret-here"),
            ("settings.py", "AUTHOR = \"Jane Example\""),
            ("model.py", "tokenizer = \"bert-base-uncased\""),
        ];
        for (path, line) in cases {
            assert!(secrets(path, line).is_empty(), "{path}: {line}");
        }
    }

    /// Forms only the Python reader sees: the literal is an argument, a
    /// default or a tuple item, not the right-hand side of `key =`.
    #[test]
    fn python_reader_forms() {
        let caught = [
            format!("    api_key: str = Field(default=\"{V}\", description=\"k\")"),
            format!("    client_secret: SecretStr = Field(\"{V}\")"),
            format!("DB_PASSWORD = os.getenv(\"DB_PASSWORD\", \"{V}\")"),
            format!("API_TOKEN = os.environ.get(\"API_TOKEN\", default='{V}')"),
            format!("SECRET_KEY = os.getenv(\"SECRET_KEY\") or \"{V}\""),
            format!("STRIPE_SECRET = envsecret(\"STRIPE_SECRET\", \"{V}\")"),
            format!("os.environ[\"AWS_SECRET_ACCESS_KEY\"] = \"{V}\""),
            format!("r = requests.get(url, auth=(\"svc\", \"{V}\"))"),
        ];
        for line in &caught {
            assert_eq!(
                secrets("app/config.py", line),
                vec![V.to_string()],
                "{line}"
            );
        }
        let quiet = [
            "    api_key: str = Field(..., min_length=32)",
            "DB_PASSWORD = os.getenv(\"DB_PASSWORD\", \"changethis\")",
            "SECRET_KEY = os.getenv(\"SECRET_KEY\") or secrets.token_urlsafe(32)",
            "os.environ[\"AWS_SECRET_ACCESS_KEY\"] = aws_secret",
            "r = requests.get(url, auth=(username, password))",
            "r = requests.get(url, auth=(\"svc\", token))",
        ];
        for line in quiet {
            assert!(secrets("app/config.py", line).is_empty(), "{line}");
        }
    }

    #[test]
    fn secret_keys_one_judgement() {
        for key in [
            "database.password",
            "DATABASES.default.PASSWORD",
            "SECRET_KEY",
            "api.token",
            "stripe.api_key",
            "apiKey",
            "ssl.private_key",
            "gcp.credentials",
            "gcp.creds",
            "SENTRY_DSN",
            "smtp.auth",
            "aws_secret_access_key",
            "GITHUB_TOKEN",
            "githubtoken",
            "SECRET_KEY_FALLBACKS",
            "redis.passwd",
            "gpg.passphrase",
            "tokens[0]",
            "servers.\"a.b\".client_secret",
            "signingKey",
            "DB_PASS",
        ] {
            assert!(is_secret_key(key), "{key}");
        }
        for key in [
            "cache.ttl",
            "database.host",
            "author",
            "features.search_v2",
            "DEBUG",
            "passenger.count",
            "AUTH_USER_MODEL",
            "jwt.token_ttl",
            "Settings.EMAIL_RESET_TOKEN_EXPIRE_HOURS",
            "ACCESS_TOKEN_EXPIRE_MINUTES",
            "key",
            "TOKEN_URL",
            "PASSWORD_HASHERS",
            "authTokenUrl",
            "tokenizer",
            "compass",
            "hashed_password",
            "hashed_secret",
            "hashedPassword",
        ] {
            assert!(!is_secret_key(key), "{key}");
        }
    }

    /// Documentation names code in prose (`password=form.password`); a
    /// literal there is still a literal.
    #[test]
    fn prose_that_names_code_is_not_a_literal() {
        for (file_type, line) in [
            (
                FileType::Markdown,
                "a request sends `password=form.password`.",
            ),
            (
                FileType::Markdown,
                "set `api_key=settings.API_KEY` in the client",
            ),
            (FileType::Rst, "call it with ``token=get_token()``"),
            (
                FileType::Rst,
                "the view reads ``password = request.form['password']``",
            ),
            (
                FileType::Markdown,
                "builds `{'access_key': os.environ.get(\"AWS_KEY\")}` on start",
            ),
            (
                FileType::Rst,
                "   Never pass :data:`~flask.current_app` as sender to a signal.",
            ),
        ] {
            assert!(assignments(file_type, line).is_empty(), "{line}");
        }
        for (file_type, line) in [
            (FileType::Markdown, "`password=Xk29vQm7pLw3Zr8T`"),
            (FileType::Markdown, "password: `Xk29vQm7pLw3Zr8T`"),
            (FileType::Rst, "export API_KEY=Zt4rQ8wLmN2pXy6vKc3e"),
        ] {
            assert_eq!(assignments(file_type, line).len(), 1, "{line}");
        }
    }

    #[test]
    fn compose_interpolation_names_are_not_values() {
        for line in [
            "DATABASE_URL: postgresql://app:${POSTGRES_PASSWORD:?Variable not set}@db:5432/app",
            "REDIS_URL: redis://:${REDIS_PASSWORD:-}@redis:6379/0",
            "POSTGRES_PASSWORD: ${DB_PASSWORD:-postgres}",
            "SECRET_KEY: ${SECRET_KEY?SECRET_KEY must be set}",
        ] {
            assert!(secrets("compose.yml", line).is_empty(), "{line}");
        }
        // A default is a literal: a generated one is still a secret.
        assert_eq!(
            secrets(
                "compose.yml",
                "SECRET_KEY: ${SECRET_KEY:-kT9vQ2mX7pL4wR8zN3bH6cJ1}"
            ),
            ["kT9vQ2mX7pL4wR8zN3bH6cJ1"]
        );
    }

    #[test]
    fn connection_urls() {
        let hit = url_passwords("DATABASE_URL=postgres://app:Xk29vLq8Wz@db.internal:5432/app");
        assert_eq!(hit.len(), 1);
        assert_eq!(hit[0].secret, "Xk29vLq8Wz");
        assert!(hit[0].label.contains("postgres"));
        for url in [
            "mongodb+srv://svc:Pq7wLm2xZ9@cluster0.ab1cd.mongodb.net/db",
            "redis://:Tr8qXm2pLw9z@cache.prod:6379/0",
            "amqps://worker:Hs7Kq2mP9x@mq.prod/vhost",
            "mysql://root:Ny3!kQ8wZp@10.0.3.4/app",
        ] {
            assert_eq!(url_passwords(url).len(), 1, "{url}");
        }
        for url in [
            "postgres://postgres:postgres@localhost/db",
            "postgresql://user:pass@localhost:5432/app",
            "redis://:password@127.0.0.1:6379",
            "https://user:pass@example.com/",
            "postgres://app:${DB_PASSWORD}@db/app",
            "amqp://guest:guest@rabbitmq:5672//",
            "postgres://app:secret@localhost/app",
            "https://github.com/org/repo.git",
        ] {
            assert!(url_passwords(url).is_empty(), "{url}");
        }
    }

    fn starts(text: &str) -> Vec<usize> {
        crate::newlines::line_starts(text)
    }

    #[test]
    fn pem_blocks_multi_line_and_escaped() {
        let body = "MIIEowIBAAKCAQEAv3Yq8Zk2LmP9wXr4TnQs7Jd1HcVb6Ue0Ga5Yf2Ki8Lo3Np";
        let text = format!(
            "x = 1\nKEY = \"\"\"\n-----BEGIN RSA PRIVATE KEY-----\n{body}\n{body}\n-----END RSA PRIVATE KEY-----\n\"\"\"\n"
        );
        let s = starts(&text);
        let block = key_block(&text, &s, 2).expect("block");
        assert_eq!(
            (block.first, block.last, block.kind),
            (2, 5, "private-key-rsa")
        );
        assert!(block.secret.ends_with("-----END RSA PRIVATE KEY-----"));

        let json = format!(
            "  \"private_key\": \"-----BEGIN PRIVATE KEY-----\\n{body}\\n-----END PRIVATE KEY-----\\n\","
        );
        let s = starts(&json);
        let block = key_block(&json, &s, 0).expect("escaped block");
        assert_eq!(block.kind, "private-key-pkcs8");
        assert!(block.secret.ends_with("-----END PRIVATE KEY-----"));

        let marker = "PEM_HEADER = \"-----BEGIN PRIVATE KEY-----\"\n";
        assert!(key_block(marker, &starts(marker), 0).is_none());
    }
}
