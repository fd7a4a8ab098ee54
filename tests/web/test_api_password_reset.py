"""`POST /api/v1/auth/password-resets` and `.../password-resets/<token>`: a one-use link by
e-mail, the same 202 whatever the email, a limit that sends nothing past it, and a new
password that ends every session and token of the account."""
import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from shop.auth.repository import TokenRepository
from shop.db import connect
from tests.conftest import TEST_SETTINGS, assert_error, login_token, started_app
from tests.racing import call, race
from tests.serving import Served
from tests.web.account_helpers import BASE_URL, NEW_PASSWORD, reset_emails_sent, reset_links, token_of

OLD_PASSWORD = "correct horse battery"


@pytest.fixture
def settings():
    return {"SHOP_BASE_URL": BASE_URL, "PASSWORD_RESET_MAX_PER_EMAIL": 3, "PASSWORD_RESET_MAX_PER_CLIENT": 20}


def ask(anonymous, email="ada@example.com", address="10.0.0.1", **kwargs):
    return anonymous.post("/auth/password-resets", json={"email": email}, environ_base={"REMOTE_ADDR": address},
                          **kwargs)


def use(anonymous, link, password=NEW_PASSWORD):
    return anonymous.post(f"/auth/password-resets/{token_of(link)}", json={"password": password})


def can_log_in(client, password, email="ada@example.com"):
    return client.post("/api/v1/auth/tokens", json={"email": email, "password": password}).status_code == 201


def test_asking_for_a_reset_answers_202_and_emails_the_account_a_link_to_the_reset_form(
        app, client, anonymous, shopper, mailbox):
    response = ask(anonymous)

    assert response.status_code == 202
    assert response.get_json() == {
        "message": "If an account has this email, a link to reset its password is on its way."}
    [link] = reset_links(app, mailbox)
    assert link.startswith(BASE_URL + "/password-reset/")
    form = client.get(link.removeprefix(BASE_URL))
    assert form.status_code == 200 and 'name="password"' in form.get_data(as_text=True)


def test_an_email_without_an_account_gets_the_same_answer_and_nothing_is_sent(
        app, anonymous, shopper, mailbox, db):
    known, unknown = ask(anonymous, "ada@example.com"), ask(anonymous, "nobody@example.com")

    assert unknown.status_code == 202
    assert unknown.get_json() == known.get_json()
    assert [message["to"] for message in reset_emails_sent(app, mailbox)] == ["ada@example.com"]


def test_the_email_is_matched_ignoring_case(app, anonymous, shopper, mailbox):
    assert ask(anonymous, "ADA@Example.com").status_code == 202

    assert len(reset_links(app, mailbox)) == 1


def test_a_body_that_is_not_an_email_is_a_validation_error(anonymous):
    details = assert_error(anonymous.post("/auth/password-resets", json={"email": "not-an-email"}),
                           422, "validation_error")

    assert details == {"email": ["Enter an email address, such as ada@example.com."]}


