from urllib.parse import urlencode

from django.conf import settings
from django.db import models
from django.shortcuts import redirect
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from ..api_fields import page_fields
from ..blocks import BodyBlock, section_anchors
from ..publication import snippet_is_public

INTRO_HELP = "Kort ingress i ren tekst. Tomme linjer skiller avsnitt."


# Search weights. PostgreSQL ranks with four weight classes (A-D) shared by every
# indexed model; Wagtail's images and documents already use 10 and pages 2, so
# these four values map one-to-one: title A, intro and headings B, body C, contacts D.
# A later entry for the same field replaces Page's own (title, boost 2).
TITLE_BOOST = 10
INTRO_BOOST = 5
BODY_BOOST = 2
CONTACT_BOOST = 0.5


class BasePage(Page):
    """Behaviour every page type on the site shares."""

    class Meta:
        abstract = True

    def serve_preview(self, request, mode_name):
        # With a headless frontend configured, the preview opens the frontend
        # with a signed token; otherwise the reference templates render it.
        frontend = settings.API.get("PREVIEW_FRONTEND_URL")
        if frontend and self.pk:
            from ..preview_tokens import create_token

            return redirect(f"{frontend}?{urlencode({'token': create_token(self)})}")
        return super().serve_preview(request, mode_name)

    def intro_paragraphs(self) -> list[str]:
        return [p.strip() for p in getattr(self, "intro", "").split("\n\n") if p.strip()]


class HomePage(BasePage):
    intro = models.TextField("ingress", blank=True, help_text=INTRO_HELP)

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["content_models.TopicPage"]
    max_count_per_parent = 1

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [
        *Page.search_fields,
        index.SearchField("title", boost=TITLE_BOOST),
        index.SearchField("intro", boost=INTRO_BOOST),
    ]
    graphql_fields = page_fields(body=False)

    class Meta:
        verbose_name = "forside"
        verbose_name_plural = "forsider"


class BodyPage(BasePage):
    """A page with an intro and a body of sections, related links and contacts."""

    intro = models.TextField("ingress", blank=True, help_text=INTRO_HELP)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="toppbilde",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Valgfritt. Fyll ut «beskrivelse» på bildet: den blir alternativ tekst for skjermlesere.",
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name="innhold")

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("image"), FieldPanel("body")]
    search_fields = [
        *Page.search_fields,
        index.SearchField("title", boost=TITLE_BOOST),
        index.SearchField("intro", boost=INTRO_BOOST),
        index.SearchField("section_headings", boost=INTRO_BOOST),
        index.AutocompleteField("section_headings"),
        index.SearchField("body_text", boost=BODY_BOOST),
        index.SearchField("contact_text", boost=CONTACT_BOOST),
    ]
    graphql_fields = page_fields(body=True)

    class Meta:
        abstract = True

    def section_anchors(self) -> dict[str, str]:
        # Every section of a response asks; the body does not change within one.
        if getattr(self, "_section_anchors", None) is None:
            self._section_anchors = section_anchors(self.body)
        return self._section_anchors

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
            if snippet_is_public(person)
        ]
        return "\n".join(f"{p.name} {p.job_title} {p.responsibility}".strip() for p in people)


class TopicPage(BodyPage):
    parent_page_types = ["content_models.HomePage"]
    subpage_types = ["content_models.ThemePage"]
    # A topic is a section of the site: the home page lists it unless an editor takes it out of menus.
    show_in_menus_default = True

    class Meta:
        verbose_name = "temaside (seksjonsforside)"
        verbose_name_plural = "temasider (seksjonsforsider)"


class ThemePage(BodyPage):
    parent_page_types = ["content_models.TopicPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "tema"
        verbose_name_plural = "temaer"
