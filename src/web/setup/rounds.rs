//! Rounds: opening one (survey picker with each survey's items, title,
//! teams or all, optional closing date), the list with each team's state,
//! and closing now (after confirmation).
//!
//! An open round shows per team only whether k has been reached: the same
//! boolean [`report::overview`] gives the API, never a count. A closed
//! round shows the participation band of each released team.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use maud::{Markup, html};

use super::teams::DoneQuery;
use super::texts::Done;
use super::{
    Action, AppState, Errors, Setup, audit, described, error_page, field_error, page_and_action,
    to, today,
};
use crate::catalog::Catalog;
use crate::domain::access::Principal;
use crate::domain::audit::Action as Audited;
use crate::domain::date::{self, Date};
use crate::domain::stats::participation_band;
use crate::domain::survey::Survey;
use crate::report::{self, CellStatus};
use crate::storage::{self, Conflict, Round, StorageError, Team, Thing};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/beheer/rondes", page_and_action(list, open))
        .route(
            "/beheer/rondes/{id}/sluiten",
            page_and_action(confirm_close, close),
        )
}

/// The surveys a round can be opened with: the shipped ones and the
/// organisation's own; with a broken own file, the shipped ones and the
/// errors.
pub fn catalog(state: &AppState) -> (Catalog, Vec<String>) {
    match Catalog::load(state.surveys.as_deref()) {
        Ok(c) => (c, Vec::new()),
        Err(errors) => (
            Catalog::load(None).unwrap_or_default(),
            errors.iter().map(ToString::to_string).collect(),
        ),
    }
}

pub fn surveys(c: &Catalog) -> Vec<Arc<Survey>> {
    c.ids().into_iter().filter_map(|id| c.get(id)).collect()
}

/// Each team's state per round, by team id and round id.
type Grid<'a> = HashMap<(&'a str, i64), CellStatus>;

#[derive(Default)]
struct OpenForm {
    survey: String,
    title: String,
    teams: Vec<String>,
    all: bool,
    closes: String,
    errors: Errors,
}

async fn list(State(state): State<AppState>, s: Setup, Query(q): Query<DoneQuery>) -> Response {
    let form = OpenForm {
        survey: "pulse".into(),
        all: true,
        ..OpenForm::default()
    };
    render(&state, &s, form, q.done.as_deref()).await
}

/// The rounds page: the list of rounds and the form to open one.
async fn render(state: &AppState, s: &Setup, form: OpenForm, done: Option<&str>) -> Response {
    let loaded = state
        .db
        .read(|c| {
            Ok((
                storage::rounds(c)?,
                storage::teams(c)?,
                report::overview(c, Principal::Advisor)?,
            ))
        })
        .await;
    let (rounds, teams, overview) = match loaded {
        Ok(v) => v,
        Err(e) => return error_page(s.lang, &e),
    };
    let (catalog, catalog_errors) = catalog(state);
    let grid = overview.grid();
    let tt = s.t();
    let valid = form.errors.is_empty();
    let body = html! {
        h1 { (tt.rounds_title) }
        (Done::banner(done, s.lang))
        (rounds_list(s, &rounds, &teams, &grid))
        (open_form(s, &form, &catalog, &catalog_errors, &teams))
    };
    s.form_page(valid, tt.rounds_title, body)
}

/// The list of rounds, newest first.
fn rounds_list(s: &Setup, rounds: &[Round], teams: &[Team], grid: &Grid<'_>) -> Markup {
    let tt = s.t();
    html! {
        h2 { (tt.rounds_list) }
        @if rounds.is_empty() {
            p { (tt.no_rounds) }
        }
        @for r in rounds.iter().rev() {
            (round_section(s, r, teams, grid))
        }
    }
}

