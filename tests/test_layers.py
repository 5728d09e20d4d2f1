"""The house holds: layers as docs/architecture.md declares them, read from every import.

``scripts/layers.py`` reads the package's imports with ``ast`` (those inside
functions too); these tests fail on an import circle, on an import that runs
up the declared layers, on a use of another module's private name, and on a
module the architecture does not place or names wrongly.  Each rule is shown
to bite on a small package made for it.
"""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path

import pytest

from support import ROOT

PACKAGE = ROOT / "decision_papers"


def _script():
    spec = importlib.util.spec_from_file_location("layers", ROOT / "scripts" / "layers.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


layers = _script()


@pytest.fixture(scope="module")
def graph():
    return layers.imports()


def test_no_module_imports_another_round_in_a_circle(graph):
    assert layers.circles(graph) == []


def test_no_import_runs_up_the_layers(graph):
    assert layers.upward(graph, layers.layers()) == []


def test_no_module_uses_another_modules_private_name():
    assert layers.private() == []


def test_the_architecture_places_every_module_in_one_layer():
    declared = layers.layers()
    assert [name for name, _ in declared][:2] == ["foundation", "kinds"]
    unplaced = [m for m in layers.modules() if layers.layer_of(m, declared) is None]
    assert unplaced == []
    named = [entry for _, entries in declared for entry in entries]
    assert len(named) == len(set(named)), "a module is in two layers"


def test_every_module_the_architecture_names_exists():
    text = layers.ARCHITECTURE.read_text(encoding="utf-8")
    named = set(re.findall(r"`((?:[a-z_]+/)*[a-z_]+\.py|[a-z_]+/)`", text))
    assert len(named) > 40
    missing = sorted(n for n in named if not (PACKAGE / n).exists() and not (ROOT / n).exists())
    assert missing == []


def test_the_pipeline_keeps_only_the_recipe_and_the_batch():
    text = (PACKAGE / "pipeline.py").read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 300
    longest = max(n for n, name in layers.functions() if name.startswith("decision_papers.pipeline."))
    assert longest <= 60
    assert len((ROOT / "build.py").read_text(encoding="utf-8").splitlines()) < 12


def test_raw_xml_lives_only_in_the_word_package():
    outside = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.parent.name == "word":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                    ("docx.oxml", "lxml")):
                outside.append(f"{path.relative_to(ROOT)}: {node.module}")
            if isinstance(node, ast.Name) and node.id in ("qn", "OxmlElement"):
                outside.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.id}")
    assert outside == []


def test_the_package_imports_its_own_modules_under_their_own_names():
    aliased = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                module = getattr(node, "module", None) or ""
                for alias in node.names:
                    own = module.startswith("decision_papers") or \
                        alias.name.startswith("decision_papers")
                    if own and alias.asname and alias.asname != alias.name:
                        aliased.append(f"{path.relative_to(ROOT)}:{node.lineno}: "
                                       f"{alias.name} as {alias.asname}")
    assert aliased == []


def test_no_module_takes_a_name_through_another_that_only_passes_it_on():
    """A name is imported from the module that defines it: ``display_path`` from
    ``projects``, not through a module that imported it."""
    known = layers.modules()
    defined = {}
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        defined[name] = {n.name for n in tree.body if isinstance(
            n, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))} | {
            t.id for n in tree.body if isinstance(n, (ast.Assign, ast.AnnAssign))
            for target in (n.targets if isinstance(n, ast.Assign) else [n.target])
            for t in ast.walk(target) if isinstance(t, ast.Name)}
    through = []
    for name, edges in layers.imports().items():
        for target, imported, line in edges:
            if imported and target in defined and imported not in defined[target]:
                through.append(f"{name}:{line}: {imported} through {target}")
    assert through == []


# -- each rule bites ------------------------------------------------------------------

def _package(tmp_path, files: dict[str, str]):
    for name, text in files.items():
        path = tmp_path / "decision_papers" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_the_rules_bite_on_a_package_that_breaks_them(tmp_path):
    root = _package(tmp_path, {
        "__init__.py": "",
        "low.py": "from decision_papers.high import run\n_hidden = 1\n",
        "high.py": "def run():\n    from decision_papers import low\n    return low._hidden\n",
    })
    declared = layers.layers("1. **foundation**: `__init__.py`, `low.py`\n"
                             "2. **top**: `high.py`\n")
    graph = layers.imports(root)
    assert layers.circles(graph) == [["decision_papers.high", "decision_papers.low"]]
    assert layers.upward(graph, declared) == [
        "decision_papers.low -> decision_papers.high (line 1): foundation imports top"]
    assert layers.private(root) == ["decision_papers.high: uses decision_papers.low._hidden "
                                    "(line 3)"]


def test_every_error_the_package_raises_has_the_one_base():
    """Each exception class of the package derives from ``errors.Failure``, which says the
    findings it stands for (``problems()``)."""
    import importlib
    import inspect

    from decision_papers.errors import Failure
    others = []
    for name in layers.modules():
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == name and issubclass(cls, BaseException) and \
                    not issubclass(cls, Failure):
                others.append(f"{name}.{cls.__name__}")
    assert others == []


def test_no_dead_code_in_the_package_or_its_scripts():
    """vulture finds nothing unused: every function, class and name is used somewhere.

    Looked for across the tests and benchmarks too (a helper only a test calls is used);
    reported for the package and the scripts.  What vulture cannot see used: the check
    rules, found through ``@rule``; the preview server's routes, called by name; the
    standard library's hooks (``do_GET``) and Jinja's (``filter_stream``); and the
    attributes set on python-docx's and zipfile's objects, which those read."""
    import vulture
    finder = vulture.Vulture(ignore_decorators=["@rule"], ignore_names=[
        "do_GET", "log_message", "server_version", "filter_stream", "_index", "_paper",
        "_version", "_explain", "_static"])
    finder.scavenge([str(ROOT / d) for d in ("decision_papers", "scripts", "tests", "benchmarks")])
    unused = [f"{Path(item.filename).relative_to(ROOT)}:{item.first_lineno}: {item.typ} "
              f"{item.name}" for item in finder.get_unused_code(min_confidence=60)
              if item.typ != "attribute" and Path(item.filename).relative_to(ROOT).parts[0]
              in ("decision_papers", "scripts")]
    assert unused == []
