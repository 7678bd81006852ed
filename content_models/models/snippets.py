from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import DraftStateMixin, PreviewableMixin, RevisionMixin, TranslatableMixin
from wagtail.search import index

from ..api_fields import CONTACT_PERSON_FIELDS
from ..phones import phone_problem


class ContactPerson(TranslatableMixin, DraftStateMixin, RevisionMixin, PreviewableMixin, index.Indexed, models.Model):
    """A person the public can contact, entered once and reused on every page that shows them.

    Draft/publish and revisions mean a changed phone number is reviewed like a
    page edit; the public only ever sees the published version. Translatable:
    what a person answers for («bredbånd», «breiband») differs per language;
    the name stays the same (copied when a translation is made).
    """

    name = models.CharField("navn", max_length=200)
    job_title = models.CharField("stillingstittel", max_length=200, blank=True)
    responsibility = models.CharField(
        "ansvarsområde",
        max_length=255,
        blank=True,
        help_text="Hva personen kan svare på, slik det står på nettsiden, f.eks. «bredbånd».",
    )
    email = models.EmailField("e-post", blank=True, help_text="Jobbadresse. Bruk aldri private adresser.")
    phone = models.CharField(
        "telefon",
        max_length=30,
        blank=True,
        help_text="Jobbnummer, f.eks. «+47 77 78 80 00».",
    )

    panels = [
        FieldPanel("name"),
        MultiFieldPanel(
            [FieldPanel("job_title"), FieldPanel("responsibility")],
            heading="Rolle",
        ),
        MultiFieldPanel([FieldPanel("email"), FieldPanel("phone")], heading="Kontaktinformasjon"),
    ]

    graphql_fields = CONTACT_PERSON_FIELDS

    search_fields = [
        index.SearchField("name", boost=2),
        index.SearchField("responsibility"),
        index.SearchField("job_title"),
        index.AutocompleteField("name"),
        index.FilterField("live"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = "kontaktperson"
        verbose_name_plural = "kontaktpersoner"
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.responsibility})" if self.responsibility else self.name

    def clean(self):
        super().clean()
        problem = phone_problem(self.phone)
        if problem:
            raise ValidationError({"phone": problem})

    def get_preview_template(self, request, mode_name):
        return "snippets/contact_person_preview.html"
