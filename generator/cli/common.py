"""What every `callgen` command shares: exit statuses, the usage error, common options.

Only the standard library at import time: `callgen --help` and each command start without
loading what other commands need.
"""

from __future__ import annotations

import argparse
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

OK, FINDINGS, USAGE = 0, 1, 2


class Parser(argparse.ArgumentParser):
    """callgen's parsers: `listing`, if set, adds to the epilog when help is shown (the
    choices of SERVICE and OPERATION, read then, not at every start)."""

    listing: Callable[[], str] | None = None

    def format_help(self) -> str:
        if self.listing is not None:
            extra = self.listing()
            self.epilog = f"{self.epilog}\n\n{extra}" if self.epilog else extra
            self.listing = None
        return super().format_help()


def spec_listing() -> str:
    """The services of the default spec folder, by file name (no spec is read)."""
    folder = default_specs_folder()
    names = sorted(p.stem for p in folder.glob("*.y*ml")) if folder.is_dir() else []
    if not names:
        return "SERVICE: the stem of a spec file (no specs folder here: pass --specs)"
    return f"SERVICE, one of ({folder}): {', '.join(names)}"


def package_listing() -> str:
    """Services, operations and callbacks of the installed package outbound, from the schema
    files it ships (no module of it is imported)."""
    root = installed_folder()
    if root is None:
        return "the package outbound is not installed: run `callgen generate`"
    lines = ["SERVICE and OPERATION, one of (the installed package outbound):"]
    for service in sorted(p.parent.name for p in root.glob("*/schemas")):
        names: dict[str, list[str]] = {"request": [], "callback": []}
        for schema in sorted((root / service / "schemas").glob("*.json")):
            name, _, kind = schema.stem.rpartition(".")
            if kind in names:
                names[kind].append(name)
        text = ", ".join(names["request"])
        if names["callback"]:
            text += f"; --callback: {', '.join(names['callback'])}"
        lines.append(
            textwrap.fill(text, 98, initial_indent=f"  {service}: ", subsequent_indent="    ")
        )
    return "\n".join(lines)


def installed_folder() -> Path | None:
    """The folder of the installed package outbound (found, not imported), if any."""
    import importlib.util

    found = importlib.util.find_spec("outbound")
    if found is None or not found.submodule_search_locations:
        return None
    return Path(next(iter(found.submodule_search_locations)))


class UsageError(Exception):
    """A problem with what the user asked for; the message says what to do."""


class LocatedError(UsageError):
    """A usage error in a file the user gave, its message starting FILE:LINE:COL."""


def specs_option(
    parser: argparse.ArgumentParser,
    default: Path | None = Path("specs"),
    help: str = "spec folder, or one spec file (default: specs)",
) -> None:
    parser.add_argument("--specs", type=Path, default=default, metavar="PATH", help=help)


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of processes ≥ 1, got {text!r}")
    return value


def jobs_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--jobs",
        type=_jobs,
        default=None,
        metavar="N",
        help="formatting processes (default: one per usable core; 1 formats in this process)",
    )


def output_options(parser: argparse.ArgumentParser) -> None:
    """--out and --jobs: where generate writes and check compares, and how black runs."""
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("generated"),
        metavar="DIR",
        help="output folder (default: generated)",
    )
    jobs_option(parser)


def body_arguments(parser: argparse.ArgumentParser) -> None:
    """SERVICE OPERATION of validate and schema (their --help lists the installed package's),
    and the --specs their answer comes from (see body_module)."""
    parser.listing = package_listing  # type: ignore[attr-defined]
    parser.add_argument("service", metavar="SERVICE", help="service name (listed below)")
    parser.add_argument(
        "operation",
        metavar="OPERATION",
        help="operation id, or callback name with --callback (listed below)",
    )
    specs_option(
        parser,
        None,
        "spec folder, or one spec file, the answer comes from (default: specs; outside a "
        "clone without one: the installed package outbound)",
    )


