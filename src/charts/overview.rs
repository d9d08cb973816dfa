//! The advisor's overview: every team × round as a heatmap on a sequential,
//! colour-blind-safe scale (viridis), departments with their teams under them.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::Error;
use super::draw::{self, Pen, Res, SMALL, Sign, TITLE, num, tr};
use crate::domain::lang::Lang;

/// Every team (rows, departments first with their teams under them, in the
/// order given) × every closed round (columns, oldest first).
#[derive(Debug, Clone, PartialEq)]
pub struct Overview {
    pub teams: Vec<OverviewTeam>,
    /// Round titles, one per column.
    pub rounds: Vec<String>,
    /// `cells[team][round]`; a short row is filled with [`Cell::Empty`].
    pub cells: Vec<Vec<Cell>>,
    /// The scale runs 1..=points; the colours span all of it.
    pub points: u8,
}

/// One row.
#[derive(Debug, Clone, PartialEq)]
pub struct OverviewTeam {
    pub name: String,
    /// 0: the organisation or a department (a group heading); 1: a team under
    /// it (indented).
    pub depth: u8,
}

/// One team in one round.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell {
    /// The released overall score.
    Score(f64),
    /// Suppressed: a cross, no colour of the scale.
    Hidden,
    /// The round is still open: a dash.
    Open,
    /// The team had no part in the round: blank.
    Empty,
}

impl Overview {
    pub(crate) fn heading(&self, lang: Lang) -> String {
        tr(
            lang,
            "Overzicht: score per team en ronde",
            "Overview: score per team and round",
        )
        .to_string()
    }

    fn cell(&self, team: usize, round: usize) -> Cell {
        self.cells
            .get(team)
            .and_then(|row| row.get(round))
            .copied()
            .unwrap_or(Cell::Empty)
    }

    pub(crate) fn describe(&self, lang: Lang) -> String {
        let (mut hidden, mut open) = (0usize, 0usize);
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for t in 0..self.teams.len() {
            for r in 0..self.rounds.len() {
                match self.cell(t, r) {
                    Cell::Score(s) if s.is_finite() => {
                        lo = lo.min(s);
                        hi = hi.max(s);
                    }
                    Cell::Hidden => hidden += 1,
                    Cell::Open => open += 1,
                    _ => {}
                }
            }
        }
        let range = if lo <= hi {
            match lang {
                Lang::Nl => format!("scores van {} tot {}", num(lo, 1, lang), num(hi, 1, lang)),
                Lang::En => format!("scores from {} to {}", num(lo, 1, lang), num(hi, 1, lang)),
            }
        } else {
            tr(lang, "nog geen scores", "no scores yet").to_string()
        };
        match lang {
            Lang::Nl => format!(
                "{} teams over {} rondes op een schaal van 1 tot {}: {range}; {hidden} cellen verborgen, {open} open.",
                self.teams.len(),
                self.rounds.len(),
                self.points
            ),
            Lang::En => format!(
                "{} teams over {} rounds on a scale of 1 to {}: {range}; {hidden} cells hidden, {open} open.",
                self.teams.len(),
                self.rounds.len(),
                self.points
            ),
        }
    }
}

fn legend_entries(lang: Lang) -> Vec<(Sign, String)> {
    vec![
        (Sign::Cross, tr(lang, "verborgen", "hidden").to_string()),
        (
            Sign::OpenMark,
            tr(lang, "ronde nog open", "round still open").to_string(),
        ),
        (
            Sign::Empty,
            tr(lang, "leeg: geen deelname", "blank: not taking part").to_string(),
        ),
    ]
}

struct Layout {
    name_w: i32,
    grid_x: i32,
    col_w: f64,
    row_h: i32,
    /// Top of the round titles and of the first row.
    header_y: i32,
    header_up: bool,
    rows_y: i32,
    ramp_y: i32,
    total_h: i32,
}

