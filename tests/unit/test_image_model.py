"""The image rules: which widths are kept, where an image goes, which come first for a variant."""
from datetime import datetime, timezone

import pytest

from shop.images.model import rendition_widths
from shop.products.images import Image, for_variant, is_variant_of, moved, placed, without

NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)


def image(name, variant_id=None):
    return Image(id=name, alt=name, width=100, height=100, format="PNG", created_at=NOW, variant_id=variant_id)


def names(images):
    return [i.id for i in images]


@pytest.mark.parametrize("width, widths", [(1000, [320, 640, 1000]), (320, [320]), (321, [320, 321]),
                                           (5000, [320, 640, 1280, 5000]), (10, [10])])
def test_the_widths_kept_are_each_standard_one_narrower_and_the_original(width, widths):
    assert rendition_widths(width) == widths


def test_an_image_goes_last_unless_placed_and_a_place_past_the_end_is_last():
    images = [image("a"), image("b")]

    assert names(placed(images, image("c"))) == ["a", "b", "c"]
    assert names(placed(images, image("c"), 0)) == ["c", "a", "b"]
    assert names(placed(images, image("c"), 1)) == ["a", "c", "b"]
    assert names(placed(images, image("c"), 9)) == ["a", "b", "c"]


def test_moving_an_image_shifts_the_others():
    images = [image("a"), image("b"), image("c")]

    assert names(moved(images, "a", 2)) == ["b", "c", "a"]
    assert names(moved(images, "c", 0)) == ["c", "a", "b"]
    assert names(without(images, "b")) == ["a", "c"]


def test_a_variants_own_images_come_first_and_the_rest_keep_their_order():
    images = [image("front"), image("red-front", "red"), image("back"), image("red-side", "red"), image("blue", "blue")]

    assert names(for_variant(images, "red")) == ["red-front", "red-side", "front", "back", "blue"]
    assert names(for_variant(images, None)) == names(images)
    assert names(for_variant(images, "green")) == names(images)


def test_a_product_without_options_has_one_variant_whose_id_is_its_own():
    assert is_variant_of(["p" * 24, "r" * 24], "r" * 24) and not is_variant_of(["p" * 24], "q" * 24)
