//! After the conversation, on the team page (and for the sheet): the team's
//! one focus (a dimension, one small experiment, a day to check), how that
//! dimension moved since (the rules of [`crate::domain::focus`]), and the
//! organisation's offers of where to learn.
//!
//! The focus form is a POST from the advisor's or the team manager's
//! browser session, protected like every form here (SameSite cookie,
//! `Origin` / `Sec-Fetch-Site`, the session's form token: anything else is
//! 403 and changes nothing). Another manager gets 404 for every address.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use rusqlite::Connection;

use super::dashboard::Viewer;
use super::extract::Language;
use super::page_error::{InLang, PageError};
use super::pages::layout;
use super::reflection::{SessionAction, SessionToken};
use super::setup::{TOKEN_FIELD, described, field_error};
use super::texts::texts;
use super::{AppState, STYLE_HREF, charting};
use crate::domain::access::Principal;
use crate::domain::date::Date;
use crate::domain::focus::{self, FocusError, Movement, Progress};
use crate::domain::lang::Lang;
use crate::domain::runchart::{Direction, MIN_USEFUL, Verdict};
use crate::domain::survey::Survey;
use crate::report::{self, RoundRef, TeamRound, View};
use crate::storage::{self, Focus, Offer, OfferKind, StorageError, Team, Thing};

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/team/{id}/rounds/{round}/focus",
        super::setup::page_and_action(form_page, save),
    )
}

fn tr(lang: Lang, nl: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Nl => nl,
        Lang::En => en,
    }
}

/// The team a viewer may act on: an advisor any team, a manager only their
/// own (anything else is not found, as for a team that does not exist).
pub fn team_for(c: &Connection, p: Principal, id: &str) -> storage::Result<Team> {
    let t = storage::team(c, id)?;
    match p {
        Principal::Advisor => Ok(t),
        Principal::Manager { team } if team == t.key => Ok(t),
        Principal::Manager { .. } => Err(StorageError::not_found(Thing::Team, id)),
    }
}

/// A closed round of the team as the viewer may see it (released or
/// hidden), else not found: an open round, or one still pending for the
/// manager, takes no focus and has no kit.
pub fn closed_round_for(
    c: &Connection,
    p: Principal,
    team: &Team,
    round: i64,
) -> storage::Result<TeamRound> {
    let r = report::team_round(c, p, &team.id, round)?;
    match r.view {
        View::Released { .. } | View::Suppressed => Ok(r),
        View::Open { .. } | View::Pending => Err(StorageError::not_found(Thing::Result, "")),
    }
}

/// A focus error in the page's language (in English the command line's).
pub fn focus_error(e: &FocusError, lang: Lang) -> String {
    match lang {
        Lang::En => e.to_string(),
        Lang::Nl => match e {
            FocusError::NoDimension { known } => {
                format!("Kies het thema om aan te werken (een van: {known}).")
            }
            FocusError::UnknownDimension { dimension, known } => format!(
                "De vragenlijst van deze ronde heeft geen thema {dimension:?}; kies een van: {known}."
            ),
            FocusError::EmptyExperiment => format!(
                "Beschrijf één klein experiment om te proberen (hoogstens {} tekens).",
                focus::EXPERIMENT_MAX
            ),
            FocusError::ExperimentTooLong { chars } => format!(
                "Het experiment heeft {chars} tekens; houd het op hoogstens {}.",
                focus::EXPERIMENT_MAX
            ),
            FocusError::BadCheck { typed, example } => format!(
                "{typed:?} is geen datum zoals {example}, en geen aantal dagen of weken vanaf vandaag zoals +14d of +2w."
            ),
            FocusError::CheckInThePast { check, today } => format!(
                "De datum {check} ligt in het verleden (vandaag is het {today}); kies vandaag of later."
            ),
        },
    }
}

/// The field an error belongs beside.
fn field_of(e: &FocusError) -> &'static str {
    match e {
        FocusError::NoDimension { .. } | FocusError::UnknownDimension { .. } => "dimension",
        FocusError::EmptyExperiment | FocusError::ExperimentTooLong { .. } => "experiment",
        FocusError::BadCheck { .. } | FocusError::CheckInThePast { .. } => "check",
    }
}

