//! The manager's two minutes of reflection before a released round's
//! results: per item what they expect the team answered (on the same
//! scale), the manager's self-check, and two open prompts; or `skip`.
//! The answers are the manager's own, not anonymous: stored per team and
//! round, seen by that team's manager and by advisors.
//!
//! The form is a POST protected like the set-up pages: the session cookie
//! (SameSite), an `Origin` / `Sec-Fetch-Site` check and the session's form
//! token; anything else is 403 and changes nothing.

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::{Form, FromRequest, FromRequestParts, Path, Request, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};

use super::AppState;
use super::extract::{Language, now, session_cookie};
use super::setup::{TOKEN_FIELD, forbidden, form_token, not_found, same_origin};
use crate::catalog::Catalog;
use crate::domain::access::Principal;
use crate::domain::lang::Lang;
use crate::domain::survey::Survey;
use crate::domain::token;
use crate::report::{self, View};
use crate::storage::{self, Expectation};

/// The manager's self-check survey, shown when the catalogue has it.
pub const SELF_CHECK: &str = "manager-self-check";

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/team/{id}/rounds/{round}/reflectie",
        super::setup::action(save),
    )
}

fn tr(lang: Lang, nl: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Nl => nl,
        Lang::En => en,
    }
}

/// Whether the manager may fill in (or change) the reflection: always
/// while the conversation is not yet held; once it is held, only when they
/// never filled it in (nor skipped it), so that a round released and held in
/// one go (`spiegel round release`) still leads them through the step once.
pub fn may_edit(saved: bool, held: bool) -> bool {
    !saved || !held
}

/// Whether the team page shows the manager the reflection form: when it
/// was never filled in, or when asked to change it and still allowed.
pub fn shows_step(saved: bool, held: bool, asked_to_change: bool) -> bool {
    !saved || (asked_to_change && may_edit(saved, held))
}

