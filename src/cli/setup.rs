//! Set-up and upkeep: `spiegel init`, `settings`, `check` (survey files) and
//! `backup`.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail};
use jiff::Timestamp;

use super::{Global, MAX_K, OnOff};
use crate::catalog;
use crate::domain::audit::Action;
use crate::domain::date::Zone;
use crate::domain::lang::Lang;
use crate::domain::org::{K, KError, MIN_K, OrgName, OrgNameError};
use crate::storage::{self, Mode};

pub fn init(g: &Global, org: &str, k: u32, tz: Option<&str>) -> anyhow::Result<()> {
    let k = K::parse(k).map_err(|e| match e {
        KError::TooLow(k) => anyhow!(
            "--k {k} is too low: with fewer than {MIN_K} answers a result can reveal one person's \
             answers to someone who knows the others'. Use {MIN_K} or more (5 is the default)."
        ),
        KError::TooHigh(k) => anyhow!(
            "--k {k} is too high: results would show only for groups of at least {k} people, \
             and k cannot be changed later. Use at most {MAX_K} (5 is the default; 10 is strict)."
        ),
    })?;
    let name = OrgName::parse(org).map_err(|e| match e {
        OrgNameError::Empty => anyhow!("--org needs a name"),
    })?;
    let zone = match tz {
        Some(tz) => parse_zone(tz)?,
        None => Zone::system(),
    };
    let path = g.db_path();
    if path.exists() {
        bail!(
            "{} exists already; choose a new file with --db",
            path.display()
        );
    }
    let base = g.base_url()?;
    let mut conn = storage::open(&path, Mode::Create)?;
    storage::init(&mut conn, &name, k, &zone)?;
    let today = storage::today(&conn, Timestamp::now())?;
    let (_, key) = storage::create_key(
        &mut conn,
        crate::domain::access::Principal::Advisor,
        "first advisor",
        today,
    )?;
    super::audit(&conn, &Action::DatabaseCreated)?;
    println!(
        "created {} for {:?} with k = {}, time zone {zone}",
        path.display(),
        name.as_str(),
        k.get()
    );
    println!(
        "Start the server with `spiegel serve`, then open this address (the first advisor's \
         key, shown only now; more with `spiegel key advisor`) to set up teams and rounds:"
    );
    println!("{base}/a/{key}");
    Ok(())
}

/// `spiegel audit`: the log of set-up actions, newest first.
pub fn audit(g: &Global, json: bool, lang: &str) -> anyhow::Result<()> {
    let lang = Lang::from_code(lang).unwrap_or(Lang::En);
    let log = storage::audit_log(&g.open()?)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&log)?);
        return Ok(());
    }
    let (day, who, what) = match lang {
        Lang::Nl => ("DAG", "WIE", "WAT"),
        Lang::En => ("DAY", "WHO", "WHAT"),
    };
    println!("{day:<10}  {who:<24} {what}");
    for e in log {
        println!(
            "{:<10}  {:<24} {}",
            e.day.to_string(),
            e.actor,
            e.text(lang).0
        );
    }
    Ok(())
}

/// `--tz ZONE`, or an error that names the zone.
fn parse_zone(tz: &str) -> anyhow::Result<Zone> {
    Zone::parse(tz).map_err(|e| anyhow!("--tz: {e}"))
}

/// Changes the settings given, then prints every setting.
pub fn settings(
    g: &Global,
    comments_to_managers: Option<OnOff>,
    k: Option<u32>,
    tz: Option<&str>,
    release: Option<super::ReleaseArg>,
    retain_months: Option<u32>,
) -> anyhow::Result<()> {
    let zone = tz.map(parse_zone).transpose()?;
    if let Some(n) = retain_months
        && n > storage::MAX_RETAIN_MONTHS
    {
        bail!(
            "--retain-months {n} is too long: use at most {} (100 years), or 0 to turn \
             automatic retention off",
            storage::MAX_RETAIN_MONTHS
        );
    }
    let k = k
        .map(|k| K::parse(k).map_err(|e| anyhow!("--k: {e}")))
        .transpose()?;
    let mut conn = g.open()?;
    apply_settings(
        &mut conn,
        k,
        comments_to_managers,
        zone.as_ref(),
        retain_months,
        release,
    )?;
    print_settings(&conn)
}

/// Applies the settings given on the command line, recording the ones that are logged.
fn apply_settings(
    conn: &mut rusqlite::Connection,
    k: Option<K>,
    comments_to_managers: Option<OnOff>,
    zone: Option<&Zone>,
    retain_months: Option<u32>,
    release: Option<super::ReleaseArg>,
) -> anyhow::Result<()> {
    if let Some(k) = k {
        storage::set_k(conn, k)?;
        let what = Action::KSet { k: k.get() };
        super::audit(conn, &what)?;
    }
    if let Some(v) = comments_to_managers {
        let on = matches!(v, OnOff::On);
        if storage::comments_to_managers(conn)? != on {
            storage::set_comments_to_managers(conn, on)?;
            super::audit(conn, &Action::CommentsToManagers { on })?;
        }
    }
    if let Some(zone) = zone {
        storage::set_time_zone(conn, zone)?;
        super::audit(
            conn,
            &Action::TimeZoneSet {
                zone: zone.to_string(),
            },
        )?;
    }
    if let Some(n) = retain_months {
        storage::set_retain_months(conn, n)?;
        let what = Action::RetentionSet { months: n };
        super::audit(conn, &what)?;
    }
    if let Some(r) = release {
        let mode = match r {
            super::ReleaseArg::AfterAdvisor => storage::ReleaseMode::AfterAdvisor,
            super::ReleaseArg::AtClose => storage::ReleaseMode::AtClose,
        };
        if storage::release_mode(conn)? != mode {
            let today = storage::today(conn, Timestamp::now())?;
            storage::set_release_mode(conn, mode, storage::COMMAND_LINE, today)?;
            let what = Action::ReleaseModeSet {
                mode: mode.word().to_string(),
            };
            super::audit(conn, &what)?;
        }
    }
    Ok(())
}

