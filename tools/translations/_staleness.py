"""Staleness: every translated page records the revision of its source page it translates
(``translation.source_sha256`` in its front matter), and that revision is the current one.
Also the commands that write or use that record: ``sync``, ``start``, ``diff``.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
from pathlib import Path

from ._parity import page_parity
from ._shared import (
    CURRENT,
    MISSING,
    REPO,
    STALE,
    STATUS_WORD,
    Problem,
    UsageError,
    languages,
    missing_problem,
    page_names,
    page_rel,
    parse_page,
    rule,
    toc_files,
)

# --- staleness --------------------------------------------------------------------------


def page_status(root: Path, name: str, lang: str) -> rule.Status:
    root = Path(root)
    source = languages(root)[0]
    return rule.translation_status(
        root / page_rel(source, name), root / page_rel(lang, name), page_rel(source, name)
    )


def status_table(root: Path = REPO) -> list[tuple[str, dict[str, rule.Status]]]:
    """(page, {language: status}) for every source page and every other language."""
    root = Path(root)
    langs = languages(root)
    return [
        (name, {lang: page_status(root, name, lang) for lang in langs[1:]})
        for name in page_names(root, langs[0])
    ]


def staleness_problems(root: Path = REPO, langs: list[str] | None = None) -> list[Problem]:
    """A problem for every translated page that is missing or does not translate the current source."""
    root = Path(root)
    source = languages(root)[0]
    problems = []
    for name, row in status_table(root):
        for lang, status in row.items():
            if langs and lang not in langs:
                continue
            if status.state == MISSING:
                problems.append(missing_problem(source, lang, name))
            elif status.state == STALE:
                if status.recorded:
                    how = (f"bring it up to date with {page_rel(source, name)} (python -m tools.translations "
                           f"diff {name} --lang {lang} shows what changed)")
                else:
                    how = f"check that it translates {page_rel(source, name)} as it is now"
                problems.append(Problem(
                    "stale", page_rel(lang, name), None, f"stale: {status.reason}.",
                    fix=f"{how}, then run: make translation-synced PAGE={name} LANG={lang}",
                ))
    return problems


def format_table(root: Path = REPO) -> str:
    langs = languages(root)
    rows = [["page", f"{langs[0]} (source)", *langs[1:]]]
    for name, row in status_table(root):
        rows.append([name, "source", *[STATUS_WORD[row[lang].state] for lang in langs[1:]]])
    widths = [max(len(r[k]) for r in rows) for k in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows)


# --- sync, start, diff ------------------------------------------------------------------


def _page_name(root: Path, page: str, lang: str) -> str:
    """``linear_regression``, ``linear_regression.md`` or ``book/en/linear_regression.md`` → the name."""
    name = page.replace("\\", "/").removesuffix(".md")
    for prefix_lang in languages(root):
        name = name.removeprefix(f"book/{prefix_lang}/")
    return name


def _check_lang(root: Path, lang: str) -> None:
    langs = languages(root)
    if lang not in langs:
        raise UsageError(f"unknown language {lang!r}; the book's languages are {', '.join(langs)} (_config.yml)")
    if lang == langs[0]:
        raise UsageError(f"{lang!r} is the source language; its pages translate nothing")


def with_record(text: str, source_rel: str, digest: str) -> str:
    """The page text with its front matter's ``translation:`` record set; the rest unchanged."""
    newline = "\r\n" if "\r\n" in text[: text.find("\n") + 1] else "\n"
    block = (f"translation:{newline}  source: {source_rel}{newline}"
             f"  source_sha256: '{digest}'{newline}")
    parts = rule.split_front_matter(text)
    if parts is None:
        return f"---{newline}{block}---{newline}" + text
    opening, yaml_text, rest = parts
    lines = yaml_text.splitlines(keepends=True)
    start = next((k for k, l in enumerate(lines) if re.match(r"^translation\s*:", l)), None)
    if start is None:
        lines.append(block)
    else:
        end = start + 1
        while end < len(lines) and (lines[end][:1] in (" ", "\t") or not lines[end].strip()):
            end += 1
        lines[start:end] = [block]
    return opening + "".join(lines) + rest


