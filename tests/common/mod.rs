//! Test harness: a fresh git repository per test, isolated from the machine's
//! git configuration, driving the real confgate binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use tempfile::TempDir;

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_confgate"))
}

/// The result of one command, with everything needed to explain a failure.
pub struct Run {
    pub what: String,
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(what: String, output: Output) -> Run {
        Run {
            what,
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    pub fn dump(&self) -> String {
        format!(
            "$ {}\nexit {}\n--- stdout\n{}--- stderr\n{}",
            self.what, self.code, self.stdout, self.stderr
        )
    }

    #[track_caller]
    pub fn code(&self, expected: i32) -> &Run {
        assert_eq!(self.code, expected, "unexpected exit code\n{}", self.dump());
        self
    }

    #[track_caller]
    pub fn ok(&self) -> &Run {
        self.code(0)
    }

    #[track_caller]
    pub fn contains(&self, needle: &str) -> &Run {
        assert!(
            self.stdout.contains(needle) || self.stderr.contains(needle),
            "output lacks {needle:?}\n{}",
            self.dump()
        );
        self
    }

    #[track_caller]
    pub fn lacks(&self, needle: &str) -> &Run {
        assert!(
            !self.stdout.contains(needle) && !self.stderr.contains(needle),
            "output has {needle:?}\n{}",
            self.dump()
        );
        self
    }

    /// The `path` of every entry of a JSON report's `findings` or `skipped`.
    pub fn paths(&self, field: &str) -> Vec<String> {
        self.json()[field]
            .as_array()
            .unwrap_or_else(|| panic!("no `{field}` array\n{}", self.dump()))
            .iter()
            .map(|entry| entry["path"].as_str().unwrap_or_default().to_string())
            .collect()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|err| panic!("stdout is not JSON ({err})\n{}", self.dump()))
    }
}

pub struct TestRepo {
    pub dir: TempDir,
    home: TempDir,
}

impl TestRepo {
    /// An empty repository on branch main, with a local identity.
    pub fn new() -> TestRepo {
        let repo = TestRepo::bare_dir();
        repo.git(&["init", "-q", "-b", "main"]).ok();
        repo.git(&["config", "user.name", "Test User"]).ok();
        repo.git(&["config", "user.email", "test@example.com"]).ok();
        repo.git(&["config", "commit.gpgsign", "false"]).ok();
        repo.git(&["config", "tag.gpgsign", "false"]).ok();
        repo
    }

    /// A temporary directory that is not (yet) a repository.
    pub fn bare_dir() -> TestRepo {
        TestRepo {
            dir: TempDir::new().expect("temp dir"),
            home: TempDir::new().expect("temp home"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    fn command(&self, program: &Path, args: &[&str], cwd: &Path) -> Command {
        let mut command = Command::new(program);
        command.args(args).current_dir(cwd);
        for var in [
            "GIT_DIR",
            "GIT_WORK_TREE",
            "GIT_INDEX_FILE",
            "GIT_OBJECT_DIRECTORY",
            "GIT_ALTERNATE_OBJECT_DIRECTORIES",
            "GIT_CEILING_DIRECTORIES",
            "NO_COLOR",
            "PRE_COMMIT_FROM_REF",
            "PRE_COMMIT_TO_REF",
            // The pre-commit framework's and CI's markers change what
            // `hook pre-commit` checks when nothing is staged.
            "PRE_COMMIT",
            "CI",
            // What CI systems tell scripts/ci-check.sh.
            "GITHUB_EVENT_NAME",
            "GITHUB_EVENT_PATH",
            "GITHUB_SHA",
            "GITHUB_STEP_SUMMARY",
            "CI_MERGE_REQUEST_DIFF_BASE_SHA",
            "CI_COMMIT_BEFORE_SHA",
            "CI_COMMIT_SHA",
        ] {
            command.env_remove(var);
        }
        let bin_dir = bin().parent().map(Path::to_path_buf).unwrap_or_default();
        let path = format!(
            "{}:{}",
            bin_dir.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        command
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", self.home.path())
            .env("GIT_AUTHOR_DATE", "2026-01-02T03:04:05Z")
            .env("GIT_COMMITTER_DATE", "2026-01-02T03:04:05Z")
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("CONFGATE_BIN", bin())
            .env("PATH", path)
            .stdin(Stdio::null());
        command
    }

    pub fn git(&self, args: &[&str]) -> Run {
        self.git_in(self.path(), args)
    }

    pub fn git_in(&self, cwd: &Path, args: &[&str]) -> Run {
        let output = self
            .command(Path::new("git"), args, cwd)
            .output()
            .expect("git runs");
        Run::from(format!("git {}", args.join(" ")), output)
    }

    pub fn git_stdin(&self, args: &[&str], stdin: &str) -> Run {
        run_with_stdin(
            self.command(Path::new("git"), args, self.path()),
            stdin,
            &format!("git {}", args.join(" ")),
        )
    }

    pub fn confgate(&self, args: &[&str]) -> Run {
        self.confgate_in(self.path(), args)
    }

    pub fn confgate_in(&self, cwd: &Path, args: &[&str]) -> Run {
        let output = self
            .command(&bin(), args, cwd)
            .output()
            .expect("confgate runs");
        Run::from(format!("confgate {}", args.join(" ")), output)
    }

    pub fn confgate_stdin(&self, args: &[&str], stdin: &str) -> Run {
        run_with_stdin(
            self.command(&bin(), args, self.path()),
            stdin,
            &format!("confgate {}", args.join(" ")),
        )
    }

    pub fn confgate_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut command = self.command(&bin(), args, self.path());
        for (key, value) in env {
            command.env(key, value);
        }
        let output = command.output().expect("confgate runs");
        Run::from(format!("confgate {}", args.join(" ")), output)
    }

    /// Any program, run as `git` and `confgate` are (isolated, confgate on
    /// PATH), with extra environment.
    pub fn run_env(&self, program: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut command = self.command(Path::new(program), args, self.path());
        for (key, value) in env {
            command.env(key, value);
        }
        let output = command.output().expect("the program runs");
        Run::from(format!("{program} {}", args.join(" ")), output)
    }

    pub fn write(&self, path: &str, content: impl AsRef<[u8]>) {
        let full = self.path().join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).expect("create dirs");
        }
        std::fs::write(full, content).expect("write file");
    }

    pub fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.path().join(path)).expect("read file")
    }

