"""The glossary: ``glossary.yml``'s schema, and no off-glossary variant of a term in any page's prose.

In the source language, every "용어(term)" pair in the prose must be a glossary entry with the
glossary's English term.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from ._shared import (
    GLOSSARY,
    HANGUL,
    ORDER_EXEMPT,
    REPO,
    Page,
    Problem,
    languages,
    load_glossary,
    load_yaml,
    page_names,
    page_rel,
    read_page,
    toc_files,
)


def glossary_schema_problems(root: Path = REPO) -> list[Problem]:
    """glossary.yml is a list of entries: one term per language, avoid_/also_<lang> lists, a note, introduced."""
    root = Path(root)
    path = root / GLOSSARY
    if not path.is_file():
        return [Problem("glossary", GLOSSARY, None, "does not exist")]
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        return [Problem("glossary", GLOSSARY, None, f"is not valid YAML: {error}")]
    if not isinstance(data, list):
        return [Problem("glossary", GLOSSARY, None, "must be a YAML list of entries")]
    langs = languages(root)
    allowed = set(langs) | {f"{kind}_{l}" for l in langs for kind in ("avoid", "also")} | {"note", "introduced"}
    source_pages = set(page_names(root, langs[0]))
    in_toc = set(toc_files(root))
    problems = []
    seen: dict[tuple[str, str], int] = {}
    for k, entry in enumerate(data, start=1):
        where = f"entry {k}"
        if not isinstance(entry, dict):
            problems.append(Problem("glossary", GLOSSARY, None, f"{where} is not a mapping"))
            continue
        where = f"entry {k} ({entry.get(langs[0])!r})"
        for key in entry:
            if key not in allowed:
                problems.append(Problem("glossary", GLOSSARY, None,
                                        f"{where}: unknown key {key!r}; keys are {', '.join(sorted(allowed))}"))
        if not isinstance(entry.get(langs[0]), str) or not entry[langs[0]].strip():
            problems.append(Problem("glossary", GLOSSARY, None, f"{where}: needs a {langs[0]} term"))
        for lang in langs:
            term = entry.get(lang)
            if term is not None and (not isinstance(term, str) or not term.strip()):
                problems.append(Problem("glossary", GLOSSARY, None, f"{where}: {lang} must be a text"))
            elif isinstance(term, str):
                if (lang, term) in seen:
                    problems.append(Problem("glossary", GLOSSARY, None,
                                            f"{where}: {lang} term {term!r} is also entry {seen[lang, term]}"))
                seen[lang, term] = k
            for kind in ("avoid", "also"):
                listed = entry.get(f"{kind}_{lang}", [])
                if not isinstance(listed, list) or not all(isinstance(v, str) and v.strip() for v in listed):
                    problems.append(Problem("glossary", GLOSSARY, None,
                                            f"{where}: {kind}_{lang} must be a list of texts"))
        if "note" in entry and not isinstance(entry["note"], str):
            problems.append(Problem("glossary", GLOSSARY, None, f"{where}: note must be a text"))
        if "introduced" in entry:
            page = entry["introduced"]
            if not isinstance(page, str) or page not in source_pages:
                problems.append(Problem("glossary", GLOSSARY, None,
                                        f"{where}: introduced must name a page of book/{langs[0]}/ "
                                        f"({', '.join(sorted(source_pages))}), not {page!r}"))
            elif page in ORDER_EXEMPT:
                problems.append(Problem("glossary", GLOSSARY, None,
                                        f"{where}: introduced names {page!r}, which teaches no term"))
            elif in_toc and page not in in_toc:
                problems.append(Problem("glossary", GLOSSARY, None,
                                        f"{where}: introduced names {page!r}, which _toc.yml does not list"))
    # A variant must never match a term the glossary asks for, or the check would flag it.
    for lang in langs:
        preferred = [e[lang] for e in data if isinstance(e, dict) and isinstance(e.get(lang), str)]
        for entry in data:
            if not isinstance(entry, dict):
                continue
            for variant in entry.get(f"avoid_{lang}") or []:
                if not isinstance(variant, str) or not variant.strip():
                    continue
                for term in preferred:
                    if variant_pattern(variant).search(term):
                        problems.append(Problem("glossary", GLOSSARY, None,
                                                f"avoid_{lang} variant {variant!r} matches the term {term!r}"))
    return problems


def variant_pattern(variant: str) -> re.Pattern:
    """A variant as it may appear in prose.

    Exact, except that its first letter may be upper or lower case (a sentence may start with it)
    and a space matches any run of spaces. It must start a word; when it ends in a Latin letter
    or digit it must end one too (Korean words take particles: 레이어를).
    """
    first, rest = variant[0], variant[1:]
    head = f"[{re.escape(first.lower())}{re.escape(first.upper())}]" if first.lower() != first.upper() \
        else re.escape(first)
    body = r"[ \t]+".join(re.escape(part) for part in rest.split(" "))
    tail = r"(?!\w)" if re.match(r"[A-Za-z0-9]", variant[-1]) else ""
    return re.compile(rf"(?<!\w){head}{body}{tail}")


def term_pattern(term: str) -> re.Pattern:
    """A glossary term as prose uses it: as ``variant_pattern``, and an English term may also
    take an ending (cost, costs; diverge, diverges, diverged, diverging; tracing, traces,
    traced; hypothesis, hypotheses; convergence, converges, converged). A one-word name in
    parentheses is a name of the term too, as written: "mean squared error (MSE)" also
    matches MSE, "data type (dtype)" dtype."""
    bare = re.sub(r"\s*\([^)]*\)", "", term).strip()
    return re.compile("|".join(f"(?:{a})" for a in [_word_pattern(bare)] + name_patterns(term)))


def name_patterns(term: str) -> list[str]:
    """Patterns of the one-word names in parentheses of a term ("(MSE)", "(dtype)"), as written,
    with an optional plural s."""
    names = [n.strip() for n in re.findall(r"\(([^)]*)\)", term) if n.strip() and " " not in n.strip()]
    return [rf"(?<![A-Za-z0-9]){re.escape(n)}s?(?![A-Za-z0-9])" for n in names]


def _word_pattern(term: str) -> str:
    """``term_pattern`` of a term without its parenthesized names."""
    if not re.match(r"[A-Za-z]", term[-1]):
        return variant_pattern(term).pattern
    last = term.split(" ")[-1]
    # (how many letters the stem drops, the endings that may follow it, whether one must)
    if term.endswith("ing") and len(last) > 5:
        cut, endings = 3, "ing|ings|e|es|ed|s"  # tracing: traces, traced
    elif term.endswith("ence") and len(last) > 6:
        cut, endings = 4, "ence|ences|e|es|ed|ing|ent"  # convergence: converge, converges, converging
    elif term.endswith("e"):
        cut, endings = 1, "e|es|ed|ing|ings"  # diverge: diverging, diverged
    elif term.endswith("is") and len(last) > 4:
        cut, endings = 2, "is|es"  # hypothesis: hypotheses
    else:
        return variant_pattern(term).pattern.removesuffix(r"(?!\w)") + r"(?:s|es|d|ed|ing)?(?!\w)"
    return variant_pattern(term[:-cut]).pattern.removesuffix(r"(?!\w)") + rf"(?:{endings})(?!\w)"


# A Korean term followed at once by its English term in parentheses: 학습률(learning rate).
TERM_PAIR = re.compile(rf"(?<=[{HANGUL}])\((?P<english>[A-Za-z][^()]*)\)")
ROLE_TEXT = re.compile(r"\{[\w:.-]+\}`(?P<text>[^`]*)`")
ACRONYM = re.compile(r"[A-Z][A-Z0-9]+")


def with_role_text(raw: str, prose: str) -> str:
    """A prose line with the visible text of its roles put back ({ref}`학습률 <ko_glossary>` shows
    학습률), right-aligned so that what follows the role still follows it; columns kept."""
    for m in ROLE_TEXT.finditer(raw):
        start, end = m.span()
        if end > len(prose) or prose[start:end].strip():
            continue
        text = m.group("text")
        if text.endswith(">") and "<" in text:
            text = text[: text.rindex("<")].rstrip()
        prose = prose[:start] + text[-(end - start):].rjust(end - start) + prose[end:]
    return prose


def _english_names(text: str) -> set[str]:
    """'mean squared error (MSE)' -> {'mean squared error', 'mse'}; 'stochastic gradient descent, SGD' -> both."""
    names = {n.strip().lower() for n in re.findall(r"\(([^)]*)\)", text)}
    names |= {re.sub(r"\s+", " ", part).strip().lower() for part in re.sub(r"\([^)]*\)", "", text).split(",")}
    return {n for n in names if n}


def english_matches(written: str, term: str) -> bool:
    """Whether the English in a pair names the glossary's English term (plural and verb endings allowed)."""
    wanted = _english_names(term)
    for name in _english_names(written):
        for other in wanted:
            longer, shorter = (name, other) if len(name) >= len(other) else (other, name)
            if longer == shorter or longer in (shorter + "s", shorter + "es", shorter + "d", shorter + "ed"):
                return True
    return False


