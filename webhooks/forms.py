"""The one validation of an endpoint, used by the admin form and `manage.py webhooks add` alike."""

from django import forms

from .addresses import RefusedAddress, resolve
from .events import EVENTS
from .models import Endpoint

MIN_SECRET_LENGTH = 16


class EndpointForm(forms.ModelForm):
    url = forms.URLField(
        label="Adresse",
        max_length=2000,
        assume_scheme="https",
        help_text="Adressen som får en POST ved hver hendelse.",
        error_messages={"invalid": "Skriv en gyldig adresse, f.eks. https://www.example.no/api/revalidate."},
    )
    secret = forms.CharField(
        label="Hemmelig nøkkel",
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=f"Minst {MIN_SECRET_LENGTH} tegn, f.eks. fra «openssl rand -hex 32». "
        "Vises aldri igjen; la feltet stå tomt for å beholde nøkkelen.",
    )
    events = forms.MultipleChoiceField(
        label="Hendelser",
        choices=list(EVENTS.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Velg minst én hendelse."},
    )

    class Meta:
        model = Endpoint
        fields = ["name", "url", "secret", "events", "enabled"]
        error_messages = {"name": {"unique": "Det finnes allerede en mottaker med dette navnet."}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.initial.setdefault("events", list(EVENTS))
        else:
            self.fields[
                "secret"
            ].help_text = f"Nåværende nøkkel: {self.instance.masked_secret}. La feltet stå tomt for å beholde den."

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            resolve(url)
        except RefusedAddress as exc:
            raise forms.ValidationError(str(exc)) from exc
        return url

    def clean_secret(self):
        secret = self.cleaned_data.get("secret", "")
        if not secret:
            if self.instance.pk and self.instance.secret:
                return self.instance.secret
            raise forms.ValidationError("Hemmelig nøkkel mangler.")
        if len(secret) < MIN_SECRET_LENGTH:
            raise forms.ValidationError(f"Hemmelig nøkkel må ha minst {MIN_SECRET_LENGTH} tegn.")
        return secret
