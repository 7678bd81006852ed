"""A typed query, analysed into groups of alternatives the index can answer.

Each word (or known multi-word synonym expression) becomes a *group*; a page
matches a group when it matches one of the group's alternatives, and an
alternative is one or more *slots* that must all match (the parts of a
compound the site only has apart, the words of a synonym phrase). A slot
matches when the page has any of its terms:

    "tilskot til breibandsutbygging"
      -> [tilskot | tilskudd (synonym)]
         [breibandsutbygging: (breiband | bredbånd | bredband) + (utbygging)]

Alternatives, with their weights: the word's own stem (1.0), its ASCII-folded
stem for a word typed with æ, ø or å (0.9), «aa»/«ae»/«oe» read as å/æ/ø
(0.95), nynorsk patterns read as bokmål (0.95), the editors' synonyms (0.9),
the word split into terms the site has (0.85), and a near spelling the site has
(1.0, used only when the query as typed finds nothing: `corrected`).
Alternatives the site does not have are dropped before anything is ranked.
"""

from dataclasses import dataclass, field

from .analysis import text as text_module
from .analysis.analyser import keys
from .analysis.compounds import LINKS, MIN_PART
from .analysis.english import looks_english
from .analysis.nynorsk import bokmal_forms
from .analysis.stemming import stem
from .analysis.stopwords import FUNCTION_WORDS, QUERY_NOISE
from .analysis.text import ascii_spellings, fold

MAX_WORDS = 16
MAX_GROUPS = 8
MAX_EXPRESSION_WORDS = 4
MAX_SPLIT_WORD = 30
# Parts of words one query may look up: two 30-letter words with æ/ø/å, or several ordinary compounds.
MAX_SPLIT_PIECES = 1_500

ASCII_FOLDED = 0.9
SPELLING_VARIANT = 0.95
NYNORSK = 0.95
SYNONYM = 0.9
DERIVED = 0.85
SPLIT = 0.85
# A long word the site has whole also finds pages with all its parts apart, below those with the word.
SPLIT_OF_KNOWN = 0.6
SPLIT_OF_KNOWN_MIN_LENGTH = 10
# Verbal nouns meet their verb: «kompetanseheving» finds «kompetansehevende».
DERIVATIONS = ("ing",)


@dataclass(frozen=True)
class Alternative:
    slots: tuple[frozenset[str], ...]
    weight: float


@dataclass
class Group:
    typed: str  # the word(s) as typed, normalised
    alternatives: list[Alternative] = field(default_factory=list)
    noise: bool = False  # «hvordan», «søke», «info»: dropped when the query has other words
    stop: bool = False  # a function word: used only when the query has nothing else
    # How common the group is (for idf and which group to start from): the most pages any term of its
    # strongest reading is on, so weaker readings (a split into common parts) do not make a word look common.
    pages: int = 0
    corrected: str | None = None  # the near spelling used instead, when one was

    @property
    def known(self) -> bool:
        return bool(self.alternatives)

    def terms(self) -> set[str]:
        return {term for alternative in self.alternatives for slot in alternative.slots for term in slot}

    @property
    def correctable(self) -> bool:
        word = self.typed
        return " " not in word and word.isalpha() and len(word) >= 5 and not looks_english(word)


@dataclass
class Plan:
    groups: list[Group]
    pages: dict[str, int] = field(default_factory=dict)  # term -> pages it is on (the terms looked up)

    def terms(self) -> set[str]:
        return {term for group in self.groups for term in group.terms()}

    def entry_points(self, group: Group) -> dict[str, float]:
        """Where to start reading a group's postings: the terms of each alternative's rarest slot, each with
        the weight of the best alternative it starts (a page with one of the other slots' terms only
        cannot match that alternative anyway)."""
        found: dict[str, float] = {}
        for alternative in group.alternatives:
            slot = min(alternative.slots, key=lambda terms: sum(self.pages.get(t, 0) for t in terms))
            for term in slot:
                found[term] = max(found.get(term, 0.0), alternative.weight)
        return found

    @property
    def unknown(self) -> list[Group]:
        return [group for group in self.groups if not group.known]

    def text(self) -> str:
        return " ".join(group.corrected or group.typed for group in self.groups)


