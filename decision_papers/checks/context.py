"""What a check sees: the source, the ledger, the prose references, and a
place to put findings.

``Context`` also keeps the promise that no check is skipped silently: every
stated figure that has a formula and every relation must be *settled*
(passed, found wrong, or reported as impossible to check) by the end of the
run, or the run reports it.
"""

from __future__ import annotations

from decision_papers.figures.ledger import Ledger
from decision_papers.figures.model import Figure
from decision_papers.kinds import KINDS
from decision_papers.problems import Place, Problem
from decision_papers.source.load import Source

PLACE_DEPTH = 5
"""How far back through derived figures a finding looks for typed values."""


class Context:
    """One paper's checks in progress."""

    def __init__(self, source: Source, ledger: Ledger, references: list, bad=(),
                 has_part2: bool = False, form=None):
        self.source, self.ledger, self.references = source, ledger, references
        self.bad = list(bad)
        """Entries the shapes could not read: (path parts, message, hint)."""
        self.has_part2 = has_part2
        """Whether the source has Part 2 material (inline, or in a file of its own)."""
        self.form = form
        """The paper's form pack descriptor (``forms.descriptor.Form``)."""
        self.problems: list[Problem] = []
        self.settled: set = set()
        """Keys of the figures and relations a check has dealt with."""
        self.failed: list[frozenset] = []
        """The figures of each finding so far, so a later rule need not say it again."""

    # -- places --------------------------------------------------------------
    def places(self, *ids: str, prose: bool = True, first: tuple | None = None) -> tuple:
        """Where the figures were typed (or the typed values they come from), and printed."""
        seen, out = set(), []

        def add(place: Place) -> None:
            key = (place.file, place.line, place.json_path)
            if key not in seen:
                seen.add(key)
                out.append(place)

        if first is not None:
            add(self.source.place(first))
        queue = [(fid, 0) for fid in ids]
        visited = set()
        while queue:
            fid, depth = queue.pop(0)
            figure = self.ledger.figures.get(fid)
            if figure is None or fid in visited or depth > PLACE_DEPTH:
                continue
            visited.add(fid)
            if figure.stated:
                add(self.source.place(figure.source))
            elif figure.formula:
                queue.extend((i, depth + 1) for i in figure.formula.inputs)
        if prose:
            for ref in self.references:
                if ref.figure in ids:
                    add(self.source.place(ref.path))
        return tuple(out)

    # -- outcomes ------------------------------------------------------------
    def find(self, rule: str, message: str, ids: tuple[str, ...], hint: str | None = None,
             severity: str = "error", first: tuple | None = None, key=None, **details) -> None:
        """Record a finding touching the figures ``ids``."""
        places = self.places(*ids, first=first) or (self.source.place(first or ()),)
        self.problems.append(Problem(message, places, hint, rule, severity, details))
        self.failed.append(frozenset(ids))
        if key is not None:
            self.settled.add(key)

    def passed(self, rule: str, key, *ids: str) -> None:
        """Record that a check on ``ids`` passed."""
        self.ledger.pass_(rule, *ids)
        self.settled.add(key)

    def problem(self, rule: str, message: str, at: tuple, hint: str | None = None) -> None:
        """A finding about the source itself, at ``at``."""
        self.problems.append(Problem(message, (self.source.place(at),), hint, rule))

    def told(self, ids) -> bool:
        """Whether a finding so far touched all of ``ids`` at once."""
        wanted = frozenset(ids)
        return any(wanted <= failed for failed in self.failed)

    # -- helpers -------------------------------------------------------------
    def stated_with_formula(self, rule: str):
        """Stated figures whose formula belongs to ``rule``."""
        for figure in self.ledger.figures.values():
            if figure.stated and figure.formula and figure.formula.rule == rule:
                yield figure

    def relations(self, rule: str):
        """``(index, relation)`` for the relations ``rule`` evaluates."""
        for index, relation in enumerate(self.ledger.relations):
            if relation.rule == rule:
                yield index, relation

    def each(self, rule: str):
        """``(key, relation, figures)`` for relations of ``rule`` whose figures have values.

        Relations that cannot be evaluated are reported (or were, by the
        ``reference`` rule) and settled here.
        """
        for index, relation in list(self.relations(rule)):
            key = ("relation", index)
            if not self.unavailable(rule, key, relation.ids, relation.declared_at,
                                    f"the {rule} check on {relation.ids[0]}"):
                yield key, relation, [self.ledger[i] for i in relation.ids]

    def unavailable(self, rule: str, key, ids: tuple[str, ...], at: tuple | None,
                    what: str) -> bool:
        """Report a check that cannot run because a figure has no value; True if so.

        Ids that do not resolve were reported by the ``reference`` rule and
        settle the check; a figure whose formula gives no value is reported
        here, so the check is never passed over without a word.
        """
        missing = [i for i in ids if i not in self.ledger.figures]
        if missing or any(i in self.ledger.broken for i in ids):
            self.settled.add(key)  # reported by reference, cycle or kind
            return True
        empty = [i for i in ids if self.ledger.figures[i].value is None]
        if not empty:
            return False
        why = self.ledger.uncomputable.get(empty[0], "it has no value")
        self.find(rule, f"{what} cannot be checked: {empty[0]} has no value, because {why}.",
                  ids, "correct the figures it is computed from.", first=at, key=key)
        return True


def text(figure: Figure, value) -> str:
    """``value`` printed as ``figure``'s kind."""
    return KINDS[figure.kind].text(value)
