"""Query expansion with the editors' synonym groups (search.models.Synonym).

A query is split into *term groups*: each group is one word (or a known
multi-word expression) plus every synonym of it. The search then asks for every
group, with any variant of a group counting as a match:

    "tilskot KDD"  ->  [["tilskot", "tilskudd"], ["KDD", "Kommunal- og distriktsdepartementet"]]

Expanding the query instead of the index means a new synonym works at once,
without re-indexing, and the stored text stays exactly what editors wrote.
"""

import re
import unicodedata

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.search.query import And, Or, Phrase, PlainText

from .models import Synonym

CACHE_KEY = "search:synonyms:v1"
CACHE_SECONDS = 3600
MAX_EXPRESSION_WORDS = 4

# Sami letters people often type without their diacritics; æ, ø and å are
# Norwegian letters of their own and are deliberately left alone.
SAMI_FOLD = str.maketrans("áčđŋšŧžïäöÁČĐŊŠŦŽÏÄÖ", "acdnstziaoACDNSTZIAO")
WORD = re.compile(r"\w[\w'\u2019-]*", re.UNICODE)
EDGE_PUNCTUATION = "-'\u2019"


def normalise(text: str) -> str:
    """The form used to compare a typed word with a synonym entry."""
    return " ".join(unicodedata.normalize("NFC", text).lower().translate(SAMI_FOLD).split())


def query_words(query: str) -> list[str]:
    words = (word.strip(EDGE_PUNCTUATION) for word in WORD.findall(unicodedata.normalize("NFC", query)))
    return [word for word in words if word]


def synonym_map() -> dict[str, list[str]]:
    """normalised term -> every variant in its group(s), the term itself first."""
    mapping = cache.get(CACHE_KEY)
    if mapping is None:
        groups: dict[str, dict[str, None]] = {}
        for synonym in Synonym.objects.filter(active=True):
            terms = synonym.term_list()
            for term in terms:
                groups.setdefault(normalise(term), {}).update(dict.fromkeys(terms))
        mapping = {key: list(variants) for key, variants in groups.items()}
        cache.set(CACHE_KEY, mapping, CACHE_SECONDS)
    return mapping


@receiver([post_save, post_delete], sender=Synonym)
def _forget_synonyms(**kwargs):
    cache.delete(CACHE_KEY)


def term_groups(query: str, *, use_synonyms: bool = True) -> list[list[str]]:
    """Split the query into groups of alternatives (longest synonym expression first)."""
    words = query_words(query)
    mapping = synonym_map() if use_synonyms else {}
    groups: list[list[str]] = []
    i = 0
    while i < len(words):
        for size in range(min(MAX_EXPRESSION_WORDS, len(words) - i), 0, -1):
            typed = " ".join(words[i : i + size])
            variants = mapping.get(normalise(typed))
            if variants or size == 1:
                alternatives = [typed, *(v for v in variants or [] if normalise(v) != normalise(typed))]
                groups.append(alternatives)
                i += size
                break
    return groups


def _alternative(text: str):
    return Phrase(text) if len(query_words(text)) > 1 else PlainText(text)


def as_search_query(groups: list[list[str]], *, match_all: bool = True):
    """A Wagtail search query: every group (or any group) must match, any variant within it."""
    parts = [
        _alternative(group[0]) if len(group) == 1 else Or([_alternative(text) for text in group]) for group in groups
    ]
    if len(parts) == 1:
        return parts[0]
    return And(parts) if match_all else Or(parts)
