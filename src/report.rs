//! What a key may read: teams, rounds, one team-round result, a trend, the
//! overview, as typed values that the pages, the CLI, the charts and the API
//! all draw from. Reads stored results only (computed at close under the
//! anonymity rules of `docs/anonymity.md`); open rounds show only whether k
//! has been reached.
//!
//! The API serialises [`TeamRound`], [`TeamEntry`] and [`RoundInfo`] with
//! serde. A trend and the overview have a second, faster serialiser,
//! [`trend_json`] and [`overview_json`], which splices the stored result
//! bodies as text instead of parsing them (BENCHMARKS.md: 0.34 ms for a
//! 52-round trend); both write exactly what serialising [`trend`] and
//! [`overview`] writes, which the integration tests check.

use std::collections::{HashMap, HashSet};
use std::fmt::Write;
use std::sync::{Arc, Mutex, OnceLock};

use rusqlite::Connection;
use serde::Serialize;

use crate::domain::access::Principal;
use crate::domain::date::Date;
use crate::domain::release::{GroupId, Tree};
use crate::domain::results::{MIN_COMMENT_RESPONDENTS, Outcome, Released};
use crate::domain::survey;
use crate::storage::{self, ORGANISATION, ResultRow, Round, StorageError, Team};

/// The id under which the organisation's roll-up is addressed.
pub const ORGANISATION_ID: &str = "organisation";

type Result<T> = std::result::Result<T, StorageError>;

fn not_found() -> StorageError {
    StorageError::not_found(storage::Thing::Result, "")
}

fn invalid(what: &str, e: impl std::fmt::Display) -> StorageError {
    StorageError::Corrupt(format!("{what}: {e}"))
}

// ---- the values ----

/// A team, a department or the organisation, as a result names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupRef {
    pub id: String,
    pub name: String,
}

/// A round as a result names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoundRef {
    pub id: i64,
    pub title: String,
    /// The survey's id: a trend compares like with like only within one.
    pub survey: String,
    pub opened_on: Date,
    pub closed_on: Option<Date>,
}

/// Whether a round still takes answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundState {
    Open,
    Closed,
}

/// A round as `GET /api/v1/rounds` and the overview list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoundInfo {
    pub id: i64,
    pub survey: String,
    pub title: String,
    pub state: RoundState,
    pub opened_on: Date,
    pub closes_on: Option<Date>,
    pub closed_on: Option<Date>,
    pub k: u32,
}

/// A team as `GET /api/v1/teams` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeamEntry {
    pub id: String,
    pub name: String,
    /// The department's id; none for a manager, who sees no department.
    pub parent: Option<String>,
}

/// One group's result in one round.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamRound {
    pub round: RoundRef,
    pub team: GroupRef,
    /// The k the round opened with.
    pub k: u32,
    pub view: View,
}

/// What the key may see of a group in a round.
#[derive(Debug, Clone, PartialEq)]
pub enum View {
    /// A closed round, released for this group.
    Released {
        /// Shared: a stored result is parsed once (see [`released_of`]).
        result: Arc<Released>,
        /// The survey's scale: means lie in 1..=scale_points.
        scale_points: u8,
        /// Reverse-scored statements: for them "favourable" means
        /// disagreeing with the statement as worded.
        reversed_items: Vec<String>,
        /// None when the key may not read comments.
        comments: Option<Comments>,
    },
    /// A closed round, hidden for this group: no number at all, and the one
    /// reason ([`Outcome::HIDDEN`]) for every hidden group.
    Suppressed,
    /// A round still open: only whether k has been reached.
    Open { k_reached: bool },
    /// A closed round that the advisor has not yet released to this
    /// manager (advisor-first release): no number at all, not even whether
    /// it was suppressed.
    Pending,
}

/// The comments of a released result, for a key that may read them.
#[derive(Debug, Clone, PartialEq)]
pub struct Comments {
    /// Shuffled, apart from any score.
    pub list: Vec<String>,
    /// Why `list` is empty although the survey asks for comments; none when
    /// nothing is withheld (then an empty list means nobody wrote one).
    pub withheld: Option<Withheld>,
}

/// Why comments are withheld. Never a count of comments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Withheld {
    /// A roll-up never carries comments: they belong to its teams.
    RollUp,
    /// A team shows them only from max(k, 10) respondents.
    TooFewRespondents { min_respondents: u32 },
}

impl TeamRound {
    /// The released figures, when the group is released.
    pub fn released(&self) -> Option<&Released> {
        match &self.view {
            View::Released { result, .. } => Some(result),
            View::Suppressed | View::Open { .. } | View::Pending => None,
        }
    }

