"""The published site, read as HTML: one site per language, its chrome in the site's language, alt text.

Reads the build in tests.bookinfo.BUILD_HTML (``_build/html`` unless BOOK_HTML says otherwise):
``<lang>/<page>.html`` for every language of _config.yml, and a root ``index.html``.
The same site in a real browser: test_browser.py. More of the site: test_site_notebooks.py (notebooks,
Colab, the stamp), test_site_generated_pages.py (execution report, glossary, translation status),
test_site_offline.py (nothing from another site, what it ships), test_site_search.py (search).
"""

from __future__ import annotations

import re

import pytest

from tests.bookinfo import (
    BOOK,
    HANGUL,
    lang_of,
    languages,
    name_of,
    resolve,
    search_index,
    site_pages,
    toc_pages,
)

# --- one site per language ------------------------------------------------------------------


@pytest.mark.book
def test_every_language_has_its_own_complete_site(built):
    names = {lang: {p.relative_to(BOOK / lang).as_posix() for p in (BOOK / lang).rglob("*.md")}
             for lang in languages()}
    source = languages()[0]
    for lang in languages():
        assert names[lang] == names[source], f"book/{lang}/ does not mirror book/{source}/"
        for own in ("index.html", "search.html", "searchindex.js", "_static/book.css"):
            assert (built / lang / own).is_file(), f"{lang}/{own} was not built"
    missing = [rel for rel in site_pages() if not (built / rel).is_file()]
    assert not missing, f"pages not built: {missing}"


@pytest.mark.parametrize("lang", languages())
@pytest.mark.book
def test_each_site_lists_only_its_own_pages_and_searches_only_them(soup_of, built, lang):
    soup = soup_of(f"{lang}/index.html")
    nav = soup.select_one("nav.bd-docs-nav")
    assert nav is not None, f"{lang}/index.html has no sidebar navigation"
    targets = {resolve(f"{lang}/index.html", a["href"]) for a in nav.select("a[href]") if a["href"] != "#"}
    assert targets == {f"{lang}/{name}.html" for name in toc_pages() if name != "index"}, targets
    docnames = search_index(built, lang)["docnames"]
    assert sorted(docnames) == sorted(toc_pages()), docnames


@pytest.mark.parametrize("lang", languages())
@pytest.mark.book
def test_figure_numbers_start_at_one_in_every_site(soup_of, lang):
    numbers = []
    for name in toc_pages():
        numbers += [c.get_text(" ", strip=True) for c in soup_of(f"{lang}/{name}.html").select(".caption-number")]
    assert numbers, f"the {lang} site has no numbered figure"
    first = re.search(r"\d+", numbers[0])
    assert first and first.group() == "1", f"the {lang} site's first figure is {numbers[0]!r}"
    if lang == "ko":
        assert all("그림" in n for n in numbers), numbers
    else:
        assert not any(HANGUL.search(n) for n in numbers), numbers


@pytest.mark.book
def test_root_page_offers_every_language(soup_of, built):
    soup = soup_of("index.html")
    for lang in languages():
        links = soup.select(f'ul.book-languages a[hreflang="{lang}"]')
        assert len(links) == 1, f"the root page offers {lang} {len(links)} times"
        assert resolve("index.html", links[0]["href"]) == f"{lang}/index.html"
        assert (built / lang / "index.html").is_file()
    assert not soup.select('meta[http-equiv="refresh"]'), "the root page must not redirect"


@pytest.mark.parametrize("rel", site_pages())
@pytest.mark.book
def test_html_lang_is_the_site_language(soup_of, rel):
    assert soup_of(rel).html.get("lang") == lang_of(rel)


@pytest.mark.parametrize("rel", site_pages())
@pytest.mark.book
def test_hreflang_alternates_are_complete_and_exist(soup_of, built, rel):
    soup = soup_of(rel)
    links = soup.select('head link[rel="alternate"][hreflang]')
    canonical = soup.select_one('head link[rel="canonical"]')
    # Absolute where the sites' address is known (book_discovery.py): then under the address that
    # the page's canonical link names.
    address = canonical["href"][: -len(rel)] if canonical else None

    def site_path(href: str) -> str:
        if href.startswith(("http://", "https://")):
            assert address and href.startswith(address), f"{rel}: {href} is not under {address}"
            return href[len(address):]
        return resolve(rel, href)

    found = {link["hreflang"]: site_path(link["href"]) for link in links}
    assert set(found) == set(languages()) | {"x-default"}, f"{rel}: hreflang {sorted(found)}"
    for lang in languages():
        assert found[lang] == f"{lang}/{name_of(rel)}.html", f"{rel}: hreflang {lang} -> {found[lang]}"
    assert found["x-default"] == "index.html"
    for target in found.values():
        assert (built / target).is_file(), f"{rel}: hreflang target {target} does not exist"


