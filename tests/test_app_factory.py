"""The application factory, shop/app.py's `create_app`: the app it builds has the settings it
was given over the environment's, every blueprint with its pages and API where they belong, the
store it was handed with its indexes made, and nothing written in that store."""
from shop import db as shop_db
from shop.app import API_PREFIX, create_app
from tests.conftest import TEST_SETTINGS

API_BLUEPRINTS = {"auth_api", "products_api", "categories_api", "images_api", "orders_api", "shipping_api",
                  "taxes_api", "discounts_api", "addresses_api", "openapi"}
PAGE_BLUEPRINTS = {"site", "auth", "products", "categories", "cart", "orders", "addresses", "admin", "health",
                   "media"}


def rules_of(app, blueprint):
    return [rule.rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith(blueprint + ".")]


def test_the_settings_given_win_over_the_environment_and_the_others_come_from_it(monkeypatch):
    monkeypatch.setenv("ORDER_PAYMENT_TTL_MINUTES", "12")
    monkeypatch.setenv("TOKEN_TTL_DAYS", "3")

    app = create_app(dict(TEST_SETTINGS, ORDER_PAYMENT_TTL_MINUTES=45))

    assert app.config["ORDER_PAYMENT_TTL_MINUTES"] == 45
    assert app.config["TOKEN_TTL_DAYS"] == 3
    assert app.testing and app.config["SECRET_KEY"] == "test-secret"
    assert app.extensions["mail_backend"].sent == []  # MAIL_BACKEND "memory", as asked


def test_every_blueprint_is_registered_the_api_under_its_prefix_and_the_pages_outside_it():
    app = create_app(TEST_SETTINGS)

    assert set(app.blueprints) == API_BLUEPRINTS | PAGE_BLUEPRINTS
    for blueprint in API_BLUEPRINTS:
        assert rules_of(app, blueprint), blueprint
        assert all(rule.startswith(API_PREFIX + "/") for rule in rules_of(app, blueprint)), blueprint
    for blueprint in PAGE_BLUEPRINTS:
        assert rules_of(app, blueprint), blueprint
        assert not any(rule.startswith(API_PREFIX) for rule in rules_of(app, blueprint)), blueprint


def test_the_app_serves_its_pages_and_its_api_as_built():
    client = create_app(TEST_SETTINGS).test_client()

    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 200
    assert client.get(API_PREFIX + "/products").get_json()["items"] == []


def test_the_app_uses_the_store_it_is_handed_makes_its_indexes_and_writes_no_document():
    client = shop_db.connect(TEST_SETTINGS["MONGO_URI"])

    app = create_app(TEST_SETTINGS, mongo_client=client)

    db = app.extensions["mongo_db"]
    assert app.extensions["mongo_client"] is client
    assert any(len(db[name].index_information()) > 1 for name in db.list_collection_names())
    assert {name: db[name].count_documents({}) for name in db.list_collection_names()} == dict.fromkeys(
        db.list_collection_names(), 0)
