//! Release decisions for a closed round: k-anonymity with complementary
//! suppression (rules 4–6 of `docs/anonymity.md`).
//!
//! This module is pure: no I/O, no clock, no randomness. It answers one
//! question: given the organisation's team tree, the number of units per team
//! for one round and the threshold `k`, which groups may be shown?
//!
//! # Model
//!
//! * The organisation is a forest of teams; above all top-level teams sits the
//!   organisation root. A group is [`GroupId::Organisation`] or
//!   [`GroupId::Team`]; a department is simply a team with children.
//! * Every team has `own` units for the round: the respondents who answered
//!   through that team's own links (a department may have direct
//!   respondents). A group's total is its own units plus the totals of all its
//!   descendants; the organisation's total is the sum over every team.
//! * "Units" is generic: the same functions serve whole groups (units =
//!   respondents) and single items or dimensions (units = respondents who
//!   answered that item).
//!
//! # The rule
//!
//! 1. **Threshold.** A group is released only if the caller says it is
//!    eligible (e.g. the round is closed and the team takes part) *and* its
//!    total is at least `k`.
//! 2. **No subtraction.** For every released group `G` and every antichain `S`
//!    of released proper descendants of `G` (none of them an ancestor of
//!    another; for the organisation every team is a descendant), the residual
//!    `total(G) − Σ_{s∈S} total(s)` is `0` or at least `k`. The empty
//!    antichain is included, so a released group with a total in `1..k` is a
//!    violation too. Released groups that are not in an ancestor relation are
//!    disjoint, so combining them any other way reveals nothing smaller.
//!    A residual of 0 is harmless: it is "the same respondents", nothing new.
//! 3. **No pinning.** A reader who knows this rule, the tree, `k` and which
//!    teams take part, and who sees every released total, must not be able
//!    to pin a hidden group's count below `k`: among all counts that would
//!    make the rule show exactly what it shows, every hidden group has a
//!    possible total `>= k` or at least two possible totals above 0. (A team
//!    without sub-teams is hidden only below `k`, so with `k = 3` an
//!    organisation shown with 4 over two hidden teams would give 2 each.)
//!
//! # Algorithm
//!
//! *Check.* For a group `G`, a dynamic programme over `G`'s subtree computes
//! the set of achievable residuals, capped at `k` (every value `>= k` falls
//! into one "k or more" bucket, so a set is a `Vec<bool>` of length `k + 1`):
//! `R(v) = {own(v)} ⊕ R(c1) ⊕ … ⊕ R(cn)` (⊕ is the capped sumset), and for a
//! released `v ≠ G` also `0 ∈ R(v)` (subtract `v` entirely). `G` violates the
//! rule iff `R(G)` holds a value in `1..k`. Cost per group:
//! O(subtree size × k²).
//!
//! *Fix (complementary suppression), roll-ups first.* Start from the
//! eligible groups with total `>= k`. Visit the groups in post-order
//! (descendants before their ancestors, the organisation last). A released
//! group that violates the rule is suppressed itself. Only a group with a
//! released proper descendant can violate (without one its single residual
//! is its total, `>= k`), so the groups this hides are always roll-ups
//! (departments, the organisation): a team without sub-teams is hidden only
//! when it is not eligible or has fewer than `k`, never to protect another
//! group. Teams are what the conversations are about; roll-ups are context.
//!
//! Why this suffices: a suppressed group has no residuals to check, so
//! suppressing the violating group always ends its violation; and
//! suppressing any group only removes antichains, so every other group's
//! residual set can only shrink. The hidden small part is thereby folded into
//! the nearest released ancestor's check, which hides that ancestor too when
//! the part stays below `k` there (across every level, up to the
//! organisation). One post-order pass therefore leaves no violation; a final
//! pass with the independent [`find_violation`] check would repeat the fix
//! if it ever found one (a safety net; each step suppresses one group, so it
//! terminates).
//!
//! *No pinning.* Along the same post-order pass, a `Model` keeps what a
//! reader can tell about each hidden group `v`: the set of its possible
//! *hidden parts* (its total minus its highest shown descendants, i.e. its
//! own units plus its hidden children's hidden parts). A hidden team without
//! sub-teams: `0..k` (or exactly its units when it takes no part). A hidden
//! roll-up: every value its own units (any number when it takes part; the
//! organisation has none) and its hidden children's sets can add up to at
//! which the rule hides it, a function of that value alone once everything
//! below is decided. Two checks use these sets, each a top-down pass that is
//! exact for sums over a tree:
//!
//! * a group about to be shown with hidden part `H` is hidden instead when,
//!   given `H`, some hidden group below it without shown descendants would
//!   be pinned (all its possible totals below `k`, one above 0);
//! * a hidden roll-up whose own set pins a group below it (seeing it hidden
//!   tells a reader its hidden part is small, which can squeeze a sibling
//!   when nothing above is shown) also hides at the smallest values where it
//!   would have been shown, until its set pins nothing (at worst every
//!   value, which pins nothing the children's sets do not).
//!
//! Every constraint a reader has is one of these sets or a shown total, so
//! the checks at the shown groups and at the root cover every hidden group.
//! Both checks only ever hide roll-ups. One guess is pessimistic: should an
//! open roll-up's set reach every large value (not seen for `k >= 3`), its
//! own units are treated as known. The cost is a few set operations of size
//! at most the hidden part per roll-up and possible value; roll-ups are few.
//!
//! This is a **greedy heuristic**: it may hide more roll-ups than strictly
//! necessary (hiding a lower department can sometimes save a higher one),
//! but never too few, and never a team without sub-teams. That no count is
//! pinned is checked by brute-force replay over every forest of up to four
//! teams (`results.rs: a_reader_replaying_the_rule_pins_nothing`).
//!
//! # Notes for callers
//!
//! * **The organisation** is a group like any other: it is released iff
//!   `eligible(GroupId::Organisation)` holds, its total is `>= k` and the rule
//!   holds. With a single top-level team, the organisation total equals that
//!   team's total; subtracting the team leaves residual 0, which is allowed
//!   (the organisation result is a copy of that team's result, nothing new is
//!   revealed). If that single team is *ineligible* but the organisation is
//!   eligible, the organisation result *is* that team's result under another
//!   name — see the next point.
//! * **Eligibility is not secrecy.** An ineligible or suppressed group's units
//!   still count in its ancestors' totals. The rule guarantees only that no
//!   count in `1..k` can be derived; a hidden group with `>= k` units may be
//!   derivable from released ones (e.g. parent minus its other children). If
//!   a team's data must not be shown at all, leave its units out of `own`.
//! * **`k`** is taken as given. The round configuration must enforce
//!   `k >= 3` (rule 4 of `docs/anonymity.md`); with `k <= 1` there is no small residual
//!   and every eligible group with total `>= k` is released.
//! * **Per item / per dimension.** Call [`release`] again with the per-item
//!   counts and `eligible = |g| group_released.contains(&g)`, so an item is
//!   never shown for a group whose overall result is suppressed. No pinning
//!   is guaranteed per call; what combining the calls reveals (e.g. how many
//!   respondents skipped an item) is not covered.
//! * **`open`** names the teams that collect answers through their own links
//!   in the round (a reader knows them): a hidden team without sub-teams that
//!   is open may have had anything below `k`; a roll-up that is open may have
//!   any number of own respondents. A team that is not open counts as having
//!   exactly its `own` units (normally 0).
//! * Entries in `own` for team ids that are not in the tree are ignored
//!   (they belong to no group, not even the organisation). Totals saturate at
//!   `u32::MAX` instead of overflowing.

