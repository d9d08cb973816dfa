//! The conversation sheet: one printable A4 page per team and round for the
//! advisor's conversation with the manager. Self-contained (CSS and SVG
//! inline, no external request). First the manager's own reflection, then
//! what goes well (the strongest statements and the improvements that pass
//! the noise rule or the run-chart rule, with the survey's `keep_doing`
//! sentences), where it chafes (the survey's `observation` sentences, never
//! judgements of intentions, honest about direction where the noise rule
//! says so), open questions from the weakest dimension's prompts (and its
//! `spread` question when views differ), the trend up to the round and the
//! mirror, and a footer. Where a survey has no sentence of its own, a
//! general one stands in. A hidden round has no number at all: the
//! department's picture in words where it is released, participation and
//! the manager's own view instead.

use maud::{Markup, PreEscaped, html};
use rusqlite::Connection;

use super::charting::{self, ChartError};
use super::focus::{self, OffersOn};
use super::reflection;
use super::texts::texts;
use crate::charts::{self, Chart};
use crate::domain::access::Principal;
use crate::domain::lang::Lang;
use crate::domain::results::{Part, Released};
use crate::domain::runchart::{Direction as RunDirection, Verdict};
use crate::domain::stats::Change;
use crate::domain::survey::{Item, Survey, Text};
use crate::report::{self, TeamRound, View};
use crate::storage::{self, Expectation, StorageError};

