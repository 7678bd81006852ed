import pytest
from wagtail.models import Page

from content_models.models import HomePage, ThemePage, TopicPage


@pytest.mark.parametrize(
    ("model", "parents", "children"),
    [
        (HomePage, {Page}, {TopicPage}),
        (TopicPage, {HomePage}, {ThemePage}),
        (ThemePage, {TopicPage}, set()),
    ],
)
def test_page_types_declare_where_they_live(model, parents, children):
    assert set(model.allowed_parent_page_models()) == parents
    assert set(model.allowed_subpage_models()) == children


@pytest.mark.django_db
def test_admin_only_offers_theme_pages_under_a_topic(demo):
    topic = TopicPage.objects.get()
    theme = ThemePage.objects.first()
    assert ThemePage.can_create_at(topic)
    assert not TopicPage.can_create_at(topic)
    assert not ThemePage.can_create_at(topic.get_parent())
    assert not any(model.can_create_at(theme) for model in (HomePage, TopicPage, ThemePage))
    # One home page per site root.
    assert not HomePage.can_create_at(Page.get_first_root_node())
