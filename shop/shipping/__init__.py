"""Shipping methods: what an order may be sent by, where, and at what price; the only writer of `shipping_methods`."""
