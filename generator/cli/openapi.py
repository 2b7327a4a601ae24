"""`callgen openapi SERVICE`: the OpenAPI 3.1.0 document of a service."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .common import OK, UsageError, load_services, spec_listing, specs_option


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "openapi",
        help="print the OpenAPI 3.1.0 document of a service",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.listing = spec_listing  # type: ignore[attr-defined]
    p.add_argument("service", metavar="SERVICE", help="service name (listed below)")
    p.add_argument(
        "-o", "--output", type=Path, default=None, metavar="FILE", help="write to FILE, not stdout"
    )
    specs_option(p)
    return p


def run(args: argparse.Namespace) -> int:
    from ..emit_openapi import openapi_document

    services = {s.name: s for s in load_services(args.specs)}
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
