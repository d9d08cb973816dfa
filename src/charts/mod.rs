//! Charts: pure, values in, bytes out.
//!
//! Four charts, each from its own small input type that knows nothing of
//! JSON or storage: the team's [`Trend`] over rounds (with the run-chart
//! verdict), the [`RoundDetail`] of one round (diverging stacked bars per
//! statement), the advisor's [`Overview`] heatmap of every team × round and
//! the [`Mirror`] of the manager's expectation against the team.
//! A caller builds the input from what the results layer released to the
//! viewer and nothing else; hidden rounds, items and cells carry no number.
//!
//! [`svg`] draws through plotters' SVG backend and adds `role="img"`, a
//! `<title>` and a `<desc>` (one sentence with the chart's message) right
//! after the opening `<svg>`. [`png`] draws the same layout through the
//! bitmap backend with DejaVu Sans embedded in the binary (the file and its
//! licence are in `static/fonts/`), so a PNG looks the same on any server.
//!
//! Text is at least 11 px at the size drawn and grows with wide charts (a
//! 1,600 px slide); use [`Chart::natural_height`] for a height that fits the
//! content (the heatmap of 200 teams is a tall, scrolling image).

mod draw;
mod mirror;
mod overview;
mod round;
pub mod samples;
mod trend;

use std::io::Cursor;
use std::sync::OnceLock;

use plotters::prelude::*;
use plotters::style::FontStyle;

use crate::domain::lang::Lang;

pub use mirror::{Flag, Mirror, MirrorItem, flag};
pub use overview::{Cell, Overview, OverviewTeam};
pub use round::{ItemBar, RoundDetail};
pub use trend::{Trend, TrendRound, TrendValue};

/// The default PNG size: a 16:9 slide.
pub const PNG_SIZE: (u32, u32) = (1600, 900);

/// The smallest chart drawn: a phone is 320–360 px wide.
pub const MIN_SIZE: (u32, u32) = (MIN_WIDTH, MIN_HEIGHT);
const MIN_WIDTH: u32 = 300;
const MIN_HEIGHT: u32 = 200;

/// The largest chart drawn (either side), and at most this many pixels for a
/// PNG (an RGB buffer of 3 bytes per pixel).
pub const MAX_SIDE: u32 = 12_000;
pub const MAX_PIXELS: u64 = 30_000_000;

/// One of the four charts.
#[derive(Debug, Clone, PartialEq)]
pub enum Chart {
    Trend(Trend),
    Round(RoundDetail),
    Overview(Overview),
    Mirror(Mirror),
}

impl From<Mirror> for Chart {
    fn from(m: Mirror) -> Self {
        Chart::Mirror(m)
    }
}

impl From<Trend> for Chart {
    fn from(t: Trend) -> Self {
        Chart::Trend(t)
    }
}

impl From<RoundDetail> for Chart {
    fn from(r: RoundDetail) -> Self {
        Chart::Round(r)
    }
}

impl From<Overview> for Chart {
    fn from(o: Overview) -> Self {
        Chart::Overview(o)
    }
}

impl Chart {
    /// The chart's title (also the SVG `<title>`).
    pub fn title(&self, lang: Lang) -> String {
        match self {
            Chart::Trend(t) => t.heading(lang),
            Chart::Round(r) => r.title.clone(),
            Chart::Overview(o) => o.heading(lang),
            Chart::Mirror(m) => m.title.clone(),
        }
    }

    /// One sentence with the chart's message (the SVG `<desc>`).
    pub fn description(&self, lang: Lang) -> String {
        match self {
            Chart::Trend(t) => t.describe(lang),
            Chart::Round(r) => r.describe(lang),
            Chart::Overview(o) => o.describe(lang),
            Chart::Mirror(m) => m.describe(lang),
        }
    }

    /// The height at which everything fits at `width` (the trend: a 16:9-ish
    /// box; the round detail and the heatmap: as tall as their rows need).
    pub fn natural_height(&self, width: u32, lang: Lang) -> u32 {
        let s = draw::scale_for(width);
        match self {
            Chart::Trend(t) => trend::natural_height(t, width, lang),
            Chart::Round(r) => round::natural_height(r, width, s, lang),
            Chart::Overview(o) => overview::natural_height(o, width, s),
            Chart::Mirror(m) => mirror::natural_height(m, width, lang),
        }
    }
}

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "a chart must be between {MIN_WIDTH}×{MIN_HEIGHT} and {MAX_SIDE}×{MAX_SIDE} pixels (at most {MAX_PIXELS} for a PNG), not {0}×{1}"
    )]
    Size(u32, u32),
    #[error("drawing the chart failed: {0}")]
    Draw(String),
    #[error("encoding the PNG failed: {0}")]
    Png(String),
    #[error("the embedded font could not be read")]
    Font,
}

