//! The mirror: per statement the manager's expectation and the team's mean
//! as two dots joined by a line, hidden strengths first (the team rates
//! higher than the manager expected), then the largest surprises. Only gaps
//! that pass the stated rule ([`flag`]: at least the threshold, or the
//! expectation outside the statement's 95 % interval) are flagged; the
//! team's own level is always printed beside the gap.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::draw::{self, BODY, Pen, Res, SMALL, TITLE, num, tr};
use crate::domain::lang::Lang;

/// The manager's expectation against the team, statement by statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Mirror {
    /// E.g. "Team Noord — Pulse 2026-03".
    pub title: String,
    /// The survey's scale runs 1..=points.
    pub points: u8,
    /// Gaps at least this large (in scale points) are flagged, and so is an
    /// expectation outside the statement's interval (see [`flag`]).
    pub threshold: f64,
    /// Ordered by [`Mirror::new`]: hidden strengths first, then the largest
    /// surprises, then the rest; hidden statements last.
    pub items: Vec<MirrorItem>,
}

/// One statement.
#[derive(Debug, Clone, PartialEq)]
pub struct MirrorItem {
    pub text: String,
    /// What the manager expected, on the survey's scale (reverse-scored like
    /// the team's mean: higher is more favourable).
    pub expected: f64,
    /// The team's mean after reverse-scoring; `None` when the item is hidden.
    pub team: Option<f64>,
    /// The 95 % interval of the team's mean, as released with it.
    pub ci: Option<[f64; 2]>,
}

/// Which way a flagged gap goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    /// The team rates higher than the manager expected: a hidden strength.
    Above,
    /// The team rates lower than the manager expected.
    Below,
}

/// The mirror's rule: a gap between the manager's expectation and the
/// team's mean is flagged when it is at least `threshold` scale points, or
/// when the expectation lies outside the team's 95 % interval for the
/// statement (strictly: on its edge is inside). Its direction is the gap's
/// sign. Nothing is flagged without a finite mean, or when they are equal.
pub fn flag(
    expected: f64,
    team: Option<f64>,
    ci: Option<[f64; 2]>,
    threshold: f64,
) -> Option<Flag> {
    let team = team.filter(|t| t.is_finite())?;
    let gap = team - expected;
    let outside = ci
        .filter(|[lo, hi]| lo.is_finite() && hi.is_finite())
        .is_some_and(|[lo, hi]| expected < lo || expected > hi);
    if gap == 0.0 || !(gap.abs() >= threshold || outside) {
        return None;
    }
    Some(if gap > 0.0 { Flag::Above } else { Flag::Below })
}

impl MirrorItem {
    fn gap(&self) -> Option<f64> {
        self.team
            .filter(|t| t.is_finite())
            .map(|t| t - self.expected)
    }

    /// Whether the item's gap is flagged at `threshold` (see [`flag`]).
    pub fn flag(&self, threshold: f64) -> Option<Flag> {
        flag(self.expected, self.team, self.ci, threshold)
    }
}

impl Mirror {
    /// Orders the items: hidden strengths (flagged, team above expectation)
    /// first, largest first; then the other gaps, largest first; hidden
    /// statements last.
    pub fn new(title: String, points: u8, threshold: f64, mut items: Vec<MirrorItem>) -> Mirror {
        let rank = |i: &MirrorItem| match (i.gap(), i.flag(threshold)) {
            (Some(g), Some(Flag::Above)) => (0, -g),
            (Some(g), _) => (1, -g.abs()),
            (None, _) => (2, 0.0),
        };
        items.sort_by(|a, b| {
            let (ra, ga) = rank(a);
            let (rb, gb) = rank(b);
            ra.cmp(&rb).then(ga.total_cmp(&gb))
        });
        Mirror {
            title,
            points,
            threshold,
            items,
        }
    }

    /// Statements whose gap is flagged: (hidden strengths, team below).
    pub fn flagged(&self) -> (usize, usize) {
        let count = |f: Flag| {
            self.items
                .iter()
                .filter(|i| i.flag(self.threshold) == Some(f))
                .count()
        };
        (count(Flag::Above), count(Flag::Below))
    }

    pub(crate) fn describe(&self, lang: Lang) -> String {
        let (up, down) = self.flagged();
        let t = num(self.threshold, 1, lang);
        match lang {
            Lang::Nl => format!(
                "Verwachting van de manager naast het gemiddelde van het team per stelling: {up} verborgen sterke punten (team hoger dan verwacht) en {down} stellingen waar het team lager scoort dan verwacht, bij een verschil van minstens {t} punt of een verwachting buiten het 95 %-interval van het team."
            ),
            Lang::En => format!(
                "The manager's expectation beside the team's mean per statement: {up} hidden strengths (team higher than expected) and {down} statements where the team scores lower than expected, at a difference of at least {t} points or an expectation outside the team's 95 % interval."
            ),
        }
    }
}

