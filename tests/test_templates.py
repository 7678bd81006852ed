import re
from html.parser import HTMLParser

import pytest

PAGES = [
    "/",
    "/attraktive-samfunn/",
    "/attraktive-samfunn/omstilling/",
    "/attraktive-samfunn/naringsutvikling-og-kompetanse/",
    "/attraktive-samfunn/infrastruktur/",
    "/attraktive-samfunn/nasjonale-satsninger-og-programmer/",
    "/search/?q=bredb%C3%A5nd",
]


class Outline(HTMLParser):
    def __init__(self):
        super().__init__()
        self.headings: list[int] = []
        self.tags: list[str] = []
        self.ids: list[str] = []
        self.html_lang = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attributes = dict(attrs)
        if tag == "html":
            self.html_lang = attributes.get("lang")
        if attributes.get("id"):
            self.ids.append(attributes["id"])
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_pages_render_accessible_html(client, demo, path):
    response = client.get(path)
    assert response.status_code == 200
    outline = Outline()
    outline.feed(response.content.decode())
    assert outline.html_lang == "nb"
    assert outline.headings.count(1) == 1
    assert outline.headings[0] == 1
    # Headings never skip a level on the way down.
    for previous, current in zip(outline.headings, outline.headings[1:], strict=False):
        assert current <= previous + 1
    for landmark in ("header", "main", "footer"):
        assert landmark in outline.tags
    assert len(outline.ids) == len(set(outline.ids)), "duplicate ids"


@pytest.mark.django_db
def test_theme_page_shows_sections_with_anchors_and_contacts(client, demo):
    html = client.get("/attraktive-samfunn/infrastruktur/").content.decode()
    assert 'id="bredband">Bredbånd</h2>' in html
    assert 'id="stotte-til-dagligvarebutikker-i-utkantstrok"' in html
    assert "Kjetil Helstad" in html
    assert "(bredbånd)" in html
    assert 'aria-label="Brødsmulesti"' in html


def test_page_numbers_leave_out_the_middle():
    from search.views import page_numbers

    assert page_numbers(1, 1) == [1]
    assert page_numbers(2, 4) == [1, 2, 3, 4]
    assert page_numbers(10, 20) == [1, None, 8, 9, 10, 11, 12, None, 20]
    assert page_numbers(20, 20) == [1, None, 18, 19, 20]


@pytest.mark.django_db
def test_search_page_narrows_to_a_page_type_and_names_an_unknown_one(client, demo):
    html = client.get("/search/", {"q": "Troms", "type": "ThemePage"}).content.decode()
    assert 'href="?q=Troms&amp;type=ThemePage" aria-current="true">Tema (' in html
    assert "Temaside (seksjonsforside)" in html  # the other facet stays offered, with its count
    assert 'name="type" value="ThemePage"' in html  # a new search keeps the choice
    response = client.get("/search/", {"q": "Troms", "type": "Finnes"})
    assert response.status_code == 200
    assert "Sidetypen i adressen finnes ikke" in response.content.decode()


@pytest.mark.django_db
def test_a_missing_page_is_a_styled_404(client, demo):
    response = client.get("/finnes-ikke/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Fant ikke siden" in html
    assert "vendor/designsystemet/designsystemet.css" in html
