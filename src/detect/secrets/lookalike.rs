//! Values with a secret's shape that say what they are instead: import
//! references, package versions, URL paths and self-describing test words.

/// `pkg.module.sub:Object` or `pkg.module:func` (Python entry points,
/// `uvicorn app.main:app`, Celery task paths): a reference to code.
pub fn is_entry_point(value: &str) -> bool {
    let Some((module, object)) = value.split_once(':') else {
        return false;
    };
    let dotted = |s: &str| {
        !s.is_empty()
            && s.split('.').all(|part| {
                part.chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                    && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            })
    };
    module.contains('.') && dotted(module) && dotted(object)
}

/// A package version or range: `5.0.0-1648802546.c9880dc`, `^4.1.0`,
/// `~=2.31`, `>=1.2,<2`.
pub fn is_version(value: &str) -> bool {
    let core = value.trim_start_matches(['^', '~', '=', '>', '<', '!', 'v']);
    let numeric_head: Vec<&str> = core
        .split(['-', '+'])
        .next()
        .unwrap_or("")
        .split('.')
        .collect();
    numeric_head.len() >= 2
        && numeric_head
            .iter()
            .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_digit()))
        && core
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | ',' | '<' | '='))
}

/// A relative URL path of lower-case words: `api/oauth/authorize`,
/// `v1/login/access-token`. Base64 and tokens mix cases and digits.
pub fn is_url_path(value: &str) -> bool {
    value.contains('/')
        && value.split('/').all(|segment| {
            segment.chars().all(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.')
            }) && segment.chars().filter(char::is_ascii_digit).count() <= 2
        })
}

/// All lower-case, and naming what it is: `notabase64token`,
/// `super_secret_test_pw`, `wrongpassword`. A generated value does not spell
/// its own kind; a chosen weak one is still caught by the provider rules
/// when it has a provider's form.
pub fn is_self_describing(value: &str) -> bool {
    const WORDS: &[&str] = &[
        "token", "secret", "password", "passwd", "apikey", "notreal", "invalid", "wrong", "test",
    ];
    let letter_runs_are_words = value
        .split(|c: char| !c.is_ascii_lowercase())
        .all(|run| run.is_empty() || run.len() >= 2);
    value
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-' | '.'))
        && value.chars().filter(char::is_ascii_digit).count() <= 3
        && letter_runs_are_words
        && WORDS.iter().any(|w| value.contains(w))
}

/// `dispatch:dispatch`, `postgres:postgres`: a login whose password is its
/// user name, the local default of a development database.
pub fn is_user_as_password(value: &str) -> bool {
    value
        .split_once(':')
        .is_some_and(|(user, password)| !user.is_empty() && user == password)
}

/// Any of the above.
pub fn says_what_it_is(value: &str) -> bool {
    is_entry_point(value)
        || is_version(value)
        || is_url_path(value)
        || is_self_describing(value)
        || is_user_as_password(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_versions_paths_and_words() {
        for value in [
            "dispatch.plugins.dispatch_core.plugin:BasicAuthProvider",
            "app.main:app",
            "5.0.0-1648802546.c9880dc",
            "^4.1.0",
            "~=2.31.0",
            "api/oauth/authorize",
            "v1/login/access-token",
            "notabase64token",
            "super_secret_test_pw",
            "dispatch:dispatch",
        ] {
            assert!(says_what_it_is(value), "{value}");
        }
        for value in [
            "kT9vQ2mX7pL4wR8zN3bH6cJ1",
            "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
            "aB3/xY9+Qw7ZkL2mN8pR4tV6",
            "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
            "x7Kp:Qm2Zr9TvW",
            "1.2.3x!Zq9",
            "Wr0ngPassw0rd!x7Q",
            "x7kqtestm2z9",
        ] {
            assert!(!says_what_it_is(value), "{value}");
        }
    }
}
