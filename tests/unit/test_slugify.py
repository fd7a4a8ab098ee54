"""Slugs made from product names."""
import pytest

from shop.slugs import slugify


@pytest.mark.parametrize("name, slug", [
    ("Retro Clock (Blue)", "retro-clock-blue"),
    ("  Cast Iron   Teapot  ", "cast-iron-teapot"),
    ("Chef's Knife 20 cm", "chef-s-knife-20-cm"),
    ("Crème Brûlée Torch", "creme-brulee-torch"),
    ("MUG--STONE__350", "mug-stone-350"),
    ("100% Wool!", "100-wool"),
])
def test_slugify_makes_lower_case_words_joined_by_single_dashes(name, slug):
    assert slugify(name) == slug


@pytest.mark.parametrize("name", ["", "!!!", "日本語", "---"])
def test_slugify_never_returns_an_empty_slug(name):
    assert slugify(name) == "product"


def test_slugify_keeps_slugs_to_one_hundred_characters_without_a_trailing_dash():
    slug = slugify("a" * 99 + " b" * 10)

    assert len(slug) <= 100
    assert not slug.endswith("-")
