"""tools/audit.py without Lighthouse: which pages it audits, how it judges scores, and its server."""

from __future__ import annotations

import gzip
import threading
import urllib.request
from functools import partial
from http.server import ThreadingHTTPServer

from tests.bookinfo import languages
from tools import audit


def report(scores: dict[str, float]) -> dict:
    """A Lighthouse report whose one weighed audit per category scores half as much as its category."""
    refs = {c: {"score": s, "auditRefs": [{"id": f"{c}-audit", "weight": 1}]} for c, s in scores.items()}
    return {"categories": refs, "audits": {f"{c}-audit": {"score": s / 2} for c, s in scores.items()}}


def test_every_kind_of_page_of_every_language_and_the_root_page_is_audited():
    pages = audit.audited_pages(languages())
    assert pages[0] == "index.html"
    for lang in languages():
        for kind in audit.KINDS:
            assert any(p.startswith(f"{lang}/{kind}") for p in pages), (lang, kind)
    assert all("?q=" in p for p in pages if "search.html" in p)


def test_a_score_under_its_goal_is_one_line_naming_the_page_the_category_and_the_low_audits():
    scores = {"performance": 0.94, "accessibility": 1.0, "best-practices": 0.95, "seo": 0.99}
    lines = audit.misses("ko/sgd.html", "desktop", scores | {"_report": report(scores)})
    assert lines == ["ko/sgd.html (desktop): performance 0.94 < 0.95 (low: performance-audit)"]
    mobile = {"performance": 0.9}
    assert audit.misses("ko/sgd.html", "mobile", mobile | {"_report": report(mobile)}) == []


def test_the_report_is_a_table_with_a_row_per_page_and_a_column_per_goal():
    desktop = dict.fromkeys(audit.CATEGORIES, 1.0)
    text = audit.table({"index.html": {"desktop": desktop, "mobile": {"performance": 0.91}}})
    rows = [line for line in text.splitlines() if line.startswith("|")]
    assert len(rows) == 3 and rows[0].count("|") == len(audit.CATEGORIES) + 3
    assert rows[2].startswith("| `index.html` |") and rows[2].rstrip(" |").endswith("0.91")


def test_the_server_compresses_text_as_github_pages_does(tmp_path):
    (tmp_path / "page.html").write_text("<p>" + "회귀 " * 500 + "</p>", encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(audit.CompressingHandler, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/page.html"
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})) as r:
            assert r.headers["Content-Encoding"] == "gzip"
            assert gzip.decompress(r.read()).decode("utf-8").count("회귀") == 500
        with urllib.request.urlopen(url) as plain:
            assert plain.headers["Content-Encoding"] is None
    finally:
        server.shutdown()
        server.server_close()


def test_a_page_that_misses_once_is_judged_on_the_median_of_three_runs(monkeypatch):
    runs = iter([0.80, 0.97, 0.99, 0.70, 0.72, 0.96])

    def fake_run(base, page, device, attempt=1):
        score = next(runs)
        return {"performance": score, "_report": report({"performance": score})}

    monkeypatch.setattr(audit, "run", fake_run)
    assert audit.judged("", "ko/glossary.html", "mobile") == {
        "performance": 0.97, "_report": report({"performance": 0.97}), "runs": 3}
    second = audit.judged("", "ko/search.html", "mobile")
    assert second["performance"] == 0.72 and second["runs"] == 3
    assert audit.misses("ko/search.html", "mobile", second)


def test_a_bad_option_is_one_line_and_exit_2(capsys):
    import pytest

    with pytest.raises(SystemExit) as stop:
        audit.main(["--bogus"])
    assert stop.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1
