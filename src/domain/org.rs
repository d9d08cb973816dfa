//! What makes an organisation's name and anonymity threshold k valid, and
//! how many links one request may create: checked in the constructors, with
//! errors in plain words.

/// The lowest k: with fewer answers a result can reveal one person's answers
/// to someone who knows the others'.
pub const MIN_K: u32 = 3;
/// The highest k: above it, almost no team would ever show results.
pub const MAX_K: u32 = 50;

/// The anonymity threshold: a result shows only when at least k answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct K(u32);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum KError {
    #[error(
        "k = {0} is too low: with fewer than {MIN_K} answers a result can reveal one person's \
         answers to someone who knows the others'"
    )]
    TooLow(u32),
    #[error(
        "k = {0} is too high: results would show only for groups of at least {0} people, and \
         k cannot be changed later"
    )]
    TooHigh(u32),
}

impl K {
    pub fn parse(k: u32) -> Result<K, KError> {
        match k {
            k if k < MIN_K => Err(KError::TooLow(k)),
            k if k > MAX_K => Err(KError::TooHigh(k)),
            k => Ok(K(k)),
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

/// The organisation's name: trimmed, not empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgName(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OrgNameError {
    #[error("an organisation needs a name")]
    Empty,
}

impl OrgName {
    pub fn parse(name: &str) -> Result<OrgName, OrgNameError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(OrgNameError::Empty);
        }
        Ok(OrgName(name.into()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How many one-time links one request creates: 1 to [`InviteCount::MAX`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InviteCount(u32);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the number of links must be between 1 and {max}; {count} is not", max = InviteCount::MAX)]
pub struct InviteCountError {
    pub count: u32,
}

impl InviteCount {
    pub const MAX: u32 = 10_000;

    pub fn parse(count: u32) -> Result<InviteCount, InviteCountError> {
        if count == 0 || count > Self::MAX {
            return Err(InviteCountError { count });
        }
        Ok(InviteCount(count))
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constructors_refuse_what_the_rules_forbid() {
        assert_eq!(K::parse(2), Err(KError::TooLow(2)));
        assert_eq!(K::parse(51), Err(KError::TooHigh(51)));
        assert_eq!(K::parse(3).map(K::get), Ok(3));
        assert_eq!(K::parse(50).map(K::get), Ok(50));
        assert_eq!(OrgName::parse("  "), Err(OrgNameError::Empty));
        assert_eq!(OrgName::parse(" De Linde ").unwrap().as_str(), "De Linde");
        assert!(InviteCount::parse(0).is_err());
        assert!(InviteCount::parse(10_001).is_err());
        assert_eq!(InviteCount::parse(10_000).map(InviteCount::get), Ok(10_000));
    }
}
