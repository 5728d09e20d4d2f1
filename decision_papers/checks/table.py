"""The rule table: every check, with its id and one-line statement.

Each rule is a small function registered here with ``@rule``.  ``run_checks``
iterates this table and ``docs/checks.md`` prints it (a test keeps the two in step).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """One check rule."""

    id: str
    """Stable id, printed in every finding: ``error [sum]: …``."""
    statement: str
    """What the rule checks, in one line, as ``docs/checks.md`` prints it."""
    run: Callable
    """The check: ``run(context)`` for a paper, ``run(papers)`` for a batch."""
    severity: str = "error"
    """``error`` or ``warning`` (a warning fails only with ``--strict``)."""
    scope: str = "paper"
    """``paper``: runs on one paper's figures; ``batch``: on all papers of a build."""


RULES: list[Rule] = []
"""Every rule, in the order they run."""


def rule(rule_id: str, statement: str, severity: str = "error", scope: str = "paper"):
    """Register the decorated function as rule ``rule_id``."""
    def register(run: Callable) -> Callable:
        RULES.append(Rule(rule_id, statement, run, severity, scope))
        return run
    return register
