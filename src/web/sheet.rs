//! The conversation sheet: one printable A4 page per team and round for the
//! advisor's conversation with the manager. Self-contained (CSS and SVG
//! inline, no external request). First the manager's own reflection, then
//! what goes well, where it chafes (observations, never judgements of
//! intentions), open questions from the survey's prompts for the weakest
//! dimension, the trend and the mirror, and a footer.

use maud::{DOCTYPE, Markup, PreEscaped, html};
use rusqlite::Connection;

use super::charting::{self, ChartError, TrendQuery};
use super::reflection;
use crate::charts::{self, Chart};
use crate::domain::access::Principal;
use crate::domain::lang::Lang;
use crate::domain::results::{Part, Released};
use crate::domain::survey::Survey;
use crate::report::{self, TeamRound, View};
use crate::storage::{self, Expectation};

const CSS: &str = "
@page { size: A4; margin: 11mm; }
body { font: 9.5pt/1.35 'DejaVu Sans', Arial, sans-serif; color: #1a1a1a; margin: 0 auto; max-width: 190mm; }
h1 { font-size: 14pt; margin: 0 0 2mm; }
h2 { font-size: 10.5pt; margin: 3mm 0 1mm; }
ul { margin: 0; padding-left: 5mm; }
p { margin: 0 0 1mm; }
.charts { display: flex; gap: 3mm; }
.charts svg { width: 100%; height: auto; max-height: 62mm; }
.reflection ul { columns: 2; }
footer { border-top: 1px solid #888; margin-top: 3mm; padding-top: 1mm; font-size: 8pt; color: #444; }
@media print { body { max-width: none; } }
";

fn tr(lang: Lang, nl: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Nl => nl,
        Lang::En => en,
    }
}

fn dec(x: f64, lang: Lang) -> String {
    let s = format!("{x:.1}");
    match lang {
        Lang::Nl => s.replace('.', ","),
        Lang::En => s,
    }
}

fn inline(chart: &Chart, lang: Lang, w: u32, h: u32) -> Option<Markup> {
    charts::svg(chart, lang, w, h).ok().map(PreEscaped)
}

/// What every section of the sheet reads: the language, the round's survey
/// and what the manager filled in.
struct Page<'a> {
    lang: Lang,
    survey: &'a Survey,
    self_check: Option<&'a Survey>,
    expectation: Option<&'a Expectation>,
}

impl Page<'_> {
    /// A statement's text in the page's language, or its id when unknown.
    fn item_text(&self, id: &str) -> String {
        self.survey
            .item(id)
            .map(|i| i.text.get(self.lang).to_string())
            .unwrap_or_else(|| id.to_string())
    }
}

/// The released mean of the part with this id, if any.
fn mean_of(parts: &[Part], id: &str) -> Option<f64> {
    parts
        .iter()
        .find(|p| p.id() == id)
        .and_then(Part::figure)
        .map(|f| f.mean)
}

/// The sheet as a complete HTML document, as an advisor sees the team-round.
pub fn sheet(
    conn: &Connection,
    team_id: &str,
    round_id: i64,
    lang: Lang,
    self_check: Option<&Survey>,
) -> Result<String, ChartError> {
    let p = Principal::Advisor;
    let r = report::team_round(conn, p, team_id, round_id)?;
    if matches!(r.view, View::Open { .. }) {
        return Err(ChartError::Open { round: round_id });
    }
    let survey = charting::round_survey(conn, round_id)?;
    let team = storage::team(conn, team_id).ok();
    let expectation = match &team {
        Some(t) => storage::expectation(conn, t.key, round_id)?,
        None => None,
    };
    let page = Page {
        lang,
        survey: &survey,
        self_check,
        expectation: expectation.as_ref(),
    };
    let trend = trend_svg(conn, p, team_id, &r, lang);
    let mirror = mirror_svg(conn, p, team_id, round_id, lang);
    let title = format!(
        "{}: {} — {}",
        tr(lang, "Gesprekskaart", "Conversation sheet"),
        r.team.name,
        r.round.title
    );
    let body = match r.released() {
        Some(result) => released_body(&page, result, trend, mirror),
        None => withheld_body(&page),
    };
    Ok(document(lang, &title, body, footer(lang, &r)).into_string())
}

/// The team's trend over the round's survey, inline, if it can be drawn.
fn trend_svg(
    conn: &Connection,
    p: Principal,
    team_id: &str,
    r: &TeamRound,
    lang: Lang,
) -> Option<Markup> {
    charting::trend(
        conn,
        p,
        team_id,
        &TrendQuery {
            survey: Some(r.round.survey.clone()),
            dimension: None,
        },
        lang,
    )
    .ok()
    .and_then(|t| inline(&Chart::Trend(t), lang, 640, 360))
}

/// The mirror chart at its natural height, inline, if it can be drawn.
fn mirror_svg(
    conn: &Connection,
    p: Principal,
    team_id: &str,
    round_id: i64,
    lang: Lang,
) -> Option<Markup> {
    charting::mirror(conn, p, team_id, round_id, lang)
        .ok()
        .and_then(|m| {
            let c = Chart::Mirror(m);
            let h = c.natural_height(640, lang);
            inline(&c, lang, 640, h)
        })
}

/// The manager's own reflection, when filled in.
fn reflection_section(page: &Page<'_>) -> Markup {
    html! {
        @if let Some(e) = page.expectation {
            (reflection::summary(page.lang, e, Some(page.survey), page.self_check))
        }
    }
}

