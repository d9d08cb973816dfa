//! The pure core: surveys, answers, secrets, dates. No I/O here.

pub mod answers;
pub mod date;
pub mod lang;
pub mod release;
pub mod stats;
pub mod survey;
pub mod token;
