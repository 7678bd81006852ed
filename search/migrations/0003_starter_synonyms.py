"""A starter set of synonyms that editors can change in the admin (Søk > Synonymer).

General Norwegian public-sector vocabulary and the official Sami and Kven names
of municipalities in Troms, not tuned to any particular page.
"""

from django.db import migrations

STARTER = {
    "variant": [
        "bredbånd, breiband",
        "tilskudd, tilskot",
        "kirke, kyrkje",
        "virksomhet, verksemd",
        "tjeneste, teneste",
        "høring, høyring",
        "skole, skule",
        "vei, veg",
        "ønske, ynskje",
    ],
    "acronym": [
        "KDD, Kommunal- og distriktsdepartementet",
        "KMD, Kommunal- og moderniseringsdepartementet",
        "DOGA, Design og arkitektur Norge",
        "BIO, bedriftsintern opplæring",
        "NAV, Arbeids- og velferdsetaten",
        "Nkom, Nasjonal kommunikasjonsmyndighet",
        "SVV, Statens vegvesen",
        "NVE, Norges vassdrags- og energidirektorat",
        "DSB, Direktoratet for samfunnssikkerhet og beredskap",
        "RDA, regionalt differensiert arbeidsgiveravgift",
        "VGS, videregående skole",
        "TRFK, Troms fylkeskommune",
    ],
    "place": [
        "Kåfjord, Gáivuotna, Kaivuono",
        "Kvænangen, Návuotna, Naavuono",
        "Nordreisa, Ráisa, Raisi",
        "Tromsø, Romsa, Tromssa",
        "Balsfjord, Báhccavuotna, Paatsivuono",
        "Storfjord, Omasvuotna, Omasvuono",
        "Lyngen, Ivgu, Yykeä",
        "Karlsøy, Gálsa",
        "Skjervøy, Skiervá",
        "Harstad, Hárstták",
        "Målselv, Málatvuopmi",
        "Lavangen, Loabát",
        "Gratangen, Rivttát",
        "Salangen, Siellát",
        "Tjeldsund, Dielddanuorri",
    ],
}


def add_starter_synonyms(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    for kind, groups in STARTER.items():
        for terms in groups:
            Synonym.objects.get_or_create(terms=terms, defaults={"kind": kind})


def remove_starter_synonyms(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    for groups in STARTER.values():
        Synonym.objects.filter(terms__in=groups).delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0002_norwegian_cms_config")]

    operations = [migrations.RunPython(add_starter_synonyms, remove_starter_synonyms)]