def _slot(word: str) -> frozenset[str]:
    return frozenset(keys(word))


def word_alternatives(word: str) -> list[Alternative]:
    """Every way the index may hold one typed word, before checking which it has."""
    word = word.strip("-'\u2019")
    if not word:
        return []
    if "-" in word or "'" in word or "\u2019" in word:
        pieces = [p for p in word.replace("\u2019", "'").replace("'", "-").split("-") if p]
        content = [p for p in pieces if p not in FUNCTION_WORDS] or pieces
        found = [Alternative(tuple(_slot(p) for p in content), 1.0), Alternative((_slot("".join(pieces)),), 1.0)]
        return found
    if not word.isalpha():
        return [Alternative((frozenset({word, fold(word)}),), 1.0)]
    if looks_english(word):
        return [Alternative((frozenset({word}),), 1.0), Alternative((frozenset({stem(word)}),), SPELLING_VARIANT)]
    exact = stem(word)
    found = [Alternative((frozenset({exact}),), 1.0)]
    folded = frozenset(keys(word)) - {exact}
    if folded:
        found.append(Alternative((folded,), ASCII_FOLDED))
    for variant in ascii_spellings(word):
        found.append(Alternative((_slot(variant),), SPELLING_VARIANT))
    for form in bokmal_forms(word):
        found.append(Alternative((_slot(form),), NYNORSK))
    for ending in DERIVATIONS:
        if exact.endswith(ending) and len(exact) - len(ending) >= 4:
            found.append(Alternative((frozenset(keys(exact[: -len(ending)])),), DERIVED))
    return found


def english_singular(text: str, synonyms) -> str | None:
    """The English synonym entry a plural stands for («shops» → «shop», «subsidies» → «subsidy»), if any."""
    last = text.rsplit(" ", 1)[-1]
    if not last.isascii():
        return None
    for ending, replacement in (("ies", "y"), ("es", ""), ("s", "")):
        if last.endswith(ending) and len(last) > len(ending) + 2:
            singular = text[: len(text) - len(ending)] + replacement
            if singular in synonyms.english:
                return singular
    return None


def english_alternatives(word: str) -> list[Alternative]:
    """A word the editors listed as English: matched only as written."""
    return [Alternative((frozenset({word}),), 1.0)]


def phrase_alternative(phrase: str, weight: float) -> Alternative | None:
    words = [w.strip("-") for w in text_module.words(phrase)]
    content = [w for w in words if w and w not in FUNCTION_WORDS]
    if not content:
        return None
    slots = []
    for word in content:
        alternatives = word_alternatives(word)
        slots.append(frozenset().union(*(t for a in alternatives for t in a.slots)) if alternatives else _slot(word))
    return Alternative(tuple(slots), weight)


def build(query: str, synonyms, normalise_synonym) -> Plan:
    """Groups for the query, synonyms expanded; nothing checked against the index yet."""
    words = [w for w in text_module.words(query) if w.strip("-'\u2019")][:MAX_WORDS]
    groups: list[Group] = []
    i = 0
    while i < len(words):
        step = 1
        for size in range(min(MAX_EXPRESSION_WORDS, len(words) - i), 0, -1):
            typed = " ".join(w.strip("-") for w in words[i : i + size])
            variants = (
                synonyms.get(normalise_synonym(typed))
                or synonyms.get(english_singular(typed, synonyms))
                or (synonyms.of_inflected(normalise_synonym(typed)) if size == 1 else None)
            )
            if not variants and size > 1:
                continue
            if size == 1 and typed in FUNCTION_WORDS and not variants:
                groups.append(Group(typed=typed, stop=True, alternatives=word_alternatives(typed)))
                break
            group = Group(typed=typed, noise=typed in QUERY_NOISE)
            english = normalise_synonym(typed) in synonyms.english or bool(english_singular(typed, synonyms))
            if english:
                group.alternatives = english_alternatives(typed)
            else:
                group.alternatives = word_alternatives(typed) if size == 1 else []
            if size > 1 and not english:
                own = phrase_alternative(typed, 1.0)
                group.alternatives = [own] if own else []
            for variant in variants or []:
                if normalise_synonym(variant) == normalise_synonym(typed):
                    continue
                if normalise_synonym(variant) in synonyms.english:
                    group.alternatives += english_alternatives(normalise_synonym(variant))
                elif len(text_module.words(variant)) == 1:
                    group.alternatives += [
                        Alternative(a.slots, a.weight * SYNONYM) for a in word_alternatives(normalise_synonym(variant))
                    ]
                else:
                    alternative = phrase_alternative(variant, SYNONYM)
                    if alternative:
                        group.alternatives.append(alternative)
            groups.append(group)
            step = size
            break
        i += step
    function = [g for g in groups if g.stop]
    content = [g for g in groups if not g.stop]
    meaningful = [g for g in content if not g.noise]
    chosen = meaningful or content or function
    for group in chosen:
        group.noise = False
    # Each distinct group once, at most MAX_GROUPS of them.
    unique: dict[str, Group] = {}
    for group in chosen:
        unique.setdefault(group.typed, group)
    return Plan(list(unique.values())[:MAX_GROUPS])


