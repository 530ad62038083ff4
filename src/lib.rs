//! confgate's engine: everything but the command line. Checks return findings;
//! only the binary prints.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod finding;
pub mod install;
pub mod keydiff;
pub mod model;
pub mod ruleinfo;
pub mod secrets;
pub mod security;
