//! The JSON API under `/api/v1/`, authenticated by `Authorization: Bearer
//! <key>` (or the session cookie a personal link was swapped for).
//! Handlers only authenticate and call [`crate::report`]; anything the key
//! may not see is 404, like anything that does not exist.

use axum::Json;
use axum::Router;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;

use super::AppState;
use super::extract::{Refusal, identify};
use super::limit::UnknownSecret;
use crate::domain::access::Principal;
use crate::report;
use crate::storage::StorageError;

/// The API description, kept in the repository and checked against real
/// responses by the integration tests.
pub const OPENAPI: &str = include_str!("../../docs/openapi.json");

/// The routes that need a key (the failure limiter guards them).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/teams", get(teams))
        .route("/api/v1/teams/{id}/rounds/{round}", get(team_round))
        .route("/api/v1/teams/{id}/trend", get(trend))
        .route("/api/v1/overview", get(overview))
        .route("/api/v1/rounds", get(rounds))
}

/// The routes open to anyone.
pub fn public_routes() -> Router<AppState> {
    Router::new().route("/api/v1/openapi.json", get(openapi))
}

/// JSON text made by [`report`] (a trend, the overview), sent as it is.
pub struct RawJson(String);

impl IntoResponse for RawJson {
    fn into_response(self) -> Response {
        ([(header::CONTENT_TYPE, "application/json")], self.0).into_response()
    }
}

/// An API error: JSON `{"error": …}` with its status.
pub struct ApiError(StatusCode, &'static str);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut res = (self.0, Json(json!({ "error": self.1 }))).into_response();
        if self.0 == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        res
    }
}

impl From<StorageError> for ApiError {
    fn from(e: StorageError) -> ApiError {
        // The statuses are decided in one place (`From<&StorageError> for
        // StatusCode`); the API tells only "not found" from the rest.
        match StatusCode::from(&e) {
            StatusCode::NOT_FOUND => ApiError(StatusCode::NOT_FOUND, "not found"),
            _ => {
                tracing::error!(error = %e, "api request failed");
                ApiError(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
            }
        }
    }
}

/// 404 for a path under `/api/` that does not exist.
pub fn not_found() -> Response {
    ApiError(StatusCode::NOT_FOUND, "not found").into_response()
}

/// Who is asking: the principal behind the Bearer key (or the session
/// cookie of a personal link). A missing key is 401 and no guess; an
/// unknown or revoked one is 401 and counted by the failure limiter.
pub struct Auth(pub Principal);

impl FromRequestParts<AppState> for Auth {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Auth, Response> {
        match identify(parts, state).await {
            Ok(p) => Ok(Auth(p)),
            Err(Refusal::Missing) => Err(ApiError(
                StatusCode::UNAUTHORIZED,
                "send a key: Authorization: Bearer <key>",
            )
            .into_response()),
            Err(Refusal::Unknown) => {
                let mut res =
                    ApiError(StatusCode::UNAUTHORIZED, "unknown or revoked key").into_response();
                res.extensions_mut().insert(UnknownSecret);
                Err(res)
            }
            Err(Refusal::Failed(e)) => Err(ApiError::from(e).into_response()),
        }
    }
}

async fn teams(
    State(state): State<AppState>,
    Auth(p): Auth,
) -> Result<Json<Vec<report::TeamEntry>>, ApiError> {
    Ok(Json(state.db.read(move |c| report::teams(c, p)).await?))
}

async fn rounds(
    State(state): State<AppState>,
    Auth(p): Auth,
) -> Result<Json<Vec<report::RoundInfo>>, ApiError> {
    Ok(Json(state.db.read(move |c| report::rounds(c, p)).await?))
}

async fn team_round(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path((id, round)): Path<(String, String)>,
) -> Result<Json<report::TeamRound>, ApiError> {
    let round: i64 = round
        .parse()
        .map_err(|_| ApiError(StatusCode::NOT_FOUND, "not found"))?;
    Ok(Json(
        state
            .db
            .read(move |c| report::team_round(c, p, &id, round))
            .await?,
    ))
}

async fn trend(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<RawJson, ApiError> {
    Ok(RawJson(
        state
            .db
            .read(move |c| report::trend_json(c, p, &id))
            .await?,
    ))
}

async fn overview(State(state): State<AppState>, Auth(p): Auth) -> Result<RawJson, ApiError> {
    Ok(RawJson(
        state.db.read(move |c| report::overview_json(c, p)).await?,
    ))
}

async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI)
}
