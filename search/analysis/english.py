"""Words spelled the English way, which Norwegian stemming and compound splitting would mangle.

«broadband» is not «broad» + «band», and «services» is not a Norwegian
inflection of «servic». A word counts as English when it has no Norwegian
letters and has a spelling Norwegian words (outside names and a few loans) do
not: w, q, x or z; th, sh, ph or wh at the start; oa, ou, ee or oo; or an
English ending (-tion, -sion, -ness, -ship, -ity, -ies, consonant + y).
Such words are matched whole, and through the editors' synonyms (English
starter synonyms come with migration 0006).
"""

import re

_ENGLISH = re.compile(r"[wqxz]|^(?:th|sh|ph|wh)|oa|ou|ee|oo|(?:tion|sion|ness|ship|ity|ies)s?$|[^aeiouy]ys?$")


def looks_english(word: str) -> bool:
    return word.isascii() and len(word) >= 3 and bool(_ENGLISH.search(word))