fn layout<DB: DrawingBackend>(
    pen: &Pen<'_, DB>,
    o: &Overview,
    lang: Lang,
) -> Result<Layout, Error> {
    let (w, _) = pen.size();
    let m = pen.px(16.0);
    let indent = pen.px(12.0);
    let mut name_w = 0;
    for t in &o.teams {
        let (tw, _) = pen.measure(&t.name, SMALL)?;
        name_w = name_w.max(tw + if t.depth > 0 { indent } else { 0 });
    }
    let name_w = name_w.min((w as f64 * 0.35) as i32);
    let grid_x = m + name_w + pen.px(8.0);
    let col_w = (w - m - grid_x).max(1) as f64 / o.rounds.len().max(1) as f64;
    let row_h = pen.line_height(SMALL);

    let ramp_y = m + pen.line_height(TITLE) + pen.px(4.0);
    // The ramp: a row of colour, then its numbers.
    let after_ramp = ramp_y + pen.px(14.0) + pen.line_height(SMALL) + pen.px(4.0);
    let after_legend = draw::legend_height(pen, &legend_entries(lang), (m, after_ramp), w - m)?;
    let header_y = after_legend + pen.px(6.0);
    let mut widest = 0;
    for r in &o.rounds {
        widest = widest.max(pen.measure(&draw::clip(r, 22), SMALL)?.0);
    }
    let header_up = (widest + pen.px(4.0)) as f64 > col_w;
    let header_h = if header_up { widest } else { row_h } + pen.px(6.0);
    let rows_y = header_y + header_h;
    Ok(Layout {
        name_w,
        grid_x,
        col_w,
        row_h,
        header_y,
        header_up,
        rows_y,
        ramp_y,
        total_h: rows_y + row_h * o.teams.len() as i32 + m,
    })
}

pub(super) fn natural_height(o: &Overview, width: u32, _s: f64) -> u32 {
    let fallback = 240 + 16 * o.teams.len() as u32;
    if super::font_ready().is_err() {
        return fallback;
    }
    let mut scratch = String::new();
    let area = SVGBackend::with_string(&mut scratch, (width.max(1), 10)).into_drawing_area();
    let pen = Pen::new(&area, false);
    match layout(&pen, o, Lang::En) {
        Ok(l) => (l.total_h.max(super::MIN_SIZE.1 as i32)) as u32,
        Err(_) => fallback,
    }
}

/// Shortens `name` until it fits `max` pixels.
fn fit<DB: DrawingBackend>(pen: &Pen<'_, DB>, name: &str, max: i32) -> Result<String, Error> {
    let mut chars = name.chars().count();
    let mut s = name.to_string();
    while chars > 1 && pen.measure(&s, SMALL)?.0 > max {
        chars -= 1;
        s = draw::clip(name, chars);
    }
    Ok(s)
}

/// Draws the overview: heading, the colour ramp and legend, the round titles,
/// then a row of cells per team.
pub(super) fn draw<DB: DrawingBackend>(pen: &Pen<'_, DB>, o: &Overview, lang: Lang) -> Res {
    let (w, _) = pen.size();
    let m = pen.px(16.0);
    let l = layout(pen, o, lang)?;

    pen.text(
        &o.heading(lang),
        (m, m),
        TITLE,
        draw::INK,
        HPos::Left,
        VPos::Top,
    )?;

    draw_ramp(pen, o, &l, lang)?;
    let after_ramp = l.ramp_y + pen.px(14.0) + pen.line_height(SMALL) + pen.px(4.0);
    draw::legend(pen, &legend_entries(lang), (m, after_ramp), w - m)?;

    draw_round_titles(pen, o, &l)?;
    draw_rows(pen, o, &l)
}

