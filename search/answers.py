"""Search answers kept in the process across publishes that cannot change them.

Every publish moves the content version on, which ends every page a process
keeps (`publishing.memo`). Search answers cost far more to make again than a
page, and most publishes do not touch them: an editor fixing a phone number
on one page does not change what «fylkesvei» finds. So an answer is kept
with its basis, what it was read from:

- `Term.changed` of every term the search looked up (written by
  `search.store` whenever a posting of the term is written or removed; a
  term that appears or goes is a change too);
- the index entries of the pages it shows (a page indexed again gets a new
  entry: its new title, path or excerpt ends the answer);
- `SearchEpoch`, for what every search depends on outside the postings
  (synonyms, promotions, sites, languages, contact people taken out);
- the number of public pages its scores were weighed with.

Under a new content version an answer is served again once one indexed
statement shows its basis unchanged, and from then on under that version
without any. Answers that depend on more are kept for their version only
(`IndexReader.version_only`): those that read near spellings (for a word the
site does not have), those with promoted pages (an editor's choice, which may
name a page not public yet), and those that met a page indexed again between
two of their reads (it left the answer for that search only).

The basis is read before what the answer is made from (the epoch first, each
term's number as the plan looks it up), so a change committed meanwhile can
only make the basis differ later, never hide. Only equality is compared.
"""

from dataclasses import dataclass, replace

from django.utils import timezone

from publishing.reader import memo_pool, site_deadline

from .ranking import IndexReader

POOL = "search"


@dataclass(frozen=True)
class Basis:
    epoch: int
    stamps: frozenset  # of (term, Term.changed or None)
    shown: tuple[int, ...]  # index entries of the pages shown
    pages: int


@dataclass(frozen=True)
class Kept:
    version: int
    basis: Basis | None  # None: true for `version` only
    answer: object
    expires: float


def basis_of(reader: IndexReader, pages: int) -> Basis | None:
    if reader.version_only:
        return None
    return Basis(reader.epoch_read, frozenset(reader.stamps.items()), tuple(reader.shown), pages)


def still_true(reader: IndexReader, basis: Basis) -> bool:
    terms = [term for term, _changed in basis.stamps]
    epoch, stamps, shown = reader.basis_now(terms, basis.shown)
    current = dict.fromkeys(terms)
    current.update(stamps)
    return (
        epoch == basis.epoch
        and frozenset(current.items()) == basis.stamps
        and shown == len(basis.shown)
        and reader.page_count() == basis.pages
    )


def answer(site, locale: str, key: tuple, version: int, make, *, size: int):
    """`make(reader)` for this site and key, or an answer kept from this or an earlier version still true now.

    `make` searches with the reader it is given: its clock, epoch (`reader.epoch_read`, for the synonyms) and
    page count are read before the answer is."""
    memo = memo_pool(POOL)
    key = (site.pk, site.root_url, *key)
    # The next scheduled change before the clock the search reads windows with: a page going live or
    # expiring while the search runs must end the answer, not fall before the moment it is kept from.
    until = site_deadline(site, version)
    kept = memo.get(key)
    if kept is not None and kept.version == version:
        return kept.answer
    reader = IndexReader(site, locale, timezone.now())
    if kept is not None and kept.basis is not None and still_true(reader, kept.basis):
        until = min(kept.expires, until)
        memo.set(key, replace(kept, version=version, expires=until), _size(kept, size), expires=until)
        return kept.answer
    reader.epoch_read = reader.epoch()
    pages = reader.page_count()
    found = make(reader)
    made = Kept(version, basis_of(reader, pages), found, until)
    memo.set(key, made, _size(made, size), expires=until)
    return found


def _size(kept: Kept, answer_size: int) -> int:
    # About 100 bytes per term stamp and shown entry, besides the answer itself.
    basis = kept.basis
    return answer_size + (100 * (len(basis.stamps) + len(basis.shown)) if basis else 0)
