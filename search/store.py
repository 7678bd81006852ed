"""Writing the search index: analysed terms of public pages, with the vocabulary kept in step.

`index(site, records)` replaces what the index holds for pages whose stored
public form was just written (`search.indexing` calls it as the store writes);
`rebuild()` does every stored page of every site, reading the site's words
first so a compound on one page can be split with words from all the others. Impacts (0..1) are stored per term and page (and per
contact person shown on it, who has a window of their own):

    impact = weight of the best field the term occurs in (title 1.0, heading 0.8, intro 0.7,
             contact name 0.7, body 0.5, contact role 0.5, contact heading 0.4)
             * how the term came from the word (whole word 1.0, nynorsk form 0.95,
               «etter-» expansion 0.9, run of compound parts 0.8, one part 0.7)
             * (0.8 + 0.2 * min(occurrences - 1, 3) / 3)
"""

import secrets
from collections import Counter, defaultdict
from datetime import UTC, datetime

from django.db import connection, transaction
from django.db.models import F
from wagtail.models import Site

from publishing.models import PublicPage
from publishing.version import bump_content_version

from .analysis import Analyser
from .analysis.analyser import WHOLE
from .analysis.text import fold, words
from .documents import Document, document_of, stored_documents
from .models import IndexedPage, IndexedPart, Posting, SearchEpoch, Term, Word
from .synonyms import synonym_map

MAX_TERM = 64
BATCH = 200
# A posting as `_postings_of` reads it and `_write_rows` writes it: a change in any of these is a change of the
# term (its page's too: two pages re-indexed together may have the same posting, one losing it).
POSTING_FIELDS = ("site_id", "locale", "entry__page_id", "term", "person_id", "impact", "go_live_at", "expire_at")


def _tf_factor(count: int) -> float:
    return 0.8 + 0.2 * min(count - 1, 3) / 3


def known_words(site_id: int, locale: str) -> set[str]:
    """Words compounds may be split into besides the dictionary's: the site's own and the editors' synonyms."""
    return set(Word.objects.filter(site_id=site_id, locale=locale).values_list("word", flat=True)) | synonym_words()


def synonym_words() -> set[str]:
    found = set()
    for variants in synonym_map().variants.values():
        for variant in variants:
            found.update(w for w in words(variant) if w.isalpha() and len(w) >= 4)
    return found


class _Analysed:
    """One document's parts and postings, analysed."""

    def __init__(self, document: Document, analyser: Analyser):
        self.document = document
        self.parts: list[tuple[object, dict]] = []
        # (person id or 0) -> term -> [best weight, occurrences]
        self.postings: dict[int, dict[str, list]] = defaultdict(dict)
        self.surfaces: dict[str, str] = {}
        for part in document.parts:
            terms: dict[str, list] = {}
            doc = self.postings[part.person_id or 0]
            for text, weight, offset in part.fields:
                for position, found in analyser.text_terms(text):
                    for term in found:
                        key = term.text[:MAX_TERM]
                        strength = weight * term.weight
                        entry = terms.get(key)
                        if entry is None:
                            entry = terms[key] = [0.0, []]
                        if strength > entry[0]:
                            entry[0] = round(strength, 4)
                        if offset is not None:
                            entry[1].append(offset + position)
                        best = doc.get(key)
                        if best is None:
                            best = doc[key] = [0.0, 0]
                        if strength > best[0]:
                            best[0] = strength
                        best[1] += 1
                        if term.weight == WHOLE or key not in self.surfaces:
                            self.surfaces[key] = term.source[:MAX_TERM]
            self.parts.append((part, terms))

    def terms(self) -> set[str]:
        return {term for doc in self.postings.values() for term in doc}


def index(records, site_id: int | None = None) -> int:
    """Index these stored public pages (`publishing.records.PageRecord`, of the site `site_id` if given) again;
    how many."""
    documents = [document_of(record) for record in records]
    return _replace([d.page_id for d in documents], documents, analysers={}, site_id=site_id)


def refresh(page_ids) -> int:
    """Index the pages again from their stored public form (or remove them, if they have none)."""
    page_ids = list(dict.fromkeys(page_ids))
    indexed = 0
    for start in range(0, len(page_ids), BATCH):
        batch = page_ids[start : start + BATCH]
        documents = [d for site in Site.objects.all() for d in stored_documents(site, batch)]
        indexed += _replace(batch, documents, analysers={})
    return indexed


