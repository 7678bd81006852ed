"""Body blocks as editors add them in the admin: the raw form Wagtail stores, appended and published."""

import uuid


def item(value) -> dict:
    return {"type": "item", "value": value, "id": str(uuid.uuid4())}


def add_blocks(page, *blocks: tuple[str, dict]):
    """Append `(block_type, value)` blocks to the page's body and publish it."""
    raw = list(page.body.raw_data)
    raw += [{"type": block_type, "value": value, "id": str(uuid.uuid4())} for block_type, value in blocks]
    page.body = raw
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def add_block(page, block_type: str, value: dict):
    return add_blocks(page, (block_type, value))


def section(heading: str, html: str) -> tuple[str, dict]:
    return "section", {"heading": heading, "body": html}


def link_to(target, text: str, linktype: str = "page") -> str:
    """A paragraph with a rich-text link to a page or a document, as Draftail stores it."""
    return f'<p><a linktype="{linktype}" id="{target.pk}">{text}</a></p>'


def related_links(heading: str, *, pages=(), documents=()) -> tuple[str, dict]:
    links = [item({"title": "", "page": page.pk}) for page in pages]
    links += [item({"title": "", "document": document.pk}) for document in documents]
    return "related_links", {"heading": heading, "links": links}


def contacts(heading: str, *people) -> tuple[str, dict]:
    return "contacts", {"heading": heading, "intro": "", "contacts": [item(person.pk) for person in people]}
