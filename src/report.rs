//! What a key may read, as the API's JSON: teams, rounds, one team-round
//! result, a trend, the overview. Reads stored results only (computed at
//! close under the anonymity rules); open rounds show only whether k has been
//! reached. Used by the JSON API and by `spiegel results`.

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::{Arc, Mutex, OnceLock};

use rusqlite::Connection;
use serde_json::{Value, json};

use crate::domain::access::Principal;
use crate::domain::release::{GroupId, Tree};
use crate::domain::results::MIN_COMMENT_RESPONDENTS;
use crate::domain::results::Outcome;
use crate::domain::survey;
use crate::storage::{self, ORGANISATION, ResultRow, Round, StorageError, Team};

/// The id under which the organisation's roll-up is addressed.
pub const ORGANISATION_ID: &str = "organisation";

type Result<T> = std::result::Result<T, StorageError>;

/// Reads JSON text made here back into a value (pages and the CLI).
pub fn parse(json: &str) -> Result<Value> {
    serde_json::from_str(json).map_err(|e| StorageError::Corrupt(format!("report JSON: {e}")))
}

fn not_found() -> StorageError {
    StorageError::not_found(storage::Thing::Result, "")
}

/// A group as the key may address it.
struct Group {
    key: i64,
    id: String,
    name: String,
}

impl Group {
    fn reference(&self) -> Value {
        json!({ "id": self.id, "name": self.name })
    }
    fn gid(&self) -> GroupId {
        if self.key == ORGANISATION {
            GroupId::Organisation
        } else {
            GroupId::Team(self.key)
        }
    }
}

struct Org {
    teams: Vec<Team>,
    tree: Tree,
    name: String,
}

impl Org {
    fn load(conn: &Connection) -> Result<Org> {
        let teams = storage::teams(conn)?;
        let pairs: Vec<(i64, Option<i64>)> = teams.iter().map(|t| (t.key, t.parent_key)).collect();
        let tree =
            Tree::new(&pairs).map_err(|e| StorageError::Corrupt(format!("team tree: {e}")))?;
        Ok(Org {
            teams,
            tree,
            name: storage::org(conn)?.name,
        })
    }

    /// The group behind an id, if the key may see it; otherwise not found
    /// (the same answer whether it exists or not).
    fn group(&self, p: Principal, id: &str) -> Result<Group> {
        if id == ORGANISATION_ID {
            return if p.sees_organisation() {
                Ok(self.organisation())
            } else {
                Err(not_found())
            };
        }
        let t = self
            .teams
            .iter()
            .find(|t| t.id == id)
            .ok_or_else(not_found)?;
        if !p.sees_team(t.key) {
            return Err(not_found());
        }
        Ok(Group {
            key: t.key,
            id: t.id.clone(),
            name: t.name.clone(),
        })
    }

    fn organisation(&self) -> Group {
        Group {
            key: ORGANISATION,
            id: ORGANISATION_ID.into(),
            name: self.name.clone(),
        }
    }

    fn visible(&self, p: Principal) -> Vec<&Team> {
        self.teams.iter().filter(|t| p.sees_team(t.key)).collect()
    }

    /// Whether a group takes part in a round (any of its teams does).
    fn takes_part(&self, g: &Group, round: &Round) -> bool {
        let taking_part: std::collections::HashSet<&str> =
            round.teams.iter().map(String::as_str).collect();
        self.tree.members(g.gid()).into_iter().any(|m| {
            self.teams
                .iter()
                .any(|t| t.key == m && taking_part.contains(t.id.as_str()))
        })
    }
}

/// `GET /api/v1/teams`.
pub fn teams(conn: &Connection, p: Principal) -> Result<Value> {
    let org = Org::load(conn)?;
    Ok(Value::Array(
        org.visible(p)
            .into_iter()
            .map(|t| json!({ "id": t.id, "name": t.name, "parent": if p.sees_organisation() { t.parent.clone() } else { None } }))
            .collect(),
    ))
}

fn round_json(r: &Round) -> Value {
    json!({
        "id": r.id,
        "survey": r.survey,
        "title": r.title,
        "state": r.state,
        "opened_on": r.opened_on,
        "closes_on": r.closes_on,
        "closed_on": r.closed_on,
        "k": r.k,
    })
}

fn round_ref(r: &Round) -> Value {
    json!({
        "id": r.id,
        "title": r.title,
        "survey": r.survey,
        "opened_on": r.opened_on,
        "closed_on": r.closed_on,
    })
}

/// `GET /api/v1/rounds`: a manager sees the rounds their team takes part in.
pub fn rounds(conn: &Connection, p: Principal) -> Result<Value> {
    let org = Org::load(conn)?;
    let visible: Vec<&Team> = org.visible(p);
    let rounds = storage::rounds(conn)?;
    Ok(Value::Array(
        rounds
            .iter()
            .filter(|r| {
                p.sees_organisation() || r.teams.iter().any(|t| visible.iter().any(|v| &v.id == t))
            })
            .map(round_json)
            .collect(),
    ))
}

