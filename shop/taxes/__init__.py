"""Tax rates: one per country, in basis points; the only writer of `tax_rates`."""
from flask import Blueprint

api_bp = Blueprint("taxes_api", __name__)

from . import api  # noqa: E402,F401  (registers the routes on the blueprint)
