//! Python: the one lexer (strings, comments, tokens by logical line) and
//! the reader of assignments built on it.

pub mod lexer;
pub mod reader;

#[cfg(test)]
mod tests;
