"""The fast dump (shop/dumping.py) answers exactly what the schema's own dump does."""
from datetime import datetime, timezone

import pytest
from marshmallow import Schema, fields

from shop.dumping import dumper
from shop.fields import ObjectIdString, UtcDateTime
from shop.products.schemas import ProductSchema
from shop.products import services
from tests.conftest import TEST_SETTINGS, started_app


@pytest.fixture(scope="module")
def demo_products():
    """The demo catalogue (variants, options, images, categories), as the API reads it."""
    app = started_app({**TEST_SETTINGS, "DEMO_CATALOG": True, "MONGO_URI": None})
    from shop.products.repository import ProductRepository
    with app.test_request_context():
        repository = ProductRepository(app.extensions["mongo_db"])
        found, _ = services.list_products(repository, _all_query())
        yield found


def _all_query():
    from shop.products.model import ProductQuery
    return ProductQuery(page=1, per_page=100, active=None)


def test_a_product_dumps_as_the_schema_dumps_it(demo_products):
    schema = ProductSchema()
    dump = dumper(schema)

    assert len(demo_products) > 10
    assert any(product.images for product in demo_products)
    assert any(len(product.variants) > 1 for product in demo_products)
    for product in demo_products:
        assert dump(product) == schema.dump(product)


class Every(Schema):
    id = ObjectIdString()
    name = fields.String()
    count = fields.Integer()
    flag = fields.Boolean()
    at = UtcDateTime()
    tags = fields.List(fields.String())
    labels = fields.Dict(keys=fields.String(), values=fields.String())


@pytest.mark.parametrize("values", [
    {"id": "64b7f0c2a1b2c3d4e5f60718", "name": "Ada", "count": 3, "flag": True,
     "at": datetime(2026, 12, 2, 1, 2, 3, tzinfo=timezone.utc), "tags": ["a", "b"], "labels": {"Size": "M"}},
    {"id": None, "name": None, "count": None, "flag": None, "at": None, "tags": None, "labels": None},
    {"flag": 0, "count": 7.0, "at": datetime(2026, 12, 2, 1, 2, 3, 450000, tzinfo=timezone.utc)},
    {},
])
def test_every_kind_of_field_it_takes_dumps_as_marshmallow_does(values):
    assert dumper(Every())(values) == Every().dump(values)


def test_a_field_it_cannot_dump_exactly_is_refused_when_it_is_made():
    class Decimalish(Schema):
        amount = fields.Decimal()

    with pytest.raises(TypeError):
        dumper(Decimalish())
