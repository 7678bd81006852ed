"""The reference HTML site: the same public content, through the same reader, as the API.

A public page is rendered from its stored public form. Anything else goes to
Wagtail's own page serving, where `web.wagtail_hooks` answers 404 unless the
page is public apart from a view restriction; then Wagtail asks for the
password or a login, as it does on any Wagtail site.
"""

from django.template.response import TemplateResponse
from django.utils.translation import get_language
from wagtail import views as wagtail_views

from publishing.languages import default_language, languages, url_prefix
from publishing.reader import PublicContent

from .pages import template_for


def serve(request, path):
    # The language prefix (/nn/) was taken off the path by i18n_patterns; the stored public path has it.
    prefix = url_prefix(get_language() if get_language() in languages() else default_language())
    record = PublicContent.for_request(request).page_by_path(prefix + "/" + path)
    if record is None:
        return wagtail_views.serve(request, path)
    return TemplateResponse(request, template_for(record.type_name), {"page": record})
