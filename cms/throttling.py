"""Slowing down password guessing: the admin login and the page password form.

After `LOGIN_THROTTLE["ATTEMPTS"]` failed tries within
`LOGIN_THROTTLE["WINDOW_SECONDS"]`, further tries from the same client (for
the same user name, or the same protected page) are answered 429 with a
`Retry-After` until the window has passed; a success clears the count. Counts
live in the shared cache, so every worker counts together.

A failed try is recognised as the login view answers it: the form shown again
(200) rather than a redirect onwards (302), so no view code is changed.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import Resolver404, resolve

from ops.clients import client_ip

# URL names of the forms guarded, and what besides the client identifies an attempt: a posted field, and
# URL arguments. A page password belongs to its restriction; the page id beside it in the URL only picks
# the page the form is shown for, and any page id works, so it must not start a fresh count.
GUARDED = {
    "wagtailadmin_login": ("username", ()),
    "wagtailcore_login": ("username", ()),
    "wagtailcore_authenticate_with_password": (None, ("page_view_restriction_id",)),
}


class LoginThrottleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = self._key(request)
        if key is None:
            return self.get_response(request)
        config = settings.LOGIN_THROTTLE
        if (cache.get(key) or 0) >= config["ATTEMPTS"]:
            response = HttpResponse(
                "For mange mislykkede forsøk. Vent litt og prøv igjen.",
                status=429,
                content_type="text/plain; charset=utf-8",
            )
            response["Retry-After"] = str(config["WINDOW_SECONDS"])
            return response
        response = self.get_response(request)
        if response.status_code == 200:
            cache.add(key, 0, timeout=config["WINDOW_SECONDS"])
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, timeout=config["WINDOW_SECONDS"])
        elif response.status_code in (301, 302, 303):
            cache.delete(key)
        return response

    @staticmethod
    def _key(request) -> str | None:
        if request.method != "POST" or not settings.LOGIN_THROTTLE["ATTEMPTS"]:
            return None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        if match.url_name not in GUARDED:
            return None
        field, arguments = GUARDED[match.url_name]
        who = (request.POST.get(field, "") or "").strip().lower() if field else ""
        parts = [match.url_name, *(str(match.kwargs[name]) for name in arguments), who, client_ip(request)]
        return "throttle:login:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()
