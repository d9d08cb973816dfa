//! The cases for intervisie and the guide to hesitation in use: the shipped
//! files embedded in the binary (`conversation/`), each replaced by the
//! organisation's own file of the same name in `--conversation DIR`.

use std::path::{Path, PathBuf};

use crate::domain::casebook::{self, Case, Guide};
use crate::domain::survey::SurveyError;

pub const CASES_FILE: &str = "cases.toml";
pub const GUIDE_FILE: &str = "hesitations.toml";

/// The shipped cases, as written in `conversation/cases.toml`.
pub const EMBEDDED_CASES: &str = include_str!("../conversation/cases.toml");
/// The shipped guide, as written in `conversation/hesitations.toml`.
pub const EMBEDDED_GUIDE: &str = include_str!("../conversation/hesitations.toml");

/// The cases and the guide.
#[derive(Debug, Clone, PartialEq)]
pub struct Casebook {
    pub cases: Vec<Case>,
    pub guide: Guide,
}

impl Casebook {
    /// The shipped files.
    pub fn shipped() -> Casebook {
        Casebook::load(None).expect("the shipped conversation files are valid (unit-tested)")
    }

    /// The shipped files, each replaced by the folder's file of the same
    /// name when there is one; a folder that is not there, or a broken
    /// file, is an error (all errors at once).
    pub fn load(dir: Option<&Path>) -> Result<Casebook, Vec<SurveyError>> {
        let (cases_file, cases_text, guide_file, guide_text) = match dir {
            None => (
                format!("conversation/{CASES_FILE}"),
                EMBEDDED_CASES.to_string(),
                format!("conversation/{GUIDE_FILE}"),
                EMBEDDED_GUIDE.to_string(),
            ),
            Some(dir) => {
                if !dir.is_dir() {
                    return Err(vec![SurveyError {
                        file: dir.display().to_string(),
                        line: None,
                        message: "no such folder (from --conversation or SPIEGEL_CONVERSATION); \
                                  give the folder that holds your own cases.toml and/or \
                                  hesitations.toml"
                            .into(),
                    }]);
                }
                let (cf, ct) =
                    own_or_shipped(dir, CASES_FILE, EMBEDDED_CASES).map_err(|e| vec![e])?;
                let (gf, gt) =
                    own_or_shipped(dir, GUIDE_FILE, EMBEDDED_GUIDE).map_err(|e| vec![e])?;
                (cf, ct, gf, gt)
            }
        };
        let cases = casebook::parse_cases(&cases_file, &cases_text);
        let guide = casebook::parse_guide(&guide_file, &guide_text);
        match (cases, guide) {
            (Ok(cases), Ok(guide)) => Ok(Casebook { cases, guide }),
            (c, g) => Err(c.err().into_iter().chain(g.err()).collect()),
        }
    }

    /// Up to `n` cases for a round, a different selection each round.
    pub fn cases_for(&self, round: i64, n: usize) -> Vec<&Case> {
        let len = self.cases.len();
        if len == 0 {
            return Vec::new();
        }
        let start = usize::try_from(round.rem_euclid(len as i64)).unwrap_or(0);
        (0..n.min(len))
            .map(|i| &self.cases[(start + i) % len])
            .collect()
    }
}

/// The folder's own file, or the shipped text under its shipped name.
fn own_or_shipped(dir: &Path, name: &str, shipped: &str) -> Result<(String, String), SurveyError> {
    let path = dir.join(name);
    if path.is_file() {
        let text = std::fs::read_to_string(&path).map_err(|e| SurveyError {
            file: path.display().to_string(),
            line: None,
            message: format!("cannot read: {e}"),
        })?;
        Ok((path.display().to_string(), text))
    } else {
        Ok((format!("conversation/{name}"), shipped.to_string()))
    }
}

/// Whether a path is a conversation file (by its name) or a folder holding one.
pub fn is_conversation_path(path: &Path) -> bool {
    let named = |p: &Path| {
        p.file_name()
            .is_some_and(|n| n == CASES_FILE || n == GUIDE_FILE)
    };
    if path.is_dir() {
        path.join(CASES_FILE).is_file() || path.join(GUIDE_FILE).is_file()
    } else {
        named(path)
    }
}

/// Checks conversation files or folders (their cases.toml and
/// hesitations.toml): a line per valid file, and every error.
pub fn check_paths(paths: &[PathBuf]) -> (Vec<String>, Vec<SurveyError>) {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            for name in [CASES_FILE, GUIDE_FILE] {
                if p.join(name).is_file() {
                    files.push(p.join(name));
                }
            }
        } else {
            files.push(p.clone());
        }
    }
    let mut ok = Vec::new();
    let mut errors = Vec::new();
    for f in files {
        let file = f.display().to_string();
        let text = match std::fs::read_to_string(&f) {
            Ok(t) => t,
            Err(e) => {
                errors.push(SurveyError {
                    file,
                    line: None,
                    message: format!("cannot read: {e}"),
                });
                continue;
            }
        };
        match check_text(&file, &text) {
            Ok(line) => ok.push(line),
            Err(e) => errors.push(e),
        }
    }
    (ok, errors)
}

/// Checks one conversation file's text, by its name; the line `spiegel
/// check` prints for it.
pub fn check_text(file: &str, text: &str) -> Result<String, SurveyError> {
    if Path::new(file).file_name().is_some_and(|n| n == CASES_FILE) {
        let cases = casebook::parse_cases(file, text)?;
        Ok(format!("{file}: ok ({} cases)", cases.len()))
    } else {
        let guide = casebook::parse_guide(file, text)?;
        Ok(format!(
            "{file}: ok ({} hesitations)",
            guide.hesitations.len()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_casebook_loads_and_rotates_cases() {
        let b = Casebook::shipped();
        let first: Vec<&str> = b.cases_for(1, 2).iter().map(|c| c.id.as_str()).collect();
        let next: Vec<&str> = b.cases_for(2, 2).iter().map(|c| c.id.as_str()).collect();
        assert_eq!(first.len(), 2);
        assert_ne!(first, next);
        assert_eq!(b.cases_for(7, 9).len(), b.cases.len());
    }
}
