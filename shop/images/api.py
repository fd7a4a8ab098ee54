"""`/api/v1/products/<id>/images`: upload (multipart), describe or move, remove."""
from flask import Blueprint, jsonify, request

from ..api import UnsupportedMediaType, load_body
from ..auth.guards import admin_required
from ..clock import utcnow
from ..db import get_db
from ..errors import InvalidInput
from ..input_rules import upload_limit
from ..operations import ADMIN, operation
from . import services
from .model import FORM_OVERHEAD, MAX_BYTES
from .repository import ImageRepository
from ..products.schemas import ImageSchema
from .schemas import ImageUpdateSchema, ImageUploadSchema

api_bp = Blueprint("images_api", __name__)

IMAGE = ImageSchema()
IMAGE_UPLOAD = ImageUploadSchema()
IMAGE_UPDATE = ImageUpdateSchema()


NOT_MULTIPART = "Send the image as multipart/form-data, in a field `file`."


def upload_fields():
    """The upload's file bytes and its valid text fields, or the contract's 415/422."""
    if request.mimetype != "multipart/form-data":
        raise UnsupportedMediaType(NOT_MULTIPART)
    form = request.form.to_dict()
    # A `file` part sent without a file name arrives as text: its bytes are judged all the same.
    typed = form.pop("file", None)
    data = IMAGE_UPLOAD.load(form)
    upload = request.files.get("file")
    if upload is not None:
        return upload.read(MAX_BYTES + 1), data
    if typed is not None:
        return typed.encode("utf-8"), data
    raise InvalidInput({"file": ["Choose an image file (JPEG, PNG or WebP) to upload."]})


@api_bp.post("/products/<id:product_id>/images")
@operation("Upload an image (JPEG, PNG or WebP, up to 10 MiB)", who=ADMIN, upload=ImageUploadSchema,
           answer=ImageSchema, status=201, errors=(409,))
@upload_limit(MAX_BYTES + FORM_OVERHEAD)
@admin_required
def add_image(product_id):
    """Upload an image: decoded, cleaned of its metadata, stored at every width it is served at."""
    data, fields = upload_fields()
    image = services.add_image(ImageRepository(get_db()), product_id, data, fields["alt"], fields.get("variant_id"),
                               fields.get("position"), utcnow())
    return IMAGE.dump(image), 201


@api_bp.patch("/products/<id:product_id>/images/<id:image_id>")
@operation("Change an image's alt text or position", who=ADMIN, body=ImageUpdateSchema, answer=ImageSchema,
           errors=(409,))
@admin_required
def update_image(product_id, image_id):
    """Change an image's alt text or its position in the product's list."""
    changes = load_body(IMAGE_UPDATE)
    image = services.update_image(ImageRepository(get_db()), product_id, image_id, changes)
    return jsonify(IMAGE.dump(image))


@api_bp.delete("/products/<id:product_id>/images/<id:image_id>")
@operation("Remove an image and its files", who=ADMIN, status=204, errors=(409,))
@admin_required
def delete_image(product_id, image_id):
    """Remove an image and its files: its URLs answer 404 from then on."""
    services.delete_image(ImageRepository(get_db()), product_id, image_id)
    return "", 204
