"""The catalogue and its stock: the only writer of `products` and `stock_movements`."""
from flask import Blueprint

api_bp = Blueprint("products_api", __name__)

from . import api  # noqa: E402,F401  (registers the routes on the blueprint)
