"""Template tags of the reference site: pages, navigation and media as the public sees them."""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from publishing.languages import default_language, languages
from publishing.reader import PublicContent
from publishing.records import PageRecord, build_records

register = template.Library()


def _content(context) -> PublicContent:
    return PublicContent.for_request(context["request"])


@register.simple_tag(takes_context=True)
def public_form(context, page):
    """The page's public form: stored for public pages, made now for previews and pages behind a restriction."""
    if page is None or isinstance(page, PageRecord):
        return page
    site = _content(context).site
    return build_records(site, [page.specific])[0] if site is not None else None


@register.simple_tag(takes_context=True)
def public_translations(context, page: PageRecord) -> list[PageRecord]:
    """The page's public translations, for `hreflang` alternates and a language switcher."""
    return _content(context).translations(page)


@register.simple_tag
def page_language(page) -> str:
    """The language a page is in, or for pages that are not content (search) the language of the request."""
    language = getattr(page, "locale", None)
    if isinstance(language, str) and language:
        return language
    active = get_language()
    return active if active in languages() else default_language()


@register.simple_tag(takes_context=True)
def public_ancestors(context, page: PageRecord) -> list[PageRecord]:
    return _content(context).ancestors(page)


@register.simple_tag(takes_context=True)
def public_children(context, page: PageRecord, *, in_menu: bool = False) -> list[PageRecord]:
    children = _content(context).children(page)
    return [child for child in children if child.show_in_menus] if in_menu else children


@register.simple_tag(takes_context=True)
def public_html(context, html: str):
    # Stored rich text is sanitised when it is made (publishing.richtext).
    return mark_safe(_content(context).html(html))  # noqa: S308


@register.simple_tag(takes_context=True)
def public_link_url(context, link: dict) -> str:
    return _content(context).document_url(link["url"]) if link["kind"] == "document" else link["url"]


@register.simple_tag(takes_context=True)
def public_rendition(context, image: dict, filter_spec: str):
    return _content(context).image_rendition(image["id"], filter_spec)


@register.filter
def sections(body: list[dict]) -> list[dict]:
    """The section blocks of a page body, for its table of contents."""
    return [block for block in body or () if block["block_type"] == "section"]


@register.filter
def paragraphs(text: str) -> list[str]:
    """Plain text split into paragraphs at blank lines."""
    return [part.strip() for part in (text or "").split("\n\n") if part.strip()]
