"""Error messages as clients see them: short, and telling nothing the schema settings hide.

graphql-core quotes what the client sent (field names, values, whole
variables) and suggests near names ("Did you mean 'title'?"). Quoted input
is cut to a short prefix, so an error never echoes a megabyte back, and with
introspection off the suggestions go: they would spell out the schema
introspection is meant to keep private.
"""

import re

from django.conf import settings

QUOTED_MAX = 40
MESSAGE_MAX = 500
SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")
QUOTED = re.compile(r"""(['"])((?:(?!\1).){%d})(?:(?!\1).)+\1""" % QUOTED_MAX, re.S)  # noqa: UP031


def public_message(message: str) -> str:
    if not settings.API["INTROSPECTION"]:
        message = SUGGESTION.sub("", message)
    message = QUOTED.sub(lambda match: f"{match[1]}{match[2]}…{match[1]}", message)
    return message if len(message) <= MESSAGE_MAX else message[: MESSAGE_MAX - 1] + "…"


# Text the API cannot hash, store or compare: said the same way wherever it is found.
NOT_UNICODE = "Text in a query or its variables must be valid Unicode (no lone surrogates)."
