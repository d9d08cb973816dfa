//! Teams: the list with the department structure and expected sizes;
//! adding, renaming, moving, resizing, archiving and removing (both after
//! confirmation; only a team that never took part in anything is removed).

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use maud::{Markup, html};
use serde::Deserialize;

use super::texts::Done;
use super::{
    Action, AppState, Errors, Setup, action, audit, described, error_page, field_error,
    page_and_action, to, today,
};
use crate::domain::audit::Action as Audited;
use crate::domain::team::{ExpectedSize, TeamName};
use crate::storage::{self, Conflict, StorageError, Team, Thing};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/beheer/teams", page_and_action(list, add))
        .route("/beheer/teams/{id}", get(edit))
        .route("/beheer/teams/{id}/naam", action(rename))
        .route("/beheer/teams/{id}/afdeling", action(move_to))
        .route("/beheer/teams/{id}/grootte", action(resize))
        .route(
            "/beheer/teams/{id}/archiveren",
            page_and_action(confirm_archive, archive),
        )
        .route(
            "/beheer/teams/{id}/verwijderen",
            page_and_action(confirm_remove, remove),
        )
}

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    pub done: Option<String>,
}

/// What the add form holds (as typed) and its errors.
#[derive(Default)]
struct AddForm {
    name: String,
    parent: String,
    size: String,
    errors: Errors,
}

async fn list(State(state): State<AppState>, s: Setup, Query(q): Query<DoneQuery>) -> Response {
    render_list(&state, &s, AddForm::default(), q.done.as_deref()).await
}

async fn render_list(state: &AppState, s: &Setup, form: AddForm, done: Option<&str>) -> Response {
    let teams = match state.db.read(storage::teams).await {
        Ok(t) => t,
        Err(e) => return error_page(s.lang, &e),
    };
    let tt = s.t();
    let valid = form.errors.is_empty();
    let body = html! {
        h1 { (tt.teams_title) }
        (Done::banner(done, s.lang))
        p { (tt.teams_intro) }
        @if teams.is_empty() {
            p { (tt.no_teams) }
        } @else {
            div.scroll {
                table.data {
                    thead { tr {
                        th scope="col" { (tt.team_name) }
                        th scope="col" { (tt.department) }
                        th.num scope="col" { (tt.expected_size) }
                        th scope="col" { (tt.state) }
                    } }
                    tbody {
                        @for team in ordered(&teams) {
                            tr {
                                th scope="row" {
                                    a href=(s.href(&format!("/beheer/teams/{}", team.0.id))) { (path_name(&teams, team.0)) }
                                }
                                td { (parent_name(&teams, team.0)) }
                                td.num { (team.0.expected_size.map(|n| n.to_string()).unwrap_or_default()) }
                                td { @match team.0.archived_on {
                                    Some(on) => { (tt.archived_on) " " (on) }
                                    None => { (tt.active) }
                                } }
                            }
                        }
                    }
                }
            }
        }
        h2 #add { (tt.add_team) }
        form method="post" action=(s.href("/beheer/teams")) {
            (s.token_field())
            (name_field("name", tt.team_name, &form.name, form.errors.get("name")))
            (parent_field(s, &teams, None, &form.parent, form.errors.get("parent")))
            (size_field(s, &form.size, form.errors.get("size"), false))
            button type="submit" { (tt.add_team) }
        }
    };
    s.form_page(valid, tt.teams_title, body)
}

/// Teams in tree order: each department followed by its teams (depth first).
fn ordered(teams: &[Team]) -> Vec<(&Team, usize)> {
    fn walk<'a>(
        teams: &'a [Team],
        parent: Option<i64>,
        depth: usize,
        out: &mut Vec<(&'a Team, usize)>,
    ) {
        for t in teams.iter().filter(|t| t.parent_key == parent) {
            out.push((t, depth));
            if depth < 32 {
                walk(teams, Some(t.key), depth + 1, out);
            }
        }
    }
    let mut out = Vec::with_capacity(teams.len());
    walk(teams, None, 0, &mut out);
    out
}

/// "Department › Team".
fn path_name(teams: &[Team], team: &Team) -> String {
    let mut names = vec![team.name.clone()];
    let mut at = team.parent_key;
    while let Some(key) = at {
        match teams.iter().find(|t| t.key == key) {
            Some(p) if names.len() < 32 => {
                names.push(p.name.clone());
                at = p.parent_key;
            }
            _ => break,
        }
    }
    names.reverse();
    names.join(" › ")
}

