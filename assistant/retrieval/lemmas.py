"""Lemma tables for Polish and Italian keyword search, built from simplemma's dictionaries.

simplemma (zero-dependency, 54 languages) lemmatises well but loads a language's whole
dictionary on first use: seconds for Polish. Search only needs the word forms whose lemma
occurs in the indexed text, so a table of those forms is built once per card set, cached
with the card index, and a query is then one dictionary lookup per word. Forms are folded
(no accents): 'bolaczki' finds 'bolączka' just as 'bolączki' does.
"""

from __future__ import annotations

from collections.abc import Iterable

from assistant.retrieval.lexical import fold, raw_words

LEMMATISED = ("pl", "it")
"""Languages whose words are indexed as lemmas."""


def build_table(texts: Iterable[str], language: str) -> dict[str, str]:
    """Folded form -> folded lemma for every dictionary form of the lemmas in `texts`.

    The text's own words map to their dictionary lemma (unknown words stay as they are);
    every other form of those lemmas in simplemma's dictionary maps there too, so a query
    can use any inflection. One pass over the dictionary, loaded once.
    """
    from simplemma.strategies.dictionaries import DefaultDictionaryFactory

    dictionary = DefaultDictionaryFactory(cache_max_size=1).get_dictionary(language)
    table: dict[str, str] = {}
    wanted: set[bytes] = set()
    for text in texts:
        for word in raw_words(text):
            lemma = dictionary.get(word) or word
            table.setdefault(fold(word), fold(lemma))
            wanted.add(lemma.encode())
    # simplemma keeps a bytes -> bytes dict behind its str mapping: filtering the bytes
    # first makes one pass over 3.7 million Polish forms take a fraction of a second.
    raw = getattr(dictionary, "_dict", None)
    pairs: Iterable[tuple[bytes, bytes]] = (
        raw.items()
        if isinstance(raw, dict)
        else ((f.encode(), v.encode()) for f, v in dictionary.items())
    )
    for raw_form, raw_lemma in pairs:
        if raw_lemma in wanted:
            table.setdefault(fold(raw_form.decode()), fold(raw_lemma.decode()))
    return {form: lemma for form, lemma in table.items() if form != lemma}