def remove(page_ids, site_id: int | None = None):
    """Take these pages out of the index of the site `site_id` (of every site: None)."""
    _replace(list(page_ids), [], analysers={}, site_id=site_id)


# A moment long past: rows whose window ended then are never public again.
HIDDEN = datetime(2000, 1, 1, tzinfo=UTC)


def hide_people(page_ids, person_ids):
    """Take these people out of these pages' index rows now (parts and postings), until the pages are indexed again.

    Their pages' stored form is made again by the worker; the person may have been unpublished or deleted, so
    nothing of them may be found or quoted before that. Rows are closed through their window, the same filter
    every search read applies.
    """
    entries = list(IndexedPage.objects.filter(page_id__in=list(page_ids)).values_list("pk", flat=True))
    person_ids = list(person_ids)
    if not entries or not person_ids:
        return
    with transaction.atomic():
        # Their pages keep their entries (a kept answer showing one would go on quoting the person). First,
        # the content version's row before any index row, as every writer takes them.
        touch_epoch()
        IndexedPart.objects.filter(entry_id__in=entries, person_id__in=person_ids).update(expire_at=HIDDEN)
        Posting.objects.filter(entry_id__in=entries, person_id__in=person_ids).update(expire_at=HIDDEN)


def missing_pages(sites) -> list[int]:
    """Stored public pages of the sites that the index does not hold (a new install, an index never built)."""
    missing = []
    for site in sites:
        indexed = IndexedPage.objects.filter(site=site).values("page_id")
        missing += PublicPage.objects.filter(site=site).exclude(page_id__in=indexed).values_list("page_id", flat=True)
    return missing


def rebuild(sites=None, *, progress=None) -> int:
    """Index every stored public page of the sites (all by default) from scratch."""
    sites = list(sites or Site.objects.select_related("root_page"))
    total = 0
    for site in sites:
        ids = list(PublicPage.objects.filter(site=site).order_by("path").values_list("page_id", flat=True))
        with transaction.atomic():
            touch_epoch()  # first: the content version's row before any index row, as every writer takes them
            IndexedPage.objects.filter(site=site).delete()
            Term.objects.filter(site=site).delete()
            Word.objects.filter(site=site).delete()
        # First every word of the site, so splitting does not depend on the order pages are read in.
        vocabulary: dict[str, set[str]] = defaultdict(set)
        for start in range(0, len(ids), BATCH):
            for document in stored_documents(site, ids[start : start + BATCH]):
                vocabulary[document.locale].update(_document_words(document))
        extra = synonym_words()
        analysers = {site.pk: {locale: Analyser(locale, found | extra) for locale, found in vocabulary.items()}}
        for start in range(0, len(ids), BATCH):
            documents = stored_documents(site, ids[start : start + BATCH])
            total += _replace([], documents, analysers=analysers, site_id=site.pk)
            if progress:
                progress(min(start + BATCH, len(ids)), len(ids))
    return total


def _document_words(document: Document) -> set[str]:
    cached = getattr(document, "_words", None)
    if cached is not None:
        return cached
    found = set()
    for part in document.parts:
        for text, _weight, _offset in part.fields:
            for word in words(text):
                found.update(p for p in word.split("-") if p.isalpha() and 4 <= len(p) <= MAX_TERM)
    document._words = found
    return found


def _analyser(analysers: dict, site_id: int, locale: str, documents) -> Analyser:
    if locale not in analysers:
        own = set().union(*(_document_words(d) for d in documents)) if documents else set()
        analysers[locale] = Analyser(locale, known_words(site_id, locale) | own)
    return analysers[locale]


def _replace(page_ids: list[int], documents: list[Document], *, analysers: dict, site_id: int | None = None) -> int:
    """Replace the index rows of `page_ids` (and of the documents' pages) with `documents`, in the site `site_id`
    (a page may be in two sites, each storing it on its own) or in every site (None).

    The documents are analysed first; the writes then take the content version's row first, as every writer of
    public content does (`publishing.store`), so a publish waits for a batch's writes, not for its analysis."""
    by_site: dict[tuple[int, str], list[Document]] = defaultdict(list)
    for document in documents:
        by_site[(document.site_id, document.locale)].append(document)
    analysed_documents = []
    for (document_site, locale), site_documents in by_site.items():
        analyser = _analyser(analysers.setdefault(document_site, {}), document_site, locale, site_documents)
        analysed_documents += [_Analysed(document, analyser) for document in site_documents]
    with transaction.atomic():
        # A change of what searches find is a change of public content: kept answers look again
        # (search.answers).
        bump_content_version()
        _write(set(page_ids) | {d.page_id for d in documents}, analysed_documents, site_id)
    return len(documents)


