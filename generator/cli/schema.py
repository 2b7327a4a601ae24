"""`callgen schema`: print the JSON Schema of a body."""

from __future__ import annotations

import argparse
import json
from typing import Any

from .common import OK, UsageError, body_arguments, body_module, kind_options


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "schema",
        help="print the JSON Schema of a body",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    body_arguments(p)
    kind_options(p)
    return p


def run(args: argparse.Namespace) -> int:
    with body_module(args.service, args.specs) as module:
        try:
            schema = module.schema(args.operation, args.kind or "request")
        except ValueError as exc:
            raise UsageError(str(exc)) from exc
    print(json.dumps(schema, ensure_ascii=False, indent=2))
    return OK
