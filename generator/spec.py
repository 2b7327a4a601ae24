"""Load spec files: bytes → YAML with positions → meta-schema → IR with semantic checks."""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import difflib
import functools
import gc
import hashlib
import json
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .build import build_service
from .errors import SpecError, SpecErrors, quoted
from .ir import Pos, Service
from .resources import meta_schema_text
from .yamlpos import MAX_BYTES, Document, load_yaml

if TYPE_CHECKING:  # jsonschema is imported only when a spec has a problem to word
    import jsonschema

META_CHECK_MODULE = Path(__file__).with_name("meta_schema_check.py")


@functools.cache
def meta_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(meta_schema_text())
    return schema


@functools.cache
def _validator() -> jsonschema.Draft202012Validator:
    import jsonschema

    return jsonschema.Draft202012Validator(meta_schema())


def meta_schema_digest() -> str:
    return hashlib.sha256(meta_schema_text().encode("utf-8")).hexdigest()


@functools.cache
def _fast_validator() -> Callable[[Any], Any]:
    """The meta-schema's yes/no check (see meta_schema_check_code), 25x faster than jsonschema
    on a large spec. A spec it accepts is valid; for one it refuses, jsonschema finds and words
    the problems. It is compiled once, into generator/meta_schema_check.py (compiling it costs
    more than checking a large spec); should that module not match the meta-schema's digest
    (the meta-schema edited, the module not regenerated), it is compiled here instead."""
    from . import meta_schema_check

    if meta_schema_check.META_SCHEMA_SHA256 == meta_schema_digest():
        return meta_schema_check.validate
    namespace: dict[str, Any] = {}
    code = compile(meta_schema_check_code(), "<meta-schema check>", "exec")
    exec(code, namespace)  # noqa: S102 -- our own code, generated from our meta-schema
    validate: Callable[[Any], Any] = namespace["validate"]
    return validate


def meta_schema_check_code() -> str:
    """The meta-schema compiled to straight-line Python by fastjsonschema, as a module whose
    `validate(data)` raises fastjsonschema.JsonSchemaValueException when the data is invalid.

    It only says yes or no, so its exceptions carry no message, and a `$ref`'s function gets no
    name for its messages (composing those names was a third of the time). fastjsonschema knows
    draft 7, where a `$ref` hides its sibling keywords, so those pairs become `allOf` here;
    tests check that it never accepts what jsonschema refuses."""
    from fastjsonschema.draft07 import CodeGeneratorDraft07
    from fastjsonschema.ref_resolver import RefResolver

    class YesNo(CodeGeneratorDraft07):
        def exc(self, msg: str, *args: Any, append_to_msg: Any = None, rule: Any = None) -> None:
            self.l('raise JsonSchemaValueException("no")')

        def generate_ref(self) -> None:  # CodeGeneratorDraft04.generate_ref, without the name
            with self._resolver.in_scope(self._definition["$ref"]):  # type: ignore[index]
                name = self._resolver.get_scope_name()
                uri = self._resolver.get_uri()
                if uri not in self._validation_functions_done:
                    self._needed_validation_functions[uri] = name
                self.l("{}({variable}, custom_formats)", name)

    def draft7(node: Any) -> Any:
        if isinstance(node, list):
            return [draft7(v) for v in node]
        if not isinstance(node, dict):
            return node
        out = {k: draft7(v) for k, v in node.items()}
        if "$ref" in out and set(out) - {"$ref", "description", "title"}:
            ref = out.pop("$ref")
            out = {"allOf": [{"$ref": ref}, out]}
        return out

    schema = draft7(meta_schema())
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    schema.pop("$id", None)
    resolver = RefResolver.from_schema(schema, handlers={}, store={})
    generator = YesNo(schema, resolver=resolver)  # type: ignore[no-untyped-call]
    code: str = generator.global_state_code + "\n" + generator.func_code
    return (
        '"""The meta-schema\'s yes/no check (generator/spec.py, meta_schema_check_code).\n\n'
        "Generated from generator/spec.schema.json by `python -m generator.spec`: do not edit.\n"
        '"""\n\n'
        "# ruff: noqa\n"
        "# mypy: ignore-errors\n"
        f'META_SCHEMA_SHA256 = "{meta_schema_digest()}"\n' + code
    )


def meta_schema_errors(doc: Document) -> list[SpecError]:
    """Every problem the meta-schema finds in a spec, worded at its key or value."""
    from fastjsonschema import JsonSchemaException

    try:
        _fast_validator()(doc.data)
        return []
    except JsonSchemaException:
        pass  # jsonschema says what and where (and has the last word)
    errors: list[SpecError] = []
    for error in _validator().iter_errors(doc.data):
        errors.extend(_describe(error, doc))
    return errors


