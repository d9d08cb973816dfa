//! Results benchmark: a year of weekly rounds for a large organisation, then
//! the read paths the JSON API serves (trend, overview, one team-round).
//!
//!     cargo bench --bench results
//!
//! Generates (or reuses) `target/bench/spiegel-1m.db` — override with
//! `SPIEGEL_BENCH_DB` — with 200 teams (20 departments with 9 teams each;
//! departments have staff of their own), 52 weekly closed rounds of the
//! psychological-safety survey (7 items) and exactly 1,000,000 responses,
//! every one through the real invite → submit → close path. Then times the
//! functions the HTTP handlers call, on a read-only connection like the
//! server's. Plain `Instant` timing; nothing here asserts a time.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use rusqlite::TransactionBehavior;

use spiegel::catalog::Catalog;
use spiegel::domain::access::Principal;
use spiegel::domain::answers::Answers;
use spiegel::domain::date::{self, Date, Zone};
use spiegel::domain::org::{self, InviteCount, OrgName};
use spiegel::domain::results::compute_round;
use spiegel::domain::survey::Survey;
use spiegel::domain::team::{ExpectedSize, TeamName};
use spiegel::domain::token;
use spiegel::report;
use spiegel::storage::{self, Mode};

const ORG_NAME: &str = "Spiegel benchmark organisation";
const K: u32 = 5;
const DEPARTMENTS: usize = 20;
const TEAMS_PER_DEPARTMENT: usize = 9;
const GROUPS: usize = DEPARTMENTS * (1 + TEAMS_PER_DEPARTMENT);
const ROUNDS: usize = 52;
const RESPONSES: u64 = 1_000_000;
const SEED: u64 = 2024;

fn main() -> anyhow::Result<()> {
    let path = std::env::var_os("SPIEGEL_BENCH_DB")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench/spiegel-1m.db")
        });
    let catalog = Catalog::load(None).map_err(|e| anyhow::anyhow!("catalog: {e:?}"))?;
    let survey = catalog
        .get("psychological-safety")
        .context("the psychological-safety survey is missing")?;

    match complete(&path)? {
        Some(n) => eprintln!("reusing {} ({n} responses)", path.display()),
        None => generate(&path, &survey)?,
    }
    let size = std::fs::metadata(&path)?.len();
    println!(
        "database: {} ({:.1} MB, {GROUPS} teams, {ROUNDS} closed rounds, {RESPONSES} responses)",
        path.display(),
        size as f64 / 1e6
    );
    measure(&path)
}

// ------------------------------------------------------------ heap counter

/// The system allocator, counting the bytes the Rust heap holds and their
/// peak, to show what one call allocates at most (SQLite's own page cache is
/// allocated by SQLite and not counted). Two relaxed atomics per allocation.
struct Counting;

