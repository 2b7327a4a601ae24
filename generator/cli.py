"""`callgen`: generate, check, diff, validate, schema, mock.

Exit status: 0 fine, 1 findings (violations, drift), 2 usage or spec error. Every failure is
a message on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from . import __version__, diff_cli, mock_cli

OK, FINDINGS, USAGE = 0, 1, 2


class UsageError(Exception):
    """A problem with what the user asked for; the message says what to do."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="callgen",
        description="Typed Python clients, validators and schemas from vendor outbound-call specs.",
    )
    parser.add_argument("--version", action="version", version=f"callgen {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    gen = sub.add_parser("generate", help="regenerate the package outbound from the specs")
    gen.add_argument(
        "--specs", type=Path, default=Path("specs"), help="spec folder (default: specs)"
    )
    gen.add_argument(
        "--out", type=Path, default=Path("generated"), help="output folder (default: generated)"
    )

    chk = sub.add_parser(
        "check", help="specs valid, examples valid, output identical to a fresh generation"
    )
    chk.add_argument(
        "--specs", type=Path, default=Path("specs"), help="spec folder (default: specs)"
    )
    chk.add_argument(
        "--out", type=Path, default=Path("generated"), help="output folder (default: generated)"
    )

    val = sub.add_parser("validate", help="validate a JSON body with the generated validators")
    val.add_argument("service")
    val.add_argument("operation", help="operation id (or callback name with --callback)")
    val.add_argument("file", help="JSON file, or - for standard input")
    kind = val.add_mutually_exclusive_group()
    kind.add_argument("--response", action="store_const", const="response", dest="kind")
    kind.add_argument("--callback", action="store_const", const="callback", dest="kind")
    val.add_argument("--json", action="store_true", help="print the violations as a JSON list")

    sch = sub.add_parser("schema", help="print the JSON Schema of a body")
    sch.add_argument("service")
    sch.add_argument("operation")
    kind = sch.add_mutually_exclusive_group()
    kind.add_argument("--response", action="store_const", const="response", dest="kind")
    kind.add_argument("--callback", action="store_const", const="callback", dest="kind")

    diff_cli.add_parser(sub)
    mock_cli.add_parser(sub)
    return parser


def _render_checked(specs: Path) -> tuple[list[Any], dict[str, bytes]]:
    """Load (specs with their documents), render and check every example; SpecErrors
    propagate."""
    from . import examples, generate, sandbox
    from .errors import SpecErrors
    from .spec import load_spec_folder

    loaded = load_spec_folder(specs)
    services = [s.service for s in loaded]
    files = generate.render(services)
    with sandbox.imported(files) as package:
        problems = examples.check(services, package)
    if problems:
        raise SpecErrors(problems)
    return loaded, files


def cmd_generate(args: argparse.Namespace) -> int:
    from . import generate, versions

    loaded, files = _render_checked(args.specs)
    gate = versions.against_output(loaded, args.out, generate.PACKAGE)  # before writing
    if gate.problems:
        for problem in gate.problems:
            print(problem, file=sys.stderr)
        print(f"nothing written to {args.out}", file=sys.stderr)
        return FINDINGS
    try:
        generate.write(files, args.out)
    except (generate.OutputError, OSError) as exc:
        raise UsageError(str(exc)) from exc
    print(f"generated {len(files)} files for {len(loaded)} services in {args.out}")
    print(gate.summary(generate.PACKAGE))
    return OK


def cmd_check(args: argparse.Namespace) -> int:
    from . import generate, versions

    loaded, files = _render_checked(args.specs)
    gate = versions.against_output(loaded, args.out, generate.PACKAGE)  # as generate does
    version_problems = gate.problems + versions.changelog_problems(loaded)
    problems = generate.drift(files, args.out)
    for p in problems:
        print(p, file=sys.stderr)
    for problem in version_problems:
        print(problem, file=sys.stderr)
    if problems:
        then = "fix the versions above, then " if version_problems else ""
        print(
            f"{args.out} is not what the specs generate ({len(problems)} files differ); "
            f"{then}run `callgen generate` and commit the result",
            file=sys.stderr,
        )
    elif version_problems:
        print(f"{len(version_problems)} version problem(s) in the specs", file=sys.stderr)
    if problems or version_problems:
        return FINDINGS
    package = versions.package_version([s.service for s in loaded])
    print(
        f"ok: {len(loaded)} specs valid, examples valid, versions and changelogs in order, "
        f"{args.out} up to date ({generate.PACKAGE} {package})"
    )
    return OK


def _service(name: str) -> ModuleType:
    import outbound

    if name not in outbound.SERVICES:
        raise UsageError(f"unknown service {name!r}; known: {', '.join(outbound.SERVICES)}")
    return importlib.import_module(f"outbound.{name}")


def _read_json(file: str) -> Any:
    try:
        raw = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {file}: {exc.strerror}") from exc
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise UsageError(f"{file} is not JSON: {exc}") from exc


def cmd_validate(args: argparse.Namespace) -> int:
    module = _service(args.service)
    kind = args.kind or "request"
    body = _read_json(args.file)
    try:
        violations = getattr(module, f"validate_{kind}")(args.operation, body)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    if args.json:
        rows = [
            {"path": v.path, "rule": v.rule, "code": v.code, "message": v.message}
            for v in violations
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for v in violations:
            print(v)
    return FINDINGS if violations else OK


def cmd_schema(args: argparse.Namespace) -> int:
    module = _service(args.service)
    try:
        schema = module.schema(args.operation, args.kind or "request")
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    print(json.dumps(schema, ensure_ascii=False, indent=2))
    return OK


def main(argv: list[str] | None = None) -> int:
    from .errors import SpecErrors

    args = _parser().parse_args(argv)
    commands = {
        "generate": cmd_generate,
        "check": cmd_check,
        "validate": cmd_validate,
        "schema": cmd_schema,
    }
    try:
        if args.command == "mock":
            return mock_cli.run(args)
        if args.command == "diff":
            return diff_cli.run(args)
        return commands[args.command](args)
    except SpecErrors as exc:
        for error in exc.errors:
            print(error, file=sys.stderr)
        print(f"{len(exc.errors)} problem(s) in the specs", file=sys.stderr)
        return USAGE
    except (UsageError, diff_cli.DiffUsage) as exc:
        print(f"callgen {args.command}: {exc}", file=sys.stderr)
        return USAGE
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - a bug of ours: no traceback, but say how to report it
        print(
            f"callgen {args.command}: internal error: {type(exc).__name__}: {exc} "
            "(please report this with the spec that caused it)",
            file=sys.stderr,
        )
        return USAGE


if __name__ == "__main__":
    sys.exit(main())
