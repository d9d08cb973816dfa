//! The server's handle on the database: one writer thread that owns the
//! only writing connection (every write is serialised by construction), with
//! group commit for submissions, and a pool of read-only connections sized
//! to the reads that can run at once.

use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, mpsc};

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
    readers: Arc<Readers>,
    /// At most one read per core at a time: more would only add threads,
    /// connections and memory, not speed.
    read_slots: Arc<Semaphore>,
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
        let read_slots = cores.max(2);
        // Lookups run on the runtime's worker threads (one at a time on
        // each: they never await) and reads on the blocking pool (at most
        // `read_slots`), so this many connections are never all busy.
        let workers =
            tokio::runtime::Handle::try_current().map_or(cores, |rt| rt.metrics().num_workers());
        Ok(Db {
            jobs,
            readers: Arc::new(Readers::new(path, (workers + read_slots).max(4))),
            read_slots: Arc::new(Semaphore::new(read_slots)),
        })
    }

    /// Most read-only connections open at once.
    pub fn read_connections(&self) -> usize {
        self.readers.size
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
    /// trip to the blocking pool. The pool has a connection for every worker
    /// thread and every read slot, so this never waits for one in the server.
    /// Anything that scans belongs in [`Db::read`], which runs this same
    /// function on the blocking pool.
    pub fn lookup<T, F>(&self, f: F) -> Result<T>
    where
        F: FnOnce(&Connection) -> Result<T>,
    {
        let conn = self.readers.take()?;
        f(&conn)
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

/// Read-only connections, opened when needed up to `size` and then kept. A
/// caller that finds all `size` busy waits for one to come back (which the
/// sizing in [`Db::start`] keeps from happening in the server).
struct Readers {
    state: Mutex<ReadersState>,
    returned: Condvar,
    size: usize,
    path: PathBuf,
}

struct ReadersState {
    idle: Vec<Connection>,
    /// Connections open, idle or lent out; never more than `size`.
    opened: usize,
}

impl Readers {
    fn new(path: &Path, size: usize) -> Readers {
        Readers {
            state: Mutex::new(ReadersState {
                idle: Vec::with_capacity(size),
                opened: 0,
            }),
            returned: Condvar::new(),
            size,
            path: path.to_path_buf(),
        }
    }

    /// An idle connection, a new one while fewer than `size` are open, or
    /// else the next one given back.
    fn take(&self) -> Result<Pooled<'_>> {
        let mut state = self.lock()?;
        loop {
            if let Some(conn) = state.idle.pop() {
                return Ok(Pooled {
                    readers: self,
                    conn: Some(conn),
                });
            }
            if state.opened < self.size {
                state.opened += 1;
                drop(state);
                return match super::open(&self.path, Mode::ReadOnly) {
                    Ok(conn) => Ok(Pooled {
                        readers: self,
                        conn: Some(conn),
                    }),
                    Err(e) => {
                        self.lock()?.opened -= 1;
                        self.returned.notify_one();
                        Err(e)
                    }
                };
            }
            state = self.returned.wait(state).map_err(|_| stopped())?;
        }
    }

    fn lock(&self) -> Result<MutexGuard<'_, ReadersState>> {
        self.state.lock().map_err(|_| stopped())
    }
}

/// A connection lent out by [`Readers::take`]; given back when dropped.
struct Pooled<'a> {
    readers: &'a Readers,
    conn: Option<Connection>,
}

impl Deref for Pooled<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn
            .as_ref()
            .expect("a pooled connection until dropped")
    }
}

impl Drop for Pooled<'_> {
    fn drop(&mut self) {
        if let (Some(conn), Ok(mut state)) = (self.conn.take(), self.readers.lock()) {
            state.idle.push(conn);
            drop(state);
            self.readers.returned.notify_one();
        }
    }
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

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;
    use crate::domain::date::Zone;
    use crate::domain::org::{K, OrgName};

    /// A fresh, initialised database file, removed when dropped.
    struct TempDb(PathBuf);

    impl TempDb {
        fn new(name: &str) -> TempDb {
            let dir =
                std::env::temp_dir().join(format!("spiegel-db-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            let path = dir.join("spiegel.db");
            let mut conn = super::super::open(&path, Mode::Create).unwrap();
            let org = OrgName::parse("Pool").unwrap();
            super::super::init(&mut conn, &org, K::parse(5).unwrap(), &Zone::utc()).unwrap();
            TempDb(path)
        }
    }

    impl Drop for TempDb {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(self.0.parent().unwrap());
        }
    }

    fn opened(readers: &Readers) -> (usize, usize) {
        let state = readers.lock().unwrap();
        (state.opened, state.idle.len())
    }

    /// A query that holds its connection for a moment, counting how many
    /// are busy at once.
    fn slow_query(conn: &Connection, busy: &AtomicUsize, most: &AtomicUsize) -> Result<i64> {
        let now = busy.fetch_add(1, Ordering::SeqCst) + 1;
        most.fetch_max(now, Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(5));
        let n = conn.query_row("SELECT count(*) FROM org", [], |r| r.get(0))?;
        busy.fetch_sub(1, Ordering::SeqCst);
        Ok(n)
    }

    #[test]
    fn concurrent_lookups_wait_for_a_pooled_connection() {
        let db = TempDb::new("wait");
        let readers = Readers::new(&db.0, 3);
        let (busy, most) = (AtomicUsize::new(0), AtomicUsize::new(0));
        std::thread::scope(|s| {
            for _ in 0..32 {
                s.spawn(|| {
                    for _ in 0..3 {
                        let conn = readers.take().unwrap();
                        assert_eq!(slow_query(&conn, &busy, &most).unwrap(), 1);
                    }
                });
            }
        });
        assert_eq!(most.load(Ordering::SeqCst), 3, "every connection was used");
        // Three opened, all kept: none opened and closed per lookup.
        assert_eq!(opened(&readers), (3, 3));
    }

    #[test]
    fn pool_serves_every_worker_and_read_slot_without_opening_more() {
        let db = TempDb::new("size");
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(6)
            .max_blocking_threads(4)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let db = Db::start(&db.0).unwrap();
            let size = db.readers.size;
            assert_eq!(size, (6 + db.read_slots.available_permits()).max(4));
            let busy = Arc::new(AtomicUsize::new(0));
            let most = Arc::new(AtomicUsize::new(0));
            for _ in 0..2 {
                let tasks: Vec<_> = (0..64)
                    .map(|i| {
                        let (db, busy, most) = (db.clone(), busy.clone(), most.clone());
                        tokio::spawn(async move {
                            if i % 2 == 0 {
                                db.lookup(|c| slow_query(c, &busy, &most))
                            } else {
                                db.read(move |c| slow_query(c, &busy, &most)).await
                            }
                        })
                    })
                    .collect();
                for t in tasks {
                    assert_eq!(t.await.unwrap().unwrap(), 1);
                }
            }
            let (open, idle) = opened(&db.readers);
            assert!(
                open <= size,
                "{open} connections opened for a pool of {size}"
            );
            assert_eq!(idle, open, "every connection kept after use");
            assert!(most.load(Ordering::SeqCst) <= size);
        });
    }
}
