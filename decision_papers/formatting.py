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
MONTH_ABBREVIATIONS = tuple(m[:3] for m in MONTHS)
UNIT_WORDS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
    "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen",
    "sixteen", "seventeen", "eighteen", "nineteen",
)
TENS_WORDS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy",
         "eighty", "ninety")


def money(value: int | Decimal) -> str:
    """``£14,560``; pence only when there are any (``£14,560.50``)."""
    value = Decimal(value)
    sign = "-" if value < 0 else ""
    value = abs(value)
    if value == value.to_integral_value():
        return f"{sign}£{int(value):,}"
    return f"{sign}£{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"


def scaled(value: Decimal, unit: int, places: int) -> tuple[str, bool]:
    """``value / unit`` with at most ``places`` decimals; ``(text, exact)``.

    Trailing zeros go (``3.50`` → ``3.5``, ``2.00`` → ``2``), so a figure that
    is a round number of millions prints as one.  ``exact`` is False when the
    printed number had to be rounded.
    """
    whole = Decimal(value) / Decimal(unit)
    rounded = whole.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{rounded:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text, rounded == whole


def money_millions(value: int | Decimal) -> str:
    """``£4.2 million``, ``£3.47 million``: up to two decimal places, or three where that
    is exact (``£1.125 million``, as papers write a sum that is)."""
    return f"£{millions(value)[0]} million"


def millions(value: int | Decimal) -> tuple[str, bool]:
    """``value`` in millions, ``(text, exact)``: two places, or three where three are exact."""
    text, exact = scaled(value, 1_000_000, 2)
    if not exact:
        three, exact = scaled(value, 1_000_000, 3)
        text = three if exact else text
    return text, exact


def date(value: dt.date) -> str:
    """``31 March 2025`` (no leading zero, full month name); ``March 2025`` for a date
    given only to the month (``kinds.Month``)."""
    if hasattr(value, "last_day"):  # kinds.Month: a date given only to the month
        return month_year(value)
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def ordinal_date(value: dt.date) -> str:
    """``4th August 2024``, as some papers write dates."""
    day = value.day
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix} {MONTHS[value.month - 1]} {value.year}"


def month_year(value: dt.date) -> str:
    """``March 2025``."""
    return f"{MONTHS[value.month - 1]} {value.year}"


def month(value: dt.date) -> str:
    """``March``."""
    return MONTHS[value.month - 1]


def financial_year_start(value: dt.date) -> int:
    """The calendar year in which the financial year holding ``value`` starts."""
    return value.year if value.month >= 4 else value.year - 1


def financial_year(first: int, style: str = "2024/25") -> str:
    """``2024/25`` for the financial year starting 1 April 2024, or in ``style``: how real
    papers write the year 2024/25 (``2024-25``, ``24/25``, ``2024/2025``, ``2024–2025``)."""
    second = first + 1
    text = style.replace("2025", "{b4}").replace("2024", "{a4}").replace("24", "{a2}") \
        .replace("25", "{b2}")
    return text.format(a4=first, b4=second, a2=f"{first % 100:02d}", b2=f"{second % 100:02d}")


def financial_year_of(value: dt.date, style: str = "2024/25") -> str:
    """The UK public-sector financial year (April to March) holding a date."""
    return financial_year(financial_year_start(value), style)


def words(n: int) -> str:
    """Spell a whole number from 0 to 999 in words (``forty-eight``)."""
    if not 0 <= n <= 999:
        return f"{n:,}"
    if n < 20:
        return UNIT_WORDS[n]
    if n < 100:
        tens, unit = divmod(n, 10)
        return TENS_WORDS[tens] + ("-" + UNIT_WORDS[unit] if unit else "")
    hundreds, rest = divmod(n, 100)
    text = f"{UNIT_WORDS[hundreds]} hundred"
    return text + (f" and {words(rest)}" if rest else "")


NUMBER_WORDS = {words(n): n for n in range(1, 1000)}
"""``"forty-eight" → 48``, for reading numbers typed as words."""


def number(n: int | Decimal) -> str:
    """Numerals with thousands separators (``1,250``)."""
    return f"{n:,}"


def percent(value: Decimal) -> str:
    """``12.5%``, no trailing zeros."""
    text = f"{Decimal(value).normalize():f}"
    return f"{text}%"
