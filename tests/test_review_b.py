"""A hostile robustness review: each input here once gave a 500, a traceback or a wrong answer.

Every test sends what a client, an editor or an operator could send, through the
real entry point (the Django test client, the admin, `call_command`), and checks
that it is refused or answered clearly, and that nothing public breaks.
"""

import pytest

pytestmark = pytest.mark.django_db


def test_the_sami_search_page_is_served_at_se_search(client, demo):
    """Django takes a URL prefix as a language only if it finds a catalogue for it, and ships none for `se`.

    Sami pages were found anyway (their stored paths start with /se/), but /se/search/, which
    docs/languages.md promises, answered 404.
    """
    response = client.get("/se/search/", {"q": "bredbånd"})
    assert response.status_code == 200
    assert '<html lang="se"' in response.content.decode()
    assert "Bredbånd" in response.content.decode()
