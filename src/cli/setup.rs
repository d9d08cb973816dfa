//! Set-up and upkeep: `spiegel init`, `settings`, `check` (survey files) and
//! `backup`.

use std::path::{Path, PathBuf};

use anyhow::bail;

use super::{Global, MAX_K, OnOff};
use crate::catalog;
use crate::storage::{self, Mode};

pub fn init(g: &Global, org: &str, k: u32) -> anyhow::Result<()> {
    if k < 3 {
        bail!(
            "--k {k} is too low: with fewer than 3 answers a result can reveal one person's \
             answers to someone who knows the others'. Use 3 or more (5 is the default)."
        );
    }
    if k > MAX_K {
        bail!(
            "--k {k} is too high: results would show only for groups of at least {k} people, \
             and k cannot be changed later. Use at most {MAX_K} (5 is the default; 10 is strict)."
        );
    }
    let org = org.trim();
    if org.is_empty() {
        bail!("--org needs a name");
    }
    let path = g.db_path();
    if path.exists() {
        bail!(
            "{} exists already; choose a new file with --db",
            path.display()
        );
    }
    let mut conn = storage::open(&path, Mode::Create)?;
    storage::init(&mut conn, org, k)?;
    println!("created {} for {org:?} with k = {k}", path.display());
    Ok(())
}

pub fn settings(g: &Global, comments_to_managers: Option<OnOff>) -> anyhow::Result<()> {
    let mut conn = g.open()?;
    if let Some(v) = comments_to_managers {
        storage::set_comments_to_managers(&mut conn, matches!(v, OnOff::On))?;
    }
    let org = storage::org(&conn)?;
    println!("organisation: {}", org.name);
    println!("k: {}", org.k);
    println!(
        "comments to managers: {}",
        if storage::comments_to_managers(&conn)? {
            "on"
        } else {
            "off"
        }
    );
    Ok(())
}

pub fn backup(g: &Global, to: &Path) -> anyhow::Result<()> {
    storage::backup(&g.open()?, to)?;
    println!("copied {} to {}", g.db_path().display(), to.display());
    Ok(())
}

pub fn check(g: &Global, paths: Vec<PathBuf>) -> anyhow::Result<()> {
    let (mut ok, mut errors) = if paths.is_empty() && !Path::new("surveys").is_dir() {
        let mut ok = Vec::new();
        let mut errors = Vec::new();
        for (name, text) in catalog::EMBEDDED {
            match catalog::parse_file(name, text) {
                Ok(s) => ok.push(format!(
                    "{name} (built in): ok ({} v{}, {} items)",
                    s.id,
                    s.version,
                    s.items.len()
                )),
                Err(e) => errors.push(e),
            }
        }
        (ok, errors)
    } else if paths.is_empty() {
        catalog::check_paths(&[PathBuf::from("surveys")])
    } else {
        catalog::check_paths(&paths)
    };
    // The own folder is checked as the server will load it.
    if let Some(dir) = &g.surveys {
        match catalog::read_surveys_dir(dir) {
            Ok(_) => {
                let (o, e) = catalog::check_paths(std::slice::from_ref(dir));
                ok.extend(o);
                errors.extend(e);
            }
            Err(e) => errors.push(e),
        }
    }
    for line in &ok {
        println!("{line}");
    }
    for e in &errors {
        eprintln!("{e}");
    }
    if !errors.is_empty() {
        bail!("{} survey file(s) have errors", errors.len());
    }
    Ok(())
}