def _write(page_ids: set[int], analysed_documents: list[_Analysed], site_id: int | None):
    entries = IndexedPage.objects.filter(page_id__in=page_ids)
    if site_id is not None:
        entries = entries.filter(site_id=site_id)
    old = entries.values_list("pk", "site_id", "page_id", "locale", "tree_path", "terms", "words")
    delta: dict[tuple[int, str], Counter] = defaultdict(Counter)
    word_delta: dict[tuple[int, str], Counter] = defaultdict(Counter)
    old_entries, old_places = [], {}
    for entry_id, entry_site, page_id, locale, tree_path, stored_terms, page_words in old:
        terms = stored_terms.split()
        old_entries.append(entry_id)
        old_places[(entry_site, page_id)] = (locale, tree_path, terms)
        delta[(entry_site, locale)].subtract(terms)
        word_delta[(entry_site, locale)].subtract(page_words.split())
    changed = _postings_of(old_entries)
    IndexedPage.objects.filter(pk__in=old_entries).delete()

    surfaces: dict[tuple[int, str], dict[str, str]] = defaultdict(dict)
    rows = []  # (IndexedPage, analysed) for the batch, written together
    for analysed in analysed_documents:
        document = analysed.document
        key = (document.site_id, document.locale)
        terms = analysed.terms()
        page_words = _document_words(document)
        delta[key].update(terms)
        word_delta[key].update(page_words)
        before = old_places.get((document.site_id, document.page_id))
        if before is not None and before[1] != document.tree_path:
            # Moved: its place orders it among pages of equal score, in answers that do not show it too.
            changed.update((document.site_id, before[0], document.page_id, term) for term in {*before[2], *terms})
        for term in terms:
            surfaces[key].setdefault(term, analysed.surfaces.get(term, term))
        entry = IndexedPage(
            site_id=document.site_id,
            page_id=document.page_id,
            locale=document.locale,
            url_path=document.url_path[:512],
            title=document.title[:255],
            content_type_id=document.content_type_id,
            tree_path=document.tree_path,
            go_live_at=document.go_live_at,
            expire_at=document.expire_at,
            terms=" ".join(sorted(terms)),
            words=" ".join(sorted(page_words)),
        )
        rows.append((entry, analysed))
    IndexedPage.objects.bulk_create([entry for entry, _ in rows])
    if rows and rows[0][0].pk is None:
        # A database that cannot return ids from a bulk insert: read them back.
        found = IndexedPage.objects.filter(page_id__in=page_ids).values_list("site_id", "page_id", "id")
        ids = {(entry_site, page_id): pk for entry_site, page_id, pk in found}
        for entry, _ in rows:
            entry.pk = ids[(entry.site_id, entry.page_id)]
    changed ^= _write_rows(rows)
    for (entry_site, locale), counts in delta.items():
        _count_terms(entry_site, locale, counts, surfaces.get((entry_site, locale), {}))
    for (entry_site, locale), counts in word_delta.items():
        _count(Word, "word", entry_site, locale, counts, lambda word: Word(word=word))
    _mark_changed(changed)


def _postings_of(entry_ids) -> set[tuple]:
    """The postings of these index entries, as `_write_rows` returns those it writes."""
    found = set()
    for start in range(0, len(entry_ids), BATCH):
        found.update(Posting.objects.filter(entry_id__in=entry_ids[start : start + BATCH]).values_list(*POSTING_FIELDS))
    return found


