"""The site's account pages: "Forgot your password?" and the e-mailed reset form, and
/account (name, password). A reset ends every session; a password change keeps this
browser's session and ends the others."""
from datetime import timedelta

import pytest

from tests.conftest import assert_error, login_token
from tests.web.account_helpers import BASE_URL, NEW_PASSWORD, reset_emails_sent, reset_links
from tests.web.site_helpers import Site, field_errors, input_value

OLD_PASSWORD = "correct horse battery"


@pytest.fixture
def settings():
    return {"SHOP_BASE_URL": BASE_URL}


def path_of(link):
    return link.removeprefix(BASE_URL)


def emailed_reset_path(app, site, mailbox, email="ada@example.com"):
    site.post("/password-reset", {"email": email})
    return path_of(reset_links(app, mailbox, email)[-1])


def can_log_in(client, password, email="ada@example.com"):
    return client.post("/api/v1/auth/tokens", json={"email": email, "password": password}).status_code == 201


def signed_in(site):
    return site.get("/orders").status_code == 200


# Forgot your password ----------------------------------------------------------


def test_the_login_page_links_to_the_forgotten_password_form(site):
    login = site.text("/login")
    form = site.text("/password-reset")

    assert '<a href="/password-reset">Forgot your password?</a>' in login
    assert '<label for="email">' in form and "Send the link" in form


def test_asking_for_a_link_shows_the_same_page_whether_or_not_the_email_has_an_account(app, site, register, mailbox):
    register("ada@example.com")

    known = site.post("/password-reset", {"email": "ada@example.com"})
    unknown = site.post("/password-reset", {"email": "nobody@example.com"})

    assert known.status_code == unknown.status_code == 200
    assert ("If an account exists for <strong>ada@example.com</strong>, we sent it a link"
            in known.get_data(as_text=True))
    assert (known.get_data(as_text=True).replace("ada@example.com", "EMAIL")
            == unknown.get_data(as_text=True).replace("nobody@example.com", "EMAIL"))
    assert [message["to"] for message in reset_emails_sent(app, mailbox)] == ["ada@example.com"]


def test_a_mistyped_email_is_shown_next_to_the_field_and_kept(site):
    response = site.post("/password-reset", {"email": "ada-at-example"})

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_errors(html, "email") == ["Enter an email address, such as ada@example.com."]
    assert input_value(html, "email") == "ada-at-example"


# The e-mailed link ---------------------------------------------------------------


def test_the_emailed_link_sets_a_new_password_then_sends_the_shopper_to_log_in(app, client, site, mailbox):
    site.register("ada@example.com")
    site.logout()
    path = emailed_reset_path(app, site, mailbox)
    form = site.get(path)
    assert form.status_code == 200 and 'name="password"' in form.get_data(as_text=True)
    assert form.headers["Cache-Control"] == "no-store"  # its address is the secret

    response = site.post(path, {"password": NEW_PASSWORD})
    login = site.get(response.headers["Location"]).get_data(as_text=True)

    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "Your password is changed and you are logged out everywhere." in login
    assert site.get(path).headers["Cache-Control"] == "no-store"  # the used link's page, as the form was
    assert site.login("ada@example.com", NEW_PASSWORD).status_code == 302
    assert not can_log_in(client, OLD_PASSWORD)


def test_a_reset_ends_every_session_and_token_of_the_account(app, client, site, other_site, mailbox):
    site.register("ada@example.com")  # registering logged this browser in
    other_site.login("ada@example.com")
    token = login_token(client, "ada@example.com", OLD_PASSWORD)
    path = emailed_reset_path(app, Site(app.test_client()), mailbox)  # asked from a third browser

    assert site.post(path, {"password": NEW_PASSWORD}).status_code == 302

    assert not signed_in(site) and not signed_in(other_site)
    assert_error(client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}), 401, "unauthorized")


def test_a_used_link_shows_a_clear_page_with_a_way_to_ask_again(app, site, mailbox):
    site.register("ada@example.com")
    path = emailed_reset_path(app, site, mailbox)
    site.post(path, {"password": NEW_PASSWORD})

    shown, sent = site.get(path), site.post(path, {"password": "yet another passphrase"})

    for response in (shown, sent):
        html = response.get_data(as_text=True)
        assert response.status_code == 404
        assert "This link does not work" in html and 'href="/password-reset"' in html
        assert 'name="password"' not in html


def test_an_unknown_link_is_the_same_404_page(site):
    response = site.get("/password-reset/not-a-token-we-sent")

    assert response.status_code == 404
    assert "This link does not work" in response.get_data(as_text=True)


