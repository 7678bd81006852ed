"""Norwegian text analysis for the site search, the same in PostgreSQL and SQLite.

Text is analysed here, in Python, both when a page is indexed and when a query
is searched, and only the resulting *terms* are stored, so both databases match
exactly the same words. A word passes through:

1. `text`: Unicode NFC, lower case, words split off (hyphenated words and
   «etter- og videreutdanning» kept together for step 5);
2. `stopwords`: bokmål and nynorsk function words are dropped;
3. `stemming`: the Snowball Norwegian stemmer, plus a final double consonant
   made single («programm» = «program»), so inflected forms meet;
4. `text.fold`: æ → a, ø → o, å → a and Sami and other accents dropped, stored
   next to the exact form, so «bredband», «dyroy» and «tromso» find «bredbånd»,
   «Dyrøy» and «Tromsø»;
5. `compounds`: compounds are split into words known from the Hunspell bokmål
   dictionary and the site's own vocabulary, and every run of adjacent parts is
   a term of its own («dagligvarebutikkene» → dagligvare, butikk, daglig, vare,
   varebutikk); «etter- og videreutdanning» also gives «etterutdanning»;
6. `nynorsk`: common nynorsk inflection patterns rewritten to bokmål
   (-leg → -lig, -heit → -het, …) as alternatives for words the site does not have;
7. `english`: words with English spelling are matched whole (or through the
   editors' synonyms), never stemmed or split into Norwegian words.

Every function takes a `locale` (`nb` by default; `nn` and `se` are accepted,
see `locales`).
"""

from .analyser import Analyser, Term, analyser_for
from .text import fold, normalise, words

__all__ = ["Analyser", "Term", "analyser_for", "fold", "normalise", "words"]
