"""`callgen generate`: regenerate the package from the specs (after checking every example)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .common import FINDINGS, OK, UsageError, load_specs, output_options, specs_option


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "generate", help="regenerate the package outbound from the specs"
    )
    specs_option(p)
    output_options(p)
    return p


def render_checked(specs: Path, out: Path, jobs: int | None) -> tuple[list[Any], dict[str, bytes]]:
    """Load (specs with their documents), render and check every example; SpecErrors
    propagate. Files of `out` that its manifest proves current are not formatted again."""
    from .. import examples, generate, sandbox
    from ..errors import SpecErrors

    loaded = load_specs(specs)
    services = [s.service for s in loaded]
    files = generate.render(services, previous=out, jobs=jobs)
    # validators only: importing the clients and models too costs more than the examples
    with sandbox.imported(files, run_inits=False) as package:
        problems = examples.check(services, package)
    if problems:
        raise SpecErrors(problems)
    return loaded, files


def run(args: argparse.Namespace) -> int:
    from .. import generate, versions

    loaded, files = render_checked(args.specs, args.out, args.jobs)
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