def test_the_link_is_built_from_the_configured_origin_never_the_host_header(app, anonymous, shopper, mailbox):
    ask(anonymous, headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"})

    [link] = reset_links(app, mailbox)
    assert link.startswith(BASE_URL + "/password-reset/")
    assert "evil" not in mailbox[0]["body"]


def test_the_emailed_link_sets_a_new_password_and_works_only_once(app, client, anonymous, shopper, mailbox):
    ask(anonymous)
    [link] = reset_links(app, mailbox)

    first = use(anonymous, link)
    again = use(anonymous, link, "yet another passphrase")

    assert first.status_code == 204
    assert_error(again, 404, "not_found")
    assert can_log_in(client, NEW_PASSWORD)
    assert not can_log_in(client, OLD_PASSWORD)
    assert not can_log_in(client, "yet another passphrase")


def test_an_unknown_token_is_not_found(anonymous, shopper):
    assert_error(anonymous.post("/auth/password-resets/no-such-token", json={"password": NEW_PASSWORD}),
                 404, "not_found")


@pytest.mark.parametrize("minutes, works", [(59, True), (61, False)])
def test_the_link_works_for_the_configured_minutes(app, client, anonymous, shopper, mailbox, move_clock,
                                                  minutes, works):
    ask(anonymous)
    [link] = reset_links(app, mailbox)

    move_clock(timedelta(minutes=minutes))
    response = use(anonymous, link)

    if works:
        assert response.status_code == 204
        assert can_log_in(client, NEW_PASSWORD)
    else:
        assert_error(response, 404, "not_found")
        assert can_log_in(client, OLD_PASSWORD)


@pytest.mark.parametrize("settings", [{"SHOP_BASE_URL": BASE_URL, "PASSWORD_RESET_TTL_MINUTES": 5}])
def test_the_links_lifetime_is_a_setting(app, anonymous, shopper, mailbox, move_clock):
    ask(anonymous)
    [link] = reset_links(app, mailbox)
    assert "within 5 minutes" in mailbox[-1]["body"]

    move_clock(timedelta(minutes=6))

    assert_error(use(anonymous, link), 404, "not_found")


def test_a_new_password_follows_registerings_rule_and_a_refused_one_leaves_the_link_usable(
        app, client, anonymous, shopper, mailbox):
    ask(anonymous)
    [link] = reset_links(app, mailbox)

    short = use(anonymous, link, "short")
    unknown_field = anonymous.post(f"/auth/password-resets/{token_of(link)}",
                                   json={"password": NEW_PASSWORD, "email": "eve@example.com"})

    assert assert_error(short, 422, "validation_error") == {
        "password": ["Enter a new password of 10 to 128 characters."]}
    assert "email" in assert_error(unknown_field, 422, "validation_error")
    assert use(anonymous, link).status_code == 204


def test_a_reset_ends_every_site_session_and_api_token_of_the_account(app, client, anonymous, shopper, mailbox):
    browser = app.test_client()
    assert browser.post("/login", data={"email": "ada@example.com", "password": OLD_PASSWORD}).status_code == 302
    assert browser.get("/orders").status_code == 200
    second_token = login_token(client, "ada@example.com", OLD_PASSWORD)
    ask(anonymous)
    [link] = reset_links(app, mailbox)

    assert use(anonymous, link).status_code == 204

    assert_error(shopper.get("/me"), 401, "unauthorized")
    assert_error(client.get("/api/v1/me", headers={"Authorization": f"Bearer {second_token}"}), 401, "unauthorized")
    assert browser.get("/orders").status_code == 302  # a visitor, sent to log in


def test_a_reset_leaves_other_accounts_logged_in(app, anonymous, shopper, register, mailbox):
    eve = register("eve@example.com")
    ask(anonymous)
    [link] = reset_links(app, mailbox)

    use(anonymous, link)

    assert eve.get("/me").status_code == 200


def test_a_reset_ends_the_accounts_other_reset_links(app, anonymous, shopper, mailbox):
    ask(anonymous)
    ask(anonymous)
    first, second = reset_links(app, mailbox)

    assert use(anonymous, second).status_code == 204

    assert_error(use(anonymous, first, "yet another passphrase"), 404, "not_found")


@pytest.mark.parametrize("settings", [{"SHOP_BASE_URL": BASE_URL, "LOGIN_MAX_FAILURES": 3}])
def test_a_reset_lifts_the_failed_login_limit_of_the_email(app, client, anonymous, shopper, mailbox):
    for _ in range(3):
        client.post("/api/v1/auth/tokens", json={"email": "ada@example.com", "password": "a wrong guess"})
    assert_error(client.post("/api/v1/auth/tokens", json={"email": "ada@example.com", "password": OLD_PASSWORD}),
                 429, "rate_limited")
    ask(anonymous)
    [link] = reset_links(app, mailbox)

    use(anonymous, link)

    assert can_log_in(client, NEW_PASSWORD)


def test_past_the_limit_per_email_the_answer_is_still_202_and_nothing_is_sent(app, anonymous, shopper, mailbox):
    answers = [ask(anonymous, address=f"10.0.0.{n}") for n in range(5)]

    assert [answer.status_code for answer in answers] == [202] * 5
    assert len({str(answer.get_json()) for answer in answers}) == 1
    assert len(reset_links(app, mailbox)) == 3


@pytest.mark.parametrize("settings", [{"SHOP_BASE_URL": BASE_URL, "PASSWORD_RESET_MAX_PER_CLIENT": 2}])
def test_past_the_limit_per_client_address_nothing_is_sent_to_any_email(app, anonymous, register, mailbox):
    for name in ("ada", "bob", "cy", "dee"):
        register(f"{name}@example.com")

    answers = [ask(anonymous, f"{name}@example.com", "10.9.9.9") for name in ("ada", "bob", "cy")]
    elsewhere = ask(anonymous, "dee@example.com", "10.1.1.1")

    assert [answer.status_code for answer in answers + [elsewhere]] == [202] * 4
    assert sorted(message["to"] for message in reset_emails_sent(app, mailbox)) == [
        "ada@example.com", "bob@example.com", "dee@example.com"]


def test_the_limit_lifts_when_its_window_ends(app, anonymous, shopper, db, move_clock):
    for _ in range(4):
        ask(anonymous)
    assert db.emails.count_documents({"to": "ada@example.com"}) == 3

    move_clock(timedelta(hours=1, seconds=1))
    ask(anonymous)

    assert db.emails.count_documents({"to": "ada@example.com"}) == 4  # queued at the moved clock's time


def test_the_limit_holds_across_two_app_processes_sharing_one_database():
    store = connect(None)
    settings = {**TEST_SETTINGS, "SHOP_BASE_URL": BASE_URL, "PASSWORD_RESET_MAX_PER_EMAIL": 2}
    first, second = started_app(settings, mongo_client=store), started_app(settings, mongo_client=store)
    first.test_client().post("/api/v1/auth/register", json={"email": "ada@example.com",
                                                            "password": OLD_PASSWORD, "name": "Ada"})
    clients = [first.test_client(), second.test_client()]

    for attempt in range(4):
        assert clients[attempt % 2].post("/api/v1/auth/password-resets",
                                         json={"email": "ada@example.com"}).status_code == 202

    assert store[TEST_SETTINGS.get("MONGO_DB_NAME", "shop")].emails.count_documents({}) == 2
    store.close()


def test_the_link_is_stored_only_as_a_hash_and_its_email_body_is_dropped_once_sent(app, anonymous, shopper,
                                                                                     mailbox, db):
    ask(anonymous)
    queued = db.emails.find_one()
    [link] = reset_links(app, mailbox)
    token = token_of(link)

    [stored] = list(db.password_resets.find())
    assert stored["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(stored)
    assert token in queued["body"] and token not in queued["key"]
    sent = db.emails.find_one()
    assert sent["status"] == "sent" and "body" not in sent


def test_links_expire_from_the_store_by_a_ttl_index(db):
    indexes = db.password_resets.index_information().values()

    assert any(index.get("expireAfterSeconds") == 0 and index["key"] == [("expires_at", 1)] for index in indexes)
    assert any(index.get("unique") and index["key"] == [("token_hash", 1)] for index in indexes)


@pytest.mark.parametrize("settings", [{"SHOP_BASE_URL": BASE_URL, "LOGIN_MAX_FAILURES": 20}])  # 7 losers tried after
def test_racing_uses_of_one_link_set_exactly_one_password(app, client, anonymous, shopper, mailbox):
    ask(anonymous)
    token = token_of(reset_links(app, mailbox)[0])
    passwords = [f"racing passphrase {n:02d}" for n in range(8)]
    served = Served(app)
    try:
        answers = race([lambda password=password: call(served.port, "POST", f"/auth/password-resets/{token}",
                                                       body={"password": password})
                        for password in passwords])
    finally:
        served.stop()

    statuses = sorted(status for status, _ in answers)
    assert statuses == [204] + [404] * 7
    winner = passwords[[status for status, _ in answers].index(204)]
    assert [password for password in passwords if can_log_in(client, password)] == [winner]


def test_a_log_in_that_checked_the_old_password_just_before_a_reset_issues_no_token_that_works(
        app, client, anonymous, shopper, mailbox, monkeypatch):
    ask(anonymous)
    token = token_of(reset_links(app, mailbox)[0])
    store_token, checked, reset = TokenRepository.add, threading.Event(), threading.Event()

    def store_after_the_reset(self, *args, **kwargs):
        checked.set()  # the log-in has checked the old password; it stores its token after the reset
        assert reset.wait(30)
        return store_token(self, *args, **kwargs)

    monkeypatch.setattr(TokenRepository, "add", store_after_the_reset)
    served = Served(app)
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            log_in = pool.submit(call, served.port, "POST", "/auth/tokens",
                                 body={"email": "ada@example.com", "password": OLD_PASSWORD})
            assert checked.wait(30)
            reset_status, _ = call(served.port, "POST", f"/auth/password-resets/{token}",
                                   body={"password": NEW_PASSWORD})
            reset.set()
            log_in_status, issued = log_in.result()
    finally:
        served.stop()

    assert (reset_status, log_in_status) == (204, 201)  # the old password was right when it was checked
    assert_error(client.get("/api/v1/me", headers={"Authorization": f"Bearer {issued['token']}"}), 401, "unauthorized")
    monkeypatch.setattr(TokenRepository, "add", store_token)
    assert can_log_in(client, NEW_PASSWORD) and not can_log_in(client, OLD_PASSWORD)


def test_tokens_and_accounts_from_before_password_versions_keep_working(client, shopper, db):
    db.users.update_many({}, {"$unset": {"password_version": ""}})
    db.tokens.update_many({}, {"$unset": {"password_version": ""}})

    assert shopper.get("/me").status_code == 200
