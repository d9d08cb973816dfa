//! One-time links for a team in an open round: a CSV for a mail merge or a
//! printable A4 page of QR slips, in random order, shown once (the answer
//! to the POST is the only place they exist; storage keeps hashes).

use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use maud::html;

use super::{
    Action, AppState, Errors, SLIPS_CSS_HREF, Setup, audit, described, error_page, field_error,
    page_and_action,
};
use crate::domain::audit::Action as Audited;
use crate::domain::org::InviteCount;
use crate::slips;
use crate::storage::{self, Conflict, Round, StorageError, Team};

pub fn routes() -> Router<AppState> {
    Router::new().route("/beheer/rondes/{id}/links", page_and_action(form, make))
}

#[derive(Default)]
struct LinksForm {
    team: String,
    count: String,
    format: String,
    errors: Errors,
}

async fn form(State(state): State<AppState>, s: Setup, Path(id): Path<i64>) -> Response {
    let form = LinksForm {
        format: "slips".into(),
        ..LinksForm::default()
    };
    render(&state, &s, id, form).await
}

async fn load(state: &AppState, id: i64) -> Result<(Round, Vec<Team>), StorageError> {
    state
        .db
        .read(move |c| {
            let r = storage::round(c, id)?;
            let teams = storage::teams(c)?
                .into_iter()
                .filter(|t| r.teams.contains(&t.id) && t.archived_on.is_none())
                .collect();
            Ok((r, teams))
        })
        .await
}

async fn render(state: &AppState, s: &Setup, id: i64, form: LinksForm) -> Response {
    let (round, teams) = match load(state, id).await {
        Ok(v) => v,
        Err(e) => return error_page(s.lang, &e),
    };
    let tt = s.t();
    let valid = form.errors.is_empty();
    let (team_by, team_invalid) = described("team", form.errors.get("team"));
    let (count_by, count_invalid) = described("count", form.errors.get("count"));
    let local = crate::cli::is_local_url(&state.base_url);
    let body = html! {
        p { a href=(s.href("/beheer/rondes")) { "← " (tt.nav_rounds) } }
        h1 { (tt.links_title) ": " (round.title) }
        @if round.closed_on.is_some() {
            p.note { (tt.round_is_closed) }
        } @else {
            section.note aria-labelledby="stronger" {
                h2 #stronger { (tt.links_stronger_title) }
                p { (tt.links_stronger_body) }
            }
            p { (tt.links_once) }
            @if local {
                p.note { (tt.links_local) }
            }
            form method="post" action=(s.href(&format!("/beheer/rondes/{id}/links"))) {
                (s.token_field())
                div.field {
                    label for="team" { (tt.team_name) }
                    select #team name="team" aria-describedby=[team_by] aria-invalid=[team_invalid] {
                        @for t in &teams {
                            option value=(t.id) selected[form.team == t.id] { (t.name) }
                        }
                    }
                    (field_error("team", form.errors.get("team")))
                }
                div.field {
                    label for="count" { (tt.link_count) }
                    input #count type="number" name="count" min="1" max=(InviteCount::MAX) inputmode="numeric" required value=(form.count) aria-describedby=[count_by] aria-invalid=[count_invalid];
                    (field_error("count", form.errors.get("count")))
                }
                div.field {
                    fieldset {
                        legend { (tt.link_format) }
                        label.check { input type="radio" name="format" value="slips" checked[form.format != "csv"]; span { (tt.format_slips) } }
                        label.check { input type="radio" name="format" value="csv" checked[form.format == "csv"]; span { (tt.format_csv) } }
                    }
                }
                button type="submit" { (tt.make_links) }
            }
        }
    };
    s.form_page(valid, tt.links_title, body)
}