@pytest.mark.parametrize("rel", site_pages())
@pytest.mark.book
def test_language_switch_in_the_article_header_leads_to_the_same_page(soup_of, built, rel):
    lang = lang_of(rel)
    switch = soup_of(rel).select_one(".bd-header-article .header-article-items__end nav.language-switch")
    assert switch is not None, f"{rel}: no language switch in the theme's article header"
    current = switch.select_one(".language-switch-current")
    assert current is not None and current.get("lang") == lang and current.get("aria-current") == "page"
    for other in languages():
        if other == lang:
            continue
        links = switch.select(f'a.language-switch-link[hreflang="{other}"]')
        assert len(links) == 1, f"{rel}: expected one link to {other}, found {len(links)}"
        target = resolve(rel, links[0]["href"])
        assert target == f"{other}/{name_of(rel)}.html", f"{rel}: the {other} link goes to {target}"
        assert (built / target).is_file(), f"{rel}: the {other} link goes to a missing page {target}"
        assert links[0].get("lang") == other


# --- the chrome speaks the site's language ------------------------------------------------

# Everything on a page that is not the page's own content: header, sidebars, article header and
# its menus, previous/next, footer, and the labels that Sphinx and the extensions put into content.
CHROME = (
    "#pst-header, .bd-sidebar-primary, .bd-header-article, .bd-sidebar-secondary .page-toc > :not(nav), "
    ".prev-next-area, footer, .bd-footer-content, .admonition-title, .caption-number, "
    ".toggle-hidden button, details.hide > summary, .search-button__default-text, .skip-link, "
    "#pst-back-to-top, .searchbox, .search-button-field"
)
ATTRIBUTES = ("title", "aria-label", "placeholder", "data-bs-original-title")
# The theme's and the extensions' English strings, as whole phrases.
ENGLISH_UI = [
    "Search", "Contents", "previous", "next", "Download this page", "Download notebook file",
    "Download source file", "Print to PDF", "Fullscreen mode", "Skip to main content", "Back to top",
    "Color mode", "Light", "Dark", "System Settings", "On this page", "Site navigation", "Section Navigation",
    "By", "Copyright", "Show code cell", "Hide code cell", "Click to show", "Click to hide", "Note",
    "Warning", "Tip", "Fig.", "Figure", "Table", "Launch", "Open in Colab", "Toggle navigation",
    "Read this page in another language", "This translation may be out of date", "Read the source page",
    "The outputs on this page", "Solution", "Hint",
]


def chrome_texts(soup) -> list[str]:
    """The text and the labelling attributes of the chrome, without what is marked as another language."""
    texts = []
    for element in soup.select(CHROME):
        if element.find_parent(attrs={"lang": True}) not in (None, soup.html) or element.get("lang"):
            continue
        clone = __import__("copy").copy(element)
        for other in clone.select("[lang], pre, code, .language-switch-link, .language-switch-current"):
            other.decompose()
        texts.append(clone.get_text(" ", strip=True))
        for node in [clone, *clone.find_all(True)]:
            texts += [str(node.get(attribute)) for attribute in ATTRIBUTES if node.get(attribute)]
    return [t for t in texts if t]


@pytest.mark.parametrize("rel", [r for r in site_pages() if not r.startswith("ko/")])
@pytest.mark.book
def test_no_hangul_in_the_chrome_of_other_sites(soup_of, rel):
    offenders = [t for t in chrome_texts(soup_of(rel)) if HANGUL.search(t)]
    assert not offenders, f"{rel}: Hangul in the chrome: {offenders[:5]}"


@pytest.mark.parametrize("rel", [r for r in site_pages() if r.startswith("ko/")])
@pytest.mark.book
def test_no_english_ui_strings_in_the_korean_chrome(soup_of, rel):
    soup = soup_of(rel)
    texts = chrome_texts(soup)
    pattern = re.compile(r"(?<![\w.])(?:" + "|".join(map(re.escape, ENGLISH_UI)) + r")(?![\w])")
    found = sorted({m.group() for t in texts for m in pattern.finditer(t)})
    assert not found, f"{rel}: English UI strings in the Korean chrome: {found}"


# --- accessibility --------------------------------------------------------------------------


@pytest.mark.parametrize("rel", site_pages())
@pytest.mark.book
def test_every_image_has_alt_text_in_the_page_language(soup_of, rel):
    for img in soup_of(rel).select("article img"):
        alt = (img.get("alt") or "").strip()
        assert alt, f"{rel}: image {img.get('src')} has no alt text"
        assert not re.search(r"\.(png|jpe?g|svg|gif|webp)$", alt, re.IGNORECASE), (
            f"{rel}: the alt text of {img.get('src')} is a file name: {alt!r}"
        )
        if lang_of(rel) == "ko":
            assert HANGUL.search(alt), f"{rel}: alt text is not Korean: {alt!r}"
        else:
            assert not HANGUL.search(alt) and re.search(r"[A-Za-z]{3}", alt), f"{rel}: alt text: {alt!r}"

