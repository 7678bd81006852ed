"""The full theme-page selection: what a frontend asks to render one page.

One definition, shared by the contract tests, the query-count tests and the
benchmark, so all three measure the same request.
"""

PAGE_FIELDS = """
    id title slug seoTitle searchDescription urlPath url pageType firstPublishedAt lastPublishedAt
    breadcrumbs { title url urlPath }
    parent { id title urlPath }
    children { id title urlPath }
    ... on ThemePage {
      intro
      body {
        id blockType
        ... on SectionBlock { heading anchor body }
        ... on RelatedLinksBlock { heading links { title url isExternal } }
        ... on ContactBlock { heading intro contacts { id name jobTitle responsibility email phone } }
      }
    }
"""
PAGE_BY_ID = "query Theme($id: ID!) { page(id: $id) {" + PAGE_FIELDS + "} }"
PAGE_BY_PATH = "query Theme($path: String!) { page(urlPath: $path) {" + PAGE_FIELDS + "} }"

# What a search page asks for: the benchmark sends it with each judged query in turn.
SITE_SEARCH = """query Search($query: String!) {
  siteSearch(query: $query) {
    query totalCount suggestion
    results { title url urlPath pageType excerpt score isPromoted section { heading anchor } }
    facets { pageType label count }
  }
}"""
