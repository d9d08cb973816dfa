//! A closed round's results per group, under the anonymity rules of
//! `docs/anonymity.md`, whose numbers the rules below carry (pure).
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

/// Why a group is not shown: one reason for every hidden group, whatever
/// hid it. Fewer than k answered, or showing it would let a smaller group be
/// derived; saying which would bound the count (a group that "protects a
/// smaller group" had at least k, so its hidden neighbour had the rest).
///
/// Results stored before there was one reason read back as this one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    #[serde(alias = "too_few_answers", alias = "protects_smaller_group")]
    HiddenToProtectAnonymity,
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
    /// Ids of the (up to) two highest released dimensions.
    #[serde(default)]
    pub dimension_strengths: Vec<String>,
    /// Ids of the (up to) two lowest released dimensions.
    #[serde(default)]
    pub dimension_concerns: Vec<String>,
}

/// What a closed round shows for one group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    Released(Box<Released>),
    Suppressed { reason: Reason },
}

impl Outcome {
    /// The outcome of every hidden group.
    pub const HIDDEN: Outcome = Outcome::Suppressed {
        reason: Reason::HiddenToProtectAnonymity,
    };

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
    let participating: HashSet<i64> = input
        .teams
        .iter()
        .filter(|t| t.participates)
        .map(|t| t.key)
        .collect();
    let round = Round {
        input,
        tree,
        participating,
    };
    let releases = round.releases();

    let mut rng = StdRng::seed_from_u64(input.seed);
    let mut out = Vec::new();
    for g in round.tree.groups() {
        if !round.eligible(g) {
            continue;
        }
        if !releases.groups.contains(&g) {
            out.push(GroupResult {
                group: g,
                outcome: Outcome::HIDDEN,
                comments: Vec::new(),
            });
            continue;
        }
        out.push(round.released_group(g, &releases, &mut rng));
    }
    Ok(out)
}

/// What every phase of [`compute_round`] shares: the input, the team tree
/// and the teams taking part.
struct Round<'a> {
    input: &'a RoundInput<'a>,
    tree: Tree,
    participating: HashSet<i64>,
}

/// The groups the release rules let through: as a whole, and per item and
/// per dimension (in the input's order).
struct Releases {
    groups: BTreeSet<GroupId>,
    items: Vec<BTreeSet<GroupId>>,
    dimensions: Vec<BTreeSet<GroupId>>,
}

impl Round<'_> {
    /// Whether any of the group's teams takes part.
    fn eligible(&self, g: GroupId) -> bool {
        self.tree
            .members(g)
            .iter()
            .any(|m| self.participating.contains(m))
    }

    /// Applies the release rules to the respondents' counts: the groups, then
    /// each item and each dimension within the released groups.
    fn releases(&self) -> Releases {
        let (input, tree) = (self.input, &self.tree);
        let k = input.k;
        let points = input.points;
        let participating = &self.participating;
        let eligible = |g: GroupId| self.eligible(g);

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
        let open = |t: i64| participating.contains(&t);
        let released = release::release(tree, &own, k, eligible, open);
        let item_released: Vec<BTreeSet<GroupId>> = (0..input.items.len())
            .map(|i| {
                let own_i = count_by_team(&|r| answered(r, i));
                release::release(tree, &own_i, k, |g| released.contains(&g), open)
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
                release::release(tree, &own_d, k, |g| released.contains(&g), open)
            })
            .collect();
        Releases {
            groups: released,
            items: item_released,
            dimensions: dim_released,
        }
    }

    /// The figures, parts and comments of released group `g` (hidden after
    /// all should it have no overall figure).
    fn released_group(&self, g: GroupId, releases: &Releases, rng: &mut StdRng) -> GroupResult {
        let input = self.input;
        let k = input.k;
        let points = input.points;
        let members: HashSet<i64> = self.tree.members(g).into_iter().collect();
        let group_responses: Vec<&Response> = input
            .responses
            .iter()
            .filter(|r| members.contains(&r.team))
            .collect();
        let values: Vec<Vec<Option<u8>>> =
            group_responses.iter().map(|r| r.values.clone()).collect();
        let population = population(input.teams, &members, &self.participating);
        let st = stats::compute(input.items, points, &values, population);
        let previous = input.previous.get(&g).and_then(Outcome::released);
        let Some(overall) = st.overall.as_ref() else {
            // Released groups have k >= 3 respondents, so this cannot happen;
            // suppress rather than show anything if it ever does.
            return GroupResult {
                group: g,
                outcome: Outcome::HIDDEN,
                comments: Vec::new(),
            };
        };
        let overall = figure(overall, previous.map(|p| &p.overall));

        let items = item_parts(g, &st, &releases.items, previous);
        let dimensions = self.dimension_parts(g, &st, &releases.dimensions, previous);
        let (strengths, concerns) = ranked(&items);
        let (dimension_strengths, dimension_concerns) = ranked(&dimensions);
        let comments = self.comments(g, st.respondents, &group_responses, rng);

        GroupResult {
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
                dimension_strengths,
                dimension_concerns,
            })),
            comments,
        }
    }

    /// Group `g`'s part per dimension, in the survey's declared order.
    fn dimension_parts(
        &self,
        g: GroupId,
        st: &stats::GroupStats,
        dim_released: &[BTreeSet<GroupId>],
        previous: Option<&Released>,
    ) -> Vec<Part> {
        self.input
            .dimensions
            .iter()
            .zip(dim_released)
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
            .collect()
    }

    /// The comments of a leaf team with at least max(k, 10) respondents,
    /// shuffled; none for any other group.
    fn comments(
        &self,
        g: GroupId,
        respondents: u32,
        group_responses: &[&Response],
        rng: &mut StdRng,
    ) -> Vec<String> {
        let k = self.input.k;
        let leaf_team = matches!(g, GroupId::Team(_)) && self.tree.children(g).is_empty();
        let mut comments: Vec<String> =
            if leaf_team && respondents >= k.max(MIN_COMMENT_RESPONDENTS) {
                group_responses
                    .iter()
                    .filter_map(|r| r.comment.clone())
                    .collect()
            } else {
                Vec::new()
            };
        comments.shuffle(rng);
        comments
    }
}

