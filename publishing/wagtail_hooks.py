"""Admin actions that must reach the public in one piece.

Wagtail's copy action is not one transaction: with «publish copies» it
publishes each copy as it makes it, and copies a view restriction only after
the page and all its subpages are copied. Every publish commits on its own, so
a copy of a password-protected page was public (stored, searchable, announced
to frontends by webhook) for as long as its subpages took to copy. Here the
whole copy runs in one transaction: the public sees the copies only together
with their restrictions.
"""

from django.db import transaction
from wagtail import hooks
from wagtail.admin.views.pages.copy import CopyView

_copy_view = CopyView.as_view()


@hooks.register("before_copy_page")
def copy_in_one_transaction(request, page):
    if request.method != "POST" or getattr(request, "_copy_in_one_transaction", False):
        return None
    # The same view again, inside a transaction; this hook lets the inner call through.
    request._copy_in_one_transaction = True
    with transaction.atomic():
        return _copy_view(request, page_id=page.pk)
