//! After the conversation: the rules of a team's one focus (a dimension to
//! work on, one small behavioural experiment, a day to check) and of the
//! organisation's learning offers, and how the focus dimension moved since
//! the focus round. Pure, no I/O.
//!
//! # How the focus dimension moved
//!
//! The series is the dimension's released mean per round of the focus
//! round's survey, oldest first, as the viewer may see it (`None` for a
//! hidden, pending or open round). Two rules the rest of Spiegel applies
//! already, reused as they are:
//!
//! * the **noise rule** ([`Figure::change_from`], as the trend's change
//!   column): the latest later released value against the focus round's,
//!   a change only when it lies outside 1.96 · √(se₁² + se₂²);
//! * the **run-chart rule** ([`runchart::analyse`], as the trend chart's
//!   verdict): a shift counts for the focus only when the run carrying it
//!   starts after the focus round.
//!
//! A shift the run-chart rule signals since the focus round goes first;
//! otherwise the noise rule speaks; without a later released value (or
//! without a value in the focus round to compare with) it is too early to
//! tell.

use std::fmt;

use super::date::Date;
use super::results::Figure;
use super::runchart::{self, Direction, Verdict};
use super::stats::Change;
use super::survey::Survey;

/// The longest experiment, in characters.
pub const EXPERIMENT_MAX: usize = 280;
/// The longest offer title, in characters.
pub const TITLE_MAX: usize = 200;

/// Why a focus cannot be recorded as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FocusError {
    /// No dimension was chosen.
    NoDimension {
        known: String,
    },
    /// The round's survey has no such dimension.
    UnknownDimension {
        dimension: String,
        known: String,
    },
    EmptyExperiment,
    ExperimentTooLong {
        chars: usize,
    },
    /// The check date is missing or is not a date.
    BadCheck {
        typed: String,
        example: Date,
    },
    CheckInThePast {
        check: Date,
        today: Date,
    },
}

impl fmt::Display for FocusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FocusError::NoDimension { known } => {
                write!(f, "choose the dimension to work on (one of: {known})")
            }
            FocusError::UnknownDimension { dimension, known } => write!(
                f,
                "the round's survey has no dimension {dimension:?}; choose one of: {known}"
            ),
            FocusError::EmptyExperiment => write!(
                f,
                "describe one small experiment to try (at most {EXPERIMENT_MAX} characters)"
            ),
            FocusError::ExperimentTooLong { chars } => write!(
                f,
                "the experiment has {chars} characters; keep it to at most {EXPERIMENT_MAX}"
            ),
            FocusError::BadCheck { typed, example } => write!(
                f,
                "{typed:?} is not a date like {example} or a number of days or weeks from today \
                 like +14d or +2w"
            ),
            FocusError::CheckInThePast { check, today } => write!(
                f,
                "the check date {check} lies in the past (today is {today}); choose today or a \
                 later day"
            ),
        }
    }
}

impl std::error::Error for FocusError {}

