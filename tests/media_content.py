"""An uploaded image and document on the Troms pages, as an editor adds them in the admin.

Run in a Django process on the site to change (`manage.py shell -c`): the
backup test needs real files in MEDIA_ROOT that public answers link to.
"""

from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from content_models.models import ThemePage

from .bodies import add_blocks, link_to, related_links, section

# Not all zeros: a restored file that lost or changed bytes shows.
DOCUMENT_BYTES = b"%PDF-1.4\n% Tiltaksplan for bredband i Troms\n" + bytes(range(256)) * 64


def add_image_and_document():
    image = get_image_model().objects.create(
        title="Fiberkabel",
        description="Fiberkabel legges i grøft",
        file=get_test_image_file("fiber.png", "teal", (1200, 800)),
    )
    document = get_document_model().objects.create(
        title="Tiltaksplan bredbånd", file=ContentFile(DOCUMENT_BYTES, name="tiltaksplan.pdf")
    )
    page = ThemePage.objects.get(slug="infrastruktur")
    page.image = image
    add_blocks(
        page,
        related_links("Dokumenter", documents=[document]),
        section("Plan", link_to(document, "Tiltaksplanen", "document")),
    )
