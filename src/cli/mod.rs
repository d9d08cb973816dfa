//! The command line (clap). Commands print results on standard output and
//! errors on standard error, and exit non-zero on any problem.

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

pub(crate) use println;

pub mod links;
mod outfile;
mod output;

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::catalog::{self, Catalog};
use crate::domain::date::Date;
use crate::storage::{self, Mode};

pub const DEFAULT_BASE_URL: &str = "http://127.0.0.1:8080";
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";
/// The highest k `init` accepts: above it, almost no team would ever show results.
pub const MAX_K: u32 = 50;

#[derive(Parser)]
#[command(
    name = "spiegel",
    version,
    about = "Anonymous psychological-safety pulse surveys for teams, with results only above a threshold.",
    long_about = "Spiegel hands out short questionnaires on one-time links, stores answers without any \
identity in one SQLite file, and shows team results only after a round closes and only when at least \
k people answered.\n\nStart with `spiegel demo` to see everything on a demo database."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Clone)]
pub struct Global {
    /// The SQLite database file [default: spiegel.db; `demo`: a fresh temporary file]
    #[arg(long, env = "SPIEGEL_DB", global = true)]
    pub db: Option<PathBuf>,
    /// A folder with the organisation's own survey files (*.toml), added to the shipped ones
    #[arg(long, env = "SPIEGEL_SURVEYS", global = true)]
    pub surveys: Option<PathBuf>,
    /// The address people reach Spiegel at, used in printed links [default: http://127.0.0.1:8080, or the served address]
    #[arg(long, env = "SPIEGEL_BASE_URL", global = true)]
    pub base_url: Option<String>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Create a new database for an organisation
    Init {
        /// The organisation's name
        #[arg(long, default_value = "Organisatie")]
        org: String,
        /// Anonymity threshold: results show only when at least k people answered (3 to 50; it cannot be changed later)
        #[arg(long, default_value_t = 5)]
        k: u32,
    },
    /// Add, list, rename, move, resize and archive teams
    #[command(subcommand)]
    Team(TeamCommand),
    /// Open, close and list survey rounds
    #[command(subcommand)]
    Round(RoundCommand),
    /// Create one-time survey links for a team in an open round
    Links(LinksArgs),
    /// Run the server
    Serve {
        /// Address to listen on: an IP address or host name with a port (127.0.0.1:8080, localhost:8080)
        #[arg(long, env = "SPIEGEL_ADDR", default_value = DEFAULT_ADDR)]
        addr: String,
        /// Failed link or key attempts per client (IP address) per minute before it gets 429; 0 turns this off (behind a reverse proxy every client has the proxy's address)
        #[arg(long, env = "SPIEGEL_MAX_FAILURES", default_value_t = crate::web::DEFAULT_MAX_FAILURES)]
        max_failures: u32,
    },
    /// Run a demo: a fresh database with a year of synthetic rounds, served on localhost
    Demo {
        /// Address to listen on: an IP address or host name with a port (127.0.0.1:8080, localhost:8080)
        #[arg(long, env = "SPIEGEL_ADDR", default_value = DEFAULT_ADDR)]
        addr: String,
        /// Seed of the synthetic answers
        #[arg(long, default_value_t = 7)]
        seed: u64,
    },
    /// Validate survey files [default: ./surveys if present, else the shipped surveys; and the --surveys folder]
    Check {
        /// Files or folders to check
        paths: Vec<PathBuf>,
    },
    /// Create, list and revoke secret keys for advisors and managers
    #[command(subcommand)]
    Key(KeyCommand),
    /// Show a round's results as an advisor sees them (released figures only)
    Results {
        /// The round's id
        #[arg(long)]
        round: i64,
        /// Only this team (name or id; `organisation` for the whole organisation)
        #[arg(long)]
        team: Option<String>,
        /// Print the API's JSON
        #[arg(long)]
        json: bool,
    },
    /// Export a round's released aggregates (never raw answers)
    Export {
        /// The round's id
        #[arg(long)]
        round: i64,
        /// Output format
        #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
        format: ExportFormat,
        /// Write to this new file instead of standard output
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Show or change the organisation's settings
    Settings {
        /// Let managers read their team's comments (default: advisors only)
        #[arg(long, value_enum)]
        comments_to_managers: Option<OnOff>,
    },
    /// Copy the database to a new file (safe while the server runs)
    Backup {
        /// The new file
        to: PathBuf,
    },
}

#[derive(Subcommand)]
pub enum TeamCommand {
    /// Add a team
    Add {
        /// The team's name (free text, e.g. "Zorg & Welzijn")
        name: String,
        /// The department it belongs to (a team's name or id)
        #[arg(long)]
        parent: Option<String>,
        /// Expected number of members (for participation)
        #[arg(long)]
        size: Option<u32>,
    },
    /// List the teams (archived ones marked)
    List {
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Give a team a new name; its id (in URLs and keys) stays the same
    Rename {
        /// The team (name or id)
        team: String,
        /// The new name
        new_name: String,
    },
    /// Move a team under another department, or to the top
    #[command(group(clap::ArgGroup::new("place").required(true).args(["parent", "top"])))]
    Move {
        /// The team (name or id)
        team: String,
        /// The new department (a team's name or id)
        #[arg(long)]
        parent: Option<String>,
        /// Make it a team without a department
        #[arg(long)]
        top: bool,
    },
    /// Set a team's expected number of members (for participation)
    Size {
        /// The team (name or id)
        team: String,
        /// Expected number of members
        size: u32,
    },
    /// Archive a team: its history stays, it gets no new rounds or links (teams are never deleted)
    Archive {
        /// The team (name or id)
        team: String,
    },
}

#[derive(Subcommand)]
pub enum RoundCommand {
    /// Open a round; prints the new round's id on the last line
    Open {
        /// The survey's id (see `spiegel check`)
        #[arg(long)]
        survey: String,
        /// A title, e.g. "Maart 2026" [default: the survey's title and today's date]
        #[arg(long)]
        title: Option<String>,
        /// The teams taking part, by name or id, separated by commas
        #[arg(long, value_delimiter = ',', conflicts_with = "all")]
        teams: Vec<String>,
        /// All teams take part (except archived ones)
        #[arg(long)]
        all: bool,
        /// Planned close date: YYYY-MM-DD, or +14d / +2w (days or weeks from today); the server closes the round after that day
        #[arg(long)]
        closes: Option<String>,
    },
    /// Close a round now: its links stop working and are erased
    Close {
        /// The round's id
        id: i64,
    },
    /// List the rounds
    List {
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum KeyCommand {
    /// Create an advisor key (sees every released result); prints its URL last
    Advisor {
        /// A note on who holds it
        #[arg(long, default_value = "")]
        label: String,
    },
    /// Create a manager key for one team; prints its URL last
    Manager {
        /// The team (name or id)
        #[arg(long)]
        team: String,
        /// A note on who holds it
        #[arg(long, default_value = "")]
        label: String,
    },
    /// List the keys (never the secrets)
    List {
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Revoke a key: it stops working at once
    Revoke {
        /// The key's id (see `spiegel key list`)
        id: i64,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    /// One row per group and figure
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum OnOff {
    On,
    Off,
}

#[derive(Args)]
pub struct LinksArgs {
    /// The round's id
    #[arg(long)]
    pub round: i64,
    /// The team (name or id)
    #[arg(long)]
    pub team: String,
    /// How many links
    #[arg(long)]
    pub count: u32,
    /// Output format
    #[arg(long, value_enum, default_value_t = LinkFormat::Text)]
    pub format: LinkFormat,
    /// Write to this new file instead of standard output
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum LinkFormat {
    /// One link per line
    Text,
    /// `team,link` rows for mail merge
    Csv,
    /// A printable A4 page of QR slips
    Html,
}

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
            eprintln!("error: {e:#}");
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

    /// `--base-url` (checked), or the address the server actually listens on.
    pub fn served_base_url(&self, listener: &tokio::net::TcpListener) -> anyhow::Result<String> {
        match &self.base_url {
            Some(base) => check_base_url(base),
            None => {
                let addr = listener
                    .local_addr()
                    .map(|a| a.to_string())
                    .unwrap_or_default();
                Ok(format!("http://{addr}"))
            }
        }
    }

    pub fn catalog(&self) -> anyhow::Result<Catalog> {
        Catalog::load(self.surveys.as_deref()).map_err(|errors| {
            let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
            anyhow::anyhow!("invalid survey files:\n{}", lines.join("\n"))
        })
    }

    fn open(&self) -> anyhow::Result<rusqlite::Connection> {
        Ok(storage::open(&self.db_path(), Mode::Existing)?)
    }
}

/// Checks a base URL: absolute `http://` or `https://` with a host (name or
/// IP address), an optional port and path, no query or fragment. Returns it
/// without a trailing slash.
pub fn check_base_url(url: &str) -> anyhow::Result<String> {
    let bad = |why: &str| {
        anyhow::anyhow!(
            "--base-url {url:?} {why}; give the address people reach Spiegel at, like \
             https://spiegel.example.nl (or SPIEGEL_BASE_URL)"
        )
    };
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| bad("does not start with http:// or https://"))?;
    if rest.contains(|c: char| c.is_whitespace() || c.is_control() || c == '?' || c == '#') {
        return Err(bad("holds spaces, a query (?) or a fragment (#)"));
    }
    let authority = rest.split('/').next().unwrap_or_default();
    if authority.contains('@') {
        return Err(bad("holds a user name"));
    }
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => {
            let (ip, after) = v6.split_once(']').ok_or_else(|| bad("has no host"))?;
            ip.parse::<std::net::Ipv6Addr>()
                .map_err(|_| bad("has an invalid IPv6 address"))?;
            (ip, after.strip_prefix(':'))
        }
        None => match authority.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        },
    };
    let host_ok = !host.is_empty()
        && (host.contains(':')
            || host
                .split('.')
                .all(|l| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-')));
    if !host_ok {
        return Err(bad("has no valid host name"));
    }
    if let Some(p) = port
        && p.parse::<u16>().is_err()
    {
        return Err(bad("has an invalid port"));
    }
    Ok(url.trim_end_matches('/').to_string())
}

/// Whether a (checked) base URL points at this computer only.
pub fn is_local_url(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split('/').next().unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    let host = host.to_ascii_lowercase();
    host == "localhost"
        || host.ends_with(".localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback() || ip.is_unspecified())
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    let g = cli.global;
    match cli.command {
        Command::Init { org, k } => {
            if k < 3 {
                bail!(
                    "--k {k} is too low: with fewer than 3 answers a result can reveal one person's \
                     answers to someone who knows the others'. Use 3 or more (5 is the default)."
                );
            }
            if k > MAX_K {
                bail!(
                    "--k {k} is too high: results would show only for groups of at least {k} people, \
                     and k cannot be changed later. Use at most {MAX_K} (5 is the default; 10 is strict)."
                );
            }
            let org = org.trim();
            if org.is_empty() {
                bail!("--org needs a name");
            }
            let path = g.db_path();
            if path.exists() {
                bail!(
                    "{} exists already; choose a new file with --db",
                    path.display()
                );
            }
            let mut conn = storage::open(&path, Mode::Create)?;
            storage::init(&mut conn, org, k)?;
            println!("created {} for {org:?} with k = {k}", path.display());
        }
        Command::Team(TeamCommand::Add { name, parent, size }) => {
            let mut conn = g.open()?;
            let team = storage::add_team(&mut conn, &name, parent.as_deref(), size)?;
            println!("added team {:?} (id {})", team.name, team.id);
            warn_small_team(&conn, &team)?;
        }
        Command::Team(TeamCommand::Rename { team, new_name }) => {
            let old = storage::team(&g.open()?, &team)?;
            let t = storage::rename_team(&mut g.open()?, &team, &new_name)?;
            println!("renamed {:?} to {:?} (id {} stays)", old.name, t.name, t.id);
        }
        Command::Team(TeamCommand::Move { team, parent, top }) => {
            let _ = top; // clap makes --parent and --top exclusive and requires one
            let t = storage::move_team(&mut g.open()?, &team, parent.as_deref())?;
            match &t.parent {
                Some(p) => println!("moved {:?} under {p}", t.name),
                None => println!("moved {:?} to the top (no department)", t.name),
            }
            println!(
                "closed rounds keep their results; rounds closed from now on roll up with the new place"
            );
        }
        Command::Team(TeamCommand::Size { team, size }) => {
            let mut conn = g.open()?;
            let t = storage::set_team_size(&mut conn, &team, size)?;
            println!("{:?} expects {size} members", t.name);
            warn_small_team(&conn, &t)?;
        }
        Command::Team(TeamCommand::Archive { team }) => {
            let t = storage::archive_team(&mut g.open()?, &team, Date::today())?;
            println!(
                "archived {:?}: its results stay, it gets no new rounds or links",
                t.name
            );
        }
        Command::Team(TeamCommand::List { json }) => {
            let teams = storage::teams(&g.open()?)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&teams)?);
            } else {
                println!(
                    "{:<24} {:<32} {:<24} {:>5}  STATE",
                    "ID", "NAME", "PARENT", "SIZE"
                );
                for t in teams {
                    println!(
                        "{:<24} {:<32} {:<24} {:>5}  {}",
                        t.id,
                        t.name,
                        t.parent.unwrap_or_default(),
                        t.expected_size.map(|s| s.to_string()).unwrap_or_default(),
                        t.archived_on
                            .map(|d| format!("archived {d}"))
                            .unwrap_or_else(|| "active".into())
                    );
                }
            }
        }
        Command::Round(RoundCommand::Open {
            survey,
            title,
            teams,
            all,
            closes,
        }) => {
            let catalog = g.catalog()?;
            let Some(s) = catalog.get(&survey) else {
                bail!(
                    "no survey {survey:?}; available: {}",
                    catalog.ids().join(", ")
                );
            };
            let today = Date::today();
            let closes = closes
                .map(|c| {
                    Date::parse_relative(&c, today).with_context(|| {
                        format!(
                            "--closes {c:?} is not a date like {} or a number of days or weeks \
                             from today like +14d or +2w",
                            today.add_days(14)
                        )
                    })
                })
                .transpose()?;
            let mut conn = g.open()?;
            let keys: Vec<i64> = if all {
                storage::teams(&conn)?
                    .iter()
                    .filter(|t| t.archived_on.is_none())
                    .map(|t| t.key)
                    .collect()
            } else if teams.is_empty() {
                bail!("name the teams with --teams A,B or use --all");
            } else {
                teams
                    .iter()
                    .map(|t| storage::live_team(&conn, t).map(|t| t.key))
                    .collect::<Result<_, _>>()?
            };
            let title = title.unwrap_or_else(|| format!("{} {today}", s.title.nl));
            let round = storage::open_round(&mut conn, &s, title.trim(), &keys, closes, today)?;
            println!(
                "opened round {:?} with survey {} (k = {}) for: {}",
                round.title,
                round.survey,
                round.k,
                round.teams.join(", ")
            );
            if s.comment.is_some() {
                warn_comments_withheld(&conn, &round)?;
            }
            println!("{}", round.id);
        }
        Command::Round(RoundCommand::Close { id }) => {
            let mut conn = g.open()?;
            let before = storage::round(&conn, id)?;
            let round = storage::close_round(&mut conn, id, Date::today())?;
            if before.closed_on.is_some() {
                println!(
                    "round {} ({:?}) was closed on {}; its order of answering is now erased",
                    round.id,
                    round.title,
                    round.closed_on.unwrap_or_default()
                );
            } else {
                println!(
                    "closed round {} ({:?}); its links no longer work and were erased, and so was \
                     the order of answering",
                    round.id, round.title
                );
            }
        }
        Command::Round(RoundCommand::List { json }) => {
            let rounds = storage::rounds(&g.open()?)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&rounds)?);
            } else {
                println!(
                    "{:>4}  {:<22} {:<28} {:<7} {:<10} {:<10} {:<10} TEAMS",
                    "ID", "SURVEY", "TITLE", "STATE", "OPENED", "CLOSES", "CLOSED"
                );
                let mut not_erased = false;
                for r in rounds {
                    let state = if r.closed_on.is_some() && r.erased_on.is_none() {
                        not_erased = true;
                        format!("{}!", r.state)
                    } else {
                        r.state.to_string()
                    };
                    println!(
                        "{:>4}  {:<22} {:<28} {:<7} {:<10} {:<10} {:<10} {}",
                        r.id,
                        fit(&r.survey, 22),
                        fit(&r.title, 28),
                        state,
                        r.opened_on,
                        r.closes_on.unwrap_or_default(),
                        r.closed_on.unwrap_or_default(),
                        r.teams.join(",")
                    );
                }
                if not_erased {
                    println!(
                        "! closed, but the order of answering is not yet erased: run \
                         `spiegel round close ID` again"
                    );
                }
            }
        }
        Command::Links(args) => links_command(&g, &args)?,
        Command::Serve { addr, max_failures } => serve(&g, &addr, max_failures)?,
        Command::Demo { addr, seed } => crate::demo::run(&g, &addr, seed)?,
        Command::Check { paths } => check(&g, paths)?,
        Command::Key(cmd) => key_command(&g, cmd)?,
        Command::Results { round, team, json } => {
            let conn = g.open()?;
            let results = report_results(&conn, round, team.as_deref())?;
            if json {
                let text = match (&team, results.as_slice()) {
                    (Some(_), [one]) => serde_json::to_string_pretty(one)?,
                    _ => serde_json::to_string_pretty(&results)?,
                };
                println!("{text}");
            } else {
                print!("{}", output::results_table(&results));
            }
        }
        Command::Export { round, format, out } => {
            let sink = outfile::Output::create(out.as_deref())?;
            let conn = g.open()?;
            let r = storage::round(&conn, round)?;
            if r.closed_on.is_none() {
                bail!(
                    "round {round} is still open; results exist only after `spiegel round close {round}`"
                );
            }
            let results = report_results(&conn, round, None)?;
            let body = match format {
                ExportFormat::Csv => output::export_csv(&results),
            };
            sink.finish(body.as_bytes())?;
            if let Some(path) = out {
                println!(
                    "wrote released aggregates of round {round} to {}",
                    path.display()
                );
            }
        }
        Command::Settings {
            comments_to_managers,
        } => {
            let mut conn = g.open()?;
            if let Some(v) = comments_to_managers {
                storage::set_comments_to_managers(&mut conn, matches!(v, OnOff::On))?;
            }
            let org = storage::org(&conn)?;
            println!("organisation: {}", org.name);
            println!("k: {}", org.k);
            println!(
                "comments to managers: {}",
                if storage::comments_to_managers(&conn)? {
                    "on"
                } else {
                    "off"
                }
            );
        }
        Command::Backup { to } => {
            storage::backup(&g.open()?, &to)?;
            println!("copied {} to {}", g.db_path().display(), to.display());
        }
    }
    Ok(())
}

/// Text cut to `width` characters (with … at the end) for a table column.
fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut out: String = text.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Warns on standard error when a round asks for comments from teams that
/// expect fewer members than the comments need to be shown (max(k, 10)).
fn warn_comments_withheld(
    conn: &rusqlite::Connection,
    round: &storage::Round,
) -> anyhow::Result<()> {
    let minimum = round.k.max(crate::domain::results::MIN_COMMENT_RESPONDENTS);
    let small: Vec<String> = storage::teams(conn)?
        .into_iter()
        .filter(|t| round.teams.contains(&t.id))
        .filter_map(|t| {
            let size = t.expected_size?;
            (size < minimum).then(|| format!("{} ({size})", t.name))
        })
        .collect();
    if !small.is_empty() {
        eprintln!(
            "warning: survey {} asks for a comment, but comments are shown only for a team \
             with at least {minimum} respondents (the larger of k and 10); these teams expect \
             fewer members, so their comments will not be shown: {}",
            round.survey,
            small.join(", ")
        );
    }
    Ok(())
}

/// Warns on standard error when a team's expected size is below k: its
/// results would never show on their own.
fn warn_small_team(conn: &rusqlite::Connection, team: &storage::Team) -> anyhow::Result<()> {
    let k = storage::org(conn)?.k;
    if let Some(size) = team.expected_size
        && size < k
    {
        eprintln!(
            "warning: {:?} expects {size} members, fewer than k = {k}: its results will never \
             show on their own (its answers still count in its department and the organisation)",
            team.name
        );
    }
    Ok(())
}

/// Every group's result in a round (or one group's), as an advisor sees it.
fn report_results(
    conn: &rusqlite::Connection,
    round: i64,
    team: Option<&str>,
) -> anyhow::Result<Vec<crate::report::TeamRound>> {
    use crate::domain::access::Principal;
    let r = storage::round(conn, round)?;
    let ids: Vec<String> = match team {
        Some(t) if t == crate::report::ORGANISATION_ID => vec![t.to_string()],
        Some(t) => vec![storage::team(conn, t)?.id],
        None => {
            let mut ids = vec![crate::report::ORGANISATION_ID.to_string()];
            ids.extend(storage::teams(conn)?.into_iter().map(|t| t.id));
            ids
        }
    };
    let mut out = Vec::new();
    for id in ids {
        match crate::report::team_round(conn, Principal::Advisor, &id, r.id) {
            Ok(v) => out.push(v),
            Err(storage::StorageError::NotFound(_)) if team.is_none() => {}
            Err(storage::StorageError::NotFound(_)) => {
                bail!("{id} does not take part in round {round}")
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(out)
}

fn key_command(g: &Global, cmd: KeyCommand) -> anyhow::Result<()> {
    use crate::domain::access::Principal;
    let mut conn = g.open()?;
    let base = g.base_url()?;
    match cmd {
        KeyCommand::Advisor { label } => {
            let (id, key) =
                storage::create_key(&mut conn, Principal::Advisor, &label, Date::today())?;
            println!(
                "advisor key {id} created; it is shown only now. Open this address, or send the key \
                 as `Authorization: Bearer <key>` to the API:"
            );
            println!("{base}/a/{key}");
        }
        KeyCommand::Manager { team, label } => {
            let t = storage::team(&conn, &team)?;
            let (id, key) = storage::create_key(
                &mut conn,
                Principal::Manager { team: t.key },
                &label,
                Date::today(),
            )?;
            println!(
                "manager key {id} for {:?} created; it is shown only now and opens this one team. \
                 Open this address, or send the key as `Authorization: Bearer <key>` to the API:",
                t.name
            );
            println!("{base}/m/{key}");
        }
        KeyCommand::List { json } => {
            let keys = storage::keys(&conn)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&keys)?);
            } else {
                println!(
                    "{:>4}  {:<8} {:<24} {:<24} {:<10} REVOKED",
                    "ID", "ROLE", "TEAM", "LABEL", "CREATED"
                );
                for k in keys {
                    println!(
                        "{:>4}  {:<8} {:<24} {:<24} {:<10} {}",
                        k.id,
                        k.role,
                        k.team.unwrap_or_default(),
                        k.label,
                        k.created_on,
                        k.revoked_on.unwrap_or_default()
                    );
                }
            }
        }
        KeyCommand::Revoke { id } => {
            storage::revoke_key(&mut conn, id, Date::today())?;
            println!("revoked key {id}; it no longer opens anything");
        }
    }
    Ok(())
}

fn links_command(g: &Global, args: &LinksArgs) -> anyhow::Result<()> {
    // Open the output first: once tokens exist they are shown nowhere else.
    let base = g.base_url()?;
    let out = outfile::Output::create(args.out.as_deref())?;
    let mut conn = g.open()?;
    let team = storage::team(&conn, &args.team)?;
    let round = storage::round(&conn, args.round)?;
    let tokens = storage::create_invites(&mut conn, round.id, team.key, args.count)?;
    let urls: Vec<String> = tokens.iter().map(|t| format!("{base}/s/{t}")).collect();
    let body = match args.format {
        LinkFormat::Text => links::text(&urls),
        LinkFormat::Csv => links::csv(&team.name, &urls),
        LinkFormat::Html => links::html(&team.name, &round.title, &urls)?,
    };
    out.finish(body.as_bytes())?;
    if is_local_url(&base) {
        eprintln!(
            "note: these links point at {base}, which works only on this computer; for links \
             that others can open (and slips worth printing) set --base-url (or \
             SPIEGEL_BASE_URL) to the address people reach Spiegel at"
        );
    }
    if let Some(path) = &args.out {
        println!(
            "wrote {} links for {:?} to {}",
            urls.len(),
            team.name,
            path.display()
        );
    }
    Ok(())
}

fn check(g: &Global, paths: Vec<PathBuf>) -> anyhow::Result<()> {
    let (mut ok, mut errors) = if paths.is_empty() && !Path::new("surveys").is_dir() {
        let mut ok = Vec::new();
        let mut errors = Vec::new();
        for (name, text) in catalog::EMBEDDED {
            match catalog::parse_file(name, text) {
                Ok(s) => ok.push(format!(
                    "{name} (built in): ok ({} v{}, {} items)",
                    s.id,
                    s.version,
                    s.items.len()
                )),
                Err(e) => errors.push(e),
            }
        }
        (ok, errors)
    } else if paths.is_empty() {
        catalog::check_paths(&[PathBuf::from("surveys")])
    } else {
        catalog::check_paths(&paths)
    };
    // The own folder is checked as the server will load it.
    if let Some(dir) = &g.surveys {
        match catalog::read_surveys_dir(dir) {
            Ok(_) => {
                let (o, e) = catalog::check_paths(std::slice::from_ref(dir));
                ok.extend(o);
                errors.extend(e);
            }
            Err(e) => errors.push(e),
        }
    }
    for line in &ok {
        println!("{line}");
    }
    for e in &errors {
        eprintln!("{e}");
    }
    if !errors.is_empty() {
        bail!("{} survey file(s) have errors", errors.len());
    }
    Ok(())
}

/// Starts the server on `addr` for the database in `g`.
fn serve(g: &Global, addr: &str, max_failures: u32) -> anyhow::Result<()> {
    g.catalog()?;
    let path = g.db_path();
    let rt = runtime()?;
    rt.block_on(async {
        let db = storage::Db::start(&path)?;
        let listener = bind(addr).await?;
        let base = g.served_base_url(&listener)?;
        let listening = listener.local_addr()?;
        println!(
            "Spiegel serves {}, listening on {listening}, at {base}",
            path.display()
        );
        serve_until_signal(listener, db, max_failures, &base).await
    })
}

pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    // Few threads: reads are limited to one per core anyway (see `Db`), and
    // every thread keeps its own allocator arena.
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(4)
        .build()?)
}