fn parent_name(teams: &[Team], team: &Team) -> String {
    team.parent_key
        .and_then(|k| teams.iter().find(|t| t.key == k))
        .map(|p| p.name.clone())
        .unwrap_or_default()
}

fn name_field(id: &str, label: &str, value: &str, error: Option<&String>) -> Markup {
    let (by, invalid) = described(id, error);
    html! {
        div.field {
            label for=(id) { (label) }
            input #(id) type="text" name="name" value=(value) required maxlength="100" aria-describedby=[by] aria-invalid=[invalid];
            (field_error(id, error))
        }
    }
}

fn parent_field(
    s: &Setup,
    teams: &[Team],
    except: Option<&Team>,
    chosen: &str,
    error: Option<&String>,
) -> Markup {
    let tt = s.t();
    let (by, invalid) = described("parent", error);
    html! {
        div.field {
            label for="parent" { (tt.department) }
            select #parent name="parent" aria-describedby=[by] aria-invalid=[invalid] {
                option value="" selected[chosen.is_empty()] { (tt.no_department) }
                @for (t, _) in ordered(teams) {
                    @if t.archived_on.is_none() && except.is_none_or(|e| e.key != t.key) {
                        option value=(t.id) selected[chosen == t.id] { (path_name(teams, t)) }
                    }
                }
            }
            (field_error("parent", error))
        }
    }
}

fn size_field(s: &Setup, value: &str, error: Option<&String>, required: bool) -> Markup {
    let tt = s.t();
    let (by, invalid) = described("size", error);
    let hint = if required { None } else { Some(tt.optional) };
    html! {
        div.field {
            label for="size" { (tt.expected_size) @if let Some(h) = hint { " (" (h) ")" } }
            input #size type="number" name="size" min="1" inputmode="numeric" value=(value) required[required] aria-describedby=[by] aria-invalid=[invalid];
            (field_error("size", error))
        }
    }
}

/// Reads the size field: empty is none (when allowed).
fn parse_size(s: &Setup, raw: &str) -> Result<Option<ExpectedSize>, String> {
    if raw.is_empty() {
        return Ok(None);
    }
    let n: u32 = raw.parse().map_err(|_| s.t().not_a_number.to_string())?;
    ExpectedSize::parse(n)
        .map(Some)
        .map_err(|e| (s.t().size_error)(&e))
}

/// Which field a storage error belongs beside; `None`: not a field's.
fn team_conflict_field(e: &StorageError) -> Option<&'static str> {
    match e {
        StorageError::Conflict(Conflict::TeamNameTaken { .. }) => Some("name"),
        StorageError::Conflict(Conflict::TeamArchived { .. })
        | StorageError::Conflict(Conflict::TeamUnderItself { .. })
        | StorageError::NotFound {
            what: Thing::Team, ..
        } => Some("parent"),
        _ => None,
    }
}

async fn add(State(state): State<AppState>, a: Action) -> Response {
    let s = &a.setup;
    let mut form = AddForm {
        name: a.fields.get("name").to_string(),
        parent: a.fields.get("parent").to_string(),
        size: a.fields.get("size").to_string(),
        errors: Errors::new(),
    };
    let name = TeamName::parse(&form.name).map_err(|e| (s.t().team_name_error)(&e));
    let size = parse_size(s, &form.size);
    let (name, size) = match (name, size) {
        (Ok(n), Ok(z)) => (n, z),
        (n, z) => {
            if let Err(e) = n {
                form.errors.insert("name", e);
            }
            if let Err(e) = z {
                form.errors.insert("size", e);
            }
            return render_list(&state, s, form, None).await;
        }
    };
    let parent = (!form.parent.is_empty()).then(|| form.parent.clone());
    let actor = s.actor();
    let added = state
        .db
        .write(move |c| {
            let t = storage::add_team(c, &name, parent.as_deref(), size)?;
            audit(
                c,
                &actor,
                &Audited::TeamAdded {
                    team: t.id.clone(),
                    name: t.name.clone(),
                },
            )?;
            Ok(t)
        })
        .await;
    match added {
        Ok(_) => to(&s.href("/beheer/teams?done=added")),
        Err(e) => match team_conflict_field(&e) {
            Some(field) => {
                form.errors.insert(field, (s.t().storage_error)(&e));
                render_list(&state, s, form, None).await
            }
            None => error_page(s.lang, &e),
        },
    }
}

/// What the edit page's forms hold and their errors.
#[derive(Default)]
struct EditForm {
    name: Option<String>,
    parent: Option<String>,
    size: Option<String>,
    errors: Errors,
}

