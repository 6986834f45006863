"""The layers of ARCHITECTURE.md, proved by the imports (issue 17).

Every module under ``src/attunement`` is parsed with :mod:`ast` (nothing is imported) and
mapped to its layer; an import that points up a layer, from one edge to another, into
another package's private module, or from inside a function without a start-up reason
fails the test naming ``file:line``. Run this file as a script to print the import-graph
figures (package edges, upward edges, private imports, function-local imports).
"""

from __future__ import annotations

import ast
import functools
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import attunement

#: The package tree under test (the one this test imported).
PACKAGE = Path(attunement.__file__).resolve().parent

#: Layers, bottom up; a layer imports its own layer and the ones below it, never above.
LAYERS: tuple[tuple[str, frozenset[str]], ...] = (
    (
        "base",
        frozenset(
            {
                "errors",
                "knowledge",
                "_lazy",
                "_markers",
                "_batched",
                "_data_dir",
                "_private_files",
                "_model_config",
                "_knowledge_cache",
            }
        ),
    ),
    (
        "core",
        frozenset(
            {
                "attunement",  # the package itself: the Python API over the core
                "evidence",
                "i18n",
                "instruments",
                "learning",
                "profile",
                "tailoring",
                "monitoring",
                "notifications",
                "risk",
                "stats",
                "wording",
            }
        ),
    ),
    ("formats", frozenset({"fhir", "cds_hooks", "documents", "exports", "simulate"})),
    ("store", frozenset({"store", "security", "delivery"})),
    ("settings", frozenset({"settings"})),
    ("services", frozenset({"services"})),
    ("edges", frozenset({"http", "cli", "worker", "__main__"})),
)
RANK = {package: rank for rank, (_, packages) in enumerate(LAYERS) for package in packages}
LAYER_NAME = {package: name for name, packages in LAYERS for package in packages}
#: Edges never import each other (``__main__`` is the CLI's own entry point).
EDGES = LAYERS[-1][1]
SAME_EDGE = {"__main__": "cli"}

#: Packages of the same layer that must never import one another: the layers alone would
#: not see the loop (issue 17).
NEVER_IMPORTS: dict[str, frozenset[str]] = {
    # ``risk`` words nothing (``attunement.wording`` words its events and reads monitoring,
    # which reads the risk events): risk → wording closed the loop risk → wording →
    # monitoring → risk.
    "risk": frozenset({"wording"}),
    # The tailoring core words nothing: the brief and a plan's parts are worded in
    # ``attunement.wording``, which reads the plan (``plan_in``, the brief): tailoring →
    # wording closed the loop tailoring → wording → tailoring.
    "tailoring": frozenset({"wording"}),
    # The profile holds its labels as English message ids and takes the language from its
    # caller: ``attunement.i18n`` builds its language resolver on the profile's language
    # tags, and ``attunement.wording`` (which gives the labels the catalogue's language)
    # reads the profile, so profile → i18n or profile → wording closes a loop.
    "profile": frozenset({"wording", "i18n"}),
    # ``monitoring`` words nothing either: it keeps each sentence as a message id with its
    # values (``Worded``) and ``attunement.wording`` — which reads monitoring's alert levels,
    # statuses and norms — words it at the edge: monitoring → wording closed the loops
    # monitoring → wording → monitoring and learning → monitoring → wording → learning.
    "monitoring": frozenset({"wording"}),
}

#: Every package is on no package-level import loop (every import of every module counted,
#: the type checkers' and the start-up ones too): what a package imports never leads back to
#: it. The last loops (tailoring, profile, i18n, monitoring and learning through wording)
#: went with issue 17; a new one fails below, naming its chain.

#: The marker a function-local import carries (on its line or the comment line above its
#: block) when it is there to keep ``attune`` start-up light (tests/cli/test_light_startup.py).
START_UP = "start-up:"

#: Modules whose function-local imports are not classified yet: each is either a cycle
#: dodge to remove (import at the top) or a start-up import to mark. The debt issue 17
#: leaves to pay; a module may leave this list, never join it.
CYCLE_DEBT: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Import:
    """One ``import``/``from … import`` statement of a module, resolved to absolute names."""

    where: str  # "attunement/x/_y.py:12"
    source: str  # the importing module's package ("services", "attunement", …)
    target: str  # the imported module, absolute ("attunement.monitoring._status")
    names: tuple[str, ...]  # for ``from`` imports: the names taken
    local: bool  # inside a function
    start_up: bool  # carries the start-up marker

    @property
    def target_package(self) -> str | None:
        parts = self.target.split(".")
        if parts[0] != "attunement":
            return None
        return parts[1] if len(parts) > 1 else "attunement"


def package_of(relative: Path) -> str:
    """``attunement/services/_x.py`` → ``services``; ``attunement/errors.py`` → ``errors``."""
    parts = relative.parts
    if len(parts) == 2:
        return "attunement" if parts[1] == "__init__.py" else parts[1].removesuffix(".py")
    return parts[1]