def sync(root: Path, page: str, lang: str, force: bool = False) -> str:
    """Record that book/<lang>/<page>.md translates the current source page; returns a message."""
    root = Path(root)
    _check_lang(root, lang)
    name = _page_name(root, page, lang)
    source = languages(root)[0]
    src, tr = root / page_rel(source, name), root / page_rel(lang, name)
    if not src.is_file():
        raise UsageError(f"{page_rel(source, name)} does not exist; pages are {', '.join(page_names(root, source))}")
    if not tr.is_file():
        raise UsageError(f"{page_rel(lang, name)} does not exist; start it with: "
                         f"python -m tools.translations start {name} --lang {lang}")
    problems = page_parity(root, name, lang)
    if problems and not force:
        raise UsageError(
            f"not synced: {page_rel(lang, name)} does not mirror {page_rel(source, name)} yet:\n"
            + "\n".join(f"  {p}" for p in problems)
        )
    digest = rule.source_digest(src)[: rule.DIGEST_WRITE]
    old = tr.read_bytes().decode("utf-8")
    new = with_record(old, page_rel(source, name), digest)
    if rule.front_matter(new).get("translation") != {"source": page_rel(source, name), "source_sha256": digest}:
        raise UsageError(f"{page_rel(lang, name)}: could not write the translation record into its front matter")
    if new != old:
        tr.write_bytes(new.encode("utf-8"))
    return f"{page_rel(lang, name)}: translates {page_rel(source, name)} at {digest}"


def start(root: Path, page: str, lang: str) -> str:
    """Begin a translation: copy the source page, its labels renamed to the new language.

    No translation record is written: the page is reported stale until its translation
    is reviewed and ``sync`` records it.
    """
    root = Path(root)
    _check_lang(root, lang)
    source = languages(root)[0]
    name = _page_name(root, page, lang)
    src, tr = root / page_rel(source, name), root / page_rel(lang, name)
    if not src.is_file():
        raise UsageError(f"{page_rel(source, name)} does not exist")
    if tr.exists():
        raise UsageError(f"{page_rel(lang, name)} already exists; edit it instead")

    def rename(label: str) -> str:
        if label.startswith(f"{source}_"):
            return f"{lang}_" + label[len(source) + 1:]
        return label

    text = src.read_text(encoding="utf-8")
    model = parse_page(text, page_rel(source, name))
    lines = text.split("\n")
    for line, label in model.targets:
        lines[line - 1] = lines[line - 1].replace(f"({label})=", f"({rename(label)})=", 1)
    for role in sorted(model.roles, key=lambda r: (r.line, -r.start)):
        if role.name not in ("ref", "numref"):
            continue
        inner = role.content
        if "<" in inner and inner.endswith(">"):
            inner = f"{inner[: inner.rindex('<')]}<{rename(inner[inner.rindex('<') + 1: -1])}>"
        else:
            inner = rename(inner)
        old = lines[role.line - 1]
        lines[role.line - 1] = old[: role.start] + old[role.start: role.end].replace(role.content, inner, 1) + \
            old[role.end:]
    text = "\n".join(lines)
    tr.parent.mkdir(parents=True, exist_ok=True)
    tr.write_text(text, encoding="utf-8")
    steps = [f"{page_rel(lang, name)}: a copy of {page_rel(source, name)} to translate."]
    if name not in toc_files(root):
        steps.append(f"  Add `- file: {name}` to _toc.yml (one list for every language).")
    steps.append(f"  When it is translated and reviewed: make translation-synced PAGE={name} LANG={lang}")
    return "\n".join(steps)


def diff(root: Path, page: str, lang: str) -> str:
    """The change to the source page since the revision the translation records (from git)."""
    root = Path(root)
    _check_lang(root, lang)
    source = languages(root)[0]
    name = _page_name(root, page, lang)
    src_rel = page_rel(source, name)
    status = page_status(root, name, lang)
    if status.state == CURRENT:
        return f"{page_rel(lang, name)} is up to date with {src_rel}"
    if not status.recorded:
        raise UsageError(f"{page_rel(lang, name)}: {status.reason}; compare it with {src_rel} by hand")

    def git(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False)

    log = git("log", "--format=%H", "--", src_rel)
    if log.returncode != 0:
        raise UsageError(f"git log failed: {log.stderr.decode(errors='replace').strip()}")
    for commit in log.stdout.decode().split():
        blob = git("show", f"{commit}:{src_rel}")
        if blob.returncode == 0:
            digest = hashlib.sha256(blob.stdout.replace(b"\r\n", b"\n")).hexdigest()
            if digest.startswith(status.recorded):
                out = git("diff", commit, "--", src_rel)
                return f"{src_rel} since {commit[:12]}, the revision {page_rel(lang, name)} translates:\n" + \
                    out.stdout.decode("utf-8", errors="replace")
    raise UsageError(f"no commit of {src_rel} has the recorded revision {status.recorded}; "
                     f"compare the pages by hand")
