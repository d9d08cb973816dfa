//! From what [`crate::report`] releases to a key to the pure charts of
//! [`crate::charts`]: the one way pages, API and CLI build a chart. The
//! `*_chart` functions are pure (typed report values and the round's pinned
//! survey in, a [`charts`] input out); the `load_*` functions read those
//! values for a key and call them. A chart never holds a number the same
//! key's JSON would not show.
//!
//! A trend compares like with like: only rounds of one survey form a line
//! (`survey`, default the survey of the group's latest closed round); open
//! rounds are not drawn, hidden rounds are gaps. The organisation's released
//! line is the comparison only for a key that may see the organisation.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use rusqlite::Connection;

use super::texts::texts;
use crate::charts::{self, Cell, ItemBar, OverviewTeam, RoundDetail, TrendRound, TrendValue};
use crate::domain::access::Principal;
use crate::domain::lang::Lang;
use crate::domain::results::{Figure, Part, Released};
use crate::domain::survey::{self, Survey};
use crate::report::{self, CellStatus, ORGANISATION_ID, TeamRound, View};
use crate::storage::{self, StorageError};

/// Why a chart cannot be drawn for this key.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// The group has no closed round of this survey (or none at all).
    #[error("{team} has no closed round of survey {survey:?}")]
    UnknownSurvey { team: String, survey: String },
    #[error("{team} has no closed round yet")]
    NoRounds { team: String },
    #[error("survey {survey:?} has no dimension {dimension:?} (its dimensions: {known})")]
    UnknownDimension {
        survey: String,
        dimension: String,
        known: String,
    },
    /// A round that still takes answers has nothing to draw.
    #[error("round {round} is still open; its chart exists only after it closes")]
    Open { round: i64 },
    /// A closed round not yet released to this manager: nothing to draw.
    #[error("round {round} is not yet released to this team's manager")]
    Pending { round: i64 },
    /// No mirror: the manager gave no expectation (or skipped the step).
    #[error("the manager of {team} gave no expectation for round {round}")]
    NoMirror { team: String, round: i64 },
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// What a trend chart is asked for.
#[derive(Debug, Clone, Default)]
pub struct TrendQuery {
    /// A survey's id; default the survey of the group's latest closed round.
    pub survey: Option<String>,
    /// A dimension's id instead of the overall score.
    pub dimension: Option<String>,
}

/// A survey a group has closed rounds of.
#[derive(Debug, Clone, PartialEq)]
pub struct SurveyChoice {
    pub id: String,
    /// Its title in the language asked (from the latest round's pinned text).
    pub title: String,
}

/// A group's trend within one survey: the rounds of that survey (for the
/// table), every survey it has rounds of (to switch) and the chart.
#[derive(Debug, Clone)]
pub struct TrendSelection {
    /// Only the selected survey's closed rounds, oldest first.
    pub trend: report::Trend,
    /// Every survey with closed rounds, the most recent first.
    pub surveys: Vec<SurveyChoice>,
    /// The selected survey's id (none without any closed round).
    pub selected: Option<String>,
    /// None without any closed round.
    pub chart: Option<charts::Trend>,
}

// ---- pure ----

/// The survey ids of the group's closed rounds, the most recent first.
pub fn survey_ids(trend: &report::Trend) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for r in trend.rounds.iter().rev() {
        if !out.contains(&r.round.survey.as_str()) {
            out.push(&r.round.survey);
        }
    }
    out
}

/// The survey a trend draws: the one asked for (if the group has closed
/// rounds of it), else the survey of its latest closed round.
pub fn pick_survey<'a>(
    trend: &'a report::Trend,
    asked: Option<&str>,
) -> Result<Option<&'a str>, ChartError> {
    let ids = survey_ids(trend);
    match asked {
        None => Ok(ids.first().copied()),
        Some(a) => ids
            .iter()
            .find(|id| **id == a)
            .map(|id| Some(*id))
            .ok_or_else(|| ChartError::UnknownSurvey {
                team: trend.team.name.clone(),
                survey: a.to_string(),
            }),
    }
}

/// Only the rounds of one survey.
pub fn of_survey(trend: &report::Trend, survey_id: &str) -> report::Trend {
    report::Trend {
        team: trend.team.clone(),
        rounds: trend
            .rounds
            .iter()
            .filter(|r| r.round.survey == survey_id)
            .cloned()
            .collect(),
    }
}

