"""`/api/v1/tax-rates` through the JSON API: one rate per country, for admins."""
import pytest

from tests.conftest import assert_error

RATE_FIELDS = {"id", "country", "rate_bp", "created_at", "updated_at"}


@pytest.fixture
def add_rate(admin):
    def make(country="DE", rate_bp=1900):
        response = admin.post("/tax-rates", json={"country": country, "rate_bp": rate_bp})
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return make


def test_an_admin_adds_a_countrys_rate_and_reads_it_back(admin):
    response = admin.post("/tax-rates", json={"country": " de ", "rate_bp": 1900})

    rate = response.get_json()
    assert response.status_code == 201 and set(rate) == RATE_FIELDS
    assert (rate["country"], rate["rate_bp"]) == ("DE", 1900)
    assert response.headers["Location"] == f"/api/v1/tax-rates/{rate['id']}"
    assert admin.get(f"/tax-rates/{rate['id']}").get_json() == rate


@pytest.mark.parametrize("rate_bp", [0, 10000])
def test_a_rate_may_be_anything_from_0_to_10000_basis_points(add_rate, rate_bp):
    assert add_rate(rate_bp=rate_bp)["rate_bp"] == rate_bp


@pytest.mark.parametrize("body, field", [
    ({"rate_bp": 1900}, "country"), ({"country": "DE"}, "rate_bp"), ({"country": "XX", "rate_bp": 1}, "country"),
    ({"country": "*", "rate_bp": 1}, "country"), ({"country": "DE", "rate_bp": -1}, "rate_bp"),
    ({"country": "DE", "rate_bp": 10001}, "rate_bp"), ({"country": "DE", "rate_bp": 19.5}, "rate_bp"),
    ({"country": "DE", "rate_bp": "1900"}, "rate_bp"), ({"country": "DE", "rate_bp": True}, "rate_bp"),
    ({"country": "DE", "rate_bp": 1, "region": "BY"}, "region"),
])
def test_a_bad_rate_is_refused_naming_its_field(admin, db, body, field):
    details = assert_error(admin.post("/tax-rates", json=body), 422, "validation_error")

    assert field in details and details[field][0].endswith(".")
    assert db.tax_rates.count_documents({}) == 0


def test_a_second_rate_for_a_country_is_a_conflict_on_create_and_on_change(admin, add_rate):
    add_rate("DE")
    france = add_rate("FR", 2000)

    assert "country" in assert_error(admin.post("/tax-rates", json={"country": "de", "rate_bp": 700}), 409, "conflict")
    assert "country" in assert_error(admin.patch(f"/tax-rates/{france['id']}", json={"country": "DE"}), 409, "conflict")
    assert admin.get(f"/tax-rates/{france['id']}").get_json()["country"] == "FR"


def test_two_admins_adding_a_rate_for_one_country_at_once_make_one(app, admin, db):
    from tests.racing import race

    def add(rate_bp):
        client = app.test_client()
        return lambda: client.post("/api/v1/tax-rates", json={"country": "NL", "rate_bp": rate_bp},
                                   headers=admin.headers()).status_code

    for round_ in range(3):
        db.tax_rates.delete_many({})
        statuses = sorted(race([add(2100 + n) for n in range(6)]))

        assert statuses == [201] + [409] * 5, statuses
        assert db.tax_rates.count_documents({"country": "NL"}) == 1


def test_only_admins_read_and_change_rates(shopper, anonymous, add_rate):
    rate = add_rate()

    for api, status, code in ((shopper, 403, "forbidden"), (anonymous, 401, "unauthorized")):
        assert_error(api.get("/tax-rates"), status, code)
        assert_error(api.get(f"/tax-rates/{rate['id']}"), status, code)
        assert_error(api.post("/tax-rates", json={"country": "FR", "rate_bp": 1}), status, code)
        assert_error(api.patch(f"/tax-rates/{rate['id']}", json={"rate_bp": 1}), status, code)
        assert_error(api.delete(f"/tax-rates/{rate['id']}"), status, code)


def test_rates_are_listed_by_country_in_pages(admin, add_rate):
    for country in ("FR", "AT", "DE"):
        add_rate(country)

    first = admin.get("/tax-rates?per_page=2").get_json()

    assert [r["country"] for r in first["items"]] == ["AT", "DE"]
    assert (first["page"], first["per_page"], first["total"]) == (1, 2, 3)


def test_a_patch_changes_the_rate_and_a_delete_leaves_the_country_at_zero(app, admin, add_rate):
    from shop.taxes.repository import TaxRateRepository

    rate = add_rate("DE", 1900)
    rates = TaxRateRepository(app.extensions["mongo_db"])

    changed = admin.patch(f"/tax-rates/{rate['id']}", json={"rate_bp": 700})

    assert changed.status_code == 200 and changed.get_json()["rate_bp"] == 700
    assert changed.get_json()["country"] == "DE" and rates.rate_for("DE") == 700
    assert "rate_bp" in assert_error(admin.patch(f"/tax-rates/{rate['id']}", json={"rate_bp": 10001}), 422,
                                     "validation_error")
    assert admin.delete(f"/tax-rates/{rate['id']}").status_code == 204
    assert rates.rate_for("DE") == 0 and rates.rate_for("US") == 0
    assert_error(admin.get(f"/tax-rates/{rate['id']}"), 404, "not_found")
    assert_error(admin.patch(f"/tax-rates/{rate['id']}", json={"rate_bp": 1}), 404, "not_found")
    assert_error(admin.delete(f"/tax-rates/{rate['id']}"), 404, "not_found")
