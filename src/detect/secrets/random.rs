//! Judging whether a literal looks like a real secret rather than a word, a
//! placeholder, a template reference or a checksum.

pub use crate::placeholder::is_example_secret;

/// Shannon entropy in bits per character.
pub fn shannon_entropy(value: &str) -> f64 {
    let mut counts = [0u32; 256];
    let mut total = 0u32;
    for byte in value.bytes() {
        counts[byte as usize] += 1;
        total += 1;
    }
    if total == 0 {
        return 0.0;
    }
    let total = f64::from(total);
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / total;
            -p * p.log2()
        })
        .sum()
}

/// How many of lowercase, uppercase, digit and other printable characters occur.
fn class_count(value: &str) -> usize {
    let mut seen = [false; 4];
    for c in value.chars() {
        let class = if c.is_ascii_lowercase() {
            0
        } else if c.is_ascii_uppercase() {
            1
        } else if c.is_ascii_digit() {
            2
        } else {
            3
        };
        seen[class] = true;
    }
    seen.iter().filter(|&&s| s).count()
}

/// The longest run of one repeated character.
fn longest_repeat(value: &str) -> usize {
    let mut best = 0;
    let mut run = 0;
    let mut last = None;
    for c in value.chars() {
        if Some(c) == last {
            run += 1;
        } else {
            run = 1;
            last = Some(c);
        }
        best = best.max(run);
    }
    best
}

/// Share of neighbouring pairs that step by one (`abc`, `123`, `cba`).
fn sequential_share(value: &str) -> f64 {
    let bytes = value.as_bytes();
    if bytes.len() < 2 {
        return 0.0;
    }
    let steps = bytes
        .windows(2)
        .filter(|w| (i16::from(w[1]) - i16::from(w[0])).abs() == 1)
        .count();
    steps as f64 / (bytes.len() - 1) as f64
}

fn is_hex(value: &str) -> bool {
    value.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `8-4-4-4-12` hex: an identifier, not a secret on its own.
pub fn is_uuid(value: &str) -> bool {
    let parts: Vec<&str> = value.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && is_hex(p))
}

/// A checksum or digest: `sha256:…`, SRI `sha384-…`, or bare hex of a hash length.
pub fn is_hash_like(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    for prefix in ["sha1", "sha224", "sha256", "sha384", "sha512", "md5"] {
        if let Some(rest) = lower.strip_prefix(prefix) {
            if rest.starts_with(':') || rest.starts_with('-') || rest.starts_with('=') {
                return true;
            }
        }
    }
    false
}

/// Whether the value reads as words joined by separators: an identifier, a
/// setting name, a sentence, not something generated.
fn is_wordish(value: &str) -> bool {
    let letters_and_seps = value
        .chars()
        .all(|c| c.is_ascii_alphabetic() || matches!(c, '_' | '-' | '.' | ' '));
    if letters_and_seps {
        return true;
    }
    // `MySecretPassword1`: at most one trailing digit block after words.
    let trimmed = value.trim_end_matches(|c: char| c.is_ascii_digit() || c == '!');
    trimmed.len() * 4 >= value.len() * 3
        && trimmed.chars().all(|c| c.is_ascii_alphabetic())
        && has_lowercase_word(trimmed)
        && trimmed.chars().filter(char::is_ascii_uppercase).count() * 5 <= trimmed.len()
        && value.len() - trimmed.len() <= 4
        && value.len() > 12
}

fn has_lowercase_word(value: &str) -> bool {
    value
        .split(|c: char| c.is_ascii_uppercase())
        .any(|part| part.len() >= 4)
}

/// Whether a literal looks generated or chosen as a credential, rather than a
/// word, name, path, placeholder, digest or identifier. Combines length,
/// character-class mix, Shannon entropy, placeholder and word detection, and
/// repeated or sequential characters; entropy alone ranks `aaaaBBBB1111` and
/// `get_user_by_id` wrongly.
pub fn looks_random(value: &str) -> bool {
    let value = value.trim();
    let len = value.chars().count();
    if !(8..=512).contains(&len) || !value.is_ascii() {
        return false;
    }
    if value.contains(char::is_whitespace) {
        return false;
    }
    if is_example_secret(value) || is_uuid(value) || is_hash_like(value) {
        return false;
    }
    if value.starts_with('/') || value.starts_with("./") || value.contains("://") {
        return false;
    }
    if super::lookalike::says_what_it_is(value) {
        return false;
    }
    if is_wordish(value) {
        return false;
    }
    if longest_repeat(value) >= 4 || sequential_share(value) > 0.5 {
        return false;
    }
    let classes = class_count(value);
    let entropy = shannon_entropy(value);
    match len {
        8..=11 => classes >= 3 && entropy >= 2.8,
        12..=19 => classes >= 2 && entropy >= 3.0,
        // Long hex (a generated key) has only two classes and ~4 bits of entropy.
        _ => classes >= 2 && entropy >= 3.2 || is_hex(value) && entropy >= 3.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_values_look_random() {
        for value in [
            "kV9#mQ2$xL7!",
            "Zt4rQ8wLmN2pXy6v",
            "hunter2Xq9!",
            "9f86d081884c7d659a2feaa0c55ad015",
            "gH7kP2mQ9xR4tL8wZ3vN6bJ1cF5dS0aE",
            "u8Xb-2kPq_9LmZ4r",
            "LeAzuzRWPpTUefbnoFq5",
        ] {
            assert!(looks_random(value), "{value} should look random");
        }
    }

    #[test]
    fn words_names_and_placeholders_do_not() {
        for value in [
            "changeme",
            "your-api-key-here",
            "password",
            "my_database_name",
            "MySecretPassword1",
            "aaaaaaaaBBBB1111",
            "abcdefgh12345678",
            "xxxxxxxxxxxx",
            "${DB_PASSWORD}",
            "{{ vault_token }}",
            "<token>",
            "%(password)s",
            "123e4567-e89b-12d3-a456-426614174000",
            "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC",
            "/run/secrets/db_password",
            "https://example.org/token",
            "short1!",
            "AKIAIOSFODNN7EXAMPLE",
            "settings.SECRET_KEY",
        ] {
            assert!(!looks_random(value), "{value} should not look random");
        }
    }

    #[test]
    fn entropy_of_uniform_text() {
        assert!((shannon_entropy("abcd") - 2.0).abs() < 1e-9);
        assert_eq!(shannon_entropy("aaaa"), 0.0);
    }

    #[test]
    fn placeholders() {
        assert!(is_example_secret("$SECRET"));
        assert!(is_example_secret("{password}"));
        assert!(is_example_secret(
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
        ));
        assert!(!is_example_secret("Zt4rQ8wLmN2pXy6v"));
    }
}
