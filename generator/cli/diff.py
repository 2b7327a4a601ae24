"""`callgen diff`: classify the changes between two states of the specs, and check versions."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .common import FINDINGS, OK, UsageError, specs_option

EPILOG = """\
Every change is classified for callers of the generated package:
  breaking       something removed or renamed (operation, field, model, callback, error code,
                 a field's python_name, a page iterator);
                 a field newly required; a type changed; a limit tightened (max lowered, min
                 raised, pattern or enum narrowed, a forbidden character added, a new
                 condition, a longer minimum interval); route, method, headers, auth or
                 envelope changed; the success code set changed
  compatible     a new operation, optional field, error code, enum value or page iterator; a
                 limit loosened
  documentation  texts, notes, sources, examples

Each service's version must rise with its changes (semver): a breaking change needs a new
major version, a compatible one at least a new minor version.

exit status: 0 no breaking change and versions in order (or --changelog); 1 a breaking change
(unless --allow-breaking) or a version that does not rise far enough; 2 usage or spec error.
"""


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "diff",
        help="classify spec changes as breaking, compatible or documentation",
        description="Compare two states of the specs (files or folders, or specs/ at a git\n"
        "revision against the work tree) as callers of the generated package see them.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("old", nargs="?", type=Path, help="old spec file or folder")
    p.add_argument("new", nargs="?", type=Path, help="new spec file or folder")
    p.add_argument(
        "--git",
        metavar="REV",
        help="compare the spec folder at git revision REV (e.g. origin/main) with the work tree",
    )
    specs_option(p, help="the spec folder, or one spec file, for --git (default: specs)")
    p.add_argument(
        "--format",
        choices=("text", "json", "github"),
        default="text",
        help="text (default), json, or github (workflow annotations)",
    )
    p.add_argument(
        "--allow-breaking",
        action="store_true",
        help="exit 0 even with breaking changes (versions must still rise far enough)",
    )
    p.add_argument(
        "--changelog",
        action="store_true",
        help="print, for each changed spec, the version and changelog entry it needs, to edit "
        "and paste into the spec",
    )
    return p


def run(args: argparse.Namespace) -> int:
    """Raises SpecErrors (exit 2 in the caller) for invalid specs on either side."""
    from ..spec import no_cycle_collection

    # The specs read and compared hold no reference cycles: spare the whole command the cycle
    # collector's passes over their million objects (on a large diff, a third of the time)
    with no_cycle_collection():
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    from .. import diff, versions

    if args.git is not None:
        if args.old is not None or args.new is not None:
            raise UsageError("give either OLD NEW or --git REV, not both")
        one = args.specs if args.specs.is_file() else None  # --specs FILE: that spec only
        try:
            old_texts = diff.git_side_texts(args.git, one.parent if one else args.specs)
        except diff.GitError as exc:
            raise UsageError(f"--git {args.git}: {exc}") from exc
        if one is not None:
            old_texts = [t for t in old_texts if _file_name(t) == one.name]
        old, new = diff.read_sides(old_texts, diff.side_texts(args.specs))
        against = args.git
    else:
        if args.old is None or args.new is None:
            raise UsageError("give OLD and NEW (spec files or folders), or --git REV")
        old, new = diff.read_sides(diff.side_texts(args.old), diff.side_texts(args.new))
        against = str(args.old)
    found = versions.compare(old, new, against)
    if args.changelog:
        sys.stdout.write(versions.draft_changelog(old, new, found.changes))
        return OK
    breaking = any(c.kind == diff.BREAKING for c in found.changes)
    failed = bool(found.problems) or (breaking and not args.allow_breaking)
    if args.format == "json":
        print(json.dumps(_json(found, args.allow_breaking, failed), ensure_ascii=False, indent=2))
    elif args.format == "github":
        for line in diff.as_github(found.changes, args.allow_breaking):
            print(line)
        for problem in found.problems:
            print(diff.annotation("error", problem.pos, "version", problem.message))
        if found.changes:
            print(diff.summary(found.changes))
    else:
        for line in diff.as_text(found.changes):
            print(line)
        for problem in found.problems:
            print(f"{problem.pos}: version: {problem.message}")
        if found.changes:
            print(diff.summary(found.changes))
    return FINDINGS if failed else OK


def _file_name(text: Any) -> str | None:
    """The file name of a spec read at a git revision ("REV:specs/x.yaml" → "x.yaml")."""
    file = getattr(text, "file", None)  # a SpecText (git gives no SpecErrors)
    return None if file is None else Path(file.rsplit(":", 1)[-1]).name


def _json(found: Any, allow_breaking: bool, failed: bool) -> dict[str, Any]:
    from .. import diff, versions

    old = found.old or []
    return {
        "changes": diff.as_json(found.changes),
        "summary": diff.counts(found.changes),
        "version_problems": [
            {"file": p.pos.file, "line": p.pos.line, "column": p.pos.col, "message": p.message}
            for p in found.problems
        ],
        "versions": {
            "old": {s.service.name: s.service.version for s in old},
            "new": {s.service.name: s.service.version for s in found.new},
        },
        "package_version": {
            "old": versions.package_version([s.service for s in old]) if old else None,
            "new": versions.package_version([s.service for s in found.new]),
        },
        "allow_breaking": allow_breaking,
        "ok": not failed,
    }
