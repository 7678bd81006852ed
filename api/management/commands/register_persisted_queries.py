"""Register query documents for persisted queries (the allow-list in PERSISTED_QUERIES_ONLY mode).

    manage.py register_persisted_queries frontend/queries/*.graphql

Each file holds one document, registered under the SHA-256 of its exact text
(what Apollo clients send) and named after the file.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
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
        # Every file is read and checked before any is registered: a deploy that names one bad file
        # registers nothing, rather than the files before it.
        documents = [(Path(name), self._document(Path(name))) for name in files]
        with transaction.atomic():
            for path, query in documents:
                digest = sha256(query)
                PersistedQuery.objects.update_or_create(sha256=digest, defaults={"query": query, "name": path.stem})
                self.stdout.write(f"{digest}  {path}")

    @staticmethod
    def _document(path: Path) -> str:
        try:
            query = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as error:
            raise CommandError(f"{path}: not UTF-8 text.") from error
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror or error}.") from error
        errors = prepare(schema.graphql_schema, query).errors
        if errors:
            messages = "; ".join(e.message if isinstance(e, GraphQLError) else str(e) for e in errors)
            raise CommandError(f"{path}: {messages}")
        return query