def term_pair_problems(root: Path, rel: str, page: Page, entries: list[dict], lang: str) -> list[Problem]:
    """Every "한국어 용어(English term)" pair in the source language's prose is a glossary entry.

    The Korean term is the longest glossary term that ends right before the parenthesis; the
    English in the parenthesis must name that entry's English term.
    """
    raw_lines = (Path(root) / rel).read_text(encoding="utf-8").splitlines()
    terms = sorted(
        ((re.compile(variant_pattern(e[lang]).pattern + r"\Z"), e) for e in entries if isinstance(e.get(lang), str)),
        key=lambda item: -len(item[1][lang]),
    )
    problems = []
    for lineno, prose in page.prose:
        text = with_role_text(raw_lines[lineno - 1] if lineno <= len(raw_lines) else "", prose)
        for m in TERM_PAIR.finditer(text):
            english = m.group("english").strip()
            before = text[: m.start()]
            if ACRONYM.fullmatch(english) or before.rfind("[") > before.rfind("]"):
                continue  # 비용(MSE) names a formula, not a term; [a title(Its Name)](…) is a link
            context = " ".join(before.split()[-3:])
            found = f"{context}({english})"
            entry = next((e for pattern, e in terms if pattern.search(before)), None)
            other = next((e for e in entries if isinstance(e.get(lang), str) and isinstance(e.get("en"), str)
                          and english_matches(english, e["en"])), None)
            if entry is not None and (not isinstance(entry.get("en"), str) or english_matches(english, entry["en"])):
                continue
            if entry is not None:
                message = (f"column {m.start() + 1}: {found!r}: glossary.yml pairs {entry[lang]!r} "
                           f"with {entry.get('en')!r}, not {english!r}.")
                fix = (f"write {entry[lang]}({entry.get('en')}), or add an entry for this term to {GLOSSARY} "
                       f"if it is another term")
            elif other is not None:
                message = f"column {m.start() + 1}: {found!r}: glossary.yml writes {english!r} as {other[lang]!r}."
                fix = f"write {other[lang]}({english}), or change the entry in {GLOSSARY}"
            else:
                message = f"column {m.start() + 1}: {found!r}: the term is not in glossary.yml."
                fix = (f"add an entry to {GLOSSARY} before the page uses it: "
                       f"`- {lang}: <the Korean term>` and `en: {english}`")
            problems.append(Problem("glossary", rel, lineno, message, fix))
    return problems


