"""Translations that say when they fall behind their source.

Korean (the first language of ``book_languages`` in ``_config.yml``) is the
source; every other language mirrors ``book/<source>/``. Each translated page
records, in its front matter, which revision of its source page it translates::

    translation:
      source: book/ko/linear_regression.md
      source_sha256: 3f1c0a9be2d4

``source_sha256`` is the start (12 hex digits or more) of the SHA-256 of the
source file, with line endings read as ``\\n`` so that a Windows checkout
(CRLF) hashes the same as a Linux one. The record is written by
``python tools/translations.py sync`` (``make translation-synced``), never by hand.

This extension

- puts a notice at the top of a translated page whose source changed since
  (or that records no source revision at all), in the page's own language,
  linking to the source page;
- provides the directive ``{translation-status}``: a table of every page in
  every language, up to date, stale or missing, computed at build time;
- makes Sphinx re-read the translations of a source page that changed, and
  the status page on every build, so that incremental builds stay right.

The functions above ``setup`` use no Sphinx: ``tools/translations.py`` imports
them, so the build and the command line apply one rule.
"""

from __future__ import annotations

import hashlib
import html
import posixpath
from dataclasses import dataclass
from pathlib import Path

import yaml

DIGEST_MIN = 12  # hex digits of SHA-256 that a record must keep at least
DIGEST_WRITE = 12  # hex digits that `sync` writes

CURRENT, STALE, MISSING = "current", "stale", "missing"

# The notice on a stale page, in the page's language; English for any other language.
NOTICE = {
    "en": {
        "title": "This translation may be out of date",
        "changed": "The page it translates ({source}) has changed since this translation was last reviewed.",
        "unrecorded": "This page does not record which revision of its source page ({source}) it translates.",
        "link": "Read the source page",
    },
    "ko": {
        "title": "이 번역은 최신이 아닐 수 있습니다",
        "changed": "이 번역을 마지막으로 검토한 뒤에 원문({source})이 바뀌었습니다.",
        "unrecorded": "이 페이지에는 원문({source})의 어느 판을 번역했는지 기록되어 있지 않습니다.",
        "link": "원문 읽기",
    },
}

# Labels of the status page, which serves every language: Korean, then English (like the landing page).
STATUS_LABEL = {
    CURRENT: ("최신", "up to date"),
    STALE: ("갱신 필요", "stale"),
    MISSING: ("없음", "missing"),
}
SOURCE_LABEL = ("원문", "Source")


# --- the rule, shared with tools/translations.py (no Sphinx below this line until setup) ---


def source_digest(path: Path) -> str:
    """SHA-256 (hex) of a source page, line endings read as ``\\n``."""
    data = Path(path).read_bytes().replace(b"\r\n", b"\n")
    return hashlib.sha256(data).hexdigest()


def split_front_matter(text: str) -> tuple[str, str, str] | None:
    """(opening ``---`` line, YAML text, rest from the closing ``---`` on), or None."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n") != "---":
        return None
    for i in range(1, len(lines)):
        if lines[i].rstrip("\r\n") == "---":
            return lines[0], "".join(lines[1:i]), "".join(lines[i:])
    return None


def front_matter(text: str) -> dict:
    """The YAML front matter of a page as a dict ({} when it has none or it is not a mapping)."""
    parts = split_front_matter(text)
    if parts is None:
        return {}
    try:
        data = yaml.safe_load(parts[1])
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def translation_record(path: Path) -> dict | None:
    """The ``translation:`` mapping of a page's front matter, or None."""
    record = front_matter(Path(path).read_text(encoding="utf-8")).get("translation")
    return record if isinstance(record, dict) else None


@dataclass(frozen=True)
class Status:
    state: str  # CURRENT, STALE or MISSING
    reason: str = ""  # why it is stale, in English, for tools and the status page
    recorded: str = ""  # the digest the translation records
    current: str = ""  # the digest of the source as it is now

    @property
    def unrecorded(self) -> bool:
        return self.state == STALE and not self.recorded


