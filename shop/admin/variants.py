"""Back-office variants: each combination of a product's options, its SKU, price and sale."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..clock import utcnow
from ..db import get_db
from ..errors import Conflict, InvalidInput
from ..forms import ActionForm, keeps_typed_input
from ..money import format_amount
from ..products import services
from ..products.forms import NewVariantForm, VariantEditForm
from ..products.repository import LedgerRepository, ProductRepository
from ..products.schemas import NewVariantSchema, VariantUpdateSchema
from .routes import bp
from .confirmations import two_steps


@bp.route("/products/<id:product_id>/variants", methods=["GET", "POST"])
@keeps_typed_input
def variants(product_id):
    """Every variant of a product (on sale or archived), and a form to add a combination."""
    products = ProductRepository(get_db())
    product = services.get_product(products, product_id, include_inactive=True)
    form = NewVariantForm.for_product(product, formdata=request.form if request.method == "POST" else None)
    if form.validate_on_submit() and (data := form.load(NewVariantSchema(), form.schema_data())):
        try:
            variant = services.add_variant(products, LedgerRepository(get_db()), product_id, data, current_user.id,
                                           utcnow())
        except (Conflict, InvalidInput) as error:
            form.show_error(error)
        else:
            flash(f"Variant {variant.sku} is added.", "success")
            return redirect(url_for("admin.variants", product_id=product_id))
    return _page(product, form), form.status()


@bp.post("/products/<id:product_id>/variants/<id:variant_id>")
@keeps_typed_input
def update_variant(product_id, variant_id):
    """Change a variant's SKU, price or whether it is on sale."""
    products = ProductRepository(get_db())
    product, variant = services.get_variant(products, product_id, variant_id)
    form = VariantEditForm()
    if form.validate_on_submit() and (changes := form.load(VariantUpdateSchema(), form.schema_data())):
        try:
            variant = services.update_variant(products, product_id, variant_id, changes, utcnow())
        except Conflict as error:
            form.show_error(error)
        else:
            flash(f"Variant {variant.sku} is saved.", "success")
            return redirect(url_for("admin.variants", product_id=product_id))
    return _page(product, edited={variant.id: form}), form.status()


@bp.route("/products/<id:product_id>/variants/<id:variant_id>/archive", methods=["GET", "POST"])
def archive_variant(product_id, variant_id):
    """Take a variant off sale, after a step saying what will happen; its stock and ledger
    stay, orders keep their copy."""
    product, variant = services.get_variant(ProductRepository(get_db()), product_id, variant_id)
    listing = url_for("admin.variants", product_id=product.id)

    def archive():
        archived = services.archive_variant(ProductRepository(get_db()), product.id, variant.id, utcnow())
        flash(f"Variant {archived.sku} is archived.", "info")
        return listing

    return two_steps("admin/archive_variant.html", archive, "Yes, archive", listing, product=product,
                     variant=variant)


@bp.post("/products/<id:product_id>/variants/<id:variant_id>/on-sale")
def restore_variant(product_id, variant_id):
    """Put an archived variant back on sale (nothing to confirm: it can be archived again)."""
    if ActionForm().validate_on_submit():
        variant = services.update_variant(ProductRepository(get_db()), product_id, variant_id, {"active": True},
                                          utcnow())
        flash(f"Variant {variant.sku} is on sale again.", "success")
    return redirect(url_for("admin.variants", product_id=product_id))


def _page(product, form=None, edited=None):
    forms = {v.id: VariantEditForm(formdata=None, sku=v.sku, price=format_amount(v.price), active=v.active)
             for v in product.variants}
    forms.update(edited or {})
    for variant_id, row_form in forms.items():
        row_form.of_row(variant_id)
    return render_template("admin/variants.html", product=product, forms=forms,
                           form=form or NewVariantForm.for_product(product, formdata=None))
