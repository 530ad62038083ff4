//! Fuzz the other inputs a repository controls: pre-push lines, baselines,
//! CODEOWNERS.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The body lives in the library, so that `cargo test` replays the saved
// inputs in fuzz/regressions/inputs/ (tests/fuzz_regressions.rs).
fuzz_target!(|data: &[u8]| confgate::fuzzing::inputs(data));
