"""The text of the confirmation e-mails a shopper gets for each order event."""
from ..addresses.model import printed_lines
from ..money import format_money

SUBJECTS = {
    "placed": "Order {number} is placed",
    "paid": "Payment received for order {number}",
    "shipped": "Order {number} is on its way",
    "cancelled": "Order {number} is cancelled",
}
OPENINGS = {
    "placed": "Thank you for your order. Please pay for it within the payment window to keep it.",
    "paid": "We received your payment; we will let you know when the order ships.",
    "shipped": "Your order has left our warehouse.",
    "cancelled": "Your order is cancelled. Any payment has been refunded.",
}
# The e-mails that say where the order goes: when it is placed (to check) and when it leaves.
SHOWS_ADDRESS = ("placed", "shipped")


def order_email(order, status, link=None):
    """(subject, body) for the e-mail telling the shopper that `order` became `status`, with
    `link` to the order's page (for a guest, the private link that opens it)."""
    lines = [f"  {line.quantity} x {line.name}{', ' + line.label() if line.label() else ''} ({line.sku})  "
             f"{format_money(line.line_total, order.currency)}" for line in order.items]
    body = "\n".join([
        f"Hello {order.shipping_address.get('name', '')},",
        "",
        OPENINGS[status],
        "",
        f"Order {order.number}",
        *lines,
        *(f"{label}: {format_money(amount, order.currency)}" for label, amount, _ in order.totals_rows()),
        *(_ship_to(order.shipping_address) if status in SHOWS_ADDRESS else []),
        *(_tracking(order.fulfilment) if status == "shipped" and order.fulfilment else []),
        *(["", f"Your order: {link}"] if link else []),
        *(["Keep this e-mail: the link is how you see and pay this order."] if link and order.user_id is None else []),
    ])
    return SUBJECTS[status].format(number=order.number), body


def _ship_to(address):
    return ["", "Ship to:", *(f"  {line}" for line in printed_lines(address))]


def _tracking(fulfilment):
    """The shipped e-mail's lines naming the carrier and the tracking number, when given."""
    lines = [f"Carrier: {fulfilment['carrier']}"] if fulfilment.get("carrier") else []
    if fulfilment.get("tracking_number"):
        lines.append(f"Tracking number: {fulfilment['tracking_number']}")
    return [""] + lines if lines else []


def claim_email(user, link):
    """(subject, body) of the e-mail with the link that takes a shopper's guest orders."""
    body = "\n".join([
        f"Hello {user.name},",
        "",
        f"To add the orders placed as a guest with {user.email} to your account, open this link while logged in:",
        link,
        "",
        "If you did not ask for it, ignore this e-mail: nothing changes.",
    ])
    return "Your guest orders", body


def refund_email(order, refund, link=None):
    """(subject, body) of the e-mail telling the shopper what a refund gave back."""
    units = {line.variant_id: line for line in order.items}
    lines = [f"  {line.quantity} x {units[line.variant_id].name}"
             f"{', ' + units[line.variant_id].label() if units[line.variant_id].label() else ''}"
             f" ({units[line.variant_id].sku})" for line in refund.lines]
    body = "\n".join([
        f"Hello {order.shipping_address.get('name', '')},",
        "",
        f"We refunded {format_money(refund.amount, order.currency)} for order {order.number}"
        f" to the card it was paid with.",
        *(["", "For:", *lines] if lines else []),
        *(["", f"Reason: {refund.reason}"] if refund.reason else []),
        "",
        f"Refunded so far: {format_money(order.refunded_amount, order.currency)}"
        f" of {format_money(order.payment['amount'], order.currency)}.",
        *(["", f"Your order: {link}"] if link else []),
    ])
    return f"Refund for order {order.number}", body