/// Listens on `addr`: an IP address or a host name (resolved), with a port.
pub async fn bind(addr: &str) -> anyhow::Result<tokio::net::TcpListener> {
    let has_port = addr
        .rsplit_once(':')
        .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok());
    if addr.parse::<SocketAddr>().is_err() && !has_port {
        bail!("--addr {addr:?} is not an address like 127.0.0.1:8080 or localhost:8080");
    }
    tokio::net::TcpListener::bind(addr).await.with_context(|| {
        format!(
            "cannot listen on {addr} (is the host name right, or is another program using \
                 the port? choose another with --addr)"
        )
    })
}

/// Serves until Ctrl-C or SIGTERM, closing due rounds every minute.
pub async fn serve_until_signal(
    listener: tokio::net::TcpListener,
    db: storage::Db,
    max_failures: u32,
    base_url: &str,
) -> anyhow::Result<()> {
    std::io::stdout().flush()?;
    tokio::spawn(close_and_erase(db.clone()));
    let mut state = crate::web::AppState::new(db, max_failures);
    state.secure_cookies = base_url.starts_with("https://");
    crate::web::serve(listener, state, shutdown_signal()).await?;
    Ok(())
}

/// Closes rounds past their planned date every minute, and erases the order
/// of answering of closed rounds: after a failure (a full disk, a reader
/// holding the log) it logs and tries again after 10 s, then less often,
/// until it succeeds.
async fn close_and_erase(db: storage::Db) {
    const EVERY: std::time::Duration = std::time::Duration::from_secs(60);
    const FIRST_RETRY: std::time::Duration = std::time::Duration::from_secs(10);
    let mut retry = FIRST_RETRY;
    let mut wait = std::time::Duration::ZERO;
    loop {
        tokio::time::sleep(wait).await;
        wait = EVERY;
        match db
            .write(|c| storage::close_due_rounds(c, Date::today()))
            .await
        {
            Ok(ids) if !ids.is_empty() => {
                tracing::info!(?ids, "closed rounds past their close date")
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "closing due rounds failed"),
        }
        match db
            .write(|c| storage::erase_closed_rounds(c, Date::today()))
            .await
        {
            Ok(ids) => {
                if !ids.is_empty() {
                    tracing::info!(?ids, "erased the order of answering of closed rounds");
                }
                retry = FIRST_RETRY;
            }
            Err(e) => {
                tracing::error!(
                    error = %e,
                    retry_in_seconds = retry.as_secs(),
                    "erasing the order of answering failed; trying again"
                );
                wait = retry;
                retry = (retry * 2).min(EVERY);
            }
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
