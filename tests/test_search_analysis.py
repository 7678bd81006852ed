"""The Norwegian analysis (search.analysis): the same terms for a word wherever it is analysed."""

import logging
import random
import sys
import threading

import pytest

from search.analysis import Analyser, dictionary, fold, words
from search.analysis.english import looks_english
from search.analysis.nynorsk import bokmal_forms
from search.analysis.stemming import stem
from search.correction import best, distance


@pytest.fixture(scope="module")
def analyser():
    # The site's own words, as the indexer passes them: «troms» is on the pages, not in the dictionary's compounds.
    return Analyser("nb", {"troms", "midt"})


def terms(analyser, word) -> set[str]:
    return {t.text for t in analyser.word_terms(word)}


def test_the_dictionary_is_installed():
    # CI and the Docker image install hunspell-no; without it splitting falls back to the site's words.
    assert dictionary.is_installed(), dictionary.dictionary_path()


def test_threads_stemming_at_once_get_the_stems_one_thread_gets(monkeypatch):
    # gunicorn's threads share the process: a stemmer shared between them stemmed one thread's word with
    # another's letters (wrong terms, kept by the cache) or raised IndexError. Switching threads as often as
    # possible makes that happen within a few thousand words, with snowballstemmer's pure-Python stemmer (what
    # runs where PyStemmer is not installed; the compiled one does a word without letting go of the GIL).
    from snowballstemmer.norwegian_stemmer import NorwegianStemmer

    from search.analysis import stemming

    monkeypatch.setattr(stemming.snowballstemmer, "stemmer", lambda language: NorwegianStemmer())
    monkeypatch.setattr(stemming, "_local", threading.local())
    rng = random.Random(1)
    endings = ["ene", "ane", "heten", "ing", "ert", "ene", "ane"]
    letters = "abdefgiklmnoprstuvæøå"
    vocabulary = [
        "".join(rng.choice(letters) for _ in range(rng.randint(5, 14))) + rng.choice(endings) for _ in range(20_000)
    ]
    uncached = stem.__wrapped__
    expected = {word: uncached(word) for word in vocabulary}
    wrong, failures = [], []

    def stem_all(some):
        try:
            wrong.extend(word for word in some if uncached(word) != expected[word])
        except Exception as error:
            failures.append(error)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=stem_all, args=(vocabulary[i::4],)) for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert (wrong[:5], failures[:1]) == ([], [])


def test_stems_come_from_the_compiled_stemmer_and_match_snowballs_own_algorithm():
    from snowballstemmer.norwegian_stemmer import NorwegianStemmer

    from search.analysis import stemming
    from tests.seed import seed_lines

    # PyStemmer makes a search for long made-up words 2x faster; an install without it would silently fall back.
    assert type(stemming._stemmer()).__module__ == "Stemmer"
    # The index and the queries must stem alike whichever is installed: both are the same Snowball algorithm.
    vocabulary = sorted({word for line in seed_lines() for word in words(line) if word.isalpha()})
    pure = NorwegianStemmer()
    assert len(vocabulary) > 300
    assert [w for w in vocabulary if stemming._stemmer().stemWord(w) != pure.stemWord(w)] == []


def test_words_are_normalised_and_split():
    assert words("Bredbånd i Nord-Troms, «etter- og videreutdanning»") == [
        "bredbånd",
        "i",
        "nord-troms",
        "etter-",
        "og",
        "videreutdanning",
    ]
    assert words("Ca\u0301ivuotna") == ["cáivuotna"]  # decomposed input is composed (NFC)


@pytest.mark.parametrize(
    ("word", "folded"),
    [("bredbånd", "bredband"), ("Dyrøy".lower(), "dyroy"), ("næring", "naring"), ("gáivuotna", "gaivuotna")],
)
def test_folding(word, folded):
    assert fold(word) == folded


