"""Decision shapes: the blocks officers write, expanded into ledger entries.

Officers think in contracts, grants, budgets, pots, procurements, income and
VAT, so a source keeps named blocks for them.  Each block here becomes plain
ledger entries (figures with stated values and formulas) and relations
(caps, schedules, date order).  Nothing here computes or checks: the ledger
computes, ``checks`` compares.  A block never asks for data the paper does
not have: a contract uplift can be given as uplift and new value, a term as
a duration with no dates.
"""

from __future__ import annotations

import re

from decision_papers.figures.ledger import OPS
from decision_papers.figures.model import Entry, Formula, Relation
from decision_papers.figures.references import REFERENCE
from decision_papers.figures.thresholds import CALL_IN, RulesValue
from decision_papers.kinds import KINDS, BadValue, Claim, Duration, figure_leaves
from decision_papers.problems import json_path
from decision_papers.source.walk import PROSE_KINDS, leaves, value_at

FORMULA_KEYS = ("sum", "difference", "product", "quotient", "percent_of", "same_as",
                "approximately")
"""Formula keys of a ``figures`` entry."""
CAP_TESTS = ("at_most", "at_least", "below")
"""Cap keys of a ``figures`` entry: the figure must be at most / at least / below another."""
EQUALS = "equals"
"""A ``figures`` key: the figure must equal another (two routes to one amount)."""
UP_TO = re.compile(r"\b(?:up to|maximum|max\.|at most|no more than|not (?:to )?exceed\w*|"
                   r"caps?|capped|limit|limited|as many as|ceiling)\b", re.IGNORECASE)
"""Words that make an amount a limit, not what every place gets: "up to £65,000 each"."""
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\[{])|\n+")
"""Where one sentence of prose ends and the next begins."""
DATE_CHAIN = ("consultation_start", "consultation_end", "decision", "call_in_ends",
              "effective_from")
"""Dates a decision carries, in the order they must come (``dates.<name>``)."""


class Collector:
    """Entries, relations and problems gathered from one source."""

    def __init__(self, data: dict, decision_date: tuple | None):
        self.data = data
        self.entries: list[Entry] = []
        self.relations: list[Relation] = []
        self.bad: list[tuple[tuple, str, str | None]] = []
        """(path parts, message, hint) for entries that cannot be read."""
        self.decision_date = decision_date
        """Path parts of the decision date field, for authorised periods."""
        self.unreadable: set[str] = set()
        """Ids of figures whose stated value could not be read (already reported)."""
        self.sign_offs: tuple = ()
        """The form's sign-off date rules (``forms.descriptor.DateRule``)."""
        self._printed: dict[str | None, list[tuple[tuple, str]]] | None = None
        self.wants_decision_date = False
        """Whether a period the decision authorises needs the decision date it lacks."""
        self.feeds: set[str] = set()
        """Stated figures a shape computes from without a formula naming them."""
        self.effective: str | None = None
        """The id of the date the decision takes effect, where authorised periods may start."""
        self.ranges: dict[str, str] = {}
        """Each scheduled block's financial years, as a figure id (its ``years``, or the
        years its rows cover), for what the prose says of its length."""

    def stated(self, fid: str, kind: str, value, path: tuple, label: str | None = None):
        """A figure typed in the source."""
        self.entries.append(Entry(fid, kind, value, path, label=label))

    def formula(self, fid: str, op: str, inputs, rule: str | None = None, at: tuple = (),
                kind: str | None = None, label: str | None = None, **params):
        """A figure computed from others (checked if also stated)."""
        pairs = tuple(sorted((k, v) for k, v in params.items() if v is not None))
        self.entries.append(Entry(fid, kind, None, None,
                                  Formula(op, tuple(inputs), rule or OPS[op].rule, pairs),
                                  declared_at=at, label=label))

    def relate(self, rule: str, test: str, ids, at: tuple = (), why: str | None = None,
               implied: str | None = None):
        """A check between figures that defines none of them; ``implied`` says where one
        that nobody declared comes from."""
        self.relations.append(Relation(rule, test, tuple(ids), at, why, implied))

    def sentences(self, fid: str | None = None) -> list[tuple[tuple, str]]:
        """``(path, sentence)`` for each sentence of prose that prints ``fid`` (every sentence
        that prints a figure, with none), for what its words say of it."""
        if self._printed is None:
            self._printed = {None: []}
            for parts, kind, text in leaves(self.data):
                if kind not in PROSE_KINDS or not isinstance(text, str):
                    continue
                for sentence in _SENTENCE.split(text):
                    named = {m.group(1) for m in REFERENCE.finditer(sentence)}
                    for name in sorted(named):
                        self._printed.setdefault(name, []).append((parts, sentence))
                    if named:
                        self._printed[None].append((parts, sentence))
        return self._printed.get(fid, [])

    def has(self, path: tuple) -> bool:
        """Whether the source has a value at ``path``."""
        node = self.data
        for part in path:
            if not isinstance(node, dict) or part not in node:
                return False
            node = node[part]
        return True


