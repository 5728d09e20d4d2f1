"""Walk a validated source alongside its schema.

The schema's named ``$defs`` say what each value is.  Walking the two
together finds every prose field and every figure without a second, hand-kept
list of paths that could drift from the schema.
"""

from __future__ import annotations

from collections.abc import Iterator

from decision_papers.kinds import figure_leaves
from decision_papers.source.validate import form_of, schema

PROSE_KINDS = frozenset({"inline", "prose"})
_TEXT = frozenset({"text", "figure_ref", "key"}) | PROSE_KINDS


def leaf_kinds() -> frozenset[str]:
    """``$defs`` names that are leaves: the walk reports them and stops.  The figures among
    them are the kinds' (``kinds.figure_leaves``)."""
    return _TEXT | frozenset(figure_leaves())


def value_kinds() -> frozenset[str]:
    """Leaves that print as one piece of one-line text: a form may put them in a field or
    its words."""
    return frozenset({"text", "inline", "key"}) | frozenset(figure_leaves())


def leaves(data) -> Iterator[tuple[tuple, str, object]]:
    """Yield ``(path parts, kind, value)`` for every typed leaf in ``data``."""
    whole = schema(form_of(data))
    yield from _walk(data, whole, (), whole["$defs"], leaf_kinds())


def _walk(value, sub, parts, defs, leaf):
    ref = sub.get("$ref")
    if ref:
        name = ref.rsplit("/", 1)[-1]
        if name in leaf:
            yield parts, name, value
            return
        sub = defs[name]
    if isinstance(value, dict):
        props = sub.get("properties", {})
        extra = sub.get("additionalProperties")
        for key, item in value.items():
            child = props.get(key, extra if isinstance(extra, dict) else None)
            if child is not None:
                yield from _walk(item, child, parts + (key,), defs, leaf)
    elif isinstance(value, list):
        # a tuple (claims' wording) has a schema per place; the rest follow "items"
        prefix, rest = sub.get("prefixItems", []), sub.get("items")
        for index, item in enumerate(value):
            child = prefix[index] if index < len(prefix) else rest
            if isinstance(child, dict):
                yield from _walk(item, child, parts + (index,), defs, leaf)


def kind_at(form: str | None, parts) -> str | None:
    """What the schema of ``form`` says is at ``parts`` in a source: a leaf's ``$defs`` name
    (``inline``, ``date``, ``paragraphs``...), else ``object`` or ``array``; ``None`` where
    a source can hold nothing.

    A form's descriptor names places in its sources; this says, before any
    source is built, whether each can exist and what it holds.
    """
    whole = schema(form)
    defs, sub, leaf = whole["$defs"], whole, leaf_kinds()
    for part in parts:
        sub = _deref(sub, defs, leaf)
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
        if name in leaf or name == "paragraphs":
            return name
        sub = defs[name]
    kind = sub.get("type")
    return kind if kind in ("object", "array") else "object" if "properties" in sub else kind


def _deref(sub: dict, defs: dict, leaf: frozenset[str]) -> dict | None:
    """``sub`` with a ``$ref`` to ``$defs`` followed; ``None`` at a leaf, which holds no parts."""
    ref = sub.get("$ref")
    if not ref:
        return sub
    name = ref.rsplit("/", 1)[-1]
    return None if name in leaf else defs.get(name)


def value_at(data, parts) -> object:
    """The value at ``parts`` (keys) in ``data``, or None where there is none."""
    for part in parts:
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data
