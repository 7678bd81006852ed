"""Bokmål, nynorsk and North Sami: translations made in the admin, served by path and by language, with fallback.

The demo content is bokmål only; each test translates what it needs, the way
an editor does: wagtail-localize's «Translate» action in the admin, then the
translation edited and published on its own.
"""

import json

import pytest
from django.contrib.auth.models import Group, User
from wagtail.models import Locale, Page, PageViewRestriction

from content_models.models import ContactPerson, ThemePage
from publishing import store
from publishing.languages import fallbacks
from publishing.models import PublicPage

from .bodies import add_block, contacts, link_to, section

pytestmark = pytest.mark.django_db

INFRA_NB = "/attraktive-samfunn/infrastruktur/"
INFRA_NN = "/nn/attraktive-samfunn/infrastruktur/"
PAGE = """query($path: String, $id: ID, $locale: String) {
  page(urlPath: $path, id: $id, locale: $locale) {
    title locale isFallback urlPath
    translations { locale title url urlPath }
    breadcrumbs { title urlPath }
    parent { title urlPath locale }
    ... on ThemePage { body { ... on ContactBlock { contacts { name responsibility } } } }
  }
}"""


@pytest.fixture
def editor(client, demo):
    user = User.objects.create_user("redaktor", password="passord-som-er-langt")
    user.groups.add(Group.objects.get(name="Moderators"))
    client.force_login(user)
    return user


def translate_in_admin(client, obj, language: str):
    """wagtail-localize's «Translate» action, as an editor submits it in the admin."""
    locale = Locale.objects.get(language_code=language)
    if isinstance(obj, Page):
        url = f"/admin/localize/submit/page/{obj.pk}/"
    else:
        url = f"/admin/localize/submit/snippet/content_models/contactperson/{obj.pk}/"
    response = client.post(url, {"locales": [locale.pk]})
    assert response.status_code == 302, response.content[:500]
    return obj.get_translation(locale)


def nynorsk_infrastructure(client) -> ThemePage:
    """Infrastruktur translated to nynorsk (with its parents, as wagtail-localize does) and published."""
    nb = ThemePage.objects.get(slug="infrastruktur", locale__language_code="nb")
    nn = translate_in_admin(client, nb, "nn").specific
    nn.title = "Infrastruktur på nynorsk"
    nn.intro = "Breiband og daglegvarebutikkar i heile fylket."
    nn.save_revision().publish()
    # Its parents were made as aliases of the bokmål pages: live copies until someone translates them.
    assert all(ancestor.live for ancestor in nn.get_ancestors().filter(depth__gt=1))
    return ThemePage.objects.get(pk=nn.pk)


def post(client, query, variables):
    client.logout()  # the API is anonymous
    response = client.post("/graphql/", json.dumps({"query": query, "variables": variables}), "application/json")
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def test_languages_and_fallbacks_come_from_settings(settings):
    assert [code for code, _ in settings.CONTENT_LANGUAGES] == ["nb", "nn", "se"]
    assert fallbacks("nn") == ["nn", "nb"]
    assert fallbacks("se") == ["se", "nb"]
    assert set(Locale.objects.values_list("language_code", flat=True)) >= {"nb", "nn", "se"}


def test_a_nynorsk_translation_is_served_at_its_own_path_in_nynorsk(client, editor):
    nn = nynorsk_infrastructure(client)
    response = client.get(INFRA_NN)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="nn">' in html
    assert "Infrastruktur på nynorsk" in html
    assert f'<link rel="alternate" hreflang="nb" href="{INFRA_NB}">' in html
    # The bokmål page links to its translation too.
    assert f'hreflang="nn" href="{INFRA_NN}"' in client.get(INFRA_NB).content.decode()
    assert PublicPage.objects.get(page_id=nn.pk).url_path == INFRA_NN


def test_graphql_finds_the_translation_by_path_and_by_language(client, editor):
    nn = nynorsk_infrastructure(client)
    by_path = post(client, PAGE, {"path": INFRA_NN})["page"]
    assert (by_path["title"], by_path["locale"], by_path["isFallback"]) == ("Infrastruktur på nynorsk", "nn", False)
    assert [c["urlPath"] for c in by_path["breadcrumbs"]] == ["/nn/", "/nn/attraktive-samfunn/"]
    assert by_path["translations"] == [
        {"locale": "nb", "title": "Infrastruktur", "url": "http://localhost" + INFRA_NB, "urlPath": INFRA_NB}
    ]
    by_language = post(client, PAGE, {"path": INFRA_NB, "locale": "nn"})["page"]
    assert by_language["title"] == "Infrastruktur på nynorsk"
    assert by_language["urlPath"] == INFRA_NN
    assert post(client, PAGE, {"id": str(nn.pk)})["page"]["locale"] == "nn"