/// The form token of the browser session a request carries, if any.
pub struct SessionToken(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for SessionToken {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<SessionToken, Self::Rejection> {
        Ok(SessionToken(
            session_cookie(parts)
                .filter(|s| token::looks_like_secret(s))
                .map(|s| form_token(&s)),
        ))
    }
}

/// The self-check survey of the catalogue.
///
/// Read once per server, on first use, like the other survey files (which
/// are checked when the server starts): parsing every survey file on every
/// team page cost more than the rest of the page.
pub fn self_check(state: &AppState) -> Option<std::sync::Arc<Survey>> {
    state
        .self_check
        .get_or_init(|| {
            Catalog::load(state.surveys.as_deref())
                .ok()
                .or_else(|| Catalog::load(None).ok())
                .and_then(|c| c.get(SELF_CHECK))
        })
        .clone()
}

fn scale_fieldset(
    survey: &Survey,
    item: &str,
    text: &str,
    lang: Lang,
    value: Option<u8>,
) -> Markup {
    let labels = survey.scale.labels.get(lang);
    html! {
        fieldset.item {
            legend { (text) }
            @for v in 1..=survey.scale.points {
                label.choice {
                    input type="radio" name={ "e-" (item) } value=(v) checked[value == Some(v)];
                    span { (v) @if let Some(l) = labels.get(usize::from(v) - 1) { " " (l) } }
                }
            }
        }
    }
}

/// The reflection form for a released round.
pub fn form(
    lang: Lang,
    team_id: &str,
    round: &report::RoundRef,
    survey: &Survey,
    self_check: Option<&Survey>,
    token: &str,
    before: Option<&Expectation>,
) -> Markup {
    let value = |id: &str| before.and_then(|e| e.answers.get(id).copied());
    let (round_id, round_title) = (round.id, round.title.as_str());
    html! {
        h2 { (round_title) ": " (tr(lang, "eerst twee minuten voor jezelf", "first, two minutes for yourself")) }
        p { (tr(lang,
            "Voordat je de uitkomsten ziet: wat verwacht je dat je team heeft geantwoord? Daarna zie je je verwachting naast de antwoorden van het team. Je antwoorden zijn van jou, niet anoniem: je vertrouwenspersoon ziet ze ook.",
            "Before you see the results: what do you expect your team answered? Afterwards you see your expectation beside the team's answers. These answers are your own, not anonymous: your advisor sees them too.")) }
        form.reflection method="post" action={ "/team/" (team_id) "/rounds/" (round_id) "/reflectie?lang=" (lang.code()) } {
            input type="hidden" name=(TOKEN_FIELD) value=(token);
            h3 { (tr(lang, "Wat verwacht je dat je team heeft geantwoord?", "What do you expect your team answered?")) }
            @for item in &survey.items {
                (scale_fieldset(survey, &item.id, item.text.get(lang), lang, value(&item.id)))
            }
            @if let Some(sc) = self_check {
                h3 { (sc.title.get(lang)) }
                p { (sc.intro.get(lang)) }
                @for item in &sc.items {
                    (scale_fieldset(sc, &item.id, item.text.get(lang), lang, value(&item.id)))
                }
            }
            h3 { (tr(lang, "Twee open vragen", "Two open questions")) }
            label for="best" { (tr(lang, "Wanneer was het team deze periode op zijn best, en wat maakte dat mogelijk?", "When was the team at its best this period, and what made that possible?")) }
            textarea id="best" name="best" rows="3" maxlength="2000" { (before.map(|e| e.best.as_str()).unwrap_or("")) }
            label for="learn" { (tr(lang, "Wat zou je van deze ronde willen leren?", "What would you like to learn from this round?")) }
            textarea id="learn" name="learn" rows="3" maxlength="2000" { (before.map(|e| e.learn.as_str()).unwrap_or("")) }
            p {
                button type="submit" name="save" value="1" { (tr(lang, "Opslaan en de uitkomsten zien", "Save and see the results")) }
                " "
                button type="submit" name="skip" value="1" { (tr(lang, "Overslaan", "Skip")) }
            }
        }
    }
}

/// The manager's reflection as the advisor (and the manager) reads it.
pub fn summary(
    lang: Lang,
    e: &Expectation,
    survey: Option<&Survey>,
    self_check: Option<&Survey>,
) -> Markup {
    let text = |id: &str| {
        [survey, self_check]
            .into_iter()
            .flatten()
            .find_map(|s| s.item(id).map(|i| i.text.get(lang).to_string()))
            .unwrap_or_else(|| id.to_string())
    };
    html! {
        section.reflection {
            h2 { (tr(lang, "Reflectie van de manager", "The manager's reflection")) }
            @if e.skipped {
                p { (tr(lang, "De manager heeft deze stap overgeslagen.", "The manager skipped this step.")) }
            } @else {
                ul {
                    @for (id, v) in &e.answers {
                        li { (text(id)) ": " (v) }
                    }
                }
                @if !e.best.is_empty() {
                    p { strong { (tr(lang, "Op zijn best: ", "At its best: ")) } (e.best) }
                }
                @if !e.learn.is_empty() {
                    p { strong { (tr(lang, "Wil leren: ", "Would like to learn: ")) } (e.learn) }
                }
            }
        }
    }
}

/// A change posted by a browser session (an advisor's or a manager's) from
/// this site with the session's form token: the session cookie (SameSite),
/// `Origin` / `Sec-Fetch-Site` naming this site, and the token. Anything
/// else is 403 before the handler runs.
pub struct SessionAction {
    pub lang: Lang,
    pub key: storage::SessionKey,
    /// The session's form token (to render a form again).
    pub token: String,
    pub fields: Vec<(String, String)>,
}

impl SessionAction {
    /// The first value of a field, trimmed; empty when absent.
    pub fn get(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.trim())
            .unwrap_or("")
    }
}

impl FromRequest<AppState> for SessionAction {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<SessionAction, Response> {
        let (parts, body) = req.into_parts();
        let lang = Language::of(&parts);
        let Some(session) = session_cookie(&parts).filter(|s| token::looks_like_secret(s)) else {
            return Err(forbidden(lang));
        };
        if !same_origin(&parts.headers, &state.base_url) {
            return Err(forbidden(lang));
        }
        let hash = token::hash_secret(&session);
        let key = state
            .db
            .read(move |c| storage::session_key(c, &hash, now()))
            .await
            .ok()
            .flatten();
        let Some(key) = key else {
            return Err(forbidden(lang));
        };
        let req = Request::from_parts(parts, body);
        let Ok(Form(fields)) = Form::<Vec<(String, String)>>::from_request(req, state).await else {
            return Err(forbidden(lang));
        };
        let given = fields
            .iter()
            .find(|(n, _)| n == TOKEN_FIELD)
            .map(|(_, v)| v.as_str())
            .unwrap_or("");
        let token = form_token(&session);
        let ok = blake3::Hash::from_hex(given)
            .ok()
            .zip(blake3::Hash::from_hex(&token).ok())
            .is_some_and(|(a, b)| a == b);
        if !ok {
            return Err(forbidden(lang));
        }
        Ok(SessionAction {
            lang,
            key,
            token,
            fields,
        })
    }
}

