"""What each content change sends to a real receiver: event, items, paths, tags, signature; never anything hidden.

Tasks run immediately here (test settings), so each change's deliveries are
sent when its transaction's on-commit callbacks run.
"""

import time
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.actions.move_page import MovePageAction
from wagtail.documents import get_document_model
from wagtail.models import Page

from content_models.models import ContactPerson, ThemePage, TopicPage
from publishing.scheduling import publish_scheduled
from webhooks import signing
from webhooks.models import Delivery

from .bodies import add_block, item
from .webhook_helpers import SECRET, bodies, page, publish

pytestmark = pytest.mark.django_db

INFRA = "/attraktive-samfunn/infrastruktur/"
TOPIC = "/attraktive-samfunn/"


def committed_before():
    from django.db import connection

    from publishing.models import PendingChange

    connection._public_changes = None
    PendingChange.objects.all().delete()


@pytest.fixture
def sent(endpoint, receiver, django_capture_on_commit_callbacks):
    """Run a change as if committed; return the bodies the receiver got for the deliveries it made."""

    def run(change):
        # The test's one transaction stands for many: what came before this change counts as committed and told.
        committed_before()
        known = set(Delivery.objects.values_list("uuid", flat=True))
        with django_capture_on_commit_callbacks(execute=True):
            change()
        made = {str(uuid) for uuid in Delivery.objects.values_list("uuid", flat=True)} - {str(u) for u in known}
        return [body for body in bodies(receiver) if body["id"] in made]

    return run


def test_publish_sends_one_signed_delivery_with_the_page_and_its_parent(sent, receiver):
    infra = page("infrastruktur")
    [body] = sent(lambda: publish(infra))
    request = receiver.received[-1]
    assert signing.verify(SECRET, request.headers[signing.SIGNATURE_HEADER], request.body)
    assert request.headers[signing.EVENT_HEADER] == "page.published"
    assert request.headers[signing.DELIVERY_HEADER] == body["id"]
    assert request.headers["Content-Type"] == "application/json; charset=utf-8"
    assert body["event"] == "page.published"
    assert body["site"] == "localhost"
    assert body["items"] == [{"type": "page", "id": infra.pk, "locale": "nb"}]
    assert body["paths"] == [INFRA, TOPIC]
    assert body["tags"] == [f"page:{infra.pk}", f"page:{infra.get_parent().pk}"]
    assert timezone.datetime.fromisoformat(body["occurredAt"]) <= timezone.now()
    delivery = Delivery.objects.get(uuid=body["id"])
    assert delivery.status == Delivery.SUCCEEDED
    # The stored body is byte for byte what was signed and sent.
    assert delivery.body_bytes == request.body


def test_a_draft_save_sends_nothing(sent):
    infra = page("infrastruktur")
    infra.title = "Utkast som ikke er publisert"
    assert sent(lambda: infra.save_revision()) == []


def test_a_page_linked_from_another_lists_the_linking_page(sent):
    infra, omstilling = page("infrastruktur"), page("omstilling")
    add_block(omstilling, "related_links", {"heading": "Se også", "links": [item({"page": infra.pk})]})
    [body] = sent(lambda: publish(infra))
    assert body["paths"] == [INFRA, TOPIC, "/attraktive-samfunn/omstilling/"]
    assert f"page:{omstilling.pk}" in body["tags"]


def test_a_contact_used_on_two_pages_lists_both(sent):
    infra, omstilling = page("infrastruktur"), page("omstilling")
    contact = ContactPerson.objects.create(name="Kari Nordmann", responsibility="vei", live=True)
    for shown_on in (infra, omstilling):
        add_block(shown_on, "contacts", {"heading": "Kontakt", "intro": "", "contacts": [item(contact.pk)]})
    contact.phone = "+47 77 00 00 00"
    [body] = sent(lambda: contact.save_revision().publish())
    assert body["event"] == "contact.published"
    assert body["items"] == [{"type": "contact", "id": contact.pk, "locale": "nb"}]
    assert sorted(body["paths"]) == sorted([INFRA, "/attraktive-samfunn/omstilling/"])
    assert body["tags"][0] == f"contact:{contact.pk}"
    assert set(body["tags"][1:]) == {f"page:{infra.pk}", f"page:{omstilling.pk}"}

    [body] = sent(lambda: contact.unpublish())
    assert body["event"] == "contact.unpublished"
    assert sorted(body["paths"]) == sorted([INFRA, "/attraktive-samfunn/omstilling/"])


def test_a_document_change_lists_the_pages_linking_to_it(sent):
    document = get_document_model().objects.create(title="Plan", file=ContentFile(b"plan", name="plan.txt"))
    add_block(
        page("omstilling"), "related_links", {"heading": "Dokumenter", "links": [item({"document": document.pk})]}
    )
    document.title = "Regional plan"
    [body] = sent(lambda: document.save())
    assert body["event"] == "document.changed"
    assert body["items"] == [{"type": "document", "id": document.pk, "locale": "nb"}]
    assert body["paths"] == ["/attraktive-samfunn/omstilling/"]


def _new_subtree():
    """A published topic «Flyttes» under the home page with one published theme page below it."""
    home = Page.objects.get(depth=2)
    topic = home.add_child(instance=TopicPage(title="Flyttes", slug="flyttes", live=True))
    theme = topic.add_child(instance=ThemePage(title="Barn", slug="barn", live=True))
    return home, topic, theme


