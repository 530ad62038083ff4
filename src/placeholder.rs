//! The one placeholder notion: which values only stand in for a real one
//! (`TBD`, `n/a`, `<owner>`, `changeme`), with one normalisation and one
//! built-in list (`[record] placeholders` of `rules/config.toml`), used by
//! record fields, release environment values, secret literals and the
//! judgement of `.env` templates. Each caller's own rule is documented where
//! it is applied.

use std::collections::HashSet;
use std::sync::OnceLock;

/// The built-in placeholders: `[record] placeholders` of the embedded
/// `rules/config.toml`, the list a project's `record.placeholders` starts
/// from. Secret literals are judged by this list (a detector has no
/// project settings).
pub fn builtin_words() -> &'static HashSet<String> {
    static WORDS: OnceLock<HashSet<String>> = OnceLock::new();
    WORDS.get_or_init(|| {
        let table: toml::Table = crate::config::settings::DEFAULTS
            .parse()
            .unwrap_or_default();
        table
            .get("record")
            .and_then(|record| record.get("placeholders"))
            .and_then(|list| list.as_array())
            .map(|list| {
                list.iter()
                    .filter_map(|word| word.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    })
}

/// Whether a value only stands in for a real one: one of `placeholders` once
/// normalised (see [`normalise`]), an `<angle>` form or a run of `x`, or, a
/// rule of its own, empty once invisible characters and punctuation are
/// dropped (an empty record field or environment value holds no answer).
/// Record fields and environment values are judged by the project's
/// `record.placeholders`; secret literals by [`builtin_words`] through
/// [`is_example_secret`].
pub fn is_placeholder(value: &str, placeholders: &HashSet<String>) -> bool {
    stands_in(value, |shown, joined| {
        placeholders
            .iter()
            .any(|placeholder| same_word(&Normal::of(placeholder), shown, joined))
    })
}

/// [`is_placeholder`] by the built-in list, whose normal forms are worked
/// out once: secret literals are judged on a detector's hot path.
fn is_builtin_placeholder(value: &str) -> bool {
    static NORMAL: OnceLock<Vec<Normal>> = OnceLock::new();
    let words = NORMAL.get_or_init(|| builtin_words().iter().map(|w| Normal::of(w)).collect());
    stands_in(value, |shown, joined| {
        words.iter().any(|word| same_word(word, shown, joined))
    })
}

/// The rules of [`is_placeholder`] that need no list, then `listed` with
/// the value's normal form and that form without spaces.
fn stands_in(value: &str, listed: impl Fn(&str, &str) -> bool) -> bool {
    let shown = normalise(value);
    if shown.is_empty() {
        return true;
    }
    let trimmed = value.trim();
    if trimmed.starts_with('<') && trimmed.ends_with('>') {
        return true;
    }
    let joined: String = shown.split(' ').collect();
    if joined.chars().all(|c| c == 'x') {
        return true;
    }
    listed(&shown, &joined)
}

/// A list word's normal form, with and without its spaces.
struct Normal {
    shown: String,
    joined: String,
}

impl Normal {
    fn of(word: &str) -> Normal {
        let shown = normalise(word);
        let joined = shown.split(' ').collect();
        Normal { shown, joined }
    }
}

fn same_word(word: &Normal, shown: &str, joined: &str) -> bool {
    !word.shown.is_empty() && (word.shown == shown || word.joined == joined)
}

/// A value as a reader sees it: NFKC-normalised, invisible characters
/// (zero-width spaces, joiners, BOM, Hangul fillers, bidi controls, …)
/// dropped, common Cyrillic and Greek lookalikes folded to Latin, lower case,
/// punctuation and symbols turned into spaces, spaces collapsed. A value that
/// normalises to nothing holds no answer.
pub fn normalise(value: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::with_capacity(value.len());
    let mut space = false;
    for c in value.nfkc() {
        if is_invisible(c) {
            continue;
        }
        let c = fold_lookalike(c);
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.extend(c.to_lowercase());
        } else {
            space = true;
        }
    }
    out
}

fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00ad}'
            | '\u{034f}'
            | '\u{061c}'
            | '\u{115f}'
            | '\u{1160}'
            | '\u{17b4}'
            | '\u{17b5}'
            | '\u{180b}'..='\u{180f}'
            | '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{206f}'
            | '\u{3164}'
            | '\u{fe00}'..='\u{fe0f}'
            | '\u{feff}'
            | '\u{ffa0}'
            | '\u{e0000}'..='\u{e007f}'
    )
}