def test_a_language_without_a_translation_falls_back_and_says_so(client, editor):
    nynorsk_infrastructure(client)
    sami = post(client, PAGE, {"path": INFRA_NB, "locale": "se"})["page"]
    assert (sami["title"], sami["locale"], sami["isFallback"]) == ("Infrastruktur", "nb", True)
    # Bokmål pages asked for in nynorsk: the translated parent is shown in nynorsk.
    omstilling = post(client, PAGE, {"path": "/attraktive-samfunn/omstilling/", "locale": "nn"})["page"]
    assert omstilling["isFallback"] is True
    assert omstilling["parent"]["locale"] == "nn"
    assert omstilling["breadcrumbs"][-1]["urlPath"] == "/nn/attraktive-samfunn/"


def test_an_unknown_language_is_a_clear_error(client, demo):
    client.logout()
    response = client.post(
        "/graphql/", json.dumps({"query": '{ pages(locale: "xx") { title } }'}), "application/json"
    ).json()
    assert response["errors"][0]["message"] == "Unknown `locale` 'xx'. Use one of: nb, nn, se."


def test_lists_stay_in_the_language_asked_for(client, editor):
    nynorsk_infrastructure(client)
    query = 'query($l: String) { pages(contentType: "ThemePage", locale: $l) { title locale isFallback } }'
    nynorsk = post(client, query, {"l": "nn"})["pages"]
    assert [(p["title"], p["locale"], p["isFallback"]) for p in nynorsk] == [
        ("Omstilling", "nb", True),
        ("Næringsutvikling og kompetanse", "nb", True),
        ("Infrastruktur på nynorsk", "nn", False),
        ("Nasjonale satsninger og programmer", "nb", True),
    ]
    # Without a language: the default language only.
    assert "Infrastruktur på nynorsk" not in json.dumps(post(client, query, {"l": None}))
    children = post(client, '{ page(urlPath: "/nn/attraktive-samfunn/") { children { title locale } } }', {})
    assert {"title": "Infrastruktur på nynorsk", "locale": "nn"} in children["page"]["children"]


def test_contact_people_are_translated_apart_and_shown_in_the_pages_language(client, editor):
    nynorsk_infrastructure(client)
    # Translating the page made nynorsk translations of the people it shows; the editor fixes one.
    person = ContactPerson.objects.get(name="Kjetil Helstad", locale__language_code="nb")
    nn_person = person.get_translation(Locale.objects.get(language_code="nn"))
    nn_person.responsibility = "breiband"
    nn_person.save_revision().publish()
    page = post(client, PAGE, {"path": INFRA_NN})["page"]
    people = [c for block in page["body"] if block for c in block.get("contacts", [])]
    assert {"name": "Kjetil Helstad", "responsibility": "breiband"} in people
    assert {"name": "Fredrik Dalsbøe", "responsibility": "dagligvarestøtte"} in people
    listed = post(client, '{ contactPeople(locale: "nn") { name responsibility } }', {})["contactPeople"]
    assert {"name": "Kjetil Helstad", "responsibility": "breiband"} in listed
    # Everyone once: in nynorsk where translated, in bokmål where not.
    assert len(listed) == 6
    # A person with no nynorsk translation is shown in bokmål on a nynorsk page.
    untranslated = ContactPerson.objects.get(name="Rune Eliassen")
    add_contact = ThemePage.objects.get(slug="infrastruktur", locale__language_code="nn")
    add_block(add_contact, *contacts("Fleire", untranslated))
    page = post(client, PAGE, {"path": INFRA_NN})["page"]
    people = [c for block in page["body"] if block for c in block.get("contacts", [])]
    assert {"name": "Rune Eliassen", "responsibility": "samfunnsutvikling"} in people
    html = client.get(INFRA_NN).content.decode()
    # The one card shown in bokmål on the nynorsk page says so.
    assert 'lang="nb"' in html.split("Rune Eliassen")[0].rsplit("<li", 1)[1]
    bokmal = post(client, "{ contactPeople { responsibility } }", {})["contactPeople"]
    assert {"responsibility": "bredbånd"} in bokmal
    assert {"responsibility": "breiband"} not in bokmal


def test_search_in_nynorsk_finds_the_translation_and_falls_back_for_the_rest(client, editor):
    nynorsk_infrastructure(client)
    query = """query($q: String!, $l: String) {
      siteSearch(query: $q, locale: $l) { results { title urlPath locale isFallback } }
    }"""
    hits = post(client, query, {"q": "daglegvarebutikkar", "l": "nn"})["siteSearch"]["results"]
    assert hits[0]["title"] == "Infrastruktur på nynorsk"
    assert (hits[0]["locale"], hits[0]["isFallback"]) == ("nn", False)
    # Only in bokmål: found in nynorsk as a fallback.
    hits = post(client, query, {"q": "omstillingsprogrammet", "l": "nn"})["siteSearch"]["results"]
    assert hits[0]["title"] == "Omstilling"
    assert (hits[0]["locale"], hits[0]["isFallback"]) == ("nb", True)
    # The bokmål search does not list the nynorsk page.
    hits = post(client, query, {"q": "infrastruktur", "l": "nb"})["siteSearch"]["results"]
    assert "Infrastruktur på nynorsk" not in [hit["title"] for hit in hits]


