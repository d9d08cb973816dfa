//! Running it for real: the container image (`Dockerfile`), the systemd unit
//! (`deploy/spiegel.service`) and the README's table of `serve`'s settings
//! agree with the code, and each starts Spiegel so that `/healthz` answers.
//! The container is built and started only where a container engine works
//! (`docker info` succeeds); elsewhere that test says so and passes.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{BIN, TestDir, request};

fn repo_file(path: &str) -> String {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// `spiegel serve --help`: its flags (`--addr`) and environment variables.
fn serve_help() -> (BTreeSet<String>, BTreeSet<String>) {
    let out = Command::new(BIN)
        .args(["serve", "--help"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    let mut flags = BTreeSet::new();
    let mut envs = BTreeSet::new();
    for line in help.lines() {
        let line = line.trim_start();
        if let Some(rest) = line.strip_prefix("--")
            && let Some(name) = rest.split([' ', '=']).next()
            && name != "help"
        {
            flags.insert(format!("--{name}"));
        }
        if let Some((_, rest)) = line.split_once("[env: ") {
            envs.insert(rest.split('=').next().unwrap().to_string());
        }
    }
    assert!(
        flags.contains("--addr") && envs.contains("SPIEGEL_DB"),
        "{help}"
    );
    (flags, envs)
}

/// Variables the code reads besides `serve`'s own (logging, see `cli::init_tracing`).
const LOG_ENV: [&str; 2] = ["RUST_LOG", "NO_COLOR"];

/// The systemd unit's `Environment=` pairs and `ExecStart=` words.
fn unit() -> (Vec<(String, String)>, Vec<String>) {
    let text = repo_file("deploy/spiegel.service");
    let mut env = Vec::new();
    let mut exec = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        if let Some(pair) = line.strip_prefix("Environment=") {
            let (k, v) = pair.split_once('=').expect("Environment=NAME=value");
            env.push((k.to_string(), v.to_string()));
        }
        if let Some(cmd) = line.strip_prefix("ExecStart=") {
            exec = cmd.split_whitespace().map(String::from).collect();
        }
    }
    assert!(!exec.is_empty(), "the unit has no ExecStart");
    (env, exec)
}

/// A server started with exactly `env` (nothing inherited) and `args`; its
/// address from the first line it prints ("…, listening on ADDR, at URL").
struct Started {
    child: Child,
    addr: String,
    stderr: PathBuf,
}

impl Started {
    fn spawn(dir: &TestDir, env: &[(String, String)], args: &[String]) -> Started {
        let stderr = dir.path.join("started.log");
        let mut child = Command::new(BIN)
            .env_clear()
            .envs(env.iter().map(|(k, v)| (k, v)))
            .args(args)
            .current_dir(&dir.path)
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .split_once("listening on ")
            .and_then(|(_, rest)| rest.split(',').next())
            .unwrap_or_else(|| {
                panic!(
                    "no address in {line:?}: {}",
                    std::fs::read_to_string(&stderr).unwrap_or_default()
                )
            })
            .to_string();
        Started {
            child,
            addr,
            stderr,
        }
    }
}

impl Drop for Started {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An advisor key for the database, from `spiegel key advisor`'s last line.
fn advisor_key(dir: &TestDir) -> String {
    let out = dir.ok(&["key", "advisor", "--label", "deploy"]);
    out.lines()
        .last()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string()
}

#[test]
fn the_unit_passes_systemd_analyze_verify() {
    let text = repo_file("deploy/spiegel.service");
    let dir = TestDir::new();
    // verify wants ExecStart's program to exist: the binary under test.
    let unit = dir.path.join("spiegel.service");
    std::fs::write(&unit, text.replace("/usr/local/bin/spiegel", BIN)).unwrap();
    match Command::new("systemd-analyze")
        .arg("verify")
        .arg(&unit)
        .output()
    {
        Err(_) => println!(
            "systemd-analyze is not installed: the unit was checked by the other tests only"
        ),
        Ok(out) => {
            let said = String::from_utf8_lossy(&out.stderr).to_string()
                + &String::from_utf8_lossy(&out.stdout);
            assert!(out.status.success(), "systemd-analyze verify: {said}");
            // Unknown keys are only warnings (exit 0): refuse them too.
            let about_unit: Vec<&str> = said
                .lines()
                .filter(|l| l.contains("spiegel.service"))
                .collect();
            assert!(about_unit.is_empty(), "systemd-analyze verify: {said}");
        }
    }
}

#[test]
fn the_units_settings_are_the_codes() {
    let (flags, envs) = serve_help();
    let (env, exec) = unit();
    assert_eq!(exec[0], "/usr/local/bin/spiegel");
    assert_eq!(exec[1], "serve");
    for word in exec.iter().skip(2).filter(|w| w.starts_with("--")) {
        let flag = word.split('=').next().unwrap();
        assert!(
            flags.contains(flag),
            "ExecStart's {flag} is not a flag of serve: {flags:?}"
        );
    }
    for (name, _) in &env {
        assert!(
            envs.contains(name) || LOG_ENV.contains(&name.as_str()),
            "Environment={name} is read by nothing: serve reads {envs:?} and {LOG_ENV:?}"
        );
    }
    let text = repo_file("deploy/spiegel.service");
    for line in [
        "StateDirectory=spiegel",
        "ProtectSystem=strict",
        "ProtectHome=yes",
        "PrivateTmp=yes",
        "NoNewPrivileges=yes",
        "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
        "CapabilityBoundingSet=",
        "SystemCallFilter=@system-service",
        "UMask=0077",
        "Environment=SPIEGEL_DB=/var/lib/spiegel/spiegel.db",
    ] {
        assert!(text.lines().any(|l| l == line), "the unit lacks {line}");
    }
}

#[test]
fn the_unit_starts_spiegel_and_healthz_answers() {
    let dir = TestDir::new();
    let (env, exec) = unit();
    // The unit's own settings, with this test's file and a free port.
    let env: Vec<(String, String)> = env
        .into_iter()
        .map(|(k, v)| match k.as_str() {
            "SPIEGEL_DB" => (k, dir.db().display().to_string()),
            "SPIEGEL_ADDR" => (k, "127.0.0.1:0".to_string()),
            _ => (k, v),
        })
        .collect();
    let base = env
        .iter()
        .find(|(k, _)| k == "SPIEGEL_BASE_URL")
        .map(|(_, v)| v.clone())
        .expect("the unit sets SPIEGEL_BASE_URL");
    assert!(base.starts_with("https://"), "{base}");
    dir.ok(&["init", "--org", "Deploy BV"]);
    let key = advisor_key(&dir);
    let server = Started::spawn(&dir, &env, &exec[1..]);

    let health = request(&server.addr, "GET", "/healthz", &[], b"");
    assert_eq!(health.status, 200);
    assert_eq!(health.body, "ok");
    // An https base URL makes the session cookie Secure.
    let login = request(&server.addr, "GET", &format!("/a/{key}"), &[], b"");
    assert_eq!(login.status, 303, "{login:?}");
    let cookie = login.header("set-cookie").unwrap();
    assert!(cookie.contains("; Secure"), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    let log = std::fs::read_to_string(&server.stderr).unwrap();
    assert!(!log.contains(&key), "the log holds the key: {log}");
}

#[test]
fn without_an_https_base_url_cookies_are_not_secure() {
    let dir = TestDir::new();
    dir.ok(&["init", "--org", "Deploy BV"]);
    let key = advisor_key(&dir);
    let server = crate::support::Server::start(&dir, None);
    let login = server.get(&format!("/a/{key}"));
    let cookie = login.header("set-cookie").unwrap();
    assert!(!cookie.contains("Secure"), "{cookie}");
}

/// The Dockerfile's `ENV` pairs, `HEALTHCHECK` command, `ENTRYPOINT` + `CMD`.
struct Dockerfile {
    env: Vec<(String, String)>,
    healthcheck: Vec<String>,
    command: Vec<String>,
    text: String,
}

fn json_words(s: &str) -> Vec<String> {
    serde_json::from_str(s.trim()).unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn dockerfile() -> Dockerfile {
    let text = repo_file("Dockerfile");
    // Join continued lines.
    let joined = text.replace("\\\n", " ");
    let mut d = Dockerfile {
        env: Vec::new(),
        healthcheck: Vec::new(),
        command: Vec::new(),
        text: text.clone(),
    };
    for line in joined.lines().map(str::trim) {
        if let Some(pairs) = line.strip_prefix("ENV ") {
            for pair in pairs.split_whitespace() {
                let (k, v) = pair.split_once('=').expect("ENV NAME=value");
                d.env.push((k.to_string(), v.to_string()));
            }
        } else if let Some(rest) = line.strip_prefix("HEALTHCHECK ") {
            let cmd = rest.split_once("CMD ").expect("HEALTHCHECK … CMD [...]").1;
            d.healthcheck = json_words(cmd);
        } else if let Some(rest) = line.strip_prefix("ENTRYPOINT ") {
            let mut words = json_words(rest);
            words.append(&mut d.command);
            d.command = words;
        } else if let Some(rest) = line.strip_prefix("CMD ") {
            d.command.extend(json_words(rest));
        }
    }
    d
}

#[test]
fn the_dockerfile_agrees_with_the_code() {
    let d = dockerfile();
    let (_, envs) = serve_help();
    for (name, _) in &d.env {
        assert!(
            envs.contains(name),
            "ENV {name} is read by nothing: {envs:?}"
        );
    }
    assert!(
        d.env
            .contains(&("SPIEGEL_DB".into(), "/data/spiegel.db".into()))
    );
    assert!(
        d.env
            .contains(&("SPIEGEL_ADDR".into(), "0.0.0.0:8080".into()))
    );
    assert_eq!(d.command, ["/usr/local/bin/spiegel", "serve"]);
    assert_eq!(d.healthcheck, ["/usr/local/bin/spiegel", "healthcheck"]);
    assert!(d.text.contains("VOLUME [\"/data\"]"));
    assert!(
        d.text
            .lines()
            .any(|l| l.starts_with("USER ") && !l.contains("root"))
    );
    // Everything the builder copies exists, and .dockerignore lets it through.
    let ignore = repo_file(".dockerignore");
    for line in d.text.lines() {
        if let Some(rest) = line.strip_prefix("COPY ")
            && !rest.starts_with("--from")
        {
            let words: Vec<&str> = rest.split_whitespace().collect();
            for src in &words[..words.len() - 1] {
                let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(src);
                assert!(path.exists(), "COPY {src}: missing");
                let allowed = ignore.lines().any(|l| {
                    l.strip_prefix('!')
                        .is_some_and(|a| a.trim_end_matches('/') == src.trim_end_matches('/'))
                });
                assert!(allowed, ".dockerignore does not let {src} through");
            }
        }
    }
}

/// The image's configuration on this machine: its `ENV` (with /data a test
/// folder and any free port), its `CMD`, and its `HEALTHCHECK` command.
#[test]
fn the_images_command_and_healthcheck_work_with_its_environment() {
    let dir = TestDir::new();
    let d = dockerfile();
    let data = dir.path.join("data");
    std::fs::create_dir(&data).unwrap();
    let env: Vec<(String, String)> = d
        .env
        .iter()
        .map(|(k, v)| match k.as_str() {
            "SPIEGEL_ADDR" => (k.clone(), "0.0.0.0:0".to_string()),
            _ => (k.clone(), v.replace("/data", &data.display().to_string())),
        })
        .collect();
    let init = Command::new(BIN)
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k, v)))
        .args(["init", "--org", "Container BV"])
        .output()
        .unwrap();
    assert!(init.status.success(), "{init:?}");
    assert!(data.join("spiegel.db").exists());
    let server = Started::spawn(&dir, &env, &d.command[1..]);
    let port = server.addr.rsplit(':').next().unwrap().to_string();

    let probe = |addr: &str| {
        Command::new(BIN)
            .env_clear()
            .env("SPIEGEL_ADDR", addr)
            .args(&d.healthcheck[1..])
            .output()
            .unwrap()
    };
    let healthy = probe(&format!("0.0.0.0:{port}"));
    assert!(healthy.status.success(), "{healthy:?}");
    assert_eq!(String::from_utf8_lossy(&healthy.stdout).trim(), "ok");
    drop(server);
    let gone = probe(&format!("0.0.0.0:{port}"));
    assert!(!gone.status.success(), "{gone:?}");
    assert!(String::from_utf8_lossy(&gone.stderr).contains("cannot connect"));
}

/// `docker info` succeeds: a container engine is there to build and run with.
fn container_engine() -> bool {
    Command::new("docker")
        .arg("info")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn docker(args: &[&str]) -> String {
    let out = Command::new("docker").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "docker {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// Removes the test's container, volume and image even when it fails.
struct Cleanup(String);

impl Drop for Cleanup {
    fn drop(&mut self) {
        let n = &self.0;
        for args in [
            vec!["rm", "-f", n.as_str()],
            vec!["volume", "rm", "-f", n.as_str()],
            vec!["image", "rm", "-f", n.as_str()],
        ] {
            let _ = Command::new("docker").args(&args).output();
        }
    }
}

#[test]
fn the_container_builds_starts_and_answers_healthz() {
    if !container_engine() {
        println!(
            "skipped: no container engine here (`docker info` fails); \
             the Dockerfile was checked against the code only"
        );
        return;
    }
    let name = format!("spiegel-test-{}", std::process::id());
    let _cleanup = Cleanup(name.clone());
    docker(&["build", "-t", &name, env!("CARGO_MANIFEST_DIR")]);
    let volume = format!("{name}:/data");
    docker(&[
        "run",
        "--rm",
        "-v",
        &volume,
        &name,
        "init",
        "--org",
        "Container BV",
    ]);
    docker(&[
        "run",
        "-d",
        "--name",
        &name,
        "-v",
        &volume,
        "-p",
        "127.0.0.1::8080",
        &name,
    ]);
    let port = docker(&["port", &name, "8080/tcp"]);
    let addr = port.lines().next().unwrap().to_string();
    // The image's own HEALTHCHECK turns healthy (it probes every 30 s,
    // after a start period of 10 s; `docker inspect` tells).
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let status = docker(&["inspect", "-f", "{{.State.Health.Status}}", &name]);
        if status == "healthy" {
            break;
        }
        assert!(
            Instant::now() < deadline && status != "unhealthy",
            "health {status}: {}",
            docker(&["logs", &name])
        );
        std::thread::sleep(Duration::from_secs(1));
    }
    let health = request(&addr, "GET", "/healthz", &[], b"");
    assert_eq!(health.status, 200);
    assert_eq!(
        docker(&["exec", &name, "/usr/local/bin/spiegel", "healthcheck"]),
        "ok"
    );
    let user = docker(&["inspect", "-f", "{{.Config.User}}", &name]);
    assert!(
        !user.is_empty() && !user.starts_with('0') && user != "root",
        "{user}"
    );
}

#[test]
fn the_readme_table_names_every_setting_of_serve() {
    let readme = repo_file("README.md");
    let (flags, envs) = serve_help();
    let table: Vec<&str> = readme.lines().filter(|l| l.starts_with("| ")).collect();
    for flag in &flags {
        assert!(
            table.iter().any(|row| row.contains(&format!("`{flag}"))),
            "the README's table lacks {flag}"
        );
    }
    for env in envs.iter().map(String::as_str).chain(LOG_ENV) {
        assert!(
            table.iter().any(|row| row.contains(&format!("`{env}"))),
            "the README's table lacks {env}"
        );
    }
}
