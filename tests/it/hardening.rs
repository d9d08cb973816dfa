//! The server under hostile or careless clients: slow and idle connections,
//! shutdown with stuck clients, failures from a shared address, bytes that
//! are not text, unbounded sessions and the edges of the API.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

use serde_json::Value;

use crate::results::{api, cookie_of, json, key, page};
use crate::support::{Response, Server, TestDir, request, try_request};

const ALL: &str =
    "pulse-speak=5&pulse-keep-quiet=3&pulse-mistakes=6&pulse-heard=4&pulse-unwanted-behaviour=5";

/// Connections that send a request's headers one byte a second, until dropped.
struct Dribblers {
    stop: Arc<AtomicBool>,
    thread: Option<thread::JoinHandle<()>>,
}

impl Dribblers {
    fn start(addr: &str, n: usize, head: &'static str) -> Dribblers {
        let mut streams: Vec<TcpStream> =
            (0..n).map(|_| TcpStream::connect(addr).unwrap()).collect();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = thread::spawn(move || {
            let mut i = 0;
            while !flag.load(Ordering::SeqCst) {
                let byte = head.as_bytes().get(i).copied().unwrap_or(b'a');
                for s in &mut streams {
                    let _ = s.write_all(&[byte]);
                }
                i += 1;
                thread::sleep(Duration::from_secs(1));
            }
        });
        Dribblers {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Dribblers {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

const SLOW_HEAD: &str = "GET /healthz HTTP/1.1\r\nHost: slow\r\nX-Slow: ";

/// Whether the server closes `s` within `limit` (reading until it does).
fn closed_by_server_within(s: &mut TcpStream, limit: Duration) -> bool {
    s.set_read_timeout(Some(limit)).unwrap();
    let mut buf = [0u8; 1024];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e) if matches!(e.kind(), std::io::ErrorKind::ConnectionReset) => return true,
            Err(_) => return false,
        }
    }
}

#[test]
fn slow_clients_cannot_take_every_connection() {
    let dir = TestDir::new();
    dir.ok(&["init"]);
    // 128 open files in all, for the database, the listener and clients.
    let cmd = dir.command_with_open_files(128, &["serve", "--addr", "127.0.0.1:0"]);
    let server = Server::spawn(&dir, cmd, Some("info"));
    let slow = Dribblers::start(&server.addr, 120, SLOW_HEAD);
    thread::sleep(Duration::from_secs(1));
    // Served once the slow clients' time to send headers is up; the bound is
    // generous for a busy machine.
    let res = try_request(&server.addr, "GET", "/healthz", &[], b"");
    drop(slow);
    let log = std::fs::read_to_string(&server.stderr).unwrap();
    let res = res.unwrap_or_else(|e| panic!("a normal client was not served: {e}\n{log}"));
    assert_eq!(res.status, 200);
    assert!(
        log.contains("connection limit reached"),
        "one clear line when the cap is reached:\n{log}"
    );
    assert!(!log.contains("Too many open files"), "{log}");
}

#[test]
fn idle_and_silent_connections_are_closed() {
    let dir = TestDir::new();
    dir.ok(&["init"]);
    let server = Server::start(&dir, None);
    let mut silent = TcpStream::connect(&server.addr).unwrap();
    let mut idle = TcpStream::connect(&server.addr).unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    idle.set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    while !got.ends_with(b"\r\n\r\nok") {
        let n = idle.read(&mut buf).unwrap();
        assert!(n > 0, "closed before answering");
        got.extend_from_slice(&buf[..n]);
    }
    assert!(got.starts_with(b"HTTP/1.1 200"));
    let limit = Duration::from_secs(45);
    assert!(
        closed_by_server_within(&mut silent, limit),
        "a connection that sends nothing stays open"
    );
    assert!(
        closed_by_server_within(&mut idle, limit),
        "an idle keep-alive connection stays open"
    );
    assert_eq!(server.get("/healthz").status, 200);
}

#[test]
fn sigterm_ends_the_server_while_a_request_is_half_sent() {
    let dir = TestDir::new();
    dir.ok(&["init"]);
    let mut server = Server::start(&dir, Some("info"));
    let half = Dribblers::start(&server.addr, 1, SLOW_HEAD);
    // A body that never completes.
    let mut upload = TcpStream::connect(&server.addr).unwrap();
    upload
        .write_all(
            b"POST /s/AAAAAAAAAAAAAAAAAAAAAA HTTP/1.1\r\nHost: x\r\n\
              Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nx",
        )
        .unwrap();
    thread::sleep(Duration::from_millis(500));
    server.terminate();
    let status = server.exited_within(Duration::from_secs(40));
    drop(half);
    drop(upload);
    let log = std::fs::read_to_string(&server.stderr).unwrap();
    let status = status.unwrap_or_else(|| panic!("still running 40 s after SIGTERM:\n{log}"));
    assert!(status.success(), "{status:?}\n{log}");
}

fn lang_page(res: &Response) -> &str {
    assert!(
        res.header("content-type")
            .is_some_and(|c| c.starts_with("text/html")),
        "{res:?}"
    );
    &res.body
}

#[test]
fn failures_from_an_address_never_lock_out_valid_links_and_keys() {
    let dir = TestDir::new();
    dir.ok(&["init"]);
    dir.ok(&["team", "add", "A"]);
    dir.ok(&["team", "add", "B"]);
    let round = dir.open_round(&["round", "open", "--survey", "pulse", "--all"]);
    let links = dir.tokens(&round, "A", 2);
    let advisor = key(&dir, &["key", "advisor"]);
    let manager = key(&dir, &["key", "manager", "--team", "A"]);
    let cmd = dir.command(&["serve", "--addr", "127.0.0.1:0", "--max-failures", "5"]);
    let server = Server::spawn(&dir, cmd, None);

    // A manager's key probing a team it may not see, wrong paths for a
    // valid key, and a page or the API asked without any key or session
    // are not guesses.
    let session = cookie_of(&server.get(&format!("/a/{advisor}")));
    for _ in 0..10 {
        assert_eq!(api(&server, &manager, "/teams/b/trend").status, 404);
        assert_eq!(server.get(&format!("/a/{manager}")).status, 404);
        assert_eq!(server.get("/overzicht").status, 401);
        assert_eq!(server.get("/api/v1/teams").status, 401);
    }
    // An unknown session on a page counts like an unknown link or key.
    let guessed = "spiegel_session=DDDDDDDDDDDDDDDDDDDDDD";
    for i in 0..5 {
        let res = if i == 2 {
            page(&server, "/team/a", guessed)
        } else {
            server.get(&format!("/s/BBBBBBBBBBBBBBBBBBBBB{i}"))
        };
        let expected = if i == 2 { 401 } else { 404 };
        assert_eq!(res.status, expected, "failure {i} counted too early");
    }
    let blocked = page(&server, "/overzicht?lang=en", guessed);
    assert_eq!(blocked.status, 429);
    assert!(
        lang_page(&blocked).contains("Too many failed attempts"),
        "{}",
        blocked.body
    );
    assert_eq!(page(&server, "/overzicht", &session).status, 200);

    // Blocked now: unknown links get the HTML page in the page's language.
    let en = server.get("/s/CCCCCCCCCCCCCCCCCCCCCC?lang=en");
    assert_eq!(en.status, 429);
    assert!(en.header("retry-after").is_some());
    assert!(
        lang_page(&en).contains("Too many failed attempts"),
        "{}",
        en.body
    );
    let nl = server.get("/s/CCCCCCCCCCCCCCCCCCCCCC");
    assert_eq!(nl.status, 429);
    assert!(
        lang_page(&nl).contains("Te veel mislukte pogingen"),
        "{}",
        nl.body
    );
    assert_eq!(server.get("/m/CCCCCCCCCCCCCCCCCCCCCC").status, 429);
    let unknown_key = api(&server, "CCCCCCCCCCCCCCCCCCCCCC", "/teams");
    assert_eq!(unknown_key.status, 429);
    assert!(
        json(&unknown_key)["error"].is_string(),
        "the API keeps JSON"
    );

    // Valid links and keys from the same address still work.
    assert_eq!(server.get(&format!("/s/{}", links[0])).status, 200);
    assert_eq!(
        server.post_form(&format!("/s/{}", links[0]), ALL).status,
        303
    );
    assert_eq!(api(&server, &advisor, "/teams").status, 200);
    assert_eq!(api(&server, &manager, "/teams").status, 200);
    assert_eq!(api(&server, &manager, "/teams/b/trend").status, 404);
    assert_eq!(server.get(&format!("/m/{manager}")).status, 303);
    assert_eq!(server.get(&format!("/a/{advisor}")).status, 303);
    assert_eq!(server.get(&format!("/s/{}", links[1])).status, 200);
}

fn post_raw(server: &Server, path: &str, body: &[u8]) -> Response {
    request(
        &server.addr,
        "POST",
        path,
        &[("Content-Type", "application/x-www-form-urlencoded")],
        body,
    )
}

fn responses(dir: &TestDir) -> i64 {
    dir.sqlite()
        .query_row("SELECT count(*) FROM responses", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_comment_that_is_not_text_is_refused_and_nothing_stored() {
    let dir = TestDir::new();
    let round = dir.setup_round();
    let token = dir.tokens(&round, "Noord", 1).remove(0);
    let server = Server::start(&dir, None);
    let path = format!("/s/{token}?lang=en");
    let bad: [&[u8]; 6] = [
        b"pulse-speak=5&comment=ab\xffcd",
        b"comment=ab%FFcd",
        b"comment=%C3%28",
        b"comment=a%00b",
        b"pulse-speak=5&comment=a\x00b",
        b"pulse-speak=5\xff&comment=ok",
    ];
    for body in bad {
        let res = post_raw(&server, &path, body);
        let shown = String::from_utf8_lossy(body);
        assert_eq!(res.status, 400, "{shown}: {}", res.body);
        assert!(res.body.contains("Nothing was stored"), "{shown}");
        assert!(res.body.contains(&format!("/s/{token}")), "a way back");
        assert_eq!(responses(&dir), 0, "{shown}");
    }
    assert_eq!(server.get(&path).status, 200, "the link still works");
    let ok = post_raw(
        &server,
        &path,
        format!("{ALL}&comment=tab%09and%0D%0Anewline+%C3%A9").as_bytes(),
    );
    assert_eq!(ok.status, 303);
    let stored: String = dir
        .sqlite()
        .query_row("SELECT comment FROM responses", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored, "tab\tand\nnewline é");
}

#[test]
fn sessions_per_key_are_bounded_and_expired_ones_deleted() {
    let dir = TestDir::new();
    dir.ok(&["init"]);
    dir.ok(&["team", "add", "A"]);
    let advisor = key(&dir, &["key", "advisor"]);
    let manager = key(&dir, &["key", "manager", "--team", "A"]);
    let keys: Value = serde_json::from_str(&dir.ok(&["key", "list", "--json"])).unwrap();
    let manager_id = keys
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["role"] == "manager")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    dir.sqlite()
        .execute(
            "INSERT INTO sessions (hash, key_id, expires_at) VALUES (randomblob(32), ?1, 1)",
            [manager_id],
        )
        .unwrap();
    let server = Server::start(&dir, None);
    let advisor_cookie = cookie_of(&server.get(&format!("/a/{advisor}")));
    let visit = || cookie_of(&server.get(&format!("/m/{manager}")));
    let first = visit();
    // Sessions are ordered by the second they end in: the first one is older
    // than all the others.
    thread::sleep(Duration::from_millis(1100));
    let cookies: Vec<String> = (0..30).map(|_| visit()).collect();
    let count = |sql: &str| -> i64 { dir.sqlite().query_row(sql, [], |r| r.get(0)).unwrap() };
    let of_manager = count(&format!(
        "SELECT count(*) FROM sessions WHERE key_id = {manager_id}"
    ));
    assert!(
        (1..=5).contains(&of_manager),
        "{of_manager} sessions for one key"
    );
    assert_eq!(
        count("SELECT count(*) FROM sessions WHERE expires_at < 100"),
        0
    );
    let page = |cookie: &str, path: &str| {
        request(&server.addr, "GET", path, &[("Cookie", cookie)], b"").status
    };
    assert_eq!(
        page(&cookies[29], "/team/a"),
        200,
        "the newest session works"
    );
    assert_eq!(page(&first, "/team/a"), 401, "the oldest is gone");
    let working = cookies.iter().filter(|c| page(c, "/team/a") == 200).count();
    assert_eq!(working, 5);
    assert_eq!(
        page(&advisor_cookie, "/overzicht"),
        200,
        "another key's session is kept"
    );
}

#[test]
fn api_paths_schemes_and_thank_you_pages() {
    let dir = TestDir::new();
    let round = dir.setup_round();
    let advisor = key(&dir, &["key", "advisor"]);
    let server = Server::start(&dir, None);
    for path in [
        "/api/v1/nope",
        "/api/v2/teams",
        "/api/v1/teams/x/y/z",
        "/api/",
    ] {
        let res = request(
            &server.addr,
            "GET",
            path,
            &[("Authorization", &format!("Bearer {advisor}"))],
            b"",
        );
        assert_eq!(res.status, 404, "{path}");
        assert!(
            res.header("content-type")
                .is_some_and(|c| c.starts_with("application/json")),
            "{path}: {res:?}"
        );
        assert_eq!(json(&res)["error"], "not found");
    }
    for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
        let res = request(
            &server.addr,
            "GET",
            "/api/v1/teams",
            &[("Authorization", &format!("{scheme} {advisor}"))],
            b"",
        );
        assert_eq!(res.status, 200, "{scheme}");
    }
    let basic = request(
        &server.addr,
        "GET",
        "/api/v1/teams",
        &[("Authorization", &format!("Basic {advisor}"))],
        b"",
    );
    assert_eq!(basic.status, 401);

    // The thank-you page exists for real rounds only.
    let token = dir.tokens(&round, "Noord", 1).remove(0);
    let done = server.post_form(&format!("/s/{token}?lang=en"), ALL);
    assert_eq!(done.status, 303);
    let location = done.header("location").unwrap().to_string();
    let thanks = server.get(&location);
    assert_eq!(thanks.status, 200);
    assert!(thanks.body.contains("Thank you"));
    for path in ["/done/999999", "/done/0", "/done/-1", "/done/abc"] {
        let res = server.get(path);
        assert_eq!(res.status, 404, "{path}");
        assert!(lang_page(&res).contains("bestaat niet"), "{path}");
    }
}

#[test]
fn only_the_printable_sheets_may_use_their_inline_stylesheet_and_no_page_runs_scripts() {
    let dir = TestDir::new();
    let round = dir.setup_round();
    let server = Server::start(&dir, None);
    let bodies = [ALL; 5];
    crate::results::answer(&server, &dir, &round, "Noord", &bodies);
    dir.ok(&["round", "close", &round]);
    dir.ok(&["round", "release", &round]);
    let advisor = key(&dir, &["key", "advisor"]);
    let entry = server.get(&format!("/a/{advisor}"));
    let cookie = cookie_of(&entry);
    // The printable, self-contained pages (the same HTML their commands
    // write) carry their stylesheet inline, and a policy that allows it.
    for path in [format!("/team/noord/rounds/{round}/sheet"), "/guide".into()] {
        let sheet = page(&server, &path, &cookie);
        assert_eq!(sheet.status, 200, "{path}: {}", sheet.body);
        assert!(
            sheet.body.contains("<style>"),
            "{path}: the stylesheet is inline"
        );
        let policy = sheet.header("content-security-policy").unwrap();
        assert!(
            policy.contains("style-src 'self' 'unsafe-inline'"),
            "{path}: the inline stylesheet is blocked: {policy}"
        );
        assert!(policy.contains("default-src 'none'"), "{path}: {policy}");
        assert!(!policy.contains("script-src"), "{path}: {policy}");
        assert!(!sheet.body.contains("<script"), "{path}");
    }
    // Every other page keeps styles to this server's files.
    for path in ["/team/noord", "/overzicht", "/beheer/teams"] {
        let res = page(&server, path, &cookie);
        assert_eq!(res.status, 200, "{path}");
        let policy = res.header("content-security-policy").unwrap();
        assert!(policy.contains("style-src 'self';"), "{path}: {policy}");
        assert!(!policy.contains("unsafe-inline"), "{path}: {policy}");
    }
}
