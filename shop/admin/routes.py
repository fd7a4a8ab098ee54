"""The dashboard: today's orders and revenue, and what is running out."""
from datetime import timedelta

from flask import Blueprint, render_template
from flask_login import current_user

from ..clock import utcnow
from ..db import get_db
from ..errors import Forbidden
from ..extensions import login_manager
from ..orders import services as order_services
from ..orders.repositories import Repositories
from ..products import services as product_services
from ..products.repository import ProductRepository

bp = Blueprint("admin", __name__, url_prefix="/admin")
LOW_STOCK_THRESHOLD = 5


@bp.before_request
def admins_only():
    """The back office's one check: an anonymous visitor is sent to log in, a shopper is refused."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_admin:
        raise Forbidden("This page is for the shop's staff.")
    return None


@bp.get("/")
def dashboard():
    """Orders placed today (UTC), their revenue, and products at or under the low-stock threshold."""
    start = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    db = get_db()
    summary = order_services.sales_summary(Repositories.for_request(), start, start + timedelta(days=1))
    low, low_total = product_services.low_stock(ProductRepository(db), LOW_STOCK_THRESHOLD, 1, 50)
    return render_template("admin/dashboard.html", summary=summary, low_stock=low, low_total=low_total,
                           threshold=LOW_STOCK_THRESHOLD, day=start)
