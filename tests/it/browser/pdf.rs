//! What a printed PDF holds, read from its bytes: the page objects
//! (`/Type /Page`, not the `/Pages` tree nodes) and their media boxes.
//! Chromium writes its page dictionaries uncompressed, so no PDF library is
//! needed; a PDF whose pages cannot be found is an error, never "0 pages".

/// A4 in PostScript points (210 × 297 mm).
pub const A4: (f64, f64) = (595.28, 841.89);

/// The number of page objects in `pdf`.
pub fn page_count(pdf: &[u8]) -> usize {
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    let mut n = 0;
    let mut rest = pdf;
    while let Some(at) = find(rest, b"/Type") {
        rest = &rest[at + b"/Type".len()..];
        let value = trim_start(rest);
        if let Some(after) = value.strip_prefix(b"/Page")
            && !after.first().is_some_and(|c| c.is_ascii_alphanumeric())
        {
            n += 1;
        }
    }
    assert!(
        n > 0,
        "no /Type /Page objects found (compressed object streams?)"
    );
    n
}

/// The size (width, height) of every `/MediaBox [x0 y0 x1 y1]`, in points.
pub fn media_boxes(pdf: &[u8]) -> Vec<(f64, f64)> {
    let mut boxes = Vec::new();
    let mut rest = pdf;
    while let Some(at) = find(rest, b"/MediaBox") {
        rest = &rest[at + b"/MediaBox".len()..];
        let Some(open) = find(rest, b"[") else { break };
        let Some(close) = find(rest, b"]") else { break };
        let nums: Vec<f64> = String::from_utf8_lossy(&rest[open + 1..close])
            .split_whitespace()
            .filter_map(|x| x.parse().ok())
            .collect();
        if let [x0, y0, x1, y1] = nums[..] {
            boxes.push((x1 - x0, y1 - y0));
        }
    }
    boxes
}

/// Whether every page of `pdf` is A4 (portrait), within 2 points.
pub fn all_pages_a4(pdf: &[u8]) -> bool {
    let boxes = media_boxes(pdf);
    !boxes.is_empty()
        && boxes
            .iter()
            .all(|(w, h)| (w - A4.0).abs() < 2.0 && (h - A4.1).abs() < 2.0)
}

/// Asserts that `pdf` is exactly one A4 page (the conversation sheet's rule).
#[allow(dead_code)]
pub fn assert_one_a4_page(pdf: &[u8], what: &str) {
    let pages = page_count(pdf);
    assert_eq!(pages, 1, "{what} printed on {pages} pages, not one");
    assert!(
        all_pages_a4(pdf),
        "{what} is not A4: {:?}",
        media_boxes(pdf)
    );
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn trim_start(mut s: &[u8]) -> &[u8] {
    while let [c, rest @ ..] = s {
        if !c.is_ascii_whitespace() {
            break;
        }
        s = rest;
    }
    s
}

#[test]
fn pages_are_counted_by_page_objects_not_the_page_tree() {
    let pdf = b"%PDF-1.4\n1 0 obj <</Type /Pages /Kids [2 0 R 3 0 R] /Count 2>> endobj\n\
        2 0 obj <</Type /Page /Parent 1 0 R /MediaBox [0 0 595.91998 841.91998]>> endobj\n\
        3 0 obj <</Type/Page/MediaBox [0 0 612 792]>> endobj\n";
    assert_eq!(page_count(pdf), 2);
    assert_eq!(media_boxes(pdf), [(595.91998, 841.91998), (612.0, 792.0)]);
    assert!(!all_pages_a4(pdf));
    let one = b"%PDF-1.4\n<</Type /Pages /Count 1>>\n<</Type /Page /MediaBox [0 0 595.92 841.92]>>";
    assert_one_a4_page(one, "a sheet");
}
