//! The advisor's and manager's pages. A personal link `/a/{key}` or
//! `/m/{key}` is swapped for an HttpOnly session cookie (rule 8 of
//! `docs/anonymity.md`), so the key does not linger in the address bar.
//! Pages render the typed values [`crate::report`] releases to the viewer,
//! exactly what the API serialises for the same key: nothing here computes
//! a figure.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use maud::{Markup, html};

use super::limit::UnknownSecret;
use super::pages::{self, layout};
use super::survey::{LangQuery, language, round_survey};
use super::{AppState, STYLE_HREF};
use crate::domain::access::Principal;
use crate::domain::lang::Lang;
use crate::domain::results::{Part, Released};
use crate::domain::stats::Change;
use crate::domain::survey::Survey;
use crate::domain::token;
use crate::report::{self, CellStatus, Comments, TeamRound, View, Withheld};
use crate::storage::{self, StorageError};

/// Name of the session cookie.
pub const COOKIE: &str = "spiegel_session";
/// How long a session lasts.
pub const SESSION_SECONDS: i64 = 8 * 3600;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/a/{key}", get(advisor_entry))
        .route("/m/{key}", get(manager_entry))
        .route("/overzicht", get(overview_page))
        .route("/team/{id}", get(team_page))
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

async fn advisor_entry(
    state: State<AppState>,
    path: Path<String>,
    q: Query<LangQuery>,
    h: HeaderMap,
) -> Response {
    entry(state, path, q, h, true).await
}

async fn manager_entry(
    state: State<AppState>,
    path: Path<String>,
    q: Query<LangQuery>,
    h: HeaderMap,
) -> Response {
    entry(state, path, q, h, false).await
}

async fn entry(
    State(state): State<AppState>,
    Path(key): Path<String>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
    advisor: bool,
) -> Response {
    let lang = language(&q, &headers);
    if !token::looks_like_secret(&key) {
        return unknown_key(lang);
    }
    let hash = token::hash_secret(&key);
    // A valid key on the other role's path is refused like an unknown one,
    // but it is no guess (the limiter does not count it) and gets no session.
    let role_fits = |p: &Principal| matches!(p, Principal::Advisor) == advisor;
    match state.db.lookup(|c| storage::principal(c, &hash)) {
        Ok(Some(p)) if role_fits(&p) => {}
        Ok(Some(_)) => return invalid_key(lang),
        Ok(None) => return unknown_key(lang),
        Err(e) => return error_page(lang, &e),
    }
    let started = state
        .db
        .write(move |c| storage::start_session(c, &hash, now(), SESSION_SECONDS))
        .await;
    let (session, principal) = match started {
        Ok(Some(found)) => found,
        Ok(None) => return unknown_key(lang),
        Err(e) => return error_page(lang, &e),
    };
    let target = match principal {
        Principal::Advisor if advisor => format!("/overzicht?lang={}", lang.code()),
        Principal::Manager { team } if !advisor => {
            let slug = state
                .db
                .read(move |c| {
                    storage::teams(c).map(|ts| ts.into_iter().find(|t| t.key == team).map(|t| t.id))
                })
                .await;
            match slug {
                Ok(Some(slug)) => format!("/team/{slug}?lang={}", lang.code()),
                _ => return invalid_key(lang),
            }
        }
        // An advisor key on the manager path or the other way round.
        _ => return invalid_key(lang),
    };
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    let cookie = format!(
        "{COOKIE}={session}; Path=/; HttpOnly; SameSite=Lax; Max-Age={SESSION_SECONDS}{secure}"
    );
    let mut res = Redirect::to(&target).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}

/// The principal behind the request's session cookie.
pub struct Viewer(pub Principal);

