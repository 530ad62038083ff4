//! Holes an attacker used to get content past the hooks unread: other text
//! encodings, files over the size limit, symlinks, unbounded reads, writes
//! outside the repository, control characters in paths.

use crate::common::TestRepo;

// confgate: allow aws-access-key-id -- synthetic key for the hole tests
const KEY: &str = "AKIAZ4QW7RT2LMNBXP3C";

/// A repository with one commit and the hooks installed.
fn hooked_repo() -> TestRepo {
    let repo = TestRepo::new();
    repo.write("app/main.py", "print(1)\n");
    repo.seed("initial");
    repo.install();
    repo
}

/// `git commit` with everything staged: must be refused by the hook, with
/// `needle` in its output and the key never printed in full.
#[track_caller]
fn commit_is_blocked(repo: &TestRepo, needle: &str) {
    let head = repo.head();
    let run = repo.commit_all("attempt");
    assert_ne!(run.code, 0, "the commit went through\n{}", run.dump());
    run.contains(needle).lacks(KEY);
    assert_eq!(repo.head(), head);
}

fn utf16le(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
}

#[test]
fn utf16_with_a_bom_is_scanned_as_text() {
    let repo = hooked_repo();
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(utf16le(&format!(
        "REGION=eu-west-1\r\nAWS_ACCESS_KEY_ID={KEY}\r\n"
    )));
    repo.write("deploy/keys.ps1", bytes);
    commit_is_blocked(&repo, "deploy/keys.ps1:2");
}

#[test]
fn utf16_and_utf32_without_a_bom_are_scanned_as_text() {
    let repo = hooked_repo();
    repo.write("deploy/a.txt", utf16le(&format!("KEY={KEY}\n")));
    commit_is_blocked(&repo, "deploy/a.txt:1");
    repo.git(&["rm", "-q", "--cached", "deploy/a.txt"]).ok();
    std::fs::remove_file(repo.path().join("deploy/a.txt")).unwrap();
    let utf32: Vec<u8> = format!("KEY={KEY}\n")
        .chars()
        .flat_map(|c| (c as u32).to_be_bytes())
        .collect();
    repo.write("deploy/b.txt", utf32);
    commit_is_blocked(&repo, "deploy/b.txt:1");
}

#[test]
fn a_nul_byte_does_not_hide_a_secret() {
    let repo = hooked_repo();
    let mut bytes = b"X = 1\n".to_vec();
    bytes.extend([0u8, 159, 146, 150, 0, 255]);
    bytes.extend(format!("\nKEY = '{KEY}'\n").as_bytes());
    repo.write("app/weird.py", bytes);
    commit_is_blocked(&repo, "app/weird.py:3");
}

#[test]
fn a_text_file_over_the_limit_is_checked_in_chunks() {
    let repo = hooked_repo();
    repo.write(".confgate.toml", "[limits]\nmax_file_size = 2000\n");
    repo.seed("policy");
    // Three chunks' worth, the key on the last line.
    let big = format!("{}KEY = '{KEY}'\n", "row = 1\n".repeat(800));
    repo.write("data/dump.sql", &big);
    commit_is_blocked(&repo, "data/dump.sql:801");
    repo.git(&["reset", "-q"]).ok();
    std::fs::remove_file(repo.path().join("data/dump.sql")).unwrap();
    // One long line (minified): a key across the first cut (at byte 2000)
    // is whole in the next chunk.
    let line = format!(
        "{{\"a\": \"{}\", \"k\": \"{KEY}\", \"b\": \"{}\"}}\n",
        "x".repeat(1975),
        "y".repeat(3000)
    );
    repo.write("data/min.json", &line);
    commit_is_blocked(&repo, "data/min.json:1");
}

#[test]
fn a_text_file_over_the_chunked_bound_blocks_until_allowed_by_path() {
    let repo = hooked_repo();
    repo.write(".confgate.toml", "[limits]\nmax_file_size = 2000\n");
    repo.seed("policy");
    // Over 16 x max_file_size: not read at all.
    let big = format!("{}KEY = '{KEY}'\n", "row = 1\n".repeat(5000));
    repo.write("data/dump.sql", &big);
    commit_is_blocked(&repo, "skipped-file");
    let run = repo.confgate(&["--format", "json", "check", "--staged"]);
    run.code(1);
    let json = run.json();
    let finding = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "data/dump.sql")
        .unwrap_or_else(|| panic!("no finding for the large file\n{}", run.dump()));
    assert_eq!(finding["kind"], "skipped-file");
    assert_eq!(finding["severity"], "error");

    // Allowed by path in the committed policy: listed with -v, not blocking.
    repo.git(&["reset", "-q"]).ok();
    repo.write(
        ".confgate.toml",
        "[limits]\nmax_file_size = 2000\nskip_paths = [\"data/*.sql\"]\n",
    );
    repo.git(&["add", ".confgate.toml"]).ok();
    repo.git(&["commit", "-q", "--no-verify", "-m", "allow the dump"])
        .ok();
    repo.git(&["add", "-A"]).ok();
    repo.confgate(&["-v", "hook", "pre-commit"])
        .ok()
        .contains("skipped: data/dump.sql");
    repo.git(&["commit", "-q", "-m", "dump"]).ok();
}