/// The dimension ids of a survey, for an error message.
pub fn known_dimensions(survey: &Survey) -> String {
    survey
        .dimensions
        .iter()
        .map(|d| d.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A focus as typed, checked: the dimension of `survey`, the experiment
/// trimmed (1 to [`EXPERIMENT_MAX`] characters), the check day (`YYYY-MM-DD`
/// or `+Nd` / `+Nw` from `today`) not before `today`. Every error found, by
/// field, in the order dimension, experiment, check.
pub fn check_focus(
    survey: &Survey,
    dimension: &str,
    experiment: &str,
    check: &str,
    today: Date,
) -> Result<(String, String, Date), Vec<FocusError>> {
    let mut errors = Vec::new();
    let dimension = dimension.trim();
    let known = known_dimensions(survey);
    if dimension.is_empty() {
        errors.push(FocusError::NoDimension {
            known: known.clone(),
        });
    } else if survey.dimension(dimension).is_none() {
        errors.push(FocusError::UnknownDimension {
            dimension: dimension.to_string(),
            known,
        });
    }
    let experiment = experiment.trim();
    let chars = experiment.chars().count();
    if chars == 0 {
        errors.push(FocusError::EmptyExperiment);
    } else if chars > EXPERIMENT_MAX {
        errors.push(FocusError::ExperimentTooLong { chars });
    }
    let check = check.trim();
    let day = super::date::parse_relative(check, today);
    match day {
        None => errors.push(FocusError::BadCheck {
            typed: check.to_string(),
            example: super::date::add_days(today, 14),
        }),
        Some(d) if d < today => errors.push(FocusError::CheckInThePast { check: d, today }),
        Some(_) => {}
    }
    match (errors.is_empty(), day) {
        (true, Some(day)) => Ok((dimension.to_string(), experiment.to_string(), day)),
        _ => Err(errors),
    }
}

/// Why a learning offer cannot be added as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OfferError {
    EmptyTitle,
    TitleTooLong { chars: usize },
    UnknownKind { kind: String },
    BadUrl { url: String },
    UnknownDimension { dimension: String, known: String },
}

/// The kinds of offer, as typed.
pub const OFFER_KINDS: &str = "training, module, intervisie, talk";

impl fmt::Display for OfferError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OfferError::EmptyTitle => write!(f, "give the offer a title"),
            OfferError::TitleTooLong { chars } => write!(
                f,
                "the title has {chars} characters; keep it to at most {TITLE_MAX}"
            ),
            OfferError::UnknownKind { kind } => {
                write!(f, "no kind {kind:?}; use one of: {OFFER_KINDS}")
            }
            OfferError::BadUrl { url } => write!(
                f,
                "{url:?} is not a web address; it must start with http:// or https://"
            ),
            OfferError::UnknownDimension { dimension, known } => write!(
                f,
                "no survey has a dimension {dimension:?}; the dimensions are: {known}"
            ),
        }
    }
}

impl std::error::Error for OfferError {}

/// An offer's fields, checked and trimmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckedOffer<'a> {
    pub title: &'a str,
    pub url: Option<&'a str>,
    pub dimension: Option<&'a str>,
}

/// Checks an offer's title (trimmed, 1 to [`TITLE_MAX`] characters), its
/// address (empty, or `http://` / `https://` and more) and its dimension
/// (empty, or a dimension of one of `surveys`). Returns the trimmed title,
/// address and dimension.
pub fn check_offer<'a>(
    title: &'a str,
    url: &'a str,
    dimension: &'a str,
    surveys: &[&Survey],
) -> Result<CheckedOffer<'a>, Vec<OfferError>> {
    let mut errors = Vec::new();
    let title = title.trim();
    let chars = title.chars().count();
    if chars == 0 {
        errors.push(OfferError::EmptyTitle);
    } else if chars > TITLE_MAX {
        errors.push(OfferError::TitleTooLong { chars });
    }
    let url = url.trim();
    let url_ok = ["http://", "https://"].iter().any(|p| {
        url.get(..p.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(p))
            && url.len() > p.len()
            && !url.chars().any(char::is_whitespace)
    });
    if !url.is_empty() && !url_ok {
        errors.push(OfferError::BadUrl {
            url: url.to_string(),
        });
    }
    let dimension = dimension.trim();
    if !dimension.is_empty() && !surveys.iter().any(|s| s.dimension(dimension).is_some()) {
        let mut known: Vec<&str> = surveys
            .iter()
            .flat_map(|s| s.dimensions.iter().map(|d| d.id.as_str()))
            .collect();
        known.sort_unstable();
        known.dedup();
        errors.push(OfferError::UnknownDimension {
            dimension: dimension.to_string(),
            known: known.join(", "),
        });
    }
    if errors.is_empty() {
        Ok(CheckedOffer {
            title,
            url: Some(url).filter(|u| !u.is_empty()),
            dimension: Some(dimension).filter(|d| !d.is_empty()),
        })
    } else {
        Err(errors)
    }
}