/// What a round's results need to say from its pinned survey: the scale the
/// means are on, which statements are reverse-scored (for them "favourable"
/// means disagreeing with the statement as worded), and whether the survey
/// asks for comments.
struct SurveyFacts {
    points: u8,
    reversed: Vec<String>,
    asks_comments: bool,
}

/// The facts of the survey a round pinned. Cached by the survey's content
/// hash: the same hash is the same text, so an entry can never be stale.
fn survey_facts(conn: &Connection, round: &Round) -> Result<Arc<SurveyFacts>> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<SurveyFacts>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Mutex::default);
    if let Some(f) = cache
        .lock()
        .ok()
        .and_then(|m| m.get(&round.survey_hash).cloned())
    {
        return Ok(f);
    }
    let source = storage::round_survey_source(conn, round.id)?;
    let s = survey::parse(&format!("round {}", round.id), &source, None)
        .map_err(|e| StorageError::Corrupt(e.to_string()))?;
    let facts = Arc::new(SurveyFacts {
        points: s.scale.points,
        reversed: s
            .items
            .iter()
            .filter(|i| i.reverse)
            .map(|i| i.id.clone())
            .collect(),
        asks_comments: s.comment.is_some(),
    });
    if let Ok(mut m) = cache.lock() {
        m.insert(round.survey_hash.clone(), facts.clone());
    }
    Ok(facts)
}

/// Why a released group's comment list is empty although the survey asks
/// for comments: a roll-up never carries comments (they belong to its
/// teams), and a team shows them only from max(k, 10) respondents. Null when
/// nothing is withheld. Never a count of comments.
fn comments_withheld(
    round: &Round,
    facts: &SurveyFacts,
    leaf_team: bool,
    row: &ResultRow,
) -> Result<Value> {
    if !facts.asks_comments {
        return Ok(Value::Null);
    }
    if !leaf_team {
        return Ok(json!({ "reason": "roll_up" }));
    }
    if row.comments.trim() != "[]" {
        return Ok(Value::Null);
    }
    #[derive(serde::Deserialize)]
    struct Respondents {
        respondents: u32,
    }
    let n = serde_json::from_str::<Respondents>(&row.body)
        .map_err(|e| StorageError::Corrupt(format!("stored result: {e}")))?
        .respondents;
    let min = round.k.max(MIN_COMMENT_RESPONDENTS);
    Ok(if n < min {
        json!({ "reason": "too_few_respondents", "min_respondents": min })
    } else {
        Value::Null
    })
}

/// A stored result as the API shows it: the stored JSON object, spliced
/// with the round, the team, k, and for a released result the survey's
/// scale, its reversed statements and (when allowed) the comments or why
/// they are withheld. The stored figures are copied as they are, never
/// parsed and rebuilt.
fn splice(
    conn: &Connection,
    org: &Org,
    round: &Round,
    group: &Group,
    row: &ResultRow,
    with_comments: bool,
    out: &mut String,
) -> Result<()> {
    // A hidden group reads the one status and reason, also when an older
    // version stored a reason per cause.
    let hidden;
    let body = if row.released {
        row.body.as_str()
    } else {
        hidden = serde_json::to_string(&Outcome::HIDDEN)
            .map_err(|e| StorageError::Corrupt(e.to_string()))?;
        hidden.as_str()
    };
    let inner = body
        .trim_end()
        .strip_suffix('}')
        .filter(|b| b.starts_with('{'))
        .ok_or_else(|| StorageError::Corrupt("a stored result is not a JSON object".into()))?;
    out.push_str(inner);
    let _ = write!(
        out,
        ",\"round\":{},\"team\":{},\"k\":{}",
        round_ref(round),
        group.reference(),
        round.k
    );
    if row.released {
        let facts = survey_facts(conn, round)?;
        let _ = write!(
            out,
            ",\"scale_points\":{},\"reversed_items\":{}",
            facts.points,
            json!(facts.reversed)
        );
        if with_comments {
            out.push_str(",\"comments\":");
            out.push_str(&row.comments);
            let leaf_team = group.key != ORGANISATION && org.tree.children(group.gid()).is_empty();
            let withheld = comments_withheld(round, &facts, leaf_team, row)?;
            let _ = write!(out, ",\"comments_withheld\":{withheld}");
        }
    }
    out.push('}');
    Ok(())
}

fn stored(
    conn: &Connection,
    org: &Org,
    round: &Round,
    group: &Group,
    row: &ResultRow,
    with_comments: bool,
) -> Result<Value> {
    let mut out = String::new();
    splice(conn, org, round, group, row, with_comments, &mut out)?;
    serde_json::from_str(&out).map_err(|e| StorageError::Corrupt(format!("stored result: {e}")))
}

fn open(conn: &Connection, org: &Org, round: &Round, group: &Group) -> Result<Value> {
    let counts = storage::open_respondents(conn, round.id)?;
    Ok(open_status(&counts, org, round, group))
}