const CSS: &str = "
@page { size: A4; margin: 11mm; }
body { font: 9.5pt/1.35 'DejaVu Sans', Arial, sans-serif; color: #1a1a1a; margin: 0 auto; max-width: 190mm; }
h1 { font-size: 14pt; margin: 0 0 2mm; }
h2 { font-size: 10.5pt; margin: 3mm 0 1mm; }
li { margin-bottom: 0.5mm; }
.item { color: #555; font-size: 8.5pt; }
ul { margin: 0; padding-left: 5mm; }
p { margin: 0 0 1mm; }
.charts { display: flex; gap: 3mm; }
.charts svg { width: 100%; height: auto; max-height: 62mm; }
.reflection ul { columns: 2; column-gap: 6mm; }
.reflection li { break-inside: avoid; }
footer { border-top: 1px solid #888; margin-top: 3mm; padding-top: 1mm; font-size: 8pt; color: #444; }
@media print { body { max-width: none; } .screen { display: none; } }
@media screen { body { padding: 4mm; } }
@media screen and (max-width: 40em) { .charts { flex-direction: column; } .reflection ul { columns: 1; } }
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

    /// One of a statement's sentences for the sheet, when the survey has it.
    fn sentence(&self, id: &str, pick: fn(&Item) -> Option<&Text>) -> Option<String> {
        self.survey
            .item(id)
            .and_then(pick)
            .map(|t| t.get(self.lang).to_string())
    }

    /// "“statement”", marked when reverse-scored (then disagreeing is
    /// favourable).
    fn quoted(&self, id: &str) -> String {
        let reversed = if self.survey.item(id).is_some_and(|i| i.reverse) {
            format!(" {}", texts(self.lang).reversed)
        } else {
            String::new()
        };
        format!("“{}”{reversed}", self.item_text(id))
    }

    /// "“statement” — 5,2 / 7": the statement with its released mean.
    fn quoted_with_mean(&self, result: &Released, id: &str) -> String {
        let mean = mean_of(&result.items, id)
            .map(|m| format!(" — {} / {}", dec(m, self.lang), self.survey.scale.points))
            .unwrap_or_default();
        format!("{}{mean}", self.quoted(id))
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

/// The released change of the part with this id against the previous round.
fn change_of<'a>(parts: &'a [Part], id: &str) -> Option<&'a Change> {
    parts
        .iter()
        .find(|p| p.id() == id)
        .and_then(Part::figure)
        .and_then(|f| f.change.as_ref())
}

/// Which way a statement went since the previous round, by the noise rule
/// the released figure carries ([`Change::within_noise`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    /// Higher, beyond the noise.
    Up,
    /// Lower, beyond the noise.
    Down,
    /// Within the noise.
    Same,
}

fn direction(c: Option<&Change>) -> Option<Direction> {
    let c = c?;
    Some(if c.within_noise {
        Direction::Same
    } else if c.delta > 0.0 {
        Direction::Up
    } else {
        Direction::Down
    })
}

/// Items whose change passes the noise rule in direction `d`, the largest
/// change first, leaving out `skip`.
fn changed(result: &Released, d: Direction, skip: &[String]) -> Vec<String> {
    let mut out: Vec<(&str, f64)> = result
        .items
        .iter()
        .filter(|p| !skip.iter().any(|s| s == p.id()))
        .filter_map(|p| {
            let c = p.figure()?.change.as_ref()?;
            (direction(Some(c)) == Some(d)).then_some((p.id(), c.delta.abs()))
        })
        .collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    out.into_iter().map(|(id, _)| id.to_string()).collect()
}

/// A run-chart shift in the team's history up to this round: what shifted
/// (the overall score or a dimension's name) and the verdict in words.
#[derive(Debug, Clone, PartialEq)]
struct Shift {
    what: String,
    up: bool,
    words: String,
}

/// The run-chart shifts of the overall score and each dimension; shifts
/// with the same verdict in words are one line ("Overall score, Openness:
/// downward shift since …").
fn shifts(history: &[charts::Trend], lang: Lang) -> Vec<Shift> {
    let mut out: Vec<Shift> = Vec::new();
    for t in history {
        let Verdict::Shift { direction, .. } = t.run_chart.verdict else {
            continue;
        };
        let words = t.verdict(lang);
        match out.iter_mut().find(|s| s.words == words) {
            Some(s) => {
                s.what.push_str(", ");
                s.what.push_str(&t.title);
            }
            None => out.push(Shift {
                what: t.title.clone(),
                up: direction == RunDirection::Up,
                words,
            }),
        }
    }
    out
}

/// At most this many lines in "what goes well" and in "where it chafes",
/// so that the sheet fits on one page.
const MAX_LINES: usize = 4;

/// What "what goes well" lists: the strongest statements, then the other
/// statements that improved beyond the noise (largest first).
fn good_items(result: &Released) -> Vec<String> {
    let mut ids = result.strengths.clone();
    ids.extend(changed(result, Direction::Up, &result.strengths));
    ids.truncate(MAX_LINES);
    ids
}

/// What "where it chafes" lists: the weakest statements, then the other
/// statements that went down beyond the noise (largest first), none that
/// "what goes well" already lists.
fn sore_items(result: &Released) -> Vec<String> {
    let good = good_items(result);
    let mut ids: Vec<String> = result
        .concerns
        .iter()
        .filter(|id| !good.contains(id))
        .cloned()
        .collect();
    let skip: Vec<String> = ids.iter().chain(&good).cloned().collect();
    ids.extend(changed(result, Direction::Down, &skip));
    ids.truncate(MAX_LINES);
    ids
}

/// The dimensions to ask about, weakest first: the released weakest
/// dimensions, then the other released ones by mean.
fn weakest_dimensions(result: &Released) -> Vec<String> {
    let mut ids = result.dimension_concerns.clone();
    let mut rest: Vec<(&str, f64)> = result
        .dimensions
        .iter()
        .filter(|d| !ids.iter().any(|i| i == d.id()))
        .filter_map(|d| Some((d.id(), d.figure()?.mean)))
        .collect();
    rest.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(b.0)));
    ids.extend(rest.into_iter().map(|(id, _)| id.to_string()));
    ids
}

/// Three or four open questions: the weakest dimension's prompts, topped up
/// from the next dimension when it has fewer than three.
fn questions<'a>(survey: &'a Survey, dims: &[String], lang: Lang) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for d in dims.iter().filter_map(|d| survey.dimension(d)) {
        let want = if out.is_empty() { 4 } else { 3 - out.len() };
        out.extend(d.prompts.get(lang).iter().take(want).map(String::as_str));
        if out.len() >= 3 {
            break;
        }
    }
    out
}

/// A department's participation band ("70–80 %") in words, without its
/// numbers.
fn participation_words(band: &str, lang: Lang) -> Option<&'static str> {
    let low: u32 = band
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .ok()?;
    Some(match low {
        90.. => tr(lang, "bijna iedereen", "nearly everyone"),
        60..=89 => tr(lang, "ruim de helft", "well over half"),
        40..=59 => tr(lang, "ongeveer de helft", "about half"),
        _ => tr(lang, "minder dan de helft", "fewer than half"),
    })
}

