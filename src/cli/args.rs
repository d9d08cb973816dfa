//! The command line's shape: every command, option and its help text (clap).
//! What each command does lives beside it in this folder.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub const DEFAULT_BASE_URL: &str = "http://127.0.0.1:8080";
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";
pub use crate::domain::org::MAX_K;

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
    /// A folder with the organisation's own cases.toml and/or hesitations.toml (intervisie cases, the guide to hesitation), replacing the shipped ones
    #[arg(long, env = "SPIEGEL_CONVERSATION", global = true)]
    pub conversation: Option<PathBuf>,
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
        /// Anonymity threshold: results show only when at least k people answered (3 to 50; a later change applies only to rounds opened after it)
        #[arg(long, default_value_t = 5)]
        k: u32,
        /// The organisation's time zone, an IANA name like Europe/Amsterdam: "today" and the end of a round's closing day are reckoned in it [default: this computer's zone]
        #[arg(long, value_name = "ZONE")]
        tz: Option<String>,
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
    /// Validate survey files, and the cases and guide files (cases.toml, hesitations.toml) [default: ./surveys and ./conversation if present, else the shipped ones; and the --surveys and --conversation folders]
    Check {
        /// Files or folders to check (a cases.toml or hesitations.toml, or a folder holding one, is checked as a conversation file)
        paths: Vec<PathBuf>,
    },
    /// Create, list and revoke secret keys for advisors and managers
    #[command(subcommand)]
    Key(KeyCommand),
    /// Show a round's results as an advisor sees them (released figures only), or the bright spots
    Results {
        /// The round's id
        #[arg(
            long,
            required_unless_present = "bright_spots",
            conflicts_with = "bright_spots"
        )]
        round: Option<i64>,
        /// Instead: the teams where it goes well (a sustained upward shift, or three rounds in the top quarter) with what their manager tried
        #[arg(long)]
        bright_spots: bool,
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
        /// The anonymity threshold for rounds opened from now on (3 to 50); open and closed rounds keep theirs
        #[arg(long)]
        k: Option<u32>,
        /// The organisation's time zone, an IANA name like Europe/Amsterdam: rounds close at the end of their closing day there
        #[arg(long, value_name = "ZONE")]
        tz: Option<String>,
        /// When a closed round's results reach a team's manager: after the advisor releases them (`spiegel round release`), or at close
        #[arg(long, value_enum)]
        release: Option<ReleaseArg>,
        /// Automatic retention: the server purges the raw responses (answers and comments) of rounds closed more than N months ago, daily and at start, keeping their released results; 0 turns it off
        #[arg(long, value_name = "N")]
        retain_months: Option<u32>,
    },
    /// Delete the raw responses (answers and comments) of rounds closed before a date, keeping their released results; open rounds are never purged
    Purge {
        /// Rounds closed before this day (YYYY-MM-DD) lose their raw responses
        #[arg(long, value_name = "YYYY-MM-DD")]
        before: String,
        /// Only say which rounds and how many responses would go; change nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// Draw a chart as an advisor sees it, as SVG or PNG (from --out's extension)
    #[command(subcommand)]
    Chart(ChartCommand),
    /// Write the conversation sheet of a team and round (one A4 page, self-contained HTML)
    Sheet {
        /// The team (name or id)
        #[arg(long)]
        team: String,
        /// The round's id
        #[arg(long)]
        round: i64,
        /// The new .html file to write
        #[arg(long)]
        out: PathBuf,
        /// The sheet's language: nl or en
        #[arg(long, default_value = "nl", value_parser = ["nl", "en"])]
        lang: String,
    },
    /// Write the intervisie sheet of a department and round for a group of its managers (one A4 page, self-contained HTML)
    Intervisie {
        /// The department: a team with teams under it (name or id)
        #[arg(long)]
        team: String,
        /// The round's id
        #[arg(long)]
        round: i64,
        /// The new .html file to write
        #[arg(long)]
        out: PathBuf,
        /// The sheet's language: nl or en
        #[arg(long, default_value = "nl", value_parser = ["nl", "en"])]
        lang: String,
    },
    /// Write the advisor's guide to hesitation (from hesitations.toml) as a printable, self-contained HTML file
    Guide {
        /// The new .html file to write
        #[arg(long)]
        out: PathBuf,
        /// The guide's language: nl or en
        #[arg(long, default_value = "nl", value_parser = ["nl", "en"])]
        lang: String,
    },
    /// Record a team's one focus after the conversation (a dimension, one small experiment, a day to check), or list its focuses and how each dimension moved
    Focus(FocusArgs),
    /// Write the team conversation kit of a team and round (one printable A4 page, self-contained HTML, only what the team's manager may see)
    Kit {
        /// The team (name or id)
        #[arg(long)]
        team: String,
        /// The round's id (closed and released to the team's manager)
        #[arg(long)]
        round: i64,
        /// The new .html file to write
        #[arg(long)]
        out: PathBuf,
        /// The kit's language: nl or en
        #[arg(long, default_value = "nl", value_parser = ["nl", "en"])]
        lang: String,
    },
    /// Add, list and remove the organisation's offers of where managers can learn (shown on the team page and the sheet)
    #[command(subcommand)]
    Training(TrainingCommand),
    /// Print the audit log of set-up actions (what, which key's label, which day)
    Audit {
        /// Print JSON (`action` is the English line; `detail` the action as data)
        #[arg(long)]
        json: bool,
        /// The language of the lines: en (as recorded) or nl
        #[arg(long, default_value = "en", value_parser = ["nl", "en"])]
        lang: String,
    },
    /// Copy the database to a new file (safe while the server runs)
    Backup {
        /// The new file
        to: PathBuf,
    },
    /// Ask a running server's /healthz (for a container's HEALTHCHECK); exit 0 on 200
    Healthcheck {
        /// The server's address as `serve --addr` takes it (0.0.0.0 and :: are asked on loopback)
        #[arg(long, env = "SPIEGEL_ADDR", default_value = DEFAULT_ADDR)]
        addr: String,
        /// Seconds to wait for the answer
        #[arg(long, default_value_t = 5)]
        timeout: u64,
    },
}

