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
use crate::domain::date::{Date, Zone, add_days, add_months};
use crate::domain::org::{InviteCount, K, OrgName};
use crate::domain::survey::Survey;
use crate::domain::team::{ExpectedSize, TeamName};
use crate::domain::token;
use crate::storage::{self, Mode, OfferKind};

/// The demo organisation's teams: (name, parent, expected size, climate).
/// The answers of the first [`SHARED_STREAM`] teams come from one random
/// stream; every team after them draws from a stream of its own, so that a
/// team added to the demo leaves the others' answers (and the stories the
/// demo tells with them) as they were.
const TEAMS: &[(&str, Option<&str>, Option<u32>, Climate)] = &[
    ("Zorg", None, None, Climate::Steady(5.0)),
    (
        "Verpleging Noord",
        Some("Zorg"),
        Some(14),
        Climate::Step(5.4, 4.2),
    ),
    // Rises half-way through the year as Noord drops: a bright spot.
    (
        "Verpleging Zuid",
        Some("Zorg"),
        Some(10),
        Climate::Step(4.4, 5.3),
    ),
    ("Zorgstaf", Some("Zorg"), Some(6), Climate::Steady(5.2)),
    // Too small to ever show results; whenever Zorg (and the organisation)
    // minus the shown teams would reveal it, those roll-ups are hidden.
    ("Nachtdienst", Some("Zorg"), Some(3), Climate::Steady(4.5)),
    ("Facilitair", None, Some(8), Climate::Steady(5.1)),
    ("ICT & Data", None, Some(7), Climate::Split),
    // A second team of Zorg released in the latest round beside Zuid, whose
    // manager does not share: counted on the intervisie sheet, never named.
    (
        "Verpleging West",
        Some("Zorg"),
        Some(9),
        Climate::Steady(4.8),
    ),
];

/// How many of [`TEAMS`], from the first, draw from the one shared stream.
const SHARED_STREAM: usize = 7;

