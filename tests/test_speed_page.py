"""The speed page's sentences about its own timings, fed with noisy and inverted timings.

The speed page (book/<lang>/speed.md) writes what it measured about tracing and the progress bar
with small pure functions defined in its code cells: compare, extra_time, ratio_sentence,
percent_shares and shares_sentence. The build runs them once, on one machine's timings. On a busy
machine such a page once printed "0.93배 오래 걸렸습니다" and a share of -7%. This test runs the
functions of every language's page, taken from the page itself, on timings planted to be awkward:
verbose=1 faster than verbose=0, a share that would be negative, every difference within the
spread of the repeated measurements, a clear difference with one disturbed run. It runs only the
cells that define nothing but functions: no TensorFlow, no training.

The page's rule (compare): slow took longer when its lower quartile is above fast's upper quartile,
so that one run out of ten disturbed by another program does not hide a real difference, and the
difference is "not measurable" when the middle halves of the two sides overlap.
"""

from __future__ import annotations

import ast
import random
import re

import numpy as np
import pytest

from book_ext.book_page import read_page
from tests.bookinfo import ROOT, languages

PAGE = "speed"
FUNCTIONS = {"compare", "extra_time", "ratio_sentence", "percent_shares", "shares_sentence"}
# What the page says when a difference is within the spread, per language.
NO_DIFFERENCE = {"ko": "측정할 수 있는 차이가 없었습니다", "en": "not measurable"}
NO_TIME = {"ko": "측정할 수 있을 만큼 크지 않았습니다", "en": "too small to measure"}
# The two things compared, as the sentences expect them (the Korean subject carries its particle).
SUBJECTS = {"ko": ("A는", "B"), "en": ("A", "B")}
# A ratio stated as "X times as long": X must be above 1.
LONGER = re.compile(r"(-?\d+(?:\.\d+)?)\s*(?:배 오래|times as long)")
PERCENT = re.compile(r"(-?\d+(?:\.\d+)?)\s*%")

# (slow, fast) timings in seconds, as the page measures them: one list per side, one value a round.
INVERTED = ([0.0240, 0.0245, 0.0242, 0.0238], [0.0260, 0.0270, 0.0265, 0.0262])  # verbose=1 faster
WITHIN_NOISE = ([0.025, 0.031, 0.027, 0.026], [0.026, 0.028, 0.030, 0.027])  # median ratio 0.96
# Median ratio 1.15, but both sides spread so widely that their middle halves overlap.
NOISY_SLOWER = ([0.034, 0.022, 0.036, 0.026, 0.033, 0.024, 0.032, 0.029],
                [0.025, 0.031, 0.023, 0.028, 0.024, 0.030, 0.026, 0.027])
CLEAR = ([0.21, 0.20, 0.22], [0.060, 0.050, 0.055])  # the first call: clearly longer
BARELY = ([1.0021, 1.0030], [1.0000, 1.0010])  # clearly longer, by less than 0.5 %
# A clear difference (the first call against the next one, 10 rounds) with one run out of 10
# disturbed by another program: one next call took 0.65 s, longer than every first call.
DISTURBED = ([0.31, 0.29, 0.35, 0.33, 0.30, 0.32, 0.34, 0.30, 0.36, 0.31],
             [0.10, 0.09, 0.11, 0.10, 0.12, 0.65, 0.10, 0.09, 0.11, 0.10])


def page_functions(lang: str) -> dict:
    """The page's pure functions: every code cell whose statements are all function definitions,
    run in order in one namespace that holds NumPy as the page imports it."""
    page = read_page(ROOT, f"book/{lang}/{PAGE}.md")
    namespace = {"np": np}
    for cell in page.cells:
        body = ast.parse(cell.code).body
        if body and all(isinstance(node, ast.FunctionDef) for node in body):
            exec(compile(cell.code, f"book/{lang}/{PAGE}.md:{cell.code_line}", "exec"), namespace)
    missing = FUNCTIONS - namespace.keys()
    assert not missing, f"book/{lang}/{PAGE}.md defines no {sorted(missing)} in a cell of functions only"
    return namespace


@pytest.fixture(scope="module", params=languages())
def page(request):
    return request.param, page_functions(request.param)


def assert_no_false_longer(text: str) -> None:
    for match in LONGER.finditer(text):
        assert float(match.group(1)) > 1, f"a ratio of {match.group(1)} called longer: {text!r}"


def assert_shares_add_up(text: str) -> None:
    values = [float(v) for v in PERCENT.findall(text)]
    assert values, f"no share in {text!r}"
    assert all(v >= 0 for v in values), f"a negative share: {text!r}"
    assert sum(values) == 100, f"the shares add up to {sum(values)}: {text!r}"


