//! Every text of the set-up pages, one table per language: [`NL`] (the
//! default) and [`EN`]. Validation errors follow the domain's and storage's
//! rules one to one: in English they are the very messages the command line
//! shows (the errors' own `Display`), in Dutch the same sentences in Dutch.

use maud::{Markup, html};

use crate::domain::focus::{OFFER_KINDS, OfferError, TITLE_MAX};
use crate::domain::lang::Lang;
use crate::domain::org::{InviteCountError, KError, MIN_K};
use crate::domain::team::{MAX_NAME_CHARS, SizeError, TeamNameError};
use crate::storage::{Conflict, StorageError, Thing};

pub struct T {
    /// The link from the advisor's overview to these pages.
    pub setup_link: &'static str,
    pub nav_label: &'static str,
    pub nav_overview: &'static str,
    pub nav_teams: &'static str,
    pub nav_rounds: &'static str,
    pub nav_keys: &'static str,
    pub nav_settings: &'static str,
    pub nav_surveys: &'static str,
    pub nav_audit: &'static str,
    pub forbidden_title: &'static str,
    pub forbidden_body: &'static str,
    pub optional: &'static str,
    pub cancel: &'static str,
    pub go_back: &'static str,
    pub confirm_question: &'static str,
    pub not_a_number: &'static str,
    pub state: &'static str,
    pub yes: &'static str,
    pub never: &'static str,

    // teams
    pub teams_title: &'static str,
    pub teams_intro: &'static str,
    pub no_teams: &'static str,
    pub team_name: &'static str,
    pub team_id: &'static str,
    pub department: &'static str,
    pub no_department: &'static str,
    pub expected_size: &'static str,
    pub active: &'static str,
    pub archived_on: &'static str,
    pub archived_note: &'static str,
    pub add_team: &'static str,
    pub rename: &'static str,
    pub new_name: &'static str,
    pub move_team: &'static str,
    pub move_note: &'static str,
    pub change_size: &'static str,
    pub size_required: &'static str,
    pub archive: &'static str,
    pub archive_note: &'static str,
    pub remove: &'static str,
    pub remove_note: &'static str,

    // rounds
    pub rounds_title: &'static str,
    pub rounds_list: &'static str,
    pub no_rounds: &'static str,
    pub survey: &'static str,
    pub items: &'static str,
    pub show_items: &'static str,
    pub opened_on: &'static str,
    pub closes_on: &'static str,
    pub open: &'static str,
    pub closed: &'static str,
    pub participation: &'static str,
    pub released: &'static str,
    pub open_round: &'static str,
    pub own_surveys_broken: &'static str,
    pub round_title: &'static str,
    pub round_title_hint: &'static str,
    pub teams_in_round: &'static str,
    pub all_teams: &'static str,
    pub closes_field: &'static str,
    pub closes_hint: &'static str,
    pub close_now: &'static str,
    pub close_note: &'static str,

    // links
    pub links_title: &'static str,
    pub make_links: &'static str,
    pub round_is_closed: &'static str,
    pub links_stronger_title: &'static str,
    pub links_stronger_body: &'static str,
    pub links_once: &'static str,
    pub links_local: &'static str,
    pub link_count: &'static str,
    pub link_format: &'static str,
    pub format_slips: &'static str,
    pub format_csv: &'static str,
    pub slips_print: &'static str,
    pub slips_once: &'static str,

    // keys
    pub keys_title: &'static str,
    pub keys_intro: &'static str,
    pub key_label: &'static str,
    pub key_label_hint: &'static str,
    pub key_word: &'static str,
    pub role: &'static str,
    pub role_advisor: &'static str,
    pub role_manager: &'static str,
    pub created_on: &'static str,
    pub last_used: &'static str,
    pub revoked_on: &'static str,
    pub revoke: &'static str,
    pub revoke_note: &'static str,
    pub revoke_own: &'static str,
    pub new_manager_key: &'static str,
    pub key_made: &'static str,
    pub key_once: &'static str,
    pub qr_label: &'static str,

