"""Fixtures of the HTML site's tests: a browser-like session on the test app, a second one
(another person), the app with CSRF protection switched on (the shared TEST_SETTINGS switch
it off), and a clock the account views read moved forward. Helpers that are not fixtures
are in site_helpers.py and account_helpers.py beside this file."""
import pytest

from tests.conftest import TEST_SETTINGS, CheckedClient, started_app
from tests.web.site_helpers import Site


@pytest.fixture
def site(client):
    return Site(client)


@pytest.fixture
def other_site(app):
    """A second browser on the same app (another person)."""
    return Site(app.test_client())


@pytest.fixture
def csrf_app():
    """The app as it runs for real: every form POST needs a valid CSRF token."""
    app = started_app({**TEST_SETTINGS, "WTF_CSRF_ENABLED": True})
    app.test_client_class = CheckedClient
    return app


@pytest.fixture
def move_clock(monkeypatch):
    """move_clock(timedelta): the account views (API and site) see the time that much later."""
    from shop.auth import api, routes
    from shop.clock import utcnow

    def move(delta):
        for module in (api, routes):
            monkeypatch.setattr(module, "utcnow", lambda: utcnow() + delta)

    return move
