"""Money as integer minor units, shown without ever touching a float."""
import re

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "CA$", "AUD": "A$", "NZD": "NZ$", "HKD": "HK$",
           "SGD": "S$", "MXN": "MX$", "BRL": "R$", "INR": "₹", "CNY": "CN¥", "CHF": "CHF "}


def format_money(minor_units, currency="USD"):
    """`format_money(123456, "USD")` -> `$1,234.56`; currencies without a symbol get a code."""
    sign = "-" if minor_units < 0 else ""
    major, minor = divmod(abs(int(minor_units)), 100)
    symbol = SYMBOLS.get(currency)
    amount = f"{major:,}.{minor:02d}"
    return f"{sign}{symbol}{amount}" if symbol else f"{sign}{amount} {currency}"


def format_amount(minor_units):
    """`3450` -> `34.50`: the amount as a form field shows it, without symbol or separators."""
    major, minor = divmod(int(minor_units), 100)
    return f"{major}.{minor:02d}"


_AMOUNT = re.compile(r"([0-9]{1,12})(?:\.([0-9]{1,2}))?")


def parse_money(text):
    """`"12.5"` -> 1250 minor units, read digit by digit; None when it is not an amount."""
    match = _AMOUNT.fullmatch(text.strip().replace(",", ""))
    if not match:
        return None
    return int(match[1]) * 100 + int((match[2] or "0").ljust(2, "0"))
