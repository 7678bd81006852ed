"""The reference site in a real browser: WCAG 2.1 A and AA by axe-core, keyboard use, 320 px and 200 % text.

Every page type, the search page in each of its states, the 404 page and a page with every block type
and rich-text feature are checked in Debian's chromium, with the organisation settings filled in so
the footer shows everything it can.
"""

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Site

from content_models.models import ContactPerson, OrganisationSettings, ThemePage, TopicPage
from search import views as search_views

from .page_checks import axe_violations, focusable, hidden_by_zoom, tab_through, unseen_focus

EVERY_BLOCK = "/attraktive-samfunn/alle-blokker/"
PAGES = {
    "forside": "/",
    "temaside": "/attraktive-samfunn/",
    "tema med kontakter": "/attraktive-samfunn/infrastruktur/",
    "langt tema med innholdsfortegnelse": "/attraktive-samfunn/nasjonale-satsninger-og-programmer/",
    "alle blokktyper": EVERY_BLOCK,
    "søk uten søkeord": "/search/",
    "søk med treff": "/search/?q=bredb%C3%A5nd",
    "søk rettet, «Viser treff for»": "/search/?q=bredb%C3%A5nt",
    "søk uten treff, «Mente du»": "/search/?q=bredb%C3%A5nt&rettet=nei",
    "søk, side 2": "/search/?q=Troms&page=2",
    "søk avgrenset til tema": "/search/?q=Troms&type=ThemePage",
    "søk med feil": "/search/?q=Troms&type=Finnes",
    "404": "/finnes-ikke/",
}


@pytest.fixture
def reference_content(demo, monkeypatch):
    """The Troms content, plus a footer with every setting and a page with every block and rich-text feature."""
    site = Site.objects.get(is_default_site=True)
    OrganisationSettings.objects.filter(site=site).update(
        switchboard_phone="77 78 80 00",
        postal_address="Postboks 6600\n9296 Tromsø",
        email="postmottak@example.no",
        accessibility_statement_url="https://uustatus.no/nb/erklaringer/publisert/eksempel",
    )
    person = ContactPerson.objects.get(name="Kjetil Helstad")
    person.email, person.phone = "kjetil.helstad@example.no", "+47 77 78 80 00"
    person.save_revision().publish()
    image = get_image_model().objects.create(
        title="Fiberkabel", description="Fiberkabel legges i grøft", file=get_test_image_file(size=(1200, 800))
    )
    document = get_document_model().objects.create(
        title="Årsrapport", file=ContentFile(b"%PDF-1.4 rapport", name="arsrapport.pdf")
    )
    theme = ThemePage.objects.get(slug="omstilling")
    rich_text = (
        "<p>Ingress med <b>fet</b> og <i>kursiv</i> tekst, en "
        f'<a linktype="page" id="{theme.pk}">lenke til en side</a>, et '
        f'<a linktype="document" id="{document.pk}">dokument</a> og en '
        '<a href="https://www.regjeringen.no/">ekstern lenke</a>.</p>'
        "<h3>Underoverskrift</h3><ul><li>Punkt én</li><li>Punkt to</li></ul>"
        "<h4>Mindre overskrift</h4><ol><li>Første</li><li>Andre</li></ol>"
    )

    def item(value, key):
        return {"type": "item", "value": value, "id": key}

    links = [
        item({"title": "", "page": theme.pk}, "side"),
        item({"title": "", "document": document.pk}, "dokument"),
        item({"title": "Regjeringen", "url": "https://www.regjeringen.no/"}, "ekstern"),
    ]
    people = [item(pk, f"person-{pk}") for pk in ContactPerson.objects.values_list("pk", flat=True)[:3]]
    body = [
        {"type": "section", "value": {"heading": f"Seksjon {number}", "body": rich_text}, "id": f"seksjon-{number}"}
        for number in ("en", "to", "tre")
    ] + [
        {"type": "related_links", "value": {"heading": "Relevante lenker", "links": links}, "id": "lenker"},
        {
            "type": "contacts",
            "value": {
                "heading": "Ta kontakt med oss",
                "intro": "Har du spørsmål, kan du ta kontakt med:",
                "contacts": people,
            },
            "id": "kontakter",
        },
    ]
    page = ThemePage(
        title="Alle blokker",
        slug="alle-blokker",
        intro="Første avsnitt av ingressen.\n\nAndre avsnitt.",
        image=image,
        search_description="En side med alle blokktyper.",
    )
    page.body = body
    TopicPage.objects.get().add_child(instance=page)
    page.save_revision().publish()
    # Two hits a page, so the demo content is enough to page through.
    monkeypatch.setattr(search_views, "RESULTS_PER_PAGE", 2)


