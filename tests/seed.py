"""The county's public text, read independently of the project's loader data."""

import re
from pathlib import Path

from django.conf import settings

SHARED_SEED = settings.BASE_DIR.parent / "shared" / "seed" / "attraktive-samfunn.txt"
PROJECT_SEED = settings.BASE_DIR / "content_models" / "demo_content" / "seed" / "attraktive-samfunn.txt"

TOPIC = "Attraktive samfunn"
THEMES = [
    "Omstilling",
    "Næringsutvikling og kompetanse",
    "Infrastruktur",
    "Nasjonale satsninger og programmer",
]
# Obvious typos the loader corrects (DEVELOPERS.md allows it).
TYPO_FIXES = {"Omstillingstillingsprogrammet": "Omstillingsprogrammet", "Kvænanen": "Kvænangen"}


def normalise(text: str) -> str:
    for wrong, right in TYPO_FIXES.items():
        text = text.replace(wrong, right)
    return re.sub(r"\s+", " ", text).strip()


def seed_lines() -> list[str]:
    path = SHARED_SEED if SHARED_SEED.exists() else PROJECT_SEED
    return [normalise(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def spans() -> dict[str, list[str]]:
    """Seed lines per page title: the topic page first, then each theme."""
    result: dict[str, list[str]] = {TOPIC: []}
    current = TOPIC
    for line in seed_lines():
        if line in THEMES:
            current = line
            result[current] = []
        result[current].append(line)
    return result
