//! Chart benchmark: the three charts drawn from fixed sample inputs, the
//! way a page or the API would ask for them.
//!
//!     cargo bench --bench charts
//!
//! Plain `Instant` timing, warm (the font is registered and parsed before
//! the first timed run); nothing here asserts a time.

use std::time::{Duration, Instant};

use spiegel::charts::{self, Chart, PNG_SIZE, samples};
use spiegel::domain::lang::Lang;

fn time<T>(
    label: &str,
    runs: usize,
    target: &str,
    mut f: impl FnMut() -> anyhow::Result<T>,
    size: impl Fn(&T) -> usize,
) -> anyhow::Result<()> {
    let mut last = f()?; // warm-up
    let mut times: Vec<Duration> = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        last = f()?;
        times.push(start.elapsed());
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let p95 = times[(runs * 95 / 100).min(runs - 1)];
    println!(
        "| {label:<44} | {runs:>4} | {:>6.3} | {:>6.3} | {:>6.3} | {:>6.1} | {target:<7} |",
        ms(times[0]),
        ms(times[runs / 2]),
        ms(p95),
        size(&last) as f64 / 1e3
    );
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let trend: Chart = samples::trend(52, "Team Noord").into();
    let round: Chart = samples::round_detail("Team Noord — Pulse 2026-03").into();
    let overview: Chart = samples::overview(20, 9, 52).into();
    let lang = Lang::Nl;
    let overview_h = overview.natural_height(1200, lang);
    let round_h = round.natural_height(1200, lang);

    println!(
        "| chart                                        | runs |    min | median |    p95 |     KB | target  |"
    );
    println!(
        "|----------------------------------------------|-----:|-------:|-------:|-------:|-------:|---------|"
    );
    time(
        "trend SVG, 52 rounds, 1200×680",
        500,
        "< 1 ms",
        || Ok(charts::svg(&trend, lang, 1200, 680)?),
        String::len,
    )?;
    time(
        "trend PNG, 52 rounds, 1600×900",
        50,
        "< 20 ms",
        || Ok(charts::png(&trend, lang, PNG_SIZE.0, PNG_SIZE.1)?),
        Vec::len,
    )?;
    time(
        "round detail SVG, 7 items, 1200 wide",
        500,
        "",
        || Ok(charts::svg(&round, lang, 1200, round_h)?),
        String::len,
    )?;
    time(
        "round detail PNG, 7 items, 1600×900",
        50,
        "",
        || Ok(charts::png(&round, lang, PNG_SIZE.0, PNG_SIZE.1)?),
        Vec::len,
    )?;
    let label = format!("overview SVG, 200 teams × 52 rounds, 1200×{overview_h}");
    time(
        &label,
        50,
        "< 20 ms",
        || Ok(charts::svg(&overview, lang, 1200, overview_h)?),
        String::len,
    )?;
    let label = format!("overview PNG, 200 × 52, 1200×{overview_h}");
    time(
        &label,
        10,
        "",
        || Ok(charts::png(&overview, lang, 1200, overview_h)?),
        Vec::len,
    )?;
    Ok(())
}
