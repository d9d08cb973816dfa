//! The demo organisation: a fresh database with teams, a year of monthly
//! closed rounds of synthetic answers and one open round, plus the keys and
//! links `spiegel demo` prints. Every answer goes through the real invite →
//! submit path. (Serving it is the CLI's `demo` command.)

use std::path::{Path, PathBuf};

use anyhow::bail;
use jiff::Timestamp;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use rusqlite::{Connection, TransactionBehavior};

use crate::domain::access::Principal;
use crate::domain::answers::Answers;
use crate::domain::date::{Zone, add_days, add_months};
use crate::domain::org::{InviteCount, K, OrgName};
use crate::domain::survey::Survey;
use crate::domain::team::{ExpectedSize, TeamName};
use crate::domain::token;
use crate::storage::{self, Mode};

/// The demo organisation's teams: (name, parent, expected size, climate).
const TEAMS: &[(&str, Option<&str>, Option<u32>, Climate)] = &[
    ("Zorg", None, None, Climate::Steady(5.0)),
    (
        "Verpleging Noord",
        Some("Zorg"),
        Some(14),
        Climate::Step(5.4, 4.2),
    ),
    (
        "Verpleging Zuid",
        Some("Zorg"),
        Some(10),
        Climate::Trend(4.4, 5.0),
    ),
    ("Zorgstaf", Some("Zorg"), Some(6), Climate::Steady(5.2)),
    // Too small to ever show results; whenever Zorg (and the organisation)
    // minus the shown teams would reveal it, those roll-ups are hidden.
    ("Nachtdienst", Some("Zorg"), Some(3), Climate::Steady(4.5)),
    ("Facilitair", None, Some(8), Climate::Steady(5.1)),
    ("ICT & Data", None, Some(7), Climate::Split),
];

#[derive(Clone, Copy)]
enum Climate {
    /// Team mean moving from the first to the second value over the year.
    Trend(f64, f64),
    /// Team mean at the first value for the first half of the year, at the
    /// second from then on: a sustained shift the run-chart rule signals.
    Step(f64, f64),
    Steady(f64),
    /// Half the team is content, half is not.
    Split,
}

const COMMENTS: &[&str] = &[
    "Het werkoverleg is de laatste tijd prettiger.",
    "Fijn dat er naar ons geluisterd wordt.",
    "Soms durf ik in de grote groep niet alles te zeggen.",
    "De werkdruk maakt het lastig om tijd voor elkaar te nemen.",
    "Meer duidelijkheid over wie wat beslist zou helpen.",
    "Goed dat deze vragenlijst er is.",
];

/// What a fresh demo database hands out: one live survey link per team of
/// the open round, an advisor key and a manager key (for [`MANAGED_TEAM`]).
pub struct Demo {
    pub live_links: Vec<(String, String)>,
    pub advisor_key: String,
    pub manager_key: String,
    /// The id of the manager's team.
    pub managed_team_id: String,
    /// The conversation sheet's address of the team whose manager already
    /// gave an expectation for its latest round.
    pub sheet_path: String,
}

/// The team whose manager gave an expectation for the latest round.
pub const REFLECTED_TEAM: &str = "Verpleging Zuid";

/// The team whose manager gets a demo key.
pub const MANAGED_TEAM: &str = "Verpleging Noord";

/// Creates the demo database at `path` (which must not exist yet), for an
/// organisation in `zone` at the moment `now`.
pub fn create(
    path: &Path,
    survey: &Survey,
    seed: u64,
    zone: &Zone,
    now: Timestamp,
) -> anyhow::Result<Demo> {
    if path.exists() {
        bail!(
            "{} exists already; the demo needs a fresh file (leave out --db for a temporary one)",
            path.display()
        );
    }
    let mut conn = storage::open(path, Mode::Create)?;
    let today = zone.today(now);
    let live_links = seed_demo(&mut conn, survey, seed, zone, now)?;
    let (_, advisor_key) =
        storage::create_key(&mut conn, Principal::Advisor, "demo advisor", today)?;
    let team = storage::team(&conn, MANAGED_TEAM)?;
    let (_, manager_key) = storage::create_key(
        &mut conn,
        Principal::Manager { team: team.key },
        &format!("demo manager {MANAGED_TEAM}"),
        today,
    )?;
    // One team released with the manager's expectation filled in.
    let reflected = storage::team(&conn, REFLECTED_TEAM)?;
    let latest = storage::rounds_brief(&conn)?
        .into_iter()
        .filter(|r| r.closed_on.is_some())
        .map(|r| r.id)
        .max()
        .unwrap_or(1);
    let answers = survey
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| (item.id.clone(), if i % 2 == 0 { 4 } else { 5 }))
        .collect();
    let e = storage::Expectation {
        skipped: false,
        answers,
        best: "Tijdens de verbouwing hielpen we elkaar zonder dat iemand het vroeg.".into(),
        learn: "Of iedereen in overleggen durft te zeggen wat hij denkt.".into(),
        saved_on: String::new(),
    };
    storage::save_expectation(&conn, reflected.key, latest, &e, today)?;
    Ok(Demo {
        live_links,
        advisor_key,
        manager_key,
        managed_team_id: team.id,
        sheet_path: format!("/team/{}/rounds/{latest}/sheet", reflected.id),
    })
}