def collect(data: dict, rules: dict[str, RulesValue], decision_date: tuple,
            sign_offs=(), not_in_force=frozenset()) -> Collector:
    """Every entry and relation of a validated source.

    ``sign_offs`` are the form's date rules (``forms.descriptor.DateRule``): the
    sign-off dates its descriptor says must come in order.  ``not_in_force``
    are rules the paper uses that have no value yet on its decision date,
    already reported: what uses them is left uncomputed, with no second message.
    """
    c = Collector(data, decision_date)
    c.sign_offs = tuple(sign_offs)
    c.unreadable.update(not_in_force)
    _stated_leaves(c)
    _takes_effect(c, rules)
    for key, block in data.get("contracts", {}).items():
        _contract(c, f"contracts.{key}", ("contracts", key), block)
    if "procurement" in data:
        _old_procurement(c, data["procurement"])
    for key, block in data.get("procurements", {}).items():
        _procurement(c, f"procurements.{key}", ("procurements", key), block)
    for name in ("grants", "income"):
        for key, block in data.get(name, {}).items():
            _scheduled(c, f"{name}.{key}", (name, key), block, "instalments")
    for key, block in data.get("budgets", {}).items():
        _scheduled(c, f"budgets.{key}", ("budgets", key), block, "by_year")
    for key, block in data.get("pots", {}).items():
        _pot(c, f"pots.{key}", ("pots", key), block)
    for key, block in data.get("vat", {}).items():
        _vat(c, f"vat.{key}", ("vat", key), block)
    for key, total in data.get("totals", {}).items():
        c.formula(f"totals.{key}", "sum", total["parts"], at=("totals", key, "parts"),
                  label=total.get("label"))
    _funding(c, data.get("funding"))
    _rules(c, rules, data.get("thresholds", {}))
    for key, claim in data.get("claims", {}).items():
        _claim(c, key, claim)
    for key, entry in data.get("restated", {}).items():
        c.entries.append(Entry(f"restated.{key}", None, entry["value"], ("restated", key, "value"),
                               Formula("same_as", (entry["figure"],), "one_value"),
                               declared_at=("restated", key, "figure")))
    for key, period in data.get("periods", {}).items():
        _period(c, f"periods.{key}", ("periods", key), period,
                authorised=period.get("authorised", False))
        if "same_as" in period:
            other = period["same_as"].removesuffix(".period")  # procurements.p.period
            for part in ("start", "end"):
                c.formula(f"periods.{key}.{part}", "same_as", [f"{other}.{part}"],
                          at=("periods", key, "same_as"))
    for key, figure in data.get("figures", {}).items():
        _figure(c, f"figures.{key}", ("figures", key), figure)
    _dates(c, data)
    _lengths_in_words(c)
    return c


_IN_FINANCIAL_YEARS = re.compile(r"\A\s*financial\s+years?\b", re.IGNORECASE)
"""A length the prose gives in financial years: "{x:number} financial years"."""


def _lengths_in_words(c: Collector) -> None:
    """A length the prose gives in financial years is the span of the schedule it speaks of.

    "Over {figures.length:number} financial years" beside a schedule for
    2024/25 to 2025/26 says three where the schedule says two.  The range is
    the one the same sentence prints, else the block whose figures it prints,
    else the paper's only schedule.
    """
    kinds = {e.id: e.kind for e in c.entries if e.kind}
    for parts, sentence in c.sentences():
        refs = list(REFERENCE.finditer(sentence))
        lengths = [m.group(1) for m in refs if kinds.get(m.group(1)) == "duration"
                   and _IN_FINANCIAL_YEARS.match(sentence[m.end():])]
        if not lengths:
            continue
        named = [m.group(1) for m in refs]
        ranges = [fid for fid in named if kinds.get(fid) in ("year_range", "financial_year")
                  or fid in c.ranges.values()]
        ranges = ranges or [c.ranges[b] for b in c.ranges if any(f.startswith(b + ".")
                                                                 for f in named)]
        ranges = ranges or (list(c.ranges.values()) if len(c.ranges) == 1 else [])
        for length in lengths:
            for years in ranges[:1]:
                c.relate("one_value", "equals", [length, years], parts,
                         "the prose gives both as the financial years of the same thing",
                         implied=f"implied by {json_path(parts)}: a length in financial years "
                                 "beside them")


