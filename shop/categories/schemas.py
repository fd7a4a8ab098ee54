"""JSON in and out for categories."""
from marshmallow import fields, validate

from ..fields import SLUG_PATTERN, ObjectIdString, TrimmedString
from ..messages import ShopSchema

SLUG_MESSAGE = "Enter a slug of lower-case letters, digits and single dashes, such as tea-and-coffee."
PARENT = {"label": "a parent category",
          "description": "The id of an existing category, or null for a top-level one. It must not be this category "
                         "or one below it, and the tree goes at most 5 levels deep (422 otherwise)."}


def _slug(**kwargs):
    return fields.String(validate=[validate.Length(max=100), validate.Regexp(SLUG_PATTERN, error=SLUG_MESSAGE)],
                         **kwargs)


class CategoryCreateSchema(ShopSchema):
    name = TrimmedString(required=True, validate=validate.Length(min=1, max=100))
    slug = _slug(metadata={"description": "Made from the name when absent (numbered when that one is taken)."})
    parent_id = ObjectIdString(allow_none=True, metadata=PARENT)
    description = fields.String(validate=validate.Length(max=5000))


class CategoryUpdateSchema(ShopSchema):
    name = TrimmedString(validate=validate.Length(min=1, max=100))
    slug = _slug()
    parent_id = ObjectIdString(allow_none=True, metadata=PARENT)
    description = fields.String(validate=validate.Length(max=5000))


class CategorySchema(ShopSchema):
    """A category with its subcategories, each in this same shape, in name order."""

    id = ObjectIdString(dump_only=True)
    slug = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    description = fields.String(dump_only=True)
    parent_id = ObjectIdString(dump_only=True, allow_none=True)
    children = fields.List(fields.Nested(lambda: CategorySchema()), dump_only=True)
