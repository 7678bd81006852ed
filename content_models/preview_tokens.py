"""Signed, expiring preview tokens for headless previews of draft pages.

A token names one stored snapshot of one page. It is signed with the site's
secret (so it cannot be forged or pointed at another page), expires after
`API["PREVIEW_TOKEN_MAX_AGE"]` seconds (default one hour), and is useless
without the snapshot row, which is deleted when it expires, and when the page
is published, unpublished or deleted: a draft shown to an editor must not
outlive the decision made about it.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.utils import timezone

from .models import PreviewSnapshot

# Unchanged since the token code lived in the API: tokens issued before the move stay valid.
SALT = "api.preview-token.v1"


class PreviewTokenError(ValueError):
    """A token that cannot be used; the message is safe to show to the client."""


def max_age() -> int:
    return int(settings.API.get("PREVIEW_TOKEN_MAX_AGE", 3600))


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT, algorithm="sha256")


def create_token(page) -> str:
    """Store the page as it is now (including unsaved edits) and return a token for it."""
    PreviewSnapshot.objects.filter(created_at__lt=timezone.now() - timedelta(seconds=max_age())).delete()
    snapshot = PreviewSnapshot.objects.create(page_id=page.pk, content=page.serializable_data())
    return _signer().sign_object({"k": snapshot.key, "p": page.pk})


def page_for_token(token: str):
    """The previewed page for a valid token; `PreviewTokenError` with a clear message otherwise."""
    try:
        payload = _signer().unsign_object(token, max_age=max_age())
    except signing.SignatureExpired as error:
        raise PreviewTokenError("The preview token has expired. Open the preview again from the admin.") from error
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise PreviewTokenError("Invalid preview token.") from error
    if not isinstance(payload, dict):
        raise PreviewTokenError("Invalid preview token.")
    snapshot = (
        PreviewSnapshot.objects.filter(key=payload.get("k"), page_id=payload.get("p")).select_related("page").first()
    )
    if snapshot is None:
        raise PreviewTokenError("Invalid preview token.")
    return snapshot.as_page()


def revoke_tokens_of(sender, instance, **kwargs):
    PreviewSnapshot.objects.filter(page_id=instance.pk).delete()


def connect_revocation():
    from wagtail.signals import page_published, page_unpublished

    # Deleting the page deletes its snapshots with it (a cascade).
    for signal in (page_published, page_unpublished):
        signal.connect(revoke_tokens_of, dispatch_uid=f"content_models.preview_tokens.{signal!r}")