/// The figure drawn for a released result: the overall score or one
/// dimension's (none when that dimension is hidden).
fn figure<'a>(result: &'a Released, dimension: Option<&str>) -> Option<&'a Figure> {
    match dimension {
        None => Some(&result.overall),
        Some(d) => result
            .dimensions
            .iter()
            .find(|p| p.id() == d)
            .and_then(Part::figure),
    }
}

/// The trend chart of `trend`'s rounds of `survey` (its latest pinned text):
/// overall or one dimension, with the organisation's released line beside it
/// when `comparison` is given.
pub fn trend_chart(
    trend: &report::Trend,
    survey: &Survey,
    dimension: Option<&str>,
    comparison: Option<&report::Trend>,
    lang: Lang,
) -> Result<charts::Trend, ChartError> {
    let title = match dimension {
        None => texts(lang).overall_score.to_string(),
        Some(d) => survey
            .dimension(d)
            .map(|dim| dim.name.get(lang).to_string())
            .ok_or_else(|| ChartError::UnknownDimension {
                survey: survey.id.clone(),
                dimension: d.to_string(),
                known: survey
                    .dimensions
                    .iter()
                    .map(|d| d.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })?,
    };
    let rounds: Vec<&TeamRound> = trend
        .rounds
        .iter()
        .filter(|r| r.round.survey == survey.id && !matches!(r.view, View::Open { .. }))
        .collect();
    let points = rounds
        .iter()
        .rev()
        .find_map(|r| r.scale_points())
        .unwrap_or(survey.scale.points);
    let drawn = rounds
        .iter()
        .map(|r| TrendRound {
            label: r.round.title.clone(),
            value: match r.released().map(|res| figure(res, dimension)) {
                _ if r.view == View::Pending => TrendValue::Pending,
                Some(Some(f)) => TrendValue::Released {
                    mean: f.mean,
                    ci: f.ci,
                    n: f.n,
                },
                // A hidden group, or a hidden dimension of a released one.
                Some(None) | None => TrendValue::Hidden,
            },
        })
        .collect();
    let comparison = comparison.map(|org| {
        let by_round: HashMap<i64, f64> = org
            .rounds
            .iter()
            .filter_map(|r| Some((r.round.id, figure(r.released()?, dimension)?.mean)))
            .collect();
        rounds
            .iter()
            .map(|r| by_round.get(&r.round.id).copied())
            .collect()
    });
    Ok(charts::Trend::new(
        title,
        survey.title.get(lang),
        trend.team.name.clone(),
        points,
        drawn,
        comparison,
    ))
}

/// The round detail of one closed group-round: per statement its shares,
/// strengths first (by mean), hidden statements last and without a bar. A
/// hidden group: every statement hidden, no number at all.
pub fn round_chart(r: &TeamRound, survey: &Survey, lang: Lang) -> Result<RoundDetail, ChartError> {
    let title = format!("{} — {}", r.team.name, r.round.title);
    let text = |id: &str| {
        survey
            .item(id)
            .map(|i| i.text.get(lang).to_string())
            .unwrap_or_else(|| id.to_string())
    };
    let items = match &r.view {
        View::Open { .. } => return Err(ChartError::Open { round: r.round.id }),
        View::Pending => return Err(ChartError::Pending { round: r.round.id }),
        View::Suppressed => survey
            .items
            .iter()
            .map(|i| ItemBar {
                text: i.text.get(lang).to_string(),
                reverse: i.reverse,
                mean: None,
                shares: None,
            })
            .collect(),
        View::Released { result, .. } => {
            let mut items: Vec<ItemBar> = result
                .items
                .iter()
                .map(|p| {
                    let f = p.figure();
                    ItemBar {
                        text: text(p.id()),
                        reverse: r.is_reversed(p.id()),
                        mean: f.map(|f| f.mean),
                        shares: f.map(|f| f.shares),
                    }
                })
                .collect();
            // Strengths first; hidden statements (no mean) last.
            items.sort_by(|a, b| match (a.mean, b.mean) {
                (Some(x), Some(y)) => y.total_cmp(&x),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            });
            items
        }
    };
    Ok(RoundDetail {
        title,
        points: r.scale_points().unwrap_or(survey.scale.points),
        items,
    })
}

/// The heatmap of the overview: the organisation, then each department with
/// its teams under it (indented), every round a column.
pub fn overview_chart(o: &report::Overview, points: u8) -> charts::Overview {
    let index: HashMap<&str, usize> = o
        .teams
        .iter()
        .enumerate()
        .map(|(i, g)| (g.id.as_str(), i))
        .collect();
    let mut children: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut roots = Vec::new();
    for (i, g) in o.teams.iter().enumerate() {
        match g.parent.as_deref().filter(|p| index.contains_key(p)) {
            Some(p) => children.entry(p).or_default().push(i),
            None => roots.push(i),
        }
    }
    // Depth-first, the organisation and top-level groups as headings.
    let mut order: Vec<(usize, u8)> = Vec::with_capacity(o.teams.len());
    let mut stack: Vec<(usize, u8)> = roots.iter().rev().map(|&i| (i, 0)).collect();
    while let Some((i, depth)) = stack.pop() {
        order.push((i, depth));
        if let Some(kids) = children.get(o.teams[i].id.as_str()) {
            stack.extend(kids.iter().rev().map(|&k| (k, 1)));
        }
    }
    let grid = o.grid();
    charts::Overview {
        teams: order
            .iter()
            .map(|&(i, depth)| OverviewTeam {
                name: o.teams[i].name.clone(),
                depth,
            })
            .collect(),
        rounds: o.rounds.iter().map(|r| r.title.clone()).collect(),
        cells: order
            .iter()
            .map(|&(i, _)| {
                o.rounds
                    .iter()
                    .map(|r| match grid.get(&(o.teams[i].id.as_str(), r.id)) {
                        Some(CellStatus::Released { score, .. }) => Cell::Score(*score),
                        Some(CellStatus::Suppressed) => Cell::Hidden,
                        Some(CellStatus::Open { .. }) => Cell::Open,
                        None => Cell::Empty,
                    })
                    .collect()
            })
            .collect(),
        points,
    }
}

// ---- loading for a key ----

/// A round's pinned survey, parsed once per distinct text.
pub fn round_survey(conn: &Connection, round_id: i64) -> Result<Arc<Survey>, StorageError> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<Survey>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Mutex::default);
    let source = storage::round_survey_source(conn, round_id)?;
    if let Some(s) = cache.lock().ok().and_then(|m| m.get(&source).cloned()) {
        return Ok(s);
    }
    let parsed = Arc::new(
        survey::parse(&format!("round {round_id}"), &source, None)
            .map_err(|e| StorageError::Corrupt(e.to_string()))?,
    );
    if let Ok(mut m) = cache.lock() {
        m.insert(source, parsed.clone());
    }
    Ok(parsed)
}

