import pytest
from django.contrib.auth.models import Group, User
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from content_models.models import ContactPerson, ThemePage, TopicPage


def list_block(values):
    data = {str(i): {"value": v, "deleted": "", "order": str(i), "id": ""} for i, v in enumerate(values)}
    data["count"] = str(len(values))
    return data


@pytest.fixture
def editor(client, demo):
    user = User.objects.create_user("redaktor", password="passord-for-test-123")
    # Wagtail's stock "Moderators" group may add, edit and publish pages.
    user.groups.add(Group.objects.get(name="Moderators"))
    assert client.login(username="redaktor", password="passord-for-test-123")
    return user


@pytest.mark.django_db
def test_admin_is_in_norwegian(client, editor):
    response = client.get("/admin/")
    assert response.status_code == 200
    assert 'lang="nb"' in response.content.decode()


@pytest.mark.django_db
def test_editor_creates_and_publishes_a_theme_page_with_every_block(client, editor):
    topic = TopicPage.objects.get()
    kjetil = ContactPerson.objects.get(name="Kjetil Helstad")
    omstilling = ThemePage.objects.get(slug="omstilling")
    data = nested_form_data(
        {
            "title": "Kollektivtransport",
            "slug": "kollektivtransport",
            "intro": "Buss og båt i hele fylket.",
            "body": streamfield(
                [
                    ("section", {"heading": "Rutetilbud", "body": rich_text("<p>Vi kjøper ruter.</p>")}),
                    (
                        "related_links",
                        {
                            "heading": "Relevante lenker",
                            "links": list_block(
                                [
                                    {"title": "", "page": str(omstilling.pk), "document": "", "url": ""},
                                    {
                                        "title": "Regjeringen",
                                        "page": "",
                                        "document": "",
                                        "url": "https://www.regjeringen.no/",
                                    },
                                ]
                            ),
                        },
                    ),
                    (
                        "contacts",
                        {
                            "heading": "Ta kontakt med oss",
                            "intro": "Spør oss:",
                            "contacts": list_block([str(kjetil.pk)]),
                        },
                    ),
                ]
            ),
            "action-publish": "publish",
        }
    )
    response = client.post(f"/admin/pages/add/content_models/themepage/{topic.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:2000]

    page = ThemePage.objects.get(slug="kollektivtransport")
    assert page.live
    assert [b.block_type for b in page.body] == ["section", "related_links", "contacts"]
    assert page.body[2].value["contacts"][0] == kjetil
    public = client.get("/attraktive-samfunn/kollektivtransport/")
    assert public.status_code == 200
    assert "Rutetilbud" in public.content.decode()
    assert 'href="/attraktive-samfunn/omstilling/"' in public.content.decode()


@pytest.mark.django_db
def test_a_link_needs_exactly_one_target(client, editor):
    topic = TopicPage.objects.get()
    data = nested_form_data(
        {
            "title": "Uten mål",
            "slug": "uten-mal",
            "intro": "",
            "body": streamfield(
                [
                    (
                        "related_links",
                        {
                            "heading": "Relevante lenker",
                            "links": list_block([{"title": "Ingenting", "page": "", "document": "", "url": ""}]),
                        },
                    )
                ]
            ),
            "action-publish": "publish",
        }
    )
    response = client.post(f"/admin/pages/add/content_models/themepage/{topic.pk}/", data)
    assert response.status_code == 200
    assert not ThemePage.objects.filter(slug="uten-mal").exists()
    assert "Velg n\\u00f8yaktig" in response.content.decode() or "Velg nøyaktig" in response.content.decode()


@pytest.mark.django_db
def test_contact_person_changes_go_through_draft_and_publish(client, editor, admin_client):
    person = ContactPerson.objects.get(name="Kjetil Helstad")
    response = admin_client.post(
        f"/admin/snippets/content_models/contactperson/edit/{person.pk}/",
        {"name": person.name, "job_title": "", "responsibility": "bredbånd", "email": "", "phone": "+47 11 22 33 44"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    # Saved as a draft: the public version keeps the old number until it is published.
    assert person.phone == ""
    assert person.has_unpublished_changes
    assert person.latest_revision.content["phone"] == "+47 11 22 33 44"
