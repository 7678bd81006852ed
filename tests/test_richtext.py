import pytest

from publishing.richtext import internal_link_ids, render_public_html

PUBLIC = {("page", 3): "/attraktive-samfunn/", ("document", 7): "http://localhost/documents/7/plan.pdf"}


def resolve(linktype, pk):
    return PUBLIC.get((linktype, pk))


def test_internal_links_become_public_urls():
    html = render_public_html(
        '<p>Se <a linktype="page" id="3">temaet</a> og <a id="7" linktype="document">planen</a>.</p>', resolve
    )
    assert (
        html
        == '<p>Se <a href="/attraktive-samfunn/">temaet</a> og <a href="http://localhost/documents/7/plan.pdf">planen</a>.</p>'
    )


@pytest.mark.parametrize(
    "link",
    [
        '<a linktype="page" id="99">tekst</a>',
        '<a linktype="document" id="99">tekst</a>',
        '<a linktype="page" id="x">tekst</a>',
    ],
)
def test_links_to_hidden_or_broken_targets_keep_only_their_text(link):
    assert render_public_html(f"<p>{link}</p>", resolve) == "<p>tekst</p>"


def test_external_links_stay():
    assert render_public_html('<p><a href="https://www.regjeringen.no/">Regjeringen</a></p>', resolve) == (
        '<p><a href="https://www.regjeringen.no/">Regjeringen</a></p>'
    )


@pytest.mark.parametrize(
    ("stored", "rendered"),
    [
        ("<p>Hei<script>alert(1)</script></p>", "<p>Hei</p>"),
        ('<p onclick="steal()">Hei</p>', "<p>Hei</p>"),
        ('<p><a href="javascript:alert(1)">x</a></p>', "<p><a>x</a></p>"),
        ('<p><embed embedtype="image" id="1" format="left"/>Bilde</p>', "<p>Bilde</p>"),
        ('<iframe src="https://evil.example"></iframe><p>ok</p>', "<p>ok</p>"),
        ("<p>Æ &amp; Ø &lt; Å</p>", "<p>Æ &amp; Ø &lt; Å</p>"),
    ],
)
def test_output_is_safe_to_insert_whatever_is_stored(stored, rendered):
    assert render_public_html(stored, resolve) == rendered


def test_link_ids_are_collected_for_batch_loading():
    source = '<a linktype="page" id="3">a</a><a linktype="document" id="7">b</a><a linktype="page" id="x">c</a>'
    assert internal_link_ids(source) == ({3}, {7})