def glossary_problems(root: Path = REPO, langs: list[str] | None = None,
                      names: list[str] | None = None) -> list[Problem]:
    """Off-glossary variants in the prose of every page (code, inline code and math excluded), and,
    in the source language, every "용어(term)" pair that is not a glossary entry. ``names``: only
    these pages."""
    root = Path(root)
    entries = [e for e in load_glossary(root) if isinstance(e, dict)]
    source = languages(root)[0]
    problems = []
    for lang in langs or languages(root):
        rules = [
            (variant_pattern(v), v, entry)
            for entry in entries
            for v in entry.get(f"avoid_{lang}") or []
            if isinstance(v, str) and v.strip()
        ]
        for name in page_names(root, lang):
            if names is not None and name not in names:
                continue
            rel = page_rel(lang, name)
            page = read_page(root, rel)
            if lang == source:
                problems.extend(term_pair_problems(root, rel, page, entries, lang))
            for lineno, text in page.prose:
                hits: list[tuple[int, int, str, dict]] = []
                for pattern, _variant, entry in rules:
                    hits.extend((m.start(), m.end(), m.group(0), entry) for m in pattern.finditer(text))
                taken_until = -1
                for begin, end, found, entry in sorted(hits, key=lambda h: (h[0], -h[1])):
                    if begin < taken_until:
                        continue
                    taken_until = end
                    term = entry.get(lang) or entry.get(source)
                    note = f" ({entry['note']})" if entry.get("note") else ""
                    problems.append(Problem(
                        "glossary", rel, lineno,
                        f"column {begin + 1}: {found!r} is not the glossary term; write {term!r}{note}.",
                    ))
    return problems
