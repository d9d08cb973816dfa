//! CSV exports neutralise spreadsheet formulas in text cells (issue 11):
//! a team named like a formula reaches a spreadsheet as text, and numbers
//! (negative ones too) stay numbers.

use crate::results::answer;
use crate::support::{Server, TestDir};

const HIGH: &str =
    "pulse-speak=7&pulse-keep-quiet=1&pulse-mistakes=7&pulse-heard=7&pulse-unwanted-behaviour=7";
const LOW: &str =
    "pulse-speak=2&pulse-keep-quiet=6&pulse-mistakes=1&pulse-heard=2&pulse-unwanted-behaviour=3";
const EVIL: &str = "=HYPERLINK(\"x\")";

/// Splits one CSV line into its cells (quotes undone).
fn cells(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                out.last_mut().unwrap().push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(String::new()),
            c => out.last_mut().unwrap().push(c),
        }
    }
    out
}

#[test]
fn csv_exports_defuse_formulas_in_team_names_and_keep_numbers() {
    let dir = TestDir::new();
    dir.ok(&["init", "--org", "Zorggroep"]);
    dir.ok(&["team", "add", EVIL, "--size", "8"]);
    dir.ok(&["team", "add", "--size", "8", "--", "-Noord"]);
    let server = Server::start(&dir, None);

    // Links for a mail merge.
    let r1 = dir.open_round(&[
        "round", "open", "--survey", "pulse", "--all", "--title", "+Lente",
    ]);
    let links = dir.ok(&[
        "links", "--round", &r1, "--team", EVIL, "--count", "2", "--format", "csv",
    ]);
    for line in links.lines().skip(1) {
        assert_eq!(cells(line)[0], format!("'{EVIL}"), "{links}");
    }
    let minus = dir.ok(&[
        "links",
        "--round",
        &r1,
        "--team=-Noord",
        "--count",
        "1",
        "--format",
        "csv",
    ]);
    assert!(
        minus.lines().nth(1).unwrap().starts_with("'-Noord,"),
        "{minus}"
    );

    // Two closed rounds, the second lower: negative changes in the export.
    answer(&server, &dir, &r1, EVIL, &[HIGH; 6]);
    dir.ok(&["round", "close", &r1]);
    let r2 = dir.open_round(&["round", "open", "--survey", "pulse", "--all"]);
    answer(&server, &dir, &r2, EVIL, &[LOW; 6]);
    dir.ok(&["round", "close", &r2]);
    drop(server);

    let csv = dir.ok(&["export", "--round", &r2]);
    let mut lines = csv.lines();
    let header = cells(lines.next().unwrap());
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let mut negative = 0;
    let mut released = 0;
    for line in lines {
        let row = cells(line);
        assert_eq!(row.len(), header.len(), "{line}");
        // No text cell may begin with a formula character.
        for cell in &row {
            assert!(!cell.starts_with(['=', '+', '@', '\t', '\r']), "{line}");
        }
        if row[col("team_id")] == "organisation" {
            continue;
        }
        if row[col("team")].contains("HYPERLINK") {
            assert_eq!(row[col("team")], format!("'{EVIL}"), "{line}");
        } else {
            assert_eq!(row[col("team")], "'-Noord", "{line}");
        }
        if row[col("status")] == "released" {
            released += 1;
            for name in ["mean", "ci_low", "ci_high", "favourable"] {
                row[col(name)]
                    .parse::<f64>()
                    .unwrap_or_else(|e| panic!("{name}: {e}: {line}"));
            }
            let change = &row[col("change")];
            if !change.is_empty() {
                // A number, not defused text.
                let x: f64 = change
                    .parse()
                    .unwrap_or_else(|e| panic!("change: {e}: {line}"));
                if x < 0.0 {
                    assert!(change.starts_with('-'), "{line}");
                    negative += 1;
                }
            }
        }
    }
    assert!(released > 0, "{csv}");
    assert!(negative > 0, "no negative change to check: {csv}");
}
