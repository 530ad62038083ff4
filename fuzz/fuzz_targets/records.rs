//! Fuzz record files, commit-message trailers and suppression comments.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The body lives in the library, so that `cargo test` replays the saved
// inputs in fuzz/regressions/records/ (tests/fuzz_regressions.rs).
fuzz_target!(|data: &[u8]| confgate::fuzzing::records(data));
