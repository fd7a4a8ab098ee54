"""Failed logins are limited per email and per client address, in MongoDB, so
the limit holds across app processes; the 429 says nothing about whether an
account exists."""
import pytest

from conftest import TEST_SETTINGS, assert_error
from shop import create_app
from shop.db import connect

LIMIT = 3


@pytest.fixture
def settings():
    return {"LOGIN_MAX_FAILURES": LIMIT, "LOGIN_FAILURE_WINDOW_SECONDS": 600}


def fail_until_limited(client, email, address="10.0.0.1"):
    environ = {"REMOTE_ADDR": address}
    for _ in range(LIMIT):
        response = client.post("/api/v1/auth/tokens", json={"email": email, "password": "wrong password"},
                               environ_base=environ)
        assert_error(response, 401, "unauthorized")
    return client.post("/api/v1/auth/tokens", json={"email": email, "password": "wrong password"},
                       environ_base=environ)


def test_the_limit_answers_the_same_for_an_existing_and_an_unknown_email(client, register):
    register("ada@example.com")

    known = fail_until_limited(client, "ada@example.com", "10.0.0.1")
    unknown = fail_until_limited(client, "nobody@example.com", "10.0.0.2")

    assert_error(known, 429, "rate_limited")
    assert_error(unknown, 429, "rate_limited")
    assert known.get_json() == unknown.get_json()
    assert known.headers["Retry-After"] == unknown.headers["Retry-After"]
    assert 590 <= int(known.headers["Retry-After"]) <= 600


def test_the_limit_holds_even_with_the_right_password_then_lifts_after_the_window(client, register, db):
    register("ada@example.com")
    fail_until_limited(client, "ada@example.com")

    blocked = client.post("/api/v1/auth/tokens", json={"email": "ADA@example.com", "password": "correct horse battery"})
    db.login_failures.delete_many({})  # what the TTL index does when the window ends
    allowed = client.post("/api/v1/auth/tokens", json={"email": "ada@example.com", "password": "correct horse battery"})

    assert_error(blocked, 429, "rate_limited")
    assert allowed.status_code == 201


def test_the_limit_holds_across_two_app_processes_sharing_one_database(register):
    store = connect(None)
    settings = {**TEST_SETTINGS, "LOGIN_MAX_FAILURES": LIMIT, "LOGIN_FAILURE_WINDOW_SECONDS": 600}
    first, second = create_app(settings, mongo_client=store), create_app(settings, mongo_client=store)
    first.test_client().post("/api/v1/auth/register", json={"email": "ada@example.com",
                                                            "password": "correct horse battery", "name": "Ada"})
    clients = [first.test_client(), second.test_client()]

    for attempt in range(LIMIT):  # failures alternate between the two processes
        response = clients[attempt % 2].post("/api/v1/auth/tokens",
                                             json={"email": "ada@example.com", "password": "wrong password"})
        assert_error(response, 401, "unauthorized")
    on_first = clients[0].post("/api/v1/auth/tokens", json={"email": "ada@example.com", "password": "wrong password"})
    on_second = clients[1].post("/api/v1/auth/tokens", json={"email": "ada@example.com",
                                                              "password": "correct horse battery"})

    assert_error(on_first, 429, "rate_limited")
    assert_error(on_second, 429, "rate_limited")
    assert on_second.headers["Retry-After"]


def test_one_client_address_is_limited_across_many_emails(client):
    for n in range(LIMIT * 4):
        response = client.post("/api/v1/auth/tokens", json={"email": f"guess{n}@example.com", "password": "x"},
                               environ_base={"REMOTE_ADDR": "10.9.9.9"})
        assert response.status_code == 401
    limited = client.post("/api/v1/auth/tokens", json={"email": "fresh@example.com", "password": "x"},
                          environ_base={"REMOTE_ADDR": "10.9.9.9"})
    elsewhere = client.post("/api/v1/auth/tokens", json={"email": "fresh@example.com", "password": "x"},
                            environ_base={"REMOTE_ADDR": "10.1.1.1"})

    assert_error(limited, 429, "rate_limited")
    assert_error(elsewhere, 401, "unauthorized")


def test_the_counters_expire_by_a_ttl_index(db):
    indexes = db.login_failures.index_information().values()

    assert any(index.get("expireAfterSeconds") == 0 and index["key"] == [("expires_at", 1)] for index in indexes)


def test_the_login_form_is_limited_by_the_same_counter(client, register):
    register("ada@example.com")
    fail_until_limited(client, "ada@example.com", "127.0.0.1")

    response = client.post("/login", data={"email": "ada@example.com", "password": "correct horse battery"})

    assert response.status_code in (200, 422, 429)
    assert "Too many" in response.get_data(as_text=True)
    assert client.get("/orders").status_code == 302  # not logged in


def test_the_429_says_in_how_many_minutes_to_try_again_rounded_up(client):
    limited = fail_until_limited(client, "ada@example.com")

    assert limited.get_json()["error"]["message"] == "Too many failed log-ins. Try again in 10 minutes."
    assert 590 <= int(limited.headers["Retry-After"]) <= 600


@pytest.mark.parametrize("settings", [{"LOGIN_MAX_FAILURES": LIMIT, "LOGIN_FAILURE_WINDOW_SECONDS": 30}])
def test_under_a_minute_the_429_says_it_in_seconds(client):
    limited = fail_until_limited(client, "ada@example.com")

    seconds = int(limited.headers["Retry-After"])
    assert 25 <= seconds <= 30
    assert limited.get_json()["error"]["message"] == f"Too many failed log-ins. Try again in {seconds} seconds."


def test_the_login_form_says_when_to_try_again(client, register):
    register("ada@example.com")
    fail_until_limited(client, "ada@example.com", "127.0.0.1")

    response = client.post("/login", data={"email": "ada@example.com", "password": "correct horse battery"})

    assert "Too many failed log-ins. Try again in 10 minutes." in response.get_data(as_text=True)
