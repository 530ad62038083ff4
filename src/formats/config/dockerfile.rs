//! Dockerfile lines for the lenient reader: `ENV`/`ARG` pairs and `USER`.

use std::sync::OnceLock;

use regex::Regex;

use super::{assignment, Assignment};
use crate::formats::regex_once;

pub(super) fn statement(text: &str) -> Vec<Assignment> {
    static DOCKER_ENV: OnceLock<Regex> = OnceLock::new();
    static DOCKER_USER: OnceLock<Regex> = OnceLock::new();
    let mut out = Vec::new();
    // `USER app`: the user the container runs as, keyed `USER` under the
    // parent `USER` (an `ENV USER=x` is another thing).
    if let Some(c) = regex_once(&DOCKER_USER, r"^\s*(?i:USER)\s+(\S+)\s*$").captures(text) {
        if let Some(user) = c.get(1) {
            let mut setting = assignment(text, "USER", user.start(), user.as_str(), "USER");
            setting.at = text.len() - text.trim_start().len();
            out.push(setting);
        }
    }
    if let Some(c) = regex_once(&DOCKER_ENV, r"^\s*(?i:ENV|ARG)\s+(.*)$").captures(text) {
        if let Some(rest) = c.get(1) {
            let body = rest.as_str();
            if body.contains('=') {
                for (k, v) in docker_pairs(body) {
                    out.push(assignment(text, k, rest.start(), v, ""));
                }
            } else if let Some((k, v)) = body.trim().split_once(char::is_whitespace) {
                out.push(assignment(text, k, rest.start(), v, ""));
            }
        }
    }
    out
}

/// `K=V K2="v 2"` pairs of a Dockerfile `ENV` line.
fn docker_pairs(body: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let bytes = body.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let key_start = i;
        while i < bytes.len() && bytes[i] != b'=' && !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= bytes.len() || bytes[i] != b'=' {
            break;
        }
        let key = &body[key_start..i];
        i += 1;
        let value_start = i;
        if i < bytes.len() && (bytes[i] == b'"' || bytes[i] == b'\'') {
            let q = bytes[i];
            i += 1;
            while i < bytes.len() && bytes[i] != q {
                i += 1;
            }
            i = (i + 1).min(bytes.len());
        } else {
            while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
                i += 1;
            }
        }
        out.push((key, &body[value_start..i]));
    }
    out
}
