//! Server-rendered pages (maud: compile-time checked, escaped by default);
//! their texts are in [`super::texts`].

use maud::{DOCTYPE, Markup, html};

use super::texts::texts;
use crate::domain::answers::{COMMENT_FIELD, SKIP};
use crate::domain::lang::Lang;
use crate::domain::survey::{MAX_COMMENT_CHARS, Survey};

/// The frame of every employee page.
pub fn layout(lang: Lang, title: &str, style_href: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="robots" content="noindex";
                title { (title) " · Spiegel" }
                link rel="stylesheet" href=(style_href);
            }
            body {
                main { (body) }
            }
        }
    }
}

fn lang_switch(lang: Lang) -> Markup {
    let other = lang.other();
    html! {
        nav.lang {
            a href={ "?lang=" (other.code()) } hreflang=(other.code()) lang=(other.code()) { (texts(lang).other_language) }
        }
    }
}

/// The phone form.
pub struct FormPage<'a> {
    pub lang: Lang,
    pub survey: &'a Survey,
    pub team: &'a str,
    pub k: u32,
    pub action: &'a str,
    pub style_href: &'a str,
}

pub fn survey_form(p: &FormPage<'_>) -> Markup {
    let lang = p.lang;
    let t = texts(lang);
    let s = p.survey;
    let labels = s.scale.labels.get(lang);
    let body = html! {
        (lang_switch(lang))
        h1 { (s.title.get(lang)) }
        p.team { (t.team) ": " (p.team) }
        p { (s.intro.get(lang)) }
        section.privacy aria-labelledby="privacy" {
            h2 #privacy { (t.privacy_title) }
            p { ((t.privacy_body)(p.k)) }
            h2 { (t.stored_title) }
            p { (t.stored_body) }
        }
        form method="post" action=(p.action) {
            @for (n, item) in s.items.iter().enumerate() {
                fieldset.q {
                    legend { span.n { (n + 1) ". " } (item.text.get(lang)) }
                    div.scale {
                        @for (v, label) in labels.iter().enumerate() {
                            label { input type="radio" name=(item.id) value=(v + 1); span { (label) } }
                        }
                        label.skip { input type="radio" name=(item.id) value=(SKIP); span { (t.skip) } }
                    }
                }
            }
            @if let Some(q) = &s.comment {
                div.comment {
                    label for=(COMMENT_FIELD) { (q.get(lang)) }
                    p.hint #comment-hint { (t.comment_warning) }
                    textarea #comment name=(COMMENT_FIELD) rows="4" maxlength=(MAX_COMMENT_CHARS) aria-describedby="comment-hint" {}
                }
            }
            button type="submit" { (t.submit) }
        }
    };
    layout(lang, s.title.get(lang), p.style_href, body)
}

/// A page with a heading and a message (errors, thanks).
pub fn message(
    lang: Lang,
    style_href: &str,
    title: &str,
    lines: &[&str],
    back: Option<&str>,
) -> Markup {
    let body = html! {
        (lang_switch(lang))
        h1 { (title) }
        @for line in lines { p { (line) } }
        @if let Some(href) = back {
            p { a href=(href) { (texts(lang).go_back) } }
        }
    };
    layout(lang, title, style_href, body)
}
