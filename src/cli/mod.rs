//! The command line: parsing (see `args`), one small function per command
//! (grouped by what they act on), and wording errors for their reader.
//! Commands print results on standard output and errors on standard error,
//! and exit non-zero on any problem.

/// `println!` for the command line: a closed pipe (`spiegel … | head`) ends
/// the program normally instead of panicking.
macro_rules! println {
    () => {
        $crate::cli::write_stdout(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::cli::write_stdout(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `print!`, likewise.
macro_rules! print {
    ($($arg:tt)*) => {
        $crate::cli::write_stdout(format_args!($($arg)*))
    };
}

mod address;
mod args;
mod charts;
mod focus;
mod health;
mod keys;
pub mod links;
mod outfile;
mod output;
mod purge;
mod results;
mod rounds;
mod serve;
mod setup;
mod teams;
mod training;
mod words;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

use crate::catalog::Catalog;
use crate::domain::date::Date;
use crate::storage::{self, Mode};

pub use address::{check_base_url, is_local_url};
pub use args::*;

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // The reader of our output went away (`| head`): a normal end.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {}", words::error(&e));
            ExitCode::FAILURE
        }
    }
}

/// Writes to standard output; a closed pipe ends the program normally (exit
/// 0), any other failure with a message (exit 1).
pub fn write_stdout(args: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(args) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write to standard output: {e}");
        std::process::exit(1);
    }
}

/// Logs go to standard error; the level comes from `RUST_LOG` (default
/// info). Colours only on a terminal (and not with `NO_COLOR` set).
pub fn init_tracing() {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(colour)
        .with_writer(std::io::stderr)
        .try_init();
}

impl Global {
    pub fn db_path(&self) -> PathBuf {
        self.db
            .clone()
            .unwrap_or_else(|| PathBuf::from("spiegel.db"))
    }

    /// `--base-url` (checked), or the default.
    pub fn base_url(&self) -> anyhow::Result<String> {
        check_base_url(self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))
    }

    /// `--base-url` (checked), if given: the server otherwise uses the
    /// address it listens on.
    pub fn served_base_url(&self) -> anyhow::Result<Option<String>> {
        self.base_url.as_deref().map(check_base_url).transpose()
    }

    pub fn catalog(&self) -> anyhow::Result<Catalog> {
        Catalog::load(self.surveys.as_deref()).map_err(|errors| {
            let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
            anyhow::anyhow!("invalid survey files:\n{}", lines.join("\n"))
        })
    }

    /// The cases and the guide to hesitation (`--conversation`, or the shipped ones).
    pub fn casebook(&self) -> anyhow::Result<crate::casebook::Casebook> {
        crate::casebook::Casebook::load(self.conversation.as_deref()).map_err(|errors| {
            let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
            anyhow::anyhow!("invalid conversation files:\n{}", lines.join("\n"))
        })
    }

    fn open(&self) -> anyhow::Result<rusqlite::Connection> {
        Ok(storage::open(&self.db_path(), Mode::Existing)?)
    }
}

/// The day it is now in the organisation's time zone.
fn today(conn: &rusqlite::Connection) -> anyhow::Result<Date> {
    Ok(storage::today(conn, jiff::Timestamp::now())?)
}

/// Records a set-up action done from the command line in the audit log
/// (what, `(command line)` as who, today): never an answer, link or key.
fn audit(conn: &rusqlite::Connection, what: &crate::domain::audit::Action) -> anyhow::Result<()> {
    let day = today(conn)?;
    Ok(storage::record(conn, day, storage::COMMAND_LINE, what)?)
}

/// Runs one command.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let g = cli.global;
    match cli.command {
        Command::Init { org, k, tz } => setup::init(&g, &org, k, tz.as_deref()),
        Command::Team(cmd) => teams::run(&g, cmd),
        Command::Round(cmd) => rounds::run(&g, cmd),
        Command::Links(args) => rounds::links(&g, &args),
        Command::Serve { addr, max_failures } => serve::serve(&g, &addr, max_failures),
        Command::Demo { addr, seed } => serve::demo(&g, &addr, seed),
        Command::Check { paths } => setup::check(&g, paths),
        Command::Key(cmd) => keys::run(&g, cmd),
        Command::Results {
            round,
            bright_spots,
            team,
            json,
        } => match round {
            Some(round) if !bright_spots => results::results(&g, round, team, json),
            _ => results::bright_spots(&g, json),
        },
        Command::Export { round, format, out } => results::export(&g, round, format, out),
        Command::Settings {
            comments_to_managers,
            k,
            tz,
            release,
            retain_months,
        } => setup::settings(
            &g,
            comments_to_managers,
            k,
            tz.as_deref(),
            release,
            retain_months,
        ),
        Command::Purge { before, dry_run } => purge::purge(&g, &before, dry_run),
        Command::Focus(args) => focus::focus(&g, &args),
        Command::Kit {
            team,
            round,
            out,
            lang,
        } => focus::kit(&g, &team, round, &out, &lang),
        Command::Training(cmd) => training::run(&g, cmd),
        Command::Audit { json, lang } => setup::audit(&g, json, &lang),
        Command::Backup { to } => setup::backup(&g, &to),
        Command::Chart(cmd) => charts::run(&g, cmd),
        Command::Healthcheck { addr, timeout } => health::check(&addr, timeout),
        Command::Sheet {
            team,
            round,
            out,
            lang,
        } => charts::sheet(&g, &team, round, &out, &lang),
        Command::Intervisie {
            team,
            round,
            out,
            lang,
        } => charts::intervisie(&g, &team, round, &out, &lang),
        Command::Guide { out, lang } => charts::guide(&g, &out, &lang),
    }
}
