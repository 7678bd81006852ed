from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import views
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


@hooks.register("register_admin_urls")
def missing_translations_url():
    return [path("reports/missing-translations/", views.missing_translations, name="missing_translations")]


@hooks.register("register_reports_menu_item")
def missing_translations_menu_item():
    return MenuItem("Sider som mangler oversettelse", reverse("missing_translations"), icon_name="globe", order=700)