/// One round: its facts, each team's state, and the actions while open.
fn round_section(s: &Setup, r: &Round, teams: &[Team], grid: &Grid<'_>) -> Markup {
    let tt = s.t();
    let name_of = |id: &str| {
        teams
            .iter()
            .find(|t| t.id == id)
            .map(|t| t.name.clone())
            .unwrap_or_else(|| id.to_string())
    };
    html! {
        section.round aria-labelledby={ "round-" (r.id) } {
            h3 #{ "round-" (r.id) } { (r.title) }
            p {
                (tt.survey) ": " (r.survey) " · k = " (r.k) " · " (tt.opened_on) " " (r.opened_on)
                @if let Some(c) = r.closes_on { @if r.closed_on.is_none() { " · " (tt.closes_on) " " (c) } }
                " · "
                @match r.closed_on {
                    Some(c) => { strong { (tt.closed) } " " (c) }
                    None => { strong { (tt.open) } }
                }
            }
            div.scroll {
                table.data {
                    thead { tr { th scope="col" { (tt.team_name) } th scope="col" { (tt.participation) } } }
                    tbody {
                        @for id in &r.teams {
                            tr {
                                th scope="row" { (name_of(id)) }
                                td { (cell_text(s, grid.get(&(id.as_str(), r.id)).copied(), teams.iter().find(|t| &t.id == id).and_then(|t| t.expected_size), r.k)) }
                            }
                        }
                    }
                }
            }
            @if r.closed_on.is_none() {
                p.actions {
                    a href=(s.href(&format!("/beheer/rondes/{}/links", r.id))) { (tt.make_links) }
                    " "
                    a href=(s.href(&format!("/beheer/rondes/{}/sluiten", r.id))) { (tt.close_now) "…" }
                }
            }
        }
    }
}

/// The form to open a round, after a note on a broken own survey file.
fn open_form(
    s: &Setup,
    form: &OpenForm,
    catalog: &Catalog,
    catalog_errors: &[String],
    teams: &[Team],
) -> Markup {
    let tt = s.t();
    let (closes_by, closes_invalid) = described("closes", form.errors.get("closes"));
    html! {
        h2 #open { (tt.open_round) }
        @if !catalog_errors.is_empty() {
            div.note {
                p { (tt.own_surveys_broken) }
                ul { @for e in catalog_errors { li { (e) } } }
            }
        }
        form method="post" action=(s.href("/beheer/rondes")) {
            (s.token_field())
            (survey_field(s, form, catalog))
            div.field {
                label for="title" { (tt.round_title) " (" (tt.optional) ")" }
                input #title type="text" name="title" maxlength="200" value=(form.title) aria-describedby="title-hint";
                p.hint #title-hint { (tt.round_title_hint) }
            }
            (teams_field(s, form, teams))
            div.field {
                label for="closes" { (tt.closes_field) " (" (tt.optional) ")" }
                input #closes type="text" name="closes" value=(form.closes) placeholder="2026-06-30 / +14d" aria-describedby={ "closes-hint" @if let Some(b) = closes_by { " " (b) } } aria-invalid=[closes_invalid];
                p.hint #closes-hint { (tt.closes_hint) }
                (field_error("closes", form.errors.get("closes")))
            }
            button type="submit" { (tt.open_round) }
        }
    }
}

/// The survey picker: each survey with its items behind a disclosure.
fn survey_field(s: &Setup, form: &OpenForm, catalog: &Catalog) -> Markup {
    let (lang, tt) = (s.lang, s.t());
    let (survey_by, survey_invalid) = described("survey", form.errors.get("survey"));
    html! {
        div.field {
            fieldset aria-describedby=[survey_by] aria-invalid=[survey_invalid] {
                legend { (tt.survey) }
                @for sv in surveys(catalog) {
                    label.check {
                        input type="radio" name="survey" value=(sv.id) checked[form.survey == sv.id];
                        span { (sv.title.get(lang)) " (" (sv.id) ", " (sv.items.len()) " " (tt.items) ")" }
                    }
                    details {
                        summary { (tt.show_items) ": " (sv.title.get(lang)) }
                        ol.items { @for i in &sv.items { li { (i.text.get(lang)) } } }
                    }
                }
            }
            (field_error("survey", form.errors.get("survey")))
        }
    }
}

