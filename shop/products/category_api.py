"""`/api/v1/categories`: the tree for anyone; creating, changing and deleting for admins.

Here, above the categories, because a change to the tree may finish a delete, and a delete
takes the category off every product: categories know nothing of products, so these views
hand the category use cases the products' repository.
"""
from flask import Blueprint, jsonify, url_for

from .. import caching
from ..api import load_body
from ..auth.guards import admin_required
from ..categories import services
from ..categories.repository import CategoryRepository
from ..categories.schemas import CategoryCreateSchema, CategorySchema, CategoryUpdateSchema
from ..clock import utcnow
from ..db import get_db
from ..operations import ADMIN, operation
from .repository import ProductRepository

api_bp = Blueprint("categories_api", __name__)

CATEGORY = CategorySchema()
CATEGORY_CREATE = CategoryCreateSchema()
CATEGORY_UPDATE = CategoryUpdateSchema()


def _repositories():
    db = get_db()
    return CategoryRepository(db), ProductRepository(db)


@api_bp.get("/categories")
@operation("Every category, as a tree of top-level categories with their subcategories", answer=CategorySchema,
           many="CategoryTree")
@caching.public
def list_categories():
    """Every category, as a tree: the top-level ones, each with its subcategories."""
    return jsonify(CATEGORY.dump(services.tree(CategoryRepository(get_db())).roots, many=True))


@api_bp.get("/categories/<id:category_id>")
@operation("One category by id or slug, with its subcategories", answer=CategorySchema)
@caching.public
def get_category(category_id):
    """One category by id or slug, with its subcategories."""
    category, _ = services.get_category(CategoryRepository(get_db()), category_id)
    return jsonify(CATEGORY.dump(category))


@api_bp.post("/categories")
@operation("Add a category (at the top, or under a parent)", who=ADMIN, body=CategoryCreateSchema,
           answer=CategorySchema, status=201, errors=(409,))
@admin_required
def create_category():
    """Add a category, at the top or under a parent."""
    data = load_body(CATEGORY_CREATE)
    category = services.create_category(*_repositories(), data, utcnow())
    location = url_for("categories_api.get_category", category_id=category.id)
    return CATEGORY.dump(category), 201, {"Location": location}


@api_bp.patch("/categories/<id:category_id>")
@operation("Rename, re-slug, describe or move a category", who=ADMIN, body=CategoryUpdateSchema, answer=CategorySchema,
           errors=(409,))
@admin_required
def update_category(category_id):
    """Rename, re-slug, re-describe or move a category."""
    changes = load_body(CATEGORY_UPDATE)
    category = services.update_category(*_repositories(), category_id, changes, utcnow())
    return jsonify(CATEGORY.dump(category))


@api_bp.delete("/categories/<id:category_id>")
@operation("Delete a category with no subcategories and no products (it is gone: 404 after)", who=ADMIN, status=204,
           errors=(409,))
@admin_required
def delete_category(category_id):
    """Delete a category that has no subcategories and no products."""
    services.delete_category(*_repositories(), category_id, utcnow())
    return "", 204
