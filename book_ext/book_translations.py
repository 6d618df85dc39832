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
``python -m tools.translations sync`` (``make translation-synced``), never by hand.

This extension, in the site of each translation (tools/build/sites.py builds one per language),

- puts a notice at the top of a translated page whose source changed since (or that records
  no source revision at all), in the site's language, linking to the source page in the
  source language's site;
- provides the directive ``{translation-status}``: a table of every page in every language,
  up to date, stale or missing, computed at build time, in the site's language;
- tells Sphinx which other files a page depends on (its source page; every page of every
  language for the status table), so that incremental builds re-read it when they change.

The functions above ``setup`` use no Sphinx: ``tools/translations/`` imports
them, so the build and the command line apply one rule.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml

from book_ext.book_page import load_yaml

DIGEST_MIN = 12  # hex digits of SHA-256 that a record must keep at least
DIGEST_WRITE = 12  # hex digits that `sync` writes

CURRENT, STALE, MISSING = "current", "stale", "missing"

# --- the rule, shared with python -m tools.translations (no Sphinx below this line until setup) ---


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
        data = load_yaml(parts[1])
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def is_notebook(path: Path) -> bool:
    """Whether a page is a MyST text notebook: its front matter names a kernel (``kernelspec``)."""
    return "kernelspec" in front_matter(Path(path).read_text(encoding="utf-8"))


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
from sphinx.locale import get_translation  # noqa: E402
from sphinx.util.docutils import SphinxDirective  # noqa: E402

_ = get_translation("book")


def status_label(state: str) -> str:
    return {CURRENT: _("up to date"), STALE: _("stale"), MISSING: _("missing")}[state]


def _languages(config) -> list[str]:
    return list(config.book_languages)


def _site_language(config) -> str:
    return config.language or _languages(config)[0]


def _book_dir(app) -> Path:
    """book/, the parent of this site's book/<lang>/."""
    return Path(app.srcdir).parent


def _page_file(app, lang: str, docname: str) -> Path:
    return _book_dir(app) / lang / f"{docname}.md"


def doc_status(app, docname: str) -> Status | None:
    """Status of a translated page (None in the source language's site, or without a source page)."""
    lang, source = _site_language(app.config), _languages(app.config)[0]
    if lang == source:
        return None
    source_path = _page_file(app, source, docname)
    if not source_path.is_file():
        return None  # an orphan: the parity check reports it
    return translation_status(source_path, Path(app.env.doc2path(docname)), f"book/{source}/{docname}.md")


def _source_name(app) -> str:
    from .book_i18n import language_entries

    source = _languages(app.config)[0]
    return language_entries(app.config)[source]["name"]


def on_doctree_read(app, doctree) -> None:
    """A translated page depends on its source page: a change there re-reads it."""
    docname = app.env.docname
    source = _languages(app.config)[0]
    if _site_language(app.config) != source and _page_file(app, source, docname).is_file():
        app.env.note_dependency(str(_page_file(app, source, docname)))


def add_notice(app, doctree, docname) -> None:
    """The stale notice, as an admonition at the top of the page's first section."""
    status = doc_status(app, docname)
    if status is None or status.state != STALE:
        return
    source = _languages(app.config)[0]
    body = (_("This page does not record which revision of its source page ({source}) it translates.")
            if status.unrecorded else
            _("The page it translates ({source}) has changed since this translation was last reviewed."))
    notice = nodes.admonition(classes=["warning", "translation-stale"])
    notice += nodes.title(text=_("This translation may be out of date"))
    para = nodes.paragraph(text=body.format(source=_source_name(app)) + " ")
    href = "../" * (docname.count("/") + 1) + f"{source}/{docname}.html"
    link = nodes.reference("", "", refuri=href, classes=["translation-source-link"])
    link += nodes.Text(_("Read the source page") + " (")
    link += nodes.inline(text=_source_name(app))
    link += nodes.Text(")")
    para += link
    notice += para
    section = next(iter(doctree.findall(nodes.section)), None)
    parent = section if section is not None else doctree
    index = next((i + 1 for i, child in enumerate(parent.children) if isinstance(child, nodes.title)), 0)
    parent.insert(index, notice)


