"""Judged queries over the Troms «Attraktive samfunn» demo content: the set the engine is tuned on.

Each entry: what a resident might type, graded pages (3 = the answer,
2 = clearly relevant, 1 = mentions it) by public path, and the section (or
contact block) the best page should point into (None when no single part of
the page is the answer). Off-topic queries grade nothing: they must find
nothing. Grades were set by reading the content, before tuning anything.

`search.judged_heldout` holds 40 more, written first and never tuned on.
"""

from dataclasses import dataclass, field

TOPIC = "/attraktive-samfunn/"
OMSTILLING = "/attraktive-samfunn/omstilling/"
NARING = "/attraktive-samfunn/naringsutvikling-og-kompetanse/"
INFRA = "/attraktive-samfunn/infrastruktur/"
NASJONALE = "/attraktive-samfunn/nasjonale-satsninger-og-programmer/"

# Section anchors (slugs of the headings).
BREDBAND = "bredband"
DAGLIGVARE = "stotte-til-dagligvarebutikker-i-utkantstrok"
OMSTILLINGSPROGRAM = "omstillingsprogrammet"
TROMSVEKST = "tromsvekstavtaler"
KOMPETANSE = "kompetanse"
BIO = "bio-midler"
REGIONVEKST = "regionvekstavtaler"
BYGDEVEKST = "bygdevekstavtaler"
GNIST = "gnist"
VEIKART = "det-nasjonale-veikartet-for-smarte-og-barekraftige-byer-og-lokalsamfunn"
# The «Ta kontakt med oss» block of a theme page.
CONTACT = "ta-kontakt-med-oss"


@dataclass(frozen=True)
class Judged:
    query: str
    kind: str
    grades: dict[str, int] = field(hash=False)
    section: str | None = None


