"""The checks: every figure cross-checked before anything is written.

The rules live in a table (``table.RULES``): each is a small function with an
id and a one-line statement, registered by the module that holds it.  The
modules are imported here in the order the rules run, and ``run_checks``
iterates the table.  A finding says what was stated, what was computed and
how, and lists every place it touches.
"""

from __future__ import annotations

# isort: off
# Imported for their rules, in the order the table runs them.
from decision_papers.checks import required, ledger_rules, formulas, relations, text  # noqa: F401
from decision_papers.checks import approves, coverage, paper, records  # noqa: F401
# isort: on
from decision_papers.checks.context import Context
from decision_papers.checks.table import RULES
from decision_papers.figures.ledger import Ledger
from decision_papers.problems import Problem
from decision_papers.source.load import Source


def run_checks(source: Source, ledger: Ledger, references: list, bad, has_part2: bool,
               form) -> list[Problem]:
    """Run every paper rule of the table; return the findings in a stable order.

    ``form`` is the paper's form pack descriptor (``forms.descriptor.Form``)."""
    ctx = Context(source, ledger, references, bad, has_part2, form)
    for entry in RULES:
        if entry.scope == "paper":
            entry.run(ctx)
    return ctx.problems


def run_batch_checks(papers: list, skip=()) -> None:
    """Run every batch rule (ids, records) over the papers of one build, but those in
    ``skip`` (``diff`` compares old revisions, which may predate a record)."""
    for entry in RULES:
        if entry.scope == "batch" and entry.id not in skip:
            entry.run(papers)
