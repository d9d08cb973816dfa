//! Beyond one conversation: a manager's agreement to share their team's
//! picture with peers (a switch on their own team page), the intervisie
//! sheet of a department and round (one printable A4 page for a group of
//! managers), the bright spots on the advisor's overview, and the advisor's
//! guide to hesitation (`/guide`).
//!
//! An intervisie sheet shows only what the department's release allows: the
//! department's released picture, and of its teams only how they moved
//! (counted over the teams whose result is released to their own manager,
//! never a team's number). A team is named only while its manager agrees.
//! A suppressed department gets a sheet without numbers.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use maud::{Markup, PreEscaped, html};
use rusqlite::Connection;

use super::AppState;
use super::charting::{self, ChartError};
use super::dashboard::Viewer;
use super::extract::Language;
use super::page_error::{InLang, PageError, PageFailure};
use super::reflection::ManagerAction;
use super::setup::{TOKEN_FIELD, not_found};
use crate::casebook::Casebook;
use crate::charts::{self, Chart};
use crate::domain::access::Principal;
use crate::domain::casebook::Guide;
use crate::domain::intervisie::{self, Movement};
use crate::domain::lang::Lang;
use crate::report::{self, CellStatus, TeamRound, View};
use crate::storage::{self, StorageError, Team};

/// Cases on one sheet.
pub const CASES_PER_SHEET: usize = 2;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/team/{id}/delen", super::setup::action(share))
        .route("/team/{id}/rounds/{round}/intervisie", get(sheet_page))
        .route("/guide", get(guide_page))
}

fn tr(lang: Lang, nl: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Nl => nl,
        Lang::En => en,
    }
}

// ---- the agreement to share ----

/// Whether a team's manager agrees now to share their team's picture with
/// peers (never switched: no).
pub fn shares(conn: &Connection, team_key: i64) -> storage::Result<bool> {
    Ok(matches!(storage::sharing(conn, team_key)?, Some((true, _))))
}

/// `POST /team/{id}/delen`: the team's own manager switches the agreement
/// (`share=on` or `share=off`), from their browser session on this site
/// with its form token; anything else is 403 (or 404 for another team) and
/// changes nothing.
async fn share(
    State(state): State<AppState>,
    Path(id): Path<String>,
    a: ManagerAction,
) -> Response {
    let lang = a.lang;
    let on = match a
        .fields
        .iter()
        .find(|(n, _)| n == "share")
        .map(|(_, v)| v.as_str())
    {
        Some("on") => true,
        Some("off") => false,
        _ => return super::setup::forbidden(lang),
    };
    let team = a.team;
    let saved = state
        .db
        .write(move |c| {
            let t = storage::team(c, &id)?;
            if t.key != team {
                return Err(StorageError::not_found(storage::Thing::Team, &id));
            }
            let today = storage::today(c, jiff::Timestamp::now())?;
            storage::set_sharing(c, t.key, on, today)?;
            Ok(t.id)
        })
        .await;
    match saved {
        Ok(id) => Redirect::to(&format!("/team/{id}?lang={}#delen", lang.code())).into_response(),
        Err(_) => not_found(lang),
    }
}

