//! Replays the saved fuzz inputs (`fuzz/regressions/<target>/`: a minimised
//! sample of each corpus, and every input that once crashed or hung a
//! target) through the same code the fuzz targets run.

use std::path::Path;

use confgate::fuzzing::TARGETS;

#[test]
fn every_saved_fuzz_input_still_passes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    for (name, run) in TARGETS {
        let dir = root.join(name);
        let mut inputs: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|err| panic!("{}: {err}", dir.display()))
            .map(|entry| entry.expect("readable directory entry").path())
            .collect();
        inputs.sort();
        assert!(
            inputs.len() >= 10,
            "{name}: only {} saved inputs in {}",
            inputs.len(),
            dir.display()
        );
        for input in inputs {
            let data = std::fs::read(&input).expect("readable input");
            let outcome = std::panic::catch_unwind(|| run(&data));
            assert!(outcome.is_ok(), "{name} panics on {}", input.display());
        }
    }
}