struct Layout {
    text_w: i32,
    axis_x0: i32,
    axis_x1: i32,
    items_y: i32,
    rows: Vec<(Vec<String>, i32)>,
    total_h: i32,
    /// Whether a flagged gap's label names it ("▲ hidden strength") or,
    /// where that does not fit beside the axis, shows the arrow alone.
    long_marks: bool,
}

/// The words after a flagged gap's number: `long` names it.
fn gap_mark(gap: f64, long: bool, lang: Lang) -> String {
    let (arrow, words) = if gap > 0.0 {
        ("▲", tr(lang, "verborgen sterk punt", "hidden strength"))
    } else {
        ("▼", tr(lang, "lager dan verwacht", "lower than expected"))
    };
    if long {
        format!(" {arrow} {words}")
    } else {
        format!(" {arrow}")
    }
}

fn layout<DB: DrawingBackend>(
    pen: &Pen<'_, DB>,
    m: &Mirror,
    lang: Lang,
) -> Result<Layout, super::Error> {
    let (w, _) = pen.size();
    let margin = pen.px(16.0);
    let text_w = ((w - 2 * margin) as f64 * 0.42) as i32;
    let axis_x0 = margin + text_w + pen.px(16.0);
    // The labels right of the axis: named marks when they fit in half the
    // room beside the statements, else the arrows alone (never cut off).
    let widest = |long: bool| -> Result<i32, super::Error> {
        let mut widest = 0;
        for gap in [1.0, -1.0] {
            let label = format!("{}{}", num(7.0, 1, lang), gap_mark(gap, long, lang));
            widest = widest.max(pen.measure(&label, SMALL)?.0);
        }
        Ok(widest + pen.px(14.0))
    };
    let room = (w - margin - axis_x0) / 2;
    let long = widest(true)?;
    let (label_w, long_marks) = if long <= room {
        (long, true)
    } else {
        (widest(false)?.min(room), false)
    };
    let axis_x1 = w - margin - label_w;
    // Title, the legend's three lines and the scale's numbers.
    let items_y = margin + pen.line_height(TITLE) + pen.line_height(SMALL) * 4 + pen.px(8.0);
    let mut rows = Vec::new();
    let mut y = items_y;
    for item in &m.items {
        let lines = pen.wrap(&item.text, SMALL, text_w)?;
        let h = (lines.len() as i32 * pen.line_height(SMALL)).max(pen.line_height(BODY) * 2)
            + pen.px(6.0);
        y += h;
        rows.push((lines, h));
    }
    Ok(Layout {
        text_w,
        axis_x0,
        axis_x1,
        items_y,
        rows,
        total_h: y + margin,
        long_marks,
    })
}

pub(super) fn natural_height(m: &Mirror, width: u32, lang: Lang) -> u32 {
    let fallback = 140 + 50 * m.items.len() as u32;
    if super::font_ready().is_err() {
        return fallback;
    }
    let mut scratch = String::new();
    let area = SVGBackend::with_string(&mut scratch, (width.max(1), 10)).into_drawing_area();
    let pen = Pen::new(&area, false);
    match layout(&pen, m, lang) {
        Ok(l) => (l.total_h.max(super::MIN_SIZE.1 as i32)) as u32,
        Err(_) => fallback,
    }
}

/// Where the mirror's parts sit and how the scale maps onto x; shared by
/// every layer of the mirror.
struct Frame {
    margin: i32,
    layout: Layout,
    points: f64,
}

impl Frame {
    /// The x of a value on the scale 1..=points, clamped to the axis.
    fn x_of(&self, v: f64) -> i32 {
        let l = &self.layout;
        let t = ((v - 1.0) / (self.points - 1.0)).clamp(0.0, 1.0);
        l.axis_x0 + (t * (l.axis_x1 - l.axis_x0) as f64).round() as i32
    }
}

/// Draws the mirror, layer by layer: heading, scale, then the statements.
pub(super) fn draw<DB: DrawingBackend>(pen: &Pen<'_, DB>, m: &Mirror, lang: Lang) -> Res {
    let margin = pen.px(16.0);
    let l = layout(pen, m, lang)?;
    let _ = l.text_w;
    let f = Frame {
        margin,
        layout: l,
        // The scale 1..=points.
        points: f64::from(m.points.max(2)),
    };
    let ly = draw_heading(pen, m, &f, lang)?;
    draw_scale(pen, m, &f, ly)?;
    draw_statements(pen, m, &f, lang)
}

