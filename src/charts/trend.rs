//! The trend: one score per round of one survey on the survey's fixed scale,
//! the 95 % interval as a band, the run-chart centre line and verdict.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::Error;
use super::draw::{self, BODY, Pen, Res, SMALL, Sign, TITLE, num, tr};
use crate::domain::lang::Lang;
use crate::domain::runchart::{self, Direction, MIN_USEFUL, RunChart, Verdict};

/// A team's (or department's, or the organisation's) score per round of one
/// survey, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct Trend {
    /// What is drawn: "Totaalscore" / "Overall score", or a dimension's name.
    pub title: String,
    /// The survey the rounds belong to (a trend never mixes surveys).
    pub survey_title: String,
    /// Whose score: the team's or department's name.
    pub subject: String,
    /// The survey's scale runs 1..=points; the y-axis always shows all of it.
    pub points: u8,
    pub rounds: Vec<TrendRound>,
    /// The organisation's released score per round (same length and order as
    /// `rounds`; `None` where it has none), drawn thin and grey.
    pub comparison: Option<Vec<Option<f64>>>,
    /// The run-chart analysis of the released means, indices into `rounds`
    /// ([`Trend::new`] computes it).
    pub run_chart: RunChart,
}

/// One round on the x-axis.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendRound {
    /// The round's title, e.g. "Pulse 2026-03".
    pub label: String,
    pub value: TrendValue,
}

/// What the viewer may see of a round.
#[derive(Debug, Clone, PartialEq)]
pub enum TrendValue {
    /// Released: the mean, its 95 % interval and the number of respondents.
    Released { mean: f64, ci: [f64; 2], n: u32 },
    /// Suppressed: a labelled gap, no number at all.
    Hidden,
    /// Closed but not (yet) released to this viewer: a labelled gap.
    Pending,
}

impl Trend {
    /// A trend with its run-chart analysis computed from the released means.
    pub fn new(
        title: impl Into<String>,
        survey_title: impl Into<String>,
        subject: impl Into<String>,
        points: u8,
        rounds: Vec<TrendRound>,
        comparison: Option<Vec<Option<f64>>>,
    ) -> Trend {
        let means: Vec<Option<f64>> = rounds.iter().map(TrendRound::mean).collect();
        Trend {
            title: title.into(),
            survey_title: survey_title.into(),
            subject: subject.into(),
            points,
            rounds,
            comparison,
            run_chart: runchart::analyse(&means),
        }
    }

    pub(crate) fn heading(&self, _lang: Lang) -> String {
        format!("{} — {}", self.title, self.subject)
    }

    fn released(&self) -> usize {
        self.rounds.iter().filter(|r| r.mean().is_some()).count()
    }

    /// The run-chart verdict in words, starting lower case.
    pub fn verdict(&self, lang: Lang) -> String {
        match self.run_chart.verdict {
            Verdict::TooEarly => match lang {
                Lang::Nl => format!("te vroeg om iets te zeggen ({MIN_USEFUL} rondes nodig)"),
                Lang::En => format!("too early to tell ({MIN_USEFUL} rounds needed)"),
            },
            Verdict::NoSignal => tr(
                lang,
                "geen signaal van verandering, alleen variatie",
                "no signal of change, only variation",
            )
            .to_string(),
            Verdict::Shift { direction, since } => {
                let label = self
                    .rounds
                    .get(since)
                    .map(|r| r.label.as_str())
                    .unwrap_or("?");
                let way = match (direction, lang) {
                    (Direction::Up, Lang::Nl) => "opwaartse verschuiving sinds",
                    (Direction::Down, Lang::Nl) => "neerwaartse verschuiving sinds",
                    (Direction::Up, Lang::En) => "upward shift since",
                    (Direction::Down, Lang::En) => "downward shift since",
                };
                format!("{way} {label}")
            }
        }
    }

