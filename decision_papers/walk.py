"""Walk a validated source alongside its schema.

The schema's named ``$defs`` say what each value is.  Walking the two
together finds every prose field and every figure without a second, hand-kept
list of paths that could drift from the schema.
"""

from __future__ import annotations

from collections.abc import Iterator

from .validate import schema

LEAF_KINDS = frozenset({
    "text", "inline", "prose", "money", "date", "count", "months", "years",
    "financial_year", "figure_ref", "key",
})
"""``$defs`` names that are leaves: the walk reports them and stops."""

FIGURE_KINDS = frozenset({"money", "date", "count", "months", "years", "financial_year"})
PROSE_KINDS = frozenset({"inline", "prose"})


def leaves(data) -> Iterator[tuple[tuple, str, object]]:
    """Yield ``(path parts, kind, value)`` for every typed leaf in ``data``."""
    yield from _walk(data, schema(), ())


def _walk(value, sub, parts):
    defs = schema()["$defs"]
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
                yield from _walk(item, child, parts + (key,))
    elif isinstance(value, list) and isinstance(sub.get("items"), dict):
        for index, item in enumerate(value):
            yield from _walk(item, sub["items"], parts + (index,))
