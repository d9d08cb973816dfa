//! The surveys available to open rounds with: the shipped ones embedded in
//! the binary, plus an organisation's own files from `--surveys DIR`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::domain::survey::{self, Survey, SurveyError};

/// The shipped surveys: (file name, text).
pub const EMBEDDED: &[(&str, &str)] = &[
    (
        "psychological-safety.toml",
        include_str!("../surveys/psychological-safety.toml"),
    ),
    ("pulse.toml", include_str!("../surveys/pulse.toml")),
    (
        "manager-self-check.toml",
        include_str!("../surveys/manager-self-check.toml"),
    ),
];

/// Surveys by id.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    surveys: BTreeMap<String, Arc<Survey>>,
}

impl Catalog {
    /// The embedded surveys plus every `*.toml` in `extra` (an own file with
    /// the id of a shipped one replaces it). All errors are returned at once.
    pub fn load(extra: Option<&Path>) -> Result<Catalog, Vec<SurveyError>> {
        let mut files: Vec<(String, String)> = EMBEDDED
            .iter()
            .map(|(name, text)| (format!("surveys/{name}"), (*text).to_string()))
            .collect();
        if let Some(dir) = extra {
            files.extend(read_dir(dir).map_err(|e| vec![e])?);
        }
        let mut catalog = Catalog::default();
        let mut errors = Vec::new();
        for (file, text) in files {
            match parse_file(&file, &text) {
                Ok(s) => {
                    catalog.surveys.insert(s.id.clone(), Arc::new(s));
                }
                Err(e) => errors.push(e),
            }
        }
        if errors.is_empty() {
            Ok(catalog)
        } else {
            Err(errors)
        }
    }

    pub fn get(&self, id: &str) -> Option<Arc<Survey>> {
        self.surveys.get(id).cloned()
    }

    pub fn ids(&self) -> Vec<&str> {
        self.surveys.keys().map(String::as_str).collect()
    }
}

/// Parses one file, requiring its id to equal the file stem.
pub fn parse_file(file: &str, text: &str) -> Result<Survey, SurveyError> {
    let stem = Path::new(file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    survey::parse(file, text, Some(stem))
}

/// Checks files or folders (every `*.toml` inside); returns the valid
/// surveys' ids and every error.
pub fn check_paths(paths: &[PathBuf]) -> (Vec<String>, Vec<SurveyError>) {
    let mut ok = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        let files = if path.is_dir() {
            read_dir(path)
        } else {
            std::fs::read_to_string(path)
                .map(|t| vec![(path.display().to_string(), t)])
                .map_err(|e| io_error(path, &e))
        };
        match files {
            Ok(files) => {
                for (file, text) in files {
                    match parse_file(&file, &text) {
                        Ok(s) => ok.push(format!(
                            "{file}: ok ({} v{}, {} items)",
                            s.id,
                            s.version,
                            s.items.len()
                        )),
                        Err(e) => errors.push(e),
                    }
                }
            }
            Err(e) => errors.push(e),
        }
    }
    (ok, errors)
}

fn read_dir(dir: &Path) -> Result<Vec<(String, String)>, SurveyError> {
    let entries = std::fs::read_dir(dir).map_err(|e| io_error(dir, &e))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            std::fs::read_to_string(&p)
                .map(|t| (p.display().to_string(), t))
                .map_err(|e| io_error(&p, &e))
        })
        .collect()
}

fn io_error(path: &Path, e: &std::io::Error) -> SurveyError {
    SurveyError {
        file: path.display().to_string(),
        line: None,
        message: format!("cannot read: {e}"),
    }
}