static HEAP: AtomicUsize = AtomicUsize::new(0);
static HEAP_PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(n: usize) {
    let now = HEAP.fetch_add(n, Ordering::Relaxed) + n;
    HEAP_PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call forwards to `System` with the caller's arguments
// unchanged; the counters are only arithmetic on the side.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged (see above).
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged (see above).
        unsafe { System.dealloc(ptr, layout) };
        HEAP.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded unchanged (see above).
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            HEAP.fetch_sub(layout.size(), Ordering::Relaxed);
            grew(new_size);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The most heap `f` held at once on top of what was allocated before it.
fn peak_heap<T>(f: impl FnOnce() -> anyhow::Result<T>) -> anyhow::Result<usize> {
    let base = HEAP.load(Ordering::Relaxed);
    HEAP_PEAK.store(base, Ordering::Relaxed);
    drop(f()?);
    Ok(HEAP_PEAK.load(Ordering::Relaxed) - base)
}

// ------------------------------------------------------------ generation

/// Whether the file holds the complete benchmark organisation: `Some(total
/// responses)`, or `None` when it does not exist (an incomplete benchmark
/// file is removed; any other file is an error).
fn complete(path: &Path) -> anyhow::Result<Option<u64>> {
    if !path.exists() {
        return Ok(None);
    }
    let verdict = (|| -> anyhow::Result<Result<u64, String>> {
        let conn = storage::open(path, Mode::ReadOnly)?;
        let org = match storage::org(&conn) {
            Ok(o) => o,
            Err(_) => return Ok(Err("not initialised".into())),
        };
        if org.name != ORG_NAME {
            bail!(
                "{} is not a benchmark database (organisation {:?}); point SPIEGEL_BENCH_DB elsewhere",
                path.display(),
                org.name
            );
        }
        let teams = storage::teams(&conn)?;
        let rounds = storage::rounds(&conn)?;
        if teams.len() != GROUPS
            || rounds.len() != ROUNDS
            || rounds.iter().any(|r| r.closed_on.is_none())
        {
            return Ok(Err(format!(
                "{} teams, {} rounds ({} closed)",
                teams.len(),
                rounds.len(),
                rounds.iter().filter(|r| r.closed_on.is_some()).count()
            )));
        }
        let mut total = 0u64;
        for r in &rounds {
            for t in &teams {
                total += u64::from(storage::response_count(&conn, r.id, t.key)?);
            }
        }
        Ok(if total == RESPONSES {
            Ok(total)
        } else {
            Err(format!("{total} responses"))
        })
    })();
    match verdict {
        Ok(Ok(n)) => Ok(Some(n)),
        Ok(Err(why)) => {
            eprintln!(
                "{} is incomplete ({why}); generating it again",
                path.display()
            );
            remove_db(path)?;
            Ok(None)
        }
        Err(e) if e.to_string().contains("not a benchmark database") => Err(e),
        Err(e) => {
            eprintln!(
                "{} is unreadable ({e}); generating it again",
                path.display()
            );
            remove_db(path)?;
            Ok(None)
        }
    }
}

fn remove_db(path: &Path) -> anyhow::Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// One group of the organisation as generated.
struct Group {
    key: i64,
    /// Expected size (people who get a link each week).
    size: u32,
    /// Small teams answer in very varying numbers (and are often suppressed).
    small: bool,
    /// Mean opinion at the start of the year and at its end.
    from: f64,
    to: f64,
}

fn generate(path: &Path, survey: &Survey) -> anyhow::Result<()> {
    let started = Instant::now();
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut rng = StdRng::seed_from_u64(SEED);
    let mut conn = storage::open(path, Mode::Create)?;
    storage::init(
        &mut conn,
        &OrgName::parse(ORG_NAME)?,
        org::K::parse(K)?,
        &Zone::utc(),
    )?;

    // 20 departments with staff of their own (30–60 people) and 9 teams each:
    // mostly 70–160 people, one small team (4–8) in every other department.
    let mut groups = Vec::with_capacity(GROUPS);
    for d in 1..=DEPARTMENTS {
        let dept = format!("Department {d:02}");
        let size = rng.random_range(30..=60);
        let t = storage::add_team(
            &mut conn,
            &TeamName::parse(&dept)?,
            None,
            Some(ExpectedSize::parse(size)?),
        )?;
        groups.push(group(&mut rng, t.key, size, false));
        for n in 1..=TEAMS_PER_DEPARTMENT {
            let small = n == TEAMS_PER_DEPARTMENT && d % 2 == 0;
            let size = if small {
                rng.random_range(4..=8)
            } else {
                rng.random_range(70..=160)
            };
            let t = storage::add_team(
                &mut conn,
                &TeamName::parse(&format!("Team {d:02}.{n}"))?,
                Some(&dept),
                Some(ExpectedSize::parse(size)?),
            )?;
            groups.push(group(&mut rng, t.key, size, small));
        }
    }

    let counts = plan_counts(&mut rng, &groups);
    let keys: Vec<i64> = groups.iter().map(|g| g.key).collect();
    let start = Date::new(2025, 1, 6).context("start date")?;
    let now = jiff::Timestamp::now();
    let (mut t_invites, mut t_submit, mut t_close) =
        (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    let mut done = 0u64;
    for (w, week) in counts.iter().enumerate() {
        let opened = date::add_days(start, 7 * w as i64);
        let round = storage::open_round(
            &mut conn,
            survey,
            &format!("Week {}", w + 1),
            &keys,
            None,
            opened,
        )?;
        let progress = w as f64 / (ROUNDS - 1) as f64;

        let t0 = Instant::now();
        let mut invites: Vec<(usize, Vec<String>)> = Vec::with_capacity(groups.len());
        for (i, g) in groups.iter().enumerate() {
            if week[i] > 0 {
                invites.push((
                    i,
                    storage::create_invites(
                        &mut conn,
                        round.id,
                        g.key,
                        InviteCount::parse(week[i])?,
                    )?,
                ));
            }
        }
        let t1 = Instant::now();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for (i, tokens) in &invites {
            let g = &groups[*i];
            let centre = g.from + (g.to - g.from) * progress;
            for t in tokens {
                let a = Answers {
                    values: spiegel::demo::synthetic_values(&mut rng, survey, centre, 0.7),
                    comment: None,
                };
                let ok = storage::submit(
                    &tx,
                    &token::hash_secret(t),
                    round.id,
                    &a.encode(),
                    None,
                    now,
                )?;
                ensure!(ok, "a fresh invite was refused");
            }
        }
        tx.commit()?;
        let t2 = Instant::now();
        storage::close_round(&mut conn, round.id, date::add_days(opened, 7))?;
        let t3 = Instant::now();
        t_invites += t1 - t0;
        t_submit += t2 - t1;
        t_close += t3 - t2;
        done += week.iter().map(|&c| u64::from(c)).sum::<u64>();
        eprintln!(
            "round {:>2}/{ROUNDS}: {done:>7} responses; invites {:.2} s, submits {:.2} s, close+vacuum {:.2} s; {:.0} s elapsed",
            w + 1,
            (t1 - t0).as_secs_f64(),
            (t2 - t1).as_secs_f64(),
            (t3 - t2).as_secs_f64(),
            started.elapsed().as_secs_f64()
        );
    }
    drop(conn);
    println!(
        "generated {done} responses in {:.0} s (invites {:.0} s, submits {:.0} s, close incl. VACUUM {:.0} s)",
        started.elapsed().as_secs_f64(),
        t_invites.as_secs_f64(),
        t_submit.as_secs_f64(),
        t_close.as_secs_f64()
    );
    Ok(())
}

fn group(rng: &mut StdRng, key: i64, size: u32, small: bool) -> Group {
    let from: f64 = rng.random_range(3.2..6.0);
    let to = (from + rng.random_range(-1.2..1.2)).clamp(2.5, 6.5);
    Group {
        key,
        size,
        small,
        from,
        to,
    }
}

/// Respondents per round and group, adding up to exactly [`RESPONSES`].
fn plan_counts(rng: &mut StdRng, groups: &[Group]) -> Vec<Vec<u32>> {
    let small: u64 = groups
        .iter()
        .filter(|g| g.small)
        .map(|g| u64::from(g.size))
        .sum();
    let large: u64 = groups
        .iter()
        .filter(|g| !g.small)
        .map(|g| u64::from(g.size))
        .sum();
    // Small teams answer about 2/3 of the time; the large ones at the rate
    // that makes the total come out right.
    let rate = (RESPONSES as f64 / ROUNDS as f64 - small as f64 * 0.65) / large as f64;
    let mut counts: Vec<Vec<u32>> = (0..ROUNDS)
        .map(|_| {
            groups
                .iter()
                .map(|g| {
                    if g.small {
                        rng.random_range(2..=g.size)
                    } else {
                        let p = (rate + rng.random_range(-0.1..0.1)).clamp(0.2, 1.0);
                        (f64::from(g.size) * p).round() as u32
                    }
                })
                .collect()
        })
        .collect();
    // Nudge random large team-rounds until the total is exact.
    let mut total: i64 = counts.iter().flatten().map(|&c| i64::from(c)).sum();
    let target = RESPONSES as i64;
    while total != target {
        let (w, i) = (
            rng.random_range(0..ROUNDS),
            rng.random_range(0..groups.len()),
        );
        let g = &groups[i];
        let c = &mut counts[w][i];
        if g.small {
            continue;
        }
        if total < target && *c < g.size {
            *c += 1;
            total += 1;
        } else if total > target && *c > 1 {
            *c -= 1;
            total -= 1;
        }
    }
    counts
}

// ------------------------------------------------------------ measurement

struct Stats {
    min: Duration,
    median: Duration,
    p95: Duration,
    max: Duration,
}

fn time<T>(
    warmup: usize,
    runs: usize,
    mut f: impl FnMut() -> anyhow::Result<T>,
) -> anyhow::Result<Stats> {
    for _ in 0..warmup {
        std::hint::black_box(f()?);
    }
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        std::hint::black_box(f()?);
        times.push(t.elapsed());
    }
    times.sort_unstable();
    let at = |q: f64| times[((runs as f64 * q).ceil() as usize).clamp(1, runs) - 1];
    Ok(Stats {
        min: times[0],
        median: at(0.5),
        p95: at(0.95),
        max: times[runs - 1],
    })
}

fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1e3)
}

