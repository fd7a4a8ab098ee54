"""The catalogue and its stock: the only writer of `products` and `stock_movements`."""
