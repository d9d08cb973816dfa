//! Survey statistics: pure functions, no I/O.
//!
//! Everything a team's (or a roll-up's) result for one round needs:
//! reverse-scoring, respondent scores, mean / sd / standard error with the
//! finite-population correction, a 95 % interval with Student's t, the three
//! bands (unfavourable / neutral / favourable), within-team agreement
//! rwg(j), change against the previous round with a noise rule, the
//! participation band and the "strengths first" selection.
//!
//! This module does **not** apply the anonymity threshold k: it computes
//! numbers for any group, including groups of one. Suppression (k, per-item
//! suppression, complementary suppression) is the caller's job and must run
//! before anything computed here is shown. The formulas are documented in
//! `docs/formulas.md`.
//!
//! # Conventions and edge cases
//!
//! * Scale values run `1..=points`. Raw answers outside that range are treated
//!   as skipped by [`compute`] and [`agreement`]; [`score`] itself does not
//!   validate.
//! * Non-finite values (NaN, ±∞) passed to [`summarize`] are ignored; `n`
//!   counts only finite values.
//! * `n = 1`: `sd = 0`, `se = 0`, `ci = [mean, mean]`. The interval is really
//!   undefined; such a group is never released because k ≥ 3.
//! * Population known and `n >= N`: `se = 0` and `ci = [mean, mean]` (the whole
//!   team answered, so the mean is the team's mean, not an estimate).
//!   `population = Some(0)` is treated as unknown.
//! * Items with fewer than two answers are left out of rwg(j).
//!
//! # Worked example (also the unit test `worked_example`)
//!
//! ```text
//! 7-point scale, midpoint 4. Items: q1 (safety), q2 (safety, reverse), q3 (learning).
//!
//!        raw answers      scored (q2 -> 8 - raw)   respondent score  safety score
//!        q1  q2  q3       q1  q2  q3
//! R1      6   3   7        6   5   7                18/3 = 6.0        (6+5)/2 = 5.5
//! R2      5   3   -        5   5   -                10/2 = 5.0        (5+5)/2 = 5.0
//! R3      7   1   7        7   7   7                21/3 = 7.0        (7+7)/2 = 7.0
//! R4      4   5   5        4   3   5                12/3 = 4.0        (4+3)/2 = 3.5
//! R5      5   4   3        5   4   3                12/3 = 4.0        (5+4)/2 = 4.5
//! (R6     -   -   -   fully skipped: not a respondent, counted nowhere)
//!
//! respondents = 5
//! overall: values 6, 5, 7, 4, 4; sum 26; mean 5.2
//!   squared deviations .64 + .04 + 3.24 + 1.44 + 1.44 = 6.8; var 6.8/4 = 1.7; sd 1.3038
//!   se = 1.3038/sqrt(5) = 0.5831; t(4) = 2.7764; half-width 1.6189; ci [3.5811, 6.8189]
//!   with population N = 8: fpc = sqrt(3/7) = 0.6547; se 0.3817; half-width 1.0598;
//!   ci [4.1402, 6.2598]
//!   shares: 6, 5, 7 favourable (> 4.5); 4, 4 neutral -> 0 / 0.4 / 0.6
//! safety: values 5.5, 5, 7, 3.5, 4.5; mean 5.1; var 6.7/4 = 1.675; sd 1.2942
//!   shares: 5.5, 5, 7 favourable; 3.5 and 4.5 neutral (band edges) -> 0 / 0.4 / 0.6
//! learning: values 7, 7, 5, 3 (R2 skipped q3); n 4; mean 5.5
//! q1: 6, 5, 7, 4, 5; mean 5.4; var 5.2/4 = 1.3; shares 0 / 0.2 / 0.8
//! q2: 5, 5, 7, 3, 4; mean 4.8; var 8.8/4 = 2.2; shares 0.2 / 0.2 / 0.6
//!   (raw 5 on a reverse item scores 3: unfavourable)
//! q3: 7, 7, 5, 3; mean 5.5; var 11/3 = 3.6667; sd 1.9149; se 0.9574;
//!   t(3) = 3.1824; half-width 3.0470; ci [2.4530, 8.5470] clamped to [2.4530, 7]
//!   shares 0.25 / 0 / 0.75
//! rwg(j): mean item variance (1.3 + 2.2 + 3.6667)/3 = 2.3889; null variance
//!   (7^2 - 1)/12 = 4; ratio r = 2.3889/4 = 0.5972; J = 3
//!   rwg(j) = 3(1 - r) / (3(1 - r) + r) = 1.2083 / 1.8056 = 0.6692 (= 87/130)
//!   views differ (< 0.70)
//! strengths / concerns over the items: strengths q3 (5.5), q1 (5.4); concern q2 (4.8)
//! participation 5 of 8 = 62.5 % -> "60–70 %"
//! change (N = 8, se 0.3817) against a previous mean 4.6 with se 0.35: delta 0.6;
//!   noise 1.96 · sqrt(0.35² + 0.3817²) = 1.015 -> within noise
//! ```

use serde::{Deserialize, Serialize};

/// rwg(j) below this value means the team's views differ (the usual cut-off).
pub const RWG_CUTOFF: f64 = 0.70;

/// Two-sided 95 % quantile of the standard normal distribution.
const Z975: f64 = 1.959_963_984_540_054;

/// Definition of one item as the statistics need it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemDef {
    pub id: String,
    pub dimension: String,
    pub reverse: bool,
}

/// Scores a raw answer (1..=points) after reverse-scoring: reverse => points + 1 - raw.
///
/// No validation: an out-of-range `raw` gives an out-of-range score (never an
/// overflow). Use [`is_valid_answer`] first when the input is untrusted.
pub fn score(raw: u8, points: u8, reverse: bool) -> f64 {
    if reverse {
        f64::from(points) + 1.0 - f64::from(raw)
    } else {
        f64::from(raw)
    }
}

/// True when `raw` lies on the scale `1..=points`.
pub fn is_valid_answer(raw: u8, points: u8) -> bool {
    (1..=points).contains(&raw)
}

