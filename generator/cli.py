"""`callgen`: generate, check, diff, validate, schema, openapi, mock, audit.

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
    _jobs_option(gen)

    chk = sub.add_parser(
        "check", help="specs valid, examples valid, output identical to a fresh generation"
    )
    chk.add_argument(
        "--specs", type=Path, default=Path("specs"), help="spec folder (default: specs)"
    )
    chk.add_argument(
        "--out", type=Path, default=Path("generated"), help="output folder (default: generated)"
    )
    _jobs_option(chk)

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

    oas = sub.add_parser("openapi", help="print the OpenAPI 3.1.0 document of a service")
    oas.add_argument("service", metavar="SERVICE", help="service name, e.g. huawei_isales")
    oas.add_argument(
        "-o", "--output", type=Path, default=None, metavar="FILE", help="write to FILE, not stdout"
    )
    oas.add_argument(
        "--specs", type=Path, default=Path("specs"), help="spec folder (default: specs)"
    )

    diff_cli.add_parser(sub)
    mock_cli.add_parser(sub)

    aud = sub.add_parser(
        "audit",
        help="compare a vendor page (text, Markdown, HTML) with its spec",
        description="Report what a vendor page states that the spec lacks or states differently, "
        "and what the spec takes from this page that the page no longer shows. Exit 0: no "
        "differences; 1: differences; 2: unusable page or spec.",
    )
    aud.add_argument(
        "doc", type=Path, metavar="DOC", help="the vendor page as saved: .txt, .md or .html"
    )
    aud.add_argument("--spec", type=Path, required=True, help="the spec file that transcribes it")
    aud.add_argument(
        "--format", choices=("text", "json"), default="text", help="output (default: text)"
    )
    aud.add_argument(
        "--doc-format",
        choices=("text", "markdown", "html"),
        help="how DOC is written (default: by its extension, else by its content)",
    )
    aud.add_argument(
        "--source",
        metavar="ID",
        help="which of the spec's sources DOC is (default: found from DOC's file name)",
    )
    return parser


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of processes ≥ 1, got {text!r}")
    return value


def _jobs_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--jobs",
        type=_jobs,
        default=None,
        metavar="N",
        help="formatting processes (default: one per usable core; 1 formats in this process)",
    )


def _load(specs: Path) -> list[Any]:
    from .spec import load_specs

    return load_specs(specs)


def _render_checked(specs: Path, out: Path, jobs: int | None) -> tuple[list[Any], dict[str, bytes]]:
    """Load (specs with their documents), render and check every example; SpecErrors
    propagate. Files of `out` that its manifest proves current are not formatted again."""
    from . import examples, generate, sandbox
    from .errors import SpecErrors
    from .spec import load_spec_folder

    loaded = load_spec_folder(specs)
    services = [s.service for s in loaded]
    files = generate.render(services, previous=out, jobs=jobs)
    # validators only: importing the clients and models too costs more than the examples
    with sandbox.imported(files, run_inits=False) as package:
        problems = examples.check(services, package)
    if problems:
        raise SpecErrors(problems)
    return loaded, files


def cmd_generate(args: argparse.Namespace) -> int:
    from . import generate, versions

    loaded, files = _render_checked(args.specs, args.out, args.jobs)
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

    loaded, files = _render_checked(args.specs, args.out, args.jobs)
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


def cmd_openapi(args: argparse.Namespace) -> int:
    from .emit_openapi import openapi_document

    services = {s.name: s for s in _load(args.specs)}
    service = services.get(args.service)
    if service is None:
        raise UsageError(f"unknown service {args.service!r}; known: {', '.join(sorted(services))}")
    text = json.dumps(openapi_document(service), ensure_ascii=False, indent=2) + "\n"
    if args.output is None:
        sys.stdout.write(text)
        return OK
    try:
        args.output.write_text(text, "utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {args.output}: {exc.strerror}") from exc
    print(f"wrote the OpenAPI document of {service.name} to {args.output}", file=sys.stderr)
    return OK


def cmd_audit(args: argparse.Namespace) -> int:
    from .audit import AuditError, audit, dumps

    try:
        report = audit(args.doc, args.spec, doc_format=args.doc_format, source=args.source)
    except AuditError as exc:
        raise UsageError(str(exc)) from exc
    print(dumps(report) if args.format == "json" else report.text())
    return FINDINGS if report.differs else OK


def main(argv: list[str] | None = None) -> int:
    from .errors import SpecErrors

    args = _parser().parse_args(argv)
    commands = {
        "generate": cmd_generate,
        "check": cmd_check,
        "validate": cmd_validate,
        "schema": cmd_schema,
        "openapi": cmd_openapi,
        "audit": cmd_audit,
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
