"""The page model (book_ext/book_page.py): one reading of a MyST page, with line numbers.

The translation checks, the notebooks the build writes and the tests that count examples all
read pages through it; these tests pin what it finds on a small page.
"""

from __future__ import annotations

from book_ext.book_notebook_markdown import notebook_markdown
from book_ext.book_page import load_yaml, parse_page

PAGE = """\
---
jupytext:
  text_representation:
    format_name: myst
translation:
  source: book/ko/p.md
---

(ko_p)=
# 제목

본문에 `코드`와 $x$와 {ref}`학습률 <ko_glossary>`이 있고 [링크](https://example.org/레이어)도 있습니다.

```{code-cell} ipython3
:tags: [hide-input]

x = 1
```

- 목록의 항목 https://example.org/bare 입니다.

:::{admonition} 풀이
:class: dropdown

안쪽 문장과 {doc}`sgd`.

```python
>>> x + 1
2
```
:::

## 그림

```{code-cell} ipython3
---
mystnb:
  figure:
    caption: $W$에 대한 비용
---
plt.plot([x])
```

![그림 설명](images/a.png)
"""


def test_the_model_finds_every_part_at_its_line():
    page = parse_page(PAGE, "book/ko/p.md")
    assert page.front_matter["translation"] == {"source": "book/ko/p.md"}
    assert page.targets == [(9, "ko_p")]
    assert page.headings == [(1, 10, "제목"), (2, 33, "그림")]
    assert [(c.line, c.code_line, c.language, c.options, c.code) for c in page.cells] == [
        (14, 17, "ipython3", {"tags": ["hide-input"]}, "x = 1\n"),
        (35, 41, "ipython3", {"mystnb": {"figure": {"caption": "$W$에 대한 비용"}}}, "plt.plot([x])\n"),
    ]
    assert [(b.line, b.code_line, b.is_doctest, b.prompts, b.directive) for b in page.blocks] == [
        (27, 28, True, 1, None)]
    assert page.images == [(44, "images/a.png")]
    assert [(r.line, r.name, r.content, r.text) for r in page.roles] == [
        (12, "ref", "학습률 <ko_glossary>", "학습률"), (25, "doc", "sgd", "sgd")]


def test_prose_keeps_columns_and_drops_what_is_not_prose():
    page = parse_page(PAGE)
    prose = dict(page.prose)
    raw = PAGE.split("\n")
    assert set(prose) == {10, 12, 20, 22, 25, 33, 39, 44}
    for line, text in prose.items():
        assert len(text) <= len(raw[line - 1])
        for col, ch in enumerate(text):
            assert ch == " " or ch == raw[line - 1][col], (line, text)
    assert "본문에" in prose[12] and "코드" not in prose[12] and "레이어" not in prose[12]
    assert "학습률" not in prose[12] and "링크" in prose[12]
    assert "example" not in prose[20] and "항목" in prose[20]
    assert prose[22].strip() == "풀이" and "안쪽 문장과" in prose[25] and "sgd" not in prose[25]
    assert prose[39].strip() == "에 대한 비용"  # a caption is prose, its math is not
    assert prose[44].strip() == "그림 설명"  # an image's alt text is prose, its markup is not


def test_plain_markdown_drops_labels_and_reference_roles():
    text = "(ko_p)=\n# 제목\n\n{ref}`학습률 <ko_glossary>`과 {doc}`sgd`, {math}`x`, `{ref}` 그대로.\n"
    assert notebook_markdown(text) == "# 제목\n\n학습률과 `sgd`, {math}`x`, `{ref}` 그대로.\n"


def test_notebook_markdown_shows_titles_quotes_notes_and_keeps_solutions_closed():
    text = ("(ko_p)=\n# 제목\n\n{ref}`ko_sgd` 장과 {doc}`glossary`.\n\n:::{note}\n참고할 문장.\n:::\n\n"
            ":::{admonition} 풀이\n:class: dropdown\n\n풀이 문장.\n\n% invisible-code-block: python\n%\n"
            "% assert True\n:::\n")
    titles = {("ref", "ko_sgd"): "경사 하강법과 SGD", ("doc", "glossary"): "용어집"}
    shown = notebook_markdown(text, lambda role, target: titles.get((role, target)), {"note": "참고"})
    assert shown == ("# 제목\n\n경사 하강법과 SGD 장과 용어집.\n\n> **참고**\n>\n> 참고할 문장.\n\n"
                     "<details>\n<summary>풀이</summary>\n\n풀이 문장.\n\n</details>\n")
    # without titles, a reference shows its target as code
    assert "`ko_sgd` 장과 `glossary`." in notebook_markdown(text)


def test_a_page_or_yaml_read_again_is_a_copy_that_earlier_callers_cannot_change():
    """Each text is parsed once per process (book_page's caches): a caller that changes what it got
    must not change what the next caller gets."""
    first = parse_page(PAGE, "book/ko/p.md")
    first.front_matter["translation"]["source"] = "changed"
    first.cells.clear()
    again = parse_page(PAGE, "book/ko/p.md")
    assert again.front_matter["translation"]["source"] == "book/ko/p.md"
    assert len(again.cells) == 2
    data = load_yaml("a: {b: [1, 2]}")
    data["a"]["b"].append(3)
    assert load_yaml("a: {b: [1, 2]}") == {"a": {"b": [1, 2]}}


def test_an_admonition_title_with_spaces_is_read_whole():
    from book_ext.book_page import directive_parts

    argument, options, body, _ = directive_parts(
        "더 알아보기: 케라스 모델이 닿지 않은 까닭", ":class: dropdown\n\n본문입니다.\n")
    assert argument == "더 알아보기: 케라스 모델이 닿지 않은 까닭"
    assert options == {"class": "dropdown"} and body == ["본문입니다."]


def test_an_image_alt_text_is_prose_without_its_markup_its_math_or_its_code():
    """markdown-it reads an alt text as a text of its own: its spans are placed at the file's columns."""
    text = "앞 ![그림 $x$ 와 `c` 설명](a.png) 뒤\n"
    ((_line, prose),) = parse_page(text).prose
    assert prose.split() == ["앞", "그림", "와", "설명", "뒤"]
    assert prose.index("설명") == text.index("설명")
