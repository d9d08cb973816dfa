//! Integration tests through the real paths: the binary as a process, the
//! server over HTTP, the SQLite file on disk. One test binary, linked once.

mod after;
mod anonymity;
mod browser;
mod charts;
mod cli;
mod csv;
mod deploy;
mod form;
mod fuzz;
mod hardening;
mod intervisie;
mod openapi;
mod properties;
mod purge;
mod release;
mod results;
mod server;
mod setup;
mod sheet;
mod support;
mod upgrade;
mod words;
mod zone;
