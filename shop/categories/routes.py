"""Categories in the browser: every category, as a tree of links. Each category's page lists
products, so it is the catalogue's (products.routes.category_page)."""
from flask import Blueprint, render_template

from .. import caching
from ..db import get_db
from . import services
from .repository import CategoryRepository

bp = Blueprint("categories", __name__)


@bp.get("/categories")
@caching.public
def all_categories():
    """Every category, as a tree of links."""
    return render_template("categories/index.html", tree=services.tree(CategoryRepository(get_db())))
