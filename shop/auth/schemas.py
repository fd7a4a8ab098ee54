"""JSON in and out for accounts."""
from marshmallow import fields, validate

from ..fields import ObjectIdString, PageArgs, TrimmedString, UtcDateTime
from ..messages import ShopSchema


class RegisterSchema(ShopSchema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=10, max=128))
    name = TrimmedString(required=True, validate=validate.Length(min=1, max=100))


class CredentialsSchema(ShopSchema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=128))


class UserSchema(ShopSchema):
    id = ObjectIdString(dump_only=True)
    email = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    role = fields.String(dump_only=True, metadata={"enum": ["customer", "admin"]})
    created_at = UtcDateTime(dump_only=True)


class TokenSchema(ShopSchema):
    token = fields.String(dump_only=True)
    token_type = fields.String(dump_only=True, dump_default="Bearer")
    expires_at = UtcDateTime(dump_only=True)
    user = fields.Nested(UserSchema, dump_only=True)


class CustomerListArgs(PageArgs):
    """The back office's customers: `q`, the start of an e-mail or a name (any case)."""
    q = TrimmedString(validate=validate.Length(min=1, max=254))
