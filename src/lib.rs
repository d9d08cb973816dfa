//! Spiegel: anonymous psychological-safety pulse surveys for teams.
//!
//! Layers: [`domain`] (pure: surveys, answers, secrets, dates), [`storage`]
//! (the only SQL), [`web`] (axum routes and pages), [`server`] (starting and
//! stopping the web server, closing rounds on time), [`cli`] (clap), with
//! [`catalog`] loading survey files and [`demo`] filling a demo database.

#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::panic))]

pub mod casebook;
pub mod catalog;
pub mod charts;
pub mod cli;
pub mod demo;
pub mod domain;
pub mod report;
pub mod server;
pub mod slips;
pub mod storage;
pub mod web;
