"""The figure ledger's data: entries as declared, figures as computed.

A source declares *entries*: a figure with a stated value, a formula, or
both (then the formula checks the stated value).  The ledger computes every
formula in dependency order and gives back immutable ``Figure`` objects.
Relations that define no figure (caps, schedules, date order) are
``Relation`` objects.  All of it is plain data, so a derivation can both
compute itself and say in English how it was computed.
"""

from __future__ import annotations

from dataclasses import dataclass

from decision_papers import kinds


@dataclass(frozen=True)
class Formula:
    """How a figure is computed from others."""

    op: str
    """Operation name, a key of ``ledger.OPS``: ``sum``, ``product``, ``percent_of``..."""
    inputs: tuple[str, ...]
    """Ids of the figures it is computed from, in order."""
    rule: str
    """The check rule that compares it with a stated value."""
    params: tuple[tuple[str, object], ...] = ()
    """Extra settings (rounding, claim test, rules entry), as sorted pairs."""

    def param(self, name: str, default=None):
        """One setting, or ``default``."""
        return dict(self.params).get(name, default)


@dataclass(frozen=True)
class Entry:
    """One figure as the source declares it, before anything is computed."""

    id: str
    """Dotted id used in references: ``grants.youth.total``."""
    kind: str | None
    """Kind name; ``None`` to take it from the formula."""
    stated: object = None
    """The value typed in the source, already read by its kind; ``None`` if not typed."""
    source: tuple | None = None
    """Path parts of the stated value in the source."""
    formula: Formula | None = None
    """How it is computed, if it is."""
    declared_at: tuple | None = None
    """Path parts of the entry in the source, where a bad formula is reported."""
    label: str | None = None
    """A name in words, where the source gives one."""
    confidential: bool = False
    """True for Part 2 figures."""
    style: str = ""
    """The format ``{x}`` prints it in, where the source names one (``span``: 2024–2025)."""


@dataclass(frozen=True)
class Figure:
    """One quantity the paper can print, with how it was got."""

    id: str
    """Dotted id used in references."""
    kind: str
    """Kind name, a key of ``kinds.KINDS``."""
    value: object
    """What the paper prints: the stated value if typed, else the computed one."""
    source: tuple | None = None
    """Path parts of the stated value; ``None`` if it was computed."""
    formula: Formula | None = None
    """How it is computed, if it is."""
    computed: object = None
    """The formula's result (``None`` without a formula, or when it cannot be computed)."""
    declared_at: tuple | None = None
    """Path parts of the entry in the source."""
    label: str | None = None
    """A name in words, where the source gives one."""
    confidential: bool = False
    """True for Part 2 figures."""
    style: str = ""
    """The format ``{x}`` prints it in, where the source names one."""

    @property
    def stated(self) -> bool:
        """True when the value was typed in the source."""
        return self.source is not None

    def text(self, style: str = "") -> str:
        """The figure as printed, GOV.UK style."""
        return kinds.text(self.kind, self.value, style or self.style)

    def __str__(self) -> str:  # templates print figures directly
        return self.text()


@dataclass(frozen=True)
class Relation:
    """A check between figures that defines none of them."""

    rule: str
    """The check rule that evaluates it: ``cap``, ``schedule``, ``date_order``, ``period``."""
    test: str
    """What must hold, in the rule's terms: ``at_most``, ``before``, ``holds``..."""
    ids: tuple[str, ...]
    """The figures it relates, in the order the test reads them."""
    declared_at: tuple | None = None
    """Path parts of where the source declares it."""
    why: str | None = None
    """Why it must hold, in words, for the message."""
    implied: str | None = None
    """Where a relation nobody declared comes from, for relations the paper's meaning
    implies: ``implied by pots.grants: cap × places``."""
