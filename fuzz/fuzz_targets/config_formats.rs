//! Fuzz the key-level config parsers and the diff/describe built on them.
#![no_main]

use confgate::keydiff::{self, Format};
use libfuzzer_sys::fuzz_target;

const FORMATS: [Format; 6] = Format::ALL;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let format = FORMATS[usize::from(selector) % FORMATS.len()];
    let text = String::from_utf8_lossy(rest);
    // Split the input into an old and a new version at the first NUL.
    let (old, new) = match text.split_once('\0') {
        Some((old, new)) => (old.to_string(), new.to_string()),
        None => (String::new(), text.into_owned()),
    };
    let old = keydiff::parse(format, &old).unwrap_or_default();
    if let Ok(new) = keydiff::parse(format, &new) {
        for change in keydiff::diff(&old, &new) {
            let _ = keydiff::describe(&change);
        }
        assert!(keydiff::diff(&new, &new).is_empty(), "a map differs from itself");
    }
});
