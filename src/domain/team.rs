//! What makes a team's name, id and expected size valid: checked once, in
//! the constructors, with errors that say what is wrong in plain words (the
//! CLI and the pages word them for their own reader).

use std::fmt;

/// Ids no team may take: the organisation's own id (`organisation`, in the
/// API and on the pages) and words of the routes. Migration 004 holds the
/// same list.
pub const RESERVED_IDS: &[&str] = &[
    "organisation",
    "organization",
    "organisatie",
    "overview",
    "overzicht",
    "teams",
    "rounds",
    "trend",
    "api",
];

/// Most characters in a team's name.
pub const MAX_NAME_CHARS: usize = 100;

/// A team's name: trimmed, 1 to 100 characters, at least one letter or
/// digit, and an id (see [`slugify`]) that is not reserved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TeamNameError {
    #[error("a team name needs 1 to {MAX_NAME_CHARS} characters")]
    Length,
    #[error("a team name needs at least one letter or digit; {name:?} has none")]
    NoLetterOrDigit { name: String },
    #[error(
        "the id {id:?} is reserved (`organisation` stands for the whole organisation in the \
         API and on the pages); choose another name, e.g. \"{name} team\""
    )]
    Reserved { name: String, id: String },
}

impl TeamName {
    pub fn parse(name: &str) -> Result<TeamName, TeamNameError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
            return Err(TeamNameError::Length);
        }
        if !name.chars().any(char::is_alphanumeric) {
            return Err(TeamNameError::NoLetterOrDigit { name: name.into() });
        }
        let id = slugify(name);
        if RESERVED_IDS.contains(&id.as_str()) {
            return Err(TeamNameError::Reserved {
                name: name.into(),
                id,
            });
        }
        Ok(TeamName(name.into()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id a new team with this name gets (before making it unique).
    pub fn id(&self) -> String {
        slugify(&self.0)
    }
}

impl fmt::Display for TeamName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The number of members a team expects (for participation): at least 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpectedSize(u32);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SizeError {
    #[error("a team's expected size must be at least 1")]
    Zero,
}

impl ExpectedSize {
    pub fn parse(size: u32) -> Result<ExpectedSize, SizeError> {
        if size == 0 {
            return Err(SizeError::Zero);
        }
        Ok(ExpectedSize(size))
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

/// A URL-safe id from a free-text name: "Zorg & Welzijn" → "zorg-welzijn".
pub fn slugify(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => 'a',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            'ñ' => 'n',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out
        .trim_end_matches('-')
        .chars()
        .take(48)
        .collect::<String>();
    if out.is_empty() { "team".into() } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked_once_with_a_reason() {
        assert_eq!(
            TeamName::parse("  Zorg & Welzijn ").unwrap().as_str(),
            "Zorg & Welzijn"
        );
        assert_eq!(
            TeamName::parse("Zorg & Welzijn").unwrap().id(),
            "zorg-welzijn"
        );
        assert_eq!(TeamName::parse(" "), Err(TeamNameError::Length));
        assert_eq!(
            TeamName::parse(&"x".repeat(101)),
            Err(TeamNameError::Length)
        );
        assert!(matches!(
            TeamName::parse("--"),
            Err(TeamNameError::NoLetterOrDigit { .. })
        ));
        assert!(matches!(
            TeamName::parse("Organisation"),
            Err(TeamNameError::Reserved { id, .. }) if id == "organisation"
        ));
        assert_eq!(ExpectedSize::parse(0), Err(SizeError::Zero));
        assert_eq!(ExpectedSize::parse(8).map(ExpectedSize::get), Ok(8));
    }
}
