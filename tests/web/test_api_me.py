"""`GET/PATCH /api/v1/me` and `POST /api/v1/me/password`: the token holder's name, and a
new password that ends every other session and token of the account, never the one that
made the change; a wrong current password counts as a failed log-in."""
import pytest

from tests.conftest import assert_error, login_token
from tests.web.account_helpers import NEW_PASSWORD, reset_links, token_of

OLD_PASSWORD = "correct horse battery"


def change(api, current=OLD_PASSWORD, new=NEW_PASSWORD):
    return api.post("/me/password", json={"current_password": current, "new_password": new})


def can_log_in(client, password, email="ada@example.com"):
    return client.post("/api/v1/auth/tokens", json={"email": email, "password": password}).status_code == 201


def site_session(app, email="ada@example.com", password=OLD_PASSWORD):
    browser = app.test_client()
    assert browser.post("/login", data={"email": email, "password": password}).status_code == 302
    return browser


def test_the_token_holder_reads_their_account(shopper):
    response = shopper.get("/me")

    assert response.status_code == 200
    assert response.get_json() == shopper.user


def test_patching_the_name_answers_the_user_and_keeps_it(shopper):
    response = shopper.patch("/me", json={"name": "  Ada Lovelace "})

    assert response.status_code == 200
    assert response.get_json() == {**shopper.user, "name": "Ada Lovelace"}
    assert shopper.get("/me").get_json()["name"] == "Ada Lovelace"


@pytest.mark.parametrize("body, field, message", [
    ({"name": "   "}, "name", "Enter a name: it cannot be only spaces."),
    ({"name": "x" * 101}, "name", "Enter a name of 1 to 100 characters."),
    ({}, "name", "Enter a name."),
    ({"name": "Ada", "role": "admin"}, "role", "Remove this field: this request does not take it."),
    ({"name": "Ada", "email": "eve@example.com"}, "email", "Remove this field: this request does not take it."),
])
def test_a_name_follows_registerings_rule_and_nothing_else_can_be_patched(shopper, body, field, message):
    details = assert_error(shopper.patch("/me", json=body), 422, "validation_error")

    assert details[field] == [message]
    assert shopper.get("/me").get_json() == shopper.user


def test_patching_needs_a_token(anonymous):
    assert_error(anonymous.patch("/me", json={"name": "Eve"}), 401, "unauthorized")


def test_changing_the_password_answers_204_and_the_new_one_logs_in(client, shopper):
    response = change(shopper)

    assert response.status_code == 204
    assert can_log_in(client, NEW_PASSWORD)
    assert not can_log_in(client, OLD_PASSWORD)


def test_changing_the_password_ends_every_other_session_and_token_but_keeps_the_one_that_changed_it(
        app, client, shopper, register):
    other_token = login_token(client, "ada@example.com", OLD_PASSWORD)
    browser = site_session(app)
    eve = register("eve@example.com")

    assert change(shopper).status_code == 204

    assert shopper.get("/me").status_code == 200
    assert_error(client.get("/api/v1/me", headers={"Authorization": f"Bearer {other_token}"}), 401, "unauthorized")
    assert browser.get("/orders").status_code == 302  # a visitor, sent to log in
    assert eve.get("/me").status_code == 200


def test_a_wrong_current_password_is_refused_on_its_field_and_changes_nothing(app, client, shopper):
    browser = site_session(app)

    details = assert_error(change(shopper, current="not my password"), 422, "validation_error")

    assert details == {"current_password": ["This is not your current password."]}
    assert can_log_in(client, OLD_PASSWORD)
    assert browser.get("/orders").status_code == 200


@pytest.mark.parametrize("body, field", [
    ({"current_password": OLD_PASSWORD, "new_password": "short"}, "new_password"),
    ({"new_password": NEW_PASSWORD}, "current_password"),
    ({"current_password": OLD_PASSWORD}, "new_password"),
])
def test_the_password_change_body_is_validated(client, shopper, body, field):
    details = assert_error(shopper.post("/me/password", json=body), 422, "validation_error")

    assert field in details
    assert can_log_in(client, OLD_PASSWORD)


def test_changing_the_password_needs_a_token(anonymous):
    assert_error(anonymous.post("/me/password", json={"current_password": OLD_PASSWORD, "new_password": NEW_PASSWORD}),
                 401, "unauthorized")


@pytest.mark.parametrize("settings", [{"LOGIN_MAX_FAILURES": 3, "LOGIN_FAILURE_WINDOW_SECONDS": 600}])
def test_wrong_current_passwords_count_as_failed_log_ins_and_are_limited_like_them(client, shopper):
    for _ in range(3):
        assert_error(change(shopper, current="a wrong guess"), 422, "validation_error")

    limited = change(shopper)
    logging_in = client.post("/api/v1/auth/tokens", json={"email": "ada@example.com", "password": OLD_PASSWORD})

    assert_error(limited, 429, "rate_limited")
    assert limited.get_json()["error"]["message"] == "Too many failed log-ins. Try again in 10 minutes."
    assert 590 <= int(limited.headers["Retry-After"]) <= 600
    assert_error(logging_in, 429, "rate_limited")
    assert shopper.get("/me").status_code == 200  # the token itself still works


@pytest.mark.parametrize("settings", [{"SHOP_BASE_URL": "https://shop.example.com"}])
def test_changing_the_password_ends_the_accounts_outstanding_reset_links(app, shopper, anonymous, mailbox):
    anonymous.post("/auth/password-resets", json={"email": "ada@example.com"})
    [link] = reset_links(app, mailbox)

    change(shopper)

    assert_error(anonymous.post(f"/auth/password-resets/{token_of(link)}", json={"password": "someone elses pw"}),
                 404, "not_found")
