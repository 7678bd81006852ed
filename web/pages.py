"""Which template renders a page type: the page model's own `template`, in the `web/` folder."""

from functools import cache

from wagtail.models import get_page_models

DEFAULT = "web/pages/generic_page.html"


@cache
def _templates() -> dict[str, str]:
    # Wagtail names each model's template "<app>/<model_name>.html"; the public form is rendered by "web/pages/<model_name>.html".
    return {model.__name__: "web/pages/" + model.template.rsplit("/", 1)[-1] for model in get_page_models()}


def template_for(type_name: str) -> str:
    return _templates().get(type_name, DEFAULT)