/// The sheet as a complete HTML document, as an advisor sees the team-round.
pub fn sheet(
    conn: &Connection,
    team_id: &str,
    round_id: i64,
    lang: Lang,
    self_check: Option<&Survey>,
    served: bool,
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
    let title = format!(
        "{}: {} — {}",
        tr(lang, "Gesprekskaart", "Conversation sheet"),
        r.team.name,
        r.round.title
    );
    let body = match r.released() {
        Some(result) => {
            let history = history(conn, p, team_id, &r, &survey, lang)?;
            let trend = history
                .first()
                .and_then(|t| inline(&Chart::Trend(t.clone()), lang, 640, 360));
            let mirror = mirror_svg(conn, p, team_id, round_id, lang);
            let shifts = shifts(&history, lang);
            let after = after_conversation(conn, p, team_id, round_id, lang, Some(5))?;
            released_body(&page, result, &shifts, trend, mirror, after)
        }
        None => {
            let parent = team.as_ref().and_then(|t| t.parent.clone());
            let department = match parent {
                Some(id) => Some(department(conn, p, &id, round_id)?),
                None => None,
            };
            let after = after_conversation(conn, p, team_id, round_id, lang, None)?;
            html! { (withheld_body(&page, department.as_ref())) (after) }
        }
    };
    let guide = served.then(|| guide_link(lang));
    let body = html! { (body) @if let Some(g) = guide { (g) } (footer(lang, &r)) };
    Ok(super::printable_document(lang, &title, CSS, None, body).into_string())
}

/// The team's trends over the round's survey up to and including this
/// round: the overall score first (with the organisation's line), then each
/// dimension. Drawn from what the advisor may see, through the charts'
/// adapter, so the run-chart rule is the trend chart's.
fn history(
    conn: &Connection,
    p: Principal,
    team_id: &str,
    r: &TeamRound,
    survey: &Survey,
    lang: Lang,
) -> Result<Vec<charts::Trend>, ChartError> {
    let all = report::trend(conn, p, team_id)?;
    let mut upto = charting::of_survey(&all, &r.round.survey);
    if let Some(at) = upto.rounds.iter().position(|x| x.round.id == r.round.id) {
        upto.rounds.truncate(at + 1);
    }
    let comparison = if team_id != report::ORGANISATION_ID {
        Some(report::trend(conn, p, report::ORGANISATION_ID)?)
    } else {
        None
    };
    let mut out = vec![charting::trend_chart(
        &upto,
        survey,
        None,
        comparison.as_ref(),
        lang,
    )?];
    for d in &survey.dimensions {
        out.push(charting::trend_chart(
            &upto,
            survey,
            Some(&d.id),
            None,
            lang,
        )?);
    }
    Ok(out)
}

/// The department's view of the round, as the advisor may see it: released
/// or not, never a number derived from a hidden group.
struct Department {
    name: String,
    released: Option<Released>,
}

fn department(
    conn: &Connection,
    p: Principal,
    id: &str,
    round_id: i64,
) -> Result<Department, ChartError> {
    match report::team_round(conn, p, id, round_id) {
        Ok(d) => Ok(Department {
            name: d.team.name.clone(),
            released: d.released().cloned(),
        }),
        // The department took no part in the round: nothing released.
        Err(StorageError::NotFound { .. }) => Ok(Department {
            name: storage::team(conn, id)
                .map(|t| t.name)
                .unwrap_or_else(|_| id.to_string()),
            released: None,
        }),
        Err(e) => Err(e.into()),
    }
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
    shifts: &[Shift],
    trend: Option<Markup>,
    mirror: Option<Markup>,
    after: Markup,
) -> Markup {
    html! {
        (reflection_section(page))
        (goes_well_section(page, result, shifts))
        (chafes_section(page, result, shifts))
        (questions_section(page, result))
        (charts_section(page.lang, trend, mirror))
        (after)
    }
}

/// After the conversation: how the earlier focus moved up to this round and
/// this round's own focus, then the organisation's offers of where to
/// learn, matched to the focus dimension.
fn after_conversation(
    conn: &Connection,
    p: Principal,
    team_id: &str,
    round_id: i64,
    lang: Lang,
    number: Option<u8>,
) -> Result<Markup, ChartError> {
    let focus = focus::focus_section(conn, p, team_id, round_id, lang)?;
    let dimension = focus::focus_dimension(conn, p, team_id, round_id)?;
    let offers = focus::offers_section(conn, lang, dimension.as_deref(), OffersOn::Sheet(number))?;
    Ok(html! { (focus) (offers) })
}

