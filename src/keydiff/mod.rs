//! Key-level view of config files: parse TOML, YAML, JSON, INI, `.env` and
//! Python settings modules into flat `dotted.key -> value` maps, and diff them.

use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Toml,
    Yaml,
    Json,
    Ini,
    Env,
    PythonSettings,
}

/// The format to parse `path` as, from its name; `None` when not key-based.
pub fn format_for(_path: &str) -> Option<Format> {
    None
}

/// One leaf value, rendered canonically, with the line it is on (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyValue {
    pub value: String,
    pub line: u32,
}

pub type KeyMap = BTreeMap<String, KeyValue>;

/// Where and why a file does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub message: String,
}

pub fn parse(_format: Format, _text: &str) -> Result<KeyMap, ParseError> {
    Ok(KeyMap::new())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyChange {
    Added {
        key: String,
        new: KeyValue,
    },
    Removed {
        key: String,
        old: KeyValue,
    },
    Modified {
        key: String,
        old: KeyValue,
        new: KeyValue,
    },
}

pub fn diff(_old: &KeyMap, _new: &KeyMap) -> Vec<KeyChange> {
    Vec::new()
}

/// Whether values of `key` must be redacted when shown.
pub fn is_secret_key(_key: &str) -> bool {
    false
}

impl KeyChange {
    pub fn key(&self) -> &str {
        match self {
            KeyChange::Added { key, .. }
            | KeyChange::Removed { key, .. }
            | KeyChange::Modified { key, .. } => key,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            KeyChange::Added { .. } => "added",
            KeyChange::Removed { .. } => "removed",
            KeyChange::Modified { .. } => "modified",
        }
    }
}

pub fn describe(change: &KeyChange) -> String {
    change.key().to_string()
}
