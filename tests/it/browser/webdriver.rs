//! A small WebDriver client for chromedriver over the raw HTTP client of
//! `support` (JSON in, JSON out): no async runtime, no new dependency.
//!
//! One [`Browser`] is one chromedriver (its own process group, on a port it
//! picks) with one headless Chromium session. Browsers take turns (two
//! cores), each under a time limit: past it, a watchdog kills the whole
//! process group, so the waiting call fails and the test ends with a panic
//! instead of hanging. Dropping a `Browser` ends the session and the
//! processes; nothing is left running.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

/// WebDriver key codes.
pub const TAB: &str = "\u{E004}";
pub const ENTER: &str = "\u{E007}";
pub const SPACE: &str = "\u{E00D}";
pub const ARROW_DOWN: &str = "\u{E015}";

/// Chromium's flags for this machine (see the README's "Browser tests").
const CHROMIUM_ARGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
];

/// Whether JavaScript runs in the page. WebDriver's own scripts (`execute`,
/// axe) run either way: chromedriver evaluates them over DevTools.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Js {
    On,
    Off,
}

pub struct Browser {
    session: String,
    addr: String,
    child: Child,
    log: PathBuf,
    limit: Duration,
    timed_out: Arc<AtomicBool>,
    stop_watchdog: Option<mpsc::Sender<()>>,
    _turn: MutexGuard<'static, ()>,
}

/// The Chromium binary: `$CHROMIUM`, else Debian's.
fn chromium() -> PathBuf {
    let path = PathBuf::from(std::env::var("CHROMIUM").unwrap_or("/usr/bin/chromium".into()));
    assert!(
        path.exists(),
        "SPIEGEL_BROWSER_TESTS=1 but there is no Chromium at {}: install Debian's \
         `chromium` and `chromium-driver` (apt-get install -y chromium chromium-driver), \
         or set CHROMIUM",
        path.display()
    );
    path
}