/// Midpoint of a `1..=points` scale: (points + 1) / 2 (4 on a 7-point scale).
pub fn midpoint(points: u8) -> f64 {
    (f64::from(points) + 1.0) / 2.0
}

/// One of the three bands in which distributions are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    Unfavourable,
    Neutral,
    Favourable,
}

/// Band of one (already reverse-scored) value, whole number or respondent mean.
///
/// With midpoint m = (points + 1) / 2 and half-width h = 0.5 on odd scales,
/// 0 on even scales: unfavourable when v < m - h, favourable when v > m + h,
/// neutral otherwise. For whole numbers on an odd scale this is exactly
/// "below / at / above the midpoint" (7 points: 1–3 / 4 / 5–7); means such
/// as 3.5 or 4.5 are neutral. On an even scale no whole number is neutral,
/// only a mean exactly at the midpoint. NaN is neutral.
pub fn band(value: f64, points: u8) -> Band {
    let m = midpoint(points);
    let h = if points % 2 == 1 { 0.5 } else { 0.0 };
    if value < m - h {
        Band::Unfavourable
    } else if value > m + h {
        Band::Favourable
    } else {
        Band::Neutral
    }
}

/// Fractions of values per band.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Shares {
    pub unfavourable: f64,
    pub neutral: f64,
    pub favourable: f64,
}

/// Shares of the values per [`band`]; fractions summing to 1 (all 0 when
/// `values` is empty).
pub fn shares(values: &[f64], points: u8) -> Shares {
    let (mut u, mut n, mut f) = (0usize, 0usize, 0usize);
    for &v in values {
        match band(v, points) {
            Band::Unfavourable => u += 1,
            Band::Neutral => n += 1,
            Band::Favourable => f += 1,
        }
    }
    let total = values.len();
    if total == 0 {
        return Shares {
            unfavourable: 0.0,
            neutral: 0.0,
            favourable: 0.0,
        };
    }
    let t = total as f64;
    Shares {
        unfavourable: u as f64 / t,
        neutral: n as f64 / t,
        favourable: f as f64 / t,
    }
}

/// Descriptive statistics of one set of scored values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Number of values.
    pub n: u32,
    pub mean: f64,
    /// Sample standard deviation (divisor n - 1); 0 when n < 2.
    pub sd: f64,
    /// Standard error sd / sqrt(n), times the finite-population correction
    /// when the population is known; 0 when n < 2 or n >= population.
    pub se: f64,
    /// 95 % interval mean ± t975(n - 1) · se, clamped to [1, points].
    pub ci: [f64; 2],
    pub shares: Shares,
    /// Sum of the values (= n · mean), kept for roll-up checks.
    pub sum: f64,
}

/// Finite-population correction factor sqrt((N - n)/(N - 1)); 1 when N is
/// unknown (or 0), 0 when n >= N.
pub fn fpc(n: u32, population: Option<u32>) -> f64 {
    match population {
        Some(big_n) if big_n > 0 => {
            if n >= big_n {
                0.0
            } else {
                // big_n > n >= 0, so big_n >= 1; big_n == 1 only with n == 0.
                let (nf, bn) = (f64::from(n), f64::from(big_n));
                if bn <= 1.0 {
                    1.0
                } else {
                    ((bn - nf) / (bn - 1.0)).sqrt()
                }
            }
        }
        _ => 1.0,
    }
}

fn clamp_to_scale(x: f64, points: u8) -> f64 {
    let hi = f64::from(points.max(1));
    x.max(1.0).min(hi)
}

/// Summary of a set of already-scored values on a 1..=points scale.
///
/// `population`: the team's expected size when known. The standard error gets
/// the finite-population correction sqrt((N - n)/(N - 1)) when N > n and is 0
/// when n >= N (zero-width interval). `Some(0)` counts as unknown.
///
/// Returns `None` when `values` holds no finite value. Non-finite values are
/// ignored. With n = 1: sd = 0, se = 0, ci = [mean, mean] (undefined in
/// truth; never released because k >= 3).
pub fn summarize(values: &[f64], points: u8, population: Option<u32>) -> Option<Summary> {
    let vals: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if vals.is_empty() {
        return None;
    }
    let count = vals.len();
    let n = u32::try_from(count).unwrap_or(u32::MAX);
    let nf = count as f64;
    let sum: f64 = vals.iter().sum();
    let mean = sum / nf;
    let (sd, se) = if count < 2 {
        (0.0, 0.0)
    } else {
        let ss: f64 = vals.iter().map(|v| (v - mean) * (v - mean)).sum();
        let sd = (ss / (nf - 1.0)).sqrt();
        (sd, sd / nf.sqrt() * fpc(n, population))
    };
    let half = if se > 0.0 {
        t975(n.saturating_sub(1)) * se
    } else {
        0.0
    };
    Some(Summary {
        n,
        mean,
        sd,
        se,
        ci: [
            clamp_to_scale(mean - half, points),
            clamp_to_scale(mean + half, points),
        ],
        shares: shares(&vals, points),
        sum,
    })
}

/// Statistics of one dimension.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DimStats {
    pub id: String,
    pub summary: Option<Summary>,
}

/// Statistics of one item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemStats {
    pub id: String,
    pub dimension: String,
    pub summary: Option<Summary>,
}

/// Within-team agreement.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Agreement {
    /// rwg(j) in [0, 1].
    pub rwg_j: f64,
    /// rwg_j < [`RWG_CUTOFF`] (0.70).
    pub views_differ: bool,
}

/// Full statistics for one group (team or roll-up) in one round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupStats {
    /// Responses with at least one valid answer.
    pub respondents: u32,
    /// Over respondent scores (mean of a respondent's answered items).
    pub overall: Option<Summary>,
    /// In order of first appearance in `items`.
    pub dimensions: Vec<DimStats>,
    /// Same order as `items`.
    pub items: Vec<ItemStats>,
    /// None when fewer than 2 respondents (see [`agreement`]).
    pub agreement: Option<Agreement>,
}