@pytest.mark.parametrize(
    ("forms", "same"),
    [
        (["bredbånd", "bredbåndet"], True),
        (["program", "programmet", "programmer"], True),
        (["dagligvarebutikk", "dagligvarebutikkene", "dagligvarebutikkar"], True),
        (["utfordringer", "utfordringar", "utfordringane"], True),
        (["bredbånd", "bred"], False),
    ],
)
def test_inflected_forms_share_a_stem(forms, same):
    assert (len({stem(f) for f in forms}) == 1) is same


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("dagligvarebutikkene", {"dagligvar", "butik", "varebutik"}),
        ("tromsøregionen", {"tromsø", "tromso", "region"}),
        ("tromsvekstavtaler", {"trom", "vekstavtal", "avtal"}),
        ("videreutdanningstilbud", {"videreutdanning", "utdanningstilbud", "tilbud"}),
        ("omstillingsprogrammet", {"omstilling", "program"}),
        ("bygdevekstavtalene", {"bygdevekst", "vekstavtal"}),
    ],
)
def test_compounds_are_split_into_words_the_site_or_dictionary_knows(analyser, word, parts):
    assert parts <= terms(analyser, word)


@pytest.mark.parametrize("word", ["investeringer", "kommersielt", "figenschau", "kvænangen", "broadband"])
def test_words_that_are_not_compounds_stay_whole(analyser, word):
    assert analyser.parts(word) == ()


def test_shared_parts_of_hyphenated_compounds_are_expanded(analyser):
    found = analyser.text_terms("Campus Nord-Troms jobber for etter- og videreutdanningstilbud")
    by_position = {position: {t.text for t in found_terms} for position, found_terms in found}
    assert {"etterutdanning", "etterutdanningstilbud"} <= by_position[4]
    assert {"nord", "trom", "nordtrom"} <= by_position[1]


def test_stop_words_become_no_terms(analyser):
    assert analyser.text_terms("til og med for det som") == []


@pytest.mark.parametrize(
    ("nynorsk", "bokmal"),
    [("daglegvare", "dagligvare"), ("moglegheit", "mulighet"), ("tryggleik", "trygglighet"), ("haust", "høst")],
)
def test_nynorsk_patterns(nynorsk, bokmal):
    # «mogleg» → «mulig» is lexical; the patterns still give «moglighet», close enough for the vocabulary check.
    assert any(form.replace("mog", "mu") == bokmal or form == bokmal for form in bokmal_forms(nynorsk))


@pytest.mark.parametrize(
    ("word", "english"),
    [("broadband", True), ("restructuring", False), ("innovation", True), ("housing", True), ("bredbånd", False)],
)
def test_english_spelling(word, english):
    assert looks_english(word) is english


def test_english_words_are_stored_whole(analyser):
    assert terms(analyser, "broadband") == {"broadband"}
    assert terms(analyser, "innovation") == {"innovation"}


def test_edit_distance_counts_swaps_as_one():
    assert distance("bygdevektsavtal", "bygdevekstavtal", 2) == 1
    assert distance("kompetanas", "kompetans", 2) == 1
    assert distance("abc", "xyz", 1) == 2


def test_corrections_need_to_be_close_for_the_words_length():
    candidates = [("bredband", "bredbånd", 3), ("bredbånd", "bredbånd", 3), ("tilskud", "tilskudd", 5)]
    assert best("bredbånt", candidates) == ("bredband", "bredbånd")
    assert best("tilskot", candidates) is None  # two edits in seven letters
    assert best("brød", candidates) is None  # short words are never corrected


def test_without_the_dictionary_splitting_uses_the_sites_words(monkeypatch, tmp_path, caplog):
    monkeypatch.setenv("SEARCH_HUNSPELL_DIC", str(tmp_path / "missing.dic"))
    dictionary.compound_words.cache_clear()
    try:
        with caplog.at_level(logging.WARNING):
            bare = Analyser("nb", {"dagligvare", "butikk"})
        assert "apt-get install hunspell-no" in caplog.text
        assert {"dagligvar", "butik"} <= terms(bare, "dagligvarebutikkene")
        assert bare.parts("omstillingsprogrammet") == ()
    finally:
        dictionary.compound_words.cache_clear()
