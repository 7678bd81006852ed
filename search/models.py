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
    ]

    terms = models.TextField(
        "ord som betyr det samme",
        help_text="Skill med komma, f.eks. «bredbånd, breiband» eller «KDD, Kommunal- og distriktsdepartementet». "
        "Uttrykk med flere ord søkes som frase.",
    )
    kind = models.CharField("type", max_length=20, choices=KIND_CHOICES, default="variant")
    active = models.BooleanField("i bruk", default=True)

    class Meta:
        verbose_name = "synonym"
        verbose_name_plural = "synonymer"
        ordering = ["kind", "terms"]

    def __str__(self) -> str:
        return self.terms

    def term_list(self) -> list[str]:
        return [term.strip() for term in self.terms.split(",") if term.strip()]


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