/// The survey pinned by the latest of `trend`'s rounds of `survey_id`.
fn latest_survey(
    conn: &Connection,
    trend: &report::Trend,
    survey_id: &str,
) -> Result<Option<Arc<Survey>>, StorageError> {
    trend
        .rounds
        .iter()
        .rev()
        .find(|r| r.round.survey == survey_id)
        .map(|r| round_survey(conn, r.round.id))
        .transpose()
}

/// A group's trend for key `p`, within one survey.
pub fn load_trend(
    conn: &Connection,
    p: Principal,
    team_id: &str,
    q: &TrendQuery,
    lang: Lang,
) -> Result<TrendSelection, ChartError> {
    let all = report::trend(conn, p, team_id)?;
    let mut surveys = Vec::new();
    for id in survey_ids(&all) {
        if let Some(s) = latest_survey(conn, &all, id)? {
            surveys.push(SurveyChoice {
                id: id.to_string(),
                title: s.title.get(lang).to_string(),
            });
        }
    }
    let Some(selected) = pick_survey(&all, q.survey.as_deref())?.map(str::to_string) else {
        return Ok(TrendSelection {
            trend: all,
            surveys,
            selected: None,
            chart: None,
        });
    };
    let trend = of_survey(&all, &selected);
    let survey = latest_survey(conn, &trend, &selected)?.ok_or_else(|| ChartError::NoRounds {
        team: trend.team.name.clone(),
    })?;
    let comparison = if p.sees_organisation() && team_id != ORGANISATION_ID {
        Some(report::trend(conn, p, ORGANISATION_ID)?)
    } else {
        None
    };
    let chart = trend_chart(
        &trend,
        &survey,
        q.dimension.as_deref(),
        comparison.as_ref(),
        lang,
    )?;
    Ok(TrendSelection {
        trend,
        surveys,
        selected: Some(selected),
        chart: Some(chart),
    })
}