/// What the focus form shows: what was typed (or stored) and the errors.
#[derive(Debug, Default, Clone)]
struct FocusForm {
    dimension: String,
    experiment: String,
    check: String,
    errors: super::setup::Errors,
}

impl FocusForm {
    fn of(f: &Focus) -> FocusForm {
        FocusForm {
            dimension: f.dimension.clone(),
            experiment: f.experiment.clone(),
            check: f.check_on.to_string(),
            errors: Default::default(),
        }
    }
}

/// The focus form for a closed round.
fn form(
    lang: Lang,
    team_id: &str,
    round: &RoundRef,
    survey: &Survey,
    token: &str,
    f: &FocusForm,
    today: Date,
) -> Markup {
    let (d_by, d_invalid) = described("dimension", f.errors.get("dimension"));
    let (e_by, e_invalid) = described("experiment", f.errors.get("experiment"));
    let (c_by, c_invalid) = described("check", f.errors.get("check"));
    html! {
        form.focus method="post" action={ "/team/" (team_id) "/rounds/" (round.id) "/focus?lang=" (lang.code()) } {
            input type="hidden" name=(TOKEN_FIELD) value=(token);
            div.field {
                label for="dimension" { (tr(lang, "Het thema om aan te werken", "The dimension to work on")) }
                select #dimension name="dimension" required aria-describedby=[d_by] aria-invalid=[d_invalid] {
                    option value="" { (tr(lang, "— kies —", "— choose —")) }
                    @for d in &survey.dimensions {
                        option value=(d.id) selected[d.id == f.dimension] { (d.name.get(lang)) }
                    }
                }
                (field_error("dimension", f.errors.get("dimension")))
            }
            div.field {
                label for="experiment" { (tr(lang, "Eén klein experiment: wat ga je anders doen?", "One small experiment: what will you do differently?")) }
                textarea #experiment name="experiment" rows="3" maxlength=(focus::EXPERIMENT_MAX) required aria-describedby={ "experiment-hint" @if let Some(b) = e_by { " " (b) } } aria-invalid=[e_invalid] { (f.experiment) }
                p.hint #experiment-hint { (tr(lang, "Gedrag dat het team kan zien, hoogstens 280 tekens. Bijvoorbeeld: \"In elk overleg vraag ik als laatste: wat hebben we gemist?\"", "Behaviour the team can see, at most 280 characters. For example: \"At the end of every meeting I ask: what did we miss?\"")) }
                (field_error("experiment", f.errors.get("experiment")))
            }
            div.field {
                label for="check" { (tr(lang, "Wanneer kijken we hoe het ging?", "When do we check how it went?")) }
                input #check type="date" name="check" required min=(today.to_string()) value=(f.check) aria-describedby={ "check-hint" @if let Some(b) = c_by { " " (b) } } aria-invalid=[c_invalid];
                p.hint #check-hint { (tr(lang, "Een dag (JJJJ-MM-DD), vandaag of later.", "A day (YYYY-MM-DD), today or later.")) }
                (field_error("check", f.errors.get("check")))
            }
            button type="submit" { (tr(lang, "Focus opslaan", "Save the focus")) }
        }
    }
}

fn page(lang: Lang, status: StatusCode, title: &str, body: Markup) -> Response {
    let body = html! {
        nav.lang { a href={ "?lang=" (lang.other().code()) } hreflang=(lang.other().code()) { (texts(lang).other_language) } }
        (body)
    };
    (status, layout(lang, title, &STYLE_HREF, body)).into_response()
}

/// What the focus page needs.
struct FormData {
    team: Team,
    round: RoundRef,
    survey: std::sync::Arc<Survey>,
    today: Date,
    stored: Option<Focus>,
}

fn form_data(c: &Connection, p: Principal, id: &str, round: i64) -> storage::Result<FormData> {
    let team = team_for(c, p, id)?;
    let r = closed_round_for(c, p, &team, round)?;
    let survey = charting::round_survey(c, round)?;
    Ok(FormData {
        stored: storage::focus(c, team.key, round)?,
        today: storage::today(c, jiff::Timestamp::now())?,
        team,
        round: r.round,
        survey,
    })
}

