//! Rules 1–3 of `docs/anonymity.md` as attacks: reuse of a token under
//! concurrency, reading the database file, watching what survives a round's
//! close.

use std::sync::{Arc, Barrier};

use crate::support::{Server, TestDir, bytes_of, contains};

const ANSWER: &str = "pulse-speak=4&pulse-heard=5";

#[test]
fn fifty_simultaneous_submits_of_one_token_store_exactly_one() {
    let dir = TestDir::new();
    let round = dir.setup_round();
    let token = dir.tokens(&round, "Noord", 1).remove(0);
    let server = Server::start(&dir, None);
    let barrier = Arc::new(Barrier::new(50));
    let handles: Vec<_> = (0..50)
        .map(|_| {
            let (addr, token, barrier) = (server.addr.clone(), token.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                crate::support::post_form(&addr, &format!("/s/{token}"), ANSWER)
                    .unwrap()
                    .status
            })
        })
        .collect();
    let statuses: Vec<u16> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 303).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 404).count(),
        49,
        "{statuses:?}"
    );
    let count: u32 = dir
        .sqlite()
        .query_row("SELECT count(*) FROM responses", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, 1);
}

#[test]
fn many_tokens_at_once_are_all_stored_once() {
    let dir = TestDir::new();
    let round = dir.setup_round();
    let tokens = dir.tokens(&round, "Noord", 40);
    let server = Server::start(&dir, None);
    let handles: Vec<_> = tokens
        .iter()
        .flat_map(|t| [t.clone(), t.clone()])
        .map(|token| {
            let addr = server.addr.clone();
            std::thread::spawn(move || {
                crate::support::post_form(&addr, &format!("/s/{token}"), ANSWER)
                    .unwrap()
                    .status
            })
        })
        .collect();
    let ok = handles
        .into_iter()
        .map(|h| h.join().unwrap())
        .filter(|s| *s == 303)
        .count();
    assert_eq!(ok, 40);
    let count: u32 = dir
        .sqlite()
        .query_row("SELECT count(*) FROM responses", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, 40);
}

