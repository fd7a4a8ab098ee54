"""Categories: the tree shoppers browse by; the only writer of `categories` and `category_tree`."""
from flask import Blueprint

api_bp = Blueprint("categories_api", __name__)

from . import api  # noqa: E402,F401  (registers the routes on the blueprint)
