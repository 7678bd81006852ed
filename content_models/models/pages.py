from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from ..blocks import BodyBlock, section_anchors
from ..schema import body_items, page_graphql_fields

INTRO_HELP = "Kort ingress i ren tekst. Tomme linjer skiller avsnitt."


class BasePage(Page):
    """Behaviour every page type on the site shares."""

    class Meta:
        abstract = True

    def intro_paragraphs(self) -> list[str]:
        return [p.strip() for p in getattr(self, "intro", "").split("\n\n") if p.strip()]


class HomePage(BasePage):
    intro = models.TextField("ingress", blank=True, help_text=INTRO_HELP)

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["content_models.TopicPage"]
    max_count_per_parent = 1

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    graphql_fields = page_graphql_fields(body=False)

    class Meta:
        verbose_name = "forside"
        verbose_name_plural = "forsider"


class BodyPage(BasePage):
    """A page with an intro and a body of sections, related links and contacts."""

    intro = models.TextField("ingress", blank=True, help_text=INTRO_HELP)
    body = StreamField(BodyBlock(), blank=True, verbose_name="innhold")

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro", boost=3),
        index.SearchField("section_headings", boost=3),
        index.SearchField("body_text"),
        index.SearchField("contact_text", boost=0.5),
    ]
    graphql_fields = page_graphql_fields(body=True)

    class Meta:
        abstract = True

    def graphql_body(self, info, **kwargs):
        return body_items(self)

    def section_anchors(self) -> dict[str, str]:
        return section_anchors(self.body)

    def section_headings(self) -> str:
        return "\n".join(b.value["heading"] for b in self.body if b.block_type == "section")

    def body_text(self) -> str:
        from wagtail.rich_text import get_text_for_indexing

        parts = []
        for block in self.body:
            if block.block_type == "section":
                parts.append(get_text_for_indexing(block.value["body"].source))
            elif block.block_type == "contacts" and block.value.get("intro"):
                parts.append(block.value["intro"])
        return "\n".join(parts)

    def contact_text(self) -> str:
        people = [
            person
            for block in self.body
            if block.block_type == "contacts"
            for person in block.value["contacts"]
            if person is not None and person.live
        ]
        return "\n".join(f"{p.name} {p.job_title} {p.responsibility}".strip() for p in people)


class TopicPage(BodyPage):
    parent_page_types = ["content_models.HomePage"]
    subpage_types = ["content_models.ThemePage"]

    class Meta:
        verbose_name = "temaside (seksjonsforside)"
        verbose_name_plural = "temasider (seksjonsforsider)"


class ThemePage(BodyPage):
    parent_page_types = ["content_models.TopicPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "tema"
        verbose_name_plural = "temaer"
