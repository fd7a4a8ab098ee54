"""Tax rates: one per country, in basis points; the only writer of `tax_rates`."""