_JSON_TYPES = {
    dict: "a mapping",
    list: "a list",
    str: "a string",
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    type(None): "nothing (an empty value)",
}
_KEY_HINTS = {
    "required": "required, required_if and inferred belong to entries of properties "
    "(not to items, path_params or a whole body)",
    "kind": "a callback example is always a callback body; remove kind",
}
_KEY_HINTS["required_if"] = _KEY_HINTS["inferred"] = _KEY_HINTS["required"]
_KEY_HINTS["python_name"] = (
    "python_name renames an entry of properties (a path parameter, items or a whole body has "
    "no Python name of its own)"
)


def _kind(value: Any) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _at(doc: Document, path: tuple[Any, ...]) -> Any:
    value = doc.data
    for p in path:
        try:
            value = value[p]
        except (KeyError, IndexError, TypeError):
            return None
    return value


def _property_keys() -> frozenset[str]:
    props: dict[str, Any] = meta_schema()["$defs"]["property"]["properties"]
    return frozenset(props)


def _closest(key: str, allowed: list[str]) -> str | None:
    """The allowed key a typo most likely meant: `maxLength`, `max-length`, `maxlength` all
    mean `max_length`."""

    def bare(text: str) -> str:
        return re.sub(r"[^a-z0-9]", "", text.lower())

    same = [a for a in allowed if bare(a) == bare(key)]
    if same:
        return same[0]
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.75)
    if close:
        return close[0]
    close = difflib.get_close_matches(bare(key), {bare(a): a for a in allowed}, n=1, cutoff=0.75)
    return {bare(a): a for a in allowed}[close[0]] if close else None


def _shallow_property(doc: Document, path: tuple[Any, ...], key: str, allowed: list[str]) -> str:
    """Where a property written one level too shallow (beside `properties`, among the keywords
    of its object) belongs; "" when the key does not look like one."""
    value = _at(doc, path + (key,))
    if not (
        "properties" in allowed
        and isinstance(value, dict)
        and value
        and set(value) <= _property_keys()
    ):
        return ""
    parent = _at(doc, path)
    if isinstance(parent, dict) and isinstance(parent.get("properties"), dict):
        at = doc.pos(path + ("properties",), key=True)
        return (
            ": it looks like a property written one level too shallow; indent it under "
            f"`properties` (line {at.line})"
        )
    return ": it looks like a property; put it under a `properties:` key of this node"


