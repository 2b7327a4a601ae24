"""`callgen schema`: print the JSON Schema of a body."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from .common import OK, UsageError, body_arguments, kind_options, service_module, stale_warning


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "schema",
        help="print the JSON Schema of a body",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    body_arguments(p)
    kind_options(p)
    p.add_argument(
        "--specs",
        type=Path,
        default=None,
        metavar="PATH",
        help="spec folder or file the installed package is compared with, to warn when it is "
        "stale (default: specs)",
    )
    return p


def run(args: argparse.Namespace) -> int:
    module = service_module(args.service)
    stale_warning(args.service, args.specs, args.command)
    try:
        schema = module.schema(args.operation, args.kind or "request")
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    print(json.dumps(schema, ensure_ascii=False, indent=2))
    return OK
