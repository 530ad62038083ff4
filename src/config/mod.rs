//! What confgate is told to do: its settings layers, the plan compiled from
//! them, the policy as committed, and how a change to that policy loosens it.
pub mod adopt;
pub mod committed;
pub mod gitleaks;
pub mod plan;
pub mod settings;
pub mod weakening;
