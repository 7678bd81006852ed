from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


class Synonym(models.Model):
    """One group of words that should find each other, kept by editors.

    The search expands the *query* with the group at search time, so a new or
    changed group works at once, without re-indexing the site.
    """

    KIND_CHOICES = [
        ("variant", "Nynorsk/bokmål eller stavevariant"),
        ("acronym", "Forkortelse"),
        ("place", "Stedsnavn (norsk, samisk, kvensk)"),
        ("everyday", "Hverdagsord for fagord"),
        ("english", "Engelsk"),
    ]

    terms = models.TextField(
        "ord som betyr det samme",
        help_text="Skill med komma, f.eks. «bredbånd, breiband» eller «KDD, Kommunal- og distriktsdepartementet». "
        "Uttrykk med flere ord må alle finnes. Engelsk: det norske ordet først, så de engelske, "
        "f.eks. «bredbånd, broadband».",
    )
    kind = models.CharField("type", max_length=20, choices=KIND_CHOICES, default="variant")
    active = models.BooleanField("i bruk", default=True)

    class Meta:
        verbose_name = "synonym"
        verbose_name_plural = "synonymer"
        ordering = ["kind", "terms"]

    # A group is a handful of words (the loaded ones have at most six). Each of its words leads to
    # every other, so a pasted list of thousands made a map quadratic in its length that every
    # search reads: seconds per search and a cache entry of hundreds of megabytes.
    MAX_TERMS = 30
    MAX_TERM_LENGTH = 100

    def __str__(self) -> str:
        return self.terms

    def term_list(self) -> list[str]:
        return [term.strip() for term in self.terms.split(",") if term.strip()]

    def clean(self):
        terms = self.term_list()
        if len(terms) > self.MAX_TERMS:
            raise ValidationError(
                {"terms": f"En gruppe kan ha høyst {self.MAX_TERMS} ord; denne har {len(terms)}. Del den opp."}
            )
        too_long = [term for term in terms if len(term) > self.MAX_TERM_LENGTH]
        if too_long:
            raise ValidationError(
                {"terms": f"Hvert ord eller uttrykk kan ha høyst {self.MAX_TERM_LENGTH} tegn: «{too_long[0][:40]}…»."}
            )


class ZeroResultQuery(models.Model):
    """A search that found nothing, so editors can add content, synonyms or promotions."""

    query_string = models.CharField("søk", max_length=255, unique=True)
    hits = models.PositiveIntegerField("antall ganger", default=0)
    last_searched_at = models.DateTimeField("sist søkt", default=timezone.now)

    class Meta:
        verbose_name = "søk uten treff"
        verbose_name_plural = "søk uten treff"
        ordering = ["-hits", "query_string"]

    def __str__(self) -> str:
        return self.query_string


# The site search's own index (see search/store.py). Rows hold analysed terms, never raw
# query syntax, so PostgreSQL and SQLite match exactly the same way.


class IndexedPage(models.Model):
    """One public page of one site, as the search sees it."""

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="+")
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    locale = models.CharField(max_length=8)
    url_path = models.CharField(max_length=512)
    title = models.CharField(max_length=255)
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    tree_path = models.CharField(max_length=255, db_index=True)
    # When the page (and every ancestor) is public: exact at query time, whenever the scheduler runs.
    go_live_at = models.DateTimeField(null=True, blank=True)
    expire_at = models.DateTimeField(null=True, blank=True)
    # Every term and every word of the page, space-separated: what to take off the vocabulary when it is
    # indexed again.
    terms = models.TextField(blank=True)
    words = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["site", "page"], name="search_indexedpage_site_page")]
        indexes = [models.Index(fields=["site", "locale"], name="search_indexedpage_site_locale")]

    def __str__(self) -> str:
        return self.url_path


class IndexedPart(models.Model):
    """A part of a page a hit can point into: its head (title, intro), a section, a contact block or person."""

    KINDS = [("head", "head"), ("section", "section"), ("contacts", "contacts"), ("person", "person")]

    entry = models.ForeignKey(IndexedPage, on_delete=models.CASCADE, related_name="parts")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=KINDS)
    anchor = models.CharField(max_length=255, blank=True)
    heading = models.CharField(max_length=255, blank=True)
    text = models.TextField(blank=True)
    # " term:weight term:weight ": each term of the part with its weight, read by looking a term up
    # in the text (search.excerpts), which is far cheaper than decoding a structure for every hit.
    weights = models.TextField(blank=True)
    # " term:3,17 term:5 ": where in `text` (its whitespace-separated words, counted from 0) each term is.
    positions = models.TextField(blank=True)
    person_id = models.IntegerField(null=True, blank=True)
    go_live_at = models.DateTimeField(null=True, blank=True)
    expire_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["entry", "position"]

    def __str__(self) -> str:
        return f"{self.entry} #{self.anchor}"


class Posting(models.Model):
    """How strongly (0..1) one term says that a page, or a contact person shown on it, is about it.

    Searches read each term's postings best first and stop after a fixed number,
    so no query can make a search read more than that many rows per term.
    """

    term = models.CharField(max_length=64)
    # Indexed by the unique constraint below (entry first), which also answers "these terms on these pages".
    entry = models.ForeignKey(IndexedPage, on_delete=models.CASCADE, related_name="+", db_index=False)
    person_id = models.IntegerField(default=0)
    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="+")
    locale = models.CharField(max_length=8)
    impact = models.FloatField()
    go_live_at = models.DateTimeField(null=True, blank=True)
    expire_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "term", "person_id"], name="search_posting_entry_term_person")
        ]
        indexes = [models.Index(fields=["site", "locale", "term", "-impact"], name="search_posting_best_first")]

    def __str__(self) -> str:
        return f"{self.term} {self.entry_id} {self.impact:.2f}"


class Term(models.Model):
    """The site's vocabulary: each term, on how many pages, and a word it stands for (typo correction)."""

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="+")
    locale = models.CharField(max_length=8)
    term = models.CharField(max_length=64)
    surface = models.CharField(max_length=64)
    pages = models.IntegerField(default=0)
    # For finding near spellings: first letter and length of the term's folded form.
    initial = models.CharField(max_length=1)
    length = models.PositiveSmallIntegerField()
    # A number that changes whenever a posting of the term does (search.answers: a kept answer whose terms'
    # numbers are unchanged is still true after a publish).
    changed = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["site", "locale", "term"], name="search_term_site_locale_term")]
        indexes = [models.Index(fields=["site", "locale", "initial", "length"], name="search_term_near")]

    def __str__(self) -> str:
        return self.term


class SearchEpoch(models.Model):
    """One row: a number that changes whenever something every search depends on does, outside the postings.

    Synonyms, search promotions, sites and languages, and contact people taken
    out of pages (`search.answers`): a change of any of them ends every kept answer.
    """

    number = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.number)


class Word(models.Model):
    """The words the site's pages use, and on how many pages: parts for splitting compounds («tromsø»)."""

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="+")
    locale = models.CharField(max_length=8)
    word = models.CharField(max_length=64)
    pages = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["site", "locale", "word"], name="search_word_site_locale_word")]

    def __str__(self) -> str:
        return self.word
