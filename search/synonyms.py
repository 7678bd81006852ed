"""Query expansion with the editors' synonym groups (search.models.Synonym).

Each group is words that should find each other; the query is expanded at
search time (`search.query`), so a new or changed group works at once, without
re-indexing. English groups («Engelsk») go one way: the first word is the
Norwegian one, the others English; an English word typed finds the Norwegian
word, and is itself matched only as written, never read as Norwegian
(«jobs» is not a form of «jobbe»). Norwegian words typed are not expanded to English.
"""

import unicodedata
from dataclasses import dataclass

from django.core.cache import cache

from publishing.version import shared_version

from .models import Synonym

CACHE_KEY = "search:synonyms:v3"
CACHE_SECONDS = 3600

# Sami letters people often type without their diacritics.
SAMI_FOLD = str.maketrans("áčđŋšŧžïäöÁČĐŊŠŦŽÏÄÖ", "acdnstziaoACDNSTZIAO")


def normalise(text: str) -> str:
    """The form used to compare a typed word with a synonym entry."""
    return " ".join(unicodedata.normalize("NFC", text).lower().translate(SAMI_FOLD).split())


@dataclass(frozen=True)
class Synonyms:
    variants: dict[str, list[str]]  # normalised term -> every variant in its group(s), the term first
    english: frozenset[str]  # normalised English terms (matched only as written)
    stems: dict[str, str]  # stem of a one-word Norwegian term -> the term, so inflected forms find the group

    def get(self, term: str, default=None):
        return self.variants.get(term, default)

    def of_inflected(self, word: str):
        """The group of an inflected form: «tilskota» and «berekraftige» find «tilskot» and «berekraftig»."""
        from .analysis.stemming import stem

        term = self.stems.get(stem(word))
        return self.variants.get(term) if term else None


NONE = Synonyms({}, frozenset(), {})


def synonym_map(epoch: int | None = None) -> Synonyms:
    """The active groups, kept under the content version, which every change of a group bumps
    (publishing.signals): a change made while the shared cache was out of reach never brings the old groups
    back with it. Or under the search epoch read for a kept answer (`search.answers`), which every change of a
    group moves on too: the groups an answer was made with are then the ones its basis names."""
    version = shared_version()
    key = None
    if version is not None:
        key = f"{CACHE_KEY}:epoch:{epoch}" if epoch is not None else f"{CACHE_KEY}:{version}"
    found = cache.get(key) if key else None
    if found is None:
        groups: dict[str, dict[str, None]] = {}
        english: set[str] = set()
        for synonym in Synonym.objects.filter(active=True):
            # Groups saved before the admin checked their size (or made in code) are read as far as the limit.
            terms = [term for term in synonym.term_list() if len(term) <= Synonym.MAX_TERM_LENGTH][: Synonym.MAX_TERMS]
            if synonym.kind == "english" and len(terms) > 1:
                norwegian, *others = terms
                english.update(normalise(term) for term in others)
                for term in others:
                    groups.setdefault(normalise(term), {}).update(dict.fromkeys([term, norwegian]))
                continue
            for term in terms:
                groups.setdefault(normalise(term), {}).update(dict.fromkeys(terms))
        from .analysis.stemming import stem

        stems = {stem(key): key for key in groups if " " not in key and key not in english and key.isalpha()}
        found = Synonyms({key: list(variants) for key, variants in groups.items()}, frozenset(english), stems)
        if key:
            cache.set(key, found, CACHE_SECONDS)
    return found
