"""Bad input from clients, editors and operators: each input here once gave a 500, a traceback or a wrong answer.

Every test sends what a client, an editor or an operator could send, through the
real entry point (the Django test client, the admin, `call_command`), and checks
that it is refused or answered clearly, and that nothing public breaks.
"""

import hashlib
import json

import pytest
from django.contrib.auth.models import User

from content_models.models import ThemePage

pytestmark = pytest.mark.django_db


def test_the_sami_search_page_is_served_at_se_search(client, demo):
    """Django takes a URL prefix as a language only if it finds a catalogue for it, and ships none for `se`.

    Sami pages were found anyway (their stored paths start with /se/), but /se/search/, which
    docs/languages.md promises, answered 404.
    """
    response = client.get("/se/search/", {"q": "bredbånd"})
    assert response.status_code == 200
    assert '<html lang="se"' in response.content.decode()
    assert "Bredbånd" in response.content.decode()


def test_a_persisted_query_with_a_lone_surrogate_is_a_clear_400(client, demo):
    """The hash of the text was taken before the text was checked: `str.encode` raised, a 500."""
    digest = "a" * 64
    body = (
        '{"query": "{ pages { title } }\\ud800", "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "%s"}}}'
    )
    response = client.post("/graphql/", body % digest, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == (
        "Text in a query or its variables must be valid Unicode (no lone surrogates)."
    )


@pytest.mark.parametrize("name", ["%00", "x.webp%00.png", "a%00b.max-480x480.format-webp.webp"])
def test_a_media_name_with_nul_is_a_404(client, demo, name):
    """PostgreSQL refuses NUL in a text comparison, so the rendition lookup raised a 500."""
    assert client.get(f"/media/images/{name}").status_code == 404


@pytest.mark.parametrize("ident", ["²", "9" * 40])
def test_a_rich_text_link_with_a_malformed_id_loses_its_link_not_the_publish(client, demo, ident):
    """`str.isdigit` takes «²», which `int` refuses; 40 digits overflow the database's integers.

    Both came from a rich-text link whose id the editor's request names (Draftail's
    entity data), and made publishing the page fail with a 500.
    """
    from .bodies import add_blocks, section

    page = ThemePage.objects.get(slug="infrastruktur")
    html = f'<p><a linktype="page" id="{ident}">Side</a> og <a linktype="document" id="{ident}">dokument</a></p>'
    add_blocks(page, section("Lenker", html))
    served = client.get("/attraktive-samfunn/infrastruktur/").content.decode()
    assert "<p>Side og dokument</p>" in served
    body = client.post(
        "/graphql/",
        json.dumps(
            {"query": '{ page(slug: "infrastruktur") { ... on ThemePage { body { ... on SectionBlock { body } } } } }'}
        ),
        content_type="application/json",
    ).json()["data"]["page"]["body"]
    assert body[-1]["body"] == "<p>Side og dokument</p>"


def test_the_zero_result_export_does_not_hand_spreadsheets_a_formula(client, demo):
    """Anyone can make a search recorded; the report's CSV opened in a spreadsheet would run it (CSV injection)."""
    client.get("/search/", {"q": '=HYPERLINK("http://angriper.example/","Klikk")zzqqxx'})
    client.get("/search/", {"q": "+zzqqxx-sum"})
    admin = User.objects.create_superuser("admin-rb", "admin@example.com", "passord-som-er-langt")
    client.force_login(admin)
    response = client.get("/admin/reports/search-zero-results/", {"export": "csv"})
    assert response.status_code == 200
    rows = b"".join(response.streaming_content).decode().splitlines()[1:]
    cells = [row.lstrip('"') for row in rows]
    assert any("hyperlink" in cell for cell in cells)
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")]


@pytest.mark.parametrize(
    "url",
    [
        "http://[64:ff9b::a00:1]/hook",  # NAT64 of 10.0.0.1
        "http://[64:ff9b:1::808:808]/hook",  # NAT64 for a local network
        "http://[2002:a9fe:a9fe::1]/hook",  # 6to4 of 169.254.169.254
        "http://[::7f00:1]/hook",  # IPv4-compatible 127.0.0.1
        "http://[::ffff:0:7f00:1]/hook",  # IPv4-translated 127.0.0.1
    ],
)
def test_a_webhook_may_not_reach_an_internal_address_through_an_ipv6_form_of_it(client, demo, settings, url):
    """docs/webhooks.md: a URL whose host is a private or loopback address is refused; Python calls these global."""
    from webhooks.models import Endpoint

    settings.WEBHOOKS = {**settings.WEBHOOKS, "ALLOWED_PRIVATE_HOSTS": []}
    client.force_login(User.objects.create_superuser("drift-rb", "drift@example.com", "passord-som-er-langt"))
    form = {"name": "nettsted", "url": url, "secret": "s" * 32, "events": ["page.published"], "enabled": "on"}
    response = client.post("/admin/webhooks/new/", form)
    assert response.status_code == 200
    assert "intern adresse" in response.content.decode()
    assert not Endpoint.objects.exists()


def test_a_public_address_behind_nat64_is_still_allowed(client, demo, settings):
    from webhooks.models import Endpoint

    settings.WEBHOOKS = {**settings.WEBHOOKS, "ALLOWED_PRIVATE_HOSTS": []}
    client.force_login(User.objects.create_superuser("drift-rb", "drift@example.com", "passord-som-er-langt"))
    form = {
        "name": "nettsted",
        "url": "http://[64:ff9b::808:808]/hook",
        "secret": "s" * 32,
        "events": ["page.published"],
    }
    assert client.post("/admin/webhooks/new/", form).status_code == 302
    assert Endpoint.objects.filter(name="nettsted").exists()


def test_register_persisted_queries_reports_unreadable_files_and_registers_nothing_then(demo, tmp_path):
    """A missing or non-UTF-8 file was a traceback, after the files before it had been registered."""
    from django.core.management import CommandError, call_command

    from api.models import PersistedQuery

    good = tmp_path / "navigation.graphql"
    good.write_text("{ pages { title } }", encoding="utf-8")
    latin1 = tmp_path / "latin1.graphql"
    latin1.write_bytes('{ page(slug: "næring") { title } }'.encode("latin-1"))
    for bad, message in ((tmp_path / "missing.graphql", "No such file or directory"), (latin1, "not UTF-8 text")):
        with pytest.raises(CommandError, match=f"{bad.name}: {message}"):
            call_command("register_persisted_queries", str(good), str(bad))
    assert not PersistedQuery.objects.exists()
    call_command("register_persisted_queries", str(good))
    assert PersistedQuery.objects.get().sha256 == hashlib.sha256(b"{ pages { title } }").hexdigest()


@pytest.mark.parametrize("action", ["add", "remove"])
def test_the_webhooks_command_refuses_arguments_that_are_not_utf8_in_one_line(demo, action):
    """A terminal in another encoding hands Python lone surrogates; saving them raised a traceback."""
    from django.core.management import CommandError, call_command

    if action == "add":
        args = ["--name", "nettsted", "--url", "http://8.8.8.8/hook\udcff", "--secret", "s" * 32]
    else:
        args = ["nettsted\udcff"]
    with pytest.raises(CommandError, match="not valid UTF-8 text"):
        call_command("webhooks", action, *args)


def test_page_password_guesses_are_counted_per_restriction_whatever_page_id_the_url_names(client, demo, settings):
    """Wagtail checks the password of the restriction in the URL and uses the page id only to show the form.

    The count was kept per (restriction, page id), so naming another page in the URL gave
    a fresh allowance of guesses: as many as the site has pages.
    """
    from django.core.cache import cache
    from wagtail.models import Page, PageViewRestriction

    settings.LOGIN_THROTTLE = {"ATTEMPTS": 3, "WINDOW_SECONDS": 60}
    cache.clear()
    page = ThemePage.objects.get(slug="omstilling")
    restriction = PageViewRestriction.objects.create(page=page, restriction_type="password", password="riktig")
    other_pages = Page.objects.exclude(pk=page.pk).filter(depth__gt=1).values_list("pk", flat=True)[:4]
    assert len(other_pages) == 4
    answers = [
        client.post(
            f"/_util/authenticate_with_password/{restriction.pk}/{pk}/", {"password": "feil", "return_url": "/"}
        )
        for pk in other_pages
    ]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]


