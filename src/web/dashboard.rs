//! The advisor's and manager's pages. A personal link `/a/{key}` or
//! `/m/{key}` is swapped for an HttpOnly session cookie (rule 8 of
//! `docs/anonymity.md`), so the key does not linger in the address bar.
//! Pages render the typed values [`crate::report`] releases to the viewer,
//! exactly what the API serialises for the same key: nothing here computes
//! a figure.

use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use maud::{Markup, PreEscaped, html};

use super::charting::{self, ChartError, TrendQuery};
use super::extract::{COOKIE, Language, Refusal, identify, now};
use super::limit::UnknownSecret;
use super::page_error::{InLang, PageError, PageFailure};
use super::pages::{self, layout};
use super::reflection::{self, SessionToken};
use super::texts::{Texts, texts};
use super::{AppState, STYLE_HREF};
use crate::charts::{self, Chart};
use crate::domain::access::{Principal, Role};
use crate::domain::lang::Lang;
use crate::domain::results::{Part, Released};
use crate::domain::stats::Change;
use crate::domain::survey::Survey;
use crate::domain::token;
use crate::report::{self, CellStatus, Comments, TeamRound, View, Withheld};
use crate::storage::{self, StorageError};

/// How long a session lasts.
pub const SESSION_SECONDS: i64 = 8 * 3600;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/a/{key}", get(advisor_entry))
        .route("/m/{key}", get(manager_entry))
        .route("/overzicht", get(overview_page))
        .route("/team/{id}", get(team_page))
        .route("/team/{id}/rounds/{round}/sheet", get(sheet_page))
}

async fn advisor_entry(state: State<AppState>, path: Path<String>, lang: Language) -> Response {
    entry(state, path, lang, Role::Advisor).await
}

async fn manager_entry(state: State<AppState>, path: Path<String>, lang: Language) -> Response {
    entry(state, path, lang, Role::Manager).await
}