/// One later round's value of the focus dimension, against the focus round.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Index into the series.
    pub index: usize,
    pub mean: f64,
    /// Against the focus round's value (none when that one is hidden).
    pub change: Option<Change>,
}

/// How the focus dimension moved, in one word.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Movement {
    /// No later released value, or nothing to compare it with.
    TooEarly,
    /// Within the noise against the focus round (and no shift since it).
    NoSignalYet { delta: f64 },
    /// Beyond the noise against the focus round; the sign of `delta` says
    /// which way.
    Changed { delta: f64 },
    /// The run-chart rule signals a shift starting after the focus round;
    /// `since` indexes the series.
    Shift { direction: Direction, since: usize },
}

/// How the focus dimension moved since the focus round.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub movement: Movement,
    /// Every later round with a released value, oldest first.
    pub steps: Vec<Step>,
    /// The run-chart verdict over the whole series.
    pub run_chart: Verdict,
}

/// How the dimension moved from the round at `focus` to every later round
/// of `series` (see the module documentation).
pub fn progress(series: &[Option<&Figure>], focus: usize) -> Progress {
    let base = series.get(focus).copied().flatten();
    let steps: Vec<Step> = series
        .iter()
        .enumerate()
        .skip(focus + 1)
        .filter_map(|(index, f)| {
            f.map(|f| Step {
                index,
                mean: f.mean,
                change: base.map(|b| f.change_from(b)),
            })
        })
        .collect();
    let means: Vec<Option<f64>> = series.iter().map(|f| f.map(|f| f.mean)).collect();
    let run_chart = runchart::analyse(&means).verdict;
    let movement = match (steps.last(), run_chart) {
        (None, _) => Movement::TooEarly,
        (Some(_), Verdict::Shift { direction, since }) if since > focus => {
            Movement::Shift { direction, since }
        }
        (
            Some(Step {
                change: Some(c), ..
            }),
            _,
        ) => {
            if c.within_noise {
                Movement::NoSignalYet { delta: c.delta }
            } else {
                Movement::Changed { delta: c.delta }
            }
        }
        (Some(_), _) => Movement::TooEarly,
    };
    Progress {
        movement,
        steps,
        run_chart,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::stats::Shares;

    fn fig(mean: f64, se: f64) -> Figure {
        Figure {
            n: 8,
            mean,
            se,
            ci: [mean - 2.0 * se, mean + 2.0 * se],
            shares: Shares {
                unfavourable: 0.2,
                neutral: 0.3,
                favourable: 0.5,
            },
            change: None,
        }
    }

    fn survey() -> Survey {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/surveys/pulse.toml"))
                .unwrap();
        crate::domain::survey::parse("pulse.toml", &text, Some("pulse")).unwrap()
    }

    #[test]
    fn too_early_without_a_later_round() {
        let a = fig(4.0, 0.2);
        let p = progress(&[Some(&a)], 0);
        assert_eq!(p.movement, Movement::TooEarly);
        assert!(p.steps.is_empty());
        // A later hidden round does not count either.
        let p = progress(&[Some(&a), None], 0);
        assert_eq!(p.movement, Movement::TooEarly);
    }

    #[test]
    fn the_noise_rule_against_the_focus_round() {
        let a = fig(4.0, 0.2);
        let small = fig(4.2, 0.2);
        let big = fig(5.2, 0.2);
        let p = progress(&[Some(&a), Some(&small)], 0);
        assert!(
            matches!(p.movement, Movement::NoSignalYet { delta } if (delta - 0.2).abs() < 1e-9)
        );
        let p = progress(&[Some(&a), Some(&small), None, Some(&big)], 0);
        assert!(matches!(p.movement, Movement::Changed { delta } if (delta - 1.2).abs() < 1e-9));
        assert_eq!(p.steps.len(), 2);
        assert_eq!(p.steps[1].index, 3);
        // The focus round hidden: nothing to compare with.
        let p = progress(&[None, Some(&big)], 0);
        assert_eq!(p.movement, Movement::TooEarly);
        assert_eq!(p.run_chart, Verdict::TooEarly);
    }

    #[test]
    fn a_run_chart_shift_after_the_focus_round_goes_first() {
        // Ten low rounds with some variation, the focus on the last of
        // them, then eight high ones: a run above the centre line.
        let low: Vec<Figure> = (0..10)
            .map(|i| fig(3.0 + if i % 2 == 0 { 0.1 } else { -0.1 }, 0.5))
            .collect();
        let high: Vec<Figure> = (0..8).map(|_| fig(4.5, 0.5)).collect();
        let series: Vec<Option<&Figure>> = low.iter().chain(high.iter()).map(Some).collect();
        let p = progress(&series, 9);
        assert_eq!(
            p.movement,
            Movement::Shift {
                direction: Direction::Up,
                since: 10
            }
        );
        // The same shift seen from a focus recorded after it began: the
        // noise rule speaks instead.
        let p = progress(&series, 12);
        assert!(matches!(p.movement, Movement::NoSignalYet { .. }));
    }

    #[test]
    fn a_focus_is_checked_field_by_field() {
        let s = survey();
        let today: Date = "2026-11-29".parse().unwrap();
        let ok = check_focus(&s, "openness", "  Elke week een vraag  ", "+14d", today).unwrap();
        assert_eq!(ok.0, "openness");
        assert_eq!(ok.1, "Elke week een vraag");
        assert_eq!(ok.2.to_string(), "2026-12-13");
        assert!(check_focus(&s, "openness", "x", "2026-11-29", today).is_ok());
        let errors = check_focus(&s, "nope", " ", "2026-11-28", today).unwrap_err();
        assert_eq!(errors.len(), 3);
        assert!(errors[0].to_string().contains("openness, support"));
        assert_eq!(errors[1], FocusError::EmptyExperiment);
        assert!(matches!(errors[2], FocusError::CheckInThePast { .. }));
        let long = "x".repeat(EXPERIMENT_MAX + 1);
        let errors = check_focus(&s, "", &long, "morgen", today).unwrap_err();
        assert!(matches!(errors[0], FocusError::NoDimension { .. }));
        assert_eq!(errors[1], FocusError::ExperimentTooLong { chars: 281 });
        assert!(matches!(errors[2], FocusError::BadCheck { .. }));
        // 280 characters (not bytes) is fine.
        let max = "é".repeat(EXPERIMENT_MAX);
        assert!(check_focus(&s, "support", &max, "+1w", today).is_ok());
    }

    #[test]
    fn an_offer_is_checked() {
        let s = survey();
        let ok = check_offer(" Luisteren ", "https://x.nl/a", "support", &[&s]).unwrap();
        assert_eq!(
            ok,
            CheckedOffer {
                title: "Luisteren",
                url: Some("https://x.nl/a"),
                dimension: Some("support")
            }
        );
        let plain = check_offer("T", "", "", &[]).unwrap();
        assert_eq!((plain.url, plain.dimension), (None, None));
        let e = check_offer("", "ftp://x", "nope", &[&s]).unwrap_err();
        assert_eq!(e[0], OfferError::EmptyTitle);
        assert!(matches!(e[1], OfferError::BadUrl { .. }));
        assert!(e[2].to_string().contains("openness, support"));
        for bad in ["http://", "javascript:alert(1)", "https://a b"] {
            assert!(check_offer("T", bad, "", &[]).is_err(), "{bad}");
        }
        let long = "t".repeat(TITLE_MAX + 1);
        assert_eq!(
            check_offer(&long, "", "", &[]).unwrap_err(),
            vec![OfferError::TitleTooLong { chars: 201 }]
        );
    }
}
