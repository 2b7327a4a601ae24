"""Every example of every spec is checked by the generated validators and the emitted schema.

An example passes when the violations found are exactly the ones it declares with
`expect_violations` (none for most), and the JSON Schema agrees on valid / invalid.
"""

from __future__ import annotations

from types import ModuleType

from . import emit_schema
from .errors import SpecError
from .ir import Example, Service
from .sandbox import validators_module


def check(services: list[Service], package: ModuleType) -> list[SpecError]:
    errors: list[SpecError] = []
    for service in services:
        module = validators_module(package, service.name)
        schemas = emit_schema.all_schemas(service)
        targets: list[tuple[str, Example]] = [
            (op.id, ex) for op in service.operations for ex in op.examples
        ]
        targets += [(cb.name, ex) for cb in service.callbacks for ex in cb.examples]
        for name, ex in targets:
            errors.extend(_check_one(module, schemas[(name, ex.kind)], name, ex))
    return errors


def _check_one(
    module: ModuleType, schema: dict[str, object], name: str, ex: Example
) -> list[SpecError]:
    validate = getattr(module, f"validate_{ex.kind}")
    found = validate(name, ex.body)
    positions = dict(ex.positions)

    def at(pointer: str) -> object:
        while pointer and pointer not in positions:
            pointer = pointer.rsplit("/", 1)[0]
        return positions.get(pointer, ex.pos)

    expected = {(v.path, v.rule) for v in ex.expect_violations}
    errors = [
        SpecError(at(v.path), f"example {ex.name!r} of {name}: {v.path or '/'}: {v.message} [{v.rule}]")  # type: ignore[arg-type]
        for v in found
        if (v.path, v.rule) not in expected
    ]
    got = {(v.path, v.rule) for v in found}
    errors += [
        SpecError(
            ex.pos,
            f"example {ex.name!r} of {name}: expected a {rule} violation at {path}, found none",
        )
        for path, rule in sorted(expected - got)
    ]
    schema_errors = list(emit_schema.ecma_validator(schema).iter_errors(ex.body))
    if not expected and not errors and schema_errors:
        first = schema_errors[0]
        pointer = "".join(f"/{p}" for p in first.absolute_path)
        errors.append(
            SpecError(at(pointer), f"example {ex.name!r} of {name}: JSON Schema rejects it: {first.message}")  # type: ignore[arg-type]
        )
    # only a violation the validator did find can be missed by the JSON Schema
    if expected and not schema_errors and any(r != "must_match" for _, r in got & expected):
        errors.append(
            SpecError(
                ex.pos,
                f"example {ex.name!r} of {name}: JSON Schema accepts what the validator rejects",
            )
        )
    return errors
