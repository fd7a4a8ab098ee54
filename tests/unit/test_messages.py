"""Validation messages speak to people: every message a schema raises names its field
and says what to do; none of Marshmallow's own texts gets through."""
import pytest
from marshmallow import ValidationError

from shop.auth.schemas import RegisterSchema
from shop.fields import PageArgs
from shop.orders.schemas import CardSchema, PlaceOrderSchema
from shop.products.schemas import ProductCreateSchema, StockAdjustmentSchema

MARSHMALLOWS_OWN = ("Missing data for required field.", "Not a valid", "Must be greater", "Must be less",
                    "Length must be", "Shorter than", "Longer than", "Must be one of", "Unknown field.",
                    "Field may not be null.", "Invalid input type.", "Must not be blank.")


def messages(schema, data):
    with pytest.raises(ValidationError) as raised:
        schema.load(data)
    return raised.value.messages


def flat(messages):
    if isinstance(messages, dict):
        return [text for value in messages.values() for text in flat(value)]
    return list(messages)


@pytest.mark.parametrize("schema, data", [
    (RegisterSchema(), {}),
    (RegisterSchema(), {"email": "x", "password": "short", "name": "   ", "admin": True}),
    (RegisterSchema(), {"email": None, "password": 7, "name": ["a"]}),
    (PlaceOrderSchema(), {"items": [{"product_id": "nope", "quantity": 10 ** 22}], "shipping_address": "x"}),
    (PlaceOrderSchema(), {"items": [], "shipping_address": {"country": "ZZ"}}),
    (PlaceOrderSchema(), {"items": "all", "shipping_address": {}}),
    (CardSchema(), {"card_number": "x", "exp_month": 13, "exp_year": "twenty", "cvc": 1}),
    (ProductCreateSchema(), {"sku": "", "name": "", "price": -1, "stock": 1.5, "active": "yes", "currency": "XXX"}),
    (StockAdjustmentSchema(), {"delta": True, "reason": "stolen", "note": 5}),
    (PageArgs(), {"page": "abc", "per_page": 0}),
])
def test_no_message_is_marshmallows_own(schema, data):
    found = flat(messages(schema, data))

    assert found
    assert [text for text in found if text.startswith(MARSHMALLOWS_OWN)] == []
    assert all(text.endswith(".") and text[0].isupper() for text in found), found


def test_a_22_digit_quantity_says_what_to_enter():
    found = messages(PlaceOrderSchema(), {"items": [{"product_id": "a" * 24, "quantity": 10 ** 22}],
                                          "shipping_address": {}})

    assert found["items"] == {0: {"quantity": ["Enter a quantity between 1 and 100."]}}


def test_each_message_names_its_field():
    found = messages(RegisterSchema(), {"password": "short", "extra": 1})

    assert found == {"email": ["Enter an email address."], "name": ["Enter a name."],
                     "password": ["Enter a password of 10 to 128 characters."],
                     "extra": ["Remove this field: this request does not take it."]}
