"""The ShopError family: what a use case raises when it refuses, each with its HTTP status,
code and message (shop/error_pages.py turns them into the one error shape). Imports no
feature, and no Flask: a model or a service raises these without loading the web framework.
"""
import math

from .money import format_money  # a leaf module (no feature): how the message shows an amount


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


# Flask-WTF's texts ("The CSRF session token is missing.") say nothing a person can act on.
FORM_EXPIRED = ("This form has expired, or was opened in another session. "
                "Go back, reload the page and send it again.")
# The same, on a form that is shown again with what was typed (forms.keeps_typed_input).
FORM_EXPIRED_KEPT = ("This form had expired, or was opened in another session, so nothing was saved. "
                     "Check what you typed below and send it again.")