    pub(crate) fn describe(&self, lang: Lang) -> String {
        let last = self
            .rounds
            .iter()
            .rev()
            .find_map(|r| r.mean().map(|m| (m, r.label.as_str())));
        let k = self.released();
        match (last, lang) {
            (Some((m, label)), Lang::Nl) => format!(
                "{} van {}: {} van {} in de laatste vrijgegeven ronde ({label}); {} over {k} {}.",
                self.title,
                self.subject,
                num(m, 1, lang),
                self.points,
                self.verdict(lang),
                if k == 1 { "ronde" } else { "rondes" }
            ),
            (Some((m, label)), Lang::En) => format!(
                "{} of {}: {} of {} in the last released round ({label}); {} over {k} {}.",
                self.title,
                self.subject,
                num(m, 1, lang),
                self.points,
                self.verdict(lang),
                if k == 1 { "round" } else { "rounds" }
            ),
            (None, Lang::Nl) => format!(
                "{} van {}: nog geen vrijgegeven ronde ({} rondes in {}).",
                self.title,
                self.subject,
                self.rounds.len(),
                self.survey_title
            ),
            (None, Lang::En) => format!(
                "{} of {}: no released round yet ({} rounds of {}).",
                self.title,
                self.subject,
                self.rounds.len(),
                self.survey_title
            ),
        }
    }
}

impl TrendRound {
    pub fn mean(&self) -> Option<f64> {
        match self.value {
            TrendValue::Released { mean, .. } if mean.is_finite() => Some(mean),
            _ => None,
        }
    }
}

/// How a row of per-round labels is laid out.
#[derive(Clone, Copy, PartialEq)]
enum Labels {
    /// Every label, horizontal.
    Across,
    /// Every label, read bottom to top.
    Up,
    /// Every `k`-th label (counted back from the last round), horizontal.
    Every(usize),
}

/// Longest label drawn under the axis, in characters.
const LABEL_CHARS: usize = 22;

fn plan(widest: i32, line: i32, slot: f64, gap: i32) -> Labels {
    if (widest + gap) as f64 <= slot {
        Labels::Across
    } else if (line + 2) as f64 <= slot {
        Labels::Up
    } else {
        Labels::Every(((widest + gap * 2) as f64 / slot).ceil().max(1.0) as usize)
    }
}

/// Lays the trend out at the pen's width: heading, legend, verdict, the
/// horizontal slots and the rows of labels under the plot.
fn frame<DB: DrawingBackend>(pen: &Pen<'_, DB>, t: &Trend, lang: Lang) -> Result<Frame, Error> {
    let (w, _) = pen.size();
    let m = pen.px(16.0);
    let count = t.rounds.len().max(1);

    // Heading.
    let mut y = m;
    y += pen.line_height(TITLE);
    let subtitle_y = y;
    let subtitle = subtitle_text(t, lang);
    y += pen.line_height(BODY) + pen.px(4.0);

    // Legend.
    let entries = legend_entries(t, lang);
    let legend_y = y;
    y = draw::legend_height(pen, &entries, (m, y), w - m)?;

    // The verdict and its note, wrapped, at the bottom.
    let (verdict_lines, note_lines) = verdict_and_note(pen, t, lang, w - 2 * m)?;
    let verdict_h = verdict_lines.len() as i32 * pen.line_height(BODY)
        + note_lines.len() as i32 * pen.line_height(SMALL);

    // Horizontal space: y labels, then one slot per round.
    let (axis_w, _) = pen.measure(&format!("{}", t.points.max(10)), SMALL)?;
    let left = m + axis_w + pen.px(10.0);
    let right = w - m;
    let slot = (right - left).max(1) as f64 / count as f64;

    // Rows under the plot: n, then the round titles.
    let line = pen.line_height(SMALL);
    let gap = pen.px(6.0);
    let (labels, label_plan, label_h) = title_row(pen, t, line, slot, gap)?;
    let (ns, n_plan, n_h) = n_row(pen, t, line, slot, gap)?;

    Ok(Frame {
        m,
        subtitle,
        subtitle_y,
        entries,
        legend_y,
        plot_top: y + pen.px(8.0),
        verdict_lines,
        note_lines,
        verdict_h,
        left,
        right,
        slot,
        line,
        labels,
        label_plan,
        label_h,
        ns,
        n_plan,
        n_h,
    })
}

/// The line under the heading: the survey and its scale.
fn subtitle_text(t: &Trend, lang: Lang) -> String {
    format!(
        "{} · {} 1–{}",
        t.survey_title,
        tr(lang, "schaal", "scale"),
        t.points
    )
}

