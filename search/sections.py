"""Plain text of editor rich text, for indexing and excerpts."""

import re
from html import unescape

_TAG = re.compile(r"<[^>]*>")


def rich_text_to_plain(source: str) -> str:
    # Editor rich text is well-formed and only used here for matching and
    # excerpts (escaped again on output), so a tag strip is enough and much
    # cheaper than building the blocks.
    return " ".join(unescape(_TAG.sub(" ", source or "")).split())
