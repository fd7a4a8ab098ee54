"""Accounts over the JSON API: register, tokens, log out, /me, and the admin bootstrap."""
from datetime import datetime, timedelta, timezone

import pytest

from shop import db as shop_db
from shop.auth.services import token_hash
from tests.conftest import PRODUCTION_HASH_PASSWORD, TEST_SETTINGS, Api, assert_error, login_token, started_app

PASSWORD = "correct horse battery"


def register_body(**fields):
    return {"email": "grace@example.com", "password": PASSWORD, "name": "Grace Hopper", **fields}


def parse_time(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# Register -------------------------------------------------------------------


def test_register_creates_a_customer_and_stores_only_a_password_hash(anonymous, db):
    response = anonymous.post("/auth/register", json=register_body(email="Grace@Example.com"))

    assert response.status_code == 201
    user = response.get_json()
    assert set(user) == {"id", "email", "name", "role", "created_at"}
    assert user["email"] == "grace@example.com"
    assert user["role"] == "customer"
    assert user["created_at"].endswith("Z")
    stored = db.users.find_one({"email": "grace@example.com"})
    assert str(stored["_id"]) == user["id"]
    assert stored["password_hash"].startswith("scrypt:")
    assert PASSWORD not in str(stored)


def test_passwords_are_hashed_with_full_strength_scrypt_outside_tests():
    password_hash = PRODUCTION_HASH_PASSWORD(PASSWORD)

    assert password_hash.startswith("scrypt:32768:8:1$")
    assert PASSWORD not in password_hash


@pytest.mark.parametrize("second_email", ["grace@example.com", "GRACE@example.COM"])
def test_registering_an_email_twice_is_a_conflict_whatever_its_case(anonymous, db, second_email):
    anonymous.post("/auth/register", json=register_body())

    response = anonymous.post("/auth/register", json=register_body(email=second_email))

    details = assert_error(response, 409, "conflict")
    assert "email" in details
    assert db.users.count_documents({}) == 2  # the bootstrapped admin and the first account


@pytest.mark.parametrize("fields, bad_field", [
    ({"password": "short"}, "password"),
    ({"password": "123456789"}, "password"),
    ({"email": "not-an-email"}, "email"),
    ({"email": {"$ne": None}}, "email"),
    ({"password": {"$gt": ""}}, "password"),
    ({"name": "   "}, "name"),
    ({"name": None}, "name"),
    ({"role": "admin"}, "role"),
    ({"is_admin": True}, "is_admin"),
])
def test_register_refuses_bad_input_field_by_field(anonymous, db, fields, bad_field):
    response = anonymous.post("/auth/register", json=register_body(**fields))

    details = assert_error(response, 422, "validation_error")
    assert list(details) == [bad_field]
    assert isinstance(details[bad_field], list)
    assert db.users.count_documents({"role": "customer"}) == 0


@pytest.mark.parametrize("missing", ["email", "password", "name"])
def test_register_requires_email_password_and_name(anonymous, missing):
    body = register_body()
    del body[missing]

    response = anonymous.post("/auth/register", json=body)

    assert missing in assert_error(response, 422, "validation_error")


# Tokens ---------------------------------------------------------------------


def test_logging_in_gives_a_bearer_token_that_is_stored_only_as_a_hash(anonymous, register, db):
    register("grace@example.com")

    response = anonymous.post("/auth/tokens", json={"email": "GRACE@example.com", "password": PASSWORD})

    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"token", "token_type", "expires_at", "user"}
    assert body["token_type"] == "Bearer"
    assert len(body["token"]) >= 43  # 32 random bytes, base64url
    assert body["user"]["email"] == "grace@example.com"
    lifetime = parse_time(body["expires_at"]) - datetime.now(timezone.utc)
    assert timedelta(days=6, hours=23) < lifetime <= timedelta(days=7)
    assert db.tokens.find_one({"token_hash": token_hash(body["token"])})
    assert body["token"] not in str(list(db.tokens.find()))


