"""Nynorsk forms rewritten to bokmål by inflection pattern, not word by word.

Snowball's Norwegian stemmer already treats most nynorsk endings like bokmål
ones (-ar/-ane plurals, -inga, -a past tense). These rules cover the patterns
it does not: adjective and noun suffixes (-leg → -lig, -heit → -het, -leik →
-lighet), and the diphthongs nynorsk keeps (au → ø, øy → ø). Question words
(kva, kven, korleis, …) and other nynorsk function words are stop words.
A rewritten form is only an alternative: the query uses it when the site has
it, so a rule can never take away a match the word had.
"""

import re

# (pattern, replacement), applied anywhere a suffix can end a compound part.
RULES = [
    (re.compile(r"(?<=\w{3})leg(?=(?:e|t|a|ast|are|aste)?(?:$|[^aeiouyæøå]))"), "lig"),
    (re.compile(r"(?<=\w{3})leik"), "lighet"),
    (re.compile(r"(?<=\w{3})heit"), "het"),
    (re.compile(r"(?<=\w{2})semd"), "somhet"),
    (re.compile(r"au(?=\w)"), "ø"),
    (re.compile(r"øy(?=\w)"), "ø"),
    (re.compile(r"(?<=\w{3})ande$"), "ende"),
    (re.compile(r"(?<=\w{3})ar$"), "er"),
    (re.compile(r"(?<=\w{3})ane$"), "ene"),
    (re.compile(r"(?<=\w{3})inga$"), "ingen"),
]


def bokmal_forms(word: str) -> list[str]:
    """Bokmål spellings of a nynorsk word: each rule alone, then all together."""
    forms = []
    combined = word
    for pattern, replacement in RULES:
        rewritten = pattern.sub(replacement, word)
        if rewritten != word:
            forms.append(rewritten)
            combined = pattern.sub(replacement, combined)
    if combined != word:
        forms.append(combined)
    return list(dict.fromkeys(forms))
