//! `spiegel serve` and `spiegel demo`: both start the server through
//! [`crate::server::Application`]; the demo first fills a fresh database.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use jiff::Timestamp;

use super::Global;
use crate::demo::{self, Demo};
use crate::domain::date::Zone;
use crate::server::{self, Application, Config};

pub fn serve(g: &Global, addr: &str, max_failures: u32) -> anyhow::Result<()> {
    g.catalog()?;
    g.casebook()?;
    let config = Config {
        db: g.db_path(),
        addr: addr.to_string(),
        base_url: g.served_base_url()?,
        max_failures,
        surveys: g.surveys.clone(),
        conversation: g.conversation.clone(),
    };
    server::runtime()?.block_on(async {
        let app = Application::build(config.clone()).await?;
        println!(
            "Spiegel serves {}, listening on {}, at {}",
            config.db.display(),
            app.addr(),
            app.base_url()
        );
        std::io::stdout().flush()?;
        app.run_until_stopped().await
    })
}

pub fn demo(g: &Global, addr: &str, seed: u64) -> anyhow::Result<()> {
    let catalog = g.catalog()?;
    let survey = catalog
        .get("pulse")
        .context("the pulse survey is missing")?;
    let base_url = g.served_base_url()?;
    let path = match &g.db {
        Some(p) => p.clone(),
        None => demo::temporary_path()?,
    };
    let temporary = g.db.is_none();
    let made = demo::create(&path, &survey, seed, &Zone::system(), Timestamp::now())?;
    let config = Config {
        db: path.clone(),
        addr: addr.to_string(),
        base_url,
        max_failures: crate::web::DEFAULT_MAX_FAILURES,
        surveys: g.surveys.clone(),
        conversation: g.conversation.clone(),
    };
    let served = server::runtime()?.block_on(async {
        let app = Application::build(config).await?;
        print_demo(&path, temporary, app.base_url(), &made);
        std::io::stdout().flush()?;
        app.run_until_stopped().await
    });
    // A temporary demo database goes when the demo stops; one named with
    // --db stays.
    if temporary {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
    served
}

fn print_demo(path: &Path, temporary: bool, base: &str, d: &Demo) {
    let lifetime = if temporary {
        " (temporary: removed when the demo stops; keep one with --db FILE)"
    } else {
        ""
    };
    println!("Spiegel demo: database {}{lifetime}", path.display());
    println!();
    println!("Advisor (vertrouwenspersoon), sees every released result:");
    println!("  {base}/a/{}", d.advisor_key);
    println!(
        "Conversation sheet of {} (its manager gave an expectation; open after the advisor link):",
        demo::REFLECTED_TEAM
    );
    println!("  {base}{}", d.sheet_path);
    println!(
        "Manager of {}, sees only that team (its latest closed round awaits the advisor's release):",
        demo::MANAGED_TEAM
    );
    println!("  {base}/m/{}", d.manager_key);
    println!();
    println!("The JSON API takes the same keys:");
    println!(
        "  curl -H 'Authorization: Bearer {}' {base}/api/v1/overview",
        d.advisor_key
    );
    println!(
        "  curl -H 'Authorization: Bearer {}' {base}/api/v1/teams/{}/trend",
        d.manager_key, d.managed_team_id
    );
    println!();
    println!(
        "Charts (also on the team pages; {} shifts half-way, Facilitair does not):",
        demo::MANAGED_TEAM
    );
    println!(
        "  curl -H 'Authorization: Bearer {}' -o trend.png {base}/api/v1/teams/{}/trend/chart.png",
        d.manager_key, d.managed_team_id
    );
    println!(
        "  spiegel --db {} chart trend --team '{}' --out trend.png",
        path.display(),
        demo::MANAGED_TEAM
    );
    println!();
    let db = path.display();
    let round = d.latest_round;
    println!(
        "The conversation about round {round} with the manager of {} awaits you (open after the advisor link):",
        demo::MANAGED_TEAM
    );
    println!("  prepare with its sheet: {base}{}", d.pending_sheet_path);
    println!(
        "    spiegel --db {db} sheet --team '{}' --round {round} --out sheet.html",
        demo::MANAGED_TEAM
    );
    println!(
        "  then release it with the button on {base}/team/{}, or:",
        d.managed_team_id
    );
    println!(
        "    spiegel --db {db} round release {round} --team '{}'",
        demo::MANAGED_TEAM
    );
    println!(
        "Team conversation kit of {} for round {} (its focus: {}):",
        demo::MANAGED_TEAM,
        d.focus_round,
        demo::FOCUS_DIMENSION
    );
    println!("  {base}{}", d.kit_path);
    println!(
        "  spiegel --db {db} kit --team '{}' --round {} --out kit.html",
        demo::MANAGED_TEAM,
        d.focus_round
    );
    println!(
        "Intervisie sheet of {} for round {round} ({} shares its picture and is a bright spot):",
        demo::DEPARTMENT,
        demo::REFLECTED_TEAM
    );
    println!("  {base}{}", d.intervisie_path);
    println!(
        "  spiegel --db {db} intervisie --team '{}' --round {round} --out intervisie.html",
        demo::DEPARTMENT
    );
    println!("  spiegel --db {db} results --bright-spots");
    println!("Guide to hesitation:");
    println!("  {base}/guide");
    println!("  spiegel --db {db} guide --out guide.html");
    println!();
    println!("Open survey links (round \"Pulse nu\", each works once):");
    for (team, token) in &d.live_links {
        println!("  {team:<18} {base}/s/{token}");
    }
    println!();
    println!("Stop with Ctrl-C.");
}