fn form_page_body(d: &FormData, lang: Lang, token: Option<&str>, f: &FocusForm) -> Markup {
    html! {
        p { a href={ "/team/" (d.team.id) "?lang=" (lang.code()) } { "← " (d.team.name) } }
        h1 { (tr(lang, "Eén focus", "One focus")) ": " (d.round.title) }
        p { (tr(lang,
            "Kies na het gesprek één thema om aan te werken, één klein experiment en een dag om te kijken hoe het ging. De volgende ronde laat zien hoe dat thema bewoog.",
            "After the conversation, choose one dimension to work on, one small experiment and a day to check how it went. The next round shows how that dimension moved.")) }
        @if let Some(token) = token {
            (form(lang, &d.team.id, &d.round, &d.survey, token, f, d.today))
        } @else if let Some(s) = &d.stored {
            p { (s.experiment) }
        }
    }
}

/// `GET /team/{id}/rounds/{round}/focus`: the form on its own page.
async fn form_page(
    State(state): State<AppState>,
    Viewer(p): Viewer,
    Path((id, round)): Path<(String, i64)>,
    Language(lang): Language,
    SessionToken(token): SessionToken,
) -> Result<Response, PageError> {
    let d = state
        .db
        .read(move |c| form_data(c, p, &id, round))
        .await
        .in_lang(lang)?;
    let f = d.stored.as_ref().map(FocusForm::of).unwrap_or_default();
    let body = form_page_body(&d, lang, token.as_deref(), &f);
    Ok(page(lang, StatusCode::OK, &d.team.name, body))
}

/// `POST /team/{id}/rounds/{round}/focus`: records (or replaces) the focus.
async fn save(
    State(state): State<AppState>,
    Path((id, round)): Path<(String, i64)>,
    a: SessionAction,
) -> Result<Response, PageError> {
    let lang = a.lang;
    let p = a.key.principal;
    let typed = FocusForm {
        dimension: a.get("dimension").to_string(),
        experiment: a.get("experiment").to_string(),
        check: a.get("check").to_string(),
        errors: Default::default(),
    };
    let label = a.key.label.clone();
    let t = typed.clone();
    let outcome = state
        .db
        .write(move |c| {
            let d = form_data(c, p, &id, round)?;
            match focus::check_focus(&d.survey, &t.dimension, &t.experiment, &t.check, d.today) {
                Err(errors) => Ok(Err((d, errors))),
                Ok((dimension, experiment, check_on)) => {
                    let recorded_by = match p {
                        Principal::Advisor => label.clone(),
                        Principal::Manager { .. } => "manager".to_string(),
                    };
                    let f = Focus {
                        round_id: round,
                        dimension,
                        experiment,
                        check_on,
                        recorded_by,
                        recorded_on: d.today,
                    };
                    storage::save_focus(c, d.team.key, &f)?;
                    super::setup::audit(
                        c,
                        &label,
                        &crate::domain::audit::Action::FocusRecorded {
                            team: d.team.id.clone(),
                            round,
                            dimension: f.dimension.clone(),
                            check_on: f.check_on,
                        },
                    )?;
                    Ok(Ok(d.team.id))
                }
            }
        })
        .await
        .in_lang(lang)?;
    match outcome {
        Ok(team) => {
            Ok(Redirect::to(&format!("/team/{team}?lang={}#focus", lang.code())).into_response())
        }
        Err((d, errors)) => {
            let mut f = typed;
            for e in &errors {
                f.errors
                    .entry(field_of(e))
                    .or_insert_with(|| focus_error(e, lang));
            }
            let body = form_page_body(&d, lang, Some(&a.token), &f);
            Ok(page(
                lang,
                StatusCode::UNPROCESSABLE_ENTITY,
                &d.team.name,
                body,
            ))
        }
    }
}

/// The focus dimension's rounds as the viewer sees them: the rounds of the
/// focus round's survey (up to `upto`, when given), and the focus round's
/// place among them.
struct Series {
    rounds: Vec<TeamRound>,
    focus_index: usize,
}