use std::collections::{BTreeSet, HashMap};
use std::fmt;

use serde::{Deserialize, Serialize};

/// A group whose results may be released: the whole organisation or one team
/// (a department is a team with children).
///
/// Ordering: `Organisation` sorts before every team; teams sort by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum GroupId {
    Organisation,
    Team(i64),
}

/// Why a list of `(team id, parent)` pairs is not a forest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TreeError {
    /// The same team id appears twice.
    DuplicateTeam(i64),
    /// A team names a parent that is not in the list.
    UnknownParent { team: i64, parent: i64 },
    /// The team is on a parent cycle (including being its own parent). The
    /// smallest team id on or below a cycle is reported.
    Cycle(i64),
}

impl fmt::Display for TreeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TreeError::DuplicateTeam(id) => write!(f, "team {id} appears more than once"),
            TreeError::UnknownParent { team, parent } => {
                write!(f, "team {team} has unknown parent {parent}")
            }
            TreeError::Cycle(id) => write!(f, "team {id} is part of a parent cycle"),
        }
    }
}

impl std::error::Error for TreeError {}

/// Node index of the organisation root; teams are `1..=n`, sorted by id.
const ROOT: usize = 0;

/// The organisation's team forest under one root.
#[derive(Debug, Clone)]
pub struct Tree {
    /// `ids[v]` is the team id of node `v` (`ids[ROOT]` is unused).
    ids: Vec<i64>,
    index: HashMap<i64, usize>,
    /// Parent node; `None` only for the root. Top-level teams have `ROOT`.
    parent: Vec<Option<usize>>,
    /// Children per node, ascending by team id.
    children: Vec<Vec<usize>>,
    /// Post-order of all nodes (children before parents, siblings by id,
    /// root last). Every subtree is a contiguous run ending at its root.
    post: Vec<usize>,
    /// `pos[v]` is the index of `v` in `post`.
    pos: Vec<usize>,
    /// Number of nodes in `v`'s subtree, `v` included.
    size: Vec<usize>,
}

impl Tree {
    /// Build the tree from `(team id, parent team id)` pairs, in any order.
    pub fn new(teams: &[(i64, Option<i64>)]) -> Result<Tree, TreeError> {
        let mut sorted: Vec<i64> = teams.iter().map(|&(id, _)| id).collect();
        sorted.sort_unstable();
        if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
            return Err(TreeError::DuplicateTeam(w[0]));
        }
        let mut ids = Vec::with_capacity(sorted.len() + 1);
        ids.push(0);
        ids.extend(sorted);
        let index: HashMap<i64, usize> = ids
            .iter()
            .enumerate()
            .skip(1)
            .map(|(v, &id)| (id, v))
            .collect();
        let n = ids.len();

        let mut parent = vec![None; n];
        for &(id, p) in teams {
            let v = index.get(&id).copied().unwrap_or(ROOT);
            let pv = match p {
                None => ROOT,
                Some(p) if p == id => return Err(TreeError::Cycle(id)),
                Some(p) => match index.get(&p) {
                    Some(&pv) => pv,
                    None => {
                        return Err(TreeError::UnknownParent {
                            team: id,
                            parent: p,
                        });
                    }
                },
            };
            parent[v] = Some(pv);
        }
        let mut children = vec![Vec::new(); n];
        for (v, p) in parent.iter().enumerate().skip(1) {
            if let Some(p) = *p {
                children[p].push(v); // v ascends, so children stay sorted by id
            }
        }

        // Iterative post-order from the root; nodes on a cycle are unreachable.
        let mut post = Vec::with_capacity(n);
        let mut stack: Vec<(usize, usize)> = vec![(ROOT, 0)];
        while let Some(top) = stack.last_mut() {
            let (v, next) = *top;
            if let Some(&c) = children[v].get(next) {
                top.1 += 1;
                stack.push((c, 0));
            } else {
                post.push(v);
                stack.pop();
            }
        }
        if post.len() != n {
            let mut seen = vec![false; n];
            for &v in &post {
                seen[v] = true;
            }
            let first = (1..n).find(|&v| !seen[v]).map_or(0, |v| ids[v]);
            return Err(TreeError::Cycle(first));
        }
        let mut pos = vec![0; n];
        let mut size = vec![1; n];
        for (i, &v) in post.iter().enumerate() {
            pos[v] = i;
            size[v] += children[v].iter().map(|&c| size[c]).sum::<usize>();
        }
        Ok(Tree {
            ids,
            index,
            parent,
            children,
            post,
            pos,
            size,
        })
    }

    /// Every group: the organisation first, then every team by ascending id.
    pub fn groups(&self) -> Vec<GroupId> {
        (0..self.ids.len()).map(|v| self.gid(v)).collect()
    }

    /// Whether `g` is a group of this tree (the organisation always is).
    pub fn contains(&self, g: GroupId) -> bool {
        self.node(g).is_some()
    }

    /// The group's total: its own units plus those of all descendants
    /// (saturating). 0 for a team that is not in the tree.
    pub fn total(&self, own: &HashMap<i64, u32>, g: GroupId) -> u32 {
        self.members(g)
            .iter()
            .map(|id| own.get(id).copied().unwrap_or(0))
            .fold(0u32, u32::saturating_add)
    }

    /// The team ids whose own units make up `g`: `g` itself and all its
    /// descendants, ascending (every team for the organisation; empty for a
    /// team that is not in the tree).
    pub fn members(&self, g: GroupId) -> Vec<i64> {
        let Some(v) = self.node(g) else {
            return Vec::new();
        };
        let mut out: Vec<i64> = self
            .subtree(v)
            .iter()
            .filter(|&&u| u != ROOT)
            .map(|&u| self.ids[u])
            .collect();
        out.sort_unstable();
        out
    }

    /// Direct children, ascending by id (the top-level teams for the
    /// organisation; empty for a team that is not in the tree).
    pub fn children(&self, g: GroupId) -> Vec<GroupId> {
        self.node(g)
            .map(|v| self.children[v].iter().map(|&c| self.gid(c)).collect())
            .unwrap_or_default()
    }

    /// The parent group (`Organisation` for a top-level team); `None` for the
    /// organisation and for a team that is not in the tree.
    pub fn parent(&self, g: GroupId) -> Option<GroupId> {
        let v = self.node(g)?;
        self.parent[v].map(|p| self.gid(p))
    }

    fn node(&self, g: GroupId) -> Option<usize> {
        match g {
            GroupId::Organisation => Some(ROOT),
            GroupId::Team(id) => self.index.get(&id).copied(),
        }
    }

    fn gid(&self, v: usize) -> GroupId {
        if v == ROOT {
            GroupId::Organisation
        } else {
            GroupId::Team(self.ids[v])
        }
    }

    /// `v`'s subtree in post-order (`v` last).
    fn subtree(&self, v: usize) -> &[usize] {
        let end = self.pos[v] + 1;
        &self.post[end - self.size[v]..end]
    }
}

/// One round's counts laid out on the tree's nodes.
struct Counts<'a> {
    tree: &'a Tree,
    own: Vec<u32>,
    total: Vec<u32>,
    k: u32,
}