/// Reverse-scored answers of the respondents only: responses with at least one
/// valid answer. Entries beyond `items.len()` are ignored, missing entries and
/// out-of-range answers count as skipped.
fn scored_respondents(
    items: &[ItemDef],
    points: u8,
    responses: &[Vec<Option<u8>>],
) -> Vec<Vec<Option<f64>>> {
    responses
        .iter()
        .map(|resp| {
            items
                .iter()
                .enumerate()
                .map(|(j, item)| {
                    resp.get(j)
                        .copied()
                        .flatten()
                        .filter(|&raw| is_valid_answer(raw, points))
                        .map(|raw| score(raw, points, item.reverse))
                })
                .collect::<Vec<_>>()
        })
        .filter(|row| row.iter().any(Option::is_some))
        .collect()
}

fn mean_of_answered<'a>(answers: impl Iterator<Item = &'a Option<f64>>) -> Option<f64> {
    let (mut sum, mut count) = (0.0, 0usize);
    for v in answers.flatten() {
        sum += v;
        count += 1;
    }
    (count > 0).then(|| sum / count as f64)
}

/// Full statistics for one group (team or roll-up) in one round.
///
/// `responses`: each respondent's raw answers aligned with `items`
/// (`None` = skipped). Respondents are responses with at least one answered
/// item; fully-skipped responses do not count anywhere. Answers outside
/// `1..=points` count as skipped; entries beyond `items.len()` are ignored.
///
/// * overall: over respondent scores (mean of the respondent's answered items
///   after reverse-scoring);
/// * dimensions: a respondent's dimension score is the mean of their answered
///   items of that dimension; n = respondents who answered at least one of them;
/// * items: n = respondents who answered the item.
///
/// `population` is passed to every [`summarize`] call.
pub fn compute(
    items: &[ItemDef],
    points: u8,
    responses: &[Vec<Option<u8>>],
    population: Option<u32>,
) -> GroupStats {
    let scored = scored_respondents(items, points, responses);
    let respondents = u32::try_from(scored.len()).unwrap_or(u32::MAX);

    let overall_values: Vec<f64> = scored
        .iter()
        .filter_map(|row| mean_of_answered(row.iter()))
        .collect();
    let overall = summarize(&overall_values, points, population);

    let mut dim_order: Vec<&str> = Vec::new();
    for item in items {
        if !dim_order.contains(&item.dimension.as_str()) {
            dim_order.push(item.dimension.as_str());
        }
    }
    let dimensions = dim_order
        .iter()
        .map(|&dim| {
            let values: Vec<f64> = scored
                .iter()
                .filter_map(|row| {
                    mean_of_answered(
                        row.iter()
                            .zip(items)
                            .filter(|(_, item)| item.dimension == dim)
                            .map(|(v, _)| v),
                    )
                })
                .collect();
            DimStats {
                id: dim.to_string(),
                summary: summarize(&values, points, population),
            }
        })
        .collect();

    let item_stats = items
        .iter()
        .enumerate()
        .map(|(j, item)| {
            let values: Vec<f64> = scored
                .iter()
                .filter_map(|row| row.get(j).copied().flatten())
                .collect();
            ItemStats {
                id: item.id.clone(),
                dimension: item.dimension.clone(),
                summary: summarize(&values, points, population),
            }
        })
        .collect();

    GroupStats {
        respondents,
        overall,
        dimensions,
        items: item_stats,
        agreement: agreement_of_scored(&scored, items.len(), points),
    }
}

fn sample_variance(values: &[f64]) -> Option<f64> {
    if values.len() < 2 {
        return None;
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    Some(values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1.0))
}

fn agreement_of_scored(
    scored: &[Vec<Option<f64>>],
    n_items: usize,
    points: u8,
) -> Option<Agreement> {
    if scored.len() < 2 || points < 2 {
        return None;
    }
    let variances: Vec<f64> = (0..n_items)
        .filter_map(|j| {
            let values: Vec<f64> = scored
                .iter()
                .filter_map(|row| row.get(j).copied().flatten())
                .collect();
            sample_variance(&values)
        })
        .collect();
    if variances.is_empty() {
        return None;
    }
    let j = variances.len() as f64;
    let mean_var = variances.iter().sum::<f64>() / j;
    let a = f64::from(points);
    let null_var = (a * a - 1.0) / 12.0;
    let ratio = mean_var / null_var;
    let rwg_j = if ratio >= 1.0 {
        0.0
    } else {
        let agree = j * (1.0 - ratio);
        agree / (agree + ratio)
    };
    let rwg_j = if rwg_j.is_finite() {
        rwg_j.clamp(0.0, 1.0)
    } else {
        0.0
    };
    Some(Agreement {
        rwg_j,
        views_differ: rwg_j < RWG_CUTOFF,
    })
}

/// Within-team agreement rwg(j) (James, Demaree & Wolf 1984) over the items.
///
/// rwg(j) = J(1 - s̄²/σ²) / (J(1 - s̄²/σ²) + s̄²/σ²), where s̄² is the mean of
/// the observed item variances (sample variance, divisor n - 1, of the
/// reverse-scored answers), σ² = (A² - 1)/12 the variance of the uniform null
/// distribution for A = points, and J the number of items used. Items with
/// fewer than two answers have no variance and are left out (J counts only
/// the others). When s̄² >= σ² the value is truncated to 0; the result is
/// clamped to [0, 1]. `views_differ` = rwg(j) < 0.70.
///
/// `None` when fewer than 2 respondents, when no item has two answers, or
/// when `points < 2`. Respondents and answers as in [`compute`].
pub fn agreement(
    items: &[ItemDef],
    points: u8,
    responses: &[Vec<Option<u8>>],
) -> Option<Agreement> {
    let scored = scored_respondents(items, points, responses);
    agreement_of_scored(&scored, items.len(), points)
}

/// Change of a mean against the previous round.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// cur.mean - prev.mean.
    pub delta: f64,
    /// True unless |delta| > 1.96 · sqrt(se_prev² + se_cur²).
    pub within_noise: bool,
}

/// Noise threshold for a change: 1.96 · sqrt(se_prev² + se_cur²).
pub fn noise_threshold(prev: &Summary, cur: &Summary) -> f64 {
    Z975 * (prev.se * prev.se + cur.se * cur.se).sqrt()
}

