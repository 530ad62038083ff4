//! The detectors and what filters their findings: secrets, inline security
//! settings, the shared keyword prefilter, allow comments and the baseline.
pub mod baseline;
pub mod detect_secrets;
pub mod gitleaks;
pub mod keywords;
pub mod secrets;
pub mod security;
pub mod suppress;
