//! What a set-up action in the audit log was: one variant per kind of action,
//! kept as data (stored as JSON beside its English line) so that the log
//! reads in the page's language. Never an answer, a link or a key: only ids,
//! names, counts, settings and days.

use serde::{Deserialize, Serialize};

use super::date::Date;
use super::lang::Lang;

/// One set-up action done in the browser, on the command line or by the
/// server itself (retention).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "what", rename_all = "snake_case")]
pub enum Action {
    /// `spiegel init`: the database and its first advisor key.
    DatabaseCreated,
    TeamAdded {
        team: String,
        name: String,
    },
    TeamRenamed {
        team: String,
        name: String,
    },
    /// Moved under `parent`, or to the top when there is none.
    TeamMoved {
        team: String,
        parent: Option<String>,
    },
    TeamSize {
        team: String,
        size: u32,
    },
    TeamArchived {
        team: String,
    },
    TeamRemoved {
        team: String,
        name: String,
    },
    RoundOpened {
        round: i64,
        title: String,
        survey: String,
        teams: Vec<String>,
    },
    RoundClosed {
        round: i64,
        title: String,
    },
    /// Released by the advisor to one team's manager (the team page).
    RoundReleasedTo {
        round: i64,
        team: String,
    },
    /// Released to the managers of these teams (`spiegel round release`).
    RoundReleased {
        round: i64,
        teams: Vec<String>,
    },
    /// The conversation with one team's manager marked held (the team page).
    ConversationHeld {
        round: i64,
        team: String,
    },
    /// The conversations with these teams' managers marked held (`spiegel
    /// round release`).
    ConversationsHeld {
        round: i64,
        teams: Vec<String>,
    },
    LinksMade {
        count: usize,
        team: String,
        round: i64,
    },
    AdvisorKeyMade {
        key: i64,
    },
    ManagerKeyMade {
        key: i64,
        team: String,
    },
    KeyRevoked {
        key: i64,
    },
    KSet {
        k: u32,
    },
    CommentsToManagers {
        on: bool,
    },
    /// Automatic retention in months; 0 is off.
    RetentionSet {
        months: u32,
    },
    /// The release mode's word: `after-advisor` or `at-close`.
    ReleaseModeSet {
        mode: String,
    },
    TimeZoneSet {
        zone: String,
    },
    /// `spiegel purge --before`.
    Purged {
        responses: i64,
        before: Date,
        rounds: Vec<i64>,
    },
    /// The server's daily retention.
    RetentionPurged {
        responses: i64,
        rounds: Vec<i64>,
    },
    FocusRecorded {
        team: String,
        round: i64,
        dimension: String,
        check_on: Date,
    },
    /// `kind` is the offer kind's word (training, module, intervisie).
    OfferAdded {
        offer: i64,
        title: String,
        kind: String,
    },
    OfferRemoved {
        offer: i64,
        title: String,
    },
}

fn list<T: ToString>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

