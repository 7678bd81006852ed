#!/bin/sh
# Build the Norwegian full-text search files for PostgreSQL from Debian's hunspell-no
# and install them into PostgreSQL's tsearch_data directory.
#
#   search/pg/build_dictionaries.sh [TARGET_DIR]
#
# TARGET_DIR defaults to $(pg_config --sharedir)/tsearch_data (or the newest
# /usr/share/postgresql/*/tsearch_data). Needs only POSIX sh,
# iconv, sed and awk, so it also runs inside the postgres Docker image.
# After installing, run `manage.py search_config` (or migrate on a fresh database)
# and then `manage.py update_index`.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
HUNSPELL_DIR=${HUNSPELL_DIR:-/usr/share/hunspell}
if [ -n "${1:-}" ]; then
    TARGET=$1
elif command -v pg_config >/dev/null 2>&1; then
    TARGET=$(pg_config --sharedir)/tsearch_data
else
    TARGET=/usr/share/postgresql/$(ls /usr/share/postgresql | sort -V | tail -n1)/tsearch_data
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

for f in "$HUNSPELL_DIR/nb_NO.aff" "$HUNSPELL_DIR/nb_NO.dic"; do
    [ -r "$f" ] || { echo "missing $f: install the Debian package hunspell-no" >&2; exit 1; }
done

# Affix file. PostgreSQL's ispell parser only lets a suffix end the first part of a
# compound when the suffix itself carries the compound flag, so the linking "s"
# (omstilling-s-programmet) needs "/z". Prefix rules are dropped: they split
# "tilskot" into til+sko and "omstilling" into om+stille.
iconv -f ISO-8859-1 -t UTF-8 "$HUNSPELL_DIR/nb_NO.aff" \
    | sed -E 's#^SFX J( +)0( +)s( +)\[\^s\]$#SFX J\10\2s/z\3[^s]#' \
    | awk '!/^PFX /' >"$TMP/nocms_nb.affix"
grep -q '^SFX J *0 *s/z' "$TMP/nocms_nb.affix" \
    || { echo "nb_NO.aff changed upstream: the linking-s rule (SFX J) was not found" >&2; exit 1; }

# Dictionary: only words that may take part in compounds (flag z), which is what
# splitting needs. 11k instead of 334k words keeps the per-connection load at ~30 ms
# instead of ~800 ms; words outside it fall through to the Snowball stemmer.
# Words shorter than 4 letters are left out, as hunspell's COMPOUNDMIN 4 (which
# PostgreSQL ignores) would do. The length test runs on ISO-8859-1, one byte a letter.
{
    tail -n +2 "$HUNSPELL_DIR/nb_NO.dic"
    iconv -f UTF-8 -t ISO-8859-1 "$HERE/extra_words.dic"
} | LC_ALL=C awk -F/ 'NF > 1 && $2 ~ /z/ && length($1) >= 4' \
    | iconv -f ISO-8859-1 -t UTF-8 >"$TMP/nocms_nb.dict"

cp "$HERE/nocms_sami.rules" "$HERE/nocms_nn2nb.rules" "$TMP/"
install -d "$TARGET"
install -m 644 "$TMP/nocms_nb.affix" "$TMP/nocms_nb.dict" "$TMP/nocms_sami.rules" "$TMP/nocms_nn2nb.rules" "$TARGET/"
echo "installed Norwegian search dictionaries ($(wc -l <"$TMP/nocms_nb.dict") compound words) into $TARGET"
