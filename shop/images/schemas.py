"""Images in (the upload's text fields, a change) and out (with a URL per width)."""
from marshmallow import fields, validate

from ..fields import ObjectIdString, StrictInteger, TrimmedString
from ..messages import ShopSchema
from ..urls import absolute_url
from .model import ALT_MAX, MAX_IMAGES


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


class ImageSchema(ShopSchema):
    id = ObjectIdString(dump_only=True)
    alt = fields.String(dump_only=True)
    width = fields.Integer(dump_only=True, metadata={"description": "The stored original's width, in pixels."})
    height = fields.Integer(dump_only=True)
    position = fields.Integer(dump_only=True, metadata={"description": "0-based place in the product's list."})
    variant_id = ObjectIdString(dump_only=True, allow_none=True)
    urls = fields.Method("image_urls", dump_only=True, metadata={
        "type": "object", "additionalProperties": {"type": "string"},
        "description": "One URL per width (each of 320, 640, 1280 narrower than the original, and the original's).",
    })

    def image_urls(self, image):
        return {str(width): absolute_url("media.image_file", file_name=name)
                for width, name in image.files_by_width().items()}