def test_an_unpublished_sami_draft_shows_nowhere(client, editor):
    nynorsk_infrastructure(client)
    nb = ThemePage.objects.get(slug="infrastruktur", locale__language_code="nb")
    sami = translate_in_admin(client, nb, "se").specific
    sami.title = "Sámegillii luonnos"
    sami.save_revision()  # a draft only
    assert not Page.objects.get(pk=sami.pk).live
    path_se = "/se/attraktive-samfunn/infrastruktur/"
    assert client.get(path_se).status_code == 404
    everything = json.dumps(
        [
            post(client, PAGE, {"path": INFRA_NB, "locale": "se"}),
            post(client, PAGE, {"path": path_se}),
            post(client, '{ pages(locale: "se", limit: 100) { title translations { title } } }', {}),
            post(client, '{ siteSearch(query: "luonnos", locale: "se") { totalCount } }', {}),
        ],
        ensure_ascii=False,
    )
    assert "Sámegillii" not in everything
    assert "luonnos" not in everything.replace('"luonnos"', "")
    assert path_se not in client.get("/sitemap.xml").content.decode()


def test_a_translation_of_a_restricted_page_is_restricted_too(client, editor):
    nn = nynorsk_infrastructure(client)
    nb = ThemePage.objects.get(slug="infrastruktur", locale__language_code="nb")
    PageViewRestriction.objects.create(page=nb, restriction_type=PageViewRestriction.PASSWORD, password="hemmelig")
    assert post(client, PAGE, {"path": INFRA_NN})["page"] is None
    assert post(client, PAGE, {"path": INFRA_NB, "locale": "nn"})["page"] is None
    response = client.get(INFRA_NN)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="password"' in html
    assert "Infrastruktur på nynorsk" not in html
    sitemap = client.get("/sitemap.xml").content.decode()
    assert INFRA_NN not in sitemap
    assert INFRA_NB not in sitemap
    assert store.check(nn.get_site()) == []


def test_links_go_to_the_translation_in_the_pages_language(client, editor, django_capture_on_commit_callbacks):
    nn_infra = nynorsk_infrastructure(client)
    omstilling = ThemePage.objects.get(slug="omstilling", locale__language_code="nb")
    nn_omstilling = translate_in_admin(client, omstilling, "nn").specific
    nb_infra = ThemePage.objects.get(slug="infrastruktur", locale__language_code="nb")
    add_block(nn_omstilling, *section("Sjå òg", link_to(nb_infra, "Infrastruktur")))
    stored = json.dumps(PublicPage.objects.get(page_id=nn_omstilling.pk).data)
    assert f'href=\\"{INFRA_NN}\\"' in stored
    with django_capture_on_commit_callbacks(execute=True):  # the worker makes the linking page again
        nn_infra.unpublish()
    # The nynorsk target is gone: the link falls back to the bokmål page.
    stored = json.dumps(PublicPage.objects.get(page_id=nn_omstilling.pk).data)
    assert f'href=\\"{INFRA_NB}\\"' in stored


def test_editors_see_which_pages_lack_a_translation(client, editor):
    nynorsk_infrastructure(client)
    page = client.get("/admin/reports/missing-translations/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Sider som mangler oversettelse" in html
    rows = html.split("<tbody>")[1]
    assert "Omstilling</a></td>\n            <td>nn, se</td>" in rows
    assert "Infrastruktur</a></td>\n            <td>se</td>" in rows


def test_the_search_page_searches_the_language_of_its_url(client, editor):
    nynorsk_infrastructure(client)
    client.logout()
    nynorsk = client.get("/nn/search/", {"q": "daglegvarebutikkar"}).content.decode()
    assert '<html lang="nn">' in nynorsk
    assert INFRA_NN in nynorsk
    bokmal = client.get("/search/", {"q": "dagligvarebutikker"}).content.decode()
    assert INFRA_NB in bokmal
    assert INFRA_NN not in bokmal


def test_sitemap_lists_each_language_and_names_the_translations(client, editor):
    nynorsk_infrastructure(client)
    client.logout()
    sitemap = client.get("/sitemap.xml").content.decode()
    nb, nn = f"http://localhost{INFRA_NB}", f"http://localhost{INFRA_NN}"
    assert f"<loc>{nb}</loc>" in sitemap
    assert f"<loc>{nn}</loc>" in sitemap
    alternates = [
        f'<xhtml:link rel="alternate" hreflang="nb" href="{nb}"/>',
        f'<xhtml:link rel="alternate" hreflang="x-default" href="{nb}"/>',
        f'<xhtml:link rel="alternate" hreflang="nn" href="{nn}"/>',
    ]
    # Under both addresses, each naming both.
    for alternate in alternates:
        assert sitemap.count(alternate) == 2
    # A page with no translation names none.
    omstilling = sitemap.split("<loc>http://localhost/attraktive-samfunn/omstilling/</loc>")[1].split("</url>")[0]
    assert "xhtml:link" not in omstilling
