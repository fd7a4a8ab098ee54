"""Product images: upload, order and describe them (API and back office), served under /media/."""
from flask import Blueprint

api_bp = Blueprint("images_api", __name__)
media_bp = Blueprint("media", __name__)
admin_bp = Blueprint("admin_images", __name__, url_prefix="/admin")



def routes():
    """The blueprints with their routes (imported here, late: the products package, which
    the routes use, reads images from its documents through this package's repository)."""
    from . import admin, api, media  # noqa: F401

    return api_bp, media_bp, admin_bp
