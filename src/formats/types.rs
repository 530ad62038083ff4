//! The file-type table: the one place that says which format a path is in
//! (like ripgrep's `default_types.rs`). Every reader asks it: key diffs,
//! secret detection and security detection.

use std::cell::RefCell;
use std::sync::OnceLock;

/// The format a file is written in, decided from its path alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileType {
    Python,
    Toml,
    Yaml,
    /// A docker-compose file: YAML, and compose rules apply too.
    Compose,
    Json,
    /// `*.ini`, `*.cfg`.
    Ini,
    /// `*.conf`: INI-like `key = value` or nginx-like `key value;`.
    Conf,
    /// A dotenv file with values: `.env`, `.env.production`, `prod.env`.
    Env,
    /// A dotenv template (`.env.example`, `.env.sample`, …): names and
    /// placeholders by design.
    EnvTemplate,
    /// Java `*.properties`: `key=value` lines like a dotenv file.
    Properties,
    Dockerfile,
    Markdown,
    /// reStructuredText.
    Rst,
    JavaScript,
    TypeScript,
    Vue,
    Sql,
    /// HTML and XML.
    Html,
    Css,
    Shell,
    /// Other programming languages, whose bare words are code (Rust, Go,
    /// Java, C, Ruby, …).
    OtherCode,
    /// A dependency lock file: generated, not configuration.
    LockFile,
    /// Generated or third-party text: bundles (`*.min.js`, `*.bundle.*`,
    /// source maps, `dist/` output) and vendored code (`vendor/`,
    /// `node_modules/`, `site-packages/`, …). Nobody configures a service
    /// or types a secret there by hand.
    Bundle,
    /// Anything else: read as plain text.
    Text,
}

/// One row of the table: a type, its name in rule `files` lists, and the
/// file-name patterns that select it (lower case; `*` matches any run of
/// characters, `*word*` a name holding `word`; a pattern ending in `/`
/// matches a directory in the path).
struct Row {
    file_type: FileType,
    name: &'static str,
    patterns: &'static [&'static str],
}

