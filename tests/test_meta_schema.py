"""The meta-schema is a valid JSON Schema, every spec in specs/ conforms to it, and it rejects
what docs/spec-language.md does not allow (unknown keys, wrong types, unknown names)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
META_SCHEMA_PATH = ROOT / "generator" / "spec.schema.json"
SPECS_DIR = ROOT / "specs"
SPEC_FILES = sorted(SPECS_DIR.glob("*.yaml"))
EXPECTED_SPECS = {"huawei_isales", "quanshi_event", "yantong_groupcall", "dezhu_speech"}
SCHEMA_LINE = "# yaml-language-server: $schema=../generator/spec.schema.json"


@pytest.fixture(scope="module")
def meta_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(META_SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


@pytest.fixture(scope="module")
def validator(meta_schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(meta_schema)


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def errors_of(validator: jsonschema.Draft202012Validator, doc: Any) -> list[str]:
    return [
        f"{e.json_path}: {e.message}"
        for e in sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
    ]


def test_meta_schema_is_a_valid_draft_2020_12_schema(meta_schema: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator.check_schema(meta_schema)
    assert meta_schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert meta_schema.get("$id") and meta_schema.get("title")


def test_every_expected_spec_exists() -> None:
    assert EXPECTED_SPECS <= {p.stem for p in SPEC_FILES}


@pytest.mark.parametrize("path", SPEC_FILES, ids=lambda p: p.stem)
def test_spec_conforms_to_meta_schema(
    path: Path, validator: jsonschema.Draft202012Validator
) -> None:
    assert path.read_text(encoding="utf-8").splitlines()[0] == SCHEMA_LINE
    doc = load(path)
    assert doc["callgen"] == 1
    assert doc["service"] == path.stem
    assert errors_of(validator, doc) == []


# -- negative cases on a small valid spec ---------------------------------------------------------

MINIMAL: dict[str, Any] = {
    "callgen": 1,
    "service": "demo",
    "title": "Demo",
    "sources": {"000": {"file": "000_x.txt", "title": "Demo"}},
    "base_url": {"documented": None, "source": "000 URI"},
    "auth": {"scheme": "body_token", "body_field": "/token", "source": "000 auth"},
    "envelope": {"code": "/code", "message": "/msg", "success": [200], "source": "000 out"},
    "error_codes": [
        {
            "code": "200",
            "name": "SUCCESS",
            "success": True,
            "texts": [{"source": "000 out", "text": "ok"}],
        }
    ],
    "types": {
        "Item": {
            "source": "000 items",
            "properties": {
                "name": {
                    "type": "string",
                    "max_length": 20,
                    "required": True,
                    "source": "000 items #1",
                }
            },
        }
    },
    "operations": {
        "create_thing": {
            "summary": "Create a thing.",
            "source": "000",
            "method": "POST",
            "path": "/things",
            "creates": True,
            "request": {
                "type": "object",
                "properties": {
                    "token": {"type": "string", "required": True, "source": "000 in #1"},
                    "items": {
                        "type": "array",
                        "items": {"ref": "Item"},
                        "max_items": 5,
                        "source": "000 in #2",
                    },
                },
            },
            "response": {
                "type": "object",
                "properties": {"code": {"type": "integer", "source": "000 out"}},
            },
            "examples": [
                {"name": "doc_request", "kind": "request", "source": "000 ex", "body": {}}
            ],
        }
    },
    "limits": [
        {
            "id": "items_per_call",
            "operation": "create_thing",
            "kind": "max_items_per_call",
            "value": 5,
            "enforced_by": "client",
            "source": "000 limits",
            "description": "At most 5.",
        }
    ],
    "notes": [
        {"id": "n", "source": "000", "about": ["create_thing"], "text": "t", "decision": "d"}
    ],
}

REQ = ("operations", "create_thing", "request", "properties")


def _set(doc: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    node: Any = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return doc


def _delete(doc: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    node: Any = doc
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return doc


def test_minimal_spec_is_valid(validator: jsonschema.Draft202012Validator) -> None:
    assert errors_of(validator, MINIMAL) == []


BAD_CASES: dict[str, dict[str, Any]] = {
    # unknown keys, at every level
    "unknown top-level key": _set(MINIMAL, ("servce",), "x"),
    "unknown key in a property": _set(MINIMAL, REQ + ("token", "maxLength"), 5),
    "property without a source": _delete(MINIMAL, REQ + ("token", "source")),
    "named type's property without a source": _delete(
        MINIMAL, ("types", "Item", "properties", "name", "source")
    ),
    "unknown key in a named type": _set(MINIMAL, ("types", "Item", "additional"), True),
    "unknown key in items": _set(MINIMAL, REQ + ("items", "items", "extra"), 1),
    "unknown key in an operation": _set(MINIMAL, ("operations", "create_thing", "url"), "/x"),
    "unknown key in an enum entry": _set(
        MINIMAL, REQ + ("token", "enum"), [{"value": "a", "meaning": "A", "直接删除": None}]
    ),
    "unknown key in a limit": _set(MINIMAL, ("limits", 0, "unit"), "s"),
    "unknown key in a note": _set(MINIMAL, ("notes", 0, "why"), "x"),
    "key of another auth scheme": _set(MINIMAL, ("auth", "header"), "Authorization"),
    # wrong types and values
    "min_length as a string": _set(MINIMAL, REQ + ("token", "min_length"), "5"),
    "negative max_length": _set(MINIMAL, REQ + ("token", "max_length"), -1),
    "pattern not a string": _set(MINIMAL, REQ + ("token", "pattern"), 5),
    "required not a boolean": _set(MINIMAL, REQ + ("token", "required"), "yes"),
    "unknown wire type": _set(MINIMAL, REQ + ("token", "type"), "str"),
    "empty type union": _set(MINIMAL, REQ + ("token", "type"), []),
    "enum of bare values": _set(MINIMAL, REQ + ("token", "enum"), ["a", "b"]),
    "unknown format": _set(MINIMAL, REQ + ("token", "format"), "iso8601"),
    "callgen version 2": _set(MINIMAL, ("callgen",), 2),
    "unknown auth scheme": _set(MINIMAL, ("auth", "scheme"), "oauth2"),
    "body_token without body_field": _delete(MINIMAL, ("auth", "body_field")),
    "unknown limit kind": _set(MINIMAL, ("limits", 0, "kind"), "max_calls"),
    "unknown enforced_by": _set(MINIMAL, ("limits", 0, "enforced_by"), "both"),
    "max_items_per_call without value": _delete(MINIMAL, ("limits", 0, "value")),
    "unknown error-code scope": _set(MINIMAL, ("error_codes", 0, "scope"), "batch"),
    "error code as a number": _set(MINIMAL, ("error_codes", 0, "code"), 200),
    "error-code name not UPPER_SNAKE": _set(MINIMAL, ("error_codes", 0, "name"), "Success"),
    "unknown rule in rule_codes": _set(MINIMAL, ("rule_codes",), {"too_long": "1"}),
    "unknown rule in codes": _set(MINIMAL, REQ + ("token", "codes"), {"length": "1"}),
    "operation id not snake_case": _set(
        MINIMAL, ("operations",), {"createThing": MINIMAL["operations"]["create_thing"]}
    ),
    "service id with a dash": _set(MINIMAL, ("service",), "demo-service"),
    "type name not PascalCase": _set(MINIMAL, ("types",), {"item": MINIMAL["types"]["Item"]}),
    "required on a non-property": _set(
        MINIMAL, REQ + ("items", "items"), {"ref": "Item", "required": True}
    ),
    "example without kind": _delete(MINIMAL, ("operations", "create_thing", "examples", 0, "kind")),
    "unknown example kind": _set(
        MINIMAL, ("operations", "create_thing", "examples", 0, "kind"), "reply"
    ),
    "unknown rule in expect_violations": _set(
        MINIMAL,
        ("operations", "create_thing", "examples", 0, "expect_violations"),
        [{"path": "/x", "rule": "wrong_type"}],
    ),
    "source without seed id": _set(MINIMAL, REQ + ("token", "source"), "Table 4"),
    "required_if without equals": _set(MINIMAL, REQ + ("token", "required_if"), {"field": "x"}),
    "missing operations": _delete(MINIMAL, ("operations",)),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_meta_schema_rejects(case: str, validator: jsonschema.Draft202012Validator) -> None:
    assert errors_of(validator, BAD_CASES[case]), f"{case} was accepted"


def test_unknown_key_is_reported_as_additional_property(
    validator: jsonschema.Draft202012Validator,
) -> None:
    """The loader turns additionalProperties errors into `unknown key` messages at the key."""
    errors = list(validator.iter_errors(BAD_CASES["unknown key in a property"]))
    assert [e.validator for e in errors] == ["additionalProperties"]
    assert "maxLength" in errors[0].message
