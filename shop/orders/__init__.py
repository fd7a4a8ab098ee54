"""Orders: placing, paying, cancelling, shipping; the only writer of `orders`."""
