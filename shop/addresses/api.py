"""`/api/v1/me/addresses`: the token holder's address book."""
from flask import Blueprint, jsonify, url_for

from ..api import load_args, load_body, page_response
from ..auth.guards import current_api_user, token_required
from ..clock import utcnow
from ..db import get_db
from ..operations import TOKEN_HOLDER, operation
from . import services
from .repository import AddressRepository
from .schemas import LIST_TEXT, AddressCreateSchema, AddressListArgs, AddressUpdateSchema, SavedAddressSchema

api_bp = Blueprint("addresses_api", __name__)

ADDRESS = SavedAddressSchema()
ADDRESS_CREATE = AddressCreateSchema()
ADDRESS_UPDATE = AddressUpdateSchema()
LIST_ARGS = AddressListArgs()


def _addresses():
    return AddressRepository(get_db())


@api_bp.get("/me/addresses")
@operation(LIST_TEXT + ", the default marked", who=TOKEN_HOLDER, args=AddressListArgs,
           answer=SavedAddressSchema, page=True)
@token_required
def list_addresses():
    """Your saved addresses, oldest first, the default marked."""
    args = load_args(LIST_ARGS)
    items, total = services.list_addresses(_addresses(), current_api_user().id, args["page"], args["per_page"])
    return page_response(ADDRESS, items, total, args["page"], args["per_page"])


@api_bp.get("/me/addresses/<oid:address_id>")
@operation("One of your saved addresses", who=TOKEN_HOLDER, answer=SavedAddressSchema)
@token_required
def get_address(address_id):
    """One of your saved addresses."""
    return jsonify(ADDRESS.dump(services.get_address(_addresses(), current_api_user().id, address_id)))


@api_bp.post("/me/addresses")
@operation("Save an address (your first one is the default; 422 once the book is full)", who=TOKEN_HOLDER,
           body=AddressCreateSchema, answer=SavedAddressSchema, status=201)
@token_required
def add_address():
    """Save an address; your first one becomes the default."""
    address = services.add_address(_addresses(), current_api_user().id, load_body(ADDRESS_CREATE), utcnow())
    return ADDRESS.dump(address), 201, {"Location": url_for("addresses_api.get_address", address_id=address.id)}


@api_bp.patch("/me/addresses/<oid:address_id>")
@operation("Change a saved address, or make it the default (the previous default no longer is)", who=TOKEN_HOLDER,
           body=AddressUpdateSchema, answer=SavedAddressSchema)
@token_required
def update_address(address_id):
    """Change any of an address's fields, or make it the default."""
    address = services.update_address(_addresses(), current_api_user().id, address_id, load_body(ADDRESS_UPDATE),
                                      utcnow())
    return jsonify(ADDRESS.dump(address))


@api_bp.delete("/me/addresses/<oid:address_id>")
@operation("Delete a saved address (orders keep their copy; the newest remaining one becomes the default)",
           who=TOKEN_HOLDER, status=204)
@token_required
def delete_address(address_id):
    """Delete an address; orders keep their copy of it."""
    services.delete_address(_addresses(), current_api_user().id, address_id)
    return "", 204
