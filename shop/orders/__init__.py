"""Orders: placing, paying, cancelling, shipping; the only writer of `orders`."""
from flask import Blueprint

api_bp = Blueprint("orders_api", __name__)

from . import api  # noqa: E402,F401  (registers the routes on the blueprint)
