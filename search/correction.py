"""Near spellings: a query word the site does not have, corrected to one it has.

Candidates are the site's terms (`search.models.Term`) with the same first
letter and a length within two of the typed word's stem, most frequent first,
at most `CANDIDATES` of them, so the cost is bounded whatever is typed. The
closest by edit distance (insertions, deletions, substitutions and swaps of
neighbouring letters, compared without æ/ø/å) wins if it is close enough for
the word's length: one edit for 5 to 7 letters, two from 8 letters. Shorter
words and words spelled the English way are never corrected, so off-topic
words stay unfound.
"""

from .analysis.stemming import stem
from .analysis.text import fold

CANDIDATES = 1000


def max_distance(length: int) -> int:
    if length < 5:
        return 0
    return 1 if length < 8 else 2


def distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance, or `limit + 1` as soon as it must exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2 = None
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if previous2 is not None and i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def key(word: str) -> str:
    """What is compared: the folded stem."""
    return fold(stem(word))


def best(word: str, candidates) -> tuple[str, str] | None:
    """(term, word to show) of the closest candidate `(term, surface, pages)`, or None."""
    typed = key(word)
    limit = max_distance(len(typed))
    if not limit:
        return None
    choice = None
    for term, surface, pages in candidates:
        found = distance(typed, fold(term), limit)
        if found == 0 and fold(term) == typed:
            continue  # the same word: nothing to correct
        if found <= limit:
            rank = (found, -pages, abs(len(term) - len(typed)))
            if choice is None or rank < choice[0]:
                choice = (rank, term, surface)
    return (choice[1], choice[2]) if choice else None
