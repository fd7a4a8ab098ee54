"""The catalogue in the browser: search and filter, each category's products, and each product's page."""
from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user

from .. import caching
from ..categories import services as category_services
from ..categories.repository import CategoryRepository
from ..db import get_db
from ..fields import PageArgs
from ..forms import page_args
from ..ids import canonical_id
from . import services
from ..urls import absolute_url
from .forms import CatalogSearchForm
from .model import Paging, structured_data
from .pages import product_page_context
from .repository import ProductRepository

bp = Blueprint("products", __name__)
PER_PAGE = 12


@bp.get("/products")
@caching.public
def catalog():
    """Active products: search, price filters, in-stock only, sort, pages."""
    form = CatalogSearchForm(formdata=request.args)
    query = form.query(page_args(PageArgs(only=["page"]))["page"], PER_PAGE)
    products, total = services.list_products(ProductRepository(get_db()), query)
    categories = category_services.tree(CategoryRepository(get_db())).roots
    paging = Paging(query.page, query.per_page, total)
    return render_template("products/list.html", form=form, products=products, total=total, query=query,
                           categories=categories, paging=paging), 404 if paging.past_end else 200


@bp.get("/categories/<slug>")
@caching.public
def category_page(slug):
    """A category's products and those of the categories below it, with the catalogue's search,
    filters, sorts and pages; its address is always its slug."""
    category, tree = category_services.get_category(CategoryRepository(get_db()), canonical_id(slug))
    if category.slug != slug:
        return redirect(url_for("products.category_page", slug=category.slug), 301)
    form = CatalogSearchForm(formdata=request.args)
    query = form.query(page_args(PageArgs(only=["page"]))["page"], PER_PAGE,
                       category_ids=tuple(tree.descendant_ids(category)))
    products, total = services.list_products(ProductRepository(get_db()), query)
    return render_template("categories/page.html", category=category, ancestors=tree.ancestors(category), form=form,
                           products=products, total=total, query=query)


@bp.get("/products/<slug>")
@caching.public
def product_page(slug):
    """One product: pick its options, see that variant's price and stock, add it to the cart.
    Its address is always its slug."""
    is_admin = current_user.is_authenticated and current_user.is_admin
    product = services.product_for_page(ProductRepository(get_db()), slug, include_inactive=is_admin)
    if product.slug != slug:  # an id, or a slug it had before
        return redirect(url_for("products.product_page", slug=product.slug), 301)
    return render_template("products/detail.html", **product_page_context(product))


@bp.app_template_global()
def product_structured_data(product):
    """The product page's JSON-LD, at its absolute address (from SHOP_BASE_URL, never Host)."""
    url = absolute_url("products.product_page", slug=product.slug)
    return structured_data(product.name, product.description, url, product.offers())
