"""`callgen validate`: check a JSON body with the generated validators."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .common import (
    FINDINGS,
    OK,
    LocatedError,
    UsageError,
    body_arguments,
    body_module,
    kind_options,
)


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "validate",
        help="validate a JSON body with the generated validators",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    body_arguments(p)
    p.add_argument("file", help="JSON file, or - for standard input")
    kind_options(p)
    p.add_argument("--json", action="store_true", help="print the violations as a JSON list")
    return p


def _read_json(file: str) -> Any:
    """The body of FILE (- is standard input); not JSON: FILE:LINE:COL of the fault."""
    name = "<stdin>" if file == "-" else file
    try:
        raw = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {file}: {exc.strerror}") from exc
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise LocatedError(f"{name}:{exc.lineno}:{exc.colno}: is not JSON: {exc.msg}") from exc
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        where = f"{name}:{line}:{col}"
        raise LocatedError(f"{where}: is not JSON: not UTF-8 text ({exc.reason})") from exc
    except ValueError as exc:  # a number too long to convert
        raise LocatedError(f"{name}:1:1: is not JSON: {exc}") from exc
    except RecursionError as exc:
        raise LocatedError(f"{name}:1:1: is not JSON: nested too deeply to decode") from exc


def _message(v: Any, body: Any) -> str:
    """The violation's message; a request's pattern or format violation gets the value the user's
    file holds (the generated validators leave request values out of their messages)."""
    from ..errors import quoted
    from ..pointers import split

    if v.rule not in ("pattern", "format") or ", got " in v.message:
        return str(v.message)
    value = body
    for token in split(v.path):
        if isinstance(value, dict) and token in value:
            value = value[token]
        elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
            value = value[int(token)]
        else:
            return str(v.message)
    return f"{v.message}, got {quoted(value, 40)}"


def run(args: argparse.Namespace) -> int:
    kind = args.kind or "request"
    with body_module(args.service, args.specs) as module:
        body = _read_json(args.file)
        try:
            violations = getattr(module, f"validate_{kind}")(args.operation, body)
        except ValueError as exc:
            raise UsageError(str(exc)) from exc
    if args.json:
        rows = [
            {"path": v.path, "rule": v.rule, "code": v.code, "message": _message(v, body)}
            for v in violations
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for v in violations:
            where = v.path if v.path else "(body)"
            tag = f"{v.rule}, {v.code}" if v.code is not None else v.rule
            print(f"{where}: {_message(v, body)} [{tag}]")
        if not violations:
            print("valid")
    return FINDINGS if violations else OK
