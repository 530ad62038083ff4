//! Fuzz the secret and security-setting detectors over any text and path.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The body lives in the library, so that `cargo test` replays the saved
// inputs in fuzz/regressions/detectors/ (tests/fuzz_regressions.rs).
fuzz_target!(|data: &[u8]| confgate::fuzzing::detectors(data));