    /// The survey's scale, when released.
    pub fn scale_points(&self) -> Option<u8> {
        match &self.view {
            View::Released { scale_points, .. } => Some(*scale_points),
            View::Suppressed | View::Open { .. } | View::Pending => None,
        }
    }

    /// Whether a released result marks the item as reverse-scored.
    pub fn is_reversed(&self, item: &str) -> bool {
        match &self.view {
            View::Released { reversed_items, .. } => reversed_items.iter().any(|i| i == item),
            View::Suppressed | View::Open { .. } | View::Pending => false,
        }
    }
}

/// The API's JSON for a team-round: the stored result's fields (status
/// first), then the round, the team, k, and for a released result the
/// scale, the reversed statements and (when allowed) the comments and why
/// they are withheld. The same bytes as the trend's spliced entries.
impl Serialize for TeamRound {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Common<'a> {
            round: &'a RoundRef,
            team: &'a GroupRef,
            k: u32,
        }
        #[derive(Serialize)]
        struct ReleasedJson<'a> {
            status: &'static str,
            #[serde(flatten)]
            result: &'a Released,
            #[serde(flatten)]
            common: Common<'a>,
            scale_points: u8,
            reversed_items: &'a [String],
            #[serde(skip_serializing_if = "Option::is_none")]
            comments: Option<&'a [String]>,
            #[serde(skip_serializing_if = "Option::is_none")]
            comments_withheld: Option<Option<Withheld>>,
        }
        #[derive(Serialize)]
        struct SuppressedJson<'a> {
            #[serde(flatten)]
            outcome: &'a Outcome,
            #[serde(flatten)]
            common: Common<'a>,
        }
        #[derive(Serialize)]
        struct OpenJson<'a> {
            status: &'static str,
            k_reached: bool,
            #[serde(flatten)]
            common: Common<'a>,
        }
        #[derive(Serialize)]
        struct PendingJson<'a> {
            status: &'static str,
            #[serde(flatten)]
            common: Common<'a>,
        }
        let common = Common {
            round: &self.round,
            team: &self.team,
            k: self.k,
        };
        match &self.view {
            View::Released {
                result,
                scale_points,
                reversed_items,
                comments,
            } => ReleasedJson {
                status: "released",
                result,
                common,
                scale_points: *scale_points,
                reversed_items,
                comments: comments.as_ref().map(|c| c.list.as_slice()),
                comments_withheld: comments.as_ref().map(|c| c.withheld),
            }
            .serialize(s),
            View::Suppressed => SuppressedJson {
                outcome: &Outcome::HIDDEN,
                common,
            }
            .serialize(s),
            View::Open { k_reached } => OpenJson {
                status: "open",
                k_reached: *k_reached,
                common,
            }
            .serialize(s),
            View::Pending => PendingJson {
                status: "pending",
                common,
            }
            .serialize(s),
        }
    }
}

/// Every closed round of one group, oldest first (rounds of every survey:
/// [`RoundRef::survey`] tells them apart).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trend {
    pub team: GroupRef,
    pub rounds: Vec<TeamRound>,
}

/// Every group × round with its status (advisors).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Overview {
    /// The organisation first, then every team and department.
    pub teams: Vec<OverviewGroup>,
    pub rounds: Vec<RoundInfo>,
    pub cells: Vec<Cell>,
}

/// A row of the overview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OverviewGroup {
    pub id: String,
    pub name: String,
    /// The department's id, to group teams under it (not in the API's JSON,
    /// which has `GET /api/v1/teams` for it).
    #[serde(skip)]
    pub parent: Option<String>,
}

/// One group in one round.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cell {
    /// The group's id.
    pub team: String,
    pub round: i64,
    #[serde(flatten)]
    pub status: CellStatus,
}

/// What a cell shows.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum CellStatus {
    Released { respondents: u32, score: f64 },
    Suppressed,
    Open { k_reached: bool },
}

impl Overview {
    /// The cells by (group id, round id).
    pub fn grid(&self) -> HashMap<(&str, i64), CellStatus> {
        self.cells
            .iter()
            .map(|c| ((c.team.as_str(), c.round), c.status))
            .collect()
    }
}

// ---- who may see what ----

/// A group as the key may address it.
struct Group {
    key: i64,
    id: String,
    name: String,
}

