"""Telephone numbers as the public dials them: the site and the API turn each into a `tel:` link.

Free text («ring sentralbordet», two numbers with a slash) made a link that dials nothing, so
editors are told at once, in the admin, rather than the public finding out.
"""

import re

# Digits with the separators people write («+47 77 78 80 00», «(+47) 77-78-80-00»); a plus only first.
PHONE = re.compile(r"[ (]*\+?[0-9 ()\-]+")
# E.164: at most 15 digits; three is the shortest Norwegian service number (113).
MIN_DIGITS, MAX_DIGITS = 3, 15
MESSAGE = "Skriv ett telefonnummer med sifre, f.eks. «+47 77 78 80 00»."


def phone_problem(value: str) -> str | None:
    """Why `value` is not one dialable number, or None when it is (or is empty)."""
    value = (value or "").strip()
    if not value:
        return None
    digits = sum(character.isdigit() for character in value)
    if not PHONE.fullmatch(value) or not MIN_DIGITS <= digits <= MAX_DIGITS:
        return MESSAGE
    return None
