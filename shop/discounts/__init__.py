"""Discount codes: percent or fixed, with dates, a minimum and use limits; the only writer
of `discount_codes` (its `uses` counter is the order code's, through this repository)."""
