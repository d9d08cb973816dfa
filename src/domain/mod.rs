//! The pure core: surveys, answers, secrets, dates. No I/O here.

pub mod access;
pub mod answers;
pub mod audit;
pub mod casebook;
pub mod date;
pub mod focus;
pub mod intervisie;
pub mod lang;
pub mod org;
pub mod release;
pub mod results;
pub mod runchart;
pub mod stats;
pub mod survey;
pub mod team;
pub mod token;