/// Makes the links from the form: checks the count, stores the invites,
/// and answers with the CSV or the slips; or shows the form again.
async fn make(State(state): State<AppState>, Path(id): Path<i64>, a: Action) -> Response {
    let s = &a.setup;
    let tt = s.t();
    let mut form = LinksForm {
        team: a.fields.get("team").to_string(),
        count: a.fields.get("count").to_string(),
        format: a.fields.get("format").to_string(),
        errors: Errors::new(),
    };
    let count = match check_count(s, &form.count) {
        Ok(c) => c,
        Err(e) => {
            form.errors.insert("count", e);
            return render(&state, s, id, form).await;
        }
    };
    let (team, round, tokens) = match store_invites(&state, s, id, &form.team, count).await {
        Ok(v) => v,
        Err(e) => {
            let Some(field) = invite_error_field(&e) else {
                return error_page(s.lang, &e);
            };
            form.errors.insert(field, (tt.storage_error)(&e));
            return render(&state, s, id, form).await;
        }
    };
    let base = state.base_url.trim_end_matches('/');
    let urls = slips::shuffled(tokens.iter().map(|t| format!("{base}/s/{t}")).collect());
    if form.format == "csv" {
        return csv_response(&team, &round, &urls);
    }
    slips_response(s, &team, &round, &urls)
}

/// The posted number of links, or the message saying what is wrong with it.
fn check_count(s: &Setup, count: &str) -> Result<InviteCount, String> {
    let tt = s.t();
    match count.parse::<u32>() {
        Ok(n) => InviteCount::parse(n).map_err(|e| (tt.count_error)(&e)),
        Err(_) => Err(tt.not_a_number.to_string()),
    }
}

/// Stores `count` invites for the team in round `id` and audits it.
async fn store_invites(
    state: &AppState,
    s: &Setup,
    id: i64,
    team: &str,
    count: InviteCount,
) -> Result<(Team, Round, Vec<String>), StorageError> {
    let (team_id, actor) = (team.to_string(), s.actor());
    state
        .db
        .write(move |c| {
            let team = storage::live_team(c, &team_id)?;
            let round = storage::round(c, id)?;
            let tokens = storage::create_invites(c, id, team.key, count)?;
            audit(
                c,
                &actor,
                &Audited::LinksMade {
                    count: tokens.len(),
                    team: team.id.clone(),
                    round: round.id,
                },
            )?;
            Ok((team, round, tokens))
        })
        .await
}

/// The form field a storage error in making links belongs to, if any.
fn invite_error_field(e: &StorageError) -> Option<&'static str> {
    match e {
        StorageError::Conflict(Conflict::TeamNotInRound { .. } | Conflict::TeamArchived { .. })
        | StorageError::NotFound {
            what: storage::Thing::Team,
            ..
        } => Some("team"),
        StorageError::Conflict(Conflict::RoundClosed { .. }) => Some("count"),
        _ => None,
    }
}

/// The links as a CSV download for a mail merge.
fn csv_response(team: &Team, round: &Round, urls: &[String]) -> Response {
    let name = format!(
        "attachment; filename=\"links-{}-round-{}.csv\"",
        team.id, round.id
    );
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, name),
        ],
        slips::csv(&team.name, urls),
    )
        .into_response()
}

/// The links as a printable page of QR slips.
fn slips_response(s: &Setup, team: &Team, round: &Round, urls: &[String]) -> Response {
    let tt = s.t();
    let lines = [tt.slips_print, tt.slips_once];
    let back = s.href("/beheer/rondes");
    let page = slips::page(
        s.lang,
        &team.name,
        &round.title,
        urls,
        slips::Style::Link(SLIPS_CSS_HREF),
        Some(slips::Screen {
            heading: &format!("{}: {} · {}", tt.format_slips, team.name, round.title),
            lines: &lines,
            back: Some((&back, tt.nav_rounds)),
        }),
    );
    match page {
        Ok(html) => ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "QR codes could not be made");
            error_page(
                s.lang,
                &StorageError::Io(std::io::Error::other(e.to_string())),
            )
        }
    }
}