def test_a_synonym_group_is_a_handful_of_words_not_a_pasted_list(client, demo):
    """Each word of a group leads to every other, so the synonym map every search reads grew with the square
    of a group's size: one group of 7,000 words made each search take seconds (and its cache entry hundreds of MB).
    """
    from search.models import Synonym
    from search.synonyms import synonym_map

    admin = User.objects.create_superuser("admin-rb", "admin@example.com", "passord-som-er-langt")
    client.force_login(admin)
    pasted = ", ".join(["bredbånd", *(f"stedsnavn{i}" for i in range(40))])
    response = client.post("/admin/snippets/search/synonym/add/", {"terms": pasted, "kind": "place", "active": "on"})
    assert response.status_code == 200
    assert "En gruppe kan ha høyst 30 ord; denne har 41. Del den opp." in response.content.decode()
    assert not Synonym.objects.filter(terms__startswith="bredbånd, stedsnavn0").exists()

    # A group saved some other way is read only as far as the limit.
    Synonym.objects.create(terms=pasted, kind="place")
    assert len(synonym_map().get("bredbånd")) <= Synonym.MAX_TERMS + 6


@pytest.mark.parametrize("host", ["www.tromsfylke.no.feil", "\udcff"])
def test_search_index_for_an_unknown_site_is_an_error_not_a_rebuild_of_every_site(demo, host):
    """An empty list of sites means «every site» to the rebuild, so a mistyped host name rebuilt them all."""
    from django.core.management import CommandError, call_command

    from search.models import IndexedPage

    before = IndexedPage.objects.count()
    with pytest.raises(CommandError, match="no site has the host name"):
        call_command("search_index", "--site", host)
    assert IndexedPage.objects.count() == before