def _stated_leaves(c: Collector) -> None:
    """Every figure typed in a shape's own fields (the schema says which are figures)."""
    figure_kinds = figure_leaves()
    for parts, kind, raw in leaves(c.data):
        if kind not in figure_kinds or parts[0] in ("figures", "restated"):
            continue
        figure_kind, unit = figure_kinds[kind]
        try:
            value = Duration(raw, unit) if unit else KINDS[figure_kind].read(raw)
        except BadValue as exc:
            c.bad.append((parts, f"{exc}.", f"write it as {_example(figure_kind)}."))
            c.unreadable.add(".".join(str(p) for p in parts))
            continue
        fid = ".".join(str(p) for p in parts)
        if len(parts) == 3 and parts[0] == "totals" and parts[2] == "stated":
            fid = f"totals.{parts[1]}"
        c.entries.append(Entry(fid, figure_kind, value, parts, confidential=parts[0] == "part2"))


def _period(c: Collector, base: str, path: tuple, period: dict,
            authorised: bool = False) -> None:
    """A period: its length checked against its dates, its end from start + length."""
    lengths = [k for k in ("months", "years") if k in period]
    length = lengths[0] if lengths else "months"
    if "start" in period and "end" in period:
        for name in lengths or ["months"]:  # each length stated is checked
            c.formula(f"{base}.{name}", "months_between", [f"{base}.start", f"{base}.end"],
                      at=path)
        c.formula(base, "period_of", [f"{base}.start", f"{base}.end"], at=path)
        if "financial_year" in period:
            c.relate("period", "holds", [f"{base}.financial_year", f"{base}.start",
                                         f"{base}.end"], path + ("financial_year",))
    elif "start" in period and lengths:
        c.formula(f"{base}.end", "end_of_term", [f"{base}.start", f"{base}.{length}"], at=path)
        c.formula(base, "period_of", [f"{base}.start", f"{base}.end"], at=path)
        if len(lengths) == 2:
            c.relate("one_value", "same_length", [f"{base}.months", f"{base}.years"], path,
                     "both give the length of the same period")
    if authorised:
        _authorised(c, base, path, period)


def _decision_id(c: Collector) -> str:
    return ".".join(c.decision_date)


TAKES_EFFECT = "decision.takes_effect"
"""The date a decision takes effect, computed where the paper does not state it."""
RETROSPECTIVE = "retrospective"
"""A period's key for why a decision approves it after it has started."""


def _takes_effect(c: Collector, rules: dict[str, RulesValue]) -> None:
    """When the decision takes effect: stated, the day after call-in ends, the decision date
    plus the rules file's call-in period, or the decision date."""
    dates = c.data.get("dates", {})
    if "effective_from" in dates:
        c.effective = "dates.effective_from"
    elif "call_in_ends" in dates:
        c.formula(TAKES_EFFECT, "takes_effect", ["dates.call_in_ends"], at=("dates",),
                  label="the day after call-in ends")
        c.effective = TAKES_EFFECT
    elif c.decision_date and CALL_IN in rules:
        c.formula(TAKES_EFFECT, "takes_effect", [_decision_id(c), CALL_IN], at=c.decision_date,
                  label="the decision date plus the call-in period")
        c.effective = TAKES_EFFECT
    elif c.decision_date:
        c.effective = _decision_id(c)


def retrospective(data: dict) -> list[tuple]:
    """The path of each period the paper approves after it started, in source order; the
    paper prints why (``RETROSPECTIVE``)."""
    return [parts for parts, _, _ in leaves(data) if parts[-1] == RETROSPECTIVE]


def _authorised(c: Collector, base: str, path: tuple, period: dict) -> None:
    """A period this decision authorises starts once the decision takes effect, unless the
    paper says why the approval is retrospective, and is not over before the decision."""
    if "start" not in period:
        return
    if not c.decision_date:
        c.wants_decision_date = True
        return
    c.relate("date_order", "ends_after", [f"{base}.end", _decision_id(c)], path,
             "a decision cannot authorise a period that is already over")
    if c.effective and RETROSPECTIVE not in period:
        c.relate("date_order", "not_before", [f"{base}.start", c.effective], path + ("start",),
                 "a decision cannot authorise a period that starts before the decision takes "
                 "effect", implied=f"implied by {base}: a period this decision authorises")


