"""English left in the Wagtail admin: text shown to an editor that is one of Wagtail's or Django's English
messages with no Norwegian translation, counting the project's own catalogue (locale/).

The messages come from the English catalogues the packages ship (`locale/en/LC_MESSAGES/*.po`, every
message they have), and whether each is translated is asked of Django's own translation machinery with
bokmål active, so a translation added in locale/ counts at once.
"""

import re
from functools import cache
from pathlib import Path

import django
import wagtail
from django.utils.translation import trans_real

PACKAGES = (Path(wagtail.__file__).parent, Path(django.__file__).parent / "contrib" / "admin")
PLACEHOLDER = re.compile(r"%\([^)]+\)[sd]|%[sd]|\{[^}]*\}")
STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
TAG = re.compile(r"<[^>]+>")


def _messages(po: Path):
    """(msgid, msgid_plural) pairs of one .po file; enough of the format for the catalogues packages ship."""
    entry, key = {}, None
    for line in [*po.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith(("msgid ", "msgid_plural ", "msgctxt ")):
            key = line.split(" ", 1)[0]
            entry[key] = ""
        elif line.startswith("msgstr"):
            key = None
        if key and (found := STRING.search(line)):
            entry[key] += found.group(1).encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
        if not line.strip() and entry:
            if entry.get("msgid"):
                yield entry.get("msgctxt"), entry["msgid"], entry.get("msgid_plural")
            entry, key = {}, None


def _translated(domain: str, context, message: str, plural) -> bool:
    """Whether bokmål has the message, from Wagtail's catalogue or the project's (a translation may equal the English)."""
    catalogue = trans_real.DjangoTranslation("nb", domain=domain)._catalog
    key = f"{context}\x04{message}" if context else message
    return (key, 0) in catalogue if plural else key in catalogue


# msgid -> (domain, context, plural) of every untranslated message, for writing translations.
SOURCES: dict[str, tuple] = {}


@cache
def untranslated() -> tuple[frozenset[str], tuple[re.Pattern, ...]]:
    """English messages without a bokmål translation: plain ones, and patterns for those with placeholders."""
    plain, patterns = set(), []
    found_in = SOURCES
    for package in PACKAGES:
        for po in package.glob("**/locale/en/LC_MESSAGES/*.po"):
            domain = po.stem
            for context, message, plural in _messages(po):
                if len(message) < 3 or _translated(domain, context, message, plural):
                    continue
                found_in[message] = (domain, context, plural)
                for text in filter(None, (message, plural)):
                    # Markup in a message shows as its text: «<span>6</span> Pages» is «6 Pages».
                    text = " ".join(TAG.sub(" ", text).split())
                    if PLACEHOLDER.search(text):
                        parts = PLACEHOLDER.split(text)
                        # Enough English around the placeholders that Norwegian text cannot match by chance.
                        if sum(c.isalpha() for c in "".join(parts)) >= 8:
                            patterns.append(re.compile(".+?".join(re.escape(part) for part in parts)))
                    else:
                        plain.add(text)
    return frozenset(plain), tuple(patterns)


# Every piece of text an editor may meet on the screen: text, and the names of buttons and fields.
SHOWN_TEXT = """() => {
    const texts = new Set();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const parent = walker.currentNode.parentElement;
        if (parent && !parent.closest('script, style, template, noscript, code, pre')) texts.add(walker.currentNode.data);
    }
    for (const el of document.body.querySelectorAll('*')) {
        if (el.closest('script, style, template, noscript')) continue;
        for (const name of ['aria-label', 'placeholder', 'title', 'data-w-tooltip-content-value']) {
            if (el.getAttribute(name)) texts.add(el.getAttribute(name));
        }
        if (el.children.length && el.textContent.length < 200) texts.add(el.textContent);
    }
    return [...texts].map(t => t.replace(/\\s+/g, ' ').trim()).filter(t => /[a-z]{3}/i.test(t));
}"""


def english_on_page(page) -> list[str]:
    """The English messages the page shows, each as shown."""
    plain, patterns = untranslated()
    shown = page.evaluate(SHOWN_TEXT)
    return sorted({text for text in shown if text in plain or any(p.fullmatch(text) for p in patterns)})
