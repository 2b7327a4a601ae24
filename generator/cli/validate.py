"""`callgen validate`: check a JSON body with the generated validators."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .common import FINDINGS, OK, UsageError, kind_options, service_module


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "validate", help="validate a JSON body with the generated validators"
    )
    p.add_argument("service", help="service name, e.g. huawei_isales")
    p.add_argument("operation", help="operation id (or callback name with --callback)")
    p.add_argument("file", help="JSON file, or - for standard input")
    kind_options(p)
    p.add_argument("--json", action="store_true", help="print the violations as a JSON list")
    return p


def _read_json(file: str) -> Any:
    try:
        raw = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {file}: {exc.strerror}") from exc
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise UsageError(f"{file} is not JSON: {exc}") from exc


def run(args: argparse.Namespace) -> int:
    module = service_module(args.service)
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
