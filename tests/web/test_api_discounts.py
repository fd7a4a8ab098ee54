"""`/api/v1/discount-codes` through the JSON API: admins create, read, change and delete
codes; a code is unique ignoring case, and its uses are never written through the API."""
import pytest

from tests.conftest import ADDRESS, assert_error

CODE_FIELDS = {"id", "code", "kind", "value", "currency", "min_subtotal", "starts_at", "ends_at", "max_uses",
               "max_uses_per_customer", "active", "uses", "created_at", "updated_at"}
TEN_PERCENT = {"code": "Summer10", "kind": "percent", "value": 1000}
FIVE_OFF = {"code": "FIVE-OFF", "kind": "fixed", "value": 500, "currency": "EUR"}


@pytest.fixture
def add_code(admin):
    def make(**fields):
        response = admin.post("/discount-codes", json={**TEN_PERCENT, **fields})
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return make


def test_an_admin_adds_a_percent_code_with_defaults_and_reads_it_back(admin, db):
    response = admin.post("/discount-codes", json={**TEN_PERCENT, "code": " Summer10 "})

    code = response.get_json()
    assert response.status_code == 201 and set(code) == CODE_FIELDS
    assert (code["code"], code["kind"], code["value"], code["currency"]) == ("Summer10", "percent", 1000, None)
    assert (code["min_subtotal"], code["starts_at"], code["ends_at"]) == (0, None, None)
    assert (code["max_uses"], code["max_uses_per_customer"], code["active"], code["uses"]) == (None, None, True, 0)
    assert response.headers["Location"] == f"/api/v1/discount-codes/{code['id']}"
    assert admin.get(f"/discount-codes/{code['id']}").get_json() == code
    assert db.discount_codes.find_one()["code_key"] == "summer10"


def test_a_fixed_code_keeps_its_currency_limits_and_dates_in_utc(add_code):
    code = add_code(**FIVE_OFF, min_subtotal=2000, max_uses=5, max_uses_per_customer=1,
                    starts_at="2026-12-24T08:00:00+02:00", ends_at="2027-01-01T00:00:00Z")

    assert (code["kind"], code["value"], code["currency"], code["min_subtotal"]) == ("fixed", 500, "EUR", 2000)
    assert (code["max_uses"], code["max_uses_per_customer"]) == (5, 1)
    assert (code["starts_at"], code["ends_at"]) == ("2026-12-24T06:00:00Z", "2027-01-01T00:00:00Z")


@pytest.mark.parametrize("body, field", [
    ({"code": ""}, "code"), ({"code": "   "}, "code"), ({"code": "TEN OFF"}, "code"), ({"code": "x" * 51}, "code"),
    ({"code": "-TEN"}, "code"), ({"kind": "bogo"}, "kind"), ({"value": 0}, "value"), ({"value": 10001}, "value"),
    ({"value": 12.5}, "value"), ({"currency": "EUR"}, "currency"), ({"kind": "fixed"}, "currency"),
    ({"kind": "fixed", "currency": "XYZ"}, "currency"), ({"kind": "fixed", "value": -5, "currency": "EUR"}, "value"),
    ({"min_subtotal": -1}, "min_subtotal"), ({"max_uses": 0}, "max_uses"), ({"max_uses": 1.5}, "max_uses"),
    ({"max_uses_per_customer": -1}, "max_uses_per_customer"), ({"starts_at": "2026-12-24T08:00:00"}, "starts_at"),
    ({"ends_at": "tomorrow"}, "ends_at"),
    ({"starts_at": "2027-01-01T00:00:00Z", "ends_at": "2026-12-31T00:00:00Z"}, "ends_at"),
    ({"starts_at": "2027-01-01T00:00:00Z", "ends_at": "2027-01-01T01:00:00+01:00"}, "ends_at"),
    ({"uses": 3}, "uses"), ({"uses": 0}, "uses"), ({"active": 1}, "active"), ({"stackable": True}, "stackable"),
])
def test_a_bad_code_is_refused_naming_its_field(admin, db, body, field):
    details = assert_error(admin.post("/discount-codes", json={**TEN_PERCENT, **body}), 422, "validation_error")

    assert field in details and details[field][0].endswith("."), details
    assert db.discount_codes.count_documents({}) == 0


@pytest.mark.parametrize("missing", ["code", "kind", "value"])
def test_a_code_needs_its_text_kind_and_value(admin, missing):
    body = {name: value for name, value in TEN_PERCENT.items() if name != missing}

    assert missing in assert_error(admin.post("/discount-codes", json=body), 422, "validation_error")


def test_a_percent_code_may_take_everything_off(add_code):
    assert add_code(value=10000)["value"] == 10000


def test_a_code_equal_to_another_ignoring_case_is_a_conflict_on_create_and_on_change(admin, add_code):
    add_code(code="Summer10")
    winter = add_code(code="WINTER")

    assert "code" in assert_error(admin.post("/discount-codes", json={**TEN_PERCENT, "code": "SUMMER10"}), 409,
                                  "conflict")
    assert "code" in assert_error(admin.patch(f"/discount-codes/{winter['id']}", json={"code": "summer10"}), 409,
                                  "conflict")
    assert admin.get(f"/discount-codes/{winter['id']}").get_json()["code"] == "WINTER"
    assert admin.patch(f"/discount-codes/{winter['id']}", json={"code": "Winter"}).get_json()["code"] == "Winter"


