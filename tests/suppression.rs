//! Allow comments are what they seem: one allow covers the one rule it
//! names, only as a comment in the file's own syntax, only with a reason of
//! words; and a snippet hides every secret on its line. Real `git commit`
//! with the hooks installed.

use crate::common::{github_token, TestRepo};

fn j(parts: &[&str]) -> String {
    parts.concat()
}

fn github() -> String {
    github_token("ghp_", "Yq8Tz2Lk9Wx4Rv8Np3Hs6Jd1Fb5Cy0")
}

fn repo() -> TestRepo {
    let repo = TestRepo::new();
    repo.write("app/main.py", "print('hi')\n");
    repo.seed("initial");
    repo.install();
    repo
}

#[test]
fn two_secrets_on_one_line_are_both_hidden_in_every_snippet() {
    let repo = repo();
    let id = j(&["AKIA", "Q7XW3LTV4GSZ2PRM"]);
    let secret = j(&["w7PqHiG8eZ9Op0zv1Yg", "hnmQHqy/ciB27mXY85V0EQm"]);
    repo.write(
        "app/cloud.py",
        format!("AWS_ACCESS_KEY_ID=\"{id}\"; AWS_SECRET_ACCESS_KEY=\"{secret}\"\n"),
    );
    let run = repo.commit_all("cloud keys");
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("aws-access-key-id")
        .contains("AWS_ACCESS_KEY_ID=\"AKIA…\"; AWS_SECRET_ACCESS_KEY=\"w7Pq…\"")
        .lacks(&id)
        .lacks(&secret);
    for format in ["json", "sarif"] {
        repo.git(&["add", "-A"]).ok();
        repo.confgate(&["--format", format, "check", "--staged"])
            .code(1)
            .lacks(&id)
            .lacks(&secret);
    }
}

#[test]
fn an_allow_for_one_rule_does_not_hide_another_on_the_line() {
    let repo = repo();
    let token = github();
    repo.write(
        "app/client.py",
        format!(
            "r = requests.get(URL, headers={{\"Authorization\": \"token {token}\"}}, verify=False)  # confgate: allow github-pat -- revoked token kept for the replay test\n"
        ),
    );
    let run = repo.commit_all("client");
    assert_ne!(run.code, 0, "{}", run.dump());
    // The token is allowed; the TLS setting on the same line is not.
    run.contains("tls-verify-disabled")
        .lacks("[github-pat]")
        .lacks(&token);
    repo.git(&["add", "-A"]).ok();
    let json = repo.confgate(&["--format", "json", "check", "--staged"]);
    let report = json.code(1).json();
    let suppressed: Vec<&str> = report["suppressed"]
        .as_array()
        .map(|a| a.iter().filter_map(|s| s["rule"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(suppressed, ["github-pat"], "{}", json.dump());
}

#[test]
fn one_allow_names_one_rule() {
    let repo = repo();
    repo.write(
        "app/client.py",
        "r = requests.get(URL, verify=False)  # confgate: allow tls-verify-disabled,debug-mode -- internal mirror with a private CA\n",
    );
    let run = repo.commit_all("client");
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("tls-verify-disabled")
        .contains("an allow names one rule");
    repo.write(
        "app/client.py",
        "r = requests.get(URL, verify=False)  # confgate: allow tls-verify-disabled -- internal mirror with a private CA\n",
    );
    repo.commit_all("client").ok();
}

#[test]
fn an_allow_inside_a_string_or_docstring_does_not_count() {
    let repo = repo();
    repo.write(
        "app/client.py",
        "NOTE = \"# confgate: allow tls-verify-disabled -- internal mirror with a private CA\"\nr = requests.get(URL, verify=False)\n",
    );
    let run = repo.commit_all("string");
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("tls-verify-disabled")
        .contains("not a comment");
    repo.write(
        "app/client.py",
        "def fetch():\n    \"\"\"Fetch it.\n    # confgate: allow tls-verify-disabled -- internal mirror with a private CA\n    \"\"\"\n    return requests.get(URL, verify=False)\n",
    );
    let run = repo.commit_all("docstring");
    assert_ne!(run.code, 0, "{}", run.dump());
    // The docstring allow is on the line above the setting: it still does not count.
    repo.write(
        "app/client.py",
        "def fetch():\n    \"\"\"Fetch it.\n    # confgate: allow tls-verify-disabled -- internal mirror with a private CA\"\"\"\n    return requests.get(URL, verify=False)\n",
    );
    let run = repo.commit_all("docstring end");
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("tls-verify-disabled");
}

#[test]
fn an_allow_needs_a_reason_of_words() {
    let repo = repo();
    for reason in [".", "-- .", "ok", "!!!"] {
        repo.write(
            "app/client.py",
            format!("r = requests.get(URL, verify=False)  # confgate: allow tls-verify-disabled -- {reason}\n"),
        );
        let run = repo.commit_all("reason");
        assert_ne!(run.code, 0, "reason {reason:?}\n{}", run.dump());
        run.contains("tls-verify-disabled")
            .contains("the allow comment here does not count");
    }
    repo.write(
        "app/client.py",
        "r = requests.get(URL, verify=False)  # confgate: allow tls-verify-disabled -- private CA mirror\n",
    );
    repo.commit_all("reason").ok();
}
