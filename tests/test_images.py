import pytest
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection, CollectionViewRestriction

from api.images import RENDITION_FILTERS
from content_models.models import ThemePage

pytestmark = pytest.mark.django_db

QUERY = """query($size: ImageSize, $format: ImageFormat) {
  page(urlPath: "/attraktive-samfunn/infrastruktur/") {
    ... on ThemePage { image { title alt width height url(size: $size, format: $format) } }
  }
}"""


@pytest.fixture
def image(demo):
    image = get_image_model().objects.create(
        title="Fiberkabel", description="Fiberkabel legges i grøft", file=get_test_image_file(size=(1200, 800))
    )
    page = ThemePage.objects.get(slug="infrastruktur")
    page.image = image
    page.save_revision().publish()
    return image


def test_image_with_alt_text_and_allowed_rendition(gql, image):
    data = gql(QUERY, {"size": "SMALL", "format": "JPEG"})["data"]["page"]["image"]
    assert data["title"] == "Fiberkabel"
    assert data["alt"] == "Fiberkabel legges i grøft"
    assert (data["width"], data["height"]) == (1200, 800)
    assert data["url"].startswith("http://testserver/media/images/")
    assert data["url"].endswith(".jpg")
    rendition = image.renditions.get()
    assert (rendition.width, rendition.height) == (480, 320)


def test_default_rendition_is_medium_webp(gql, image):
    url = gql(QUERY)["data"]["page"]["image"]["url"]
    assert url.endswith(".webp")
    assert image.renditions.get().width == 960


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (QUERY.replace("$size: ImageSize", "$size: String"), "Variable '$size' of type 'String'"),
        (
            "{ page(id: 1) { ... on ThemePage { image { url(size: HUGE) } } } }",
            "Value 'HUGE' does not exist in 'ImageSize' enum",
        ),
        (
            "{ page(id: 1) { ... on ThemePage { image { url(format: GIF) } } } }",
            "Value 'GIF' does not exist in 'ImageFormat' enum",
        ),
        (
            '{ page(id: 1) { ... on ThemePage { image { url(size: "fill-9999x9999") } } } }',
            "Enum 'ImageSize' cannot represent",
        ),
    ],
)
def test_only_allow_listed_sizes_and_formats(gql, image, query, message):
    response = gql(query, {"size": "SMALL"}, status=400)
    assert message in response["errors"][0]["message"]
    assert not image.renditions.exists()


def test_every_rendition_is_from_the_allow_list(gql, image):
    for size in ("SMALL", "MEDIUM", "LARGE"):
        for file_format in ("WEBP", "JPEG", "PNG"):
            gql(QUERY, {"size": size, "format": file_format})
    assert {r.filter_spec for r in image.renditions.all()} == set(RENDITION_FILTERS)


def test_image_in_a_restricted_collection_is_hidden(gql, image):
    restricted = Collection.get_first_root_node().add_child(name="Intern")
    CollectionViewRestriction.objects.create(collection=restricted, restriction_type=CollectionViewRestriction.LOGIN)
    image.collection = restricted
    image.save()
    assert gql(QUERY)["data"]["page"]["image"] is None


def test_page_without_image(gql, demo):
    assert gql(QUERY)["data"]["page"]["image"] is None


def test_reference_html_shows_the_image_with_alt_text(client, image):
    html = client.get("/attraktive-samfunn/infrastruktur/").content.decode()
    assert 'alt="Fiberkabel legges i grøft"' in html


def test_reference_html_hides_an_image_in_a_restricted_collection(client, image):
    restricted = Collection.get_first_root_node().add_child(name="Intern")
    CollectionViewRestriction.objects.create(collection=restricted, restriction_type=CollectionViewRestriction.LOGIN)
    image.collection = restricted
    image.save()
    assert "Fiberkabel" not in client.get("/attraktive-samfunn/infrastruktur/").content.decode()
