//! A closed round's results per group, under the anonymity rules (pure).
//!
//! This is the one place where answers become figures. Everything shown
//! later — API, pages, charts, exports — is read from what [`compute_round`]
//! returns, and that is computed once, when the round closes (rule 5):
//!
//! * a group (team, department roll-up, organisation) is released only when
//!   at least k people answered and releasing it lets no group of 1..k−1 be
//!   derived by subtraction ([`release`](super::release::release), rules 4, 6);
//! * an item or dimension answered by fewer than k is suppressed on its own,
//!   with the same no-subtraction rule over the item's own counts;
//! * a suppressed group carries no number derived from its answers — not n,
//!   not a mean, not a share: the type has no field for one;
//! * comments only for a released team without sub-teams with at least
//!   max(k, 10) respondents, shuffled, apart from any score (rule 7).

use std::collections::{BTreeSet, HashMap, HashSet};

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

use super::release::{self, GroupId, Tree, TreeError};
use super::stats::{self, Agreement, Change, ItemDef, Shares, Summary};

/// Fewest respondents before comments are shown, whatever k is.
pub const MIN_COMMENT_RESPONDENTS: u32 = 10;

/// A team as the computation needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamInfo {
    pub key: i64,
    pub parent: Option<i64>,
    pub expected_size: Option<u32>,
    /// Whether the team took part in the round.
    pub participates: bool,
}

/// One stored response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub team: i64,
    pub values: Vec<Option<u8>>,
    pub comment: Option<String>,
}

pub struct RoundInput<'a> {
    pub k: u32,
    pub points: u8,
    pub items: &'a [ItemDef],
    /// The survey's dimension ids in declared order.
    pub dimensions: &'a [String],
    pub teams: &'a [TeamInfo],
    pub responses: &'a [Response],
    /// Each group's outcome in the previous closed round of the same survey.
    pub previous: &'a HashMap<GroupId, Outcome>,
    /// Seed for shuffling comments (the caller draws it from the OS).
    pub seed: u64,
}

/// Why a group is not shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Fewer than k answered.
    TooFewAnswers,
    /// Enough answered, but showing it would let a smaller group be derived.
    ProtectsSmallerGroup,
}

/// A released figure: overall, a dimension or an item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    pub n: u32,
    pub mean: f64,
    /// Standard error sd/√n, without the finite-population correction: the
    /// noise rule for changes compares rounds as repeated measurements of a
    /// team whose answers also vary when everybody answers. (The interval
    /// `ci` does include the correction.)
    pub se: f64,
    pub ci: [f64; 2],
    pub shares: Shares,
    /// Against the previous closed round of the same survey, when both released.
    pub change: Option<Change>,
}

/// A dimension or an item of a released group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Part {
    Released {
        id: String,
        #[serde(flatten)]
        figure: Figure,
    },
    Suppressed {
        id: String,
    },
}

impl Part {
    pub fn id(&self) -> &str {
        match self {
            Part::Released { id, .. } | Part::Suppressed { id } => id,
        }
    }
    pub fn figure(&self) -> Option<&Figure> {
        match self {
            Part::Released { figure, .. } => Some(figure),
            Part::Suppressed { .. } => None,
        }
    }
}

/// The figures of a released group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Released {
    pub respondents: u32,
    pub participation_band: Option<String>,
    /// The overall mean (1..points).
    pub score: f64,
    pub overall: Figure,
    pub dimensions: Vec<Part>,
    pub items: Vec<Part>,
    pub agreement: Option<Agreement>,
    /// Ids of the (up to) two highest released items.
    pub strengths: Vec<String>,
    /// Ids of the (up to) two lowest released items.
    pub concerns: Vec<String>,
}

/// What a closed round shows for one group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    Released(Box<Released>),
    Suppressed { reason: Reason },
}

impl Outcome {
    pub fn released(&self) -> Option<&Released> {
        match self {
            Outcome::Released(r) => Some(r),
            Outcome::Suppressed { .. } => None,
        }
    }
}

/// One group's result, with its comments kept apart from the figures.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupResult {
    pub group: GroupId,
    pub outcome: Outcome,
    /// Shuffled; empty unless the comment rule allows them.
    pub comments: Vec<String>,
}