def _contract(c: Collector, base: str, path: tuple, contract: dict) -> None:
    lines = contract.get("build_up", {}).get("lines", {})
    amounts = []
    for line in lines:
        lid = f"{base}.build_up.lines.{line}"
        c.formula(f"{lid}.amount", "product", [f"{lid}.rate", f"{lid}.quantity"],
                  at=path + ("build_up", "lines", line),
                  per=lines[line].get("unit"))
        amounts.append(f"{lid}.amount")
    if amounts:
        c.formula(f"{base}.build_up.total", "sum", amounts, rule="product",
                  at=path + ("build_up",))
        c.formula(f"{base}.variation", "same_as", [f"{base}.build_up.total"], rule="product",
                  at=path + ("build_up",))
    uplift = contract.get("uplift")
    if uplift and amounts:  # the build-up gives the variation; the uplift must agree
        c.relate("percentage", uplift.get("round", "nearest_penny"),
                 [f"{base}.variation", f"{base}.uplift.percentage", f"{base}.previous_value"],
                 path + ("uplift",))
        uplift = None
    has_previous, has_new = "previous_value" in contract, "new_value" in contract
    if has_previous:
        c.formula(f"{base}.new_value", "sum", [f"{base}.previous_value", f"{base}.variation"],
                  at=path)
        if uplift:
            c.formula(f"{base}.variation", "percent_of",
                      [f"{base}.uplift.percentage", f"{base}.previous_value"],
                      at=path + ("uplift",), round=uplift.get("round", "nearest_penny"))
    elif has_new:
        c.formula(f"{base}.previous_value", "difference",
                  [f"{base}.new_value", f"{base}.variation"], at=path)
        if uplift:
            c.relate("percentage", uplift.get("round", "nearest_penny"),
                     [f"{base}.variation", f"{base}.uplift.percentage",
                      f"{base}.previous_value"], path + ("uplift",))
    new = not ({"extension", "previous_value", "variation", "uplift", "new_value"} & set(contract))
    for period in ("term", "extension"):
        if period in contract:
            _period(c, f"{base}.{period}", path + (period,), contract[period],
                    authorised=period == "extension" or new)
    if "term" in contract and "extension" in contract and "end" in contract["term"] \
            and "start" in contract["extension"]:
        c.relate("date_order", "before", [f"{base}.term.end", f"{base}.extension.start"],
                 path + ("term", "end"), "an extension must start after the current "
                 "term ends")
    if "financial_year" in contract.get("build_up", {}):
        paid = "extension" if "extension" in contract else "term"
        if c.has(path + (paid, "start")) and c.has(path + (paid, "end")):
            c.relate("period", "holds", [f"{base}.build_up.financial_year",
                                         f"{base}.{paid}.start", f"{base}.{paid}.end"],
                     path + ("build_up", "financial_year"))


def _old_procurement(c: Collector, p: dict) -> None:
    """The single ``procurement`` block: whole years at one flat annual value."""
    base = "procurement"
    c.wants_decision_date |= "start" in p and not c.decision_date
    if "start" in p and c.effective and RETROSPECTIVE not in p:
        c.relate("date_order", "not_before", [f"{base}.start", c.effective], ("procurement",
                 "start"), "a decision cannot authorise a contract that starts before the "
                 "decision takes effect", implied="implied by procurement: a contract this "
                 "decision authorises")
    if "annual_value" not in p and "term_value" not in p:
        return  # whole years with no value: nothing to compute
    from_term = "annual_value" not in p and "term_value" in p
    if from_term:
        c.formula(f"{base}.annual_value", "quotient", [f"{base}.term_value", f"{base}.term_years"],
                  at=("procurement",), per="year")
    else:
        c.formula(f"{base}.term_value", "product", [f"{base}.annual_value", f"{base}.term_years"],
                  at=("procurement",), per="year")
    if "extension_years" in p:
        c.formula(f"{base}.extension_value", "product",
                  [f"{base}.annual_value", f"{base}.extension_years"], at=("procurement",),
                  per="year")
        c.formula(f"{base}.maximum", "sum", [f"{base}.term_value", f"{base}.extension_value"],
                  at=("procurement",))
    else:
        c.formula(f"{base}.maximum", "same_as", [f"{base}.term_value"], rule="sum",
                  at=("procurement",))


