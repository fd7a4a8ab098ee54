"""Money as integer minor units, shown without ever touching a float."""
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "CA$", "AUD": "A$", "NZD": "NZ$", "HKD": "HK$",
           "SGD": "S$", "MXN": "MX$", "BRL": "R$", "INR": "₹", "CNY": "CN¥", "CHF": "CHF "}


def format_money(minor_units, currency="USD"):
    """`format_money(123456, "USD")` -> `$1,234.56`; currencies without a symbol get a code."""
    sign = "-" if minor_units < 0 else ""
    major, minor = divmod(abs(int(minor_units)), 100)
    symbol = SYMBOLS.get(currency)
    amount = f"{major:,}.{minor:02d}"
    return f"{sign}{symbol}{amount}" if symbol else f"{sign}{amount} {currency}"
