//! No secret leaves confgate in full: secrets planted across formats, keys
//! that do not look secret, a record file that does not parse and commit
//! message trailers, then every command in every format, with real `git
//! commit` and `git push` through the installed hooks. No output, tag message
//! or written file may hold any of them whole.

use crate::common::{github_token, pypi_token, Run, TestRepo, RECORD};

/// Joined at run time, so this file holds no token whole.
fn j(parts: &[&str]) -> String {
    parts.concat()
}

/// One planted secret: where it goes, and the text that holds it.
struct Plant {
    secret: String,
    path: &'static str,
    text: String,
}

fn plants() -> Vec<Plant> {
    let github = github_token("ghp_", "Qm7Tz2Lk9Wx4Rv8Np3Hs6Jd1Fb5Cy0");
    let aws_id = j(&["AKIA", "Q7XW3LTV4GSZ2PRK"]);
    let aws_secret = j(&["w7PqHiG8eZ9Op0zv1Yg", "hnmQHqy/ciB27mXY85V0EQk"]);
    let stripe = j(&["sk_live_", "4mJaVzM3pLQHoiWFlqp2tW5cNiKtxatQ"]);
    let slack = j(&[
        "xoxb-",
        "280065205063-5348558239915-",
        "qdvCBxlRzqE78mtpi5ep3TiT",
    ]);
    let key_body = j(&[
        "MIIEowIBAAKCAQEAv3Yq8Zk2LmP9wXr4TnQs7Jd1HcVb6Ue0Ga5Yf2Ki8Lo3NpQx",
        "Tz7Wv2Rk5Lm9Hs3Jd6Fb1Cy4GaEu8VtXiQm7Tz2Lk9Wx4Rv8Np3Hs6Jd1Fb5Cy0",
    ]);
    let private_key = format!(
        "{}{}\n{key_body}\n{key_body}\n{}{}",
        "-----BEGIN RSA ", "PRIVATE KEY-----", "-----END RSA ", "PRIVATE KEY-----"
    );
    let db_password = j(&["Xk29vLq8", "Wz7pRt4M"]);
    let jwt = j(&[
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.",
        "eyJzdWIiOiJzdmMtcGF5bWVudHMiLCJyb2xlIjoiYWRtaW4ifQ.",
        "Qz8Lw2Nv5Tr7Yx1Km4Hs9Jd3Fb6Cp0GaEu",
    ]);
    let env_password = j(&["Zt4rQ8wL", "mN2pXy6vKc3e"]);
    let gcp = j(&["AIza", "SyBq7Tz2Lk9Wx4Rv8Np3Hs6Jd1Fb5Cy0Gab"]);
    let sendgrid = j(&[
        "SG.",
        "7J7WE17mX2yV9QL3LqxcuS.",
        "95WgQ0sYVKv0jp00iW4kLZBVDYlnkaxCkktOndQHXSz",
    ]);
    let npm = github_token("npm_", "dlyyZftJL6xxot4wOPaJTRSto5WeQr");
    let openai = j(&[
        "sk-proj-",
        "SwYW9reEfMXbiI9R9EMhgZMrLHxhkwK0XhBCEvFksQunOj8XKeAUtrB6Qj8L",
        "gzwrClAvnWuNIDP23uK96IT5HJo4FguJzVXZjiojM9qYAlO8WU1lSDDhYPPw",
    ]);
    let dockerhub = j(&["dckr_pat_", "GCQasuMA0hlbvB0WyyPUGvkEYbw"]);
    let pypi = pypi_token("8f2c7e1a-5b3d-4c9e-a0f1-6d2b8e4c7a93");
    let mongo_password = j(&["Pq7wLm2x", "Z9kR3tVb"]);
    let gitlab = j(&["glpat-", "GyJodDkx0YpE9eDVl7BZ"]);
    let doppler = j(&["dp.pt.", "3ZX9TLoszNyFUibRLi7uTXnRDlrKNOXZA5BU2BCiaXc"]);
    let random_under_plain_key = j(&["Vb3nK8qL", "x2Rw7Tz5Mh9P"]);
    let anthropic = j(&[
        "sk-ant-api03-",
        "Rk2Vb8Nq4Lx7Tz1Mh5Pw9Jc3Fd6Gs0Ya8Ue2Io4Kt7Qn1Wr5Zb9Xm3Lv6Hp2Cy8Dj4Fg0Ts",
        "7Nq1Wr5Zb9Xm3Lv6Hp2Cy8Dj4Fg0Ts7AA",
    ]);
    vec![
        Plant {
            path: "config/ci.toml",
            text: format!("[ci]\ngithub = \"{github}\"\nrunner = \"ubuntu\"\n"),
            secret: github,
        },
        // Two secrets on one line.
        Plant {
            path: "app/aws.py",
            text: format!(
                "AWS_ACCESS_KEY_ID=\"{aws_id}\"; AWS_SECRET_ACCESS_KEY=\"{aws_secret}\"\n"
            ),
            secret: aws_id,
        },
        Plant {
            path: "",
            text: String::new(),
            secret: aws_secret,
        },
        Plant {
            path: "config/billing.yaml",
            text: format!("billing:\n  upstream: {stripe}\n  currency: eur\n"),
            secret: stripe,
        },
        Plant {
            path: "config/notify.json",
            text: format!("{{\"notify\": {{\"hook\": \"{slack}\", \"channel\": \"#ops\"}}}}\n"),
            secret: slack,
        },
        Plant {
            path: "app/keys.py",
            text: format!("SIGNING = \"\"\"\n{private_key}\n\"\"\"\n"),
            secret: key_body,
        },
        Plant {
            path: "config/db.ini",
            text: format!(
                "[db]\nupstream = postgres://app:{db_password}@db.internal:5432/app\npool = 5\n"
            ),
            secret: db_password,
        },
        // A JWT and a security setting on one line.
        Plant {
            path: "Dockerfile",
            text: format!(
                "FROM python:3.12\nENV WELCOME={jwt}\nRUN curl -k https://x.example/ -H \"Authorization: Bearer {jwt}\"\n"
            ),
            secret: jwt,
        },
        Plant {
            path: ".env.production",
            text: format!("DB_PASSWORD={env_password}\n"),
            secret: env_password,
        },
        Plant {
            path: "app/maps.py",
            text: format!("MAPS = \"{gcp}\"\nrequests.get(MAPS_URL, verify=False, params={{\"k\": \"{gcp}\"}})\n"),
            secret: gcp,
        },
        Plant {
            path: "config/mail.ini",
            text: format!("[mail]\nrelay = {sendgrid}\n"),
            secret: sendgrid,
        },
        Plant {
            path: "config/publish.yaml",
            text: format!("publish:\n  registry_note: \"{npm}\"\n"),
            secret: npm,
        },
        Plant {
            path: "config/llm.toml",
            text: format!("[llm]\nmodel = \"gpt\"\nhint = \"{openai}\"\n"),
            secret: openai,
        },
        Plant {
            path: "deploy/Dockerfile",
            text: format!("FROM alpine\nARG PULL {dockerhub}\n"),
            secret: dockerhub,
        },
        Plant {
            path: "config/pkg.cfg",
            text: format!("[upload]\nindex = {pypi}\n"),
            secret: pypi,
        },
        Plant {
            path: "config/mongo.yaml",
            text: format!(
                "store:\n  target: mongodb+srv://svc:{mongo_password}@cluster0.ab1cd.mongodb.net/db\n"
            ),
            secret: mongo_password,
        },
        Plant {
            path: "config/vault.ini",
            text: format!("[vault]\nseed = {doppler}\n"),
            secret: doppler,
        },
        // Under a key that looks like nothing: only the value's randomness
        // tells.
        Plant {
            path: "config/login.toml",
            text: format!("[login]\nword = \"{random_under_plain_key}\"\n"),
            secret: random_under_plain_key,
        },
        // In a record file that does not parse (a bare value).
        Plant {
            path: "config-changes/broken.toml",
            text: format!("owner = \"@payments-sre\"\nexpected = {gitlab}\nrollback = \"revert\"\n"),
            secret: gitlab,
        },
        // In commit message trailers (see `TRAILER_SECRET`).
        Plant {
            path: "",
            text: String::new(),
            secret: anthropic,
        },
    ]
}

