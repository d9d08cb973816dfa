//! `spiegel round …` and `spiegel links`: opening, closing and listing
//! rounds, and handing out one-time links for a team in an open round.

use anyhow::{Context, anyhow, bail};

use super::{
    Global, LinkFormat, LinksArgs, RoundCommand, audit, is_local_url, links, outfile, today,
};
use crate::domain::audit::Action;
use crate::domain::date;
use crate::domain::org::InviteCount;
use crate::storage;

pub fn run(g: &Global, cmd: RoundCommand) -> anyhow::Result<()> {
    match cmd {
        RoundCommand::Open {
            survey,
            title,
            teams,
            all,
            closes,
        } => open(g, &survey, title, &teams, all, closes.as_deref()),
        RoundCommand::Close { id } => close(g, id),
        RoundCommand::List { json } => list(g, json),
        RoundCommand::Release { id, team } => release(g, id, team.as_deref()),
    }
}

fn release(g: &Global, id: i64, team: Option<&str>) -> anyhow::Result<()> {
    let mut conn = g.open()?;
    let round = storage::round(&conn, id)?;
    let team = team.map(|t| storage::team(&conn, t)).transpose()?;
    let today = today(&conn)?;
    let newly = storage::release(
        &mut conn,
        id,
        team.as_ref().map(|t| t.key),
        storage::COMMAND_LINE,
        today,
    )?;
    let teams = storage::teams(&conn)?;
    let name = |key: i64| {
        teams
            .iter()
            .find(|t| t.key == key)
            .map(|t| t.id.clone())
            .unwrap_or_else(|| key.to_string())
    };
    let mut held = Vec::new();
    for rel in storage::round_releases(&conn, id)? {
        if team.as_ref().is_some_and(|t| t.key != rel.team_id) {
            continue;
        }
        // Releasing from the command line is done in or after the
        // conversation: it marks the conversation held as well.
        if storage::mark_held(&conn, rel.team_id, id, storage::COMMAND_LINE, today)? {
            held.push(name(rel.team_id));
        }
        let word = if newly.contains(&rel.team_id) {
            "released"
        } else {
            "was released already"
        };
        println!(
            "round {} ({:?}) {word} to the manager of {} on {} by {}",
            round.id,
            round.title,
            name(rel.team_id),
            rel.released_on,
            rel.released_by
        );
    }
    if !newly.is_empty() {
        let what = Action::RoundReleased {
            round: id,
            teams: newly.iter().map(|k| name(*k)).collect(),
        };
        super::audit(&conn, &what)?;
    }
    if !held.is_empty() {
        println!(
            "conversation about round {id} marked held for: {} (a reflection already given can no \
             longer be changed)",
            held.join(", ")
        );
        let what = Action::ConversationsHeld {
            round: id,
            teams: held,
        };
        super::audit(&conn, &what)?;
    }
    Ok(())
}

fn open(
    g: &Global,
    survey: &str,
    title: Option<String>,
    teams: &[String],
    all: bool,
    closes: Option<&str>,
) -> anyhow::Result<()> {
    let catalog = g.catalog()?;
    let Some(s) = catalog.get(survey) else {
        bail!(
            "no survey {survey:?}; available: {}",
            catalog.ids().join(", ")
        );
    };
    let mut conn = g.open()?;
    let today = today(&conn)?;
    let closes = closes
        .map(|c| {
            date::parse_relative(c, today).with_context(|| {
                format!(
                    "--closes {c:?} is not a date like {} or a number of days or weeks \
                     from today like +14d or +2w",
                    date::add_days(today, 14)
                )
            })
        })
        .transpose()?;
    let keys = team_keys(&conn, teams, all)?;
    let title = title.unwrap_or_else(|| format!("{} {today}", s.title.nl));
    let round = storage::open_round(&mut conn, &s, title.trim(), &keys, closes, today)?;
    audit(
        &conn,
        &Action::RoundOpened {
            round: round.id,
            title: round.title.clone(),
            survey: round.survey.clone(),
            teams: round.teams.clone(),
        },
    )?;
    println!(
        "opened round {:?} with survey {} (k = {}) for: {}",
        round.title,
        round.survey,
        round.k,
        round.teams.join(", ")
    );
    if s.comment.is_some() {
        warn_comments_withheld(&conn, &round)?;
    }
    println!("{}", round.id);
    Ok(())
}

/// The keys of the teams named (or of every team not archived, for `--all`).
fn team_keys(conn: &rusqlite::Connection, teams: &[String], all: bool) -> anyhow::Result<Vec<i64>> {
    if all {
        return Ok(storage::teams(conn)?
            .iter()
            .filter(|t| t.archived_on.is_none())
            .map(|t| t.key)
            .collect());
    }
    if teams.is_empty() {
        bail!("name the teams with --teams A,B or use --all");
    }
    Ok(teams
        .iter()
        .map(|t| storage::live_team(conn, t).map(|t| t.key))
        .collect::<Result<_, _>>()?)
}