impl<'a> Counts<'a> {
    fn new(tree: &'a Tree, own: &HashMap<i64, u32>, k: u32) -> Self {
        let n = tree.ids.len();
        let own: Vec<u32> = (0..n)
            .map(|v| {
                if v == ROOT {
                    0
                } else {
                    own.get(&tree.ids[v]).copied().unwrap_or(0)
                }
            })
            .collect();
        let mut total = own.clone();
        for &v in &tree.post {
            if let Some(p) = tree.parent[v] {
                total[p] = total[p].saturating_add(total[v]);
            }
        }
        Counts {
            tree,
            own,
            total,
            k,
        }
    }

    /// The smallest residual of `g` in `1..k`, if any (see the module docs).
    fn violation(&self, released: &[bool], g: usize) -> Option<u32> {
        // Residuals never exceed total(g), so the cap is min(k, total(g)):
        // below it values are exact, index `cap` means "cap or more".
        let cap = self.k.min(self.total[g]) as usize;
        let sub = self.tree.subtree(g);
        let start = self.tree.pos[g] + 1 - sub.len();
        let mut sets: Vec<Vec<bool>> = Vec::with_capacity(sub.len());
        for &v in sub {
            let mut set = vec![false; cap + 1];
            set[(self.own[v] as usize).min(cap)] = true;
            for &c in &self.tree.children[v] {
                let child = std::mem::take(&mut sets[self.tree.pos[c] - start]);
                set = sumset(&set, &child, cap);
            }
            if released[v] && v != g {
                set[0] = true;
            }
            sets.push(set);
        }
        let set = sets.pop().unwrap_or_default();
        set.iter()
            .enumerate()
            .skip(1)
            .find(|&(r, &hit)| hit && (r as u64) < u64::from(self.k))
            .map(|(r, _)| r as u32)
    }

    /// What `v`'s residuals add to its hidden part (`v`'s own units and its
    /// hidden descendants' outside any shown one): the residuals of `v` are
    /// exactly `hidden part + r` for `r` in this set, capped at `k` (index
    /// `k` means "k or more"). Only the shown descendants count here, so a
    /// reader can compute the set.
    fn offsets(&self, released: &[bool], g: usize) -> Vec<bool> {
        let cap = self.k as usize;
        let sub = self.tree.subtree(g);
        let start = self.tree.pos[g] + 1 - sub.len();
        // covered[i]: sub[i] lies in or under a shown proper descendant of g.
        let mut covered = vec![false; sub.len()];
        for (i, &v) in sub.iter().enumerate().rev() {
            if v != g {
                let p = self.tree.parent[v].map_or(g, |p| p);
                let parent_covered = p != g && covered[self.tree.pos[p] - start];
                covered[i] = released[v] || parent_covered;
            }
        }
        let mut sets: Vec<Vec<bool>> = Vec::with_capacity(sub.len());
        for (i, &v) in sub.iter().enumerate() {
            let mut set = vec![false; cap + 1];
            let own = if covered[i] { self.own[v] as usize } else { 0 };
            set[own.min(cap)] = true;
            for &c in &self.tree.children[v] {
                let child = std::mem::take(&mut sets[self.tree.pos[c] - start]);
                set = sumset(&set, &child, cap);
            }
            if released[v] && v != g {
                set[0] = true;
            }
            sets.push(set);
        }
        sets.pop().unwrap_or_default()
    }

    /// The first violation in post-order.
    fn first_violation(&self, released: &[bool]) -> Option<(usize, u32)> {
        self.tree
            .post
            .iter()
            .filter(|&&g| released[g])
            .find_map(|&g| self.violation(released, g).map(|r| (g, r)))
    }

    fn to_set(&self, released: &[bool]) -> BTreeSet<GroupId> {
        (0..released.len())
            .filter(|&v| released[v])
            .map(|v| self.tree.gid(v))
            .collect()
    }
}

/// Capped sumset: `{min(a + b, cap) | a ∈ x, b ∈ y}`.
fn sumset(x: &[bool], y: &[bool], cap: usize) -> Vec<bool> {
    let mut out = vec![false; cap + 1];
    for (a, _) in x.iter().enumerate().filter(|&(_, &hit)| hit) {
        for (b, _) in y.iter().enumerate().filter(|&(_, &hit)| hit) {
            out[(a + b).min(cap)] = true;
        }
    }
    out
}

/// Decide releases. `eligible(g)` is the caller's precondition (e.g. the team
/// takes part in the round); groups with total < k are never released.
/// `open(team)` says whether the team collects answers through links of its
/// own in this round (a reader knows which teams take part); a team that is
/// not open is taken to have exactly its `own` units, normally 0.
/// Returns the set of released groups; every other group is suppressed.
///
/// The result satisfies the no-subtraction rule ([`find_violation`] returns
/// `None`), pins no hidden count (see the module docs), is a subset of the
/// eligible groups with total `>= k`, and depends only on the inputs (not on
/// the order of the tree's input pairs or of `own`). `eligible` is called
/// once per group, `open` once per team.
pub fn release(
    tree: &Tree,
    own: &HashMap<i64, u32>,
    k: u32,
    eligible: impl Fn(GroupId) -> bool,
    open: impl Fn(i64) -> bool,
) -> BTreeSet<GroupId> {
    let counts = Counts::new(tree, own, k);
    let n = tree.ids.len();
    let elig: Vec<bool> = (0..n).map(|v| eligible(tree.gid(v))).collect();
    let open: Vec<bool> = (0..n).map(|v| v != ROOT && open(tree.ids[v])).collect();
    let mut released: Vec<bool> = (0..n).map(|v| counts.total[v] >= k && elig[v]).collect();
    let mut model = Model::new(&counts, open);
    for &g in &tree.post {
        model.decide(&mut released, &elig, g);
    }
    // Safety net; by monotonicity the pass above leaves nothing to do.
    while let Some((g, _)) = counts.first_violation(&released) {
        released[g] = false;
    }
    counts.to_set(&released)
}

/// A set of whole numbers `{base + i | bits[i]}`.
#[derive(Debug, Clone, Default)]
struct Set {
    base: u64,
    bits: Vec<bool>,
}

impl Set {
    fn single(x: u64) -> Set {
        Set {
            base: x,
            bits: vec![true],
        }
    }

    /// `lo..=hi` (empty when `hi < lo`).
    fn range(lo: u64, hi: u64) -> Set {
        let len = hi.checked_sub(lo).map_or(0, |d| d as usize + 1);
        Set {
            base: lo,
            bits: vec![true; len],
        }
    }

    fn contains(&self, x: u64) -> bool {
        x.checked_sub(self.base)
            .and_then(|i| self.bits.get(i as usize))
            .copied()
            .unwrap_or(false)
    }

