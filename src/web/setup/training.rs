//! Learning offers: the organisation's offers of where a manager can learn
//! (a short training, an online module, intervisie with other managers, a
//! talk with the advisor), listed, added and removed (after confirmation).
//! The same rules as `spiegel training`; shown on the manager's team page
//! and the sheet, matched to the focus dimension where given.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use maud::{Markup, html};

use super::teams::DoneQuery;
use super::texts::Done;
use super::{
    Action, AppState, Errors, Setup, audit, described, error_page, field_error, page_and_action, to,
};
use crate::domain::audit::Action as Audited;
use crate::domain::focus::{self, OfferError};
use crate::domain::survey::Survey;
use crate::storage::{self, Offer, OfferKind};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/beheer/training", page_and_action(list, add))
        .route(
            "/beheer/training/{id}/verwijderen",
            page_and_action(confirm_remove, remove),
        )
}

#[derive(Default)]
struct OfferForm {
    title: String,
    kind: String,
    url: String,
    dimension: String,
    errors: Errors,
}

/// The field an error belongs beside.
fn field_of(e: &OfferError) -> &'static str {
    match e {
        OfferError::EmptyTitle | OfferError::TitleTooLong { .. } => "title",
        OfferError::UnknownKind { .. } => "kind",
        OfferError::BadUrl { .. } => "url",
        OfferError::UnknownDimension { .. } => "dimension",
    }
}

async fn list(State(state): State<AppState>, s: Setup, Query(q): Query<DoneQuery>) -> Response {
    render(&state, &s, OfferForm::default(), q.done.as_deref()).await
}

async fn render(state: &AppState, s: &Setup, form: OfferForm, done: Option<&str>) -> Response {
    let offers = match state.db.read(storage::offers).await {
        Ok(v) => v,
        Err(e) => return error_page(s.lang, &e),
    };
    let (catalog, _) = super::rounds::catalog(state);
    let surveys = super::rounds::surveys(&catalog);
    let tt = s.t();
    let valid = form.errors.is_empty();
    let body = html! {
        h1 { (tt.training_title) }
        (Done::banner(done, s.lang))
        p { (tt.training_intro) }
        (offers_table(s, &offers, &surveys))
        (offer_form(s, &form, &surveys))
    };
    s.form_page(valid, tt.training_title, body)
}

/// A dimension's name (with its survey's title), or its id when unknown.
fn dimension_name(surveys: &[std::sync::Arc<Survey>], id: &str, s: &Setup) -> String {
    surveys
        .iter()
        .find_map(|sv| {
            sv.dimension(id)
                .map(|d| format!("{} ({})", d.name.get(s.lang), sv.title.get(s.lang)))
        })
        .unwrap_or_else(|| id.to_string())
}