/// The results of a closed round for every group that took part (a group
/// takes part when any of its teams does; the organisation when any team does).
pub fn compute_round(input: &RoundInput<'_>) -> Result<Vec<GroupResult>, TreeError> {
    let pairs: Vec<(i64, Option<i64>)> = input.teams.iter().map(|t| (t.key, t.parent)).collect();
    let tree = Tree::new(&pairs)?;
    let k = input.k;
    let points = input.points;
    let participating: HashSet<i64> = input
        .teams
        .iter()
        .filter(|t| t.participates)
        .map(|t| t.key)
        .collect();
    let eligible = |g: GroupId| tree.members(g).iter().any(|m| participating.contains(m));

    // Respondents: responses with at least one valid answer.
    let answered = |r: &Response, i: usize| {
        r.values
            .get(i)
            .copied()
            .flatten()
            .is_some_and(|v| stats::is_valid_answer(v, points))
    };
    let is_respondent = |r: &Response| (0..input.items.len()).any(|i| answered(r, i));
    let count_by_team = |pred: &dyn Fn(&Response) -> bool| {
        let mut own: HashMap<i64, u32> = HashMap::new();
        for r in input.responses.iter().filter(|r| pred(r)) {
            *own.entry(r.team).or_default() += 1;
        }
        own
    };

    let own = count_by_team(&is_respondent);
    let released = release::release(&tree, &own, k, eligible);
    let item_released: Vec<BTreeSet<GroupId>> = (0..input.items.len())
        .map(|i| {
            let own_i = count_by_team(&|r| answered(r, i));
            release::release(&tree, &own_i, k, |g| released.contains(&g))
        })
        .collect();
    let dim_released: Vec<BTreeSet<GroupId>> = input
        .dimensions
        .iter()
        .map(|d| {
            let in_dim: Vec<usize> = (0..input.items.len())
                .filter(|i| &input.items[*i].dimension == d)
                .collect();
            let own_d = count_by_team(&|r| in_dim.iter().any(|i| answered(r, *i)));
            release::release(&tree, &own_d, k, |g| released.contains(&g))
        })
        .collect();

    let mut rng = StdRng::seed_from_u64(input.seed);
    let mut out = Vec::new();
    for g in tree.groups() {
        if !eligible(g) {
            continue;
        }
        if !released.contains(&g) {
            let reason = if tree.total(&own, g) < k {
                Reason::TooFewAnswers
            } else {
                Reason::ProtectsSmallerGroup
            };
            out.push(GroupResult {
                group: g,
                outcome: Outcome::Suppressed { reason },
                comments: Vec::new(),
            });
            continue;
        }
        let members: HashSet<i64> = tree.members(g).into_iter().collect();
        let group_responses: Vec<&Response> = input
            .responses
            .iter()
            .filter(|r| members.contains(&r.team))
            .collect();
        let values: Vec<Vec<Option<u8>>> =
            group_responses.iter().map(|r| r.values.clone()).collect();
        let population = population(input.teams, &members, &participating);
        let st = stats::compute(input.items, points, &values, population);
        let previous = input.previous.get(&g).and_then(Outcome::released);
        let Some(overall) = st.overall.as_ref() else {
            // Released groups have k >= 3 respondents, so this cannot happen;
            // suppress rather than show anything if it ever does.
            out.push(GroupResult {
                group: g,
                outcome: Outcome::Suppressed {
                    reason: Reason::TooFewAnswers,
                },
                comments: Vec::new(),
            });
            continue;
        };
        let overall = figure(overall, previous.map(|p| &p.overall));

        let items: Vec<Part> = st
            .items
            .iter()
            .zip(&item_released)
            .map(|(it, rel)| {
                part(
                    &it.id,
                    it.summary.as_ref(),
                    rel.contains(&g),
                    previous.map(|p| &p.items[..]),
                )
            })
            .collect();
        let dimensions: Vec<Part> = input
            .dimensions
            .iter()
            .zip(&dim_released)
            .map(|(d, rel)| {
                let summary = st
                    .dimensions
                    .iter()
                    .find(|x| &x.id == d)
                    .and_then(|x| x.summary.as_ref());
                part(
                    d,
                    summary,
                    rel.contains(&g),
                    previous.map(|p| &p.dimensions[..]),
                )
            })
            .collect();
        let means: Vec<(String, f64)> = items
            .iter()
            .filter_map(|p| p.figure().map(|f| (p.id().to_string(), f.mean)))
            .collect();
        let (strengths, concerns) = stats::strengths_and_concerns(&means);

        let leaf_team = matches!(g, GroupId::Team(_)) && tree.children(g).is_empty();
        let mut comments: Vec<String> =
            if leaf_team && st.respondents >= k.max(MIN_COMMENT_RESPONDENTS) {
                group_responses
                    .iter()
                    .filter_map(|r| r.comment.clone())
                    .collect()
            } else {
                Vec::new()
            };
        comments.shuffle(&mut rng);

        out.push(GroupResult {
            group: g,
            outcome: Outcome::Released(Box::new(Released {
                respondents: st.respondents,
                participation_band: stats::participation_band(st.respondents, population, k),
                score: overall.mean,
                overall,
                dimensions,
                items,
                agreement: st.agreement,
                strengths,
                concerns,
            })),
            comments,
        });
    }
    Ok(out)
}

/// The expected size of a group: the sum over its participating teams, when
/// every one of them has a size.
fn population(
    teams: &[TeamInfo],
    members: &HashSet<i64>,
    participating: &HashSet<i64>,
) -> Option<u32> {
    teams
        .iter()
        .filter(|t| members.contains(&t.key) && participating.contains(&t.key))
        .map(|t| t.expected_size)
        .sum()
}

fn figure(s: &Summary, previous: Option<&Figure>) -> Figure {
    let se = if s.n >= 2 {
        s.sd / f64::from(s.n).sqrt()
    } else {
        0.0
    };
    let f = Figure {
        n: s.n,
        mean: round4(s.mean),
        se: round4(se),
        ci: s.ci.map(round4),
        shares: Shares {
            unfavourable: round4(s.shares.unfavourable),
            neutral: round4(s.shares.neutral),
            favourable: round4(s.shares.favourable),
        },
        change: None,
    };
    let change = previous.map(|p| {
        let c = stats::change(&as_summary(p), &as_summary(&f));
        Change {
            delta: round4(c.delta),
            ..c
        }
    });
    Figure { change, ..f }
}

/// Figures are shown with four decimals; more would be false precision.
fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

fn part(id: &str, summary: Option<&Summary>, released: bool, previous: Option<&[Part]>) -> Part {
    match summary {
        Some(s) if released => {
            let prev = previous
                .and_then(|parts| parts.iter().find(|p| p.id() == id))
                .and_then(Part::figure);
            Part::Released {
                id: id.to_string(),
                figure: figure(s, prev),
            }
        }
        _ => Part::Suppressed { id: id.to_string() },
    }
}

/// A stored figure as the summary [`stats::change`] compares.
fn as_summary(f: &Figure) -> Summary {
    Summary {
        n: f.n,
        mean: f.mean,
        sd: 0.0,
        se: f.se,
        ci: f.ci,
        shares: f.shares,
        sum: f.mean * f64::from(f.n),
    }
}
