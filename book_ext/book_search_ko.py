"""Full-text search that finds Korean words under their particles, and English words by stem.

Sphinx has no search language for Korean, and Korean words carry particles and endings:
a page that only says ``회귀를`` is not found by a search for ``회귀`` when the index holds
whole words. The book is built with ``language: ko`` and holds Korean and English pages,
so this extension registers one search language for ``ko`` that handles both:

- Hangul: each run of Hangul syllables is indexed as itself, as its stem (the run without
  one trailing particle or ending from :data:`SUFFIXES`) and as its character bigrams.
  A query word is reduced to its stem the same way, in JavaScript (:data:`JS_SPLITTER`),
  with the same suffix list. A stem of two syllables then matches a bigram of any word
  that contains it; a longer stem matches an indexed word or stem exactly, or as a part
  of one (Sphinx's search matches a query word of three or more characters inside longer
  index words).
- Latin script: English stop words and stemmer, exactly as Sphinx's English search does, so
  "predictions" finds "prediction"; in JavaScript, Sphinx's English stemmer, which leaves Hangul
  words alone (english_stemmer_js.py).

Known limit: a query stem of one syllable (``값`` from ``값을``) is kept with its particle,
because stripping it would make two-syllable nouns ending in a particle-like syllable
(``평가``) unfindable.
"""

from __future__ import annotations

import json
import re

from sphinx.application import Sphinx
from sphinx.search import SearchLanguage
from sphinx.search.en import SearchEnglish

from .book_languages import HANGUL
from .english_stemmer_js import stemmer_keeping

# Particles (조사) and a few frequent endings, removed from the end of a Hangul word.
# At most one is removed: the longest that matches, and only if two syllables remain.
SUFFIXES = sorted(
    set(
        """
        은 는 이 가 을 를 의 에 로 와 과 도 만 께 랑
        에서 에게 한테 께서 으로 부터 까지 마다 처럼 보다 만큼 같이 밖에 조차 마저 이나 이며 이고 대로
        이다 이라 이란 라는 라고 라면 에는 에도 에의 로는 로도 로의 로서 로써 와의 과의 와는 과는
        에서는 에서도 에서의 에서만 으로는 으로도 으로의 으로서 으로써 에게는 에게도 까지는 까지도
        부터는 이라는 이라고 이라면 이지만 로부터 으로부터 에서부터 에게서
        입니다 합니다 했습니다 됩니다 시킵니다 하는 하고 하면 하여 해서 한다 했다 되는 된다 시키는 시켜
        """.split()
    ),
    key=lambda s: (-len(s), s),
)
MIN_STEM = 2

_runs = re.compile(f"[{HANGUL}]+|[^{HANGUL}]+")
_hangul_run = re.compile(f"^[{HANGUL}]+$")


def korean_stem(word: str) -> str:
    """``word`` without its longest trailing particle or ending, if two syllables remain.

    Only the longest suffix counts: 손으로 keeps its 으로 (one syllable would remain)
    rather than losing 로 alone.
    """
    for suffix in SUFFIXES:
        if word.endswith(suffix):
            return word[: -len(suffix)] if len(word) - len(suffix) >= MIN_STEM else word
    return word


def bigrams(word: str) -> list[str]:
    return [word[i : i + 2] for i in range(len(word) - 1)]


def index_terms(run: str) -> list[str]:
    """What the index holds for one run of Hangul syllables."""
    terms = [run]
    stem = korean_stem(run)
    if stem != run:
        terms.append(stem)
    if len(run) > 2:
        terms.extend(bigrams(run))
    return terms


# The Hangul range as a JavaScript regular expression writes it (\uac00-\ud7a3).
JS_HANGUL = HANGUL.encode("unicode_escape").decode("ascii")

# The query side, in JavaScript. Sphinx puts it in _static/language_data.js, which the
# search page loads after searchtools.js, so `var splitQuery` replaces the default splitter.
JS_SPLITTER = """
/* Korean-aware query splitter (book_search_ko.py): Hangul words lose one particle. */
var BOOK_KO_SUFFIXES = @SUFFIXES@;
var BOOK_KO_MIN_STEM = @MIN_STEM@;
var bookKoreanStem = function(word) {
  for (const suffix of BOOK_KO_SUFFIXES) {
    if (word.endsWith(suffix)) {
      return word.length - suffix.length >= BOOK_KO_MIN_STEM
        ? word.slice(0, word.length - suffix.length)
        : word;
    }
  }
  return word;
};
var splitQuery = function(query) {
  const terms = [];
  query
    .split(/[^\\p{Letter}\\p{Number}_\\p{Emoji_Presentation}]+/gu)
    .filter((word) => word)
    .forEach((word) => {
      for (const run of word.match(/[@HANGUL@]+|[^@HANGUL@]+/g)) {
        terms.push(/^[@HANGUL@]+$/.test(run) ? bookKoreanStem(run) : run);
      }
    });
  return terms;
};
""".replace("@SUFFIXES@", json.dumps(SUFFIXES, ensure_ascii=False)).replace("@MIN_STEM@", str(MIN_STEM))
JS_SPLITTER = JS_SPLITTER.replace("@HANGUL@", JS_HANGUL)


class SearchKorean(SearchLanguage):
    lang = "ko"
    language_name = "Korean"
    stopwords = SearchEnglish.stopwords
    js_splitter_code = JS_SPLITTER

    def init(self, options: dict[str, str]) -> None:
        self.english = SearchEnglish(options)
        # Hangul words are stemmed by splitQuery; every other word as in English.
        self.js_stemmer_code = stemmer_keeping(f"[{JS_HANGUL}]")

    def split(self, input: str) -> list[str]:
        terms: list[str] = []
        for word in self._word_re.findall(input):
            for run in _runs.findall(word):
                if _hangul_run.match(run):
                    terms.extend(index_terms(run))
                else:
                    terms.append(run)
        return terms

    def stem(self, word: str) -> str:
        if re.search(f"[{HANGUL}]", word):
            return word
        return self.english.stem(word)


def setup(app: Sphinx) -> dict:
    app.add_search_language(SearchKorean)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
