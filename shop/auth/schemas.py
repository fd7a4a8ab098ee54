"""JSON in and out for accounts."""
from marshmallow import fields, validate

from ..fields import ObjectIdString, PageArgs, TrimmedString, UtcDateTime
from ..messages import ShopSchema


# One rule each for a new password and a name, wherever an account is made or changed.
def new_password(**metadata):
    return fields.String(required=True, load_only=True, validate=validate.Length(min=10, max=128), metadata=metadata)


def account_name():
    return TrimmedString(required=True, validate=validate.Length(min=1, max=100))


def account_email():
    return fields.Email(required=True, validate=validate.Length(max=254))


class RegisterSchema(ShopSchema):
    email = account_email()
    password = new_password()
    name = account_name()


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
    """The customers (the back office's page, GET /customers): `q`, the start of an e-mail or a
    name (any case)."""
    q = TrimmedString(validate=validate.Length(min=1, max=254), metadata={
        "description": "The start of an e-mail or a name, in any case, as literal text."})


class CustomerSchema(ShopSchema):
    id = ObjectIdString(dump_only=True)
    email = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    created_at = UtcDateTime(dump_only=True)
    orders_count = fields.Integer(dump_only=True, metadata={
        "description": "The orders the account placed (not those it gave up before they were placed)."})


class UserUpdateSchema(ShopSchema):
    name = account_name()


class PasswordChangeSchema(ShopSchema):
    current_password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=128),
                                     metadata={"label": "your current password"})
    new_password = new_password(label="a new password")


class PasswordResetRequestSchema(ShopSchema):
    email = account_email()


class PasswordResetSchema(ShopSchema):
    password = new_password(label="a new password")


class AcceptedSchema(ShopSchema):
    """The answer to asking for a reset link: the same whether or not the email has an account."""
    message = fields.String(dump_only=True)
