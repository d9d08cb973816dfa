//! The round detail: per statement a diverging stacked bar of unfavourable /
//! neutral / favourable shares, centred on neutral, with its mean.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::Error;
use super::draw::{self, BODY, Pen, Res, SMALL, Sign, TITLE, num, pct, tr};
use crate::domain::lang::Lang;
pub use crate::domain::stats::Shares;

/// One team's closed round, statement by statement.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundDetail {
    /// E.g. "Team Noord — Pulse 2026-03".
    pub title: String,
    /// The survey's scale runs 1..=points.
    pub points: u8,
    /// In the order the report gives (strengths first); kept as given.
    pub items: Vec<ItemBar>,
}

/// One statement.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemBar {
    /// The statement as worded.
    pub text: String,
    /// A reversed statement: disagreeing is favourable. Shares and mean are
    /// already reverse-scored (favourable is favourable).
    pub reverse: bool,
    /// The mean after reverse-scoring, 1..=points.
    pub mean: Option<f64>,
    /// `None`: the item is hidden; it is drawn as "hidden" with no bar and no
    /// number (its `mean` is then not drawn either).
    pub shares: Option<Shares>,
}

impl ItemBar {
    fn shown(&self) -> Option<(Shares, Option<f64>)> {
        self.shares
            .map(|s| (s, self.mean.filter(|m| m.is_finite())))
    }
}

impl RoundDetail {
    pub(crate) fn describe(&self, lang: Lang) -> String {
        let shown: Vec<(&ItemBar, Shares)> = self
            .items
            .iter()
            .filter_map(|i| i.shares.map(|s| (i, s)))
            .collect();
        let hidden = self.items.len() - shown.len();
        let best = shown
            .iter()
            .max_by(|a, b| a.1.favourable.total_cmp(&b.1.favourable));
        let worst = shown
            .iter()
            .min_by(|a, b| a.1.favourable.total_cmp(&b.1.favourable));
        let mut out = match lang {
            Lang::Nl => format!(
                "{}: gunstige antwoorden per stelling ({} stellingen",
                self.title,
                self.items.len()
            ),
            Lang::En => format!(
                "{}: favourable answers per statement ({} statements",
                self.title,
                self.items.len()
            ),
        };
        if hidden > 0 {
            out += &match lang {
                Lang::Nl => format!(", {hidden} verborgen"),
                Lang::En => format!(", {hidden} hidden"),
            };
        }
        out.push(')');
        if let (Some(b), Some(w)) = (best, worst) {
            out += &match lang {
                Lang::Nl => format!(
                    "; het meest gunstig \u{201c}{}\u{201d} ({} gunstig), het minst \u{201c}{}\u{201d} ({} gunstig)",
                    b.0.text,
                    pct(b.1.favourable),
                    w.0.text,
                    pct(w.1.favourable)
                ),
                Lang::En => format!(
                    "; most favourable \u{201c}{}\u{201d} ({} favourable), least \u{201c}{}\u{201d} ({} favourable)",
                    b.0.text,
                    pct(b.1.favourable),
                    w.0.text,
                    pct(w.1.favourable)
                ),
            };
        }
        out.push('.');
        out
    }
}

/// Where everything goes, for a given width.
struct Layout {
    /// Narrow charts put the statement above its bar.
    stacked: bool,
    text_x: i32,
    bar_x0: i32,
    bar_x1: i32,
    mean_x: i32,
    /// Top of the header row (axis labels) and of the first item.
    header_y: i32,
    items_y: i32,
    /// Per item: wrapped lines and the row height.
    rows: Vec<(Vec<String>, i32)>,
    total_h: i32,
}

fn reverse_note(lang: Lang) -> &'static str {
    tr(
        lang,
        "(oneens is hier gunstig)",
        "(disagreeing is favourable here)",
    )
}

fn legend_entries(lang: Lang) -> Vec<(Sign, String)> {
    vec![
        (
            Sign::Swatch(draw::VERMILLION),
            tr(lang, "ongunstig", "unfavourable").to_string(),
        ),
        (
            Sign::Swatch(draw::NEUTRAL),
            tr(lang, "neutraal", "neutral").to_string(),
        ),
        (
            Sign::Swatch(draw::BLUE),
            tr(lang, "gunstig", "favourable").to_string(),
        ),
    ]
}

