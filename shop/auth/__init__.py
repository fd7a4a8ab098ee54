"""Accounts: registration, log-in, bearer tokens and the admin bootstrap."""
from flask import Blueprint

api_bp = Blueprint("auth_api", __name__)

from . import api  # noqa: E402,F401  (registers the routes on the blueprint)
