"""Walk a validated source alongside its schema.

The schema's named ``$defs`` say what each value is.  Walking the two
together finds every prose field and every figure without a second, hand-kept
list of paths that could drift from the schema.
"""

from __future__ import annotations

from collections.abc import Iterator

from decision_papers.source.validate import form_of, schema

FIGURE_LEAVES = {
    "money": ("money", None), "date": ("date", None), "count": ("count", None),
    "percentage": ("percentage", None), "financial_year": ("financial_year", None),
    "months": ("duration", "months"), "years": ("duration", "years"),
}
"""``$defs`` names of figures typed in a shape's own fields → (figure kind, duration unit)."""
PROSE_KINDS = frozenset({"inline", "prose"})
LEAF_KINDS = frozenset({"text", "figure_ref", "key"}) | PROSE_KINDS | frozenset(FIGURE_LEAVES)
"""``$defs`` names that are leaves: the walk reports them and stops."""


def leaves(data) -> Iterator[tuple[tuple, str, object]]:
    """Yield ``(path parts, kind, value)`` for every typed leaf in ``data``."""
    whole = schema(form_of(data))
    yield from _walk(data, whole, (), whole["$defs"])


def _walk(value, sub, parts, defs):
    ref = sub.get("$ref")
    if ref:
        name = ref.rsplit("/", 1)[-1]
        if name in LEAF_KINDS:
            yield parts, name, value
            return
        sub = defs[name]
    if isinstance(value, dict):
        props = sub.get("properties", {})
        extra = sub.get("additionalProperties")
        for key, item in value.items():
            child = props.get(key, extra if isinstance(extra, dict) else None)
            if child is not None:
                yield from _walk(item, child, parts + (key,), defs)
    elif isinstance(value, list):
        # a tuple (claims' wording) has a schema per place; the rest follow "items"
        prefix, rest = sub.get("prefixItems", []), sub.get("items")
        for index, item in enumerate(value):
            child = prefix[index] if index < len(prefix) else rest
            if isinstance(child, dict):
                yield from _walk(item, child, parts + (index,), defs)


def value_at(data, parts) -> object:
    """The value at ``parts`` (keys) in ``data``, or None where there is none."""
    for part in parts:
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data
