"""Terms for documents and the building blocks queries use (`search.query`)."""

from dataclasses import dataclass
from functools import lru_cache

from . import dictionary, english, nynorsk
from .compounds import Splitter, runs, shared_tail
from .stemming import stem
from .stopwords import FUNCTION_WORDS
from .text import _WORD, fold, normalise

LOCALES = ("nb", "nn", "se")
# Weights of the ways a term can come from a word (times the field's weight at index time).
WHOLE = 1.0
NYNORSK_FORM = 0.95
HYPHEN_EXPANSION = 0.9
RUN_OF_PARTS = 0.8
SINGLE_PART = 0.7
CONJUNCTIONS = frozenset({"og", "eller", "og/eller", ","})


@dataclass(frozen=True)
class Term:
    text: str
    weight: float
    source: str = ""  # the word (or run of compound parts) it was made from


def locale_code(locale: str | None) -> str:
    code = (locale or "nb").lower().split("-")[0].split("_")[0]
    return code if code in LOCALES else "nb"


def keys(word: str) -> set[str]:
    """The stems a word is stored under: exact and folded (æ → a, ø → o, å → a)."""
    stemmed = stem(word)
    return {stemmed, fold(stemmed), stem(fold(word))}


class Analyser:
    """Analysis for one locale with a given vocabulary of known words (for compound splitting)."""

    def __init__(self, locale: str = "nb", known_words=frozenset()):
        self.locale = locale_code(locale)
        lexicon = dictionary.compound_words()
        self.splitter = Splitter(frozenset(lexicon | set(known_words)), lexicon)
        self.word_terms = lru_cache(maxsize=100_000)(self._word_terms)

    # Single words --------------------------------------------------------------------

    def is_english(self, word: str) -> bool:
        return english.looks_english(word) and word not in self.splitter.dictionary

    def _word_terms(self, word: str) -> tuple[Term, ...]:
        """Every term a word in a document is stored under, with the best weight for each."""
        word = word.strip("-'\u2019")
        if not word or word in FUNCTION_WORDS:
            return ()
        found: dict[str, tuple[float, str]] = {}

        def add(texts, weight, source=word):
            for text in texts:
                if len(text) >= 2 and found.get(text, (0, ""))[0] < weight:
                    found[text] = (weight, source)

        def result():
            return tuple(Term(t, w, source) for t, (w, source) in found.items())

        if "-" in word or "'" in word or "\u2019" in word:
            pieces = [p for p in word.replace("\u2019", "'").replace("'", "-").split("-") if p]
            for piece in [*pieces, "".join(pieces)]:
                for term in self.word_terms(piece):
                    add([term.text], term.weight, term.source)
            return result()
        if not word.isalpha():
            add([word, fold(word)], WHOLE)  # numbers and codes stay whole: 2023, e6
            return result()
        if self.is_english(word):
            add([word], WHOLE)
            return result()
        add(keys(word), WHOLE)
        if self.locale == "nn":
            for form in nynorsk.bokmal_forms(word):
                add(keys(form), NYNORSK_FORM, form)
        for text, size in runs(self.splitter.split(word)):
            add(keys(text), RUN_OF_PARTS if size > 1 else SINGLE_PART, text)
        return result()

    def parts(self, word: str):
        return self.splitter.split(word)

    # Texts -----------------------------------------------------------------------------

    def text_terms(self, text: str):
        """(word index, terms) for each word of a text, in order; word index counts `text.split()` pieces.

        «etter- og videreutdanningstilbud» also gives «etterutdanningstilbud» (and so
        «etterutdanning») at the position of «etter-».
        """
        # NFC and lower case never add or remove whitespace, so the pieces line up with `text.split()`.
        spans = [
            (position, word) for position, piece in enumerate(normalise(text).split()) for word in _WORD.findall(piece)
        ]
        result = []
        for index, (position, word) in enumerate(spans):
            terms = self.word_terms(word)
            if word.endswith("-") and len(word) > 2:
                expanded = self._expand_hyphen(word[:-1], [w for _p, w in spans[index + 1 : index + 4]])
                if expanded:
                    terms = terms + tuple(
                        Term(t.text, t.weight * HYPHEN_EXPANSION, t.source) for t in self.word_terms(expanded)
                    )
            if terms:
                result.append((position, terms))
        return result

    def _expand_hyphen(self, first: str, following: list[str]) -> str:
        words = list(following)
        while words and words[0] in CONJUNCTIONS:
            words = words[1:]
        if not words or len(words) == len(following):
            return ""  # «etter-» must be followed by «og»/«eller» and a word
        tail = shared_tail(self.parts(words[0].rstrip("-")))
        return first + tail if tail else ""


@lru_cache(maxsize=8)
def _default(locale: str) -> Analyser:
    return Analyser(locale)


def analyser_for(locale: str = "nb") -> Analyser:
    """An analyser with the dictionary only (queries and tests); the indexer adds the site's words."""
    return _default(locale_code(locale))