/// The legend's entries: the subject, the band, and the organisation, centre
/// line and hidden rounds where the chart shows them.
fn legend_entries(t: &Trend, lang: Lang) -> Vec<(Sign, String)> {
    let mut entries = vec![
        (Sign::Line(draw::BLUE, 2.5), t.subject.clone()),
        (
            Sign::Band,
            tr(lang, "95%-betrouwbaarheidsinterval", "95% interval").to_string(),
        ),
    ];
    if t.comparison.is_some() {
        entries.push((
            Sign::Line(draw::GREY, 1.5),
            tr(lang, "organisatie", "organisation").to_string(),
        ));
    }
    if t.run_chart.median.is_some() {
        entries.push((
            Sign::Dashed(draw::CENTRE),
            tr(lang, "middenlijn (mediaan)", "centre line (median)").to_string(),
        ));
    }
    if t.rounds.iter().any(|r| r.value == TrendValue::Hidden) {
        entries.push((Sign::Hatch, hidden_word(lang).to_string()));
    }
    entries
}

/// The verdict and the run-chart note, each wrapped to `width`.
fn verdict_and_note<DB: DrawingBackend>(
    pen: &Pen<'_, DB>,
    t: &Trend,
    lang: Lang,
    width: i32,
) -> Result<(Vec<String>, Vec<String>), Error> {
    let verdict = capitalise(&t.verdict(lang));
    let verdict_lines = pen.wrap(&verdict, BODY, width)?;
    let note = match lang {
        Lang::Nl => format!(
            "Run-chart-regels (Anhøj): middenlijn = mediaan van de eerste {} vrijgegeven rondes; n = aantal respondenten.",
            runchart::FREEZE_AFTER
        ),
        Lang::En => format!(
            "Run-chart rules (Anhøj): centre line = median of the first {} released rounds; n = respondents.",
            runchart::FREEZE_AFTER
        ),
    };
    let note_lines = pen.wrap(&note, SMALL, width)?;
    Ok((verdict_lines, note_lines))
}

/// The round titles under the plot (clipped), how they fit their slots and
/// the height their row takes.
fn title_row<DB: DrawingBackend>(
    pen: &Pen<'_, DB>,
    t: &Trend,
    line: i32,
    slot: f64,
    gap: i32,
) -> Result<(Vec<String>, Labels, i32), Error> {
    let labels: Vec<String> = t
        .rounds
        .iter()
        .map(|r| draw::clip(&r.label, LABEL_CHARS))
        .collect();
    let mut widest = 0;
    for l in &labels {
        widest = widest.max(pen.measure(l, SMALL)?.0);
    }
    let label_plan = plan(widest, line, slot, gap);
    let label_h = match label_plan {
        Labels::Up => widest + gap,
        _ => line,
    };
    Ok((labels, label_plan, label_h))
}

/// The respondent counts under the plot (empty where not released), how they
/// fit their slots (never thinned out) and the height their row takes.
fn n_row<DB: DrawingBackend>(
    pen: &Pen<'_, DB>,
    t: &Trend,
    line: i32,
    slot: f64,
    gap: i32,
) -> Result<(Vec<String>, Labels, i32), Error> {
    let ns: Vec<String> = t
        .rounds
        .iter()
        .map(|r| match r.value {
            TrendValue::Released { n, .. } => n.to_string(),
            _ => String::new(),
        })
        .collect();
    let mut widest_n = 0;
    for n in &ns {
        widest_n = widest_n.max(pen.measure(n, SMALL)?.0);
    }
    let n_plan = match plan(widest_n, line, slot, pen.px(3.0)) {
        Labels::Every(_) => Labels::Up, // every n is shown, however narrow
        p => p,
    };
    let n_h = match n_plan {
        Labels::Up => widest_n + gap,
        _ => line,
    };
    Ok((ns, n_plan, n_h))
}

/// What the trend's layout needs besides the plot's own height.
struct Frame {
    m: i32,
    subtitle: String,
    subtitle_y: i32,
    entries: Vec<(Sign, String)>,
    legend_y: i32,
    plot_top: i32,
    verdict_lines: Vec<String>,
    note_lines: Vec<String>,
    verdict_h: i32,
    left: i32,
    right: i32,
    slot: f64,
    line: i32,
    labels: Vec<String>,
    label_plan: Labels,
    label_h: i32,
    ns: Vec<String>,
    n_plan: Labels,
    n_h: i32,
}

impl Frame {
    /// Space under the plot: n row, round titles, verdict, margins.
    fn below<DB: DrawingBackend>(&self, pen: &Pen<'_, DB>) -> i32 {
        self.m + self.verdict_h + pen.px(10.0) + self.label_h + self.n_h + pen.px(6.0)
    }
}

