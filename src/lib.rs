//! Spiegel: anonymous psychological-safety pulse surveys for teams.
//!
//! Layers: [`domain`] (pure: surveys, answers, secrets), [`storage`] (the only
//! SQL), [`web`] (axum), [`cli`] (clap), with [`catalog`] loading survey files.

#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::panic))]

pub mod catalog;
pub mod cli;
pub mod demo;
pub mod domain;
pub mod report;
pub mod server;
pub mod storage;
pub mod web;