#[test]
fn on_skip_warn_shows_the_unread_file_and_passes() {
    let repo = hooked_repo();
    repo.write(
        ".confgate.toml",
        "[limits]\nmax_file_size = 2000\non_skip = \"warn\"\n",
    );
    repo.seed("policy");
    repo.write("data/dump.sql", "row = 1\n".repeat(5000));
    repo.git(&["add", "-A"]).ok();
    repo.confgate(&["hook", "pre-commit"])
        .ok()
        .contains("warning [skipped-file]");
    repo.git(&["commit", "-q", "-m", "dump"]).ok();
}

#[test]
fn on_skip_takes_only_its_two_values() {
    let repo = hooked_repo();
    repo.write(".confgate.toml", "[limits]\non_skip = \"ignore\"\n");
    repo.confgate(&["scan"])
        .code(2)
        .contains("limits.on_skip")
        .contains(".confgate.toml");
}

#[test]
fn binary_content_passes_and_is_listed_with_verbose() {
    let repo = hooked_repo();
    let mut png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".to_vec();
    png.extend((0..3000u32).map(|i| (i * 7 % 251) as u8));
    repo.write("assets/logo.png", &png);
    // Over the limit too: a large image is still just an image.
    let mut large = png.clone();
    large.extend(vec![0u8; 2 * 1024 * 1024]);
    repo.write("assets/hero.png", &large);
    repo.git(&["add", "-A"]).ok();
    repo.confgate(&["-v", "hook", "pre-commit"])
        .ok()
        .contains("skipped: assets/logo.png: binary")
        .contains("skipped: assets/hero.png: binary");
    repo.git(&["commit", "-q", "-m", "images"]).ok();
}

#[test]
fn a_binary_keystore_is_still_caught_by_name() {
    let repo = hooked_repo();
    let mut p12 = vec![0x30u8, 0x82, 0x0A, 0x00, 0x02, 0x01, 0x03, 0x30];
    p12.extend([0u8; 100]);
    repo.write("certs/server.p12", p12);
    commit_is_blocked(&repo, "certs/server.p12");
}

#[test]
fn scan_reports_an_unread_text_file() {
    let repo = hooked_repo();
    repo.write(".confgate.toml", "[limits]\nmax_file_size = 2000\n");
    repo.write("data/dump.sql", "row = 1\n".repeat(5000));
    let run = repo.confgate(&["--format", "json", "scan"]);
    run.code(1);
    let kinds: Vec<String> = run.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"] == "data/dump.sql")
        .map(|f| f["kind"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(kinds, ["skipped-file"], "{}", run.dump());
}

#[test]
fn a_symlink_target_holding_a_secret_is_caught() {
    let repo = hooked_repo();
    std::os::unix::fs::symlink(
        format!("/srv/keys/AWS_ACCESS_KEY_ID={KEY}"),
        repo.path().join("app/creds"),
    )
    .unwrap();
    commit_is_blocked(&repo, "app/creds:1");
    // scan reads the link's text as well, without following it.
    repo.confgate(&["scan"])
        .code(1)
        .contains("app/creds:1")
        .lacks(KEY);
}

#[test]
fn a_policy_file_linked_to_dev_zero_is_refused_not_read() {
    for policy in [
        ".confgate.toml",
        "pyproject.toml",
        ".confgate-baseline.json",
    ] {
        let repo = hooked_repo();
        std::os::unix::fs::symlink("/dev/zero", repo.path().join(policy)).unwrap();
        repo.seed("link the policy");
        repo.confgate(&["scan"])
            .code(2)
            .contains(&format!("{policy} is a symlink"));
        repo.write("app/main.py", "print(2)\n");
        let head = repo.head();
        let run = repo.commit_all("change");
        assert_ne!(
            run.code,
            0,
            "{policy}: the commit went through\n{}",
            run.dump()
        );
        run.contains(policy);
        assert_eq!(repo.head(), head);
    }
}

#[test]
fn config_and_message_files_are_read_with_a_bound() {
    let repo = hooked_repo();
    repo.confgate(&["--config", "/dev/zero", "scan"])
        .code(2)
        .contains("/dev/zero");
    let big = repo.path().join("big.toml");
    std::fs::write(&big, format!("# {}\n", "x".repeat(5 * 1024 * 1024))).unwrap();
    repo.confgate(&["--config", big.to_str().unwrap(), "scan"])
        .code(2)
        .contains("big.toml is larger than");
    repo.confgate(&["hook", "commit-msg", "/dev/zero"])
        .code(2)
        .contains("/dev/zero");
}

/// A repository with a config change staged, ready for `record new`.
fn staged_config_change(repo: &TestRepo) {
    repo.write("config/cache.toml", "[cache]\nttl = 60\n");
    repo.seed("config");
    repo.write("config/cache.toml", "[cache]\nttl = 300\n");
    repo.git(&["add", "config/cache.toml"]).ok();
}

/// Commit `.confgate.toml` alone, leaving the staged config change staged.
fn commit_policy(repo: &TestRepo, text: &str) {
    repo.write(".confgate.toml", text);
    repo.git(&["add", ".confgate.toml"]).ok();
    repo.git(&[
        "commit",
        "-q",
        "--no-verify",
        "-m",
        "policy",
        "--",
        ".confgate.toml",
    ])
    .ok();
}

/// Every file under `dir`, recursively.
fn files_under(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path.display().to_string());
        }
    }
    out
}

