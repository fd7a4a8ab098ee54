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


class FixedUrls(dict):
    """The URLs that are the same on every request at one script root, built on first use:
    `urls["cart.show_cart"]` for an endpoint without arguments, `urls["static", "css/site.css"]`
    for a static file. base.html sets `urls` for every page: a page has a dozen such links,
    and url_for costs a few µs each. Endpoints are full names, never a relative ".name"."""

    def __missing__(self, key):
        url = self[key] = url_for("static", filename=key[1]) if isinstance(key, tuple) else url_for(key)
        return url


def fixed_urls():
    """This app's FixedUrls for this request's script root."""
    by_root = current_app.extensions["fixed_urls"]
    root = request.script_root
    if root not in by_root:
        by_root[root] = FixedUrls()
    return by_root[root]


def register(app):
    app.config["SHOP_BASE_URL"] = base_url(app.config)
    app.extensions["fixed_urls"] = {}
    app.jinja_env.globals.update(absolute_url=absolute_url, fixed_urls=fixed_urls)
