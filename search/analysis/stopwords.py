"""Words that say nothing about what a page is about.

`FUNCTION_WORDS` are dropped from documents and queries alike (bokmål and
nynorsk, as PostgreSQL's `norwegian` list). `QUERY_NOISE` are words people put
around what they look for («hvordan søke om …», «info om …», «kva er …»): they are
dropped from queries only, and only when the query has other words.
"""


def _word_list(text: str) -> frozenset[str]:
    return frozenset(text.split())


FUNCTION_WORDS = _word_list(
    """
    og i jeg det at en et den til er som på de med han av ikke ikkje der så var meg seg men ett har om vi min
    mitt ha hadde hun nå over da ved fra du ut sin dem oss opp man kan hans hvor eller hva skal selv sjøl her
    alle vil bli ble blei blitt kunne inn når være kom noen noe ville dere deres kun ja etter ned skulle denne
    for deg si sine sitt mot å meget hvorfor dette disse uten hvordan ingen din ditt blir samme hvilken hvilke
    sånn inni mellom vår hver hvem vors hvis både bare enn fordi før mange også slik vært båe begge siden dykk
    dykkar dei deira deires deim di då eg ein eit eitt elles honom hjå ho hoe henne hennar hennes hoss hossen
    ingi inkje korleis korso kva kvar kvarhelst kven kvi kvifor me medan mi mine mykje no nokon noka nokor noko
    nokre sia sidan so somt somme um upp vere vore verte vort varte vart blant mye mer mest hos via per
    får få fått gjør gjøre gjort går gå gikk kor kva slags kvifor ikkje berre ikke
    """
)

QUERY_NOISE = _word_list(
    """
    info informasjon hjelp spørsmål lurer finne finner finn les lese mer side sida siden nettside nettsida
    søke søker søk søkje søkjer søknad søknader søknaden søkte
    """
)


def is_stop_word(word: str) -> bool:
    return word in FUNCTION_WORDS