    // settings, surveys, audit
    pub settings_title: &'static str,
    pub organisation: &'static str,
    pub time_zone: &'static str,
    pub k_field: &'static str,
    pub k_hint: &'static str,
    pub comments_to_managers: &'static str,
    pub comments_hint: &'static str,
    pub retain_field: &'static str,
    pub retain_hint: &'static str,
    pub retain_error: &'static str,
    pub release_field: &'static str,
    pub release_after_advisor: &'static str,
    pub release_at_close: &'static str,
    pub release_hint: &'static str,
    pub release_error: &'static str,
    pub save: &'static str,
    pub surveys_title: &'static str,
    pub own_surveys: &'static str,
    pub no_own_surveys: &'static str,
    /// Heading over the cases for intervisie and the guide to hesitation.
    pub conversation_files: &'static str,
    /// Where those come from and how to use the organisation's own.
    pub conversation_files_note: &'static str,
    pub cases_heading: &'static str,
    pub hesitations_heading: &'static str,
    pub own_folder: &'static str,
    pub no_files: &'static str,
    pub version: &'static str,
    pub reversed_col: &'static str,
    pub audit_title: &'static str,
    pub audit_intro: &'static str,
    pub audit_empty: &'static str,
    pub day: &'static str,
    pub who: &'static str,
    pub what: &'static str,

    // learning offers
    pub training_title: &'static str,
    pub training_intro: &'static str,
    /// The link from the settings page.
    pub training_link: &'static str,
    pub no_offers: &'static str,
    pub offer_title: &'static str,
    pub offer_kind: &'static str,
    pub offer_url: &'static str,
    pub offer_url_hint: &'static str,
    pub offer_dimension: &'static str,
    pub offer_dimension_hint: &'static str,
    pub offer_general: &'static str,
    pub offer_add: &'static str,
    pub offer_remove: &'static str,
    pub offer_remove_note: &'static str,

    // validation errors
    pub offer_error: fn(&OfferError) -> String,
    pub team_name_error: fn(&TeamNameError) -> String,
    pub size_error: fn(&SizeError) -> String,
    pub count_error: fn(&InviteCountError) -> String,
    pub k_error: fn(&KError) -> String,
    pub storage_error: fn(&StorageError) -> String,
    /// The survey asked for, and the ids available.
    pub unknown_survey: fn(&str, &str) -> String,
    /// What was typed, and an example date.
    pub bad_date: fn(&str, &str) -> String,
}

pub fn t(lang: Lang) -> &'static T {
    match lang {
        Lang::Nl => &NL,
        Lang::En => &EN,
    }
}

/// The line shown after a change succeeded (`?done=…`).
pub struct Done;

impl Done {
    pub fn banner(code: Option<&str>, lang: Lang) -> Markup {
        let nl = lang == Lang::Nl;
        let text = match code {
            Some("added") => Some(if nl {
                "Team toegevoegd."
            } else {
                "Team added."
            }),
            Some("renamed") => Some(if nl {
                "Naam gewijzigd."
            } else {
                "Name changed."
            }),
            Some("moved") => Some(if nl {
                "Team verplaatst. Gesloten rondes houden hun uitkomsten; rondes die vanaf nu sluiten tellen met de nieuwe plek."
            } else {
                "Team moved. Closed rounds keep their results; rounds closed from now on roll up with the new place."
            }),
            Some("resized") => Some(if nl {
                "Verwachte grootte opgeslagen."
            } else {
                "Expected size saved."
            }),
            Some("archived") => Some(if nl {
                "Team gearchiveerd: de uitkomsten blijven, het krijgt geen nieuwe rondes of links."
            } else {
                "Team archived: its results stay, it gets no new rounds or links."
            }),
            Some("removed") => Some(if nl {
                "Team verwijderd."
            } else {
                "Team removed."
            }),
            Some("opened") => Some(if nl {
                "Ronde geopend."
            } else {
                "Round opened."
            }),
            Some("closed") => Some(if nl {
                "Ronde gesloten: de links werken niet meer en zijn gewist, net als de volgorde van antwoorden."
            } else {
                "Round closed: its links no longer work and were erased, and so was the order of answering."
            }),
            Some("revoked") => Some(if nl {
                "Sleutel ingetrokken: hij opent niets meer."
            } else {
                "Key revoked: it no longer opens anything."
            }),
            Some("offer-added") => Some(if nl {
                "Aanbod toegevoegd."
            } else {
                "Offer added."
            }),
            Some("offer-removed") => Some(if nl {
                "Aanbod verwijderd."
            } else {
                "Offer removed."
            }),
            Some("saved") => Some(if nl {
                "Instellingen opgeslagen."
            } else {
                "Settings saved."
            }),
            _ => None,
        };
        html! { @if let Some(t) = text { p.done role="status" { (t) } } }
    }
}

