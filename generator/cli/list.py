"""`callgen list [SERVICE]`: what the specs describe — services, then one service's operations,
callbacks and codes."""

from __future__ import annotations

import argparse
import json
from typing import Any

from .common import OK, UsageError, load_services, spec_listing, specs_option


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "list",
        help="list the services, or one service's operations, callbacks and codes",
        description="Without SERVICE: every service of the specs with its version and counts. "
        "With SERVICE: its operations (method, path, summary), callbacks and documented codes.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.listing = spec_listing  # type: ignore[attr-defined]
    p.add_argument(
        "service",
        nargs="?",
        metavar="SERVICE",
        help="a service name, e.g. huawei_isales (default: list the services)",
    )
    specs_option(p)
    p.add_argument("--json", action="store_true", help="print the listing as JSON")
    return p


def _route(op: Any) -> str:
    query = "&".join(f"{k}={v}" for k, v in op.query)
    return f"{op.method} {op.path}" + (f"?{query}" if query else "")


def _overview(service: Any) -> dict[str, Any]:
    return {
        "service": service.name,
        "version": service.version,
        "title": service.title,
        "operations": len(service.operations),
        "callbacks": len(service.callbacks),
        "codes": len(service.error_codes),
    }


def _detail(service: Any) -> dict[str, Any]:
    return {
        "service": service.name,
        "version": service.version,
        "title": service.title,
        "base_url": service.base_url,
        "operations": [
            {"id": op.id, "route": _route(op), "summary": op.summary} for op in service.operations
        ],
        "callbacks": [{"name": cb.name, "summary": cb.summary} for cb in service.callbacks],
        "codes": [
            {
                "code": c.code,
                "success": c.success,
                "text": c.description,
                "operations": list(c.operations),
            }
            for c in service.error_codes
        ],
    }


def _table(rows: list[tuple[str, ...]], indent: str = "  ") -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    return [
        indent + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)) + "  " + r[-1]
        for r in rows
    ]


def _count(items: Any, noun: str) -> str:
    return f"{len(items)} {noun}{'' if len(items) == 1 else 's'}"


def _text_overview(services: list[Any]) -> list[str]:
    rows = [
        (
            s.name,
            s.version or "-",
            ", ".join(
                [
                    _count(s.operations, "operation"),
                    _count(s.callbacks, "callback"),
                    _count(s.error_codes, "code"),
                ]
            ),
            s.title,
        )
        for s in services
    ]
    return _table(rows, indent="")


def _text_detail(service: Any) -> list[str]:
    lines = [f"{service.name} {service.version or '-'}: {service.title}"]
    if service.base_url:
        lines.append(f"base URL: {service.base_url}")
    lines.append(f"operations ({len(service.operations)}):")
    if service.operations:
        lines += _table([(op.id, _route(op), op.summary) for op in service.operations])
    lines.append(f"callbacks ({len(service.callbacks)}):")
    if service.callbacks:
        lines += _table([(cb.name, cb.summary) for cb in service.callbacks])
    lines.append(f"codes ({len(service.error_codes)}):")
    if service.error_codes:
        rows = []
        for c in service.error_codes:
            where = "success" if c.success else ", ".join(c.operations) or "any operation"
            rows.append((c.code, f"[{where}]", c.description))
        lines += _table(rows)
    return lines


def run(args: argparse.Namespace) -> int:
    services = load_services(args.specs)
    if args.service is None:
        if args.json:
            print(json.dumps([_overview(s) for s in services], ensure_ascii=False, indent=2))
        else:
            print("\n".join(_text_overview(services)))
        return OK
    found = {s.name: s for s in services}.get(args.service)
    if found is None:
        known = ", ".join(sorted(s.name for s in services))
        raise UsageError(f"unknown service {args.service!r}; known: {known}")
    if args.json:
        print(json.dumps(_detail(found), ensure_ascii=False, indent=2))
    else:
        print("\n".join(_text_detail(found)))
    return OK
