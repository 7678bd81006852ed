"""Security headers Django does not send by itself: Content-Security-Policy and Permissions-Policy.

Django's SecurityMiddleware already sends HSTS (production), `X-Content-Type-Options: nosniff`,
`Referrer-Policy` and `Cross-Origin-Opener-Policy`; XFrameOptionsMiddleware sends `X-Frame-Options`.

Three policies, by what a path serves:

- the site (reference templates, search page, documents): only this site's files; no script at all runs
  in the templates, and none may;
- the Wagtail admin: Wagtail 8 still writes inline scripts and styles in its forms and widgets
  (wagtail/wagtail#1288, #7053), so those are allowed there, and blob:/data: images (image previews);
  everything still comes from this site only, and editors are logged-in staff;
- the API's JSON: nothing may load at all, and no page may frame it.

A view that sends its own policy keeps it (GraphiQL's page, api/graphiql.py, has a stricter one).
Every policy forbids framing by other sites (`frame-ancestors 'self'`: Wagtail's preview frames the
site's own pages) and `<base>` and form targets elsewhere.
"""

from django.conf import settings

SITE_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    )
)
ADMIN_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        # The live preview shows the page in a frame of the admin's own.
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    )
)
API_POLICY = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

# Features no page of the site uses; an injected script or a framed page cannot ask for them either.
PERMISSIONS_POLICY = "camera=(), geolocation=(), microphone=(), payment=(), usb=()"


def policy_for(path: str) -> str:
    if path.startswith("/admin/"):
        return ADMIN_POLICY
    if path.rstrip("/") == "/graphql":
        return API_POLICY
    return SITE_POLICY


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        config = settings.SECURITY_HEADERS
        # A view's own policy is kept as it is (and never weakened to report-only).
        if config["CONTENT_SECURITY_POLICY"] and "Content-Security-Policy" not in response:
            report_only = config["CONTENT_SECURITY_POLICY_REPORT_ONLY"]
            name = "Content-Security-Policy-Report-Only" if report_only else "Content-Security-Policy"
            response.setdefault(name, policy_for(request.path_info))
        if config["PERMISSIONS_POLICY"]:
            response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