/// First match wins, so specific rows (lock files, compose, templates)
/// come before the general ones (`*.json`, `*.yml`, `.env*`).
const TABLE: &[Row] = &[
    Row {
        file_type: FileType::LockFile,
        name: "lock",
        patterns: &[
            "package-lock.json",
            "npm-shrinkwrap.json",
            "yarn.lock",
            "pnpm-lock.yaml",
            "bun.lock",
            "poetry.lock",
            "pipfile.lock",
            "uv.lock",
            "pdm.lock",
            "cargo.lock",
            "composer.lock",
            "gemfile.lock",
            "go.sum",
        ],
    },
    Row {
        file_type: FileType::Bundle,
        name: "bundle",
        patterns: &[
            "*.min.js",
            "*.min.css",
            "*.map",
            "*.bundle.*",
            "dist/",
            "node_modules/",
            "vendor/",
            "vendored/",
            "_vendor/",
            "third_party/",
            "site-packages/",
        ],
    },
    Row {
        file_type: FileType::Dockerfile,
        name: "dockerfile",
        patterns: &[
            "dockerfile",
            "dockerfile.*",
            "*.dockerfile",
            "containerfile",
        ],
    },
    Row {
        file_type: FileType::EnvTemplate,
        name: "env-template",
        patterns: &[
            ".env*.example",
            ".env*.sample",
            ".env*.template",
            ".env*.dist",
            ".env*.tmpl",
            ".env*.tpl",
            ".env*.defaults",
        ],
    },
    Row {
        file_type: FileType::Env,
        name: "env",
        patterns: &[".env", ".env.*", "*.env"],
    },
    Row {
        file_type: FileType::Compose,
        name: "compose",
        patterns: &[
            "docker-compose*.yml",
            "docker-compose*.yaml",
            "compose.yml",
            "compose.yaml",
            "compose.*.yml",
            "compose.*.yaml",
            "compose-*.yml",
            "compose-*.yaml",
        ],
    },
    Row {
        file_type: FileType::Python,
        name: "python",
        patterns: &["*.py", "*.pyi", "*.pyw"],
    },
    Row {
        file_type: FileType::Toml,
        name: "toml",
        patterns: &["*.toml"],
    },
    Row {
        file_type: FileType::Yaml,
        name: "yaml",
        patterns: &["*.yaml", "*.yml"],
    },
    Row {
        file_type: FileType::Json,
        name: "json",
        patterns: &["*.json", "*.jsonc", "*.json5"],
    },
    Row {
        file_type: FileType::Ini,
        name: "ini",
        patterns: &["*.ini", "*.cfg"],
    },
    Row {
        file_type: FileType::Conf,
        name: "conf",
        patterns: &["*.conf"],
    },
    Row {
        file_type: FileType::Properties,
        name: "properties",
        patterns: &["*.properties"],
    },
    Row {
        file_type: FileType::Markdown,
        name: "markdown",
        patterns: &["*.md", "*.markdown", "*.mdx"],
    },
    Row {
        file_type: FileType::Rst,
        name: "rst",
        patterns: &["*.rst"],
    },
    Row {
        file_type: FileType::TypeScript,
        name: "typescript",
        patterns: &["*.ts", "*.tsx", "*.mts", "*.cts"],
    },
    Row {
        file_type: FileType::JavaScript,
        name: "javascript",
        patterns: &["*.js", "*.jsx", "*.mjs", "*.cjs"],
    },
    Row {
        file_type: FileType::Vue,
        name: "vue",
        patterns: &["*.vue", "*.svelte"],
    },
    Row {
        file_type: FileType::Sql,
        name: "sql",
        patterns: &["*.sql"],
    },
    Row {
        file_type: FileType::Html,
        name: "html",
        patterns: &["*.html", "*.htm", "*.xml"],
    },
    Row {
        file_type: FileType::Css,
        name: "css",
        patterns: &["*.css", "*.scss", "*.sass", "*.less"],
    },
    Row {
        file_type: FileType::Shell,
        name: "shell",
        patterns: &["*.sh", "*.bash", "*.zsh"],
    },
    Row {
        file_type: FileType::OtherCode,
        name: "code",
        patterns: &[
            "*.rs", "*.go", "*.java", "*.kt", "*.rb", "*.c", "*.h", "*.cc", "*.cpp", "*.hpp",
            "*.cs", "*.swift", "*.scala",
        ],
    },
];

/// Rule `files` names that the security detector reads, in the order
/// `confgate rules` lists them.
pub const SETTINGS_TYPE_NAMES: &[&str] = &[
    "python",
    "toml",
    "yaml",
    "compose",
    "ini",
    "conf",
    "json",
    "env",
    "dockerfile",
];

impl FileType {
    /// The type of `path` (`/`- or `\`-separated), from its name and, for
    /// generated output, its directories.
    ///
    /// Each stage that handles a file asks (the key diff, both detectors,
    /// suppression, placement): the type is worked out once per file and
    /// the last answer kept per thread, so the others get it for a string
    /// comparison (a hook asked about 6.5 times per file).
    pub fn of(path: &str) -> FileType {
        thread_local! {
            static LAST: RefCell<Option<(String, FileType)>> = const { RefCell::new(None) };
        }
        LAST.with(|last| {
            let Ok(mut last) = last.try_borrow_mut() else {
                return FileType::classify(path);
            };
            match &mut *last {
                Some((known, file_type)) if known == path => *file_type,
                Some((known, file_type)) => {
                    *file_type = FileType::classify(path);
                    known.clear();
                    known.push_str(path);
                    *file_type
                }
                None => {
                    let file_type = FileType::classify(path);
                    *last = Some((path.to_string(), file_type));
                    file_type
                }
            }
        })
    }

    /// [`FileType::of`], worked out.
    fn classify(path: &str) -> FileType {
        let lower = path.replace('\\', "/").to_ascii_lowercase();
        let name = lower.rsplit('/').next().unwrap_or(&lower);
        compiled()
            .iter()
            .find(|(_, patterns)| patterns.iter().any(|p| p.matches(name, &lower)))
            .map_or(FileType::Text, |(file_type, _)| *file_type)
    }