fn series(
    c: &Connection,
    p: Principal,
    team_id: &str,
    focus_round: i64,
    upto: Option<i64>,
    known: Option<&report::Trend>,
) -> storage::Result<Option<Series>> {
    // The caller's trend when it holds the focus round (a team page has
    // read it already), else this viewer's whole trend.
    let loaded;
    let trend = match known.filter(|t| t.rounds.iter().any(|r| r.round.id == focus_round)) {
        Some(t) => t,
        None => {
            loaded = report::trend(c, p, team_id)?;
            &loaded
        }
    };
    let Some(survey) = trend
        .rounds
        .iter()
        .find(|r| r.round.id == focus_round)
        .map(|r| r.round.survey.clone())
    else {
        return Ok(None);
    };
    let rounds: Vec<TeamRound> = trend
        .rounds
        .iter()
        .filter(|r| r.round.survey == survey && !matches!(r.view, View::Open { .. }))
        .filter(|r| upto.is_none_or(|u| r.round.id <= u))
        .cloned()
        .collect();
    Ok(rounds
        .iter()
        .position(|r| r.round.id == focus_round)
        .map(|focus_index| Series {
            rounds,
            focus_index,
        }))
}

/// How the focus dimension moved, from the rounds the viewer sees.
fn progress_of(s: &Series, dimension: &str) -> Progress {
    let figures: Vec<_> = s
        .rounds
        .iter()
        .map(|r| {
            r.released().and_then(|res| {
                res.dimensions
                    .iter()
                    .find(|d| d.id() == dimension)
                    .and_then(|d| d.figure())
            })
        })
        .collect();
    focus::progress(&figures, s.focus_index)
}

fn signed(x: f64, lang: Lang) -> String {
    format!("{x:+.1}").replace('.', texts(lang).decimal_separator)
}

/// How the dimension moved, in words (lower case first).
pub fn movement_text(pr: &Progress, titles: &[String], focus_title: &str, lang: Lang) -> String {
    let title = |i: usize| titles.get(i).map(String::as_str).unwrap_or("?");
    match (pr.movement, lang) {
        (Movement::TooEarly, _) if pr.steps.is_empty() => tr(
            lang,
            "te vroeg om iets te zeggen: nog geen latere ronde met uitkomsten",
            "too early to tell: no later round with results yet",
        )
        .to_string(),
        (Movement::TooEarly, _) => tr(
            lang,
            "te vroeg om iets te zeggen: de focusronde heeft voor dit thema geen getal om mee te vergelijken",
            "too early to tell: the focus round has no figure for this dimension to compare with",
        )
        .to_string(),
        (Movement::NoSignalYet { delta }, Lang::Nl) => format!(
            "nog geen signaal van verandering ({} sinds {focus_title}, binnen de ruis)",
            signed(delta, lang)
        ),
        (Movement::NoSignalYet { delta }, Lang::En) => format!(
            "no signal of change yet ({} since {focus_title}, within the noise)",
            signed(delta, lang)
        ),
        (Movement::Changed { delta }, Lang::Nl) => format!(
            "{} dan in {focus_title} ({}, buiten de ruis)",
            if delta > 0.0 { "hoger" } else { "lager" },
            signed(delta, lang)
        ),
        (Movement::Changed { delta }, Lang::En) => format!(
            "{} than in {focus_title} ({}, beyond the noise)",
            if delta > 0.0 { "higher" } else { "lower" },
            signed(delta, lang)
        ),
        (Movement::Shift { direction, since }, Lang::Nl) => format!(
            "{} sinds {} (run-chart-regel)",
            match direction {
                Direction::Up => "opwaartse verschuiving",
                Direction::Down => "neerwaartse verschuiving",
            },
            title(since)
        ),
        (Movement::Shift { direction, since }, Lang::En) => format!(
            "{} since {} (run-chart rule)",
            match direction {
                Direction::Up => "upward shift",
                Direction::Down => "downward shift",
            },
            title(since)
        ),
    }
}

/// A focus's dimension name and how it moved, in words, as the principal
/// sees the rounds (for the command line).
pub fn moved(
    c: &Connection,
    p: Principal,
    team: &Team,
    f: &Focus,
    lang: Lang,
) -> storage::Result<(String, String)> {
    let name = dimension_name(c, f, lang)?;
    let text = match series(c, p, &team.id, f.round_id, None, None)? {
        Some(s) => {
            let titles: Vec<String> = s.rounds.iter().map(|r| r.round.title.clone()).collect();
            let pr = progress_of(&s, &f.dimension);
            movement_text(&pr, &titles, &titles[s.focus_index], lang)
        }
        None => tr(lang, "te vroeg om iets te zeggen", "too early to tell").to_string(),
    };
    Ok((name, text))
}

