"""`/api/v1/products`, stock adjustments, the ledger and the low-stock report."""
from flask import Blueprint, jsonify, url_for

from .. import caching
from ..api import load_args, load_body, page_response
from ..auth.guards import admin_required, current_api_user, optional_api_user
from ..categories import services as category_services
from ..categories.repository import CategoryRepository
from ..clock import utcnow
from ..db import get_db
from ..dumping import dumper
from ..operations import ADMIN, TOKEN_OPTIONAL, operation
from . import services
from .model import ProductQuery
from .repository import LedgerRepository, ProductRepository
from .schemas import (
    AdjustmentResultSchema, LedgerArgs, LowStockArgs, LowStockItemSchema, MovementSchema, NewVariantSchema,
    ProductCreateSchema, ProductListArgs, ProductSchema, ProductUpdateSchema, StockAdjustmentSchema,
    VariantSchema, VariantUpdateSchema,
)

api_bp = Blueprint("products_api", __name__)

# Schemas hold no per-request state, so each is built once (building one costs more than using it).
PRODUCT_LIST_ARGS = ProductListArgs()
PRODUCT = ProductSchema()
DUMP_PRODUCT = dumper(PRODUCT)  # the same answer as PRODUCT.dump, for the hottest reads
PRODUCT_CREATE = ProductCreateSchema()
PRODUCT_UPDATE = ProductUpdateSchema()
STOCK_ADJUSTMENT = StockAdjustmentSchema()
ADJUSTMENT_RESULT = AdjustmentResultSchema()
MOVEMENT = MovementSchema()
LOW_STOCK_ARGS = LowStockArgs()
LOW_STOCK_ITEM = LowStockItemSchema()
LEDGER_ARGS = LedgerArgs()
VARIANT = VariantSchema()
NEW_VARIANT = NewVariantSchema()
VARIANT_UPDATE = VariantUpdateSchema()


def _seen_by(product, user):
    """Shoppers see the variants on sale; admins every one."""
    return product if user and user.is_admin else product.for_shoppers()


def _repositories():
    db = get_db()
    return ProductRepository(db), LedgerRepository(db)


@api_bp.get("/products")
@operation("List, search, filter and sort products", who=TOKEN_OPTIONAL, args=ProductListArgs, answer=ProductSchema,
           page=True)
@caching.public
def list_products():
    """Active products (admins may ask for inactive ones), searched, filtered, sorted, paged."""
    args = load_args(PRODUCT_LIST_ARGS)
    user = optional_api_user()
    active = True
    if user and user.is_admin:
        active = {"true": True, "false": False, "all": None}.get(args.get("active"), True)
    query = ProductQuery(
        text=args.get("q") or None, active=active, in_stock=args.get("in_stock", False),
        min_price=args.get("min_price"), max_price=args.get("max_price"),
        sort=args["sort"], page=args["page"], per_page=args["per_page"],
        category_ids=category_services.products_filter(CategoryRepository(get_db()), args.get("category")),
    )
    items, total = services.list_products(ProductRepository(get_db()), query)
    return page_response(PRODUCT, [_seen_by(item, user) for item in items], total, query.page, query.per_page,
                         dump=DUMP_PRODUCT)


@api_bp.get("/products/<id:product_id>")
@operation("One product by id or slug", who=TOKEN_OPTIONAL, answer=ProductSchema)
@caching.public
def get_product(product_id):
    """One product by id or slug; inactive ones only for admins."""
    user = optional_api_user()
    product = services.get_product(
        ProductRepository(get_db()), product_id, include_inactive=bool(user and user.is_admin)
    )
    return jsonify(DUMP_PRODUCT(_seen_by(product, user)))


@api_bp.post("/products")
@operation("Add a product", who=ADMIN, body=ProductCreateSchema, answer=ProductSchema, status=201, errors=(409,))
@admin_required
def create_product():
    """Add a product; its initial stock is the ledger's first entry."""
    data = load_body(PRODUCT_CREATE)
    product = services.create_product(*_repositories(), data, current_api_user().id, utcnow(),
                                      categories=CategoryRepository(get_db()))
    location = url_for("products_api.get_product", product_id=product.id)
    return PRODUCT.dump(product), 201, {"Location": location}


