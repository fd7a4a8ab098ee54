"""create_app builds an app on a store and writes nothing to it; the entry point's preparation
(bootstrap.prepare, also `flask --app shop.app prepare`) gives the store its admin and demo catalogue."""
from shop.app import create_app
from tests.conftest import TEST_SETTINGS


def test_building_an_app_writes_no_data():
    db = create_app({**TEST_SETTINGS, "DEMO_CATALOG": True}).extensions["mongo_db"]

    assert db.users.count_documents({}) == 0 and db.products.count_documents({}) == 0


def test_the_prepare_command_makes_the_admin_and_the_demo_catalogue_once():
    app = create_app({**TEST_SETTINGS, "DEMO_CATALOG": True})
    db = app.extensions["mongo_db"]

    first = app.test_cli_runner().invoke(args=["prepare"])
    seeded = db.products.count_documents({})
    second = app.test_cli_runner().invoke(args=["prepare"])

    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert db.users.find_one({"email": "admin@example.com"})["role"] == "admin"
    assert db.users.count_documents({}) == 1
    assert seeded > 0 and db.products.count_documents({}) == seeded
