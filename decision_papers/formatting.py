"""GOV.UK style for figures: ``£83,820``, ``31 March 2025``, ``2024/25``.

Nothing here reads the locale or the clock: month names and number words are
spelt out in code so output is identical on every machine.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

MONTHS = (
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
)
_UNITS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
    "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen",
    "sixteen", "seventeen", "eighteen", "nineteen",
)
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy",
         "eighty", "ninety")


def money(value: int | Decimal) -> str:
    """``£14,560``; pence only when there are any (``£14,560.50``)."""
    value = Decimal(value)
    sign = "-" if value < 0 else ""
    value = abs(value)
    if value == value.to_integral_value():
        return f"{sign}£{int(value):,}"
    return f"{sign}£{value.quantize(Decimal('0.01')):,}"


def money_millions(value: int | Decimal) -> str:
    """``£4.2 million``: one decimal place, rounded half up."""
    millions = (Decimal(value) / Decimal(1_000_000)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    text = f"{millions:f}".removesuffix(".0")
    return f"£{text} million"


def date(value: dt.date) -> str:
    """``31 March 2025`` (no leading zero, full month name)."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def month_year(value: dt.date) -> str:
    """``March 2025``."""
    return f"{MONTHS[value.month - 1]} {value.year}"


def month(value: dt.date) -> str:
    """``March``."""
    return MONTHS[value.month - 1]


def financial_year_of(value: dt.date, sep: str = "/") -> str:
    """The UK public-sector financial year (April to March) holding a date."""
    start = value.year if value.month >= 4 else value.year - 1
    return f"{start}{sep}{(start + 1) % 100:02d}"


def words(n: int) -> str:
    """Spell a whole number from 0 to 999 in words (``forty-eight``)."""
    if not 0 <= n <= 999:
        return f"{n:,}"
    if n < 20:
        return _UNITS[n]
    if n < 100:
        tens, unit = divmod(n, 10)
        return _TENS[tens] + ("-" + _UNITS[unit] if unit else "")
    hundreds, rest = divmod(n, 100)
    text = f"{_UNITS[hundreds]} hundred"
    return text + (f" and {words(rest)}" if rest else "")


def number(n: int | Decimal) -> str:
    """Numerals with thousands separators (``1,250``)."""
    return f"{n:,}"


def percent(value: Decimal) -> str:
    """``12.5%``, no trailing zeros."""
    text = f"{Decimal(value).normalize():f}"
    return f"{text}%"