pub(super) fn natural_height(t: &Trend, width: u32, lang: Lang) -> u32 {
    let fallback = (width as f64 * 0.56).clamp(400.0, 1200.0) as u32;
    if super::font_ready().is_err() {
        return fallback;
    }
    let mut scratch = String::new();
    let area = SVGBackend::with_string(&mut scratch, (width.max(1), 10)).into_drawing_area();
    let pen = Pen::new(&area, false);
    match frame(&pen, t, lang) {
        Ok(f) => {
            let plot = (pen.px(240.0) as f64).max(width as f64 * 0.28) as i32;
            (f.plot_top + plot + f.below(&pen)).max(super::MIN_SIZE.1 as i32) as u32
        }
        Err(_) => fallback,
    }
}

/// Where the plot sits and how rounds and scores map onto it; shared by
/// every layer of the trend.
struct Plot {
    left: i32,
    right: i32,
    top: i32,
    bottom: i32,
    /// The width of one round's slot.
    slot: f64,
    /// The top of the scale (at least 2).
    points: f64,
}

impl Plot {
    /// The x of the centre of round `i`'s slot.
    fn cx(&self, i: usize) -> i32 {
        self.left + (self.slot * (i as f64 + 0.5)).round() as i32
    }

    /// The y of score `v`, clamped to the scale 1..=points.
    fn yv(&self, v: f64) -> i32 {
        let f = ((v - 1.0) / (self.points - 1.0)).clamp(0.0, 1.0);
        self.bottom - (f * (self.bottom - self.top) as f64).round() as i32
    }
}

/// Draws the trend, layer by layer, from the back to the front.
pub(super) fn draw<DB: DrawingBackend>(pen: &Pen<'_, DB>, t: &Trend, lang: Lang) -> Res {
    let (_, h) = pen.size();
    let f = frame(pen, t, lang)?;
    draw_heading(pen, t, &f, lang)?;

    let top = f.plot_top;
    let p = Plot {
        left: f.left,
        right: f.right,
        top,
        bottom: (h - f.below(pen)).max(top + 40),
        slot: f.slot,
        points: t.points.max(2) as f64,
    };
    draw_axes(pen, t, &p)?;
    draw_gaps(pen, t, &p, lang)?;

    // Runs of consecutive released rounds: the band and the line never cross
    // a gap.
    let released = released_values(t);
    draw_band(pen, &p, &released)?;
    if let Some(median) = t.run_chart.median {
        pen.dashed_h(p.left, p.right, p.yv(median), draw::CENTRE, 1.5)?;
    }
    draw_comparison(pen, t, &p)?;
    draw_line(pen, &p, &released)?;

    let n_top = p.bottom + pen.px(6.0);
    draw_ns(pen, &f, &p, n_top)?;
    draw_titles(pen, &f, &p, n_top + f.n_h)?;
    draw_verdict(pen, &f, h)
}

/// The title, the subtitle and the legend.
fn draw_heading<DB: DrawingBackend>(pen: &Pen<'_, DB>, t: &Trend, f: &Frame, lang: Lang) -> Res {
    let (w, _) = pen.size();
    let m = f.m;
    pen.text(
        &t.heading(lang),
        (m, m),
        TITLE,
        draw::INK,
        HPos::Left,
        VPos::Top,
    )?;
    pen.text(
        &f.subtitle,
        (m, f.subtitle_y),
        BODY,
        draw::MUTED,
        HPos::Left,
        VPos::Top,
    )?;
    draw::legend(pen, &f.entries, (m, f.legend_y), w - m)?;
    Ok(())
}

/// Grid and scale 1..points.
fn draw_axes<DB: DrawingBackend>(pen: &Pen<'_, DB>, t: &Trend, p: &Plot) -> Res {
    for k in 1..=t.points.max(2) {
        let yy = p.yv(k as f64);
        let color = if k == 1 { draw::GREY } else { draw::GRID };
        pen.line(vec![(p.left, yy), (p.right, yy)], color.to_rgba(), 1.0)?;
        pen.text(
            &k.to_string(),
            (p.left - pen.px(8.0), yy),
            SMALL,
            draw::MUTED,
            HPos::Right,
            VPos::Center,
        )?;
    }
    Ok(())
}