class TranslationStatusDirective(SphinxDirective):
    """``{translation-status}``: every page × language, up to date, stale or missing."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        env, app = self.env, self.env.app
        from .book_i18n import language_entries, site_href

        langs = _languages(self.config)
        source, others = langs[0], langs[1:]
        entries = language_entries(self.config)
        folders = {lang: _book_dir(app) / lang for lang in langs}
        names = sorted({p.relative_to(folders[lang]).with_suffix("").as_posix()
                        for lang in langs if folders[lang].is_dir() for p in folders[lang].rglob("*.md")})
        for lang in langs:  # every page of every language decides the table
            for name in names:
                if _page_file(app, lang, name).is_file():
                    env.note_dependency(str(_page_file(app, lang, name)))
        here = _site_language(self.config)

        def link(lang: str, name: str, text: str) -> nodes.Node:
            if lang == here:
                return addnodes.pending_xref(
                    "", nodes.inline(text, text), refdomain="std", reftype="doc", reftarget="/" + name,
                    refdoc=env.docname, refexplicit=True, refwarn=True,
                )
            ref = nodes.reference("", "", refuri=site_href(env.docname, lang, name))
            ref += nodes.inline(text, text)
            return ref

        header = [f"{_('Source')}: {entries[source]['name']} ({source})"]
        header += [f"{entries[lang]['name']} ({lang})" for lang in others]
        order = {name: i for i, name in enumerate(_toc_order(env))}
        rows, problems = [], []
        for name in sorted(names, key=lambda n: (order.get(n, len(order)), n)):
            first = nodes.paragraph()
            if _page_file(app, source, name).is_file():
                first += link(source, name, name)
            else:
                first += nodes.Text(f"{name} ({status_label(MISSING)})")
            row = [first]
            for lang in others:
                path = _page_file(app, lang, name)
                if not path.is_file():
                    status = Status(MISSING, "the page does not exist")
                elif not _page_file(app, source, name).is_file():
                    status = Status(STALE, "its source page does not exist")
                else:
                    status = translation_status(_page_file(app, source, name), path, f"book/{source}/{name}.md")
                cell = nodes.paragraph(classes=[f"translation-status-{status.state}"])
                text = status_label(status.state)
                cell += link(lang, name, text) if path.is_file() else nodes.Text(text)
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
                para += nodes.Text(f": {status_label(status.state)}, {status.reason}. ")
                if status.state == MISSING:
                    fix = f"python -m tools.translations start {name} --lang {lang}"
                else:
                    fix = f"make translation-synced PAGE={name} LANG={lang}"
                para += nodes.literal(text=fix)
                items += nodes.list_item("", para)
            result.append(items)
        else:
            para = nodes.paragraph(classes=["translation-all-current"])
            para += nodes.Text(_("Every translation is up to date."))
            result.append(para)
        return result


def _toc_order(env) -> list[str]:
    """The documents of the table of contents, depth first from the root."""
    order: list[str] = []
    stack = [env.config.root_doc]
    while stack:
        doc = stack.pop()
        if doc in order:
            continue
        order.append(doc)
        stack.extend(reversed(env.toctree_includes.get(doc, [])))
    return order


def _table(header: list[str], rows: list[list[nodes.Node]]) -> nodes.table:
    table = nodes.table()
    group = nodes.tgroup(cols=len(header))
    table += group
    for _col in header:
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


def setup(app) -> dict:
    # book_i18n defines book_languages and the cross-site links.
    app.setup_extension(f"{__package__}.book_i18n")
    app.add_directive("translation-status", TranslationStatusDirective)
    app.connect("doctree-read", on_doctree_read)
    app.connect("doctree-resolved", add_notice)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "2"}
