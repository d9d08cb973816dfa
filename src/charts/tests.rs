//! Chart tests through the real renderers: SVGs parsed as XML, PNGs decoded.

use super::*;
use crate::domain::runchart::Verdict;

fn parse(svg: &str) -> roxmltree::Document<'_> {
    match roxmltree::Document::parse(svg) {
        Ok(doc) => doc,
        Err(e) => panic!("SVG does not parse: {e}\n{}", &svg[..svg.len().min(600)]),
    }
}

/// The text of every `<text>` element, trimmed.
fn texts(doc: &roxmltree::Document<'_>) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").trim().to_string())
        .collect()
}

fn fill_is(n: &roxmltree::Node<'_, '_>, hex: &str) -> bool {
    n.attribute("fill")
        .is_some_and(|f| f.eq_ignore_ascii_case(hex))
}

/// The team's dots: blue filled circles.
fn dots(doc: &roxmltree::Document<'_>) -> usize {
    doc.descendants()
        .filter(|n| n.has_tag_name("circle") && fill_is(n, "#0072B2"))
        .count()
}

fn released(t: &Trend) -> usize {
    t.rounds.iter().filter(|r| r.mean().is_some()).count()
}

fn hidden(t: &Trend) -> usize {
    t.rounds
        .iter()
        .filter(|r| r.value == TrendValue::Hidden)
        .count()
}

#[test]
fn trend_svg_has_title_desc_points_and_labelled_gaps() {
    for (rounds, width) in [(12usize, 360u32), (12, 1280), (52, 1200)] {
        let t = samples::trend(rounds, "Team Noord");
        for lang in [Lang::Nl, Lang::En] {
            let chart = Chart::from(t.clone());
            let h = chart.natural_height(width, lang);
            let svg = svg(&chart, lang, width, h).expect("svg");
            let doc = parse(&svg);
            let root = doc.root_element();
            assert_eq!(root.tag_name().name(), "svg");
            assert_eq!(root.attribute("role"), Some("img"));
            let children: Vec<_> = root.children().filter(|n| n.is_element()).collect();
            assert_eq!(children[0].tag_name().name(), "title");
            assert_eq!(children[1].tag_name().name(), "desc");
            assert_eq!(
                children[0].text(),
                Some("Totaalscore — Team Noord"),
                "{rounds} rounds"
            );
            let desc = children[1].text().unwrap_or("");
            assert!(desc.contains("van 7") || desc.contains("of 7"), "{desc}");
            assert!(desc.contains(&format!(" {} ", released(&t))), "{desc}");

            assert_eq!(dots(&doc), released(&t), "one dot per released round");
            let words = texts(&doc);
            let gap = if lang == Lang::Nl {
                "verborgen"
            } else {
                "hidden"
            };
            // One label per hidden round, plus the legend's entry.
            assert_eq!(
                words.iter().filter(|w| *w == gap).count(),
                hidden(&t) + 1,
                "{rounds} rounds at {width}: {words:?}"
            );
            // Every n is written (the n row), for released rounds only.
            for r in &t.rounds {
                if let TrendValue::Released { n, .. } = r.value {
                    assert!(words.contains(&n.to_string()));
                }
            }
        }
    }
}

#[test]
fn the_line_never_crosses_a_gap() {
    let t = samples::trend(12, "Team Noord");
    let svg = svg(&Chart::from(t.clone()), Lang::En, 1280, 700).expect("svg");
    let doc = parse(&svg);
    // The team's line is one blue polyline per run of released rounds.
    let lines: Vec<usize> = doc
        .descendants()
        .filter(|n| {
            n.has_tag_name("polyline")
                && n.attribute("stroke")
                    .is_some_and(|s| s.eq_ignore_ascii_case("#0072B2"))
                && n.attribute("stroke-width")
                    .is_some_and(|w| w.parse::<f64>().unwrap_or(0.0) >= 2.0)
        })
        .map(|n| {
            n.attribute("points")
                .unwrap_or("")
                .split_whitespace()
                .count()
        })
        .collect();
    // The legend's sample, then rounds 1–4 and 6–12 (round 5 is hidden).
    assert_eq!(lines, vec![2, 4, 7], "{lines:?}");
}