impl Group {
    fn reference(&self) -> GroupRef {
        GroupRef {
            id: self.id.clone(),
            name: self.name.clone(),
        }
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
        let tree = Tree::new(&pairs).map_err(|e| invalid("team tree", e))?;
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
        let taking_part: HashSet<&str> = round.teams.iter().map(String::as_str).collect();
        self.tree.members(g.gid()).into_iter().any(|m| {
            self.teams
                .iter()
                .any(|t| t.key == m && taking_part.contains(t.id.as_str()))
        })
    }

    /// A team without sub-teams (the only groups that carry comments).
    fn is_leaf_team(&self, g: &Group) -> bool {
        g.key != ORGANISATION && self.tree.children(g.gid()).is_empty()
    }
}

fn round_info(r: &Round) -> RoundInfo {
    RoundInfo {
        id: r.id,
        survey: r.survey.clone(),
        title: r.title.clone(),
        state: if r.closed_on.is_some() {
            RoundState::Closed
        } else {
            RoundState::Open
        },
        opened_on: r.opened_on,
        closes_on: r.closes_on,
        closed_on: r.closed_on,
        k: r.k,
    }
}

fn round_ref(r: &Round) -> RoundRef {
    RoundRef {
        id: r.id,
        title: r.title.clone(),
        survey: r.survey.clone(),
        opened_on: r.opened_on,
        closed_on: r.closed_on,
    }
}

// ---- teams and rounds ----

/// `GET /api/v1/teams`: the teams the key may see.
pub fn teams(conn: &Connection, p: Principal) -> Result<Vec<TeamEntry>> {
    let org = Org::load(conn)?;
    Ok(org
        .visible(p)
        .into_iter()
        .map(|t| TeamEntry {
            id: t.id.clone(),
            name: t.name.clone(),
            parent: if p.sees_organisation() {
                t.parent.clone()
            } else {
                None
            },
        })
        .collect())
}

/// `GET /api/v1/rounds`: a manager sees the rounds their team takes part in.
pub fn rounds(conn: &Connection, p: Principal) -> Result<Vec<RoundInfo>> {
    let org = Org::load(conn)?;
    let visible: Vec<&Team> = org.visible(p);
    let rounds = storage::rounds(conn)?;
    Ok(rounds
        .iter()
        .filter(|r| {
            p.sees_organisation() || r.teams.iter().any(|t| visible.iter().any(|v| &v.id == t))
        })
        .map(round_info)
        .collect())
}

// ---- one result ----

/// What a round's results need to say from its pinned survey: the scale the
/// means are on, which statements are reverse-scored (for them "favourable"
/// means disagreeing with the statement as worded), and whether the survey
/// asks for comments.
struct SurveyFacts {
    points: u8,
    reversed: Vec<String>,
    asks_comments: bool,
}

/// A stored released result, parsed once per text: results are computed
/// once at close and never change, and the key is the stored text's hash,
/// so an entry can only ever stand for the identical text (whichever
/// database it came from). Bounded: at [`RESULT_CACHE_ENTRIES`] it starts
/// afresh. Parsing the stored JSON was most of a team page's time.
fn released_of(body: &str) -> Result<Arc<Released>> {
    static CACHE: OnceLock<Mutex<HashMap<[u8; 32], Arc<Released>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Mutex::default);
    let key = *blake3::hash(body.as_bytes()).as_bytes();
    if let Some(r) = cache.lock().ok().and_then(|m| m.get(&key).cloned()) {
        return Ok(r);
    }
    let outcome: Outcome = serde_json::from_str(body).map_err(|e| invalid("stored result", e))?;
    let Outcome::Released(result) = outcome else {
        return Err(StorageError::Corrupt(
            "a result stored as released is not".into(),
        ));
    };
    let result: Arc<Released> = Arc::from(result);
    if let Ok(mut m) = cache.lock() {
        if m.len() >= RESULT_CACHE_ENTRIES {
            m.clear();
        }
        m.insert(key, result.clone());
    }
    Ok(result)
}

/// At most this many parsed results are kept (one is 2–10 KB; a year of
/// monthly rounds for 200 teams and their departments is about 2,600).
const RESULT_CACHE_ENTRIES: usize = 8192;

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
/// teams), and a team shows them only from max(k, 10) respondents. None
/// when nothing is withheld. `respondents` is asked for only when needed.
fn withheld(
    round: &Round,
    facts: &SurveyFacts,
    leaf_team: bool,
    no_comments: bool,
    respondents: impl FnOnce() -> Result<u32>,
) -> Result<Option<Withheld>> {
    if !facts.asks_comments {
        return Ok(None);
    }
    if !leaf_team {
        return Ok(Some(Withheld::RollUp));
    }
    if !no_comments {
        return Ok(None);
    }
    let min = round.k.max(MIN_COMMENT_RESPONDENTS);
    Ok(
        (respondents()? < min).then_some(Withheld::TooFewRespondents {
            min_respondents: min,
        }),
    )
}

