"""Stems: the Snowball Norwegian stemmer, with a final double consonant made single.

Snowball leaves «programm» for «programmet» but «program» for «program»; the
single final consonant makes every form meet. Stems are only keys, never shown.
"""

import threading
from functools import lru_cache

import snowballstemmer

_VOWELS = frozenset("aeiouyæøå")
# A Snowball stemmer keeps the word it works on in itself: two threads of one worker sharing one made wrong
# stems (kept by the cache below for the life of the process) and IndexErrors. One stemmer per thread.
_local = threading.local()


def _stemmer():
    found = getattr(_local, "norwegian", None)
    if found is None:
        found = _local.norwegian = snowballstemmer.stemmer("norwegian")
        # PyStemmer's own cache would keep the words `stem` below keeps already.
        found.maxCacheSize = 0
    return found


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    if len(word) <= 3 or not word.isalpha():
        return word
    stemmed = _stemmer().stemWord(word)
    if len(stemmed) >= 4 and stemmed[-1] == stemmed[-2] and stemmed[-1] not in _VOWELS:
        stemmed = stemmed[:-1]
    return stemmed