/// A personal link: a live key of the role its path names is swapped for a
/// session cookie and a redirect to the viewer's first page.
async fn entry(
    State(state): State<AppState>,
    Path(key): Path<String>,
    Language(lang): Language,
    role: Role,
) -> Response {
    if !token::looks_like_secret(&key) {
        return unknown_key(lang);
    }
    let hash = token::hash_secret(&key);
    // A valid key on the other role's path is refused like an unknown one,
    // but it is no guess (the limiter does not count it) and gets no session.
    match state.db.lookup(|c| storage::principal(c, &hash)) {
        Ok(Some(p)) if p.role() == role => {}
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
    if principal.role() != role {
        return invalid_key(lang);
    }
    let target = match principal {
        Principal::Advisor => format!("/overzicht?lang={}", lang.code()),
        Principal::Manager { team } => {
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

/// Who is asking for a page (session cookie or Bearer key); a refusal is a
/// page in the viewer's language, and an unknown, expired or revoked
/// session is counted by the failure limiter like an unknown key.
pub struct Viewer(pub Principal);

impl FromRequestParts<AppState> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Viewer, Response> {
        let lang = Language::of(parts);
        match identify(parts, state).await {
            Ok(p) => Ok(Viewer(p)),
            Err(Refusal::Missing) => Err(no_session(lang)),
            Err(Refusal::Unknown) => {
                let mut res = no_session(lang);
                res.extensions_mut().insert(UnknownSecret);
                Err(res)
            }
            Err(Refusal::Failed(e)) => Err(error_page(lang, &e)),
        }
    }
}

/// A number with one decimal, Dutch style in Dutch.
fn dec(x: f64, lang: Lang) -> String {
    t(lang).decimal(x)
}

fn t(lang: Lang) -> &'static Texts {
    texts(lang)
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
        Some(c) => format!("{:+.1}", c.delta).replace('.', t(lang).decimal_separator),
        None => String::new(),
    }
}

fn page(lang: Lang, title: &str, body: Markup) -> Response {
    let body = html! {
        nav.lang { a href={ "?lang=" (lang.other().code()) } hreflang=(lang.other().code()) { (t(lang).other_language) } }
        (body)
    };
    layout(lang, title, &STYLE_HREF, body).into_response()
}

/// The team page's query: which survey's rounds to show.
#[derive(Debug, Default, serde::Deserialize)]
struct TeamQuery {
    survey: Option<String>,
    /// Show the manager's reflection form again (to change it).
    reflect: Option<String>,
}

/// The widths a chart is drawn at in a page: a phone's column (360 px less
/// the page's margins) and the page's column on a wide screen (44rem less
/// margins). Drawn at the size shown, text stays at least 11 px; CSS shows
/// the one that fits.
const NARROW: u32 = 328;
const WIDE: u32 = 672;

/// A chart inlined in a page at both widths (no JavaScript, no request), with
/// its download links.
fn chart_figure(
    chart: &Chart,
    lang: Lang,
    base: &str,
    query: &str,
    caption: Option<Markup>,
) -> Result<Markup, PageError> {
    let draw = |w: u32| {
        charting::svg_cached(chart, lang, w, None)
            .map_err(|e| PageError::new(lang, PageFailure::Chart(e)))
    };
    let (narrow, wide) = (draw(NARROW)?, draw(WIDE)?);
    let tt = t(lang);
    let query = if query.is_empty() {
        format!("lang={}", lang.code())
    } else {
        format!("{query}&lang={}", lang.code())
    };
    Ok(html! {
        figure.chart {
            div.chart-narrow { (PreEscaped(narrow)) }
            div.chart-wide { (PreEscaped(wide)) }
            figcaption {
                @if let Some(c) = caption { (c) }
                p.downloads {
                    (tt.download) " "
                    a href={ (base) ".svg?" (query) } download { "SVG" } " · "
                    a href={ (base) ".png?" (query) } download { (tt.download_png) }
                }
            }
        }
    })
}

/// What the advisor's team page offers for advisor-first release: the
/// closed rounds not yet released to the team's manager, and the releases
/// made (round title, day, who).
#[derive(Default)]
struct Releasing {
    unreleased: Vec<(i64, String)>,
    done: Vec<(String, String, String)>,
}

fn releasing(
    c: &rusqlite::Connection,
    team_id: &str,
    rounds: &[TeamRound],
) -> storage::Result<Releasing> {
    let Ok(team) = storage::team(c, team_id) else {
        // The organisation has no manager: nothing to release.
        return Ok(Releasing::default());
    };
    let released = storage::released_rounds(c, team.key)?;
    let mut out = Releasing::default();
    for r in rounds.iter().filter(|r| r.round.closed_on.is_some()) {
        if released.contains(&r.round.id) {
            if let Some(rel) = storage::team_release(c, team.key, r.round.id)? {
                out.done
                    .push((r.round.title.clone(), rel.released_on, rel.released_by));
            }
        } else if storage::release_mode(c)? == storage::ReleaseMode::AfterAdvisor {
            out.unreleased.push((r.round.id, r.round.title.clone()));
        }
    }
    Ok(out)
}

/// The conversation sheet (advisors only; anyone else: not found).
async fn sheet_page(
    State(state): State<AppState>,
    Viewer(p): Viewer,
    Path((id, round)): Path<(String, i64)>,
    Language(lang): Language,
) -> Result<Response, PageError> {
    if !p.sees_organisation() {
        return Err(PageError::new(lang, PageFailure::NotFound));
    }
    let self_check = reflection::self_check(&state);
    let html = state
        .db
        .read(move |c| {
            Ok(super::sheet::sheet(
                c,
                &id,
                round,
                lang,
                self_check.as_deref(),
                true,
            ))
        })
        .await
        .in_lang(lang)?
        .map_err(|_| PageError::new(lang, PageFailure::NotFound))?;
    Ok(super::printable(html))
}

/// Everything the team page shows, read in one transaction.
struct TeamPageData {
    sel: charting::TrendSelection,
    open: Vec<TeamRound>,
    latest: Option<(TeamRound, std::sync::Arc<Survey>)>,
    rel: Releasing,
    expectation: Option<storage::Expectation>,
    held: Option<(String, String)>,
    mirror: Option<charts::Mirror>,
}

/// Loads the team page's data: the trend, open rounds, the latest released round and its reflection state.
fn load_team_page(
    c: &rusqlite::Connection,
    p: Principal,
    team_id: &str,
    tq: &TrendQuery,
    lang: Lang,
) -> storage::Result<TeamPageData> {
    let sel = match charting::load_trend(c, p, team_id, tq, lang) {
        Ok(sel) => sel,
        Err(ChartError::Storage(e)) => return Err(e),
        // An unknown ?survey= is an address that does not exist.
        Err(_) => return Err(StorageError::not_found(storage::Thing::Result, "")),
    };
    let open = report::open_rounds(c, p, team_id)?;
    // The latest released round of the survey shown, with its text.
    let latest = match sel
        .trend
        .rounds
        .iter()
        .rev()
        .find(|r| r.released().is_some())
    {
        Some(r) => Some((r.clone(), charting::round_survey(c, r.round.id)?)),
        None => None,
    };
    let rel = if p.sees_organisation() {
        releasing(c, team_id, &sel.trend.rounds)?
    } else {
        Releasing::default()
    };
    let (expectation, held) = match (&latest, storage::team(c, team_id)) {
        (Some((r, _)), Ok(t)) => (
            storage::expectation(c, t.key, r.round.id)?,
            storage::held(c, t.key, r.round.id)?,
        ),
        _ => (None, None),
    };
    let mirror = match &latest {
        Some((r, _)) => charting::mirror(c, p, team_id, r.round.id, lang).ok(),
        None => None,
    };
    Ok(TeamPageData {
        sel,
        open,
        latest,
        rel,
        expectation,
        held,
        mirror,
    })
}

async fn team_page(
    State(state): State<AppState>,
    Viewer(p): Viewer,
    setup: Result<super::setup::Setup, Response>,
    Path(id): Path<String>,
    Language(lang): Language,
    SessionToken(session_token): SessionToken,
    query: Result<Query<TeamQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let form_token = setup.ok().map(|s| s.token());
    let self_check = reflection::self_check(&state);
    let q = query.map(|Query(q)| q).unwrap_or_default();
    let tq = TrendQuery {
        survey: q.survey.clone(),
        dimension: None,
    };
    let team_id = id.clone();
    let TeamPageData {
        sel,
        open,
        latest,
        rel,
        expectation,
        held,
        mirror,
    } = state
        .db
        .read(move |c| load_team_page(c, p, &team_id, &tq, lang))
        .await
        .in_lang(lang)?;
    let tt = t(lang);
    let name = &sel.trend.team.name;
    // A manager meets a released round first with the reflection step
    // (browser sessions only: the form needs the session's token).
    if let (Principal::Manager { .. }, Some((r, survey)), Some(token)) =
        (p, &latest, &session_token)
        && reflection::shows_step(expectation.is_some(), held.is_some(), q.reflect.is_some())
    {
        let body = html! {
            h1 { (name) }
            (reflection::form(lang, &id, &r.round, survey, self_check.as_deref(), token, expectation.as_ref()))
        };
        return Ok(page(lang, &format!("{} · {name}", tt.team), body));
    }
    let rounds = &sel.trend.rounds;
    let trend_figure = trend_figure(&sel, &id, lang)?;
    let detail = latest_detail(&latest, &id, lang)?;
    let mirror_figure = mirror_figure(mirror, &latest, &id, lang)?;
    let intervisie =
        super::intervisie::team_section(&state, p, &id, session_token.as_deref(), lang).await;
    let after = super::focus::team_section(
        &state,
        p,
        &id,
        sel.trend.clone(),
        latest.as_ref().map(|(r, _)| r.clone()),
        session_token.clone(),
        lang,
    )
    .await?;
    let body = html! {
        (status_section(p, &id, name, &open, rounds, &rel, form_token.as_deref(), lang))
        (trend_section(&sel, &id, trend_figure, lang))
        (reflection_section(p, &id, &latest, expectation.as_ref(), mirror_figure, self_check.as_deref(), session_token.is_some(), &held, lang))
        (latest_section(p, &id, &latest, &held, form_token.as_deref(), lang))
        @if let Some(d) = detail { (d) }
        (after)
        (intervisie)
    };
    Ok(page(lang, &format!("{} · {name}", tt.team), body))
}

/// The trend chart of the survey shown, captioned with its verdict.
fn trend_figure(
    sel: &charting::TrendSelection,
    id: &str,
    lang: Lang,
) -> Result<Option<Markup>, PageError> {
    let tt = t(lang);
    let survey_query = sel
        .selected
        .as_deref()
        .map(|s| format!("survey={s}"))
        .unwrap_or_default();
    let trend_figure = match &sel.chart {
        Some(c) => {
            let survey_title = sel
                .surveys
                .iter()
                .find(|s| Some(&s.id) == sel.selected.as_ref())
                .map(|s| s.title.as_str())
                .unwrap_or_default();
            let caption = html! { p.verdict { ((tt.verdict)(survey_title, &c.verdict(lang))) } };
            let base = format!("/api/v1/teams/{id}/trend/chart");
            Some(chart_figure(
                &Chart::Trend(c.clone()),
                lang,
                &base,
                &survey_query,
                Some(caption),
            )?)
        }
        None => None,
    };
    Ok(trend_figure)
}

/// The latest released round's detail, with its round chart.
fn latest_detail(
    latest: &Option<(TeamRound, std::sync::Arc<Survey>)>,
    id: &str,
    lang: Lang,
) -> Result<Option<Markup>, PageError> {
    let detail = match latest {
        Some((r, survey)) => {
            let chart = charting::round_chart(r, survey, lang)
                .map_err(|_| PageError::new(lang, PageFailure::NotFound))?;
            let base = format!("/api/v1/teams/{id}/rounds/{}/chart", r.round.id);
            let figure = chart_figure(&Chart::Round(chart), lang, &base, "", None)?;
            r.released()
                .map(|result| round_detail(r, result, Some(survey), figure, lang))
        }
        None => None,
    };
    Ok(detail)
}

/// The mirror chart of the latest released round, when there is one.
fn mirror_figure(
    mirror: Option<charts::Mirror>,
    latest: &Option<(TeamRound, std::sync::Arc<Survey>)>,
    id: &str,
    lang: Lang,
) -> Result<Option<Markup>, PageError> {
    let mirror_figure = match (mirror, latest) {
        (Some(m), Some((r, _))) => {
            let base = format!("/api/v1/teams/{id}/rounds/{}/mirror/chart", r.round.id);
            Some(chart_figure(&Chart::Mirror(m), lang, &base, "", None)?)
        }
        _ => None,
    };
    Ok(mirror_figure)
}

/// The page head: the team's name, open and pending rounds, release forms and releases done.
#[allow(clippy::too_many_arguments)]
fn status_section(
    p: Principal,
    id: &str,
    name: &str,
    open: &[TeamRound],
    rounds: &[TeamRound],
    rel: &Releasing,
    form_token: Option<&str>,
    lang: Lang,
) -> Markup {
    let tt = t(lang);
    html! {
        @if p.sees_organisation() {
            p { a href={ "/overzicht?lang=" (lang.code()) } { "← " (tt.overview) } }
        }
        h1 { (name) }
        p.team { (tt.intro_manager) }
        @for o in open {
            @if let View::Open { k_reached } = o.view {
                p.status { (o.round.title) ": " (tt.open) ", " (open_text(k_reached, lang)) }
            }
        }
        @for r in rounds.iter().filter(|r| r.view == View::Pending) {
            p.status.pending { (r.round.title) ": " (tt.pending_notice) }
        }
        @if let Some(token) = form_token {
            @for (round, title) in &rel.unreleased {
                form.release method="post" action={ "/beheer/vrijgeven?lang=" (lang.code()) } {
                    input type="hidden" name=(super::setup::TOKEN_FIELD) value=(token);
                    input type="hidden" name="team" value=(id);
                    input type="hidden" name="round" value=(round);
                    p { (title) ": " (tt.release_explain) }
                    button type="submit" { (tt.release_button) ": " (title) }
                }
            }
        }
        @if p.sees_organisation() {
            @for (title, day, who) in &rel.done {
                p.status { (title) ": " ((tt.released_on)(day, super::texts::actor(who, lang))) }
            }
        }
    }
}

/// The trend section: the survey shown, other surveys, the chart and the rounds table.
fn trend_section(
    sel: &charting::TrendSelection,
    id: &str,
    trend_figure: Option<Markup>,
    lang: Lang,
) -> Markup {
    let tt = t(lang);
    let rounds = &sel.trend.rounds;
    // Rounds of surveys with different scales: each score names its own.
    let scale = common_scale(rounds);
    html! {
        h2 {
            (tt.trend)
            @if let Some(s) = sel.surveys.iter().find(|s| Some(&s.id) == sel.selected.as_ref()) { ": " (s.title) }
        }
        @if sel.surveys.len() > 1 {
            p.surveys {
                (tt.other_surveys)
                @for s in sel.surveys.iter().filter(|s| Some(&s.id) != sel.selected.as_ref()) {
                    " " a href={ "/team/" (id) "?survey=" (s.id) "&lang=" (lang.code()) } { (s.title) }
                }
            }
        }
        @if rounds.is_empty() {
            p { (tt.no_results) }
        } @else {
            @if let Some(f) = trend_figure { (f) }
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
                                    View::Pending => { td.hidden colspan="3" { (tt.pending) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The manager's reflection on the latest round, its mirror chart and the link to change it.
#[allow(clippy::too_many_arguments)]
fn reflection_section(
    p: Principal,
    id: &str,
    latest: &Option<(TeamRound, std::sync::Arc<Survey>)>,
    expectation: Option<&storage::Expectation>,
    mirror_figure: Option<Markup>,
    self_check: Option<&Survey>,
    has_session: bool,
    held: &Option<(String, String)>,
    lang: Lang,
) -> Markup {
    let tt = t(lang);
    html! {
        @if let (Some(e), Some((_, survey))) = (expectation, latest) {
            (reflection::summary(lang, e, Some(survey), self_check))
            @if let Some(f) = mirror_figure { (f) }
            @if !p.sees_organisation() && has_session && held.is_none() {
                p { a href={ "/team/" (id) "?reflect=1&lang=" (lang.code()) } { (tt.reflection_change) } }
            }
        }
    }
}

/// The latest round's conversation: the sheet link and the held form or notice.
fn latest_section(
    p: Principal,
    id: &str,
    latest: &Option<(TeamRound, std::sync::Arc<Survey>)>,
    held: &Option<(String, String)>,
    form_token: Option<&str>,
    lang: Lang,
) -> Markup {
    let tt = t(lang);
    html! {
        @if let (Some((r, _)), true) = (latest, id != report::ORGANISATION_ID) {
            @if p.sees_organisation() {
                p { a href={ "/team/" (id) "/rounds/" (r.round.id) "/sheet?lang=" (lang.code()) } { (tt.sheet_link) ": " (r.round.title) } }
            }
            @if let Some((who, day)) = held {
                // "(command line)" is already in parentheses.
                p.status { (r.round.title) ": " ((tt.held_on)(day, super::texts::actor(who, lang))) }
            } @else if let Some(token) = form_token {
                form.held method="post" action={ "/beheer/gesprek-gehouden?lang=" (lang.code()) } {
                    input type="hidden" name=(super::setup::TOKEN_FIELD) value=(token);
                    input type="hidden" name="team" value=(id);
                    input type="hidden" name="round" value=(r.round.id);
                    button type="submit" { (tt.held_button) ": " (r.round.title) }
                }
            }
        }
    }
}

fn item_text(survey: Option<&Survey>, id: &str, lang: Lang) -> String {
    survey
        .and_then(|s| s.item(id))
        .map(|i| i.text.get(lang).to_string())
        .unwrap_or_else(|| id.to_string())
}

fn round_detail(
    r: &TeamRound,
    result: &Released,
    survey: Option<&Survey>,
    figure: Markup,
    lang: Lang,
) -> Markup {
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
        View::Suppressed | View::Open { .. } | View::Pending => None,
    };
    html! {
        h2 { (tt.latest) ": " (r.round.title) }
        (figure)
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
        Some(Withheld::TooFewRespondents { min_respondents }) => {
            Some((tt.comments_too_few)(min_respondents))
        }
        None => survey
            .is_some_and(|s| s.comment.is_some())
            .then(|| tt.no_comments.to_string()),
    }
}

/// The width the heatmap is drawn at: room for the names and about 24 px a
/// round, at least the page's column; wider ones scroll sideways.
fn heatmap_width(rounds: usize) -> u32 {
    (260 + 24 * rounds as u32).clamp(WIDE, charts::MAX_SIDE)
}

async fn overview_page(
    State(state): State<AppState>,
    Viewer(p): Viewer,
    Language(lang): Language,
) -> Result<Response, PageError> {
    let (overview, points) = state
        .db
        .read(move |c| {
            let o = report::overview(c, p)?;
            let points = charting::overview_points(c, &o)?;
            Ok((o, points))
        })
        .await
        .in_lang(lang)?;
    let heat = Chart::Overview(charting::overview_chart(&overview, points));
    let width = heatmap_width(overview.rounds.len());
    let svg = charting::svg_cached(&heat, lang, width, None)
        .map_err(|e| PageError::new(lang, PageFailure::Chart(e)))?;
    let tt = t(lang);
    let grid = overview.grid();
    let intervisie = super::intervisie::overview_section(&state, p, lang).await;
    let body = html! {
        h1 { (tt.overview) }
        p.team { (tt.intro_advisor) }
        p { a href={ "/beheer/teams?lang=" (lang.code()) } { (super::setup::texts::t(lang).setup_link) } }
        (intervisie)
        figure.chart.heatmap {
            div.scroll role="region" tabindex="0" aria-label=(tt.heatmap_region) { (PreEscaped(svg)) }
            figcaption {
                p.downloads {
                    (tt.download) " "
                    a href={ "/api/v1/overview/chart.svg?lang=" (lang.code()) } download { "SVG" } " · "
                    a href={ "/api/v1/overview/chart.png?lang=" (lang.code()) } download { (tt.download_png) }
                }
            }
        }
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
    Ok(page(lang, tt.overview, body))
}

fn invalid_key(lang: Lang) -> Response {
    let tt = t(lang);
    (
        StatusCode::NOT_FOUND,
        pages::message(
            lang,
            &STYLE_HREF,
            tt.key_invalid_title,
            &[tt.key_invalid_body],
            None,
        ),
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
    let tt = t(lang);
    (
        StatusCode::UNAUTHORIZED,
        pages::message(
            lang,
            &STYLE_HREF,
            tt.no_session_title,
            &[tt.no_session_body],
            None,
        ),
    )
        .into_response()
}

fn error_page(lang: Lang, e: &StorageError) -> Response {
    tracing::error!(error = %e, "page request failed");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        pages::message(lang, &STYLE_HREF, t(lang).error_title, &[], None),
    )
        .into_response()
}