def test_two_admins_adding_one_code_in_two_cases_at_once_make_one(app, admin, db):
    from tests.racing import race

    def add(text):
        client = app.test_client()
        return lambda: client.post("/api/v1/discount-codes", json={**TEN_PERCENT, "code": text},
                                   headers=admin.headers()).status_code

    for round_ in range(3):
        db.discount_codes.delete_many({})
        statuses = sorted(race([add(text) for text in ("RACE", "race", "Race", "rAcE", "RACE", "raCE")]))

        assert statuses == [201] + [409] * 5, statuses
        assert db.discount_codes.count_documents({}) == 1


def test_only_admins_see_and_change_codes(shopper, anonymous, add_code):
    code = add_code()

    for api, status, error in ((shopper, 403, "forbidden"), (anonymous, 401, "unauthorized")):
        assert_error(api.get("/discount-codes"), status, error)
        assert_error(api.get(f"/discount-codes/{code['id']}"), status, error)
        assert_error(api.post("/discount-codes", json=FIVE_OFF), status, error)
        assert_error(api.patch(f"/discount-codes/{code['id']}", json={"value": 5000}), status, error)
        assert_error(api.delete(f"/discount-codes/{code['id']}"), status, error)


def test_codes_are_listed_newest_first_in_pages(admin, add_code):
    for text in ("FIRST", "SECOND", "THIRD"):
        add_code(code=text)

    first = admin.get("/discount-codes?per_page=2").get_json()
    second = admin.get("/discount-codes?per_page=2&page=2").get_json()

    assert [c["code"] for c in first["items"] + second["items"]] == ["THIRD", "SECOND", "FIRST"]
    assert (first["page"], first["per_page"], first["total"]) == (1, 2, 3)


def test_a_patch_changes_only_what_it_names(admin, add_code):
    code = add_code(max_uses=5, ends_at="2027-01-01T00:00:00Z")

    response = admin.patch(f"/discount-codes/{code['id']}", json={"value": 1500, "max_uses": None, "active": False})

    changed = response.get_json()
    assert response.status_code == 200
    assert (changed["value"], changed["max_uses"], changed["active"]) == (1500, None, False)
    assert (changed["code"], changed["ends_at"], changed["uses"]) == ("Summer10", "2027-01-01T00:00:00Z", 0)
    assert admin.patch(f"/discount-codes/{code['id']}", json={}).get_json()["value"] == 1500


@pytest.mark.parametrize("change, field", [
    ({"value": 10001}, "value"), ({"currency": "EUR"}, "currency"), ({"kind": "fixed"}, "currency"),
    ({"starts_at": "2027-02-01T00:00:00Z"}, "ends_at"), ({"uses": 0}, "uses"), ({"code": "A B"}, "code"),
    ({"ends_at": "2027-01-01"}, "ends_at"),
])
def test_a_patch_is_checked_with_what_is_stored_and_a_refused_one_changes_nothing(admin, add_code, change, field):
    code = add_code(ends_at="2027-01-01T00:00:00Z")

    details = assert_error(admin.patch(f"/discount-codes/{code['id']}", json=change), 422, "validation_error")

    assert field in details
    assert admin.get(f"/discount-codes/{code['id']}").get_json() == code


def test_a_code_changes_kind_with_its_currency(admin, add_code):
    code = add_code()

    fixed = admin.patch(f"/discount-codes/{code['id']}", json={"kind": "fixed", "value": 20000, "currency": "GBP"})
    percent = admin.patch(f"/discount-codes/{code['id']}", json={"kind": "percent", "value": 500})

    assert (fixed.status_code, fixed.get_json()["currency"], fixed.get_json()["value"]) == (200, "GBP", 20000)
    assert (percent.status_code, percent.get_json()["currency"]) == (200, None)


def test_uses_are_the_orders_holding_the_code_never_written_through_the_api(admin, add_code, add_product, shopper):
    code = add_code(max_uses=5)
    clock = add_product("RETRO-CLOCK")
    for _ in range(2):
        placed = shopper.post("/orders", json={"items": [{"product_id": clock["id"], "quantity": 1}],
                                               "shipping_address": ADDRESS, "discount_code": code["code"]})
        assert placed.status_code == 201, placed.get_json()

    changed = admin.patch(f"/discount-codes/{code['id']}", json={"max_uses": 10})

    assert changed.get_json()["uses"] == 2
    assert_error(admin.patch(f"/discount-codes/{code['id']}", json={"uses": 0}), 422, "validation_error")
    assert admin.get(f"/discount-codes/{code['id']}").get_json()["uses"] == 2


def test_a_deleted_code_is_gone(admin, add_code, app):
    from shop.discounts.repository import DiscountCodeRepository

    code = add_code()

    assert admin.delete(f"/discount-codes/{code['id']}").status_code == 204

    assert_error(admin.get(f"/discount-codes/{code['id']}"), 404, "not_found")
    assert_error(admin.delete(f"/discount-codes/{code['id']}"), 404, "not_found")
    assert_error(admin.patch(f"/discount-codes/{code['id']}", json={"value": 1}), 404, "not_found")
    assert DiscountCodeRepository(app.extensions["mongo_db"]).by_code("Summer10") is None


def test_the_repository_finds_a_code_as_a_shopper_types_it(app, add_code):
    from shop.discounts.repository import DiscountCodeRepository
    from shop.pricing import Discount

    code = add_code(code="Summer10", starts_at="2026-06-01T00:00:00+02:00")
    codes = DiscountCodeRepository(app.extensions["mongo_db"])

    found = codes.by_code("  sUMMER10 ")

    assert found.id == code["id"] and found.code == "Summer10" and found.uses == 0
    assert found.starts_at.utcoffset().total_seconds() == 0 and found.starts_at.hour == 22
    assert found.as_pricing() == Discount(code="Summer10", kind="percent", value=1000)
    assert codes.by_code("SUMMER1") is None
