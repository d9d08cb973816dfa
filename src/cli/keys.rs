//! `spiegel key …`: creating, listing and revoking the secret keys of
//! advisors and managers.

use super::{Global, KeyCommand, audit, today};
use crate::domain::access::Principal;
use crate::domain::audit::Action;
use crate::storage;

pub fn run(g: &Global, cmd: KeyCommand) -> anyhow::Result<()> {
    match cmd {
        KeyCommand::Advisor { label } => advisor(g, &label),
        KeyCommand::Manager { team, label } => manager(g, &team, &label),
        KeyCommand::List { json } => list(g, json),
        KeyCommand::Revoke { id } => revoke(g, id),
    }
}

fn advisor(g: &Global, label: &str) -> anyhow::Result<()> {
    let base = g.base_url()?;
    let mut conn = g.open()?;
    let today = today(&conn)?;
    let (id, key) = storage::create_key(&mut conn, Principal::Advisor, label, today)?;
    audit(&conn, &Action::AdvisorKeyMade { key: id })?;
    println!(
        "advisor key {id} created; it is shown only now. Open this address, or send the key \
         as `Authorization: Bearer <key>` to the API:"
    );
    println!("{base}/a/{key}");
    Ok(())
}

fn manager(g: &Global, team: &str, label: &str) -> anyhow::Result<()> {
    let base = g.base_url()?;
    let mut conn = g.open()?;
    let t = storage::team(&conn, team)?;
    let today = today(&conn)?;
    let (id, key) =
        storage::create_key(&mut conn, Principal::Manager { team: t.key }, label, today)?;
    audit(
        &conn,
        &Action::ManagerKeyMade {
            key: id,
            team: t.id.clone(),
        },
    )?;
    println!(
        "manager key {id} for {:?} created; it is shown only now and opens this one team. \
         Open this address, or send the key as `Authorization: Bearer <key>` to the API:",
        t.name
    );
    println!("{base}/m/{key}");
    Ok(())
}

fn list(g: &Global, json: bool) -> anyhow::Result<()> {
    let keys = storage::keys(&g.open()?)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&keys)?);
        return Ok(());
    }
    println!(
        "{:>4}  {:<8} {:<24} {:<24} {:<10} REVOKED",
        "ID", "ROLE", "TEAM", "LABEL", "CREATED"
    );
    for k in keys {
        println!(
            "{:>4}  {:<8} {:<24} {:<24} {:<10} {}",
            k.id,
            k.role,
            k.team.unwrap_or_default(),
            k.label,
            k.created_on,
            k.revoked_on.map(|d| d.to_string()).unwrap_or_default()
        );
    }
    Ok(())
}

fn revoke(g: &Global, id: i64) -> anyhow::Result<()> {
    let mut conn = g.open()?;
    let today = today(&conn)?;
    storage::revoke_key(&mut conn, id, today)?;
    audit(&conn, &Action::KeyRevoked { key: id })?;
    println!("revoked key {id}; it no longer opens anything");
    Ok(())
}
