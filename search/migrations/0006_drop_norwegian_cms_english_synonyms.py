"""Drop the PostgreSQL text search configuration `norwegian_cms` (no longer used); more starter synonyms.

The English groups cover the site's main public-sector topics, so visitors
writing English find the Norwegian pages. The nynorsk pairs are common
public-sector words whose nynorsk stem differs from the bokmål one (the
inflection patterns are rules, search/analysis/nynorsk.py). Editors change
them all in the admin (Søkesynonymer) like the others.
"""

from django.db import migrations

DICTIONARIES = ("nocms_stop", "nocms_sami", "nocms_nn2nb", "nocms_nb")

NYNORSK = [
    "mulig, mogleg",
    "mulighet, moglegheit",
    "bærekraftig, berekraftig",
    "bærekraft, berekraft",
    "tilbud, tilbod",
    "videre, vidare",
    "videregående, vidaregåande",
    "sammen, saman",
    "egen, eigen",
    "hele, heile",
    "eksempel, døme",
    "fremtid, framtid",
    "utvalg, utval",
    "offentlig, offentleg",
    "bedrift, verksemd",
    "søke, søkje",
    "hjem, heim",
    "uke, veke",
    "komme, kome",
]

ENGLISH = [
    "bredbånd, broadband",
    "tilskudd, grant, grants, subsidy, subsidies, funding",
    "støtte, support",
    "dagligvarebutikk, grocery store, grocery stores, grocery, groceries, shop",
    "omstilling, restructuring",
    "kompetanse, skills, competence",
    "videreutdanning, further education, continuing education",
    "opplæring, training",
    "utdanning, education",
    "næringsutvikling, business development",
    "næringsliv, business, industry",
    "innovasjon, innovation",
    "infrastruktur, infrastructure",
    "kontakt, contact",
    "kommune, municipality, municipalities",
    "fylkeskommune, county council, county authority",
    "fylke, county",
    "samfunnsutvikling, community development, regional development",
    "arbeidsplasser, jobs",
    "bærekraftig, sustainable",
    "smarte byer, smart cities",
    "søknad, application",
    "frist, deadline",
    "kollektivtrafikk, public transport",
    "vei, road",
    "folkehelse, public health",
    "kultur, culture",
]


def drop_config(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS norwegian_cms")
        for name in DICTIONARIES:
            cursor.execute(f"DROP TEXT SEARCH DICTIONARY IF EXISTS {name}")


def add_synonyms(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    for kind, groups in (("variant", NYNORSK), ("english", ENGLISH)):
        for terms in groups:
            Synonym.objects.get_or_create(terms=terms, defaults={"kind": kind})


def remove_synonyms(apps, schema_editor):
    apps.get_model("search", "Synonym").objects.filter(terms__in=NYNORSK + ENGLISH).delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0005_search_index")]

    operations = [
        migrations.RunPython(drop_config, migrations.RunPython.noop),
        migrations.RunPython(add_synonyms, remove_synonyms),
    ]