def sentence(page, timings):
    lang, f = page
    subject, baseline = SUBJECTS.get(lang, ("A", "B"))
    return f["ratio_sentence"](subject, baseline, *timings)


@pytest.mark.parametrize("timings", [INVERTED, WITHIN_NOISE, NOISY_SLOWER], ids=["inverted", "within-noise",
                                                                              "noisy-slower"])
def test_no_ratio_when_not_clearly_longer(page, timings):
    lang, f = page
    text = sentence(page, timings)
    assert_no_false_longer(text)
    assert not LONGER.search(text), f"a ratio stated although the quartiles do not separate: {text!r}"
    assert f["extra_time"](*timings) == 0.0
    if timings is not INVERTED and lang in NO_DIFFERENCE:
        assert NO_DIFFERENCE[lang] in text, text


def test_inverted_is_not_called_no_difference_or_longer(page):
    lang, f = page
    assert f["compare"](*INVERTED) == "shorter"
    assert f["compare"](*reversed(INVERTED)) == "longer"
    assert f["extra_time"](*reversed(INVERTED)) > 0


@pytest.mark.parametrize("timings", [CLEAR, DISTURBED], ids=["clear", "clear-one-disturbed"])
def test_a_clear_difference_gets_its_ratio(page, timings):
    lang, f = page
    assert f["compare"](*timings) == "longer"
    text = sentence(page, timings)
    match = LONGER.search(text)
    assert match, f"no ratio for a clear difference: {text!r}"
    slow, fast = timings
    assert float(match.group(1)) == pytest.approx(np.median(slow) / np.median(fast), abs=0.01)
    assert f["extra_time"](*timings) == pytest.approx(np.median(slow) - np.median(fast))


def test_a_tiny_clear_difference_is_not_written_as_1_00(page):
    text = sentence(page, BARELY)
    assert_no_false_longer(text)
    assert not LONGER.search(text), text


def estimate_parts(page, first_calls, warm_calls, verbose1, verbose0, time_fit=5.0, epochs=200):
    """The three parts as the page puts them together (names in the page's language do not matter)."""
    _, f = page
    return {
        "overhead": time_fit,
        "tracing": f["extra_time"](first_calls, warm_calls),
        "progress": epochs * f["extra_time"](verbose1, verbose0),
    }


@pytest.mark.parametrize("progress", [INVERTED, WITHIN_NOISE, NOISY_SLOWER, CLEAR],
                         ids=["inverted", "within-noise", "noisy-slower", "clear"])
@pytest.mark.parametrize("tracing", [CLEAR, DISTURBED, WITHIN_NOISE],
                         ids=["clear", "clear-one-disturbed", "within-noise"])
def test_shares_are_never_negative_and_add_up(page, progress, tracing):
    lang, f = page
    parts = estimate_parts(page, *tracing, *progress)
    assert all(seconds >= 0 for seconds in parts.values()), parts
    text = f["shares_sentence"](parts)
    assert_shares_add_up(text)
    unmeasured = [name for name, seconds in parts.items() if seconds == 0]
    for name in unmeasured:
        assert name in text, text
        assert not re.search(rf"{name}\s*-?\d", text), f"{name} has a share although it is not measurable: {text!r}"
    if unmeasured and lang in NO_TIME:
        assert text.count(NO_TIME[lang]) == len(unmeasured), text


def test_a_negative_part_is_clipped(page):
    _, f = page
    shares = f["percent_shares"]({"a": 5.0, "b": -0.4, "c": 0.3})
    assert shares["b"] == 0 and sum(shares.values()) == 100, shares
    text = f["shares_sentence"]({"a": 5.0, "b": -0.4, "c": 0.3})
    assert_shares_add_up(text)


def test_rounded_shares_add_up_to_100(page):
    _, f = page
    rng = random.Random(0)
    cases = [{"a": 1.0, "b": 1.0, "c": 1.0}, {"a": 2.0, "b": 1.0}, {"a": 9.0, "b": 0.004, "c": 0.0049}]
    cases += [{k: rng.uniform(0, 10) ** rng.choice([1, 3]) for k in "abc"} for _ in range(200)]
    for parts in cases:
        shares = f["percent_shares"](parts)
        assert sum(shares.values()) == 100 and min(shares.values()) >= 0, (parts, shares)
        for name, seconds in parts.items():
            assert abs(shares[name] - 100 * seconds / sum(parts.values())) < 1, (parts, shares)