/// Hidden and pending rounds: labelled gaps across the plot.
fn draw_gaps<DB: DrawingBackend>(pen: &Pen<'_, DB>, t: &Trend, p: &Plot, lang: Lang) -> Res {
    let Plot {
        left,
        top,
        bottom,
        slot,
        ..
    } = *p;
    for (i, r) in t.rounds.iter().enumerate() {
        let word = match r.value {
            TrendValue::Hidden => hidden_word(lang),
            TrendValue::Pending => tr(lang, "nog niet vrijgegeven", "not yet released"),
            TrendValue::Released { .. } => continue,
        };
        let x0 = left + (slot * i as f64).round() as i32 + 1;
        let x1 = left + (slot * (i + 1) as f64).round() as i32 - 1;
        if r.value == TrendValue::Hidden {
            pen.hatch((x0, top), (x1, bottom), draw::HATCH)?;
        } else {
            pen.frame((x0, top), (x1, bottom), draw::GRID)?;
        }
        let (tw, th) = pen.measure(word, SMALL)?;
        let mid = (top + bottom) / 2;
        let pad = pen.px(3.0);
        if tw + 2 * pad <= x1 - x0 {
            pen.fill_rect(
                (p.cx(i) - tw / 2 - pad, mid - th / 2 - pad),
                (p.cx(i) + tw / 2 + pad, mid + th / 2 + pad),
                WHITE.to_rgba(),
            )?;
            pen.text(
                word,
                (p.cx(i), mid),
                SMALL,
                draw::INK,
                HPos::Center,
                VPos::Center,
            )?;
        } else {
            pen.fill_rect(
                (p.cx(i) - th / 2 - pad, mid - tw / 2 - pad),
                (p.cx(i) + th / 2 + pad, mid + tw / 2 + pad),
                WHITE.to_rgba(),
            )?;
            pen.text_up(word, (p.cx(i), mid), SMALL, draw::INK)?;
        }
    }
    Ok(())
}

/// Each round's mean and interval where released with a finite mean.
fn released_values(t: &Trend) -> Vec<Option<(f64, [f64; 2])>> {
    t.rounds
        .iter()
        .map(|r| match r.value {
            TrendValue::Released { mean, ci, .. } if mean.is_finite() => Some((mean, ci)),
            _ => None,
        })
        .collect()
}

/// The 95 % interval as a band per run of released rounds (a bar for a run
/// of one).
fn draw_band<DB: DrawingBackend>(
    pen: &Pen<'_, DB>,
    p: &Plot,
    released: &[Option<(f64, [f64; 2])>],
) -> Res {
    for seg in segments(released) {
        let hi: Vec<(i32, i32)> = seg
            .iter()
            .map(|&i| {
                (
                    p.cx(i),
                    p.yv(finite_or(released[i].map(|r| r.1[1]), p.points)),
                )
            })
            .collect();
        let lo: Vec<(i32, i32)> = seg
            .iter()
            .map(|&i| (p.cx(i), p.yv(finite_or(released[i].map(|r| r.1[0]), 1.0))))
            .collect();
        if seg.len() == 1 {
            let half = pen.px(5.0);
            pen.fill_rect(
                (hi[0].0 - half, hi[0].1),
                (lo[0].0 + half, lo[0].1),
                draw::band(),
            )?;
        } else {
            let mut poly = hi;
            poly.extend(lo.into_iter().rev());
            pen.polygon(poly, draw::band())?;
        }
    }
    Ok(())
}

/// The organisation's score, thin and grey, per run of rounds that have one
/// (a short tick for a run of one).
fn draw_comparison<DB: DrawingBackend>(pen: &Pen<'_, DB>, t: &Trend, p: &Plot) -> Res {
    if let Some(org) = &t.comparison {
        let org: Vec<Option<f64>> = (0..t.rounds.len())
            .map(|i| org.get(i).copied().flatten().filter(|v| v.is_finite()))
            .collect();
        for seg in segments(&org) {
            if seg.len() > 1 {
                let pts = seg
                    .iter()
                    .map(|&i| (p.cx(i), p.yv(org[i].unwrap_or(1.0))))
                    .collect();
                pen.line(pts, draw::GREY.to_rgba(), 1.5)?;
            } else if let Some(&i) = seg.first() {
                let yy = p.yv(org[i].unwrap_or(1.0));
                let half = pen.px(5.0);
                pen.line(
                    vec![(p.cx(i) - half, yy), (p.cx(i) + half, yy)],
                    draw::GREY.to_rgba(),
                    1.5,
                )?;
            }
        }
    }
    Ok(())
}