/// Cyrillic and Greek letters that look like Latin ones (`ТBD` with a
/// Cyrillic Т reads as TBD).
fn fold_lookalike(c: char) -> char {
    match c {
        'А' | 'Α' | 'а' | 'α' => 'a',
        'В' | 'Β' | 'в' | 'β' => 'b',
        'С' | 'с' | 'ϲ' | 'Ϲ' => 'c',
        'Е' | 'Ε' | 'е' | 'ε' | 'Ё' | 'ё' => 'e',
        'Н' | 'Η' | 'н' => 'h',
        'І' | 'Ι' | 'і' | 'ι' | 'Ї' | 'ї' => 'i',
        'Ј' | 'ј' => 'j',
        'К' | 'Κ' | 'к' | 'κ' => 'k',
        'М' | 'Μ' | 'м' => 'm',
        'Ν' | 'ν' => 'n',
        'О' | 'Ο' | 'о' | 'ο' => 'o',
        'Р' | 'Ρ' | 'р' | 'ρ' => 'p',
        'Ѕ' | 'ѕ' => 's',
        'Т' | 'Τ' | 'т' | 'τ' => 't',
        'Υ' | 'у' | 'υ' | 'Ү' | 'ү' => 'y',
        'Х' | 'Χ' | 'х' | 'χ' => 'x',
        'Ζ' | 'ζ' => 'z',
        'Ԁ' | 'ԁ' => 'd',
        'Ԛ' | 'ԛ' => 'q',
        'Ԝ' | 'ԝ' => 'w',
        other => other,
    }
}

/// Secret literals only: inside a one-token literal, scaffolding words and
/// masked or template forms mark an example (`my-changeme-key`, `xxxx`,
/// `${X}`). Record fields and prose are not judged by these: "see the
/// example in the runbook" is an answer. Matched as lowercase substrings.
const SECRET_MARKERS: &[&str] = &[
    "example",
    "changeme",
    "change_me",
    "change-me",
    "changethis",
    "your_",
    "your-",
    "yourkey",
    "yourtoken",
    "yourpass",
    "yoursecret",
    "xxxx",
    "****",
    "....",
    "placeholder",
    "dummy",
    "fake",
    "sample",
    "replace",
    "insert",
    "todo",
    "fixme",
    "redacted",
    "notset",
    "not-set",
    "not_set",
    "<",
    ">",
    "${",
    "{{",
    "}}",
    "%(",
    "0000000",
    "1234567",
];

/// Secret literals only: whole values that name a type, a flag or a default
/// account rather than hold a credential (`password`, `postgres`, `true`).
/// (`none`, `null`, an empty value and the like are [`builtin_words`].)
const SECRET_DEFAULT_WORDS: &[&str] = &[
    "undefined",
    "true",
    "false",
    "password",
    "passwd",
    "pass",
    "pwd",
    "secret",
    "token",
    "apikey",
    "api_key",
    "key",
    "test",
    "testing",
    "admin",
    "root",
    "guest",
    "user",
    "postgres",
    "mysql",
    "redis",
    "rabbitmq",
    "default",
    "string",
    "str",
    "required",
    "optional",
    "empty",
    "unset",
];

/// Whether a secret-looking literal is an obvious placeholder, template
/// reference or documentation example rather than a credential: a
/// placeholder by the built-in list ([`is_placeholder`] with
/// [`builtin_words`]), and the secret-specific rules: a
/// [`SECRET_DEFAULT_WORDS`] value, a [`SECRET_MARKERS`] part, or a
/// reference (`$VAR`, `:name`, `{name}`, `%NAME%`).
pub fn is_example_secret(value: &str) -> bool {
    let lower = value.trim().to_ascii_lowercase();
    if SECRET_DEFAULT_WORDS.contains(&lower.as_str()) {
        return true;
    }
    if SECRET_MARKERS.iter().any(|part| lower.contains(part)) {
        return true;
    }
    // `$VAR`, `{name}`, `:name` are references to something else.
    if lower.starts_with('$') || lower.starts_with(':') {
        return true;
    }
    if lower.starts_with('{') && lower.ends_with('}') {
        return true;
    }
    if lower.starts_with('%') && lower.ends_with('%') {
        return true;
    }
    is_builtin_placeholder(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_list_is_the_record_default() {
        let words = builtin_words();
        for word in ["tbd", "n/a", "none", "xxx", "<owner>", "to be decided"] {
            assert!(words.contains(word), "{word} not in {words:?}");
        }
    }

    #[test]
    fn a_builtin_placeholder_is_never_a_secret() {
        for word in builtin_words() {
            assert!(is_example_secret(word), "{word}");
            assert!(is_placeholder(word, builtin_words()), "{word}");
        }
        // Normalised alike: case, punctuation, invisible characters,
        // lookalike letters.
        for value in ["N/A", "T.B.D.", "t\u{200b}bd", "\u{422}BD", "<your token>"] {
            assert!(is_example_secret(value), "{value}");
            assert!(is_placeholder(value, builtin_words()), "{value}");
        }
    }

    #[test]
    fn each_caller_keeps_its_own_rule() {
        // A secret literal: scaffolding inside one token marks an example;
        // in a record field it is an answer.
        assert!(is_example_secret("sk-changeme-1234"));
        assert!(!is_placeholder(
            "restore the example config from the runbook",
            builtin_words()
        ));
        // A secret that names a default account is no credential; a record
        // field `postgres` may be an answer.
        assert!(is_example_secret("postgres"));
        assert!(!is_placeholder("postgres", builtin_words()));
        // Empty once punctuation is dropped: no answer, and no secret.
        assert!(is_placeholder(" -- ", &HashSet::new()));
        assert!(is_example_secret("..."));
        // A real-looking secret is neither.
        assert!(!is_example_secret("f3Kq9xZ2vLp8Rt6Y"));
        assert!(!is_placeholder("f3Kq9xZ2vLp8Rt6Y", builtin_words()));
    }
}
