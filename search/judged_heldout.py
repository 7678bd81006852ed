"""Held-out judged queries: written from the page text before the new engine existed, never tuned on.

`search.judged_queries` is the set the engine is developed against; these 40
are only measured (`manage.py search_relevance` reports them separately), so
their scores say how the engine does on queries nobody tuned it for. Do not
tune against them: when one fails, add a *similar* query to the tuning set
and fix that, and leave this file alone.
"""

from .judged_queries import (
    BIO,
    BREDBAND,
    BYGDEVEKST,
    CONTACT,
    DAGLIGVARE,
    GNIST,
    INFRA,
    KOMPETANSE,
    NARING,
    NASJONALE,
    OMSTILLING,
    OMSTILLINGSPROGRAM,
    REGIONVEKST,
    TOPIC,
    TROMSVEKST,
    VEIKART,
    Judged,
)

HELD_OUT_QUERIES = [
    # Inflected forms
    Judged("dagligvarebutikkene", "inflection", {INFRA: 3}, DAGLIGVARE),
    Judged("bredbåndet", "inflection", {INFRA: 3}, BREDBAND),
    Judged("evalueringen av omstillingsprogrammet", "inflection", {OMSTILLING: 3}, OMSTILLINGSPROGRAM),
    Judged("pilotfylkene", "inflection", {NASJONALE: 3}, REGIONVEKST),
    Judged("kommunene med omstillingsstatus", "inflection", {OMSTILLING: 3}, OMSTILLINGSPROGRAM),
    # Parts of compounds
    Judged("etterutdanning", "compound", {NARING: 3}, KOMPETANSE),
    Judged("utdanningstilbud", "compound", {NARING: 3}, KOMPETANSE),
    Judged("tromsø", "compound", {OMSTILLING: 3}, TROMSVEKST),
    Judged("vitensenter", "compound", {NARING: 3}, KOMPETANSE),
    Judged("budsjettvedtak", "compound", {NASJONALE: 3}, BYGDEVEKST),
    # Nynorsk
    Judged("tilskot til daglegvarebutikkar", "nynorsk", {INFRA: 3}, DAGLIGVARE),
    Judged("omstillingsprogrammet i kommunane", "nynorsk", {OMSTILLING: 3}, OMSTILLINGSPROGRAM),
    Judged("regionvekstavtalane", "nynorsk", {NASJONALE: 3}, REGIONVEKST),
    Judged("korleis søkje om bygdevekstavtale", "nynorsk", {NASJONALE: 3}, BYGDEVEKST),
    # Typing errors
    Judged("omstilingsprogram", "typo", {OMSTILLING: 3}, OMSTILLINGSPROGRAM),
    Judged("kompetanase", "typo", {NARING: 3, TOPIC: 1}, KOMPETANSE),
    Judged("bygdevektsavtale", "typo", {NASJONALE: 3}, BYGDEVEKST),
    Judged("infrastrukur", "typo", {INFRA: 3}),
    # Without æ, ø and å
    Judged("naeringsutvikling", "ascii", {NARING: 3, TOPIC: 2}),
    Judged("kvaenangen", "ascii", {OMSTILLING: 3, NASJONALE: 2}, OMSTILLINGSPROGRAM),
    Judged("tromsoregionen", "ascii", {OMSTILLING: 3}, TROMSVEKST),
    Judged("stotte til dagligvarebutikker", "ascii", {INFRA: 3}, DAGLIGVARE),
    # Questions
    Judged("hvem kan jeg kontakte om bredbånd", "question", {INFRA: 3}, CONTACT),
    Judged("hva er BIO-midler", "question", {NARING: 3}, BIO),
    Judged("hvordan få støtte til lokalbutikk", "question", {INFRA: 3}, DAGLIGVARE),
    Judged("hvilke kommuner har omstillingsstatus", "question", {OMSTILLING: 3}, OMSTILLINGSPROGRAM),
    # People
    Judged("Fredrik Dalsbøe", "person", {INFRA: 3}, CONTACT),
    Judged("Rune Eliassen", "person", {OMSTILLING: 3}, CONTACT),
    Judged("nordal", "person", {NARING: 3}, CONTACT),
    # Acronyms
    Judged("doga veikart", "acronym", {NASJONALE: 3}, VEIKART),
    Judged("KDD bygdevekstavtaler", "acronym", {NASJONALE: 3}, BYGDEVEKST),
    # English
    Judged("broadband", "english", {INFRA: 3}, BREDBAND),
    Judged("grocery store support", "english", {INFRA: 3}, DAGLIGVARE),
    Judged("innovation programme", "english", {NASJONALE: 3}, GNIST),
    # Off-topic: nothing on the site is about these, so nothing should be found
    Judged("parkeringstillatelse", "off-topic", {}),
    Judged("søke om barnehageplass", "off-topic", {}),
    Judged("tannlege", "off-topic", {}),
    Judged("fotballbane", "off-topic", {}),
    Judged("weather forecast", "off-topic", {}),
    Judged("snømåking", "off-topic", {}),
]
