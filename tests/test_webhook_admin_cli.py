"""Managing endpoints: the admin (Norwegian, one permission) and `manage.py webhooks` (infrastructure as code)."""

import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission, User
from django.core.management import CommandError, call_command

from webhooks.events import EVENTS, emit
from webhooks.models import Delivery, Endpoint

from .webhook_helpers import SECRET

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/webhooks/new/"


@pytest.fixture
def webhook_admin(client, demo):
    user = User.objects.create_user("drift", password="passord-for-test-123")
    group = Group.objects.create(name="Webhook-ansvarlige")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"), Permission.objects.get(codename="manage_webhooks")
    )
    user.groups.add(group)
    assert client.login(username="drift", password="passord-for-test-123")
    return user


def _form(**overrides):
    data = {"name": "nettsted", "url": "http://127.0.0.1:3000/api/revalidate", "secret": SECRET, "enabled": "on"}
    data.update(overrides)
    return {**data, "events": overrides.get("events", ["page.published", "page.unpublished"])}


def test_admin_creates_an_endpoint_with_norwegian_labels(client, webhook_admin):
    page = client.get(ADD_URL).content.decode()
    for label in ("Navn", "Adresse", "Hemmelig nøkkel", "Hendelser", "Aktiv", "Side publisert"):
        assert label in page
    response = client.post(ADD_URL, _form())
    assert response.status_code == 302
    endpoint = Endpoint.objects.get(name="nettsted")
    assert endpoint.secret == SECRET
    assert endpoint.events == ["page.published", "page.unpublished"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"secret": ""}, "Hemmelig nøkkel mangler."),
        ({"secret": "kort"}, "minst 16 tegn"),
        ({"url": "ikke en adresse"}, "Skriv en gyldig adresse"),
        ({"url": "http://10.0.0.1/hook"}, "intern adresse"),
        ({"events": []}, "Velg minst én hendelse."),
    ],
)
def test_admin_form_errors_are_clear(client, webhook_admin, settings, overrides, message):
    settings.WEBHOOKS = {**settings.WEBHOOKS, "ALLOWED_PRIVATE_HOSTS": ["127.0.0.1"]}
    response = client.post(ADD_URL, _form(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Endpoint.objects.exists()


def test_the_secret_is_never_shown_back_and_a_blank_keeps_it(client, webhook_admin):
    endpoint = Endpoint.objects.create(
        name="nettsted", url="http://127.0.0.1:3000/", secret=SECRET, events=["page.published"]
    )
    edit_url = f"/admin/webhooks/edit/{endpoint.pk}/"
    page = client.get(edit_url).content.decode()
    assert SECRET not in page
    assert SECRET[-4:] in page  # the masked hint
    assert client.get("/admin/webhooks/").content.decode().count(SECRET) == 0
    response = client.post(edit_url, _form(secret="", name="nettsted-2"))
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.name, endpoint.secret) == ("nettsted-2", SECRET)


def test_editors_without_the_permission_cannot_manage_webhooks(client, demo):
    user = User.objects.create_user("redaktor", password="passord-for-test-123")
    user.groups.add(Group.objects.get(name="Moderators"))
    client.login(username="redaktor", password="passord-for-test-123")
    for url in (ADD_URL, "/admin/webhooks/", "/admin/webhook-deliveries/"):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert response.status_code == 403 or "/admin/login" not in response.get("Location", "")


def test_delivery_log_shows_attempts_and_sends_again(client, webhook_admin, receiver, settings):
    settings.WEBHOOKS = {**settings.WEBHOOKS, "RETRY_DELAYS": []}
    endpoint = Endpoint.objects.create(
        name="nettsted", url="http://127.0.0.1:9/hook", secret=SECRET, events=list(EVENTS)
    )
    [delivery] = emit("page.published", site="localhost", items=[], paths=["/"], tags=[])
    from webhooks.delivery import deliver_endpoint

    deliver_endpoint.call(endpoint.pk)  # nothing listens on port 9: the one attempt fails
    delivery.refresh_from_db()
    assert delivery.status == Delivery.FAILED

    listing = client.get("/admin/webhook-deliveries/").content.decode()
    assert "page.published" in listing
    assert "Send igjen" in listing
    inspect = client.get(f"/admin/webhook-deliveries/inspect/{delivery.pk}/").content.decode()
    assert "Forsøk" in inspect
    assert "ConnectionRefusedError" in inspect
    assert SECRET not in inspect

    Endpoint.objects.filter(pk=endpoint.pk).update(url=receiver.url)
    response = client.post(f"/admin/webhook-deliveries/send-again/{delivery.pk}/")
    assert response.status_code == 302
    # The admin request only queues it (on commit); run what the worker would.
    deliver_endpoint.call(endpoint.pk)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.SUCCEEDED
    assert len(receiver.received) == 1


# The command line


def test_cli_adds_lists_replaces_and_removes(capsys, demo):
    call_command(
        "webhooks", "add", "--name", "nettsted", "--url", "http://localhost:3000/api/revalidate", "--secret", SECRET
    )
    endpoint = Endpoint.objects.get(name="nettsted")
    assert endpoint.events == list(EVENTS)
    assert endpoint.enabled
    call_command(
        "webhooks", "add", "--name", "nettsted", "--url", "http://localhost:4000/", "--secret", SECRET,
        "--events", "page.published,contact.published",
    )  # fmt: skip
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.events) == ("http://localhost:4000/", ["page.published", "contact.published"])
    call_command("webhooks", "list")
    listed = capsys.readouterr().out
    assert "nettsted\thttp://localhost:4000/\tenabled" in listed
    assert SECRET not in listed
    call_command("webhooks", "remove", "nettsted")
    assert not Endpoint.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--url", "not a url", "--secret", SECRET], "--url: Skriv en gyldig adresse"),
        (["--url", "http://localhost:3000/", "--secret", "kort"], "--secret: Hemmelig nøkkel må ha minst 16 tegn."),
        (
            ["--url", "http://localhost:3000/", "--secret", SECRET, "--events", "page.published,nope"],
            "Unknown event(s): nope",
        ),
        (["--url", "http://169.254.169.254/", "--secret", SECRET], "intern adresse"),
    ],
)
def test_cli_errors_are_clear(demo, args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("webhooks", "add", "--name", "nettsted", *args)
    assert not Endpoint.objects.exists()


def test_cli_remove_of_an_unknown_name_fails(demo):
    with pytest.raises(CommandError, match="No webhook endpoint named 'nope'"):
        call_command("webhooks", "remove", "nope")


def test_cli_error_is_one_line_and_a_nonzero_exit_code():
    # An unknown event is refused before the database is read, so this process needs none.
    command = ["manage.py", "webhooks", "add", "--name", "x", "--url", "http://localhost/", "--secret", SECRET]
    result = subprocess.run(
        [sys.executable, *command, "--events", "page.publisert"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "cms.settings.test",
            "DATABASE_URL": "sqlite:///:memory:",
        },
    )
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert result.stderr.startswith("CommandError: Unknown event(s): page.publisert. Known: page.published,")