def translation_status(source: Path, translation: Path, source_rel: str) -> Status:
    """Whether ``translation`` translates the current revision of ``source``.

    ``source_rel`` is the path the record must name, e.g. ``book/ko/sgd.md``.
    """
    if not Path(translation).is_file():
        return Status(MISSING, "the page does not exist")
    digest = source_digest(source) if Path(source).is_file() else ""
    record = translation_record(translation)
    if record is None:
        return Status(STALE, "its front matter has no translation record", current=digest)
    recorded = str(record.get("source_sha256") or "").strip().lower()
    if record.get("source") != source_rel:
        return Status(
            STALE, f"its record names the source {record.get('source')!r}, not {source_rel!r}",
            recorded=recorded, current=digest,
        )
    if len(recorded) < DIGEST_MIN or any(c not in "0123456789abcdef" for c in recorded):
        return Status(
            STALE, f"its record's source_sha256 {recorded!r} is not {DIGEST_MIN} or more hex digits",
            recorded=recorded, current=digest,
        )
    if not digest.startswith(recorded):
        return Status(
            STALE, f"{source_rel} changed since it was translated "
            f"(recorded {recorded[:DIGEST_WRITE]}, now {digest[:DIGEST_WRITE]})",
            recorded=recorded, current=digest,
        )
    return Status(CURRENT, recorded=recorded, current=digest)


# --- Sphinx ---

from docutils import nodes  # noqa: E402
from sphinx import addnodes  # noqa: E402
from sphinx.util.docutils import SphinxDirective  # noqa: E402

STATUS_DOCS = "book_translation_status_docs"  # env attribute: docnames that show the status table


def _languages(config) -> list[str]:
    return list(config.book_languages)


def _split(app, docname: str) -> tuple[str, str] | None:
    """(language, rest) of ``book/<lang>/<rest>``, or None."""
    parts = docname.split("/", 2)
    if len(parts) == 3 and parts[0] == "book" and parts[1] in app.config.book_languages:
        return parts[1], parts[2]
    return None


def _source_file(app, rest: str) -> Path:
    source = _languages(app.config)[0]
    return Path(app.srcdir, "book", source, rest + ".md")


def doc_status(app, docname: str) -> Status | None:
    """Status of a translated page (None for a source page or a page outside book/<lang>/)."""
    found = _split(app, docname)
    if found is None:
        return None
    lang, rest = found
    source = _languages(app.config)[0]
    if lang == source:
        return None
    source_path = _source_file(app, rest)
    if not source_path.is_file():
        return None  # an orphan: the parity check reports it
    return translation_status(
        source_path, Path(app.env.doc2path(docname)), f"book/{source}/{rest}.md"
    )


def notice_html(app, pagename: str, status: Status) -> str:
    lang, rest = _split(app, pagename)
    source = _languages(app.config)[0]
    texts = NOTICE.get(lang, NOTICE["en"])
    source_name = app.config.book_languages[source]
    body = texts["unrecorded" if status.unrecorded else "changed"].format(source=source_name)
    target = f"book/{source}/{rest}"
    href = posixpath.relpath(target, posixpath.dirname(pagename)) + app.builder.out_suffix
    esc = html.escape
    return (
        f'<div class="admonition warning translation-stale" role="note" '
        f'data-source-sha256="{esc(status.current[:DIGEST_WRITE])}" '
        f'data-recorded-sha256="{esc(status.recorded)}">\n'
        f'<p class="admonition-title">{esc(texts["title"])}</p>\n'
        f"<p>{esc(body)} "
        f'<a class="translation-source-link" href="{esc(href)}" hreflang="{esc(source)}">'
        f'{esc(texts["link"])} (<span lang="{esc(source)}">{esc(source_name)}</span>)</a></p>\n'
        f"</div>\n"
    )


def on_html_page_context(app, pagename, templatename, context, doctree) -> None:
    if doctree is None or "body" not in context:
        return
    status = doc_status(app, pagename)
    if status is not None and status.state == STALE:
        context["body"] = notice_html(app, pagename, status) + context["body"]