/// "Keep doing: …", the statement's own sentence or the general one.
fn keep_doing(page: &Page<'_>, id: &str) -> Markup {
    let lang = page.lang;
    let sentence = page
        .sentence(id, |i| i.keep_doing.as_ref())
        .unwrap_or_else(|| {
            tr(
                lang,
                "wat dit mogelijk maakt, en het team vragen wat daarbij helpt.",
                "what makes this possible, and asking the team what helps.",
            )
            .to_string()
        });
    html! { br; em { (tr(lang, "Blijf doen: ", "Keep doing: ")) } (sentence) }
}

/// Section 1: the strongest statements and every improvement that passes
/// the noise rule or the run-chart rule, each statement with what to keep
/// doing.
fn goes_well_section(page: &Page<'_>, result: &Released, shifts: &[Shift]) -> Markup {
    let lang = page.lang;
    html! {
        h2 { "1. " (tr(lang, "Wat goed gaat", "What goes well")) }
        ul {
            @for id in good_items(result) {
                li {
                    @if direction(change_of(&result.items, &id)) == Some(Direction::Up) {
                        strong { (tr(lang, "Hoger dan vorige ronde, meer dan de ruis: ", "Higher than last round, beyond the noise: ")) }
                    }
                    (page.quoted_with_mean(result, &id))
                    (keep_doing(page, &id))
                }
            }
            @for s in shifts.iter().filter(|s| s.up) {
                li { strong { (s.what) } ": " (s.words) " " (tr(lang, "(volgens de run-chartregel).", "(by the run-chart rule).")) }
            }
        }
    }
}

/// A weakest statement as an observation, honest about its direction since
/// the previous round where the noise rule says so.
fn observation(page: &Page<'_>, result: &Released, id: &str) -> Markup {
    let lang = page.lang;
    let dir = direction(change_of(&result.items, id));
    let plain = page.sentence(id, |i| i.observation.as_ref());
    let down = page.sentence(id, |i| i.observation_down.as_ref());
    let lower = tr(
        lang,
        "Lager dan vorige ronde, meer dan de ruis.",
        "Lower than last round, beyond the noise.",
    );
    let (sentence, note) = match (dir, plain, down) {
        (Some(Direction::Down), _, Some(d)) => (d, None),
        (Some(Direction::Down), Some(o), None) => (o, Some(lower)),
        (Some(Direction::Down), None, None) => (
            tr(
                lang,
                "Hier antwoordt het team minder gunstig dan vorige ronde, meer dan de ruis.",
                "Here the team answers less favourably than last round, beyond the noise.",
            )
            .to_string(),
            None,
        ),
        (_, Some(o), _) => (o, None),
        (_, None, _) => (
            tr(
                lang,
                "Hier antwoordt het team het minst gunstig.",
                "Here the team answers least favourably.",
            )
            .to_string(),
            None,
        ),
    };
    let since = match dir {
        Some(Direction::Up) => Some(tr(
            lang,
            "Wel hoger dan vorige ronde, meer dan de ruis.",
            "Though higher than last round, beyond the noise.",
        )),
        Some(Direction::Same) => Some(tr(
            lang,
            "Ongeveer als vorige ronde (binnen de ruis).",
            "About as last round (within the noise).",
        )),
        Some(Direction::Down) => note,
        None => None,
    };
    html! {
        li {
            (sentence)
            @if let Some(n) = since { " " (n) }
            br;
            span.item { (page.quoted_with_mean(result, id)) }
        }
    }
}

/// Section 2: the weakest statements as observations of behaviour and
/// effect, never a judgement, and any downward run-chart shift.
fn chafes_section(page: &Page<'_>, result: &Released, shifts: &[Shift]) -> Markup {
    let lang = page.lang;
    html! {
        h2 { "2. " (tr(lang, "Waar het schuurt", "Where it chafes")) }
        ul {
            @for id in sore_items(result) { (observation(page, result, &id)) }
            @for s in shifts.iter().filter(|s| !s.up) {
                li { strong { (s.what) } ": " (s.words) " " (tr(lang, "(volgens de run-chartregel).", "(by the run-chart rule).")) }
            }
        }
    }
}

