"""`callgen`: generate, check, list, validate, schema, openapi, diff, mock, audit.

One module per command, each with `add_parser(subparsers)` and `run(args) -> int`; each imports
at start-up only the standard library and `common`, and what its command needs when it runs.

Exit status: 0 fine, 1 findings (violations, drift), 2 usage or spec error. Every failure is
a message on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from types import ModuleType

from .. import __version__
from .common import FINDINGS, OK, USAGE, LocatedError, Parser, UsageError

__all__ = ["COMMANDS", "FINDINGS", "OK", "USAGE", "UsageError", "main"]

# in the order `callgen --help` lists them; each is the module generator.cli.<name>
COMMANDS = (
    "generate",
    "check",
    "list",
    "validate",
    "schema",
    "openapi",
    "diff",
    "mock",
    "audit",
)


def _command(name: str) -> ModuleType:
    return importlib.import_module(f"{__name__}.{name}")


def _parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="callgen",
        description="Typed Python clients, validators and schemas from vendor outbound-call specs.",
    )
    parser.add_argument("--version", action="version", version=f"callgen {__version__}")
    sub = parser.add_subparsers(
        dest="command",
        required=True,
        metavar="COMMAND",
        help="one of these; `callgen COMMAND --help` shows its arguments and options",
    )
    for name in COMMANDS:
        _command(name).add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from ..errors import SpecErrors

    args = _parser().parse_args(argv)
    try:
        code: int = _command(args.command).run(args)
        return code
    except SpecErrors as exc:
        for error in exc.errors:
            print(error, file=sys.stderr)
        print(f"{len(exc.errors)} problem(s) in the specs", file=sys.stderr)
        return USAGE
    except LocatedError as exc:  # FILE:LINE:COL first, as editors and CI annotations read it
        print(exc, file=sys.stderr)
        return USAGE
    except UsageError as exc:
        print(f"callgen {args.command}: {exc}", file=sys.stderr)
        return USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `callgen list | head`: the reader had enough
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the interpreter's final flush stays quiet
        return OK
    except Exception as exc:  # noqa: BLE001 - a bug of ours: no traceback, but say how to report it
        print(
            f"callgen {args.command}: internal error: {type(exc).__name__}: {exc} "
            "(please report this with the spec that caused it)",
            file=sys.stderr,
        )
        return USAGE


if __name__ == "__main__":
    sys.exit(main())
