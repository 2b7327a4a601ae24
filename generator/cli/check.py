"""`callgen check`: specs valid, examples valid, versions in order, output up to date."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .common import FINDINGS, OK, output_options, specs_option


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "check", help="specs valid, examples valid, output identical to a fresh generation"
    )
    specs_option(p)
    output_options(p)
    return p


def run(args: argparse.Namespace) -> int:
    from .. import generate, versions
    from .generate import render_checked

    loaded, files = render_checked(args.specs, args.out, args.jobs)
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