const FORMATS: [&str; 3] = ["human", "json", "sarif"];

/// Everything the commands printed or wrote, to search for planted secrets.
#[derive(Default)]
struct Seen {
    texts: Vec<(String, String)>,
}

impl Seen {
    fn run(&mut self, run: Run) -> Run {
        self.texts.push((run.what.clone(), run.stdout.clone()));
        self.texts.push((run.what.clone(), run.stderr.clone()));
        run
    }

    fn file(&mut self, what: &str, text: String) {
        self.texts.push((what.to_string(), text));
    }

    #[track_caller]
    fn assert_no_leak(&self, secrets: &[String]) {
        for secret in secrets {
            for (what, text) in &self.texts {
                assert!(
                    !text.contains(secret.as_str()),
                    "{what} shows a planted secret in full ({}…):\n{text}",
                    &secret[..6]
                );
            }
        }
    }
}

fn trailers(secret: &str) -> String {
    format!(
        "Config-Owner: @payments-sre\nExpected-Result: new limits served within 1 h of deploy\nRollback: revert; the old key was {secret}"
    )
}

#[test]
fn planted_secrets_never_leave_in_full() {
    let plants = plants();
    let secrets: Vec<String> = plants.iter().map(|p| p.secret.clone()).collect();
    let trailer_secret = secrets.last().cloned().unwrap_or_default();
    let login_secret = plants
        .iter()
        .find(|p| p.path == "config/login.toml")
        .map(|p| p.secret.clone())
        .unwrap_or_default();
    let mut seen = Seen::default();

    let remote = TestRepo::bare_dir();
    remote
        .git(&["init", "-q", "--bare", "-b", "main", "."])
        .ok();
    let repo = TestRepo::new();
    repo.write("app/main.py", "print('hi')\n");
    repo.write("config/login.toml", "[login]\nword = \"x\"\n");
    repo.seed("initial");
    let url = remote.path().to_str().unwrap_or_default().to_string();
    repo.git(&["remote", "add", "origin", &url]).ok();
    repo.git(&["push", "-q", "origin", "main"]).ok();
    repo.git(&["tag", "-a", "v1.0.0", "-m", "v1.0.0"]).ok();
    repo.install();

    // A change confgate lets through, whose key diff and trailers hold
    // secrets nothing blocks: the random value under `login.word`, and a
    // token in the Rollback trailer. The log and the tag must hide them.
    repo.write(
        "config/login.toml",
        plants
            .iter()
            .find(|p| p.path == "config/login.toml")
            .map(|p| p.text.clone())
            .unwrap_or_default(),
    );
    repo.git(&["add", "-A"]).ok();
    let message = format!("login word\n\n{}", trailers(&trailer_secret));
    seen.run(repo.git(&["commit", "-m", &message])).ok();
    for format in FORMATS {
        let log = seen.run(repo.confgate(&["--format", format, "log", "--since", "v1.0.0"]));
        log.ok();
        if format == "human" {
            // The change is there, its value hidden.
            log.contains("login.word").contains("Vb3n…");
        }
        seen.run(repo.confgate(&["--format", format, "check", "--range", "v1.0.0..HEAD"]))
            .ok();
        seen.run(repo.confgate(&[
            "--format",
            format,
            "release-check",
            "--dry-run",
            "--tag",
            "v1.1.0",
        ]))
        .ok();
    }
    seen.run(repo.confgate(&["release-check", "--tag", "v1.1.0"]))
        .ok();
    let tag = repo.git(&["cat-file", "tag", "v1.1.0"]);
    tag.ok().contains("login.word");
    seen.file("tag v1.1.0", tag.stdout.clone());
    seen.run(repo.git(&["push", "origin", "main"])).ok();

    // Every planted file, one commit each through the hooks: blocked.
    for plant in plants
        .iter()
        .filter(|p| !p.text.is_empty() && p.path != "config/login.toml")
    {
        repo.write(plant.path, &plant.text);
        let record_file = plant.path.starts_with("config-changes/");
        if record_file {
            // A record file is read when it records a config change.
            repo.write("config/extra.toml", "[extra]\nlimit = 3\n");
        }
        repo.git(&["add", "-A"]).ok();
        for format in FORMATS {
            seen.run(repo.confgate(&["--format", format, "hook", "pre-commit"]));
            seen.run(repo.confgate(&["--format", format, "check", "--staged"]));
        }
        let message = format!("plant {}\n\n{}", plant.path, trailers(&trailer_secret));
        repo.write(".git/PLANT_MSG", &message);
        for format in FORMATS {
            seen.run(repo.confgate(&["--format", format, "hook", "commit-msg", ".git/PLANT_MSG"]));
        }
        let commit = seen.run(repo.git(&["commit", "-m", &message]));
        assert_ne!(commit.code, 0, "{}", commit.dump());
        if record_file {
            // The parser's complaint names the file and the line, not the token.
            commit
                .contains("confgate: error")
                .contains("config-changes/broken.toml")
                .contains("line 2");
            std::fs::remove_file(repo.path().join("config/extra.toml")).ok();
        }
        repo.git(&["reset", "-q"]).ok();
        std::fs::remove_file(repo.path().join(plant.path)).ok();
    }

    // The config-only plants staged together: `record new` writes a scaffold
    // listing their key changes.
    for plant in plants
        .iter()
        .filter(|p| p.path.starts_with("config/") && p.path != "config/login.toml")
    {
        repo.write(plant.path, &plant.text);
    }
    repo.git(&["add", "config"]).ok();
    seen.run(repo.confgate(&[
        "record",
        "new",
        "--owner",
        "@payments-sre",
        "--name",
        "scaffold",
    ]))
    .ok();
    let scaffold = repo.read("config-changes/scaffold.toml");
    assert!(scaffold.contains("config/ci.toml"), "{scaffold}");
    seen.file("record new scaffold", scaffold);
    std::fs::remove_file(repo.path().join("config-changes/scaffold.toml")).ok();
    repo.git(&["reset", "-q"]).ok();

    // Everything forced in, then the backstops.
    for plant in plants.iter().filter(|p| !p.text.is_empty()) {
        repo.write(plant.path, &plant.text);
    }
    repo.write("config-changes/ok.toml", RECORD);
    repo.git(&["add", "-A"]).ok();
    repo.git(&[
        "commit",
        "-q",
        "--no-verify",
        "-m",
        &format!("everything\n\n{}", trailers(&trailer_secret)),
    ])
    .ok();
    let push = seen.run(repo.git(&["push", "origin", "main"]));
    assert_ne!(push.code, 0, "{}", push.dump());
    for format in FORMATS {
        let stdin = format!(
            "refs/heads/main {} refs/heads/main {}\n",
            repo.head(),
            remote.git(&["rev-parse", "main"]).stdout.trim()
        );
        seen.run(repo.confgate_stdin(
            &["--format", format, "hook", "pre-push", "origin", &url],
            &stdin,
        ));
        seen.run(repo.confgate(&["--format", format, "check", "--range", "v1.1.0..HEAD"]));
        seen.run(repo.confgate(&["--format", format, "check", "--commit", "HEAD"]));
        seen.run(repo.confgate(&["--format", format, "scan"]));
        seen.run(repo.confgate(&["--format", format, "log"]));
        seen.run(repo.confgate(&["--format", format, "release-check", "--tag", "v2.0.0"]));
    }
    std::fs::remove_file(repo.path().join("config-changes/broken.toml")).ok();
    let scan = seen.run(repo.confgate(&["--format", "json", "scan"]));
    let paths = scan.paths("findings");
    // Every plant a detector can see was seen (the one under a plain key
    // only shows in key diffs; the broken record file is gone).
    for plant in &plants {
        if plant.text.is_empty()
            || plant.path.starts_with("config-changes/")
            || plant.path == "config/login.toml"
        {
            continue;
        }
        assert!(
            paths.iter().any(|p| p == plant.path),
            "{} not found\n{}",
            plant.path,
            scan.dump()
        );
    }
    seen.run(repo.confgate(&["baseline"])).ok();
    seen.file(
        ".confgate-baseline.json",
        repo.read(".confgate-baseline.json"),
    );
    assert!(repo.git(&["tag", "-l", "v2.0.0"]).stdout.trim().is_empty());

    let mut all = secrets.clone();
    all.push(login_secret);
    seen.assert_no_leak(&all);
}

