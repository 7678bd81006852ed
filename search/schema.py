"""GraphQL fields for site search, mounted on the root query by `api.schema`."""

import graphene
from graphql import GraphQLError

from publishing.languages import UnknownLanguage, default_language, language_named
from publishing.reader import PublicContent

from .engine import MAX_LIMIT, MAX_QUERY_LENGTH, SearchInputError, SiteSearch
from .languages import search_in


def _language(locale: str) -> str:
    try:
        return language_named(locale)
    except UnknownLanguage as error:
        raise GraphQLError(str(error)) from error


class SearchSection(graphene.ObjectType):
    heading = graphene.String(required=True, description="The section's heading as shown on the page.")
    anchor = graphene.String(
        required=True, description="The section's anchor on the page (`SectionBlock.anchor`, the heading's `id`)."
    )

    class Meta:
        description = "The section of a page that matched the search best."


class SearchResult(graphene.ObjectType):
    title = graphene.String(required=True, description="Page title.")
    url = graphene.String(
        required=True, description="Full public URL; ends with `#anchor` when a section matched best."
    )
    url_path = graphene.String(
        required=True,
        description="Public path, e.g. `/attraktive-samfunn/infrastruktur/#bredband`; "
        "ends with `#anchor` when a section matched best.",
    )
    page_type = graphene.String(required=True, description="GraphQL type name of the page, e.g. `ThemePage`.")
    excerpt = graphene.String(
        required=True,
        description="A short passage of the page as HTML: matches wrapped in `<mark>`, everything else escaped.",
    )
    score = graphene.Float(
        description="Relevance from 0 to 1, comparable between searches and databases: about 0.8 when every word "
        "is in the title, 0.4 when every word is once in body text, less for parts of compounds and missing words "
        "(see docs/search.md). Null for results editors pinned to the query."
    )
    is_promoted = graphene.Boolean(
        required=True, description="True when editors pinned this page to the query (search promotion)."
    )
    section = graphene.Field(SearchSection, description="Best-matching section; null when no single section matched.")
    locale = graphene.String(required=True, description="Language of the page found, e.g. `nb`.")
    is_fallback = graphene.Boolean(
        required=True,
        description="True for a page in a fallback language: it has no translation in the language searched.",
    )

    class Meta:
        description = "One page found by the site search."


class SearchFacet(graphene.ObjectType):
    page_type = graphene.String(required=True, description="Page type to pass as `pageType`, e.g. `ThemePage`.")
    label = graphene.String(required=True, description="Norwegian name of the page type, for display.")
    count = graphene.Int(required=True, description="Number of hits of this page type.")

    class Meta:
        description = "Hits per page type, counted without the `pageType` filter."


class SiteSearchResults(graphene.ObjectType):
    query = graphene.String(required=True, description="The query as searched (whitespace tidied).")
    total_count = graphene.Int(required=True, description="All hits, pinned results included.")
    results = graphene.List(
        graphene.NonNull(SearchResult), required=True, description="The requested window of hits, best first."
    )
    facets = graphene.List(graphene.NonNull(SearchFacet), required=True, description="Hits per page type.")
    suggestion = graphene.String(
        description="«Mente du»: a corrected query that finds pages, offered only when the query as typed found "
        "none. With `autocorrect` (the default) the results are already for it, and `correctedQuery` is set too."
    )
    corrected_query = graphene.String(
        description="When the query as typed found nothing and a near spelling of its words does, the results are "
        "for this corrected query (show «Viser treff for …»); null when the results are for `query` itself."
    )

    class Meta:
        description = "Result of a site search."


def _result(hit) -> SearchResult:
    section = SearchSection(heading=hit.section.heading, anchor=hit.section.anchor) if hit.section else None
    return SearchResult(
        title=hit.title,
        url=hit.url,
        url_path=hit.url_path,
        page_type=hit.page_type,
        excerpt=hit.excerpt,
        score=hit.score,
        is_promoted=hit.is_promoted,
        section=section,
        locale=hit.locale,
        is_fallback=hit.is_fallback,
    )


class SearchQuery(graphene.ObjectType):
    site_search = graphene.Field(
        graphene.NonNull(SiteSearchResults),
        query=graphene.String(required=True, description=f"What the user typed, 1 to {MAX_QUERY_LENGTH} characters."),
        limit=graphene.Int(default_value=10, description=f"Page size, 1 to {MAX_LIMIT}."),
        offset=graphene.Int(default_value=0, description="How many hits to skip."),
        page_type=graphene.String(description="Only pages of this type, e.g. `ThemePage` (see `facets`)."),
        locale=graphene.String(
            description="Language to search, e.g. `nn`; pages it has no translation of are found in its fallback "
            "languages (`isFallback`). The default language when left out."
        ),
        autocorrect=graphene.Boolean(
            default_value=True,
            description="Search a corrected query when the one typed finds nothing (see `correctedQuery`). "
            "False searches exactly what was typed (the «search for … instead» link).",
        ),
        description="Search the published pages of the current site in Norwegian (bokmål, nynorsk, Sami place "
        "names, parts of compound words, words typed without æ/ø/å or with a typo, English for the main topics). "
        "Each search counts in the editors' search statistics.",
    )
    search_suggest = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        prefix=graphene.String(required=True, description="What the user has typed so far."),
        limit=graphene.Int(default_value=8, description=f"Most suggestions to return, 1 to {MAX_LIMIT}."),
        locale=graphene.String(description="Language of the titles and headings; the default language when left out."),
        description="Autocomplete while typing: page titles and section headings with a word starting with `prefix`.",
    )

    def resolve_site_search(self, info, query, limit, offset, page_type=None, autocorrect=True, locale=None):
        content = PublicContent.for_request(info.context)
        options = {"page_type": page_type, "record": True, "autocorrect": autocorrect}
        try:
            if locale is None:
                results = SiteSearch(content.site, locale=default_language()).search(
                    query, limit=limit, offset=offset, **options
                )
            else:
                results = search_in(content, _language(locale), query, limit=limit, offset=offset, **options)
        except SearchInputError as error:
            raise GraphQLError(str(error)) from error
        return SiteSearchResults(
            query=results.query,
            total_count=results.total_count,
            results=[_result(hit) for hit in results.hits],
            facets=[SearchFacet(page_type=f.page_type, label=f.label, count=f.count) for f in results.facets],
            suggestion=results.suggestion,
            corrected_query=results.corrected_query,
        )

    def resolve_search_suggest(self, info, prefix, limit, locale=None):
        language = _language(locale) if locale is not None else default_language()
        engine = SiteSearch(PublicContent.for_request(info.context).site, locale=language)
        try:
            return engine.suggest(prefix, limit=limit)
        except SearchInputError as error:
            raise GraphQLError(str(error)) from error
