"""A NUL character in an admin address is refused before any view sees it.

PostgreSQL cannot hold or compare text containing NUL, so a `%00` in a query
parameter that Wagtail's admin views pass to the database unchecked (bulk
actions' `id`, the `locale` of snippet and chooser listings) ended in a 500.
The public channels check their own input; the admin is Wagtail's code, so the
check sits in front of it instead of inside it.
"""

from django.http import HttpResponseBadRequest

NUL_MESSAGE = "Adressen inneholder et ugyldig tegn (NUL)."


class RefuseNulInAdminMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/admin/") and (
            "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", "")
        ):
            return HttpResponseBadRequest(NUL_MESSAGE, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