#[test]
fn parser_errors_do_not_quote_a_token() {
    let token = j(&["glpat-", "HyJodDkx0YpE9eDVl7BZ"]);
    let repo = TestRepo::new();
    repo.write("app/main.py", "print('hi')\n");
    repo.seed("initial");
    // A policy file that does not parse: the error names the file and line.
    for (file, text) in [
        (".confgate.toml", format!("[record]\ndir = {token}\n")),
        (
            "pyproject.toml",
            format!("[tool.confgate.record]\ndir = {token}\n"),
        ),
    ] {
        repo.write(file, &text);
        for format in FORMATS {
            repo.confgate(&["--format", format, "scan"])
                .code(2)
                .contains(file)
                .contains("line 2")
                .lacks(&token);
        }
        std::fs::remove_file(repo.path().join(file)).ok();
    }
    // Config files that do not parse: `invalid-config` findings, and the
    // token is a secret finding of its own; no message quotes it whole.
    repo.write("config/app.json", format!("{{\"upstream\": {token}}}\n"));
    repo.write("config/app.yaml", format!("upstream: [{token}\n"));
    repo.write("config/app.toml", format!("upstream = {token}\n"));
    repo.write("config/app.ini", format!("upstream {token}\n"));
    repo.git(&["add", "-A"]).ok();
    for format in FORMATS {
        let run = repo.confgate(&["--format", format, "check", "--staged"]);
        run.code(1).contains("invalid-config").lacks(&token);
    }
}

#[test]
fn a_setting_on_a_secret_line_hides_the_project_rule_secret_too() {
    let repo = TestRepo::new();
    repo.write(
        ".confgate.toml",
        "[[rules.secret]]\nid = \"corp-password\"\ndescription = \"corp service password\"\nregex = 'corp-pass-[a-z]{8,}'\nkeywords = [\"corp-pass-\"]\n",
    );
    repo.write("app/main.py", "print('hi')\n");
    repo.seed("initial");
    repo.install();
    // Plain words: only the project's rule knows it is a secret.
    let password = j(&["corp-pass-", "purplemonkeydishwasher"]);
    repo.write(
        "app/client.py",
        format!("r = requests.get(URL, auth=(\"svc\", \"{password}\"), verify=False)\n"),
    );
    let run = repo.commit_all("client");
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("corp-password")
        .contains("tls-verify-disabled")
        .lacks(&password);
}
