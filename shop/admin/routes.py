"""The dashboard: today's orders and revenue, and what is running out."""
from datetime import timedelta

from flask import render_template

from ..clock import utcnow
from ..db import get_db
from ..orders import services as order_services
from ..products import services as product_services
from ..products.repository import ProductRepository
from . import bp

LOW_STOCK_THRESHOLD = 5


@bp.get("/")
def dashboard():
    """Orders placed today (UTC), their revenue, and products at or under the low-stock threshold."""
    start = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    db = get_db()
    summary = order_services.sales_summary(order_services.Stores.on(db), start, start + timedelta(days=1))
    low, low_total = product_services.low_stock(ProductRepository(db), LOW_STOCK_THRESHOLD, 1, 50)
    return render_template("admin/dashboard.html", summary=summary, low_stock=low, low_total=low_total,
                           threshold=LOW_STOCK_THRESHOLD, day=start)