def open_page(browser, width: int = 1280):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="nb-NO")
    return context.new_page()


def visit(page, url: str, path: str):
    response = page.goto(url + path)
    expected = 404 if path == PAGES["404"] else 200
    assert response.status == expected, f"{path}: HTTP {response.status}"


def problems_on_every_page(site, chromium, width: int, check) -> dict[str, list[str]]:
    """`check(page)` on each page of PAGES, in one browser window of this width; its problems by page."""
    browser, _ = chromium
    page = open_page(browser, width)
    found = {}
    for name, path in PAGES.items():
        visit(page, site.url, path)
        found[name] = check(page)
    return found


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 320])
def test_no_wcag_21_aa_violations_on_any_page(test_site, reference_content, chromium, width):
    found = problems_on_every_page(test_site, chromium, width, axe_violations)
    assert found == {name: [] for name in PAGES}


@pytest.mark.browser
def test_every_page_shows_all_it_has(test_site, reference_content, chromium):
    """The pieces each page is made of are there: a failing axe run on a page that lost them proves little."""
    browser, _ = chromium
    page = open_page(browser)
    visit(page, test_site.url, EVERY_BLOCK)
    text = page.locator("body").inner_text()
    for piece in ("Innhold på siden", "Underoverskrift", "Relevante lenker", "Regjeringen", "Årsrapport"):
        assert piece in text
    assert page.locator("main img[alt='Fiberkabel legges i grøft']").count() == 1
    assert page.locator(".kontaktkort").count() == 3
    footer = page.locator("footer").inner_text()
    for piece in ("Troms fylkeskommune", "77 78 80 00", "Tromsø", "postmottak@example.no", "Tilgjengelighetserklæring"):
        assert piece in footer
    visit(page, test_site.url, PAGES["søk, side 2"])
    assert page.locator("mark").count() >= 1
    assert page.get_by_role("navigation", name="Sider med søkeresultater").count() == 1
    visit(page, test_site.url, PAGES["søk rettet, «Viser treff for»"])
    assert "Viser treff for «bredbånd» fordi «bredbånt» ikke ga treff." in page.locator("main").inner_text()
    visit(page, test_site.url, PAGES["søk uten treff, «Mente du»"])
    assert "Mente du bredbånd?" in page.locator("main").inner_text()


@pytest.mark.browser
def test_the_keyboard_reaches_every_link_and_the_search_box_in_order_with_visible_focus(
    test_site, reference_content, chromium
):
    browser, _ = chromium
    page = open_page(browser)
    for name, path in PAGES.items():
        visit(page, test_site.url, path)
        expected = focusable(page)
        assert any(item["name"].startswith("input sok") for item in expected), f"{name}: no search box"
        reached = tab_through(page, len(expected))
        assert [item["name"] for item in reached] == [item["name"] for item in expected], name
        assert unseen_focus(expected, reached) == [], f"{name}: focus not visible"


@pytest.mark.browser
@pytest.mark.parametrize(("width", "text_scale"), [(320, "100%"), (640, "200%"), (1280, "200%")])
def test_nothing_is_cut_off_at_320_px_or_with_text_at_200_percent(
    test_site, reference_content, chromium, width, text_scale
):
    """WCAG 1.4.10 (reflow at 320 CSS px) and 1.4.4 (text at 200 %, on a wide screen and on a 1280 px screen at 200 % zoom)."""
    found = problems_on_every_page(test_site, chromium, width, lambda page: hidden_by_zoom(page, text_scale=text_scale))
    assert found == {name: [] for name in PAGES}


@pytest.mark.browser
def test_the_checks_find_what_they_look_for(chromium):
    """Each check above fails on a page made to fail it, so its silence on the site means something."""
    browser, _ = chromium
    page = open_page(browser, 320)
    page.set_content(
        '<html><body><img src="data:,"><a href="#a"></a><p style="color:#bbb">Grå tekst</p>'
        '<a href="#b" style="outline:none">Lenke uten synlig fokus</a>'
        '<div style="width:200px;height:1.5em;overflow:hidden">Tekst som ikke får plass når den blir større</div>'
        '<p style="width:600px">Bred</p></body></html>'
    )
    found = {line.split(" ", 1)[0] for line in axe_violations(page)}
    assert {"html-has-lang", "document-title", "image-alt", "link-name", "color-contrast"} <= found
    expected = focusable(page)
    reached = tab_through(page, len(expected))
    # The empty link has nothing to show focus on; the other hides its outline.
    assert unseen_focus(expected, reached) == ["a #a ", "a #b Lenke uten synlig fokus"]
    problems = hidden_by_zoom(page)
    assert any(p.startswith("cut off: div") for p in problems)
    assert any(p.startswith("page is 6") for p in problems)
