"""Back-office images of a product: upload, describe, reorder, delete (in two steps)."""
from flask import flash, redirect, render_template, request, url_for

from ..clock import utcnow
from ..db import get_db
from ..errors import NotFound, ShopError
from ..forms import keeps_typed_input
from ..input_rules import upload_limit
from ..products import services as product_services
from ..products.repository import ProductRepository
from ..images import services
from ..images.forms import ImageEditForm, ImageUploadForm
from ..images.model import FORM_OVERHEAD, MAX_BYTES
from ..images.repository import ImageRepository
from ..images.schemas import ImageUpdateSchema, ImageUploadSchema
from ..products.images import find
from .confirmations import two_steps
from .routes import bp


@bp.route("/products/<id:product_id>/images", methods=["GET", "POST"])
@upload_limit(MAX_BYTES + FORM_OVERHEAD)
@keeps_typed_input
def images(product_id):
    """The product's images in order, and a form to upload one."""
    product = product_services.get_product(ProductRepository(get_db()), product_id, include_inactive=True)
    form = ImageUploadForm()
    if form.validate_on_submit() and (data := form.load(ImageUploadSchema(), form.schema_data())):
        if form.file.data is None:
            form.file.errors = ["Choose an image file (JPEG, PNG or WebP) to upload."]
        else:
            try:
                services.add_image(ImageRepository(get_db()), product.id, form.file.data.read(MAX_BYTES + 1),
                                   data["alt"], None, data.get("position"), utcnow())
            except ShopError as error:
                form.show_error(error)
            else:
                flash("The image is added.", "success")
                return redirect(url_for("admin.images", product_id=product.id))
    return render_template("admin/images.html", product=product, form=form), form.status()


@bp.route("/products/<id:product_id>/images/<id:image_id>", methods=["GET", "POST"])
@keeps_typed_input
def edit_image(product_id, image_id):
    """Change an image's alt text or its place in the list."""
    repository = ImageRepository(get_db())
    product, image = _product_and_image(product_id, image_id)
    form = ImageEditForm(formdata=None, alt=image.alt, position=str(image.position)) \
        if request.method == "GET" else ImageEditForm()
    if form.validate_on_submit() and (changes := form.load(ImageUpdateSchema(), form.schema_data())) is not None:
        try:
            services.update_image(repository, product.id, image_id, changes)
        except ShopError as error:
            form.show_error(error)
        else:
            flash("The image is saved.", "success")
            return redirect(url_for("admin.images", product_id=product.id))
    return render_template("admin/image_form.html", product=product, image=image, form=form), form.status()


@bp.route("/products/<id:product_id>/images/<id:image_id>/delete", methods=["GET", "POST"])
def delete_image(product_id, image_id):
    """Remove an image and its files, after a step that shows it and says what will happen."""
    product, image = _product_and_image(product_id, image_id)

    def delete():
        services.delete_image(ImageRepository(get_db()), product.id, image_id)
        flash("The image is deleted.", "info")
        return url_for("admin.images", product_id=product.id)

    return two_steps("admin/delete_image.html", delete, "Yes, delete",
                     url_for("admin.images", product_id=product.id), product=product, image=image)


def _product_and_image(product_id, image_id):
    product = product_services.get_product(ProductRepository(get_db()), product_id, include_inactive=True)
    image = find(product.images, image_id)
    if image is None:
        raise NotFound("No such image.")
    return product, image