impl Browser {
    /// Starts chromedriver and a headless Chromium in `dir`, both killed
    /// after `limit` if the test is still running by then.
    pub fn launch(dir: &Path, js: Js, limit: Duration) -> Browser {
        static TURN: Mutex<()> = Mutex::new(());
        let turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
        let chromium = chromium();
        let driver = std::env::var("CHROMEDRIVER").unwrap_or("chromedriver".into());
        // Fresh names for each launch: a profile is never reused.
        static LAUNCHES: AtomicU32 = AtomicU32::new(0);
        let n = LAUNCHES.fetch_add(1, Ordering::SeqCst);
        let log = dir.join(format!("chromedriver-{n}.log"));
        let mut child = {
            use std::os::unix::process::CommandExt;
            Command::new(&driver)
                .arg("--port=0")
                .process_group(0)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(std::fs::File::create(&log).unwrap())
                .spawn()
                .unwrap_or_else(|e| {
                    panic!(
                        "SPIEGEL_BROWSER_TESTS=1 but `{driver}` does not start ({e}): install \
                         Debian's `chromium-driver` (apt-get install -y chromium chromium-driver), \
                         or set CHROMEDRIVER"
                    )
                })
        };
        let timed_out = Arc::new(AtomicBool::new(false));
        let stop_watchdog = watchdog(child.id(), limit, timed_out.clone());
        // "ChromeDriver was started successfully on port 40215."
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut port = None;
        let mut seen = String::new();
        let mut line = String::new();
        while port.is_none() && out.read_line(&mut line).unwrap_or(0) > 0 {
            port = line
                .split("started successfully on port ")
                .nth(1)
                .and_then(|p| p.trim().trim_end_matches('.').parse::<u16>().ok());
            seen.push_str(&line);
            line.clear();
        }
        // Keep draining its standard output so it never blocks on a full pipe.
        std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
        let mut browser = Browser {
            session: String::new(),
            addr: String::new(),
            child,
            log,
            limit,
            timed_out,
            stop_watchdog: Some(stop_watchdog),
            _turn: turn,
        };
        let Some(port) = port else {
            panic!(
                "chromedriver printed no port: {seen}{}",
                std::fs::read_to_string(&browser.log).unwrap_or_default()
            );
        };
        browser.addr = format!("127.0.0.1:{port}");
        let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|a| a.to_string()).collect();
        args.push(format!(
            "--user-data-dir={}",
            dir.join(format!("chromium-profile-{n}")).display()
        ));
        let mut options = json!({ "binary": chromium, "args": args });
        if js == Js::Off {
            options["prefs"] = json!({ "profile.managed_default_content_settings.javascript": 2 });
        }
        let caps = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": options,
            "timeouts": { "implicit": 0, "pageLoad": 20_000, "script": 20_000 },
        }}});
        let created = browser.call("POST", "/session", Some(caps));
        browser.session = created["sessionId"].as_str().unwrap().to_string();
        browser
    }

    /// One WebDriver command; panics with chromedriver's error.
    pub fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let path = if path.starts_with("/session/") || path == "/session" {
            path.to_string()
        } else {
            format!("/session/{}{path}", self.session)
        };
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let res = exchange(&self.addr, method, &path, body.as_bytes());
        let late = if self.timed_out.load(Ordering::SeqCst) {
            format!(
                " (the test ran past its limit of {} s, so the browser was killed)",
                self.limit.as_secs()
            )
        } else {
            String::new()
        };
        let (status, body) = res
            .unwrap_or_else(|e| panic!("{method} {path}: no answer from chromedriver ({e}){late}"));
        let mut v: Value = serde_json::from_slice(&body).unwrap_or_else(|e| {
            panic!(
                "{method} {path}: {e}: {}{late}",
                String::from_utf8_lossy(&body)
            )
        });
        if status != 200 {
            panic!(
                "{method} {path}: {status} {}: {}{late}\nchromedriver log: {}",
                v["value"]["error"],
                v["value"]["message"],
                self.log.display()
            );
        }
        v["value"].take()
    }

    pub fn goto(&self, url: &str) {
        self.call("POST", "/url", Some(json!({ "url": url })));
    }

    pub fn url(&self) -> String {
        self.call("GET", "/url", None).as_str().unwrap().to_string()
    }

    pub fn title(&self) -> String {
        self.call("GET", "/title", None)
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Runs `script` (a function body; `arguments` holds `args`) in the page.
    pub fn execute(&self, script: &str, args: Value) -> Value {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({ "script": script, "args": args })),
        )
    }

    /// The same for a script that calls its last argument when done.
    pub fn execute_async(&self, script: &str, args: Value) -> Value {
        self.call(
            "POST",
            "/execute/async",
            Some(json!({ "script": script, "args": args })),
        )
    }

    /// A Chrome DevTools command.
    pub fn cdp(&self, cmd: &str, params: Value) -> Value {
        self.call(
            "POST",
            "/goog/cdp/execute",
            Some(json!({ "cmd": cmd, "params": params })),
        )
    }

    /// Lays pages out `width` × `height` CSS pixels. Below 600 px scrollbars
    /// are overlays, as on a phone, so the page gets the whole width.
    pub fn viewport(&self, width: u32, height: u32) {
        self.cdp(
            "Emulation.setScrollbarsHidden",
            json!({ "hidden": width < 600 }),
        );
        self.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": false }),
        );
        let inner = self.execute("return window.innerWidth", json!([]));
        assert_eq!(inner, json!(width), "the viewport did not take the width");
    }

    /// Presses and releases each key in turn, on the focused element.
    pub fn keys(&self, keys: &[&str]) {
        let actions: Vec<Value> = keys
            .iter()
            .flat_map(|k| {
                [
                    json!({ "type": "keyDown", "value": k }),
                    json!({ "type": "keyUp", "value": k }),
                ]
            })
            .collect();
        self.call(
            "POST",
            "/actions",
            Some(json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": actions }] })),
        );
    }

    /// The first element matching a CSS selector.
    pub fn find(&self, css: &str) -> String {
        let found = self.call(
            "POST",
            "/element",
            Some(json!({ "using": "css selector", "value": css })),
        );
        found
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap()
            .to_string()
    }

    pub fn click(&self, element: &str) {
        self.call(
            "POST",
            &format!("/element/{element}/click"),
            Some(json!({})),
        );
    }

    /// Waits (at most 10 s) until `check` holds; panics naming `what`.
    pub fn wait_for(&self, what: &str, check: impl Fn(&Browser) -> bool) {
        let start = Instant::now();
        while !check(self) {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "waited 10 s for {what}; at {}",
                self.url()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The whole page (beyond the viewport) as a PNG file.
    pub fn screenshot(&self, path: &Path) {
        let shot = self.cdp(
            "Page.captureScreenshot",
            json!({ "format": "png", "captureBeyondViewport": true }),
        );
        let png = STANDARD.decode(shot["data"].as_str().unwrap()).unwrap();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, png).unwrap();
    }

    /// A part of the page (CSS pixels from its top left, beyond the
    /// viewport too) as a PNG file, drawn at `scale`.
    pub fn screenshot_part(&self, path: &Path, (x, y, w, h): (f64, f64, f64, f64), scale: f64) {
        let shot = self.cdp(
            "Page.captureScreenshot",
            json!({ "format": "png", "captureBeyondViewport": true,
                    "clip": { "x": x, "y": y, "width": w, "height": h, "scale": scale } }),
        );
        let png = STANDARD.decode(shot["data"].as_str().unwrap()).unwrap();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, png).unwrap();
    }

    /// The page printed on A4 paper (WebDriver "Print Page"), as PDF bytes.
    pub fn print_a4(&self) -> Vec<u8> {
        let pdf = self.call(
            "POST",
            "/print",
            Some(json!({ "page": { "width": 21.0, "height": 29.7 }, "background": true })),
        );
        STANDARD.decode(pdf.as_str().unwrap()).unwrap()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() && !self.timed_out.load(Ordering::SeqCst) {
            // Ends Chromium; errors do not matter, the group is killed next.
            let _ = exchange(
                &self.addr,
                "DELETE",
                &format!("/session/{}", self.session),
                b"",
            );
        }
        kill_group(self.child.id(), "TERM");
        let start = Instant::now();
        while self.child.try_wait().ok().flatten().is_none() {
            if start.elapsed() > Duration::from_secs(5) {
                kill_group(self.child.id(), "KILL");
                let _ = self.child.wait();
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        // Chromium's helpers may outlive their parent by a moment.
        kill_group(self.child.id(), "KILL");
        if let Some(stop) = self.stop_watchdog.take() {
            let _ = stop.send(());
        }
    }
}

/// One HTTP/1.1 request with a JSON body; the status and the body, read by
/// its Content-Length (chromedriver keeps connections open, so reading to
/// the end would wait for a timeout).
fn exchange(addr: &str, method: &str, path: &str, body: &[u8]) -> std::io::Result<(u16, Vec<u8>)> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(60)))?;
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         Content-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )?;
    s.write_all(body)?;
    let mut r = BufReader::new(s);
    let mut line = String::new();
    r.read_line(&mut line)?;
    let status = line
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("bad status line {line:?}")))?;
    let mut length = None;
    loop {
        line.clear();
        if r.read_line(&mut line)? == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let mut body = Vec::new();
    match length {
        Some(n) => {
            body.resize(n, 0);
            r.read_exact(&mut body)?;
        }
        None => {
            r.read_to_end(&mut body)?;
        }
    }
    Ok((status, body))
}

/// Kills the process group `pgid` (chromedriver and the Chromium it started).
fn kill_group(pgid: u32, signal: &str) {
    let _ = Command::new("kill")
        .args([&format!("-{signal}"), "--", &format!("-{pgid}")])
        .stderr(Stdio::null())
        .status();
}

/// Kills the group after `limit` unless told to stop first.
fn watchdog(pgid: u32, limit: Duration, fired: Arc<AtomicBool>) -> mpsc::Sender<()> {
    let (stop, stopped) = mpsc::channel::<()>();
    std::thread::spawn(move || {
        if let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(limit) {
            fired.store(true, Ordering::SeqCst);
            eprintln!(
                "browser test past its limit of {} s: killing chromedriver and Chromium",
                limit.as_secs()
            );
            kill_group(pgid, "KILL");
        }
    });
    stop
}
