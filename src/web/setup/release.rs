//! Advisor-first release: the button on the advisor's team page releases a
//! closed round's results to that team's manager (recorded, never undone).

use axum::Router;
use axum::extract::State;
use axum::response::Response;

use super::{Action, AppState, action, audit, error_page, to};
use crate::domain::audit::Action as Audited;
use crate::storage;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/beheer/vrijgeven", action(release))
        .route("/beheer/gesprek-gehouden", action(held))
}

async fn release(State(state): State<AppState>, a: Action) -> Response {
    let s = a.setup;
    let team_id = a.fields.get("team").to_string();
    let Ok(round) = a.fields.get("round").parse::<i64>() else {
        return super::not_found(s.lang);
    };
    let actor = s.actor();
    let team = team_id.clone();
    let done = state
        .db
        .write(move |c| {
            let t = storage::team(c, &team)?;
            let today = super::today(c)?;
            let newly = storage::release(c, round, Some(t.key), &actor, today)?;
            if !newly.is_empty() {
                audit(
                    c,
                    &actor,
                    &Audited::RoundReleasedTo {
                        round,
                        team: t.id.clone(),
                    },
                )?;
            }
            Ok(t.id)
        })
        .await;
    match done {
        Ok(id) => to(&s.href(&format!("/team/{id}"))),
        Err(e @ storage::StorageError::Conflict(_)) => {
            let text = (s.t().storage_error)(&e);
            super::message(axum::http::StatusCode::CONFLICT, s.lang, &text, &[])
        }
        Err(e) => error_page(s.lang, &e),
    }
}

/// Marks the conversation about a team-round as held: the manager's
/// reflection can no longer be changed.
async fn held(State(state): State<AppState>, a: Action) -> Response {
    let s = a.setup;
    let team_id = a.fields.get("team").to_string();
    let Ok(round) = a.fields.get("round").parse::<i64>() else {
        return super::not_found(s.lang);
    };
    let actor = s.actor();
    let done = state
        .db
        .write(move |c| {
            let t = storage::team(c, &team_id)?;
            let r = storage::round(c, round)?;
            if r.closed_on.is_none() {
                return Err(storage::Conflict::RoundStillOpen { round }.into());
            }
            let today = super::today(c)?;
            if storage::mark_held(c, t.key, round, &actor, today)? {
                audit(
                    c,
                    &actor,
                    &Audited::ConversationHeld {
                        round,
                        team: t.id.clone(),
                    },
                )?;
            }
            Ok(t.id)
        })
        .await;
    match done {
        Ok(id) => to(&s.href(&format!("/team/{id}"))),
        Err(e) => error_page(s.lang, &e),
    }
}