def keep_known(plan: Plan, pages: dict[str, int]):
    """Drop terms, slots' terms and alternatives the site does not have; note each group's page count."""
    for group in plan.groups:
        kept = []
        for alternative in group.alternatives:
            slots = tuple(frozenset(t for t in slot if pages.get(t)) for slot in alternative.slots)
            if all(slots):
                kept.append(Alternative(slots, alternative.weight))
        group.alternatives = sorted(kept, key=lambda a: -a.weight)
        note_pages(group, pages)


def note_pages(group: Group, pages: dict[str, int]):
    strongest = max((a.weight for a in group.alternatives), default=0)
    terms = {t for a in group.alternatives if a.weight == strongest for slot in a.slots for t in slot}
    group.pages = max((pages.get(t, 0) for t in terms), default=0)


def split_candidates(word: str, synonyms, normalise_synonym) -> dict[str, frozenset[str]]:
    """Every piece of a word that could be a part of it, with the terms it (or a synonym of it) is stored under."""
    word = word.strip("-")
    if not word.isalpha() or len(word) < 2 * MIN_PART or len(word) > MAX_SPLIT_WORD or looks_english(word):
        return {}
    pieces = {}
    for variant in dict.fromkeys([word, fold(word)]):
        for start in range(len(variant)):
            for end in range(start + MIN_PART, len(variant) + 1):
                piece = variant[start:end]
                slot = set(_slot(piece))
                for synonym in synonyms.get(normalise_synonym(piece)) or []:
                    if len(text_module.words(synonym)) == 1 and normalise_synonym(synonym) not in synonyms.english:
                        slot |= _slot(normalise_synonym(synonym))
                pieces[piece] = frozenset(slot)
    return pieces


def split_alternative(
    word: str, pieces: dict[str, frozenset[str]], pages: dict[str, int], weight: float = SPLIT
) -> Alternative | None:
    """The word as the fewest parts the site has (each part's terms known), linking s/e allowed."""
    known = {piece: frozenset(t for t in slot if pages.get(t)) for piece, slot in pieces.items()}
    best = None
    for variant in dict.fromkeys([word.strip("-"), fold(word.strip("-"))]):
        n = len(variant)
        table: list[tuple | None] = [None] * (n + 1)
        table[n] = ()
        for start in range(n - MIN_PART, -1, -1):
            choice = None
            for end in range(start + MIN_PART, n + 1):
                if start == 0 and end == n:
                    continue
                slot = known.get(variant[start:end])
                if not slot:
                    continue
                for link in ("", *LINKS):
                    after = end + len(link)
                    if link and (variant[end:after] != link or after >= n):
                        continue
                    if after > n or table[after] is None:
                        continue
                    parts = (slot, *table[after])
                    if choice is None or len(parts) < len(choice):
                        choice = parts
            table[start] = choice
        if table[0] and len(table[0]) >= 2 and (best is None or len(table[0]) < len(best)):
            best = table[0]
    return Alternative(tuple(best), weight) if best else None
