"""Figure kinds: one registry entry says everything about a kind.

A kind knows how to read its value from a source, the formats a reference may
ask for (``{id:format}``), how a reader would type it loose in prose (so the
``loose_figure`` check can catch it), which values are the same (across
kinds too), whether it adds up, how it is measured against a cap or a claim,
how a difference is worded, its words in schema messages, its JSON Schema,
its JSON form in ``figures.json``, and how to tell an officer to add one.

Adding a kind means adding one ``Kind`` here, and nothing else: the schema's
figure entry and kind definitions are made from the registry
(``in_schema``), and ``scripts/kind_schema.py`` writes them into
``schema/common.schema.json`` for editors (a test keeps the file in step).
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from decision_papers import formatting
from decision_papers.errors import Failure

# -- values -----------------------------------------------------------------

DURATION_UNITS = ("days", "months", "years")
DURATION_LIMITS = {"days": 36500, "months": 1200, "years": 100}
"""The longest duration of each unit (a century), as the schema allows."""


@dataclass(frozen=True, order=True)
class Duration:
    """A length of time as the paper states it: ``18 months``, ``3 years``."""

    amount: int
    """How many units."""
    unit: str
    """``days``, ``months`` or ``years``."""

    @property
    def months(self) -> int | None:
        """Length in months (``None`` for days, which do not convert)."""
        return {"months": self.amount, "years": self.amount * 12}.get(self.unit)

    def same_length(self, other: "Duration") -> bool:
        """``12 months`` is the same length as ``1 year``."""
        if self.unit == "days" or other.unit == "days":
            return (self.amount, self.unit) == (other.amount, other.unit)
        return self.months == other.months


@dataclass(frozen=True)
class Period:
    """From one date to another, both days included."""

    start: dt.date
    """First day."""
    end: dt.date
    """Last day."""


@dataclass(frozen=True, order=True)
class FinancialYear:
    """A UK public-sector financial year, 1 April to 31 March."""

    first: int
    """The calendar year it starts in: 2024 for 2024/25."""

    @property
    def start(self) -> dt.date:
        """1 April of its first year."""
        return dt.date(self.first, 4, 1)

    @property
    def end(self) -> dt.date:
        """31 March of its second year."""
        return dt.date(self.first + 1, 3, 31)


@dataclass(frozen=True)
class YearRange:
    """Consecutive financial years, ``2024/25 to 2026/27``."""

    first: FinancialYear
    """The first year."""
    last: FinancialYear
    """The last year (the same as ``first`` for one year)."""

    @property
    def years(self) -> int:
        """How many financial years it covers."""
        return self.last.first - self.first.first + 1


@dataclass(frozen=True)
class Rate:
    """Money per unit: ``£295 a session day``."""

    amount: Decimal
    """Pounds per unit."""
    per: str
    """What one unit is: ``session day``, ``year``, ``hour``."""


@dataclass(frozen=True)
class Claim:
    """A computed yes/no about two figures: ``exceeds`` / ``does not exceed``."""

    test: str
    """``exceeds``, ``at_least``, ``below`` or ``within``."""
    holds: bool
    """Whether the test holds for the figures."""
    wording: tuple[str, str] | None = None
    """What to print when it holds and when it does not, if not the default."""


CLAIM_WORDS = {
    "exceeds": ("exceeds", "does not exceed"),
    "at_least": ("is at or above", "is below"),
    "below": ("is below", "is not below"),
    "within": ("is within", "is not within"),
}
"""Default wording of each claim test: (holds, does not hold)."""


class BadValue(Failure, ValueError):
    """A stated value that is not of its kind; the message is plain English."""

    rule = "value"


# -- the registry -----------------------------------------------------------

@dataclass(frozen=True)
class Loose:
    """How a figure of a kind looks when typed into prose instead of referenced."""

    pattern: re.Pattern
    """What to find in prose (references are blanked out first)."""
    read: Callable[[re.Match], object]
    """The typed value, comparable with figure values of the kind; ``None`` if unknown."""
    needs: re.Pattern | None = None
    """Something every match holds (a digit, ``%``): text without it is not searched.  Most
    paragraphs hold no figure at all, and this one quick search spares the long ones."""


def _plain(value):
    """A value as JSON: numbers that are not whole (``Decimal``) as strings, exactly."""
    return value if isinstance(value, (int, str, bool)) else str(value)


@dataclass(frozen=True)
class Kind:
    """Everything the tool knows about one kind of figure."""

    name: str
    """Id used in sources (``"money": 14560``) and in ``figures.json``."""
    what: str
    """The kind in words, with its article: ``an amount of money``."""
    read: Callable[[object], object]
    """JSON value → Python value; raises ``BadValue`` with a plain message."""
    formats: dict[str, Callable[[object], str]]
    """Format name → printer; ``""`` is the default."""
    example: str
    """A ``figures`` entry an officer can copy, for hints."""
    loose: tuple[Loose, ...] = ()
    """Ways it gets typed into prose."""
    same: Callable[[object, object], bool] = lambda a, b: a == b
    """Whether two values are the same figure (``12 months`` is ``1 year``)."""
    matches: tuple[str, ...] = ()
    """Other kinds whose values one of this kind's can be (a rate's amount is an amount of
    money; a range of financial years is so many years): a loose figure typed as one of
    those may be meant as one of these."""
    lossy: dict[str, Callable[[object], bool]] = field(default_factory=dict)
    """Formats that can round, with a test of whether they round this value."""
    adds: bool = False
    """Whether figures of it can be added up and taken from each other."""
    measure: Callable[[object], object] | None = None
    """A value's size, for a cap (at most, at least, below) or a claim (exceeds); None
    when values of the kind have no order to compare."""
    unlike: Callable[[object, object], tuple[str, str] | None] = lambda a, b: None
    """Why two values of the kind cannot be measured against each other (days and months),
    with a hint; None when they can."""
    gap: Callable[[object, object], str | None] = lambda a, b: None
    """How far apart two different values are, in words (``£25``, ``3 months``)."""
    words: str | None = None
    """The kind in a schema message: ``expected an amount of money (a number such as
    14560, without £ or commas)``."""
    schema: dict | None = None
    """The JSON Schema of a stated value; None for a kind that is only ever computed."""
    shared: bool = False
    """Whether its schema is a named definition (``$defs/<name>``) other fields use too."""
    leaves: dict[str, str | None] = field(default_factory=dict)
    """The schema definitions whose values, in a block's own fields, are figures of this
    kind, each with its unit where the value is a number of them (``"months"``)."""
    json: Callable[[object], object] = _plain
    """A value in JSON, as ``figures.json`` gives it."""

    def text(self, value, style: str = "") -> str:
        """``value`` printed in ``style``."""
        return self.formats[style](value)


class _Registry(dict):
    """The kinds by name, counting every change, so what is made from them (the schema) is
    made again after one."""

    changes = 0

    def __setitem__(self, name, kind) -> None:
        super().__setitem__(name, kind)
        self.changes += 1

    def __delitem__(self, name) -> None:
        super().__delitem__(name)
        self.changes += 1


KINDS: dict[str, Kind] = _Registry()
"""Every kind, by name."""


def register(kind: Kind) -> Kind:
    """Add ``kind`` to the registry: from then on sources may state it and the schema has it."""
    KINDS[kind.name] = kind
    return kind


def generation() -> int:
    """How many times the registry has changed: what is made from it (the schema) is made
    again when a kind is added, replaced or taken away."""
    return KINDS.changes


LARGEST = Decimal(10) ** 12
"""The largest number a figure may hold (the schema's limit on money)."""


def _decimal(raw, what: str) -> Decimal:
    """A number typed as a number; text is refused, as the schema refuses it."""
    if isinstance(raw, bool) or not isinstance(raw, (int, float, Decimal)):
        raise BadValue(f"expected {what}")
    value = Decimal(str(raw))
    if not value.is_finite() or abs(value) > LARGEST or value.as_tuple().exponent < -10:
        raise BadValue(f"expected {what} of at most 12 digits and 2 decimal places")
    return value


def _itself(value):
    return value


# money -----------------------------------------------------------------------

def _read_money(raw) -> Decimal:
    value = _decimal(raw, "an amount of money (a number such as 14560)")
    if value.as_tuple().exponent < -2 and \
            value != value.quantize(Decimal("0.01"), rounding="ROUND_DOWN"):
        raise BadValue(f"{raw} has a fraction of a penny")
    return value + Decimal(0)  # -0 → 0


_SCALE = {"k": 1_000, "thousand": 1_000, "m": 1_000_000, "mn": 1_000_000,
          "million": 1_000_000, "bn": 1_000_000_000, "billion": 1_000_000_000}


def _typed_money(match: re.Match) -> Decimal | None:
    if match.group("pence"):
        return Decimal(match.group("pence")) / 100
    amount = Decimal(match.group("amount").replace(",", ""))
    scale = (match.group("scale") or "").strip().lower()
    return amount * _SCALE.get(scale, 1)


_MONEY_LOOSE = re.compile(r"""
      (?: £ | \bGBP )  \s?                            # £40k, GBP 5,000
      (?P<amount> \d{1,3} (?:,\d{3})+ (?:\.\d+)?      #   1,250.50
                | \d+ (?:\.\d+)? )                    #   3.47
      (?P<scale> \s? (?:thousand|million|billion|mn|bn|k|m) \b )?
    | (?<! [\d.,] ) \b (?P<pence> \d+ ) (?: p | \s?pence ) \b     # 50p, 50 pence
    """, re.IGNORECASE | re.VERBOSE)

register(Kind(
    name="money", what="an amount of money", read=_read_money,
    formats={
        "": formatting.money,
        "millions": formatting.money_millions,
        "m": lambda v: f"£{formatting.millions(v)[0]}m",
        "k": lambda v: f"£{formatting.scaled(v, 1_000, 1)[0]}k",
        "k_caps": lambda v: f"£{formatting.scaled(v, 1_000, 1)[0]}K",
    },
    lossy={
        "millions": lambda v: not formatting.millions(v)[1],
        "m": lambda v: not formatting.millions(v)[1],
        "k": lambda v: not formatting.scaled(v, 1_000, 1)[1],
        "k_caps": lambda v: not formatting.scaled(v, 1_000, 1)[1],
    },
    example='{"money": 14560}',
    loose=(Loose(_MONEY_LOOSE, _typed_money, re.compile(r"[£\d]|gbp", re.IGNORECASE)),),
    adds=True, measure=_itself, gap=lambda a, b: formatting.money(abs(a - b)),
    words="an amount of money (a number such as 14560, without £ or commas)",
    schema={"type": "number", "minimum": 0, "multipleOf": Decimal("0.01"),
            "description": "Pounds, as a number without £ or commas: 14560 or 14560.50.",
            "maximum": 1000000000000},
    shared=True, leaves={"money": None},
))


# percentage ------------------------------------------------------------------

_ONES = "|".join(formatting.UNIT_WORDS[1:10])
_BELOW_100 = (f"(?: (?:{'|'.join(w for w in formatting.TENS_WORDS if w)}) (?: - (?:{_ONES}) )?"
              f" | {'|'.join(formatting.UNIT_WORDS[10:20])} | {_ONES} )")
_NUMBER_WORDS = rf"(?: (?:{_ONES}) \ hundred (?: \ and \ {_BELOW_100} )? | {_BELOW_100} )"
"""Every key of ``formatting.NUMBER_WORDS`` (one to nine hundred and ninety-nine), by its grammar:
the longest first ("twenty-five", not "twenty"; "seventeen", not "seven").  Its 999
spellings as one alternation took 30 ms to compile on every run."""

_PERCENT_LOOSE = re.compile(r"""
    (?<! [\d.,-] ) \b
    (?P<n> \d+ (?:\.\d+)? | """ + _NUMBER_WORDS + r""" )    # 20, 4.2, twenty
    \s? (?: % | per \s? cent \b )                         # %, per cent, percent
    """, re.IGNORECASE | re.VERBOSE)


def _typed_number(word: str) -> Decimal | None:
    word = word.lower()
    if word in formatting.NUMBER_WORDS:
        return Decimal(formatting.NUMBER_WORDS[word])
    try:
        return Decimal(word.replace(",", ""))
    except InvalidOperation:
        return None


def _read_percentage(raw) -> Decimal:
    value = _decimal(raw, "a percentage (a number such as 25 for 25%)")
    if value < 0 or value > 1000:
        raise BadValue(f"{raw}% is not a percentage this tool accepts (0 to 1,000)")
    return value


register(Kind(
    name="percentage", what="a percentage", read=_read_percentage,
    formats={"": formatting.percent,
             "per_cent": lambda v: formatting.percent(v)[:-1] + " per cent"},
    example='{"percentage": 25}',
    loose=(Loose(_PERCENT_LOOSE, lambda m: _typed_number(m.group("n")),
                 re.compile("%|cent", re.IGNORECASE)),),
    adds=True, measure=_itself, gap=lambda a, b: formatting.percent(abs(a - b)),
    words="a percentage as a number (25 for 25%)",
    schema={"type": "number", "minimum": 0, "maximum": 1000,
            "description": "A percentage as a number: 25 for 25%, 4.2 for 4.2%."},
    shared=True, leaves={"percentage": None},
))


# count -----------------------------------------------------------------------

def _read_count(raw) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
        raise BadValue("expected a whole number (such as 15)")
    return raw


class TypedCount(int):
    """A number typed before a plural noun ("seven providers"): the noun says what it
    counts, so a figure of that name can be found."""

    noun: str = ""


NOT_COUNTED = frozenset({
    "days", "weeks", "months", "years", "hours", "minutes", "seconds", "pounds", "pence",
    "percent", "times", "decades", "centuries", "sections", "paragraphs", "pages", "parts",
    "schedules", "appendices", "annexes", "items", "points", "clauses", "articles", "regulations",
    "rules", "steps", "chapters", "tables", "figures", "fortnights"})
"""Nouns after a number that do not make it a count a paper's figures hold: lengths (a
duration's), and the paper's own numbered parts (section 3 has "3 sections" nowhere, but
"paragraphs 3 and 4" are places)."""


def _typed_count(match: re.Match):
    noun = match.group("noun").lower()
    number = _typed_number(match.group("n"))
    if noun in NOT_COUNTED or number is None:
        return None
    typed = TypedCount(int(number))
    typed.noun = noun
    return typed


register(Kind(
    name="count", what="a number", read=_read_count,
    formats={"": formatting.number, "words": formatting.words},
    loose=(Loose(re.compile(r"""
        (?<! [\w£$.,/–-] ) (?<! [£$] \s )
        (?P<n> \d{1,3} (?:,\d{3})* | """ + _NUMBER_WORDS + r""" )
        \s (?P<noun> [a-z][a-z-]* s ) \b
        (?! \s+ (?:a|an|per|each|every) \s+ (?:day|week|month|year) \b )
        """, re.IGNORECASE | re.VERBOSE), _typed_count),),
    example='{"count": 15}',
    adds=True, measure=_itself, gap=lambda a, b: formatting.number(abs(a - b)),
    words="a whole number",
    schema={"type": "integer", "minimum": 0, "maximum": 1000000000},
    shared=True, leaves={"count": None},
))


# date ------------------------------------------------------------------------

class Month(dt.date):
    """A date the paper gives only to the month ("in March 2025"): it is the whole month, so
    it compares with any day by year and month, and prints as the month."""

    def __new__(cls, year: int, month: int):
        return super().__new__(cls, year, month, 1)

    def _key(self, other):
        if not isinstance(other, dt.date):
            raise TypeError(f"a month cannot be compared with {type(other).__name__}")
        return (self.year, self.month), (other.year, other.month)

    def __eq__(self, other):
        if not isinstance(other, dt.date) or isinstance(other, dt.datetime):
            return NotImplemented
        mine, theirs = self._key(other)
        return mine == theirs

    def __lt__(self, other):
        mine, theirs = self._key(other)
        return mine < theirs

    def __le__(self, other):
        mine, theirs = self._key(other)
        return mine <= theirs

    def __gt__(self, other):
        mine, theirs = self._key(other)
        return mine > theirs

    def __ge__(self, other):
        mine, theirs = self._key(other)
        return mine >= theirs

    __hash__ = dt.date.__hash__

    def __add__(self, other):  # a day's arithmetic is the first day's: a date, not a month
        return dt.date(self.year, self.month, 1) + other

    __radd__ = __add__

    def __sub__(self, other):
        return dt.date(self.year, self.month, 1) - other

    def __rsub__(self, other):
        return other - dt.date(self.year, self.month, 1)

    @property
    def last_day(self) -> dt.date:
        """The month's last day: where a period given to the month ends."""
        after = dt.date(self.year + self.month // 12, self.month % 12 + 1, 1)
        return after - dt.timedelta(days=1)

    def isoformat(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def __repr__(self) -> str:
        return f"Month({self.year}, {self.month})"


_MONTH_ONLY = re.compile(r"\A(\d{4})-(\d{2})\Z")


def read_date(raw) -> dt.date:
    try:
        month = _MONTH_ONLY.match(raw) if isinstance(raw, str) else None
        if month:
            return Month(int(month.group(1)), int(month.group(2)))
        return dt.date.fromisoformat(raw)
    except (TypeError, ValueError):
        raise BadValue(f'expected a date written YYYY-MM-DD (or YYYY-MM for a month), but '
                       f'found "{raw}"') from None


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def _typed_date(match: re.Match):
    g = match.groupdict()
    try:
        if g.get("mon"):
            name = g["mon"][:3].title()
            month = formatting.MONTH_ABBREVIATIONS.index(name) + 1
        else:
            month = int(g["mm"])
        if g.get("day"):
            return dt.date(_year(g["year"]), month, int(g["day"]))
        return (_year(g["year"]), month)  # a month: compared by year and month
    except (ValueError, TypeError):
        return None


_MONTH = r"(?P<mon> " + "|".join(sorted(
    {*formatting.MONTHS, *formatting.MONTH_ABBREVIATIONS, "Sept"},
    key=lambda m: (-len(m), m))) + r" ) \.?"
"""``March``, ``Mar``, ``Mar.``: capitalised, so "may" in a sentence is not May."""
_DAY = r"(?P<day> \d{1,2} ) (?:st|nd|rd|th)?"

_DIGIT = re.compile(r"\d")
"""Every date, and every financial year, typed in prose has a digit."""
_DATE_LOOSE = tuple(re.compile(p, re.VERBOSE) for p in (
    # 31 March 2025, 31st Mar 2025, 31 March, 2025
    r"\b" + _DAY + r" \s " + _MONTH + r" ,? \s (?P<year> \d{4} ) \b",
    # March 31, 2025; March 31 2025
    r"\b" + _MONTH + r" \s " + _DAY + r" ,? \s (?P<year> \d{4} ) \b",
    # March 2025 (inside "31 March 2025" too, but the longer match that starts
    # first wins: see checks.text.typed_figures)
    r"\b" + _MONTH + r" \s (?P<year> \d{4} ) \b",
    # 31/03/2025, 31-03-25
    r"(?<! [\d./-] ) \b (?P<day> \d{1,2} ) (?P<sep> [/-] ) (?P<mm> \d{1,2} ) (?P=sep)"
    r"(?P<year> \d{4} | \d{2} ) \b (?! [./-] \d )",
    # 14.02.2025: with dots only with a four-digit year, as paragraph 3.2.1 is not a date
    r"(?<! [\d.] ) \b (?P<day> \d{1,2} ) \. (?P<mm> \d{1,2} ) \. (?P<year> \d{4} ) \b (?! \.\d )",
    # 2025-03-31
    r"\b (?P<year> (?:19|20)\d{2} ) - (?P<mm> \d{2} ) - (?P<day> \d{2} ) \b",
))


_PREPOSITIONS = ("in", "by", "from", "during", "until", "since", "before", "after", "to",
                 "for", "of", "early", "late", "mid")
_BARE_YEAR = re.compile(
    "(?:" + "|".join(rf"(?<=\b{p} )" for p in _PREPOSITIONS) + ")"
    r"(?P<year>(?:19|20)\d{2})\b(?![/–-]\d)(?!\s*(?:Act|Regulations?|Order|Rules)\b)",
    re.IGNORECASE)
"""A year on its own after a word that makes it a time ("in 2025", "since 2019"); a year
after a name ("the Equality Act 2010") is part of the name."""


def _typed_year(match: re.Match):
    return (int(match.group("year")),)


def _with_day(printer):
    """A format that prints the day: a date given to the month prints as the month, never
    with a day nobody gave."""
    return lambda d: formatting.month_year(d) if isinstance(d, Month) else printer(d)


def _same_date(value, typed) -> bool:
    if isinstance(typed, tuple):
        return (value.year, value.month)[:len(typed)] == typed
    return value == typed


register(Kind(
    name="date", what="a date", read=read_date,
    formats={"": formatting.date, "month": formatting.month_year, "month_name": formatting.month,
             "year": lambda d: str(d.year), "fy": formatting.financial_year_of,
             "dotted": _with_day(lambda d: f"{d.day:02d}.{d.month:02d}.{d.year}"),
             "numeric": _with_day(lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}"),
             "ordinal": _with_day(formatting.ordinal_date), "iso": lambda d: d.isoformat()},
    example='{"date": "2025-03-31"}',
    loose=tuple(Loose(p, _typed_date, _DIGIT) for p in _DATE_LOOSE)
    + (Loose(_BARE_YEAR, _typed_year, _DIGIT),),
    same=_same_date, measure=_itself, gap=lambda a, b: _days(abs((a - b).days)),
    words="a date written YYYY-MM-DD",
    schema={"type": "string", "format": "date",
            "pattern": "^(19|20)[0-9]{2}-[0-9]{2}(-[0-9]{2})?(?!\\n)$",
            "description": "YYYY-MM-DD, in the years 1900 to 2099; YYYY-MM for a date the "
                           "paper gives only to the month (\"in March 2025\")."},
    shared=True, leaves={"date": None}, json=lambda d: d.isoformat(),
))


def _days(days: int) -> str:
    return f"{days} day{'s' if days != 1 else ''}"


# duration --------------------------------------------------------------------

def _read_duration(raw) -> Duration:
    if isinstance(raw, Duration):
        return raw
    if isinstance(raw, dict) and len(raw) == 1:
        (unit, amount), = raw.items()
        if unit in DURATION_UNITS and isinstance(amount, int) and not isinstance(amount, bool) \
                and 0 <= amount <= DURATION_LIMITS[unit]:
            return Duration(amount, unit)
    raise BadValue('expected a duration such as {"years": 3} or {"months": 18}')


def _duration_text(d: Duration, number) -> str:
    unit = d.unit[:-1] if d.amount == 1 else d.unit
    return f"{number(d.amount)} {unit}"


_DURATION_LOOSE = re.compile(r"""
    (?<! [\w.,/–-] )                  # not the "25" of 2024-25, nor the "five" of twenty-five
    (?P<n> \d{1,3} | """ + _NUMBER_WORDS + r""" )
    [ -] (?: (?:financial|calendar) [ -] )?
    (?P<unit> day | month | year ) s? \b         # 18 months, five-month, 3 financial years
    (?! \s+ (?: (?:a|an|per|each|every) \s+ (?:day|week|month|year|fortnight)
               | at \s+ a \s+ time ) \b )    # a frequency, not a length: seven days a week
    """, re.IGNORECASE | re.VERBOSE)


def _unlike_lengths(a: Duration, b: Duration) -> tuple[str, str] | None:
    if a.unit == b.unit or "days" not in (a.unit, b.unit):
        return None
    return (f"one is in {a.unit} and the other in {b.unit}, and days do not convert to "
            f"{b.unit if a.unit == 'days' else a.unit}",
            "give both lengths in days, or both in months or years.")


def _length_gap(a: Duration, b: Duration) -> str | None:
    if a.months is None or b.months is None:
        return None
    return _duration_text(Duration(abs(a.months - b.months), "months"), formatting.number)


def _typed_duration(match: re.Match):
    n = _typed_number(match.group("n"))
    return None if n is None else Duration(int(n), match.group("unit").lower() + "s")


register(Kind(
    name="duration", what="a duration", read=_read_duration,
    formats={
        "": lambda d: _duration_text(d, formatting.number),
        "words": lambda d: _duration_text(d, formatting.words),
        "number": lambda d: formatting.number(d.amount),
        "number_words": lambda d: formatting.words(d.amount),
        "adjective": lambda d: f"{formatting.words(d.amount)}-{d.unit[:-1]}",
    },
    example='{"duration": {"years": 3}}',
    loose=(Loose(_DURATION_LOOSE, _typed_duration,
                 re.compile("day|month|year", re.IGNORECASE)),),
    same=lambda a, b: isinstance(b, Duration) and a.same_length(b),
    adds=True, measure=lambda d: d.amount if d.months is None else d.months,
    unlike=_unlike_lengths, gap=_length_gap,
    words='a duration such as {"years": 3} or {"months": 18}',
    schema={"type": "object", "additionalProperties": False, "minProperties": 1,
            "maxProperties": 1,
            "description": 'A length of time with no dates: {"years": 3}, {"months": 18} or '
                           '{"days": 30}.',
            "properties": {unit: {"type": "integer", "minimum": 0, "maximum": limit}
                           for unit, limit in (("years", 100), ("months", 1200),
                                               ("days", 36500))}},
    shared=True, leaves={"months": "months", "years": "years"},
    json=lambda d: {d.unit: d.amount},
))


# period ----------------------------------------------------------------------

def _read_period(raw) -> Period:
    if isinstance(raw, dict) and set(raw) == {"start", "end"}:
        return Period(read_date(raw["start"]), read_date(raw["end"]))
    raise BadValue('expected a period such as {"start": "2024-04-01", "end": "2025-03-31"}')


register(Kind(
    name="period", what="a period", read=_read_period,
    formats={"": lambda p: f"{formatting.date(p.start)} to {formatting.date(p.end)}",
             "months": lambda p: f"{formatting.month_year(p.start)} to "
                                 f"{formatting.month_year(p.end)}"},
    example='{"period": {"start": "2024-04-01", "end": "2025-03-31"}}',
    schema={"type": "object", "additionalProperties": False, "required": ["start", "end"],
            "properties": {"start": {"$ref": "#/$defs/date"}, "end": {"$ref": "#/$defs/date"}}},
    json=lambda p: {"start": p.start.isoformat(), "end": p.end.isoformat()},
))


# financial years -------------------------------------------------------------

_FY = re.compile(r"\A((?:19|20)\d{2})[/–-](?:19|20)?(\d{2})\Z")
_FY_PATTERN = "^(19|20)[0-9]{2}[/–-]((19|20)[0-9]{2}|[0-9]{2})(?!\\n)$"
"""A financial year as the schema writes it (see ``source.validate`` on ``(?!\\n)$``)."""


def _read_financial_year(raw) -> FinancialYear:
    match = _FY.match(raw) if isinstance(raw, str) else None
    if match is None:
        raise BadValue(f'expected a financial year such as "2024/25", but found "{raw}"')
    first = int(match.group(1))
    if int(match.group(2)) != (first + 1) % 100:
        raise BadValue(f'"{raw}" is not a financial year: the one that starts in {first} is '
                       f"{formatting.financial_year(first)}")
    return FinancialYear(first)


def _typed_fy(match: re.Match):
    first, second = match.group("first"), match.group("second")
    if len(first) == 2:
        # 24/25 and FY24-25 are financial years; a bare 24-25 is pages or items
        if len(second) == 4 or (match.group("sep") != "/" and not match.group("fy")):
            return None
    first = _year(first)
    if int(second[-2:]) != (first + 1) % 100:
        return None
    return FinancialYear(first)


_FY_LOOSE = re.compile(r"""
    (?<! [\w/.–-] )
    (?P<fy> FY \s? )?
    (?P<first> (?:19|20)\d{2} | \d{2} )           # 2024/25, 2025–2026, 24/25, FY2024/25
    \s? (?P<sep> [/–-] ) \s?
    (?P<second> (?:19|20)\d{2} | \d{2} )
    (?! [/.–-]? \d )                              # not 2025-03 of 2025-03-31
    """, re.IGNORECASE | re.VERBOSE)

register(Kind(
    name="financial_year", what="a financial year", read=_read_financial_year,
    formats={"": lambda y: formatting.financial_year(y.first),
             "dash": lambda y: formatting.financial_year(y.first, "2024-25"),
             "short": lambda y: formatting.financial_year(y.first, "24/25"),
             "full": lambda y: formatting.financial_year(y.first, "2024/2025"),
             "span": lambda y: formatting.financial_year(y.first, "2024–2025"),
             "first_year": lambda y: str(y.first)},
    example='{"financial_year": "2024/25"}',
    loose=(Loose(_FY_LOOSE, _typed_fy, _DIGIT),),
    words="a financial year such as 2024/25",
    schema={"type": "string", "pattern": _FY_PATTERN,
            "description": "e.g. 2024/25 (or 2024-25, 2024/2025, 2024–2025)."},
    shared=True, leaves={"financial_year": None},
    json=lambda y: f"{y.first}/{(y.first + 1) % 100:02d}",
))


def _read_year_range(raw) -> YearRange:
    if isinstance(raw, dict) and set(raw) == {"from", "to"}:
        first, last = _read_financial_year(raw["from"]), _read_financial_year(raw["to"])
        if last < first:
            raise BadValue(f'the range ends ({raw["to"]}) before it starts ({raw["from"]})')
        return YearRange(first, last)
    raise BadValue('expected financial years such as {"from": "2024/25", "to": "2025/26"}')


def _typed_year_range(match: re.Match):
    g = match.groupdict()
    if g.get("calendar_first"):  # 2023-2027: the financial years from 2023/24 to 2026/27
        first, after = int(g["calendar_first"]), int(g["calendar_last"])
        return YearRange(FinancialYear(first), FinancialYear(after - 1)) \
            if after >= first + 2 else None
    first, last = _typed_fy(_FY_LOOSE.fullmatch(g["from"])), \
        _typed_fy(_FY_LOOSE.fullmatch(g["to"]))
    if first is None or last is None or last < first:
        return None
    return YearRange(first, last)


_FY_TEXT = r"(?: (?:19|20)\d{2} | \d{2} ) / (?: (?:19|20)?\d{2} )"
_YEAR_RANGE_LOOSE = (
    # 2023/24 to 2025/26, 23/24-25/26, (2023/24 - 2025/26)
    re.compile(r"(?<! [\w/.–-] ) (?P<from> " + _FY_TEXT + r" ) \s? (?: [–-] | \s to \s ) \s?"
               r" (?P<to> " + _FY_TEXT + r" ) (?! [/.–-]? \d )", re.VERBOSE),
    # 2023-2027, 2023 – 2027
    re.compile(r"(?<! [\w/.–-] ) (?P<calendar_first> (?:19|20)\d{2} ) \s? [–-] \s?"
               r" (?P<calendar_last> (?:19|20)\d{2} ) (?! [/.–-]? \d )", re.VERBOSE),
)

register(Kind(
    name="year_range", what="a range of financial years", read=_read_year_range,
    formats={
        "": lambda r: formatting.financial_year(r.first.first) + (
            "" if r.years == 1 else f" to {formatting.financial_year(r.last.first)}"),
        "years": lambda r: f"{formatting.words(r.years)} financial "
                           f"year{'s' if r.years != 1 else ''}",
        "count": lambda r: formatting.number(r.years),
        "first": lambda r: formatting.financial_year(r.first.first),
        "last": lambda r: formatting.financial_year(r.last.first),
        "calendar": lambda r: f"{r.first.first}–{r.last.first + 1}",
        "short": lambda r: formatting.financial_year(r.first.first, "24/25") + "–"
                           + formatting.financial_year(r.last.first, "24/25"),
    },
    example='{"year_range": {"from": "2024/25", "to": "2025/26"}}',
    loose=tuple(Loose(p, _typed_year_range, _DIGIT) for p in _YEAR_RANGE_LOOSE),
    same=lambda a, b: a == b or (isinstance(b, Duration) and b.unit == "years"
                                 and b.amount == a.years),
    matches=("duration",),
    words='financial years such as {"from": "2024/25", "to": "2025/26"}',
    schema={"type": "object", "additionalProperties": False, "required": ["from", "to"],
            "description": 'Consecutive financial years, e.g. {"from": "2024/25", "to": '
                           '"2025/26"}; {x:years} prints "two financial years".',
            "properties": {"from": {"type": "string", "pattern": _FY_PATTERN},
                           "to": {"type": "string", "pattern": _FY_PATTERN}}},
    shared=True,
    json=lambda r: {"from": KINDS["financial_year"].json(r.first),
                    "to": KINDS["financial_year"].json(r.last)},
))


# rate ------------------------------------------------------------------------

def _read_rate(raw) -> Rate:
    if isinstance(raw, dict) and set(raw) == {"amount", "per"} and isinstance(raw["per"], str):
        return Rate(_read_money(raw["amount"]), raw["per"])
    raise BadValue('expected a rate such as {"amount": 295, "per": "session day"}')


register(Kind(
    name="rate", what="a rate", read=_read_rate,
    formats={"": lambda r: f"{formatting.money(r.amount)} "
                           f"{'an' if r.per[:1] in 'aeiou' else 'a'} {r.per}",
             "amount": lambda r: formatting.money(r.amount),
             "per": lambda r: r.per},
    example='{"rate": {"amount": 295, "per": "session day"}}',
    same=lambda a, b: a == b or (isinstance(b, Decimal) and a.amount == b),
    matches=("money",),
    schema={"type": "object", "additionalProperties": False, "required": ["amount", "per"],
            "properties": {"amount": {"$ref": "#/$defs/money"}, "per": {"$ref": "#/$defs/text"}}},
    json=lambda r: {"amount": str(r.amount), "per": r.per},
))


# claim -----------------------------------------------------------------------

def _claim_text(c: Claim) -> str:
    return (c.wording or CLAIM_WORDS[c.test])[0 if c.holds else 1]


def _read_claim(raw) -> bool:
    if not isinstance(raw, bool):
        raise BadValue("expected true or false")
    return raw


register(Kind(
    name="claim", what="a claim about a threshold", read=_read_claim,
    formats={"": _claim_text},
    example='a "claims" entry: {"figure": "totals.x", "test": "exceeds", "threshold": '
            '"thresholds.y"}',
    same=lambda a, b: a.holds == (b.holds if isinstance(b, Claim) else b),
    json=lambda c: c.holds,
))


def text(kind: str, value, style: str = "") -> str:
    """A value of ``kind`` printed in ``style``."""
    return KINDS[kind].text(value, style)


TIME_KINDS = ("duration", "period", "financial_year", "year_range")
"""Kinds that each say how long something runs, so any two of them can be equal: three
years, 2024/25 to 2026/27, and 1 April 2024 to 31 March 2027 are one length."""


def _span(kind: str, value) -> Period | None:
    """The dates a value of a time kind covers (None for a duration, which has none)."""
    if kind == "financial_year":
        return Period(value.start, value.end)
    if kind == "year_range":
        return Period(value.first.start, value.last.end)
    return value if kind == "period" else None


def last_day(day: dt.date) -> dt.date:
    """A period's last day: a date given to the month ends on the month's last day."""
    return day.last_day if isinstance(day, Month) else day


def _whole_months(period: Period) -> int | None:
    """How many whole months a period runs, or None if it is not whole months."""
    after = last_day(period.end) + dt.timedelta(days=1)
    months = (after.year - period.start.year) * 12 + after.month - period.start.month
    return months if after.day == period.start.day else None


def equal(kind_a: str, a, kind_b: str, b) -> bool | None:
    """Whether two figures say the same, in either order, across kinds that can; None when
    their kinds cannot be compared (money and a date)."""
    if kind_a == kind_b:
        return KINDS[kind_a].same(a, b)
    if kind_a in TIME_KINDS and kind_b in TIME_KINDS:
        if kind_b == "duration":
            kind_a, a, kind_b, b = kind_b, b, kind_a, a
        span_b = _span(kind_b, b)
        if kind_a != "duration":
            return _span(kind_a, a) == span_b
        if a.unit == "days":
            return (last_day(span_b.end) - span_b.start).days + 1 == a.amount
        return _whole_months(span_b) == a.months
    if kind_b in KINDS[kind_a].matches:
        return KINDS[kind_a].same(a, b)
    if kind_a in KINDS[kind_b].matches:
        return KINDS[kind_b].same(b, a)
    return None


def difference(kind: str, a, b) -> str | None:
    """``a − b`` in words for a finding (``£25``, ``3 months``), or None (or no gap)."""
    return None if a == b else KINDS[kind].gap(a, b)


def meant_as(kind: str) -> tuple[str, ...]:
    """The kinds a value typed as ``kind`` may be a figure of: its own, and each that
    ``matches`` it (a typed amount of money may be a rate's)."""
    return (kind, *(k.name for k in KINDS.values() if kind in k.matches))


def json_value(kind: str, value):
    """A figure's exact value as JSON (None when it has none)."""
    return None if value is None else KINDS[kind].json(value)


def figure_leaves() -> dict[str, tuple[str, str | None]]:
    """``$defs`` names of figures typed in a block's own fields → (kind, duration unit)."""
    return {name: (kind.name, unit) for kind in KINDS.values()
            for name, unit in kind.leaves.items()}


def in_schema(common: dict) -> dict:
    """``common`` (the shared schema, as read) with the registry's kinds in it.

    Each kind with a shared schema is a named definition (``$defs/money``); each
    kind a source can state is in the figure entry, by its definition or its own
    schema, and in the list of kinds a figure may name.  Everything else in the
    figure entry stays where it is, after them.
    """
    defs = common["$defs"]
    entry = defs["figure_entry"]["properties"]
    stated = [kind for kind in KINDS.values() if kind.schema is not None]
    for kind in stated:
        if kind.shared:
            defs[kind.name] = copy.deepcopy(kind.schema)
    properties = {"label": entry["label"],
                  "kind": {**entry["kind"], "enum": [kind.name for kind in stated]}}
    for kind in stated:
        properties[kind.name] = {"$ref": f"#/$defs/{kind.name}"} if kind.shared else \
            copy.deepcopy(kind.schema)
    properties.update((k, v) for k, v in entry.items() if k not in properties and k not in KINDS)
    defs["figure_entry"]["properties"] = properties
    return common