def _procurement(c: Collector, base: str, path: tuple, p: dict) -> None:
    """A procurement: a term (and extension) of any length, with optional indexation.

    Each contract year is its own figure: year 1 at the annual value, each
    later year uplifted by the indexation, and a part year paid pro rata.
    """
    try:
        term = _length(p["term"])
        extension = _length(p["extension"]) if "extension" in p else None
    except BadValue as exc:
        c.bad.append((path, f"{base}: {exc}.", 'write it as {"months": 18} or {"years": 2}.'))
        return
    c.stated(f"{base}.term", "duration", term, path + ("term",))
    c.feeds.add(f"{base}.term")
    if extension:
        c.stated(f"{base}.extension", "duration", extension, path + ("extension",))
        c.feeds.add(f"{base}.extension")
    if "start" in p:
        c.formula(f"{base}.end", "end_of_term", [f"{base}.start", f"{base}.term"], at=path)
        c.formula(f"{base}.period", "period_of", [f"{base}.start", f"{base}.end"], at=path)
        _authorised(c, base, path, p)
    months = {"term": term.months or 0, "extension": (extension.months or 0) if extension else 0}
    if not months["term"] or (extension and not months["extension"]):
        c.bad.append((path + ("term",) if not months["term"] else path + ("extension",),
                      f"{base}: a term or extension to be valued must be at least one month, "
                      "given in months or years.", 'write it as {"months": 18} or {"years": 2}.'))
        return
    index = p.get("indexation")
    annual, totals = {}, {}
    slices = list(_contract_years(months["term"], months["extension"]))
    split = {year for _, year, _ in slices if sum(y == year for _, y, _ in slices) > 1}
    for part, year, length in slices:
        yid = f"{base}.years.y{year}"
        if year not in annual:
            annual[year] = f"{base}.annual_value" if year == 1 or not index else f"{yid}.annual"
            if year > 1 and index:
                c.formula(f"{yid}.uplift", "percent_of",
                          [f"{base}.indexation.percentage", annual[year - 1]],
                          at=path + ("indexation",), round=index.get("round", "nearest_pound"))
                c.formula(f"{yid}.annual", "sum", [annual[year - 1], f"{yid}.uplift"],
                          at=path + ("indexation",))
        sid = f"{yid}.{part}" if year in split else yid  # a year split by the extension
        c.stated(f"{sid}.length", "duration", Duration(length, "months"), path + (part,))
        c.formula(f"{sid}.value", "product", [annual[year], f"{sid}.length"], at=path + (part,),
                  per="year")
        totals.setdefault(part, []).append(f"{sid}.value")
    for part, values in totals.items():
        c.formula(f"{base}.{part}_value", "sum", values, rule="product", at=path + (part,))
    c.formula(f"{base}.maximum", "sum", [f"{base}.{part}_value" for part in totals], at=path)


def _contract_years(term: int, extension: int):
    """``(part, contract year, months)`` slices: years run on across term and extension.

    An 18-month term and a 12-month extension are year 1 (12 months of
    term), year 2 (6 of term, then 6 of extension) and year 3 (6 of
    extension), so indexation follows the contract year, not the part.
    """
    start = 0
    for part, length in (("term", term), ("extension", extension)):
        end = start + length
        month = start
        while month < end:
            year = month // 12 + 1
            upto = min(end, year * 12)
            yield part, year, upto - month
            month = upto
        start = end


def _example(kind: str) -> str:
    """The value part of a kind's example: ``"2024/25"`` from ``{"financial_year": "2024/25"}``."""
    example = KINDS[kind].example
    return example.split(": ", 1)[1][:-1] if example.startswith("{") else example


def _length(raw: dict) -> Duration:
    return KINDS["duration"].read(raw)