def test_unknown_email_and_wrong_password_get_the_same_401(anonymous, register):
    register("grace@example.com")

    unknown = anonymous.post("/auth/tokens", json={"email": "nobody@example.com", "password": PASSWORD})
    wrong = anonymous.post("/auth/tokens", json={"email": "grace@example.com", "password": "wrong password"})

    assert_error(unknown, 401, "unauthorized")
    assert_error(wrong, 401, "unauthorized")
    assert unknown.get_json() == wrong.get_json()


@pytest.mark.parametrize("body", [
    {"email": {"$ne": None}, "password": {"$ne": None}},
    {"email": "grace@example.com", "password": {"$gt": ""}},
    {"email": "grace@example.com"},
    {"email": "grace@example.com", "password": PASSWORD, "remember": True},
])
def test_logging_in_with_malformed_credentials_is_a_validation_error(anonymous, register, body):
    register("grace@example.com")

    response = anonymous.post("/auth/tokens", json=body)

    assert_error(response, 422, "validation_error")


def test_repeated_failed_logins_for_one_email_are_rate_limited_even_with_the_right_password(anonymous, register, db):
    register("grace@example.com")
    for _ in range(5):
        wrong = anonymous.post("/auth/tokens", json={"email": "grace@example.com", "password": "wrong password"})
        assert wrong.status_code == 401

    response = anonymous.post("/auth/tokens", json={"email": "grace@example.com", "password": PASSWORD})

    assert_error(response, 429, "rate_limited")
    assert 1 <= int(response.headers["Retry-After"]) <= 900
    assert db.tokens.count_documents({}) == 1  # only the register fixture's token


@pytest.mark.parametrize("settings", [{"LOGIN_MAX_FAILURES": 2}])
def test_repeated_failed_logins_from_one_client_are_rate_limited_across_emails(anonymous):
    for index in range(8):  # the per-client limit is four times the per-email one
        anonymous.post("/auth/tokens", json={"email": f"guess{index}@example.com", "password": "wrong password"})

    response = anonymous.post("/auth/tokens", json={"email": "admin@example.com", "password": "admin-password-1"})

    assert_error(response, 429, "rate_limited")
    assert "Retry-After" in response.headers


def test_a_successful_login_clears_the_failures_counted_for_that_email(anonymous, register):
    register("grace@example.com")
    for _ in range(4):
        anonymous.post("/auth/tokens", json={"email": "grace@example.com", "password": "wrong password"})
    login_token(anonymous.client, "grace@example.com", PASSWORD)

    for _ in range(4):
        anonymous.post("/auth/tokens", json={"email": "grace@example.com", "password": "wrong password"})
    response = anonymous.post("/auth/tokens", json={"email": "grace@example.com", "password": PASSWORD})

    assert response.status_code == 201


# Log out and /me ------------------------------------------------------------


def test_me_shows_the_token_holders_account(shopper):
    response = shopper.get("/me")

    assert response.status_code == 200
    assert response.get_json() == shopper.user


@pytest.mark.parametrize("authorization", [
    None, "", "Bearer", "Bearer ", "Bearer not-a-real-token", "Basic YWRhOnBhc3N3b3Jk", "Token abc",
])
def test_me_without_a_valid_bearer_token_is_unauthorized(client, authorization):
    headers = {"Authorization": authorization} if authorization is not None else {}

    response = client.get("/api/v1/me", headers=headers)

    assert_error(response, 401, "unauthorized")


def test_revoking_a_token_makes_it_stop_working(shopper, db):
    response = shopper.delete("/auth/tokens/current")

    assert response.status_code == 204
    assert response.data == b""
    assert_error(shopper.get("/me"), 401, "unauthorized")
    assert db.tokens.count_documents({"token_hash": token_hash(shopper.token)}) == 0


def test_revoking_without_a_token_is_unauthorized(anonymous):
    assert_error(anonymous.delete("/auth/tokens/current"), 401, "unauthorized")