fn en_storage(e: &StorageError) -> String {
    e.to_string()
}

fn nl_thing(t: Thing) -> &'static str {
    match t {
        Thing::Team => "team",
        Thing::Round => "ronde",
        Thing::Key => "sleutel",
        Thing::Result => "uitkomst",
    }
}

fn nl_storage(e: &StorageError) -> String {
    match e {
        StorageError::NotFound { what, id } => format!("Geen {} {id:?}.", nl_thing(*what)),
        StorageError::Conflict(c) => nl_conflict(c),
        StorageError::NotInitialised => "De database is niet ingericht.".into(),
        StorageError::Missing(_)
        | StorageError::CannotOpen { .. }
        | StorageError::NotADatabase { .. }
        | StorageError::TooNew { .. }
        | StorageError::CannotCreate { .. }
        | StorageError::Corrupt(_)
        | StorageError::WriterGone
        | StorageError::Sqlite(_)
        | StorageError::Io(_) => format!("Er ging iets mis in de opslag ({e})."),
    }
}

fn nl_conflict(c: &Conflict) -> String {
    match c {
        Conflict::AlreadyInitialised => "De database is al ingericht.".into(),
        Conflict::TeamNameTaken { name, id } => format!(
            "Er bestaat al een team {name:?} (id {id}); namen en ids worden vergeleken zonder op hoofdletters te letten."
        ),
        Conflict::TeamArchived { name, on } => format!(
            "Team {name:?} is gearchiveerd op {on}; het krijgt geen nieuwe rondes, links of teams eronder."
        ),
        Conflict::TeamArchivedAlready { name, on } => {
            format!("Team {name:?} was al gearchiveerd op {on}.")
        }
        Conflict::TeamUnderItself { team, parent } => format!(
            "{team:?} kan niet onder zichzelf of onder een van zijn eigen teams ({parent:?})."
        ),
        Conflict::TeamHasLiveTeams { team, children } => format!(
            "{team:?} heeft teams die niet gearchiveerd zijn ({}); verplaats of archiveer die eerst.",
            children.join(", ")
        ),
        Conflict::TeamHasTeams { team, children } => format!(
            "{team:?} heeft teams onder zich ({}): verplaats of verwijder die eerst, of archiveer het team.",
            children.join(", ")
        ),
        Conflict::TeamWasInRound { name, rounds } => format!(
            "{name:?} deed mee aan ronde(s) {}, dus zijn geschiedenis blijft: archiveer het team (dan krijgt het geen nieuwe rondes of links).",
            rounds
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Conflict::TeamHasKeys { name, keys } => format!(
            "{name:?} heeft een sleutel gehad ({}), dus het houdt zijn geschiedenis: archiveer het team.",
            if keys.is_empty() {
                "en een keuze om te delen".to_string()
            } else {
                keys.iter()
                    .map(|k| format!("sleutel {k}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        ),
        Conflict::ArchivedTeamsInRound { teams } => format!(
            "Gearchiveerde teams doen niet mee aan nieuwe rondes: {}.",
            teams.join(", ")
        ),
        Conflict::RoundWithoutTeams => "Een ronde heeft minstens één team nodig.".into(),
        Conflict::ClosesInThePast { closes_on, today } => format!(
            "De geplande sluitdatum {closes_on} ligt in het verleden (vandaag is het {today})."
        ),
        Conflict::RoundClosed { round } => format!("Ronde {round} is gesloten."),
        Conflict::RoundStillOpen { round } => {
            format!("Ronde {round} is nog open: alleen een gesloten ronde kan worden vrijgegeven.")
        }
        Conflict::RoundClosedAlready { round, on } => {
            format!("Ronde {round} was al gesloten op {on}.")
        }
        Conflict::TeamNotInRound { round, teams } => format!(
            "Dit team doet niet mee aan ronde {round} (teams: {}).",
            teams.join(", ")
        ),
        Conflict::NotErased { round, reason } => format!(
            "Ronde {round} is gesloten en de uitkomsten zijn berekend, maar de volgorde van antwoorden is nog niet gewist ({reason}). Maak schijfruimte vrij en sluit de ronde opnieuw."
        ),
        Conflict::NotPurgedFromFile { rounds, reason } => format!(
            "De ruwe antwoorden van ronde(s) {} zijn verwijderd, maar het bestand kon nog niet worden herschreven ({reason}). Maak schijfruimte vrij; de server probeert het elke minuut opnieuw.",
            rounds
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Conflict::KeyRevokedAlready { id, on } => {
            format!("Sleutel {id} was al ingetrokken op {on}.")
        }
        Conflict::FileExists { path } => format!("{} bestaat al.", path.display()),
    }
}

fn nl_offer(e: &OfferError) -> String {
    match e {
        OfferError::EmptyTitle => "Geef het aanbod een titel.".into(),
        OfferError::TitleTooLong { chars } => {
            format!("De titel heeft {chars} tekens; houd hem op hoogstens {TITLE_MAX}.")
        }
        OfferError::UnknownKind { kind } => {
            format!("Geen soort {kind:?}; kies een van: {OFFER_KINDS}.")
        }
        OfferError::BadUrl { url } => {
            format!("{url:?} is geen webadres; het moet beginnen met http:// of https://.")
        }
        OfferError::UnknownDimension { dimension, known } => {
            format!("Geen vragenlijst heeft een thema {dimension:?}; de thema's zijn: {known}.")
        }
    }
}

fn nl_team_name(e: &TeamNameError) -> String {
    match e {
        TeamNameError::Length => {
            format!("Een teamnaam heeft 1 tot {MAX_NAME_CHARS} tekens nodig.")
        }
        TeamNameError::NoLetterOrDigit { name } => format!(
            "Een teamnaam heeft minstens één letter of cijfer nodig; {name:?} heeft er geen."
        ),
        TeamNameError::Reserved { name, id } => format!(
            "De id {id:?} is gereserveerd (`organisation` staat voor de hele organisatie in de API en op de pagina's); kies een andere naam, bijvoorbeeld \"{name} team\"."
        ),
    }
}

fn nl_size(e: &SizeError) -> String {
    match e {
        SizeError::Zero => "De verwachte grootte van een team is minstens 1.".into(),
    }
}

fn nl_count(e: &InviteCountError) -> String {
    format!(
        "Het aantal links ligt tussen 1 en {}; {} kan niet.",
        crate::domain::org::InviteCount::MAX,
        e.count
    )
}

fn nl_k(e: &KError) -> String {
    match e {
        KError::TooLow(k) => format!(
            "k = {k} is te laag: met minder dan {MIN_K} antwoorden kan een uitkomst de antwoorden van één persoon verraden aan wie die van de anderen kent."
        ),
        KError::TooHigh(k) => format!(
            "k = {k} is te hoog: uitkomsten zouden alleen verschijnen voor groepen van minstens {k} mensen."
        ),
    }
}

pub static NL: T = T {
    setup_link: "Beheer: teams, rondes, links en sleutels",
    nav_label: "Beheer",
    nav_overview: "Overzicht",
    nav_teams: "Teams",
    nav_rounds: "Rondes",
    nav_keys: "Sleutels",
    nav_settings: "Instellingen",
    nav_surveys: "Vragenlijsten",
    nav_audit: "Logboek",
    forbidden_title: "Niet toegestaan",
    forbidden_body: "Dit verzoek kwam niet van een formulier op deze beheerpagina's, of het formulier was verlopen. Er is niets gewijzigd. Open de pagina opnieuw en probeer het nog eens.",
    optional: "optioneel",
    cancel: "Annuleren",
    go_back: "Terug",
    confirm_question: "Weet je het zeker?",
    not_a_number: "Vul een heel getal in.",
    state: "Status",
    yes: "ja",
    never: "nooit",

    teams_title: "Teams",
    teams_intro: "Elk team met zijn afdeling en verwachte grootte (voor de deelname). Een team dat aan een ronde meedeed wordt nooit verwijderd: gearchiveerd houdt het zijn uitkomsten en krijgt het geen nieuwe rondes of links.",
    no_teams: "Nog geen teams.",
    team_name: "Team",
    team_id: "Id (in adressen en sleutels; blijft bij een nieuwe naam)",
    department: "Afdeling",
    no_department: "(geen afdeling)",
    expected_size: "Verwachte grootte",
    active: "actief",
    archived_on: "gearchiveerd op",
    archived_note: "Het houdt zijn uitkomsten en krijgt geen nieuwe rondes of links.",
    add_team: "Team toevoegen",
    rename: "Naam wijzigen",
    new_name: "Nieuwe naam",
    move_team: "Verplaatsen",
    move_note: "Gesloten rondes houden hun uitkomsten; rondes die vanaf nu sluiten tellen met de nieuwe plek.",
    change_size: "Grootte wijzigen",
    size_required: "Vul de verwachte grootte in (minstens 1).",
    archive: "Archiveren",
    archive_note: "Een gearchiveerd team houdt zijn uitkomsten en sleutels, maar doet niet meer mee aan nieuwe rondes en krijgt geen links. Dit is niet terug te draaien.",
    remove: "Verwijderen",
    remove_note: "Alleen een team dat nooit aan een ronde meedeed, geen teams onder zich heeft en nooit een sleutel kreeg, kan worden verwijderd (bijvoorbeeld na een tikfout). Een ander team archiveer je: dan blijft zijn geschiedenis bewaard. Verwijderen is niet terug te draaien.",

    rounds_title: "Rondes",
    rounds_list: "Alle rondes",
    no_rounds: "Nog geen rondes.",
    survey: "Vragenlijst",
    items: "stellingen",
    show_items: "Stellingen tonen",
    opened_on: "geopend op",
    closes_on: "sluit na",
    open: "open",
    closed: "gesloten",
    participation: "Stand",
    released: "uitkomst getoond",
    open_round: "Ronde openen",
    own_surveys_broken: "De eigen vragenlijsten hebben fouten; alleen de meegeleverde zijn te kiezen:",
    round_title: "Titel",
    round_title_hint: "Bijvoorbeeld \"Maart 2026\". Leeg: de titel van de vragenlijst en de datum van vandaag.",
    teams_in_round: "Teams die meedoen",
    all_teams: "Alle teams (behalve gearchiveerde)",
    closes_field: "Sluitdatum",
    closes_hint: "JJJJ-MM-DD, of +14d / +2w (dagen of weken vanaf vandaag). De ronde neemt antwoorden aan tot en met die dag, daarna sluit de server haar.",
    close_now: "Nu sluiten",
    close_note: "Na het sluiten werken de links niet meer en worden ze gewist; de uitkomsten worden één keer berekend en de volgorde van antwoorden wordt gewist. Een gesloten ronde gaat niet meer open.",

    links_title: "Links",
    make_links: "Links maken",
    round_is_closed: "Deze ronde is gesloten: er kunnen geen links meer bij.",
    links_stronger_title: "Wat is het meest anoniem?",
    links_stronger_body: "Papieren QR-briefjes die willekeurig worden uitgedeeld (iedereen trekt er een) zijn sterker dan een mailing: van een CSV voor samenvoegen bestaat een lijst wie welke link kreeg, en wie die lijst heeft kan links testen en zo zien wie al antwoordde. Van willekeurig uitgedeelde briefjes bestaat zo'n lijst niet. Spiegel bewaart zelf nooit wie welke link kreeg.",
    links_once: "De links worden alleen nu getoond (Spiegel bewaart ze alleen als hash) en in willekeurige volgorde. Elke link werkt één keer.",
    links_local: "Let op: deze links wijzen naar een adres dat alleen op deze computer werkt. Start de server met --base-url (of SPIEGEL_BASE_URL) op het adres waarop mensen Spiegel bereiken.",
    link_count: "Aantal links",
    link_format: "Vorm",
    format_slips: "QR-briefjes om te printen (A4)",
    format_csv: "CSV voor samenvoegen (mailing)",
    slips_print: "Print deze pagina (Ctrl+P of ⌘P) op A4, knip langs de stippellijnen en deel de briefjes willekeurig uit. Deze tekst wordt niet geprint.",
    slips_once: "De links staan alleen op deze pagina: sla hem niet op en sluit hem na het printen.",

    keys_title: "Sleutels",
    keys_intro: "Een sleutel is een persoonlijk adres. Een managerssleutel opent alleen het eigen team. Sleutels worden alleen als hash bewaard; laatst gebruikt toont alleen de dag.",
    key_label: "Label",
    key_label_hint: "Een notitie over wie de sleutel heeft, bijvoorbeeld een functie.",
    key_word: "sleutel",
    role: "Rol",
    role_advisor: "vertrouwenspersoon",
    role_manager: "manager",
    created_on: "Gemaakt op",
    last_used: "Laatst gebruikt",
    revoked_on: "ingetrokken op",
    revoke: "Intrekken",
    revoke_note: "Een ingetrokken sleutel werkt meteen niet meer, ook niet in een open browser. Dit is niet terug te draaien.",
    revoke_own: "Dit is je eigen sleutel: na het intrekken ben je uitgelogd.",
    new_manager_key: "Managerssleutel maken",
    key_made: "De sleutel is gemaakt. Dit adres wordt alleen nu getoond:",
    key_once: "Geef het adres (of de QR-code) persoonlijk aan de manager. Wie het adres heeft, ziet de uitkomsten van dit team.",
    qr_label: "QR-code van het adres",

    settings_title: "Instellingen",
    organisation: "Organisatie",
    time_zone: "Tijdzone",
    k_field: "Drempel k",
    k_hint: "Uitkomsten verschijnen alleen als minstens k mensen antwoordden (3 tot 50). Een nieuwe k geldt alleen voor rondes die vanaf nu openen; open en gesloten rondes houden hun k.",
    comments_to_managers: "Managers mogen de opmerkingen van hun team lezen",
    comments_hint: "Standaard uit: alleen de vertrouwenspersoon leest opmerkingen, en alleen bij minstens max(k, 10) antwoorden.",
    retain_field: "Ruwe antwoorden bewaren (maanden)",
    retain_hint: "De server wist elke dag de ruwe antwoorden en opmerkingen van rondes die langer dan zoveel maanden geleden sloten; de uitkomsten, trends en grafieken blijven. 0 = uit: bewaren tot `spiegel purge`.",
    retain_error: "Vul een aantal maanden in van 0 (uit) tot 1200.",
    release_field: "Uitkomsten naar de leidinggevende",
    release_after_advisor: "Na vrijgave door de vertrouwenspersoon (after-advisor)",
    release_at_close: "Meteen bij het sluiten van de ronde (at-close)",
    release_hint: "Standaard: na vrijgave, zodat jij de uitkomsten eerst ziet en het gesprek kunt voorbereiden. Overstappen van 'bij het sluiten' naar 'na vrijgave' geeft alle gesloten rondes vrij: wat een leidinggevende al zag, verdwijnt niet.",
    release_error: "Kies wanneer de uitkomsten de leidinggevende bereiken: na vrijgave of bij het sluiten.",
    save: "Opslaan",
    surveys_title: "Vragenlijsten",
    own_surveys: "Eigen vragenlijsten (spiegel check)",
    no_own_surveys: "Er is geen map met eigen vragenlijsten ingesteld (--surveys of SPIEGEL_SURVEYS bij het starten van de server); alleen de meegeleverde zijn beschikbaar.",
    conversation_files: "Casussen voor intervisie en de gids bij aarzeling",
    conversation_files_note: "In gebruik sinds de server startte: de meegeleverde bestanden, of de eigen cases.toml en hesitations.toml uit de map van --conversation (SPIEGEL_CONVERSATION). spiegel check controleert ze; een kapot bestand houdt de server tegen bij het starten.",
    cases_heading: "Casussen",
    hesitations_heading: "Aarzelingen",
    own_folder: "Map",
    no_files: "Geen *.toml-bestanden in deze map.",
    version: "versie",
    reversed_col: "Omgekeerd gescoord",
    audit_title: "Logboek",
    audit_intro: "Elke beheerhandeling: wat, met welke sleutel (label) en op welke dag. Nooit een antwoord, een link of een sleutel.",
    audit_empty: "Nog niets vastgelegd.",
    day: "Dag",
    who: "Wie",
    what: "Wat",

    training_title: "Leeraanbod",
    training_intro: "Waar managers kunnen leren: een korte training, een online module, intervisie met andere managers of een gesprek met de vertrouwenspersoon. Het aanbod staat op de teampagina van de manager en op de gesprekskaart; aanbod met een thema staat voorop als de focus van het team dat thema is.",
    training_link: "Leeraanbod voor managers",
    no_offers: "Nog geen aanbod.",
    offer_title: "Titel",
    offer_kind: "Soort",
    offer_url: "Webadres",
    offer_url_hint: "Waar je meer leest of je aanmeldt: begint met http:// of https://.",
    offer_dimension: "Past bij het thema",
    offer_dimension_hint: "Leeg: algemeen aanbod, getoond bij elke focus.",
    offer_general: "(algemeen)",
    offer_add: "Aanbod toevoegen",
    offer_remove: "Verwijderen",
    offer_remove_note: "Het aanbod verdwijnt van de teampagina's en gesprekskaarten.",

    offer_error: nl_offer,
    team_name_error: nl_team_name,
    size_error: nl_size,
    count_error: nl_count,
    k_error: nl_k,
    storage_error: nl_storage,
    unknown_survey: |id, ids| format!("Geen vragenlijst {id:?}; beschikbaar: {ids}."),
    bad_date: |typed, example| {
        format!(
            "{typed:?} is geen datum zoals {example}, en geen aantal dagen of weken vanaf vandaag zoals +14d of +2w."
        )
    },
};

pub static EN: T = T {
    setup_link: "Set-up: teams, rounds, links and keys",
    nav_label: "Set-up",
    nav_overview: "Overview",
    nav_teams: "Teams",
    nav_rounds: "Rounds",
    nav_keys: "Keys",
    nav_settings: "Settings",
    nav_surveys: "Surveys",
    nav_audit: "Audit log",
    forbidden_title: "Not allowed",
    forbidden_body: "This request did not come from a form on these set-up pages, or the form had expired. Nothing was changed. Open the page again and retry.",
    optional: "optional",
    cancel: "Cancel",
    go_back: "Back",
    confirm_question: "Are you sure?",
    not_a_number: "Enter a whole number.",
    state: "State",
    yes: "yes",
    never: "never",

    teams_title: "Teams",
    teams_intro: "Every team with its department and expected size (for participation). A team that took part in a round is never deleted: archived, it keeps its results and gets no new rounds or links.",
    no_teams: "No teams yet.",
    team_name: "Team",
    team_id: "Id (in addresses and keys; stays when the name changes)",
    department: "Department",
    no_department: "(no department)",
    expected_size: "Expected size",
    active: "active",
    archived_on: "archived on",
    archived_note: "It keeps its results and gets no new rounds or links.",
    add_team: "Add team",
    rename: "Rename",
    new_name: "New name",
    move_team: "Move",
    move_note: "Closed rounds keep their results; rounds closed from now on roll up with the new place.",
    change_size: "Change size",
    size_required: "Enter the expected size (at least 1).",
    archive: "Archive",
    archive_note: "An archived team keeps its results and keys, but takes part in no new round and gets no links. This cannot be undone.",
    remove: "Remove",
    remove_note: "Only a team that never took part in a round, has no teams under it and never had a key can be removed (after a typing error, say). Archive any other team: its history is then kept. Removing cannot be undone.",

    rounds_title: "Rounds",
    rounds_list: "All rounds",
    no_rounds: "No rounds yet.",
    survey: "Survey",
    items: "statements",
    show_items: "Show the statements",
    opened_on: "opened on",
    closes_on: "closes after",
    open: "open",
    closed: "closed",
    participation: "Progress",
    released: "result shown",
    open_round: "Open a round",
    own_surveys_broken: "The organisation's own surveys have errors; only the shipped ones can be chosen:",
    round_title: "Title",
    round_title_hint: "For example \"March 2026\". Empty: the survey's title and today's date.",
    teams_in_round: "Teams taking part",
    all_teams: "All teams (except archived ones)",
    closes_field: "Closing date",
    closes_hint: "YYYY-MM-DD, or +14d / +2w (days or weeks from today). The round takes answers through that day, then the server closes it.",
    close_now: "Close now",
    close_note: "Once closed, its links stop working and are erased; the results are computed once and the order of answering is erased. A closed round never opens again.",

    links_title: "Links",
    make_links: "Make links",
    round_is_closed: "This round is closed: no more links can be made.",
    links_stronger_title: "Which is more anonymous?",
    links_stronger_body: "Printed QR slips handed out at random (everyone takes one) are stronger than a mail merge: a CSV for a mailing leaves a list of who got which link, and whoever holds that list can test the links and learn who answered. Slips handed out at random leave no such list. Spiegel itself never keeps who got which link.",
    links_once: "The links are shown only now (Spiegel keeps only their hashes), in random order. Each link works once.",
    links_local: "Note: these links point at an address that works only on this computer. Start the server with --base-url (or SPIEGEL_BASE_URL) set to the address people reach Spiegel at.",
    link_count: "Number of links",
    link_format: "Form",
    format_slips: "QR slips to print (A4)",
    format_csv: "CSV for a mail merge",
    slips_print: "Print this page (Ctrl+P or ⌘P) on A4, cut along the dashed lines and hand the slips out at random. This text is not printed.",
    slips_once: "The links exist only on this page: do not save it, and close it after printing.",

    keys_title: "Keys",
    keys_intro: "A key is a personal address. A manager's key opens only that manager's team. Keys are stored only as hashes; last use shows the day only.",
    key_label: "Label",
    key_label_hint: "A note on who holds the key, for example a role.",
    key_word: "key",
    role: "Role",
    role_advisor: "advisor",
    role_manager: "manager",
    created_on: "Created on",
    last_used: "Last used",
    revoked_on: "revoked on",
    revoke: "Revoke",
    revoke_note: "A revoked key stops working at once, also in an open browser. This cannot be undone.",
    revoke_own: "This is your own key: revoking it signs you out.",
    new_manager_key: "Make a manager's key",
    key_made: "The key was made. This address is shown only now:",
    key_once: "Hand the address (or the QR code) to the manager in person. Whoever holds it sees this team's results.",
    qr_label: "QR code of the address",

    settings_title: "Settings",
    organisation: "Organisation",
    time_zone: "Time zone",
    k_field: "Threshold k",
    k_hint: "Results show only when at least k people answered (3 to 50). A new k applies only to rounds opened from now on; open and closed rounds keep theirs.",
    comments_to_managers: "Managers may read their team's comments",
    comments_hint: "Off by default: only the advisor reads comments, and only with at least max(k, 10) answers.",
    retain_field: "Keep raw answers (months)",
    retain_hint: "Every day the server deletes the raw answers and comments of rounds that closed more than this many months ago; results, trends and charts stay. 0 = off: kept until `spiegel purge`.",
    retain_error: "Enter a number of months from 0 (off) to 1200.",
    release_field: "Results to the manager",
    release_after_advisor: "Once the advisor releases them (after-advisor)",
    release_at_close: "As soon as the round closes (at-close)",
    release_hint: "By default once released, so that you see the results first and can prepare the conversation. Switching from 'at close' to 'once released' records every closed round as released: nothing a manager saw disappears.",
    release_error: "Choose when results reach the manager: once released or at close.",
    save: "Save",
    surveys_title: "Surveys",
    own_surveys: "The organisation's own surveys (spiegel check)",
    no_own_surveys: "No folder of own surveys is set (--surveys or SPIEGEL_SURVEYS when starting the server); only the shipped surveys are available.",
    conversation_files: "Cases for intervisie and the guide to hesitation",
    conversation_files_note: "In use since the server started: the shipped files, or the organisation's own cases.toml and hesitations.toml from the --conversation folder (SPIEGEL_CONVERSATION). spiegel check validates them; a broken file stops the server at start.",
    cases_heading: "Cases",
    hesitations_heading: "Hesitations",
    own_folder: "Folder",
    no_files: "No *.toml files in this folder.",
    version: "version",
    reversed_col: "Reverse-scored",
    audit_title: "Audit log",
    audit_intro: "Every set-up action: what, with which key (its label) and on which day. Never an answer, a link or a key.",
    audit_empty: "Nothing recorded yet.",
    day: "Day",
    who: "Who",
    what: "What",

    training_title: "Learning offers",
    training_intro: "Where managers can learn: a short training, an online module, intervision with other managers or a talk with the advisor. The offers are shown on the manager's team page and the conversation sheet; offers for a dimension come first when the team's focus is that dimension.",
    training_link: "Learning offers for managers",
    no_offers: "No offers yet.",
    offer_title: "Title",
    offer_kind: "Kind",
    offer_url: "Web address",
    offer_url_hint: "Where to read more or sign up: starts with http:// or https://.",
    offer_dimension: "Matches the dimension",
    offer_dimension_hint: "Empty: a general offer, shown with every focus.",
    offer_general: "(general)",
    offer_add: "Add offer",
    offer_remove: "Remove",
    offer_remove_note: "The offer disappears from the team pages and conversation sheets.",

    offer_error: |e| e.to_string(),
    team_name_error: |e| e.to_string(),
    size_error: |e| e.to_string(),
    count_error: |e| e.to_string(),
    k_error: |e| e.to_string(),
    storage_error: en_storage,
    unknown_survey: |id, ids| format!("no survey {id:?}; available: {ids}"),
    bad_date: |typed, example| {
        format!(
            "{typed:?} is not a date like {example} or a number of days or weeks from today like +14d or +2w"
        )
    },
};