def _scheduled(c: Collector, base: str, path: tuple, block: dict, key: str) -> None:
    """A grant, income or budget paid by financial year: the years sum to the total."""
    rows = block.get(key, {})
    amounts = [f"{base}.{key}.{k}.amount" for k in rows]
    if amounts:
        c.formula(f"{base}.total", "sum", amounts, rule="schedule", at=path + (key,))
    if "period" in block:
        _period(c, f"{base}.period", path + ("period",), block["period"], authorised=True)
    dated = "start" in block.get("period", {}) and "end" in block.get("period", {})
    first_of: dict = {}  # financial year → the first row that gives it
    for k, row in rows.items():
        fy = f"{base}.{key}.{k}.financial_year"
        at = path + (key, k, "financial_year")
        if dated:  # the dates are the more exact bound; one message for one wrong year
            c.relate("schedule", "in_period", [fy, f"{base}.period.start", f"{base}.period.end"],
                     at)
        elif "years" in block:
            c.relate("schedule", "in_years", [fy, f"{base}.years"], at)
        try:
            year = KINDS["financial_year"].read(row["financial_year"])
        except BadValue:
            continue  # reported where it is typed
        if year in first_of:
            c.relate("schedule", "distinct", [fy, first_of[year]], at)
        first_of.setdefault(year, fy)
    if rows:
        c.formula(f"{base}.span", "span_of", [f"{base}.{key}.{k}.financial_year" for k in rows],
                  at=path + (key,), label="the financial years its schedule covers")
    if rows or "years" in block:
        c.ranges[base] = f"{base}.years" if "years" in block else f"{base}.span"
    if rows and "years" in block:  # a range of years is scheduled in full (after its rows)
        c.relate("schedule", "covers", [f"{base}.years", f"{base}.span"], path + ("years",),
                 implied=f"implied by {base}: its financial years and its schedule")
    period = block.get("period", {})
    if base in c.ranges and _from_april(period):
        for name in ("years", "months"):  # a length from 1 April is so many financial years
            if name in period:
                c.relate("one_value", "equals", [f"{base}.period.{name}", c.ranges[base]],
                         path + ("period", name), "both give the financial years it runs",
                         implied=f"implied by {base}: its length and its financial years")
    if "years" in block:
        try:
            c.stated(f"{base}.years", "year_range", KINDS["year_range"].read(block["years"]),
                     path + ("years",))
        except BadValue as exc:
            c.bad.append((path + ("years",), f"{base}.years: {exc}.",
                          f"write it as {_example('year_range')}."))
            c.unreadable.add(f"{base}.years")
    if "years" in block and dated:
        c.relate("period", "spans", [f"{base}.years", f"{base}.period.start",
                                     f"{base}.period.end"], path + ("years",),
                 implied=f"implied by {base}: its financial years and its dates")
    if "within" in block:
        c.relate("cap", "at_most", [f"{base}.total", block["within"]], path + ("within",))


def _from_april(period: dict) -> bool:
    """Whether a period runs from 1 April (or gives no start): then its length in years is
    so many financial years."""
    try:
        start = KINDS["date"].read(period["start"]) if "start" in period else None
    except BadValue:
        return False  # reported where it is typed
    return start is None or (start.month, start.day) == (4, 1)


def _pot(c: Collector, base: str, path: tuple, pot: dict) -> None:
    """A pot: allocations each within the cap, together within the pot, no more than places."""
    allocations = [f"{base}.allocations.{k}.amount" for k in pot.get("allocations", {})]
    if "cap_each" in pot and "places" in pot:
        c.formula(f"{base}.maximum", "product", [f"{base}.cap_each", f"{base}.places"], at=path)
    if "cap_each" in pot:
        c.relate("cap", "at_most", [f"{base}.cap_each", f"{base}.total"], path + ("cap_each",))
    if "cap_each" in pot and "places" in pot:  # what the words give the places, the pot holds
        words = [sentence for _, sentence in c.sentences(f"{base}.cap_each")]
        exact = bool(words) and not any(UP_TO.search(s) for s in words)
        c.relate("cap", "fills" if exact else "fills_up_to",
                 [f"{base}.cap_each", f"{base}.places", f"{base}.total"], path + ("places",),
                 implied=f"implied by {base}: cap × places")
    if allocations:
        c.formula(f"{base}.allocated", "sum", allocations, at=path + ("allocations",))
        c.formula(f"{base}.allocation_count", "count_of", allocations, at=path + ("allocations",))
        c.relate("cap", "at_most", [f"{base}.allocated", f"{base}.total"],
                 path + ("allocations",), "allocations must fit within the pot")
        if "cap_each" in pot:
            for fid in allocations:
                c.relate("cap", "at_most", [fid, f"{base}.cap_each"],
                         path + ("allocations", fid.split(".")[-2]))
        if "places" in pot:
            c.relate("cap", "at_most", [f"{base}.allocation_count", f"{base}.places"],
                     path + ("allocations",))
        c.formula(f"{base}.remaining", "difference", [f"{base}.total", f"{base}.allocated"],
                  at=path)


def _vat(c: Collector, base: str, path: tuple, block: dict) -> None:
    """Net + VAT = gross, with VAT at the rate in the rules file."""
    if "net_of" in block:
        c.formula(f"{base}.net", "same_as", [block["net_of"]], at=path + ("net_of",))
    c.formula(f"{base}.vat", "vat", ["rates.vat", f"{base}.net"], at=path)
    c.formula(f"{base}.gross", "sum", [f"{base}.net", f"{base}.vat"], rule="vat", at=path)


