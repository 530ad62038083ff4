//! Fuzz `.confgate.toml` parsing and plan building on top of the defaults.
#![no_main]

use confgate::plan::Plan;
use confgate::settings::{self, Layers};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(layer) = settings::parse_layer(".confgate.toml", &text) else { return };
    let Ok(defaults) = settings::parse_layer("defaults", settings::DEFAULTS) else {
        panic!("the built-in defaults must parse");
    };
    let _ = Plan::build(&Layers::new(vec![defaults, layer]));
});
