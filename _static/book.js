/* Loaded in <head>, before the page is drawn.
 *
 * pydata-sphinx-theme's first inline script sets <html data-theme> to the configured
 * default mode ("auto", see html_context in _config.yml) until its deferred script runs;
 * "auto" matches neither the light nor the dark colours, so the first page of a visit
 * would be drawn without them. Resolve "auto" to the reader's preference right away. */
(function () {
  var root = document.documentElement;
  if (root.dataset.theme !== "light" && root.dataset.theme !== "dark") {
    var dark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
    root.dataset.theme = dark ? "dark" : "light";
  }
})();

/* A display formula wider than its column scrolls sideways (book.css): give it a tab stop, so a
 * keyboard reaches and scrolls it too (WCAG 2.1.1; axe: scrollable-region-focusable). Only
 * formulas that overflow get one, measured again when the window changes size. */
(function () {
  function tabStops() {
    document.querySelectorAll("div.math > math").forEach(function (math) {
      if (math.scrollWidth > math.clientWidth + 1) {
        math.setAttribute("tabindex", "0");
      } else if (math.getAttribute("tabindex") === "0") {
        math.removeAttribute("tabindex");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", tabStops);
  window.addEventListener("resize", tabStops);
})();