/// Who is asking for what: the context every result of a request shares.
struct Reader<'a> {
    conn: &'a Connection,
    org: &'a Org,
    with_comments: bool,
    /// For a manager under advisor-first release: the rounds released to
    /// the team. None when every closed round is shown.
    released: Option<HashSet<i64>>,
}

/// The rounds a key may see the results of, when not all: a manager under
/// advisor-first release sees only the rounds released to their team.
fn released_filter(conn: &Connection, p: Principal, group: &Group) -> Result<Option<HashSet<i64>>> {
    match p {
        Principal::Advisor => Ok(None),
        Principal::Manager { .. } => match storage::release_mode(conn)? {
            storage::ReleaseMode::AtClose => Ok(None),
            storage::ReleaseMode::AfterAdvisor => {
                Ok(Some(storage::released_rounds(conn, group.key)?))
            }
        },
    }
}

impl Reader<'_> {
    /// A stored result as a typed value.
    fn pending(&self, round: &Round) -> bool {
        self.released
            .as_ref()
            .is_some_and(|set| !set.contains(&round.id))
    }

    fn stored(&self, round: &Round, group: &Group, row: &ResultRow) -> Result<TeamRound> {
        let view = if self.pending(round) {
            View::Pending
        } else if row.released {
            let result = released_of(&row.body)?;
            let facts = survey_facts(self.conn, round)?;
            let comments = if self.with_comments {
                let list: Vec<String> = serde_json::from_str(&row.comments)
                    .map_err(|e| invalid("stored comments", e))?;
                let withheld = withheld(
                    round,
                    &facts,
                    self.org.is_leaf_team(group),
                    list.is_empty(),
                    || Ok(result.respondents),
                )?;
                Some(Comments { list, withheld })
            } else {
                None
            };
            View::Released {
                result,
                scale_points: facts.points,
                reversed_items: facts.reversed.clone(),
                comments,
            }
        } else {
            View::Suppressed
        };
        Ok(TeamRound {
            round: round_ref(round),
            team: group.reference(),
            k: round.k,
            view,
        })
    }

    /// A stored result as the API's JSON, appended to `out`: the stored JSON
    /// object spliced with what [`TeamRound`]'s serialiser adds, so that the
    /// bytes are the same; the stored figures are copied as they are, never
    /// parsed and rebuilt.
    fn splice(
        &self,
        round: &Round,
        group: &Group,
        row: &ResultRow,
        out: &mut String,
    ) -> Result<()> {
        if self.pending(round) {
            let _ = write!(
                out,
                "{{\"status\":\"pending\",\"round\":{},\"team\":{},\"k\":{}}}",
                json_text(&round_ref(round))?,
                json_text(&group.reference())?,
                round.k
            );
            return Ok(());
        }
        // A hidden group reads the one status and reason, also when an older
        // version stored a reason per cause.
        let hidden;
        let body = if row.released {
            row.body.as_str()
        } else {
            hidden = serde_json::to_string(&Outcome::HIDDEN).map_err(|e| invalid("hidden", e))?;
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
            json_text(&round_ref(round))?,
            json_text(&group.reference())?,
            round.k
        );
        if row.released {
            let facts = survey_facts(self.conn, round)?;
            let _ = write!(
                out,
                ",\"scale_points\":{},\"reversed_items\":{}",
                facts.points,
                json_text(&facts.reversed)?
            );
            if self.with_comments {
                out.push_str(",\"comments\":");
                out.push_str(row.comments.trim());
                let none = row.comments.trim() == "[]";
                let w = withheld(round, &facts, self.org.is_leaf_team(group), none, || {
                    respondents(&row.body)
                })?;
                let _ = write!(out, ",\"comments_withheld\":{}", json_text(&w)?);
            }
        }
        out.push('}');
        Ok(())
    }
}

/// JSON text of a small value, for splicing.
fn json_text<T: Serialize + ?Sized>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| invalid("json", e))
}

/// The respondents of a stored released result, read without the rest.
fn respondents(body: &str) -> Result<u32> {
    #[derive(serde::Deserialize)]
    struct Respondents {
        respondents: u32,
    }
    Ok(serde_json::from_str::<Respondents>(body)
        .map_err(|e| invalid("stored result", e))?
        .respondents)
}