/// A new file name for a temporary demo database.
pub fn temporary_path() -> anyhow::Result<PathBuf> {
    let suffix = hex(&token::random_bytes::<6>()?);
    Ok(std::env::temp_dir().join(format!("spiegel-demo-{suffix}.db")))
}

/// Fills a fresh database; returns one live link token per team of the open round.
pub fn seed_demo(
    conn: &mut Connection,
    survey: &Survey,
    seed: u64,
    zone: &Zone,
    now: Timestamp,
) -> anyhow::Result<Vec<(String, String)>> {
    let mut rng = StdRng::seed_from_u64(seed);
    let today = zone.today(now);
    let name = OrgName::parse("Zorggroep De Linde (demo)")?;
    storage::init(conn, &name, K::parse(5)?, zone)?;
    let mut teams = Vec::new();
    for (name, parent, size, climate) in TEAMS {
        let size = size.map(ExpectedSize::parse).transpose()?;
        let t = storage::add_team(conn, &TeamName::parse(name)?, *parent, size)?;
        teams.push((t, *climate));
    }
    let keys: Vec<i64> = teams.iter().map(|(t, _)| t.key).collect();
    let months = 12;
    for m in 0..months {
        let opened = add_days(add_months(today, m - months), -14);
        let title = format!(
            "Pulse {}",
            add_days(opened, 14)
                .to_string()
                .get(..7)
                .unwrap_or_default()
        );
        let round = storage::open_round(conn, survey, &title, &keys, None, opened)?;
        let progress = m as f64 / (months - 1) as f64;
        for (team, climate) in &teams {
            let answering = respondents(&mut rng, team.expected_size);
            answer(
                conn, &mut rng, survey, round.id, team.key, answering, *climate, progress, now,
            )?;
        }
        let closed = add_days(opened, 14);
        storage::close_round(conn, round.id, closed)?;
        // Advisor-first release: every team's round was discussed and
        // released, except the latest one of the managed team, which
        // awaits its conversation (its manager sees it as pending).
        for (team, _) in &teams {
            if m < months - 1 || team.name != MANAGED_TEAM {
                storage::release(conn, round.id, Some(team.key), "demo advisor", closed)?;
            }
        }
    }
    // The open round: some answers in already, one fresh link per team.
    let round = storage::open_round(
        conn,
        survey,
        "Pulse nu",
        &keys,
        Some(add_days(today, 14)),
        today,
    )?;
    let mut live = Vec::new();
    for (team, climate) in &teams {
        let already = match team.expected_size {
            Some(s) => s / 2,
            None => 0,
        };
        answer(
            conn, &mut rng, survey, round.id, team.key, already, *climate, 1.0, now,
        )?;
        let tokens = storage::create_invites(conn, round.id, team.key, InviteCount::parse(1)?)?;
        live.extend(tokens.into_iter().map(|t| (team.name.clone(), t)));
    }
    Ok(live)
}

fn respondents(rng: &mut StdRng, size: Option<u32>) -> u32 {
    match size {
        Some(s) if s <= 3 => rng.random_range(1..=s),
        Some(s) => {
            let low = (s * 6).div_ceil(10);
            rng.random_range(low..=s)
        }
        None => 0,
    }
}

/// Creates invites and submits synthetic answers through them, in one transaction.
#[allow(clippy::too_many_arguments)]
fn answer(
    conn: &mut Connection,
    rng: &mut StdRng,
    survey: &Survey,
    round_id: i64,
    team_key: i64,
    count: u32,
    climate: Climate,
    progress: f64,
    now: Timestamp,
) -> anyhow::Result<()> {
    if count == 0 {
        return Ok(());
    }
    let tokens = storage::create_invites(conn, round_id, team_key, InviteCount::parse(count)?)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    for (i, t) in tokens.iter().enumerate() {
        let centre = match climate {
            Climate::Trend(from, to) => from + (to - from) * progress,
            Climate::Step(before, _) if progress < 0.5 => before,
            Climate::Step(_, after) => after,
            Climate::Steady(c) => c,
            Climate::Split if i % 2 == 0 => 6.0,
            Climate::Split => 2.7,
        };
        let values = synthetic_values(rng, survey, centre, 0.6);
        let comment = (survey.comment.is_some() && rng.random::<f64>() < 0.15)
            .then(|| COMMENTS[rng.random_range(0..COMMENTS.len())].to_string());
        let a = Answers { values, comment };
        storage::submit(
            &tx,
            &token::hash_secret(t),
            round_id,
            &a.encode(),
            a.comment.as_deref(),
            now,
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// One synthetic person's answers: their own level drawn around `centre`
/// (standard deviation `spread`), each item around that, about 4 % skipped,
/// reverse items given as a person would tick them.
pub fn synthetic_values(
    rng: &mut StdRng,
    survey: &Survey,
    centre: f64,
    spread: f64,
) -> Vec<Option<u8>> {
    let points = survey.scale.points;
    let person = centre + normal(rng) * spread;
    survey
        .items
        .iter()
        .map(|item| {
            if rng.random::<f64>() < 0.04 {
                return None;
            }
            let v = (person + normal(rng) * 0.8)
                .round()
                .clamp(1.0, f64::from(points)) as u8;
            Some(if item.reverse { points + 1 - v } else { v })
        })
        .collect()
}

fn normal(rng: &mut StdRng) -> f64 {
    let u1: f64 = rng.random::<f64>().max(1e-12);
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
