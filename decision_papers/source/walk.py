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


VALUE_KINDS = frozenset({"text", "inline", "key"}) | frozenset(FIGURE_LEAVES)
"""Leaves that print as one piece of one-line text: a form may put them in a field or its words."""


def kind_at(form: str | None, parts) -> str | None:
    """What the schema of ``form`` says is at ``parts`` in a source: a leaf's ``$defs`` name
    (``inline``, ``date``, ``paragraphs``...), else ``object`` or ``array``; ``None`` where
    a source can hold nothing.

    A form's descriptor names places in its sources; this says, before any
    source is built, whether each can exist and what it holds.
    """
    whole = schema(form)
    defs, sub = whole["$defs"], whole
    for part in parts:
        sub = _deref(sub, defs)
        if sub is None:
            return None
        props, extra, items = sub.get("properties", {}), sub.get("additionalProperties"), \
            sub.get("items")
        if part in props:
            sub = props[part]
        elif isinstance(extra, dict):
            sub = extra
        elif part.isdigit() and isinstance(items, dict):
            sub = items
        else:
            return None
    ref = sub.get("$ref")
    if ref:
        name = ref.rsplit("/", 1)[-1]
        if name in LEAF_KINDS or name == "paragraphs":
            return name
        sub = defs[name]
    kind = sub.get("type")
    return kind if kind in ("object", "array") else "object" if "properties" in sub else kind


def _deref(sub: dict, defs: dict) -> dict | None:
    """``sub`` with a ``$ref`` to ``$defs`` followed; ``None`` at a leaf, which holds no parts."""
    ref = sub.get("$ref")
    if not ref:
        return sub
    name = ref.rsplit("/", 1)[-1]
    return None if name in LEAF_KINDS else defs.get(name)


def value_at(data, parts) -> object:
    """The value at ``parts`` (keys) in ``data``, or None where there is none."""
    for part in parts:
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data