def test_an_expired_link_is_the_same_404_page_and_the_password_stays(app, client, site, mailbox, move_clock):
    site.register("ada@example.com")
    path = emailed_reset_path(app, site, mailbox)

    move_clock(timedelta(minutes=61))
    shown, sent = site.get(path), site.post(path, {"password": NEW_PASSWORD})

    assert shown.status_code == sent.status_code == 404
    assert can_log_in(client, OLD_PASSWORD)


def test_a_short_new_password_is_refused_next_to_the_field_never_shown_and_the_link_still_works(
        app, client, site, mailbox):
    site.register("ada@example.com")
    path = emailed_reset_path(app, site, mailbox)

    response = site.post(path, {"password": "tiny pw"})

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_errors(html, "password") == ["Enter a new password of 10 to 128 characters."]
    assert "tiny pw" not in html
    assert site.post(path, {"password": NEW_PASSWORD}).status_code == 302
    assert can_log_in(client, NEW_PASSWORD)


# The account page ----------------------------------------------------------------


def test_the_account_page_needs_a_log_in_and_comes_back_after_it(site):
    response = site.get("/account")

    assert response.status_code == 302 and response.headers["Location"] == "/login?next=%2Faccount"


def test_the_header_links_to_the_account_page_when_logged_in(site):
    assert 'href="/account"' not in site.text("/")

    site.register("ada@example.com")

    assert '<a href="/account">Account</a>' in site.text("/")


def test_the_account_page_shows_the_name_and_a_password_form(site):
    site.register("ada@example.com", name="Ada Shopper")

    html = site.text("/account")

    assert input_value(html, "name") == "Ada Shopper"
    for field_id in ("current_password", "new_password"):
        assert f'<label for="{field_id}">' in html
    assert "ada@example.com" in html


def test_changing_the_name_shows_it_at_once(site, client, db):
    site.register("ada@example.com", name="Ada Shopper")

    response = site.post("/account/name", {"name": "  Ada Lovelace  "})
    html = site.text(response.headers["Location"])

    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert "Your name is changed." in html
    assert input_value(html, "name") == "Ada Lovelace"
    assert "(Ada Lovelace)" in html  # the header's log-out button
    assert db.users.find_one({"email": "ada@example.com"})["name"] == "Ada Lovelace"


def test_a_blank_name_is_refused_next_to_its_field_and_nothing_changes(site, db):
    site.register("ada@example.com", name="Ada Shopper")

    response = site.post("/account/name", {"name": "   "})

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_errors(html, "name") == ["Enter a name: it cannot be only spaces."]
    assert db.users.find_one({"email": "ada@example.com"})["name"] == "Ada Shopper"


def test_changing_the_password_keeps_this_browser_and_ends_every_other_session_and_token(
        app, client, site, other_site):
    site.register("ada@example.com")
    other_site.login("ada@example.com")
    token = login_token(client, "ada@example.com", OLD_PASSWORD)

    response = site.post("/account/password", {"current_password": OLD_PASSWORD, "new_password": NEW_PASSWORD})

    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert "Your password is changed. You are still logged in here" in site.text("/account")
    assert signed_in(site)
    assert not signed_in(other_site)
    assert_error(client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}), 401, "unauthorized")
    assert can_log_in(client, NEW_PASSWORD) and not can_log_in(client, OLD_PASSWORD)


def test_a_wrong_current_password_is_refused_next_to_its_field_and_no_password_is_shown(client, site, other_site):
    site.register("ada@example.com")
    other_site.login("ada@example.com")

    response = site.post("/account/password", {"current_password": "not my password", "new_password": NEW_PASSWORD})

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_errors(html, "current_password") == ["This is not your current password."]
    assert "not my password" not in html and NEW_PASSWORD not in html
    assert signed_in(other_site) and can_log_in(client, OLD_PASSWORD)


@pytest.mark.parametrize("settings", [{"SHOP_BASE_URL": BASE_URL, "LOGIN_MAX_FAILURES": 2}])
def test_wrong_current_passwords_on_the_page_are_limited_like_log_ins(client, site):
    site.register("ada@example.com")
    for _ in range(2):
        site.post("/account/password", {"current_password": "a wrong guess", "new_password": NEW_PASSWORD})

    response = site.post("/account/password", {"current_password": OLD_PASSWORD, "new_password": NEW_PASSWORD})

    assert "Too many failed log-ins. Try again in 15 minutes." in response.get_data(as_text=True)
    assert can_log_in(client, OLD_PASSWORD) is False  # limited: the log-in is refused too
    assert signed_in(site)
