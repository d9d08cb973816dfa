//! Every interface text of the pages, one table per language: [`NL`] (the
//! default) and [`EN`]. A text with a value in it is a function, so that
//! each language orders its own words. Survey texts (questions, scale
//! labels, thanks) come from the survey itself; the score's scale comes from
//! the survey's `scale_points`.

use crate::domain::answers::AnswerError;
use crate::domain::lang::Lang;

pub struct Texts {
    // ---- every page ----
    /// The link to the other language, in that language.
    pub other_language: &'static str,
    /// Between the units and the decimals of a number.
    pub decimal_separator: &'static str,
    pub not_found_title: &'static str,
    pub error_title: &'static str,
    pub team: &'static str,
    pub too_many_title: &'static str,
    pub too_many_body: &'static str,

    // ---- the survey form and its answers ----
    pub skip: &'static str,
    pub privacy_title: &'static str,
    /// Who sees what, for a round with this k.
    pub privacy_body: fn(u32) -> String,
    pub stored_title: &'static str,
    pub stored_body: &'static str,
    pub submit: &'static str,
    pub comment_warning: &'static str,
    pub invalid_title: &'static str,
    pub invalid_body: &'static str,
    pub bad_title: &'static str,
    pub bad_body: &'static str,
    pub form_not_urlencoded: &'static str,
    pub form_too_large: &'static str,
    pub form_unreadable: &'static str,
    /// What is wrong with the answers sent.
    pub answer_problem: fn(&AnswerError) -> String,
    pub go_back: &'static str,
    pub thanks_title: &'static str,
    pub thanks_body: &'static str,
    /// After a failure while answering: nothing was stored.
    pub error_body: &'static str,

    // ---- the advisor's and manager's pages ----
    pub key_invalid_title: &'static str,
    pub key_invalid_body: &'static str,
    pub no_session_title: &'static str,
    pub no_session_body: &'static str,
    pub overview: &'static str,
    pub round: &'static str,
    pub respondents: &'static str,
    pub score: &'static str,
    pub change: &'static str,
    pub within_noise: &'static str,
    /// One sentence for every hidden group, whatever hid it.
    pub hidden: &'static str,
    pub open: &'static str,
    pub k_reached: &'static str,
    pub k_not_reached: &'static str,
    pub goes_well: &'static str,
    pub chafes: &'static str,
    pub statement: &'static str,
    pub shares: &'static str,
    pub hidden_item: &'static str,
    pub favourable: &'static str,
    pub reversed: &'static str,
    pub views_differ: &'static str,
    pub comments: &'static str,
    pub comments_roll_up: &'static str,
    /// Comments withheld below this many respondents (never a count of them).
    pub comments_too_few: fn(u32) -> String,
    pub no_comments: &'static str,
    pub no_results: &'static str,
    pub trend: &'static str,
    pub latest: &'static str,
    pub participation: &'static str,
    pub intro_manager: &'static str,
    /// A closed round not yet released to the manager (advisor-first).
    pub pending: &'static str,
    /// The manager's link to change their reflection.
    pub reflection_change: &'static str,
    /// The advisor's button: the conversation about the round was held.
    pub held_button: &'static str,
    /// The advisor's link to the printable conversation sheet.
    pub sheet_link: &'static str,
    /// "conversation held on {day} ({who}); the manager's reflection is final".
    pub held_on: fn(&str, &str) -> String,
    /// The manager's notice for such a round, after its title.
    pub pending_notice: &'static str,
    /// The advisor's release button and its explanation.
    pub release_button: &'static str,
    pub release_explain: &'static str,
    /// "released to the manager on {day} by {who}".
    pub released_on: fn(&str, &str) -> String,
    pub intro_advisor: &'static str,

    // ---- charts ----
    /// What a trend draws without a dimension.
    pub overall_score: &'static str,
    /// Before the download links of a chart.
    pub download: &'static str,
    /// The PNG link (a slide-sized picture).
    pub download_png: &'static str,
    /// The run-chart verdict over a survey's rounds: (survey, verdict).
    pub verdict: fn(&str, &str) -> String,
    /// Before the links to a team's other surveys.
    pub other_surveys: &'static str,
    /// The label of the scrolling heatmap region.
    pub heatmap_region: &'static str,
}

/// Who did a recorded action, in the page's language: an advisor key's
/// label as written, the stored markers for the command line and for
/// releases older than release itself in words.
pub fn actor(who: &str, lang: Lang) -> &str {
    match (who, lang) {
        (crate::storage::COMMAND_LINE, Lang::Nl) => "opdrachtregel",
        (crate::storage::COMMAND_LINE, Lang::En) => "command line",
        (crate::storage::BEFORE_RELEASE, Lang::Nl) => "van vóór het vrijgeven",
        (crate::storage::BEFORE_RELEASE, Lang::En) => "before release existed",
        (who, _) => who,
    }
}

