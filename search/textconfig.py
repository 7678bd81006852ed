"""The PostgreSQL text search configuration `norwegian_cms`.

Token pipeline for words (first dictionary that recognises a token wins; filters
pass a rewritten token on):

1. `nocms_stop`   drops Norwegian stop words before anything else, so "til" never
                  reaches the Hunspell dictionary and comes out as "tile";
2. `nocms_sami`   (filter) folds Sami letters (á č đ ŋ š ŧ ž) so "Gáivuotna" and
                  "Gaivuotna" meet; æ, ø and å are Norwegian letters and are never folded;
3. `nocms_nn2nb`  (filter) rewrites a few long, unambiguous nynorsk stems to bokmål,
                  also inside compounds ("tilskotsordninga" -> "tilskuddsordninga");
4. `nocms_nb`     Hunspell bokmål, compound-capable words only: splits compounds
                  ("dagligvarebutikker" -> dagligvare, butikk, ...);
5. `norwegian_stem` Snowball, for everything Hunspell does not know.

The dictionary files come from `search/pg/build_dictionaries.sh`. When they are
missing (managed PostgreSQL, a developer database without hunspell-no),
`norwegian_cms` becomes a copy of the stock `norwegian` configuration, so the
search keeps working with plain stemming and the setting never has to change.
"""

import logging
from dataclasses import dataclass

from django.db import DatabaseError, transaction

CONFIG_NAME = "norwegian_cms"
DICTIONARIES = ("nocms_stop", "nocms_sami", "nocms_nn2nb", "nocms_nb")

logger = logging.getLogger(__name__)

FULL_CONFIG_SQL = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE TEXT SEARCH DICTIONARY nocms_stop (TEMPLATE = simple, StopWords = norwegian, Accept = false)",
    "CREATE TEXT SEARCH DICTIONARY nocms_sami (TEMPLATE = unaccent, Rules = 'nocms_sami')",
    "CREATE TEXT SEARCH DICTIONARY nocms_nn2nb (TEMPLATE = unaccent, Rules = 'nocms_nn2nb')",
    "CREATE TEXT SEARCH DICTIONARY nocms_nb"
    " (TEMPLATE = ispell, DictFile = nocms_nb, AffFile = nocms_nb, StopWords = norwegian)",
    f"CREATE TEXT SEARCH CONFIGURATION {CONFIG_NAME} (COPY = pg_catalog.norwegian)",
    f"ALTER TEXT SEARCH CONFIGURATION {CONFIG_NAME} ALTER MAPPING FOR asciiword, asciihword, hword_asciipart"
    " WITH nocms_stop, nocms_nn2nb, nocms_nb, norwegian_stem",
    f"ALTER TEXT SEARCH CONFIGURATION {CONFIG_NAME} ALTER MAPPING FOR word, hword, hword_part"
    " WITH nocms_stop, nocms_sami, nocms_nn2nb, nocms_nb, norwegian_stem",
    # Numbers stay whole ("2023", "E6"), never stemmed.
    f"ALTER TEXT SEARCH CONFIGURATION {CONFIG_NAME} ALTER MAPPING FOR numword, numhword, hword_numpart WITH simple",
]

FALLBACK_CONFIG_SQL = [f"CREATE TEXT SEARCH CONFIGURATION {CONFIG_NAME} (COPY = pg_catalog.norwegian)"]

FALLBACK_WARNING = (
    "WARNING: the Norwegian search dictionaries are not installed in PostgreSQL's tsearch_data "
    f"({{error}}). `{CONFIG_NAME}` is now a copy of the stock `norwegian` configuration: no compound "
    "splitting and no Sami folding. Install them with search/pg/build_dictionaries.sh (needs hunspell-no), "
    "then run `manage.py search_config` and `manage.py update_index`."
)


@dataclass
class InstallResult:
    full: bool
    message: str


def _drop(cursor):
    cursor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG_NAME}")
    for name in DICTIONARIES:
        cursor.execute(f"DROP TEXT SEARCH DICTIONARY IF EXISTS {name}")


def install(connection) -> InstallResult:
    """(Re)create `norwegian_cms` on a PostgreSQL connection; never fails for missing files."""
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            _drop(cursor)
            for statement in FULL_CONFIG_SQL:
                cursor.execute(statement)
    except DatabaseError as error:
        # PostgreSQL opens the dictionary files when the dictionary is created, so a
        # missing file fails here, inside the savepoint, and nothing half-made remains.
        reason = str(error).strip().splitlines()[0]
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            _drop(cursor)
            for statement in FALLBACK_CONFIG_SQL:
                cursor.execute(statement)
        message = FALLBACK_WARNING.format(error=reason)
        logger.warning(message)
        return InstallResult(full=False, message=message)
    return InstallResult(full=True, message=f"`{CONFIG_NAME}` created with Hunspell compound splitting.")


def is_full(connection) -> bool:
    """Whether `norwegian_cms` on this database splits compounds (not the stock fallback)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_ts_dict WHERE dictname = 'nocms_nb'")
        return cursor.fetchone() is not None