/// The subject's means: a blue line per run of released rounds and a dot on
/// each.
fn draw_line<DB: DrawingBackend>(
    pen: &Pen<'_, DB>,
    p: &Plot,
    released: &[Option<(f64, [f64; 2])>],
) -> Res {
    for seg in segments(released) {
        let pts: Vec<(i32, i32)> = seg
            .iter()
            .map(|&i| (p.cx(i), p.yv(released[i].map_or(1.0, |r| r.0))))
            .collect();
        if pts.len() > 1 {
            pen.line(pts.clone(), draw::BLUE.to_rgba(), 2.5)?;
        }
        for pt in pts {
            pen.dot(pt, pen.px(5.5), WHITE)?;
            pen.dot(pt, pen.px(4.0), draw::BLUE)?;
        }
    }
    Ok(())
}

/// n per round, in the row starting at `n_top`.
fn draw_ns<DB: DrawingBackend>(pen: &Pen<'_, DB>, f: &Frame, p: &Plot, n_top: i32) -> Res {
    let line = f.line;
    pen.text(
        "n",
        (p.left - pen.px(8.0), n_top + line / 2),
        SMALL,
        draw::MUTED,
        HPos::Right,
        VPos::Center,
    )?;
    for (i, n) in f.ns.iter().enumerate() {
        match f.n_plan {
            Labels::Up => pen.text_up_from_top(n, (p.cx(i), n_top), SMALL, draw::INK)?,
            _ => pen.text(
                n,
                (p.cx(i), n_top + line / 2),
                SMALL,
                draw::INK,
                HPos::Center,
                VPos::Center,
            )?,
        }
    }
    Ok(())
}

/// Round titles, in the row starting at `l_top`, laid out as planned.
fn draw_titles<DB: DrawingBackend>(pen: &Pen<'_, DB>, f: &Frame, p: &Plot, l_top: i32) -> Res {
    let (w, _) = pen.size();
    let (m, line, labels) = (f.m, f.line, &f.labels);
    let last = labels.len().saturating_sub(1);
    for (i, l) in labels.iter().enumerate() {
        match f.label_plan {
            Labels::Up => pen.text_up_from_top(l, (p.cx(i), l_top), SMALL, draw::INK)?,
            Labels::Across => pen.text(
                l,
                (p.cx(i), l_top + line / 2),
                SMALL,
                draw::INK,
                HPos::Center,
                VPos::Center,
            )?,
            Labels::Every(k) => {
                if (last - i) % k == 0 {
                    // Keep the first and last labels inside the chart.
                    let (lw, _) = pen.measure(l, SMALL)?;
                    let x = p.cx(i).clamp(m + lw / 2, w - m - lw / 2);
                    pen.line(
                        vec![(p.cx(i), p.bottom), (p.cx(i), p.bottom + pen.px(4.0))],
                        draw::GREY.to_rgba(),
                        1.0,
                    )?;
                    pen.text(
                        l,
                        (x, l_top + line / 2),
                        SMALL,
                        draw::INK,
                        HPos::Center,
                        VPos::Center,
                    )?;
                }
            }
        }
    }
    Ok(())
}

/// The verdict and its note, at the bottom of a chart `h` high.
fn draw_verdict<DB: DrawingBackend>(pen: &Pen<'_, DB>, f: &Frame, h: i32) -> Res {
    let m = f.m;
    let mut vy = h - m - f.verdict_h;
    for l in &f.verdict_lines {
        pen.text(l, (m, vy), BODY, draw::INK, HPos::Left, VPos::Top)?;
        vy += pen.line_height(BODY);
    }
    for l in &f.note_lines {
        pen.text(l, (m, vy), SMALL, draw::MUTED, HPos::Left, VPos::Top)?;
        vy += pen.line_height(SMALL);
    }
    Ok(())
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn finite_or(v: Option<f64>, default: f64) -> f64 {
    v.filter(|x| x.is_finite()).unwrap_or(default)
}

fn hidden_word(lang: Lang) -> &'static str {
    tr(lang, "verborgen", "hidden")
}

/// Maximal runs of consecutive indices whose value is `Some`.
fn segments<T>(values: &[Option<T>]) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    for (i, v) in values.iter().enumerate() {
        if v.is_some() {
            current.push(i);
        } else if !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}
