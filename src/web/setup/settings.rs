//! Settings (k for future rounds, release mode, comments to managers,
//! retention), the surveys with
//! their items in both languages and the check of the organisation's own
//! files, and the audit log.

use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use maud::html;

use super::teams::DoneQuery;
use super::texts::Done;
use super::{
    Action, AppState, Errors, Setup, audit, described, error_page, field_error, page_and_action, to,
};
use crate::catalog;
use crate::domain::audit::Action as Audited;
use crate::domain::org::K;
use crate::storage;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/beheer/instellingen", page_and_action(page, save))
        .route("/beheer/vragenlijsten", get(surveys))
        .route("/beheer/logboek", get(log))
}

#[derive(Default)]
struct SettingsForm {
    k: Option<String>,
    comments: Option<bool>,
    retain: Option<String>,
    release: Option<String>,
    errors: Errors,
}

/// The release mode as the form (and `spiegel settings --release`) names it.
fn parse_release(word: &str) -> Option<storage::ReleaseMode> {
    [
        storage::ReleaseMode::AfterAdvisor,
        storage::ReleaseMode::AtClose,
    ]
    .into_iter()
    .find(|m| m.word() == word)
}

async fn page(State(state): State<AppState>, s: Setup, Query(q): Query<DoneQuery>) -> Response {
    render(&state, &s, SettingsForm::default(), q.done.as_deref()).await
}

async fn render(state: &AppState, s: &Setup, form: SettingsForm, done: Option<&str>) -> Response {
    let loaded = state
        .db
        .read(|c| {
            Ok((
                storage::org(c)?,
                storage::comments_to_managers(c)?,
                storage::retain_months(c)?,
                storage::release_mode(c)?,
            ))
        })
        .await;
    let (org, comments, retain, release) = match loaded {
        Ok(v) => v,
        Err(e) => return error_page(s.lang, &e),
    };
    let tt = s.t();
    let valid = form.errors.is_empty();
    let k = form.k.clone().unwrap_or_else(|| org.k.to_string());
    let comments = form.comments.unwrap_or(comments);
    let (k_by, k_invalid) = described("k", form.errors.get("k"));
    let retain = form.retain.clone().unwrap_or_else(|| retain.to_string());
    let (r_by, r_invalid) = described("retain", form.errors.get("retain"));
    let release = form
        .release
        .clone()
        .unwrap_or_else(|| release.word().to_string());
    let release_error = form.errors.get("release");
    let (m_by, m_invalid) = described("release", release_error);
    let body = html! {
        h1 { (tt.settings_title) }
        (Done::banner(done, s.lang))
        p { (tt.organisation) ": " (org.name) " · " (tt.time_zone) ": " (org.zone) }
        p { a href=(s.href("/beheer/training")) { (tt.training_link) } }
        form method="post" action=(s.href("/beheer/instellingen")) {
            (s.token_field())
            div.field {
                label for="k" { (tt.k_field) }
                input #k type="number" name="k" min=(crate::domain::org::MIN_K) max=(crate::domain::org::MAX_K) inputmode="numeric" required value=(k) aria-describedby={ "k-hint" @if let Some(b) = k_by { " " (b) } } aria-invalid=[k_invalid];
                p.hint #k-hint { (tt.k_hint) }
                (field_error("k", form.errors.get("k")))
            }
            div.field {
                label.check { input type="checkbox" name="comments" value="1" checked[comments]; span { (tt.comments_to_managers) } }
                p.hint { (tt.comments_hint) }
            }
            div.field {
                fieldset aria-describedby={ "release-hint" @if let Some(b) = m_by { " " (b) } } aria-invalid=[m_invalid] {
                    legend { (tt.release_field) }
                    @for (mode, text) in [(storage::ReleaseMode::AfterAdvisor, tt.release_after_advisor), (storage::ReleaseMode::AtClose, tt.release_at_close)] {
                        label.check { input type="radio" name="release" value=(mode.word()) checked[release == mode.word()]; span { (text) } }
                    }
                }
                p.hint #release-hint { (tt.release_hint) }
                (field_error("release", release_error))
            }
            div.field {
                label for="retain" { (tt.retain_field) }
                input #retain type="number" name="retain" min="0" max=(storage::MAX_RETAIN_MONTHS) inputmode="numeric" required value=(retain) aria-describedby={ "retain-hint" @if let Some(b) = r_by { " " (b) } } aria-invalid=[r_invalid];
                p.hint #retain-hint { (tt.retain_hint) }
                (field_error("retain", form.errors.get("retain")))
            }
            button type="submit" { (tt.save) }
        }
    };
    s.form_page(valid, tt.settings_title, body)
}

