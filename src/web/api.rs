//! The JSON API under `/api/v1/`, authenticated by `Authorization: Bearer
//! <key>` (or the session cookie a personal link was swapped for).
//! Handlers only authenticate and call [`crate::report`]; anything the key
//! may not see is 404, like anything that does not exist.

use axum::Json;
use axum::Router;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;

use super::AppState;
use super::charting::{self, ChartError, Format, TrendQuery};
use super::extract::{Language, Refusal, identify};
use super::limit::UnknownSecret;
use crate::charts::Chart;
use crate::domain::access::Principal;
use crate::domain::lang::Lang;
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
        .route("/api/v1/teams/{id}/trend/chart.svg", get(trend_chart))
        .route("/api/v1/teams/{id}/trend/chart.png", get(trend_chart))
        .route(
            "/api/v1/teams/{id}/rounds/{round}/chart.svg",
            get(round_chart),
        )
        .route(
            "/api/v1/teams/{id}/rounds/{round}/chart.png",
            get(round_chart),
        )
        .route(
            "/api/v1/teams/{id}/rounds/{round}/mirror/chart.svg",
            get(mirror_chart),
        )
        .route(
            "/api/v1/teams/{id}/rounds/{round}/mirror/chart.png",
            get(mirror_chart),
        )
        .route("/api/v1/overview/chart.svg", get(overview_chart))
        .route("/api/v1/overview/chart.png", get(overview_chart))
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

// ---- charts ----

/// The query of a chart route (`?lang=` is read by [`Language`]).
#[derive(serde::Deserialize, Default)]
struct ChartQuery {
    survey: Option<String>,
    dimension: Option<String>,
    width: Option<u32>,
    height: Option<u32>,
}

impl From<ChartError> for ApiError {
    fn from(e: ChartError) -> ApiError {
        match e {
            ChartError::Storage(e) => ApiError::from(e),
            // Nothing to draw for this key: like anything it may not see.
            ChartError::UnknownSurvey { .. }
            | ChartError::UnknownDimension { .. }
            | ChartError::NoRounds { .. }
            | ChartError::Open { .. }
            | ChartError::Pending { .. }
            | ChartError::NoMirror { .. } => ApiError(StatusCode::NOT_FOUND, "not found"),
        }
    }
}

/// A drawn chart, never cached (what a key may see changes with it). Drawn
/// off the async workers: a PNG takes milliseconds.
async fn chart_response(
    chart: Chart,
    format: Format,
    lang: Lang,
    q: &ChartQuery,
) -> Result<Response, ApiError> {
    let (width, height) = (q.width, q.height);
    let drawn =
        tokio::task::spawn_blocking(move || charting::render(&chart, format, lang, width, height))
            .await
            .map_err(|_| ApiError(StatusCode::INTERNAL_SERVER_ERROR, "internal error"))?;
    let body = drawn.map_err(|e| match e {
        crate::charts::Error::Size(..) => ApiError(
            StatusCode::BAD_REQUEST,
            "width and height must be 300–12000 × 200–12000 pixels (a PNG at most 30 million)",
        ),
        e => {
            tracing::error!(error = %e, "chart failed");
            ApiError(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
        }
    })?;
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type()),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response())
}

/// What every chart route takes beside its path: the format from the
/// address's extension (`chart.svg`, `chart.png`), the language and the
/// query (a query that does not parse is 400).
struct ChartRequest {
    format: Format,
    lang: Lang,
    q: ChartQuery,
}

impl<S: Send + Sync> FromRequestParts<S> for ChartRequest {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let format = Format::of_path(std::path::Path::new(parts.uri.path()))
            .ok_or(ApiError(StatusCode::NOT_FOUND, "not found"))?;
        let lang = Language::of(parts);
        let Query(q) = Query::<ChartQuery>::from_request_parts(parts, state)
            .await
            .map_err(|_| {
                ApiError(
                    StatusCode::BAD_REQUEST,
                    "width and height must be whole numbers of pixels",
                )
            })?;
        Ok(ChartRequest { format, lang, q })
    }
}

/// A round id from the path; one that is not a number does not exist.
fn round_id(round: &str) -> Result<i64, ApiError> {
    round
        .parse()
        .map_err(|_| ApiError(StatusCode::NOT_FOUND, "not found"))
}

async fn trend_chart(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    r: ChartRequest,
) -> Result<Response, ApiError> {
    let tq = TrendQuery {
        survey: r.q.survey.clone(),
        dimension: r.q.dimension.clone(),
    };
    let lang = r.lang;
    let chart = state
        .db
        .read(move |c| Ok(charting::trend(c, p, &id, &tq, lang)))
        .await??;
    chart_response(chart.into(), r.format, lang, &r.q).await
}

async fn round_chart(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path((id, round)): Path<(String, String)>,
    r: ChartRequest,
) -> Result<Response, ApiError> {
    let (round, lang) = (round_id(&round)?, r.lang);
    let chart = state
        .db
        .read(move |c| Ok(charting::round(c, p, &id, round, lang)))
        .await??;
    chart_response(chart.into(), r.format, lang, &r.q).await
}

async fn mirror_chart(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path((id, round)): Path<(String, String)>,
    r: ChartRequest,
) -> Result<Response, ApiError> {
    let (round, lang) = (round_id(&round)?, r.lang);
    let chart = state
        .db
        .read(move |c| Ok(charting::mirror(c, p, &id, round, lang)))
        .await??;
    chart_response(chart.into(), r.format, lang, &r.q).await
}

async fn overview_chart(
    State(state): State<AppState>,
    Auth(p): Auth,
    r: ChartRequest,
) -> Result<Response, ApiError> {
    let chart = state
        .db
        .read(move |c| Ok(charting::overview(c, p)))
        .await??;
    chart_response(chart.into(), r.format, r.lang, &r.q).await
}

async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI)
}