/// The name of a dimension in the survey of the focus round.
fn dimension_name(c: &Connection, f: &Focus, lang: Lang) -> storage::Result<String> {
    let survey = charting::round_survey(c, f.round_id)?;
    Ok(survey
        .dimension(&f.dimension)
        .map(|d| d.name.get(lang).to_string())
        .unwrap_or_else(|| f.dimension.clone()))
}

/// One focus and how its dimension moved since (over the rounds up to
/// `upto`, when given).
#[allow(clippy::too_many_arguments)]
fn focus_block(
    c: &Connection,
    p: Principal,
    team: &Team,
    f: &Focus,
    upto: Option<i64>,
    known: Option<&report::Trend>,
    today: Date,
    lang: Lang,
) -> storage::Result<Markup> {
    let name = dimension_name(c, f, lang)?;
    let s = series(c, p, &team.id, f.round_id, upto, known)?;
    let focus_title = match &s {
        Some(s) => s.rounds[s.focus_index].round.title.clone(),
        None => storage::round(c, f.round_id)?.title,
    };
    let progress = s.as_ref().map(|s| (s, progress_of(s, &f.dimension)));
    let dec = |x: f64| texts(lang).decimal(x);
    Ok(html! {
        p.focus-line {
            strong { (tr(lang, "Focus sinds ", "Focus since ")) (focus_title) ": " (name) }
            " — "
            @match &progress {
                Some((s, pr)) => {
                    @let titles: Vec<String> = s.rounds.iter().map(|r| r.round.title.clone()).collect();
                    (movement_text(pr, &titles, &focus_title, lang))
                }
                None => (tr(lang, "te vroeg om iets te zeggen", "too early to tell")),
            }
        }
        p { strong { (tr(lang, "Experiment: ", "Experiment: ")) } (f.experiment) }
        p {
            strong { (tr(lang, "We kijken op: ", "We check on: ")) } (f.check_on)
            @if f.check_on <= today { " " (tr(lang, "(die dag is er: hoe ging het?)", "(that day has come: how did it go?)")) }
        }
        @if let Some((s, pr)) = &progress {
            @if !pr.steps.is_empty() {
                ul.focus-steps {
                    @for step in &pr.steps {
                        li {
                            (s.rounds[step.index].round.title) ": " (dec(step.mean))
                            @if let Some(ch) = step.change {
                                " (" (signed(ch.delta, lang)) ", "
                                @if ch.within_noise { (tr(lang, "binnen de ruis", "within the noise")) } @else { (tr(lang, "buiten de ruis", "beyond the noise")) }
                                ")"
                            }
                        }
                    }
                }
            }
            @if pr.run_chart == Verdict::TooEarly && !matches!(pr.movement, Movement::Shift { .. }) {
                p.note { (match lang {
                    Lang::Nl => format!("De run-chart-regel zegt pas iets na {MIN_USEFUL} rondes met uitkomsten."),
                    Lang::En => format!("The run-chart rule says something only after {MIN_USEFUL} rounds with results."),
                }) }
            }
        }
    })
}

/// For the conversation sheet of a team-round: how the dimension of the
/// latest earlier focus moved up to this round, and the focus recorded for
/// this round. Empty when there is neither. What the principal may see
/// only (report's views).
pub fn focus_section(
    conn: &Connection,
    principal: Principal,
    team: &str,
    round_id: i64,
    lang: Lang,
) -> Result<Markup, StorageError> {
    let t = team_for(conn, principal, team)?;
    let all = storage::focuses(conn, t.key)?;
    let earlier = all.iter().rev().find(|f| f.round_id < round_id);
    let this = all.iter().find(|f| f.round_id == round_id);
    let today = storage::today(conn, jiff::Timestamp::now())?;
    let mut blocks = Vec::new();
    for f in earlier.into_iter().chain(this) {
        blocks.push(focus_block(
            conn,
            principal,
            &t,
            f,
            Some(round_id),
            None,
            today,
            lang,
        )?);
    }
    Ok(html! {
        @if !blocks.is_empty() {
            section.focus {
                h2 { (tr(lang, "Eén focus", "One focus")) }
                @for b in blocks { (b) }
            }
        }
    })
}