pub fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::Nl => &NL,
        Lang::En => &EN,
    }
}

pub const NL: Texts = Texts {
    other_language: "English",
    decimal_separator: ",",
    not_found_title: "Deze pagina bestaat niet",
    error_title: "Er ging iets mis",
    team: "Team",
    too_many_title: "Te veel mislukte pogingen",
    too_many_body: "Vanaf dit netwerk zijn kort na elkaar te veel ongeldige links geprobeerd. \
        Probeer het over een minuut opnieuw.",

    skip: "Sla over",
    privacy_title: "Wie ziet wat?",
    privacy_body: |k| {
        format!(
            "Je antwoorden worden alleen opgeteld per team getoond, pas nadat de ronde is gesloten, \
             en alleen als minstens {k} collega's hebben geantwoord. Niemand kan zien welke antwoorden van jou zijn. \
             Elke vraag mag je overslaan."
        )
    },
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
    form_not_urlencoded: "Het formulier moet als application/x-www-form-urlencoded worden verstuurd.",
    form_too_large: "Het formulier is te groot. Maak je opmerking korter.",
    form_unreadable: "Het formulier is onleesbaar aangekomen.",
    answer_problem: |e| match e {
        AnswerError::UnknownItem(item) => format!("Onbekende vraag {item:?}."),
        AnswerError::Duplicate { item } => format!("Vraag {item:?} is twee keer beantwoord."),
        AnswerError::OutOfRange {
            item,
            value,
            points,
        } => format!(
            "Antwoord {value:?} op vraag {item:?} ligt niet op de schaal van 1 tot {points}."
        ),
        AnswerError::CommentNotAsked => "Deze vragenlijst heeft geen opmerkingenveld.".into(),
        AnswerError::CommentTooLong { len, max } => {
            format!("Je opmerking is {len} tekens lang; er passen er {max}.")
        }
        AnswerError::NotText => {
            "Het formulier bevat bytes die geen tekst zijn (geen geldige UTF-8).".into()
        }
        AnswerError::ControlCharacter => {
            "Je opmerking bevat een onzichtbaar stuurteken (zoals NUL).".into()
        }
    },
    go_back: "Terug naar de vragen",
    thanks_title: "Dank je wel",
    thanks_body: "Je antwoorden zijn opgeslagen. Je kunt dit venster sluiten.",
    error_body: "Er is niets opgeslagen. Probeer het over een paar minuten opnieuw.",

    key_invalid_title: "Deze persoonlijke link werkt niet (meer)",
    key_invalid_body: "Misschien is hij ingetrokken. Vraag de beheerder van Spiegel om een nieuwe.",
    no_session_title: "Open eerst je persoonlijke link",
    no_session_body: "Je sessie is verlopen of ontbreekt. Open de persoonlijke link die je van de beheerder kreeg opnieuw.",
    overview: "Overzicht van alle teams",
    round: "Ronde",
    respondents: "Antwoorden",
    score: "Score",
    change: "Verandering",
    within_noise: "binnen de ruis",
    hidden: "verborgen: hier antwoordden minder dan k mensen, of tonen zou een kleinere groep herleidbaar maken",
    open: "loopt nog",
    k_reached: "k bereikt",
    k_not_reached: "nog minder dan k",
    goes_well: "Sterkste punten van deze ronde",
    chafes: "Zwakste punten van deze ronde",
    statement: "Stelling",
    shares: "ongunstig · neutraal · gunstig",
    hidden_item: "verborgen (minder dan k antwoorden, of tonen zou een kleinere groep herleidbaar maken)",
    favourable: "gunstig",
    reversed: "(omgekeerd: oneens is gunstig)",
    views_differ: "De meningen in het team lopen uiteen: het gemiddelde verbergt verschillen.",
    comments: "Opmerkingen (in willekeurige volgorde, los van de scores)",
    comments_roll_up: "Opmerkingen staan bij de teams zelf, niet bij een afdeling of de hele organisatie.",
    comments_too_few: |min| {
        format!(
            "Opmerkingen worden alleen getoond als minstens {min} mensen antwoordden; in deze ronde waren het er minder, dus ze blijven verborgen."
        )
    },
    no_comments: "Niemand schreef in deze ronde een opmerking.",
    no_results: "Nog geen gesloten ronde met uitkomsten.",
    trend: "Verloop",
    latest: "Laatste ronde met uitkomsten",
    participation: "deelname",
    intro_manager: "Wat je team heeft geantwoord, alleen als minstens k collega's antwoordden en pas na het sluiten van een ronde.",
    pending: "nog niet vrijgegeven",
    reflection_change: "Mijn verwachting en reflectie aanpassen",
    held_button: "Gesprek met de manager gehouden",
    sheet_link: "Gesprekskaart (afdrukken)",
    held_on: |day, who| {
        format!("gesprek gehouden op {day} ({who}); de reflectie van de manager ligt vast")
    },
    pending_notice: "deze ronde is gesloten. De uitkomsten bespreek je eerst met je vertrouwenspersoon; daarna zie je ze hier.",
    release_button: "Vrijgeven aan de manager",
    release_explain: "De manager van dit team ziet deze uitkomsten pas na vrijgeven, bij voorkeur in of na jullie gesprek. Vrijgeven kan niet worden teruggedraaid.",
    released_on: |day, who| format!("vrijgegeven aan de manager op {day} ({who})"),
    intro_advisor: "Elke cel is een team in een ronde. Verborgen cellen hebben te weinig antwoorden, of beschermen een kleinere groep tegen aftrekken.",

    overall_score: "Totaalscore",
    download: "Downloaden:",
    download_png: "PNG (dia)",
    verdict: |survey, verdict| format!("Over de rondes van {survey}: {verdict}."),
    other_surveys: "Andere vragenlijsten:",
    heatmap_region: "Heatmap van alle teams en rondes (schuift opzij)",
};