fn layout<DB: DrawingBackend>(
    pen: &Pen<'_, DB>,
    r: &RoundDetail,
    lang: Lang,
) -> Result<Layout, Error> {
    let (w, _) = pen.size();
    let m = pen.px(16.0);
    let stacked = w < 640;
    let mean_w = pen
        .measure(&mean_header(r, lang), SMALL)?
        .0
        .max(pen.px(48.0));
    let (text_x, text_w, bar_x0) = if stacked {
        (m, w - 2 * m, m)
    } else {
        let tw = ((w - 2 * m) as f64 * 0.38) as i32;
        (m, tw, m + tw + pen.px(16.0))
    };
    let mean_x = w - m; // right-aligned
    let bar_x1 = w - m - mean_w - pen.px(12.0);

    let mut y = m + pen.line_height(TITLE) + pen.px(4.0);
    y = draw::legend_height(pen, &legend_entries(lang), (m, y), w - m)?;
    let header_y = y + pen.px(4.0);
    let items_y = header_y + pen.line_height(SMALL) + pen.px(6.0);

    let bar_h = pen.px(22.0);
    let gap = pen.px(12.0);
    let mut rows = Vec::with_capacity(r.items.len());
    let mut total = items_y;
    for item in &r.items {
        let mut lines = pen.wrap(&item.text, BODY, text_w)?;
        if lines.is_empty() {
            lines.push(String::new());
        }
        let mut text_h = lines.len() as i32 * pen.line_height(BODY);
        if item.reverse {
            text_h += pen.line_height(SMALL);
        }
        let row_h = if stacked {
            text_h + pen.px(4.0) + bar_h + gap
        } else {
            text_h.max(bar_h) + gap
        };
        total += row_h;
        rows.push((lines, row_h));
    }
    Ok(Layout {
        stacked,
        text_x,
        bar_x0,
        bar_x1,
        mean_x,
        header_y,
        items_y,
        rows,
        total_h: total + m,
    })
}

fn mean_header(r: &RoundDetail, lang: Lang) -> String {
    format!("{} (1–{})", tr(lang, "gem.", "mean"), r.points)
}

pub(super) fn natural_height(r: &RoundDetail, width: u32, _s: f64, lang: Lang) -> u32 {
    let fallback = 160 + 70 * r.items.len() as u32;
    if super::font_ready().is_err() {
        return fallback;
    }
    let mut scratch = String::new();
    let area = SVGBackend::with_string(&mut scratch, (width.max(1), 10)).into_drawing_area();
    let pen = Pen::new(&area, false);
    match layout(&pen, r, lang) {
        Ok(l) => (l.total_h.max(super::MIN_SIZE.1 as i32)) as u32,
        Err(_) => fallback,
    }
}

/// The bars' geometry, shared by every row: the centre of neutral at `x0`,
/// 100 % at `half` pixels either side, each bar `bar_h` high.
struct Bars {
    x0: i32,
    half: f64,
    bar_h: i32,
}

impl Bars {
    /// The width in pixels of `share` (clamped to 0..=1).
    fn at(&self, share: f64) -> i32 {
        (share.clamp(0.0, 1.0) * self.half).round() as i32
    }
}

/// Draws the round detail: heading and legend, the scale, then a row per
/// statement.
pub(super) fn draw<DB: DrawingBackend>(pen: &Pen<'_, DB>, r: &RoundDetail, lang: Lang) -> Res {
    let (w, _) = pen.size();
    let m = pen.px(16.0);
    let l = layout(pen, r, lang)?;

    pen.text(&r.title, (m, m), TITLE, draw::INK, HPos::Left, VPos::Top)?;
    draw::legend(
        pen,
        &legend_entries(lang),
        (m, m + pen.line_height(TITLE) + pen.px(4.0)),
        w - m,
    )?;

    // The bar scale: the centre of neutral at x0, 100 % at either end.
    let bars = Bars {
        x0: (l.bar_x0 + l.bar_x1) / 2,
        half: ((l.bar_x1 - l.bar_x0) / 2).max(1) as f64,
        bar_h: pen.px(22.0),
    };
    draw_header(pen, r, &l, &bars, lang)?;

    let mut y = l.items_y;
    for (item, (lines, row_h)) in r.items.iter().zip(&l.rows) {
        draw_item(pen, item, lines, &l, &bars, y, lang)?;
        y += row_h;
    }
    Ok(())
}

/// The header row: the shares along the bar scale and the mean's heading.
fn draw_header<DB: DrawingBackend>(
    pen: &Pen<'_, DB>,
    r: &RoundDetail,
    l: &Layout,
    bars: &Bars,
    lang: Lang,
) -> Res {
    let x0 = bars.x0;
    let hy = l.header_y + pen.line_height(SMALL) / 2;
    for (share, anchor) in [
        (-1.0, HPos::Left),
        (-0.5, HPos::Center),
        (0.0, HPos::Center),
        (0.5, HPos::Center),
        (1.0, HPos::Right),
    ] {
        let x = x0
            + if share < 0.0 {
                -bars.at(-share)
            } else {
                bars.at(share)
            };
        pen.text(
            &pct(f64::abs(share)),
            (x, hy),
            SMALL,
            draw::MUTED,
            anchor,
            VPos::Center,
        )?;
    }
    pen.text(
        &mean_header(r, lang),
        (l.mean_x, hy),
        SMALL,
        draw::MUTED,
        HPos::Right,
        VPos::Center,
    )
}

