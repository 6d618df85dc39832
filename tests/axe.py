"""axe-core (the copy bundled with axe-playwright-python) over the built site: WCAG 2.0 to 2.2, levels A
and AA, in the light and the dark theme, at desktop and phone width. tests/test_accessibility_ko.py and
tests/test_accessibility_en.py run it, one language each, so that pytest-xdist runs the two side by side.

Every page of every language's site, its search page and the root page. Each page is loaded once; the
theme is then switched the way a reader's system switches it (Chromium's prefers-color-scheme; the site's
default mode is "auto", and the test checks that the page took it), and the window resized. In the light
theme every rule runs at both widths; in the dark theme the DOM is the same, so only the rules whose result
can depend on the colours (axe's categories ``cat.color``, and ``cat.text-alternatives`` for images shown in
one theme only) run again.

The code blocks are coloured by Pygments, one ``<span>`` per token: thousands per page, which cost axe's
colour-contrast rule most of its time, for a few dozen distinct colours. axe checks everything in them but
their colours (``pre`` is left out of its runs, then checked alone by the rules that concern a ``pre``:
scrolling by keyboard); ``code_contrast`` computes the contrast of each distinct token style the page
shows, with WCAG's formula, as axe would. A violation is reported with the page, theme, width, rule, impact
and element, one line each.
"""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

from tests.bookinfo import languages, site_pages

WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# Experimental in this axe-core; the label of a button must contain its visible text (WCAG 2.5.3).
EXTRA = ["label-content-name-mismatch"]
THEME_CATEGORIES = ("cat.color", "cat.text-alternatives")
CODE = ".highlight pre"
CODE_RULES = ["scrollable-region-focusable"]

# Every distinct (colour, background, size, weight) of the visible text of the code blocks, the colours
# composited over the first opaque background below them.
TOKEN_STYLES = """selector => {
  const parse = c => { const v = c.match(/[\\d.]+/g).map(Number); return [v[0], v[1], v[2], v.length > 3 ? v[3] : 1]; };
  const over = (top, below) => top.slice(0, 3).map((v, i) => v * top[3] + below[i] * (1 - top[3])).concat([1]);
  const background = el => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    return layers.reverse().reduce((below, top) => over(top, below), [255, 255, 255, 1]);
  };
  const seen = new Map();
  for (const pre of document.querySelectorAll(selector)) {
    if (!pre.checkVisibility()) continue;
    for (const el of [pre, ...pre.querySelectorAll("span")]) {
      const own = Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
      if (!own) continue;
      const s = getComputedStyle(el), bg = background(el), fg = over(parse(s.color), bg);
      const style = { element: el === pre ? "pre" : "span." + (el.className || "(none)"), color: fg.slice(0, 3),
                      background: bg.slice(0, 3), size: parseFloat(s.fontSize), weight: Number(s.fontWeight) };
      const key = [style.color, style.background, style.size, style.weight].join("|");
      if (!seen.has(key)) seen.set(key, style);
    }
  }
  return Array.from(seen.values());
}"""


def audited_pages(lang: str) -> list[str]:
    """A language's pages and search page; the root page with the first language."""
    root = ["index.html"] if lang == languages()[0] else []
    return [*root, *(rel for rel in site_pages() if rel.startswith(f"{lang}/")), f"{lang}/search.html"]


def luminance(rgb: list[float]) -> float:
    """WCAG 2's relative luminance of an sRGB colour (0-255 channels)."""
    channels = [c / 255 for c in rgb]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: list[float], b: list[float]) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def required_contrast(size_px: float, weight: int) -> float:
    """WCAG 1.4.3: 3:1 for large text (24 px, or 18.66 px bold), else 4.5:1."""
    return 3.0 if size_px >= 24 or (size_px >= 18.66 and weight >= 700) else 4.5


def code_contrast(page, where: str) -> list[str]:
    """One line per token style of the page's code blocks whose contrast is too low."""
    found = []
    for style in page.evaluate(TOKEN_STYLES, CODE):
        ratio, needed = contrast(style["color"], style["background"]), required_contrast(style["size"], style["weight"])
        if ratio < needed:
            found.append(f"{where}: color-contrast [serious] {CODE} {style['element']}: {ratio:.2f}:1 "
                         f"(rgb{tuple(round(c) for c in style['color'])} on "
                         f"rgb{tuple(round(c) for c in style['background'])}), needs {needed}:1")
    return found


def _lines(response: dict, where: str) -> list[str]:
    return [f"{where}: {rule['id']} [{rule['impact']}] {' '.join(map(str, node['target']))}: {rule['help']}"
            for rule in response["violations"] for node in rule["nodes"]]


def violations(browser, base: str, pages: list[str], themes=("light", "dark"), book_theme: bool = True) -> list[str]:
    """One line per element that breaks a rule, on any of ``pages``, in any of ``themes``, at either width.
    With ``book_theme``, each page but the root page must have taken the theme."""
    found: list[str] = []
    axe_script = Axe().axe_script
    context = browser.new_context(viewport=WIDTHS["desktop"], color_scheme=themes[0])
    try:
        page = context.new_page()
        page.evaluate(axe_script)  # only to ask axe for its rules, once
        rules = page.evaluate("tags => axe.getRules(tags)", TAGS)
        every = [rule["ruleId"] for rule in rules] + EXTRA
        by_theme = [rule["ruleId"] for rule in rules if set(rule["tags"]) & set(THEME_CATEGORIES)]
        for width, viewport in WIDTHS.items():
            page.set_viewport_size(viewport)
            for rel in pages:
                page.emulate_media(color_scheme=themes[0])
                page.goto(base + rel, wait_until="load")  # at this width: the theme's scripts measure on load
                page.evaluate(axe_script)
                has_code = page.locator(CODE).count() > 0
                for n, theme in enumerate(themes):
                    page.emulate_media(color_scheme=theme)
                    if book_theme and rel != "index.html":  # the root page follows the media query alone
                        page.wait_for_function("theme => document.documentElement.dataset.theme === theme", arg=theme,
                                               timeout=5_000)
                    # The theme's colours change with a transition: measure them where it ends.
                    page.evaluate("() => document.getAnimations().forEach(a => a.finish())")
                    where = f"{rel} ({theme}, {width})"
                    if width == "desktop":  # the tokens' colours and sizes are the same at both widths
                        found += code_contrast(page, f"{rel} ({theme})")
                    run = {"runOnly": {"type": "rule", "values": every if n == 0 else by_theme},
                           "resultTypes": ["violations"]}
                    found += _lines(page.evaluate("([c, o]) => axe.run(c, o)", [{"exclude": [[CODE]]}, run]), where)
                    if has_code and n == 0:
                        code = {**run, "runOnly": {"type": "rule", "values": CODE_RULES}}
                        found += _lines(page.evaluate("([c, o]) => axe.run(c, o)", [{"include": [[CODE]]}, code]),
                                        where)
    finally:
        context.close()
    return found