#[test]
fn trend_never_auto_zooms_and_names_the_survey() {
    let t = samples::trend(12, "Team Noord");
    let svg = svg(&Chart::from(t), Lang::Nl, 1280, 700).expect("svg");
    let words = texts(&parse(&svg));
    for k in 1..=7 {
        assert!(words.contains(&k.to_string()), "axis label {k}");
    }
    assert!(
        words
            .iter()
            .any(|w| w.starts_with("Psychologische veiligheid"))
    );
}

#[test]
fn the_verdict_is_written_under_the_chart() {
    let t = samples::trend(52, "Team Noord");
    let Verdict::Shift { since, .. } = t.run_chart.verdict else {
        panic!("the 52-round sample has a shift: {:?}", t.run_chart);
    };
    let label = &t.rounds[since].label;
    let nl = svg(&Chart::from(t.clone()), Lang::Nl, 1200, 680).expect("svg");
    assert!(nl.contains(&format!("Opwaartse verschuiving sinds {label}")));
    let en = svg(&Chart::from(t.clone()), Lang::En, 1200, 680).expect("svg");
    assert!(en.contains(&format!("Upward shift since {label}")));

    let early = samples::trend(8, "Team Zuid");
    let en = svg(&Chart::from(early), Lang::En, 800, 450).expect("svg");
    assert!(en.contains("Too early to tell (10 rounds needed)"));

    let flat = samples::trend(12, "Team Oost");
    assert_eq!(flat.run_chart.verdict, Verdict::NoSignal);
    let nl = svg(&Chart::from(flat), Lang::Nl, 800, 450).expect("svg");
    assert!(nl.contains("Geen signaal van verandering, alleen variatie"));
}

#[test]
fn a_hidden_round_contributes_no_number() {
    // The same trend with round 3 released (n = 77, mean 6.66) or hidden.
    let base = samples::trend(12, "Team Noord");
    let mut shown = base.rounds.clone();
    shown[2].value = TrendValue::Released {
        mean: 6.66,
        ci: [6.2, 6.9],
        n: 77,
    };
    let mut hidden = base.rounds.clone();
    hidden[2].value = TrendValue::Hidden;
    let mk = |rounds| Trend::new("Totaalscore", "Pulse", "Team Noord", 7, rounds, None);
    let with = svg(&Chart::from(mk(shown)), Lang::En, 1280, 700).expect("svg");
    let without = svg(&Chart::from(mk(hidden)), Lang::En, 1280, 700).expect("svg");
    assert!(texts(&parse(&with)).contains(&"77".to_string()));
    let words = texts(&parse(&without));
    assert!(!words.contains(&"77".to_string()));
    assert!(!without.contains("6.66") && !without.contains("6.7"));
    // Every number written is an axis label, a released n, or part of a title.
    let mut allowed: Vec<String> = (1..=10).map(|k| k.to_string()).collect();
    for r in &base.rounds {
        if let TrendValue::Released { n, .. } = r.value {
            allowed.push(n.to_string());
        }
    }
    for w in words {
        if w.chars().all(|c| c.is_ascii_digit()) && !w.is_empty() {
            assert!(allowed.contains(&w), "unexpected number {w}");
        }
    }
}

#[test]
fn names_are_text_never_markup() {
    let t = samples::trend(12, "Team <b>X</b> & \"co\"");
    let svg = svg(&Chart::from(t), Lang::En, 1280, 700).expect("svg");
    let doc = parse(&svg);
    assert!(!doc.descendants().any(|n| n.has_tag_name("b")));
    assert!(svg.contains("Team &lt;b&gt;X&lt;/b&gt; &amp; &quot;co&quot;"));
    let title = doc
        .descendants()
        .find(|n| n.has_tag_name("title"))
        .and_then(|n| n.text());
    assert_eq!(title, Some("Totaalscore — Team <b>X</b> & \"co\""));

    let o = samples::overview(3, 4, 6);
    let svg = super::svg(&Chart::from(o), Lang::En, 900, 600).expect("svg");
    let doc = parse(&svg);
    assert!(!doc.descendants().any(|n| n.has_tag_name("b")));
    assert!(texts(&doc).contains(&"Team <b>X</b>".to_string()));

    let mut r = samples::round_detail("Team <b>X</b> — Pulse");
    r.items[0].text = "<script>alert(1)</script>".into();
    let svg = super::svg(&Chart::from(r), Lang::En, 1000, 600).expect("svg");
    let doc = parse(&svg);
    assert!(
        !doc.descendants()
            .any(|n| n.has_tag_name("script") || n.has_tag_name("b"))
    );
}

