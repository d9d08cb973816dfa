//! Least privilege (rule 8 of `docs/anonymity.md`): who may see what. Pure.

/// Who a key belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Principal {
    /// Sees everything that is released, every team and the organisation.
    Advisor,
    /// Sees one team: no department above it, no other team.
    Manager { team: i64 },
}

/// The kind of key, without the team: what a personal link's path
/// (`/a/…` or `/m/…`) promises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Advisor,
    Manager,
}

impl Principal {
    pub fn role(self) -> Role {
        match self {
            Principal::Advisor => Role::Advisor,
            Principal::Manager { .. } => Role::Manager,
        }
    }

    pub fn sees_team(self, team: i64) -> bool {
        match self {
            Principal::Advisor => true,
            Principal::Manager { team: own } => own == team,
        }
    }

    /// The organisation's roll-up and the overview of all teams.
    pub fn sees_organisation(self) -> bool {
        matches!(self, Principal::Advisor)
    }

    /// Comments go to advisors; to managers only when the organisation opts in.
    pub fn sees_comments(self, comments_to_managers: bool) -> bool {
        match self {
            Principal::Advisor => true,
            Principal::Manager { .. } => comments_to_managers,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manager_sees_one_team_and_no_organisation() {
        let m = Principal::Manager { team: 4 };
        assert!(m.sees_team(4));
        assert!(!m.sees_team(5));
        assert!(!m.sees_organisation());
        assert!(!m.sees_comments(false));
        assert!(m.sees_comments(true));
        assert!(Principal::Advisor.sees_team(5) && Principal::Advisor.sees_organisation());
        assert_eq!(m.role(), Role::Manager);
        assert_eq!(Principal::Advisor.role(), Role::Advisor);
    }
}
