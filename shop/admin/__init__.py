"""The back office: dashboard, products and stock, categories, orders, checkout settings. For admins only.

Every page here passes one check, `admins_only`: an anonymous visitor is sent
to log in, a shopper is refused with 403.
"""
from flask import Blueprint
from flask_login import current_user

from ..errors import Forbidden
from ..extensions import login_manager

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def admins_only():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_admin:
        raise Forbidden("This page is for the shop's staff.")
    return None


from . import categories, checkout_settings, csv_pages, customers, orders, products, refunds, routes, variants  # noqa: E402,F401  (register the pages on the blueprint)
