"""Stems: the Snowball Norwegian stemmer, with a final double consonant made single.

Snowball leaves «programm» for «programmet» but «program» for «program»; the
single final consonant makes every form meet. Stems are only keys, never shown.
"""

from functools import lru_cache

import snowballstemmer

_norwegian = snowballstemmer.stemmer("norwegian")
_VOWELS = frozenset("aeiouyæøå")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    if len(word) <= 3 or not word.isalpha():
        return word
    stemmed = _norwegian.stemWord(word)
    if len(stemmed) >= 4 and stemmed[-1] == stemmed[-2] and stemmed[-1] not in _VOWELS:
        stemmed = stemmed[:-1]
    return stemmed
