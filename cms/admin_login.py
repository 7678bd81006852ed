"""Wagtail's login form with its password label translated.

Wagtail's form takes the label "Password" from the field's name, which no catalogue can translate
(docs/upstream-translations.md offers the fix upstream).
"""

from django.utils.translation import gettext_lazy
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm


class LoginForm(WagtailLoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = gettext_lazy("Password")
