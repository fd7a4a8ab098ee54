"""Home, `/sitemap.xml` and `/robots.txt`; the `money` filter and the helpers every page uses."""
from flask import Blueprint, current_app, render_template, request

from .. import caching
from ..categories import services as category_services
from ..categories.repository import CategoryRepository
from ..db import get_db
from ..forms import ActionForm
from ..money import format_money
from ..products import services as product_services
from ..products.model import ProductQuery
from ..products.repository import ProductRepository
from ..shipping import services as shipping_services
from ..shipping.repository import ShippingMethodRepository
from ..urls import absolute_url

bp = Blueprint("site", __name__)
FEATURED = 8
SITEMAP_PAGE = 1000


@bp.app_template_filter("money")
def money_filter(minor_units, currency="USD"):
    return format_money(minor_units, currency)


# A global, not a context processor, so that the macros see it without being imported
# `with context` (Jinja then builds _macros.html once, not on every render).
bp.add_app_template_global(ActionForm, "action_form")


@bp.app_template_global()
def tax_note():
    """What every page says of its prices and tax, as PRICES_INCLUDE_TAX has it."""
    if current_app.config["PRICES_INCLUDE_TAX"]:
        return "Prices include tax"
    return "Prices are before tax: any tax due is added at checkout"


@bp.app_template_global()
def canonical_url():
    """This page's address without its query string (the catalogue keeps its page number)."""
    if request.endpoint is None or request.url_rule is None:
        return absolute_url("site.home")
    args = dict(request.view_args or {})
    page = request.args.get("page", type=int)
    if request.endpoint == "products.catalog" and page and page > 1:
        args["page"] = page
    return absolute_url(request.endpoint, **args)


@bp.get("/")
def home():
    """The shop's front page, with products that are in stock, newest first, and what it
    promises about shipping only as far as its shipping methods keep it."""
    featured = product_services.featured_products(ProductRepository(get_db()), FEATURED)
    categories = category_services.tree(CategoryRepository(get_db())).roots
    free_shipping = shipping_services.free_shipping_offer(ShippingMethodRepository(get_db()))
    return render_template("site/home.html", featured=featured, categories=categories, free_shipping=free_shipping)


@bp.get("/sitemap.xml")
@caching.public
def sitemap():
    """The home page, the catalogue, every category's page and every active product's page."""
    categories = category_services.tree(CategoryRepository(get_db())).in_order()
    body = render_template("site/sitemap.xml", products=_active_products(), categories=categories)
    return body, 200, {"Content-Type": "application/xml; charset=utf-8"}


def _active_products():
    products, page = ProductRepository(get_db()), 1
    while True:
        query = ProductQuery(sort="name", page=page, per_page=SITEMAP_PAGE)
        batch, total = product_services.list_products(products, query)
        yield from batch
        if page * SITEMAP_PAGE >= total:
            return
        page += 1


@bp.get("/robots.txt")
@caching.public
def robots():
    """Crawl the shop, not the back office, the cart or accounts; the sitemap lists the pages."""
    body = render_template("site/robots.txt", sitemap_url=absolute_url("site.sitemap"))
    return body, 200, {"Content-Type": "text/plain; charset=utf-8"}