#[test]
fn record_new_never_writes_outside_the_repository() {
    let outer = tempfile::TempDir::new().unwrap();
    let repo = hooked_repo();
    staged_config_change(&repo);

    // Names unique to this test: the repository's parent is the shared /tmp.
    let unique = format!(
        "escaped-{}",
        repo.path().file_name().unwrap().to_string_lossy()
    );
    let parent = repo.path().parent().unwrap();
    repo.confgate(&["record", "new", "--name", &format!("../../{unique}")])
        .code(2)
        .contains("--name");
    repo.confgate(&["record", "new", "--name", "/tmp/x"])
        .code(2)
        .contains("--name");

    let escape = format!("{}/records", outer.path().display());
    let up = format!("../{unique}/");
    for dir in [up.as_str(), escape.as_str()] {
        commit_policy(&repo, &format!("[record]\ndir = {dir:?}\n"));
        repo.confgate(&["record", "new", "--owner", "@sre"])
            .code(2)
            .contains("record.dir");
    }

    // A record directory that is a link out of the repository.
    std::os::unix::fs::symlink(outer.path(), repo.path().join("records")).unwrap();
    commit_policy(&repo, "[record]\ndir = \"records/\"\n");
    repo.confgate(&["record", "new", "--owner", "@sre"])
        .code(2)
        .contains("symlink");

    assert_eq!(files_under(outer.path()), Vec::<String>::new());
    assert!(!parent.join(&unique).exists());
    assert!(!parent.join(format!("{unique}.toml")).exists());
}

#[test]
fn baseline_output_stays_inside_the_repository() {
    let outer = tempfile::TempDir::new().unwrap();
    let repo = hooked_repo();
    let target = outer.path().join("b.json");
    repo.confgate(&["baseline", "--output", target.to_str().unwrap()])
        .code(2)
        .contains("--output");
    assert!(!target.exists());
    repo.confgate(&["baseline", "--output", "custom-baseline.json"])
        .ok();
    assert!(repo.path().join("custom-baseline.json").exists());
}

#[test]
fn control_characters_in_paths_are_escaped_as_git_does() {
    let repo = hooked_repo();
    let name = "app/a\x1b[2K\rb\n  ok.py:1  all clear.py";
    repo.write(name, format!("KEY = '{KEY}'\n"));
    let head = repo.head();
    let run = repo.commit_all("odd name");
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("\"app/a\\033[2K\\rb\\n  ok.py:1  all clear.py\":1");
    assert!(
        !run.stderr.contains('\x1b') && !run.stdout.contains('\x1b'),
        "raw ESC reached the terminal\n{}",
        run.dump()
    );
    assert!(
        !run.stderr.lines().any(|l| l.starts_with("  ok.py:1")),
        "a forged report line\n{}",
        run.dump()
    );
    assert_eq!(repo.head(), head);
    // JSON keeps the path exact (serde escapes it).
    let json = repo
        .confgate(&["--format", "json", "check", "--staged"])
        .json();
    assert!(
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["path"] == name),
        "{json:#}"
    );
}