fn offers_table(s: &Setup, offers: &[Offer], surveys: &[std::sync::Arc<Survey>]) -> Markup {
    let tt = s.t();
    html! {
        @if offers.is_empty() {
            p { (tt.no_offers) }
        } @else {
            div.scroll {
                table.data {
                    thead { tr {
                        th scope="col" { (tt.offer_title) }
                        th scope="col" { (tt.offer_kind) }
                        th scope="col" { (tt.offer_dimension) }
                        th scope="col" { (tt.offer_url) }
                        th scope="col" {}
                    } }
                    tbody {
                        @for o in offers {
                            tr {
                                th scope="row" { (o.title) }
                                td { (crate::web::focus::kind_text(o.kind, s.lang)) }
                                td { @match &o.dimension { Some(d) => (dimension_name(surveys, d, s)), None => (tt.offer_general) } }
                                td.url { @if let Some(u) = &o.url { a href=(u) rel="noopener noreferrer" { (u) } } }
                                td { a href=(s.href(&format!("/beheer/training/{}/verwijderen", o.id))) { (tt.offer_remove) "…" } }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn offer_form(s: &Setup, form: &OfferForm, surveys: &[std::sync::Arc<Survey>]) -> Markup {
    let tt = s.t();
    let (t_by, t_invalid) = described("title", form.errors.get("title"));
    let (k_by, k_invalid) = described("kind", form.errors.get("kind"));
    let (u_by, u_invalid) = described("url", form.errors.get("url"));
    let (d_by, d_invalid) = described("dimension", form.errors.get("dimension"));
    let kind = if form.kind.is_empty() {
        OfferKind::Training.word()
    } else {
        form.kind.as_str()
    };
    html! {
        h2 { (tt.offer_add) }
        form method="post" action=(s.href("/beheer/training")) {
            (s.token_field())
            div.field {
                label for="title" { (tt.offer_title) }
                input #title type="text" name="title" required maxlength=(focus::TITLE_MAX) value=(form.title) aria-describedby=[t_by] aria-invalid=[t_invalid];
                (field_error("title", form.errors.get("title")))
            }
            div.field {
                label for="kind" { (tt.offer_kind) }
                select #kind name="kind" aria-describedby=[k_by] aria-invalid=[k_invalid] {
                    @for k in OfferKind::ALL {
                        option value=(k.word()) selected[k.word() == kind] { (crate::web::focus::kind_text(k, s.lang)) }
                    }
                }
                (field_error("kind", form.errors.get("kind")))
            }
            div.field {
                label for="url" { (tt.offer_url) " (" (tt.optional) ")" }
                input #url type="url" name="url" value=(form.url) aria-describedby={ "url-hint" @if let Some(b) = u_by { " " (b) } } aria-invalid=[u_invalid];
                p.hint #url-hint { (tt.offer_url_hint) }
                (field_error("url", form.errors.get("url")))
            }
            div.field {
                label for="dimension" { (tt.offer_dimension) " (" (tt.optional) ")" }
                select #dimension name="dimension" aria-describedby={ "dimension-hint" @if let Some(b) = d_by { " " (b) } } aria-invalid=[d_invalid] {
                    option value="" { (tt.offer_general) }
                    @for sv in surveys {
                        optgroup label=(sv.title.get(s.lang)) {
                            @for d in &sv.dimensions {
                                option value=(d.id) selected[d.id == form.dimension] { (d.name.get(s.lang)) }
                            }
                        }
                    }
                }
                p.hint #dimension-hint { (tt.offer_dimension_hint) }
                (field_error("dimension", form.errors.get("dimension")))
            }
            button type="submit" { (tt.offer_add) }
        }
    }
}

async fn add(State(state): State<AppState>, a: Action) -> Response {
    let s = &a.setup;
    let tt = s.t();
    let mut form = OfferForm {
        title: a.fields.get("title").to_string(),
        kind: a.fields.get("kind").to_string(),
        url: a.fields.get("url").to_string(),
        dimension: a.fields.get("dimension").to_string(),
        errors: Errors::new(),
    };
    let (catalog, _) = super::rounds::catalog(&state);
    let surveys = super::rounds::surveys(&catalog);
    let refs: Vec<&Survey> = surveys.iter().map(AsRef::as_ref).collect();
    let kind = OfferKind::parse(if form.kind.is_empty() {
        "training"
    } else {
        &form.kind
    });
    let checked = focus::check_offer(&form.title, &form.url, &form.dimension, &refs).map(|c| {
        (
            c.title.to_string(),
            c.url.map(str::to_string),
            c.dimension.map(str::to_string),
        )
    });
    let mut errors = checked.as_ref().err().cloned().unwrap_or_default();
    if kind.is_none() {
        errors.push(OfferError::UnknownKind {
            kind: form.kind.clone(),
        });
    }
    let (Some(kind), Ok(checked)) = (kind, checked) else {
        for e in &errors {
            form.errors
                .entry(field_of(e))
                .or_insert_with(|| (tt.offer_error)(e));
        }
        return render(&state, s, form, None).await;
    };
    let actor = s.actor();
    let done = state
        .db
        .write(move |c| {
            let (title, url, dimension) = &checked;
            let id = storage::add_offer(c, title, kind, url.as_deref(), dimension.as_deref())?;
            audit(
                c,
                &actor,
                &Audited::OfferAdded {
                    offer: id,
                    title: title.clone(),
                    kind: kind.word().to_string(),
                },
            )
        })
        .await;
    match done {
        Ok(()) => to(&s.href("/beheer/training?done=offer-added")),
        Err(e) => error_page(s.lang, &e),
    }
}

async fn confirm_remove(State(state): State<AppState>, s: Setup, Path(id): Path<i64>) -> Response {
    let offer = match state.db.read(storage::offers).await {
        Ok(all) => all.into_iter().find(|o| o.id == id),
        Err(e) => return error_page(s.lang, &e),
    };
    let Some(o) = offer else {
        return super::not_found(s.lang);
    };
    let tt = s.t();
    let body = html! {
        h1 { (tt.offer_remove) ": " (o.title) }
        p { (tt.offer_remove_note) }
        (s.confirm(&format!("/beheer/training/{id}/verwijderen"), tt.offer_remove, "/beheer/training"))
    };
    s.page(tt.offer_remove, body)
}

async fn remove(State(state): State<AppState>, Path(id): Path<i64>, a: Action) -> Response {
    let s = &a.setup;
    let actor = s.actor();
    let done = state
        .db
        .write(move |c| {
            let Some(o) = storage::offers(c)?.into_iter().find(|o| o.id == id) else {
                return Ok(false);
            };
            storage::remove_offer(c, id)?;
            audit(
                c,
                &actor,
                &Audited::OfferRemoved {
                    offer: id,
                    title: o.title,
                },
            )?;
            Ok(true)
        })
        .await;
    match done {
        Ok(true) => to(&s.href("/beheer/training?done=offer-removed")),
        Ok(false) => super::not_found(s.lang),
        Err(e) => error_page(s.lang, &e),
    }
}