async fn edit(
    State(state): State<AppState>,
    s: Setup,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Response {
    render_edit(&state, &s, &id, EditForm::default(), q.done.as_deref()).await
}

async fn load_team(state: &AppState, id: &str) -> Result<(Team, Vec<Team>), StorageError> {
    let id = id.to_string();
    state
        .db
        .read(move |c| {
            let all = storage::teams(c)?;
            let team = all
                .iter()
                .find(|t| t.id == id)
                .cloned()
                .ok_or_else(|| StorageError::not_found(Thing::Team, &id))?;
            Ok((team, all))
        })
        .await
}

async fn render_edit(
    state: &AppState,
    s: &Setup,
    id: &str,
    form: EditForm,
    done: Option<&str>,
) -> Response {
    let (team, teams) = match load_team(state, id).await {
        Ok(found) => found,
        Err(e) => return error_page(s.lang, &e),
    };
    let tt = s.t();
    let valid = form.errors.is_empty();
    let base = format!("/beheer/teams/{}", team.id);
    let name = form.name.clone().unwrap_or_else(|| team.name.clone());
    let parent = form
        .parent
        .clone()
        .unwrap_or_else(|| team.parent.clone().unwrap_or_default());
    let size = form.size.clone().unwrap_or_else(|| {
        team.expected_size
            .map(|n| n.to_string())
            .unwrap_or_default()
    });
    let body = html! {
        p { a href=(s.href("/beheer/teams")) { "← " (tt.nav_teams) } }
        h1 { (team.name) }
        (Done::banner(done, s.lang))
        p { (tt.team_id) ": " code { (team.id) } }
        @if let Some(on) = team.archived_on {
            p.note { (tt.archived_on) " " (on) ". " (tt.archived_note) }
        }
        h2 { (tt.rename) }
        form method="post" action=(s.href(&format!("{base}/naam"))) {
            (s.token_field())
            (name_field("name", tt.new_name, &name, form.errors.get("name")))
            button type="submit" { (tt.rename) }
        }
        h2 { (tt.move_team) }
        p { (tt.move_note) }
        form method="post" action=(s.href(&format!("{base}/afdeling"))) {
            (s.token_field())
            (parent_field(s, &teams, Some(&team), &parent, form.errors.get("parent")))
            button type="submit" { (tt.move_team) }
        }
        h2 { (tt.change_size) }
        form method="post" action=(s.href(&format!("{base}/grootte"))) {
            (s.token_field())
            (size_field(s, &size, form.errors.get("size"), true))
            button type="submit" { (tt.change_size) }
        }
        @if team.archived_on.is_none() {
            h2 { (tt.archive) }
            p { (tt.archive_note) }
            p { a href=(s.href(&format!("{base}/archiveren"))) { (tt.archive) "…" } }
        }
        h2 { (tt.remove) }
        p { (tt.remove_note) }
        p { a href=(s.href(&format!("{base}/verwijderen"))) { (tt.remove) "…" } }
    };
    s.form_page(valid, &team.name, body)
}

/// A change to one team: on success back to its page, on a field's error
/// the page again with what was typed.
async fn change(
    state: &AppState,
    s: &Setup,
    id: &str,
    form: EditForm,
    done: &str,
    work: impl FnOnce(&mut rusqlite::Connection) -> storage::Result<()> + Send + 'static,
) -> Response {
    match state.db.write(work).await {
        Ok(()) => to(&s.href(&format!("/beheer/teams/{id}?done={done}"))),
        Err(e) => match team_conflict_field(&e) {
            // A missing team itself is a 404, not a field's error.
            Some(_) if matches!(&e, StorageError::NotFound { id: missing, .. } if missing == id) => {
                error_page(s.lang, &e)
            }
            Some(field) => {
                let mut form = form;
                form.errors.insert(field, (s.t().storage_error)(&e));
                render_edit(state, s, id, form, None).await
            }
            None => error_page(s.lang, &e),
        },
    }
}

async fn rename(State(state): State<AppState>, Path(id): Path<String>, a: Action) -> Response {
    let s = &a.setup;
    let typed = a.fields.get("name").to_string();
    let form = EditForm {
        name: Some(typed.clone()),
        ..EditForm::default()
    };
    let name = match TeamName::parse(&typed) {
        Ok(n) => n,
        Err(e) => {
            let mut form = form;
            form.errors.insert("name", (s.t().team_name_error)(&e));
            return render_edit(&state, s, &id, form, None).await;
        }
    };
    let (actor, team) = (s.actor(), id.clone());
    change(&state, s, &id, form, "renamed", move |c| {
        let old = storage::team(c, &team)?;
        if old.id != team {
            return Err(StorageError::not_found(Thing::Team, &team));
        }
        let t = storage::rename_team(c, &team, &name)?;
        audit(
            c,
            &actor,
            &Audited::TeamRenamed {
                team: t.id,
                name: t.name,
            },
        )
    })
    .await
}

async fn move_to(State(state): State<AppState>, Path(id): Path<String>, a: Action) -> Response {
    let s = &a.setup;
    let parent = a.fields.get("parent").to_string();
    let form = EditForm {
        parent: Some(parent.clone()),
        ..EditForm::default()
    };
    let (actor, team) = (s.actor(), id.clone());
    change(&state, s, &id, form, "moved", move |c| {
        let parent = (!parent.is_empty()).then_some(parent);
        let t = storage::move_team(c, &team, parent.as_deref())?;
        audit(
            c,
            &actor,
            &Audited::TeamMoved {
                team: t.id,
                parent: t.parent,
            },
        )
    })
    .await
}

async fn resize(State(state): State<AppState>, Path(id): Path<String>, a: Action) -> Response {
    let s = &a.setup;
    let typed = a.fields.get("size").to_string();
    let form = EditForm {
        size: Some(typed.clone()),
        ..EditForm::default()
    };
    let size = match parse_size(s, &typed) {
        Ok(Some(z)) => z,
        Ok(None) => {
            let mut form = form;
            form.errors.insert("size", s.t().size_required.to_string());
            return render_edit(&state, s, &id, form, None).await;
        }
        Err(e) => {
            let mut form = form;
            form.errors.insert("size", e);
            return render_edit(&state, s, &id, form, None).await;
        }
    };
    let (actor, team) = (s.actor(), id.clone());
    change(&state, s, &id, form, "resized", move |c| {
        let t = storage::set_team_size(c, &team, size)?;
        audit(
            c,
            &actor,
            &Audited::TeamSize {
                team: t.id,
                size: size.get(),
            },
        )
    })
    .await
}

async fn confirm_archive(
    State(state): State<AppState>,
    s: Setup,
    Path(id): Path<String>,
) -> Response {
    let tt = s.t();
    confirm_page(&state, &s, &id, tt.archive, tt.archive_note, "archiveren").await
}

async fn archive(State(state): State<AppState>, Path(id): Path<String>, a: Action) -> Response {
    let s = &a.setup;
    let (actor, team) = (s.actor(), id.clone());
    let done = state
        .db
        .write(move |c| {
            let day = today(c)?;
            let t = storage::archive_team(c, &team, day)?;
            audit(c, &actor, &Audited::TeamArchived { team: t.id })
        })
        .await;
    match done {
        Ok(()) => to(&s.href(&format!("/beheer/teams/{id}?done=archived"))),
        Err(e) => s.refused(s.t().archive, &format!("/beheer/teams/{id}"), e),
    }
}

async fn confirm_remove(
    State(state): State<AppState>,
    s: Setup,
    Path(id): Path<String>,
) -> Response {
    let tt = s.t();
    confirm_page(&state, &s, &id, tt.remove, tt.remove_note, "verwijderen").await
}

/// The confirmation step of a destructive action on a team: what it does,
/// the button that posts it to `/beheer/teams/{id}/{action}`, and the way
/// back to the team.
async fn confirm_page(
    state: &AppState,
    s: &Setup,
    id: &str,
    title: &str,
    note: &str,
    action: &str,
) -> Response {
    let (team, _) = match load_team(state, id).await {
        Ok(found) => found,
        Err(e) => return error_page(s.lang, &e),
    };
    let body = html! {
        h1 { (title) ": " (team.name) }
        p { (note) }
        (s.confirm(&format!("/beheer/teams/{}/{action}", team.id), title, &format!("/beheer/teams/{}", team.id)))
    };
    s.page(title, body)
}

async fn remove(State(state): State<AppState>, Path(id): Path<String>, a: Action) -> Response {
    let s = &a.setup;
    let (actor, team) = (s.actor(), id.clone());
    let done = state
        .db
        .write(move |c| {
            // By id only, as the address names it.
            if storage::team(c, &team)?.id != team {
                return Err(StorageError::not_found(Thing::Team, &team));
            }
            let t = storage::remove_team(c, &team)?;
            audit(
                c,
                &actor,
                &Audited::TeamRemoved {
                    team: t.id,
                    name: t.name,
                },
            )
        })
        .await;
    match done {
        Ok(()) => to(&s.href("/beheer/teams?done=removed")),
        Err(e) => s.refused(s.t().remove, &format!("/beheer/teams/{id}"), e),
    }
}
