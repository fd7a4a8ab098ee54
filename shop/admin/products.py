"""Back-office products: list, new, edit, archive, adjust stock, the ledger."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..clock import utcnow
from ..db import get_db
from ..categories import services as category_services
from ..categories.forms import indented
from ..categories.repository import CategoryRepository
from ..errors import Conflict, InvalidInput, OutOfStock
from ..fields import PageArgs
from ..forms import ConfirmForm, keeps_typed_input, page_args
from ..money import format_amount
from ..products import services
from ..products.forms import CatalogSearchForm, ProductCreateForm, ProductEditForm, StockAdjustmentForm, options_text
from ..products.repository import LedgerRepository, ProductRepository
from ..products.schemas import ArchiveSchema, ProductCreateSchema, ProductUpdateSchema, StockAdjustmentSchema
from .routes import bp

PER_PAGE = 25


def _repositories():
    db = get_db()
    return ProductRepository(db), LedgerRepository(db)


@bp.get("/products")
def products():
    """Every product, on sale or archived, searchable."""
    form = CatalogSearchForm(formdata=request.args)
    query = form.query(page_args(PageArgs(only=["page"]))["page"], PER_PAGE, active=None)
    items, total = services.list_products(ProductRepository(get_db()), query)
    return render_template("admin/products.html", form=form, products=items, total=total, query=query)


@bp.route("/products/new", methods=["GET", "POST"])
@keeps_typed_input
def new_product():
    """Add a product; its initial stock is the first entry of its ledger."""
    form = ProductCreateForm(active=True) if request.method == "GET" else ProductCreateForm()
    form.category_ids.choices = _category_choices()
    if form.validate_on_submit() and (data := form.load(ProductCreateSchema(), form.schema_data())):
        try:
            product = services.create_product(*_repositories(), data, current_user.id, utcnow(),
                                              categories=CategoryRepository(get_db()))
        except (Conflict, InvalidInput) as error:
            form.show_error(error)
        else:
            flash(f"{product.name} is added.", "success")
            return redirect(url_for("admin.variants" if product.options else "admin.stock", product_id=product.id))
    return render_template("admin/product_form.html", form=form, product=None), form.status()


@bp.route("/products/<id:product_id>/edit", methods=["GET", "POST"])
@keeps_typed_input
def edit_product(product_id):
    """Change a product's name, slug, description, options, price (with one variant) or
    whether it is on sale."""
    product = services.get_product(ProductRepository(get_db()), product_id, include_inactive=True)
    form = ProductEditForm(formdata=None, **_editable(product)) if request.method == "GET" else ProductEditForm()
    form.for_product(product)
    form.category_ids.choices = _category_choices()
    if form.validate_on_submit() and (changes := form.load(ProductUpdateSchema(), form.schema_data())):
        try:
            product = services.update_product(ProductRepository(get_db()), product_id, changes, utcnow(),
                                              categories=CategoryRepository(get_db()), actor_id=current_user.id)
        except (Conflict, InvalidInput) as error:
            form.show_error(error)
        else:
            flash(f"{product.name} is saved.", "success")
            return redirect(url_for("admin.products"))
    history = services.product_history(ProductRepository(get_db()), product.id)
    return render_template("admin/product_form.html", form=form, product=product, history=history), form.status()


def _editable(product):
    """The product's fields as the form shows them: the price as an amount such as 34.50."""
    return {"name": product.name, "slug": product.slug, "description": product.description,
            "price": format_amount(product.price), "active": product.active, "options": options_text(product.options),
            "category_ids": product.category_ids}


def _category_choices():
    """Every category, in tree order, indented, for the product form's checkboxes."""
    return indented(category_services.tree(CategoryRepository(get_db())).in_order())


@bp.route("/products/<id:product_id>/archive", methods=["GET", "POST"])
@keeps_typed_input
def archive_product(product_id):
    """Take a product off sale, in two steps: what will happen (it leaves the shop, past
    orders keep their copy), an optional reason kept in its history, then yes or keep it."""
    product = services.get_product(ProductRepository(get_db()), product_id, include_inactive=True)
    if not product.active:
        flash(f"{product.name} is archived already.", "info")
        return redirect(url_for("admin.products"))
    form = ConfirmForm() if request.method == "POST" else ConfirmForm(formdata=None)
    if form.validate_on_submit() and (data := form.load(ArchiveSchema(), form.schema_data())) is not None:
        product = services.archive_product(ProductRepository(get_db()), product.id, utcnow(), actor_id=current_user.id,
                                           reason=data.get("reason"))
        flash(f"{product.name} is archived.", "info")
        return redirect(url_for("admin.products"))
    return render_template("admin/archive.html", product=product, form=form, admin=True, yes_label="Yes, archive",
                           action=url_for("admin.archive_product", product_id=product.id),
                           keep_url=url_for("admin.products")), form.status()


@bp.route("/products/<id:product_id>/stock", methods=["GET", "POST"])
@keeps_typed_input
def stock(product_id):
    """The stock ledger of the product's variants, newest first, and a form to adjust a
    variant's stock with a reason."""
    product = services.get_product(ProductRepository(get_db()), product_id, include_inactive=True)
    form = StockAdjustmentForm(variant_id=request.args.get("variant")).for_product(product)
    if form.validate_on_submit() and (data := form.load(StockAdjustmentSchema(), form.schema_data())):
        try:
            services.adjust_stock(*_repositories(), product_id, data.get("variant_id"), data["delta"], data["reason"],
                                  data["note"], current_user.id, utcnow())
        except OutOfStock as error:
            form.delta.errors = [f"Stock cannot go below zero: {error.details['items'][0]['available']} in stock."]
        except InvalidInput as error:
            form.show_error(error)
        else:
            flash("The stock is adjusted.", "success")
            return redirect(url_for("admin.stock", product_id=product_id))
    return _stock_page(product, form)


def _stock_page(product, form):
    page = page_args(PageArgs(only=["page"]))["page"]
    movements, total = services.movements(*_repositories(), product.id, None, page, PER_PAGE)
    return render_template("admin/stock.html", product=product, form=form, movements=movements, total=total,
                           page=page, per_page=PER_PAGE), form.status()