def _marked(lines: list[str], node: ast.stmt) -> bool:
    """The import's line, or the comment line above its block of imports, says start-up."""
    if START_UP in lines[node.lineno - 1]:
        return True
    row = node.lineno - 2
    while row >= 0:
        text = lines[row].strip()
        if text.startswith("#"):
            return START_UP in text
        within_block = not text or text == ")" or text.endswith((",", "("))
        if not within_block and not text.startswith(("import ", "from ")):
            return False
        row -= 1
    return False


def imports_of(source: str, relative: Path) -> Iterator[Import]:
    """Every import statement of one module (``relative`` to the folder above the package)."""
    tree = ast.parse(source)
    lines = source.splitlines()
    package = package_of(relative)
    here = list(relative.parts[:-1])  # the package a relative import starts from
    in_function: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            in_function.update(
                id(sub) for sub in ast.walk(node) if isinstance(sub, ast.Import | ast.ImportFrom)
            )
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets: list[tuple[str, tuple[str, ...]]] = [(alias.name, ()) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            targets = [(target, tuple(alias.name for alias in node.names))]
        else:
            continue
        for target, names in targets:
            yield Import(
                where=f"{relative.as_posix()}:{node.lineno}",
                source=package,
                target=target,
                names=names,
                local=id(node) in in_function,
                start_up=_marked(lines, node),
            )


def problems(source: str, relative: Path) -> list[str]:
    """What breaks the layers in one module, each naming ``file:line``."""
    found: list[str] = []
    for imp in imports_of(source, relative):
        target = imp.target_package
        if imp.local and not imp.start_up and relative.as_posix() not in CYCLE_DEBT:
            found.append(
                f"{imp.where}: function-local import of {imp.target} (import at the top, or "
                f"say '# {START_UP} …' if it keeps attune's start-up light)"
            )
        if target is None or target == imp.source:
            continue
        if target in NEVER_IMPORTS.get(imp.source, frozenset()):
            found.append(
                f"{imp.where}: {imp.source} imports {imp.target}; {imp.source} must never "
                f"import {target} (a package loop, see NEVER_IMPORTS)"
            )
        source_edge = SAME_EDGE.get(imp.source, imp.source)
        if imp.source in EDGES and target in EDGES and source_edge != target:
            found.append(f"{imp.where}: edge {imp.source} imports edge {target}")
        elif RANK.get(target, -1) > RANK.get(imp.source, len(LAYERS)):
            found.append(
                f"{imp.where}: {LAYER_NAME[imp.source]} package {imp.source} imports "
                f"{imp.target} of the higher layer {LAYER_NAME[target]}"
            )
        private = [part for part in imp.target.split(".")[2:] if part.startswith("_")]
        private_names = [name for name in imp.names if name.startswith("_")]
        if private or private_names:
            found.append(
                f"{imp.where}: imports the private {imp.target}"
                f"{'.' + ', '.join(private_names) if private_names and not private else ''} "
                f"of package {target}; re-export it through {target}'s __all__"
            )
    return found


def modules() -> list[Path]:
    return sorted(path for path in PACKAGE.rglob("*.py") if "migrations" not in path.parts)


def _relative(path: Path) -> Path:
    return path.relative_to(PACKAGE.parent)


def test_every_package_has_a_layer() -> None:
    unknown = {package_of(_relative(path)) for path in modules()} - RANK.keys()
    assert not unknown, f"packages with no layer in tests/test_layers.py: {sorted(unknown)}"


def test_imports_follow_the_layers() -> None:
    found = [
        problem
        for path in modules()
        for problem in problems(path.read_text("utf-8"), _relative(path))
    ]
    assert not found, "\n".join(found)


@functools.cache
def package_graph() -> dict[str, set[str]]:
    """Which packages each package imports (every import statement of every module), read
    once per test process (each package's loop test asks for the whole graph)."""
    graph: dict[str, set[str]] = {}
    for path in modules():
        for imp in imports_of(path.read_text("utf-8"), _relative(path)):
            target = imp.target_package
            if target is not None and target != imp.source:
                graph.setdefault(imp.source, set()).add(target)
    return graph


def loop_through(package: str, graph: dict[str, set[str]]) -> list[str] | None:
    """A chain of imports from ``package`` back to itself, or None."""
    paths = {target: [package, target] for target in graph.get(package, ())}
    queue = list(paths)
    while queue:
        here = queue.pop(0)
        if here == package:
            return paths[here]
        for target in sorted(graph.get(here, ())):
            if target not in paths:
                paths[target] = [*paths[here], target]
                queue.append(target)
    return None


@pytest.mark.parametrize("package", sorted(RANK))
def test_no_package_is_on_an_import_loop(package: str) -> None:
    loop = loop_through(package, package_graph())
    assert loop is None, " → ".join(loop or ())


def test_a_loop_is_found_with_its_chain() -> None:
    graph = {"risk": {"wording", "errors"}, "wording": {"monitoring"}, "monitoring": {"risk"}}
    assert loop_through("risk", graph) == ["risk", "wording", "monitoring", "risk"]
    assert loop_through("risk", {"risk": {"errors"}, "wording": {"risk"}}) is None


def test_cycle_debt_only_shrinks() -> None:
    """A module on the debt list that no longer needs it must leave the list."""
    paid = []
    for name in sorted(CYCLE_DEBT):
        path = PACKAGE.parent / name
        if not path.exists():
            paid.append(f"{name} (gone)")
            continue
        source = path.read_text("utf-8")
        if not any(i.local and not i.start_up for i in imports_of(source, Path(name))):
            paid.append(name)
    assert not paid, f"remove from CYCLE_DEBT: {paid}"


@pytest.mark.parametrize(
    ("path", "source", "expected"),
    [
        (
            "attunement/monitoring/_bad.py",
            "from attunement.services import caseload\n",
            "attunement/monitoring/_bad.py:1: core package monitoring imports "
            "attunement.services of the higher layer services",
        ),
        (
            "attunement/fhir/_bad.py",
            "import attunement.store\n",
            "attunement/fhir/_bad.py:1: formats package fhir imports "
            "attunement.store of the higher layer store",
        ),
        (
            "attunement/documents/_bad.py",
            "\n\nfrom attunement.http.deps import ContextDep\n",
            "attunement/documents/_bad.py:3: formats package documents imports "
            "attunement.http.deps of the higher layer edges",
        ),
        (
            "attunement/risk/_bad.py",
            "from attunement.wording import format_number\n",
            "attunement/risk/_bad.py:1: risk imports attunement.wording; risk must never "
            "import wording",
        ),
        (
            "attunement/tailoring/_bad.py",
            "from attunement.wording import field_label\n",
            "attunement/tailoring/_bad.py:1: tailoring imports attunement.wording; tailoring "
            "must never import wording",
        ),
        (
            "attunement/profile/_bad.py",
            "from attunement.i18n import translate\n",
            "attunement/profile/_bad.py:1: profile imports attunement.i18n; profile must never "
            "import i18n",
        ),
        (
            "attunement/monitoring/_bad.py",
            "from attunement.wording import describe_endorsement\n",
            "attunement/monitoring/_bad.py:1: monitoring imports attunement.wording; monitoring "
            "must never import wording",
        ),
        (
            "attunement/cli/bad.py",
            "from attunement.http.app import create_app\n",
            "attunement/cli/bad.py:1: edge cli imports edge http",
        ),
        (
            "attunement/services/_bad.py",
            "from attunement.monitoring._status import assess\n",
            "attunement/services/_bad.py:1: imports the private attunement.monitoring._status "
            "of package monitoring; re-export it through monitoring's __all__",
        ),
        (
            "attunement/services/_bad.py",
            "def f():\n    from attunement.monitoring import assess\n",
            "attunement/services/_bad.py:2: function-local import of attunement.monitoring",
        ),
    ],
)
def test_a_bad_module_fails_naming_file_and_line(path: str, source: str, expected: str) -> None:
    found = problems(source, Path(path))
    assert any(problem.startswith(expected) for problem in found), found


def test_good_imports_pass() -> None:
    source = (
        "from attunement.monitoring import assess\n"
        "from attunement.services._audit import use_case\n"  # own package: private is fine
        "def f():\n"
        "    # start-up: the database stack only when a command needs it\n"
        "    from attunement.store import make_engine\n"
        "    import sqlalchemy\n"
    )
    assert problems(source, Path("attunement/services/_good.py")) == []


def figures(root: Path = PACKAGE) -> dict[str, int]:
    """The import-graph figures of issue 17's note."""
    edges: Counter[tuple[str, str]] = Counter()
    upward = private = local = edge_to_edge = 0
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        relative = path.relative_to(root.parent)
        for imp in imports_of(path.read_text("utf-8"), relative):
            local += imp.local
            target = imp.target_package
            if target is None or target == imp.source:
                continue
            edges[(imp.source, target)] += 1
            edge_to_edge += (
                imp.source in EDGES and target in EDGES and SAME_EDGE.get(imp.source) != target
            )
            upward += RANK.get(target, -1) > RANK.get(imp.source, len(LAYERS))
            private += any(part.startswith("_") for part in imp.target.split(".")[2:])
    return {
        "package edges": len(edges),
        "cross-package import statements": sum(edges.values()),
        "upward imports": upward,
        "edge-to-edge imports": edge_to_edge,
        "private cross-package imports": private,
        "function-local imports": local,
    }


if __name__ == "__main__":
    # before issue 17: api/ and web/ were edges, interop/ and reports/ translators
    RANK.update({"api": len(LAYERS) - 1, "web": len(LAYERS) - 1, "interop": 2, "reports": 2})
    EDGES = EDGES | {"api", "web"}
    root = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else PACKAGE
    for name, value in figures(root).items():
        print(f"{name}: {value}")
