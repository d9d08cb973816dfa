//! Keys: a manager's key for a team (its address shown once, with a QR
//! code), the list with label, team and last use (day only), revoking
//! (after confirmation).

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use maud::{Markup, PreEscaped, html};

use super::teams::DoneQuery;
use super::texts::Done;
use super::{
    Action, AppState, Errors, Setup, audit, described, error_page, field_error, page_and_action,
    to, today,
};
use crate::domain::access::Principal;
use crate::domain::audit::Action as Audited;
use crate::slips;
use crate::storage::{self, KeyInfo, StorageError, Team, Thing};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/beheer/sleutels", page_and_action(list, create))
        .route(
            "/beheer/sleutels/{id}/intrekken",
            page_and_action(confirm_revoke, revoke),
        )
}

#[derive(Default)]
struct KeyForm {
    team: String,
    label: String,
    errors: Errors,
}

async fn list(State(state): State<AppState>, s: Setup, Query(q): Query<DoneQuery>) -> Response {
    render(&state, &s, KeyForm::default(), q.done.as_deref()).await
}

/// The keys page: the list of keys and the form to make a manager's key.
async fn render(state: &AppState, s: &Setup, form: KeyForm, done: Option<&str>) -> Response {
    let loaded = state
        .db
        .read(|c| Ok((storage::keys(c)?, storage::teams(c)?)))
        .await;
    let (keys, teams) = match loaded {
        Ok(v) => v,
        Err(e) => return error_page(s.lang, &e),
    };
    let tt = s.t();
    let valid = form.errors.is_empty();
    let body = html! {
        h1 { (tt.keys_title) }
        (Done::banner(done, s.lang))
        p { (tt.keys_intro) }
        (keys_table(s, &keys, &teams))
        (key_form(s, &form, &teams))
    };
    s.form_page(valid, tt.keys_title, body)
}