/// One statement's row from `y`: its text, the grid beside its bar, then the
/// bar and its mean, or "hidden".
fn draw_item<DB: DrawingBackend>(
    pen: &Pen<'_, DB>,
    item: &ItemBar,
    lines: &[String],
    l: &Layout,
    bars: &Bars,
    y: i32,
    lang: Lang,
) -> Res {
    let bar_h = bars.bar_h;
    let ty = draw_statement(pen, item, lines, l.text_x, y, lang)?;
    let bar_top = if l.stacked {
        ty + pen.px(4.0)
    } else {
        y + ((ty - y).max(bar_h) - bar_h) / 2
    };
    let mid = bar_top + bar_h / 2;
    draw_item_grid(pen, item, bars, bar_top)?;

    match item.shown() {
        None => {
            pen.text(
                draw::tr(lang, "verborgen", "hidden"),
                (bars.x0, mid),
                BODY,
                draw::MUTED,
                HPos::Center,
                VPos::Center,
            )?;
        }
        Some((s, mean)) => {
            draw_bar(pen, s, bars, bar_top)?;
            if let Some(mean) = mean {
                pen.text(
                    &num(mean, 1, lang),
                    (l.mean_x, mid),
                    BODY,
                    draw::INK,
                    HPos::Right,
                    VPos::Center,
                )?;
            }
        }
    }
    Ok(())
}

/// Statement text from `y` at `text_x`, with the note on a reversed
/// statement; returns the y under it.
fn draw_statement<DB: DrawingBackend>(
    pen: &Pen<'_, DB>,
    item: &ItemBar,
    lines: &[String],
    text_x: i32,
    y: i32,
    lang: Lang,
) -> Result<i32, Error> {
    let mut ty = y;
    for line in lines {
        pen.text(line, (text_x, ty), BODY, draw::INK, HPos::Left, VPos::Top)?;
        ty += pen.line_height(BODY);
    }
    if item.reverse {
        pen.text(
            reverse_note(lang),
            (text_x, ty),
            SMALL,
            draw::MUTED,
            HPos::Left,
            VPos::Top,
        )?;
        ty += pen.line_height(SMALL);
    }
    Ok(ty)
}

/// Grid and the centre of neutral, behind the bar and only beside it
/// (in a narrow chart the statement is above the bar).
fn draw_item_grid<DB: DrawingBackend>(
    pen: &Pen<'_, DB>,
    item: &ItemBar,
    bars: &Bars,
    bar_top: i32,
) -> Res {
    let x0 = bars.x0;
    let (g0, g1) = (bar_top - pen.px(4.0), bar_top + bars.bar_h + pen.px(4.0));
    for share in [-1.0, -0.5, 0.5, 1.0] {
        let x = x0
            + if share < 0.0 {
                -bars.at(-share)
            } else {
                bars.at(share)
            };
        pen.line(vec![(x, g0), (x, g1)], draw::GRID.to_rgba(), 1.0)?;
    }
    if item.shares.is_some() {
        pen.line(vec![(x0, g0), (x0, g1)], draw::CENTRE.to_rgba(), 1.0)?;
    }
    Ok(())
}

/// The diverging stacked bar from `bar_top`: unfavourable, neutral centred on
/// the scale's centre, favourable, each labelled with its share where it fits.
fn draw_bar<DB: DrawingBackend>(pen: &Pen<'_, DB>, s: Shares, bars: &Bars, bar_top: i32) -> Res {
    let (x0, bar_h) = (bars.x0, bars.bar_h);
    let mid = bar_top + bar_h / 2;
    let total = s.unfavourable + s.neutral + s.favourable;
    let norm = |v: f64| {
        if total > 0.0 && v.is_finite() {
            (v / total).max(0.0)
        } else {
            0.0
        }
    };
    let (u, n, f) = (norm(s.unfavourable), norm(s.neutral), norm(s.favourable));
    let n_left = x0 - bars.at(n / 2.0);
    let n_right = x0 + bars.at(n / 2.0);
    let u_left = n_left - bars.at(u);
    let f_right = n_right + bars.at(f);
    let segs = [
        (u_left, n_left, draw::VERMILLION, draw::INK, u),
        (n_left, n_right, draw::NEUTRAL, draw::INK, n),
        (n_right, f_right, draw::BLUE, WHITE, f),
    ];
    for (a, b, fill, ink, share) in segs {
        if b > a {
            pen.fill_rect((a, bar_top), (b, bar_top + bar_h), fill.to_rgba())?;
            let label = pct(share);
            let (tw, _) = pen.measure(&label, SMALL)?;
            if tw + pen.px(6.0) <= b - a {
                pen.text(
                    &label,
                    ((a + b) / 2, mid),
                    SMALL,
                    ink,
                    HPos::Center,
                    VPos::Center,
                )?;
            }
        }
    }
    Ok(())
}