/// Section 3: open questions, the weakest dimension's prompts, and its
/// question on spread when views differ.
fn questions_section(page: &Page<'_>, result: &Released) -> Markup {
    let lang = page.lang;
    let dims = weakest_dimensions(result);
    let weakest = dims.first().and_then(|d| page.survey.dimension(d));
    let spread = result.agreement.is_some_and(|a| a.views_differ).then(|| {
        weakest
            .and_then(|d| d.spread.as_ref())
            .map(|t| t.get(lang).to_string())
            .unwrap_or_else(|| {
                tr(
                    lang,
                    "De antwoorden lopen uiteen: wat zou ervoor kunnen zorgen dat dit voor de een anders voelt dan voor de ander?",
                    "Views differ: what might make this feel different for some than for others?",
                )
                .to_string()
            })
    });
    html! {
        h2 {
            "3. " (tr(lang, "Open vragen", "Open questions"))
            @if let Some(d) = weakest { ": " (d.name.get(lang)) }
        }
        ul {
            @for q in questions(page.survey, &dims, lang) { li { (q) } }
            @if let Some(q) = spread { li { (q) } }
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

/// The body of a withheld round: no number at all, and what can be
/// discussed instead: the department's picture where it is released (in
/// words), why participation cannot be shown, and the manager's own view.
fn withheld_body(page: &Page<'_>, department: Option<&Department>) -> Markup {
    let lang = page.lang;
    html! {
        (reflection_section(page))
        p { strong { (tr(lang,
            "De uitkomsten van deze ronde kunnen niet worden getoond: te weinig collega's antwoordden om hen anoniem te houden, of tonen zou een kleinere groep herleidbaar maken. Daarom staat hier geen enkel getal.",
            "The results of this round cannot be shown: too few colleagues answered to keep them anonymous, or showing them would reveal a smaller group. That is why there is no number here.")) } }
        p { (tr(lang, "Wat jullie wel kunnen bespreken:", "What you can discuss instead:")) }
        @if let Some(d) = department { (department_section(page, d)) }
        h2 { (tr(lang, "Deelname", "Participation")) }
        p { (tr(lang,
            "Ook hoeveel collega's van dit team antwoordden blijft verborgen, want ook dat kan herleidbaar maken wie wel of niet antwoordde. Wel te bespreken: wat zou collega's helpen om de volgende keer mee te doen, en hoe hoorden ze van de vragenlijst?",
            "How many colleagues of this team answered stays hidden too, as that can also reveal who did or did not answer. What you can discuss: what would help colleagues take part next time, and how did they hear about the survey?")) }
        h2 { (tr(lang, "De eigen kijk van de manager", "The manager's own view")) }
        ul {
            li { (tr(lang, "Wat verwachtte je van deze ronde, en waarom?", "What did you expect of this round, and why?")) }
            li { (tr(lang, "Wat merk je zelf van hoe open het team nu is?", "What do you notice yourself of how open the team is now?")) }
            li { (tr(lang, "Wanneer heb je het team voor het laatst gevraagd wat beter kan, en wat gebeurde er toen?", "When did you last ask the team what could be better, and what happened then?")) }
        }
    }
}

/// The department's picture, in words only: its strongest and weakest
/// statements and its participation, where released for this round.
fn department_section(page: &Page<'_>, d: &Department) -> Markup {
    let lang = page.lang;
    let quoted = |ids: &[String]| {
        ids.iter()
            .map(|id| page.quoted(id))
            .collect::<Vec<_>>()
            .join("; ")
    };
    html! {
        h2 { (tr(lang, "Het beeld van de afdeling", "The department's picture")) ": " (d.name) }
        @match &d.released {
            Some(r) => {
                p { (tr(lang,
                    "Deze ronde is vrijgegeven voor de afdeling als geheel (dit team hoort erbij). Zonder cijfers:",
                    "This round is released for the department as a whole (this team is part of it). Without figures:")) }
                ul {
                    @if !r.strengths.is_empty() {
                        li { (tr(lang, "Het meest gunstig: ", "Most favourable: ")) (quoted(&r.strengths)) }
                    }
                    @if !r.concerns.is_empty() {
                        li { (tr(lang, "Het minst gunstig: ", "Least favourable: ")) (quoted(&r.concerns)) }
                    }
                    @if let Some(w) = r.participation_band.as_deref().and_then(|b| participation_words(b, lang)) {
                        li { (tr(lang, "Deelname in de afdeling: ", "Participation in the department: ")) (w) "." }
                    }
                    @if r.agreement.is_some_and(|a| a.views_differ) {
                        li { (tr(lang, "In de afdeling lopen de meningen uiteen.", "Views in the department differ.")) }
                    }
                }
                @let dims = weakest_dimensions(r);
                @let qs = questions(page.survey, &dims, lang);
                @if !qs.is_empty() {
                    p { (tr(lang, "Vragen die daarbij passen:", "Questions that fit:")) }
                    ul { @for q in qs { li { (q) } } }
                }
            }
            None => {
                p { (tr(lang,
                    "Ook het beeld van de afdeling is voor deze ronde niet vrijgegeven.",
                    "The department's picture is not released for this round either.")) }
            }
        }
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
/// On screen only (a served sheet, not a written file): the way to the
/// advisor's guide to the hesitations a manager may voice.
fn guide_link(lang: Lang) -> Markup {
    html! {
        p.screen {
            a href={ "/guide?lang=" (lang.code()) } {
                (tr(lang, "Gids bij aarzeling: wat een manager kan tegenhouden, en vragen die helpen", "Guide to hesitation: what may hold a manager back, and questions that help"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::results::Figure;
    use crate::domain::stats::Shares;

    fn part(id: &str, mean: f64, change: Option<(f64, bool)>) -> Part {
        Part::Released {
            id: id.into(),
            figure: Figure {
                n: 6,
                mean,
                se: 0.2,
                ci: [mean - 0.4, mean + 0.4],
                shares: Shares {
                    unfavourable: 0.2,
                    neutral: 0.3,
                    favourable: 0.5,
                },
                change: change.map(|(delta, within_noise)| Change {
                    delta,
                    within_noise,
                }),
            },
        }
    }

    fn released(items: Vec<Part>, strengths: &[&str], concerns: &[&str]) -> Released {
        let ids = |l: &[&str]| l.iter().map(|s| s.to_string()).collect();
        Released {
            respondents: 6,
            participation_band: None,
            score: 4.0,
            overall: part("overall", 4.0, None).figure().unwrap().clone(),
            dimensions: vec![part("d2", 4.5, None), part("d1", 3.5, None)],
            items,
            agreement: None,
            strengths: ids(strengths),
            concerns: ids(concerns),
            dimension_strengths: vec![],
            dimension_concerns: vec![],
        }
    }

    #[test]
    fn direction_follows_the_noise_rule_of_the_released_change() {
        let c = |delta, within_noise| Change {
            delta,
            within_noise,
        };
        assert_eq!(direction(None), None);
        assert_eq!(direction(Some(&c(0.8, false))), Some(Direction::Up));
        assert_eq!(direction(Some(&c(-0.8, false))), Some(Direction::Down));
        assert_eq!(direction(Some(&c(-0.8, true))), Some(Direction::Same));
        assert_eq!(direction(Some(&c(0.1, true))), Some(Direction::Same));
    }

    #[test]
    fn goes_well_adds_improvements_beyond_the_noise_and_chafes_adds_declines() {
        let r = released(
            vec![
                part("a", 6.0, Some((0.1, true))),
                part("b", 5.5, None),
                // Up beyond the noise, not a strength: added, largest first.
                part("c", 4.0, Some((0.6, false))),
                part("d", 4.2, Some((0.9, false))),
                // Up but within the noise: not added.
                part("e", 4.1, Some((0.7, true))),
                // Down beyond the noise, not a concern: added to chafes.
                part("f", 4.3, Some((-0.8, false))),
                part("g", 2.0, Some((-0.2, true))),
                part("h", 2.5, None),
            ],
            &["a", "b"],
            &["g", "h"],
        );
        assert_eq!(good_items(&r), ["a", "b", "d", "c"]);
        assert_eq!(sore_items(&r), ["g", "h", "f"]);
        // Never more than four lines.
        let many: Vec<Part> = (0..8)
            .map(|i| {
                part(
                    &format!("u{i}"),
                    4.0,
                    Some((0.5 + f64::from(i) / 10.0, false)),
                )
            })
            .collect();
        let r = released(many, &["u0"], &["u1"]);
        assert_eq!(good_items(&r).len(), MAX_LINES);
        assert_eq!(good_items(&r)[0], "u0");
        // A concern that improved beyond the noise stays in "what goes well" only.
        assert!(!sore_items(&r).iter().any(|i| good_items(&r).contains(i)));
    }

    #[test]
    fn questions_come_from_the_weakest_dimension_topped_up_to_three() {
        let text = "id = \"s\"\nversion = 1\ntitle = { nl = \"T\", en = \"T\" }\nintro = { nl = \"I\", en = \"I\" }\nthanks = { nl = \"D\", en = \"T\" }\n[scale]\npoints = 3\nlabels = { nl = [\"a\", \"b\", \"c\"], en = [\"a\", \"b\", \"c\"] }\n[[dimensions]]\nid = \"d1\"\nname = { nl = \"Een\", en = \"One\" }\nprompts = { nl = [\"n1?\", \"n2?\"], en = [\"e1?\", \"e2?\"] }\n[[dimensions]]\nid = \"d2\"\nname = { nl = \"Twee\", en = \"Two\" }\nprompts = { nl = [\"m1?\", \"m2?\", \"m3?\", \"m4?\", \"m5?\"], en = [\"f1?\", \"f2?\", \"f3?\", \"f4?\", \"f5?\"] }\n[[items]]\nid = \"a\"\ndimension = \"d1\"\ntext = { nl = \"A\", en = \"A\" }\n[[items]]\nid = \"b\"\ndimension = \"d2\"\ntext = { nl = \"B\", en = \"B\" }\n";
        let s = crate::domain::survey::parse("s.toml", text, None).unwrap();
        let r = released(vec![], &[], &[]);
        // No released weakest dimension: the released ones by mean.
        let dims = weakest_dimensions(&r);
        assert_eq!(dims, ["d1", "d2"]);
        assert_eq!(questions(&s, &dims, Lang::En), ["e1?", "e2?", "f1?"]);
        let mut r = r;
        r.dimension_concerns = vec!["d2".into()];
        let dims = weakest_dimensions(&r);
        assert_eq!(dims, ["d2", "d1"]);
        assert_eq!(questions(&s, &dims, Lang::Nl), ["m1?", "m2?", "m3?", "m4?"]);
    }

    #[test]
    fn participation_in_words_has_no_number() {
        for (band, en) in [
            ("100 %", "nearly everyone"),
            ("90–100 %", "nearly everyone"),
            ("70–80 %", "well over half"),
            ("60–70 %", "well over half"),
            ("50–60 %", "about half"),
            ("40–50 %", "about half"),
            ("0–10 %", "fewer than half"),
        ] {
            assert_eq!(participation_words(band, Lang::En), Some(en), "{band}");
            let nl = participation_words(band, Lang::Nl).unwrap();
            assert!(!nl.chars().any(|c| c.is_ascii_digit()));
        }
        assert_eq!(participation_words("", Lang::En), None);
    }

    #[test]
    fn run_chart_shifts_with_the_same_verdict_are_one_line() {
        let trend = |title: &str, values: &[f64]| {
            let rounds = values
                .iter()
                .enumerate()
                .map(|(i, &mean)| charts::TrendRound {
                    label: format!("R{i}"),
                    value: charts::TrendValue::Released {
                        mean,
                        ci: [mean - 0.2, mean + 0.2],
                        n: 8,
                    },
                })
                .collect();
            charts::Trend::new(title, "S", "Team", 7, rounds, None)
        };
        // Six rounds low, six high: one crossing, an upward shift since R6.
        let shifted = [3.0, 3.1, 3.0, 3.2, 3.0, 3.1, 5.0, 5.1, 5.0, 5.2, 5.0, 5.1];
        let flat = [4.0, 4.2, 3.9, 4.1, 3.8, 4.2, 3.9, 4.1, 3.8, 4.2, 3.9, 4.1];
        let history = [
            trend("Overall score", &shifted),
            trend("Openness", &flat),
            trend("Support", &shifted),
        ];
        let s = shifts(&history, Lang::En);
        assert_eq!(
            s,
            [Shift {
                what: "Overall score, Support".into(),
                up: true,
                words: "upward shift since R6".into(),
            }]
        );
        assert!(shifts(&history[1..2], Lang::En).is_empty());
    }
}
