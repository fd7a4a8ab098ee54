"""The shopping cart and checkout: the only writer of `carts`."""