/// Only whether k has been reached: no count leaves this function.
fn open_status(counts: &HashMap<i64, u32>, org: &Org, round: &Round, group: &Group) -> Value {
    let total: u32 = org
        .tree
        .members(group.gid())
        .iter()
        .map(|m| counts.get(m).copied().unwrap_or(0))
        .sum();
    json!({
        "status": "open",
        "k_reached": total >= round.k,
        "round": round_ref(round),
        "team": group.reference(),
        "k": round.k,
    })
}

fn sees_comments(conn: &Connection, p: Principal) -> Result<bool> {
    Ok(p.sees_comments(storage::comments_to_managers(conn)?))
}

/// `GET /api/v1/teams/{id}/rounds/{round}`.
pub fn team_round(conn: &Connection, p: Principal, team_id: &str, round_id: i64) -> Result<Value> {
    let org = Org::load(conn)?;
    let group = org.group(p, team_id)?;
    let round = storage::round(conn, round_id).map_err(|_| not_found())?;
    if round.closed_on.is_none() {
        if !org.takes_part(&group, &round) {
            return Err(not_found());
        }
        return open(conn, &org, &round, &group);
    }
    let row = storage::team_result(conn, group.key, round.id)?.ok_or_else(not_found)?;
    stored(conn, &org, &round, &group, &row, sees_comments(conn, p)?)
}

/// `GET /api/v1/teams/{id}/trend`: every closed round of the team, oldest
/// first, as JSON text.
pub fn trend(conn: &Connection, p: Principal, team_id: &str) -> Result<String> {
    let org = Org::load(conn)?;
    let group = org.group(p, team_id)?;
    let rounds: HashMap<i64, Round> = storage::rounds_brief(conn)?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let with_comments = sees_comments(conn, p)?;
    let rows = storage::team_results(conn, group.key)?;
    let mut out =
        String::with_capacity(256 + rows.iter().map(|r| r.body.len() + 256).sum::<usize>());
    let _ = write!(out, "{{\"team\":{},\"rounds\":[", group.reference());
    let mut first = true;
    for row in &rows {
        if let Some(round) = rounds.get(&row.round_id) {
            if !first {
                out.push(',');
            }
            first = false;
            splice(conn, &org, round, &group, row, with_comments, &mut out)?;
        }
    }
    out.push_str("]}");
    Ok(out)
}

/// `GET /api/v1/overview` (advisors): every group × round with its status,
/// as JSON text.
pub fn overview(conn: &Connection, p: Principal) -> Result<String> {
    if !p.sees_organisation() {
        return Err(not_found());
    }
    let org = Org::load(conn)?;
    let rounds = storage::rounds_brief(conn)?;
    let slug: HashMap<i64, &str> = org.teams.iter().map(|t| (t.key, t.id.as_str())).collect();
    let id_of = |key: i64| {
        if key == ORGANISATION {
            Some(ORGANISATION_ID)
        } else {
            slug.get(&key).copied()
        }
    };
    let mut groups: Vec<Group> = vec![org.organisation()];
    groups.extend(org.teams.iter().map(|t| Group {
        key: t.key,
        id: t.id.clone(),
        name: t.name.clone(),
    }));
    let cells = storage::result_cells(conn)?;
    let mut out = String::with_capacity(4096 + cells.len() * 90);
    out.push_str("{\"teams\":[");
    for (i, g) in groups.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&g.reference().to_string());
    }
    out.push_str("],\"rounds\":[");
    for (i, r) in rounds.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&round_json(r).to_string());
    }
    out.push_str("],\"cells\":[");
    let mut first = true;
    let mut sep = |out: &mut String| {
        if !first {
            out.push(',');
        }
        first = false;
    };
    for (team, round, respondents, score) in cells {
        let Some(id) = id_of(team) else { continue };
        let id = Value::from(id);
        sep(&mut out);
        match (respondents, score) {
            (Some(n), Some(s)) => {
                let _ = write!(
                    out,
                    "{{\"team\":{id},\"round\":{round},\"status\":\"released\",\"respondents\":{n},\"score\":{}}}",
                    Value::from(s)
                );
            }
            _ => {
                let _ = write!(
                    out,
                    "{{\"team\":{id},\"round\":{round},\"status\":\"suppressed\"}}"
                );
            }
        }
    }
    for brief in rounds.iter().filter(|r| r.closed_on.is_none()) {
        let round = storage::round(conn, brief.id)?;
        let counts = storage::open_respondents(conn, round.id)?;
        for g in &groups {
            if org.takes_part(g, &round) {
                let o = open_status(&counts, &org, &round, g);
                sep(&mut out);
                let _ = write!(
                    out,
                    "{{\"team\":{},\"round\":{},\"status\":\"open\",\"k_reached\":{}}}",
                    Value::from(g.id.as_str()),
                    round.id,
                    o["k_reached"]
                );
            }
        }
    }
    out.push_str("]}");
    Ok(out)
}
