"""`callgen audit DOC --spec FILE`: compare a vendor page with its spec."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from .common import FINDINGS, OK, UsageError


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "audit",
        help="compare a vendor page (text, Markdown, HTML) with its spec",
        description="Report what a vendor page states that the spec lacks or states differently, "
        "and what the spec takes from this page that the page no longer shows. Exit 0: no "
        "differences; 1: differences; 2: unusable page or spec.",
    )
    p.add_argument(
        "doc", type=Path, metavar="DOC", help="the vendor page as saved: .txt, .md or .html"
    )
    p.add_argument(
        "--spec", type=Path, required=True, metavar="FILE", help="the spec file that transcribes it"
    )
    p.add_argument(
        "--format", choices=("text", "json"), default="text", help="output (default: text)"
    )
    p.add_argument(
        "--doc-format",
        choices=("text", "markdown", "html"),
        help="how DOC is written (default: by its extension, else by its content)",
    )
    p.add_argument(
        "--source",
        metavar="ID",
        help="which of the spec's sources DOC is (default: found from DOC's file name)",
    )
    return p


def run(args: argparse.Namespace) -> int:
    from ..audit import AuditError, audit, dumps

    try:
        report = audit(args.doc, args.spec, doc_format=args.doc_format, source=args.source)
    except AuditError as exc:
        raise UsageError(str(exc)) from exc
    print(dumps(report) if args.format == "json" else report.text())
    return FINDINGS if report.differs else OK
