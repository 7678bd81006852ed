"""Template helpers that apply the API's visibility rule to the reference HTML rendering."""

from django import template
from django.utils.safestring import mark_safe

from api.loaders import PublicContent
from publishing.visibility import public_images, snippet_is_public

register = template.Library()


@register.simple_tag(takes_context=True)
def public_richtext(context, value):
    source = getattr(value, "source", value) or ""
    return mark_safe(PublicContent.for_request(context["request"]).rich_text(source))  # noqa: S308


@register.simple_tag(takes_context=True)
def public_links(context, links):
    content = PublicContent.for_request(context["request"])
    raw_links = links.list_block.get_prep_value(links)
    resolved = (content.link(item.get("value", item)) for item in raw_links)
    return [{"title": t, "url": u, "is_external": e} for t, u, e in filter(None, resolved)]


@register.filter
def published(people):
    return [person for person in people if snippet_is_public(person)]


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def public_image(image):
    """The image if the public may see it (not in a restricted collection), else None."""
    if image is None:
        return None
    return image if public_images().filter(pk=image.pk).exists() else None