def test_revoking_one_token_keeps_the_users_other_tokens(shopper, client):
    other = Api(client, login_token(client, "ada@example.com", PASSWORD))

    shopper.delete("/auth/tokens/current")

    assert other.get("/me").status_code == 200


@pytest.mark.parametrize("settings", [{"TOKEN_TTL_DAYS": 0}])
def test_an_expired_token_is_unauthorized(shopper):
    assert_error(shopper.get("/me"), 401, "unauthorized")


def test_a_session_cookie_alone_never_authenticates_an_api_call(client, shopper):
    with client.session_transaction() as session:
        session["_user_id"] = shopper.user["id"]
        session["_fresh"] = True

    response = client.get("/api/v1/me")

    assert_error(response, 401, "unauthorized")


# Admin bootstrap ------------------------------------------------------------


def test_the_admin_from_the_environment_exists_at_start_up(admin):
    me = admin.get("/me").get_json()

    assert me["email"] == "admin@example.com"
    assert me["role"] == "admin"


def test_no_admin_is_made_without_both_email_and_password():
    app = started_app({**TEST_SETTINGS, "SHOP_ADMIN_PASSWORD": None})

    assert app.extensions["mongo_db"].users.count_documents({}) == 0


def test_the_bootstrap_leaves_an_existing_account_with_the_admin_email_alone():
    client = shop_db.connect(None)
    first = started_app({**TEST_SETTINGS, "SHOP_ADMIN_EMAIL": None}, mongo_client=client)
    first.test_client().post("/api/v1/auth/register", json=register_body(email="admin@example.com"))

    second = started_app(TEST_SETTINGS, mongo_client=client)

    users = list(second.extensions["mongo_db"].users.find())
    assert [(user["email"], user["role"]) for user in users] == [("admin@example.com", "customer")]


def test_nobody_becomes_an_admin_by_registering(anonymous, client):
    anonymous.post("/auth/register", json=register_body(role="admin"))
    anonymous.post("/auth/register", json=register_body())
    api = Api(client, login_token(client, "grace@example.com", PASSWORD))

    assert api.get("/me").get_json()["role"] == "customer"


def test_the_create_admin_command_makes_an_admin_who_can_log_in(app, client):
    result = app.test_cli_runner().invoke(
        args=["create-admin", "--email", "boss@example.com", "--password", "boss-password-1"]
    )

    assert result.exit_code == 0, result.output
    assert "created" in result.output
    api = Api(client, login_token(client, "boss@example.com", "boss-password-1"))
    assert api.get("/me").get_json()["role"] == "admin"


def test_the_create_admin_command_changes_nothing_for_an_existing_email(app, shopper, db):
    result = app.test_cli_runner().invoke(
        args=["create-admin", "--email", "ada@example.com", "--password", "boss-password-1"]
    )

    assert result.exit_code == 0
    assert "nothing changed" in result.output
    assert db.users.find_one({"email": "ada@example.com"})["role"] == "customer"


def test_the_create_admin_command_refuses_a_short_password(app, db):
    result = app.test_cli_runner().invoke(args=["create-admin", "--email", "boss@example.com", "--password", "short"])

    assert result.exit_code != 0
    assert db.users.count_documents({"email": "boss@example.com"}) == 0


@pytest.mark.parametrize("email, password, wrong", [
    ("boss@example.com", "abc", "SHOP_ADMIN_PASSWORD"),
    ("not-an-email", "boss-password-1", "SHOP_ADMIN_EMAIL"),
])
def test_the_admin_from_the_environment_follows_the_same_rule_as_registering(email, password, wrong):
    with pytest.raises(RuntimeError, match=wrong):
        started_app({**TEST_SETTINGS, "SHOP_ADMIN_EMAIL": email, "SHOP_ADMIN_PASSWORD": password})


def test_the_create_admin_command_refuses_an_email_that_is_not_one(app, db):
    result = app.test_cli_runner().invoke(args=["create-admin", "--email", "boss", "--password", "boss-password-1"])

    assert result.exit_code != 0 and "--email" in result.output
    assert db.users.count_documents({"role": "admin"}) == 1  # only the test's own