def _misplaced_keyword(doc: Document, path: tuple[Any, ...], value: Any) -> str | None:
    """A property keyword (`max_length: 10`) written one level too shallow lands among the
    property names of a `properties` map: say which property it belongs to."""
    if len(path) < 2 or path[-2] != "properties" or path[-1] not in _property_keys():
        return None
    if isinstance(value, dict):
        return None
    siblings = _at(doc, path[:-1])
    if not isinstance(siblings, dict):
        return None
    names = list(siblings)
    before = [n for n in names[: names.index(path[-1])] if isinstance(siblings[n], dict)]
    where = "/".join(str(p) for p in path[:-1])
    if not before:
        return (
            f"{where}: {path[-1]!r} is a property keyword, not a property name: indent it "
            "under the property it describes"
        )
    owner = before[-1]
    line = doc.pos(path[:-1] + (owner,), key=True).line
    return (
        f"{where}: {path[-1]!r} is a property keyword, not a property name: it is written one "
        f"level too shallow; indent it under the property {owner!r} (line {line})"
    )


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
        errors = []
        for k in extra:
            shallow = _shallow_property(doc, path, k, allowed)
            close = None if shallow else _closest(k, allowed)
            guess = shallow or (f": did you mean `{close}`?" if close else "")
            errors.append(
                SpecError(
                    doc.pos(path + (k,), key=True),
                    f"unknown key {k!r} in {where}{guess}{'' if shallow else hint}",
                )
            )
        return errors
    if error.schema is False:
        # jsonschema drops the key of a `false` subschema: find the forbidden key(s) here
        parent = _at(doc, path)
        keys = [
            k
            for k, v in (parent.items() if isinstance(parent, dict) else ())
            if k in _KEY_HINTS and v == error.instance
        ]
        if keys:
            return [
                SpecError(
                    doc.pos(path + (k,), key=True),
                    f"key {k!r} is not allowed in {where}: {_KEY_HINTS[k]}",
                )
                for k in keys
            ]
        return [
            SpecError(doc.pos(path), f"{where}: {quoted(error.instance, 60)} is not allowed here")
        ]
    if error.validator == "required":
        missing = re.match(r"'(.*)' is a required property$", error.message)
        name = missing.group(1) if missing else error.message
        if name == "source" and len(path) >= 2 and path[-2] in ("properties", "path_params"):
            what = "property" if path[-2] == "properties" else "path parameter"
            return [
                SpecError(
                    doc.pos(path, key=True),
                    f"{where}: the {what} names no source: add `source: "
                    '"<seed id> <section>"` (every item says which document states it)',
                )
            ]
        return [SpecError(doc.pos(path), f"{where}: missing required key {name!r}")]
    if error.validator in ("oneOf", "anyOf") and error.context:
        if all(e.validator == "required" for e in error.context):
            names = [repr(e.validator_value[0]) for e in error.context if e.validator_value]
            return [
                SpecError(doc.pos(path), f"{where}: needs one of the keys {' or '.join(names)}")
            ]
        # the branch that got past the value's own type is the one the author meant
        candidates = [
            e
            for e in error.context
            if not (e.validator == "type" and len(e.absolute_path) == len(error.absolute_path))
        ] or list(error.context)
        best = max(candidates, key=lambda e: (len(e.absolute_path), -len(e.message)))
        return _describe(best, doc)
    at = doc.pos(path)
    subject = where
    if "propertyNames" in error.absolute_schema_path and isinstance(error.instance, str):
        at = doc.pos(path + (error.instance,), key=True)
        subject = f"key {error.instance!r} in {where}"
    instance = error.instance
    value = error.validator_value
    if error.validator == "type":
        misplaced = _misplaced_keyword(doc, path, instance)
        if misplaced:
            return [SpecError(doc.pos(path, key=True), misplaced)]
        expected = " or ".join(value) if isinstance(value, list) else str(value)
        got = _kind(instance)
        hint = ""
        if isinstance(instance, str) and value in ("integer", "number"):
            hint = "; write the number without quotes"
        elif instance is not None and not isinstance(instance, (dict, list)):
            got += f" {quoted(instance, 60)}"
        return [SpecError(at, f"{subject}: expected {expected}, got {got}{hint}")]
    if error.validator == "enum":
        choices = ", ".join(quoted(v, 30) for v in value)
        return [SpecError(at, f"{subject}: {quoted(instance, 60)} is not one of: {choices}")]
    if error.validator == "const":
        return [SpecError(at, f"{subject}: must be {value!r}, not {quoted(instance, 60)}")]
    if error.validator == "pattern":
        description = error.schema.get("description") if isinstance(error.schema, dict) else None
        hint = f" — {description}" if description else ""
        return [SpecError(at, f"{subject}: {quoted(instance, 60)} does not match {value}{hint}")]
    if error.validator in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        op = {"minimum": "≥", "exclusiveMinimum": ">", "maximum": "≤", "exclusiveMaximum": "<"}
        return [
            SpecError(at, f"{subject}: must be {op[error.validator]} {value}, got {instance!r}")
        ]
    if error.validator == "uniqueItems":
        return [SpecError(at, f"{subject}: lists an item twice")]
    message = error.message if len(error.message) <= 200 else error.message[:199] + "…"
    return [SpecError(at, f"{subject}: {' '.join(message.split())}")]


@dataclass(frozen=True)
class LoadedSpec:
    """A checked spec with its YAML document, whose key positions name exact lines."""

    service: Service
    doc: Document


@contextlib.contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Loading a large spec makes hundreds of thousands of objects and no reference cycles:
    the cycle collector's passes over them (a tenth of the time) would find nothing."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_spec(raw: bytes, file: str, stem: str) -> LoadedSpec:
    """Check the bytes of one spec (shown as `file`, service name `stem`); raises SpecErrors."""
    with no_cycle_collection():
        return check_document(load_yaml(file, raw), raw, stem)


