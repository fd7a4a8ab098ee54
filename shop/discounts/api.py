"""`/api/v1/discount-codes`: admins create, read, change and delete codes."""
from flask import Blueprint, jsonify, url_for

from ..api import load_args, load_body, page_response
from ..auth.guards import admin_required
from ..clock import utcnow
from ..db import get_db
from ..operations import ADMIN, operation
from . import services
from .repository import DiscountCodeRepository
from .schemas import DiscountCodeCreateSchema, DiscountCodeListArgs, DiscountCodeSchema, DiscountCodeUpdateSchema

api_bp = Blueprint("discounts_api", __name__)

CODE = DiscountCodeSchema()
CODE_CREATE = DiscountCodeCreateSchema()
CODE_UPDATE = DiscountCodeUpdateSchema()
LIST_ARGS = DiscountCodeListArgs()


def _codes():
    return DiscountCodeRepository(get_db())


@api_bp.get("/discount-codes")
@operation("Every discount code, newest first", who=ADMIN, args=DiscountCodeListArgs, answer=DiscountCodeSchema,
           page=True)
@admin_required
def list_codes():
    """Every code, newest first, with its uses."""
    args = load_args(LIST_ARGS)
    items, total = services.list_codes(_codes(), args["page"], args["per_page"])
    return page_response(CODE, items, total, args["page"], args["per_page"])


@api_bp.get("/discount-codes/<id:code_id>")
@operation("One discount code", who=ADMIN, answer=DiscountCodeSchema)
@admin_required
def get_code(code_id):
    """One code, by id."""
    return jsonify(CODE.dump(services.get_code(_codes(), code_id)))


@api_bp.post("/discount-codes")
@operation("Add a discount code (409 when one equal ignoring case exists)", who=ADMIN, body=DiscountCodeCreateSchema,
           answer=DiscountCodeSchema, status=201, errors=(409,))
@admin_required
def create_code():
    """Add a code (409 when one equal ignoring case exists)."""
    code = services.create_code(_codes(), load_body(CODE_CREATE), utcnow())
    return CODE.dump(code), 201, {"Location": url_for("discounts_api.get_code", code_id=code.id)}


@api_bp.patch("/discount-codes/<id:code_id>")
@operation("Change a discount code (never its uses)", who=ADMIN, body=DiscountCodeUpdateSchema,
           answer=DiscountCodeSchema, errors=(409,))
@admin_required
def update_code(code_id):
    """Change any of a code's fields but `uses`; those left out stay."""
    return jsonify(CODE.dump(services.update_code(_codes(), code_id, load_body(CODE_UPDATE), utcnow())))


@api_bp.delete("/discount-codes/<id:code_id>")
@operation("Delete a discount code (orders keep their copy)", who=ADMIN, status=204)
@admin_required
def delete_code(code_id):
    """Delete a code; orders keep their copy of it."""
    services.delete_code(_codes(), code_id)
    return "", 204
