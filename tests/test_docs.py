"""The README stays short, and every link in it and in docs/ leads somewhere."""

import re

import pytest
from django.conf import settings

DOCUMENTS = [
    "README.md",
    *sorted(str(p.relative_to(settings.BASE_DIR)) for p in (settings.BASE_DIR / "docs").glob("*.md")),
]


def test_readme_reads_in_five_minutes():
    assert len((settings.BASE_DIR / "README.md").read_bytes()) <= 10 * 1024, "move the detail into docs/"


@pytest.mark.parametrize("document", DOCUMENTS)
def test_relative_links_lead_to_files(document):
    path = settings.BASE_DIR / document
    for target in re.findall(r"\]\(([^)\s]+)\)", path.read_text()):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue
        assert (path.parent / target.split("#")[0]).exists(), f"{document} links to {target}"