/// The title and the legend; returns the legend's top.
fn draw_heading<DB: DrawingBackend>(
    pen: &Pen<'_, DB>,
    m: &Mirror,
    f: &Frame,
    lang: Lang,
) -> Result<i32, super::Error> {
    let margin = f.margin;
    pen.text(
        &m.title,
        (margin, margin),
        TITLE,
        draw::INK,
        HPos::Left,
        VPos::Top,
    )?;
    let ly = margin + pen.line_height(TITLE);
    let legend = format!(
        "{}  ●  {}   ○  {}",
        tr(lang, "Spiegel:", "Mirror:"),
        tr(lang, "team (gemiddelde)", "team (mean)"),
        tr(lang, "verwachting manager", "manager's expectation"),
    );
    let rule = match lang {
        Lang::Nl => format!(
            "Gemarkeerd: verschil ≥ {} punt of verwachting buiten het 95 %-interval.",
            num(m.threshold, 1, lang)
        ),
        Lang::En => format!(
            "Flagged: a gap ≥ {} points or an expectation outside the 95 % interval.",
            num(m.threshold, 1, lang)
        ),
    };
    let arrows = format!(
        "▲ {}   ▼ {}",
        tr(
            lang,
            "verborgen sterk punt (team hoger dan verwacht)",
            "hidden strength (team above the expectation)"
        ),
        tr(lang, "lager dan verwacht", "lower than expected"),
    );
    for (i, line) in [legend, rule, arrows].iter().enumerate() {
        pen.text(
            line,
            (margin, ly + i as i32 * pen.line_height(SMALL)),
            SMALL,
            draw::MUTED,
            HPos::Left,
            VPos::Top,
        )?;
    }
    // The scale's numbers go under the legend's third line.
    Ok(ly + pen.line_height(SMALL) * 2)
}

/// The scale's numbers under the legend and a grid line per point.
fn draw_scale<DB: DrawingBackend>(pen: &Pen<'_, DB>, m: &Mirror, f: &Frame, ly: i32) -> Res {
    let l = &f.layout;
    let hy = ly + pen.line_height(SMALL);
    for v in 1..=m.points {
        let x = f.x_of(f64::from(v));
        pen.text(
            &v.to_string(),
            (x, hy),
            SMALL,
            draw::MUTED,
            HPos::Center,
            VPos::Top,
        )?;
        pen.line(
            vec![(x, l.items_y), (x, l.total_h - f.margin)],
            draw::GRID.to_rgba(),
            1.0,
        )?;
    }
    Ok(())
}

/// Each statement's row: its wrapped text, then its dots and label.
fn draw_statements<DB: DrawingBackend>(
    pen: &Pen<'_, DB>,
    m: &Mirror,
    f: &Frame,
    lang: Lang,
) -> Res {
    let l = &f.layout;
    let mut y = l.items_y;
    for (item, (lines, h)) in m.items.iter().zip(&l.rows) {
        for (i, line) in lines.iter().enumerate() {
            pen.text(
                line,
                (f.margin, y + i as i32 * pen.line_height(SMALL)),
                SMALL,
                draw::INK,
                HPos::Left,
                VPos::Top,
            )?;
        }
        let cy = y + h / 2;
        match item.team.filter(|t| t.is_finite()) {
            Some(team) => draw_pair(pen, m, f, item, team, cy, lang)?,
            None => draw_hidden(pen, f, item, cy, lang)?,
        }
        y += h;
    }
    Ok(())
}

/// A released statement: expectation and team joined by a line, coloured
/// and labelled by whether the gap is flagged.
fn draw_pair<DB: DrawingBackend>(
    pen: &Pen<'_, DB>,
    m: &Mirror,
    f: &Frame,
    item: &MirrorItem,
    team: f64,
    cy: i32,
    lang: Lang,
) -> Res {
    let ex = f.x_of(item.expected);
    let tx = f.x_of(team);
    let flag = item.flag(m.threshold);
    let flagged = flag.is_some();
    let color = match flag {
        None => draw::GREY,
        Some(Flag::Above) => draw::BLUE,
        Some(Flag::Below) => draw::VERMILLION,
    };
    pen.line(
        vec![(ex, cy), (tx, cy)],
        color.to_rgba(),
        if flagged { 3.0 } else { 1.5 },
    )?;
    pen.dot((ex, cy), pen.px(6.0), draw::MUTED)?;
    pen.dot((ex, cy), pen.px(4.0), WHITE)?;
    pen.dot((tx, cy), pen.px(6.0), draw::BLUE)?;
    let mark = match flag {
        None => String::new(),
        Some(Flag::Above) => gap_mark(1.0, f.layout.long_marks, lang),
        Some(Flag::Below) => gap_mark(-1.0, f.layout.long_marks, lang),
    };
    let label = format!("{}{}", num(team, 1, lang), mark);
    pen.text(
        &label,
        (f.layout.axis_x1 + pen.px(10.0), cy),
        SMALL,
        if flagged { draw::INK } else { draw::MUTED },
        HPos::Left,
        VPos::Center,
    )
}