def _funding(c: Collector, funding: dict | None) -> None:
    if not funding:
        return
    parts = [f"funding.sources.{k}.amount" for k in funding["sources"]]
    for key, source in funding["sources"].items():
        if "figure" in source:  # the amount is a figure stated elsewhere in the paper
            c.formula(f"funding.sources.{key}.amount", "same_as", [source["figure"]],
                      at=("funding", "sources", key, "figure"))
    for key, source in funding["sources"].items():
        if "percentage" in source:
            c.relate("percentage", "share_of", [f"funding.sources.{key}.amount",
                                                f"funding.sources.{key}.percentage",
                                                funding["covers"]],
                     ("funding", "sources", key, "percentage"),
                     implied=f"implied by funding.sources.{key}: its share of what it funds")
    c.formula("funding.total", "sum", parts, at=("funding", "sources"))
    c.relate("sum", "equals", ["funding.total", funding["covers"]], ("funding", "covers"),
             "the funding sources must add up to what they pay for")


def _rules(c: Collector, rules: dict[str, RulesValue], stated: dict) -> None:
    """Thresholds and rates in force on the decision date, from the rules file."""
    for value in rules.values():
        c.formula(value.id, "rules", [], kind=value.kind, at=("organisation", "rules"),
                  label=value.name, value=value.value, value_kind=value.kind,
                  describe=value.describe())
    for key in stated:
        if f"thresholds.{key}" not in rules and f"thresholds.{key}" not in c.unreadable:
            c.bad.append((("thresholds", key),
                          f'thresholds.{key} is not a threshold in the rules file, so its value '
                          "cannot be checked.",
                          "name a threshold the rules file has, or add it to the rules file."))


def _claim(c: Collector, key: str, claim: dict) -> None:
    wording = tuple(claim["wording"]) if "wording" in claim else None
    stated = Claim(claim["test"], claim["stated"], wording) if "stated" in claim else None
    c.entries.append(Entry(
        f"claims.{key}", "claim", stated, ("claims", key, "stated") if stated else None,
        Formula("claim", (claim["figure"], claim["threshold"]), "threshold_claim",
                tuple(sorted({"test": claim["test"], "wording": wording}.items()))),
        declared_at=("claims", key)))


def _figure(c: Collector, fid: str, path: tuple, entry: dict) -> None:
    """A ``figures`` entry: a stated value of any kind, a formula, caps, or all three."""
    kind_keys = [k for k in entry if k in KINDS and k != "claim"]
    formula_keys = [k for k in FORMULA_KEYS if k in entry]
    for keys, what in ((kind_keys, "values"), (formula_keys, "formulas")):
        if len(keys) > 1:
            c.bad.append((path + (keys[1],), f"{fid} has two {what}: {keys[0]} and {keys[1]}.",
                          "keep one; put the other in an entry of its own."))
            return
    if kind_keys and "kind" in entry and entry["kind"] != kind_keys[0]:
        c.bad.append((path + ("kind",), f'{fid} says its kind is {entry["kind"]}, but its value '
                      f"is given as {kind_keys[0]}.", "remove kind, or correct it."))
        return
    kind, stated, source = entry.get("kind"), None, None
    if kind_keys:
        kind = kind_keys[0]
        source = path + (kind,)
        try:
            stated = KINDS[kind].read(entry[kind])
        except BadValue as exc:
            c.bad.append((source, f"{fid}: {exc}.", f"write it as {KINDS[kind].example}."))
            return
    formula = None
    for op in FORMULA_KEYS:
        if op not in entry:
            continue
        spec = entry[op]
        at = path + (op,)
        if op in ("sum",):
            formula = Formula("sum", tuple(spec), "sum")
        elif op in ("difference", "product", "quotient"):
            formula = Formula(op, tuple(spec), "sum" if op == "difference" else "product",
                              (("per", entry["per"]),) if "per" in entry else ())
        elif op == "percent_of":
            formula = Formula("percent_of", (spec["percentage"], spec["of"]), "percentage",
                              (("round", spec.get("round", "nearest_penny")),))
        elif op == "same_as":
            formula = Formula("same_as", (spec,), "one_value")
        elif op == "approximately":
            formula = Formula("approximately", (spec["of"],), "approximation",
                              (("within", _tolerance(spec)),))
        c.entries.append(Entry(fid, kind, stated, source, formula, at, entry.get("label"),
                               style=_style(c, fid, path, kind, entry)))
        break
    else:
        if stated is None:
            c.bad.append((path, f"{fid} has no value and no formula.",
                          f"give it a value, e.g. {KINDS.get(kind or 'money').example}, or a "
                          'formula such as "sum": [...].'))
            return
        c.entries.append(Entry(fid, kind, stated, source, None, path, entry.get("label"),
                               style=_style(c, fid, path, kind, entry)))
    for test in CAP_TESTS:
        if test in entry:
            c.relate("cap", test, [fid, entry[test]], path + (test,))
    if EQUALS in entry:
        c.relate("one_value", "equals", [fid, entry[EQUALS]], path + (EQUALS,),
                 "they must be equal")


