"""Keep pages' search entries in step with the contact people they show.

A page's index entry includes the names and responsibilities of its contact
people (`contact_text`), so publishing a changed person must re-index every
page that shows them; Wagtail only re-indexes the object that was saved.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.models import Page, ReferenceIndex
from wagtail.search import index

from content_models.models import ContactPerson
from publishing.version import bump_content_version


def pages_showing(person) -> list[Page]:
    page_type = ContentType.objects.get_for_model(Page)
    page_ids = (
        ReferenceIndex.get_references_to(person).filter(base_content_type=page_type).values_list("object_id", flat=True)
    )
    return list(Page.objects.filter(pk__in=[int(pk) for pk in page_ids]).specific())


@receiver(post_save, sender=ContactPerson)
def reindex_pages_of_contact(sender, instance, **kwargs):
    for page in pages_showing(instance):
        index.insert_or_update_object(page)
    # Cached rankings include the old contact text.
    bump_content_version()