/// The body of a released round: reflection and the five sections.
fn released_body(
    page: &Page<'_>,
    result: &Released,
    trend: Option<Markup>,
    mirror: Option<Markup>,
) -> Markup {
    html! {
        (reflection_section(page))
        (goes_well_section(page, result))
        (chafes_section(page, result))
        (questions_section(page, result))
        (charts_section(page.lang, trend, mirror))
        (learn_more_section(page.lang))
    }
}

/// 1. The strengths, each with its mean.
fn goes_well_section(page: &Page<'_>, result: &Released) -> Markup {
    let lang = page.lang;
    let points = page.survey.scale.points;
    html! {
        h2 { "1. " (tr(lang, "Wat goed gaat", "What goes well")) }
        ul {
            @for id in &result.strengths {
                li { (page.item_text(id)) " — " (tr(lang, "gemiddelde", "mean")) " " (mean_of(&result.items, id).map(|m| dec(m, lang)).unwrap_or_default()) " / " (points) ". " (tr(lang, "Blijf doen wat dit mogelijk maakt.", "Keep doing what makes this possible.")) }
            }
        }
    }
}

/// 2. The concerns, as observations, each with its mean.
fn chafes_section(page: &Page<'_>, result: &Released) -> Markup {
    let lang = page.lang;
    let points = page.survey.scale.points;
    html! {
        h2 { "2. " (tr(lang, "Waar het schuurt", "Where it chafes")) }
        ul {
            @for id in &result.concerns {
                li { (tr(lang, "Hier antwoordt het team het minst gunstig: ", "Here the team answers least favourably: ")) "“" (page.item_text(id)) "” — " (mean_of(&result.items, id).map(|m| dec(m, lang)).unwrap_or_default()) " / " (points) }
            }
        }
    }
}

/// 3. The weakest dimension's prompts, and one on spread when views differ.
fn questions_section(page: &Page<'_>, result: &Released) -> Markup {
    let lang = page.lang;
    let weakest = result
        .dimension_concerns
        .first()
        .and_then(|d| page.survey.dimensions.iter().find(|x| &x.id == d));
    let spread = result.agreement.is_some_and(|a| a.views_differ);
    html! {
        h2 { "3. " (tr(lang, "Open vragen", "Open questions")) }
        ul {
            @if let Some(d) = weakest {
                @for q in d.prompts.get(lang).iter().take(4) { li { (q) } }
            }
            @if spread {
                li { (tr(lang, "Wat zou ervoor kunnen zorgen dat dit voor sommigen anders voelt dan voor anderen?", "What might make this feel different for some than for others?")) }
            }
        }
    }
}

/// 4. The trend and the mirror side by side, where drawn.
fn charts_section(lang: Lang, trend: Option<Markup>, mirror: Option<Markup>) -> Markup {
    html! {
        h2 { "4. " (tr(lang, "Verloop en spiegel", "Trend and mirror")) }
        div.charts {
            @if let Some(t) = &trend { div { (t) } }
            @if let Some(m) = &mirror { div { (m) } }
        }
    }
}

/// 5. Where the manager can learn more.
fn learn_more_section(lang: Lang) -> Markup {
    html! {
        h2 { "5. " (tr(lang, "Meer leren", "Where to learn more")) }
        p { (tr(lang, "Vraag je vertrouwenspersoon naar trainingen, intervisie met andere managers of een vervolggesprek.", "Ask your advisor about training, intervision with other managers, or a follow-up talk.")) }
    }
}

/// The body of a withheld round: reflection and why there is no number.
fn withheld_body(page: &Page<'_>) -> Markup {
    let lang = page.lang;
    html! {
        (reflection_section(page))
        p { strong { (tr(lang,
            "De uitkomsten van deze ronde kunnen niet worden getoond: te weinig collega's antwoordden om hen anoniem te houden (of een kleinere groep moet worden beschermd). Daarom staat hier geen enkel getal.",
            "The results of this round cannot be shown: too few colleagues answered to keep them anonymous (or a smaller group must be protected). That is why there is no number here.")) } }
        p { (tr(lang,
            "Wat jullie wel kunnen bespreken: de eigen reflectie van de manager, waarom het team misschien weinig antwoordde, en het beeld van de afdeling waar dat is vrijgegeven.",
            "What you can discuss instead: the manager's own reflection, why the team may have answered little, and the department's picture where it is released.")) }
    }
}

/// The footer: round, participation where released, k and the sheet's use.
fn footer(lang: Lang, r: &TeamRound) -> Markup {
    html! {
        footer {
            (r.round.title) " · "
            @if let Some(res) = r.released() {
                (tr(lang, "respondenten: minstens k", "respondents: at least k"))
                @if let Some(b) = &res.participation_band { " · " (tr(lang, "deelname", "participation")) " " (b) }
                " · "
            }
            "k = " (r.k) " · "
            (tr(lang, "Deze kaart is alleen bedoeld voor dit gesprek met deze manager.", "This sheet is meant for this conversation with this manager only."))
        }
    }
}

/// The complete document around the title, the body and the footer.
fn document(lang: Lang, title: &str, body: Markup, footer: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="robots" content="noindex";
                title { (title) }
                style { (PreEscaped(CSS)) }
            }
            body {
                h1 { (title) }
                (body)
                (footer)
            }
        }
    }
}