    /// The type of `path` when the security detector reads its settings:
    /// configuration formats, Python and Dockerfiles. `None` for dotenv
    /// templates, `*.properties`, documentation, other code, lock files and
    /// bundles.
    pub fn settings_file(path: &str) -> Option<FileType> {
        let file_type = FileType::of(path);
        file_type.has_settings().then_some(file_type)
    }

    fn has_settings(self) -> bool {
        SETTINGS_TYPE_NAMES.contains(&self.name())
    }

    /// The type's name in the table (`python`, `compose`, `lock`, …).
    pub fn name(self) -> &'static str {
        TABLE
            .iter()
            .find(|row| row.file_type == self)
            .map_or("text", |row| row.name)
    }

    /// Names a security rule's `files` list may use for this type: its own,
    /// and the wider format it is a case of.
    pub fn names(self) -> &'static [&'static str] {
        match self {
            FileType::Python => &["python"],
            FileType::Toml => &["toml"],
            FileType::Yaml => &["yaml"],
            FileType::Compose => &["compose", "yaml"],
            FileType::Ini => &["ini"],
            FileType::Conf => &["conf", "ini"],
            FileType::Json => &["json"],
            FileType::Env => &["env"],
            FileType::Dockerfile => &["dockerfile"],
            _ => &[],
        }
    }

    /// A path of the type named `name`, for running a rule's examples.
    pub fn example_path(name: &str) -> &'static str {
        match name {
            "toml" => "config/app.toml",
            "yaml" => "config/app.yaml",
            "compose" => "docker-compose.yml",
            "ini" => "config/app.ini",
            "conf" => "deploy/nginx.conf",
            "json" => "config/app.json",
            "env" => ".env.production",
            "dockerfile" => "Dockerfile",
            _ => "app/main.py",
        }
    }

    /// Whether an unquoted value after `key =` / `key:` is a literal string.
    /// In code (Python, JavaScript, …) and in JSON and TOML a bare value is a
    /// name, a call, a number or a boolean (SQL, HTML and CSS quote their
    /// strings too); in YAML, INI, dotenv files and prose it is the text
    /// itself.
    pub fn bare_values_are_literals(self) -> bool {
        !matches!(
            self,
            FileType::Python
                | FileType::Json
                | FileType::Toml
                | FileType::JavaScript
                | FileType::TypeScript
                | FileType::Vue
                | FileType::Sql
                | FileType::Html
                | FileType::Css
                | FileType::OtherCode
                | FileType::LockFile
                | FileType::Bundle
        )
    }

    /// How a line comment opens in this type (where an allow comment may
    /// stand). Python's comments are found by its lexer instead, which
    /// knows strings and docstrings.
    pub fn comment_openers(self) -> &'static [&'static str] {
        match self {
            FileType::JavaScript
            | FileType::TypeScript
            | FileType::Json
            | FileType::OtherCode
            | FileType::Bundle => &["//", "/*"],
            FileType::Html | FileType::Markdown | FileType::Vue => &["<!--"],
            FileType::Sql => &["--"],
            FileType::Ini | FileType::Conf | FileType::Properties => &["#", ";"],
            _ => &["#"],
        }
    }

    /// Whether the file is generated (lock files, bundles): not
    /// configuration, and not read for settings.
    pub fn is_generated(self) -> bool {
        matches!(self, FileType::LockFile | FileType::Bundle)
    }
}

