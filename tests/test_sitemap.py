"""sitemap.xml and robots.txt list exactly the public pages, in every language, from the public reader.

What hidden pages never show in the sitemap is part of the leak matrix
(`tests/test_leak_matrix.py`, on both read paths); translations are in
`tests/test_languages.py`.
"""

import xml.etree.ElementTree as ET
from datetime import datetime

import pytest
from django.utils import timezone
from wagtail.models import Site

from publishing.visibility import public_pages, public_path
from web import sitemaps

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}


@pytest.fixture
def site(demo):
    return Site.objects.get(is_default_site=True)


def parsed(client, url="/sitemap.xml", **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    # Our own answer, not untrusted input.
    return ET.fromstring(response.content)  # noqa: S314


def locations(root) -> list[str]:
    return [loc.text for loc in root.findall("sm:url/sm:loc", NS)]


@pytest.mark.parametrize("read", ["stored", "made-on-the-spot"])
def test_every_public_page_once_in_tree_order_with_its_last_publication(client, demo, read, request, site):
    if read == "stored":
        request.getfixturevalue("shared_caching")
    root = parsed(client)
    expected = [f"http://localhost{public_path(page, site)}" for page in public_pages(site).order_by("path")]
    assert locations(root) == expected
    assert "http://localhost/attraktive-samfunn/infrastruktur/" in expected
    lastmods = root.findall("sm:url/sm:lastmod", NS)
    assert len(lastmods) == len(expected)
    assert all(datetime.fromisoformat(lastmod.text) <= timezone.now() for lastmod in lastmods)


def test_a_site_larger_than_one_file_gets_an_index(client, demo, monkeypatch, site):
    monkeypatch.setattr(sitemaps, "URLS_PER_FILE", 2)
    count = public_pages(site).count()
    files = -(-count // 2)
    index = parsed(client)
    assert index.tag == f"{{{NS['sm']}}}sitemapindex"
    assert [loc.text for loc in index.findall("sm:sitemap/sm:loc", NS)] == [
        f"http://localhost/sitemap.xml?p={n}" for n in range(1, files + 1)
    ]
    listed = [url for n in range(1, files + 1) for url in locations(parsed(client, f"/sitemap.xml?p={n}"))]
    assert len(listed) == count == len(set(listed))


@pytest.mark.parametrize("p", ["0", "99", "-1", "x", "1.5", "\u0661"])
def test_a_file_number_that_does_not_exist_is_a_404(client, demo, p):
    assert client.get("/sitemap.xml", {"p": p}).status_code == 404


def test_only_get_and_head(client, demo):
    assert client.head("/sitemap.xml").status_code == 200
    assert client.post("/sitemap.xml").status_code == 405


def test_robots_txt_points_at_the_sitemap_and_keeps_crawlers_out_of_the_admin(client, demo):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://localhost/sitemap.xml" in lines


def test_a_host_no_site_answers_for_lists_nothing(client, demo, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "ukjent.example"]
    Site.objects.update(is_default_site=False)
    assert locations(parsed(client, HTTP_HOST="ukjent.example")) == []
