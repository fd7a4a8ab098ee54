"""The folding and matching rule of search (shop/products/search.py), without a store."""
import re
import unicodedata

import pytest

from shop.products import search
from shop.products.model import search_fields


@pytest.mark.parametrize("text, folded", [
    ("Crème Brûlée", "creme brulee"), (unicodedata.normalize("NFD", "Crème"), "creme"), ("CAFÉ", "cafe"),
    ("Straße", "strasse"), ("ﬁne", "fine"), ("Øslo", "øslo"), ("tab\there", "tab here"), ("한국", "한국"),
])
def test_folding_ignores_case_and_accents_only(text, folded):
    assert search.fold(text) == folded


def test_a_query_is_its_folded_words_without_repeats():
    assert search.words("  Teapot IRON\tteapot  crème ") == ["teapot", "iron", "creme"]
    assert search.words("   ") == [] and search.words(None) == []


@pytest.mark.parametrize("word", [".*", "(", "$", "\\", "a|b", "[x]", "^", "\x00", "é.", "{2}"])
def test_the_pattern_finds_a_word_only_as_itself(word):
    pattern = search.all_words_pattern([word])

    assert re.search(pattern, f"before {word} after")
    assert not re.search(pattern, "before after" + word[:-1] if len(word) > 1 else "before after")


def test_no_word_matches_across_two_fields():
    fields = search_fields("Teapot", ["SKU-1"], "iron")

    assert not re.search(search.all_words_pattern(["teapot\niron"]), fields["search_text"])
    assert re.search(search.all_words_pattern(["iron", "teapot", "sku-1"]), fields["search_text"])
    assert {"tea", "iro", "sku"} <= set(fields["search_grams"])
    assert fields["search_name"] == "teapot"
