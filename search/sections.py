"""The parts of a page a search hit can point into."""

import re
from dataclasses import dataclass
from html import unescape


@dataclass(frozen=True)
class Section:
    heading: str
    anchor: str
    text: str


_TAG = re.compile(r"<[^>]*>")


def rich_text_to_plain(source: str) -> str:
    # Editor rich text is well-formed and only used here for matching and
    # excerpts (escaped again on output), so a tag strip is enough and much
    # cheaper than building the blocks.
    return " ".join(unescape(_TAG.sub(" ", source or "")).split())


def page_sections(page) -> list[Section]:
    """Each `section` block of the page with its stable anchor, in page order."""
    body = getattr(page, "body", None)
    if body is None or not hasattr(page, "section_anchors"):
        return []
    anchors = page.section_anchors()
    sections = []
    for child in body.raw_data:
        if child.get("type") != "section":
            continue
        value = child.get("value") or {}
        sections.append(
            Section(
                heading=value.get("heading", ""),
                anchor=anchors.get(child.get("id"), ""),
                text=rich_text_to_plain(value.get("body", "")),
            )
        )
    return sections


def page_text(page) -> str:
    """Everything searchable on the page outside its sections, for excerpts of non-section hits."""
    parts = [getattr(page, "intro", ""), page.search_description]
    for helper in ("body_text", "contact_text"):
        if hasattr(page, helper):
            parts.append(getattr(page, helper)())
    return "\n".join(part for part in parts if part)
