from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import ContactPerson


class ContactPersonViewSet(SnippetViewSet):
    model = ContactPerson
    icon = "user"
    menu_label = "Kontaktpersoner"
    menu_order = 200
    add_to_admin_menu = True
    list_display = ["name", "job_title", "responsibility", "email", "phone"]
    search_fields = ["name", "responsibility", "job_title"]
    ordering = ["name"]


register_snippet(ContactPersonViewSet)