/// Prints the organisation's current settings.
fn print_settings(conn: &rusqlite::Connection) -> anyhow::Result<()> {
    let org = storage::org(conn)?;
    println!("organisation: {}", org.name);
    println!("k: {}", org.k);
    println!(
        "comments to managers: {}",
        if storage::comments_to_managers(conn)? {
            "on"
        } else {
            "off"
        }
    );
    let mode = storage::release_mode(conn)?;
    println!(
        "release: {} ({})",
        mode.word(),
        match mode {
            storage::ReleaseMode::AfterAdvisor => {
                "a closed round reaches a team's manager once an advisor releases it"
            }
            storage::ReleaseMode::AtClose => "a closed round reaches a team's manager at close",
        }
    );
    println!(
        "time zone: {} (today is {} there)",
        org.zone,
        org.zone.today(Timestamp::now())
    );
    match storage::retain_months(conn)? {
        0 => println!("retention: off (raw responses are kept until `spiegel purge`)"),
        n => println!(
            "retention: {n} months (the server purges the raw responses of rounds closed \
             before {})",
            storage::retention_cutoff(org.zone.today(Timestamp::now()), n)
        ),
    }
    Ok(())
}

pub fn backup(g: &Global, to: &Path) -> anyhow::Result<()> {
    storage::backup(&g.open()?, to)?;
    println!("copied {} to {}", g.db_path().display(), to.display());
    Ok(())
}

pub fn check(g: &Global, paths: Vec<PathBuf>) -> anyhow::Result<()> {
    // Cases and guide files (by their names) are checked as such.
    let (conversation, paths): (Vec<PathBuf>, Vec<PathBuf>) = paths
        .into_iter()
        .partition(|p| crate::casebook::is_conversation_path(p));
    let only_conversation = !conversation.is_empty() && paths.is_empty();
    let (mut ok, mut errors) = if only_conversation {
        (Vec::new(), Vec::new())
    } else if paths.is_empty() && !Path::new("surveys").is_dir() {
        let mut ok = Vec::new();
        let mut errors = Vec::new();
        for (name, text) in catalog::EMBEDDED {
            match catalog::parse_file(name, text) {
                Ok(s) => {
                    ok.push(format!(
                        "{name} (built in): ok ({} v{}, {} items)",
                        s.id,
                        s.version,
                        s.items.len()
                    ));
                    ok.extend(catalog::sheet_note(name, &s));
                }
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
    let (o, conversation_errors) = check_conversation(g, conversation);
    ok.extend(o);
    let survey_errors = errors.len();
    errors.extend(conversation_errors);
    for line in &ok {
        println!("{line}");
    }
    for e in &errors {
        eprintln!("{e}");
    }
    if !errors.is_empty() {
        let what = match (survey_errors, errors.len() - survey_errors) {
            (_, 0) => "survey",
            (0, _) => "conversation",
            _ => "survey or conversation",
        };
        bail!("{} {what} file(s) have errors", errors.len());
    }
    Ok(())
}

/// The cases and guide files: those named, else `./conversation` when
/// present, else the shipped ones; and the `--conversation` folder as the
/// server will load it.
fn check_conversation(
    g: &Global,
    named: Vec<PathBuf>,
) -> (Vec<String>, Vec<crate::domain::survey::SurveyError>) {
    use crate::casebook;
    let (mut ok, mut errors) = if !named.is_empty() {
        casebook::check_paths(&named)
    } else if Path::new("conversation").is_dir() {
        casebook::check_paths(&[PathBuf::from("conversation")])
    } else {
        let mut ok = Vec::new();
        let mut errors = Vec::new();
        for (name, text) in [
            (casebook::CASES_FILE, casebook::EMBEDDED_CASES),
            (casebook::GUIDE_FILE, casebook::EMBEDDED_GUIDE),
        ] {
            match casebook::check_text(name, text) {
                Ok(line) => ok.push(line.replacen(": ok", " (built in): ok", 1)),
                Err(e) => errors.push(e),
            }
        }
        (ok, errors)
    };
    if let Some(dir) = &g.conversation {
        match casebook::Casebook::load(Some(dir)) {
            Ok(_) => ok.push(format!("{}: ok (conversation folder)", dir.display())),
            Err(e) => errors.extend(e),
        }
    }
    (ok, errors)
}
