"""Shipping methods: what an order may be sent by, where, and at what price; the only writer of `shipping_methods`."""
from flask import Blueprint

api_bp = Blueprint("shipping_api", __name__)

from . import api  # noqa: E402,F401  (registers the routes on the blueprint)
