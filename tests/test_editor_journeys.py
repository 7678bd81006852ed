"""An editor's work, done in the Wagtail admin in Debian's chromium, and checked where the public sees it.

Each journey clicks through the admin as an editor does (the Draftail editor, StreamField's block
picker, the snippet chooser, the publishing menu and the schedule dialog), then reads the HTML site and
GraphQL over HTTP. Every step is screenshotted into test-artifacts/ and kept when the test fails.
"""

import json
import re
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from content_models.models import ContactPerson, ThemePage, TopicPage

from .admin_language import english_on_page

PASSWORD = "passord-for-nettlesertest-123"
PAGE_QUERY = "query($p: String!) { page(urlPath: $p) { title ... on ThemePage { body { blockType ... on SectionBlock { heading } } } } }"
CONTACT_QUERY = "{ contactPeople { name phone } }"


@pytest.fixture
def editor(demo, settings):
    # Wagtail 8 autosaves a draft half a second after each change, and a new page becomes an edit form
    # then; a test types faster than any editor, so its next click can land mid-way. The journeys save
    # with the buttons, as the checks after them need; autosave itself is Wagtail's to test.
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    User.objects.create_superuser("redaktor", "redaktor@example.no", PASSWORD, first_name="Rita", last_name="Redaktør")
    person = ContactPerson.objects.get(name="Kjetil Helstad")
    person.phone = "+47 77 78 80 00"
    person.save_revision().publish()
    return TopicPage.objects.get()


def http_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def graphql(site, query: str, variables=None) -> dict:
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(f"{site.url}/graphql/", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        answer = json.load(response)
    assert "errors" not in answer, answer
    return answer["data"]


def log_in(browser, site, steps):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="nb-NO")
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto(f"{site.url}/admin/login/")
    page.locator("#id_username").fill("redaktor")
    page.locator("#id_password").fill(PASSWORD)
    assert_norwegian(page)
    page.get_by_role("button", name="Logg inn").click()
    page.get_by_placeholder("Søk i alle sider …").wait_for()
    steps.shot(page, "innlogget")
    return page


def assert_norwegian(page):
    assert english_on_page(page) == [], page.url


def success(page):
    """Wagtail's green message after a save, and nothing in English on the screen it shows."""
    page.locator(".messages .success").first.wait_for()
    assert_norwegian(page)


def publish(page):
    # The publish button sits in the menu that opens beside «Lagre kladd».
    page.locator("footer [data-w-dropdown-target='toggle']").first.click()
    page.locator("button[name='action-publish']").click()


def add_block(page, block_label: str):
    """StreamField's «+» at the end of the body, then the block type in its picker."""
    page.get_by_role("button", name="Sett inn en blokk").last.click()
    page.get_by_role("option", name=block_label).click()


@pytest.mark.browser
def test_editor_creates_a_theme_page_saves_a_draft_previews_and_publishes(test_site, editor, chromium):
    browser, steps = chromium
    page = log_in(browser, test_site, steps)
    assert_norwegian(page)

    page.goto(f"{test_site.url}/admin/pages/{editor.pk}/")
    assert_norwegian(page)
    page.get_by_role("link", name=re.compile("Legg til underside")).first.click()
    page.locator("#id_title").fill("Kollektivtransport")
    page.locator("#id_intro").fill("Buss og båt i hele fylket.")
    # Wagtail makes the slug from the title in the browser; saving before it has would fail validation.
    expect(page.locator("#id_slug")).to_have_value("kollektivtransport")
    steps.shot(page, "ny-side")

    add_block(page, "Seksjon")
    page.locator("input[name='body-0-value-heading']").fill("Rutetilbud")
    page.locator("[data-contentpath='body'] .public-DraftEditor-content").first.click()
    page.keyboard.type("Fylkeskommunen kjøper ruter med buss og hurtigbåt.")
    add_block(page, "Relevante lenker")
    page.locator("button[data-streamfield-list-add]").first.click()
    page.locator("input[name='body-1-value-links-0-value-title']").fill("Reiseplanlegger")
    page.locator("input[name='body-1-value-links-0-value-url']").fill("https://www.entur.no/")
    add_block(page, "Ta kontakt med oss")
    page.get_by_role("button", name="Velg kontaktperson").click()
    chooser = page.get_by_role("dialog")
    assert_norwegian(page)
    steps.shot(page, "velg-kontaktperson")
    chooser.get_by_role("link", name=re.compile("Kjetil Helstad")).click()
    page.get_by_text("Kjetil Helstad (bredbånd)").first.wait_for()
    assert_norwegian(page)
    steps.shot(page, "blokker-fylt-ut")

    page.get_by_role("button", name="Lagre kladd").click()
    success(page)
    steps.shot(page, "utkast-lagret")
    path = "/attraktive-samfunn/kollektivtransport/"
    assert http_status(test_site.url + path) == 404
    assert graphql(test_site, PAGE_QUERY, {"p": path})["page"] is None

    page.get_by_role("button", name="Vis eller skjul forhåndsvisning").click()
    preview = page.frame_locator("iframe[title]").first
    preview.get_by_role("heading", name="Rutetilbud").wait_for()
    assert preview.get_by_text("Kjetil Helstad").count() == 1
    steps.shot(page, "forhandsvisning")

    publish(page)
    success(page)
    steps.shot(page, "publisert")
    assert http_status(test_site.url + path) == 200
    published = graphql(test_site, PAGE_QUERY, {"p": path})["page"]
    assert published["title"] == "Kollektivtransport"
    assert [block["blockType"] for block in published["body"]] == ["section", "related_links", "contacts"]


