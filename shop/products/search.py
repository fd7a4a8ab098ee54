"""The catalogue's search rule: words matched as literal text, case and accents ignored.

Text is *folded* (`fold`): case-folded, decomposed (NFKD) and stripped of its
combining marks, white space made plain spaces, so `Crème`, `CREME` and an NFD
`Cre\u0300me` all read `creme`. A query is split on white space into words, each
folded the same way; a product matches when every word occurs inside its folded
name, one of its SKUs or its description.

The matching is one regular expression that both stores run alike (mongomock's
Python `re` and MongoDB's PCRE): each word is a lookahead, and every character of
a word that is not a letter or digit is written as `\\xHH`, so no character of the
query is ever an operator. Trigrams (`grams`) narrow the scan: a product stores
the trigrams of its folded fields, and a word's own trigrams must all be among
them, which an index on that array answers; the regular expression is the final
check. No I/O here.
"""
import re
import unicodedata

GRAM = 3
# Bumped when `fold` or what is stored changes: products with another version are folded
# again at start-up (repository.backfill_search_fields).
SEARCH_VERSION = 1
# What separates the folded fields in the stored text: never in a folded word (fold turns
# every white space into a plain space), so no word can match across two fields.
FIELD_SEPARATOR = "\n"
_WHITE_SPACE = re.compile(r"\s")


def fold(text):
    """`Crème Brûlée` -> `creme brulee`: lower case (case-folded), no accents, plain spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _WHITE_SPACE.sub(" ", unicodedata.normalize("NFC", bare))


def words(query):
    """The folded words of a query, in order, without repeats; [] when it has none."""
    found = []
    for word in (query or "").split():
        folded = fold(word)
        if folded.strip() and folded not in found:
            found.append(folded)
    return found


def grams(text):
    """The trigrams of one folded text (a word or a field)."""
    return {text[start:start + GRAM] for start in range(len(text) - GRAM + 1)}


def stored_fields(name, skus, description):
    """What a product stores to be searched: its folded name (for the relevance order), the
    folded text of its name, SKUs and description, and that text's trigrams."""
    folded = [fold(name)] + [fold(sku) for sku in skus] + [fold(description or "")]
    found = set().union(*(grams(text) for text in folded))
    return {"search_name": folded[0], "search_text": FIELD_SEPARATOR.join(folded),
            "search_grams": sorted(found), "search_version": SEARCH_VERSION}


def query_grams(folded_words):
    """Trigrams that every matching product stores: those of each word (none for a word
    shorter than three characters)."""
    return sorted(set().union(*(grams(word) for word in folded_words))) if folded_words else []


def all_words_pattern(folded_words):
    """A regular expression that finds every word, anywhere and in any order, as literal text."""
    return "^" + "".join(f"(?=[\\s\\S]*{_literal(word)})" for word in folded_words)


def _literal(word):
    # Letters and digits (and every non-ASCII character: never an operator) stand for
    # themselves; any other ASCII character is spelled as a hex escape, which Python's
    # `re` and PCRE read alike (even NUL, which MongoDB refuses inside a pattern).
    return "".join(char if char.isalnum() or ord(char) > 127 else f"\\x{ord(char):02x}" for char in word)
