"""Money as integer minor units, shown without ever touching a float."""
import re
from dataclasses import dataclass

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


def format_percent(basis_points):
    """`1950` -> `19.5`, `2000` -> `20`: a rate in basis points as a person types it."""
    whole, hundredths = divmod(int(basis_points), 100)
    return str(whole) if not hundredths else f"{whole}.{hundredths:02d}".rstrip("0")


AMBIGUOUS = ("Type the amount so that it reads one way only: 1500 or 1,500.00 for fifteen hundred, "
             "1.50 for one and a half.")
NOT_AN_AMOUNT = "Enter an amount such as 12.50."
NOT_A_PERCENT = "Enter a percent, such as 19 or 19.5 (at most two decimals)."


@dataclass(frozen=True)
class Reading:
    """What a person typed, read: `value` in hundredths (minor units, basis points), or
    None and the `problem` to tell them (AMBIGUOUS, NOT_AN_AMOUNT or NOT_A_PERCENT)."""

    value: int | None = None
    problem: str | None = None


_NUMERAL = re.compile(r"[0-9]+(?:[.,][0-9]+)*")
_DECIMALS = re.compile(r"(.+?)([.,])([0-9]{1,2})")  # the last separator, then 1 or 2 digits
_OTHER = {".": ",", ",": "."}
_MAX_TEXT = 40  # far past any amount the shop takes; int() of a longer run of digits is not worth it


def read_amount(text):
    """An amount as a person types it, in minor units: what they mean, never 100 times it.

    Surrounding spaces are ignored. Digits alone are whole units (`7` is 7.00). The last
    separator, `.` or `,`, is the decimal one when 1 or 2 digits follow it (`7.95`, `7,95`,
    `0,5`); the digits before it are plain, or grouped in threes by the other separator
    (`1,234.50`, `1.234,50`, `1,234,567.00`). Without decimals, one separator repeated groups
    thousands (`1,234,567`). One separator before exactly three digits (`1,500`, `1.500`)
    reads as fifteen hundred in one convention and one and a half in the other, so it is
    AMBIGUOUS, as is any other mix of digits and separators that does not read one way
    (`1,5,0`, `1,234,56`). Signs, letters, spaces inside and empty groups (`12.`, `.5`)
    are NOT_AN_AMOUNT.
    """
    text = (text or "").strip()
    if len(text) > _MAX_TEXT or not _NUMERAL.fullmatch(text):
        return Reading(problem=NOT_AN_AMOUNT)
    decimals = _DECIMALS.fullmatch(text)
    if decimals:
        units, hundredths = _whole_units(decimals[1], grouped_by=_OTHER[decimals[2]]), decimals[3]
    else:
        # `1,500`: one group of three after one separator is no proof of thousands.
        single = text.count(".") + text.count(",") == 1
        units, hundredths = (None if single else _whole_units(text, grouped_by=".,")), ""
    if units is None:
        return Reading(problem=AMBIGUOUS)
    return Reading(units * 100 + int(hundredths.ljust(2, "0")))


def _whole_units(text, grouped_by):
    """`1,234` -> 1234: plain digits, or groups of three after a first of 1 to 3 digits,
    each separated by the same one of `grouped_by`; None for anything else."""
    if text.isdigit():
        return int(text)
    for separator in grouped_by:
        if re.fullmatch(rf"[0-9]{{1,3}}(?:{re.escape(separator)}[0-9]{{3}})+", text):
            return int(text.replace(separator, ""))
    return None


_PERCENT = re.compile(r"([0-9]{1,3})(?:[.,]([0-9]{1,2}))?\s*%?")


def read_percent(text):
    """A percent as a person types it, in basis points: `19` 1900, `19.5` and `19,5` 1950,
    `10%` 1000; at most two decimals, else NOT_A_PERCENT."""
    match = _PERCENT.fullmatch((text or "").strip())
    if not match:
        return Reading(problem=NOT_A_PERCENT)
    return Reading(int(match[1]) * 100 + int((match[2] or "").ljust(2, "0")))
