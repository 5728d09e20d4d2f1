"""Rules about the paper as a whole, and about a batch of papers."""

from __future__ import annotations

from decision_papers.checks.table import rule
from decision_papers.problems import Place, Problem


@rule("part2", "\"Is there a Part 2 form?\" must match whether the source has Part 2 material.")
def part2_declared(ctx) -> None:
    data = ctx.source.data
    has, says = ctx.has_part2, data["publication"]["part2"]
    if has == says:
        return
    message = ("the source has Part 2 material, but publication.part2 says there is no "
               "Part 2 form." if has else "publication.part2 says there is a Part 2 form, but "
               "the source has no part2 material.")
    hint = ('set "part2": true in publication.' if has else
            'add the Part 2 material under "part2", or set publication.part2 to false.')
    ctx.problem("part2", message, ("publication", "part2"), hint)


@rule("unchecked", "Every stated figure that has a formula, and every relation, must be "
                   "checked: no check is skipped silently.")
def nothing_skipped(ctx) -> None:
    for fid, figure in ctx.ledger.figures.items():
        if figure.stated and figure.formula and ("figure", fid) not in ctx.settled:
            ctx.problem("unchecked", f"no check ran on {fid}, which is stated and has a "
                        f"formula ({figure.formula.op}); this is a fault in the tool.",
                        figure.source, "please report it with this source.")
    for index, relation in enumerate(ctx.ledger.relations):
        if ("relation", index) not in ctx.settled:
            ctx.problem("unchecked", f"no check ran on the {relation.rule} relation between "
                        f"{', '.join(relation.ids)}; this is a fault in the tool.",
                        relation.declared_at or (), "please report it with this source.")


@rule("id", "Each decision id belongs to one source.", scope="batch")
def duplicate_ids(papers) -> None:
    seen = {}
    for paper in papers:
        if paper.id is None or paper.failed:
            continue
        first = seen.setdefault(paper.id, paper)
        if first is not paper:
            for one, other in ((first, paper), (paper, first)):
                one.problems.append(Problem(
                    f'the id "{paper.id}" is also used by {other.path}; both would write '
                    f"out/{paper.id}.docx.", (Place(str(one.path), json_path="$.id"),),
                    "give each decision its own id.", rule="id"))