/// Change against the previous round: delta = cur.mean - prev.mean;
/// within_noise unless |delta| > 1.96 · sqrt(se_prev² + se_cur²).
///
/// When both standard errors are 0 (e.g. the whole team answered in both
/// rounds, or n = 1) every non-zero delta counts as outside the noise.
pub fn change(prev: &Summary, cur: &Summary) -> Change {
    let delta = cur.mean - prev.mean;
    let outside_noise = delta.abs() > noise_threshold(prev, cur);
    Change {
        delta,
        within_noise: !outside_noise,
    }
}

/// Participation band: `None` unless the expected size is known and >= k
/// (and > 0). Otherwise respondents/expected as a 10-point band such as
/// `"70–80 %"` (en dash, normal space before %): the band holding the exact
/// ratio, lower bound inclusive. Full participation is `"100 %"`, and more
/// respondents than expected is capped to `"100 %"`.
pub fn participation_band(respondents: u32, expected: Option<u32>, k: u32) -> Option<String> {
    let expected = expected?;
    if expected == 0 || expected < k {
        return None;
    }
    if respondents >= expected {
        return Some("100 %".to_string());
    }
    // Integer arithmetic: 7 of 10 is exactly band 7, no rounding surprises.
    let decile = u64::from(respondents) * 10 / u64::from(expected);
    Some(format!("{}–{} %", decile * 10, decile * 10 + 10))
}

/// Strengths first: the two highest and two lowest by mean among the given
/// (id, mean) pairs, highest first / lowest first; equal means are ordered
/// by id (ascending) in both lists.
///
/// The two lists never share an entry: with n entries the strengths get
/// min(2, ceil(n/2)) and the concerns min(2, n - strengths) (1 → 1/0,
/// 2 → 1/1, 3 → 2/1, 4 or more → 2/2). Entries with a non-finite mean are
/// ignored.
pub fn strengths_and_concerns(entries: &[(String, f64)]) -> (Vec<String>, Vec<String>) {
    let valid: Vec<(usize, &str, f64)> = entries
        .iter()
        .enumerate()
        .filter(|(_, (_, m))| m.is_finite())
        .map(|(i, (id, m))| (i, id.as_str(), *m))
        .collect();
    let n = valid.len();
    let n_strengths = n.div_ceil(2).min(2);
    let n_concerns = (n - n_strengths).min(2);

    let mut desc = valid.clone();
    desc.sort_by(|a, b| b.2.total_cmp(&a.2).then_with(|| a.1.cmp(b.1)));
    let strengths: Vec<(usize, &str, f64)> = desc.into_iter().take(n_strengths).collect();

    let mut asc = valid;
    asc.sort_by(|a, b| a.2.total_cmp(&b.2).then_with(|| a.1.cmp(b.1)));
    let concerns: Vec<String> = asc
        .into_iter()
        .filter(|e| !strengths.iter().any(|s| s.0 == e.0))
        .take(n_concerns)
        .map(|e| e.1.to_string())
        .collect();

    (
        strengths.into_iter().map(|e| e.1.to_string()).collect(),
        concerns,
    )
}