JUDGED_QUERIES = [
    # Parts of compound words
    Judged("butikk", "compound", {INFRA: 3}, DAGLIGVARE),
    Judged("dagligvarebutikk", "compound", {INFRA: 3}, DAGLIGVARE),
    Judged("lokalbutikk", "compound", {INFRA: 3}, DAGLIGVARE),
    Judged("omstilling", "compound", {OMSTILLING: 3, NARING: 1}, OMSTILLINGSPROGRAM),
    Judged("omstillingsprogram", "compound", {OMSTILLING: 3}, OMSTILLINGSPROGRAM),
    Judged("regionvekstavtale", "compound", {NASJONALE: 3}, REGIONVEKST),
    Judged("bygdevekstavtale", "compound", {NASJONALE: 3}, BYGDEVEKST),
    Judged("tilskuddsordning", "compound", {NASJONALE: 3, INFRA: 2}, BYGDEVEKST),
    Judged("utbygging av bredbånd", "compound", {INFRA: 3}, BREDBAND),
    Judged("videreutdanning", "compound", {NARING: 3}, KOMPETANSE),
    Judged("innovasjonsprogram", "compound", {NASJONALE: 3}, GNIST),
    Judged("pilotfylke", "compound", {NASJONALE: 3}, REGIONVEKST),
    Judged("evaluering", "compound", {OMSTILLING: 3}, OMSTILLINGSPROGRAM),
    Judged("arbeidsplasser", "compound", {OMSTILLING: 3}, OMSTILLINGSPROGRAM),
    Judged("næringsliv", "compound", {NARING: 3, OMSTILLING: 2}),
    Judged("dagligvarestøtte", "compound", {INFRA: 3}, DAGLIGVARE),
    # Nynorsk and bokmål
    Judged("breiband", "nn/nb", {INFRA: 3}, BREDBAND),
    Judged("tilskot", "nn/nb", {INFRA: 3, NASJONALE: 2}),
    Judged("tilskot til breiband", "nn/nb", {INFRA: 3}, BREDBAND),
    Judged("breibandsutbygging", "nn/nb", {INFRA: 3}, BREDBAND),
    Judged("dagligvarebutikkar", "nn/nb", {INFRA: 3}, DAGLIGVARE),
    Judged("regionale utfordringar", "nn/nb", {NASJONALE: 3}, REGIONVEKST),
    Judged("kompetansehevande tiltak", "nn/nb", {NARING: 3}, KOMPETANSE),
    # Acronyms
    Judged("BIO", "acronym", {NARING: 3}, BIO),
    Judged("bedriftsintern opplæring", "acronym", {NARING: 3}, BIO),
    Judged("KDD", "acronym", {NASJONALE: 3}, BYGDEVEKST),
    Judged("DOGA", "acronym", {NASJONALE: 3}),
    Judged("GNIST", "acronym", {NASJONALE: 3}, GNIST),
    Judged("Design og arkitektur Norge", "acronym", {NASJONALE: 3}, GNIST),
    # Municipalities, also by their Sami and Kven names
    Judged("Kåfjord", "municipality", {NASJONALE: 3}, BYGDEVEKST),
    Judged("Gáivuotna", "municipality", {NASJONALE: 3}, BYGDEVEKST),
    Judged("gaivuotna", "municipality", {NASJONALE: 3}, BYGDEVEKST),
    Judged("Kvænangen", "municipality", {OMSTILLING: 3, NASJONALE: 2}, OMSTILLINGSPROGRAM),
    Judged("Návuotna", "municipality", {OMSTILLING: 3, NASJONALE: 2}, OMSTILLINGSPROGRAM),
    Judged("Dyrøy", "municipality", {OMSTILLING: 3}, OMSTILLINGSPROGRAM),
    Judged("Lavangen", "municipality", {OMSTILLING: 3}, OMSTILLINGSPROGRAM),
    Judged("Skjervøy", "municipality", {NASJONALE: 3}, BYGDEVEKST),
    Judged("Ráisa", "municipality", {NASJONALE: 3}, BYGDEVEKST),
    Judged("Midt-Troms", "municipality", {OMSTILLING: 3}, TROMSVEKST),
    # People, by name and by what they answer for
    Judged("Kjetil Helstad", "person", {INFRA: 3}, CONTACT),
    Judged("Helstad", "person", {INFRA: 3}, CONTACT),
    Judged("bredbånd kontakt", "person", {INFRA: 3}, CONTACT),
    Judged("Figenschau", "person", {OMSTILLING: 3}, CONTACT),
    Judged("Kristine Østrem Nordal", "person", {NARING: 3}, CONTACT),
    Judged("Vigdis Nilsen", "person", {OMSTILLING: 3}, CONTACT),
    Judged("avdelingsleder", "person", {NARING: 3}, CONTACT),
    # Navigation: names of pages and sections
    Judged("attraktive samfunn", "navigation", {TOPIC: 3}),
    Judged("infrastruktur", "navigation", {INFRA: 3}),
    Judged("nasjonale satsninger", "navigation", {NASJONALE: 3}),
    Judged("næringsutvikling", "navigation", {NARING: 3, TOPIC: 2}),
    Judged("samfunnsutvikling", "navigation", {TOPIC: 2, OMSTILLING: 2}),
    Judged("bredbånd", "navigation", {INFRA: 3}, BREDBAND),
    Judged("Tromsvekstavtaler", "navigation", {OMSTILLING: 3}, TROMSVEKST),
    Judged("veikart smarte byer", "navigation", {NASJONALE: 3}, VEIKART),
    # Inflected forms
    Judged("dagligvarebutikken", "inflection", {INFRA: 3}, DAGLIGVARE),
    Judged("bredbåndsutbyggingen", "inflection", {INFRA: 3}, BREDBAND),
    Judged("omstillingsprogrammer", "inflection", {OMSTILLING: 3}, OMSTILLINGSPROGRAM),
    Judged("bygdevekstavtalen", "inflection", {NASJONALE: 3}, BYGDEVEKST),
    Judged("tilskuddene", "inflection", {INFRA: 3, NASJONALE: 2}),
    Judged("arbeidsplassene", "inflection", {OMSTILLING: 3}, OMSTILLINGSPROGRAM),
    Judged("lokalsamfunnene", "inflection", {INFRA: 2, TOPIC: 2, NASJONALE: 2}),
    Judged("innovasjonsprogrammet", "inflection", {NASJONALE: 3}, GNIST),
    Judged("investering", "inflection", {INFRA: 3}, BREDBAND),
    Judged("utfordringene", "inflection", {NASJONALE: 3}),
    # More parts of compounds
    Judged("vekstavtaler", "compound", {NASJONALE: 3, OMSTILLING: 2}),
    Judged("Hålogaland", "compound", {OMSTILLING: 3}, TROMSVEKST),
    Judged("utdanning", "compound", {NARING: 3}, KOMPETANSE),
    Judged("kompetanseheving", "compound", {NARING: 3}, KOMPETANSE),
    Judged("studiesenter", "compound", {NARING: 3}, KOMPETANSE),
    Judged("stedsutvikling", "compound", {NASJONALE: 3}, GNIST),
    Judged("samskaping", "compound", {NASJONALE: 3}, VEIKART),
    Judged("kommunikasjonstjenester", "compound", {INFRA: 3}, BREDBAND),
    # More nynorsk
    Judged("breibandet", "nynorsk", {INFRA: 3}, BREDBAND),
    Judged("kommunane", "nynorsk", {OMSTILLING: 2, NASJONALE: 2, INFRA: 2, NARING: 1}),
    Judged("lokalbutikkane", "nynorsk", {INFRA: 3}, DAGLIGVARE),
    Judged("evalueringa av omstillingsprogrammet", "nynorsk", {OMSTILLING: 3}, OMSTILLINGSPROGRAM),
    Judged("kven kan eg kontakte om omstilling", "nynorsk", {OMSTILLING: 3}, CONTACT),
    Judged("kompetansehevande", "nynorsk", {NARING: 3}, KOMPETANSE),
    # Typing errors
    Judged("bredbånt", "typo", {INFRA: 3}, BREDBAND),
    Judged("dagligvarebutik", "typo", {INFRA: 3}, DAGLIGVARE),
    Judged("regionvekstatvale", "typo", {NASJONALE: 3}, REGIONVEKST),
    Judged("evalluering", "typo", {OMSTILLING: 3}, OMSTILLINGSPROGRAM),
    Judged("kompetance", "typo", {NARING: 3}, KOMPETANSE),
    Judged("omstilingsprogrammet", "typo", {OMSTILLING: 3}, OMSTILLINGSPROGRAM),
    Judged("innovasjonsporgram", "typo", {NASJONALE: 3}, GNIST),
    # Typed without æ, ø and å
    Judged("bredband", "ascii", {INFRA: 3}, BREDBAND),
    Judged("dyroy", "ascii", {OMSTILLING: 3}, OMSTILLINGSPROGRAM),
    Judged("naeringsliv", "ascii", {NARING: 3, OMSTILLING: 2}),
    Judged("naringsliv", "ascii", {NARING: 3, OMSTILLING: 2}),
    Judged("kafjord", "ascii", {NASJONALE: 3}, BYGDEVEKST),
    Judged("skjervoy", "ascii", {NASJONALE: 3}, BYGDEVEKST),
    Judged("bredbaand", "ascii", {INFRA: 3}, BREDBAND),
    Judged("utkantstrok", "ascii", {INFRA: 3}, DAGLIGVARE),
    Judged("barekraftige byer", "ascii", {NASJONALE: 3, TOPIC: 2}, VEIKART),
    # Questions
    Judged("hvordan søke tilskudd til bredbånd", "question", {INFRA: 3}, BREDBAND),
    Judged("hva er gnist", "question", {NASJONALE: 3}, GNIST),
    Judged("hvilke kommuner har fått bygdevekstavtaler", "question", {NASJONALE: 3}, BYGDEVEKST),
    Judged("hvem har ansvar for videregående opplæring", "question", {NARING: 3}, KOMPETANSE),
    Judged("kan bedrifter søke om BIO-midler", "question", {NARING: 3}, BIO),
    Judged("hva er et regionvekstavtale", "question", {NASJONALE: 3}, REGIONVEKST),
    Judged("hvem kontakter jeg om dagligvarestøtte", "question", {INFRA: 3}, CONTACT),
    # People and their roles
    Judged("Kristian Figenschau", "person", {OMSTILLING: 3}, CONTACT),
    Judged("Eliassen", "person", {OMSTILLING: 3}, CONTACT),
    Judged("Dalsbøe", "person", {INFRA: 3}, CONTACT),
    Judged("kontakt omstilling", "person", {OMSTILLING: 3}, CONTACT),
    Judged("kontaktperson kompetanse", "person", {NARING: 3}, CONTACT),
    # Acronyms and names of programmes
    Judged("bio midler", "acronym", {NARING: 3}, BIO),
    Judged("Kommunal- og distriktsdepartementet", "acronym", {NASJONALE: 3}, BYGDEVEKST),
    Judged("Campus Nord-Troms", "acronym", {NARING: 3}, KOMPETANSE),
    Judged("Nordnorsk Vitensenter", "acronym", {NARING: 3}, KOMPETANSE),
    # English
    Judged("broadband subsidy", "english", {INFRA: 3}, BREDBAND),
    Judged("grocery stores", "english", {INFRA: 3}, DAGLIGVARE),
    Judged("restructuring programme", "english", {OMSTILLING: 3}, OMSTILLINGSPROGRAM),
    Judged("further education", "english", {NARING: 3}, KOMPETANSE),
    Judged("contact", "english", {INFRA: 2, OMSTILLING: 2, NARING: 2}, CONTACT),
    # Off-topic: nothing on the site is about these
    Judged("byggesøknad", "off-topic", {}),
    Judged("søppeltømming", "off-topic", {}),
    Judged("eiendomsskatt", "off-topic", {}),
    Judged("hvordan søke om pass", "off-topic", {}),
    Judged("parking permit", "off-topic", {}),
    Judged("vannlekkasje", "off-topic", {}),
    Judged("fastlege", "off-topic", {}),
]