/// Only whether k has been reached: no count leaves this function.
fn k_reached(counts: &HashMap<i64, u32>, org: &Org, round: &Round, group: &Group) -> bool {
    let total: u32 = org
        .tree
        .members(group.gid())
        .iter()
        .map(|m| counts.get(m).copied().unwrap_or(0))
        .sum();
    total >= round.k
}

fn open(conn: &Connection, org: &Org, round: &Round, group: &Group) -> Result<TeamRound> {
    let counts = storage::open_respondents(conn, round.id)?;
    Ok(TeamRound {
        round: round_ref(round),
        team: group.reference(),
        k: round.k,
        view: View::Open {
            k_reached: k_reached(&counts, org, round, group),
        },
    })
}

fn sees_comments(conn: &Connection, p: Principal) -> Result<bool> {
    Ok(p.sees_comments(storage::comments_to_managers(conn)?))
}

/// `GET /api/v1/teams/{id}/rounds/{round}`: one group in one round.
pub fn team_round(
    conn: &Connection,
    p: Principal,
    team_id: &str,
    round_id: i64,
) -> Result<TeamRound> {
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
    let reader = Reader {
        conn,
        org: &org,
        with_comments: sees_comments(conn, p)?,
        released: released_filter(conn, p, &group)?,
    };
    reader.stored(&round, &group, &row)
}

/// The open rounds a group takes part in, oldest first: only whether k has
/// been reached.
pub fn open_rounds(conn: &Connection, p: Principal, team_id: &str) -> Result<Vec<TeamRound>> {
    let org = Org::load(conn)?;
    let group = org.group(p, team_id)?;
    let mut out = Vec::new();
    for brief in storage::rounds_brief(conn)? {
        if brief.closed_on.is_some() {
            continue;
        }
        let round = storage::round(conn, brief.id)?;
        if org.takes_part(&group, &round) {
            out.push(open(conn, &org, &round, &group)?);
        }
    }
    Ok(out)
}

// ---- trend ----

/// A trend's parts: the group, and each stored result with its round.
fn trend_parts(
    conn: &Connection,
    org: &Org,
    p: Principal,
    team_id: &str,
) -> Result<(Group, Vec<(Round, ResultRow)>)> {
    let group = org.group(p, team_id)?;
    let mut rounds: HashMap<i64, Round> = storage::rounds_brief(conn)?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let rows = storage::team_results(conn, group.key)?
        .into_iter()
        .filter_map(|row| rounds.remove(&row.round_id).map(|r| (r, row)))
        .collect();
    Ok((group, rows))
}

/// `GET /api/v1/teams/{id}/trend`: every closed round of the group, oldest
/// first.
pub fn trend(conn: &Connection, p: Principal, team_id: &str) -> Result<Trend> {
    let org = Org::load(conn)?;
    let (group, rows) = trend_parts(conn, &org, p, team_id)?;
    let reader = Reader {
        conn,
        org: &org,
        with_comments: sees_comments(conn, p)?,
        released: released_filter(conn, p, &group)?,
    };
    let rounds = rows
        .iter()
        .map(|(round, row)| reader.stored(round, &group, row))
        .collect::<Result<_>>()?;
    Ok(Trend {
        team: group.reference(),
        rounds,
    })
}

/// [`trend`] as the API's JSON text, spliced from the stored bodies.
pub fn trend_json(conn: &Connection, p: Principal, team_id: &str) -> Result<String> {
    let org = Org::load(conn)?;
    let (group, rows) = trend_parts(conn, &org, p, team_id)?;
    let reader = Reader {
        conn,
        org: &org,
        with_comments: sees_comments(conn, p)?,
        released: released_filter(conn, p, &group)?,
    };
    let mut out = String::with_capacity(
        256 + rows
            .iter()
            .map(|(_, r)| r.body.len() + r.comments.len() + 256)
            .sum::<usize>(),
    );
    let _ = write!(
        out,
        "{{\"team\":{},\"rounds\":[",
        json_text(&group.reference())?
    );
    for (i, (round, row)) in rows.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        reader.splice(round, &group, row, &mut out)?;
    }
    out.push_str("]}");
    Ok(out)
}

// ---- overview ----

/// What the overview is drawn from: the organisation, its groups (the
/// organisation first) and every round.
struct Frame {
    org: Org,
    groups: Vec<Group>,
    rounds: Vec<Round>,
}