#[test]
fn the_database_file_holds_no_token_and_responses_hold_nothing_else() {
    let dir = TestDir::new();
    let round = dir.setup_round();
    let tokens = dir.tokens(&round, "Noord", 6);
    let server = Server::start(&dir, None);
    for t in &tokens[..5] {
        assert_eq!(server.post_form(&format!("/s/{t}"), ANSWER).status, 303);
    }
    let wal = dir.path.join("spiegel.db-wal");
    let file = [bytes_of(&dir.db()), bytes_of(&wal)].concat();
    for t in &tokens {
        assert!(
            !contains(&file, t.as_bytes()),
            "a token is in the database file"
        );
    }

    let conn = dir.sqlite();
    let columns: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_info('responses') ORDER BY cid")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(columns, ["id", "round_id", "team_id", "answers", "comment"]);
    let sql: String = conn
        .query_row(
            "SELECT sql FROM sqlite_schema WHERE name = 'responses'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        sql.contains("WITHOUT ROWID"),
        "responses must have no rowid order: {sql}"
    );
    let ids: Vec<Vec<u8>> = conn
        .prepare("SELECT id FROM responses")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(ids.iter().all(|id| id.len() == 16));
    // Invites: only hashes; the used flag is the only trace, until close.
    let hashes: Vec<Vec<u8>> = conn
        .prepare("SELECT hash FROM invites")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(hashes.len(), 6);
    for t in &tokens {
        assert!(hashes.contains(&blake3::hash(t.as_bytes()).as_bytes().to_vec()));
    }
    drop(conn);

    // Closing the round erases the invites, also from the file's bytes.
    dir.ok(&["round", "close", &round]);
    let conn = dir.sqlite();
    let left: u32 = conn
        .query_row(
            "SELECT count(*) FROM invites WHERE round_id = ?1",
            [&round],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(left, 0);
    drop(conn);
    drop(server);
    let file = [bytes_of(&dir.db()), bytes_of(&wal)].concat();
    for t in &tokens {
        let h = blake3::hash(t.as_bytes());
        assert!(
            !contains(&file, h.as_bytes()),
            "an invite hash survived the close in the file"
        );
    }
    let count: u32 = dir
        .sqlite()
        .query_row("SELECT count(*) FROM responses", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, 5, "closing keeps the answers");
}

#[test]
fn secure_delete_is_on_for_every_connection() {
    let dir = TestDir::new();
    dir.setup_round();
    // The pragma is per connection; check what Spiegel's own open sets by
    // opening through the library.
    let conn = spiegel::storage::open(&dir.db(), spiegel::storage::Mode::Existing).unwrap();
    let on: i64 = conn
        .query_row("PRAGMA secure_delete", [], |r| r.get(0))
        .unwrap();
    assert_eq!(on, 1);
    let fk: i64 = conn
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(fk, 1);
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn an_acknowledged_answer_survives_kill_9() {
    let dir = TestDir::new();
    let round = dir.setup_round();
    let tokens = dir.tokens(&round, "Noord", 20);
    let server = Server::start(&dir, None);
    let mut acknowledged = 0;
    for t in &tokens {
        if server.post_form(&format!("/s/{t}"), ANSWER).status == 303 {
            acknowledged += 1;
        }
    }
    drop(server); // SIGKILL, no graceful shutdown
    let count: u32 = dir
        .sqlite()
        .query_row("SELECT count(*) FROM responses", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, acknowledged);
    let used: u32 = dir
        .sqlite()
        .query_row("SELECT count(*) FROM invites WHERE used = 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(
        used, acknowledged,
        "each stored answer spent exactly one token"
    );
}

/// Offsets of each response id in the database file's bytes.
fn offsets(dir: &TestDir, ids: &[Vec<u8>]) -> Vec<usize> {
    let file = bytes_of(&dir.db());
    ids.iter()
        .map(|id| {
            file.windows(16)
                .position(|w| w == id.as_slice())
                .expect("id in the main file")
        })
        .collect()
}

#[test]
fn the_order_of_answering_does_not_survive_the_close() {
    let dir = TestDir::new();
    let round = dir.setup_round();
    let tokens = dir.tokens(&round, "Noord", 24);
    let server = Server::start(&dir, None);
    // Record which id each submission produced, in answering order.
    let mut order: Vec<Vec<u8>> = Vec::new();
    for t in &tokens {
        assert_eq!(server.post_form(&format!("/s/{t}"), ANSWER).status, 303);
        let conn = dir.sqlite();
        let ids: Vec<Vec<u8>> = conn
            .prepare("SELECT id FROM responses")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        order.push(ids.into_iter().find(|id| !order.contains(id)).unwrap());
    }
    drop(server);
    // The attack works on the live file: checkpoint it and the byte offsets
    // of the rows follow the answering order.
    dir.sqlite()
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    let before = offsets(&dir, &order);
    let descending = before.windows(2).all(|w| w[0] > w[1]);
    let ascending = before.windows(2).all(|w| w[0] < w[1]);
    assert!(
        descending || ascending,
        "premise: rows lie in writing order before close"
    );

    dir.ok(&["round", "close", &round]);
    let after = offsets(&dir, &order);
    let mut by_offset: Vec<(usize, &Vec<u8>)> = after.iter().copied().zip(&order).collect();
    by_offset.sort();
    let physical: Vec<&Vec<u8>> = by_offset.iter().map(|(_, id)| *id).collect();
    let mut by_key: Vec<&Vec<u8>> = order.iter().collect();
    by_key.sort();
    let mut reversed = by_key.clone();
    reversed.reverse();
    assert!(
        physical == by_key || physical == reversed,
        "after close rows lie in (random) key order"
    );
    let written: Vec<&Vec<u8>> = order.iter().collect();
    let mut written_rev = written.clone();
    written_rev.reverse();
    assert!(
        physical != written && physical != written_rev,
        "the answering order is gone"
    );
}

#[test]
fn kill_9_under_concurrent_load_loses_no_acknowledged_answer() {
    let dir = TestDir::new();
    let round = dir.setup_round();
    let tokens = dir.tokens(&round, "Noord", 400);
    let server = Server::start(&dir, None);
    let addr = server.addr.clone();
    let chunks: Vec<Vec<String>> = tokens.chunks(50).map(<[String]>::to_vec).collect();
    let workers: Vec<_> = chunks
        .into_iter()
        .map(|chunk| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                let mut acknowledged = Vec::new();
                for t in chunk {
                    // A killed server answers nothing; that is not an acknowledgement.
                    let res = crate::support::post_form(&addr, &format!("/s/{t}"), ANSWER);
                    if res.is_ok_and(|r| r.status == 303) {
                        acknowledged.push(t);
                    }
                }
                acknowledged
            })
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(150));
    drop(server); // SIGKILL in the middle of the load
    let acknowledged: Vec<String> = workers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();
    let conn = dir.sqlite();
    let stored: u32 = conn
        .query_row("SELECT count(*) FROM responses", [], |r| r.get(0))
        .unwrap();
    let used: u32 = conn
        .query_row("SELECT count(*) FROM invites WHERE used = 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(
        stored as usize >= acknowledged.len(),
        "{stored} stored < {} acknowledged",
        acknowledged.len()
    );
    assert_eq!(
        stored, used,
        "every stored answer spent exactly one token, none twice"
    );
    for t in &acknowledged {
        let h = blake3::hash(t.as_bytes());
        let spent: u32 = conn
            .query_row(
                "SELECT used FROM invites WHERE hash = ?1",
                [h.as_bytes().as_slice()],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(spent, 1, "an acknowledged link is spent");
    }
}