#[derive(Clone, Copy)]
enum Climate {
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
/// the open round, an advisor key and a manager key (for [`MANAGED_TEAM`]),
/// and the addresses (paths) of what there is to see.
pub struct Demo {
    pub live_links: Vec<(String, String)>,
    pub advisor_key: String,
    pub manager_key: String,
    /// The id of the manager's team.
    pub managed_team_id: String,
    /// The latest closed round.
    pub latest_round: i64,
    /// The conversation sheet's address of the team whose manager already
    /// gave an expectation for its latest round.
    pub sheet_path: String,
    /// The conversation sheet of the managed team's latest round, which
    /// awaits its conversation and release.
    pub pending_sheet_path: String,
    /// The round before that, the managed team's latest released one, with
    /// a focus recorded after its conversation.
    pub focus_round: i64,
    /// The team conversation kit of [`Demo::focus_round`].
    pub kit_path: String,
    /// The intervisie sheet of [`DEPARTMENT`] for the latest round.
    pub intervisie_path: String,
}

/// The team whose manager gave an expectation for the latest round, agrees
/// to share its picture with peers, and is a bright spot after a focus
/// recorded half-way through the year.
pub const REFLECTED_TEAM: &str = "Verpleging Zuid";

/// The team whose manager gets a demo key.
pub const MANAGED_TEAM: &str = "Verpleging Noord";

/// The department with an intervisie sheet.
pub const DEPARTMENT: &str = "Zorg";

/// The round (from the first) after whose conversation the manager of
/// [`REFLECTED_TEAM`] recorded a focus.
const BRIGHT_FOCUS_ROUND: i64 = 6;

/// The dimension (of the pulse survey) both demo focuses are on, and the
/// one learning offer is matched to.
pub const FOCUS_DIMENSION: &str = "openness";

/// The organisation's learning offers: (title, kind, address, dimension).
const OFFERS: &[(&str, OfferKind, Option<&str>, Option<&str>)] = &[
    (
        "Tegenspraak uitnodigen in het werkoverleg",
        OfferKind::Training,
        Some("https://leren.example/tegenspraak"),
        Some(FOCUS_DIMENSION),
    ),
    (
        "Intervisie voor leidinggevenden van Zorg",
        OfferKind::Intervisie,
        None,
        None,
    ),
    (
        "Vervolggesprek met de vertrouwenspersoon",
        OfferKind::Talk,
        None,
        None,
    ),
];

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
    let closed: Vec<(i64, Date)> = storage::rounds_brief(&conn)?
        .into_iter()
        .filter_map(|r| r.closed_on.map(|d| (r.id, d)))
        .collect();
    let latest = closed.iter().map(|(id, _)| *id).max().unwrap_or(1);
    let closed_on = |round: i64| {
        closed
            .iter()
            .find(|(id, _)| *id == round)
            .map_or(today, |(_, d)| *d)
    };
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
    // Its manager agrees to share; the focus recorded half-way through the
    // year is what the bright spot tried.
    let decided = closed_on(BRIGHT_FOCUS_ROUND);
    storage::set_sharing(&conn, reflected.key, true, today)?;
    storage::save_focus(
        &conn,
        reflected.key,
        &storage::Focus {
            round_id: BRIGHT_FOCUS_ROUND,
            dimension: FOCUS_DIMENSION.into(),
            experiment: "Elk werkoverleg begint met één ding dat misging en wat we ervan leerden."
                .into(),
            check_on: add_days(decided, 56),
            recorded_by: "demo advisor".into(),
            recorded_on: add_days(decided, 7),
        },
    )?;
    // The managed team's latest released round: a focus recorded after its
    // conversation, to be checked at the next one.
    let focus_round = latest - 1;
    storage::save_focus(
        &conn,
        team.key,
        &storage::Focus {
            round_id: focus_round,
            dimension: FOCUS_DIMENSION.into(),
            experiment: "Elk overleg eindigt met de vraag: wat hebben we gemist?".into(),
            check_on: add_days(today, 7),
            recorded_by: "manager".into(),
            recorded_on: add_days(closed_on(focus_round), 7),
        },
    )?;
    for (title, kind, url, dimension) in OFFERS {
        storage::add_offer(&conn, title, *kind, *url, *dimension)?;
    }
    let department = storage::team(&conn, DEPARTMENT)?;
    Ok(Demo {
        live_links,
        advisor_key,
        manager_key,
        latest_round: latest,
        sheet_path: format!("/team/{}/rounds/{latest}/sheet", reflected.id),
        pending_sheet_path: format!("/team/{}/rounds/{latest}/sheet", team.id),
        focus_round,
        kit_path: format!("/team/{}/rounds/{focus_round}/kit", team.id),
        intervisie_path: format!("/team/{}/rounds/{latest}/intervisie", department.id),
        managed_team_id: team.id,
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
    let mut shared = StdRng::seed_from_u64(seed);
    let mut own: Vec<StdRng> = (SHARED_STREAM..TEAMS.len())
        .map(|i| StdRng::seed_from_u64(seed ^ ((i as u64 + 1) << 32)))
        .collect();
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
        for (i, (team, climate)) in teams.iter().enumerate() {
            let rng = stream(&mut shared, &mut own, i);
            let answering = respondents(rng, team.expected_size);
            answer(
                conn, rng, survey, round.id, team.key, answering, *climate, progress, now,
            )?;
        }
        let closed = add_days(opened, 14);
        storage::close_round(conn, round.id, closed)?;
        // Advisor-first release: every team's round was discussed and
        // released (and the conversation marked held, as `spiegel round
        // release` does), except the latest one of the managed team, which
        // awaits its conversation (its manager sees it as pending).
        for (team, _) in &teams {
            if m < months - 1 || team.name != MANAGED_TEAM {
                storage::release(conn, round.id, Some(team.key), "demo advisor", closed)?;
                storage::mark_held(conn, team.key, round.id, "demo advisor", closed)?;
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
    for (i, (team, climate)) in teams.iter().enumerate() {
        let already = match team.expected_size {
            Some(s) => s / 2,
            None => 0,
        };
        let rng = stream(&mut shared, &mut own, i);
        answer(
            conn, rng, survey, round.id, team.key, already, *climate, 1.0, now,
        )?;
        let tokens = storage::create_invites(conn, round.id, team.key, InviteCount::parse(1)?)?;
        live.extend(tokens.into_iter().map(|t| (team.name.clone(), t)));
    }
    Ok(live)
}

/// The random stream the `i`th of [`TEAMS`] draws from.
fn stream<'a>(shared: &'a mut StdRng, own: &'a mut [StdRng], i: usize) -> &'a mut StdRng {
    match i.checked_sub(SHARED_STREAM) {
        Some(j) => &mut own[j],
        None => shared,
    }
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