impl FromRequestParts<AppState> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Viewer, Response> {
        let q = Query::<LangQuery>::try_from_uri(&parts.uri)
            .map(|Query(q)| q)
            .unwrap_or(LangQuery { lang: None });
        let lang = language(&q, &parts.headers);
        let session = parts
            .headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .find_map(|c| {
                c.trim()
                    .strip_prefix(&format!("{COOKIE}="))
                    .map(str::to_string)
            });
        let Some(session) = session.filter(|s| token::looks_like_secret(s)) else {
            tracing::debug!("page request without a session");
            return Err(no_session(lang));
        };
        let hash = token::hash_secret(&session);
        match state
            .db
            .read(move |c| storage::session_principal(c, &hash, now()))
            .await
        {
            Ok(Some(p)) => Ok(Viewer(p)),
            Ok(None) => {
                tracing::debug!("page request with an expired or revoked session");
                Err(no_session(lang))
            }
            Err(e) => Err(error_page(lang, &e)),
        }
    }
}

struct T {
    overview: &'static str,
    round: &'static str,
    respondents: &'static str,
    score: &'static str,
    change: &'static str,
    within_noise: &'static str,
    hidden: &'static str,
    open: &'static str,
    k_reached: &'static str,
    k_not_reached: &'static str,
    goes_well: &'static str,
    chafes: &'static str,
    statement: &'static str,
    shares: &'static str,
    hidden_item: &'static str,
    favourable: &'static str,
    reversed: &'static str,
    views_differ: &'static str,
    comments: &'static str,
    comments_roll_up: &'static str,
    comments_too_few: &'static str,
    no_comments: &'static str,
    no_results: &'static str,
    trend: &'static str,
    latest: &'static str,
    participation: &'static str,
    team: &'static str,
    intro_manager: &'static str,
    intro_advisor: &'static str,
}

const NL: T = T {
    overview: "Overzicht van alle teams",
    round: "Ronde",
    respondents: "Antwoorden",
    score: "Score",
    change: "Verandering",
    within_noise: "binnen de ruis",
    hidden: "verborgen: hier antwoordden minder dan k mensen, of tonen zou een kleinere groep herleidbaar maken",
    open: "loopt nog",
    k_reached: "k bereikt",
    k_not_reached: "nog minder dan k",
    goes_well: "Wat goed gaat",
    chafes: "Waar het schuurt",
    statement: "Stelling",
    shares: "ongunstig · neutraal · gunstig",
    hidden_item: "verborgen (minder dan k antwoorden, of tonen zou een kleinere groep herleidbaar maken)",
    favourable: "gunstig",
    reversed: "(omgekeerd: oneens is gunstig)",
    views_differ: "De meningen in het team lopen uiteen: het gemiddelde verbergt verschillen.",
    comments: "Opmerkingen (in willekeurige volgorde, los van de scores)",
    comments_roll_up: "Opmerkingen staan bij de teams zelf, niet bij een afdeling of de hele organisatie.",
    comments_too_few: "Opmerkingen worden alleen getoond als minstens {min} mensen antwoordden; in deze ronde waren het er minder, dus ze blijven verborgen.",
    no_comments: "Niemand schreef in deze ronde een opmerking.",
    no_results: "Nog geen gesloten ronde met uitkomsten.",
    trend: "Verloop",
    latest: "Laatste ronde met uitkomsten",
    participation: "deelname",
    team: "Team",
    intro_manager: "Wat je team heeft geantwoord, alleen als minstens k collega's antwoordden en pas na het sluiten van een ronde.",
    intro_advisor: "Elke cel is een team in een ronde. Verborgen cellen hebben te weinig antwoorden, of beschermen een kleinere groep tegen aftrekken.",
};

const EN: T = T {
    overview: "Overview of all teams",
    round: "Round",
    respondents: "Answers",
    score: "Score",
    change: "Change",
    within_noise: "within noise",
    hidden: "hidden: fewer than k people answered here, or showing it would reveal a smaller group",
    open: "still open",
    k_reached: "k reached",
    k_not_reached: "fewer than k so far",
    goes_well: "What goes well",
    chafes: "Where it chafes",
    statement: "Statement",
    shares: "unfavourable · neutral · favourable",
    hidden_item: "hidden (fewer than k answers, or showing it would reveal a smaller group)",
    favourable: "favourable",
    reversed: "(reversed: disagreeing is favourable)",
    views_differ: "Views in the team differ: the mean hides differences.",
    comments: "Comments (in random order, apart from the scores)",
    comments_roll_up: "Comments are shown with the teams themselves, not for a department or the whole organisation.",
    comments_too_few: "Comments are shown only when at least {min} people answered; fewer did in this round, so they stay hidden.",
    no_comments: "Nobody wrote a comment in this round.",
    no_results: "No closed round with results yet.",
    trend: "Trend",
    latest: "Latest round with results",
    participation: "participation",
    team: "Team",
    intro_manager: "What your team answered, only when at least k colleagues answered and only after a round has closed.",
    intro_advisor: "Each cell is a team in a round. Hidden cells have too few answers, or protect a smaller group from subtraction.",
};

