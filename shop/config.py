"""Settings, read from the environment. No Flask and no I/O here.

Every setting is listed with its default in docs/OPERATIONS.md, "Settings".
"""
import os
import sys


def _int(name, default):
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def _float(name, default):
    value = os.environ.get(name)
    return default if value in (None, "") else float(value)


def _bool(name, default):
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


class Config:
    """Production-shaped defaults; development differs only where said."""

    def __init__(self):
        self.SHOP_ENV = os.environ.get("SHOP_ENV", "development")
        self.SECRET_KEY = os.environ.get("SECRET_KEY") or None
        self.MONGO_URI = os.environ.get("MONGO_URI") or None
        self.MONGO_DB_NAME = os.environ.get("MONGO_DB_NAME", "shop")
        # A database that does not answer within this long is a 503 `unavailable`.
        self.MONGO_TIMEOUT_SECONDS = _float("MONGO_TIMEOUT_SECONDS", 5)
        self.MONGO_MAX_POOL_SIZE = _int("MONGO_MAX_POOL_SIZE", 100)
        # The origin of every absolute URL the shop writes; required in production.
        self.SHOP_BASE_URL = os.environ.get("SHOP_BASE_URL") or None
        self.HOST = os.environ.get("HOST", "127.0.0.1")
        self.PORT = _int("PORT", 8000)
        # waitress: one thread per 8 keep-alive connections holds up (measured on 2 cores;
        # 4 threads collapsed at 64). 16 threads serve 128 connections; see docs/PERFORMANCE.md.
        self.WAITRESS_THREADS = _int("WAITRESS_THREADS", 16)
        # How long a thread may run before Python hands the GIL to another (its default is 5 ms).
        # Measured on 2 cores: at 5 ms a search, which runs several milliseconds under the
        # embedded store's lock, was preempted again and again by threads that then waited on
        # that lock; at 20 ms the same search served 2.5x the requests. See docs/PERFORMANCE.md.
        self.SWITCH_INTERVAL_MS = _int("SWITCH_INTERVAL_MS", 20)
        self.WAITRESS_CONNECTION_LIMIT = _int("WAITRESS_CONNECTION_LIMIT", 1000)
        self.WAITRESS_BACKLOG = _int("WAITRESS_BACKLOG", 2048)
        self.WAITRESS_CHANNEL_TIMEOUT = _int("WAITRESS_CHANNEL_TIMEOUT", 60)
        # The proxies in front that add X-Forwarded-For: the client address (for the login
        # limit) is the one they saw. 0: the address that connected.
        self.TRUSTED_PROXIES = _int("TRUSTED_PROXIES", 0)
        self.SHOP_ADMIN_EMAIL = os.environ.get("SHOP_ADMIN_EMAIL") or None
        self.SHOP_ADMIN_PASSWORD = os.environ.get("SHOP_ADMIN_PASSWORD") or None
        self.DEMO_CATALOG = _bool("DEMO_CATALOG", None)  # None: only on the embedded store
        self.ORDER_PAYMENT_TTL_MINUTES = _int("ORDER_PAYMENT_TTL_MINUTES", 30)
        self.TOKEN_TTL_DAYS = _int("TOKEN_TTL_DAYS", 7)
        self.LOGIN_MAX_FAILURES = _int("LOGIN_MAX_FAILURES", 5)
        self.LOGIN_FAILURE_WINDOW_SECONDS = _int("LOGIN_FAILURE_WINDOW_SECONDS", 900)
        # A password reset link works once, for this long; asking for links is limited per
        # email and per client address in a window (over the limit nothing is sent).
        self.PASSWORD_RESET_TTL_MINUTES = _int("PASSWORD_RESET_TTL_MINUTES", 60)
        self.PASSWORD_RESET_MAX_PER_EMAIL = _int("PASSWORD_RESET_MAX_PER_EMAIL", 3)
        self.PASSWORD_RESET_MAX_PER_CLIENT = _int("PASSWORD_RESET_MAX_PER_CLIENT", 20)
        self.PASSWORD_RESET_WINDOW_SECONDS = _int("PASSWORD_RESET_WINDOW_SECONDS", 3600)
        self.MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "console")
        self.MAIL_FROM = os.environ.get("MAIL_FROM", "shop@localhost")
        self.SMTP_HOST = os.environ.get("SMTP_HOST", "localhost")
        self.SMTP_PORT = _int("SMTP_PORT", 25)
        self.SMTP_USERNAME = os.environ.get("SMTP_USERNAME") or None
        self.SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD") or None
        self.SMTP_STARTTLS = _bool("SMTP_STARTTLS", False)
        self.SMTP_TIMEOUT_SECONDS = _int("SMTP_TIMEOUT_SECONDS", 10)
        self.WORKER_INTERVAL_SECONDS = _int("WORKER_INTERVAL_SECONDS", 5)
        # E-mail is looked for more often than the other jobs run, so that a burst of orders
        # is delivered as it comes rather than left to pile up between rounds.
        self.MAIL_INTERVAL_SECONDS = _float("MAIL_INTERVAL_SECONDS", 1)
        self.REPAIR_AFTER_SECONDS = _int("REPAIR_AFTER_SECONDS", 120)
        self.MAX_CONTENT_LENGTH = 1024 * 1024
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = self.SHOP_ENV == "production"
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        # The JSON API authenticates by bearer token only, so it needs no CSRF token.
        self.WTF_CSRF_CHECK_DEFAULT = True
        self.WTF_CSRF_TIME_LIMIT = None
        self.TESTING = False
        # The background worker (expiry, e-mail retries, repair); off in tests.
        # Do catalogue prices include tax (VAT-style, the default) or is tax added on top?
        self.PRICES_INCLUDE_TAX = _bool("PRICES_INCLUDE_TAX", True)
        self.WORKER_ENABLED = _bool("WORKER_ENABLED", True)

    def as_dict(self):
        return {key: value for key, value in vars(self).items() if key.isupper()}


SERVER_BODY_LIMIT = 16 * 1024 * 1024


def tune_interpreter(config):
    """The serving process's interpreter settings (wsgi.py and the benchmark's servers)."""
    sys.setswitchinterval(config["SWITCH_INTERVAL_MS"] / 1000)


def waitress_options(config):
    """Keyword arguments for `waitress.serve`: the shop, the benchmark's ceiling and the tests
    that serve as wsgi.py does share them."""
    return {
        "threads": config["WAITRESS_THREADS"],
        "connection_limit": config["WAITRESS_CONNECTION_LIMIT"],
        "backlog": config["WAITRESS_BACKLOG"],
        "channel_timeout": config["WAITRESS_CHANNEL_TIMEOUT"],
        # The server's own limit, above every endpoint's (1 MiB for JSON), which the app
        # answers in the error shape: a larger body is cut off, never buffered.
        "max_request_body_size": SERVER_BODY_LIMIT,
        # waitress 3 drops X-Forwarded-For from a peer it was not told to trust. Behind
        # TRUSTED_PROXIES the header goes on to the app, whose ProxyFix alone takes the
        # client's address from it (shop/app.py trust_proxies): waitress's own
        # trusted_proxy_* would take it a second time, and only under waitress.
        "clear_untrusted_proxy_headers": config["TRUSTED_PROXIES"] == 0,
    }
