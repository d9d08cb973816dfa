//! Serving: the runtime, binding the address, the task that closes rounds
//! past their date and erases the order of answering, and graceful shutdown.
//! `spiegel serve`, `spiegel demo` and the tests start the server the same
//! way: [`Application::build`], then [`Application::run_until_stopped`]. The
//! accept loop itself (header-read timeout, connection cap, bounded drain)
//! is [`crate::web::serve`].

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use tokio::net::TcpListener;

use crate::domain::audit::Action;
use crate::storage::{self, Db};
use crate::web::{self, AppState};
use jiff::Timestamp;

/// What the server needs to start.
#[derive(Debug, Clone)]
pub struct Config {
    /// The SQLite file (it must exist: `spiegel init` creates it).
    pub db: PathBuf,
    /// An IP address or a host name, with a port (port 0: any free one).
    pub addr: String,
    /// The address people reach Spiegel at, checked already; `None`: the
    /// address the server listens on.
    pub base_url: Option<String>,
    /// Failed link or key attempts per client per minute before 429 (0: off).
    pub max_failures: u32,
    /// The organisation's own survey files (`--surveys`), for the set-up pages.
    pub surveys: Option<PathBuf>,
    /// The organisation's own cases and guide (`--conversation`).
    pub conversation: Option<PathBuf>,
}

/// A server bound to its address with its database open, not yet serving.
pub struct Application {
    listener: TcpListener,
    db: Db,
    addr: SocketAddr,
    base_url: String,
    max_failures: u32,
    surveys: Option<PathBuf>,
    casebook: crate::casebook::Casebook,
}

impl Application {
    /// Opens (and migrates) the database, then binds the address.
    pub async fn build(config: Config) -> anyhow::Result<Application> {
        let casebook =
            crate::casebook::Casebook::load(config.conversation.as_deref()).map_err(|errors| {
                let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
                anyhow::anyhow!("invalid conversation files:\n{}", lines.join("\n"))
            })?;
        let db = Db::start(&config.db)?;
        let listener = bind(&config.addr).await?;
        let addr = listener.local_addr()?;
        let base_url = config.base_url.unwrap_or_else(|| format!("http://{addr}"));
        Ok(Application {
            listener,
            db,
            addr,
            base_url,
            max_failures: config.max_failures,
            surveys: config.surveys,
            casebook,
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The address people reach Spiegel at (`--base-url`, or where it listens).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Serves until Ctrl-C or SIGTERM.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        self.run_until(shutdown_signal()).await
    }

    /// Serves until `shutdown` completes (the seam for tests), closing due
    /// rounds every minute meanwhile.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let closer = tokio::spawn(close_and_erase(self.db.clone()));
        let mut state = AppState::new(self.db, self.max_failures);
        state.secure_cookies = self.base_url.starts_with("https://");
        state.base_url = std::sync::Arc::from(self.base_url.as_str());
        state.surveys = self.surveys.as_deref().map(std::sync::Arc::from);
        state.casebook = std::sync::Arc::new(self.casebook);
        let served = web::serve(self.listener, state, shutdown).await;
        closer.abort();
        Ok(served?)
    }
}

/// The runtime for serving.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    // Few threads: reads are limited to one per core anyway (see `Db`), and
    // every thread keeps its own allocator arena.
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(4)
        .build()?)
}

/// Listens on `addr`: an IP address or a host name (resolved), with a port.
async fn bind(addr: &str) -> anyhow::Result<TcpListener> {
    let has_port = addr
        .rsplit_once(':')
        .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok());
    if addr.parse::<SocketAddr>().is_err() && !has_port {
        bail!("--addr {addr:?} is not an address like 127.0.0.1:8080 or localhost:8080");
    }
    TcpListener::bind(addr).await.with_context(|| {
        format!(
            "cannot listen on {addr} (is the host name right, or is another program using \
             the port? choose another with --addr)"
        )
    })
}

/// Closes rounds past their planned date every minute, and erases the order
/// of answering of closed rounds: after a failure (a full disk, a reader
/// holding the log) it logs and tries again after 10 s, then less often,
/// until it succeeds.
async fn close_and_erase(db: Db) {
    const EVERY: Duration = Duration::from_secs(60);
    const FIRST_RETRY: Duration = Duration::from_secs(10);
    const DAILY: Duration = Duration::from_secs(24 * 60 * 60);
    let mut retry = FIRST_RETRY;
    let mut wait = Duration::ZERO;
    let mut retention_ran: Option<tokio::time::Instant> = None;
    loop {
        tokio::time::sleep(wait).await;
        wait = EVERY;
        if retention_ran.is_none_or(|t| t.elapsed() >= DAILY) {
            retention_ran = retention(&db).await.then(tokio::time::Instant::now);
        }
        match db
            .write(|c| storage::close_due_rounds(c, Timestamp::now()))
            .await
        {
            Ok(ids) if !ids.is_empty() => {
                tracing::info!(?ids, "closed rounds past their close date")
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "closing due rounds failed"),
        }
        match db
            .write(|c| {
                let today = storage::today(c, Timestamp::now())?;
                storage::erase_closed_rounds(c, today)
            })
            .await
        {
            Ok(ids) => {
                if !ids.is_empty() {
                    tracing::info!(?ids, "erased the order of answering of closed rounds");
                }
                retry = FIRST_RETRY;
            }
            Err(e) => {
                tracing::error!(
                    error = %e,
                    retry_in_seconds = retry.as_secs(),
                    "erasing the order of answering failed; trying again"
                );
                wait = retry;
                retry = (retry * 2).min(EVERY);
            }
        }
    }
}

/// Applies the organisation's retention (`spiegel settings --retain-months`):
/// purges the raw responses of rounds closed long enough ago, and logs which
/// rounds and how many responses (never anything of their content).
/// Whether it succeeded (a failure is tried again a minute later).
async fn retention(db: &Db) -> bool {
    match db
        .write(|c| {
            let plan = storage::apply_retention(c, Timestamp::now())?;
            if !plan.rounds.is_empty() {
                let today = storage::today(c, Timestamp::now())?;
                let what = Action::RetentionPurged {
                    responses: plan.responses(),
                    rounds: plan.rounds.iter().map(|r| r.round).collect(),
                };
                storage::record(c, today, "(retention)", &what)?;
            }
            Ok(plan)
        })
        .await
    {
        Ok(plan) => {
            for r in &plan.rounds {
                tracing::info!(
                    round = r.round,
                    responses = r.responses,
                    "retention: purged the raw responses of a closed round"
                );
            }
            true
        }
        Err(e) => {
            tracing::error!(error = %e, "applying retention failed; trying again in a minute");
            false
        }
    }
}

/// Completes on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