/// The section of a team page this module adds: for the team's manager the
/// switch (with a browser session) and the guide's lines for managers; for
/// an advisor whether the manager agreed to share.
pub async fn team_section(
    state: &AppState,
    p: Principal,
    id: &str,
    session_token: Option<&str>,
    lang: Lang,
) -> Markup {
    let team_id = id.to_string();
    let sharing = state
        .db
        .read(move |c| match storage::team(c, &team_id) {
            Ok(t) if p.sees_team(t.key) => Ok(Some(storage::sharing(c, t.key)?)),
            _ => Ok(None),
        })
        .await
        .ok()
        .flatten();
    let Some(sharing) = sharing else {
        return html! {};
    };
    let state_line = match sharing {
        Some((true, day)) => format!(
            "{} {day}.",
            tr(
                lang,
                "Aan: de manager deelt het beeld van dit team met collega-managers sinds",
                "On: the manager shares this team's picture with peer managers since"
            )
        ),
        Some((false, day)) => format!(
            "{} {day}.",
            tr(lang, "Uit: ingetrokken op", "Off: withdrawn on")
        ),
        None => tr(lang, "Uit (zo staat het standaard).", "Off (the default).").to_string(),
    };
    let on = matches!(sharing, Some((true, _)));
    let guide = &state.casebook.guide;
    html! {
        @if p.sees_organisation() {
            p.status { (tr(lang, "Delen met collega-managers (intervisie): ", "Sharing with peer managers (intervisie): ")) (state_line) }
        } @else {
            section.hesitation {
                h2 { (guide.manager_intro.get(lang)) }
                ul {
                    @for h in &guide.hesitations {
                        li { strong { (h.says.get(lang)) } " " (h.manager.get(lang)) }
                    }
                }
            }
            section.sharing id="delen" {
                h2 { (tr(lang, "Delen met collega-managers", "Sharing with peer managers")) }
                p { (tr(lang,
                    "In intervisie bespreken managers van je afdeling samen casussen. Op het intervisieblad staat je team alleen met naam als jij dat hier aanzet; anders telt het alleen mee zonder naam (\"1 van de 4 teams…\"). Cijfers van je team staan er nooit op. Je kunt het altijd weer uitzetten: dan staat je team op geen enkel later blad meer met naam.",
                    "In intervisie, managers of your department discuss cases together. The intervisie sheet names your team only if you switch this on here; otherwise it only counts without a name (\"1 of 4 teams…\"). Your team's numbers are never on it. You can switch it off at any time: then no later sheet names your team.")) }
                p.status { (state_line) }
                @if let Some(token) = session_token {
                    form.sharing method="post" action={ "/team/" (id) "/delen?lang=" (lang.code()) } {
                        input type="hidden" name=(TOKEN_FIELD) value=(token);
                        @if on {
                            input type="hidden" name="share" value="off";
                            button type="submit" { (tr(lang, "Niet meer delen", "Stop sharing")) }
                        } @else {
                            input type="hidden" name="share" value="on";
                            button type="submit" { (tr(lang, "Ja, deel het beeld van mijn team met collega-managers", "Yes, share my team's picture with peer managers")) }
                        }
                    }
                }
            }
        }
    }
}

// ---- how teams moved ----

/// One team of a department in a round, as a sheet may mention it.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamMove {
    /// Its name, only while its manager agrees to share.
    pub name: Option<String>,
    pub movement: Movement,
    /// What its manager tried, when recorded.
    pub tried: Option<Tried>,
    /// Whether it is a bright spot.
    pub bright: bool,
    /// A bright spot for its level: in the top quarter of released teams
    /// in the last three rounds.
    pub top_quarter: bool,
}

/// What a manager tried: the focus and experiment recorded after their
/// conversation.
#[derive(Debug, Clone, PartialEq)]
pub struct Tried {
    /// The focus dimension's name (its id when unknown).
    pub dimension: String,
    pub experiment: String,
    pub round: String,
}

/// The latest focus recorded for a team, up to a round when given.
fn tried(
    conn: &Connection,
    team: &Team,
    up_to: Option<i64>,
    lang: Lang,
) -> storage::Result<Option<Tried>> {
    let Some(f) = storage::focuses(conn, team.key)?
        .into_iter()
        .rev()
        .find(|f| up_to.is_none_or(|r| f.round_id <= r))
    else {
        return Ok(None);
    };
    let (dimension, round) = match (
        charting::round_survey(conn, f.round_id),
        storage::round(conn, f.round_id),
    ) {
        (Ok(s), Ok(r)) => (
            s.dimension(&f.dimension)
                .map(|d| d.name.get(lang).to_string())
                .unwrap_or_else(|| f.dimension.clone()),
            r.title,
        ),
        _ => (f.dimension.clone(), String::new()),
    };
    Ok(Some(Tried {
        dimension,
        experiment: f.experiment,
        round,
    }))
}

/// The released overall scores of a trend's rounds, `None` where nothing
/// was released to the key.
fn scores(rounds: &[TeamRound]) -> Vec<Option<f64>> {
    rounds
        .iter()
        .map(|r| r.released().map(|res| res.score))
        .collect()
}

