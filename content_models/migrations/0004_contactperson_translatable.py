import uuid

import django.db.models.deletion
from django.db import migrations, models


def in_default_locale(apps, schema_editor):
    """Every existing person is in the default language, each a translation group of its own."""
    from django.conf import settings

    Locale = apps.get_model("wagtailcore", "Locale")
    ContactPerson = apps.get_model("content_models", "ContactPerson")
    locale, _ = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    for person in ContactPerson.objects.filter(locale__isnull=True):
        person.locale = locale
        person.translation_key = uuid.uuid4()
        person.save(update_fields=["locale", "translation_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("content_models", "0003_page_image"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.AddField(
            model_name="contactperson",
            name="translation_key",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.AddField(
            model_name="contactperson",
            name="locale",
            field=models.ForeignKey(
                null=True,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wagtailcore.locale",
                verbose_name="locale",
            ),
        ),
        migrations.RunPython(in_default_locale, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="contactperson",
            name="translation_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name="contactperson",
            name="locale",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wagtailcore.locale",
                verbose_name="locale",
            ),
        ),
        migrations.AlterUniqueTogether(
            name="contactperson",
            unique_together={("translation_key", "locale")},
        ),
    ]
