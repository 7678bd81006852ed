"""The project's bokmål for the admin: compiled as written, counted by the English check, and used."""

import gettext
from pathlib import Path

from django.conf import settings
from django.utils import translation

from .admin_language import _messages, untranslated

LOCALE = Path(settings.BASE_DIR) / "locale" / "nb" / "LC_MESSAGES"


def test_the_compiled_catalogues_are_the_written_ones():
    # The .mo files are committed (no gettext tools needed to run the site): they must say what the .po says.
    for domain in ("django", "djangojs"):
        po = LOCALE / f"{domain}.po"
        with (LOCALE / f"{domain}.mo").open("rb") as handle:
            compiled = gettext.GNUTranslations(handle)
        written = list(_messages(po))
        assert written, po
        for _context, message, plural in written:
            if plural:
                assert compiled.ngettext(message, plural, 1) != message, message
                assert compiled.ngettext(message, plural, 2) != plural, plural
            else:
                assert message in compiled._catalog, message
        assert len(compiled._catalog) - 1 == sum(2 if plural else 1 for _, _, plural in written)


def test_the_admin_uses_the_projects_translations():
    with translation.override("nb"):
        assert translation.gettext("Toggle sidebar") == "Vis eller skjul sidemenyen"
        assert translation.gettext("Save schedule") == "Lagre tidsplanen"


def test_english_is_found_where_bokmål_is_missing():
    plain, patterns = untranslated()
    # Translated by the project, so no longer English; Wagtail's own bokmål neither.
    assert "Toggle sidebar" not in plain
    assert "Publish" not in plain
    # Not translated anywhere yet: found as shown, placeholders filled in.
    assert "Choose a task" in plain
    assert any(pattern.fullmatch("Changes requested by Rita Redaktør") for pattern in patterns)
    assert not any(pattern.fullmatch("Endringer bedt om av Rita Redaktør") for pattern in patterns)