def check_document(
    doc: Document, raw: bytes, stem: str, *, unbuilt: frozenset[str] = frozenset()
) -> LoadedSpec:
    """Check a loaded spec and build its IR; raises SpecErrors.

    Operations in `unbuilt` are left out: they count as declared, but are neither checked nor
    built (`callgen diff` passes those both sides have alike). At least one must stay (a spec
    has one): else every operation is built."""
    checked = doc
    operations = doc.data.get("operations") if isinstance(doc.data, dict) else None
    if not isinstance(operations, dict):
        operations = {}
    kept = {k: v for k, v in operations.items() if k not in unbuilt}
    if unbuilt and kept:
        unbuilt = frozenset(unbuilt) & operations.keys()
        checked = copy.copy(doc)  # the same positions, fewer operations
        checked.data = {**doc.data, "operations": kept}
    else:
        unbuilt = frozenset()
    errors = meta_schema_errors(checked)
    if errors:
        raise SpecErrors(errors)
    service = dataclasses.replace(build_service(checked, stem, unbuilt=unbuilt), text=raw)
    return LoadedSpec(service, doc)


@dataclass(frozen=True)
class SpecText:
    """The bytes of one spec file, read but not yet checked."""

    raw: bytes
    file: str  # as messages show it
    stem: str  # the file name's stem: the service the spec must declare


def read_text(path: Path, display: str | None = None) -> SpecText:
    """The bytes of a spec file; raises SpecErrors when it cannot be read."""
    file = display or str(path)
    try:
        with path.open("rb") as f:
            raw = f.read(MAX_BYTES + 1)  # enough to tell a file over the limit, no more
    except OSError as exc:
        raise SpecErrors([SpecError(Pos(file, 1, 1), f"cannot read: {exc.strerror}")]) from None
    return SpecText(raw, file, path.stem)


def folder_texts(specs_dir: Path) -> list[SpecText | SpecErrors]:
    """The spec files of a folder, each read or why not; raises SpecErrors without any."""
    if not specs_dir.is_dir():
        raise SpecErrors([SpecError(Pos(str(specs_dir), 1, 1), "no such spec folder")])
    files = spec_files(specs_dir)
    if not files:
        raise SpecErrors([SpecError(Pos(str(specs_dir), 1, 1), "no *.yaml spec files here")])
    texts: list[SpecText | SpecErrors] = []
    for f in files:
        try:
            texts.append(read_text(f, _display(f)))
        except SpecErrors as exc:
            texts.append(exc)
    return texts


def _read(path: Path, display: str | None = None) -> LoadedSpec:
    text = read_text(path, display)
    return read_spec(text.raw, text.file, text.stem)


def load_service(path: Path, display: str | None = None) -> Service:
    """Load and check one spec file; raises SpecErrors listing every problem found."""
    return _read(path, display).service


def load_document(path: Path, display: str | None = None) -> tuple[Document, Service]:
    """Load and check one spec file: its values with positions, and its IR."""
    loaded = _read(path, display)
    return loaded.doc, loaded.service


def spec_files(specs_dir: Path) -> list[Path]:
    return sorted(p for p in specs_dir.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def load_specs(specs_dir: Path) -> list[Service]:
    """Every spec of a folder, checked; raises SpecErrors with the problems of all files."""
    return [loaded.service for loaded in load_spec_folder(specs_dir)]


def load_spec_folder(specs_dir: Path) -> list[LoadedSpec]:
    """Every spec of a folder with its document; raises SpecErrors with all problems."""
    return check_distinct(
        [
            (
                text
                if isinstance(text, SpecErrors)
                else attempt(read_spec, text.raw, text.file, text.stem)
            )
            for text in folder_texts(specs_dir)
        ]
    )


def attempt(read: Callable[..., LoadedSpec], *args: Any, **kwargs: Any) -> LoadedSpec | SpecErrors:
    """What `read` loaded, or its SpecErrors: to report the problems of every file at once."""
    try:
        return read(*args, **kwargs)
    except SpecErrors as exc:
        return exc


def check_distinct(specs: list[LoadedSpec | SpecErrors]) -> list[LoadedSpec]:
    """The specs, once no two define one service; raises SpecErrors with every problem."""
    errors: list[SpecError] = []
    names: dict[str, str] = {}
    loaded = []
    for spec in specs:
        if isinstance(spec, SpecErrors):
            errors.extend(spec.errors)
            continue
        s = spec.service
        if s.name in names:
            errors.append(
                SpecError(s.pos, f"service {s.name!r} is also defined in {names[s.name]}")
            )
        names[s.name] = s.file
        loaded.append(spec)
    if errors:
        raise SpecErrors(errors)
    return loaded


def _display(path: Path) -> str:
    """A path as the user would write it: relative to the working directory when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


if __name__ == "__main__":  # python -m generator.spec: regenerate the compiled meta-schema check
    META_CHECK_MODULE.write_text(meta_schema_check_code(), encoding="utf-8")
    print(f"wrote {META_CHECK_MODULE}", file=sys.stderr)
