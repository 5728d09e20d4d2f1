"""The one base of every error the tool raises, and the usage error.

Errors are data, as in jsonschema: a ``Failure`` knows the findings it
stands for (``problems()``), so whatever step raises it, the build turns it
into findings in one place and carries on with the next paper.  This module
imports ``problems`` only when a finding is made, so a build with nothing to
do names its errors without loading what findings need.
"""

from __future__ import annotations


class Failure(Exception):
    """Something the tool cannot get past, said as the findings a user can act on.

    ``rule`` and ``hint`` are the finding's; a failure that is about a file
    names it in ``where`` (else the paper's source is the place).
    """

    rule = "source"
    hint: str | None = None
    where = None
    """The file the failure is about (a ``Path``), when it is not the paper's source."""

    def problems(self, source=None) -> list:
        """The findings this failure stands for; ``source`` is the paper's file, where a
        failure that names no file of its own is placed."""
        return [self.problem(source)]

    def problem(self, source=None):
        """This failure as one finding (``problems.Problem``)."""
        from decision_papers.problems import Place, Problem
        from decision_papers.projects import display_path
        where = self.where if self.where is not None else source
        places = (Place(display_path(where)),) if where is not None else ()
        return Problem(str(self), places, self.hint, self.rule)


class UsageError(Failure):
    """The command was given something it cannot work with (exit 2): never one paper's fault."""

    rule = "usage"


class ProblemsFound(Failure):
    """Raised by a step that collected problems it cannot get past."""

    def __init__(self, problems: list):
        super().__init__(f"{len(problems)} problem(s)")
        self.found = list(problems)

    def problems(self, source=None) -> list:
        return list(self.found)