def test_a_move_lists_old_and_new_paths_of_the_page_and_its_descendants(sent):
    home, topic, theme = _new_subtree()
    target = page("attraktive-samfunn")
    [body] = sent(lambda: MovePageAction(topic, target, pos="last-child").execute())
    assert body["event"] == "page.moved"
    assert body["items"] == [{"type": "page", "id": topic.pk, "locale": "nb"}]
    assert set(body["paths"]) == {
        "/attraktive-samfunn/flyttes/",
        "/attraktive-samfunn/flyttes/barn/",
        "/flyttes/",
        "/flyttes/barn/",
        "/",
        TOPIC,
    }
    assert {f"page:{topic.pk}", f"page:{theme.pk}", f"page:{home.pk}", f"page:{target.pk}"} <= set(body["tags"])


def test_unpublishing_lists_the_subtree_that_disappears_and_deleting_it_afterwards_sends_nothing(sent):
    _home, topic, _theme = _new_subtree()
    [body] = sent(lambda: topic.unpublish())
    assert body["event"] == "page.unpublished"
    assert set(body["paths"]) == {"/flyttes/", "/flyttes/barn/", "/"}
    # Nothing of it was public any more.
    assert sent(lambda: topic.delete()) == []


def test_deleting_a_public_page_lists_it_its_descendants_and_the_parent(sent):
    _home, topic, theme = _new_subtree()
    [body] = sent(lambda: Page.objects.get(pk=topic.pk).delete())
    assert body["event"] == "page.deleted"
    assert body["items"] == [
        {"type": "page", "id": topic.pk, "locale": "nb"},
        {"type": "page", "id": theme.pk, "locale": "nb"},
    ]
    assert set(body["paths"]) == {"/flyttes/", "/flyttes/barn/", "/"}


def test_a_view_restriction_counts_as_unpublishing_and_lifting_it_as_publishing(sent):
    from wagtail.models import PageViewRestriction

    _home, topic, _theme = _new_subtree()
    restriction = PageViewRestriction(page=topic, restriction_type=PageViewRestriction.PASSWORD, password="hemmelig")
    [body] = sent(lambda: restriction.save())
    assert body["event"] == "page.unpublished"
    assert set(body["paths"]) == {"/flyttes/", "/flyttes/barn/", "/"}
    [body] = sent(lambda: restriction.delete())
    assert body["event"] == "page.published"
    assert set(body["paths"]) == {"/flyttes/", "/flyttes/barn/", "/"}


def test_a_changed_slug_lists_old_and_new_paths(sent):
    _home, topic, _theme = _new_subtree()
    topic.slug = "flyttet"
    [body] = sent(lambda: publish(topic))
    assert set(body["paths"]) == {"/flyttet/", "/flyttet/barn/", "/flyttes/", "/flyttes/barn/", "/"}


def test_a_scheduled_page_is_announced_only_when_it_goes_live(sent, receiver):
    topic = page("attraktive-samfunn")
    draft = topic.add_child(instance=ThemePage(title="Hemmelig utkast", slug="hemmelig", live=False))
    draft.go_live_at = timezone.now() + timedelta(seconds=1.5)
    # Wagtail sends page_published for a revision that is only scheduled: nothing may be announced.
    assert sent(lambda: draft.save_revision().publish()) == []
    assert sent(publish_scheduled) == []

    # The go-live time passes; the worker's periodic job makes the page live.
    time.sleep(max(0, (draft.go_live_at - timezone.now()).total_seconds()) + 0.1)
    [body] = sent(publish_scheduled)
    assert body["event"] == "page.published"
    assert body["paths"] == ["/attraktive-samfunn/hemmelig/", TOPIC]


def test_a_scheduled_expiry_is_announced_when_it_takes_effect(sent):
    infra = page("infrastruktur")
    infra.expire_at = timezone.now() + timedelta(hours=1)
    publish(infra)
    # The expiry time passes: the API hides the page at once, the worker unpublishes it within its interval.
    Page.objects.filter(pk=infra.pk).update(expire_at=timezone.now() - timedelta(seconds=1))
    [body] = sent(publish_scheduled)
    assert body["event"] == "page.unpublished"
    assert body["paths"] == [INFRA, TOPIC]
    assert Page.objects.get(pk=infra.pk).expired


def test_an_unpublished_pages_draft_title_never_appears(sent, receiver):
    topic = page("attraktive-samfunn")
    draft = topic.add_child(instance=ThemePage(title="Hemmelig tittel", slug="hemmelig-side", live=False))
    draft.title = "Enda mer hemmelig"
    everything = (
        sent(lambda: draft.save_revision())
        + sent(
            lambda: add_block(
                page("omstilling"), "related_links", {"heading": "x", "links": [item({"page": draft.pk})]}
            )
        )
        + sent(lambda: publish(page("infrastruktur")))
    )
    assert everything  # the public changes were announced
    for request in receiver.received:
        text = request.body.decode()
        assert "emmelig" not in text
        assert f"page:{draft.pk}" not in text


def test_endpoints_get_only_the_events_they_subscribed_to(sent, endpoint):
    endpoint.events = ["contact.published"]
    endpoint.save()
    assert sent(lambda: publish(page("infrastruktur"))) == []
    endpoint.events = ["page.published"]
    endpoint.enabled = False
    endpoint.save()
    assert sent(lambda: publish(page("infrastruktur"))) == []


def test_go_live_and_expiry_are_told_as_the_clock_passes_them_before_the_scheduler_runs(sent):
    from publishing.events import sweep_windows

    sweep_windows()  # where telling starts
    infra = page("infrastruktur")
    infra.expire_at = timezone.now() + timedelta(seconds=1)
    publish(infra)
    assert sent(sweep_windows) == []
    time.sleep(1.2)
    # The API hid the page on the second; the worker's sweep tells frontends within its interval.
    [body] = sent(sweep_windows)
    assert body["event"] == "page.unpublished"
    assert body["paths"] == [INFRA, TOPIC]
    assert sent(sweep_windows) == []