#[test]
fn round_detail_keeps_order_marks_reversed_and_hides_without_a_bar() {
    let r = samples::round_detail("Team Noord — Pulse 2026-03");
    for (width, lang) in [(1280u32, Lang::Nl), (360, Lang::En)] {
        let chart = Chart::from(r.clone());
        let h = chart.natural_height(width, lang);
        let svg = svg(&chart, lang, width, h).expect("svg");
        let doc = parse(&svg);
        let all = texts(&doc);
        // The statements appear in the given order (first words of each).
        let mut last = 0;
        for item in &r.items {
            let first = item
                .text
                .split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ");
            let pos = all
                .iter()
                .position(|t| t.starts_with(&first))
                .unwrap_or_else(|| panic!("{first} missing at {width}: {all:?}"));
            assert!(pos >= last, "order kept");
            last = pos;
        }
        let note = if lang == Lang::Nl {
            "(oneens is hier gunstig)"
        } else {
            "(disagreeing is favourable here)"
        };
        assert_eq!(all.iter().filter(|t| *t == note).count(), 2);
        let hidden = if lang == Lang::Nl {
            "verborgen"
        } else {
            "hidden"
        };
        assert_eq!(all.iter().filter(|t| *t == hidden).count(), 1);
        // Favourable always blue: one blue bar part per shown item (plus the
        // legend swatch), none for the hidden one.
        let blue = doc
            .descendants()
            .filter(|n| n.has_tag_name("rect") && fill_is(n, "#0072B2"))
            .count();
        assert_eq!(blue, 6 + 1);
        let means: Vec<&String> = all
            .iter()
            .filter(|t| t.len() == 3 && (t.contains(',') || t.contains('.')))
            .collect();
        assert_eq!(means.len(), 6, "a mean per shown item: {means:?}");
    }
}

#[test]
fn overview_marks_hidden_and_open_cells_not_by_colour_alone() {
    let o = samples::overview(2, 4, 5);
    let chart = Chart::from(o.clone());
    let h = chart.natural_height(800, Lang::Nl);
    let svg = svg(&chart, Lang::Nl, 800, h).expect("svg");
    let doc = parse(&svg);
    let count = |c: Cell| o.cells.iter().flatten().filter(|x| **x == c).count();
    let (hidden, open) = (count(Cell::Hidden), count(Cell::Open));
    assert!(hidden > 0 && open > 0);
    // A hidden cell is two strokes (a cross), an open one a single dash;
    // the legend shows one of each.
    let marks = doc
        .descendants()
        .filter(|n| {
            n.has_tag_name("polyline")
                && n.attribute("stroke")
                    .is_some_and(|s| s.eq_ignore_ascii_case("#555555"))
        })
        .count();
    assert_eq!(marks, 2 * (hidden + 1) + (open + 1));
    let scores = o
        .cells
        .iter()
        .flatten()
        .filter(|c| matches!(c, Cell::Score(_)))
        .count();
    // Score cells plus the 48 steps of the legend's ramp are the only
    // viridis rectangles; hidden and open cells are not filled.
    let filled = doc
        .descendants()
        .filter(|n| {
            n.has_tag_name("rect")
                && n.attribute("fill")
                    .is_some_and(|f| f != "none" && !f.eq_ignore_ascii_case("#FFFFFF"))
        })
        .count();
    assert_eq!(filled, scores + 48);
    let desc = doc
        .descendants()
        .find(|n| n.has_tag_name("desc"))
        .and_then(|n| n.text())
        .unwrap_or("");
    assert!(
        desc.contains(&format!("{hidden} cellen verborgen, {open} open")),
        "{desc}"
    );
}

#[test]
fn overview_of_200_teams_is_a_tall_readable_image() {
    let o = samples::overview(20, 9, 52);
    assert_eq!(o.teams.len(), 200);
    let chart = Chart::from(o);
    let h = chart.natural_height(1200, Lang::En);
    assert!(h > 200 * 15, "every row at least 15 px: {h}");
    let svg = svg(&chart, Lang::En, 1200, h).expect("svg");
    parse(&svg);
}

#[test]
fn text_is_at_least_11_px() {
    let charts: Vec<Chart> = vec![
        samples::trend(52, "Team Noord").into(),
        samples::round_detail("Team Noord").into(),
        samples::overview(3, 3, 12).into(),
    ];
    for chart in charts {
        for width in [360u32, 1280] {
            let h = chart.natural_height(width, Lang::Nl);
            let svg = svg(&chart, Lang::Nl, width, h).expect("svg");
            let doc = parse(&svg);
            for n in doc.descendants().filter(|n| n.has_tag_name("text")) {
                let size: f64 = n
                    .attribute("font-size")
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0.0);
                assert!(size >= 11.0, "{size} px: {:?}", n.text());
            }
        }
    }
}

fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("png header");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("png frame");
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

#[test]
fn pngs_decode_with_their_size_and_are_not_blank() {
    let charts: Vec<Chart> = vec![
        samples::trend(52, "Team Noord").into(),
        samples::round_detail("Team Noord").into(),
        samples::overview(3, 3, 12).into(),
    ];
    for chart in charts {
        let (w, h) = PNG_SIZE;
        let bytes = png(&chart, Lang::En, w, h).expect("png");
        let (dw, dh, pixels) = decode(&bytes);
        assert_eq!((dw, dh), (w, h));
        let ink = pixels
            .chunks(3)
            .filter(|p| p.iter().any(|&c| c < 200))
            .count();
        let share = ink as f64 / (w * h) as f64;
        assert!(share > 0.01 && share < 0.9, "{share}");
        // Text was drawn with the embedded font: dark pixels in the title row.
        let title_row = &pixels[(30 * w as usize * 3)..(31 * w as usize * 3)];
        assert!(
            title_row
                .chunks(3)
                .any(|p| p[0] < 80 && p[1] < 80 && p[2] < 80)
        );
    }
}

#[test]
fn sizes_outside_the_limits_are_refused() {
    let chart = Chart::from(samples::trend(12, "Team"));
    assert!(matches!(
        svg(&chart, Lang::Nl, 10, 10),
        Err(Error::Size(10, 10))
    ));
    assert!(matches!(
        png(&chart, Lang::Nl, 12_000, 12_000),
        Err(Error::Size(..))
    ));
}

// ----------------------------------------------------------------- snapshots

fn snapshot(name: &str, svg: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("{name}.svg"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().expect("dir")).expect("mkdir");
        std::fs::write(&path, svg).expect("write snapshot");
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run with UPDATE_SNAPSHOTS=1 and look at it",
            path.display()
        )
    });
    assert!(
        want == svg,
        "{name}.svg changed; if that was meant, run with UPDATE_SNAPSHOTS=1 and look at it"
    );
}

#[test]
fn snapshot_trend() {
    let chart = Chart::from(samples::trend(24, "Team Noord"));
    snapshot("trend", &svg(&chart, Lang::Nl, 1200, 640).expect("svg"));
}

#[test]
fn snapshot_round_detail() {
    let chart = Chart::from(samples::round_detail("Team Noord — Pulse 2026-03"));
    let h = chart.natural_height(1200, Lang::Nl);
    snapshot(
        "round-detail",
        &svg(&chart, Lang::Nl, 1200, h).expect("svg"),
    );
}

#[test]
fn snapshot_overview() {
    let chart = Chart::from(samples::overview(3, 4, 12));
    let h = chart.natural_height(1200, Lang::Nl);
    snapshot("overview", &svg(&chart, Lang::Nl, 1200, h).expect("svg"));
}

/// Writes PNG and SVG previews to `target/chart-preview/` to look at:
/// `cargo test --lib charts::tests::preview -- --ignored`.
#[test]
#[ignore]
fn preview() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/chart-preview");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let charts: Vec<(&str, Chart)> = vec![
        ("trend12", samples::trend(12, "Team Noord").into()),
        ("trend24", samples::trend(24, "Team Noord").into()),
        ("trend52", samples::trend(52, "Team Noord").into()),
        (
            "round",
            samples::round_detail("Team Noord — Pulse 2026-03").into(),
        ),
        ("overview", samples::overview(3, 4, 12).into()),
        ("overview200", samples::overview(20, 9, 52).into()),
    ];
    for (name, chart) in &charts {
        for width in [1280u32, 360, 1600] {
            let h = if width == 1600 && matches!(chart, Chart::Trend(_)) {
                900
            } else {
                chart.natural_height(width, Lang::Nl)
            };
            let bytes = png(chart, Lang::Nl, width, h).expect("png");
            std::fs::write(dir.join(format!("{name}-{width}.png")), bytes).expect("write");
            let s = svg(chart, Lang::Nl, width, h).expect("svg");
            std::fs::write(dir.join(format!("{name}-{width}.svg")), s).expect("write");
        }
    }
}
