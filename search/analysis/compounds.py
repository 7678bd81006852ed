"""Splitting compounds into the words they are made of.

A word is split into parts that are known words (`known`: Hunspell's
compound words and proper nouns, the site's own vocabulary, the editors'
synonyms), with a linking «s» or «e» allowed after a part (omstilling-s-program,
bygd-e-vekst). The last part may be inflected (…butikk-ene). The split with the
fewest parts wins, and each part is split again, so «dagligvarebutikkene» gives
daglig | vare | butikkene. A first part the dictionary lacks is accepted
(«videre|utdanning|s|tilbud», «tromsø|regionen») when the rest is made of known
words and the whole word is not a dictionary word itself; that is how names and
new words on the site's pages are split.

`runs` lists every run of adjacent parts as a word: daglig, vare, butikkene,
dagligvare, varebutikkene. «etter- og videreutdanning» is handled by
`shared_tail`: «etter» takes the place of «videre» → «etterutdanning».
"""

from dataclasses import dataclass
from functools import lru_cache

MIN_PART = 4
MAX_WORD = 40
LINKS = ("s", "e")
# Endings an inflected last part may carry (bokmål and nynorsk).
ENDINGS = (
    *("e", "a", "n", "r", "s", "t", "en", "et", "er", "ar", "ne", "te", "de", "es", "as", "ns", "rs", "ts"),
    *("ene", "ane", "ers", "ens", "ets", "nde", "ende", "ande", "enes", "anes", "ste", "est", "ast"),
)
_CONSONANTS = frozenset("bcdfghjklmnpqrstvwxz")


def _inflected_from(text: str, words) -> bool:
    """Whether `text` is an inflected form of one of `words`: «butikkene» of «butikk», «programmet» of «program»."""
    for end in ENDINGS:
        if len(text) - len(end) >= 3 and text.endswith(end):
            base = text[: len(text) - len(end)]
            if base in words:
                return True
            if len(base) > 3 and base[-1] == base[-2] and base[-1] in _CONSONANTS and base[:-1] in words:
                return True
    return False


@dataclass(frozen=True)
class Part:
    text: str  # as in the word
    link: str  # linking letter that follows it in the word ("" for none)


class Splitter:
    def __init__(self, known: frozenset[str] | set[str], dictionary: frozenset[str] = frozenset()):
        self.known = known
        self.dictionary = dictionary
        self._split = lru_cache(maxsize=100_000)(self._split_uncached)

    def is_known(self, text: str, *, last: bool) -> bool:
        return text in self.known or (last and _inflected_from(text, self.known))

    def _is_dictionary_word(self, word: str) -> bool:
        return word in self.dictionary or _inflected_from(word, self.dictionary)

    def split(self, word: str) -> tuple[Part, ...]:
        """The finest split of `word` into parts, or () when it is not a compound."""
        if len(word) < 2 * MIN_PART or len(word) > MAX_WORD or not word.isalpha():
            return ()
        return self._split(word)

    def _split_uncached(self, word: str) -> tuple[Part, ...]:
        coarse = self._best(word, allow_unknown_first=not self._is_dictionary_word(word))
        if not coarse:
            return ()
        finest: list[Part] = []
        for part in coarse:
            inner = self.split(part.text)
            if inner:
                finest.extend(inner[:-1])
                finest.append(Part(inner[-1].text, part.link))
            else:
                finest.append(part)
        return tuple(finest)

    def _best(self, word: str, *, allow_unknown_first: bool) -> tuple[Part, ...]:
        n = len(word)
        # best[i]: (cost, parts) for a split of word[i:] into known parts.
        best: list[tuple[float, tuple[Part, ...]] | None] = [None] * (n + 1)
        best[n] = (0.0, ())
        for start in range(n - MIN_PART, -1, -1):
            choice = None
            for end in range(start + MIN_PART, n + 1):
                text = word[start:end]
                last = end == n
                if start == 0 and last:
                    continue  # the word itself is no split
                known = self.is_known(text, last=last)
                unknown_first = not known and start == 0 and allow_unknown_first and not last
                if not known and not unknown_first:
                    continue
                for link in ("", *LINKS) if not last else ("",):
                    rest_at = end + len(link)
                    if link and word[end:rest_at] != link:
                        continue
                    if rest_at > n or best[rest_at] is None or (rest_at == n and not last):
                        continue
                    rest_cost, rest = best[rest_at]
                    cost = rest_cost + 1 + (2.5 if unknown_first else 0) + (0.1 if link else 0)
                    if choice is None or cost < choice[0]:
                        choice = (cost, (Part(text, link), *rest))
            best[start] = choice
        found = best[0]
        if found is None or len(found[1]) < 2:
            return ()
        parts = found[1]
        # An unknown first part needs known words for at least half the word («videre|utdanning»),
        # so a word is not cut at an accidental word near its end («investe|ringer»).
        if not self.is_known(parts[0].text, last=False) and 2 * sum(len(p.text) for p in parts[1:]) <= len(word):
            return ()
        return parts


def runs(parts: tuple[Part, ...]) -> list[tuple[str, int]]:
    """Each run of adjacent parts written as one word, with how many parts it has (the whole word excluded)."""
    found = []
    for start in range(len(parts)):
        text = ""
        for end in range(start, len(parts)):
            if end > start:
                text += parts[end - 1].link
            text += parts[end].text
            size = end - start + 1
            if size < len(parts):
                found.append((text, size))
    return found


def shared_tail(parts: tuple[Part, ...]) -> str:
    """What «videreutdanningstilbud» shares with «etter-» in «etter- og videreutdanningstilbud»: «utdanningstilbud»."""
    if len(parts) < 2:
        return ""
    return "".join(p.text + p.link for p in parts[1:-1]) + parts[-1].text
