from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from ..api_fields import ORGANISATION_FIELDS
from ..phones import phone_problem


@register_setting(icon="site")
class OrganisationSettings(BaseSiteSetting):
    """Who publishes the site: shown in footers and required by Norwegian accessibility rules."""

    name = models.CharField("organisasjonsnavn", max_length=200, blank=True)
    switchboard_phone = models.CharField("sentralbord", max_length=30, blank=True)
    postal_address = models.TextField("postadresse", blank=True)
    email = models.EmailField("e-post (postmottak)", blank=True)
    accessibility_statement_url = models.URLField(
        "tilgjengelighetserklæring",
        blank=True,
        help_text="Lenke til tilgjengelighetserklæringen, som offentlige nettsteder i Norge skal ha.",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("switchboard_phone"),
        FieldPanel("postal_address"),
        FieldPanel("email"),
        FieldPanel("accessibility_statement_url"),
    ]

    graphql_fields = ORGANISATION_FIELDS

    def clean(self):
        super().clean()
        problem = phone_problem(self.switchboard_phone)
        if problem:
            raise ValidationError({"switchboard_phone": problem})

    class Meta:
        verbose_name = "organisasjon"