    fn values(&self) -> impl Iterator<Item = u64> + '_ {
        self.bits
            .iter()
            .enumerate()
            .filter(|&(_, &hit)| hit)
            .map(|(i, _)| self.base + i as u64)
    }

    fn min(&self) -> Option<u64> {
        self.values().next()
    }

    fn max(&self) -> Option<u64> {
        self.bits
            .iter()
            .rposition(|&hit| hit)
            .map(|i| self.base + i as u64)
    }

    /// `{a + b | a ∈ self, b ∈ other, a + b <= limit}`.
    fn plus(&self, other: &Set, limit: u64) -> Set {
        let base = self.base.saturating_add(other.base);
        let (Some(a), Some(b)) = (self.max(), other.max()) else {
            return Set::default();
        };
        let top = a.saturating_add(b).min(limit);
        if top < base {
            return Set::default();
        }
        let mut out = Set {
            base,
            bits: vec![false; (top - base) as usize + 1],
        };
        for a in self.values() {
            for b in other.values() {
                let s = a + b;
                if s > top {
                    break;
                }
                out.bits[(s - base) as usize] = true;
            }
        }
        out
    }

    /// The values `y` of `part` that leave, from some `z` of `whole`, a rest
    /// `z − y` in `rest`.
    fn split(part: &Set, whole: &Set, rest: &Rest) -> Set {
        let mut out = part.clone();
        for (i, bit) in out.bits.iter_mut().enumerate() {
            let y = part.base + i as u64;
            *bit = *bit && whole.values().any(|z| z >= y && rest.contains(z - y));
        }
        out
    }
}

/// What may make up the rest of a sum: exactly a set, or any number from
/// some value on.
#[derive(Debug, Clone)]
enum Rest {
    Exact(Set),
    From(u64),
}

impl Rest {
    fn contains(&self, x: u64) -> bool {
        match self {
            Rest::Exact(set) => set.contains(x),
            Rest::From(min) => x >= *min,
        }
    }
}

/// A group whose possible counts are these is pinned: all below `k`, and
/// only one above 0.
fn pinned(counts: &Set, k: u64) -> bool {
    counts.max().is_some_and(|top| top < k) && counts.values().filter(|&y| y > 0).count() == 1
}

/// What a reader who knows the rule can infer (the module docs, "No
/// pinning"), built bottom-up alongside the decisions.
struct Model<'a> {
    counts: &'a Counts<'a>,
    /// Teams that collect answers through links of their own.
    open: Vec<bool>,
    /// `hidden_part[v]`: `v`'s own units plus its hidden children's hidden
    /// parts, i.e. `v`'s total minus its highest shown descendants.
    hidden_part: Vec<u64>,
    /// The total of `v`'s highest shown descendants (what a reader sees of
    /// `v`'s subtree).
    shown_below: Vec<u64>,
    /// For a hidden group: every hidden part it could have had and still be
    /// hidden, given everything shown below it.
    possible: Vec<Set>,
    /// For a hidden group: [`Model::rests`] as a reader sees them.
    rests: Vec<Vec<(usize, Rest)>>,
}

impl<'a> Model<'a> {
    fn new(counts: &'a Counts<'a>, open: Vec<bool>) -> Self {
        let n = counts.own.len();
        Model {
            counts,
            open,
            hidden_part: vec![0; n],
            shown_below: vec![0; n],
            possible: vec![Set::default(); n],
            rests: vec![Vec::new(); n],
        }
    }

    /// Decide `v` (its descendants are decided) and, when it is hidden,
    /// record what a reader can tell about it.
    fn decide(&mut self, released: &mut [bool], eligible: &[bool], v: usize) {
        let tree = self.counts.tree;
        let k = u64::from(self.counts.k);
        let own = u64::from(self.counts.own[v]);
        let (part, below) = self.tally(released, v);

        if v != ROOT && tree.children[v].is_empty() {
            // A team without sub-teams: hidden exactly when it is not
            // eligible or has fewer than k; a reader knows no more than that.
            if !released[v] {
                self.possible[v] = if self.open[v] && own < k {
                    Set::range(0, k - 1)
                } else {
                    Set::single(own)
                };
            }
            return;
        }

        let (unknown, possible) = self.possible_parts(released, eligible, v, below);
        // `possible` holds every hidden part at which `v` hides (in the
        // open case every larger part than `top` is shown, like `top`).
        debug_assert!(
            released[v] || possible.contains(part),
            "a group that must hide hides"
        );
        if possible.contains(part) {
            released[v] = false;
            let limit = possible.max().unwrap_or(0);
            self.rests[v] = self.rests(released, v, unknown, limit);
            self.possible[v] = possible;
        } else {
            debug_assert!(released[v], "a group that must hide hides");
        }
    }

    /// Records `v`'s hidden part and what is shown below it (its children
    /// are decided), and returns both.
    fn tally(&mut self, released: &[bool], v: usize) -> (u64, u64) {
        let tree = self.counts.tree;
        let own = u64::from(self.counts.own[v]);
        let (mut part, mut below) = (own, 0u64);
        for &c in &tree.children[v] {
            if released[c] {
                below += u64::from(self.counts.total[c]);
            } else {
                part += self.hidden_part[c];
                below += self.shown_below[c];
            }
        }
        self.hidden_part[v] = part;
        self.shown_below[v] = below;
        (part, below)
    }

    /// Every hidden part at which group `v` (with sub-teams, `below` shown
    /// under it) hides, and whether its own units count as unknown.
    fn possible_parts(
        &self,
        released: &[bool],
        eligible: &[bool],
        v: usize,
        below: u64,
    ) -> (bool, Set) {
        let tree = self.counts.tree;
        let k = u64::from(self.counts.k);
        let own = u64::from(self.counts.own[v]);
        let offsets = self.counts.offsets(released, v);
        let hidden: Vec<usize> = tree.children[v]
            .iter()
            .copied()
            .filter(|&c| !released[c])
            .collect();
        let children = hidden.iter().fold(Set::single(0), |acc, &c| {
            acc.plus(&self.possible[c], u64::MAX)
        });
        let top = children.max().unwrap_or(0).max(k);
        let limit = top.max(children.max().unwrap_or(0) + own);
        let root = self.rests(released, v, self.open[v], limit);
        // Whether the rule so far hides `v` when its hidden part is `x`;
        // everything else it looks at (what is shown below `v`) is fixed.
        let hides = |model: &Model<'_>, x: u64| {
            !eligible[v]
                || x + below < k
                || offsets
                    .iter()
                    .enumerate()
                    .any(|(r, &hit)| hit && (1..k).contains(&(x + r as u64)))
                || model.pins(v, &root, &Set::single(x))
        };
        // What a reader can tell about `v` if it is hidden: every hidden part
        // it could have, given its own units (unknown for an open group with
        // sub-teams) and its hidden children. Should that set pin a group
        // below `v` (a reader who sees `v` hidden learns its hidden part is
        // small), `v` also hides at the smallest values where it would be
        // shown, until the set pins nothing. `threshold` is the largest value
        // added that way.
        //
        // For an open group, every value from the sum of its children's
        // maxima on (and from k on) looks the same to the rule, so `top`
        // bounds the set; should it reach `top` (it does not for k >= 3),
        // the group's own units count as known instead.
        let widen = |model: &Model<'_>, unknown: bool| -> Option<Set> {
            if unknown && hides(model, top) {
                return None;
            }
            let candidates = if unknown {
                children.plus(&Set::range(0, top), top)
            } else {
                children.plus(&Set::single(own), u64::MAX)
            };
            let mut possible = candidates.clone();
            for (i, bit) in possible.bits.iter_mut().enumerate() {
                *bit = *bit && hides(model, candidates.base + i as u64);
            }
            while model.pins(v, &root, &possible) {
                let Some(i) =
                    (0..possible.bits.len()).find(|&i| candidates.bits[i] && !possible.bits[i])
                else {
                    break;
                };
                possible.bits[i] = true;
            }
            (!unknown || !possible.contains(top)).then_some(possible)
        };
        match self.open[v].then(|| widen(self, true)).flatten() {
            Some(found) => (true, found),
            None => (false, widen(self, false).unwrap_or_default()),
        }
    }

    /// Whether showing `v` with hidden part `x` would let a reader pin the
    /// count of a hidden group below it: every count it could have is below
    /// k and only one of them is above 0.
    fn pins(&self, v: usize, rests: &[(usize, Rest)], start: &Set) -> bool {
        let k = u64::from(self.counts.k);
        if self.shown_below[v] == 0 && pinned(start, k) {
            return true;
        }
        let mut stack = vec![(rests, start.clone())];
        while let Some((rests, feasible)) = stack.pop() {
            for (c, rest) in rests {
                let can = Set::split(&self.possible[*c], &feasible, rest);
                if self.shown_below[*c] == 0 && pinned(&can, k) {
                    return true;
                }
                stack.push((&self.rests[*c], can));
            }
        }
        false
    }

    /// For each hidden child `c` of `w`: every sum, up to `limit`, of `w`'s
    /// own units (any number when `unknown`) and its other hidden children's
    /// possible hidden parts; `w`'s hidden part is `c`'s plus one of these.
    fn rests(&self, released: &[bool], w: usize, unknown: bool, limit: u64) -> Vec<(usize, Rest)> {
        let hidden: Vec<usize> = self.counts.tree.children[w]
            .iter()
            .copied()
            .filter(|&c| !released[c])
            .collect();
        if unknown {
            // Any number of own units: every sum from the smallest on.
            let mins: Vec<u64> = hidden
                .iter()
                .map(|&c| self.possible[c].min().unwrap_or(0))
                .collect();
            let all: u64 = mins.iter().sum();
            return hidden
                .iter()
                .zip(&mins)
                .map(|(&c, &m)| (c, Rest::From(all - m)))
                .collect();
        }
        // prefix[i]: own ⊕ the first i hidden children; suffix[i]: the
        // hidden children from i on.
        let mut prefix = vec![Set::single(u64::from(self.counts.own[w]))];
        for &c in &hidden {
            let next = prefix[prefix.len() - 1].plus(&self.possible[c], limit);
            prefix.push(next);
        }
        let mut suffix = vec![Set::single(0); hidden.len() + 1];
        for i in (0..hidden.len()).rev() {
            suffix[i] = suffix[i + 1].plus(&self.possible[hidden[i]], limit);
        }
        hidden
            .iter()
            .enumerate()
            .map(|(i, &c)| (c, Rest::Exact(prefix[i].plus(&suffix[i + 1], limit))))
            .collect()
    }
}