    /// `git add -A` then `git commit -m MESSAGE`.
    pub fn commit_all(&self, message: &str) -> Run {
        self.git(&["add", "-A"]).ok();
        self.git(&["commit", "-q", "-m", message])
    }

    /// A commit that skips hooks, for setting up history.
    pub fn seed(&self, message: &str) {
        self.git(&["add", "-A"]).ok();
        self.git(&[
            "commit",
            "-q",
            "--no-verify",
            "--allow-empty",
            "-m",
            message,
        ])
        .ok();
    }

    /// A merge of branch `feature` into `main`, stopped before its commit:
    /// the feature side adds `secret` in `app/feature.py`, the main side in
    /// `app/other.py`, both change `app/main.py`, and the resolution adds a
    /// line of its own there (line `3`: `KEY = "<secret>"`), staged.
    pub fn merge_with_a_line_of_its_own(&self, secret: &str) {
        self.write("app/main.py", "A = 1\nB = 2\n");
        self.seed("main module");
        self.git(&["checkout", "-q", "-b", "feature"]).ok();
        self.write("app/feature.py", format!("STRIPE = \"{secret}\"\n"));
        self.write("app/main.py", "A = 1\nB = 2\nC = 3\n");
        self.seed("feature side");
        self.git(&["checkout", "-q", "main"]).ok();
        self.write("app/other.py", format!("TOKEN = \"{secret}\"\n"));
        self.write("app/main.py", "Z = 0\nA = 1\nB = 2\n");
        self.seed("main side");
        self.git(&["merge", "-q", "--no-ff", "--no-commit", "feature"])
            .ok();
        self.write(
            "app/main.py",
            format!("Z = 0\nA = 1\nKEY = \"{secret}\"\nB = 2\nC = 3\n"),
        );
        self.git(&["add", "-A"]).ok();
    }

    pub fn install(&self) {
        self.confgate(&["install"]).ok();
    }

    pub fn head(&self) -> String {
        self.git(&["rev-parse", "HEAD"]).stdout.trim().to_string()
    }

    /// A fingerprint of everything git stores: refs, index, objects, HEAD.
    pub fn git_state(&self) -> String {
        let mut entries = Vec::new();
        let git_dir = self.path().join(".git");
        collect(&git_dir, &git_dir, &mut entries);
        entries.sort();
        entries.join("\n")
    }
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(read) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in read.flatten() {
        let path = entry.path();
        let rel = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .to_string_lossy()
            .into_owned();
        if rel.starts_with("hooks") || rel == "logs" {
            continue;
        }
        if path.is_dir() {
            collect(root, &path, out);
        } else {
            let bytes = std::fs::read(&path).unwrap_or_default();
            let mut hash: u64 = 1469598103934665603;
            for byte in &bytes {
                hash ^= u64::from(*byte);
                hash = hash.wrapping_mul(1099511628211);
            }
            out.push(format!("{rel} {hash:x}"));
        }
    }
}

fn run_with_stdin(mut command: Command, stdin: &str, what: &str) -> Run {
    use std::io::Write;
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("spawn");
    if let Some(mut pipe) = child.stdin.take() {
        let _ = pipe.write_all(stdin.as_bytes());
    }
    let output = child.wait_with_output().expect("wait");
    Run::from(what.to_string(), output)
}

/// A complete record as trailers, for commit messages.
pub const TRAILERS: &str = "Config-Owner: @payments-sre\nExpected-Result: cache hit ratio from 61% to above 80% within 1 h\nRollback: revert; set cache.ttl back to 60";

/// A complete record file.
pub const RECORD: &str = "owner = \"@payments-sre\"\nexpected = \"p95 of /search below 200 ms within 1 h of deploy\"\nrollback = \"revert this commit; set ttl back to 60\"\n";

/// A GitHub-format token (`prefix`, 30 characters, their CRC-32 in base62)
/// that passes the checksum confgate verifies.
pub fn github_token(prefix: &str, entropy: &str) -> String {
    confgate::detect::secrets::checksum::sample::github_style(prefix, entropy)
}

/// A PyPI upload token whose macaroon structure is valid.
pub fn pypi_token(identifier: &str) -> String {
    let caveat: &[u8] = br#"{"version": 1, "permissions": "user"}"#;
    confgate::detect::secrets::checksum::sample::pypi_macaroon(
        "pypi.org",
        identifier.as_bytes(),
        &[caveat],
        &[0x3c; 32],
    )
}