/// The dimension of the focus a sheet of `round_id` matches offers to:
/// the focus recorded for that round, else the latest earlier one.
pub fn focus_dimension(
    conn: &Connection,
    principal: Principal,
    team: &str,
    round_id: i64,
) -> Result<Option<String>, StorageError> {
    let t = team_for(conn, principal, team)?;
    Ok(storage::focuses(conn, t.key)?
        .into_iter()
        .rev()
        .find(|f| f.round_id <= round_id)
        .map(|f| f.dimension))
}

/// An offer's kind in words.
pub fn kind_text(k: OfferKind, lang: Lang) -> &'static str {
    match k {
        OfferKind::Training => tr(lang, "korte training", "short training"),
        OfferKind::Module => tr(lang, "online module", "online module"),
        OfferKind::Intervisie => tr(
            lang,
            "intervisie met andere managers",
            "intervision with other managers",
        ),
        OfferKind::Talk => tr(
            lang,
            "gesprek met de vertrouwenspersoon",
            "talk with the advisor",
        ),
    }
}

/// The offers in the order shown: with a dimension, those matched to it
/// first, then the general ones (offers for other dimensions are left
/// out); without, every offer, the general ones first.
pub fn ordered_offers(offers: Vec<Offer>, dimension: Option<&str>) -> Vec<Offer> {
    let (mut general, specific): (Vec<Offer>, Vec<Offer>) =
        offers.into_iter().partition(|o| o.dimension.is_none());
    match dimension {
        Some(d) => {
            let mut out: Vec<Offer> = specific
                .into_iter()
                .filter(|o| o.dimension.as_deref() == Some(d))
                .collect();
            out.append(&mut general);
            out
        }
        None => {
            general.extend(specific);
            general
        }
    }
}

/// Where the offers are shown: on a page (web addresses as links) or on a
/// printed sheet (addresses written out, the heading numbered).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OffersOn {
    Page,
    /// The sheet, with the section's number where its sections are numbered.
    Sheet(Option<u8>),
}

/// "Where to learn": the organisation's offers, matched to `dimension`
/// first (see [`ordered_offers`]); without any, where to ask.
pub fn offers_section(
    conn: &Connection,
    lang: Lang,
    dimension: Option<&str>,
    on: OffersOn,
) -> Result<Markup, StorageError> {
    let offers = ordered_offers(storage::offers(conn)?, dimension);
    Ok(html! {
        section.offers {
            h2 {
                @if let OffersOn::Sheet(Some(n)) = on { (n) ". " }
                (tr(lang, "Waar je kunt leren", "Where to learn"))
            }
            @if offers.is_empty() {
                p { (tr(lang,
                    "Vraag je vertrouwenspersoon naar trainingen, intervisie met andere managers of een vervolggesprek.",
                    "Ask your advisor about training, intervision with other managers, or a follow-up talk.")) }
            } @else {
                ul {
                    @for o in &offers {
                        li {
                            @if let (Some(url), OffersOn::Page) = (&o.url, on) {
                                a href=(url) rel="noopener noreferrer" { (o.title) }
                            } @else if let Some(url) = &o.url {
                                (o.title) " (" (url) ")"
                            } @else {
                                (o.title)
                            }
                            " — " (kind_text(o.kind, lang))
                            @if dimension.is_some() && o.dimension.as_deref() == dimension {
                                " " span.match { (tr(lang, "(past bij de focus)", "(matches the focus)")) }
                            }
                        }
                    }
                }
            }
        }
    })
}

/// The team page's part after the conversation: the current focus and how
/// it moved, the focus form for the latest released round (with a session
/// token), the offers and the link to the team conversation kit.
///
/// `trend` is what the team page read for this viewer (the selected
/// survey's closed rounds) and `latest` its latest released round: read
/// once for the whole page.
pub async fn team_section(
    state: &AppState,
    p: Principal,
    team_id: &str,
    trend: report::Trend,
    latest: Option<TeamRound>,
    token: Option<String>,
    lang: Lang,
) -> Result<Markup, PageError> {
    let id = team_id.to_string();
    state
        .db
        .read(move |c| team_markup(c, p, &id, &trend, latest, token.as_deref(), lang))
        .await
        .in_lang(lang)
}