/// The check on its own, for tests and for assertions: `Some((g, residual))`
/// for the first released group (in post-order: descendants before
/// ancestors, siblings by ascending id, the organisation last) with a
/// residual in `1..k`; the residual reported is that group's smallest one.
///
/// Any set may be checked, also one `release` would never produce: a
/// released group with a total in `1..k` is reported with its total (the
/// empty antichain). Released teams that are not in the tree are ignored.
pub fn find_violation(
    tree: &Tree,
    own: &HashMap<i64, u32>,
    k: u32,
    released: &BTreeSet<GroupId>,
) -> Option<(GroupId, u32)> {
    let counts = Counts::new(tree, own, k);
    let flags: Vec<bool> = (0..tree.ids.len())
        .map(|v| released.contains(&tree.gid(v)))
        .collect();
    counts
        .first_violation(&flags)
        .map(|(g, r)| (tree.gid(g), r))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use proptest::sample::Index;

    use GroupId::{Organisation as Org, Team};

    fn counts(pairs: &[(i64, u32)]) -> HashMap<i64, u32> {
        pairs.iter().copied().collect()
    }

    fn set(groups: &[GroupId]) -> BTreeSet<GroupId> {
        groups.iter().copied().collect()
    }

    fn teams_only(g: GroupId) -> bool {
        g != Org
    }

    fn everything(_: GroupId) -> bool {
        true
    }

    // ---- independent brute force, built only from the raw input pairs ----

    /// Proper ancestors of `team` by walking the raw parent pairs.
    fn ancestors(teams: &[(i64, Option<i64>)], team: i64) -> Vec<i64> {
        let parent: HashMap<i64, Option<i64>> = teams.iter().copied().collect();
        let mut out = Vec::new();
        let mut cur = parent.get(&team).copied().flatten();
        while let Some(p) = cur {
            out.push(p);
            cur = parent.get(&p).copied().flatten();
        }
        out
    }

    /// `a` lies strictly inside `g`.
    fn proper_descendant(teams: &[(i64, Option<i64>)], a: GroupId, g: GroupId) -> bool {
        match (a, g) {
            (Team(_), Org) => true,
            (Team(a), Team(g)) => ancestors(teams, a).contains(&g),
            (Org, _) => false,
        }
    }

    fn brute_total(teams: &[(i64, Option<i64>)], own: &HashMap<i64, u32>, g: GroupId) -> i64 {
        teams
            .iter()
            .filter(|&&(t, _)| Team(t) == g || proper_descendant(teams, Team(t), g))
            .map(|&(t, _)| i64::from(own.get(&t).copied().unwrap_or(0)))
            .sum()
    }

    /// Every residual of every released group over ALL antichains of its
    /// released proper descendants; the first one in `1..k`.
    fn brute_violation(
        teams: &[(i64, Option<i64>)],
        own: &HashMap<i64, u32>,
        k: u32,
        released: &BTreeSet<GroupId>,
    ) -> Option<(GroupId, i64)> {
        for &g in released {
            let desc: Vec<GroupId> = released
                .iter()
                .copied()
                .filter(|&a| proper_descendant(teams, a, g))
                .collect();
            assert!(desc.len() <= 16, "brute force is for small trees");
            for mask in 0u32..(1 << desc.len()) {
                let chosen: Vec<GroupId> = (0..desc.len())
                    .filter(|i| mask & (1 << i) != 0)
                    .map(|i| desc[i])
                    .collect();
                let antichain = chosen.iter().all(|&x| {
                    chosen
                        .iter()
                        .all(|&y| x == y || !proper_descendant(teams, x, y))
                });
                if !antichain {
                    continue;
                }
                let residual = brute_total(teams, own, g)
                    - chosen
                        .iter()
                        .map(|&s| brute_total(teams, own, s))
                        .sum::<i64>();
                assert!(residual >= 0, "antichain subtracts more than the group");
                if residual >= 1 && residual < i64::from(k) {
                    return Some((g, residual));
                }
            }
        }
        None
    }

    /// Assert the rule with both checks and return the released set.
    fn checked(
        teams: &[(i64, Option<i64>)],
        own: &HashMap<i64, u32>,
        k: u32,
        eligible: impl Fn(GroupId) -> bool,
    ) -> BTreeSet<GroupId> {
        let tree = Tree::new(teams).expect("valid tree");
        let out = release(&tree, own, k, eligible, |_| true);
        assert_eq!(find_violation(&tree, own, k, &out), None);
        assert_eq!(brute_violation(teams, own, k, &out), None);
        out
    }

    /// All values an observer can compute as released group minus an
    /// antichain of released proper descendants.
    fn derivable(
        teams: &[(i64, Option<i64>)],
        own: &HashMap<i64, u32>,
        released: &BTreeSet<GroupId>,
    ) -> BTreeSet<i64> {
        let mut out = BTreeSet::new();
        for &g in released {
            let desc: Vec<GroupId> = released
                .iter()
                .copied()
                .filter(|&a| proper_descendant(teams, a, g))
                .collect();
            for mask in 0u32..(1 << desc.len()) {
                let chosen: Vec<GroupId> = (0..desc.len())
                    .filter(|i| mask & (1 << i) != 0)
                    .map(|i| desc[i])
                    .collect();
                if chosen.iter().all(|&x| {
                    chosen
                        .iter()
                        .all(|&y| x == y || !proper_descendant(teams, x, y))
                }) {
                    out.insert(
                        brute_total(teams, own, g)
                            - chosen
                                .iter()
                                .map(|&s| brute_total(teams, own, s))
                                .sum::<i64>(),
                    );
                }
            }
        }
        out
    }

    // ---- Tree ----

    #[test]
    fn tree_accessors() {
        // 1 ─┬─ 2 ── 4
        //    └─ 3
        // 5 (top level)
        let tree = Tree::new(&[
            (4, Some(2)),
            (3, Some(1)),
            (5, None),
            (2, Some(1)),
            (1, None),
        ])
        .expect("valid");
        assert_eq!(
            tree.groups(),
            vec![Org, Team(1), Team(2), Team(3), Team(4), Team(5)]
        );
        assert_eq!(tree.children(Org), vec![Team(1), Team(5)]);
        assert_eq!(tree.children(Team(1)), vec![Team(2), Team(3)]);
        assert_eq!(tree.children(Team(4)), vec![]);
        assert_eq!(tree.children(Team(99)), vec![]);
        assert_eq!(tree.members(Org), vec![1, 2, 3, 4, 5]);
        assert_eq!(tree.members(Team(1)), vec![1, 2, 3, 4]);
        assert_eq!(tree.members(Team(2)), vec![2, 4]);
        assert_eq!(tree.members(Team(99)), Vec::<i64>::new());
        assert_eq!(tree.parent(Team(4)), Some(Team(2)));
        assert_eq!(tree.parent(Team(5)), Some(Org));
        assert_eq!(tree.parent(Org), None);
        assert!(tree.contains(Org) && tree.contains(Team(3)) && !tree.contains(Team(6)));
        let own = counts(&[(1, 1), (2, 2), (3, 4), (4, 8), (5, 16), (77, 1000)]);
        assert_eq!(tree.total(&own, Team(4)), 8);
        assert_eq!(tree.total(&own, Team(2)), 10);
        assert_eq!(tree.total(&own, Team(1)), 15);
        assert_eq!(tree.total(&own, Org), 31, "unknown team 77 is ignored");
        assert_eq!(tree.total(&own, Team(77)), 0);
    }

    #[test]
    fn tree_errors() {
        assert_eq!(
            Tree::new(&[(1, None), (2, Some(3))]).err(),
            Some(TreeError::UnknownParent { team: 2, parent: 3 })
        );
        assert_eq!(Tree::new(&[(1, Some(1))]).err(), Some(TreeError::Cycle(1)));
        assert_eq!(
            Tree::new(&[
                (1, None),
                (2, Some(3)),
                (3, Some(4)),
                (4, Some(2)),
                (5, Some(4))
            ])
            .err(),
            Some(TreeError::Cycle(2))
        );
        assert_eq!(
            Tree::new(&[(1, None), (1, None)]).err(),
            Some(TreeError::DuplicateTeam(1))
        );
        let empty = Tree::new(&[]).expect("an organisation without teams");
        assert_eq!(empty.groups(), vec![Org]);
        assert_eq!(
            release(&empty, &HashMap::new(), 5, everything, |_| true),
            set(&[])
        );
        assert!(!TreeError::Cycle(7).to_string().is_empty());
    }

    #[test]
    fn totals_saturate() {
        let tree = Tree::new(&[(1, None), (2, Some(1))]).expect("valid");
        let own = counts(&[(1, u32::MAX), (2, 5)]);
        assert_eq!(tree.total(&own, Team(1)), u32::MAX);
        assert_eq!(tree.total(&own, Org), u32::MAX);
        let out = release(&tree, &own, 5, everything, |_| true);
        assert_eq!(find_violation(&tree, &own, 5, &out), None);
    }

    // ---- release: worked examples ----

    #[test]
    fn noord_7_facilitair_2_shows_noord_and_hides_both_roll_ups() {
        // Organisation ── Zorg (1) ─┬─ Noord (2): 7
        //                           └─ Facilitair (3): 2     k = 5
        let teams = [(1, None), (2, Some(1)), (3, Some(1))];
        let own = counts(&[(2, 7), (3, 2)]);
        let tree = Tree::new(&teams).expect("valid");
        // Hiding only the department is not enough: the organisation (9)
        // minus Noord (7) would give Facilitair's 2 across two levels.
        assert_eq!(
            find_violation(&tree, &own, 5, &set(&[Org, Team(2)])),
            Some((Org, 2))
        );
        // Hiding Noord to keep the roll-ups is what the rule no longer does.
        let out = checked(&teams, &own, 5, everything);
        assert_eq!(out, set(&[Team(2)]), "Noord shown, both roll-ups hidden");
        assert_eq!(derivable(&teams, &own, &out), BTreeSet::from([7]));
    }

    #[test]
    fn roll_ups_are_hidden_before_teams() {
        // Department 1 over 6, 7 and 2 (k = 5).
        let teams = [(1, None), (2, Some(1)), (3, Some(1)), (4, Some(1))];
        let own = counts(&[(2, 6), (3, 7), (4, 2)]);
        let tree = Tree::new(&teams).expect("valid");
        // Without suppression the 2 is derivable as 15 - 6 - 7.
        let naive = set(&[Team(1), Team(2), Team(3)]);
        assert_eq!(find_violation(&tree, &own, 5, &naive), Some((Team(1), 2)));
        // Hiding the 6 would also be safe (15 - 7 = 8), but a team goes
        // only when hiding roll-ups does not suffice: the department hides.
        let teams_hidden = set(&[Team(1), Team(3)]);
        assert_eq!(find_violation(&tree, &own, 5, &teams_hidden), None);
        let out = checked(&teams, &own, 5, teams_only);
        assert_eq!(out, set(&[Team(2), Team(3)]));
        assert_eq!(derivable(&teams, &own, &out), BTreeSet::from([6, 7]));
        // The organisation over the single department is the same 15: it
        // hides as well, or 15 - 6 - 7 would come back one level up.
        let out = checked(&teams, &own, 5, everything);
        assert_eq!(out, set(&[Team(2), Team(3)]));
    }

    #[test]
    fn a_roll_up_that_would_pin_its_hidden_teams_hides() {
        // k = 3: the organisation shown with 4 over two hidden teams (each
        // below 3, so at most 2) would tell a reader both had 2.
        let teams = [(1, None), (2, None)];
        let own = counts(&[(1, 2), (2, 2)]);
        assert_eq!(checked(&teams, &own, 3, everything), set(&[]));
        // 3 = 1 + 2 or 2 + 1 pins neither: the organisation is shown.
        let own = counts(&[(1, 1), (2, 2)]);
        assert_eq!(checked(&teams, &own, 3, everything), set(&[Org]));
        // k = 5: 8 over two hidden teams would be 4 + 4.
        let own = counts(&[(1, 4), (2, 4)]);
        assert_eq!(checked(&teams, &own, 5, everything), set(&[]));
        let own = counts(&[(1, 3), (2, 4)]);
        assert_eq!(checked(&teams, &own, 5, everything), set(&[Org]));
        // The same one level down, beside a shown team: department 1 (taking
        // no part itself) over 4 + 4 hides, and so does the organisation
        // (20 − 12 = 8 = 4 + 4).
        let teams = [(1, None), (2, Some(1)), (3, Some(1)), (4, None)];
        let own = counts(&[(2, 4), (3, 4), (4, 12)]);
        let tree = Tree::new(&teams).expect("valid");
        let out = release(&tree, &own, 5, everything, |t| t != 1);
        assert_eq!(out, set(&[Team(4)]));
        // docs/formulas.md: Zorg (1) over Noord 6, Zuid 7 and Klein, with
        // Facilitair 4 beside it, taking no part itself (k = 5).
        let teams = [
            (1, None),
            (2, Some(1)),
            (3, Some(1)),
            (4, Some(1)),
            (5, None),
        ];
        let tree = Tree::new(&teams).expect("valid");
        let own = counts(&[(2, 6), (3, 7), (4, 2), (5, 4)]);
        let out = release(&tree, &own, 5, everything, |t| t != 1);
        assert_eq!(
            out,
            set(&[Org, Team(2), Team(3)]),
            "19 - 13 = 6 pins nothing"
        );
        let own = counts(&[(2, 6), (3, 7), (4, 4), (5, 4)]);
        let out = release(&tree, &own, 5, everything, |t| t != 1);
        assert_eq!(out, set(&[Team(2), Team(3)]), "21 - 13 = 8 = 4 + 4");
        // A department with respondents of its own can absorb any split.
        let teams = [(1, None), (2, Some(1)), (3, Some(1))];
        let own = counts(&[(1, 2), (2, 4), (3, 4)]);
        let tree = Tree::new(&teams).expect("valid");
        assert_eq!(
            release(&tree, &own, 5, teams_only, |_| true),
            set(&[Team(1)])
        );
        // ... but not when it takes no part itself (its own units are 0).
        let own = counts(&[(2, 4), (3, 4)]);
        assert_eq!(release(&tree, &own, 5, teams_only, |t| t != 1), set(&[]));
    }

    #[test]
    fn children_6_and_2_show_the_6() {
        let teams = [(1, None), (2, Some(1)), (3, Some(1))];
        let own = counts(&[(2, 6), (3, 2)]);
        let out = checked(&teams, &own, 5, teams_only);
        assert_eq!(
            out,
            set(&[Team(2)]),
            "the 6 shown, the department of 8 hidden"
        );
        assert!(!derivable(&teams, &own, &out).contains(&2));
    }

    #[test]
    fn organisation_over_two_departments() {
        // 10: 11 (6), 12 (5)          total 11
        // 20: 21 (4), 22 (9)          total 13
        let mut teams = vec![
            (10, None),
            (11, Some(10)),
            (12, Some(10)),
            (20, None),
            (21, Some(20)),
            (22, Some(20)),
        ];
        let mut own = counts(&[(11, 6), (12, 5), (21, 4), (22, 9)]);
        let out = checked(&teams, &own, 5, everything);
        // 20 - 22 = 4 → department 20 hides; then the organisation (24)
        // minus 10 and 22 gives the same 4 one level up: it hides too.
        // (Hiding team 22 instead would have kept both roll-ups: teams first.)
        assert_eq!(out, set(&[Team(10), Team(11), Team(12), Team(22)]));
        let seen = derivable(&teams, &own, &out);
        assert!(!seen.contains(&4));

        // A small top-level team (3) joins the organisation's hidden part:
        // 27 - 11 - 9 = 7, so the organisation is shown again.
        teams.push((30, None));
        own.insert(30, 3);
        let out = checked(&teams, &own, 5, everything);
        assert_eq!(out, set(&[Org, Team(10), Team(11), Team(12), Team(22)]));
        assert!(!derivable(&teams, &own, &out).contains(&3));
    }

    #[test]
    fn department_with_direct_respondents() {
        // Department own 3, children 5 and 5: 13 - 5 - 5 = 3.
        let teams = [(1, None), (2, Some(1)), (3, Some(1))];
        let own = counts(&[(1, 3), (2, 5), (3, 5)]);
        let tree = Tree::new(&teams).expect("valid");
        let all = set(&[Team(1), Team(2), Team(3)]);
        assert_eq!(find_violation(&tree, &own, 5, &all), Some((Team(1), 3)));
        let out = checked(&teams, &own, 5, teams_only);
        // The department hides; both teams of 5 stay.
        assert_eq!(out, set(&[Team(2), Team(3)]));
        assert!(!derivable(&teams, &own, &out).contains(&3));
    }

    #[test]
    fn grandchild_creates_the_small_residual() {
        // 1 (own 2) ── 2 (own 0) ── 3 (own 10): 12 - 10 = 2 across two levels.
        let teams = [(1, None), (2, Some(1)), (3, Some(2))];
        let own = counts(&[(1, 2), (3, 10)]);
        // Middle level not taking part: the top hides, the grandchild stays.
        let out = checked(&teams, &own, 5, |g| g != Org && g != Team(2));
        assert_eq!(out, set(&[Team(3)]));
        // Middle level taking part (10, same as the grandchild, residual 0):
        // it stays, and only the top hides.
        let out = checked(&teams, &own, 5, teams_only);
        assert_eq!(out, set(&[Team(2), Team(3)]));
        // Only the lower levels: nothing to subtract from, all shown.
        let out = checked(&teams, &own, 5, |g| g == Team(2) || g == Team(3));
        assert_eq!(out, set(&[Team(2), Team(3)]));
    }

    #[test]
    fn violation_inside_a_subtree_is_fixed_there_first() {
        // 1 ─┬─ 2 (own 2) ── 3 (48)     2 - 3 = 2, also 1 - 3 - 4 = 2
        //    └─ 4 (50)
        let teams = [(1, None), (2, Some(1)), (3, Some(2)), (4, Some(1))];
        let own = counts(&[(2, 2), (3, 48), (4, 50)]);
        // 2 hides (2 - 3 = 2), which leaves 1 - 3 - 4 = 2: 1 hides too.
        let out = checked(&teams, &own, 5, teams_only);
        assert_eq!(out, set(&[Team(3), Team(4)]), "both teams shown");
    }

    #[test]
    fn k_is_3() {
        let teams = [(1, None), (2, Some(1)), (3, Some(1)), (4, Some(1))];
        // 3 + 3 + 2 = 8: 8 - 3 - 3 = 2; the department hides.
        let own = counts(&[(2, 3), (3, 3), (4, 2)]);
        let out = checked(&teams, &own, 3, teams_only);
        assert_eq!(out, set(&[Team(2), Team(3)]));
        // A residual of exactly k is allowed: 9 - 3 - 3 = 3.
        let own = counts(&[(1, 3), (2, 3), (3, 3)]);
        let out = checked(&teams, &own, 3, teams_only);
        assert_eq!(out, set(&[Team(1), Team(2), Team(3)]));
        // Exactly k - 1 is never shown.
        let own = counts(&[(2, 2)]);
        assert_eq!(checked(&teams, &own, 3, everything), set(&[]));
    }

    #[test]
    fn single_top_level_team_and_organisation() {
        let teams = [(1, None), (2, Some(1))];
        let own = counts(&[(2, 6)]);
        // Organisation, department and team are the same 6 people: residual 0.
        let out = checked(&teams, &own, 5, everything);
        assert_eq!(out, set(&[Org, Team(1), Team(2)]));
        assert_eq!(derivable(&teams, &own, &out), BTreeSet::from([0, 6]));
    }

    #[test]
    fn eligibility_is_respected() {
        let teams = [(1, None), (2, None)];
        let own = counts(&[(1, 9), (2, 9)]);
        assert_eq!(checked(&teams, &own, 5, |_| false), set(&[]));
        let out = checked(&teams, &own, 5, |g| g == Team(2));
        assert_eq!(out, set(&[Team(2)]));
    }

    #[test]
    fn find_violation_reports_small_released_groups_and_ignores_unknown() {
        let tree = Tree::new(&[(1, None)]).expect("valid");
        let own = counts(&[(1, 4)]);
        assert_eq!(
            find_violation(&tree, &own, 5, &set(&[Team(1)])),
            Some((Team(1), 4))
        );
        assert_eq!(find_violation(&tree, &own, 5, &set(&[Team(42)])), None);
        assert_eq!(find_violation(&tree, &own, 4, &set(&[Team(1), Org])), None);
    }

    #[test]
    fn tiny_k_has_no_small_residuals() {
        let teams = [(1, None), (2, Some(1))];
        let own = counts(&[(1, 1), (2, 1)]);
        let tree = Tree::new(&teams).expect("valid");
        assert_eq!(
            release(&tree, &own, 1, everything, |_| true),
            set(&[Org, Team(1), Team(2)])
        );
        assert_eq!(
            release(&tree, &own, 0, everything, |_| true),
            set(&[Org, Team(1), Team(2)])
        );
    }

    #[test]
    fn group_id_serde_shape() {
        // The derive must exist; the shape is serde's externally tagged form.
        fn assert_serde<T: Serialize + for<'de> Deserialize<'de>>() {}
        assert_serde::<GroupId>();
        assert!(Org < Team(i64::MIN));
    }

    // ---- property tests ----

    #[derive(Debug, Clone)]
    struct Case {
        teams: Vec<(i64, Option<i64>)>,
        own: HashMap<i64, u32>,
        k: u32,
        eligible: BTreeSet<GroupId>,
    }

    /// A random forest of 1..=max teams with shuffled ids and input order,
    /// own counts 0..=15, k in 3..=7 and random eligibility.
    fn case(max: usize) -> impl Strategy<Value = Case> {
        (1..=max, 3u32..=7)
            .prop_flat_map(|(n, k)| {
                (
                    Just(k),
                    prop::collection::vec(prop::option::weighted(0.75, any::<Index>()), n),
                    Just((0..n as i64).map(|i| i * 3 - 10).collect::<Vec<_>>()).prop_shuffle(),
                    Just((0..n).collect::<Vec<usize>>()).prop_shuffle(),
                    prop::collection::vec(0u32..=15, n),
                    prop::collection::vec(prop::bool::weighted(0.85), n + 1),
                )
            })
            .prop_map(|(k, parents, ids, order, own, elig)| {
                let parent = |i: usize| {
                    if i == 0 {
                        None
                    } else {
                        parents[i].as_ref().map(|ix| ids[ix.index(i)])
                    }
                };
                Case {
                    teams: order.iter().map(|&i| (ids[i], parent(i))).collect(),
                    own: (0..ids.len()).map(|i| (ids[i], own[i])).collect(),
                    k,
                    eligible: std::iter::once(Org)
                        .chain(ids.iter().map(|&id| Team(id)))
                        .zip(elig)
                        .filter(|&(_, e)| e)
                        .map(|(g, _)| g)
                        .collect(),
                }
            })
    }

    fn run(c: &Case) -> (Tree, BTreeSet<GroupId>) {
        let tree = Tree::new(&c.teams).expect("generated forests are valid");
        let out = release(&tree, &c.own, c.k, |g| c.eligible.contains(&g), |_| true);
        (tree, out)
    }

    fn candidates(tree: &Tree, c: &Case) -> BTreeSet<GroupId> {
        tree.groups()
            .into_iter()
            .filter(|&g| c.eligible.contains(&g) && tree.total(&c.own, g) >= c.k)
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        /// (1) The released set passes the DP check.
        #[test]
        fn released_has_no_violation(c in case(25)) {
            let (tree, out) = run(&c);
            prop_assert_eq!(find_violation(&tree, &c.own, c.k, &out), None);
        }

        /// (2) The released set passes the brute-force check over all
        /// antichains (independent implementation on the raw input).
        #[test]
        fn released_passes_brute_force(c in case(8)) {
            let (_, out) = run(&c);
            prop_assert_eq!(brute_violation(&c.teams, &c.own, c.k, &out), None);
        }

        /// (2b) DP and brute force agree on arbitrary released sets
        /// (including unsafe ones and groups below k).
        #[test]
        fn dp_agrees_with_brute_force(c in case(8)) {
            let tree = Tree::new(&c.teams).expect("valid");
            let dp = find_violation(&tree, &c.own, c.k, &c.eligible);
            let brute = brute_violation(&c.teams, &c.own, c.k, &c.eligible);
            prop_assert_eq!(dp.is_some(), brute.is_some(), "dp {:?} brute {:?}", dp, brute);
            if let Some((g, r)) = dp {
                prop_assert!(r >= 1 && r < c.k);
                prop_assert!(c.eligible.contains(&g));
            }
        }

        /// (3) Every released group is eligible and has total >= k.
        #[test]
        fn released_groups_are_eligible_and_large(c in case(25)) {
            let (tree, out) = run(&c);
            for g in &out {
                prop_assert!(c.eligible.contains(g));
                prop_assert!(tree.total(&c.own, *g) >= c.k);
            }
        }

        /// (4) Same input, same output; also when the tree's input pairs
        /// come in another order.
        #[test]
        fn deterministic(c in case(25)) {
            let (_, a) = run(&c);
            let (_, b) = run(&c);
            prop_assert_eq!(&a, &b);
            let mut reversed = c.clone();
            reversed.teams.reverse();
            let (_, r) = run(&reversed);
            prop_assert_eq!(&a, &r);
        }

        /// (6) Teams first: complementary suppression never hides a team
        /// without sub-teams; every eligible one with total >= k is shown.
        #[test]
        fn teams_without_sub_teams_are_never_hidden_to_protect_others(c in case(25)) {
            let (tree, out) = run(&c);
            for g in candidates(&tree, &c) {
                if matches!(g, Team(_)) && tree.children(g).is_empty() {
                    prop_assert!(out.contains(&g), "{:?} hidden", g);
                }
            }
        }

        /// (5) Released ⊆ eligible with total >= k; and nothing is suppressed
        /// when that set is already safe and holds every group (with nothing
        /// hidden, no hidden count can be pinned either).
        #[test]
        fn released_is_subset_of_candidates(c in case(25)) {
            let (tree, out) = run(&c);
            let cand = candidates(&tree, &c);
            prop_assert!(out.is_subset(&cand));
            let everything = tree.groups().iter().all(|g| cand.contains(g));
            if find_violation(&tree, &c.own, c.k, &cand).is_none() && everything {
                prop_assert_eq!(&out, &cand);
            }
        }
    }
}