/// A group's trend chart for key `p` (none without any closed round is an
/// error here: there is nothing to draw).
pub fn trend(
    conn: &Connection,
    p: Principal,
    team_id: &str,
    q: &TrendQuery,
    lang: Lang,
) -> Result<charts::Trend, ChartError> {
    let s = load_trend(conn, p, team_id, q, lang)?;
    s.chart.ok_or(ChartError::NoRounds {
        team: s.trend.team.name,
    })
}

/// One group's round detail for key `p`.
pub fn round(
    conn: &Connection,
    p: Principal,
    team_id: &str,
    round_id: i64,
    lang: Lang,
) -> Result<RoundDetail, ChartError> {
    let r = report::team_round(conn, p, team_id, round_id)?;
    match r.view {
        View::Open { .. } => return Err(ChartError::Open { round: round_id }),
        View::Pending => return Err(ChartError::Pending { round: round_id }),
        View::Released { .. } | View::Suppressed => {}
    }
    let survey = round_survey(conn, round_id)?;
    round_chart(&r, &survey, lang)
}

/// The overview heatmap (advisors only; anyone else: not found).
pub fn overview(conn: &Connection, p: Principal) -> Result<charts::Overview, ChartError> {
    let o = report::overview(conn, p)?;
    Ok(overview_chart(&o, overview_points(conn, &o)?))
}

/// One scale for the heatmap's colours: the widest of the rounds' surveys.
pub fn overview_points(conn: &Connection, o: &report::Overview) -> Result<u8, StorageError> {
    let mut points = 2u8;
    let mut seen: Vec<&str> = Vec::new();
    for r in &o.rounds {
        if !seen.contains(&r.survey.as_str()) {
            seen.push(&r.survey);
            points = points.max(round_survey(conn, r.id)?.scale.points);
        }
    }
    Ok(points)
}

// ---- drawing ----

/// A chart file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Svg,
    Png,
}

impl Format {
    /// The format a file name's extension asks for (`.svg`, `.png`).
    pub fn of_path(path: &std::path::Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "svg" => Some(Format::Svg),
            "png" => Some(Format::Png),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Svg => "image/svg+xml",
            Format::Png => "image/png",
        }
    }
}

/// The chart as a file: `width` defaults to a slide's (1,600 px), `height`
/// to 900 px for a trend and to what the rows need for the others.
pub fn render(
    chart: &charts::Chart,
    format: Format,
    lang: Lang,
    width: Option<u32>,
    height: Option<u32>,
) -> Result<Vec<u8>, charts::Error> {
    let width = width.unwrap_or(charts::PNG_SIZE.0);
    let height = height.unwrap_or_else(|| match chart {
        charts::Chart::Trend(_) => charts::PNG_SIZE.1,
        _ => chart.natural_height(width, lang),
    });
    match format {
        Format::Svg => charts::svg(chart, lang, width, height).map(String::into_bytes),
        Format::Png => charts::png(chart, lang, width, height),
    }
}

/// A gap of at least this many scale points is flagged in the mirror (as is
/// an expectation outside the statement's 95 % interval: [`charts::flag`]).
pub const MIRROR_THRESHOLD: f64 = 0.5;

