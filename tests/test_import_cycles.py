"""No import circle among the generator's modules.

Every import statement counts — at the top, inside a function (a lazy import), or under
`if TYPE_CHECKING:` — because each is a dependency a reader has to follow. An edge goes to the
module named: `from . import x` is an edge to the submodule `x` when there is one, else to the
package. A package's `__init__` re-exporting its submodules is not a circle with them, as long
as no submodule imports the package's `__init__` back.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "generator"


def modules(root: Path, package: str) -> dict[str, Path]:
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join([package, *parts])] = path
    return found


def edges(known: dict[str, Path]) -> dict[str, set[str]]:
    """Module → the modules of `known` its import statements name."""
    graph: dict[str, set[str]] = {name: set() for name in known}
    for name, path in known.items():
        is_package = path.name == "__init__.py"
        here = name.split(".") if is_package else name.split(".")[:-1]
        for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = here[: len(here) - (node.level - 1)]
                    stem = ".".join(base + ([node.module] if node.module else []))
                else:
                    stem = node.module or ""
                for alias in node.names:
                    sub = f"{stem}.{alias.name}"
                    targets.append(sub if sub in known else stem)
            for target in targets:
                # `import a.b.c` also names a.b.c's module, the closest one we know
                while target and target not in known:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_generator_has_no_import_cycle() -> None:
    graph = edges(modules(ROOT, "generator"))
    assert len(graph) > 30  # the walk found the modules
    assert "generator.ir" in graph["generator.build"]  # and their imports
    found = cycles(graph)
    assert not found, "import circles:\n" + "\n".join(" ↔ ".join(c) for c in found)


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")


def test_the_finder_sees_lazy_type_only_and_relative_cycles(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "__init__.py": "",
            "a.py": "def f():\n    from .b import g\n",
            "b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .a import f\n",
            "p/__init__.py": "from .x import X\n",
            "p/x.py": "from . import y\nX = 1\n",
            "p/y.py": "from .. import p\n",  # the package's __init__ → x → y → __init__
            "q/__init__.py": "from .s import S\n",
            "q/s.py": "from . import t\nS = 1\n",
            "q/t.py": "import json\n",
            "c.py": "import pkg.d\n",
            "d.py": "from pkg import c\n",
        },
    )
    found = cycles(edges(modules(tmp_path, "pkg")))
    assert found == [
        ["pkg.a", "pkg.b"],
        ["pkg.c", "pkg.d"],
        ["pkg.p", "pkg.p.x", "pkg.p.y"],
    ]


def test_building_the_cli_parser_loads_no_command_machinery() -> None:
    """`callgen --help` and every command's start imports each command module, so those import
    only the standard library at the top; what a command needs comes when it runs."""
    import subprocess
    import sys

    probe = (
        "import sys, generator.cli as c; c._parser(); "
        "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('generator', 'outbound', 'jinja2', 'yaml', 'starlette', 'uvicorn', 'black', "
        "'jsonschema', 'httpx', 'markdown_it'))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    loaded = set(done.stdout.split())
    assert "generator.cli.mock" in loaded  # the probe sees the command modules
    heavy = {
        m
        for m in loaded
        if not m.startswith("generator.cli") and m not in ("generator", "generator.errors")
    }
    assert not heavy, f"loaded at start-up: {sorted(heavy)}"
