//! Server-rendered pages (maud: compile-time checked, escaped by default)
//! and their texts in Dutch and English.

use maud::{DOCTYPE, Markup, html};

use crate::domain::answers::{COMMENT_FIELD, SKIP};
use crate::domain::lang::Lang;
use crate::domain::survey::{MAX_COMMENT_CHARS, Survey};

/// Interface texts of the employee pages.
pub struct Ui {
    pub other_language: &'static str,
    pub skip: &'static str,
    pub privacy_title: &'static str,
    pub stored_title: &'static str,
    pub stored_body: &'static str,
    pub submit: &'static str,
    pub comment_warning: &'static str,
    pub invalid_title: &'static str,
    pub invalid_body: &'static str,
    pub bad_title: &'static str,
    pub bad_body: &'static str,
    pub go_back: &'static str,
    pub thanks_title: &'static str,
    pub thanks_body: &'static str,
    pub error_title: &'static str,
    pub error_body: &'static str,
    pub team: &'static str,
    pub not_found_title: &'static str,
}

const NL: Ui = Ui {
    other_language: "English",
    skip: "Sla over",
    privacy_title: "Wie ziet wat?",
    stored_title: "Wat wordt er opgeslagen?",
    stored_body: "Alleen: een willekeurig nummer, de ronde, het team, je antwoorden en (als je die schrijft) je opmerking. \
        Geen naam, e-mailadres, IP-adres, tijdstip of apparaat, en niets dat je antwoorden aan deze link koppelt. \
        Deze link werkt één keer; als de ronde sluit, wordt hij gewist.",
    submit: "Versturen",
    comment_warning: "Noem geen namen en niets waaraan jij of een ander te herkennen is.",
    invalid_title: "Deze link is niet (meer) geldig",
    invalid_body: "Misschien is de ronde gesloten, of is de link al gebruikt. \
        Heb je al geantwoord? Dan zijn je antwoorden ontvangen. Dank je wel.",
    bad_title: "Dit formulier kon niet worden verwerkt",
    bad_body: "Er is niets opgeslagen. Ga terug, kijk je antwoorden na en verstuur opnieuw.",
    go_back: "Terug naar de vragen",
    thanks_title: "Dank je wel",
    thanks_body: "Je antwoorden zijn opgeslagen. Je kunt dit venster sluiten.",
    error_title: "Er ging iets mis",
    error_body: "Er is niets opgeslagen. Probeer het over een paar minuten opnieuw.",
    team: "Team",
    not_found_title: "Deze pagina bestaat niet",
};

const EN: Ui = Ui {
    other_language: "Nederlands",
    skip: "Rather not say",
    privacy_title: "Who sees what?",
    stored_title: "What is stored?",
    stored_body: "Only: a random number, the round, the team, your answers and (if you write one) your comment. \
        No name, e-mail address, IP address, time or device, and nothing that ties your answers to this link. \
        This link works once; when the round closes it is erased.",
    submit: "Send",
    comment_warning: "Do not mention names or anything by which you or someone else could be recognised.",
    invalid_title: "This link is not or no longer valid",
    invalid_body: "The round may have closed, or the link has been used. \
        If you answered already, your answers were received. Thank you.",
    bad_title: "This form could not be processed",
    bad_body: "Nothing was stored. Go back, check your answers and send again.",
    go_back: "Back to the questions",
    thanks_title: "Thank you",
    thanks_body: "Your answers were stored. You can close this window.",
    error_title: "Something went wrong",
    error_body: "Nothing was stored. Please try again in a few minutes.",
    team: "Team",
    not_found_title: "This page does not exist",
};

pub fn ui(lang: Lang) -> &'static Ui {
    match lang {
        Lang::Nl => &NL,
        Lang::En => &EN,
    }
}

fn privacy_body(lang: Lang, k: u32) -> String {
    match lang {
        Lang::Nl => format!(
            "Je antwoorden worden alleen opgeteld per team getoond, pas nadat de ronde is gesloten, \
             en alleen als minstens {k} collega's hebben geantwoord. Niemand kan zien welke antwoorden van jou zijn. \
             Elke vraag mag je overslaan."
        ),
        Lang::En => format!(
            "Your answers are only shown added up per team, only after the round has closed, \
             and only when at least {k} colleagues answered. Nobody can see which answers are yours. \
             You may skip any question."
        ),
    }
}

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
            a href={ "?lang=" (other.code()) } hreflang=(other.code()) lang=(other.code()) { (ui(lang).other_language) }
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
    let t = ui(lang);
    let s = p.survey;
    let labels = s.scale.labels.get(lang);
    let body = html! {
        (lang_switch(lang))
        h1 { (s.title.get(lang)) }
        p.team { (t.team) ": " (p.team) }
        p { (s.intro.get(lang)) }
        section.privacy aria-labelledby="privacy" {
            h2 #privacy { (t.privacy_title) }
            p { (privacy_body(lang, p.k)) }
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
            p { a href=(href) { (ui(lang).go_back) } }
        }
    };
    layout(lang, title, style_href, body)
}
