//! The advisor's and manager's pages. A personal link `/a/{key}` or
//! `/m/{key}` is swapped for an HttpOnly session cookie (rule 8 of
//! `docs/anonymity.md`), so the key does not linger in the address bar. Pages render exactly the JSON the API
//! releases (see [`crate::report`]): nothing here computes a figure.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use maud::{Markup, html};
use serde_json::Value;

use super::limit::UnknownSecret;
use super::pages::{self, layout};
use super::survey::{LangQuery, language, round_survey};
use super::{AppState, STYLE_HREF};
use crate::domain::access::Principal;
use crate::domain::lang::Lang;
use crate::domain::survey::Survey;
use crate::domain::token;
use crate::report;
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
fn dec(x: Option<f64>, lang: Lang) -> String {
    let Some(x) = x else { return String::new() };
    let s = format!("{x:.1}");
    match lang {
        Lang::Nl => s.replace('.', ","),
        Lang::En => s,
    }
}

fn pct(x: Option<f64>) -> String {
    x.map(|x| format!("{:.0} %", x * 100.0)).unwrap_or_default()
}

/// "Score (1–5)": the score heading with the scale the means are on; without
/// a scale when it is unknown.
fn score_heading(points: Option<u64>, lang: Lang) -> String {
    match points {
        Some(p) => format!("{} (1–{p})", t(lang).score),
        None => t(lang).score.to_string(),
    }
}

/// The one scale of the released rounds, when they all share it.
fn common_scale(rounds: &[Value]) -> Option<u64> {
    let mut scales = rounds
        .iter()
        .filter(|r| r["status"] == "released")
        .filter_map(|r| r["scale_points"].as_u64());
    let first = scales.next()?;
    scales.all(|p| p == first).then_some(first)
}

/// Whether a released result marks the item as reverse-scored.
fn is_reversed(r: &Value, id: &str) -> bool {
    r["reversed_items"]
        .as_array()
        .is_some_and(|ids| ids.iter().any(|x| x == id))
}

fn status_text(v: &Value, lang: Lang) -> &'static str {
    let tt = t(lang);
    // One sentence for every hidden result, whatever hid it.
    match (v["status"].as_str(), v["reason"].as_str()) {
        (Some("suppressed"), _) => tt.hidden,
        (Some("open"), _) => {
            if v["k_reached"].as_bool() == Some(true) {
                tt.k_reached
            } else {
                tt.k_not_reached
            }
        }
        _ => "",
    }
}

