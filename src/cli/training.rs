//! `spiegel training …`: the organisation's offers of where a manager can
//! learn (a short training, an online module, intervisie with other
//! managers, a talk with the advisor), shown on the team page and the sheet.

use anyhow::{anyhow, bail};

use super::{Global, TrainingCommand};
use crate::domain::audit::Action;
use crate::domain::focus::{self, OfferError};
use crate::storage::{self, OfferKind};

pub fn run(g: &Global, cmd: TrainingCommand) -> anyhow::Result<()> {
    match cmd {
        TrainingCommand::Add {
            title,
            kind,
            url,
            dimension,
        } => add(
            g,
            &title,
            &kind,
            url.as_deref().unwrap_or(""),
            dimension.as_deref().unwrap_or(""),
        ),
        TrainingCommand::List => list(g),
        TrainingCommand::Remove { id } => remove(g, id),
    }
}

fn add(g: &Global, title: &str, kind: &str, url: &str, dimension: &str) -> anyhow::Result<()> {
    let catalog = g.catalog()?;
    let surveys: Vec<_> = catalog
        .ids()
        .iter()
        .filter_map(|id| catalog.get(id))
        .collect();
    let refs: Vec<&crate::domain::survey::Survey> = surveys.iter().map(AsRef::as_ref).collect();
    let kind_parsed = OfferKind::parse(kind);
    let checked = focus::check_offer(title, url, dimension, &refs);
    let mut errors = checked.as_ref().err().cloned().unwrap_or_default();
    if kind_parsed.is_none() {
        errors.insert(
            0,
            OfferError::UnknownKind {
                kind: kind.to_string(),
            },
        );
    }
    let (Ok(o), Some(kind)) = (checked, kind_parsed) else {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        return Err(anyhow!("{}", lines.join("; ")));
    };
    let conn = g.open()?;
    let id = storage::add_offer(&conn, o.title, kind, o.url, o.dimension)?;
    super::audit(
        &conn,
        &Action::OfferAdded {
            offer: id,
            title: o.title.to_string(),
            kind: kind.word().to_string(),
        },
    )?;
    println!("added offer {:?} ({})", o.title, kind.word());
    println!("{id}");
    Ok(())
}

fn list(g: &Global) -> anyhow::Result<()> {
    let offers = storage::offers(&g.open()?)?;
    if offers.is_empty() {
        println!("no offers yet (add one with `spiegel training add --title T`)");
        return Ok(());
    }
    println!(
        "{:>4}  {:<11} {:<20} TITLE (URL)",
        "ID", "KIND", "DIMENSION"
    );
    for o in offers {
        println!(
            "{:>4}  {:<11} {:<20} {}{}",
            o.id,
            o.kind.word(),
            o.dimension.as_deref().unwrap_or("-"),
            o.title,
            o.url.map(|u| format!(" ({u})")).unwrap_or_default()
        );
    }
    Ok(())
}

fn remove(g: &Global, id: i64) -> anyhow::Result<()> {
    let conn = g.open()?;
    let Some(o) = storage::offers(&conn)?.into_iter().find(|o| o.id == id) else {
        bail!("there is no offer {id}; see `spiegel training list`");
    };
    storage::remove_offer(&conn, id)?;
    super::audit(
        &conn,
        &Action::OfferRemoved {
            offer: id,
            title: o.title.clone(),
        },
    )?;
    println!("removed offer {id} ({:?})", o.title);
    Ok(())
}
