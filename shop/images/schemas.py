"""Images in: the upload's text fields, and a change. An image out is a product's (products.schemas)."""
from marshmallow import fields, validate

from ..fields import ObjectIdString, StrictInteger, TrimmedString
from ..messages import ShopSchema
from ..products.images import ALT_MAX, MAX_IMAGES


def alt_text(**kwargs):
    return TrimmedString(validate=validate.Length(min=1, max=ALT_MAX), metadata={"label": "the alt text"}, **kwargs)


POSITION_RANGE = validate.Range(min=0, max=MAX_IMAGES)


class ImageUploadSchema(ShopSchema):
    """The text fields beside the `file` of an upload (multipart form fields are text)."""

    alt = alt_text(required=True)
    variant_id = ObjectIdString(metadata={"label": "a variant"})
    position = fields.Integer(validate=POSITION_RANGE, metadata={"label": "a position"})


class ImageUpdateSchema(ShopSchema):
    alt = alt_text()
    position = StrictInteger(validate=POSITION_RANGE, metadata={"label": "a position"})
