"""Words the compound splitter may use as parts, from Debian's Hunspell bokmål dictionary.

Only what Hunspell itself allows in compounds (flag z: «dagligvare», «butikk», «vekst», «avtale», about 11,000 words) and
proper nouns («Tromsø», «Troms»): a few megabytes, read once per process.
When the dictionary is not installed (`apt-get install hunspell-no`) splitting
falls back to the site's own vocabulary and a warning is logged once.
"""

import logging
import os
from functools import lru_cache
from pathlib import Path

logger = logging.getLogger(__name__)

DEFAULT_PATH = "/usr/share/hunspell/nb_NO.dic"
# Three-letter words count as the base of an inflected last part («dager» of «dag»); parts have four letters or more.
MIN_BASE = 3


def dictionary_path() -> Path:
    return Path(os.environ.get("SEARCH_HUNSPELL_DIC", DEFAULT_PATH))


@lru_cache(maxsize=1)
def compound_words() -> frozenset[str]:
    path = dictionary_path()
    try:
        raw = path.read_bytes()
    except OSError as error:
        logger.warning(
            "Norwegian dictionary not found (%s): compounds are split with the site's own words only. "
            "Install it with `apt-get install hunspell-no`, then run `manage.py search_index`.",
            error,
        )
        return frozenset()
    encoding = "iso-8859-1"
    affix = path.with_suffix(".aff")
    if affix.exists() and b"SET UTF-8" in affix.read_bytes()[:2000]:
        encoding = "utf-8"
    found = set()
    for line in raw.decode(encoding, errors="replace").splitlines()[1:]:
        word, _, flags = line.partition("/")
        word = word.strip()
        if len(word) < MIN_BASE or not word.isalpha():
            continue
        if "z" in flags or word[0].isupper():
            found.add(word.lower())
    return frozenset(found)


def is_installed() -> bool:
    return bool(compound_words())
