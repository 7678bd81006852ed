"""Content languages: which exist, which one a page or snippet is in, and where to look when it has none.

Bokmål (`LANGUAGE_CODE`) is the default: its pages are at unprefixed URLs.
Every other language in `CONTENT_LANGUAGES` is under its own prefix (`/nn/`,
`/se/`). Where something has no public translation in the language asked
for, `fallbacks` lists the languages to try next (`LANGUAGE_FALLBACKS`, and
the default language last).
"""

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Locale, Page

# Locale id -> language code; locales change about once in a site's life.
_codes: dict[int, str] = {}


def default_language() -> str:
    return settings.LANGUAGE_CODE


def languages() -> list[str]:
    return [code for code, _name in settings.CONTENT_LANGUAGES]


class UnknownLanguage(ValueError):
    """A language code that is not one of the content languages; the message is safe to show."""


def language_named(code: str) -> str:
    """The content language with this code (any letter case), or `UnknownLanguage`."""
    wanted = code.strip().lower()
    if wanted not in languages():
        raise UnknownLanguage(f"Unknown `locale` {code[:20]!r}. Use one of: {', '.join(languages())}.")
    return wanted


def fallbacks(language: str) -> list[str]:
    """The language itself, then the ones to try when something has no translation in it."""
    chain = [language, *settings.LANGUAGE_FALLBACKS.get(language, []), default_language()]
    return list(dict.fromkeys(chain))


def url_prefix(language: str) -> str:
    return "" if language == default_language() else f"/{language}"


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


def site_roots(site) -> list[Page]:
    """The site's home page and its translations: each language's tree starts at one of them."""
    found = getattr(site, "_language_roots", None)
    if found is None:
        root = site.root_page
        translations = Page.objects.filter(translation_key=root.translation_key, depth=root.depth).exclude(pk=root.pk)
        found = site._language_roots = [root, *translations.order_by("path")]
    return found


def ensure_locales(**kwargs):
    """A locale for every content language in the settings: adding a language is a settings change only."""
    for code in languages():
        Locale.objects.get_or_create(language_code=code)


@receiver([post_save, post_delete], sender=Locale)
def _forget_codes(**kwargs):
    _codes.clear()
