//! Drawing helpers shared by the charts: pixel coordinates, text that is at
//! least 11 px at the size drawn, the palette, numbers in the reader's
//! language.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontTransform, RGBAColor};

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};

use super::{Error, FAMILY, FONT};
use crate::domain::lang::Lang;

// ----------------------------------------------------------------- palette
// Okabe–Ito blue and vermillion: told apart with every common colour-vision
// deficiency, and apart in greyscale (luminance 87 against 119, and the
// neutral grey 217); the chart never relies on colour alone (position,
// dashes, hatching and marks carry the same meaning).

/// Text.
pub const INK: RGBColor = RGBColor(0x1a, 0x1a, 0x1a);
/// Secondary text: 7.5:1 on white.
pub const MUTED: RGBColor = RGBColor(0x55, 0x55, 0x55);
/// The team's own line and dots; the favourable side of a bar.
pub const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xb2);
/// The unfavourable side of a bar.
pub const VERMILLION: RGBColor = RGBColor(0xd5, 0x5e, 0x00);
/// The neutral part of a bar.
pub const NEUTRAL: RGBColor = RGBColor(0xd9, 0xd9, 0xd9);
/// The organisation's comparison line (3.4:1 on white).
pub const GREY: RGBColor = RGBColor(0x8c, 0x8c, 0x8c);
/// Grid lines.
pub const GRID: RGBColor = RGBColor(0xe3, 0xe3, 0xe3);
/// Hatching and marks for hidden rounds and cells.
pub const HATCH: RGBColor = RGBColor(0x9a, 0x9a, 0x9a);
/// The median centre line (dashed).
pub const CENTRE: RGBColor = RGBColor(0x44, 0x44, 0x44);

/// The band of the 95 % interval: the team's blue, light.
pub fn band() -> RGBAColor {
    BLUE.mix(0.18)
}

/// Viridis (9 stops, as in matplotlib and R's viridisLite): sequential,
/// colour-blind safe, monotone in lightness so greyscale keeps the order.
const VIRIDIS: [(u8, u8, u8); 9] = [
    (0x44, 0x01, 0x54),
    (0x47, 0x2d, 0x7b),
    (0x3b, 0x52, 0x8b),
    (0x2c, 0x72, 0x8e),
    (0x21, 0x90, 0x8c),
    (0x27, 0xad, 0x81),
    (0x5d, 0xc8, 0x63),
    (0xaa, 0xdc, 0x32),
    (0xfd, 0xe7, 0x25),
];

/// The viridis colour at `t` in 0..=1 (clamped).
pub fn viridis(t: f64) -> RGBColor {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let x = t * (VIRIDIS.len() - 1) as f64;
    let i = (x.floor() as usize).min(VIRIDIS.len() - 2);
    let f = x - i as f64;
    let (a, b) = (VIRIDIS[i], VIRIDIS[i + 1]);
    let mix = |p: u8, q: u8| (p as f64 + (q as f64 - p as f64) * f).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

// ----------------------------------------------------------------- numbers

/// `v` with `decimals` decimals, a decimal comma in Dutch.
pub fn num(v: f64, decimals: usize, lang: Lang) -> String {
    let s = format!("{v:.decimals$}");
    match lang {
        Lang::Nl => s.replace('.', ","),
        Lang::En => s,
    }
}

/// A share 0..=1 as a whole percentage.
pub fn pct(share: f64) -> String {
    format!("{}%", (share * 100.0).round() as i64)
}

/// Pick the Dutch or English text.
pub fn tr(lang: Lang, nl: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Nl => nl,
        Lang::En => en,
    }
}

/// XML-escapes `s` into `out` (for the `<title>` and `<desc>` we add; plotters
/// escapes the text it draws itself).
pub fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
}

/// At most `max` characters, with an ellipsis when cut.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

// ----------------------------------------------------------------- drawing

pub fn fail<E: std::fmt::Display>(e: E) -> Error {
    Error::Draw(e.to_string())
}

