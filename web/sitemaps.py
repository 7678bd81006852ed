"""sitemap.xml and robots.txt: every public page of the site, in every language, from the public reader.

The addresses come from `PublicContent.addresses()`, the same rule and the same
stored rows as every other channel, so a page leaves the sitemap the moment it
leaves the site. Translations of a page name each other (`xhtml:link
hreflang`), as Google documents for multilingual sites. A site of more than
50,000 pages (the sitemap protocol's limit per file) gets a sitemap index
whose files are `/sitemap.xml?p=1`, `?p=2` and so on.
"""

from collections import defaultdict
from xml.sax.saxutils import quoteattr

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_safe

from publishing.languages import default_language
from publishing.reader import PublicContent

URLS_PER_FILE = 50_000
XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
NAMESPACES = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml"'


def _xml(lines: list[str]) -> HttpResponse:
    return HttpResponse(XML_HEAD + "\n".join(lines) + "\n", content_type="application/xml; charset=utf-8")


def _file_number(request, files: int) -> int | None:
    raw = request.GET.get("p")
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= files:
        raise Http404("No such sitemap file.")
    return int(raw)


@require_safe
def sitemap(request):
    content = PublicContent.for_request(request)
    addresses = content.addresses()
    files = max(1, -(-len(addresses) // URLS_PER_FILE))
    number = _file_number(request, files)
    if number is None and files > 1:
        entries = [
            f"<sitemap><loc>{content.absolute_url('/sitemap.xml')}?p={n}</loc></sitemap>" for n in range(1, files + 1)
        ]
        return _xml(['<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">', *entries, "</sitemapindex>"])
    chosen = addresses[((number or 1) - 1) * URLS_PER_FILE :][:URLS_PER_FILE]
    translations = defaultdict(list)
    for url_path, language, key, _ in addresses:
        translations[key].append((language, url_path))
    lines = [f"<urlset {NAMESPACES}>"]
    for url_path, _, key, published in chosen:
        lines.append(f"<url><loc>{_escaped(content.absolute_url(url_path))}</loc>")
        if published is not None:
            lines.append(f"<lastmod>{published.isoformat(timespec='seconds')}</lastmod>")
        versions = translations[key]
        if len(versions) > 1:
            for language, path in versions:
                lines.append(_alternate(language, content.absolute_url(path)))
                if language == default_language():
                    lines.append(_alternate("x-default", content.absolute_url(path)))
        lines.append("</url>")
    lines.append("</urlset>")
    return _xml(lines)


def _escaped(text: str) -> str:
    return quoteattr(text)[1:-1]


def _alternate(language: str, url: str) -> str:
    return f'<xhtml:link rel="alternate" hreflang="{language}" href={quoteattr(url)}/>'


@require_safe
def robots(request):
    content = PublicContent.for_request(request)
    lines = ["User-agent: *", "Disallow: /admin/", f"Sitemap: {content.absolute_url('/sitemap.xml')}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
