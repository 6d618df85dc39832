"""The built pages show what was executed: clean outputs, the summary, the figures, the predictions;
and each page was executed once, in the execution pass (its cache and the sites' build logs)."""

from __future__ import annotations

import re

import pytest
from jupyter_cache import get_cache

from tests.bookinfo import in_cache, languages, site_pages
from tools.build.execute import notebooks
from tools.build.paths import REPO, Paths

pytestmark = pytest.mark.book

LOG_NOISE = re.compile(
    r"absl::InitializeLog|cudart_stub|oneDNN|cpu_feature_guard|I0000 |W0000 |E0000 |"
    r"Traceback \(most recent call last\)|DeprecationWarning|FutureWarning"
)
NUMBER = re.compile(r"-?\d+\.\d+(?:e[-+]?\d+)?")


@pytest.mark.parametrize("rel", site_pages())
def test_outputs_are_free_of_logs_and_warnings(soup_of, rel):
    soup = soup_of(rel)
    stderr = soup.select(".output.stderr, .stderr")
    if stderr and "missing from font" in stderr[0].get_text():
        pytest.fail(f"{rel}: a figure lacks a glyph ({stderr[0].get_text()[:160]!r}); if a CJK font is "
                    "installed, matplotlib's font list predates it: delete ~/.cache/matplotlib/fontlist-*.json")
    assert not stderr, f"{rel}: stderr output on the page: {stderr[0].get_text()[:200]!r}"
    for output in soup.select(".cell_output"):
        text = output.get_text()
        match = LOG_NOISE.search(text)
        assert not match, f"{rel}: log or warning line in an output: {text[:300]!r}"


@pytest.mark.parametrize("lang", languages())
def test_linear_regression_page_shows_summary_figure_and_predictions(soup_of, lang):
    rel = f"{lang}/linear_regression.html"
    soup = soup_of(rel)
    outputs = [o.get_text() for o in soup.select(".cell_output")]
    summary = next((t for t in outputs if "Total params" in t), None)
    assert summary is not None, f"{rel}: model.summary() output missing"
    assert "(None, 1)" in summary and re.search(r"Total params: 2\b", summary), summary
    figures = soup.select(".cell_output img")
    assert figures, f"{rel}: the loss curve was not drawn"
    prediction = next((t for t in outputs if t.strip().startswith("[[")), None)
    assert prediction is not None, f"{rel}: the printed predictions are missing"
    values = [float(v) for v in NUMBER.findall(prediction)]
    assert len(values) == 2, prediction
    assert values[0] == pytest.approx(-4, abs=0.05) and values[1] == pytest.approx(-3, abs=0.05), prediction


@pytest.mark.parametrize("lang", languages())
def test_sgd_page_draws_the_batch_size_figure(soup_of, lang):
    soup = soup_of(f"{lang}/sgd.html")
    assert soup.select(".cell_output img"), "batch size figure missing"


def test_every_page_ran_once_in_the_execution_pass_and_the_sites_reused_it(built):
    """The sites' builds found each page's outputs in the cache instead of executing it again
    (a cached notebook that differs from the page, even in a cell's metadata, is not found)."""
    cache_dir, logs = built.parent / ".jupyter_cache", built.parent / "logs"
    assert cache_dir.is_dir() and logs.is_dir(), f"{built.parent} has no execution cache or build logs"
    cache = get_cache(str(cache_dir))
    for page in notebooks(Paths.of(REPO), languages()):
        assert in_cache(cache, str(page)), f"{page}: its cached outputs do not match the page"
    for lang in languages():
        log = (logs / f"build-{lang}.log").read_text(encoding="utf-8")
        assert "Using cached notebook" in log, f"the {lang} site's build log does not say where its outputs came from"
        assert "Executing notebook" not in log, f"the {lang} site executed a page itself"