/// Two-sided 95 % (upper 97.5 %) quantile of Student's t with `df` degrees
/// of freedom: exact table for df 1..=30, above that the Cornish-Fisher
/// expansion around z = 1.959964 (Abramowitz & Stegun 26.7.5, terms to
/// 1/df⁴; error < 1e-7 from df 31 on). `df = 0` returns +∞ (undefined).
pub fn t975(df: u32) -> f64 {
    const TABLE: [f64; 30] = [
        12.706_204_736,
        4.302_652_730,
        3.182_446_305,
        2.776_445_105,
        2.570_581_836,
        2.446_911_851,
        2.364_624_252,
        2.306_004_135,
        2.262_157_163,
        2.228_138_852,
        2.200_985_160,
        2.178_812_830,
        2.160_368_656,
        2.144_786_688,
        2.131_449_546,
        2.119_905_299,
        2.109_815_578,
        2.100_922_040,
        2.093_024_054,
        2.085_963_447,
        2.079_613_845,
        2.073_873_068,
        2.068_657_610,
        2.063_898_562,
        2.059_538_553,
        2.055_529_439,
        2.051_830_516,
        2.048_407_142,
        2.045_229_642,
        2.042_272_456,
    ];
    if df == 0 {
        return f64::INFINITY;
    }
    if let Some(&t) = TABLE.get((df - 1) as usize) {
        return t;
    }
    let v = f64::from(df);
    let x = Z975;
    let x2 = x * x;
    let x3 = x2 * x;
    let x5 = x3 * x2;
    let x7 = x5 * x2;
    let x9 = x7 * x2;
    x + (x3 + x) / (4.0 * v)
        + (5.0 * x5 + 16.0 * x3 + 3.0 * x) / (96.0 * v * v)
        + (3.0 * x7 + 19.0 * x5 + 17.0 * x3 - 15.0 * x) / (384.0 * v * v * v)
        + (79.0 * x9 + 776.0 * x7 + 1482.0 * x5 - 1920.0 * x3 - 945.0 * x)
            / (92_160.0 * v * v * v * v)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EPS: f64 = 1e-4;

    fn close(a: f64, b: f64, eps: f64) -> bool {
        (a - b).abs() <= eps
    }

    macro_rules! assert_close {
        ($a:expr, $b:expr) => {
            assert_close!($a, $b, EPS)
        };
        ($a:expr, $b:expr, $eps:expr) => {{
            let (a, b): (f64, f64) = ($a, $b);
            assert!(close(a, b, $eps), "{} = {a}, expected {b}", stringify!($a));
        }};
    }

    fn item(id: &str, dim: &str, reverse: bool) -> ItemDef {
        ItemDef {
            id: id.to_string(),
            dimension: dim.to_string(),
            reverse,
        }
    }

    fn shares_of(s: &Summary) -> [f64; 3] {
        [s.shares.unfavourable, s.shares.neutral, s.shares.favourable]
    }

    fn summary_with(mean: f64, se: f64) -> Summary {
        Summary {
            n: 10,
            mean,
            sd: 0.0,
            se,
            ci: [mean, mean],
            shares: Shares {
                unfavourable: 0.0,
                neutral: 1.0,
                favourable: 0.0,
            },
            sum: 10.0 * mean,
        }
    }

    /// The worked example of the module doc and docs/formulas.md.
    fn example() -> (Vec<ItemDef>, Vec<Vec<Option<u8>>>) {
        let items = vec![
            item("q1", "safety", false),
            item("q2", "safety", true),
            item("q3", "learning", false),
        ];
        let responses = vec![
            vec![Some(6), Some(3), Some(7)],
            vec![Some(5), Some(3), None],
            vec![Some(7), Some(1), Some(7)],
            vec![Some(4), Some(5), Some(5)],
            vec![Some(5), Some(4), Some(3)],
            vec![None, None, None], // fully skipped: not a respondent
        ];
        (items, responses)
    }

    #[test]
    fn worked_example() {
        let (items, responses) = example();
        let g = compute(&items, 7, &responses, None);
        assert_eq!(g.respondents, 5);

        // Overall: respondent scores 6, 5, 7, 4, 4.
        let o = g.overall.as_ref().expect("overall");
        assert_eq!(o.n, 5);
        assert_close!(o.sum, 26.0);
        assert_close!(o.mean, 5.2);
        assert_close!(o.sd, 1.7f64.sqrt());
        assert_close!(o.se, 1.7f64.sqrt() / 5f64.sqrt());
        assert_close!(o.ci[0], 3.5811);
        assert_close!(o.ci[1], 6.8189);
        assert_eq!(shares_of(o), [0.0, 0.4, 0.6]);

        // Dimensions in order of first appearance.
        assert_eq!(g.dimensions.len(), 2);
        assert_eq!(g.dimensions[0].id, "safety");
        assert_eq!(g.dimensions[1].id, "learning");
        let safety = g.dimensions[0].summary.as_ref().expect("safety");
        assert_eq!(safety.n, 5);
        assert_close!(safety.mean, 5.1);
        assert_close!(safety.sd, 1.675f64.sqrt());
        assert_eq!(shares_of(safety), [0.0, 0.4, 0.6]); // 3.5 and 4.5 neutral
        let learning = g.dimensions[1].summary.as_ref().expect("learning");
        assert_eq!(learning.n, 4);
        assert_close!(learning.mean, 5.5);

        // Items.
        let ids: Vec<&str> = g.items.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["q1", "q2", "q3"]);
        assert_eq!(g.items[1].dimension, "safety");
        let q1 = g.items[0].summary.as_ref().expect("q1");
        assert_eq!(q1.n, 5);
        assert_close!(q1.mean, 5.4);
        assert_close!(q1.sd * q1.sd, 1.3);
        assert_eq!(shares_of(q1), [0.0, 0.2, 0.8]);
        let q2 = g.items[1].summary.as_ref().expect("q2");
        assert_close!(q2.mean, 4.8);
        assert_close!(q2.sd * q2.sd, 2.2);
        assert_eq!(shares_of(q2), [0.2, 0.2, 0.6]);
        let q3 = g.items[2].summary.as_ref().expect("q3");
        assert_eq!(q3.n, 4);
        assert_close!(q3.mean, 5.5);
        assert_close!(q3.sd * q3.sd, 11.0 / 3.0);
        assert_close!(q3.se, 0.9574);
        assert_close!(q3.ci[0], 2.4530);
        assert_close!(q3.ci[1], 7.0, 0.0); // 8.547 clamped to the scale
        assert_eq!(shares_of(q3), [0.25, 0.0, 0.75]);

        // Agreement: mean variance 43/18, ratio 43/72, rwg(j) = 87/130.
        let a = g.agreement.expect("agreement");
        assert_close!(a.rwg_j, 87.0 / 130.0, 1e-12);
        assert!(a.views_differ);

        // Strengths and concerns over the item means.
        let entries: Vec<(String, f64)> = g
            .items
            .iter()
            .filter_map(|i| i.summary.as_ref().map(|s| (i.id.clone(), s.mean)))
            .collect();
        let (s, c) = strengths_and_concerns(&entries);
        assert_eq!(s, ["q3", "q1"]);
        assert_eq!(c, ["q2"]);

        assert_eq!(
            participation_band(g.respondents, Some(8), 5).as_deref(),
            Some("60–70 %")
        );
    }

    #[test]
    fn worked_example_with_population() {
        let (items, responses) = example();
        let g = compute(&items, 7, &responses, Some(8));
        let o = g.overall.expect("overall");
        assert_close!(o.se, 0.583_095 * (3.0f64 / 7.0).sqrt());
        assert_close!(o.ci[0], 4.1402);
        assert_close!(o.ci[1], 6.2598);
        // sd does not depend on the population.
        assert_close!(o.sd, 1.7f64.sqrt());
    }

    #[test]
    fn worked_example_change() {
        // docs/formulas.md: previous round 4.6 (se 0.35), this round with N = 8.
        let (items, responses) = example();
        let cur = compute(&items, 7, &responses, Some(8))
            .overall
            .expect("overall");
        let prev = summary_with(4.6, 0.35);
        assert_close!(noise_threshold(&prev, &cur), 1.015, 1e-3);
        let c = change(&prev, &cur);
        assert_close!(c.delta, 0.6);
        assert!(c.within_noise);
    }

    #[test]
    fn score_reverses() {
        assert_eq!(score(1, 7, true), 7.0);
        assert_eq!(score(7, 7, true), 1.0);
        assert_eq!(score(4, 7, true), 4.0);
        assert_eq!(score(2, 5, true), 4.0);
        assert_eq!(score(6, 7, false), 6.0);
        // out of range: no overflow
        assert_eq!(score(9, 7, true), -1.0);
    }

    #[test]
    fn summarize_without_population() {
        // 2, 4, 4, 4, 5, 5, 7, 9 on a 10-point scale: mean 5, ss 32, var 32/7.
        let v = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        let s = summarize(&v, 10, None).expect("summary");
        assert_eq!(s.n, 8);
        assert_close!(s.mean, 5.0);
        assert_close!(s.sum, 40.0);
        let sd = (32.0f64 / 7.0).sqrt(); // 2.13809
        assert_close!(s.sd, sd);
        let se = sd / 8f64.sqrt(); // 0.75593
        assert_close!(s.se, se);
        let h = 2.364_624_252 * se; // t(7) · se = 1.78749
        assert_close!(s.ci[0], 5.0 - h);
        assert_close!(s.ci[1], 5.0 + h);
        assert_close!(s.ci[0], 3.2125);
        assert_close!(s.ci[1], 6.7875);
    }

    #[test]
    fn summarize_with_population() {
        let v = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        // N = 15: fpc = sqrt(7/14) = 0.70711.
        let s = summarize(&v, 10, Some(15)).expect("summary");
        let se = (32.0f64 / 7.0).sqrt() / 8f64.sqrt() * 0.5f64.sqrt(); // 0.53452
        assert_close!(s.se, se);
        assert_close!(s.ci[0], 5.0 - 2.364_624_252 * se); // 3.7361
        assert_close!(s.ci[0], 3.7361);
        assert_close!(s.ci[1], 6.2639);
        assert_close!(s.sd, (32.0f64 / 7.0).sqrt());
    }

    #[test]
    fn summarize_whole_population_has_zero_width() {
        let v = [3.0, 5.0, 6.0];
        for pop in [3, 2] {
            let s = summarize(&v, 7, Some(pop)).expect("summary");
            assert_eq!(s.se, 0.0);
            assert_close!(s.ci[0], 14.0 / 3.0);
            assert_close!(s.ci[1], 14.0 / 3.0);
            assert!(s.sd > 0.0);
        }
        // Some(0) counts as unknown.
        let s = summarize(&v, 7, Some(0)).expect("summary");
        assert!(s.se > 0.0);
    }

    #[test]
    fn summarize_edge_cases() {
        assert_eq!(summarize(&[], 7, None), None);
        assert_eq!(summarize(&[f64::NAN], 7, None), None);
        let s = summarize(&[6.0], 7, None).expect("n = 1");
        assert_eq!((s.n, s.mean, s.sd, s.se), (1, 6.0, 0.0, 0.0));
        assert_eq!(s.ci, [6.0, 6.0]);
        let s = summarize(&[6.0, f64::INFINITY, 4.0], 7, None).expect("finite part");
        assert_eq!(s.n, 2);
        assert_close!(s.mean, 5.0);
        // Identical values: sd 0, zero-width interval.
        let s = summarize(&[4.0; 6], 7, None).expect("constant");
        assert_eq!((s.sd, s.se, s.ci), (0.0, 0.0, [4.0, 4.0]));
        // Degenerate scale does not panic.
        let s = summarize(&[1.0, 1.0], 0, None).expect("points 0");
        assert_eq!(s.ci, [1.0, 1.0]);
    }

    #[test]
    fn ci_clamped_to_scale() {
        let s = summarize(&[1.0, 1.0, 2.0], 7, None).expect("summary");
        assert_eq!(s.ci[0], 1.0);
        assert!(s.ci[1] > s.mean);
    }

    #[test]
    fn bands_on_seven_points() {
        let b: Vec<Band> = (1..=7).map(|r| band(f64::from(r), 7)).collect();
        use Band::*;
        assert_eq!(
            b,
            [
                Unfavourable,
                Unfavourable,
                Unfavourable,
                Neutral,
                Favourable,
                Favourable,
                Favourable
            ]
        );
        // Respondent means: neutral band [3.5, 4.5].
        assert_eq!(band(3.49, 7), Unfavourable);
        assert_eq!(band(3.5, 7), Neutral);
        assert_eq!(band(4.5, 7), Neutral);
        assert_eq!(band(4.51, 7), Favourable);
        assert_eq!(band(10.0 / 3.0, 7), Unfavourable);
        assert_eq!(band(14.0 / 3.0, 7), Favourable);
    }

    #[test]
    fn bands_on_five_and_four_points() {
        use Band::*;
        let five: Vec<Band> = (1..=5).map(|r| band(f64::from(r), 5)).collect();
        assert_eq!(
            five,
            [Unfavourable, Unfavourable, Neutral, Favourable, Favourable]
        );
        let four: Vec<Band> = (1..=4).map(|r| band(f64::from(r), 4)).collect();
        assert_eq!(four, [Unfavourable, Unfavourable, Favourable, Favourable]);
        assert_eq!(band(2.5, 4), Neutral);
    }

    #[test]
    fn shares_with_reverse_items() {
        // One reverse item answered 1, 2, 4, 6, 7 scores 7, 6, 4, 2, 1.
        let items = vec![item("r", "d", true)];
        let responses: Vec<Vec<Option<u8>>> =
            [1, 2, 4, 6, 7].iter().map(|&r| vec![Some(r)]).collect();
        let g = compute(&items, 7, &responses, None);
        let s = g.items[0].summary.as_ref().expect("item");
        assert_eq!(shares_of(s), [0.4, 0.2, 0.4]);
        assert_close!(s.mean, 4.0);
        // Raw 1, 1, 1, 2 on a reverse item: all favourable.
        let responses: Vec<Vec<Option<u8>>> = [1, 1, 1, 2].iter().map(|&r| vec![Some(r)]).collect();
        let g = compute(&items, 7, &responses, None);
        let s = g.items[0].summary.as_ref().expect("item");
        assert_eq!(shares_of(s), [0.0, 0.0, 1.0]);
        assert_close!(s.mean, 6.75);
    }

    #[test]
    fn shares_sum_to_one() {
        let s = shares(&[1.0, 2.0, 4.0, 5.5, 6.0, 3.5, 7.0], 7);
        assert_close!(s.unfavourable + s.neutral + s.favourable, 1.0, 1e-12);
        let empty = shares(&[], 7);
        assert_eq!(empty.unfavourable + empty.neutral + empty.favourable, 0.0);
    }

    #[test]
    fn skipped_and_invalid_answers() {
        let items = vec![item("a", "x", false), item("b", "y", false)];
        let responses = vec![
            vec![Some(5), None],
            vec![None, Some(3)],
            vec![Some(0), Some(8)], // both out of range: not a respondent
            vec![Some(6)],          // short row: b skipped
            vec![Some(2), Some(2), Some(7)], // extra entry ignored
            vec![],
        ];
        let g = compute(&items, 7, &responses, None);
        assert_eq!(g.respondents, 4);
        let a = g.items[0].summary.as_ref().expect("a");
        assert_eq!(a.n, 3);
        assert_close!(a.mean, 13.0 / 3.0);
        let b = g.items[1].summary.as_ref().expect("b");
        assert_eq!(b.n, 2);
        assert_close!(b.mean, 2.5);
        // Overall over respondent scores 5, 3, 6, 2.
        let o = g.overall.as_ref().expect("overall");
        assert_eq!(o.n, 4);
        assert_close!(o.mean, 4.0);
        assert_eq!(g.dimensions[0].summary.as_ref().map(|s| s.n), Some(3));
        assert_eq!(g.dimensions[1].summary.as_ref().map(|s| s.n), Some(2));
    }

    #[test]
    fn empty_group() {
        let items = vec![item("a", "x", false)];
        let g = compute(&items, 7, &[vec![None], vec![]], Some(10));
        assert_eq!(g.respondents, 0);
        assert_eq!(g.overall, None);
        assert_eq!(g.dimensions.len(), 1);
        assert_eq!(g.dimensions[0].summary, None);
        assert_eq!(g.items[0].summary, None);
        assert_eq!(g.agreement, None);
        let g = compute(&[], 7, &[], None);
        assert_eq!(g.respondents, 0);
        assert!(g.dimensions.is_empty() && g.items.is_empty());
    }

    #[test]
    fn rwg_perfect_agreement() {
        let items = vec![item("a", "x", false), item("b", "x", true)];
        let responses = vec![vec![Some(6), Some(2)]; 5];
        let a = agreement(&items, 7, &responses).expect("agreement");
        assert_eq!(a.rwg_j, 1.0);
        assert!(!a.views_differ);
    }

    #[test]
    fn rwg_split_team() {
        // Half the team answers 1, half 7 on every item: variance 10.8 > 4.
        let items = vec![
            item("a", "x", false),
            item("b", "x", false),
            item("c", "y", false),
        ];
        let mut responses = vec![vec![Some(1); 3]; 3];
        responses.extend(vec![vec![Some(7); 3]; 3]);
        let a = agreement(&items, 7, &responses).expect("agreement");
        assert_eq!(a.rwg_j, 0.0);
        assert!(a.views_differ);
    }

    #[test]
    fn rwg_moderate_and_cutoff() {
        // Every item answered 4, 5, 6: variance 1 each, ratio 1/4, J = 2.
        // rwg = 2(0.75) / (2(0.75) + 0.25) = 1.5 / 1.75 = 0.857.
        let items = vec![item("a", "x", false), item("b", "x", false)];
        let responses: Vec<Vec<Option<u8>>> = [4, 5, 6].iter().map(|&r| vec![Some(r); 2]).collect();
        let a = agreement(&items, 7, &responses).expect("agreement");
        assert_close!(a.rwg_j, 1.5 / 1.75, 1e-12);
        assert!(!a.views_differ);
    }

    #[test]
    fn rwg_leaves_out_items_with_fewer_than_two_answers() {
        // Item b has a single answer: only item a is used (J = 1).
        // a: 3, 5 -> variance 2, ratio 0.5, rwg = 0.5 / (0.5 + 0.5) = 0.5.
        let items = vec![item("a", "x", false), item("b", "x", false)];
        let responses = vec![vec![Some(3), Some(1)], vec![Some(5), None]];
        let a = agreement(&items, 7, &responses).expect("agreement");
        assert_close!(a.rwg_j, 0.5, 1e-12);
        assert!(a.views_differ);
        // No item with two answers: None.
        let responses = vec![vec![Some(3), None], vec![None, Some(5)]];
        assert_eq!(agreement(&items, 7, &responses), None);
    }

    #[test]
    fn rwg_needs_two_respondents() {
        let items = vec![item("a", "x", false)];
        assert_eq!(agreement(&items, 7, &[vec![Some(4)]]), None);
        assert_eq!(agreement(&items, 7, &[vec![Some(4)], vec![None]]), None);
        assert_eq!(agreement(&items, 1, &[vec![Some(1)], vec![Some(1)]]), None);
    }

    #[test]
    fn change_within_noise() {
        // threshold = 1.96 · sqrt(0.3² + 0.4²) = 1.96 · 0.5 = 0.98.
        let prev = summary_with(4.0, 0.3);
        let c = change(&prev, &summary_with(4.9, 0.4));
        assert_close!(c.delta, 0.9);
        assert!(c.within_noise);
        let c = change(&prev, &summary_with(3.1, 0.4));
        assert_close!(c.delta, -0.9);
        assert!(c.within_noise);
        assert_close!(noise_threshold(&prev, &summary_with(0.0, 0.4)), 0.98, 1e-3);
    }

    #[test]
    fn change_outside_noise() {
        let prev = summary_with(4.0, 0.3);
        let c = change(&prev, &summary_with(5.0, 0.4));
        assert_close!(c.delta, 1.0);
        assert!(!c.within_noise);
        let c = change(&prev, &summary_with(2.9, 0.4));
        assert!(!c.within_noise);
        // Both se 0: any change is real, no change is within noise.
        assert!(!change(&summary_with(4.0, 0.0), &summary_with(4.1, 0.0)).within_noise);
        assert!(change(&summary_with(4.0, 0.0), &summary_with(4.0, 0.0)).within_noise);
    }

    #[test]
    fn participation_bands() {
        let band = |r, e, k| participation_band(r, e, k);
        assert_eq!(band(7, Some(10), 5).as_deref(), Some("70–80 %"));
        assert_eq!(band(3, Some(4), 3).as_deref(), Some("70–80 %")); // 0.75
        assert_eq!(band(1, Some(20), 3).as_deref(), Some("0–10 %")); // 0.05
        assert_eq!(band(0, Some(10), 5).as_deref(), Some("0–10 %"));
        assert_eq!(band(9, Some(10), 5).as_deref(), Some("90–100 %"));
        assert_eq!(band(99, Some(100), 5).as_deref(), Some("90–100 %"));
        assert_eq!(band(10, Some(10), 5).as_deref(), Some("100 %"));
        assert_eq!(band(12, Some(10), 5).as_deref(), Some("100 %"));
        assert_eq!(band(3, Some(4), 5), None); // expected < k
        assert_eq!(band(5, Some(5), 5).as_deref(), Some("100 %")); // expected == k
        assert_eq!(band(7, None, 5), None);
        assert_eq!(band(0, Some(0), 0), None);
    }

    fn entries(v: &[(&str, f64)]) -> Vec<(String, f64)> {
        v.iter().map(|(id, m)| (id.to_string(), *m)).collect()
    }

    #[test]
    fn strengths_with_three_entries() {
        let (s, c) = strengths_and_concerns(&entries(&[("a", 4.0), ("b", 6.0), ("c", 5.0)]));
        assert_eq!(s, ["b", "c"]);
        assert_eq!(c, ["a"]);
    }

    #[test]
    fn strengths_with_four_entries() {
        let (s, c) =
            strengths_and_concerns(&entries(&[("a", 4.0), ("b", 6.0), ("c", 5.0), ("d", 3.0)]));
        assert_eq!(s, ["b", "c"]);
        assert_eq!(c, ["d", "a"]);
    }

    #[test]
    fn strengths_with_seven_entries_and_ties() {
        let e = entries(&[
            ("g", 5.0),
            ("f", 6.5),
            ("e", 6.5),
            ("d", 4.0),
            ("c", 2.5),
            ("b", 5.5),
            ("a", 2.5),
        ]);
        let (s, c) = strengths_and_concerns(&e);
        assert_eq!(s, ["e", "f"]); // tie at 6.5 broken by id
        assert_eq!(c, ["a", "c"]); // tie at 2.5 broken by id
    }

    #[test]
    fn strengths_small_and_degenerate() {
        assert_eq!(strengths_and_concerns(&[]), (vec![], vec![]));
        let (s, c) = strengths_and_concerns(&entries(&[("a", 4.0)]));
        assert_eq!((s, c), (vec!["a".to_string()], vec![]));
        let (s, c) = strengths_and_concerns(&entries(&[("a", 4.0), ("b", 5.0)]));
        assert_eq!((s, c), (vec!["b".to_string()], vec!["a".to_string()]));
        // All equal: still disjoint.
        let (s, c) = strengths_and_concerns(&entries(&[
            ("d", 4.0),
            ("c", 4.0),
            ("b", 4.0),
            ("a", 4.0),
            ("e", 4.0),
        ]));
        assert_eq!(s, ["a", "b"]);
        assert_eq!(c, ["c", "d"]);
        // Non-finite means are ignored.
        let (s, c) = strengths_and_concerns(&entries(&[("a", f64::NAN), ("b", 5.0)]));
        assert_eq!((s, c), (vec!["b".to_string()], vec![]));
    }

    #[test]
    fn t975_known_values() {
        let known = [
            (1, 12.706),
            (2, 4.303),
            (4, 2.776),
            (9, 2.262),
            (29, 2.045),
            (30, 2.042),
            (31, 2.040),
            (40, 2.021),
            (60, 2.000),
            (120, 1.980),
            (1000, 1.962),
        ];
        for (df, t) in known {
            assert_close!(t975(df), t, 1e-3);
        }
        assert_close!(t975(u32::MAX), 1.960, 1e-3);
        assert_eq!(t975(0), f64::INFINITY);
    }

    #[test]
    fn t975_is_decreasing_and_continuous_at_table_end() {
        for df in 1..500 {
            assert!(t975(df) > t975(df + 1), "df {df}");
        }
        // Exact t(31) = 2.039513446; the expansion must hit it closely.
        assert_close!(t975(31), 2.039_513_446, 1e-6);
        assert_close!(t975(60), 2.000_297_822, 1e-6);
        assert_close!(t975(120), 1.979_930_405, 1e-6);
    }

    fn summaries_close(a: &Option<Summary>, b: &Option<Summary>) -> bool {
        match (a, b) {
            (None, None) => true,
            (Some(a), Some(b)) => {
                let fa = [a.mean, a.sd, a.se, a.ci[0], a.ci[1], a.sum];
                let fb = [b.mean, b.sd, b.se, b.ci[0], b.ci[1], b.sum];
                a.n == b.n
                    && shares_of(a) == shares_of(b)
                    && fa.iter().zip(fb).all(|(x, y)| close(*x, y, 1e-12))
            }
            _ => false,
        }
    }

    #[test]
    fn serde_round_trip() {
        // serde_json without its `float_roundtrip` feature may be 1 ulp off,
        // so compare numbers with a tolerance.
        let (items, responses) = example();
        let g = compute(&items, 7, &responses, Some(8));
        let json = serde_json::to_string(&g).expect("serialize");
        let back: GroupStats = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(back.respondents, g.respondents);
        assert!(summaries_close(&back.overall, &g.overall));
        assert_eq!(back.dimensions.len(), g.dimensions.len());
        for (x, y) in back.dimensions.iter().zip(&g.dimensions) {
            assert_eq!(x.id, y.id);
            assert!(summaries_close(&x.summary, &y.summary));
        }
        assert_eq!(back.items.len(), g.items.len());
        for (x, y) in back.items.iter().zip(&g.items) {
            assert_eq!((&x.id, &x.dimension), (&y.id, &y.dimension));
            assert!(summaries_close(&x.summary, &y.summary));
        }
        assert_eq!(back.agreement, g.agreement);
        assert!(json.contains("\"rwg_j\""));
        assert!(json.contains("\"views_differ\":true"));
        let band_json = serde_json::to_string(&Band::Unfavourable).expect("band");
        assert_eq!(band_json, "\"unfavourable\"");
        let item_back: ItemDef =
            serde_json::from_str(&serde_json::to_string(&items[1]).expect("item")).expect("item");
        assert_eq!(item_back, items[1]);
    }
}