/// A table pattern, split once: every file of a walk or a commit is
/// classified several times over.
enum Pattern {
    /// `settings.py`: the whole name.
    Name(&'static str),
    /// `*.min.js`, `Dockerfile.*`: a name with this prefix and suffix.
    Affix(&'static str, &'static str),
    /// `*.bundle.*`: a name holding the word.
    Within(&'static str),
    /// `dist/`: a directory of the path.
    Directory(&'static str),
}

impl Pattern {
    fn parse(pattern: &'static str) -> Pattern {
        if let Some(dir) = pattern.strip_suffix('/') {
            return Pattern::Directory(dir);
        }
        if let Some(inner) = pattern.strip_prefix('*').and_then(|p| p.strip_suffix('*')) {
            return Pattern::Within(inner);
        }
        match pattern.split_once('*') {
            None => Pattern::Name(pattern),
            Some((prefix, suffix)) => Pattern::Affix(prefix, suffix),
        }
    }

    /// Whether the pattern selects the file `name` at `path` (both lower
    /// case).
    fn matches(&self, name: &str, path: &str) -> bool {
        match *self {
            Pattern::Name(whole) => name == whole,
            Pattern::Affix(prefix, suffix) => {
                name.len() >= prefix.len() + suffix.len()
                    && name.starts_with(prefix)
                    && name.ends_with(suffix)
            }
            Pattern::Within(word) => name.contains(word),
            Pattern::Directory(dir) => has_directory(path, dir),
        }
    }
}

/// [`TABLE`] with its patterns parsed, in the table's order.
fn compiled() -> &'static [(FileType, Vec<Pattern>)] {
    static COMPILED: OnceLock<Vec<(FileType, Vec<Pattern>)>> = OnceLock::new();
    COMPILED.get_or_init(|| {
        TABLE
            .iter()
            .map(|row| {
                let patterns = row.patterns.iter().map(|p| Pattern::parse(p)).collect();
                (row.file_type, patterns)
            })
            .collect()
    })
}

/// Whether a directory of `path` (a segment followed by `/`) is `dir`.
/// The path is searched once, not split per pattern.
fn has_directory(path: &str, dir: &str) -> bool {
    let bytes = path.as_bytes();
    path.match_indices(dir).any(|(at, _)| {
        (at == 0 || bytes[at - 1] == b'/') && bytes.get(at + dir.len()) == Some(&b'/')
    })
}

/// Whether `path` is a Python settings module read by key
/// (`settings.py`, `settings/prod.py`, `config.py`, `*_settings.py`,
/// `gunicorn.conf.py`).
pub fn is_python_settings(path: &str) -> bool {
    if FileType::of(path) != FileType::Python {
        return false;
    }
    let lower = path.replace('\\', "/").to_ascii_lowercase();
    let mut parts = lower.rsplit('/');
    let name = parts.next().unwrap_or(&lower);
    let parent = parts.next().unwrap_or_default();
    matches!(
        name,
        "settings.py" | "config.py" | "gunicorn.conf.py" | "local_settings.py"
    ) || name.ends_with("_settings.py")
        || parent == "settings"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_is_a_segment_before_a_slash() {
        let split = |path: &str, dir: &str| path.split('/').rev().skip(1).any(|s| s == dir);
        for path in [
            "vendor/lib/settings.py",
            "src/vendor/x",
            "src/vendors/x",
            "src/myvendor/x",
            "vendor",
            "a/vendor",
            "vendor/",
            "vendor/vendor",
            "x/vendorvendor/vendor/y",
            "",
        ] {
            assert_eq!(
                has_directory(path, "vendor"),
                split(path, "vendor"),
                "{path}"
            );
        }
    }

    #[test]
    fn one_type_per_path() {
        let cases = [
            ("app/settings.py", FileType::Python),
            ("stubs/x.pyi", FileType::Python),
            ("config/cache.toml", FileType::Toml),
            ("deploy/app.YML", FileType::Yaml),
            ("docker-compose.override.yml", FileType::Compose),
            ("compose.yaml", FileType::Compose),
            ("x.json", FileType::Json),
            ("frontend/package-lock.json", FileType::LockFile),
            ("poetry.lock", FileType::LockFile),
            ("uv.lock", FileType::LockFile),
            ("setup.cfg", FileType::Ini),
            ("nginx.conf", FileType::Conf),
            (".env", FileType::Env),
            ("svc/.env.production", FileType::Env),
            ("prod.env", FileType::Env),
            (".env.example", FileType::EnvTemplate),
            (".env.local.sample", FileType::EnvTemplate),
            (".env.tpl", FileType::EnvTemplate),
            ("app.properties", FileType::Properties),
            ("Dockerfile", FileType::Dockerfile),
            ("backend/Dockerfile.playwright", FileType::Dockerfile),
            ("web.dockerfile", FileType::Dockerfile),
            ("Containerfile", FileType::Dockerfile),
            ("docs/index.md", FileType::Markdown),
            ("docs/index.rst", FileType::Rst),
            ("src/app.ts", FileType::TypeScript),
            ("src/App.tsx", FileType::TypeScript),
            ("src/app.js", FileType::JavaScript),
            ("src/App.vue", FileType::Vue),
            ("db/init.sql", FileType::Sql),
            ("templates/x.html", FileType::Html),
            ("static/site.css", FileType::Css),
            ("scripts/run.sh", FileType::Shell),
            ("static/app.min.js", FileType::Bundle),
            ("frontend/dist/index.js", FileType::Bundle),
            ("static/app.bundle.js", FileType::Bundle),
            ("static/app.js.map", FileType::Bundle),
            ("vendor/lib/settings.py", FileType::Bundle),
            ("web/node_modules/x/config.json", FileType::Bundle),
            ("src/vendors.py", FileType::Python),
            ("app/distance.py", FileType::Python),
            ("main.go", FileType::OtherCode),
            ("README", FileType::Text),
            ("LICENSE.txt", FileType::Text),
        ];
        for (path, expected) in cases {
            assert_eq!(FileType::of(path), expected, "{path}");
        }
        // The kept answer is for its own path only: asked again, in turn
        // and twice in a row, each path still gets its own type.
        for (path, expected) in cases.iter().chain(cases.iter().rev()) {
            assert_eq!(FileType::of(path), *expected, "{path} again");
            assert_eq!(FileType::of(path), *expected, "{path} twice");
            assert_eq!(FileType::of(&path.to_uppercase()), FileType::classify(path));
        }
    }

    #[test]
    fn settings_files_are_the_config_formats_python_and_dockerfiles() {
        assert_eq!(FileType::settings_file("a/b.py"), Some(FileType::Python));
        assert_eq!(
            FileType::settings_file("docker-compose.yml"),
            Some(FileType::Compose)
        );
        for quiet in [
            ".env.example",
            "app.properties",
            "package-lock.json",
            "README.md",
            "app.ts",
        ] {
            assert_eq!(FileType::settings_file(quiet), None, "{quiet}");
        }
        for name in SETTINGS_TYPE_NAMES {
            let path = FileType::example_path(name);
            let file_type = FileType::settings_file(path).expect(path);
            assert!(file_type.names().contains(name), "{name}");
        }
    }

    #[test]
    fn python_settings_modules() {
        for yes in [
            "proj/settings.py",
            "proj/settings/prod.py",
            "proj/test_settings.py",
            "config.py",
            "gunicorn.conf.py",
            "local_settings.py",
        ] {
            assert!(is_python_settings(yes), "{yes}");
        }
        for no in ["app/views.py", "settings.toml", "settings/x.txt"] {
            assert!(!is_python_settings(no), "{no}");
        }
    }

    #[test]
    fn patterns_have_at_most_one_star_or_are_a_word_within() {
        for row in TABLE {
            for pattern in row.patterns {
                let within = pattern.len() > 2
                    && pattern.starts_with('*')
                    && pattern.ends_with('*')
                    && pattern.matches('*').count() == 2;
                assert!(pattern.matches('*').count() <= 1 || within, "{pattern}");
                assert_eq!(pattern.to_ascii_lowercase(), *pattern);
            }
        }
    }

    #[test]
    fn bare_values() {
        assert!(!FileType::of("a.py").bare_values_are_literals());
        assert!(!FileType::of("a.tsx").bare_values_are_literals());
        assert!(FileType::of("a.yaml").bare_values_are_literals());
        assert!(FileType::of(".env").bare_values_are_literals());
    }
}
