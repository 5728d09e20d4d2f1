"""Rules about what the paper's form requires of it."""

from __future__ import annotations

from decision_papers.checks.table import rule
from decision_papers.forms.descriptor import nearest
from decision_papers.source.walk import value_at


@rule("schema", "Every section and labelled field the form requires must be in the source, "
                "as every field its schema requires is.")
def required_parts(ctx) -> None:
    """A section the form requires but the paper lacks: its heading would stand empty."""
    data = ctx.source.data
    for section in ctx.form.sections:
        if section.required and section.kind == "paragraphs" and \
                value_at(data, ("part1", section.id)) is None:
            ctx.problem("schema", f'this form requires the section "{section.heading}", but '
                        f"part1 has no {section.id}.", ("part1",) if "part1" in data else (),
                        f"add part1.{section.id}: a list of its paragraphs.")
        for label, place, required in section.fields:
            if required and value_at(data, tuple(place.split("."))) is None:
                ctx.problem("schema", f"this form's field \"{label}\" is {place}, which this "
                            "paper does not give.", nearest(data, (place,)),
                            "add it, or ask for the form to make the field optional.")