class TranslationStatusDirective(SphinxDirective):
    """``{translation-status}``: every page × language, up to date, stale or missing."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        env, app = self.env, self.env.app
        if not hasattr(env, STATUS_DOCS):
            setattr(env, STATUS_DOCS, set())
        getattr(env, STATUS_DOCS).add(env.docname)

        langs = _languages(self.config)
        source, others = langs[0], langs[1:]
        names = {split[1] for doc in env.found_docs if (split := _split(app, doc))}

        def link(docname: str, text: str | None = None) -> nodes.Node:
            """A link to a page; its title when no text is given."""
            return addnodes.pending_xref(
                "", nodes.inline(text or "", text or ""), refdomain="std", reftype="doc",
                reftarget="/" + docname, refdoc=env.docname, refexplicit=text is not None,
                refwarn=True,
            )

        names_of = self.config.book_languages
        header = [f"{' · '.join(SOURCE_LABEL)}: {names_of[source]} ({source})"]
        header += [f"{names_of[lang]} ({lang})" for lang in others]
        rows, problems = [], []
        order = _toc_order(env)
        for name in sorted(names, key=lambda n: (order.get(f"book/{source}/{n}", len(order)), n)):
            src_doc = f"book/{source}/{name}"
            first = nodes.paragraph()
            first += link(src_doc) if src_doc in env.found_docs else nodes.Text(f"{name} ({MISSING})")
            row = [first]
            for lang in others:
                doc = f"book/{lang}/{name}"
                if doc not in env.found_docs:
                    status = Status(MISSING, "the page does not exist")
                else:
                    status = doc_status(app, doc) or Status(STALE, "its source page does not exist")
                text = " · ".join(STATUS_LABEL[status.state])
                cell = nodes.paragraph(classes=[f"translation-status-{status.state}"])
                cell += link(doc, text) if doc in env.found_docs else nodes.Text(text)
                row.append(cell)
                if status.state != CURRENT:
                    problems.append((lang, name, status))
            rows.append(row)

        table = _table(header, rows)
        table["classes"].append("translation-status")
        result: list[nodes.Node] = [table]
        if problems:
            items = nodes.bullet_list(classes=["translation-problems"])
            for lang, name, status in problems:
                para = nodes.paragraph()
                para += nodes.literal(text=f"book/{lang}/{name}.md")
                para += nodes.Text(f": {STATUS_LABEL[status.state][1]}, {status.reason}. ")
                if status.state == MISSING:
                    fix = f"python tools/translations.py start {name} --lang {lang}"
                else:
                    fix = f"make translation-synced PAGE={name} LANG={lang}"
                para += nodes.literal(text=fix)
                items += nodes.list_item("", para)
            result.append(items)
        else:
            para = nodes.paragraph(classes=["translation-all-current"])
            para += nodes.Text("모든 번역이 최신입니다. · Every translation is up to date.")
            result.append(para)
        return result


def _toc_order(env) -> dict[str, int]:
    """Position of each document in the table of contents (depth first from the root)."""
    order: dict[str, int] = {}
    stack = [env.config.root_doc]
    while stack:
        doc = stack.pop()
        if doc in order:
            continue
        order[doc] = len(order)
        stack.extend(reversed(env.toctree_includes.get(doc, [])))
    return order


def _table(header: list[str], rows: list[list[nodes.Node]]) -> nodes.table:
    table = nodes.table()
    group = nodes.tgroup(cols=len(header))
    table += group
    for _ in header:
        group += nodes.colspec(colwidth=1)
    head = nodes.thead()
    group += head
    head_row = nodes.row()
    head += head_row
    for text in header:
        head_row += nodes.entry("", nodes.paragraph(text=text))
    body = nodes.tbody()
    group += body
    for row in rows:
        body_row = nodes.row()
        body += body_row
        for cell in row:
            body_row += nodes.entry("", cell)
    return table


def on_env_get_outdated(app, env, added, changed, removed) -> list[str]:
    """Re-read the translations of a changed source page, and every status page."""
    again = set(getattr(env, STATUS_DOCS, set())) & env.found_docs
    source = _languages(app.config)[0]
    for docname in set(added) | set(changed) | set(removed):
        found = _split(app, docname)
        if found and found[0] == source:
            for lang in _languages(app.config)[1:]:
                again.add(f"book/{lang}/{found[1]}")
    return sorted((again & env.found_docs) - set(added) - set(changed))


def on_env_purge_doc(app, env, docname) -> None:
    getattr(env, STATUS_DOCS, set()).discard(docname)


def on_env_merge_info(app, env, docnames, other) -> None:
    mine = getattr(env, STATUS_DOCS, None) or set()
    mine |= getattr(other, STATUS_DOCS, set()) & set(docnames)
    setattr(env, STATUS_DOCS, mine)


def setup(app) -> dict:
    # book_i18n defines book_languages (and the language switch); load it first.
    app.setup_extension("book_i18n")
    app.add_directive("translation-status", TranslationStatusDirective)
    # Runs before book_i18n's handler (500), so the language switch stays above the notice.
    app.connect("html-page-context", on_html_page_context, priority=400)
    app.connect("env-get-outdated", on_env_get_outdated)
    app.connect("env-purge-doc", on_env_purge_doc)
    app.connect("env-merge-info", on_env_merge_info)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