fn team_markup(
    c: &Connection,
    p: Principal,
    id: &str,
    trend: &report::Trend,
    latest: Option<TeamRound>,
    token: Option<&str>,
    lang: Lang,
) -> storage::Result<Markup> {
    if id == report::ORGANISATION_ID {
        return Ok(html! {});
    }
    let team = match team_for(c, p, id) {
        Ok(t) => t,
        Err(StorageError::NotFound { .. }) => return Ok(html! {}),
        Err(e) => return Err(e),
    };
    let today = storage::today(c, jiff::Timestamp::now())?;
    let current = storage::focuses(c, team.key)?.pop();
    let current_block = match &current {
        Some(f) => Some(focus_block(c, p, &team, f, None, Some(trend), today, lang)?),
        None => None,
    };
    // The kit exists once the round is released to the team's manager (an
    // advisor sees a round still pending for them).
    let kit_round = match &latest {
        Some(r) if matches!(p, Principal::Manager { .. }) => Some(r),
        Some(r) => {
            let manager = Principal::Manager { team: team.key };
            match closed_round_for(c, manager, &team, r.round.id) {
                Ok(_) => Some(r),
                Err(StorageError::NotFound { .. }) => None,
                Err(e) => return Err(e),
            }
        }
        None => None,
    };
    let form_part = match (&latest, token) {
        (Some(r), Some(token)) => {
            let survey = charting::round_survey(c, r.round.id)?;
            let stored = storage::focus(c, team.key, r.round.id)?;
            let f = stored.as_ref().map(FocusForm::of).unwrap_or_default();
            let form = form(lang, &team.id, &r.round, &survey, token, &f, today);
            Some(html! {
                @if stored.is_some() {
                    details {
                        summary { (tr(lang, "De focus van deze ronde wijzigen", "Change this round's focus")) ": " (r.round.title) }
                        (form)
                    }
                } @else {
                    h3 { (tr(lang, "Na het gesprek: kies één focus", "After the conversation: choose one focus")) ": " (r.round.title) }
                    (form)
                }
            })
        }
        _ => None,
    };
    let offers = offers_section(
        c,
        lang,
        current.as_ref().map(|f| f.dimension.as_str()),
        OffersOn::Page,
    )?;
    Ok(html! {
        section.focus #focus {
            h2 { (tr(lang, "Eén focus", "One focus")) }
            @if let Some(b) = current_block {
                (b)
            } @else {
                p { (tr(lang, "Nog geen focus gekozen.", "No focus chosen yet.")) }
            }
            @if let Some(f) = form_part { (f) }
            @if let Some(r) = kit_round {
                p.kit {
                    a href={ "/team/" (team.id) "/rounds/" (r.round.id) "/kit?lang=" (lang.code()) } {
                        (tr(lang, "Gesprekskit voor het team (om te printen)", "Team conversation kit (to print)")) ": " (r.round.title)
                    }
                }
            }
        }
        (offers)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offer(id: i64, dimension: Option<&str>) -> Offer {
        Offer {
            id,
            title: format!("o{id}"),
            kind: OfferKind::Training,
            url: None,
            dimension: dimension.map(str::to_string),
        }
    }

    /// The demo organisation (Verpleging Noord drops half-way through the
    /// year; the demo records its focus for round 11) with a focus on
    /// openness recorded for its second round.
    fn demo() -> (std::path::PathBuf, Connection) {
        let path = crate::demo::temporary_path().unwrap();
        let survey = crate::catalog::Catalog::load(None)
            .unwrap()
            .get("pulse")
            .unwrap();
        let zone = crate::domain::date::Zone::parse("Europe/Amsterdam").unwrap();
        crate::demo::create(&path, &survey, 7, &zone, jiff::Timestamp::now()).unwrap();
        let conn = storage::open(&path, storage::Mode::Existing).unwrap();
        let team = storage::team(&conn, "verpleging-noord").unwrap();
        let today = storage::today(&conn, jiff::Timestamp::now()).unwrap();
        let f = Focus {
            round_id: 2,
            dimension: "openness".into(),
            experiment: "Elk overleg: wat hebben we gemist?".into(),
            check_on: today,
            recorded_by: "vp".into(),
            recorded_on: today,
        };
        storage::save_focus(&conn, team.key, &f).unwrap();
        storage::add_offer(&conn, "Algemeen", OfferKind::Talk, None, None).unwrap();
        storage::add_offer(&conn, "Steun", OfferKind::Module, None, Some("support")).unwrap();
        storage::add_offer(
            &conn,
            "Open zijn",
            OfferKind::Training,
            Some("https://x.example"),
            Some("openness"),
        )
        .unwrap();
        (path, conn)
    }

    #[test]
    fn the_sheet_sections_say_how_the_focus_moved_up_to_the_round() {
        let (path, conn) = demo();
        let p = Principal::Advisor;
        // The sheet of a later round (before the demo's own focus of round
        // 11): the earlier focus and how it moved, by the noise rule while
        // the run-chart rule has no signal yet.
        let later = focus_section(&conn, p, "verpleging-noord", 10, Lang::En)
            .unwrap()
            .into_string();
        let second = storage::round(&conn, 2).unwrap().title;
        assert!(
            later.contains(&format!(
                "Focus since {second}: Openness</strong> — lower than in {second} ("
            )) && later.contains("beyond the noise)"),
            "{later}"
        );
        // By the run-chart rule: the demo's bright spot, after its focus of
        // round 6.
        let bright = focus_section(&conn, p, "verpleging-zuid", 12, Lang::En)
            .unwrap()
            .into_string();
        let sixth = storage::round(&conn, 6).unwrap().title;
        assert!(
            bright.contains(&format!(
                "Focus since {sixth}: Openness</strong> — upward shift since"
            )),
            "{bright}"
        );
        assert!(later.contains("Elk overleg: wat hebben we gemist?"));
        // The sheet of the focus round itself: too early to tell.
        let own = focus_section(&conn, p, "verpleging-noord", 2, Lang::Nl)
            .unwrap()
            .into_string();
        assert!(
            own.contains("te vroeg om iets te zeggen: nog geen latere ronde"),
            "{own}"
        );
        // The sheet of a round before it, and another team: nothing.
        assert!(
            focus_section(&conn, p, "verpleging-noord", 1, Lang::En)
                .unwrap()
                .into_string()
                .is_empty()
        );
        assert!(
            focus_section(&conn, p, "facilitair", 12, Lang::En)
                .unwrap()
                .into_string()
                .is_empty()
        );
        // Another team's manager: not found.
        let other = storage::team(&conn, "facilitair").unwrap();
        let m = Principal::Manager { team: other.key };
        assert!(matches!(
            focus_section(&conn, m, "verpleging-noord", 12, Lang::En),
            Err(StorageError::NotFound { .. })
        ));
        assert_eq!(
            focus_dimension(&conn, p, "verpleging-noord", 12).unwrap(),
            Some("openness".to_string())
        );
        assert_eq!(
            focus_dimension(&conn, p, "verpleging-noord", 1).unwrap(),
            None
        );
        // Offers: the focus dimension's first, then the general ones.
        let o = offers_section(&conn, Lang::En, Some("openness"), OffersOn::Page)
            .unwrap()
            .into_string();
        let (a, b) = (o.find("Open zijn").unwrap(), o.find("Algemeen").unwrap());
        assert!(a < b && !o.contains("Steun"), "{o}");
        assert!(o.contains("href=\"https://x.example\""));
        let all = offers_section(&conn, Lang::Nl, None, OffersOn::Sheet(Some(6)))
            .unwrap()
            .into_string();
        assert!(all.contains("Steun") && all.contains("gesprek met de vertrouwenspersoon"));
        drop(conn);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }

    #[test]
    fn matched_offers_come_first_then_general_ones() {
        let all = vec![
            offer(1, None),
            offer(2, Some("support")),
            offer(3, Some("openness")),
        ];
        let ids = |v: Vec<Offer>| v.iter().map(|o| o.id).collect::<Vec<_>>();
        assert_eq!(ids(ordered_offers(all.clone(), Some("openness"))), [3, 1]);
        assert_eq!(ids(ordered_offers(all, None)), [1, 2, 3]);
    }
}