def kind_options(parser: argparse.ArgumentParser) -> None:
    """--response / --callback (default: the request body)."""
    kind = parser.add_mutually_exclusive_group()
    kind.add_argument(
        "--response",
        action="store_const",
        const="response",
        dest="kind",
        help="the operation's response body (default: its request body)",
    )
    kind.add_argument(
        "--callback",
        action="store_const",
        const="callback",
        dest="kind",
        help="a callback's body: OPERATION names the callback",
    )


def load_specs(specs: Path) -> list[Any]:
    """The checked specs (`spec.LoadedSpec`) of --specs: a folder, or one spec file. A missing
    default folder (callgen run outside a clone) says to pass --specs; SpecErrors propagate."""
    from ..spec import LoadedSpec, load_document, load_spec_folder

    if specs.is_file():
        doc, service = load_document(specs)
        return [LoadedSpec(service, doc)]
    if not specs.exists():
        if specs == Path("specs"):
            raise UsageError(
                f"no spec folder 'specs' in {Path.cwd()}: run callgen in a clone of the specs, "
                "or pass --specs PATH (a spec folder or one spec file)"
            )
        raise UsageError(f"--specs {specs}: no such spec folder or file")
    return load_spec_folder(specs)


def load_services(specs: Path) -> list[Any]:
    """The IR (`ir.Service`) of every spec of --specs (see `load_specs`)."""
    return [loaded.service for loaded in load_specs(specs)]


def spec_of(service: str, specs: Path | None) -> Path | None:
    """The spec file of `service` in --specs (a folder or one file), else in the default spec
    folder; None outside a clone without --specs (the installed package answers then)."""
    if specs is None:
        specs = default_specs_folder()
        if not specs.is_dir():
            return None
    if specs.is_file():
        files = [specs]
    elif specs.is_dir():
        from ..spec import spec_files

        files = spec_files(specs)
    else:
        raise UsageError(f"--specs {specs}: no such spec folder or file")
    for file in files:
        if file.stem == service:
            return file
    known = ", ".join(sorted(f.stem for f in files))
    raise UsageError(f"unknown service {service!r}; known: {known}")


def installed_is_current(service: str, spec: Path) -> bool:
    """The installed package's `outbound.<service>` was generated from this very spec (the
    spec.yaml it ships is byte for byte the file)."""
    from ..versions import SNAPSHOT

    root = installed_folder()
    try:
        return root is not None and spec.read_bytes() == (root / service / SNAPSHOT).read_bytes()
    except OSError:
        return False


@contextmanager
def body_module(service: str, specs: Path | None, ir: Any = None) -> Iterator[ModuleType]:
    """The validators module of `service` as its spec in --specs says (validate_request,
    _response, _callback, _path and schema; for validate, schema and mock).

    When the installed package was generated from that very spec, its module (cheaper: no
    loading or rendering); else the spec rendered without black and imported from a temporary
    folder, nothing installed or written to the output folder. No spec folder and no
    --specs (outside a clone): the installed package. Either way no package `__init__` runs (no
    clients, models or httpx). `ir`, the service already loaded, spares loading it again.
    """
    from .. import sandbox

    spec = spec_of(service, specs)
    if spec is None or installed_is_current(service, spec):
        root = installed_folder()
        if root is None:
            raise UsageError(
                "the package outbound is not installed: pass --specs PATH (a spec folder or one "
                "spec file), or install the generated package"
            )
        if spec is None:
            known = sorted(p.parent.name for p in root.glob("*/validators.py"))
            if service not in known:
                raise UsageError(f"unknown service {service!r}; known: {', '.join(known)}")
        with sandbox.opened(root) as package:
            yield sandbox.validators_module(package, service)
        return
    from .. import generate
    from ..spec import load_service

    if ir is None:
        ir = load_service(spec)  # SpecErrors (FILE:LINE:COL) propagate: exit status 2
    with sandbox.imported(generate.render([ir], formatted=False), run_inits=False) as package:
        yield sandbox.validators_module(package, service)


def default_specs_folder() -> Path:
    """specs/ here, else the specs of the clone callgen runs from, else specs/ (missing)."""
    here = Path("specs")
    clone = Path(__file__).resolve().parent.parent.parent / "specs"
    return clone if not here.is_dir() and clone.is_dir() else here