/// A hidden statement: the expectation alone and "team: hidden".
fn draw_hidden<DB: DrawingBackend>(
    pen: &Pen<'_, DB>,
    f: &Frame,
    item: &MirrorItem,
    cy: i32,
    lang: Lang,
) -> Res {
    let ex = f.x_of(item.expected);
    pen.dot((ex, cy), pen.px(6.0), draw::MUTED)?;
    pen.dot((ex, cy), pen.px(4.0), WHITE)?;
    pen.text(
        tr(lang, "team: verborgen", "team: hidden"),
        (f.layout.axis_x1 + pen.px(10.0), cy),
        SMALL,
        draw::MUTED,
        HPos::Left,
        VPos::Center,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(text: &str, expected: f64, team: Option<f64>) -> MirrorItem {
        MirrorItem {
            text: text.into(),
            expected,
            team,
            ci: None,
        }
    }

    #[test]
    fn a_gap_is_flagged_at_the_threshold_or_outside_the_interval() {
        // At least the threshold, either way; below it, not.
        assert_eq!(flag(4.0, Some(4.5), None, 0.5), Some(Flag::Above));
        assert_eq!(flag(4.0, Some(3.5), None, 0.5), Some(Flag::Below));
        assert_eq!(flag(4.0, Some(4.4), None, 0.5), None);
        assert_eq!(flag(4.0, Some(3.6), Some([3.0, 4.2]), 0.5), None);
        // A smaller gap with the expectation outside the interval.
        assert_eq!(
            flag(4.0, Some(4.3), Some([4.1, 4.5]), 0.5),
            Some(Flag::Above)
        );
        assert_eq!(
            flag(4.0, Some(3.8), Some([3.7, 3.9]), 0.5),
            Some(Flag::Below)
        );
        // On the interval's edge is inside.
        assert_eq!(flag(4.0, Some(4.3), Some([4.0, 4.6]), 0.5), None);
        // A large gap is flagged even inside a wide interval.
        assert_eq!(
            flag(4.0, Some(5.0), Some([3.0, 7.0]), 0.5),
            Some(Flag::Above)
        );
        // No mean, a non-finite one or no gap: nothing.
        assert_eq!(flag(4.0, None, Some([1.0, 2.0]), 0.5), None);
        assert_eq!(flag(4.0, Some(f64::NAN), None, 0.5), None);
        assert_eq!(flag(4.0, Some(4.0), Some([4.0, 4.0]), 0.0), None);
        // A non-finite interval is ignored.
        assert_eq!(flag(4.0, Some(4.2), Some([f64::NAN, 4.3]), 0.5), None);
    }

    #[test]
    fn the_interval_rule_flags_and_orders_a_small_gap() {
        let mut narrow = item("narrow", 4.0, Some(4.3));
        narrow.ci = Some([4.1, 4.5]);
        let mut wide = item("wide", 4.0, Some(4.3));
        wide.ci = Some([3.5, 5.1]);
        let m = Mirror::new("T".into(), 7, 0.5, vec![wide, narrow]);
        let order: Vec<&str> = m.items.iter().map(|i| i.text.as_str()).collect();
        assert_eq!(order, ["narrow", "wide"]);
        assert_eq!(m.flagged(), (1, 0));
        assert!(
            m.describe(Lang::En)
                .contains("outside the team's 95 % interval")
        );
    }

    #[test]
    fn hidden_strengths_come_first_then_the_largest_surprises_and_hidden_last() {
        let m = Mirror::new(
            "T".into(),
            7,
            0.5,
            vec![
                item("small", 5.0, Some(5.2)),
                item("hidden", 4.0, None),
                item("below", 6.0, Some(3.0)),
                item("strength", 3.0, Some(4.0)),
                item("big strength", 2.0, Some(5.0)),
            ],
        );
        let order: Vec<&str> = m.items.iter().map(|i| i.text.as_str()).collect();
        assert_eq!(
            order,
            ["big strength", "strength", "below", "small", "hidden"]
        );
        assert_eq!(m.flagged(), (2, 1));
    }

    #[test]
    fn draws_as_svg_and_png_with_a_title_and_no_number_for_a_hidden_item() {
        let m = Mirror::new(
            "Team <X>".into(),
            5,
            0.5,
            vec![item("a", 2.0, Some(4.0)), item("b", 3.0, None)],
        );
        let chart = super::super::Chart::Mirror(m);
        let h = chart.natural_height(600, Lang::En);
        let svg = super::super::svg(&chart, Lang::En, 600, h).unwrap();
        assert!(svg.contains("<title>Team &lt;X&gt;</title>"), "{svg}");
        assert!(svg.contains("team: hidden") && svg.contains("hidden strength"));
        let png = super::super::png(&chart, Lang::En, 600, h).unwrap();
        assert_eq!(&png[1..4], b"PNG");
    }
}