/// The teams directly under a department.
fn children(conn: &Connection, dept: &Team) -> storage::Result<Vec<Team>> {
    Ok(storage::teams(conn)?
        .into_iter()
        .filter(|t| t.parent_key == Some(dept.key))
        .collect())
}

/// How each team of a department moved up to a round, as its own manager
/// sees it: only teams whose result of the round is released to their
/// manager count. Named only while the manager agrees.
fn team_moves(
    conn: &Connection,
    dept: &Team,
    round: &report::RoundRef,
    lang: Lang,
) -> storage::Result<Vec<TeamMove>> {
    // Bright spots for their level (the organisation's released results).
    let top: Vec<String> = bright_spots(conn, Principal::Advisor, lang)?
        .into_iter()
        .filter(|b| b.top_quarter)
        .map(|b| b.team_id)
        .collect();
    let mut out = Vec::new();
    for t in children(conn, dept)? {
        let p = Principal::Manager { team: t.key };
        let trend = report::trend(conn, p, &t.id)?;
        let mut rounds: Vec<TeamRound> = trend
            .rounds
            .into_iter()
            .filter(|r| r.round.survey == round.survey)
            .collect();
        let Some(at) = rounds.iter().position(|r| r.round.id == round.id) else {
            continue;
        };
        rounds.truncate(at + 1);
        let Some(result) = rounds[at].released() else {
            continue;
        };
        let values = scores(&rounds);
        let movement = intervisie::movement(&values, result.overall.change.as_ref());
        let top_quarter = top.contains(&t.id);
        let bright = top_quarter
            || intervisie::bright_spots(std::slice::from_ref(&values))
                .first()
                .is_some_and(|(_, b)| b.upward_since.is_some());
        out.push(TeamMove {
            name: shares(conn, t.key)?.then(|| t.name.clone()),
            movement,
            tried: if bright {
                tried(conn, &t, Some(round.id), lang)?
            } else {
                None
            },
            bright,
            top_quarter,
        });
    }
    Ok(out)
}

/// A movement in words, for `n` teams.
fn movement_words(m: Movement, lang: Lang) -> &'static str {
    match m {
        Movement::NoSignal => tr(lang, "geen signaal van verandering", "no signal of change"),
        Movement::UpwardShift => tr(
            lang,
            "een blijvende verschuiving omhoog",
            "a sustained upward shift",
        ),
        Movement::DownwardShift => tr(
            lang,
            "een blijvende verschuiving omlaag",
            "a sustained downward shift",
        ),
        Movement::Rose => tr(
            lang,
            "gestegen sinds de vorige ronde, meer dan ruis",
            "rose beyond noise since the previous round",
        ),
        Movement::Fell => tr(
            lang,
            "gedaald sinds de vorige ronde, meer dan ruis",
            "fell beyond noise since the previous round",
        ),
        Movement::First => tr(
            lang,
            "eerste ronde, nog niets om mee te vergelijken",
            "first round, nothing to compare with yet",
        ),
    }
}

/// "3 of 5 teams: no signal of change; 1: a sustained upward shift; …"
pub fn tally_line(moves: &[TeamMove], lang: Lang) -> String {
    let all: Vec<Movement> = moves.iter().map(|m| m.movement).collect();
    let parts: Vec<String> = intervisie::tally(&all)
        .into_iter()
        .enumerate()
        .map(|(i, (m, n))| {
            if i == 0 {
                format!(
                    "{n} {} {} {}: {}",
                    tr(lang, "van de", "of"),
                    all.len(),
                    tr(lang, "teams", "teams"),
                    movement_words(m, lang)
                )
            } else {
                format!("{n}: {}", movement_words(m, lang))
            }
        })
        .collect();
    parts.join("; ")
}

// ---- the intervisie sheet ----

