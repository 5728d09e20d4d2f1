"""Rules about every figure at once, run after the others: no amount below zero, and no
stated figure that no check can see.

They run last because what the other rules found decides what is left to say: a
remainder below zero because the allocations overrun the pot is that finding, said
once.
"""

from __future__ import annotations

from decision_papers.checks.table import rule
from decision_papers.figures.ledger import expression, names


@rule("negative", "An amount of money is never below zero, unless the source declares it a "
                  "reduction or saving.")
def negatives(ctx) -> None:
    for figure in ctx.ledger.figures.values():
        if figure.kind != "money" or figure.value is None or figure.value >= 0 \
                or figure.confidential or _reduction(ctx.source.data, figure.id):
            continue
        inputs = figure.formula.inputs if figure.formula else ()
        if ctx.told((figure.id,)) or (inputs and ctx.told(inputs)):
            continue  # a finding about it, or about its inputs, says why
        how = f" ({names(ctx.ledger, figure.id)} = {expression(ctx.ledger, figure.id)})" \
            if figure.formula else ""
        ctx.find("negative", f"{figure.id} comes to {figure.text()}{how}; an amount of money "
                 "cannot be below zero.", (figure.id, *inputs),
                 'correct the figures it is computed from; if it is a saving or reduction, '
                 'declare it as a "figures" entry with "reduction": true.',
                 first=figure.declared_at if not figure.stated else None)


def _reduction(data: dict, fid: str) -> bool:
    """Whether the source declares ``fid`` a reduction or saving (``"reduction": true``)."""
    group, _, key = fid.partition(".")
    return group == "figures" and bool(data.get("figures", {}).get(key, {}).get("reduction"))


@rule("tied", "Every figure the source states takes part in a relation or feeds a rule, or "
              "says why it stands alone (standalone).", severity="warning")
def tied(ctx) -> None:
    used = set(ctx.ledger.passed) | ctx.ledger.feeds | ctx.ledger.inputs
    for relation in ctx.ledger.relations:
        used.update(relation.ids)
    used.update(".".join(str(p) for p in at) for at, _, _ in ctx.bad)  # reported already
    if ctx.form is not None:
        used.add(".".join(ctx.form.decision_date_field(ctx.source.data)))
    alone = standalone(ctx.source.data)
    for fid in alone:
        if fid not in ctx.ledger.figures:
            near = ctx.ledger.closest(fid)
            ctx.problem("reference", f'standalone names "{fid}", which is not a figure in this '
                        "paper.", ("standalone", fid) if fid in ctx.source.data.get(
                            "standalone", {}) else ("figures", fid.split(".", 1)[-1]),
                        f"did you mean {near}?" if near else "name a figure the paper states.")
    for figure in ctx.ledger.figures.values():
        if not figure.stated or figure.formula or figure.confidential or figure.id in used \
                or figure.id in alone or ctx.told((figure.id,)) or \
                figure.id.startswith(("thresholds.", "rates.")):  # the rules file's to check
            continue  # a figure a finding is about is one a check sees
        ctx.find("tied", f"{figure.id} ({figure.text()}) is stated, but no check can see it: "
                 "it takes part in no relation and feeds no rule, so a slip in it would "
                 "never be caught.", (figure.id,),
                 "relate it to the figures it belongs with (a total it is part of, a cap, "
                 '"equals"); or, if it stands alone, say why under "standalone": '
                 f'{{"{figure.id}": "..."}}.', severity="warning")


def standalone(data: dict) -> dict[str, str]:
    """Figure id → why it stands alone, from ``standalone`` and ``figures`` entries."""
    alone = dict(data.get("standalone", {}))
    for key, entry in data.get("figures", {}).items():
        if isinstance(entry, dict) and entry.get("standalone"):
            alone[f"figures.{key}"] = entry["standalone"]
    return alone