async fn save(State(state): State<AppState>, a: Action) -> Response {
    let s = &a.setup;
    let tt = s.t();
    let mut form = SettingsForm {
        k: Some(a.fields.get("k").to_string()),
        comments: Some(a.fields.get("comments") == "1"),
        retain: Some(a.fields.get("retain").to_string()).filter(|v| !v.is_empty()),
        release: Some(a.fields.get("release").to_string()).filter(|v| !v.is_empty()),
        errors: Errors::new(),
    };
    // Absent (an older form): unchanged; anything else than the two words
    // is refused beside the field.
    let release = match a.fields.get("release") {
        "" => None,
        word => match parse_release(word) {
            Some(m) => Some(m),
            None => {
                form.errors.insert("release", tt.release_error.to_string());
                return render(&state, s, form, None).await;
            }
        },
    };
    // Absent (an older form): unchanged.
    let retain = match a.fields.get("retain").trim() {
        "" => None,
        v => match v.parse::<u32>() {
            Ok(n) if n <= storage::MAX_RETAIN_MONTHS => Some(n),
            _ => {
                form.errors.insert("retain", tt.retain_error.to_string());
                return render(&state, s, form, None).await;
            }
        },
    };
    let k = match a.fields.get("k").parse::<u32>() {
        Ok(n) => K::parse(n).map_err(|e| (tt.k_error)(&e)),
        Err(_) => Err(tt.not_a_number.to_string()),
    };
    let k = match k {
        Ok(k) => k,
        Err(e) => {
            form.errors.insert("k", e);
            return render(&state, s, form, None).await;
        }
    };
    let comments = form.comments.unwrap_or(false);
    let actor = s.actor();
    let saved = state
        .db
        .write(move |c| {
            let org = storage::org(c)?;
            if org.k != k.get() {
                storage::set_k(c, k)?;
                audit(c, &actor, &Audited::KSet { k: k.get() })?;
            }
            if storage::comments_to_managers(c)? != comments {
                storage::set_comments_to_managers(c, comments)?;
                audit(c, &actor, &Audited::CommentsToManagers { on: comments })?;
            }
            if let Some(n) = retain
                && storage::retain_months(c)? != n
            {
                storage::set_retain_months(c, n)?;
                audit(c, &actor, &Audited::RetentionSet { months: n })?;
            }
            if let Some(mode) = release
                && storage::release_mode(c)? != mode
            {
                let day = super::today(c)?;
                storage::set_release_mode(c, mode, &actor, day)?;
                let what = Audited::ReleaseModeSet {
                    mode: mode.word().to_string(),
                };
                audit(c, &actor, &what)?;
            }
            Ok(())
        })
        .await;
    match saved {
        Ok(()) => to(&s.href("/beheer/instellingen?done=saved")),
        Err(e) => error_page(s.lang, &e),
    }
}

async fn surveys(State(state): State<AppState>, s: Setup) -> Response {
    let (catalog, load_errors) = super::rounds::catalog(&state);
    let list = super::rounds::surveys(&catalog);
    // `spiegel check` for the organisation's own folder.
    let own = state.surveys.as_deref().map(|dir| {
        let (ok, mut errors) = match catalog::read_surveys_dir(dir) {
            Ok(_) => catalog::check_paths(&[dir.to_path_buf()]),
            Err(e) => (Vec::new(), vec![e]),
        };
        errors.dedup();
        (
            dir.display().to_string(),
            ok,
            errors.iter().map(ToString::to_string).collect::<Vec<_>>(),
        )
    });
    let tt = s.t();
    let body = html! {
        h1 { (tt.surveys_title) }
        h2 { (tt.own_surveys) }
        @match &own {
            None => p { (tt.no_own_surveys) },
            Some((dir, ok, errors)) => {
                p { (tt.own_folder) ": " code { (dir) } }
                @if ok.is_empty() && errors.is_empty() { p { (tt.no_files) } }
                ul {
                    @for line in ok { li { (line) } }
                    @for line in errors { li.error { (line) } }
                }
            }
        }
        @if own.is_none() && !load_errors.is_empty() {
            ul { @for e in &load_errors { li.error { (e) } } }
        }
        section aria-labelledby="conversation-files" {
            h2 #conversation-files { (tt.conversation_files) }
            p { (tt.conversation_files_note) }
            h3 { (tt.cases_heading) }
            ul { @for c in &state.casebook.cases { li { (c.title.get(s.lang)) } } }
            h3 { (tt.hesitations_heading) }
            ul { @for h in &state.casebook.guide.hesitations { li { "“" (h.says.get(s.lang)) "”" } } }
        }
        @for sv in &list {
            section aria-labelledby={ "survey-" (sv.id) } {
                h2 #{ "survey-" (sv.id) } { (sv.title.nl) " / " span lang="en" { (sv.title.en) } }
                p { "id " code { (sv.id) } ", " (tt.version) " " (sv.version) ", " (sv.items.len()) " " (tt.items) }
                div.scroll {
                    table.data {
                        thead { tr {
                            th scope="col" { "#" }
                            th scope="col" { "Nederlands" }
                            th scope="col" lang="en" { "English" }
                            th scope="col" { (tt.reversed_col) }
                        } }
                        tbody {
                            @for (n, i) in sv.items.iter().enumerate() {
                                tr {
                                    th scope="row" { (n + 1) }
                                    td lang="nl" { (i.text.nl) }
                                    td lang="en" { (i.text.en) }
                                    td { @if i.reverse { (tt.yes) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    s.page(tt.surveys_title, body)
}

async fn log(State(state): State<AppState>, s: Setup) -> Response {
    let entries = match state.db.read(storage::audit_log).await {
        Ok(v) => v,
        Err(e) => return error_page(s.lang, &e),
    };
    let tt = s.t();
    let body = html! {
        h1 { (tt.audit_title) }
        p { (tt.audit_intro) }
        @if entries.is_empty() {
            p { (tt.audit_empty) }
        } @else {
            div.scroll {
                table.data {
                    thead { tr {
                        th scope="col" { (tt.day) }
                        th scope="col" { (tt.who) }
                        th scope="col" { (tt.what) }
                    } }
                    tbody {
                        @for e in &entries {
                            @let (line, in_lang) = e.text(s.lang);
                            tr {
                                td { (e.day) }
                                td { (crate::web::texts::actor(&e.actor, s.lang)) }
                                td lang=[(in_lang != s.lang).then(|| in_lang.code())] { (line) }
                            }
                        }
                    }
                }
            }
        }
    };
    s.page(tt.audit_title, body)
}