const CSS: &str = "
@page { size: A4; margin: 11mm; }
body { font: 9.5pt/1.35 'DejaVu Sans', Arial, sans-serif; color: #1a1a1a; margin: 0 auto; max-width: 190mm; }
h1 { font-size: 14pt; margin: 0 0 2mm; }
h2 { font-size: 10.5pt; margin: 3mm 0 1mm; }
h3 { font-size: 9.5pt; margin: 2mm 0 0.5mm; }
ul { margin: 0; padding-left: 5mm; }
p { margin: 0 0 1mm; }
.charts { display: flex; gap: 3mm; }
.charts > div { flex: 1; }
.charts svg { width: 100%; height: auto; max-height: 58mm; }
.cases { display: flex; gap: 4mm; }
.cases > div { flex: 1; }
footer { border-top: 1px solid #888; margin-top: 3mm; padding-top: 1mm; font-size: 8pt; color: #444; }
nav { margin-bottom: 2mm; }
@media print { body { max-width: none; } nav { display: none; } }
@media screen { body { padding: 4mm; } }
@media screen and (max-width: 40em) { .charts, .cases { flex-direction: column; } }
";

fn inline(chart: &Chart, lang: Lang, w: u32, h: u32) -> Option<Markup> {
    charts::svg(chart, lang, w, h).ok().map(PreEscaped)
}

/// The intervisie sheet of a department (a team with teams under it) and a
/// closed round, as a complete HTML document. Not found for a team without
/// sub-teams.
pub fn sheet(
    conn: &Connection,
    dept_id: &str,
    round_id: i64,
    lang: Lang,
    book: &Casebook,
) -> Result<String, ChartError> {
    let p = Principal::Advisor;
    let dept = storage::team(conn, dept_id)?;
    if children(conn, &dept)?.is_empty() {
        return Err(StorageError::not_found(storage::Thing::Team, dept_id).into());
    }
    let r = report::team_round(conn, p, &dept.id, round_id)?;
    if matches!(r.view, View::Open { .. }) {
        return Err(ChartError::Open { round: round_id });
    }
    let survey = charting::round_survey(conn, round_id)?;
    let title = format!(
        "{}: {} — {}",
        tr(lang, "Intervisie", "Intervisie"),
        r.team.name,
        r.round.title
    );
    let body = match r.released() {
        Some(result) => {
            // The department's trend up to this round (without any other
            // group's line), and the round's detail.
            let trend = report::trend(conn, p, &dept.id)?;
            let mut own = charting::of_survey(&trend, &r.round.survey);
            if let Some(at) = own.rounds.iter().position(|x| x.round.id == round_id) {
                own.rounds.truncate(at + 1);
            }
            let trend_svg = charting::trend_chart(&own, &survey, None, None, lang)
                .ok()
                .and_then(|t| inline(&Chart::Trend(t), lang, 640, 380));
            let detail_svg = charting::round_chart(&r, &survey, lang).ok().and_then(|d| {
                let c = Chart::Round(d);
                let h = c.natural_height(640, lang);
                inline(&c, lang, 640, h)
            });
            let moves = team_moves(conn, &dept, &r.round, lang)?;
            let weakest = result
                .dimension_concerns
                .first()
                .and_then(|d| survey.dimension(d));
            let prompts: Vec<String> = weakest
                .map(|d| d.prompts.get(lang).iter().take(2).cloned().collect())
                .unwrap_or_default();
            html! {
                h2 { (tr(lang, "Het beeld van de afdeling", "The department's picture")) }
                div.charts {
                    @if let Some(t) = trend_svg { div { (t) } }
                    @if let Some(d) = detail_svg { div { (d) } }
                }
                (moves_section(&moves, lang))
                (cases_section(book, round_id, lang))
                (questions_section(&prompts, lang))
            }
        }
        None => html! {
            p { strong { (tr(lang,
                "De uitkomsten van de afdeling in deze ronde kunnen niet worden getoond: te weinig collega's antwoordden om hen anoniem te houden (of een kleinere groep moet worden beschermd). Daarom staat op dit blad geen enkel getal, en niets over hoe de teams bewogen.",
                "The department's results of this round cannot be shown: too few colleagues answered to keep them anonymous (or a smaller group must be protected). That is why this sheet holds no number, and nothing on how the teams moved.")) } }
            (cases_section(book, round_id, lang))
            (questions_section(&[], lang))
        },
    };
    let footer = html! {
        footer {
            (r.round.title) " · k = " (r.k) " · "
            (tr(lang,
                "Voor de intervisie van deze groep managers. Een team staat hier alleen met naam als de manager daarmee instemt; cijfers van teams staan er nooit op.",
                "For this group of managers' intervisie. A team is named here only with its manager's agreement; teams' numbers are never on it."))
        }
    };
    Ok(document(lang, &title, html! { (body) (footer) }, None).into_string())
}

/// 2. How the teams moved, and the bright spots (named only with agreement).
fn moves_section(moves: &[TeamMove], lang: Lang) -> Markup {
    html! {
        h2 { (tr(lang, "Hoe de teams bewogen", "How the teams moved")) }
        @if moves.is_empty() {
            p { (tr(lang, "Van geen enkel team is de uitkomst van deze ronde vrijgegeven.", "No team's result of this round is released.")) }
        } @else {
            p { (tally_line(moves, lang)) "." }
            p.note { (tr(lang,
                "Geteld: de teams waarvan de uitkomst van deze ronde aan hun eigen manager is vrijgegeven.",
                "Counted: the teams whose result of this round is released to their own manager.")) }
            ul {
                @for m in moves.iter().filter(|m| m.name.is_some() || m.bright) {
                    li {
                        @match &m.name {
                            Some(name) => { strong { (name) } ": " }
                            None => { (tr(lang, "Eén team in deze afdeling: ", "One team in this department: ")) }
                        }
                        (movement_words(m.movement, lang))
                        @if m.top_quarter {
                            "; " (tr(lang, "in het beste kwart van de teams in de laatste drie rondes", "in the top quarter of teams in the last three rounds"))
                        }
                        @if let Some(t) = &m.tried {
                            ". " (tr(lang, "Geprobeerd", "Tried")) " (" (t.dimension) "): " (t.experiment)
                        }
                    }
                }
            }
        }
    }
}

/// 3. Two cases for the group, a different pair each round.
fn cases_section(book: &Casebook, round: i64, lang: Lang) -> Markup {
    html! {
        h2 { (tr(lang, "Casussen om samen te bespreken", "Cases to discuss together")) }
        div.cases {
            @for c in book.cases_for(round, CASES_PER_SHEET) {
                div {
                    h3 { (c.title.get(lang)) }
                    p { (c.situation.get(lang)) }
                    ul { @for q in c.questions.get(lang) { li { (q) } } }
                }
            }
        }
    }
}

/// 4. Open questions for the round.
fn questions_section(prompts: &[String], lang: Lang) -> Markup {
    html! {
        h2 { (tr(lang, "Open vragen", "Open questions")) }
        ul {
            @for q in prompts { li { (q) } }
            li { (tr(lang, "Wat heb je sinds de vorige ronde geprobeerd, en wat bracht het?", "What did you try since the previous round, and what did it bring?")) }
            li { (tr(lang, "Waar kunnen jullie van elkaar leren?", "Where can you learn from each other?")) }
            li { (tr(lang, "Wat heb je nodig om de volgende keer iets te zeggen?", "What do you need to say something next time?")) }
        }
    }
}

/// A complete self-contained document (see [`super::printable_document`]),
/// with the way back to the overview on screen when served.
fn document(lang: Lang, title: &str, body: Markup, back: Option<&str>) -> Markup {
    let nav = back
        .map(|href| html! { nav { a href=(href) { "← " (tr(lang, "Overzicht", "Overview")) } } });
    super::printable_document(lang, title, CSS, nav, body)
}

/// `GET /team/{id}/rounds/{round}/intervisie` (advisors only; anyone else,
/// and a team without sub-teams: not found).
async fn sheet_page(
    State(state): State<AppState>,
    Viewer(p): Viewer,
    Path((id, round)): Path<(String, i64)>,
    Language(lang): Language,
) -> Result<Response, PageError> {
    if !p.sees_organisation() {
        return Err(PageError::new(lang, PageFailure::NotFound));
    }
    let book = state.casebook.clone();
    let html = state
        .db
        .read(move |c| Ok(sheet(c, &id, round, lang, &book)))
        .await
        .in_lang(lang)?
        .map_err(|_| PageError::new(lang, PageFailure::NotFound))?;
    Ok(super::printable(html))
}

// ---- bright spots ----

/// A team where it goes well, as the advisor's overview lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct BrightSpot {
    pub team_id: String,
    pub team_name: String,
    /// The survey whose rounds show it (its title).
    pub survey: String,
    /// The round a sustained upward shift starts at (its title).
    pub upward_since: Option<String>,
    /// In the top quarter of released teams in the last three rounds.
    pub top_quarter: bool,
    pub tried: Option<Tried>,
}

/// The bright spots among the teams without sub-teams, from results
/// released under the anonymity rules only (advisors; anyone else: not
/// found), per survey with the most recent survey first; a team once.
pub fn bright_spots(
    conn: &Connection,
    p: Principal,
    lang: Lang,
) -> storage::Result<Vec<BrightSpot>> {
    if !p.sees_organisation() {
        return Err(StorageError::not_found(storage::Thing::Result, ""));
    }
    // The overview's cells: every group's released score per round, read
    // in one query (not a trend per team).
    let o = report::overview(conn, p)?;
    let grid = o.grid();
    let all = storage::teams(conn)?;
    let leaves: Vec<&Team> = all
        .iter()
        .filter(|t| !all.iter().any(|c| c.parent_key == Some(t.key)))
        .collect();
    let closed: Vec<&report::RoundInfo> =
        o.rounds.iter().filter(|r| r.closed_on.is_some()).collect();
    let mut surveys: Vec<&str> = Vec::new();
    for r in closed.iter().rev() {
        if !surveys.contains(&r.survey.as_str()) {
            surveys.push(&r.survey);
        }
    }
    let mut out: Vec<BrightSpot> = Vec::new();
    for s in surveys {
        let rounds: Vec<&&report::RoundInfo> = closed.iter().filter(|r| r.survey == s).collect();
        let series: Vec<Vec<Option<f64>>> = leaves
            .iter()
            .map(|t| {
                rounds
                    .iter()
                    .map(|r| match grid.get(&(t.id.as_str(), r.id)) {
                        Some(CellStatus::Released { score, .. }) => Some(*score),
                        _ => None,
                    })
                    .collect()
            })
            .collect();
        let Some(last) = rounds.last() else { continue };
        let title = charting::round_survey(conn, last.id)?
            .title
            .get(lang)
            .to_string();
        for (i, b) in intervisie::bright_spots(&series) {
            let t = leaves[i];
            if out.iter().any(|x| x.team_id == t.id) {
                continue;
            }
            out.push(BrightSpot {
                team_id: t.id.clone(),
                team_name: t.name.clone(),
                survey: title.clone(),
                upward_since: b.upward_since.map(|r| rounds[r].title.clone()),
                top_quarter: b.top_quarter,
                tried: tried(conn, t, None, lang)?,
            });
        }
    }
    Ok(out)
}

/// Why a bright spot is one, in words.
pub fn bright_reason(b: &BrightSpot, lang: Lang) -> String {
    let mut why = Vec::new();
    if let Some(r) = &b.upward_since {
        why.push(format!(
            "{} {r}",
            tr(
                lang,
                "blijvend omhoog sinds",
                "a sustained upward shift since"
            )
        ));
    }
    if b.top_quarter {
        why.push(
            tr(
                lang,
                "in het beste kwart van de teams in de laatste drie rondes",
                "in the top quarter of teams in the last three rounds",
            )
            .to_string(),
        );
    }
    format!("{} ({})", why.join("; "), b.survey)
}

/// What a bright spot's manager tried, in words.
pub fn tried_words(t: &Tried, lang: Lang) -> String {
    format!(
        "{} ({}, {}): {}",
        tr(lang, "geprobeerd", "tried"),
        t.dimension,
        t.round,
        t.experiment
    )
}

/// The part of the advisor's overview this module adds, above the heatmap:
/// the bright spots, the intervisie sheets of departments and the guide.
pub async fn overview_section(state: &AppState, p: Principal, lang: Lang) -> Markup {
    if !p.sees_organisation() {
        return html! {};
    }
    let loaded = state
        .db
        .read(move |c| {
            let spots = bright_spots(c, p, lang)?;
            let o = report::overview(c, p)?;
            let grid = o.grid();
            let all = storage::teams(c)?;
            let mut sheets = Vec::new();
            for d in all
                .iter()
                .filter(|d| all.iter().any(|t| t.parent_key == Some(d.key)))
            {
                // The department's latest closed round.
                let latest = o.rounds.iter().rev().find(|r| {
                    r.closed_on.is_some()
                        && matches!(
                            grid.get(&(d.id.as_str(), r.id)),
                            Some(CellStatus::Released { .. } | CellStatus::Suppressed)
                        )
                });
                if let Some(r) = latest {
                    sheets.push((d.id.clone(), d.name.clone(), r.id, r.title.clone()));
                }
            }
            Ok((spots, sheets))
        })
        .await;
    let Ok((spots, sheets)) = loaded else {
        return html! {};
    };
    html! {
        section.bright-spots {
            h2 { (tr(lang, "Waar het goed gaat", "Where it goes well")) }
            @if spots.is_empty() {
                p { (tr(lang, "Nog geen team met een blijvende verschuiving omhoog of drie rondes in het beste kwart.", "No team yet with a sustained upward shift or three rounds in the top quarter.")) }
            } @else {
                p { (tr(lang, "Vraag deze managers wat werkte, en of ze het willen delen.", "Ask these managers what worked, and whether they would share it.")) }
                ul {
                    @for b in &spots {
                        li {
                            a href={ "/team/" (b.team_id) "?lang=" (lang.code()) } { (b.team_name) }
                            ": " (bright_reason(b, lang))
                            @if let Some(t) = &b.tried { "; " (tried_words(t, lang)) }
                        }
                    }
                }
            }
            p {
                a href={ "/guide?lang=" (lang.code()) } { (tr(lang, "Gids bij aarzeling (om te printen)", "Guide to hesitation (printable)")) }
                @for (id, name, round, title) in &sheets {
                    " · " a href={ "/team/" (id) "/rounds/" (round) "/intervisie?lang=" (lang.code()) } { (tr(lang, "Intervisieblad", "Intervisie sheet")) " " (name) ": " (title) }
                }
            }
        }
    }
}

// ---- the guide to hesitation ----

/// The advisor's guide to hesitation as a complete, printable document.
pub fn guide(guide: &Guide, lang: Lang, back: Option<&str>) -> String {
    let title = tr(lang, "Gids bij aarzeling", "Guide to hesitation");
    let body = html! {
        p { (tr(lang,
            "Wat managers zeggen als ze aarzelen om iets te doen. Meestal is het een gebrek aan vertrouwen, niet aan wil. De vragen nodigen uit tot nadenken, zonder de verantwoordelijkheid over te nemen.",
            "What managers say when they hesitate to act. Usually it is a lack of confidence, not of will. The questions invite reflection without taking over the responsibility.")) }
        @for h in &guide.hesitations {
            h2 { "“" (h.says.get(lang)) "”" }
            p { strong { (tr(lang, "Wat het meestal betekent: ", "What it usually signals: ")) } (h.signals.get(lang)) }
            ul { @for q in h.questions.get(lang) { li { (q) } } }
            p { strong { (tr(lang, "Klein gedrag om te proberen: ", "One small behaviour to try: ")) } (h.try_this.get(lang)) }
            p { strong { (tr(lang, "Voor de manager: ", "For the manager: ")) } (h.manager.get(lang)) }
        }
        footer { (guide.manager_intro.get(lang)) }
    };
    document(lang, title, body, back).into_string()
}

/// `GET /guide` (advisors only; anyone else: not found).
async fn guide_page(
    State(state): State<AppState>,
    Viewer(p): Viewer,
    Language(lang): Language,
) -> Result<Response, PageError> {
    if !p.sees_organisation() {
        return Err(PageError::new(lang, PageFailure::NotFound));
    }
    let back = format!("/overzicht?lang={}", lang.code());
    let html = guide(&state.casebook.guide, lang, Some(&back));
    Ok(super::printable(html))
}