/// The font family: DejaVu Sans, embedded for PNG and measuring; an SVG names
/// it first and falls back to the reader's sans-serif.
pub(crate) const FAMILY: &str = "DejaVu Sans, sans-serif";

pub(crate) static FONT: &[u8] = include_bytes!("../../static/fonts/DejaVuSans.ttf");

/// Registers the embedded font with plotters once per process (text is
/// measured with it for SVG too).
fn font_ready() -> Result<(), Error> {
    static READY: OnceLock<bool> = OnceLock::new();
    let ok = *READY
        .get_or_init(|| plotters::style::register_font(FAMILY, FontStyle::Normal, FONT).is_ok());
    if ok { Ok(()) } else { Err(Error::Font) }
}

fn check_size(width: u32, height: u32, png: bool) -> Result<(), Error> {
    let ok = width >= MIN_SIZE.0
        && height >= MIN_SIZE.1
        && width <= MAX_SIDE
        && height <= MAX_SIDE
        && (!png || width as u64 * height as u64 <= MAX_PIXELS);
    if ok {
        Ok(())
    } else {
        Err(Error::Size(width, height))
    }
}

fn render<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    chart: &Chart,
    lang: Lang,
    raster: bool,
) -> Result<(), Error> {
    area.fill(&WHITE).map_err(draw::fail)?;
    let pen = draw::Pen::new(area, raster);
    match chart {
        Chart::Trend(t) => trend::draw(&pen, t, lang)?,
        Chart::Round(r) => round::draw(&pen, r, lang)?,
        Chart::Overview(o) => overview::draw(&pen, o, lang)?,
        Chart::Mirror(m) => mirror::draw(&pen, m, lang)?,
    }
    area.present().map_err(draw::fail)
}

/// The chart as an SVG document (UTF-8), `width` × `height` pixels.
pub fn svg(chart: &Chart, lang: Lang, width: u32, height: u32) -> Result<String, Error> {
    check_size(width, height, false)?;
    font_ready()?;
    let mut body = String::with_capacity(128 * 1024);
    {
        let area = SVGBackend::with_string(&mut body, (width, height)).into_drawing_area();
        render(&area, chart, lang, false)?;
    }
    // plotters opens with `<svg width=.. height=.. viewBox=.. xmlns=..>`; the
    // first `>` ends that tag (attribute values are escaped).
    let Some(end) = body.find('>') else {
        return Err(Error::Draw("no <svg> tag".into()));
    };
    let mut out = String::with_capacity(body.len() + 512);
    out.push_str(&body[..end]);
    out.push_str(" role=\"img\">\n<title>");
    draw::escape_into(&mut out, &chart.title(lang));
    out.push_str("</title>\n<desc>");
    draw::escape_into(&mut out, &chart.description(lang));
    out.push_str("</desc>");
    out.push_str(&body[end + 1..]);
    Ok(out)
}

/// The chart as a PNG image, `width` × `height` pixels ([`PNG_SIZE`] for a
/// slide).
pub fn png(chart: &Chart, lang: Lang, width: u32, height: u32) -> Result<Vec<u8>, Error> {
    check_size(width, height, true)?;
    font_ready()?;
    let mut pixels = vec![0u8; width as usize * height as usize * 3];
    {
        let area = BitMapBackend::with_buffer(&mut pixels, (width, height)).into_drawing_area();
        render(&area, chart, lang, true)?;
    }
    let mut out = Vec::with_capacity(pixels.len() / 8);
    {
        let mut encoder = png::Encoder::new(Cursor::new(&mut out), width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        // Flat colour areas compress well even at the fast level.
        encoder.set_compression(png::Compression::Fast);
        let mut writer = encoder
            .write_header()
            .map_err(|e| Error::Png(e.to_string()))?;
        writer
            .write_image_data(&pixels)
            .map_err(|e| Error::Png(e.to_string()))?;
        writer.finish().map_err(|e| Error::Png(e.to_string()))?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
