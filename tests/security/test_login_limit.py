"""Failed logins are limited per email and client address together, and per client
address across emails, in MongoDB, so the limit holds across app processes and serves
the site and the API alike; another client's failures never lock an account's owner
out; the 429 says nothing about whether an account exists."""
import re

import pytest

from shop.db import connect
from tests.conftest import TEST_SETTINGS, assert_error, started_app

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

    blocked = client.post("/api/v1/auth/tokens", json={"email": "ADA@example.com", "password": "correct horse battery"},
                          environ_base={"REMOTE_ADDR": "10.0.0.1"})
    db.login_failures.delete_many({})  # what the TTL index does when the window ends
    allowed = client.post("/api/v1/auth/tokens", json={"email": "ada@example.com", "password": "correct horse battery"},
                          environ_base={"REMOTE_ADDR": "10.0.0.1"})

    assert_error(blocked, 429, "rate_limited")
    assert allowed.status_code == 201


def test_the_limit_holds_across_two_app_processes_sharing_one_database(register):
    store = connect(None)
    settings = {**TEST_SETTINGS, "LOGIN_MAX_FAILURES": LIMIT, "LOGIN_FAILURE_WINDOW_SECONDS": 600}
    first, second = started_app(settings, mongo_client=store), started_app(settings, mongo_client=store)
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


OWNER_ADDRESS, STRANGER_ADDRESS = "10.0.0.1", "10.6.6.6"
CHANNELS = ["api", "site"]  # the same counters serve the JSON API and the log-in page
SUCCEEDED, REFUSED = {"api": 201, "site": 302}, {"api": 401, "site": 422}


def log_in(app, channel, email, password, address):
    """One log-in from a browser (or API client) of its own at `address`."""
    client = app.test_client()
    if channel == "api":
        return client.post("/api/v1/auth/tokens", json={"email": email, "password": password},
                           environ_base={"REMOTE_ADDR": address})
    return client.post("/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address})


@pytest.mark.parametrize("owner_channel", CHANNELS)
@pytest.mark.parametrize("stranger_channel", CHANNELS)
def test_a_strangers_failures_never_lock_the_owner_out(app, register, stranger_channel, owner_channel):
    register("ada@example.com")
    stranger = [log_in(app, stranger_channel, "ada@example.com", "a wrong guess", STRANGER_ADDRESS).status_code
                for _ in range(LIMIT * 3)]

    owner = log_in(app, owner_channel, "ada@example.com", "correct horse battery", OWNER_ADDRESS)

    assert stranger == [REFUSED[stranger_channel]] * LIMIT + [429] * (LIMIT * 2)
    assert owner.status_code == SUCCEEDED[owner_channel]


@pytest.mark.parametrize("first, then", [("api", "site"), ("site", "api")])
def test_one_clients_failures_for_an_email_count_on_the_site_and_the_api_together(app, register, first, then):
    register("ada@example.com")
    for attempt in range(LIMIT):
        channel = first if attempt % 2 == 0 else then
        assert log_in(app, channel, "ada@example.com", "a wrong guess", OWNER_ADDRESS).status_code == REFUSED[channel]

    limited = {channel: log_in(app, channel, "ada@example.com", "correct horse battery", OWNER_ADDRESS)
               for channel in CHANNELS}

    assert {channel: response.status_code for channel, response in limited.items()} == {"api": 429, "site": 429}
    assert_error(limited["api"], 429, "rate_limited")


@pytest.mark.parametrize("channel", CHANNELS)
def test_one_client_is_limited_after_four_times_the_limit_across_emails(app, register, channel):
    register("ada@example.com")
    statuses = [log_in(app, channel, f"guess{n}@example.com", "x", STRANGER_ADDRESS).status_code
                for n in range(LIMIT * 4)]

    limited = log_in(app, channel, "ada@example.com", "correct horse battery", STRANGER_ADDRESS)
    elsewhere = log_in(app, channel, "ada@example.com", "correct horse battery", OWNER_ADDRESS)

    assert statuses == [REFUSED[channel]] * (LIMIT * 4)
    assert limited.status_code == 429
    assert elsewhere.status_code == SUCCEEDED[channel]


def limited_form(app, form):
    """The form, sent once more (with the right password) after LIMIT wrong ones from one browser."""
    browser = app.test_client()
    browser.post("/register", data={"email": "ada@example.com", "password": "correct horse battery", "name": "Ada"})
    if form == "log-in":
        browser.post("/logout")

    def send(password):
        if form == "log-in":
            return browser.post("/login", data={"email": "ada@example.com", "password": password})
        return browser.post("/account/password", data={"current_password": password,
                                                       "new_password": "a brand new passphrase"})
    for _ in range(LIMIT):
        assert send("a wrong guess").status_code == 422
    return send("correct horse battery")


@pytest.mark.parametrize("form", ["log-in", "password change"])
def test_a_limited_form_answers_429_saying_when_to_try_again_with_a_link_to_the_password_reset(app, form):
    response = limited_form(app, form)

    assert response.status_code == 429
    assert 590 <= int(response.headers["Retry-After"]) <= 600
    alert = re.search(r'<div class="form-errors" role="alert">(.*?)</div>', response.get_data(as_text=True), re.S)
    assert "Too many failed log-ins. Try again in 10 minutes." in alert.group(1)
    assert 'href="/password-reset"' in alert.group(1)
