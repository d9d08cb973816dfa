//! Results: what a closed round shows per group, computed once at close and
//! read back for the pages, the API and the CLI.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params};

use super::{Result, Round, StorageError, round_survey_source, teams};
use crate::domain::answers::Answers;
use crate::domain::release::GroupId;
use crate::domain::results::{Outcome, Response, RoundInput, TeamInfo, compute_round};
use crate::domain::stats::ItemDef;
use crate::domain::token;

/// Team id of the organisation's row in `results`.
pub const ORGANISATION: i64 = 0;

/// Everything [`compute_round`] needs for one round, loaded once.
pub struct RoundData {
    k: u32,
    points: u8,
    items: Vec<ItemDef>,
    dimensions: Vec<String>,
    teams: Vec<TeamInfo>,
    responses: Vec<Response>,
    previous: HashMap<GroupId, Outcome>,
}

impl RoundData {
    /// The computation's input; `seed` shuffles the comments.
    pub fn input(&self, seed: u64) -> RoundInput<'_> {
        RoundInput {
            k: self.k,
            points: self.points,
            items: &self.items,
            dimensions: &self.dimensions,
            teams: &self.teams,
            responses: &self.responses,
            previous: &self.previous,
            seed,
        }
    }

    pub fn responses(&self) -> usize {
        self.responses.len()
    }
}

/// Loads a round's pinned survey, its teams, its responses and each group's
/// previous outcome of the same survey.
pub fn round_data(conn: &Connection, r: &Round) -> Result<RoundData> {
    let source = round_survey_source(conn, r.id)?;
    let survey =
        crate::domain::survey::parse(&format!("round {}", r.id), &source, None).map_err(|e| {
            StorageError::Corrupt(format!(
                "the survey stored with round {} no longer parses: {e}",
                r.id
            ))
        })?;
    let items: Vec<ItemDef> = survey
        .items
        .iter()
        .map(|i| ItemDef {
            id: i.id.clone(),
            dimension: i.dimension.clone(),
            reverse: i.reverse,
        })
        .collect();
    let dimensions: Vec<String> = survey.dimensions.iter().map(|d| d.id.clone()).collect();
    let participating: std::collections::HashSet<i64> = {
        let mut stmt =
            conn.prepare_cached("SELECT team_id FROM round_teams WHERE round_id = ?1")?;
        stmt.query_map([r.id], |row| row.get(0))?
            .collect::<Result<_, _>>()?
    };
    let teams: Vec<TeamInfo> = teams(conn)?
        .into_iter()
        .map(|t| TeamInfo {
            key: t.key,
            parent: t.parent_key,
            expected_size: t.expected_size,
            participates: participating.contains(&t.key),
        })
        .collect();
    let responses: Vec<Response> = {
        let mut stmt = conn.prepare_cached(
            "SELECT team_id, answers, comment FROM responses WHERE round_id = ?1",
        )?;
        stmt.query_map([r.id], |row| {
            let answers: Vec<u8> = row.get(1)?;
            Ok(Response {
                team: row.get(0)?,
                values: Answers::decode(&answers),
                comment: row.get(2)?,
            })
        })?
        .collect::<Result<_, _>>()?
    };
    Ok(RoundData {
        k: r.k,
        points: survey.scale.points,
        items,
        dimensions,
        teams,
        responses,
        previous: previous_outcomes(conn, &r.survey, r.id)?,
    })
}

