"""The browser tests' fixtures: the shop served by waitress, and a Chromium page on it."""
import pytest

from tests.conftest import TEST_SETTINGS, started_app
from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS, browser_or_skip
from tests.serving import Served


@pytest.fixture
def live_url():
    """The shop on the embedded store with its demo catalogue, served by waitress on a free port."""
    settings = {**TEST_SETTINGS, "WTF_CSRF_ENABLED": True, "DEMO_CATALOG": True, "TESTING": False}
    served = Served(started_app(settings), threads=4)
    yield served.url
    served.stop()


@pytest.fixture
def page(live_url):
    sync_playwright = browser_or_skip()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 860}, base_url=live_url)
        page.set_default_timeout(10_000)
        yield page
        browser.close()


@pytest.fixture
def live_app():
    """The shop served as `live_url` serves it, with the app itself at hand (its outbox)."""
    settings = {**TEST_SETTINGS, "WTF_CSRF_ENABLED": True, "TESTING": False}
    app = started_app(settings)
    served = Served(app, threads=4)
    yield app, served.url
    served.stop()

