"""The shop's application factory: a table of contents, no routes and no queries."""
import logging
import secrets

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import caching, db, input_rules, security, sessions, urls
from .config import Config
from .errors import register_error_handlers
from .extensions import csrf, login_manager
from .products.migration import give_products_variants
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
    bootstrap_data(app)
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
    migrated = give_products_variants(app.extensions["mongo_db"])
    if migrated:
        log.warning("Gave %d v1 product(s) their default variant and ledger.", migrated)


def register_blueprints(app):
    from . import health, images
    from .addresses import api_bp as addresses_api
    from .auth import api_bp as auth_api
    from .categories import api_bp as categories_api
    from .discounts import api_bp as discounts_api
    from .orders import api_bp as orders_api
    from .products import api_bp as products_api
    from .openapi import bp as openapi_bp
    from .shipping import api_bp as shipping_api
    from .taxes import api_bp as taxes_api

    images_api, media, images_admin = images.routes()
    for blueprint in (auth_api, products_api, categories_api, images_api, orders_api, shipping_api, taxes_api,
                      discounts_api, addresses_api, openapi_bp):
        app.register_blueprint(blueprint, url_prefix=API_PREFIX)
        csrf.exempt(blueprint)  # the API takes bearer tokens only, never the session cookie
    app.register_blueprint(health.bp)
    app.register_blueprint(media)
    # The HTML site: session log-in, and a CSRF token on every form (never exempt).
    from . import admin
    from .addresses import routes as address_pages
    from .auth import routes as auth_pages, session  # noqa: F401  (session sets up Flask-Login)
    from .cart import routes as cart_pages
    from .categories import routes as category_pages
    from .orders import routes as order_pages
    from .products import routes as product_pages
    from .site import routes as site_pages

    for pages in (site_pages, auth_pages, product_pages, category_pages, cart_pages, order_pages, address_pages,
                  admin):
        app.register_blueprint(pages.bp)
    app.register_blueprint(images_admin)


def register_commands(app):
    from .cli import register

    register(app)


def bootstrap_data(app):
    """The admin account from the environment, the products' search fields, and the demo
    catalogue on the embedded store."""
    from .bootstrap import backfill_search_fields, create_admin_from_env, seed_demo_catalog

    with app.app_context():
        create_admin_from_env(app)
        backfill_search_fields(app)
        if wants_demo_catalog(app):
            seed_demo_catalog(app)


def wants_demo_catalog(app):
    """`DEMO_CATALOG` unset seeds only the embedded store; set to true, any empty store."""
    demo = app.config["DEMO_CATALOG"]
    return demo if demo is not None else db.is_embedded(app.extensions["mongo_client"])
