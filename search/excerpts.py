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


@dataclass
class Block:
    """The parts of a page with one anchor: a section, or a contact block with its people."""

    anchor: str
    heading: str
    kind: str
    position: int
    texts: list[tuple[str, dict]]  # (text, terms) of each part, in page order

    def terms(self) -> dict[str, float]:
        found: dict[str, float] = {}
        for _text, terms in self.texts:
            for term, (weight, _positions) in terms.items():
                found[term] = max(found.get(term, 0.0), weight)
        return found

    def text_and_positions(self, wanted: set[str]) -> tuple[str, set[int]]:
        pieces, marked = [], set()
        for text, terms in self.texts:
            offset = len(pieces)
            pieces += text.split()
            for term, (_weight, positions) in terms.items():
                if term in wanted:
                    marked.update(offset + p for p in positions)
        return " ".join(pieces), marked


def blocks_of(parts) -> tuple[Block | None, list[Block]]:
    """The head and the anchored blocks of one page's parts."""
    head, blocks = None, {}
    for part in sorted(parts, key=lambda p: p.position):
        if part.kind == "head":
            head = Block("", part.heading, "head", part.position, [(part.text, part.terms)])
            continue
        block = blocks.get(part.anchor)
        if block is None:
            block = blocks[part.anchor] = Block(part.anchor, part.heading, part.kind, part.position, [])
        block.texts.append((part.text, part.terms))
    return head, list(blocks.values())


def best_block(blocks: list[Block], groups, weights) -> Block | None:
    best, best_score = None, 0.0
    for block in blocks:
        terms = block.terms()
        score = sum(w * group_match(g, terms) for g, w in zip(groups, weights, strict=True))
        if score > best_score + 1e-9:
            best, best_score = block, score
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
