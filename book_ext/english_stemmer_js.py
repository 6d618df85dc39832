"""Sphinx's English stemmer in JavaScript, for a search language whose words are not all English.

A search language gives the search page its stemmer as JavaScript: ``js_stemmer_code``, code that
defines a class ``Stemmer`` with a method ``stemWord`` (documented in ``sphinx.search.SearchLanguage``).
The book's Korean search (book_search_ko.py) stems English words as Sphinx's English search does,
and leaves Hangul words as its query splitter made them. ``stemmer_keeping(pattern)`` gives that
stemmer without editing the English one: the English search language's ``js_stemmer_code`` runs
inside a function, where its ``Stemmer`` is a name of that function only, and the ``Stemmer``
defined outside hands it every word that ``pattern`` does not match.

Written for Sphinx 7.4, whose English search (``sphinx.search.en.SearchEnglish``) gives its Porter
stemmer inline, as ``js_stemmer_code``. Sphinx's other languages ship theirs as files
(``js_stemmer_rawcode``); should the English one do so too, ``english_stemmer`` raises, naming this
file. tests/test_ext_search_ko.py checks both, and runs the stemmer.
"""

from __future__ import annotations

from sphinx.errors import ExtensionError
from sphinx.search import SearchLanguage
from sphinx.search.en import SearchEnglish

WRAPPER = """
/* Sphinx's English stemmer, its Stemmer a name of this function only (book_ext/english_stemmer_js.py). */
var Stemmer = (function() {
@ENGLISH@
  const EnglishStemmer = Stemmer;
  return function() {
    const english = new EnglishStemmer();
    this.stemWord = function(word) {
      return /@KEEP@/.test(word) ? word : english.stemWord(word);
    };
  };
})();
"""


def english_stemmer() -> str:
    """The JavaScript of Sphinx's English stemmer: code that defines ``Stemmer``."""
    code = SearchEnglish.js_stemmer_code
    if SearchEnglish.js_stemmer_rawcode or code == SearchLanguage.js_stemmer_code or "Stemmer" not in code:
        raise ExtensionError("Sphinx's English search no longer gives its stemmer as js_stemmer_code; "
                             "update book_ext/english_stemmer_js.py")
    return code


def stemmer_keeping(pattern: str) -> str:
    """A ``js_stemmer_code`` whose ``Stemmer`` keeps the words that the JavaScript regular expression
    ``pattern`` matches, and stems every other word as Sphinx's English search does."""
    return WRAPPER.replace("@KEEP@", pattern).replace("@ENGLISH@", english_stemmer())
