"""What every `callgen` command shares: exit statuses, the usage error, common options.

Only the standard library at import time: `callgen --help` and each command start without
loading what other commands need.
"""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path
from types import ModuleType

OK, FINDINGS, USAGE = 0, 1, 2


class UsageError(Exception):
    """A problem with what the user asked for; the message says what to do."""


def specs_option(parser: argparse.ArgumentParser, default: Path | None = Path("specs")) -> None:
    parser.add_argument(
        "--specs",
        type=Path,
        default=default,
        metavar="PATH",
        help="spec folder, or one spec file (default: specs)",
    )


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


def service_module(name: str) -> ModuleType:
    """The installed generated package's module of a service."""
    import outbound

    if name not in outbound.SERVICES:
        raise UsageError(f"unknown service {name!r}; known: {', '.join(outbound.SERVICES)}")
    return importlib.import_module(f"outbound.{name}")