/// How much text and strokes grow with the chart's width: 1 up to 1,100 px,
/// up to 1.5 for a 1,600 px slide.
pub fn scale_for(width: u32) -> f64 {
    (width as f64 / 1100.0).clamp(1.0, 1.5)
}

/// plotters' SVG backend writes `font-size` as size / 1.24: the factor that
/// turns the pixel size we want into plotters' size.
const PLOTTERS_EM: f64 = 1.24;

/// Text sizes in pixels at scale 1; never below 11.
pub const SMALL: f64 = 11.5;
pub const BODY: f64 = 13.0;
pub const TITLE: f64 = 17.0;

/// The embedded font, parsed once.
fn font() -> Result<&'static FontRef<'static>, Error> {
    static PARSED: std::sync::OnceLock<Option<FontRef<'static>>> = std::sync::OnceLock::new();
    PARSED
        .get_or_init(|| FontRef::try_from_slice(FONT).ok())
        .as_ref()
        .ok_or(Error::Font)
}

/// A drawing area with the chart's scale.
///
/// Text is measured with the embedded font for both backends, so SVG and
/// PNG share one layout. The SVG backend writes `<text>` (plotters escapes
/// it); for the bitmap backend the glyphs are rasterised here, because
/// plotters' ab_glyph path drops each glyph's side bearing (uneven letter
/// spacing) and places the baseline differently from the SVG.
pub struct Pen<'a, DB: DrawingBackend> {
    pub area: &'a DrawingArea<DB, Shift>,
    pub s: f64,
    raster: bool,
}

pub type Res = Result<(), Error>;

impl<'a, DB: DrawingBackend> Pen<'a, DB> {
    /// `raster`: rasterise text ourselves (the bitmap backend).
    pub fn new(area: &'a DrawingArea<DB, Shift>, raster: bool) -> Self {
        let (w, _) = area.dim_in_pixel();
        Pen {
            area,
            s: scale_for(w),
            raster,
        }
    }

    pub fn size(&self) -> (i32, i32) {
        let (w, h) = self.area.dim_in_pixel();
        (w as i32, h as i32)
    }

    /// A length scaled with the chart.
    pub fn px(&self, v: f64) -> i32 {
        (v * self.s).round() as i32
    }

    /// The em size in pixels for a text size.
    fn em(&self, px: f64) -> f64 {
        px.max(11.0) * self.s
    }

