import re

import pytest
from django.core.management import call_command
from wagtail.models import Page, Revision, Site

from content_models.demo_content.loader import DemoContentLoader
from content_models.models import ContactPerson, HomePage, ThemePage, TopicPage

from .seed import PROJECT_SEED, SHARED_SEED, THEMES, TOPIC, normalise, spans

THEME_PATHS = [
    "/attraktive-samfunn/omstilling/",
    "/attraktive-samfunn/naringsutvikling-og-kompetanse/",
    "/attraktive-samfunn/infrastruktur/",
    "/attraktive-samfunn/nasjonale-satsninger-og-programmer/",
]


def page_lines(page) -> list[str]:
    """Every piece of text a page shows, one entry per heading, paragraph or contact."""
    lines = [page.title, *page.intro_paragraphs()]
    for block in getattr(page, "body", []):
        value = block.value
        lines.append(value["heading"])
        if block.block_type == "section":
            lines += re.findall(r"<p>(.*?)</p>", value["body"].source, re.S)
        elif block.block_type == "contacts":
            lines.append(value["intro"])
            lines += [f"{p.name} ({p.responsibility})" for p in value["contacts"]]
    return [normalise(line.replace("&amp;", "&")) for line in lines]


def test_project_copy_of_seed_matches_shared_seed():
    if SHARED_SEED.exists():
        assert PROJECT_SEED.read_text(encoding="utf-8") == SHARED_SEED.read_text(encoding="utf-8")


@pytest.mark.django_db
def test_page_tree_is_built_in_order(demo):
    site = Site.objects.get(is_default_site=True)
    home = site.root_page.specific
    assert isinstance(home, HomePage)
    topic = home.get_children().get().specific
    assert isinstance(topic, TopicPage)
    assert topic.title == TOPIC
    assert topic.url == "/attraktive-samfunn/"
    themes = [child.specific for child in topic.get_children()]
    assert [t.title for t in themes] == THEMES
    assert [t.url for t in themes] == THEME_PATHS
    for page in [home, topic, *themes]:
        assert page.live
        assert not page.has_unpublished_changes
        assert Revision.page_revisions.filter(object_id=str(page.pk)).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("title", [TOPIC, *THEMES])
def test_every_seed_line_is_carried_over_to_its_page(demo, title):
    page = Page.objects.get(title=title).specific
    shown = page_lines(page)
    missing = [line for line in spans()[title] if line not in shown]
    assert missing == [], f"seed text missing on {title!r}"


@pytest.mark.django_db
@pytest.mark.parametrize("title", THEMES)
def test_sections_keep_seed_order(demo, title):
    page = ThemePage.objects.get(title=title)
    headings = [b.value["heading"] for b in page.body]
    seed = spans()[title]
    assert headings == sorted(headings, key=seed.index)


@pytest.mark.django_db
def test_contacts_keep_their_responsibility_and_nothing_is_invented(demo):
    people = {p.name: p for p in ContactPerson.objects.all()}
    assert people["Kjetil Helstad"].responsibility == "bredbånd"
    assert people["Fredrik Dalsbøe"].responsibility == "dagligvarestøtte"
    assert people["Kristian Figenschau"].responsibility == "omstilling og samfunnsutvikling"
    assert len(people) == 6
    for person in people.values():
        assert person.live
        assert person.email == ""
        assert person.phone == ""
    infrastructure = ThemePage.objects.get(title="Infrastruktur")
    contacts = next(b for b in infrastructure.body if b.block_type == "contacts")
    assert [p.name for p in contacts.value["contacts"]] == ["Kjetil Helstad", "Fredrik Dalsbøe"]
    national = ThemePage.objects.get(title="Nasjonale satsninger og programmer")
    assert "contacts" not in [b.block_type for b in national.body]


@pytest.mark.django_db
def test_running_again_changes_nothing(demo):
    before = {
        "pages": list(Page.objects.values_list("pk", "title", "latest_revision_id").order_by("pk")),
        "people": list(ContactPerson.objects.values_list("pk", "name", "latest_revision_id").order_by("pk")),
        "revisions": Revision.objects.count(),
    }
    call_command("load_demo_content", stdout=None)
    after = {
        "pages": list(Page.objects.values_list("pk", "title", "latest_revision_id").order_by("pk")),
        "people": list(ContactPerson.objects.values_list("pk", "name", "latest_revision_id").order_by("pk")),
        "revisions": Revision.objects.count(),
    }
    assert after == before


@pytest.mark.django_db
def test_editor_changes_survive_rerun_and_reset_restores(demo):
    page = ThemePage.objects.get(title="Infrastruktur")
    page.intro = "Redigert av redaktør."
    page.save_revision().publish()
    person = ContactPerson.objects.get(name="Kjetil Helstad")
    person.phone = "+47 00 00 00 00"
    person.save_revision().publish()

    DemoContentLoader().run()
    assert ThemePage.objects.get(pk=page.pk).intro == "Redigert av redaktør."
    assert ContactPerson.objects.get(pk=person.pk).phone == "+47 00 00 00 00"

    report = DemoContentLoader(reset=True).run()
    assert ThemePage.objects.get(pk=page.pk).intro == ""
    assert "Infrastruktur" in report.updated
    assert ThemePage.objects.count() == 4
    assert ContactPerson.objects.count() == 6


@pytest.mark.django_db
def test_stock_wagtail_welcome_page_is_replaced(demo):
    assert not Page.objects.filter(title="Welcome to your new Wagtail site!").exists()
    assert Page.objects.filter(depth=2).count() == 1
