//! Converts the embedded rule packs from TOML (written by people) to JSON
//! (read at every hook start, several times faster to parse). A pack that
//! does not parse fails the build.

use std::path::PathBuf;

fn main() {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    for name in ["secrets", "security-settings"] {
        let source = format!("rules/{name}.toml");
        println!("cargo:rerun-if-changed={source}");
        let text = std::fs::read_to_string(&source)
            .unwrap_or_else(|err| panic!("cannot read {source}: {err}"));
        let value: toml::Value =
            toml::from_str(&text).unwrap_or_else(|err| panic!("{source}: {err}"));
        let json = serde_json::to_string(&value).expect("TOML values convert to JSON");
        std::fs::write(out.join(format!("{name}.json")), json)
            .unwrap_or_else(|err| panic!("cannot write {name}.json: {err}"));
    }
}
