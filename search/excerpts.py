"""Which part of a hit matched best, and a short excerpt with the matches marked.

Both work from what the index stored for each part (its text and, per term,
its weight and the positions of the words it came from), so no text is
analysed again at search time and the two databases mark the same words.
A section or contact block is the hit's section when it matches the query
better than any other; the page's head (title, intro) is never a section.
"""

import re
from dataclasses import dataclass
from html import escape

from .ranking import group_match

EXCERPT_WORDS = 30
BEFORE_FIRST_MATCH = 8
_EDGE = re.compile(r"^(\W*)(.*?)(\W*)$", re.DOTALL)


@dataclass(frozen=True)
class Section:
    heading: str
    anchor: str
    text: str


def lookup(encoded: str, term: str) -> str | None:
    """The value stored for `term` in " term:value term:value " (IndexedPart.weights, .positions)."""
    start = encoded.find(f" {term}:")
    if start < 0:
        return None
    start += len(term) + 2
    return encoded[start : encoded.index(" ", start)]


@dataclass
class Block:
    """The parts of a page with one anchor: a section, or a contact block with its people."""

    anchor: str
    heading: str
    kind: str
    position: int
    texts: list[tuple[str, str, str]]  # (text, weights, positions) of each part, in page order

    def weights(self, terms) -> dict[str, float]:
        found: dict[str, float] = {}
        for _text, weights, _positions in self.texts:
            for term in terms:
                value = lookup(weights, term)
                if value is not None:
                    found[term] = max(found.get(term, 0.0), float(value))
        return found

    def text_and_positions(self, wanted: set[str]) -> tuple[str, set[int]]:
        pieces, marked = [], set()
        for text, _weights, positions in self.texts:
            offset = len(pieces)
            pieces += text.split()
            for term in wanted:
                value = lookup(positions, term)
                if value:
                    marked.update(offset + int(p) for p in value.split(","))
        return " ".join(pieces), marked


def blocks_of(parts) -> tuple[Block | None, list[Block]]:
    """The head and the anchored blocks of one page's parts."""
    head, blocks = None, {}
    for part in sorted(parts, key=lambda p: p.position):
        if part.kind == "head":
            head = Block("", part.heading, "head", part.position, [(part.text, part.weights, part.positions)])
            continue
        block = blocks.get(part.anchor)
        if block is None:
            block = blocks[part.anchor] = Block(part.anchor, part.heading, part.kind, part.position, [])
        block.texts.append((part.text, part.weights, part.positions))
    return head, list(blocks.values())


def best_block(blocks: list[Block], groups, weights) -> Block | None:
    """The block matching the most of the query's words, then the one matching them best."""
    best, best_rank = None, (0, 0.0)
    wanted = {term for group in groups for term in group.terms()}
    for block in blocks:
        terms = block.weights(wanted)
        strengths = [group_match(g, terms) for g in groups]
        rank = (sum(1 for s in strengths if s), sum(w * s for w, s in zip(weights, strengths, strict=True)))
        if rank[0] and (rank[0] > best_rank[0] or (rank[0] == best_rank[0] and rank[1] > best_rank[1] + 1e-9)):
            best, best_rank = block, rank
    return best


def excerpt(block: Block | None, wanted: set[str]) -> str:
    """About EXCERPT_WORDS words of the block around its first match, as HTML with matches in <mark>."""
    if block is None:
        return ""
    text, marked = block.text_and_positions(wanted)
    pieces = text.split()
    if not pieces:
        return ""
    first = min(marked) if marked else 0
    start = max(0, first - BEFORE_FIRST_MATCH)
    window = []
    for index in range(start, min(len(pieces), start + EXCERPT_WORDS)):
        piece = pieces[index]
        if index in marked:
            lead, word, trail = _EDGE.match(piece).groups()
            window.append(f"{escape(lead)}<mark>{escape(word)}</mark>{escape(trail)}" if word else escape(piece))
        else:
            window.append(escape(piece))
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + EXCERPT_WORDS < len(pieces) else ""
    return prefix + " ".join(window) + suffix
