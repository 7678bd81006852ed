"""StreamField blocks for topic and theme pages.

Block names (`section`, `related_links`, `contacts`) are part of the API
contract: frontends switch on them, so renaming one is a breaking change.
"""

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from .text import norwegian_slugify

# Rich text in sections is kept to structure and links: no embeds or images,
# so every piece of body HTML a frontend receives is predictable and safe.
SECTION_RICH_TEXT_FEATURES = ["h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link"]


class SectionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(
        label="Overskrift",
        max_length=200,
        help_text="Overskriften på seksjonen, f.eks. «Bredbånd». Vises i innholdsfortegnelse og søk.",
    )
    body = blocks.RichTextBlock(
        label="Tekst",
        features=SECTION_RICH_TEXT_FEATURES,
        help_text="Brødtekst. Lenker til sider som ikke er publisert, fjernes automatisk i visningen.",
    )

    class Meta:
        label = "Seksjon"
        icon = "doc-full"
        template = "blocks/section.html"


class LinkBlock(blocks.StructBlock):
    title = blocks.CharBlock(
        label="Lenketekst",
        max_length=200,
        required=False,
        help_text="Teksten som vises. Står den tom, brukes tittelen på siden eller dokumentet.",
    )
    page = blocks.PageChooserBlock(label="Intern side", required=False)
    document = DocumentChooserBlock(label="Dokument", required=False)
    url = blocks.URLBlock(label="Ekstern adresse", required=False)

    TARGETS = ("page", "document", "url")

    class Meta:
        label = "Lenke"
        icon = "link"

    def clean(self, value):
        value = super().clean(value)
        chosen = [name for name in self.TARGETS if value.get(name)]
        if len(chosen) != 1:
            message = "Velg nøyaktig én av: intern side, dokument eller ekstern adresse."
            raise blocks.StructBlockValidationError(
                block_errors={name: ErrorList([ValidationError(message)]) for name in self.TARGETS}
            )
        if value.get("url") and not value.get("title"):
            raise blocks.StructBlockValidationError(
                block_errors={"title": ErrorList([ValidationError("Eksterne lenker må ha en lenketekst.")])}
            )
        return value


class RelatedLinksBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label="Overskrift", max_length=200, default="Relevante lenker")
    links = blocks.ListBlock(LinkBlock(), label="Lenker", default=[])

    class Meta:
        label = "Relevante lenker"
        icon = "list-ul"
        template = "blocks/related_links.html"


class ContactBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label="Overskrift", max_length=200, default="Ta kontakt med oss")
    intro = blocks.TextBlock(
        label="Innledning",
        required=False,
        help_text="Kort innledning, f.eks. «Har du korte spørsmål kan du ta kontakt med:».",
    )
    contacts = blocks.ListBlock(
        SnippetChooserBlock("content_models.ContactPerson"),
        label="Kontaktpersoner",
        help_text="Velg personer fra kontaktregisteret, i den rekkefølgen de skal vises.",
    )

    class Meta:
        label = "Ta kontakt med oss"
        icon = "group"
        template = "blocks/contacts.html"


class BodyBlock(blocks.StreamBlock):
    section = SectionBlock()
    related_links = RelatedLinksBlock()
    contacts = ContactBlock()


ANCHORED_BLOCKS = ("section", "contacts")


def section_anchors(stream_value) -> dict[str, str]:
    """Map each section and contact block id to a heading slug that is unique on the page.

    Anchors derive from headings in page order, so they survive re-saves and
    only change when an editor renames or reorders headings. Sections are
    named first, so adding a contact block never renames a section; a contact
    block's anchor (`ta-kontakt-med-oss`) lets a search hit point at it.
    """
    anchors: dict[str, str] = {}
    used: set[str] = set()
    for block_type in ANCHORED_BLOCKS:
        for child in stream_value.raw_data:
            if child.get("type") != block_type:
                continue
            fallback = "seksjon" if block_type == "section" else "kontakt"
            base = norwegian_slugify((child.get("value") or {}).get("heading", "")) or fallback
            anchor, counter = base, 2
            while anchor in used:
                anchor, counter = f"{base}-{counter}", counter + 1
            used.add(anchor)
            anchors[child.get("id")] = anchor
    return anchors
