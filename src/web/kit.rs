//! The team conversation kit: one short printable page the manager shows
//! the team after a released round. What goes well first (the strongest
//! statements, in the team's own words, without numbers), the one focus,
//! an invitation for the team's own ideas, and "you said → we try → we
//! check on <date>".
//!
//! Built only from what the team manager's key sees of the round
//! ([`report::team_round`] with the manager's principal, whoever asks): no
//! comments, no statement hidden below k, no number. A hidden round's kit
//! says plainly that too few answered and still invites ideas. The same
//! document is served (`/team/{id}/rounds/{round}/kit`, to that team's
//! manager and to advisors) and written by `spiegel kit`: self-contained,
//! one A4 page, no external request; the file carries its CSS inline, the
//! served page links the same stylesheet from this site (whose CSP allows
//! no inline style).

use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use maud::{DOCTYPE, Markup, PreEscaped, html};
use rusqlite::Connection;

use super::AppState;
use super::dashboard::Viewer;
use super::extract::Language;
use super::focus::{closed_round_for, team_for};
use super::page_error::{InLang, PageError};
use crate::domain::access::Principal;
use crate::domain::lang::Lang;
use crate::domain::results::Released;
use crate::domain::survey::Survey;
use crate::report::{TeamRound, View};
use crate::storage::{self, Focus, StorageError};

const CSS: &str = "
@page { size: A4; margin: 14mm; }
body { font: 12pt/1.45 'DejaVu Sans', Arial, sans-serif; color: #1a1a1a; margin: 0 auto; max-width: 180mm; }
h1 { font-size: 20pt; margin: 0 0 1mm; }
h2 { font-size: 14pt; margin: 7mm 0 2mm; }
p.sub { color: #444; margin: 0 0 4mm; }
ul { margin: 0; padding-left: 6mm; }
li { margin-bottom: 1.5mm; }
ol.steps { list-style: none; padding: 0; display: flex; gap: 3mm; }
ol.steps li { flex: 1; border: 1px solid #888; border-radius: 2mm; padding: 3mm; }
ol.steps strong { display: block; font-size: 10pt; text-transform: uppercase; letter-spacing: .05em; color: #444; }
.lines { border-bottom: 1px solid #aaa; height: 9mm; }
footer { border-top: 1px solid #888; margin-top: 8mm; padding-top: 2mm; font-size: 9pt; color: #444; }
@media print { body { max-width: none; } }
@media screen { body { padding: 4mm; } }
@media screen and (max-width: 40em) { ol.steps { flex-direction: column; } }
";

/// Where the page served from the site takes the same stylesheet from
/// (the site's CSP allows no inline style).
pub const CSS_HREF: &str = "/kit.css";

/// How the document carries its stylesheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Inside the document (a file: self-contained).
    Inline,
    /// Linked from [`CSS_HREF`] (served by this site).
    Linked,
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/team/{id}/rounds/{round}/kit", get(kit_page))
        .route(
            CSS_HREF,
            get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                        (header::CACHE_CONTROL, "public, max-age=3600"),
                    ],
                    CSS,
                )
            }),
        )
}

fn tr(lang: Lang, nl: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Nl => nl,
        Lang::En => en,
    }
}

/// Why there is no kit.
#[derive(Debug, thiserror::Error)]
pub enum KitError {
    /// The round is open, or not yet released to the team's manager.
    #[error(
        "round {round} is not released to the manager of {team} (still open, or waiting for the advisor: `spiegel round release {round} --team {team}`)"
    )]
    NotReleased { team: String, round: i64 },
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// The kit of a team-round as a complete HTML document, built from what the
/// team manager's key sees. `viewer` decides only whether it may be asked
/// for (an advisor, or that team's manager).
pub fn kit(
    conn: &Connection,
    viewer: Principal,
    team_id: &str,
    round_id: i64,
    lang: Lang,
    style: Style,
) -> Result<String, KitError> {
    let team = team_for(conn, viewer, team_id)?;
    let manager = Principal::Manager { team: team.key };
    let r = match closed_round_for(conn, manager, &team, round_id) {
        Ok(r) => r,
        Err(StorageError::NotFound { .. }) => {
            // Not taking part at all stays "not found".
            crate::report::team_round(conn, manager, &team.id, round_id)?;
            return Err(KitError::NotReleased {
                team: team.id,
                round: round_id,
            });
        }
        Err(e) => return Err(e.into()),
    };
    let survey = super::charting::round_survey(conn, round_id)?;
    let focus = storage::focus(conn, team.key, round_id)?;
    let title = format!(
        "{} — {}",
        tr(
            lang,
            "Wat we meenemen uit de ronde",
            "What we take from the round"
        ),
        r.round.title
    );
    let body = body(&r, &survey, focus.as_ref(), lang);
    Ok(document(lang, &r.team.name, &title, body, style).into_string())
}

/// A statement's text in the team's words (the survey's wording).
fn statement(survey: &Survey, id: &str, lang: Lang) -> Option<String> {
    survey.item(id).map(|i| i.text.get(lang).to_string())
}

