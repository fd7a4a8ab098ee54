"""The text of the confirmation e-mails a shopper gets for each order event."""
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


def order_email(order, status):
    """(subject, body) for the e-mail telling the shopper that `order` became `status`."""
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
    ])
    return SUBJECTS[status].format(number=order.number), body
