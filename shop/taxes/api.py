"""`/api/v1/tax-rates`: one rate per country, for admins."""
from flask import Blueprint, jsonify, url_for

from ..api import load_args, load_body, page_response
from ..auth.guards import admin_required
from ..clock import utcnow
from ..db import get_db
from ..operations import ADMIN, operation
from . import services
from .repository import TaxRateRepository
from .schemas import TaxRateCreateSchema, TaxRateListArgs, TaxRateSchema, TaxRateUpdateSchema

api_bp = Blueprint("taxes_api", __name__)

RATE = TaxRateSchema()
RATE_CREATE = TaxRateCreateSchema()
RATE_UPDATE = TaxRateUpdateSchema()
LIST_ARGS = TaxRateListArgs()


def _rates():
    return TaxRateRepository(get_db())


@api_bp.get("/tax-rates")
@operation("Every tax rate, by country", who=ADMIN, args=TaxRateListArgs, answer=TaxRateSchema, page=True)
@admin_required
def list_rates():
    """Every rate, by country."""
    args = load_args(LIST_ARGS)
    items, total = services.list_rates(_rates(), args["page"], args["per_page"])
    return page_response(RATE, items, total, args["page"], args["per_page"])


@api_bp.get("/tax-rates/<id:rate_id>")
@operation("One tax rate", who=ADMIN, answer=TaxRateSchema)
@admin_required
def get_rate(rate_id):
    """One rate."""
    return jsonify(RATE.dump(services.get_rate(_rates(), rate_id)))


@api_bp.post("/tax-rates")
@operation("Add a country's tax rate (409 when it has one)", who=ADMIN, body=TaxRateCreateSchema, answer=TaxRateSchema,
           status=201, errors=(409,))
@admin_required
def create_rate():
    """Add a country's rate (409 when it has one)."""
    rate = services.create_rate(_rates(), load_body(RATE_CREATE), utcnow())
    return RATE.dump(rate), 201, {"Location": url_for("taxes_api.get_rate", rate_id=rate.id)}


@api_bp.patch("/tax-rates/<id:rate_id>")
@operation("Change a tax rate or its country", who=ADMIN, body=TaxRateUpdateSchema, answer=TaxRateSchema,
           errors=(409,))
@admin_required
def update_rate(rate_id):
    """Change a rate, or move it to another country (409 when that one has a rate)."""
    return jsonify(RATE.dump(services.update_rate(_rates(), rate_id, load_body(RATE_UPDATE), utcnow())))


@api_bp.delete("/tax-rates/<id:rate_id>")
@operation("Delete a tax rate (its country is taxed at 0 after)", who=ADMIN, status=204)
@admin_required
def delete_rate(rate_id):
    """Delete a rate: its country is taxed at 0 after."""
    services.delete_rate(_rates(), rate_id)
    return "", 204