pub const EN: Texts = Texts {
    other_language: "Nederlands",
    decimal_separator: ".",
    not_found_title: "This page does not exist",
    error_title: "Something went wrong",
    team: "Team",
    too_many_title: "Too many failed attempts",
    too_many_body: "Too many invalid links were tried from this network in a short time. \
        Please try again in a minute.",

    skip: "Rather not say",
    privacy_title: "Who sees what?",
    privacy_body: |k| {
        format!(
            "Your answers are only shown added up per team, only after the round has closed, \
             and only when at least {k} colleagues answered. Nobody can see which answers are yours. \
             You may skip any question."
        )
    },
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
    form_not_urlencoded: "The form must be sent as application/x-www-form-urlencoded.",
    form_too_large: "The form is too large. Please shorten your comment.",
    form_unreadable: "The form arrived unreadable.",
    answer_problem: |e| format!("Problem: {e}."),
    go_back: "Back to the questions",
    thanks_title: "Thank you",
    thanks_body: "Your answers were stored. You can close this window.",
    error_body: "Nothing was stored. Please try again in a few minutes.",

    key_invalid_title: "This personal link does not work (any more)",
    key_invalid_body: "It may have been revoked. Ask whoever runs Spiegel for a new one.",
    no_session_title: "Open your personal link first",
    no_session_body: "Your session has expired or is missing. Open the personal link you received again.",
    overview: "Overview of all teams",
    round: "Round",
    respondents: "Answers",
    score: "Score",
    change: "Change",
    within_noise: "within noise",
    hidden: "hidden: fewer than k people answered here, or showing it would reveal a smaller group",
    open: "still open",
    k_reached: "k reached",
    k_not_reached: "fewer than k so far",
    goes_well: "Strongest points of this round",
    chafes: "Weakest points of this round",
    statement: "Statement",
    shares: "unfavourable · neutral · favourable",
    hidden_item: "hidden (fewer than k answers, or showing it would reveal a smaller group)",
    favourable: "favourable",
    reversed: "(reversed: disagreeing is favourable)",
    views_differ: "Views in the team differ: the mean hides differences.",
    comments: "Comments (in random order, apart from the scores)",
    comments_roll_up: "Comments are shown with the teams themselves, not for a department or the whole organisation.",
    comments_too_few: |min| {
        format!(
            "Comments are shown only when at least {min} people answered; fewer did in this round, so they stay hidden."
        )
    },
    no_comments: "Nobody wrote a comment in this round.",
    no_results: "No closed round with results yet.",
    trend: "Trend",
    latest: "Latest round with results",
    participation: "participation",
    intro_manager: "What your team answered, only when at least k colleagues answered and only after a round has closed.",
    pending: "not yet released",
    reflection_change: "Change my expectation and reflection",
    held_button: "Conversation with the manager held",
    sheet_link: "Conversation sheet (print)",
    held_on: |day, who| {
        format!("conversation held on {day} ({who}); the manager's reflection is final")
    },
    pending_notice: "this round has closed. You will first discuss its results with your advisor; after that you will see them here.",
    release_button: "Release to the manager",
    release_explain: "This team's manager sees these results only once they are released, preferably in or after your conversation. A release cannot be undone.",
    released_on: |day, who| format!("released to the manager on {day} by {who}"),
    intro_advisor: "Each cell is a team in a round. Hidden cells have too few answers, or protect a smaller group from subtraction.",

    overall_score: "Overall score",
    download: "Download:",
    download_png: "PNG (slide)",
    verdict: |survey, verdict| format!("Across the rounds of {survey}: {verdict}."),
    other_surveys: "Other surveys:",
    heatmap_region: "Heatmap of every team and round (scrolls sideways)",
};

impl Texts {
    /// A number with one decimal, with this language's separator.
    pub fn decimal(&self, x: f64) -> String {
        format!("{x:.1}").replace('.', self.decimal_separator)
    }
}
