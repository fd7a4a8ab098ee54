"""A cart: variants and quantities, priced from the catalogue when shown."""
from dataclasses import dataclass

USER, ANONYMOUS = "user", "anon"


@dataclass
class CartLine:
    product: object  # products.model.Product
    variant: object  # products.model.Variant: what the line holds
    quantity: int

    @property
    def id(self):
        return self.variant.id

    @property
    def unit_price(self):
        return self.variant.price

    @property
    def line_total(self):
        return self.variant.price * self.quantity


@dataclass
class Cart:
    lines: list

    @property
    def subtotal(self):
        return sum(line.line_total for line in self.lines)

    @property
    def currency(self):
        return self.lines[0].product.currency if self.lines else "USD"

    @property
    def count(self):
        return sum(line.quantity for line in self.lines)

    def order_items(self):
        """The lines as the `items` of an order (PlaceOrderSchema's shape)."""
        return [{"product_id": line.product.id, "variant_id": line.variant.id, "quantity": line.quantity}
                for line in self.lines]


def owner_key(kind, ident):
    """`user:<id>` for a shopper's cart, `anon:<random id>` for a visitor's."""
    return f"{kind}:{ident}"