fn t(lang: Lang) -> &'static T {
    match lang {
        Lang::Nl => &NL,
        Lang::En => &EN,
    }
}

/// A number with one decimal, Dutch style in Dutch.
fn dec(x: f64, lang: Lang) -> String {
    let s = format!("{x:.1}");
    match lang {
        Lang::Nl => s.replace('.', ","),
        Lang::En => s,
    }
}

fn pct(x: f64) -> String {
    format!("{:.0} %", x * 100.0)
}

/// "Score (1–5)": the score heading with the scale the means are on; without
/// a scale when it is unknown.
fn score_heading(points: Option<u8>, lang: Lang) -> String {
    match points {
        Some(p) => format!("{} (1–{p})", t(lang).score),
        None => t(lang).score.to_string(),
    }
}

/// The one scale of the released rounds, when they all share it.
fn common_scale(rounds: &[TeamRound]) -> Option<u8> {
    let mut scales = rounds.iter().filter_map(TeamRound::scale_points);
    let first = scales.next()?;
    scales.all(|p| p == first).then_some(first)
}

/// One sentence for every hidden result, whatever hid it.
fn hidden_text(lang: Lang) -> &'static str {
    t(lang).hidden
}

fn open_text(k_reached: bool, lang: Lang) -> &'static str {
    if k_reached {
        t(lang).k_reached
    } else {
        t(lang).k_not_reached
    }
}

fn change_text(c: Option<&Change>, lang: Lang) -> String {
    match c {
        Some(c) if c.within_noise => t(lang).within_noise.to_string(),
        Some(c) => {
            let s = format!("{:+.1}", c.delta);
            if lang == Lang::Nl {
                s.replace('.', ",")
            } else {
                s
            }
        }
        None => String::new(),
    }
}

fn page(lang: Lang, title: &str, body: Markup) -> Response {
    let body = html! {
        nav.lang { a href={ "?lang=" (lang.other().code()) } hreflang=(lang.other().code()) { (pages::ui(lang).other_language) } }
        (body)
    };
    layout(lang, title, &STYLE_HREF, body).into_response()
}