#[derive(Subcommand)]
pub enum ChartCommand {
    /// A team's score per closed round of one survey, with the run-chart verdict
    Trend {
        /// The team (name or id; `organisation` for the whole organisation)
        #[arg(long)]
        team: String,
        /// The survey whose rounds to draw [default: the survey of the team's latest closed round]
        #[arg(long)]
        survey: Option<String>,
        /// Draw this dimension's mean instead of the overall score
        #[arg(long)]
        dimension: Option<String>,
        #[command(flatten)]
        file: ChartFile,
    },
    /// One team's closed round, statement by statement
    Round {
        /// The team (name or id; `organisation` for the whole organisation)
        #[arg(long)]
        team: String,
        /// The round's id
        #[arg(long)]
        round: i64,
        #[command(flatten)]
        file: ChartFile,
    },
    /// The manager's expectation against the team's answers in a released round (the mirror)
    Mirror {
        /// The team (name or id)
        #[arg(long)]
        team: String,
        /// The round's id
        #[arg(long)]
        round: i64,
        #[command(flatten)]
        file: ChartFile,
    },
    /// Every team × round as a heatmap
    Overview {
        #[command(flatten)]
        file: ChartFile,
    },
}

#[derive(Args)]
pub struct ChartFile {
    /// The new file to write: .svg or .png
    #[arg(long)]
    pub out: PathBuf,
    /// The chart's language: nl or en
    #[arg(long, default_value = "nl", value_parser = ["nl", "en"])]
    pub lang: String,
    /// Width in pixels [default: 1600, a slide]
    #[arg(long)]
    pub width: Option<u32>,
    /// Height in pixels [default: 900 for a trend, what the rows need otherwise]
    #[arg(long)]
    pub height: Option<u32>,
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
    /// Archive a team: its history stays, it gets no new rounds or links
    Archive {
        /// The team (name or id)
        team: String,
    },
    /// Remove a team that never took part in a round, has no teams under it
    /// and never had a key (a typing error, say); archive any other team
    Remove {
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
        /// Planned close date: YYYY-MM-DD, or +14d / +2w (days or weeks from today); the round takes answers through that day in the organisation's time zone (see `spiegel settings`), then the server closes it
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
    /// Release a closed round's results to the teams' managers and mark the conversation held (recorded, cannot be undone)
    Release {
        /// The round's id
        id: i64,
        /// Only this team (name or id) [default: every team of the round]
        #[arg(long)]
        team: Option<String>,
    },
}

#[derive(Args)]
pub struct FocusArgs {
    /// The team (name or id)
    #[arg(long)]
    pub team: String,
    /// The closed round the conversation was about (to record a focus; without it: list the team's focuses)
    #[arg(long)]
    pub round: Option<i64>,
    /// A dimension id of the round's survey
    #[arg(long)]
    pub dimension: Option<String>,
    /// One small behavioural experiment, at most 280 characters
    #[arg(long)]
    pub experiment: Option<String>,
    /// The day to check how it went: YYYY-MM-DD, or +14d / +2w (days or weeks from today); not in the past
    #[arg(long)]
    pub check: Option<String>,
}

#[derive(Subcommand)]
pub enum TrainingCommand {
    /// Add an offer; prints its id on the last line
    Add {
        /// What it is called (at most 200 characters)
        #[arg(long)]
        title: String,
        /// training, module, intervisie or talk
        #[arg(long, default_value = "training")]
        kind: String,
        /// Where to read more or sign up (http:// or https://)
        #[arg(long)]
        url: Option<String>,
        /// Match it to a focus on this dimension (a dimension id of an available survey)
        #[arg(long)]
        dimension: Option<String>,
    },
    /// List the offers
    List,
    /// Remove an offer
    Remove {
        /// The offer's id (see `spiegel training list`)
        id: i64,
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
pub enum ReleaseArg {
    AfterAdvisor,
    AtClose,
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
