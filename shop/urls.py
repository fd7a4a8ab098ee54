"""Absolute URLs (canonical links, the sitemap, robots.txt, e-mail links): built from
`SHOP_BASE_URL` only, never from the request's `Host` header, which any client sets."""
from urllib.parse import urlsplit

from flask import current_app, request, url_for


def base_url(config):
    """The shop's origin: `SHOP_BASE_URL`, required in production; in development the
    address `python wsgi.py` listens on."""
    configured = (config.get("SHOP_BASE_URL") or "").rstrip("/")
    if not configured:
        if config["SHOP_ENV"] == "production":
            raise RuntimeError("SHOP_BASE_URL must be set when SHOP_ENV=production (such as https://shop.example.com).")
        host = "127.0.0.1" if config["HOST"] in ("0.0.0.0", "::", "") else config["HOST"]
        return f"http://{host}:{config['PORT']}"
    parts = urlsplit(configured)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise RuntimeError(f"SHOP_BASE_URL must be an origin such as https://shop.example.com, not {configured!r}.")
    return configured


def absolute_url(endpoint, **values):
    """`url_for` as an absolute URL on the shop's own origin."""
    return current_app.config["SHOP_BASE_URL"] + url_for(endpoint, **values)


def fixed_url(endpoint, **values):
    """`url_for` for a link that is the same on every request, such as the header's links
    and the stylesheet's: built once per app and script root (url_for costs a few µs, and
    every page has a dozen of these). `endpoint` is a full name, never a relative ".name"."""
    built = current_app.extensions["fixed_urls"]
    key = (request.script_root, endpoint, *sorted(values.items()))
    if key not in built:
        built[key] = url_for(endpoint, **values)
    return built[key]


def register(app):
    app.config["SHOP_BASE_URL"] = base_url(app.config)
    app.extensions["fixed_urls"] = {}
    app.jinja_env.globals.update(absolute_url=absolute_url, fixed_url=fixed_url)