/// A change posted by a manager's browser session (see [`SessionAction`]).
pub struct ManagerAction {
    pub lang: Lang,
    pub team: i64,
    pub fields: Vec<(String, String)>,
}

impl FromRequest<AppState> for ManagerAction {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<ManagerAction, Response> {
        let a = SessionAction::from_request(req, state).await?;
        let Principal::Manager { team } = a.key.principal else {
            // Advisors read the reflection; only the manager writes it.
            return Err(not_found(a.lang));
        };
        Ok(ManagerAction {
            lang: a.lang,
            team,
            fields: a.fields,
        })
    }
}

/// The expected scores posted as `e-{item}`, kept when on the item's scale.
fn posted_answers(
    posted: &[(String, String)],
    scales: [Option<&Survey>; 2],
) -> BTreeMap<String, u8> {
    let mut answers = BTreeMap::new();
    for s in scales.into_iter().flatten() {
        for item in &s.items {
            let name = format!("e-{}", item.id);
            let v = posted
                .iter()
                .find(|(n, _)| *n == name)
                .and_then(|(_, v)| v.trim().parse::<u8>().ok())
                .filter(|v| (1..=s.scale.points).contains(v));
            if let Some(v) = v {
                answers.insert(item.id.clone(), v);
            }
        }
    }
    answers
}

async fn save(
    State(state): State<AppState>,
    Path((id, round)): Path<(String, i64)>,
    a: ManagerAction,
) -> Response {
    let lang = a.lang;
    let sc = self_check(&state);
    let field = |name: &str| {
        a.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.trim().to_string())
    };
    let skipped = field("skip").is_some();
    let best: String = field("best")
        .unwrap_or_default()
        .chars()
        .take(2000)
        .collect();
    let learn: String = field("learn")
        .unwrap_or_default()
        .chars()
        .take(2000)
        .collect();
    let posted: Vec<(String, String)> = a.fields.clone();
    let team = a.team;
    let id_back = id.clone();
    let p = Principal::Manager { team };
    let saved = state
        .db
        .write(move |c| {
            let t = storage::team(c, &id)?;
            if t.key != team {
                return Err(storage::StorageError::not_found(storage::Thing::Team, &id));
            }
            // Only a round released to this manager.
            let r = report::team_round(c, p, &t.id, round)?;
            if !matches!(r.view, View::Released { .. } | View::Suppressed) {
                return Err(storage::StorageError::not_found(storage::Thing::Result, ""));
            }
            let saved = storage::expectation(c, t.key, round)?.is_some();
            let held = storage::held(c, t.key, round)?.is_some();
            if !may_edit(saved, held) {
                // The conversation was held: the reflection stays as it was.
                return Err(storage::Conflict::RoundClosed { round }.into());
            }
            let survey = super::charting::round_survey(c, round)?;
            let answers = if skipped {
                BTreeMap::new()
            } else {
                posted_answers(&posted, [Some(survey.as_ref()), sc.as_deref()])
            };
            let e = Expectation {
                skipped,
                answers,
                best: if skipped { String::new() } else { best },
                learn: if skipped { String::new() } else { learn },
                saved_on: String::new(),
            };
            let today = storage::today(c, jiff::Timestamp::now())?;
            storage::save_expectation(c, t.key, round, &e, today)?;
            Ok(t.id)
        })
        .await;
    match saved {
        Ok(id) => Redirect::to(&format!("/team/{id}?lang={}", lang.code())).into_response(),
        Err(storage::StorageError::Conflict(_)) => (
            axum::http::StatusCode::CONFLICT,
            super::pages::message(
                lang,
                &super::STYLE_HREF,
                tr(lang, "Je reflectie staat vast", "Your reflection is final"),
                &[tr(
                    lang,
                    "Het gesprek over deze ronde is gehouden: je reflectie blijft zoals ze was. Er is niets gewijzigd.",
                    "The conversation about this round was held: your reflection stays as it was. Nothing was changed.",
                )],
                Some(&format!("/team/{id_back}?lang={}", lang.code())),
            ),
        )
            .into_response(),
        Err(_) => not_found(lang),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn held_ends_editing_but_not_the_first_filling_in() {
        // Not held: fill in, and change at will.
        assert!(may_edit(false, false) && may_edit(true, false));
        assert!(shows_step(false, false, false));
        assert!(!shows_step(true, false, false) && shows_step(true, false, true));
        // Held: the step once when never filled in; no change afterwards.
        assert!(may_edit(false, true) && shows_step(false, true, false));
        assert!(!may_edit(true, true) && !shows_step(true, true, true));
    }
}
