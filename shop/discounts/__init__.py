"""Discount codes: percent or fixed, with dates, a minimum and use limits; the only writer
of `discount_codes` (its `uses` counter is the order code's, through this repository)."""
from flask import Blueprint

api_bp = Blueprint("discounts_api", __name__)

from . import api  # noqa: E402,F401  (registers the routes on the blueprint)