impl Frame {
    fn load(conn: &Connection, p: Principal) -> Result<Frame> {
        if !p.sees_organisation() {
            return Err(not_found());
        }
        let org = Org::load(conn)?;
        let mut groups: Vec<Group> = vec![org.organisation()];
        groups.extend(org.teams.iter().map(|t| Group {
            key: t.key,
            id: t.id.clone(),
            name: t.name.clone(),
        }));
        Ok(Frame {
            org,
            groups,
            rounds: storage::rounds_brief(conn)?,
        })
    }

    /// The rows, as the overview lists them.
    fn rows(&self) -> Vec<OverviewGroup> {
        let parent: HashMap<&str, Option<String>> = self
            .org
            .teams
            .iter()
            .map(|t| (t.id.as_str(), t.parent.clone()))
            .collect();
        self.groups
            .iter()
            .map(|g| OverviewGroup {
                id: g.id.clone(),
                name: g.name.clone(),
                parent: parent.get(g.id.as_str()).cloned().flatten(),
            })
            .collect()
    }

    fn columns(&self) -> Vec<RoundInfo> {
        self.rounds.iter().map(round_info).collect()
    }

    /// Every cell, passed to `cell`: the stored results, then the open rounds.
    fn cells(&self, conn: &Connection, mut cell: impl FnMut(&str, i64, CellStatus)) -> Result<()> {
        let slug: HashMap<i64, &str> = self
            .org
            .teams
            .iter()
            .map(|t| (t.key, t.id.as_str()))
            .collect();
        for (team, round, respondents, score) in storage::result_cells(conn)? {
            let id = if team == ORGANISATION {
                ORGANISATION_ID
            } else if let Some(id) = slug.get(&team) {
                id
            } else {
                continue;
            };
            let status = match (respondents, score) {
                (Some(respondents), Some(score)) => CellStatus::Released { respondents, score },
                _ => CellStatus::Suppressed,
            };
            cell(id, round, status);
        }
        for brief in self.rounds.iter().filter(|r| r.closed_on.is_none()) {
            let round = storage::round(conn, brief.id)?;
            let counts = storage::open_respondents(conn, round.id)?;
            for g in &self.groups {
                if self.org.takes_part(g, &round) {
                    let k_reached = k_reached(&counts, &self.org, &round, g);
                    cell(&g.id, round.id, CellStatus::Open { k_reached });
                }
            }
        }
        Ok(())
    }
}

/// `GET /api/v1/overview` (advisors): every group × round with its status.
pub fn overview(conn: &Connection, p: Principal) -> Result<Overview> {
    let frame = Frame::load(conn, p)?;
    let mut cells = Vec::new();
    frame.cells(conn, |team, round, status| {
        cells.push(Cell {
            team: team.to_string(),
            round,
            status,
        });
    })?;
    Ok(Overview {
        teams: frame.rows(),
        rounds: frame.columns(),
        cells,
    })
}

/// [`overview`] as the API's JSON text: the cells (10,452 in the benchmark)
/// are written straight into the one buffer, without a value per cell.
pub fn overview_json(conn: &Connection, p: Principal) -> Result<String> {
    #[derive(Serialize)]
    struct CellJson<'a> {
        team: &'a str,
        round: i64,
        #[serde(flatten)]
        status: CellStatus,
    }
    let frame = Frame::load(conn, p)?;
    // About 85 bytes a cell: sized once, so the buffer never moves.
    let (g, r) = (frame.groups.len(), frame.rounds.len());
    let mut out: Vec<u8> = Vec::with_capacity(90 * g * r + 200 * (g + r) + 64);
    out.extend_from_slice(b"{\"teams\":");
    serde_json::to_writer(&mut out, &frame.rows()).map_err(|e| invalid("json", e))?;
    out.extend_from_slice(b",\"rounds\":");
    serde_json::to_writer(&mut out, &frame.columns()).map_err(|e| invalid("json", e))?;
    out.extend_from_slice(b",\"cells\":[");
    let mut first = true;
    let mut failed = None;
    frame.cells(conn, |team, round, status| {
        if !first {
            out.push(b',');
        }
        first = false;
        let c = CellJson {
            team,
            round,
            status,
        };
        if let Err(e) = serde_json::to_writer(&mut out, &c) {
            failed.get_or_insert(e);
        }
    })?;
    if let Some(e) = failed {
        return Err(invalid("json", e));
    }
    out.extend_from_slice(b"]}");
    String::from_utf8(out).map_err(|e| invalid("json", e))
}
