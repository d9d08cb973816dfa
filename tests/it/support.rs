//! Test support: the binary as a process, a server on port 0 with a fresh
//! database, and a tiny raw HTTP/1.1 client (so tests control every byte).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

pub const BIN: &str = env!("CARGO_BIN_EXE_spiegel");

/// A fresh folder, removed when dropped.
pub struct TestDir {
    pub path: PathBuf,
}

impl TestDir {
    pub fn new() -> TestDir {
        static N: AtomicU32 = AtomicU32::new(0);
        let path = std::env::temp_dir().join(format!(
            "spiegel-test-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        TestDir { path }
    }

    pub fn db(&self) -> PathBuf {
        self.path.join("spiegel.db")
    }

    /// Runs `spiegel --db <this db> args…` with a clean environment.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    pub fn command(&self, args: &[&str]) -> Command {
        self.prepare(Command::new(BIN), args)
    }

    /// The same with another build of the binary (such as the release one).
    pub fn command_with(&self, bin: &Path, args: &[&str]) -> Command {
        self.prepare(Command::new(bin), args)
    }

    /// The same command, started by `sh` with the open-file limit (soft and
    /// hard) set to `nofile`.
    pub fn command_with_open_files(&self, nofile: u32, args: &[&str]) -> Command {
        let mut sh = Command::new("sh");
        sh.arg("-c")
            .arg(format!("ulimit -n {nofile} && exec \"$0\" \"$@\""))
            .arg(BIN);
        self.prepare(sh, args)
    }

    fn prepare(&self, mut c: Command, args: &[&str]) -> Command {
        c.current_dir(&self.path)
            .env_remove("SPIEGEL_DB")
            .env_remove("SPIEGEL_ADDR")
            .env_remove("SPIEGEL_BASE_URL")
            .env_remove("SPIEGEL_SURVEYS")
            .env_remove("SPIEGEL_CONVERSATION")
            .env_remove("RUST_LOG")
            .arg("--db")
            .arg(self.db())
            .args(args);
        c
    }

    /// Runs and expects success; returns standard output.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "spiegel {args:?} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs and expects failure; returns standard error.
    pub fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(!out.status.success(), "spiegel {args:?} should have failed");
        String::from_utf8(out.stderr).unwrap()
    }

    /// `spiegel round open …`; returns the new round's id (its last line).
    pub fn open_round(&self, args: &[&str]) -> String {
        self.ok(args).lines().last().unwrap().trim().to_string()
    }

    /// init, two teams, an open pulse round; returns the round id.
    pub fn setup_round(&self) -> String {
        self.ok(&["init", "--org", "Test BV"]);
        self.ok(&["team", "add", "Zorg & Welzijn", "--size", "20"]);
        self.ok(&[
            "team",
            "add",
            "Noord",
            "--parent",
            "Zorg & Welzijn",
            "--size",
            "8",
        ]);
        self.open_round(&["round", "open", "--survey", "pulse", "--all"])
    }

    /// Creates `n` links for a team; returns the tokens.
    pub fn tokens(&self, round: &str, team: &str, n: u32) -> Vec<String> {
        self.ok(&[
            "links",
            "--round",
            round,
            "--team",
            team,
            "--count",
            &n.to_string(),
        ])
        .lines()
        .map(|l| l.rsplit('/').next().unwrap().to_string())
        .collect()
    }

    /// Every manager has skipped the reflection step of every round (for
    /// tests of the result pages behind it).
    pub fn skip_reflections(&self) {
        self.sqlite()
            .execute(
                "INSERT OR IGNORE INTO expectations (team_id, round_id, skipped, saved_on)
                 SELECT t.id, r.id, 1, '2026-01-01' FROM teams t, rounds r",
                [],
            )
            .unwrap();
    }

    pub fn sqlite(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.db()).unwrap()
    }
}

impl Drop for TestDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// `spiegel serve` on port 0; killed when dropped.
pub struct Server {
    child: Child,
    pub addr: String,
    pub stderr: PathBuf,
}

impl Server {
    pub fn start(dir: &TestDir, log: Option<&str>) -> Server {
        Server::spawn(dir, dir.command(&["serve", "--addr", "127.0.0.1:0"]), log)
    }

    /// Starts `cmd`, a `spiegel serve` command, and waits for its address.
    pub fn spawn(dir: &TestDir, mut cmd: Command, log: Option<&str>) -> Server {
        let stderr = dir.path.join(format!("server-{}.log", rand_suffix()));
        if let Some(level) = log {
            cmd.env("RUST_LOG", level);
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .split("http://")
            .nth(1)
            .unwrap_or_else(|| {
                panic!(
                    "no address in {line:?}: {}",
                    std::fs::read_to_string(&stderr).unwrap_or_default()
                )
            })
            .trim()
            .to_string();
        Server {
            child,
            addr,
            stderr,
        }
    }

    pub fn get(&self, path: &str) -> Response {
        request(&self.addr, "GET", path, &[], b"")
    }

    pub fn post_form(&self, path: &str, body: &str) -> Response {
        post_form(&self.addr, path, body).unwrap()
    }

    /// Stops the server with SIGTERM (graceful) and waits.
    pub fn stop(mut self) -> std::process::ExitStatus {
        self.terminate();
        self.child.wait().unwrap()
    }

    /// Sends SIGTERM without waiting.
    pub fn terminate(&self) {
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
    }

    /// The exit status once the process has ended, waiting at most `limit`.
    pub fn exited_within(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let start = std::time::Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            if start.elapsed() > limit {
                return None;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn rand_suffix() -> u32 {
    static N: AtomicU32 = AtomicU32::new(0);
    N.fetch_add(1, Ordering::SeqCst)
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// The body as sent (an image is not text).
    pub bytes: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A form POST to any address (from threads, or to a server that may be gone).
pub fn post_form(addr: &str, path: &str, body: &str) -> std::io::Result<Response> {
    try_request(
        addr,
        "POST",
        path,
        &[("Content-Type", "application/x-www-form-urlencoded")],
        body.as_bytes(),
    )
}

/// One HTTP/1.1 request on a fresh connection.
pub fn request(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Response {
    try_request(addr, method, path, headers, body).unwrap()
}

/// The same, with an error instead of a panic when nothing (complete) comes back.
pub fn try_request(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<Response> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if method == "POST" {
        req.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes())?;
    let _ = s.write_all(body);
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    if !raw.windows(4).any(|w| w == b"\r\n\r\n") {
        return Err(std::io::Error::other("no complete response"));
    }
    Ok(parse_response(&raw))
}

fn parse_response(raw: &[u8]) -> Response {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no response head in {:?}", String::from_utf8_lossy(raw)));
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let mut body = raw[split + 4..].to_vec();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    Response {
        status,
        headers,
        body: String::from_utf8_lossy(&body).to_string(),
        bytes: body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(end) = data.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&data[..end]).trim(), 16).unwrap_or(0);
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[end + 2..end + 2 + size]);
        data = &data[end + 2 + size + 2..];
    }
}

/// Reads a file, or empty when it does not exist.
pub fn bytes_of(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_default()
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