def _mark_changed(postings):
    """Give the terms of these postings (written or removed; `(site, locale, page, term, ...)`) a new
    `Term.changed`: kept answers using them end.

    A term with no page left has no row any more, which ends them too (`search.answers`)."""
    by_site: dict[tuple[int, str], set[str]] = defaultdict(set)
    for site_id, locale, _page_id, term, *_rest in postings:
        by_site[(site_id, locale)].add(term)
    number = new_number()
    for (site_id, locale), terms in by_site.items():
        terms = sorted(terms)
        for start in range(0, len(terms), 500):
            Term.objects.filter(site_id=site_id, locale=locale, term__in=terms[start : start + 500]).update(
                changed=number
            )


def new_number() -> int:
    """A number no term or epoch had before: answers compare these for equality only, never order."""
    return secrets.randbits(62)


@transaction.atomic
def touch_epoch():
    """Something every search depends on changed outside the postings: every kept answer ends."""
    bump_content_version()
    SearchEpoch.objects.update_or_create(pk=1, defaults={"number": new_number()})


def _write_rows(rows) -> set[tuple]:
    parts, postings, written = [], [], set()
    adapt = connection.ops.adapt_datetimefield_value
    for entry, analysed in rows:
        document = analysed.document
        windows = {}
        for position, (part, terms) in enumerate(analysed.parts):
            go_live, expire = _narrower(document, part)
            windows[part.person_id or 0] = (go_live, expire)
            parts.append(
                IndexedPart(
                    entry_id=entry.pk,
                    position=position,
                    kind=part.kind,
                    anchor=part.anchor[:255],
                    heading=part.heading[:255],
                    text=part.text,
                    weights=_encode({term: value[0] for term, value in terms.items()}),
                    positions=_encode(
                        {term: ",".join(map(str, value[1])) for term, value in terms.items() if value[1]}
                    ),
                    person_id=part.person_id,
                    go_live_at=go_live,
                    expire_at=expire,
                )
            )
        for person_id, terms in analysed.postings.items():
            go_live, expire = windows.get(person_id, (document.go_live_at, document.expire_at))
            for term, (weight, count) in terms.items():
                impact = round(min(1.0, weight * _tf_factor(count)), 4)
                postings.append((term, entry.pk, person_id, entry.site_id, entry.locale, impact, go_live, expire))
                written.add((entry.site_id, entry.locale, entry.page_id, term, person_id, impact, go_live, expire))
    IndexedPart.objects.bulk_create(parts, batch_size=500)
    # Postings are the bulk of the index (about a hundred rows a page): written without model objects.
    table = Posting._meta.db_table
    sql = (
        f"INSERT INTO {table} (term, entry_id, person_id, site_id, locale, impact, go_live_at, expire_at)"  # noqa: S608
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(postings), 5000):
            cursor.executemany(
                sql, [(*row[:6], adapt(row[6]), adapt(row[7])) for row in postings[start : start + 5000]]
            )
    return written


def _encode(values: dict) -> str:
    """ " a:1 b:2 " (terms have no spaces or colons): see IndexedPart.weights."""
    return " " + " ".join(f"{key}:{value}" for key, value in values.items()) + " " if values else ""


def _narrower(document: Document, part) -> tuple:
    """A contact person's window within the page's: both must be open."""
    starts = [t for t in (document.go_live_at, part.go_live_at) if t]
    ends = [t for t in (document.expire_at, part.expire_at) if t]
    return (max(starts) if starts else None, min(ends) if ends else None)


def _count_terms(site_id: int, locale: str, counts: Counter, surfaces: dict[str, str]):
    def new(term):
        return Term(term=term, surface=surfaces.get(term, term), initial=fold(term)[:1], length=len(fold(term)))

    _count(Term, "term", site_id, locale, counts, new)


def _count(model, field: str, site_id: int, locale: str, counts: Counter, new):
    """Add each value's change in page count to the vocabulary; values no page has any more go."""
    counts = Counter({value: n for value, n in counts.items() if n})
    if not counts:
        return
    rows = []
    for value, n in counts.items():
        if n > 0:
            row = new(value)
            row.site_id, row.locale, row.pages = site_id, locale, 0
            rows.append(row)
    model.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    by_amount: dict[int, list[str]] = defaultdict(list)
    for value, n in counts.items():
        by_amount[n].append(value)
    existing = model.objects.filter(site_id=site_id, locale=locale)
    for n, values in by_amount.items():
        for start in range(0, len(values), 500):
            existing.filter(**{f"{field}__in": values[start : start + 500]}).update(pages=F("pages") + n)
    existing.filter(pages__lte=0).delete()
