//! Where a command's output goes: standard output, or a new file written in
//! full or not at all (`--out`). The file is written under a temporary name
//! in the same folder, readable by its owner only, and gets its name only
//! when everything was written: a failed command leaves nothing behind.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::storage;

pub enum Output {
    Stdout,
    File {
        path: PathBuf,
        tmp: PathBuf,
        file: std::fs::File,
        done: bool,
    },
}

impl Output {
    /// Standard output, or a temporary file beside `path` (which must not
    /// exist yet).
    pub fn create(path: Option<&Path>) -> anyhow::Result<Output> {
        let Some(path) = path else {
            return Ok(Output::Stdout);
        };
        let cannot = || {
            format!(
                "cannot create {} (--out must be a new, writable file)",
                path.display()
            )
        };
        if path.exists() {
            bail!(
                "{} exists already; --out must be a new, writable file",
                path.display()
            );
        }
        let name = path
            .file_name()
            .with_context(|| format!("{}: --out needs a file name", path.display()))?;
        let suffix = crate::domain::token::random_bytes::<6>()?
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>();
        let tmp = path.with_file_name(format!(".{}.{suffix}.partial", name.to_string_lossy()));
        let file = storage::create_private(&tmp).with_context(cannot)?;
        Ok(Output::File {
            path: path.to_path_buf(),
            tmp,
            file,
            done: false,
        })
    }

    /// Writes everything, then gives the file its name (never replacing a
    /// file that appeared meanwhile).
    pub fn finish(mut self, body: &[u8]) -> anyhow::Result<()> {
        match &mut self {
            Output::Stdout => {
                let mut out = std::io::stdout().lock();
                out.write_all(body)?;
                out.flush()?;
            }
            Output::File {
                path,
                tmp,
                file,
                done,
            } => {
                file.write_all(body)
                    .and_then(|()| file.sync_all())
                    .with_context(|| format!("cannot write {}", path.display()))?;
                // A hard link fails if the name exists: no file is replaced.
                std::fs::hard_link(&*tmp, &*path)
                    .or_else(|e| {
                        if path.exists() {
                            Err(e)
                        } else {
                            std::fs::rename(&*tmp, &*path)
                        }
                    })
                    .with_context(|| {
                        format!(
                            "cannot create {} (--out must be a new, writable file)",
                            path.display()
                        )
                    })?;
                let _ = std::fs::remove_file(&*tmp);
                *done = true;
            }
        }
        Ok(())
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        if let Output::File { tmp, done, .. } = self
            && !*done
        {
            let _ = std::fs::remove_file(tmp);
        }
    }
}
