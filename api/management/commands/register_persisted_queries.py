"""Register query documents for persisted queries (the allow-list in PERSISTED_QUERIES_ONLY mode).

    manage.py register_persisted_queries frontend/queries/*.graphql

Each file holds one document, registered under the SHA-256 of its exact text
(what Apollo clients send) and named after the file.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from graphql import GraphQLError

from api.documents import prepare
from api.models import PersistedQuery
from api.persisted import sha256
from api.schema import schema


class Command(BaseCommand):
    help = "Register .graphql documents as persisted queries."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="Files with one GraphQL document each.")

    def handle(self, *args, files, **options):
        for name in files:
            path = Path(name)
            query = path.read_text(encoding="utf-8")
            errors = prepare(schema.graphql_schema, query).errors
            if errors:
                messages = "; ".join(e.message if isinstance(e, GraphQLError) else str(e) for e in errors)
                raise CommandError(f"{path}: {messages}")
            digest = sha256(query)
            PersistedQuery.objects.update_or_create(sha256=digest, defaults={"query": query, "name": path.stem})
            self.stdout.write(f"{digest}  {path}")
