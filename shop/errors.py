"""The ShopError family and the one error shape.

Every 4xx/5xx from the JSON API is `{"error": {"code", "message", "details"}}`;
the HTML site renders `errors/<status>.html` instead. Imports no feature.
"""
import logging
import math
import uuid

from flask import g, jsonify, render_template, request
from marshmallow import ValidationError
from pymongo.errors import ConnectionFailure, ExecutionTimeout
from werkzeug.exceptions import HTTPException

from .money import format_money  # a leaf module (no feature): how the message shows an amount

log = logging.getLogger(__name__)


class ShopError(Exception):
    status = 400
    code = "bad_request"
    message = "The request could not be served."

    def __init__(self, message=None, details=None, headers=None):
        super().__init__(message or self.message)
        self.message = message or self.message
        self.details = details or {}
        self.headers = headers or {}


class BadRequest(ShopError):
    status, code, message = 400, "bad_request", "The request body is not a JSON object."


class Unauthorized(ShopError):
    status, code, message = 401, "unauthorized", "Authentication is required."


class PaymentDeclined(ShopError):
    status, code, message = 402, "payment_declined", "The card was declined."


class Forbidden(ShopError):
    status, code, message = 403, "forbidden", "You are not allowed to do this."


class NotFound(ShopError):
    status, code, message = 404, "not_found", "Not found."


class ClaimedOrder(NotFound):
    """A guest's private link to an order claimed since into an account: the link no longer
    opens it (a 404 wherever nothing leads the visitor on), its owner's page does."""

    def __init__(self, order_id):
        super().__init__("No such order.")
        self.order_id = order_id


class Conflict(ShopError):
    status, code, message = 409, "conflict", "This conflicts with what is stored."


class OutOfStock(ShopError):
    status, code, message = 409, "insufficient_stock", "Not enough stock."

    def __init__(self, shortages):
        super().__init__(details={"items": shortages})


class QuoteChanged(ShopError):
    """The total differs from the `expected_total` the client was shown, or (the HTML
    checkout) anything of the quote it showed. `quote` is the new one (a model); the view that
    knows how to show it puts it in `details.quote`. `changed` says what differs, in words."""
    status, code, message = 409, "quote_changed", "The total has changed since it was shown; nothing was placed."

    def __init__(self, quote, changed=()):
        super().__init__()
        self.quote = quote
        self.changed = list(changed)


class RefundExceedsPayment(ShopError):
    """A refund that would take the refunded total above what was paid; `details.refundable`
    is what may still be refunded."""
    status, code = 409, "refund_exceeds_payment"

    def __init__(self, refundable, currency):
        super().__init__(f"At most {format_money(refundable, currency)} of this order can still be refunded.",
                         {"refundable": refundable})


class InvalidTransition(ShopError):
    status, code, message = 409, "invalid_transition", "The order cannot make this change."


class InvalidInput(ShopError):
    """A validation error found past the schema (in a service): same shape as Marshmallow's."""

    status, code, message = 422, "validation_error", "The request is not valid."

    def __init__(self, details, message=None):
        super().__init__(message, details=details)


class RateLimited(ShopError):
    """Too many failed log-ins: the message says when to try again, `Retry-After` in seconds."""
    status, code = 429, "rate_limited"

    def __init__(self, retry_after_seconds):
        seconds = max(1, math.ceil(retry_after_seconds))
        self.retry_after = seconds
        super().__init__(f"Too many failed log-ins. Try again in {_wait_text(seconds)}.",
                         headers={"Retry-After": str(seconds)})


def _wait_text(seconds):
    """`4 minutes` (rounded up) from a minute on, else `45 seconds`."""
    if seconds >= 60:
        minutes = math.ceil(seconds / 60)
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"


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
    from flask import make_response

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


# Flask-WTF's texts ("The CSRF session token is missing.") say nothing a person can act on.
FORM_EXPIRED = ("This form has expired, or was opened in another session. "
                "Go back, reload the page and send it again.")
# The same, on a form that is shown again with what was typed (forms.keeps_typed_input).
FORM_EXPIRED_KEPT = ("This form had expired, or was opened in another session, so nothing was saved. "
                     "Check what you typed below and send it again.")


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
    app.register_error_handler(ConnectionFailure, _handle_database_unavailable)
    app.register_error_handler(ExecutionTimeout, _handle_database_unavailable)
    app.register_error_handler(Exception, _handle_unexpected)
