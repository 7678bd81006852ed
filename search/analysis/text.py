"""Normalisation, word splitting and folding."""

import re
import unicodedata

# Sami (and a few other) letters people type without their diacritics; NFKD handles the rest.
_SPECIAL = str.maketrans({"đ": "d", "ŋ": "n", "ŧ": "t", "ß": "ss", "æ": "a", "ø": "o", "å": "a"})
# A word: letters and digits, with inner hyphens or apostrophes; a trailing hyphen is kept
# («etter-» in «etter- og videreutdanning»).
_WORD = re.compile(r"[^\W_]+(?:[-'\u2019][^\W_]+)*-?")
NORWEGIAN_LETTERS = frozenset("æøå")


def normalise(text: str) -> str:
    """NFC and lower case: the form everything else compares."""
    return unicodedata.normalize("NFC", text or "").lower()


def words(text: str) -> list[str]:
    """The words of a text, normalised, in order."""
    return _WORD.findall(normalise(text))


def fold(word: str) -> str:
    """The ASCII spelling people type without Norwegian letters: æ → a, ø → o, å → a, accents dropped.

    «aa», «ae» and «oe» for å, æ and ø are handled on the query side (`ascii_spellings`).
    """
    if word.isascii():
        return word
    translated = word.translate(_SPECIAL)
    if translated.isascii():
        return translated  # Norwegian and Sami letters only: nothing left to decompose
    decomposed = unicodedata.normalize("NFKD", translated)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def ascii_spellings(word: str) -> list[str]:
    """Other ways a word typed in ASCII may have been meant: «bredbaand» → «bredband» (å), «naeringsliv» → «naringsliv»."""
    if not word.isascii():
        return []
    variant = word.replace("aa", "a").replace("ae", "a").replace("oe", "o")
    return [variant] if variant != word and len(variant) >= 3 else []


def has_letter(word: str) -> bool:
    return any(c.isalpha() for c in word)
