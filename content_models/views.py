"""Admin views for content that the Wagtail admin does not have out of the box."""

from django.conf import settings
from django.shortcuts import render
from wagtail.models import Page


def missing_translations(request):
    """Published pages in the default language, with the languages they have no translation in yet.

    An alias (what wagtail-localize makes of a page's parents when a child is
    translated) is a copy of the original, not a translation: it counts as missing.
    """
    default = settings.LANGUAGE_CODE
    others = [code for code, _name in settings.CONTENT_LANGUAGES if code != default]
    translated = set(
        Page.objects.filter(locale__language_code__in=others, alias_of__isnull=True).values_list(
            "translation_key", "locale__language_code"
        )
    )
    pages = Page.objects.live().filter(locale__language_code=default, depth__gt=1).order_by("path")
    rows = []
    for page in pages:
        missing = [language for language in others if (page.translation_key, language) not in translated]
        if missing:
            rows.append({"page": page, "missing": missing, "indent": page.depth - 2})
    return render(
        request,
        "content_models/admin/missing_translations.html",
        {"rows": rows, "languages": others, "page_title": "Sider som mangler oversettelse"},
    )
