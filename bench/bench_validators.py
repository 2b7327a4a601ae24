"""The generated validator against fastjsonschema and jsonschema, in one process, interleaved.

Body: seed 003's "create outbound task" example with 1000 customers (the documented maximum per
call). The generated validator collects every violation; fastjsonschema stops at the first
error; jsonschema collects all (iter_errors). Targets (issue 3): generated ≤ 0.5 × fastjsonschema
and ≤ 1/40 × jsonschema.

    python bench/bench_validators.py [--rounds N]
"""

from __future__ import annotations

import argparse
import copy
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import fastjsonschema
import jsonschema
from outbound import dezhu_speech

from generator.emit_schema import _to_python
from generator.spec import load_specs

ROOT = Path(__file__).resolve().parents[1]


def body_with_customers(n: int) -> dict[str, Any]:
    """The document's example, made valid (its strategyDisplaySwitch is 1), with n customers."""
    service = next(s for s in load_specs(ROOT / "specs") if s.name == "dezhu_speech")
    example = next(e for e in service.operations[0].examples if e.kind == "request")
    body = copy.deepcopy(example.body)
    body["strategyDisplaySwitch"] = True
    customer = body["outBoundCustomers"][0]
    customers = []
    for i in range(n):
        c = copy.deepcopy(customer)
        c["externalCustomerId"] = str(i)
        c["phoneGroupVoList"][0]["relations"][0]["mobile"] = f"138{i:08d}"
        customers.append(c)
    body["outBoundCustomers"] = customers
    return body


def python_patterns(schema: Any) -> Any:
    """fastjsonschema reads `$` the ECMA way already; jsonschema uses re.search: give it `\\Z`."""
    if isinstance(schema, dict):
        return {
            k: (_to_python(v) if k == "pattern" and isinstance(v, str) else python_patterns(v))
            for k, v in schema.items()
        }
    if isinstance(schema, list):
        return [python_patterns(v) for v in schema]
    return schema


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--customers", type=int, default=1000)
    args = parser.parse_args()

    body = body_with_customers(args.customers)
    schema = dezhu_speech.schema("create_outbound_task", "request")
    fast = fastjsonschema.compile(schema)
    slow = jsonschema.Draft202012Validator(python_patterns(schema))

    assert dezhu_speech.validate_request("create_outbound_task", body) == []
    fast(body)
    assert not list(slow.iter_errors(body))

    def ours() -> object:
        return dezhu_speech.validate_request("create_outbound_task", body)

    def first_error() -> object:
        return fast(body)

    def all_errors() -> object:
        return list(slow.iter_errors(body))

    contenders: dict[str, Callable[[], object]] = {
        "generated (all violations)": ours,
        "fastjsonschema (first error)": first_error,
        "jsonschema (all errors)": all_errors,
    }
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(args.rounds):  # interleaved: each round times every contender once
        for name, fn in contenders.items():
            started = time.perf_counter()
            fn()
            samples[name].append(time.perf_counter() - started)

    ours_median = statistics.median(samples["generated (all violations)"])
    print(f"003 create_outbound_task request, {args.customers} customers, {args.rounds} rounds")
    print("| validator | median ms | min ms | generated / this |")
    print("|---|---:|---:|---:|")
    for name, times in samples.items():
        median = statistics.median(times)
        print(
            f"| {name} | {median * 1e3:.2f} | {min(times) * 1e3:.2f} | {ours_median / median:.3f} |"
        )
    fast_ratio = ours_median / statistics.median(samples["fastjsonschema (first error)"])
    slow_ratio = ours_median / statistics.median(samples["jsonschema (all errors)"])
    ok = fast_ratio <= 0.5 and slow_ratio <= 1 / 40
    print(
        f"targets: ≤ 0.5 of fastjsonschema (got {fast_ratio:.3f}), "
        f"≤ 0.025 of jsonschema (got {slow_ratio:.4f}): {'met' if ok else 'NOT met'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