fn change_text(c: &Value, lang: Lang) -> String {
    match (c["delta"].as_f64(), c["within_noise"].as_bool()) {
        (Some(_), Some(true)) => t(lang).within_noise.to_string(),
        (Some(d), Some(false)) => {
            let s = format!("{d:+.1}");
            if lang == Lang::Nl {
                s.replace('.', ",")
            } else {
                s
            }
        }
        _ => String::new(),
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
    let id2 = id.clone();
    let loaded = state
        .db
        .read(move |c| {
            let trend = report::parse(&report::trend(c, p, &id2)?)?;
            let open: Vec<Value> = report::rounds(c, p)?
                .as_array()
                .into_iter()
                .flatten()
                .filter(|r| r["state"] == "open")
                .filter_map(|r| r["id"].as_i64())
                .filter_map(|r| report::team_round(c, p, &id2, r).ok())
                .collect();
            Ok((trend, open))
        })
        .await;
    let (trend, open) = match loaded {
        Ok(found) => found,
        Err(StorageError::NotFound { .. }) => return not_found(lang),
        Err(e) => return error_page(lang, &e),
    };
    let rounds = trend["rounds"].as_array().cloned().unwrap_or_default();
    let latest = rounds
        .iter()
        .rev()
        .find(|r| r["status"] == "released")
        .cloned();
    let survey = match &latest {
        Some(r) => round_survey(&state, r["round"]["id"].as_i64().unwrap_or(0))
            .await
            .ok(),
        None => None,
    };
    let tt = t(lang);
    let name = trend["team"]["name"].as_str().unwrap_or("").to_string();
    // Rounds of surveys with different scales: each score names its own.
    let scale = common_scale(&rounds);
    let body = html! {
        @if p.sees_organisation() {
            p { a href={ "/overzicht?lang=" (lang.code()) } { "← " (tt.overview) } }
        }
        h1 { (name) }
        p.team { (tt.intro_manager) }
        @for o in &open {
            p.status { (o["round"]["title"].as_str().unwrap_or("")) ": " (tt.open) ", " (status_text(o, lang)) }
        }
        h2 { (tt.trend) }
        @if rounds.is_empty() {
            p { (tt.no_results) }
        } @else {
            div.scroll {
                table.data {
                    thead { tr { th scope="col" { (tt.round) } th scope="col" { (tt.respondents) } th scope="col" { (score_heading(scale, lang)) } th scope="col" { (tt.change) } } }
                    tbody {
                        @for r in &rounds {
                            tr {
                                th scope="row" { (r["round"]["title"].as_str().unwrap_or("")) }
                                @if r["status"] == "released" {
                                    td.num { (r["respondents"]) }
                                    td.num { (dec(r["score"].as_f64(), lang)) " " span.ci { "[" (dec(r["overall"]["ci"][0].as_f64(), lang)) "–" (dec(r["overall"]["ci"][1].as_f64(), lang)) "]" }
                                        @if scale.is_none() { @if let Some(p) = r["scale_points"].as_u64() { " " span.ci { "(1–" (p) ")" } } }
                                    }
                                    td { (change_text(&r["overall"]["change"], lang)) }
                                } @else {
                                    td.hidden colspan="3" { (status_text(r, lang)) }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if let Some(r) = &latest {
            (round_detail(r, survey.as_deref(), lang))
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

fn round_detail(r: &Value, survey: Option<&Survey>, lang: Lang) -> Markup {
    let tt = t(lang);
    let items = r["items"].as_array().cloned().unwrap_or_default();
    let find = |id: &Value| {
        items
            .iter()
            .find(|i| &i["id"] == id)
            .cloned()
            .unwrap_or(Value::Null)
    };
    let reversed = |id: &str| {
        html! { @if is_reversed(r, id) { " " span.reversed { (tt.reversed) } } }
    };
    let line = |id: &Value| {
        let i = find(id);
        let id = id.as_str().unwrap_or("");
        html! {
            li { (item_text(survey, id, lang)) " — " (dec(i["mean"].as_f64(), lang)) ", " (pct(i["shares"]["favourable"].as_f64())) " " (tt.favourable) (reversed(id)) }
        }
    };
    let score = score_heading(r["scale_points"].as_u64(), lang);
    html! {
        h2 { (tt.latest) ": " (r["round"]["title"].as_str().unwrap_or("")) }
        p {
            (r["respondents"]) " " (tt.respondents.to_lowercase())
            @if let Some(b) = r["participation_band"].as_str() { " · " (tt.participation) " " (b) }
        }
        @if r["agreement"]["views_differ"].as_bool() == Some(true) {
            p.note { (tt.views_differ) }
        }
        h3 { (tt.goes_well) }
        ul { @for id in r["strengths"].as_array().into_iter().flatten() { (line(id)) } }
        h3 { (tt.chafes) }
        ul { @for id in r["concerns"].as_array().into_iter().flatten() { (line(id)) } }
        div.scroll {
            table.data {
                thead { tr { th scope="col" { (tt.statement) } th scope="col" { (score) } th scope="col" { (tt.shares) } } }
                tbody {
                    @for i in &items {
                        tr {
                            th scope="row" { (item_text(survey, i["id"].as_str().unwrap_or(""), lang)) (reversed(i["id"].as_str().unwrap_or(""))) }
                            @if i["status"] == "released" {
                                td.num { (dec(i["mean"].as_f64(), lang)) }
                                td.num { (pct(i["shares"]["unfavourable"].as_f64())) " · " (pct(i["shares"]["neutral"].as_f64())) " · " (pct(i["shares"]["favourable"].as_f64())) }
                            } @else {
                                td.hidden colspan="2" { (tt.hidden_item) }
                            }
                        }
                    }
                }
            }
        }
        @if let Some(c) = r["comments"].as_array().filter(|c| !c.is_empty()) {
            h3 { (tt.comments) }
            ul.comments { @for line in c { li { (line.as_str().unwrap_or("")) } } }
        } @else if let Some(why) = comments_note(r, survey, lang) {
            h3 { (tt.comments) }
            p.note { (why) }
        }
    }
}

/// Why a released result the viewer may read comments of shows none: they
/// are withheld (and why), or nobody wrote one. None when the survey asks no
/// comment question or the viewer may not read comments.
fn comments_note(r: &Value, survey: Option<&Survey>, lang: Lang) -> Option<String> {
    let tt = t(lang);
    r.get("comments")?;
    let w = &r["comments_withheld"];
    match (w["reason"].as_str(), w["min_respondents"].as_u64()) {
        (Some("roll_up"), _) => Some(tt.comments_roll_up.to_string()),
        (Some(_), Some(min)) => Some(tt.comments_too_few.replace("{min}", &min.to_string())),
        (Some(_), None) => None,
        (None, _) => survey
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
    let overview = match state
        .db
        .read(move |c| report::parse(&report::overview(c, p)?))
        .await
    {
        Ok(v) => v,
        Err(StorageError::NotFound { .. }) => return not_found(lang),
        Err(e) => return error_page(lang, &e),
    };
    let tt = t(lang);
    let teams = overview["teams"].as_array().cloned().unwrap_or_default();
    let rounds = overview["rounds"].as_array().cloned().unwrap_or_default();
    let cells = overview["cells"].as_array().cloned().unwrap_or_default();
    let cell = |team: &Value, round: &Value| {
        cells
            .iter()
            .find(|c| &c["team"] == team && &c["round"] == round)
            .cloned()
    };
    let body = html! {
        h1 { (tt.overview) }
        p.team { (tt.intro_advisor) }
        div.scroll {
            table.data.heat {
                thead {
                    tr {
                        th scope="col" { (tt.team) }
                        @for r in &rounds { th scope="col" { (r["title"].as_str().unwrap_or("")) } }
                    }
                }
                tbody {
                    @for team in &teams {
                        tr {
                            th scope="row" {
                                @if team["id"] == report::ORGANISATION_ID {
                                    (team["name"].as_str().unwrap_or(""))
                                } @else {
                                    a href={ "/team/" (team["id"].as_str().unwrap_or("")) "?lang=" (lang.code()) } { (team["name"].as_str().unwrap_or("")) }
                                }
                            }
                            @for r in &rounds {
                                @match cell(&team["id"], &r["id"]) {
                                    Some(c) if c["status"] == "released" => td.num title={ (c["respondents"]) " " (tt.respondents.to_lowercase()) } { (dec(c["score"].as_f64(), lang)) },
                                    Some(c) if c["status"] == "open" => td.hidden title=(status_text(&c, lang)) { (if c["k_reached"].as_bool() == Some(true) { "k ✓" } else { "…" }) },
                                    Some(c) => td.hidden title=(status_text(&c, lang)) { "–" },
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