/// The teams picker: all teams, or some of the live ones.
fn teams_field(s: &Setup, form: &OpenForm, teams: &[Team]) -> Markup {
    let tt = s.t();
    let (teams_by, teams_invalid) = described("teams", form.errors.get("teams"));
    html! {
        div.field {
            fieldset aria-describedby=[teams_by] aria-invalid=[teams_invalid] {
                legend { (tt.teams_in_round) }
                label.check { input type="checkbox" name="all" value="1" checked[form.all]; span { (tt.all_teams) } }
                @for t in teams.iter().filter(|t| t.archived_on.is_none()) {
                    label.check { input type="checkbox" name="teams" value=(t.id) checked[form.teams.contains(&t.id)]; span { (t.name) } }
                }
            }
            (field_error("teams", form.errors.get("teams")))
        }
    }
}

/// A team's state in a round: open, only whether k is reached; closed and
/// released, the participation band; hidden, the one sentence for all.
fn cell_text(s: &Setup, cell: Option<CellStatus>, expected: Option<u32>, k: u32) -> String {
    let tt = s.t();
    let page = super::super::texts::texts(s.lang);
    match cell {
        Some(CellStatus::Open { k_reached: true }) => page.k_reached.to_string(),
        Some(CellStatus::Open { k_reached: false }) => page.k_not_reached.to_string(),
        Some(CellStatus::Released { respondents, .. }) => {
            match participation_band(respondents, expected, k) {
                Some(band) => format!("{} · {band}", tt.released),
                None => tt.released.to_string(),
            }
        }
        Some(CellStatus::Suppressed) => page.hidden.to_string(),
        None => String::new(),
    }
}

/// Opens a round from the form: checks it, stores the round, and
/// redirects; or shows the form again with what is wrong.
async fn open(State(state): State<AppState>, a: Action) -> Response {
    let s = &a.setup;
    let tt = s.t();
    let mut form = open_fields(&a);
    let (survey, closes) = match check_open(&state, s, &mut form).await {
        Ok(Some(checked)) => checked,
        Ok(None) => return render(&state, s, form, None).await,
        Err(e) => return error_page(s.lang, &e),
    };
    match store_round(&state, s, &form, survey, closes).await {
        Ok(_) => to(&s.href("/beheer/rondes?done=opened")),
        Err(e) => {
            let Some(field) = open_error_field(&e) else {
                return error_page(s.lang, &e);
            };
            form.errors.insert(field, (tt.storage_error)(&e));
            render(&state, s, form, None).await
        }
    }
}

/// The open-round form as posted.
fn open_fields(a: &Action) -> OpenForm {
    OpenForm {
        survey: a.fields.get("survey").to_string(),
        title: a.fields.get("title").to_string(),
        teams: a
            .fields
            .all("teams")
            .iter()
            .map(|t| t.to_string())
            .collect(),
        all: a.fields.get("all") == "1",
        closes: a.fields.get("closes").to_string(),
        errors: Errors::new(),
    }
}

/// Checks the posted form, noting what is wrong in its errors: the survey
/// and closing date when all is well, `None` when not.
async fn check_open(
    state: &AppState,
    s: &Setup,
    form: &mut OpenForm,
) -> Result<Option<(Arc<Survey>, Option<Date>)>, StorageError> {
    let tt = s.t();
    let (catalog, _) = catalog(state);
    let survey = catalog.get(&form.survey);
    if survey.is_none() {
        form.errors.insert(
            "survey",
            (tt.unknown_survey)(&form.survey, &catalog.ids().join(", ")),
        );
    }
    if !form.all && form.teams.is_empty() {
        form.errors.insert(
            "teams",
            (tt.storage_error)(&Conflict::RoundWithoutTeams.into()),
        );
    }
    let today_ = state.db.read(today).await?;
    let closes = if form.closes.is_empty() {
        None
    } else {
        match date::parse_relative(&form.closes, today_) {
            Some(d) => Some(d),
            None => {
                form.errors.insert(
                    "closes",
                    (tt.bad_date)(&form.closes, &date::add_days(today_, 14).to_string()),
                );
                None
            }
        }
    };
    Ok(survey
        .filter(|_| form.errors.is_empty())
        .map(|survey| (survey, closes)))
}

