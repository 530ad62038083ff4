//! confgate's engine: everything but the command line. Checks return findings;
//! only the binary prints.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod bounded;
pub mod config;
pub mod decode;
pub mod detect;
pub mod engine;
pub mod finding;
pub mod formats;
#[doc(hidden)]
pub mod fuzzing;
pub mod git;
pub mod install;
pub mod keydiff;
pub mod model;
pub mod newlines;
pub mod outcome;
pub mod placeholder;
pub mod records;
pub mod redact;
pub mod release;
pub mod ruleinfo;
pub mod scan;
pub mod server;
pub mod session;
