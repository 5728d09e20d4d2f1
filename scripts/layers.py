"""The package's layers, read from its imports: circles, imports up the layers, private names.

``docs/architecture.md`` declares the layers, bottom to top; this reads every
import of every module of ``decision_papers`` with ``ast`` (those inside
functions too: a lazy import is still a dependency) and says where the code
breaks them.  ``tests/test_layers.py`` holds the package to it; run it to see
the measures the architecture is judged by::

    .venv/bin/python scripts/layers.py
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "decision_papers"
ARCHITECTURE = ROOT / "docs" / "architecture.md"

_LAYER = re.compile(r"^(\d+)\. \*\*([a-z ]+)\*\*: (.+)$")
"""A layer in ``docs/architecture.md``: ``3. **source**: `source/` …``."""
_NAMED = re.compile(r"`([a-z_]+(?:/[a-z_]*)?(?:\.py)?)`")


def modules(root: Path = ROOT) -> dict[str, Path]:
    """Every module of the package by its dotted name (a package by its own name)."""
    found = {}
    for path in sorted((root / PACKAGE).rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports(root: Path = ROOT) -> dict[str, list[tuple[str, str | None, int]]]:
    """``{module: [(imported module, name imported from it or None, line)]}``, the package's
    own modules only."""
    known = modules(root)
    found: dict[str, list] = {}
    for name, path in known.items():
        is_package = path.name == "__init__.py"
        edges = []
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = _absolute(name, is_package, node)
                if not base.startswith(PACKAGE):
                    continue
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    edges.append((full, None, node.lineno) if full in known
                                 else (base, alias.name, node.lineno))
            elif isinstance(node, ast.Import):
                edges += [(a.name, None, node.lineno) for a in node.names
                          if a.name.startswith(PACKAGE)]
        found[name] = [e for e in edges if e[0] != name]
    return found


def _absolute(name: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    parts = name.split(".") if is_package else name.split(".")[:-1]
    parts = parts[:len(parts) - (node.level - 1)]
    return ".".join(parts + ([node.module] if node.module else []))


def layers(text: str | None = None) -> list[tuple[str, list[str]]]:
    """``[(layer, [module or package/ …])]``, bottom to top, as the architecture declares."""
    text = ARCHITECTURE.read_text(encoding="utf-8") if text is None else text
    found = []
    for line in text.splitlines():
        match = _LAYER.match(line)
        if match:
            named = [n.removesuffix(".py") for n in _NAMED.findall(match.group(3).split(" — ")[0])]
            found.append((match.group(2), named))
    return found


def layer_of(module: str, declared: list[tuple[str, list[str]]]) -> int | None:
    """The index of the layer holding ``module`` (``decision_papers.source.load``)."""
    relative = module.removeprefix(PACKAGE).lstrip(".").replace(".", "/") or "__init__"
    for index, (_, named) in enumerate(declared):
        for entry in named:
            if relative == entry.rstrip("/") or (entry.endswith("/")
                                                 and relative.startswith(entry)):
                return index
    return None


def circles(graph: dict[str, list]) -> list[list[str]]:
    """Every set of modules that import one another, round in a circle (Tarjan's SCCs)."""
    index, low, stack, on, found, counter = {}, {}, [], set(), [], [0]
    edges = {m: sorted({e[0] for e in es if e[0] in graph}) for m, es in graph.items()}

    def visit(node: str) -> None:
        work = [(node, iter(edges[node]))]
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on.add(node)
        while work:
            current, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[current])
                if low[current] == index[current]:
                    group = []
                    while True:
                        member = stack.pop()
                        on.discard(member)
                        group.append(member)
                        if member == current:
                            break
                    if len(group) > 1:
                        found.append(sorted(group))
            elif child not in index:
                index[child] = low[child] = counter[0]
                counter[0] += 1
                stack.append(child)
                on.add(child)
                work.append((child, iter(edges[child])))
            elif child in on:
                low[current] = min(low[current], index[child])

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return sorted(found)


def upward(graph: dict[str, list], declared) -> list[str]:
    """Each import from a lower layer into a higher one: ``a -> b (line 12)``."""
    found = []
    for module, edges in sorted(graph.items()):
        mine = layer_of(module, declared)
        for target, _, line in edges:
            theirs = layer_of(target, declared)
            if mine is not None and theirs is not None and theirs > mine:
                found.append(f"{module} -> {target} (line {line}): "
                             f"{declared[mine][0]} imports {declared[theirs][0]}")
    return found


def private(root: Path = ROOT) -> list[str]:
    """Each use of another module's private name: ``from x import _y``, or ``x._y`` where
    ``x`` names a module of the package."""
    known = modules(root)
    found = []
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        bound = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                base = _absolute(name, path.name == "__init__.py", node)
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    if full in known and full != name:
                        bound[alias.asname or alias.name] = full
                    elif base.startswith(PACKAGE) and base != name and _private(alias.name):
                        found.append(f"{name}: imports {base}.{alias.name} "
                                     f"(line {node.lineno})")
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name in known and alias.asname:
                        bound[alias.asname] = alias.name
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and \
                    node.value.id in bound and _private(node.attr):
                found.append(f"{name}: uses {bound[node.value.id]}.{node.attr} "
                             f"(line {node.lineno})")
    return found


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def functions(root: Path = ROOT) -> list[tuple[int, str]]:
    """``(lines, module.function)`` for every function of the package, longest first."""
    found = []
    for name, path in modules(root).items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found.append((node.end_lineno - node.lineno + 1, f"{name}.{node.name}"))
    return sorted(found, reverse=True)


def report(root: Path = ROOT, declared=None) -> list[str]:
    """The measures, one per line."""
    graph = imports(root)
    declared = layers() if declared is None else declared
    pipeline = root / PACKAGE / "pipeline.py"
    longest = functions(root)[0]
    loops = circles(graph)
    up = upward(graph, declared)
    hidden = private(root)
    lines = [f"lines in pipeline.py: {len(pipeline.read_text(encoding='utf-8').splitlines())}",
             f"longest function: {longest[1]}, {longest[0]} lines",
             f"pipeline.py's longest function: "
             f"{max((n, f) for n, f in functions(root) if f.startswith(PACKAGE + '.pipeline.'))}",
             f"import circles: {len(loops)}", *(f"  {' <-> '.join(loop)}" for loop in loops),
             f"imports up the layers: {len(up)}", *(f"  {line}" for line in up),
             f"private names used from another module: {len(hidden)}",
             *(f"  {line}" for line in hidden)]
    return lines


if __name__ == "__main__":
    where = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else ROOT
    print("\n".join(report(where)))
