"""Text helpers shared by the loader, blocks and search."""

from django.utils.text import slugify

# Norwegian URL convention (as on the county's own site): æ, ø and å become a,
# o and a. NFKD in slugify already folds Sami letters such as á and č.
_NORWEGIAN_ASCII = str.maketrans({"æ": "a", "ø": "o", "å": "a", "Æ": "A", "Ø": "O", "Å": "A"})


def norwegian_slugify(text: str) -> str:
    return slugify(text.translate(_NORWEGIAN_ASCII))
