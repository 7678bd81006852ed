"""Build the Troms «Attraktive samfunn» section from the data file beside this module.

Idempotent: objects that already exist are left exactly as they are, so an
editor's later changes survive reruns. `reset=True` rewrites the demo content
from the data file (a new, published revision of each page and person).
"""

import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.html import escape
from wagtail.models import Page, Site

from ..models import ContactPerson, HomePage, OrganisationSettings, ThemePage, TopicPage
from ..text import norwegian_slugify

DATA_FILE = Path(__file__).with_name("attraktive_samfunn.json")
WAGTAIL_WELCOME_TITLE = "Welcome to your new Wagtail site!"


def load_data() -> dict:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def paragraphs_html(paragraphs: list[str]) -> str:
    return "".join(f"<p>{escape(text)}</p>" for text in paragraphs)


def _item(value) -> dict:
    return {"type": "item", "value": value, "id": str(uuid.uuid4())}


def _block(block_type: str, value: dict) -> dict:
    return {"type": block_type, "value": value, "id": str(uuid.uuid4())}


def theme_body(theme: dict, people: dict[str, ContactPerson]) -> list[dict]:
    body = [
        _block("section", {"heading": s["heading"], "body": paragraphs_html(s["paragraphs"])})
        for s in theme["sections"]
    ]
    if theme.get("related_links"):
        links = theme["related_links"]
        body.append(_block("related_links", {"heading": links["heading"], "links": [_item(x) for x in links["links"]]}))
    if theme.get("contact_block"):
        block = theme["contact_block"]
        body.append(
            _block(
                "contacts",
                {
                    "heading": block["heading"],
                    "intro": block["intro"],
                    "contacts": [_item(people[key].pk) for key in block["contacts"]],
                },
            )
        )
    return body


@dataclass
class Report:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return (
            [f"opprettet: {name}" for name in self.created]
            + [f"oppdatert: {name}" for name in self.updated]
            + (
                [f"uendret (finnes fra før, bruk --reset for å overskrive): {len(self.kept)} objekter"]
                if self.kept
                else []
            )
        )


class DemoContentLoader:
    def __init__(self, *, reset: bool = False):
        self.reset = reset
        self.report = Report()
        self.data = load_data()

    @transaction.atomic
    def run(self) -> Report:
        home = self.load_home()
        people = {person["key"]: self.load_person(person) for person in self.data["contacts"]}
        topic_data = self.data["topic"]
        topic = self.load_page(
            home,
            TopicPage,
            title=topic_data["title"],
            slug=topic_data["slug"],
            intro="\n\n".join(topic_data["intro"]),
            body=[],
        )
        for theme in self.data["themes"]:
            self.load_page(
                topic,
                ThemePage,
                title=theme["title"],
                slug=norwegian_slugify(theme["title"]),
                intro="\n\n".join(theme["intro"]),
                body=theme_body(theme, people),
            )
        self.load_organisation(home)
        return self.report

    def load_home(self) -> HomePage:
        root = Page.get_first_root_node()
        home_data = self.data["home"]
        home = HomePage.objects.child_of(root).filter(slug=home_data["slug"]).first()
        if home is None:
            self._remove_wagtail_welcome_page(root, home_data["slug"])
            home = root.add_child(instance=HomePage(title=home_data["title"], slug=home_data["slug"], live=False))
            home.save_revision().publish()
            self.report.created.append(home.title)
        else:
            self.report.kept.append(home.title)
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(
                hostname="localhost", port=80, root_page=home, is_default_site=True, site_name=home.title
            )
        elif site.root_page_id != home.pk:
            site.root_page = home
            site.site_name = site.site_name or home.title
            site.save()
        return home

    @staticmethod
    def _remove_wagtail_welcome_page(root: Page, slug: str):
        # Wagtail's first migration creates a placeholder page that would take our slug.
        welcome = Page.objects.child_of(root).filter(slug=slug).first()
        if welcome is not None and type(welcome.specific) is Page and welcome.numchild == 0:
            Site.objects.filter(root_page=welcome).update(root_page=root)
            welcome.delete()
        elif welcome is not None:
            raise RuntimeError(f"A page with slug {slug!r} already exists at the top of the tree: {welcome.title!r}.")

    def load_person(self, data: dict) -> ContactPerson:
        fields = {"responsibility": data.get("responsibility", ""), "job_title": data.get("job_title", "")}
        person = ContactPerson.objects.filter(name=data["name"]).order_by("pk").first()
        if person is None:
            person = ContactPerson.objects.create(name=data["name"], live=False, **fields)
            person.save_revision().publish()
            self.report.created.append(person.name)
        elif self.reset and any(getattr(person, k) != v for k, v in fields.items()):
            for key, value in fields.items():
                setattr(person, key, value)
            person.save_revision().publish()
            self.report.updated.append(person.name)
        else:
            self.report.kept.append(person.name)
        return person

    def load_page(self, parent: Page, model, *, title: str, slug: str, **fields):
        page = model.objects.child_of(parent).filter(slug=slug).first()
        if page is None:
            page = parent.add_child(instance=model(title=title, slug=slug, live=False, **fields))
            page.save_revision().publish()
            self.report.created.append(page.title)
        elif self.reset:
            page.title, page.draft_title = title, title
            for key, value in fields.items():
                setattr(page, key, value)
            page.save_revision().publish()
            self.report.updated.append(page.title)
        else:
            self.report.kept.append(page.title)
        return page

    def load_organisation(self, home: HomePage):
        site = Site.objects.get(root_page=home)
        organisation, created = OrganisationSettings.objects.get_or_create(site=site)
        if created or self.reset or not organisation.name:
            organisation.name = self.data["organisation"]["name"]
            organisation.save()
