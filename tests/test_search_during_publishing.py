"""A search that meets a page being re-indexed goes on without it, never fails (found by `make soak`).

Re-indexing a page replaces its index entry with a new one. A search reads the
postings, then the entries they point to, in two statements: a publish that
commits in between leaves postings to an entry that is gone.
"""

import pytest
from django.utils import timezone
from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.models import Site

from content_models.models import ThemePage
from search.engine import SiteSearch
from search.models import IndexedPage
from search.ranking import IndexReader

pytestmark = pytest.mark.django_db

INFRA = "/attraktive-samfunn/infrastruktur/"


class PublishedMeanwhile(IndexReader):
    """Reads the index as a search does, with the page published between reading postings and entries."""

    def __init__(self, site, page):
        super().__init__(site, "nb", timezone.now())
        self.page = page
        self.published = False

    def entries(self, entry_ids):
        if not self.published:
            self.published = True
            self.page.save_revision().publish()
        return super().entries(entry_ids)


def test_a_page_published_mid_search_drops_out_of_that_search_only(demo):
    site = Site.objects.get(is_default_site=True)
    page = ThemePage.objects.get(url_path__endswith="/infrastruktur/")
    before = IndexedPage.objects.get(page_id=page.pk).pk
    search = SiteSearch(site)

    ranking = search._rank("spleiselag", PublishedMeanwhile(site, page), autocorrect=True)

    assert IndexedPage.objects.get(page_id=page.pk).pk != before  # the entry really was replaced
    assert [s.entry_id for s in ranking.scored if s.entry_id == before] == []
    assert [hit.url_path.split("#")[0] for hit in search.search("spleiselag").hits] == [INFRA]


def test_a_promoted_page_published_mid_search_is_left_out_too(demo):
    site = Site.objects.get(is_default_site=True)
    page = ThemePage.objects.get(url_path__endswith="/infrastruktur/")
    SearchPromotion.objects.create(query=Query.get("spleiselag"), page=page, sort_order=0)
    assert SiteSearch(site)._promoted("spleiselag", PublishedMeanwhile(site, page), None) == []