pub(super) fn store_results(conn: &Connection, r: &Round) -> Result<()> {
    let data = round_data(conn, r)?;
    let seed = u64::from_le_bytes(token::random_bytes::<8>()?);
    let results = compute_round(&data.input(seed))
        .map_err(|e| StorageError::Corrupt(format!("team tree: {e}")))?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO results (round_id, team_id, status, respondents, score, body, comments)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for g in results {
        let team_id = match g.group {
            GroupId::Organisation => ORGANISATION,
            GroupId::Team(t) => t,
        };
        let (status, respondents, score) = match &g.outcome {
            Outcome::Released(rel) => ("released", Some(rel.respondents), Some(rel.score)),
            Outcome::Suppressed { .. } => ("suppressed", None, None),
        };
        let body =
            serde_json::to_string(&g.outcome).map_err(|e| StorageError::Corrupt(e.to_string()))?;
        let comments =
            serde_json::to_string(&g.comments).map_err(|e| StorageError::Corrupt(e.to_string()))?;
        insert.execute(params![
            r.id,
            team_id,
            status,
            respondents,
            score,
            body,
            comments
        ])?;
    }
    Ok(())
}

/// Each group's outcome in its latest earlier closed round of the same survey.
fn previous_outcomes(
    conn: &Connection,
    survey: &str,
    before: i64,
) -> Result<HashMap<GroupId, Outcome>> {
    let mut stmt = conn.prepare_cached(
        "SELECT team_id, body FROM (
             SELECT r.team_id, r.body,
                    row_number() OVER (PARTITION BY r.team_id ORDER BY r.round_id DESC) AS rn
             FROM results r JOIN rounds o ON o.id = r.round_id
             WHERE o.survey_id = ?1 AND r.round_id < ?2)
         WHERE rn = 1",
    )?;
    let rows = stmt.query_map(params![survey, before], |row| {
        Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?))
    })?;
    let mut out = HashMap::new();
    for row in rows {
        let (team, body) = row?;
        let outcome: Outcome = serde_json::from_str(&body)
            .map_err(|e| StorageError::Corrupt(format!("stored result unreadable: {e}")))?;
        let g = if team == ORGANISATION {
            GroupId::Organisation
        } else {
            GroupId::Team(team)
        };
        out.insert(g, outcome);
    }
    Ok(out)
}

/// A stored result of one group in one closed round.
#[derive(Debug, Clone)]
pub struct ResultRow {
    pub round_id: i64,
    pub team_id: i64,
    pub released: bool,
    /// The serialised [`Outcome`].
    pub body: String,
    /// JSON array of shuffled comments (empty unless allowed).
    pub comments: String,
}

fn result_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ResultRow> {
    Ok(ResultRow {
        round_id: r.get(0)?,
        team_id: r.get(1)?,
        body: r.get(2)?,
        comments: r.get(3)?,
        released: r.get::<_, String>(4)? == "released",
    })
}

/// A group's results over all its closed rounds, oldest first
/// (`team_id` [`ORGANISATION`] for the whole organisation).
pub fn team_results(conn: &Connection, team_id: i64) -> Result<Vec<ResultRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT round_id, team_id, body, comments, status FROM results WHERE team_id = ?1 ORDER BY round_id",
    )?;
    let rows = stmt.query_map([team_id], result_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn team_result(conn: &Connection, team_id: i64, round_id: i64) -> Result<Option<ResultRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT round_id, team_id, body, comments, status FROM results WHERE team_id = ?1 AND round_id = ?2",
    )?;
    Ok(stmt
        .query_row(params![team_id, round_id], result_row)
        .optional()?)
}

/// Every stored result as a heatmap cell: (team id, round id, respondents and
/// score when released).
pub type Cell = (i64, i64, Option<u32>, Option<f64>);

pub fn result_cells(conn: &Connection) -> Result<Vec<Cell>> {
    let mut stmt = conn.prepare_cached(
        "SELECT team_id, round_id, respondents, score FROM results ORDER BY round_id, team_id",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Respondents (responses with at least one answer) per team in an open
/// round; only ever compared with k, never shown.
pub fn open_respondents(conn: &Connection, round_id: i64) -> Result<HashMap<i64, u32>> {
    let mut stmt = conn.prepare_cached(
        "SELECT team_id, count(*) FROM responses
         WHERE round_id = ?1 AND answers != zeroblob(length(answers))
         GROUP BY team_id",
    )?;
    let rows = stmt.query_map([round_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
