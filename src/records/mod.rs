//! Change records and what they must hold: record files and trailers, the
//! record policies of the production checklist, and CODEOWNERS.
pub mod codeowners;
pub mod dependency;
pub mod policy;
pub mod record;
pub mod reformat;
pub mod scaffold;
pub mod template;
pub mod tooling;