@api_bp.patch("/products/<id:product_id>")
@operation("Change a product (never its stock)", who=ADMIN, body=ProductUpdateSchema, answer=ProductSchema,
           errors=(409,))
@admin_required
def update_product(product_id):
    """Change name, description, price, active, slug or categories (never stock)."""
    changes = load_body(PRODUCT_UPDATE)
    product = services.update_product(ProductRepository(get_db()), product_id, changes, utcnow(),
                                      categories=CategoryRepository(get_db()), actor_id=current_api_user().id)
    return jsonify(PRODUCT.dump(product))


@api_bp.delete("/products/<id:product_id>")
@operation("Archive a product", who=ADMIN, status=204)
@admin_required
def archive_product(product_id):
    """Archive (deactivate) a product; orders keep their copy of it."""
    services.archive_product(ProductRepository(get_db()), product_id, utcnow(), actor_id=current_api_user().id)
    return "", 204


@api_bp.post("/products/<id:product_id>/stock-adjustments")
@operation("Adjust stock with a reason", who=ADMIN, body=StockAdjustmentSchema, answer=AdjustmentResultSchema,
           status=201, errors=(409,))
@admin_required
def adjust_stock(product_id):
    """Restock, correct, write off or take back units of a variant, with a reason."""
    data = load_body(STOCK_ADJUSTMENT)
    movement, product = services.adjust_stock(
        *_repositories(), product_id, data.get("variant_id"), data["delta"], data["reason"], data["note"],
        current_api_user().id, utcnow(),
    )
    return ADJUSTMENT_RESULT.dump({"movement": movement, "product": product}), 201


@api_bp.get("/products/<id:product_id>/stock-movements")
@operation("The stock ledger of a product's variants (or one), newest first", who=ADMIN, args=LedgerArgs,
           answer=MovementSchema, page=True)
@admin_required
def stock_movements(product_id):
    """The ledger of a product's variants (or of one), newest first."""
    args = load_args(LEDGER_ARGS)
    items, total = services.movements(*_repositories(), product_id, args.get("variant_id"), args["page"],
                                      args["per_page"])
    return page_response(MOVEMENT, items, total, args["page"], args["per_page"])


@api_bp.get("/inventory/low-stock")
@operation("Variants on sale at or under a stock threshold", who=ADMIN, args=LowStockArgs, answer=LowStockItemSchema,
           page=True)
@admin_required
def low_stock():
    """Variants on sale at or under `threshold` units, lowest first."""
    args = load_args(LOW_STOCK_ARGS)
    items, total = services.low_stock(ProductRepository(get_db()), args["threshold"], args["page"], args["per_page"])
    rows = [{"product_id": product.id, "variant_id": variant.id, "sku": variant.sku, "name": product.name,
             "options": variant.options, "stock": variant.stock} for product, variant in items]
    return page_response(LOW_STOCK_ITEM, rows, total, args["page"], args["per_page"])


@api_bp.post("/products/<id:product_id>/variants")
@operation("Add a variant (a new combination of the options)", who=ADMIN, body=NewVariantSchema, answer=VariantSchema,
           status=201, errors=(409,))
@admin_required
def add_variant(product_id):
    """Add a variant: one new combination of the product's options, with its own SKU and stock."""
    data = load_body(NEW_VARIANT)
    variant = services.add_variant(*_repositories(), product_id, data, current_api_user().id, utcnow())
    return VARIANT.dump(variant), 201


@api_bp.patch("/products/<id:product_id>/variants/<id:variant_id>")
@operation("Change a variant's SKU, price or sale (never its stock)", who=ADMIN, body=VariantUpdateSchema,
           answer=VariantSchema, errors=(409,))
@admin_required
def update_variant(product_id, variant_id):
    """Change a variant's price, SKU or whether it is on sale (never its stock)."""
    changes = load_body(VARIANT_UPDATE)
    variant = services.update_variant(ProductRepository(get_db()), product_id, variant_id, changes, utcnow())
    return jsonify(VARIANT.dump(variant))


@api_bp.delete("/products/<id:product_id>/variants/<id:variant_id>")
@operation("Archive a variant", who=ADMIN, status=204)
@admin_required
def archive_variant(product_id, variant_id):
    """Archive a variant: off sale, its stock and ledger kept; orders keep their copy."""
    services.archive_variant(ProductRepository(get_db()), product_id, variant_id, utcnow())
    return "", 204