/// What the team said about the focus dimension: its released statement
/// with the least favourable answers (a hidden statement never counts).
fn you_said(result: &Released, survey: &Survey, dimension: &str) -> Option<String> {
    result
        .items
        .iter()
        .filter(|p| {
            survey
                .item(p.id())
                .is_some_and(|i| i.dimension == dimension)
        })
        .filter_map(|p| p.figure().map(|f| (p.id(), f.shares.favourable)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(id, _)| id.to_string())
}

fn body(r: &TeamRound, survey: &Survey, focus: Option<&Focus>, lang: Lang) -> Markup {
    let result = match &r.view {
        View::Released { result, .. } => Some(result.as_ref()),
        View::Suppressed | View::Open { .. } | View::Pending => None,
    };
    let dimension = focus.and_then(|f| survey.dimension(&f.dimension));
    let said = match (result, focus) {
        (Some(res), Some(f)) => {
            you_said(res, survey, &f.dimension).and_then(|id| statement(survey, &id, lang))
        }
        _ => None,
    };
    html! {
        @match result {
            Some(res) => {
                h2 { "1. " (tr(lang, "Wat goed gaat", "What goes well")) }
                p { (tr(lang, "Hier waren jullie antwoorden het gunstigst:", "This is where your answers were most favourable:")) }
                ul {
                    @for id in &res.strengths {
                        @if let Some(text) = statement(survey, id, lang) {
                            li {
                                "“" (text) "”"
                                @if r.is_reversed(id) { " " (tr(lang, "(een negatief gestelde zin: hier is oneens het gunstige antwoord)", "(a statement worded negatively: here disagreeing is the favourable answer)")) }
                            }
                        }
                    }
                }
                p { (tr(lang, "Dank je wel: laten we vasthouden wat dit mogelijk maakt.", "Thank you: let us keep what makes this possible.")) }
            }
            None => {
                h2 { "1. " (tr(lang, "De uitkomsten", "The results")) }
                p { strong { (tr(lang,
                    "Deze keer antwoordden te weinig collega's om uitkomsten te kunnen tonen zonder iemand herkenbaar te maken. Daarom staat hier geen uitkomst.",
                    "This time too few colleagues answered to show results without making anyone recognisable. That is why there are no results here.")) } }
            }
        }
        h2 { "2. " (tr(lang, "Onze ene focus", "Our one focus")) }
        @match (focus, dimension) {
            (Some(f), Some(d)) => {
                p { (tr(lang, "We werken aan: ", "We work on: ")) strong { (d.name.get(lang)) } }
                ol.steps {
                    li {
                        strong { (tr(lang, "Jullie zeiden", "You said")) }
                        @if let Some(s) = &said {
                            (tr(lang, "Hier waren jullie antwoorden het minst gunstig: ", "This is where your answers were least favourable: ")) "“" (s) "”"
                        } @else {
                            (tr(lang, "Dit thema vraagt aandacht.", "This dimension asks for attention."))
                        }
                    }
                    li { strong { (tr(lang, "We proberen", "We try")) } (f.experiment) }
                    li { strong { (tr(lang, "We kijken op", "We check on")) } (f.check_on) }
                }
            }
            _ => {
                p { (tr(lang, "We hebben nog geen focus gekozen: dat doen we graag samen met jullie.", "We have not chosen a focus yet: we would like to do that together with you.")) }
            }
        }
        h2 { "3. " (tr(lang, "Jullie ideeën", "Your ideas")) }
        p { (tr(lang,
            "Wat zou jij proberen? Wat zou helpen? Schrijf of vertel je ideeën; er zijn geen foute antwoorden.",
            "What would you try? What would help? Write down or tell your ideas; there are no wrong answers.")) }
        div.lines {}
        div.lines {}
        div.lines {}
    }
}

fn document(lang: Lang, team: &str, title: &str, body: Markup, style: Style) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="robots" content="noindex";
                title { (team) ": " (title) }
                @match style {
                    Style::Inline => style { (PreEscaped(CSS)) },
                    Style::Linked => link rel="stylesheet" href=(CSS_HREF);,
                }
            }
            body {
                h1 { (team) }
                p.sub { (title) }
                (body)
                footer {
                    (tr(lang,
                        "Gemaakt uit de anonieme antwoorden van het team: geen enkel antwoord is terug te voeren op een persoon, en opmerkingen staan hier niet in.",
                        "Made from the team's anonymous answers: no answer can be traced to a person, and comments are not included."))
                }
            }
        }
    }
}

/// `GET /team/{id}/rounds/{round}/kit`: the kit, for that team's manager
/// and for advisors; not found for anyone else and for an open or pending
/// round.
async fn kit_page(
    State(state): State<AppState>,
    Viewer(p): Viewer,
    Path((id, round)): Path<(String, i64)>,
    Language(lang): Language,
) -> Result<Response, PageError> {
    let html = state
        .db
        .read(move |c| Ok(kit(c, p, &id, round, lang, Style::Linked)))
        .await
        .in_lang(lang)?;
    let html = match html {
        Ok(h) => h,
        Err(KitError::Storage(e)) => return Err(PageError::new(lang, e)),
        Err(KitError::NotReleased { .. }) => {
            return Err(PageError::new(
                lang,
                super::page_error::PageFailure::NotFound,
            ));
        }
    };
    Ok(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response())
}
