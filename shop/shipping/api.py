"""`/api/v1/shipping-methods`: admins manage them; anyone lists those that serve a country."""
from flask import Blueprint, jsonify, url_for

from ..api import load_args, load_body, page_response
from ..auth.guards import admin_required, current_api_user, optional_api_user
from ..clock import utcnow
from ..db import get_db
from ..errors import Forbidden
from ..operations import ADMIN, TOKEN_OPTIONAL, operation
from . import services
from .repository import ShippingMethodRepository
from .schemas import (
    ShippingMethodCreateSchema, ShippingMethodListArgs, ShippingMethodSchema, ShippingMethodUpdateSchema,
)

api_bp = Blueprint("shipping_api", __name__)

METHOD = ShippingMethodSchema()
METHOD_CREATE = ShippingMethodCreateSchema()
METHOD_UPDATE = ShippingMethodUpdateSchema()
LIST_ARGS = ShippingMethodListArgs()


def _methods():
    return ShippingMethodRepository(get_db())


@api_bp.get("/shipping-methods")
@operation("With country: the active methods serving it, cheapest first (anyone); without: every method (admins)",
           who=TOKEN_OPTIONAL, args=ShippingMethodListArgs, answer=ShippingMethodSchema, page=True, errors=(403,))
def list_methods():
    """With `country`: the active methods serving it, for anyone. Without: every method, for admins."""
    args = load_args(LIST_ARGS)
    if args.get("country") is None and not current_api_user().is_admin:
        raise Forbidden("This needs an admin account (anyone may list the methods for a `country`).")
    items, total = services.list_methods(_methods(), args["page"], args["per_page"], args.get("country"),
                                         args.get("currency"))
    return page_response(METHOD, items, total, args["page"], args["per_page"])


@api_bp.get("/shipping-methods/<id:method_id>")
@operation("One shipping method (an inactive one: admins only)", who=TOKEN_OPTIONAL, answer=ShippingMethodSchema)
def get_method(method_id):
    """One method; an inactive one only for admins."""
    user = optional_api_user()
    method = services.get_method(_methods(), method_id, include_inactive=bool(user and user.is_admin))
    return jsonify(METHOD.dump(method))


@api_bp.post("/shipping-methods")
@operation("Add a shipping method", who=ADMIN, body=ShippingMethodCreateSchema, answer=ShippingMethodSchema,
           status=201)
@admin_required
def create_method():
    """Add a shipping method."""
    method = services.create_method(_methods(), load_body(METHOD_CREATE), utcnow())
    return METHOD.dump(method), 201, {"Location": url_for("shipping_api.get_method", method_id=method.id)}


@api_bp.patch("/shipping-methods/<id:method_id>")
@operation("Change a shipping method", who=ADMIN, body=ShippingMethodUpdateSchema, answer=ShippingMethodSchema)
@admin_required
def update_method(method_id):
    """Change any of a method's fields; those left out stay."""
    return jsonify(METHOD.dump(services.update_method(_methods(), method_id, load_body(METHOD_UPDATE), utcnow())))


@api_bp.delete("/shipping-methods/<id:method_id>")
@operation("Delete a shipping method (orders keep their copy)", who=ADMIN, status=204)
@admin_required
def delete_method(method_id):
    """Delete a method; orders keep their copy of its name and price."""
    services.delete_method(_methods(), method_id)
    return "", 204
