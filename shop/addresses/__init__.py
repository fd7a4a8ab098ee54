"""The address book: a shopper's saved shipping addresses, one of them the default; the
only writer of `addresses` and `address_books`."""
from flask import Blueprint

api_bp = Blueprint("addresses_api", __name__)

from . import api  # noqa: E402,F401  (registers the routes on the blueprint)