/// Stores the round for the chosen teams (or all live ones) and audits it.
async fn store_round(
    state: &AppState,
    s: &Setup,
    form: &OpenForm,
    survey: Arc<Survey>,
    closes: Option<Date>,
) -> Result<Round, StorageError> {
    let (all, names, title, actor) = (form.all, form.teams.clone(), form.title.clone(), s.actor());
    state
        .db
        .write(move |c| {
            let keys: Vec<i64> = if all {
                storage::teams(c)?
                    .iter()
                    .filter(|t| t.archived_on.is_none())
                    .map(|t| t.key)
                    .collect()
            } else {
                names
                    .iter()
                    .map(|n| storage::live_team(c, n).map(|t| t.key))
                    .collect::<Result<_, _>>()?
            };
            let day = today(c)?;
            let title = if title.trim().is_empty() {
                format!("{} {day}", survey.title.nl)
            } else {
                title.trim().to_string()
            };
            let r = storage::open_round(c, &survey, &title, &keys, closes, day)?;
            audit(
                c,
                &actor,
                &Audited::RoundOpened {
                    round: r.id,
                    title: r.title.clone(),
                    survey: r.survey.clone(),
                    teams: r.teams.clone(),
                },
            )?;
            Ok(r)
        })
        .await
}

/// The form field a storage error in opening a round belongs to, if any.
fn open_error_field(e: &StorageError) -> Option<&'static str> {
    match e {
        StorageError::Conflict(Conflict::ClosesInThePast { .. }) => Some("closes"),
        StorageError::Conflict(
            Conflict::RoundWithoutTeams
            | Conflict::ArchivedTeamsInRound { .. }
            | Conflict::TeamArchived { .. },
        )
        | StorageError::NotFound {
            what: Thing::Team, ..
        } => Some("teams"),
        _ => None,
    }
}

async fn confirm_close(State(state): State<AppState>, s: Setup, Path(id): Path<i64>) -> Response {
    let round = match state.db.read(move |c| storage::round(c, id)).await {
        Ok(r) => r,
        Err(e) => return error_page(s.lang, &e),
    };
    let tt = s.t();
    let body = html! {
        h1 { (tt.close_now) ": " (round.title) }
        @if round.closed_on.is_some() {
            p { (tt.closed) " " (round.closed_on.map(|d| d.to_string()).unwrap_or_default()) }
        } @else {
            p { (tt.close_note) }
            (s.confirm(&format!("/beheer/rondes/{id}/sluiten"), tt.close_now, "/beheer/rondes"))
        }
    };
    s.page(tt.close_now, body)
}

async fn close(State(state): State<AppState>, Path(id): Path<i64>, a: Action) -> Response {
    let s = &a.setup;
    let actor = s.actor();
    let closed = state
        .db
        .write(move |c| {
            let before = storage::round(c, id)?;
            let day = today(c)?;
            let r = storage::close_round(c, id, day)?;
            if before.closed_on.is_none() {
                audit(
                    c,
                    &actor,
                    &Audited::RoundClosed {
                        round: r.id,
                        title: r.title,
                    },
                )?;
            }
            Ok(())
        })
        .await;
    match closed {
        Ok(()) => to(&s.href("/beheer/rondes?done=closed")),
        Err(e) => s.refused(s.t().close_now, "/beheer/rondes", e),
    }
}
