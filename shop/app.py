"""The shop's application factory: a table of contents, no routes and no queries.

`create_app` builds an app on a store and makes the store's indexes; it writes no data.
What an app starts with (migrations, the admin from the environment, the demo catalogue)
is shop/bootstrap.py's `prepare`, run by the entry point (wsgi.py) or `flask --app shop.app
prepare`, so that importing a model or building an app for a test starts nothing else.
"""
import logging
import secrets

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import caching, db, input_rules, security, sessions, urls
from .config import Config
from .error_pages import register_error_handlers
from .extensions import csrf, login_manager
from .ids import IdConverter, ObjectIdConverter
from .mail import make_backend

log = logging.getLogger(__name__)
API_PREFIX = "/api/v1"


def create_app(config=None, mongo_client=None):
    """Build an app. `config` overrides settings from the environment;
    `mongo_client` replaces the client that `MONGO_URI` would pick."""
    app = Flask(__name__, template_folder="../templates", static_folder="../static")
    app.config.update(Config().as_dict())
    app.config.update(config or {})
    configure_secret_key(app)
    sessions.register(app)
    urls.register(app)
    register_extensions(app)
    register_database(app, mongo_client)
    app.url_map.converters["id"] = IdConverter
    app.url_map.converters["oid"] = ObjectIdConverter
    register_blueprints(app)
    register_error_handlers(app)
    input_rules.register(app)
    security.register(app)
    caching.register(app)
    register_commands(app)
    trust_proxies(app)
    return app


def trust_proxies(app):
    """Behind `TRUSTED_PROXIES` proxies, the client's address is the one the outermost of
    them saw (that many entries from the right of X-Forwarded-For); with none, the
    header is ignored, since any client can send it. This is the one place that reads it:
    under waitress, config.waitress_options only lets the header through."""
    if app.config["TRUSTED_PROXIES"] > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["TRUSTED_PROXIES"], x_proto=0, x_host=0,
                                x_port=0, x_prefix=0)


def configure_secret_key(app):
    if app.config.get("SECRET_KEY"):
        return
    if app.config["SHOP_ENV"] == "production":
        raise RuntimeError("SECRET_KEY must be set when SHOP_ENV=production.")
    app.config["SECRET_KEY"] = secrets.token_hex(32)
    log.warning("No SECRET_KEY set: using a random one, so sessions end when the process does.")


def register_extensions(app):
    login_manager.init_app(app)
    csrf.init_app(app)
    app.extensions["mail_backend"] = make_backend(app.config)


def register_database(app, mongo_client):
    client = mongo_client or db.connect(
        app.config["MONGO_URI"], app.config["MONGO_TIMEOUT_SECONDS"], app.config["MONGO_MAX_POOL_SIZE"]
    )
    db.init_app(app, client)
    db.ensure_indexes(app.extensions["mongo_db"])


def register_blueprints(app):
    """Each blueprint from the module that holds its routes. The API takes bearer tokens only,
    never the session cookie, so it is exempt from CSRF; the HTML site never is."""
    from . import health, openapi
    from .addresses import api as addresses_api
    from .auth import api as auth_api
    from .discounts import api as discounts_api
    from .images import api as images_api, media
    from .orders import api as orders_api
    from .products import api as products_api, category_api as categories_api
    from .shipping import api as shipping_api
    from .taxes import api as taxes_api

    for blueprint in (auth_api.api_bp, products_api.api_bp, categories_api.api_bp, images_api.api_bp,
                      orders_api.api_bp, shipping_api.api_bp, taxes_api.api_bp, discounts_api.api_bp,
                      addresses_api.api_bp, openapi.bp):
        app.register_blueprint(blueprint, url_prefix=API_PREFIX)
        csrf.exempt(blueprint)
    app.register_blueprint(health.bp)
    app.register_blueprint(media.media_bp)
    register_pages(app)


def register_pages(app):
    from .addresses import routes as address_pages
    from .admin import routes as admin_pages
    # The back office's pages, all on admin_pages.bp, each room adding its own on import.
    from .admin import categories, checkout_settings, csv_pages, customers, images  # noqa: F401
    from .admin import orders, products, refunds, variants  # noqa: F401
    from .auth import routes as auth_pages, session  # noqa: F401  (session sets up Flask-Login)
    from .cart import routes as cart_pages
    from .categories import routes as category_pages
    from .orders import routes as order_pages
    from .products import routes as product_pages
    from .site import routes as site_pages

    for pages in (site_pages, auth_pages, product_pages, category_pages, cart_pages, order_pages, address_pages,
                  admin_pages):
        app.register_blueprint(pages.bp)


def register_commands(app):
    from .cli import register

    register(app)
