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
    /// The embedded surveys plus every `*.toml` in `extra`. An own file may
    /// not take a shipped survey's id (an unchanged copy of the shipped file
    /// is the same survey and passes). All errors are returned at once.
    pub fn load(extra: Option<&Path>) -> Result<Catalog, Vec<SurveyError>> {
        let mut files: Vec<(String, String)> = EMBEDDED
            .iter()
            .map(|(name, text)| (format!("surveys/{name}"), (*text).to_string()))
            .collect();
        let shipped = files.len();
        if let Some(dir) = extra {
            files.extend(read_surveys_dir(dir).map_err(|e| vec![e])?);
        }
        let mut catalog = Catalog::default();
        let mut errors = Vec::new();
        for (i, (file, text)) in files.into_iter().enumerate() {
            match parse_file(&file, &text) {
                Ok(s) if i >= shipped => match clash(&file, &s, &text) {
                    Some(e) => errors.push(e),
                    None => {
                        catalog.surveys.entry(s.id.clone()).or_insert(Arc::new(s));
                    }
                },
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

/// An own survey that takes a shipped survey's id with other content.
fn clash(file: &str, s: &Survey, text: &str) -> Option<SurveyError> {
    let (name, shipped) = EMBEDDED
        .iter()
        .find(|(name, _)| Path::new(name).file_stem().and_then(|x| x.to_str()) == Some(&s.id))?;
    if *shipped == text {
        return None;
    }
    let line = text
        .lines()
        .position(|l| l.trim_start().starts_with("id") && l.contains('='))
        .map(|i| i + 1);
    Some(SurveyError {
        file: file.to_string(),
        line,
        message: format!(
            "the id {:?} is a shipped survey's ({name}); give your survey its own id and \
             file name (ids must not clash, or rounds of two different surveys would be mixed)",
            s.id
        ),
    })
}

/// The files of an own surveys folder (`--surveys`); a folder that is not
/// there is an error.
pub fn read_surveys_dir(dir: &Path) -> Result<Vec<(String, String)>, SurveyError> {
    if !dir.is_dir() {
        return Err(SurveyError {
            file: dir.display().to_string(),
            line: None,
            message: "no such folder (from --surveys or SPIEGEL_SURVEYS); give the folder \
                      that holds your own survey files"
                .into(),
        });
    }
    read_dir(dir)
}

/// Checks files or folders (every `*.toml` inside); returns the valid
/// surveys' ids and every error, including a clash with a shipped survey.
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
                        Ok(s) if let Some(e) = clash(&file, &s, &text) => errors.push(e),
                        Ok(s) => {
                            ok.push(format!(
                                "{file}: ok ({} v{}, {} items)",
                                s.id,
                                s.version,
                                s.items.len()
                            ));
                            ok.extend(sheet_note(&file, &s));
                        }
                        Err(e) => errors.push(e),
                    }
                }
            }
            Err(e) => errors.push(e),
        }
    }
    (ok, errors)
}

/// A plain note naming the file and the items (and dimensions) for which
/// the conversation sheet uses a general sentence, because the survey has
/// none of its own; none when it has them all, and none for the manager's
/// self-check, which the sheet does not phrase.
pub fn sheet_note(file: &str, s: &Survey) -> Option<String> {
    if s.id == crate::web::reflection::SELF_CHECK {
        return None;
    }
    let missing = survey::missing_sheet_sentences(s);
    if missing.is_empty() {
        return None;
    }
    let parts: Vec<String> = missing
        .iter()
        .map(|(field, ids)| {
            let of = if *field == "spread" {
                "dimension"
            } else {
                "item"
            };
            let plural = if ids.len() == 1 { "" } else { "s" };
            format!("no {field} for {of}{plural} {}", ids.join(", "))
        })
        .collect();
    Some(format!(
        "{file}: note: {}; the conversation sheet uses a general sentence there",
        parts.join("; ")
    ))
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