    fn style(&self, px: f64, color: RGBColor) -> TextStyle<'static> {
        let size = self.em(px) * PLOTTERS_EM;
        TextStyle {
            font: (FAMILY, size).into_font(),
            color: color.to_backend_color(),
            pos: Pos::default(),
        }
    }

    fn scaled(&self, px: f64) -> Result<ab_glyph::PxScaleFont<&'static FontRef<'static>>, Error> {
        let f = font()?;
        let units = f.units_per_em().unwrap_or(2048.0);
        let scale = self.em(px) as f32 * f.height_unscaled() / units;
        Ok(f.as_scaled(PxScale::from(scale)))
    }

    /// The advance width of `text`, kerned (for drawing).
    fn advance(sf: &ab_glyph::PxScaleFont<&'static FontRef<'static>>, text: &str) -> f32 {
        let mut w = 0.0;
        let mut prev = None;
        for c in text.chars() {
            let id = sf.glyph_id(c);
            if let Some(p) = prev {
                w += sf.kern(p, id);
            }
            w += sf.h_advance(id);
            prev = Some(id);
        }
        w
    }

    /// Text width and height (the em size) in pixels, for layout: advances
    /// without kerning (skipping the kerning-table lookups halved the round
    /// detail's SVG time, 0.28 → 0.15 ms; kerning moves a label by a pixel
    /// or so).
    pub fn measure(&self, text: &str, px: f64) -> Result<(i32, i32), Error> {
        let sf = self.scaled(px)?;
        let w: f32 = text.chars().map(|c| sf.h_advance(sf.glyph_id(c))).sum();
        Ok((w.ceil() as i32, self.em(px).round() as i32))
    }

    /// The height of one line of text of `px` (with leading).
    pub fn line_height(&self, px: f64) -> i32 {
        (self.em(px) * 1.35).round() as i32
    }

    /// Rasterises `text` anchored at `(x, y)` like the SVG backend places it
    /// (`dy` 0.76em for top, ±0.5ex for centre and bottom); `up` turns it to
    /// read from bottom to top around the anchor.
    #[allow(clippy::too_many_arguments)]
    fn raster_text(
        &self,
        text: &str,
        (x, y): (i32, i32),
        px: f64,
        color: RGBColor,
        h: HPos,
        v: VPos,
        up: bool,
    ) -> Res {
        let f = font()?;
        let sf = self.scaled(px)?;
        let em = self.em(px) as f32;
        let x_height = 0.547 * em; // DejaVu Sans: 1120 / 2048
        let width = Self::advance(&sf, text);
        let mut pen_x = match h {
            HPos::Left => 0.0,
            HPos::Center => -width / 2.0,
            HPos::Right => -width,
        };
        let base = match v {
            VPos::Top => 0.76 * em,
            VPos::Center => 0.5 * x_height,
            VPos::Bottom => -0.5 * x_height,
        };
        let mut pixels: Vec<(i32, i32, f32)> = Vec::new();
        let mut prev = None;
        for c in text.chars() {
            let id = sf.glyph_id(c);
            if let Some(p) = prev {
                pen_x += sf.kern(p, id);
            }
            prev = Some(id);
            let glyph = id.with_scale_and_position(sf.scale(), point(pen_x, base));
            if let Some(outline) = f.outline_glyph(glyph) {
                let b = outline.px_bounds();
                outline.draw(|gx, gy, cov| {
                    if cov > 0.02 {
                        let lx = b.min.x + gx as f32;
                        let ly = b.min.y + gy as f32;
                        let (sx, sy) = if up { (ly, -lx) } else { (lx, ly) };
                        pixels.push((x + sx.round() as i32, y + sy.round() as i32, cov.min(1.0)));
                    }
                });
            }
            pen_x += sf.h_advance(id);
        }
        for (px, py, cov) in pixels {
            self.area
                .draw_pixel((px, py), &color.mix(cov as f64))
                .map_err(fail)?;
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    pub fn text(
        &self,
        text: &str,
        (x, y): (i32, i32),
        px: f64,
        color: RGBColor,
        h: HPos,
        v: VPos,
    ) -> Res {
        if text.is_empty() {
            return Ok(());
        }
        if self.raster {
            return self.raster_text(text, (x, y), px, color, h, v, false);
        }
        let style = self.style(px, color).pos(Pos::new(h, v));
        self.area
            .draw(&Text::new(text, (x, y), style))
            .map_err(fail)
    }

    /// Text read from bottom to top, centred on `(x, y)`.
    pub fn text_up(&self, text: &str, at: (i32, i32), px: f64, color: RGBColor) -> Res {
        self.turned(text, at, px, color, HPos::Center)
    }

    /// Text read from bottom to top whose end is at `(x, y)` (hanging below).
    pub fn text_up_from_top(&self, text: &str, at: (i32, i32), px: f64, color: RGBColor) -> Res {
        self.turned(text, at, px, color, HPos::Right)
    }

    fn turned(&self, text: &str, (x, y): (i32, i32), px: f64, color: RGBColor, h: HPos) -> Res {
        if text.is_empty() {
            return Ok(());
        }
        if self.raster {
            return self.raster_text(text, (x, y), px, color, h, VPos::Center, true);
        }
        let style = self
            .style(px, color)
            .pos(Pos::new(h, VPos::Center))
            .transform(FontTransform::Rotate270);
        self.area
            .draw(&Text::new(text, (x, y), style))
            .map_err(fail)
    }

    pub fn fill_rect(&self, (x0, y0): (i32, i32), (x1, y1): (i32, i32), color: RGBAColor) -> Res {
        self.area
            .draw(&Rectangle::new([(x0, y0), (x1, y1)], color.filled()))
            .map_err(fail)
    }

    pub fn frame(&self, (x0, y0): (i32, i32), (x1, y1): (i32, i32), color: RGBColor) -> Res {
        self.area
            .draw(&Rectangle::new([(x0, y0), (x1, y1)], color.stroke_width(1)))
            .map_err(fail)
    }

    pub fn line(&self, points: Vec<(i32, i32)>, color: RGBAColor, width: f64) -> Res {
        let w = ((width * self.s).round() as u32).max(1);
        self.area
            .draw(&PathElement::new(points, color.stroke_width(w)))
            .map_err(fail)
    }

    /// A dashed horizontal line.
    pub fn dashed_h(&self, x0: i32, x1: i32, y: i32, color: RGBColor, width: f64) -> Res {
        let dash = self.px(7.0);
        let gap = self.px(5.0);
        let mut x = x0;
        while x < x1 {
            let end = (x + dash).min(x1);
            self.line(vec![(x, y), (end, y)], color.to_rgba(), width)?;
            x = end + gap;
        }
        Ok(())
    }

    pub fn dot(&self, (x, y): (i32, i32), r: i32, color: RGBColor) -> Res {
        self.area
            .draw(&Circle::new((x, y), r, color.filled()))
            .map_err(fail)
    }

    pub fn polygon(&self, points: Vec<(i32, i32)>, color: RGBAColor) -> Res {
        self.area
            .draw(&Polygon::new(points, color.filled()))
            .map_err(fail)
    }

    /// Diagonal hatching inside a rectangle (for hidden rounds): not a colour,
    /// so it survives greyscale and every colour-vision deficiency. One
    /// zigzag path whose turns run along the rectangle's edges (one SVG
    /// element instead of one per stroke).
    pub fn hatch(&self, (x0, y0): (i32, i32), (x1, y1): (i32, i32), color: RGBColor) -> Res {
        let step = self.px(8.0).max(5);
        if x1 <= x0 || y1 <= y0 {
            return Ok(());
        }
        // Lines of slope −1 (x + y = c), clipped to the rectangle, walked
        // alternately down-left and up-right.
        let mut points = Vec::new();
        let mut c = x0 + y0 + step;
        let mut down = true;
        while c < x1 + y1 {
            let a = if c - y1 >= x0 {
                (c - y1, y1)
            } else {
                (x0, c - x0)
            };
            let b = if c - x1 >= y0 {
                (x1, c - x1)
            } else {
                (c - y0, y0)
            };
            if down {
                points.push(b);
                points.push(a);
            } else {
                points.push(a);
                points.push(b);
            }
            down = !down;
            c += step;
        }
        self.line(points, color.to_rgba(), 1.0)
    }

    /// Breaks `text` into lines no wider than `max` pixels (a word longer
    /// than a line stays whole).
    pub fn wrap(&self, text: &str, px: f64, max: i32) -> Result<Vec<String>, Error> {
        let mut lines = Vec::new();
        let mut line = String::new();
        for word in text.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if line.is_empty() || self.measure(&candidate, px)?.0 <= max {
                line = candidate;
            } else {
                lines.push(std::mem::take(&mut line));
                line = word.to_string();
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
        Ok(lines)
    }
}

/// One entry of a legend: a small sign and its text.
pub enum Sign {
    Line(RGBColor, f64),
    Dashed(RGBColor),
    Band,
    Swatch(RGBColor),
    Hatch,
    Cross,
    OpenMark,
    Empty,
}

/// Draws legend entries left to right from `(x, y)` (top), wrapping at
/// `right`; returns the y below the legend.
pub fn legend<DB: DrawingBackend>(
    pen: &Pen<'_, DB>,
    entries: &[(Sign, String)],
    at: (i32, i32),
    right: i32,
) -> Result<i32, Error> {
    flow(pen, entries, at, right, true)
}

/// The y below a legend drawn by [`legend`], without drawing it.
pub fn legend_height<DB: DrawingBackend>(
    pen: &Pen<'_, DB>,
    entries: &[(Sign, String)],
    at: (i32, i32),
    right: i32,
) -> Result<i32, Error> {
    flow(pen, entries, at, right, false)
}

fn flow<DB: DrawingBackend>(
    pen: &Pen<'_, DB>,
    entries: &[(Sign, String)],
    (x, y): (i32, i32),
    right: i32,
    paint: bool,
) -> Result<i32, Error> {
    let lh = pen.line_height(SMALL);
    let sign_w = pen.px(22.0);
    let gap = pen.px(16.0);
    let (mut cx, mut cy) = (x, y);
    for (sign, label) in entries {
        let (tw, _) = pen.measure(label, SMALL)?;
        let w = sign_w + pen.px(5.0) + tw;
        if cx > x && cx + w > right {
            cx = x;
            cy += lh;
        }
        if !paint {
            cx += w + gap;
            continue;
        }
        let mid = cy + lh / 2;
        let (sx0, sx1) = (cx, cx + sign_w);
        let half = pen.px(6.0);
        match sign {
            Sign::Line(c, w) => pen.line(vec![(sx0, mid), (sx1, mid)], c.to_rgba(), *w)?,
            Sign::Dashed(c) => pen.dashed_h(sx0, sx1, mid, *c, 1.5)?,
            Sign::Band => pen.fill_rect((sx0, mid - half), (sx1, mid + half), band())?,
            Sign::Swatch(c) => pen.fill_rect((sx0, mid - half), (sx1, mid + half), c.to_rgba())?,
            Sign::Hatch => {
                pen.frame((sx0, mid - half), (sx1, mid + half), HATCH)?;
                pen.hatch((sx0, mid - half), (sx1, mid + half), HATCH)?;
            }
            Sign::Cross => {
                pen.frame((sx0, mid - half), (sx1, mid + half), HATCH)?;
                cross(pen, (sx0, mid - half), (sx1, mid + half))?;
            }
            Sign::OpenMark => {
                pen.frame((sx0, mid - half), (sx1, mid + half), HATCH)?;
                open_mark(pen, (sx0, mid - half), (sx1, mid + half))?;
            }
            Sign::Empty => pen.frame((sx0, mid - half), (sx1, mid + half), HATCH)?,
        }
        pen.text(
            label,
            (sx1 + pen.px(5.0), mid),
            SMALL,
            INK,
            HPos::Left,
            VPos::Center,
        )?;
        cx += w + gap;
    }
    Ok(cy + lh)
}

/// The mark of a hidden heatmap cell: a cross.
pub fn cross<DB: DrawingBackend>(
    pen: &Pen<'_, DB>,
    (x0, y0): (i32, i32),
    (x1, y1): (i32, i32),
) -> Res {
    let side = (x1 - x0).min(y1 - y0);
    let (cx, cy) = ((x0 + x1) / 2, (y0 + y1) / 2);
    let r = (side * 3 / 10).max(2);
    let c = MUTED.to_rgba();
    pen.area
        .draw(&PathElement::new(
            vec![(cx - r, cy - r), (cx + r, cy + r)],
            c.stroke_width(1),
        ))
        .map_err(fail)?;
    pen.area
        .draw(&PathElement::new(
            vec![(cx - r, cy + r), (cx + r, cy - r)],
            c.stroke_width(1),
        ))
        .map_err(fail)
}

/// The mark of an open heatmap cell: a short horizontal dash.
pub fn open_mark<DB: DrawingBackend>(
    pen: &Pen<'_, DB>,
    (x0, y0): (i32, i32),
    (x1, y1): (i32, i32),
) -> Res {
    let side = (x1 - x0).min(y1 - y0);
    let (cx, cy) = ((x0 + x1) / 2, (y0 + y1) / 2);
    let r = (side * 3 / 10).max(2);
    pen.area
        .draw(&PathElement::new(
            vec![(cx - r, cy), (cx + r, cy)],
            MUTED.to_rgba().stroke_width(2),
        ))
        .map_err(fail)
}