fn close(g: &Global, id: i64) -> anyhow::Result<()> {
    let mut conn = g.open()?;
    let before = storage::round(&conn, id)?;
    let today = today(&conn)?;
    let round = storage::close_round(&mut conn, id, today)?;
    if before.closed_on.is_none() {
        audit(
            &conn,
            &Action::RoundClosed {
                round: round.id,
                title: round.title.clone(),
            },
        )?;
    }
    if before.closed_on.is_some() {
        println!(
            "round {} ({:?}) was closed on {}; its order of answering is now erased",
            round.id,
            round.title,
            round.closed_on.map(|d| d.to_string()).unwrap_or_default()
        );
    } else {
        println!(
            "closed round {} ({:?}); its links no longer work and were erased, and so was \
             the order of answering",
            round.id, round.title
        );
    }
    Ok(())
}

fn list(g: &Global, json: bool) -> anyhow::Result<()> {
    let rounds = storage::rounds(&g.open()?)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&rounds)?);
        return Ok(());
    }
    println!(
        "{:>4}  {:<22} {:<28} {:<7} {:<10} {:<10} {:<10} TEAMS",
        "ID", "SURVEY", "TITLE", "STATE", "OPENED", "CLOSES", "CLOSED"
    );
    let mut not_erased = false;
    for r in rounds {
        // A purged round is closed, and its raw responses are gone.
        let name = if r.purged_on.is_some() {
            "purged"
        } else {
            r.state
        };
        let state = if r.closed_on.is_some() && r.erased_on.is_none() {
            not_erased = true;
            format!("{name}!")
        } else {
            name.to_string()
        };
        println!(
            "{:>4}  {:<22} {:<28} {:<7} {:<10} {:<10} {:<10} {}",
            r.id,
            fit(&r.survey, 22),
            fit(&r.title, 28),
            state,
            r.opened_on.to_string(),
            r.closes_on.map(|d| d.to_string()).unwrap_or_default(),
            r.closed_on.map(|d| d.to_string()).unwrap_or_default(),
            r.teams.join(",")
        );
    }
    if not_erased {
        println!(
            "! closed, but the order of answering is not yet erased: run \
             `spiegel round close ID` again"
        );
    }
    Ok(())
}

/// Text cut to `width` characters (with … at the end) for a table column.
fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut out: String = text.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Warns on standard error when a round asks for comments from teams that
/// expect fewer members than the comments need to be shown (max(k, 10)).
fn warn_comments_withheld(
    conn: &rusqlite::Connection,
    round: &storage::Round,
) -> anyhow::Result<()> {
    let minimum = round.k.max(crate::domain::results::MIN_COMMENT_RESPONDENTS);
    let small: Vec<String> = storage::teams(conn)?
        .into_iter()
        .filter(|t| round.teams.contains(&t.id))
        .filter_map(|t| {
            let size = t.expected_size?;
            (size < minimum).then(|| format!("{} ({size})", t.name))
        })
        .collect();
    if !small.is_empty() {
        eprintln!(
            "warning: survey {} asks for a comment, but comments are shown only for a team \
             with at least {minimum} respondents (the larger of k and 10); these teams expect \
             fewer members, so their comments will not be shown: {}",
            round.survey,
            small.join(", ")
        );
    }
    Ok(())
}

/// `spiegel links`: one-time links for a team in an open round.
pub fn links(g: &Global, args: &LinksArgs) -> anyhow::Result<()> {
    // Open the output first: once tokens exist they are shown nowhere else.
    let base = g.base_url()?;
    let count = InviteCount::parse(args.count).map_err(|e| anyhow!("--count: {e}"))?;
    let out = outfile::Output::create(args.out.as_deref())?;
    let mut conn = g.open()?;
    let team = storage::team(&conn, &args.team)?;
    let round = storage::round(&conn, args.round)?;
    let tokens = storage::create_invites(&mut conn, round.id, team.key, count)?;
    audit(
        &conn,
        &Action::LinksMade {
            count: tokens.len(),
            team: team.id.clone(),
            round: round.id,
        },
    )?;
    let urls = crate::slips::shuffled(tokens.iter().map(|t| format!("{base}/s/{t}")).collect());
    let body = match args.format {
        LinkFormat::Text => links::text(&urls),
        LinkFormat::Csv => links::csv(&team.name, &urls),
        LinkFormat::Html => links::html(&team.name, &round.title, &urls)?,
    };
    out.finish(body.as_bytes())?;
    if is_local_url(&base) {
        eprintln!(
            "note: these links point at {base}, which works only on this computer; for links \
             that others can open (and slips worth printing) set --base-url (or \
             SPIEGEL_BASE_URL) to the address people reach Spiegel at"
        );
    }
    if let Some(path) = &args.out {
        println!(
            "wrote {} links for {:?} to {}",
            urls.len(),
            team.name,
            path.display()
        );
    }
    Ok(())
}
