"""Categories in the browser: every category, and each one's products with the catalogue's
search, filters, sorts and pages."""
from flask import Blueprint, redirect, render_template, request, url_for

from .. import caching
from ..db import get_db
from ..fields import PageArgs
from ..forms import page_args
from ..ids import canonical_id
from ..products import services as product_services
from ..products.forms import CatalogSearchForm
from ..products.repository import ProductRepository
from ..products.routes import PER_PAGE
from . import services
from .repository import CategoryRepository

bp = Blueprint("categories", __name__)


@bp.get("/categories")
@caching.public
def all_categories():
    """Every category, as a tree of links."""
    return render_template("categories/index.html", tree=services.tree(CategoryRepository(get_db())))


@bp.get("/categories/<slug>")
@caching.public
def category_page(slug):
    """A category's products and those of the categories below it; its address is always its slug."""
    category, tree = services.get_category(CategoryRepository(get_db()), canonical_id(slug))
    if category.slug != slug:
        return redirect(url_for("categories.category_page", slug=category.slug), 301)
    form = CatalogSearchForm(formdata=request.args)
    query = form.query(page_args(PageArgs(only=["page"]))["page"], PER_PAGE,
                       category_ids=tuple(tree.descendant_ids(category)))
    products, total = product_services.list_products(ProductRepository(get_db()), query)
    return render_template("categories/page.html", category=category, ancestors=tree.ancestors(category), form=form,
                           products=products, total=total, query=query)