/// The colour ramp with the scale's numbers.
fn draw_ramp<DB: DrawingBackend>(pen: &Pen<'_, DB>, o: &Overview, l: &Layout, lang: Lang) -> Res {
    let (w, _) = pen.size();
    let m = pen.px(16.0);
    let points = o.points.max(2) as f64;
    let label = tr(lang, "score", "score");
    let (lw, _) = pen.measure(label, SMALL)?;
    let ramp_x0 = m + lw + pen.px(8.0);
    let ramp_w = pen.px(240.0).min(w - m - ramp_x0);
    let ramp_h = pen.px(14.0);
    pen.text(
        label,
        (m, l.ramp_y + ramp_h / 2),
        SMALL,
        draw::INK,
        HPos::Left,
        VPos::Center,
    )?;
    let steps = 48;
    for i in 0..steps {
        let a = ramp_x0 + ramp_w * i / steps;
        let b = ramp_x0 + ramp_w * (i + 1) / steps;
        let t = (i as f64 + 0.5) / steps as f64;
        pen.fill_rect(
            (a, l.ramp_y),
            (b, l.ramp_y + ramp_h),
            draw::viridis(t).to_rgba(),
        )?;
    }
    for k in 1..=o.points.max(2) {
        let x = ramp_x0 + ((k as f64 - 1.0) / (points - 1.0) * ramp_w as f64).round() as i32;
        pen.line(
            vec![(x, l.ramp_y + ramp_h), (x, l.ramp_y + ramp_h + pen.px(3.0))],
            draw::INK.to_rgba(),
            1.0,
        )?;
        pen.text(
            &k.to_string(),
            (x, l.ramp_y + ramp_h + pen.px(4.0)),
            SMALL,
            draw::INK,
            HPos::Center,
            VPos::Top,
        )?;
    }
    Ok(())
}

/// Round titles over their columns, read bottom to top where they are too
/// wide.
fn draw_round_titles<DB: DrawingBackend>(pen: &Pen<'_, DB>, o: &Overview, l: &Layout) -> Res {
    let cx = |r: usize| l.grid_x + (l.col_w * (r as f64 + 0.5)).round() as i32;
    for (r, title) in o.rounds.iter().enumerate() {
        let title = draw::clip(title, 22);
        if l.header_up {
            // Read bottom to top, ending just above the first row.
            let (tw, _) = pen.measure(&title, SMALL)?;
            let bottom = l.rows_y - pen.px(4.0);
            pen.text_up_from_top(&title, (cx(r), bottom - tw), SMALL, draw::INK)?;
        } else {
            pen.text(
                &title,
                (cx(r), l.header_y),
                SMALL,
                draw::INK,
                HPos::Center,
                VPos::Top,
            )?;
        }
    }
    Ok(())
}

/// A row per team: a rule above each department, the (indented) name, then
/// a cell per round: its colour, a cross, an open mark or blank.
fn draw_rows<DB: DrawingBackend>(pen: &Pen<'_, DB>, o: &Overview, l: &Layout) -> Res {
    let (w, _) = pen.size();
    let m = pen.px(16.0);
    let points = o.points.max(2) as f64;
    let indent = pen.px(12.0);
    let pad = if l.col_w >= 6.0 { 1 } else { 0 };
    for (t, team) in o.teams.iter().enumerate() {
        let y0 = l.rows_y + l.row_h * t as i32;
        let y1 = y0 + l.row_h;
        if team.depth == 0 && t > 0 {
            pen.line(vec![(m, y0), (w - m, y0)], draw::GREY.to_rgba(), 1.0)?;
        }
        let x = m + if team.depth > 0 { indent } else { 0 };
        let name = fit(pen, &team.name, l.name_w - (x - m))?;
        pen.text(
            &name,
            (x, (y0 + y1) / 2),
            SMALL,
            draw::INK,
            HPos::Left,
            VPos::Center,
        )?;
        for r in 0..o.rounds.len() {
            let a = l.grid_x + (l.col_w * r as f64).round() as i32 + pad;
            let b = l.grid_x + (l.col_w * (r + 1) as f64).round() as i32 - pad;
            let (top, bottom) = (y0 + pad, y1 - pad);
            match o.cell(t, r) {
                Cell::Score(s) if s.is_finite() => {
                    let c = draw::viridis((s - 1.0) / (points - 1.0));
                    pen.fill_rect((a, top), (b, bottom), c.to_rgba())?;
                }
                Cell::Hidden => draw::cross(pen, (a, top), (b, bottom))?,
                Cell::Open => draw::open_mark(pen, (a, top), (b, bottom))?,
                _ => {}
            }
        }
    }
    Ok(())
}
