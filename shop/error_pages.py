"""The one error shape, and the handlers that give it.

Every 4xx/5xx from the JSON API is `{"error": {"code", "message", "details"}}`;
the HTML site renders `errors/<status>.html` instead. The errors themselves are
shop/errors.py's, which loads no Flask.
"""
import logging
import uuid

from flask import g, jsonify, make_response, render_template, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from .db import STORE_UNAVAILABLE
from .errors import FORM_EXPIRED, ShopError

log = logging.getLogger(__name__)


_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
}


def _wants_json():
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best_match(["application/json", "text/html"]) == "application/json"
        and not request.accept_mimetypes.accept_html
    )


def error_response(status, code, message, details=None, headers=None):
    if _wants_json():
        body = {"error": {"code": code, "message": message, "details": details or {}}}
        response = jsonify(body)
    else:
        response = _html_error(status, message)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _html_error(status, message):
    template = f"errors/{status}.html" if status in (400, 403, 404, 500) else "errors/generic.html"
    try:
        return make_response(render_template(template, status=status, message=message))
    except Exception:  # a broken template must not hide the original error
        log.exception("error page failed to render")
        return make_response(f"{status} {message}", status, {"Content-Type": "text/plain"})


def _handle_shop_error(error):
    return error_response(error.status, error.code, error.message, error.details, error.headers)


def _handle_validation_error(error):
    return error_response(422, "validation_error", "The request is not valid.", error.messages)


def _handle_http_exception(error):
    status = error.code or 500
    if status >= 500:
        return _handle_unexpected(error)
    headers = {}
    if status == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)
    message = {
        413: f"The request body is larger than {_mebibytes(request.max_content_length)}.",
        404: "Not found.",
        405: "This method is not allowed here.",
    }.get(status, FORM_EXPIRED if status == 400 and "CSRF" in (error.description or "") else error.name + ".")
    return error_response(status, _CODES.get(status, "bad_request"), message, headers=headers)


def _mebibytes(limit):
    """`1 MiB`, or `10.06 MiB` for an upload's limit with its form overhead."""
    mib = (limit or 0) / (1024 * 1024)
    return f"{mib:g} MiB" if mib == int(mib) else f"{mib:.2f} MiB"


def _handle_database_unavailable(error):
    """The database did not answer in time (or the connection dropped): 503, nothing of its text."""
    log.warning("request %s: database unavailable: %s", getattr(g, "request_id", "-"), type(error).__name__)
    return error_response(503, "unavailable", "The shop cannot reach its database right now. Please try again shortly.",
                          headers={"Retry-After": "5"})


def _handle_unexpected(error):
    log.exception("unhandled error in request %s", getattr(g, "request_id", "-"), exc_info=error)
    return error_response(500, "internal", "Something went wrong on our side. Please try again.")


def register_error_handlers(app):
    @app.before_request
    def _assign_request_id():
        g.request_id = uuid.uuid4().hex

    @app.after_request
    def _expose_request_id(response):
        response.headers.setdefault("X-Request-Id", getattr(g, "request_id", ""))
        return response

    app.register_error_handler(ShopError, _handle_shop_error)
    app.register_error_handler(ValidationError, _handle_validation_error)
    app.register_error_handler(HTTPException, _handle_http_exception)
    for unavailable in STORE_UNAVAILABLE:
        app.register_error_handler(unavailable, _handle_database_unavailable)
    app.register_error_handler(Exception, _handle_unexpected)
