"""HTTP caching: public catalogue answers revalidate with a 304; nothing private is stored.

The catalogue (the product list and each product, the categories and each
category, as JSON and as pages, the sitemap and robots.txt) carries an ETag made from its body, and a conditional
GET whose If-None-Match still matches is answered 304 with no body. How long
and where it may be kept depends on who asked:

- anonymous, and the response sets no cookie: `public, max-age=30`, so a browser
  or a proxy keeps it half a minute, then revalidates;
- anonymous, but the answer may differ per visitor (it put a CSRF token in the
  session, or it is a page for a visitor with a session cookie: a cart count):
  `private, no-cache`, the browser alone keeps it and asks every time;
- a bearer token or a logged-in session: `private, no-store` (an admin sees
  archived products), as is every other answer to such a request.

Every other API answer (tokens, /me, orders, errors) is `no-store`. A view that
sets its own Cache-Control keeps it: the stored images (`/media/`) are `immutable`,
since a file's bytes never change under its name.

A catalogue view says it is one with `@caching.public`, beside its route.
"""
from flask import current_app, request, session

PUBLIC_MAX_AGE = 30
PRIVATE = "private, no-store"
IMMUTABLE = "public, max-age=31536000, immutable"


def public(view):
    """Mark a catalogue view: its answers carry an ETag and, to a caller nobody knows, may be
    kept by anyone (as said above)."""
    view.publicly_cacheable = True
    return view


def register(app):
    app.after_request(cache_headers)


def cache_headers(response):
    if request.endpoint == "static" or "Cache-Control" in response.headers:
        return response
    personal = _personal()
    if _public_view() and request.method in ("GET", "HEAD") and response.status_code == 200:
        _revalidating(response, personal)
    elif personal:
        response.headers["Cache-Control"] = PRIVATE
    elif request.path.startswith("/api/"):
        response.headers["Cache-Control"] = "no-store"
    return response


def _public_view():
    view = current_app.view_functions.get(request.endpoint)
    return getattr(view, "publicly_cacheable", False)


def immutable(response, digest):
    """A file whose name changes when its bytes do: kept a year by anyone, its ETag its
    digest, and a conditional GET whose If-None-Match matches answered 304."""
    response.set_etag(digest)
    response.headers["Cache-Control"] = IMMUTABLE
    return response.make_conditional(request)


def _personal():
    """Does the answer depend on who asked? A bearer token, or a logged-in session."""
    return "Authorization" in request.headers or (_has_session_cookie() and "_user_id" in session)


def _has_session_cookie():
    return request.cookies.get(current_app.config["SESSION_COOKIE_NAME"]) is not None


def _revalidating(response, personal):
    response.vary.add("Authorization")
    if personal:
        response.headers["Cache-Control"] = PRIVATE
        return
    response.add_etag()
    response.make_conditional(request)
    # The API never reads the session; a page may (a cart count), so a visitor's cookie matters there.
    page = not request.path.startswith("/api/")
    if session.modified or "Set-Cookie" in response.headers or (page and _has_session_cookie()):
        response.headers["Cache-Control"] = "private, no-cache"
    else:
        response.headers["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
