//! Fuzz `.confgate.toml` parsing and plan building on top of the defaults.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The body lives in the library, so that `cargo test` replays the saved
// inputs in fuzz/regressions/settings/ (tests/fuzz_regressions.rs).
fuzz_target!(|data: &[u8]| confgate::fuzzing::settings(data));
