//! confgate's engine: everything but the command line. Checks return findings;
//! only the binary prints.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod baseline;
pub mod bounded;
pub mod codeowners;
pub mod committed;
pub mod decode;
pub mod engine;
pub mod finding;
#[doc(hidden)]
pub mod fuzzing;
pub mod git;
pub mod install;
pub mod keydiff;
pub mod keywords;
pub mod model;
pub mod plan;
pub mod policy;
pub mod record;
pub mod redact;
pub mod ruleinfo;
pub mod secrets;
pub mod security;
pub mod settings;
pub mod suppress;
pub mod weakening;
