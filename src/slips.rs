//! Handing out one-time links: plain text, CSV for a mail merge, and a
//! printable A4 page of QR slips to hand out at random. One implementation
//! for `spiegel links` and the advisor's links page.

use maud::{DOCTYPE, Markup, PreEscaped, html};
use qrcode::QrCode;
use qrcode::render::svg;
use rand::seq::SliceRandom;

use crate::domain::lang::Lang;

pub use qrcode::types::QrError;

/// The links in random order: the order they were made in says nothing,
/// and the order they are handed out in should not either.
pub fn shuffled(mut links: Vec<String>) -> Vec<String> {
    links.shuffle(&mut rand::rng());
    links
}

/// One link per line.
pub fn text(links: &[String]) -> String {
    let mut out = String::new();
    for l in links {
        out.push_str(l);
        out.push('\n');
    }
    out
}

/// `team,link` with a header row, quoted where CSV needs it.
pub fn csv(team: &str, links: &[String]) -> String {
    let mut out = String::from("team,link\n");
    for l in links {
        out.push_str(&csv_field(team));
        out.push(',');
        out.push_str(&csv_field(l));
        out.push('\n');
    }
    out
}

/// Quotes a CSV text field when needed, and defuses spreadsheet formulas: a
/// cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return gets
/// a single quote in front, so a spreadsheet shows it as text instead of
/// running it (team names and round titles are free text). Only for text
/// cells: numbers are written as they are, so `-0.5` stays a number.
pub fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// A QR code of `text` as an SVG element (no XML prologue), an image
/// labelled `label`.
pub fn qr_svg(text: &str, label: &str) -> Result<String, QrError> {
    let svg = QrCode::new(text.as_bytes())?
        .render::<svg::Color<'_>>()
        .min_dimensions(150, 150)
        .quiet_zone(true)
        .build();
    let svg = svg.trim_start_matches(|c| c != '<');
    let svg = svg
        .strip_prefix("<?xml version=\"1.0\" standalone=\"yes\"?>")
        .unwrap_or(svg);
    let label = maud::html! { (label) }.into_string();
    Ok(svg.replacen(
        "<svg ",
        &format!("<svg role=\"img\" aria-label=\"{label}\" "),
        1,
    ))
}

/// The stylesheet of the slips page: two slips a row, cut lines, A4.
pub const CSS: &str = "@page { size: A4; margin: 10mm; }
body { font: 10pt/1.35 system-ui, sans-serif; margin: 0; color: #000; background: #fff; }
.screen { max-width: 46rem; margin: 1rem auto; padding: 0 1rem; font-size: 1rem; }
.screen a { color: #0645ad; }
.sheet { display: grid; grid-template-columns: 1fr 1fr; }
.slip { display: flex; gap: 4mm; align-items: center; min-height: 54mm; padding: 3mm; border: 1px dashed #555; break-inside: avoid; page-break-inside: avoid; box-sizing: border-box; }
.qr svg { width: 40mm; height: 40mm; display: block; }
.txt { min-width: 0; }
.team { font-weight: 700; font-size: 12pt; margin: 0 0 1mm; }
.round { margin: 0 0 2mm; }
.link { font-family: ui-monospace, monospace; font-size: 7.5pt; word-break: break-all; margin: 0 0 2mm; }
.anon { font-size: 8pt; margin: 0 0 1mm; }
@media (max-width: 40rem) { .sheet { grid-template-columns: 1fr; } }
@media print { .screen { display: none; } .sheet { grid-template-columns: 1fr 1fr; } }
";

/// What the slips page says on screen around the slips (not printed).
pub struct Screen<'a> {
    pub heading: &'a str,
    pub lines: &'a [&'a str],
    pub back: Option<(&'a str, &'a str)>,
}

/// How the page gets its stylesheet: inline for a file (the command line),
/// linked for the server (whose content security policy refuses inline).
pub enum Style<'a> {
    Inline,
    Link(&'a str),
}

/// A printable page of cut-out slips, each with a QR code, the link, the
/// team and the round, and one line on anonymity in Dutch and English.
pub fn page(
    lang: Lang,
    team: &str,
    round_title: &str,
    links: &[String],
    style: Style<'_>,
    screen: Option<Screen<'_>>,
) -> Result<String, QrError> {
    let label = match lang {
        Lang::Nl => "QR-code van de link",
        Lang::En => "QR code of the link",
    };
    let mut slips = Vec::with_capacity(links.len());
    for link in links {
        slips.push((link, qr_svg(link, label)?));
    }
    let doc: Markup = html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="robots" content="noindex";
                title { "Spiegel · " (team) " · " (round_title) }
                @match style {
                    Style::Inline => style { (PreEscaped(CSS)) },
                    Style::Link(href) => link rel="stylesheet" href=(href);,
                }
            }
            body {
                main {
                    @if let Some(s) = &screen {
                        div.screen {
                            h1 { (s.heading) }
                            @for line in s.lines { p { (line) } }
                            @if let Some((href, text)) = s.back { p { a href=(href) { (text) } } }
                        }
                    }
                    div.sheet {
                        @for (link, qr) in &slips {
                            div.slip {
                                div.qr { (PreEscaped(qr)) }
                                div.txt {
                                    p.team { (team) }
                                    p.round { (round_title) }
                                    p.link { (link) }
                                    p.anon lang="nl" { "Scan om te antwoorden. Anoniem: deze link is aan niemand gekoppeld en werkt één keer." }
                                    p.anon lang="en" { "Scan to answer. Anonymous: this link is tied to nobody and works once." }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(doc.into_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_defuses() {
        assert_eq!(csv_field("Zorg & Welzijn"), "Zorg & Welzijn");
        assert_eq!(csv_field("Team \"A\", Noord"), "\"Team \"\"A\"\", Noord\"");
        assert_eq!(csv_field("=cmd()"), "'=cmd()");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        for bad in ["+1+1", "-2+3", "@SUM(A1)", "\tx", "\r=1"] {
            let cell = csv_field(bad);
            let unquoted = cell.trim_start_matches('"');
            assert!(unquoted.starts_with('\''), "{bad:?} became {cell:?}");
        }
        // Ordinary text stays as it is.
        assert_eq!(csv_field("Noord-Oost"), "Noord-Oost");
        assert_eq!(csv_field("a+b"), "a+b");
    }

    #[test]
    fn slips_escape_team_and_hold_a_qr_per_link() {
        let page = page(
            Lang::Nl,
            "<Zorg>",
            "Ronde 1",
            &["http://x/s/a".into(), "http://x/s/b".into()],
            Style::Inline,
            None,
        )
        .unwrap();
        assert_eq!(page.matches("<svg").count(), 2);
        assert!(page.contains("&lt;Zorg&gt;"));
        assert!(!page.contains("<Zorg>"));
        assert!(page.contains("@page { size: A4"));
    }

    #[test]
    fn shuffling_keeps_every_link() {
        let links: Vec<String> = (0..50).map(|i| i.to_string()).collect();
        let mut s = shuffled(links.clone());
        s.sort_by_key(|x| x.parse::<u32>().unwrap());
        assert_eq!(s, links);
    }
}
