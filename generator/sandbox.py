"""Import a freshly rendered `outbound` without installing it or touching `sys.path`.

The generated package imports its own modules relatively, so it can be loaded under a private
name from a temporary folder; the installed `outbound`, if any, is left alone.
"""

from __future__ import annotations
import __future__

import importlib.util
import itertools
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

from . import formatting

_counter = itertools.count()


@contextmanager
def imported(
    files: dict[str, bytes], package: str = "outbound", *, run_inits: bool = True
) -> Iterator[ModuleType]:
    """Yield the rendered package (its service subpackages importable as attributes).

    With `run_inits=False` no package `__init__` runs: only `validators_module` is meant to be
    used then, and it imports a service's validators without its clients, models and httpx.
    """
    with tempfile.TemporaryDirectory(prefix="callgen-") as tmp:
        root = Path(tmp)
        for rel, data in files.items():
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        with opened(root / package, run_inits=run_inits) as module:
            yield module


@contextmanager
def opened(folder: Path, *, run_inits: bool = False) -> Iterator[ModuleType]:
    """Yield the generated package in `folder` under a private name (see `imported`); an
    installed package opened so runs none of its `__init__` files, unlike `import outbound`."""
    name = f"_callgen_sandbox_{next(_counter)}"
    init = folder / "__init__.py"
    spec = importlib.util.spec_from_file_location(
        name, init, submodule_search_locations=[str(folder)]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        if run_inits:
            spec.loader.exec_module(module)
        else:
            module._callgen_without_inits = True  # type: ignore[attr-defined]
        yield module
    finally:
        for key in [k for k in sys.modules if k == name or k.startswith(name + ".")]:
            del sys.modules[key]


def service_module(package: ModuleType, service: str) -> ModuleType:
    return importlib.import_module(f"{package.__name__}.{service}")


def validators_module(package: ModuleType, service: str) -> ModuleType:
    """The validators module of a service; in a package opened without running its `__init__`
    files, the packages on the way are registered without running theirs either."""
    if getattr(package, "_callgen_without_inits", False):
        root = Path(package.__path__[0])
        for sub in ("_runtime", service):
            name = f"{package.__name__}.{sub}"
            if name not in sys.modules:
                spec = importlib.util.spec_from_file_location(
                    name, root / sub / "__init__.py", submodule_search_locations=[str(root / sub)]
                )
                assert spec is not None
                sys.modules[name] = importlib.util.module_from_spec(spec)
        name = f"{package.__name__}.{service}.validators"
        if name not in sys.modules:
            return _exec_in_pieces(name, root / service / "validators.py")
    return importlib.import_module(f"{package.__name__}.{service}.validators")


def _exec_in_pieces(name: str, path: Path) -> ModuleType:
    """Import a module by running its top-level statements a few at a time.

    The same statements run in the same order in the same namespace as an import, but the
    compiler never holds the whole module: compiling a 4.5 MB validators module at once
    takes about 500 MB. A module that does not split cleanly is imported as usual.
    """
    source = path.read_text("utf-8")
    flags = __future__.annotations.compiler_flag  # generated modules all start with it
    try:
        codes = []
        at = line = 0
        for piece in formatting.split(source, members=False):
            start = source.index(piece.text, at)  # pieces lose the blank lines between them
            line += source.count("\n", at, start)
            # blank lines in front keep the line numbers (cheaper than moving an AST)
            text = "\n" * line + piece.text
            codes.append(compile(text, str(path), "exec", flags=flags, dont_inherit=True))
            at = start
    except SyntaxError:
        return importlib.import_module(name)
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        for code in codes:
            exec(code, module.__dict__)  # noqa: S102 - the module's own code, as an import does
    except BaseException:
        del sys.modules[name]
        raise
    return module