def _style(c: Collector, fid: str, path: tuple, kind: str | None, entry: dict) -> str:
    """The format a ``figures`` entry names for ``{x}`` (``"style": "span"``): one its kind
    has, else reported (a formula's kind is known only once computed: then any name goes,
    and one its kind lacks prints in the default)."""
    style = entry.get("style", "")
    if style and kind and style not in KINDS[kind].formats:
        named = ", ".join(s for s in KINDS[kind].formats if s)
        c.bad.append((path + ("style",), f'{fid}: "{style}" is not a format of '
                      f"{KINDS[kind].what}.", f"use one of: {named}."))
        return ""
    return style


def _tolerance(spec: dict):
    within = spec.get("within", {"percentage": 10})
    if "money" in within:
        return ("money", KINDS["money"].read(within["money"]))
    return ("percentage", KINDS["percentage"].read(within["percentage"]))


def _dates(c: Collector, data: dict) -> None:
    """Dates a decision carries must come in a possible order."""
    dates = data.get("dates", {})
    chain = [name for name in DATE_CHAIN if name in dates]
    declared = {(rule.before, rule.after) for rule in c.sign_offs}  # the form says it better
    for first, second in zip(chain, chain[1:]):
        if (f"dates.{first}", f"dates.{second}") in declared:
            continue
        c.relate("date_order", "not_after", [f"dates.{first}", f"dates.{second}"],
                 ("dates", second), _CHAIN_WHY.get((first, second)) or
                 f"{_CHAIN_NAMES[first]} must come on or before {_CHAIN_NAMES[second]}")
    if "published" in dates and "decision" in dates and \
            ("dates.decision", "dates.published") not in declared:
        c.relate("date_order", "not_after", ["dates.decision", "dates.published"],
                 ("dates", "published"), "a decision cannot be published before it is made")
    if "decision" in dates and c.decision_date and tuple(c.decision_date) != ("dates", "decision"):
        c.formula("dates.decision", "same_as", [_decision_id(c)], at=("dates", "decision"))
    for rule in c.sign_offs:
        before, after = tuple(rule.before.split(".")), tuple(rule.after.split("."))
        if value_at(data, before) is not None and value_at(data, after) is not None:
            c.relate("date_order", "before" if rule.strict else "not_after",
                     [rule.before, rule.after], before, rule.why)
    approval = data.get("approval", {})
    corrected = ["approval.date"] if approval.get("date") else []
    for index, _ in enumerate(data.get("corrigenda", [])):
        if corrected:
            c.relate("date_order", "not_after", [corrected[-1], f"corrigenda.{index}.date"],
                     ("corrigenda", index, "date"), "a correction comes after the approval "
                     "and after any earlier correction")
        corrected.append(f"corrigenda.{index}.date")
    publication = data.get("publication", {})
    if approval.get("date") and publication.get("deferred") and publication.get("until"):
        c.relate("date_order", "not_after", ["approval.date", "publication.until"],
                 ("approval", "date"), "publication cannot be deferred to a date before the "
                 "decision is approved")


_CHAIN_NAMES = {
    "consultation_start": "the start of the consultation",
    "consultation_end": "the end of the consultation",
    "decision": "the decision",
    "call_in_ends": "the end of the call-in period",
    "effective_from": "the date the decision takes effect",
}
"""The dates of ``DATE_CHAIN`` in words, for date-order messages."""
_CHAIN_WHY = {
    ("consultation_start", "consultation_end"): "a consultation must open before it closes",
    ("consultation_start", "decision"): "consultation must open before the decision",
    ("consultation_end", "decision"): "consultation must close before the decision",
    ("decision", "call_in_ends"): "the call-in period runs after the decision",
    ("decision", "effective_from"): "a decision cannot take effect before it is made",
    ("call_in_ends", "effective_from"): "a decision takes effect only after call-in",
}
"""Why two neighbours in ``DATE_CHAIN`` come in that order, where it reads better."""

