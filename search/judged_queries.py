"""Judged queries over the Troms «Attraktive samfunn» demo content.

Each entry: what a resident might type, graded pages (3 = the answer,
2 = clearly relevant, 1 = mentions it) by public path, and the section the best
page should point into (None when no single section is the answer).
Grades were set by reading the content, before tuning anything.
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
    Judged("Kjetil Helstad", "person", {INFRA: 3}),
    Judged("Helstad", "person", {INFRA: 3}),
    Judged("bredbånd kontakt", "person", {INFRA: 3}),
    Judged("Figenschau", "person", {OMSTILLING: 3}),
    Judged("Kristine Østrem Nordal", "person", {NARING: 3}),
    Judged("Vigdis Nilsen", "person", {OMSTILLING: 3}),
    Judged("avdelingsleder", "person", {NARING: 3}),
    # Navigation: names of pages and sections
    Judged("attraktive samfunn", "navigation", {TOPIC: 3}),
    Judged("infrastruktur", "navigation", {INFRA: 3}),
    Judged("nasjonale satsninger", "navigation", {NASJONALE: 3}),
    Judged("næringsutvikling", "navigation", {NARING: 3, TOPIC: 2}),
    Judged("samfunnsutvikling", "navigation", {TOPIC: 2, OMSTILLING: 2}),
    Judged("bredbånd", "navigation", {INFRA: 3}, BREDBAND),
    Judged("Tromsvekstavtaler", "navigation", {OMSTILLING: 3}, TROMSVEKST),
    Judged("veikart smarte byer", "navigation", {NASJONALE: 3}, VEIKART),
]
