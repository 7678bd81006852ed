"""Which section of a hit matched best, and a short excerpt with the matches marked.

On PostgreSQL both use the same text search configuration as the index, so a
compound ("dagligvarebutikker") is marked when the query was one of its parts
("butikk"). SQLite has no such machinery; there a word matches when it starts
with or contains the typed word, which is simpler but still finds compounds.
"""

import re
from html import escape

from django.db import connection

from .sections import Section
from .synonyms import normalise, query_words

EXCERPT_WORDS = 30
# Private-use code points mark matches inside the database; they are stripped
# from the source text first, so they can never come from content.
MARK_START, MARK_END = "\ue000", "\ue001"
SECTION_WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"  # D, C, B, A: heading (A) outweighs body text (D)
HEADLINE_OPTIONS = (
    f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords={EXCERPT_WORDS}, MinWords=12, "
    'ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "'
)


def _clean(text: str) -> str:
    return " ".join(text.replace(MARK_START, "").replace(MARK_END, "").split())


def marked_html(text: str) -> str:
    """Escape everything, then turn the match markers into <mark> elements."""
    return escape(text).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")


class PostgresHighlighter:
    def __init__(self, groups: list[list[str]], *, match_all: bool, config: str):
        self.config = config
        parts, self.params = [], []
        for group in groups:
            alternatives = []
            for text in group:
                function = "phraseto_tsquery" if len(query_words(text)) > 1 else "plainto_tsquery"
                alternatives.append(f"{function}(%s::regconfig, %s)")
                self.params += [config, text]
            parts.append("(" + " || ".join(alternatives) + ")")
        self.tsquery = (" && " if match_all else " || ").join(parts) or "''::tsquery"

    def best_sections(self, pages: list[list[Section]]) -> list[int | None]:
        headings, bodies, owners = [], [], []
        for page_index, sections in enumerate(pages):
            for section in sections:
                headings.append(section.heading)
                bodies.append(section.text)
                owners.append(page_index)
        best: list[tuple[float, int] | None] = [None] * len(pages)
        if not headings:
            return [None] * len(pages)
        sql = f"""
            SELECT s.ord, ts_rank('{SECTION_WEIGHTS}', s.v, q.q) FROM
              (SELECT {self.tsquery} AS q) AS q,
              (SELECT ord, setweight(to_tsvector(%s::regconfig, heading), 'A')
                        || setweight(to_tsvector(%s::regconfig, body), 'D') AS v
                 FROM unnest(%s::text[], %s::text[]) WITH ORDINALITY AS u(heading, body, ord)) AS s
            WHERE s.v @@ q.q
        """  # noqa: S608 -- only placeholders and constants are interpolated
        with connection.cursor() as cursor:
            cursor.execute(sql, [*self.params, self.config, self.config, headings, bodies])
            rows = cursor.fetchall()
        counters = [0] * len(pages)
        position = []  # ordinal (1-based) -> index of the section within its page
        for owner in owners:
            position.append(counters[owner])
            counters[owner] += 1
        for ordinal, rank in rows:
            owner = owners[ordinal - 1]
            current = best[owner]
            if current is None or rank > current[0]:
                best[owner] = (rank, position[ordinal - 1])
        return [None if choice is None else choice[1] for choice in best]

    def excerpts(self, texts: list[str]) -> list[str]:
        if not texts:
            return []
        sql = f"""
            SELECT ts_headline(%s::regconfig, u.t, q.q, %s)
              FROM (SELECT {self.tsquery} AS q) AS q,
                   unnest(%s::text[]) WITH ORDINALITY AS u(t, ord)
             ORDER BY u.ord
        """  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.config, HEADLINE_OPTIONS, *self.params, [_clean(t) for t in texts]])
            return [marked_html(" ".join((row[0] or "").split())) for row in cursor.fetchall()]


# Inflection endings stripped from typed words for the simple matcher, longest first.
_ENDINGS = ("ene", "er", "en", "et", "a", "e")
_WORD = re.compile(r"\w+", re.UNICODE)


def _stem(word: str) -> str:
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


def _word_matches(text_word: str, stem: str) -> bool:
    return text_word.startswith(stem) or (len(stem) >= 4 and stem in text_word)


class SimpleHighlighter:
    """Word matching in Python, for databases without a Norwegian text search."""

    def __init__(self, groups: list[list[str]], *, match_all: bool):
        self.match_all = match_all
        # group -> alternatives -> stems of the words in the alternative
        self.groups = [[[_stem(normalise(w)) for w in query_words(text)] for text in group] for group in groups]

    def _stems(self):
        return {stem for group in self.groups for alternative in group for stem in alternative}

    def _matched_groups(self, text: str) -> int:
        words = [normalise(w) for w in _WORD.findall(text)]
        found = 0
        for group in self.groups:
            if any(all(any(_word_matches(w, stem) for w in words) for stem in alternative) for alternative in group):
                found += 1
        return found

    def best_sections(self, pages: list[list[Section]]) -> list[int | None]:
        needed = len(self.groups) if self.match_all else 1
        choices = []
        for sections in pages:
            best = None
            for index, section in enumerate(sections):
                in_heading = self._matched_groups(section.heading)
                in_both = self._matched_groups(section.heading + " " + section.text)
                if in_both < needed:
                    continue
                score = (in_both, in_heading)
                if best is None or score > best[0]:
                    best = (score, index)
            choices.append(None if best is None else best[1])
        return choices

    def excerpts(self, texts: list[str]) -> list[str]:
        stems = self._stems()
        return [self._excerpt(_clean(text), stems) for text in texts]

    @staticmethod
    def _excerpt(text: str, stems: set[str]) -> str:
        def matches(word: str) -> bool:
            return any(_word_matches(normalise(word), stem) for stem in stems)

        def mark(match) -> str:
            return MARK_START + match.group() + MARK_END if matches(match.group()) else match.group()

        words = text.split(" ")
        first = next((i for i, token in enumerate(words) if any(matches(w) for w in _WORD.findall(token))), 0)
        start = max(0, first - 8)
        window = " ".join(_WORD.sub(mark, token) for token in words[start : start + EXCERPT_WORDS])
        prefix = "… " if start > 0 else ""
        suffix = " …" if start + EXCERPT_WORDS < len(words) else ""
        return marked_html(prefix + window + suffix)


def highlighter(groups: list[list[str]], *, match_all: bool, config: str | None):
    if connection.vendor == "postgresql" and config:
        return PostgresHighlighter(groups, match_all=match_all, config=config)
    return SimpleHighlighter(groups, match_all=match_all)
