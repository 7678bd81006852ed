"""The reference HTML site: the same public content, through the same reader, as the API.

A public page is rendered from its stored public form. Anything else goes to
Wagtail's own page serving, where `web.wagtail_hooks` answers 404 unless the
page is public apart from a view restriction; then Wagtail asks for the
password or a login, as it does on any Wagtail site.
"""

from django.template.response import TemplateResponse
from wagtail import views as wagtail_views

from publishing.reader import PublicContent

from .pages import template_for


def serve(request, path):
    record = PublicContent.for_request(request).page_by_path("/" + path)
    if record is None:
        return wagtail_views.serve(request, path)
    return TemplateResponse(request, template_for(record.type_name), {"page": record})