impl Action {
    /// The line in the log. The English line is the one stored in the
    /// `action` column and printed by `spiegel audit`: it must not change.
    pub fn text(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.english(),
            Lang::Nl => self.dutch(),
        }
    }

    fn english(&self) -> String {
        use Action::*;
        match self {
            DatabaseCreated => "database created, first advisor key made".to_string(),
            TeamAdded { team, name } => format!("team added: {name} ({team})"),
            TeamRenamed { team, name } => format!("team {team} renamed to {name}"),
            TeamMoved { team, parent } => format!(
                "team {team} moved under {}",
                parent.as_deref().unwrap_or("(top)")
            ),
            TeamSize { team, size } => format!("team {team} expects {size} members"),
            TeamArchived { team } => format!("team {team} archived"),
            TeamRemoved { team, name } => format!("team removed: {name} ({team})"),
            RoundOpened {
                round,
                title,
                survey,
                teams,
            } => format!(
                "round {round} opened: {title} ({survey}), teams {}",
                list(teams)
            ),
            RoundClosed { round, title } => format!("round {round} closed: {title}"),
            RoundReleasedTo { round, team } => {
                format!("round {round} released to the manager of {team}")
            }
            RoundReleased { round, teams } => {
                format!("round {round} released to the managers of {}", list(teams))
            }
            ConversationHeld { round, team } => {
                format!("conversation about round {round} with the manager of {team} held")
            }
            ConversationsHeld { round, teams } => format!(
                "conversation about round {round} with the managers of {} held",
                list(teams)
            ),
            LinksMade { count, team, round } => {
                format!("{count} links made for team {team} in round {round}")
            }
            AdvisorKeyMade { key } => format!("advisor key {key} made"),
            ManagerKeyMade { key, team } => format!("manager key {key} made for team {team}"),
            KeyRevoked { key } => format!("key {key} revoked"),
            KSet { k } => format!("k set to {k} for rounds opened from now on"),
            CommentsToManagers { on } => {
                format!("comments to managers {}", if *on { "on" } else { "off" })
            }
            RetentionSet { months: 0 } => "automatic retention turned off".to_string(),
            RetentionSet { months } => format!("automatic retention set to {months} months"),
            ReleaseModeSet { mode } => format!("release to managers set to {mode}"),
            TimeZoneSet { zone } => format!("time zone set to {zone}"),
            Purged {
                responses,
                before,
                rounds,
            } => format!(
                "purged {responses} raw responses of rounds closed before {before}: {}",
                list(rounds)
            ),
            RetentionPurged { responses, rounds } => format!(
                "retention purged {responses} raw responses of rounds {}",
                list(rounds)
            ),
            FocusRecorded {
                team,
                round,
                dimension,
                check_on,
            } => format!(
                "focus of {team} for round {round} recorded: {dimension}, check on {check_on}"
            ),
            OfferAdded { offer, title, kind } => {
                format!("training offer {offer} added: {title:?} ({kind})")
            }
            OfferRemoved { offer, title } => {
                format!("training offer {offer} removed: {title:?}")
            }
        }
    }

    fn dutch(&self) -> String {
        use Action::*;
        match self {
            DatabaseCreated => {
                "database aangemaakt, eerste sleutel voor een vertrouwenspersoon gemaakt"
                    .to_string()
            }
            TeamAdded { team, name } => format!("team toegevoegd: {name} ({team})"),
            TeamRenamed { team, name } => format!("team {team} hernoemd tot {name}"),
            TeamMoved { team, parent } => match parent {
                Some(p) => format!("team {team} verplaatst naar onder {p}"),
                None => format!("team {team} verplaatst naar het hoogste niveau"),
            },
            TeamSize { team, size } => format!("team {team} verwacht {size} leden"),
            TeamArchived { team } => format!("team {team} gearchiveerd"),
            TeamRemoved { team, name } => format!("team verwijderd: {name} ({team})"),
            RoundOpened {
                round,
                title,
                survey,
                teams,
            } => format!(
                "ronde {round} geopend: {title} ({survey}), teams {}",
                list(teams)
            ),
            RoundClosed { round, title } => format!("ronde {round} gesloten: {title}"),
            RoundReleasedTo { round, team } => {
                format!("ronde {round} vrijgegeven aan de leidinggevende van {team}")
            }
            RoundReleased { round, teams } => format!(
                "ronde {round} vrijgegeven aan de leidinggevenden van {}",
                list(teams)
            ),
            ConversationHeld { round, team } => {
                format!("gesprek over ronde {round} met de leidinggevende van {team} gevoerd")
            }
            ConversationsHeld { round, teams } => format!(
                "gesprek over ronde {round} met de leidinggevenden van {} gevoerd",
                list(teams)
            ),
            LinksMade { count, team, round } => {
                format!("{count} links gemaakt voor team {team} in ronde {round}")
            }
            AdvisorKeyMade { key } => {
                format!("sleutel {key} voor een vertrouwenspersoon gemaakt")
            }
            ManagerKeyMade { key, team } => {
                format!("sleutel {key} voor de leidinggevende van team {team} gemaakt")
            }
            KeyRevoked { key } => format!("sleutel {key} ingetrokken"),
            KSet { k } => format!("k op {k} gezet voor rondes die vanaf nu openen"),
            CommentsToManagers { on } => format!(
                "opmerkingen naar leidinggevenden {}",
                if *on { "aan" } else { "uit" }
            ),
            RetentionSet { months: 0 } => "automatisch wissen uitgezet".to_string(),
            RetentionSet { months } => {
                format!("ruwe antwoorden worden automatisch gewist na {months} maanden")
            }
            ReleaseModeSet { mode } => {
                let when = match mode.as_str() {
                    "after-advisor" => "na vrijgave door de vertrouwenspersoon",
                    "at-close" => "meteen bij het sluiten van de ronde",
                    other => other,
                };
                format!("uitkomsten naar leidinggevenden: {when} ({mode})")
            }
            TimeZoneSet { zone } => format!("tijdzone op {zone} gezet"),
            Purged {
                responses,
                before,
                rounds,
            } => format!(
                "{responses} ruwe antwoorden gewist van rondes gesloten vóór {before}: {}",
                list(rounds)
            ),
            RetentionPurged { responses, rounds } => format!(
                "automatisch wissen: {responses} ruwe antwoorden van rondes {}",
                list(rounds)
            ),
            FocusRecorded {
                team,
                round,
                dimension,
                check_on,
            } => format!(
                "focus van {team} voor ronde {round} vastgelegd: {dimension}, terugkijken op \
                 {check_on}"
            ),
            OfferAdded { offer, title, kind } => {
                format!("leeraanbod {offer} toegevoegd: {title:?} ({kind})")
            }
            OfferRemoved { offer, title } => {
                format!("leeraanbod {offer} verwijderd: {title:?}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Date {
        s.parse().unwrap()
    }

    /// One of each kind, with the English line stored before actions were
    /// kept as data (scripts and tests read these).
    fn all() -> Vec<(Action, &'static str)> {
        use Action::*;
        let s = |v: &str| v.to_string();
        vec![
            (DatabaseCreated, "database created, first advisor key made"),
            (
                TeamAdded {
                    team: s("noord"),
                    name: s("Noord"),
                },
                "team added: Noord (noord)",
            ),
            (
                TeamRenamed {
                    team: s("zuid"),
                    name: s("Zuidoost"),
                },
                "team zuid renamed to Zuidoost",
            ),
            (
                TeamMoved {
                    team: s("noord"),
                    parent: Some(s("zorg")),
                },
                "team noord moved under zorg",
            ),
            (
                TeamMoved {
                    team: s("noord"),
                    parent: None,
                },
                "team noord moved under (top)",
            ),
            (
                TeamSize {
                    team: s("noord"),
                    size: 7,
                },
                "team noord expects 7 members",
            ),
            (TeamArchived { team: s("zuid") }, "team zuid archived"),
            (
                TeamRemoved {
                    team: s("weg"),
                    name: s("Weg"),
                },
                "team removed: Weg (weg)",
            ),
            (
                RoundOpened {
                    round: 1,
                    title: s("April"),
                    survey: s("pulse"),
                    teams: vec![s("noord"), s("zuid")],
                },
                "round 1 opened: April (pulse), teams noord, zuid",
            ),
            (
                RoundClosed {
                    round: 1,
                    title: s("April"),
                },
                "round 1 closed: April",
            ),
            (
                RoundReleasedTo {
                    round: 1,
                    team: s("noord"),
                },
                "round 1 released to the manager of noord",
            ),
            (
                RoundReleased {
                    round: 1,
                    teams: vec![s("zorg"), s("noord")],
                },
                "round 1 released to the managers of zorg, noord",
            ),
            (
                ConversationHeld {
                    round: 1,
                    team: s("noord"),
                },
                "conversation about round 1 with the manager of noord held",
            ),
            (
                ConversationsHeld {
                    round: 1,
                    teams: vec![s("noord")],
                },
                "conversation about round 1 with the managers of noord held",
            ),
            (
                LinksMade {
                    count: 3,
                    team: s("noord"),
                    round: 1,
                },
                "3 links made for team noord in round 1",
            ),
            (AdvisorKeyMade { key: 3 }, "advisor key 3 made"),
            (
                ManagerKeyMade {
                    key: 2,
                    team: s("noord"),
                },
                "manager key 2 made for team noord",
            ),
            (KeyRevoked { key: 3 }, "key 3 revoked"),
            (KSet { k: 6 }, "k set to 6 for rounds opened from now on"),
            (CommentsToManagers { on: true }, "comments to managers on"),
            (CommentsToManagers { on: false }, "comments to managers off"),
            (RetentionSet { months: 0 }, "automatic retention turned off"),
            (
                RetentionSet { months: 24 },
                "automatic retention set to 24 months",
            ),
            (
                ReleaseModeSet {
                    mode: s("at-close"),
                },
                "release to managers set to at-close",
            ),
            (
                TimeZoneSet {
                    zone: s("Europe/Amsterdam"),
                },
                "time zone set to Europe/Amsterdam",
            ),
            (
                Purged {
                    responses: 12,
                    before: day("2026-01-01"),
                    rounds: vec![1, 2],
                },
                "purged 12 raw responses of rounds closed before 2026-01-01: 1, 2",
            ),
            (
                RetentionPurged {
                    responses: 5,
                    rounds: vec![4],
                },
                "retention purged 5 raw responses of rounds 4",
            ),
            (
                FocusRecorded {
                    team: s("alfa"),
                    round: 1,
                    dimension: s("openness"),
                    check_on: day("2099-01-31"),
                },
                "focus of alfa for round 1 recorded: openness, check on 2099-01-31",
            ),
            (
                OfferAdded {
                    offer: 4,
                    title: s("Nieuw"),
                    kind: s("module"),
                },
                "training offer 4 added: \"Nieuw\" (module)",
            ),
            (
                OfferRemoved {
                    offer: 1,
                    title: s("Luisteren"),
                },
                "training offer 1 removed: \"Luisteren\"",
            ),
        ]
    }

    #[test]
    fn the_english_line_is_the_one_stored_before() {
        for (a, line) in all() {
            assert_eq!(a.text(Lang::En), line);
        }
    }

    #[test]
    fn every_action_has_its_own_dutch_line() {
        let mut seen = std::collections::HashSet::new();
        for (a, english) in all() {
            let nl = a.text(Lang::Nl);
            assert_ne!(nl, english, "{a:?} is not translated");
            assert!(seen.insert(nl.clone()), "{nl:?} twice");
        }
        let added = Action::TeamAdded {
            team: "noord".into(),
            name: "Noord".into(),
        };
        assert_eq!(added.text(Lang::Nl), "team toegevoegd: Noord (noord)");
        assert_eq!(
            Action::KeyRevoked { key: 3 }.text(Lang::Nl),
            "sleutel 3 ingetrokken"
        );
    }

    #[test]
    fn an_action_goes_to_json_and_back() {
        for (a, _) in all() {
            let json = serde_json::to_string(&a).unwrap();
            assert_eq!(serde_json::from_str::<Action>(&json).unwrap(), a, "{json}");
        }
        let json = serde_json::to_value(Action::KeyRevoked { key: 3 }).unwrap();
        assert_eq!(json, serde_json::json!({"what": "key_revoked", "key": 3}));
    }

    #[test]
    fn an_unknown_kind_is_not_an_action() {
        assert!(serde_json::from_str::<Action>(r#"{"what":"later"}"#).is_err());
    }
}