def test_searches_that_found_nothing_are_forgotten_once_nobody_has_made_them_for_a_while(client, demo, settings):
    """Each distinct search that finds nothing is a row; Wagtail's own statistics are pruned, these never were."""
    from datetime import timedelta

    from django.utils import timezone

    from search import upkeep
    from search.models import ZeroResultQuery

    settings.WAGTAILSEARCH_HITS_MAX_AGE = 7
    for number in range(3):
        client.get("/search/", {"q": f"qzxwv{number}"})
    assert ZeroResultQuery.objects.filter(query_string__startswith="qzxwv").count() == 3
    ZeroResultQuery.objects.filter(query_string__in=["qzxwv0", "qzxwv1"]).update(
        last_searched_at=timezone.now() - timedelta(days=8)
    )
    client.get("/search/", {"q": "qzxwv1"})  # still being searched for: kept
    upkeep.run()
    assert sorted(
        ZeroResultQuery.objects.filter(query_string__startswith="qzxwv").values_list("query_string", flat=True)
    ) == [
        "qzxwv1",
        "qzxwv2",
    ]


@pytest.mark.parametrize("phone", ["ring sentralbordet", "+47 77 78 80 00 / 926 12 345", "javascript:alert(1)", "12"])
def test_a_phone_number_that_dials_nothing_is_refused_in_the_admin(client, demo, phone):
    """The site and the API make a `tel:` link of it; free text made one that dials nothing, silently."""
    from content_models.models import ContactPerson

    client.force_login(User.objects.create_superuser("admin-rb", "admin@example.com", "passord-som-er-langt"))
    form = {"name": "Ola Nordmann", "job_title": "", "responsibility": "bredbånd", "email": "", "phone": phone}
    response = client.post("/admin/snippets/content_models/contactperson/add/", form)
    assert response.status_code == 200
    assert "Skriv ett telefonnummer med sifre" in response.content.decode()
    assert not ContactPerson.objects.filter(name="Ola Nordmann").exists()
    form["phone"] = "+47 77 78 80 00"
    assert client.post("/admin/snippets/content_models/contactperson/add/", form).status_code == 302


@pytest.mark.parametrize("content_type", ["multipart/form-data", "multipart/form-data; boundary="])
def test_a_multipart_body_without_a_boundary_gets_a_json_error(client, demo, content_type):
    """Django's own answer was its HTML «Bad Request» page, which no GraphQL client can read."""
    response = client.generic("POST", "/graphql/", b"query=%7B__typename%7D", content_type=content_type)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["errors"][0]["message"].startswith("The multipart body cannot be read")


@pytest.mark.parametrize(
    "url",
    [
        "/admin/bulk/wagtailcore/page/delete/?id=%00",
        "/admin/snippets/content_models/contactperson/?locale=%00",
        "/admin/choose-page/?locale=%00",
    ],
)
def test_a_nul_in_an_admin_address_is_a_clear_400(client, demo, url):
    # PostgreSQL refuses text with NUL in it; Wagtail's admin passes these parameters to it unchecked.
    client.force_login(User.objects.create_superuser("redaktor-nul", "redaktor-nul@example.org", "x"))
    response = client.get(url)
    assert response.status_code == 400
    assert "ugyldig tegn" in response.content.decode()
