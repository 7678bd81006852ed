"""Formerly created the PostgreSQL text search configuration `norwegian_cms`.

The site search now analyses Norwegian in Python (search/analysis/) and keeps
its own index (migration 0005), so nothing is created here any more; 0006
removes the configuration from databases that have it.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = []
