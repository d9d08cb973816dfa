//! The server's handle on the database: one writer thread that owns the
//! only writing connection (every write is serialised by construction), with
//! group commit for submissions, and a small pool of read-only connections.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, mpsc};

use rusqlite::{Connection, TransactionBehavior};
use tokio::sync::{Semaphore, oneshot};

use super::{Mode, Result, StorageError};

/// Most submissions committed in one transaction.
const MAX_BATCH: usize = 256;

type Work = Box<dyn FnOnce(&mut Connection) + Send>;

struct Submission {
    hash: [u8; 32],
    round_id: i64,
    answers: Vec<u8>,
    comment: Option<String>,
    reply: oneshot::Sender<Result<bool>>,
}

enum Job {
    Submit(Submission),
    Run(Work),
}

#[derive(Clone)]
pub struct Db {
    jobs: mpsc::Sender<Job>,
    readers: Arc<Mutex<Vec<Connection>>>,
    /// At most one read per core at a time: more would only add threads,
    /// connections and memory, not speed.
    read_slots: Arc<Semaphore>,
    path: Arc<PathBuf>,
}

impl Db {
    /// Opens (and migrates) the database and starts the writer thread.
    pub fn start(path: &Path) -> Result<Db> {
        let conn = super::open(path, Mode::Existing)?;
        super::org(&conn)?;
        let (jobs, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("spiegel-writer".into())
            .spawn(move || writer(conn, rx))?;
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Ok(Db {
            jobs,
            readers: Arc::new(Mutex::new(Vec::new())),
            read_slots: Arc::new(Semaphore::new(cores.max(2))),
            path: Arc::new(path.to_path_buf()),
        })
    }

    /// Runs `f` on the writer's connection (in the writer's order).
    pub async fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let work: Work = Box::new(move |conn| {
            let _ = tx.send(f(conn));
        });
        self.jobs.send(Job::Run(work)).map_err(|_| stopped())?;
        rx.await.map_err(|_| stopped())?
    }

    /// Spends the invite and stores the answers atomically. `Ok(true)` only
    /// after the transaction holding them has been committed (and fsynced).
    pub async fn submit(
        &self,
        hash: [u8; 32],
        round_id: i64,
        answers: Vec<u8>,
        comment: Option<String>,
    ) -> Result<bool> {
        let (reply, rx) = oneshot::channel();
        let job = Job::Submit(Submission {
            hash,
            round_id,
            answers,
            comment,
            reply,
        });
        self.jobs.send(job).map_err(|_| stopped())?;
        rx.await.map_err(|_| stopped())?
    }

    /// Runs a point lookup (a few microseconds, one indexed row) right here
    /// on the async thread with a pooled read-only connection: cheaper than a
    /// trip to the blocking pool. Anything that scans belongs in [`Db::read`],
    /// which runs this same function on the blocking pool.
    pub fn lookup<T, F>(&self, f: F) -> Result<T>
    where
        F: FnOnce(&Connection) -> Result<T>,
    {
        let pooled = self.readers.lock().map_err(|_| stopped())?.pop();
        let conn = match pooled {
            Some(c) => c,
            None => super::open(&self.path, Mode::ReadOnly)?,
        };
        let out = f(&conn);
        if let Ok(mut pool) = self.readers.lock()
            && pool.len() < 4
        {
            pool.push(conn);
        }
        out
    }

    /// Runs `f` on a read-only connection from the pool, off the async runtime.
    pub async fn read<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let _slot = self.read_slots.acquire().await.map_err(|_| stopped())?;
        let db = self.clone();
        tokio::task::spawn_blocking(move || db.lookup(f))
            .await
            .map_err(|_| stopped())?
    }
}

fn stopped() -> StorageError {
    StorageError::WriterGone
}

fn writer(mut conn: Connection, rx: mpsc::Receiver<Job>) {
    while let Ok(job) = rx.recv() {
        match job {
            Job::Run(work) => work(&mut conn),
            Job::Submit(first) => {
                let mut batch = vec![first];
                let mut after = None;
                while batch.len() < MAX_BATCH {
                    match rx.try_recv() {
                        Ok(Job::Submit(s)) => batch.push(s),
                        Ok(Job::Run(work)) => {
                            after = Some(work);
                            break;
                        }
                        Err(_) => break,
                    }
                }
                commit_batch(&mut conn, batch);
                if let Some(work) = after {
                    work(&mut conn);
                }
            }
        }
    }
}

/// Group commit: every submission in its own savepoint, one commit (one
/// fsync) for all, replies only after the commit.
fn commit_batch(conn: &mut Connection, batch: Vec<Submission>) {
    let now = jiff::Timestamp::now();
    let outcome = (|| -> Result<Vec<(Submission, Result<bool>)>> {
        let mut tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut results = Vec::with_capacity(batch.len());
        for s in batch {
            let sp = tx.savepoint()?;
            let r = super::submit(
                &sp,
                &s.hash,
                s.round_id,
                &s.answers,
                s.comment.as_deref(),
                now,
            );
            if r.is_ok() {
                sp.commit()?;
            }
            // A failed savepoint rolls back on drop.
            results.push((s, r));
        }
        tx.commit()?;
        Ok(results)
    })();
    match outcome {
        Ok(results) => {
            for (s, r) in results {
                let _ = s.reply.send(r);
            }
        }
        Err(e) => {
            // Nothing was committed; every waiting submitter hears so. The
            // submissions were moved into the closure, so their reply
            // channels were dropped: each receiver sees "writer stopped".
            tracing::error!(error = %e, "group commit failed");
        }
    }
}
