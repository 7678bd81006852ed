"""Create the PostgreSQL text search configuration `norwegian_cms` (no-op on SQLite).

See search/textconfig.py. Without the dictionary files this falls back to a copy
of the stock `norwegian` configuration and prints a warning; it never fails.
"""

import sys

from django.db import migrations


def create_config(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from search.textconfig import install

    result = install(schema_editor.connection)
    if not result.full:
        sys.stderr.write(f"\n  {result.message}\n")


def drop_config(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from search.textconfig import CONFIG_NAME, DICTIONARIES

    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG_NAME}")
        for name in DICTIONARIES:
            cursor.execute(f"DROP TEXT SEARCH DICTIONARY IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(create_config, drop_config)]