/// Group `g`'s part per item, in the survey's order.
fn item_parts(
    g: GroupId,
    st: &stats::GroupStats,
    item_released: &[BTreeSet<GroupId>],
    previous: Option<&Released>,
) -> Vec<Part> {
    st.items
        .iter()
        .zip(item_released)
        .map(|(it, rel)| {
            part(
                &it.id,
                it.summary.as_ref(),
                rel.contains(&g),
                previous.map(|p| &p.items[..]),
            )
        })
        .collect()
}

/// Strengths first: the two highest and the two lowest released parts.
fn ranked(parts: &[Part]) -> (Vec<String>, Vec<String>) {
    let means: Vec<(String, f64)> = parts
        .iter()
        .filter_map(|p| p.figure().map(|f| (p.id().to_string(), f.mean)))
        .collect();
    stats::strengths_and_concerns(&means)
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

impl Figure {
    /// The noise rule of the change column between any two released
    /// figures of the same part: this one against an earlier one.
    pub fn change_from(&self, earlier: &Figure) -> Change {
        stats::change(&as_summary(earlier), &as_summary(self))
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn items() -> Vec<ItemDef> {
        ["a", "b", "c"]
            .iter()
            .enumerate()
            .map(|(i, id)| ItemDef {
                id: (*id).into(),
                dimension: if i < 2 { "d1".into() } else { "d2".into() },
                reverse: i == 1,
            })
            .collect()
    }

    fn dims() -> Vec<String> {
        vec!["d1".into(), "d2".into()]
    }

    fn team(key: i64, parent: Option<i64>) -> TeamInfo {
        TeamInfo {
            key,
            parent,
            expected_size: None,
            participates: true,
        }
    }

    fn answers(team: i64, n: usize, values: [Option<u8>; 3]) -> Vec<Response> {
        (0..n)
            .map(|_| Response {
                team,
                values: values.to_vec(),
                comment: None,
            })
            .collect()
    }

    fn run(teams: &[TeamInfo], responses: &[Response], k: u32) -> Vec<GroupResult> {
        let (items, dims, previous) = (items(), dims(), HashMap::new());
        compute_round(&RoundInput {
            k,
            points: 7,
            items: &items,
            dimensions: &dims,
            teams,
            responses,
            previous: &previous,
            seed: 1,
        })
        .unwrap()
    }

    fn outcome(results: &[GroupResult], g: GroupId) -> &Outcome {
        &results.iter().find(|r| r.group == g).unwrap().outcome
    }

    /// Every number in a JSON value, with its path.
    fn numbers(v: &serde_json::Value, path: &str, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Number(_) => out.push(path.to_string()),
            serde_json::Value::Array(a) => a
                .iter()
                .enumerate()
                .for_each(|(i, x)| numbers(x, &format!("{path}[{i}]"), out)),
            serde_json::Value::Object(o) => o
                .iter()
                .for_each(|(k, x)| numbers(x, &format!("{path}.{k}"), out)),
            _ => {}
        }
    }

    #[test]
    fn a_department_minus_its_teams_never_reveals_the_small_team() {
        // Department 1 with teams 2 (6 answers), 3 (7 answers), 4 (2 answers), k = 5.
        let teams = [
            team(1, None),
            team(2, Some(1)),
            team(3, Some(1)),
            team(4, Some(1)),
        ];
        let mut responses = answers(2, 6, [Some(5), Some(3), Some(6)]);
        responses.extend(answers(3, 7, [Some(4), Some(4), Some(4)]));
        responses.extend(answers(4, 2, [Some(1), Some(7), Some(1)]));
        let results = run(&teams, &responses, 5);
        let shown = |g| outcome(&results, g).released().map(|r| r.respondents);
        assert_eq!(shown(GroupId::Team(4)), None);
        assert_eq!(outcome(&results, GroupId::Team(4)), &Outcome::HIDDEN);
        // 15 − (6 + 7) = 2: the department (and the organisation, the same
        // 15) hide, the teams are shown; every hidden group reads the same.
        assert_eq!(shown(GroupId::Team(2)), Some(6));
        assert_eq!(shown(GroupId::Team(3)), Some(7));
        assert_eq!(outcome(&results, GroupId::Team(1)), &Outcome::HIDDEN);
        assert_eq!(outcome(&results, GroupId::Organisation), &Outcome::HIDDEN);
    }

    #[test]
    fn every_hidden_group_has_one_reason_also_when_stored_with_an_old_one() {
        let json = serde_json::to_string(&Outcome::HIDDEN).unwrap();
        assert_eq!(
            json,
            r#"{"status":"suppressed","reason":"hidden_to_protect_anonymity"}"#
        );
        for old in ["too_few_answers", "protects_smaller_group"] {
            let stored = format!(r#"{{"status":"suppressed","reason":"{old}"}}"#);
            let read: Outcome = serde_json::from_str(&stored).unwrap();
            assert_eq!(read, Outcome::HIDDEN);
            assert_eq!(serde_json::to_string(&read).unwrap(), json);
        }
    }

    #[test]
    fn an_item_answered_by_fewer_than_k_is_suppressed_inside_a_released_team() {
        let teams = [team(1, None)];
        let mut responses = answers(1, 4, [Some(5), Some(3), None]);
        responses.extend(answers(1, 3, [Some(6), Some(2), Some(7)]));
        let results = run(&teams, &responses, 5);
        let r = outcome(&results, GroupId::Team(1)).released().unwrap();
        assert_eq!(r.respondents, 7);
        assert!(matches!(r.items[0], Part::Released { .. }));
        assert_eq!(r.items[2], Part::Suppressed { id: "c".into() });
        // Dimension d2 holds only item c: answered by 3 → suppressed.
        assert_eq!(r.dimensions[1], Part::Suppressed { id: "d2".into() });
        assert!(r.strengths.iter().chain(&r.concerns).all(|id| id != "c"));
    }

    #[test]
    fn comments_need_max_k_10_respondents_and_a_team_without_subteams() {
        let teams = [team(1, None), team(2, Some(1)), team(3, Some(1))];
        let mut responses: Vec<Response> = Vec::new();
        for i in 0..10 {
            responses.push(Response {
                team: 2,
                values: vec![Some(5), Some(5), Some(5)],
                comment: Some(format!("opmerking {i}")),
            });
        }
        for i in 0..9 {
            responses.push(Response {
                team: 3,
                values: vec![Some(4), Some(4), Some(4)],
                comment: Some(format!("klein {i}")),
            });
        }
        let results = run(&teams, &responses, 5);
        let comments = |g| &results.iter().find(|r| r.group == g).unwrap().comments;
        let mut ten = comments(GroupId::Team(2)).clone();
        assert_eq!(ten.len(), 10);
        assert!(
            comments(GroupId::Team(3)).is_empty(),
            "9 respondents: no comments"
        );
        assert!(
            comments(GroupId::Team(1)).is_empty(),
            "roll-ups never carry comments"
        );
        assert!(comments(GroupId::Organisation).is_empty());
        let in_order: Vec<String> = (0..10).map(|i| format!("opmerking {i}")).collect();
        assert_ne!(ten, in_order, "comments are shuffled");
        ten.sort();
        let mut sorted = in_order.clone();
        sorted.sort();
        assert_eq!(ten, sorted);
    }

    #[test]
    fn change_is_flagged_only_outside_the_noise() {
        let teams = [team(1, None)];
        let (items, dims) = (items(), dims());
        let round = |responses: &[Response], previous: &HashMap<GroupId, Outcome>| {
            compute_round(&RoundInput {
                k: 5,
                points: 7,
                items: &items,
                dimensions: &dims,
                teams: &teams,
                responses,
                previous,
                seed: 1,
            })
            .unwrap()
        };
        let mut first = answers(1, 5, [Some(3), Some(4), Some(5)]);
        first.extend(answers(1, 5, [Some(5), Some(4), Some(3)]));
        let r1 = round(&first, &HashMap::new());
        let prev: HashMap<GroupId, Outcome> =
            r1.iter().map(|g| (g.group, g.outcome.clone())).collect();
        // Nearly the same answers: within noise.
        let mut same = answers(1, 5, [Some(3), Some(4), Some(5)]);
        same.extend(answers(1, 4, [Some(5), Some(4), Some(3)]));
        same.extend(answers(1, 1, [Some(5), Some(4), Some(4)]));
        let r2 = round(&same, &prev);
        let c = outcome(&r2, GroupId::Team(1))
            .released()
            .unwrap()
            .overall
            .change
            .unwrap();
        assert!(c.within_noise, "{c:?}");
        // Everybody much more positive: a real change.
        let better = answers(1, 10, [Some(7), Some(1), Some(7)]);
        let r3 = round(&better, &prev);
        let c = outcome(&r3, GroupId::Team(1))
            .released()
            .unwrap()
            .overall
            .change
            .unwrap();
        assert!(!c.within_noise && c.delta > 2.0, "{c:?}");
        // No previous round: no change at all.
        assert!(
            outcome(&r1, GroupId::Team(1))
                .released()
                .unwrap()
                .overall
                .change
                .is_none()
        );
    }

    /// Random organisations: (parent index or none) per team, answers per team.
    fn org() -> impl Strategy<Value = (Vec<TeamInfo>, Vec<Response>, u32)> {
        (1usize..12, 3u32..=7).prop_flat_map(|(n, k)| {
            let parents = proptest::collection::vec(proptest::option::of(0usize..n), n);
            let participates = proptest::collection::vec(proptest::bool::weighted(0.85), n);
            let answer = proptest::option::weighted(0.85, 1u8..=7);
            let response = (0..n, proptest::collection::vec(answer, 3));
            let responses = proptest::collection::vec(response, 0..120);
            (parents, participates, responses, Just(k)).prop_map(
                move |(parents, participates, responses, k)| {
                    // Parents only point to earlier teams: always a forest.
                    let teams: Vec<TeamInfo> = (0..n)
                        .map(|i| TeamInfo {
                            key: i as i64 + 1,
                            parent: parents[i].filter(|p| *p < i).map(|p| p as i64 + 1),
                            expected_size: None,
                            participates: participates[i],
                        })
                        .collect();
                    let responses = responses
                        .into_iter()
                        .map(|(t, values)| Response {
                            team: t as i64 + 1,
                            values,
                            comment: Some("x".into()),
                        })
                        .collect();
                    (teams, responses, k)
                },
            )
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// (1) A suppressed group or part carries no number at all.
        #[test]
        fn suppressed_output_holds_no_number((teams, responses, k) in org()) {
            for r in run(&teams, &responses, k) {
                let json = serde_json::to_value(&r.outcome).unwrap();
                match &r.outcome {
                    Outcome::Suppressed { .. } => {
                        let mut found = Vec::new();
                        numbers(&json, "$", &mut found);
                        prop_assert!(found.is_empty(), "{found:?}");
                        prop_assert_eq!(json.as_object().unwrap().len(), 2);
                        prop_assert!(r.comments.is_empty());
                    }
                    Outcome::Released(rel) => {
                        prop_assert!(rel.respondents >= k);
                        for p in rel.items.iter().chain(&rel.dimensions) {
                            if let Part::Suppressed { .. } = p {
                                let v = serde_json::to_value(p).unwrap();
                                let mut found = Vec::new();
                                numbers(&v, "$", &mut found);
                                prop_assert!(found.is_empty());
                            } else {
                                prop_assert!(p.figure().unwrap().n >= k);
                            }
                        }
                        let text = json.to_string();
                        for word in ["min", "max", "histogram"] {
                            let quoted = format!("\"{}\"", word);
                            prop_assert!(!text.contains(&quoted), "{}", word);
                        }
                    }
                }
            }
        }

        /// (2) No released counts (groups, and each item) combine into a group
        /// of 1..k−1 by subtraction; released counts are the true counts.
        #[test]
        fn no_small_group_can_be_derived((teams, responses, k) in org()) {
            let results = run(&teams, &responses, k);
            let pairs: Vec<(i64, Option<i64>)> = teams.iter().map(|t| (t.key, t.parent)).collect();
            let tree = Tree::new(&pairs).unwrap();
            let count = |pred: &dyn Fn(&Response) -> bool| {
                let mut own: HashMap<i64, u32> = HashMap::new();
                for r in responses.iter().filter(|r| pred(r)) {
                    *own.entry(r.team).or_default() += 1;
                }
                own
            };
            let own = count(&|r| r.values.iter().any(Option::is_some));
            let released: BTreeSet<GroupId> = results
                .iter()
                .filter_map(|r| r.outcome.released().map(|rel| {
                    assert_eq!(rel.respondents, tree.total(&own, r.group));
                    r.group
                }))
                .collect();
            prop_assert_eq!(release::find_violation(&tree, &own, k, &released), None);
            for i in 0..3 {
                let own_i = count(&|r| r.values[i].is_some());
                let item_released: BTreeSet<GroupId> = results
                    .iter()
                    .filter(|r| r.outcome.released().is_some_and(|rel| rel.items[i].figure().is_some()))
                    .map(|r| r.group)
                    .collect();
                prop_assert_eq!(release::find_violation(&tree, &own_i, k, &item_released), None);
            }
        }
    }

    // ---- what a reader learns from the visible outcomes ----

    /// What anyone with every result of a round sees: per group that takes
    /// part, its status and reason as serialised, and the respondents when
    /// released (the other released figures follow from the answers, not
    /// from the counts). The tree, k and who takes part are known too.
    fn visible(teams: &[TeamInfo], own: &[u32], k: u32) -> Vec<(GroupId, String)> {
        let pairs: Vec<(i64, Option<i64>)> = teams.iter().map(|t| (t.key, t.parent)).collect();
        let tree = Tree::new(&pairs).unwrap();
        let map: HashMap<i64, u32> = teams
            .iter()
            .map(|t| t.key)
            .zip(own.iter().copied())
            .collect();
        let eligible = |g: GroupId| {
            let members = tree.members(g);
            teams
                .iter()
                .any(|t| t.participates && members.contains(&t.key))
        };
        let open = |id: i64| teams.iter().any(|t| t.key == id && t.participates);
        let released = release::release(&tree, &map, k, eligible, open);
        let hidden = serde_json::to_value(Outcome::HIDDEN).unwrap();
        tree.groups()
            .into_iter()
            .filter(|&g| eligible(g))
            .map(|g| {
                let seen = if released.contains(&g) {
                    serde_json::json!({"status": "released", "reason": null, "respondents": tree.total(&map, g)})
                } else {
                    serde_json::json!({"status": hidden["status"], "reason": hidden["reason"], "respondents": null})
                };
                (g, seen.to_string())
            })
            .collect()
    }

    /// [`visible`] from the real results (slower): the two must agree.
    fn visible_from_results(teams: &[TeamInfo], own: &[u32], k: u32) -> Vec<(GroupId, String)> {
        let mut responses = Vec::new();
        for (t, n) in teams.iter().zip(own) {
            responses.extend(answers(t.key, *n as usize, [Some(4), Some(4), Some(4)]));
        }
        run(teams, &responses, k)
            .into_iter()
            .map(|r| {
                let mut v = serde_json::to_value(&r.outcome).unwrap();
                let seen = serde_json::json!({
                    "status": v["status"].take(),
                    "reason": v["reason"].take(),
                    "respondents": v["respondents"].take(),
                });
                (r.group, seen.to_string())
            })
            .collect()
    }

    /// What a hidden group's visible reason says about its total, read as
    /// literally as possible (the reasons of older versions included).
    fn reason_allows(seen: &str, total: u32, k: u32) -> bool {
        if seen.contains("\"too_few_answers\"") {
            total < k
        } else if seen.contains("\"protects_smaller_group\"") {
            total >= k
        } else {
            assert!(seen.contains("\"hidden_to_protect_anonymity\""), "{seen}");
            true
        }
    }

    /// Every assignment of counts (teams that take part: 0..=max; the others
    /// have none) that fits `seen` for a reader who knows the tree, k and who
    /// takes part, sees the released counts and reads each hidden group's
    /// reason for what it says; for each hidden group, the
    /// set of its totals over those assignments. A hidden group with a count
    /// in 1..k−1 is pinned when the reader learns it had fewer than k and,
    /// if anyone answered, exactly how many: no fitting total >= k, and only
    /// one above 0.
    fn pinned(
        teams: &[TeamInfo],
        own: &[u32],
        seen: &[(GroupId, String)],
        k: u32,
        max: u32,
    ) -> Vec<(GroupId, u32)> {
        let pairs: Vec<(i64, Option<i64>)> = teams.iter().map(|t| (t.key, t.parent)).collect();
        let tree = Tree::new(&pairs).unwrap();
        let total = |own: &[u32], g: GroupId| {
            let map: HashMap<i64, u32> = teams
                .iter()
                .map(|t| t.key)
                .zip(own.iter().copied())
                .collect();
            tree.total(&map, g)
        };
        let fits = |alt: &[u32]| {
            seen.iter().all(|(g, v)| {
                if v.contains("\"released\"") {
                    v.contains(&format!("\"respondents\":{}", total(alt, *g)))
                } else {
                    reason_allows(v, total(alt, *g), k)
                }
            })
        };
        let hidden: Vec<GroupId> = seen
            .iter()
            .filter(|(_, v)| !v.contains("\"released\""))
            .map(|(g, _)| *g)
            .collect();
        let mut sets: Vec<BTreeSet<u32>> = vec![BTreeSet::new(); hidden.len()];
        let free: Vec<usize> = (0..teams.len())
            .filter(|&i| teams[i].participates)
            .collect();
        let mut alt = vec![0u32; teams.len()];
        for code in 0..(max + 1).pow(free.len() as u32) {
            let mut c = code;
            for &i in &free {
                alt[i] = c % (max + 1);
                c /= max + 1;
            }
            if fits(&alt) {
                for (set, &g) in sets.iter_mut().zip(&hidden) {
                    set.insert(total(&alt, g));
                }
            }
        }
        hidden
            .iter()
            .zip(&sets)
            .filter_map(|(&g, set)| {
                let t = total(own, g);
                let below_k = set.iter().all(|&x| x < k);
                let above_0 = set.iter().filter(|&&x| x > 0).count();
                (t >= 1 && t < k && below_k && above_0 <= 1).then_some((g, t))
            })
            .collect()
    }

    #[test]
    fn the_reason_does_not_pin_a_neighbour() {
        // k = 3. Department 1 (takes no part itself) over Alpha 5, Beta 3,
        // Gamma 1.
        let teams = [
            TeamInfo {
                participates: false,
                ..team(1, None)
            },
            team(2, Some(1)),
            team(3, Some(1)),
            team(4, Some(1)),
        ];
        let own = [0, 5, 3, 1];
        // What a reason per cause showed: department 9, Alpha 5, Beta
        // "protects a smaller group" (so >= 3), Gamma "too few" (< 3):
        // Beta + Gamma = 4 leaves Gamma 0 or 1.
        let shown = |n: u32| format!(r#"{{"reason":null,"respondents":{n},"status":"released"}}"#);
        let hidden =
            |r: &str| format!(r#"{{"reason":"{r}","respondents":null,"status":"suppressed"}}"#);
        let before = vec![
            (GroupId::Organisation, shown(9)),
            (GroupId::Team(1), shown(9)),
            (GroupId::Team(2), shown(5)),
            (GroupId::Team(3), hidden("protects_smaller_group")),
            (GroupId::Team(4), hidden("too_few_answers")),
        ];
        assert_eq!(
            pinned(&teams, &own, &before, 3, 9),
            vec![(GroupId::Team(4), 1)],
            "the attack works on the old output"
        );
        // Now: one status and one reason for every hidden group, and the
        // attack finds nothing.
        let seen = visible_from_results(&teams, &own, 3);
        assert_eq!(seen, visible(&teams, &own, 3));
        let reasons: BTreeSet<&String> = seen
            .iter()
            .filter(|(_, v)| !v.contains("released"))
            .map(|(_, v)| v)
            .collect();
        assert_eq!(reasons.len(), 1, "{reasons:?}");
        assert_eq!(pinned(&teams, &own, &seen, 3, 9), vec![]);
    }

    /// Small organisations of 1..=4 teams, some taking no part, k 3..=4.
    fn small_org() -> impl Strategy<Value = (Vec<TeamInfo>, Vec<u32>, u32)> {
        (1usize..=4, 3u32..=4).prop_flat_map(|(n, k)| {
            (
                proptest::collection::vec(proptest::option::of(0usize..n), n),
                proptest::collection::vec(proptest::bool::weighted(0.75), n),
                proptest::collection::vec(0u32..=6, n),
                Just(k),
            )
                .prop_map(|(parents, participates, own, k)| {
                    let teams: Vec<TeamInfo> = (0..parents.len())
                        .map(|i| TeamInfo {
                            key: i as i64 + 1,
                            parent: parents[i].filter(|p| *p < i).map(|p| p as i64 + 1),
                            expected_size: None,
                            participates: participates[i],
                        })
                        .collect();
                    let own = own
                        .iter()
                        .zip(&participates)
                        .map(|(n, p)| if *p { *n } else { 0 })
                        .collect();
                    (teams, own, k)
                })
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// (3) Brute force: no combination of released counts and visible
        /// reasons pins a hidden group's count below k.
        #[test]
        fn no_hidden_count_below_k_is_pinned((teams, own, k) in small_org()) {
            let seen = visible(&teams, &own, k);
            prop_assert_eq!(pinned(&teams, &own, &seen, k, 8), vec![]);
        }

        /// The real results show what [`visible`] says they show.
        #[test]
        fn visible_matches_the_results((teams, own, k) in small_org()) {
            prop_assert_eq!(visible_from_results(&teams, &own, k), visible(&teams, &own, k));
        }
    }

    /// A reader who also replays the release rule, exhaustively: for every
    /// forest of up to `n` teams (parents point to earlier teams, so every
    /// shape occurs), every choice of which teams with sub-teams take part
    /// themselves (a team without sub-teams that takes no part is the same as
    /// no team), and every assignment of 0..=`max` respondents to the teams
    /// that take part, group the assignments by what a reader sees (which
    /// groups are shown, with their respondents; every hidden group looks the
    /// same, see [`visible`]). Within each group of assignments, a hidden
    /// group whose totals are all below k with only one of them above 0 is
    /// pinned. Outcomes with a shown total above `max` are not judged (they
    /// may need counts the enumeration does not try). Returns the pinned
    /// cases, described.
    fn replay(n: usize, k: u32, max: u32) -> Vec<String> {
        /// The forest's shape, the same for every numbering of its teams.
        fn canonical(tree: &Tree, g: GroupId) -> String {
            let mut parts: Vec<String> = tree
                .children(g)
                .into_iter()
                .map(|c| canonical(tree, c))
                .collect();
            parts.sort();
            format!("({})", parts.concat())
        }
        let mut found = Vec::new();
        let mut shapes_seen = HashSet::new();
        let mut shape = vec![0usize; n]; // shape[i]: 0 = top level, p = parent p - 1 < i
        loop {
            let parents: Vec<Option<i64>> =
                shape.iter().map(|&p| (p > 0).then_some(p as i64)).collect();
            let pairs: Vec<(i64, Option<i64>)> =
                (0..n).map(|i| (i as i64 + 1, parents[i])).collect();
            let tree = Tree::new(&pairs).unwrap();
            let new_shape = shapes_seen.insert(canonical(&tree, GroupId::Organisation));
            let inner: Vec<usize> = (0..n)
                .filter(|&i| !tree.children(GroupId::Team(i as i64 + 1)).is_empty())
                .collect();
            for choice in 0u32..(1 << inner.len()) * u32::from(new_shape) {
                let mut takes_part = vec![true; n];
                for (b, &i) in inner.iter().enumerate() {
                    takes_part[i] = choice & (1 << b) != 0;
                }
                found.extend(replay_one(&tree, &pairs, &takes_part, k, max));
            }
            // Next shape.
            let mut i = n;
            loop {
                if i == 0 {
                    return found;
                }
                i -= 1;
                if shape[i] < i {
                    shape[i] += 1;
                    break;
                }
                shape[i] = 0;
            }
        }
    }

    fn replay_one(
        tree: &Tree,
        pairs: &[(i64, Option<i64>)],
        takes_part: &[bool],
        k: u32,
        max: u32,
    ) -> Vec<String> {
        let groups = tree.groups();
        let eligible: Vec<bool> = groups
            .iter()
            .map(|&g| tree.members(g).iter().any(|&m| takes_part[m as usize - 1]))
            .collect();
        let index = |g: GroupId| match g {
            GroupId::Organisation => 0,
            GroupId::Team(id) => id as usize,
        };
        let members: Vec<Vec<usize>> = groups
            .iter()
            .map(|&g| tree.members(g).iter().map(|&m| m as usize - 1).collect())
            .collect();
        let free: Vec<usize> = (0..takes_part.len()).filter(|&i| takes_part[i]).collect();
        // Per visible outcome: an example assignment, and per group whether
        // some total was >= k and which totals in 1..k occurred (a bit mask).
        type Seen = (Vec<u32>, Vec<(bool, u32)>);
        let mut classes: HashMap<Vec<Option<u32>>, Seen> = HashMap::new();
        let mut own: HashMap<i64, u32> = pairs.iter().map(|&(t, _)| (t, 0)).collect();
        let mut counts = vec![0u32; takes_part.len()];
        for code in 0..(max + 1).pow(free.len() as u32) {
            let mut c = code;
            for &i in &free {
                counts[i] = c % (max + 1);
                own.insert(i as i64 + 1, counts[i]);
                c /= max + 1;
            }
            let released = release::release(
                tree,
                &own,
                k,
                |g| eligible[index(g)],
                |t| takes_part[t as usize - 1],
            );
            let totals: Vec<u32> = members
                .iter()
                .map(|m| m.iter().map(|&i| counts[i]).sum())
                .collect();
            let key: Vec<Option<u32>> = groups
                .iter()
                .filter(|&&g| eligible[index(g)])
                .map(|&g| released.contains(&g).then(|| totals[index(g)]))
                .collect();
            let entry = classes
                .entry(key)
                .or_insert_with(|| (counts.clone(), vec![(false, 0); groups.len()]));
            for (g, &t) in totals.iter().enumerate() {
                if t >= k {
                    entry.1[g].0 = true;
                } else if t > 0 {
                    entry.1[g].1 |= 1 << t;
                }
            }
        }
        let mut found = Vec::new();
        // A shown total above `max` may need a count above `max`, which the
        // enumeration never tries: only judge what it covers.
        let covered = |key: &Vec<Option<u32>>| key.iter().flatten().all(|&t| t <= max);
        for (key, (example, seen)) in classes.iter().filter(|(key, _)| covered(key)) {
            let hidden: Vec<GroupId> = groups
                .iter()
                .copied()
                .filter(|&g| eligible[index(g)])
                .zip(key)
                .filter(|(_, v)| v.is_none())
                .map(|(g, _)| g)
                .collect();
            for g in hidden {
                let (large, small) = seen[index(g)];
                if !large && small.count_ones() == 1 {
                    found.push(format!(
                        "k {k}, teams {pairs:?}, taking part {takes_part:?}: {g:?} is {} \
                         whenever the reader sees {key:?} (e.g. counts {example:?})",
                        small.trailing_zeros()
                    ));
                }
            }
        }
        found.sort();
        found
    }

    #[test]
    fn the_replay_finds_the_pin_of_the_old_rule() {
        // k = 3, organisation over two teams: the rule without the pin check
        // showed the organisation with 4, which left both teams at 2.
        let pairs = [(1, None), (2, None)];
        let tree = Tree::new(&pairs).unwrap();
        let own: HashMap<i64, u32> = HashMap::from([(1, 2), (2, 2)]);
        let shown = release::release(&tree, &own, 3, |_| true, |_| true);
        assert_eq!(shown, BTreeSet::new(), "the organisation hides too");
        let pins = replay_one(&tree, &pairs, &[true, true], 3, 8);
        assert_eq!(pins, Vec::<String>::new());
    }

    /// (4) No combination of released counts and visible reasons pins a
    /// hidden group's count below k, even for a reader who replays the rule
    /// on every possible count (0..=7 per team): every forest of up to four
    /// teams, k = 3..5.
    #[test]
    fn a_reader_replaying_the_rule_pins_nothing() {
        let pins: Vec<String> = std::thread::scope(|s| {
            let runs: Vec<_> = (3..=5)
                .map(|k| s.spawn(move || (1..=4).flat_map(|n| replay(n, k, 7)).collect::<Vec<_>>()))
                .collect();
            runs.into_iter().flat_map(|r| r.join().unwrap()).collect()
        });
        assert!(pins.is_empty(), "{} pins, first: {}", pins.len(), pins[0]);
    }
}