@pytest.mark.browser
def test_editor_changes_a_contacts_phone_number_as_a_draft_then_publishes_it(test_site, editor, chromium):
    browser, steps = chromium
    page = log_in(browser, test_site, steps)
    page.goto(f"{test_site.url}/admin/snippets/content_models/contactperson/")
    assert_norwegian(page)
    page.get_by_role("link", name=re.compile("Kjetil Helstad")).first.click()
    page.get_by_label("Telefon").fill("+47 900 00 000")
    assert_norwegian(page)
    page.get_by_role("button", name="Lagre kladd").click()
    success(page)
    steps.shot(page, "telefon-som-utkast")

    def phones():
        people = graphql(test_site, CONTACT_QUERY)["contactPeople"]
        html = urllib.request.urlopen(f"{test_site.url}/attraktive-samfunn/infrastruktur/", timeout=30).read().decode()
        return [p["phone"] for p in people if p["name"] == "Kjetil Helstad"], html

    api, html = phones()
    assert api == ["+47 77 78 80 00"]
    assert "+47 900 00 000" not in html

    publish(page)
    success(page)
    steps.shot(page, "telefon-publisert")
    api, html = phones()
    assert api == ["+47 900 00 000"]
    assert "+47 900 00 000" in html


@pytest.fixture
def draft(editor):
    """A theme page never published, made before the browser starts (the ORM cannot run beside Playwright)."""
    page = ThemePage(title="Sommerruter", slug="sommerruter", live=False)
    editor.add_child(instance=page)
    page.save_revision()
    return page


@pytest.mark.browser
def test_editor_schedules_a_page_that_goes_live_when_its_time_comes(test_site, draft, chromium):
    path = "/attraktive-samfunn/sommerruter/"
    go_live = timezone.localtime() + timedelta(days=7)

    browser, steps = chromium
    page = log_in(browser, test_site, steps)
    page.goto(f"{test_site.url}/admin/pages/{draft.pk}/edit/")
    page.get_by_role("button", name="Vis eller skjul status").click()
    page.get_by_role("button", name="Planlegg").click()
    page.locator("#id_go_live_at").fill(go_live.strftime("%Y-%m-%d %H:%M"))
    assert_norwegian(page)
    steps.shot(page, "tidsplan")
    # A click beside the date picker closes it, as for an editor.
    page.get_by_role("heading", name="Angi publiseringsplan").click()
    page.get_by_role("button", name="Lagre tidsplanen").click()
    publish(page)
    success(page)
    steps.shot(page, "planlagt")
    assert http_status(test_site.url + path) == 404
    assert graphql(test_site, PAGE_QUERY, {"p": path})["page"] is None

    def scheduled_go_live():
        revision = ThemePage.objects.get(pk=draft.pk).scheduled_revision
        return revision.approved_go_live_at if revision else None

    assert abs(test_site.run(scheduled_go_live) - go_live) < timedelta(minutes=1)

    def a_week_later():
        # The worker's scheduled run publishes what is due; here the schedule is made due instead of waiting.
        revision = ThemePage.objects.get(pk=draft.pk).scheduled_revision
        due = timezone.now() - timedelta(minutes=1)
        revision.approved_go_live_at = due
        revision.content["go_live_at"] = due.isoformat()
        revision.save(update_fields=["approved_go_live_at", "content"])
        call_command("publish_scheduled")

    test_site.run(a_week_later)
    assert http_status(test_site.url + path) == 200
    assert graphql(test_site, PAGE_QUERY, {"p": path})["page"]["title"] == "Sommerruter"


SCREENS = [
    "/admin/",
    "/admin/pages/",
    "/admin/pages/{topic}/",
    "/admin/pages/{theme}/edit/",
    "/admin/pages/add/content_models/themepage/{topic}/",
    "/admin/pages/{theme}/history/",
    "/admin/pages/search/?q=bredb%C3%A5nd",
    "/admin/snippets/content_models/contactperson/",
    "/admin/snippets/content_models/contactperson/edit/{person}/",
    "/admin/snippets/content_models/contactperson/add/",
    "/admin/reports/locked/",
    "/admin/reports/site-history/",
    "/admin/reports/aging-pages/",
    "/admin/reports/page-types-usage/",
    "/admin/settings/content_models/organisationsettings/",
    "/admin/images/",
    "/admin/documents/",
    "/admin/account/",
]


@pytest.fixture
def screens(editor):
    theme = ThemePage.objects.get(slug="infrastruktur")
    person = ContactPerson.objects.get(name="Kjetil Helstad")
    return [screen.format(topic=editor.pk, theme=theme.pk, person=person.pk) for screen in SCREENS]


@pytest.mark.browser
def test_the_editors_main_screens_have_no_english(test_site, screens, chromium):
    """Text, button names and menus (their hidden items too) on each screen an editor works in."""
    browser, steps = chromium
    page = log_in(browser, test_site, steps)
    found = {}
    for screen in screens:
        response = page.goto(test_site.url + screen)
        assert response.status == 200, screen
        found[screen] = english_on_page(page)
    assert found == {screen: [] for screen in screens}
