"""Image files as the public may see them: renditions of images in public collections.

The media folder also holds originals and the renditions of images in
restricted collections, so it is never served wholesale, in development or
production. Documents are served by Wagtail's own view, which checks their
collection (`WAGTAILDOCS_SERVE_METHOD = "serve_view"`).
"""

import mimetypes

from django.http import FileResponse, Http404
from django.utils.cache import patch_cache_control
from wagtail.images import get_image_model

from publishing.visibility import public_images

# Renditions never change under a name; a restriction added later must still take effect soon.
MAX_AGE = 3600


def serve_rendition(request, name: str):
    if "\x00" in name:
        # No file is named so, and PostgreSQL refuses NUL even in a comparison: a 404, not a 500.
        raise Http404
    rendition_model = get_image_model().get_rendition_model()
    rendition = rendition_model.objects.filter(file=f"images/{name}").only("file", "image_id").first()
    if rendition is None or not public_images().filter(pk=rendition.image_id).exists():
        raise Http404
    try:
        handle = rendition.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle, content_type=mimetypes.guess_type(name)[0] or "application/octet-stream")
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response
