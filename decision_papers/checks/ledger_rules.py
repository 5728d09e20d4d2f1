"""Rules about the ledger itself: every id resolves, no loops, kinds that combine."""

from __future__ import annotations

from decision_papers.checks.table import rule


def _issues(ctx, rule_id: str) -> None:
    for issue in ctx.ledger.issues:
        if issue.rule == rule_id:
            ctx.problem(rule_id, issue.message, issue.at, issue.hint)


@rule("value", "Every figure the source states must read as its kind.")
def values(ctx) -> None:
    for at, message, hint in ctx.bad:
        ctx.problem("value", message, at, hint)


@rule("reference", "Every figure a formula, relation or claim names must exist.")
def references(ctx) -> None:
    _issues(ctx, "reference")


@rule("cycle", "No figure may be computed from itself, directly or through others.")
def cycles(ctx) -> None:
    _issues(ctx, "cycle")


@rule("kind", "A formula or relation must combine figures of kinds it can (no adding a date "
              "to money).")
def kinds(ctx) -> None:
    _issues(ctx, "kind")

