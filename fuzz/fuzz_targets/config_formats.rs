//! Fuzz the key-level config parsers and the diff/describe built on them.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The body lives in the library, so that `cargo test` replays the saved
// inputs in fuzz/regressions/config_formats/ (tests/fuzz_regressions.rs).
fuzz_target!(|data: &[u8]| confgate::fuzzing::config_formats(data));