/// The table of keys: label, role, team, made, last used, and state.
fn keys_table(s: &Setup, keys: &[KeyInfo], teams: &[Team]) -> Markup {
    let tt = s.t();
    let team_name = |id: &Option<String>| {
        id.as_ref()
            .map(|id| {
                teams
                    .iter()
                    .find(|t| &t.id == id)
                    .map(|t| t.name.clone())
                    .unwrap_or_else(|| id.clone())
            })
            .unwrap_or_default()
    };
    html! {
        div.scroll {
            table.data {
                thead { tr {
                    th scope="col" { (tt.key_label) }
                    th scope="col" { (tt.role) }
                    th scope="col" { (tt.team_name) }
                    th scope="col" { (tt.created_on) }
                    th scope="col" { (tt.last_used) }
                    th scope="col" { (tt.state) }
                } }
                tbody {
                    @for k in keys {
                        tr {
                            th scope="row" { @if k.label.is_empty() { (tt.key_word) " " (k.id) } @else { (k.label) } }
                            td { (if k.role == "advisor" { tt.role_advisor } else { tt.role_manager }) }
                            td { (team_name(&k.team)) }
                            td { (k.created_on) }
                            td { (k.last_used_on.map(|d| d.to_string()).unwrap_or_else(|| tt.never.to_string())) }
                            td {
                                @match k.revoked_on {
                                    Some(on) => { (tt.revoked_on) " " (on) }
                                    None => { a href=(s.href(&format!("/beheer/sleutels/{}/intrekken", k.id))) { (tt.revoke) "…" } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The form to make a manager's key for a live team.
fn key_form(s: &Setup, form: &KeyForm, teams: &[Team]) -> Markup {
    let tt = s.t();
    let (team_by, team_invalid) = described("team", form.errors.get("team"));
    html! {
        h2 { (tt.new_manager_key) }
        form method="post" action=(s.href("/beheer/sleutels")) {
            (s.token_field())
            div.field {
                label for="team" { (tt.team_name) }
                select #team name="team" aria-describedby=[team_by] aria-invalid=[team_invalid] {
                    @for t in teams.iter().filter(|t| t.archived_on.is_none()) {
                        option value=(t.id) selected[form.team == t.id] { (t.name) }
                    }
                }
                (field_error("team", form.errors.get("team")))
            }
            div.field {
                label for="label" { (tt.key_label) " (" (tt.optional) ")" }
                input #label type="text" name="label" maxlength="100" value=(form.label) aria-describedby="label-hint";
                p.hint #label-hint { (tt.key_label_hint) }
            }
            button type="submit" { (tt.new_manager_key) }
        }
    }
}

async fn create(State(state): State<AppState>, a: Action) -> Response {
    let s = &a.setup;
    let tt = s.t();
    let mut form = KeyForm {
        team: a.fields.get("team").to_string(),
        label: a.fields.get("label").chars().take(100).collect(),
        errors: Errors::new(),
    };
    let (team_id, label, actor) = (form.team.clone(), form.label.clone(), s.actor());
    let made = state
        .db
        .write(move |c| {
            let team = storage::live_team(c, &team_id)?;
            let day = today(c)?;
            let (id, key) =
                storage::create_key(c, Principal::Manager { team: team.key }, &label, day)?;
            audit(
                c,
                &actor,
                &Audited::ManagerKeyMade {
                    key: id,
                    team: team.id.clone(),
                },
            )?;
            Ok((team, key))
        })
        .await;
    let (team, key) = match made {
        Ok(v) => v,
        Err(
            e @ (StorageError::NotFound {
                what: Thing::Team, ..
            }
            | StorageError::Conflict(_)),
        ) => {
            form.errors.insert("team", (tt.storage_error)(&e));
            return render(&state, s, form, None).await;
        }
        Err(e) => return error_page(s.lang, &e),
    };
    let url = format!("{}/m/{key}", state.base_url.trim_end_matches('/'));
    let qr = slips::qr_svg(&url, tt.qr_label).unwrap_or_default();
    let body = html! {
        h1 { (tt.new_manager_key) ": " (team.name) }
        p.done { (tt.key_made) }
        p.secret { (url) }
        div.qr { (PreEscaped(qr)) }
        p { (tt.key_once) }
        p { a href=(s.href("/beheer/sleutels")) { (tt.nav_keys) } }
    };
    s.page(tt.new_manager_key, body)
}

async fn confirm_revoke(State(state): State<AppState>, s: Setup, Path(id): Path<i64>) -> Response {
    let key = match state.db.read(storage::keys).await {
        Ok(keys) => keys.into_iter().find(|k| k.id == id),
        Err(e) => return error_page(s.lang, &e),
    };
    let Some(key) = key else {
        return super::not_found(s.lang);
    };
    let tt = s.t();
    let own = key.id == s.key.key_id;
    let body = html! {
        h1 { (tt.revoke) ": " @if key.label.is_empty() { (tt.key_word) " " (key.id) } @else { (key.label) } }
        @if let Some(on) = key.revoked_on {
            p { (tt.revoked_on) " " (on) }
        } @else {
            p { (tt.revoke_note) }
            @if own { p.note { (tt.revoke_own) } }
            (s.confirm(&format!("/beheer/sleutels/{id}/intrekken"), tt.revoke, "/beheer/sleutels"))
        }
    };
    s.page(tt.revoke, body)
}

async fn revoke(State(state): State<AppState>, Path(id): Path<i64>, a: Action) -> Response {
    let s = &a.setup;
    let actor = s.actor();
    let done = state
        .db
        .write(move |c| {
            let day = today(c)?;
            storage::revoke_key(c, id, day)?;
            audit(c, &actor, &Audited::KeyRevoked { key: id })
        })
        .await;
    match done {
        Ok(()) => to(&s.href("/beheer/sleutels?done=revoked")),
        Err(e) => s.refused(s.t().revoke, "/beheer/sleutels", e),
    }
}
