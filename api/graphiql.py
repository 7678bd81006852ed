"""GraphiQL from this site's own static files: no CDN, so it works offline and under a strict CSP.

graphene-django's page loads React and GraphiQL from a public CDN. `make assets` copies the very
same files into `vendor/` (package.json pins the versions graphene-django's page names), served as
static files. Each file's hash below is the one graphene-django's page pins; tests/test_graphiql.py
checks the copies against it. The page itself sends no `integrity`: the production storage rewrites
the source-map comment inside graphiql.min.js, and same-origin files gain nothing from it.
"""

from dataclasses import dataclass

from django.contrib.staticfiles import finders
from django.core import checks
from graphene_django.views import GraphQLView


@dataclass(frozen=True)
class Asset:
    path: str
    integrity: str


_view = GraphQLView
STYLES = (
    Asset("vendor/graphiql/graphiql.min.css", _view.graphiql_css_sri),
    Asset("vendor/graphiql-plugin-explorer/style.css", _view.graphiql_plugin_explorer_css_sri),
)
# In load order: each needs the globals of those before it.
SCRIPTS = (
    Asset("vendor/react/react.production.min.js", _view.react_sri),
    Asset("vendor/react-dom/react-dom.production.min.js", _view.react_dom_sri),
    Asset("vendor/graphiql/graphiql.min.js", _view.graphiql_sri),
    Asset("vendor/graphql-ws/graphql-ws.min.js", _view.subscriptions_transport_ws_sri),
    Asset("vendor/graphiql-plugin-explorer/graphiql-plugin-explorer.umd.js", _view.graphiql_plugin_explorer_sri),
)

# Only this site's files load, and no inline script or style runs. GraphiQL's stylesheet carries
# its fonts and icons as data: URLs; the page's own icon is an empty data: URL.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "font-src 'self' data:",
        "img-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'self'",
    )
)


def page_context(data: dict) -> dict:
    """What our template adds to graphene-django's context: the local files and the page's settings as JSON."""
    return {
        "graphiql_styles": STYLES,
        "graphiql_scripts": SCRIPTS,
        # Read by api/graphiql_settings.js: an inline script would need 'unsafe-inline' for scripts.
        "graphene_settings": {
            "subscriptionPath": data.get("subscription_path"),
            "graphiqlHeaderEditorEnabled": bool(data.get("graphiql_header_editor_enabled")),
            "graphiqlShouldPersistHeaders": bool(data.get("graphiql_should_persist_headers")),
            "graphiqlInputValueDeprecation": bool(data.get("graphiql_input_value_deprecation")),
        },
    }


def missing_assets() -> list[str]:
    return [asset.path for asset in (*STYLES, *SCRIPTS) if finders.find(asset.path) is None]


def check_assets(app_configs=None, **kwargs):
    """With GraphiQL on, its files must be there: without them the page is blank (dev) or a 500 (manifest storage)."""
    from django.conf import settings

    if not settings.API["GRAPHIQL"]:
        return []
    missing = missing_assets()
    if not missing:
        return []
    return [
        checks.Error(
            f"GraphiQL is on but its files are not installed ({missing[0]} is missing).",
            hint="Run `make assets` (or switch GraphiQL off with GRAPHQL_GRAPHIQL=false).",
            id="api.E001",
        )
    ]
