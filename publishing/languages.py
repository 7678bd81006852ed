"""Content languages: which exist, and which one a page or snippet is in."""

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Locale

# Locale id -> language code; locales change about once in a site's life.
_codes: dict[int, str] = {}


def default_language() -> str:
    return settings.LANGUAGE_CODE


def language_of(obj) -> str:
    """The language code of a page or translatable snippet, e.g. "nb"."""
    locale_id = getattr(obj, "locale_id", None)
    if locale_id is None:
        return default_language()
    code = _codes.get(locale_id)
    if code is None:
        code = Locale.objects.filter(pk=locale_id).values_list("language_code", flat=True).first()
        code = _codes[locale_id] = code or default_language()
    return code


@receiver([post_save, post_delete], sender=Locale)
def _forget_codes(**kwargs):
    _codes.clear()
