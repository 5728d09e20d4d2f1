"""What the decision approves: stated where the form says a reader looks for it.

A reader of the executive summary should learn what the decision spends.
The recommendations define it: the amounts they print, less those that are
parts of another they print (a total and its parts are one approval), less
thresholds and rates (a limit, not spending) and a procurement's values (a
permission to tender, whose spending a later award approves).  Each place
the form names (``approval_stated_in``) must print their total, or each of
them; by value, so a total restated there counts.
"""

from __future__ import annotations

import re

from decision_papers import formatting
from decision_papers.checks.table import rule

NOT_SPENDING = ("thresholds.", "rates.", "procurement.", "procurements.", "claims.")
"""Figures a recommendation prints that are not what the decision spends."""
EACH = re.compile(r"\s*(?:each|per|a|an)\b", re.IGNORECASE)
"""Words after an amount that make it one of many (£25,000 each), not a sum approved."""
PLACES = {"executive_summary": "the executive summary", "title": "the title"}


def approved(ctx) -> list:
    """The amounts the recommendations approve, in the order they first print them.

    An amount that is part of another printed there (an input of it, however far back,
    or held within it by a cap) is that one's part, and one that shares a part with an
    amount printed before it ("a variation of £X, increasing the contract to £Y") says
    the same approval again.
    """
    ledger, seen = ctx.ledger.figures, []
    for ref in ctx.references:
        figure = ledger.get(ref.figure)
        if ref.path[:1] == ("recommendations",) and figure is not None \
                and figure.kind == "money" and figure.value is not None \
                and not figure.confidential and not ref.figure.startswith(NOT_SPENDING) \
                and not EACH.match(ref.after) and figure not in seen:
            seen.append(figure)
    within = {}
    for relation in ctx.ledger.relations:
        if relation.rule == "cap" and relation.test == "at_most":
            within.setdefault(relation.ids[1], set()).add(relation.ids[0])
    kept, covered = [], set()
    for figure in seen:
        parts = _parts(ctx.ledger, figure.id, within)
        if figure.id in covered or any(figure.id in _parts(ctx.ledger, other.id, within)
                                       for other in seen if other is not figure):
            continue
        if parts & covered:
            continue
        kept.append(figure)
        covered |= parts | {figure.id}
    return kept


def _parts(ledger, fid: str, within: dict, depth: int = 0) -> set[str]:
    """Every figure ``fid`` is computed from, or holds within it by a cap, however far back."""
    figure = ledger.figures.get(fid)
    if figure is None or depth > 20:
        return set()
    found = set(figure.formula.inputs if figure.formula else ()) | within.get(fid, set())
    for inner in list(found):
        found |= _parts(ledger, inner, within, depth + 1)
    return found


@rule("approves", "Where the form says (the executive summary), the paper must state what "
                  "its recommendations approve: their total, or each amount.")
def approves(ctx) -> None:
    amounts = approved(ctx)
    if not amounts or ctx.form is None:
        return
    total = sum(f.value for f in amounts)
    for place in ctx.form.approval_stated_in:
        if place not in ctx.source.data:
            continue
        printed = [ctx.ledger.figures[r.figure] for r in ctx.references
                   if r.path[:1] == (place,) and r.figure in ctx.ledger.figures]
        values = {f.value for f in printed} | {i for f in printed if f.formula and f.formula.op
                                               == "same_as" for i in f.formula.inputs}
        missing = [f for f in amounts if f.value not in values and f.id not in values]
        if total in values or not missing:
            continue
        listed = _listed(amounts)
        ctx.problem("approves", f"the recommendations approve {listed}"
                    + (f", {formatting.money(total)} in all" if len(amounts) > 1 else "")
                    + f", but {PLACES[place]} does not state {_listed(missing)}.", (place,),
                    f"print {' and '.join('{' + f.id + '}' for f in missing)} in {PLACES[place]}"
                    + (", or their total (a totals entry of the amounts)." if len(amounts) > 1
                       else "."))
        ctx.problems[-1].details.update(approved=[f.id for f in amounts])


def _listed(figures) -> str:
    named = [f"{f.id} ({f.text()})" for f in figures]
    return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
