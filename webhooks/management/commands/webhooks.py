"""`manage.py webhooks add|list|remove`: webhook endpoints as code (docs/webhooks.md).

Validation is the admin form's, so a URL the admin refuses is refused here
too; errors are one line on stderr and a non-zero exit code.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from webhooks.events import EVENTS
from webhooks.forms import EndpointForm
from webhooks.models import Endpoint


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class Command(BaseCommand):
    help = "Manage webhook endpoints: add, list, remove"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{add,list,remove}")
        add = actions.add_parser("add", help="Add an endpoint, or replace the one with the same name")
        add.add_argument("--name", required=True)
        add.add_argument("--url", required=True)
        add.add_argument(
            "--secret", required=True, help="At least 16 characters; the receiver checks signatures with it"
        )
        add.add_argument(
            "--events",
            default=",".join(EVENTS),
            help=f"Comma-separated; default all: {','.join(EVENTS)}",
        )
        add.add_argument("--disabled", action="store_true", help="Store it switched off")
        actions.add_parser("list", help="List endpoints (secrets are never shown)")
        remove = actions.add_parser("remove", help="Remove an endpoint and its delivery log")
        remove.add_argument("name")

    def handle(self, *args, action, **options):
        for option, value in options.items():
            # Bytes that are not UTF-8 (a terminal in another encoding) reach Python as lone surrogates,
            # which no database can store: one line, before anything is read or written.
            if isinstance(value, str) and not _is_unicode(value):
                raise CommandError(f"--{option}: not valid UTF-8 text; check the terminal's encoding (locale).")
        getattr(self, f"_{action}")(**options)

    def _add(self, *, name, url, secret, events, disabled, **options):
        chosen = [event.strip() for event in events.split(",") if event.strip()]
        unknown = [event for event in chosen if event not in EVENTS]
        if unknown:
            raise CommandError(f"Unknown event(s): {', '.join(unknown)}. Known: {', '.join(EVENTS)}")
        existing = Endpoint.objects.filter(name=name).first()
        form = EndpointForm(
            data={"name": name, "url": url, "secret": secret, "events": chosen, "enabled": not disabled},
            instance=existing,
        )
        if not form.is_valid():
            problems = "; ".join(
                f"--{field}: {' '.join(errors)}" if field != "__all__" else " ".join(errors)
                for field, errors in form.errors.items()
            )
            raise CommandError(problems)
        with transaction.atomic():
            endpoint = form.save()
        verb = "Updated" if existing else "Added"
        self.stdout.write(f"{verb} webhook endpoint {endpoint.name} -> {endpoint.url} ({', '.join(endpoint.events)})")

    def _list(self, **options):
        for endpoint in Endpoint.objects.order_by("name"):
            state = "enabled" if endpoint.enabled else "disabled"
            self.stdout.write(
                f"{endpoint.name}\t{endpoint.url}\t{state}\t{','.join(endpoint.events)}\tsecret {endpoint.masked_secret}"
            )

    def _remove(self, *, name, **options):
        deleted, _ = Endpoint.objects.filter(name=name).delete()
        if not deleted:
            raise CommandError(f"No webhook endpoint named {name!r}")
        self.stdout.write(f"Removed webhook endpoint {name}")