/// The mirror of one team-round for key `p`: the manager's expectation per
/// statement of the team survey against the team's mean (both
/// reverse-scored: higher is more favourable). Absent when the round is
/// not released to `p`, or the manager gave no expectation.
pub fn mirror(
    conn: &Connection,
    p: Principal,
    team_id: &str,
    round_id: i64,
    lang: Lang,
) -> Result<charts::Mirror, ChartError> {
    let r = report::team_round(conn, p, team_id, round_id)?;
    let result = match &r.view {
        View::Released { result, .. } => result.clone(),
        View::Open { .. } => return Err(ChartError::Open { round: round_id }),
        View::Pending => return Err(ChartError::Pending { round: round_id }),
        View::Suppressed => {
            return Err(ChartError::NoMirror {
                team: r.team.name.clone(),
                round: round_id,
            });
        }
    };
    let no_mirror = || ChartError::NoMirror {
        team: r.team.name.clone(),
        round: round_id,
    };
    let team = storage::team(conn, team_id).map_err(|_| no_mirror())?;
    let e = storage::expectation(conn, team.key, round_id)?
        .filter(|e| !e.skipped)
        .ok_or_else(no_mirror)?;
    let survey = round_survey(conn, round_id)?;
    let points = survey.scale.points;
    let items: Vec<charts::MirrorItem> = survey
        .items
        .iter()
        .filter_map(|item| {
            let given = f64::from(*e.answers.get(&item.id)?);
            let expected = if item.reverse {
                f64::from(points) + 1.0 - given
            } else {
                given
            };
            let figure = result
                .items
                .iter()
                .find(|i| i.id() == item.id)
                .and_then(Part::figure);
            Some(charts::MirrorItem {
                text: item.text.get(lang).to_string(),
                expected,
                team: figure.map(|f| f.mean),
                ci: figure.map(|f| f.ci),
            })
        })
        .collect();
    if items.is_empty() {
        return Err(no_mirror());
    }
    let title = format!(
        "{} — {}: {}",
        r.team.name,
        r.round.title,
        match lang {
            Lang::Nl => "verwachting en team",
            Lang::En => "expectation and team",
        }
    );
    Ok(charts::Mirror::new(title, points, MIRROR_THRESHOLD, items))
}

/// Drawn SVGs by the exact input they were drawn from, so a page that many
/// people reload is not redrawn each time (a team page inlines four).
///
/// The key is a blake3 hash of the chart's full input (every value, label
/// and note, which is already what this viewer may see), the language and
/// the size. An entry can therefore only ever be served for the identical
/// input: the cache cannot show one viewer what another was shown, and
/// nothing goes stale when results or releases change, because then the
/// input changes. Bounded: at [`SVG_CACHE_ENTRIES`] it starts afresh.
/// Without a `height`, the chart's natural height at `width`, worked out
/// only when it is drawn (measuring its text is a good part of drawing it).
pub fn svg_cached(
    chart: &charts::Chart,
    lang: Lang,
    width: u32,
    height: Option<u32>,
) -> Result<Arc<str>, charts::Error> {
    static CACHE: OnceLock<Mutex<HashMap<[u8; 32], Arc<str>>>> = OnceLock::new();
    let key = {
        // Hashed as it is written out, without building the text first.
        struct Hashing(blake3::Hasher);
        impl std::fmt::Write for Hashing {
            fn write_str(&mut self, s: &str) -> std::fmt::Result {
                self.0.update(s.as_bytes());
                Ok(())
            }
        }
        let mut h = Hashing(blake3::Hasher::new());
        let _ = std::fmt::Write::write_fmt(
            &mut h,
            format_args!("{chart:?}|{lang:?}|{width}|{height:?}"),
        );
        *h.0.finalize().as_bytes()
    };
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(svg) = cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
        return Ok(svg);
    }
    let height = height.unwrap_or_else(|| chart.natural_height(width, lang));
    let svg: Arc<str> = charts::svg(chart, lang, width, height)?.into();
    if let Ok(mut c) = cache.lock() {
        if c.len() >= SVG_CACHE_ENTRIES {
            c.clear();
        }
        c.insert(key, svg.clone());
    }
    Ok(svg)
}

/// At most this many drawn SVGs are kept (a team page's are 10–25 KB each).
const SVG_CACHE_ENTRIES: usize = 256;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::samples;

    #[test]
    fn a_cached_svg_is_served_only_for_the_identical_input() {
        let a: charts::Chart = samples::trend(12, "Team Cache A").into();
        let b: charts::Chart = samples::trend(12, "Team Cache B").into();
        let first = svg_cached(&a, Lang::Nl, 672, Some(400)).unwrap();
        let again = svg_cached(&a, Lang::Nl, 672, Some(400)).unwrap();
        assert!(Arc::ptr_eq(&first, &again), "the same input is drawn once");
        assert_eq!(&*first, charts::svg(&a, Lang::Nl, 672, 400).unwrap());
        let other = svg_cached(&b, Lang::Nl, 672, Some(400)).unwrap();
        assert!(other.contains("Team Cache B") && !other.contains("Team Cache A"));
        let english = svg_cached(&a, Lang::En, 672, Some(400)).unwrap();
        assert_ne!(&*english, &*first, "the language is part of the key");
        let narrow = svg_cached(&a, Lang::Nl, 328, Some(400)).unwrap();
        assert_ne!(&*narrow, &*first, "the size is part of the key");
    }
}
