"""Sessions that end: logging out of the site ends the session on the server, so a
copy of the old cookie is a visitor's; a site login and an API token never stand in
for each other. Across processes: tests/processes/test_processes.py."""


def log_in(app, email="ada@example.com", password="correct horse battery"):
    browser = app.test_client()
    response = browser.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302
    return browser


def replay(app, cookie):
    """A new browser holding a copy of `cookie` (the session cookie, as a thief would)."""
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    return thief


def signed_in(browser):
    return browser.get("/orders").status_code == 200  # a visitor is sent to log in


def test_a_session_cookie_replayed_after_logging_out_is_a_visitors(app, shopper):
    browser = log_in(app)
    copied = browser.get_cookie("session")
    assert signed_in(replay(app, copied))

    assert browser.post("/logout").status_code == 302

    assert not signed_in(browser)
    assert not signed_in(replay(app, copied))


def test_logging_out_ends_only_that_session(app, shopper):
    laptop, phone = log_in(app), log_in(app)

    laptop.post("/logout")

    assert not signed_in(laptop)
    assert signed_in(phone)


def test_a_site_login_is_not_an_api_token_nor_an_api_token_a_site_login(app, client, shopper):
    browser = log_in(app)
    with browser.session_transaction() as session:
        site_token = session["_user_id"]

    assert client.get("/api/v1/orders", headers={"Authorization": f"Bearer {site_token}"}).status_code == 401

    forged = app.test_client()
    with forged.session_transaction() as session:
        session["_user_id"] = shopper.token  # the API token, where a site login would be
    assert not signed_in(forged)


def test_a_session_for_a_user_id_alone_is_a_visitors(app, shopper):
    """What a v1 cookie held (the user's id): it no longer signs anyone in."""
    forged = app.test_client()
    with forged.session_transaction() as session:
        session["_user_id"] = shopper.user["id"]

    assert not signed_in(forged)


def test_a_session_cookie_is_read_only_under_the_secret_key_it_was_signed_with(app, shopper):
    copied = log_in(app).get_cookie("session")

    app.secret_key = "another-secret"
    assert not signed_in(replay(app, copied))

    app.config["SECRET_KEY_FALLBACKS"] = ["test-secret"]  # the key rotated out, still accepted
    assert signed_in(replay(app, copied))
