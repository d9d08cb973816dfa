//! `spiegel team …`: adding, listing, renaming, moving, sizing, archiving
//! and removing teams. Each change is written to the audit log.

use anyhow::anyhow;

use super::{Global, TeamCommand, audit, today};
use crate::domain::audit::Action;
use crate::domain::team::{ExpectedSize, TeamName};
use crate::storage;

pub fn run(g: &Global, cmd: TeamCommand) -> anyhow::Result<()> {
    match cmd {
        TeamCommand::Add { name, parent, size } => add(g, &name, parent.as_deref(), size),
        TeamCommand::List { json } => list(g, json),
        TeamCommand::Rename { team, new_name } => rename(g, &team, &new_name),
        TeamCommand::Move { team, parent, top } => {
            let _ = top; // clap makes --parent and --top exclusive and requires one
            move_to(g, &team, parent.as_deref())
        }
        TeamCommand::Size { team, size } => resize(g, &team, size),
        TeamCommand::Archive { team } => archive(g, &team),
        TeamCommand::Remove { team } => remove(g, &team),
    }
}

fn add(g: &Global, name: &str, parent: Option<&str>, size: Option<u32>) -> anyhow::Result<()> {
    let name = TeamName::parse(name)?;
    let size = size
        .map(|s| ExpectedSize::parse(s).map_err(|e| anyhow!("--size {s}: {e}")))
        .transpose()?;
    let mut conn = g.open()?;
    let team = storage::add_team(&mut conn, &name, parent, size)?;
    audit(
        &conn,
        &Action::TeamAdded {
            team: team.id.clone(),
            name: team.name.clone(),
        },
    )?;
    println!("added team {:?} (id {})", team.name, team.id);
    warn_small_team(&conn, &team)
}

fn list(g: &Global, json: bool) -> anyhow::Result<()> {
    let teams = storage::teams(&g.open()?)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&teams)?);
        return Ok(());
    }
    println!(
        "{:<24} {:<32} {:<24} {:>5}  STATE",
        "ID", "NAME", "PARENT", "SIZE"
    );
    for t in teams {
        println!(
            "{:<24} {:<32} {:<24} {:>5}  {}",
            t.id,
            t.name,
            t.parent.unwrap_or_default(),
            t.expected_size.map(|s| s.to_string()).unwrap_or_default(),
            t.archived_on
                .map(|d| format!("archived {d}"))
                .unwrap_or_else(|| "active".into())
        );
    }
    Ok(())
}

fn rename(g: &Global, team: &str, new_name: &str) -> anyhow::Result<()> {
    let new_name = TeamName::parse(new_name)?;
    let mut conn = g.open()?;
    let old = storage::team(&conn, team)?;
    let t = storage::rename_team(&mut conn, team, &new_name)?;
    audit(
        &conn,
        &Action::TeamRenamed {
            team: t.id.clone(),
            name: t.name.clone(),
        },
    )?;
    println!("renamed {:?} to {:?} (id {} stays)", old.name, t.name, t.id);
    Ok(())
}

fn move_to(g: &Global, team: &str, parent: Option<&str>) -> anyhow::Result<()> {
    let mut conn = g.open()?;
    let t = storage::move_team(&mut conn, team, parent)?;
    audit(
        &conn,
        &Action::TeamMoved {
            team: t.id.clone(),
            parent: t.parent.clone(),
        },
    )?;
    match &t.parent {
        Some(p) => println!("moved {:?} under {p}", t.name),
        None => println!("moved {:?} to the top (no department)", t.name),
    }
    println!(
        "closed rounds keep their results; rounds closed from now on roll up with the new place"
    );
    Ok(())
}

fn resize(g: &Global, team: &str, size: u32) -> anyhow::Result<()> {
    let expected = ExpectedSize::parse(size)?;
    let mut conn = g.open()?;
    let t = storage::set_team_size(&mut conn, team, expected)?;
    audit(
        &conn,
        &Action::TeamSize {
            team: t.id.clone(),
            size,
        },
    )?;
    println!("{:?} expects {size} members", t.name);
    warn_small_team(&conn, &t)
}

fn archive(g: &Global, team: &str) -> anyhow::Result<()> {
    let mut conn = g.open()?;
    let today = today(&conn)?;
    let t = storage::archive_team(&mut conn, team, today)?;
    audit(&conn, &Action::TeamArchived { team: t.id.clone() })?;
    println!(
        "archived {:?}: its results stay, it gets no new rounds or links",
        t.name
    );
    Ok(())
}

fn remove(g: &Global, team: &str) -> anyhow::Result<()> {
    let mut conn = g.open()?;
    let t = storage::remove_team(&mut conn, team)?;
    audit(
        &conn,
        &Action::TeamRemoved {
            team: t.id.clone(),
            name: t.name.clone(),
        },
    )?;
    println!("removed {:?} (id {})", t.name, t.id);
    Ok(())
}

/// Warns on standard error when a team's expected size is below k: its
/// results would never show on their own.
fn warn_small_team(conn: &rusqlite::Connection, team: &storage::Team) -> anyhow::Result<()> {
    let k = storage::org(conn)?.k;
    if let Some(size) = team.expected_size
        && size < k
    {
        eprintln!(
            "warning: {:?} expects {size} members, fewer than k = {k}: its results will never \
             show on their own (its answers still count in its department and the organisation)",
            team.name
        );
    }
    Ok(())
}