async fn team_page(
    State(state): State<AppState>,
    Viewer(p): Viewer,
    Path(id): Path<String>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = language(&q, &headers);
    let loaded = state
        .db
        .read(move |c| Ok((report::trend(c, p, &id)?, report::open_rounds(c, p, &id)?)))
        .await;
    let (trend, open) = match loaded {
        Ok(found) => found,
        Err(StorageError::NotFound(_)) => return not_found(lang),
        Err(e) => return error_page(lang, &e),
    };
    let latest = trend
        .rounds
        .iter()
        .rev()
        .find_map(|r| Some((r, r.released()?)));
    let survey = match latest {
        Some((r, _)) => match round_survey(&state, r.round.id).await {
            Ok(s) => Some(s),
            Err(e) => return error_page(lang, &e),
        },
        None => None,
    };
    let tt = t(lang);
    let name = &trend.team.name;
    let rounds = &trend.rounds;
    // Rounds of surveys with different scales: each score names its own.
    let scale = common_scale(rounds);
    let body = html! {
        @if p.sees_organisation() {
            p { a href={ "/overzicht?lang=" (lang.code()) } { "← " (tt.overview) } }
        }
        h1 { (name) }
        p.team { (tt.intro_manager) }
        @for o in &open {
            @if let View::Open { k_reached } = o.view {
                p.status { (o.round.title) ": " (tt.open) ", " (open_text(k_reached, lang)) }
            }
        }
        h2 { (tt.trend) }
        @if rounds.is_empty() {
            p { (tt.no_results) }
        } @else {
            div.scroll {
                table.data {
                    thead { tr { th scope="col" { (tt.round) } th scope="col" { (tt.respondents) } th scope="col" { (score_heading(scale, lang)) } th scope="col" { (tt.change) } } }
                    tbody {
                        @for r in rounds {
                            tr {
                                th scope="row" { (r.round.title) }
                                @match &r.view {
                                    View::Released { result, scale_points, .. } => {
                                        td.num { (result.respondents) }
                                        td.num { (dec(result.score, lang)) " " span.ci { "[" (dec(result.overall.ci[0], lang)) "–" (dec(result.overall.ci[1], lang)) "]" }
                                            @if scale.is_none() { " " span.ci { "(1–" (scale_points) ")" } }
                                        }
                                        td { (change_text(result.overall.change.as_ref(), lang)) }
                                    }
                                    View::Suppressed => { td.hidden colspan="3" { (hidden_text(lang)) } }
                                    View::Open { k_reached } => { td.hidden colspan="3" { (open_text(*k_reached, lang)) } }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if let Some((r, result)) = latest {
            (round_detail(r, result, survey.as_deref(), lang))
        }
    };
    page(lang, &format!("{} · {name}", tt.team), body)
}

fn item_text(survey: Option<&Survey>, id: &str, lang: Lang) -> String {
    survey
        .and_then(|s| s.item(id))
        .map(|i| i.text.get(lang).to_string())
        .unwrap_or_else(|| id.to_string())
}

fn round_detail(r: &TeamRound, result: &Released, survey: Option<&Survey>, lang: Lang) -> Markup {
    let tt = t(lang);
    let reversed = |id: &str| {
        html! { @if r.is_reversed(id) { " " span.reversed { (tt.reversed) } } }
    };
    let line = |id: &str| {
        let f = result
            .items
            .iter()
            .find(|i| i.id() == id)
            .and_then(Part::figure);
        let mean = f.map(|f| dec(f.mean, lang)).unwrap_or_default();
        let favourable = f.map(|f| pct(f.shares.favourable)).unwrap_or_default();
        html! {
            li { (item_text(survey, id, lang)) " — " (mean) ", " (favourable) " " (tt.favourable) (reversed(id)) }
        }
    };
    let score = score_heading(r.scale_points(), lang);
    let comments = match &r.view {
        View::Released { comments, .. } => comments.as_ref(),
        View::Suppressed | View::Open { .. } => None,
    };
    html! {
        h2 { (tt.latest) ": " (r.round.title) }
        p {
            (result.respondents) " " (tt.respondents.to_lowercase())
            @if let Some(b) = &result.participation_band { " · " (tt.participation) " " (b) }
        }
        @if result.agreement.is_some_and(|a| a.views_differ) {
            p.note { (tt.views_differ) }
        }
        h3 { (tt.goes_well) }
        ul { @for id in &result.strengths { (line(id)) } }
        h3 { (tt.chafes) }
        ul { @for id in &result.concerns { (line(id)) } }
        div.scroll {
            table.data {
                thead { tr { th scope="col" { (tt.statement) } th scope="col" { (score) } th scope="col" { (tt.shares) } } }
                tbody {
                    @for i in &result.items {
                        tr {
                            th scope="row" { (item_text(survey, i.id(), lang)) (reversed(i.id())) }
                            @if let Some(f) = i.figure() {
                                td.num { (dec(f.mean, lang)) }
                                td.num { (pct(f.shares.unfavourable)) " · " (pct(f.shares.neutral)) " · " (pct(f.shares.favourable)) }
                            } @else {
                                td.hidden colspan="2" { (tt.hidden_item) }
                            }
                        }
                    }
                }
            }
        }
        @if let Some(c) = comments.filter(|c| !c.list.is_empty()) {
            h3 { (tt.comments) }
            ul.comments { @for line in &c.list { li { (line) } } }
        } @else if let Some(why) = comments.and_then(|c| comments_note(c, survey, lang)) {
            h3 { (tt.comments) }
            p.note { (why) }
        }
    }
}

/// Why a released result the viewer may read comments of shows none: they
/// are withheld (and why), or nobody wrote one. None when the survey asks no
/// comment question.
fn comments_note(c: &Comments, survey: Option<&Survey>, lang: Lang) -> Option<String> {
    let tt = t(lang);
    match c.withheld {
        Some(Withheld::RollUp) => Some(tt.comments_roll_up.to_string()),
        Some(Withheld::TooFewRespondents { min_respondents }) => Some(
            tt.comments_too_few
                .replace("{min}", &min_respondents.to_string()),
        ),
        None => survey
            .is_some_and(|s| s.comment.is_some())
            .then(|| tt.no_comments.to_string()),
    }
}

async fn overview_page(
    State(state): State<AppState>,
    Viewer(p): Viewer,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = language(&q, &headers);
    let overview = match state.db.read(move |c| report::overview(c, p)).await {
        Ok(v) => v,
        Err(StorageError::NotFound(_)) => return not_found(lang),
        Err(e) => return error_page(lang, &e),
    };
    let tt = t(lang);
    let grid = overview.grid();
    let body = html! {
        h1 { (tt.overview) }
        p.team { (tt.intro_advisor) }
        div.scroll {
            table.data.heat {
                thead {
                    tr {
                        th scope="col" { (tt.team) }
                        @for r in &overview.rounds { th scope="col" { (r.title) } }
                    }
                }
                tbody {
                    @for team in &overview.teams {
                        tr {
                            th scope="row" {
                                @if team.id == report::ORGANISATION_ID {
                                    (team.name)
                                } @else {
                                    a href={ "/team/" (team.id) "?lang=" (lang.code()) } { (team.name) }
                                }
                            }
                            @for r in &overview.rounds {
                                @match grid.get(&(team.id.as_str(), r.id)) {
                                    Some(CellStatus::Released { respondents, score }) => td.num title={ (respondents) " " (tt.respondents.to_lowercase()) } { (dec(*score, lang)) },
                                    Some(CellStatus::Open { k_reached }) => td.hidden title=(open_text(*k_reached, lang)) { (if *k_reached { "k ✓" } else { "…" }) },
                                    Some(CellStatus::Suppressed) => td.hidden title=(hidden_text(lang)) { "–" },
                                    None => td {},
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    page(lang, tt.overview, body)
}

fn invalid_key(lang: Lang) -> Response {
    let (title, line) = match lang {
        Lang::Nl => (
            "Deze persoonlijke link werkt niet (meer)",
            "Misschien is hij ingetrokken. Vraag de beheerder van Spiegel om een nieuwe.",
        ),
        Lang::En => (
            "This personal link does not work (any more)",
            "It may have been revoked. Ask whoever runs Spiegel for a new one.",
        ),
    };
    (
        StatusCode::NOT_FOUND,
        pages::message(lang, &STYLE_HREF, title, &[line], None),
    )
        .into_response()
}

/// [`invalid_key`] for a key that is unknown or revoked, counted by the
/// failure limiter.
fn unknown_key(lang: Lang) -> Response {
    let mut res = invalid_key(lang);
    res.extensions_mut().insert(UnknownSecret);
    res
}

fn no_session(lang: Lang) -> Response {
    let (title, line) = match lang {
        Lang::Nl => (
            "Open eerst je persoonlijke link",
            "Je sessie is verlopen of ontbreekt. Open de persoonlijke link die je van de beheerder kreeg opnieuw.",
        ),
        Lang::En => (
            "Open your personal link first",
            "Your session has expired or is missing. Open the personal link you received again.",
        ),
    };
    (
        StatusCode::UNAUTHORIZED,
        pages::message(lang, &STYLE_HREF, title, &[line], None),
    )
        .into_response()
}

fn not_found(lang: Lang) -> Response {
    let tt = pages::ui(lang);
    (
        StatusCode::NOT_FOUND,
        pages::message(lang, &STYLE_HREF, tt.not_found_title, &[], None),
    )
        .into_response()
}

fn error_page(lang: Lang, e: &StorageError) -> Response {
    tracing::error!(error = %e, "page request failed");
    let tt = pages::ui(lang);
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        pages::message(lang, &STYLE_HREF, tt.error_title, &[], None),
    )
        .into_response()
}
