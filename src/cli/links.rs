//! Output formats of `spiegel links`: plain text, CSV for mail merge and a
//! printable A4 page of QR slips to hand out at random.

use qrcode::QrCode;
use qrcode::render::svg;

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

/// Quotes a CSV field when needed, and defuses spreadsheet formulas.
pub fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
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

/// A printable page of cut-out slips, each with a QR code, the link, the
/// team and one sentence on anonymity.
pub fn html(
    team: &str,
    round_title: &str,
    links: &[String],
) -> Result<String, qrcode::types::QrError> {
    let mut slips = String::new();
    for link in links {
        let qr = QrCode::new(link.as_bytes())?
            .render::<svg::Color<'_>>()
            .min_dimensions(150, 150)
            .quiet_zone(true)
            .build();
        let qr = qr.trim_start_matches(|c| c != '<');
        let qr = qr
            .strip_prefix("<?xml version=\"1.0\" standalone=\"yes\"?>")
            .unwrap_or(qr);
        slips.push_str(&format!(
            r#"<div class="slip"><div class="qr">{qr}</div><div class="txt"><p class="team">{team}</p><p class="round">{round}</p><p class="link">{link}</p><p class="anon">Anoniem: deze link is aan niemand gekoppeld en werkt één keer. Trek een willekeurig briefje.</p><p class="anon" lang="en">Anonymous: this link is tied to nobody and works once. Take any slip.</p></div></div>
"#,
            team = escape(team),
            round = escape(round_title),
            link = escape(link),
        ));
    }
    Ok(format!(
        r#"<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>Spiegel · {team}</title>
<style>
@page {{ size: A4; margin: 10mm; }}
body {{ font: 10pt/1.35 system-ui, sans-serif; margin: 0; color: #000; }}
.sheet {{ display: grid; grid-template-columns: 1fr 1fr; }}
.slip {{ display: flex; gap: 4mm; align-items: center; height: 54mm; padding: 3mm; border: 1px dashed #666; break-inside: avoid; }}
.qr svg {{ width: 40mm; height: 40mm; display: block; }}
.team {{ font-weight: 700; font-size: 12pt; margin: 0 0 1mm; }}
.round {{ margin: 0 0 2mm; }}
.link {{ font-family: ui-monospace, monospace; font-size: 7.5pt; word-break: break-all; margin: 0 0 2mm; }}
.anon {{ font-size: 8pt; margin: 0 0 1mm; }}
</style></head>
<body><div class="sheet">
{slips}</div></body></html>
"#,
        team = escape(team),
    ))
}

/// Escapes text for HTML.
pub fn escape(s: &str) -> String {
    maud::html! { (s) }.into_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_defuses() {
        assert_eq!(csv_field("Zorg & Welzijn"), "Zorg & Welzijn");
        assert_eq!(csv_field("Team \"A\", Noord"), "\"Team \"\"A\"\", Noord\"");
        assert_eq!(csv_field("=cmd()"), "'=cmd()");
    }

    #[test]
    fn slips_escape_team_and_hold_a_qr_per_link() {
        let page = html(
            "<Zorg>",
            "Ronde 1",
            &["http://x/s/a".into(), "http://x/s/b".into()],
        )
        .unwrap();
        assert_eq!(page.matches("<svg").count(), 2);
        assert!(page.contains("&lt;Zorg&gt;"));
        assert!(!page.contains("<Zorg>"));
    }
}
