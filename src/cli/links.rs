//! Output formats of `spiegel links`: the shared rendering in
//! [`crate::slips`] (plain text, CSV for mail merge, printable QR slips).

pub use crate::slips::{csv, csv_field, text};

/// The printable page of QR slips as a file (its stylesheet inline).
pub fn html(
    team: &str,
    round_title: &str,
    links: &[String],
) -> Result<String, crate::slips::QrError> {
    crate::slips::page(
        crate::domain::lang::Lang::Nl,
        team,
        round_title,
        links,
        crate::slips::Style::Inline,
        None,
    )
}