fn row(name: &str, runs: usize, s: &Stats, bytes: usize, target: &str) {
    let kb = if bytes == 0 {
        String::new()
    } else {
        format!("{:.1}", bytes as f64 / 1024.0)
    };
    println!(
        "| {name:<44} | {runs:>4} | {:>8} | {:>8} | {:>8} | {:>8} | {kb:>8} | {target:<8} |",
        ms(s.min),
        ms(s.median),
        ms(s.p95),
        ms(s.max),
    );
}

fn measure(path: &Path) -> anyhow::Result<()> {
    let conn = storage::open(path, Mode::ReadOnly)?;
    let teams = storage::teams(&conn)?;
    let rounds = storage::rounds(&conn)?;
    let team = teams
        .iter()
        .find(|t| t.id == "team-01-1")
        .context("team-01-1 is missing")?;
    let dept = teams
        .iter()
        .find(|t| t.id == "department-01")
        .context("department-01 is missing")?;
    let manager = Principal::Manager { team: team.key };
    let advisor = Principal::Advisor;
    let mid = rounds[ROUNDS / 2].id;

    // The first call on a fresh connection (empty SQLite page cache; the OS
    // file cache is warm after generation or the previous run).
    let fresh = storage::open(path, Mode::ReadOnly)?;
    let t = Instant::now();
    let v = report::trend_json(&fresh, manager, &team.id)?;
    let first_trend = t.elapsed();
    let t = Instant::now();
    std::hint::black_box(report::overview_json(&fresh, advisor)?);
    let first_overview = t.elapsed();
    drop(fresh);
    std::hint::black_box(v);
    let trend_rounds = report::trend(&conn, manager, &team.id)?.rounds.len();
    ensure!(
        trend_rounds == ROUNDS,
        "the trend has {trend_rounds} rounds, not {ROUNDS}"
    );

    fn size<T: serde::Serialize>(v: &T) -> usize {
        serde_json::to_vec(v).map_or(0, |b| b.len())
    }
    println!();
    println!("Times in ms; KB is the JSON response body.");
    println!();
    println!(
        "| {:<44} | {:>4} | {:>8} | {:>8} | {:>8} | {:>8} | {:>8} | {:<8} |",
        "operation", "runs", "min", "median", "p95", "max", "KB", "target"
    );
    println!(
        "|{:-<46}|{:->6}|{:->10}|{:->10}|{:->10}|{:->10}|{:->10}|{:-<10}|",
        "", "", "", "", "", "", "", ""
    );

    let bytes = report::trend_json(&conn, manager, &team.id)?.len();
    let s = time(20, 200, || {
        Ok(report::trend_json(&conn, manager, &team.id)?)
    })?;
    row(
        "trend, manager, one team (52 rounds)",
        200,
        &s,
        bytes,
        "< 5 ms",
    );

    let bytes = report::trend_json(&conn, advisor, &dept.id)?.len();
    let s = time(20, 200, || {
        Ok(report::trend_json(&conn, advisor, &dept.id)?)
    })?;
    row(
        "trend, advisor, department (52 rounds)",
        200,
        &s,
        bytes,
        "< 5 ms",
    );

    let bytes = report::trend_json(&conn, advisor, report::ORGANISATION_ID)?.len();
    let s = time(20, 200, || {
        Ok(report::trend_json(&conn, advisor, report::ORGANISATION_ID)?)
    })?;
    row(
        "trend, advisor, organisation (52 rounds)",
        200,
        &s,
        bytes,
        "< 5 ms",
    );

    let bytes = report::overview_json(&conn, advisor)?.len();
    let s = time(5, 30, || Ok(report::overview_json(&conn, advisor)?))?;
    row(
        "overview, advisor (201 groups x 52 rounds)",
        30,
        &s,
        bytes,
        "< 100 ms",
    );

    // The typed values the pages, the CLI and the charts read (the API
    // writes the two above as spliced text instead).
    let s = time(20, 200, || Ok(report::trend(&conn, manager, &team.id)?))?;
    row("trend, typed (pages), manager", 200, &s, 0, "");
    let s = time(5, 30, || Ok(report::overview(&conn, advisor)?))?;
    row("overview, typed (pages), advisor", 30, &s, 0, "");

    let bytes = size(&report::team_round(&conn, manager, &team.id, mid)?);
    let s = time(20, 200, || {
        Ok(report::team_round(&conn, manager, &team.id, mid)?)
    })?;
    row("team_round, manager, one team", 200, &s, bytes, "");
    let bytes = size(&report::team_round(&conn, advisor, &dept.id, mid)?);
    let s = time(20, 200, || {
        Ok(report::team_round(&conn, advisor, &dept.id, mid)?)
    })?;
    row("team_round, advisor, department", 200, &s, bytes, "");

    let s = time(3, 20, || Ok(report::teams(&conn, advisor)?))?;
    row(
        "teams, advisor",
        20,
        &s,
        size(&report::teams(&conn, advisor)?),
        "",
    );
    let s = time(3, 20, || Ok(report::rounds(&conn, advisor)?))?;
    row(
        "rounds, advisor",
        20,
        &s,
        size(&report::rounds(&conn, advisor)?),
        "",
    );

    // Where the time of a trend and of the overview goes: the storage reads
    // they make, and parsing the stored result bodies.
    let s = time(20, 200, || Ok(storage::rounds_brief(&conn)?))?;
    row("  part: storage::rounds_brief (52)", 200, &s, 0, "");
    let s = time(20, 200, || Ok(storage::team_results(&conn, team.key)?))?;
    row("  part: storage::team_results (52 rows)", 200, &s, 0, "");
    let s = time(5, 30, || Ok(storage::result_cells(&conn)?))?;
    row("  part: storage::result_cells (all cells)", 30, &s, 0, "");

    // What the close of one round computes (without storing or VACUUM).
    let input = storage::round_data(&conn, &storage::round(&conn, mid)?)?;
    let s = time(2, 10, || Ok(compute_round(&input.input(1))?))?;
    row(
        &format!("compute_round, one round ({} responses)", input.responses()),
        10,
        &s,
        0,
        "",
    );

    println!();
    println!("Peak Rust heap of one call, including the serialised body (MB):");
    println!();
    let mb = |n: usize| n as f64 / 1_048_576.0;
    let trend_heap = peak_heap(|| Ok(report::trend_json(&conn, manager, &team.id)?.into_bytes()))?;
    let overview_heap = peak_heap(|| Ok(report::overview_json(&conn, advisor)?.into_bytes()))?;
    let round_heap = peak_heap(|| {
        Ok(serde_json::to_vec(&report::team_round(
            &conn, manager, &team.id, mid,
        )?)?)
    })?;
    println!("| trend, manager | overview, advisor | team_round, manager |");
    println!("|----------------|-------------------|---------------------|");
    println!(
        "| {:>14.2} | {:>17.2} | {:>19.2} |",
        mb(trend_heap),
        mb(overview_heap),
        mb(round_heap)
    );

    println!();
    println!(
        "first call on a fresh connection: trend {} ms, then overview {} ms",
        ms(first_trend),
        ms(first_overview)
    );
    Ok(())
}
