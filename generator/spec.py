"""Load spec files: bytes → YAML with positions → meta-schema → IR with semantic checks."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

import jsonschema

from .build import build_service
from .errors import SpecError, SpecErrors
from .ir import Pos, Service
from .resources import meta_schema_text
from .yamlpos import Document, load_yaml


@functools.cache
def meta_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(meta_schema_text())
    return schema


@functools.cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(meta_schema())


def _describe(error: jsonschema.ValidationError, doc: Document) -> list[SpecError]:
    """One readable message per meta-schema error, at the offending key or value."""
    path = tuple(error.absolute_path)
    where = "/".join(str(p) for p in path) or "the top level"
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = sorted(error.schema.get("properties", {}))
        extra = [k for k in error.instance if k not in allowed]
        patterns = error.schema.get("patternProperties")
        if patterns:
            extra = [k for k in extra if not any(re.search(p, k) for p in patterns)]
        hint = f" (allowed: {', '.join(allowed)})" if allowed else ""
        return [
            SpecError(doc.pos(path + (k,), key=True), f"unknown key {k!r} in {where}{hint}")
            for k in extra
        ]
    if error.validator == "required":
        return [SpecError(doc.pos(path), f"{where}: {error.message}")]
    if error.validator in ("oneOf", "anyOf") and error.context:
        # the branch that got furthest is the one the author meant
        best = max(error.context, key=lambda e: (len(e.absolute_path), -len(e.message)))
        return _describe(best, doc)
    if error.validator == "propertyNames":
        bad = error.instance
        at = doc.pos(path + (bad,), key=True) if isinstance(bad, str) else doc.pos(path)
        return [SpecError(at, f"{where}: {error.message}")]
    return [SpecError(doc.pos(path), f"{where}: {error.message}")]


def load_service(path: Path, display: str | None = None) -> Service:
    """Load and check one spec file; raises SpecErrors listing every problem found."""
    file = display or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SpecErrors([SpecError(Pos(file, 1, 1), f"cannot read: {exc.strerror}")])
    doc = load_yaml(file, raw)
    errors: list[SpecError] = []
    for error in _validator().iter_errors(doc.data):
        errors.extend(_describe(error, doc))
    if errors:
        raise SpecErrors(errors)
    return build_service(doc, path.stem)


def spec_files(specs_dir: Path) -> list[Path]:
    return sorted(p for p in specs_dir.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def load_specs(specs_dir: Path) -> list[Service]:
    """Every spec of a folder, checked; raises SpecErrors with the problems of all files."""
    if not specs_dir.is_dir():
        raise SpecErrors([SpecError(Pos(str(specs_dir), 1, 1), "no such spec folder")])
    files = spec_files(specs_dir)
    if not files:
        raise SpecErrors([SpecError(Pos(str(specs_dir), 1, 1), "no *.yaml spec files here")])
    services: list[Service] = []
    errors: list[SpecError] = []
    for f in files:
        try:
            services.append(load_service(f, display=_display(f)))
        except SpecErrors as exc:
            errors.extend(exc.errors)
    names: dict[str, str] = {}
    for s in services:
        if s.name in names:
            errors.append(SpecError(s.pos, f"service {s.name!r} is also defined in {names[s.name]}"))
        names[s.name] = s.file
    if errors:
        raise SpecErrors(errors)
    return services


def _display(path: Path) -> str:
    """A path as the user would write it: relative to the working directory when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
