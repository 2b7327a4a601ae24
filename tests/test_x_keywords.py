"""The `x-` keywords of the emitted JSON Schemas, and the generated validators that enforce them.

JSON Schema cannot say "at most 60 UTF-8 bytes", "equal to one of the values at another pointer",
"items unique by one property" or "a string of digits whose number is between 1 and 100"; the
emitted schemas carry those rules as `x-max-bytes`, `x-must-match`, `x-unique-by` and
`x-integer-string-bounds`. `x-forbidden-chars` and `x-format` name rules that the schema also
expresses (as `not: {pattern: [class]}` and as an exact date/time `pattern`).

1. Presence: walking each spec's IR beside its emitted schema, every node with such a rule carries
   exactly that keyword with exactly the spec's value, and no node carries one the spec lacks.
2. Enforcement: for every occurrence in the specs, boundary values at that place in the
   document's example body give exactly the expected violation (or none) from the generated
   validator.
3. No spec uses integer_string bounds, so a small probe spec (rendered into a temporary sandbox,
   never into generated/) carries every keyword at once and is checked the same way.
"""

from __future__ import annotations

import copy
import functools
import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from probe_spec import probe_spec

from generator import formats
from generator.emit_schema import all_schemas, ecma_validator
from generator.ir import Schema, Service
from generator.spec import load_service, load_specs

ROOT = Path(__file__).resolve().parents[1]
SERVICES: dict[str, Service] = {s.name: s for s in load_specs(ROOT / "specs")}
X_KEYWORDS = (
    "x-max-bytes",
    "x-must-match",
    "x-unique-by",
    "x-integer-string-bounds",
    "x-forbidden-chars",
    "x-format",
)
BOUND_KEYS = {
    "minimum": "minimum",
    "maximum": "maximum",
    "exclusive_minimum": "exclusiveMinimum",
    "exclusive_maximum": "exclusiveMaximum",
}


# -- walking the IR beside the emitted schema ----------------------------------------------------


def _expand(root: dict[str, Any], node: dict[str, Any]) -> list[dict[str, Any]]:
    out = [node]
    ref = node.get("$ref")
    if isinstance(ref, str):
        out += _expand(root, root["$defs"][ref.split("/")[-1]])
    for key in ("anyOf", "allOf"):
        for sub in node.get(key, []):
            out += _expand(root, sub)
    return out


def pairs(
    schema: Schema,
    node: dict[str, Any],
    root: dict[str, Any],
    pointer: str = "",
    seen: frozenset[str] = frozenset(),
) -> Iterator[tuple[str, Schema, list[dict[str, Any]]]]:
    """(pointer with * for items, IR schema, emitted nodes) for every value of a body."""
    nodes = _expand(root, node)
    yield pointer, schema, nodes
    if schema.items is not None:
        items = next(n["items"] for n in nodes if "items" in n)
        yield from pairs(schema.items, items, root, pointer + "/*", seen)
    if schema.object is not None and schema.object.name not in seen:
        props = next(n["properties"] for n in nodes if "properties" in n)
        for prop in schema.object.properties:
            yield from pairs(
                prop.schema,
                props[prop.name],
                root,
                f"{pointer}/{prop.name}",
                seen | {schema.object.name},
            )


def expected_x(schema: Schema) -> dict[str, Any]:
    """The x- keywords (and values) the emitter must write for this IR node."""
    out: dict[str, Any] = {}
    if schema.max_bytes is not None:
        out["x-max-bytes"] = schema.max_bytes
    if schema.must_match is not None:
        out["x-must-match"] = schema.must_match
    if schema.unique_by is not None:
        out["x-unique-by"] = schema.unique_by
    bounds = {
        BOUND_KEYS[k]: getattr(schema, k) for k in BOUND_KEYS if getattr(schema, k) is not None
    }
    if bounds and schema.types == ("integer_string",):
        out["x-integer-string-bounds"] = bounds
    if schema.forbidden_chars:
        out["x-forbidden-chars"] = schema.forbidden_chars
    if schema.format:
        out["x-format"] = schema.format
    return out


def bodies(service: Service) -> Iterator[tuple[str, str, Schema]]:
    for op in service.operations:
        yield op.id, "request", op.request
        yield op.id, "response", op.response
    for cb in service.callbacks:
        yield cb.name, "callback", cb.body


def occurrences(service: Service, emitted: dict[tuple[str, str], dict[str, Any]]) -> Iterator[Any]:
    for name, kind, body in bodies(service):
        root = emitted[(name, kind)]
        for pointer, schema, nodes in pairs(body, root, root):
            yield name, kind, pointer, schema, nodes


def check_presence(
    service: Service, emitted: dict[tuple[str, str], dict[str, Any]]
) -> dict[str, int]:
    counts = dict.fromkeys(X_KEYWORDS, 0)
    for name, kind, pointer, schema, nodes in occurrences(service, emitted):
        where = f"{service.name}.{name}.{kind} {pointer or '/'}"
        want = expected_x(schema)
        # the node itself (not a $ref'd definition, which has its own pointer) carries the keyword
        got = {k: v for k, v in nodes[0].items() if k in X_KEYWORDS}
        assert got == want, where
        for key in got:
            counts[key] += 1
        node = nodes[0]
        if "x-integer-string-bounds" in want:
            assert not set(BOUND_KEYS.values()) & set(node), f"{where}: bounds on a string"
            assert node["pattern"] == formats.INTEGER_STRING or {
                "pattern": formats.INTEGER_STRING
            } in node.get("allOf", [])
        if "x-forbidden-chars" in want:
            cls = node["not"]["pattern"]
            assert (
                node["not"]["type"] == "string" and cls.startswith("[") and cls.endswith("]")
            ), where
        if "x-format" in want:
            pattern = formats.PATTERNS[want["x-format"]]
            assert node.get("pattern") == pattern or {"pattern": pattern} in node.get(
                "allOf", []
            ), where
    return counts


def test_every_x_keyword_is_where_the_spec_has_the_rule() -> None:
    total = dict.fromkeys(X_KEYWORDS, 0)
    for service in SERVICES.values():
        module = importlib.import_module(f"outbound.{service.name}")
        emitted = {(name, kind): module.schema(name, kind) for name, kind, _ in bodies(service)}
        assert emitted == all_schemas(
            service
        ), f"{service.name}: generated/ is stale, run callgen generate"
        for key, n in check_presence(service, emitted).items():
            total[key] += n
    # the specs use each of these at least once (integer_string bounds: see the probe below)
    assert total["x-max-bytes"] >= 1 and total["x-must-match"] >= 1 and total["x-unique-by"] >= 1
    assert total["x-forbidden-chars"] >= 1 and total["x-format"] >= 5
    assert (
        total["x-integer-string-bounds"] == 0
    ), "a spec now has integer_string bounds: add its cases"


# -- enforcement at every occurrence in the specs --------------------------------------------------


def _tokens(pointer: str) -> list[str]:
    return (
        [t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/")] if pointer else []
    )


def put(body: Any, pointer: str, value: Any) -> Any:
    out = copy.deepcopy(body)
    parent = out
    tokens = _tokens(pointer)
    for t in tokens[:-1]:
        parent = parent[int(t)] if isinstance(parent, list) else parent[t]
    if isinstance(parent, list):
        parent[int(tokens[-1])] = value
    else:
        parent[tokens[-1]] = value
    return out


def get(body: Any, pointer: str) -> Any:
    for t in _tokens(pointer):
        body = body[int(t)] if isinstance(body, list) else body[t]
    return body


@functools.cache
def example(svc: str, name: str, kind: str) -> Any:
    service = SERVICES[svc]
    owner = service.operation(name) or service.callback(name)
    assert owner is not None
    body = next(ex.body for ex in owner.examples if ex.kind == kind)
    if svc == "dezhu_speech" and kind == "request":
        body = {**body, "strategyDisplaySwitch": False}  # the example's 1 is a documented mistake
    return body


def byte_strings(limit: int) -> list[tuple[str, bool]]:
    """(value, within limit) around `limit` UTF-8 bytes with 1-, 2-, 3- and 4-byte characters."""
    out = [("", True), ("a" * limit, True), ("a" * (limit + 1), False)]
    for ch in ("é", "中", "😀"):
        size = len(ch.encode())
        n, rest = divmod(limit, size)
        out += [
            (ch * n + "a" * rest, True),
            (ch * n + "a" * (rest + 1), False),
            (ch * (n + 1), (n + 1) * size <= limit),
        ]
    out += [("a" * (limit - 1) + "中", False), ("中" * (limit // 3), True)]
    return out


CHAR_SAMPLE = [chr(c) for c in range(0x20, 0x7F)] + [
    "¥",
    "–",
    "—",
    "-",
    "中",
    "、",
    "\t",
    "\n",
    "😀",
]
FORMAT_VALUES = {
    "date": [
        ("2024-02-29", True),
        ("2023-02-29", False),
        ("2000-02-29", True),
        ("2100-02-29", False),
        ("2024-04-30", True),
        ("2024-04-31", False),
        ("0001-01-01", True),
        ("0000-01-01", False),
        ("9999-12-31", True),
        ("2024-12-32", False),
        ("2024-00-10", False),
        ("2024-1-01", False),
        ("2024-01-01\n", False),
        ("２０２４-01-01", False),
    ],
    "time": [
        ("00:00:00", True),
        ("23:59:59", True),
        ("24:00:00", False),
        ("23:60:00", False),
        ("23:59:60", False),
        ("9:00:00", False),
        ("09:00", False),
        ("09:00:00\n", False),
        ("٠٩:00:00", False),
    ],
    "datetime": [
        ("2024-02-29 23:59:59", True),
        ("2023-02-29 10:00:00", False),
        ("2024-02-29 24:00:00", False),
        ("2024-02-29T10:00:00", False),
        ("2024-02-29", False),
        ("2024-02-29 10:00:00\n", False),
        ("0001-01-01 00:00:00", True),
        ("9999-12-31 23:59:59", True),
    ],
}


def x_cases(service: Service) -> list[tuple[str, str, str, str, Any]]:
    """(operation, kind, keyword, concrete pointer, keyword value) for every request occurrence."""
    module = importlib.import_module(f"outbound.{service.name}")
    emitted = {(name, kind): module.schema(name, kind) for name, kind, _ in bodies(service)}
    out = []
    for name, kind, pointer, schema, nodes in occurrences(service, emitted):
        for key, value in expected_x(schema).items():
            out.append((name, kind, key, pointer.replace("*", "0"), value))
    return out


X_CASES = [(svc, *case) for svc, service in sorted(SERVICES.items()) for case in x_cases(service)]


def _violations(module: Any, name: str, kind: str, body: Any) -> list[tuple[str, str]]:
    return [(v.path, v.rule) for v in getattr(module, f"validate_{kind}")(name, body)]


def enforce(
    module: Any, name: str, kind: str, key: str, pointer: str, value: Any, base: Any
) -> int:
    """Boundary cases of one x- keyword at one place: returns how many were checked."""

    def check(body: Any, expected: list[tuple[str, str]], what: str) -> None:
        got = _violations(module, name, kind, body)
        assert sorted(got) == sorted(expected), f"{key} at {pointer}: {what}: {got}"

    n = 0
    rule: str = {
        "x-max-bytes": "max_bytes",
        "x-must-match": "must_match",
        "x-unique-by": "unique",
        "x-forbidden-chars": "forbidden_chars",
        "x-format": "format",
    }.get(key, "")
    if key == "x-max-bytes":
        for text, fits in byte_strings(value):
            check(
                put(base, pointer, text),
                [] if fits else [(pointer, rule)],
                f"{len(text.encode())} bytes",
            )
            n += 1
    elif key == "x-must-match":
        target_tokens = value.split("/")
        declared = _values_at(base, target_tokens[1:])
        assert declared, f"the example declares nothing at {value}"
        for v in declared:
            check(put(base, pointer, v), [], f"declared {v!r}")
        for v in (declared[0] + "x", declared[0].upper() + "_", "", declared[0] + "\n"):
            if v not in declared:
                check(put(base, pointer, v), [(pointer, rule)], f"undeclared {v!r}")
        # renaming the declaration (the other end of the pointer) breaks the reference too
        renamed = put(base, value.replace("*", "0"), declared[0] + "-renamed")
        check(renamed, [(pointer, rule)], "declaration renamed")
        n += len(declared) + 5
    elif key == "x-unique-by":
        items = get(base, pointer)
        first = copy.deepcopy(items[0])
        check(
            put(base, pointer, [first, copy.deepcopy(first)]),
            [(f"{pointer}/1/{value}", rule)],
            "twice",
        )
        other = {**copy.deepcopy(first), value: first[value] + "1"}
        check(put(base, pointer, [first, other]), [], "distinct")
        check(
            put(base, pointer, [first, other, copy.deepcopy(other), copy.deepcopy(first)]),
            [(f"{pointer}/2/{value}", rule), (f"{pointer}/3/{value}", rule)],
            "two duplicates",
        )
        assert len(first) > 1, "the example item should hold more than its key"
        check(
            put(base, pointer, [first, {value: first[value]}]),
            [(f"{pointer}/1/{value}", rule)],
            "same key, other fields left out",
        )
        n += 4
    elif key == "x-forbidden-chars":
        for ch in CHAR_SAMPLE:
            bad = ch in value
            check(put(base, pointer, f"ab{ch}cd"), [(pointer, rule)] if bad else [], f"char {ch!r}")
            n += 1
        for ch in value:  # every listed character, alone and at either end
            for text in (ch, ch + "x", "x" + ch):
                check(put(base, pointer, text), [(pointer, rule)], f"{text!r}")
                n += 1
    elif key == "x-format":
        for text, ok in FORMAT_VALUES[value]:
            check(put(base, pointer, text), [] if ok else [(pointer, rule)], text)
            n += 1
    elif key == "x-integer-string-bounds":
        n += enforce_bounds(module, name, kind, pointer, value, base)
    else:
        raise AssertionError(key)
    return n


def _values_at(body: Any, tokens: list[str]) -> list[Any]:
    if not tokens:
        return [body]
    head, rest = tokens[0], tokens[1:]
    if head == "*":
        return (
            [v for item in body for v in _values_at(item, rest)] if isinstance(body, list) else []
        )
    return _values_at(body[head], rest) if isinstance(body, dict) and head in body else []


def enforce_bounds(
    module: Any, name: str, kind: str, pointer: str, bounds: dict[str, Any], base: Any
) -> int:
    rules = {
        "minimum": "minimum",
        "maximum": "maximum",
        "exclusiveMinimum": "exclusive_minimum",
        "exclusiveMaximum": "exclusive_maximum",
    }
    values = {"0", "007", "0" * 5000, "9" * 5000, "0" * 4999 + "7"}
    for b in bounds.values():
        values |= {str(max(b - 1, 0)), str(b), str(b + 1), "0" + str(b)}
    n = 0
    for text in sorted(values, key=lambda t: (len(t), t)):
        number = int(text.lstrip("0") or "0") if len(text.lstrip("0")) < 4300 else float("inf")
        broken = []
        for key, bound in bounds.items():
            fails = {
                "minimum": number < bound,
                "maximum": number > bound,
                "exclusiveMinimum": number <= bound,
                "exclusiveMaximum": number >= bound,
            }[key]
            if fails:
                broken.append((pointer, rules[key]))
        got = _violations(module, name, kind, put(base, pointer, text))
        assert sorted(got) == sorted(broken), f"{pointer} = {text[:20]!r}…: {got}"
        n += 1
    for text in ("-1", "1.0", "1e3", "٣", "", "5\n"):  # not a string of digits: type, no bounds
        assert _violations(module, name, kind, put(base, pointer, text)) == [
            (pointer, "type")
        ], text
        n += 1
    return n


@pytest.mark.parametrize(
    "svc,name,kind,key,pointer,value",
    X_CASES,
    ids=[f"{c[0]}.{c[1]}.{c[2]}:{c[3]}:{c[4]}" for c in X_CASES],
)
def test_x_keyword_is_enforced(
    svc: str, name: str, kind: str, key: str, pointer: str, value: Any
) -> None:
    module = importlib.import_module(f"outbound.{svc}")
    base = example(svc, name, kind)
    if key in ("x-max-bytes", "x-forbidden-chars"):
        base = put(base, pointer, "")  # the example may leave the field out
    elif key == "x-format":
        base = put(base, pointer, FORMAT_VALUES[value][0][0])
    assert _violations(module, name, kind, base) == []
    assert enforce(module, name, kind, key, pointer, value, base) > 0


def test_forbidden_characters_agree_with_the_schema_not_pattern() -> None:
    """x-forbidden-chars and the schema's `not: {pattern: [class]}` reject the same characters."""
    import outbound.huawei_isales as module

    schema = module.schema("add_call_data")
    validator = ecma_validator(schema)
    listed = schema["$defs"]["CallData"]["properties"]["customField"]["x-forbidden-chars"]
    assert listed == "`~!@#$%^&*()+=|{}'\":;<>/?.\\[]¥–,"  # 002 Table 4 #1.4
    for ch in CHAR_SAMPLE + list(listed):
        body = {"callDataList": [{"called": "1", "customField": f"x{ch}y"}]}
        assert (
            validator.is_valid(body)
            == (ch not in listed)
            == (module.validate_request("add_call_data", body) == [])
        )


# -- the probe: every keyword in one small spec ---------------------------------------------------

PROBE_SPEC = probe_spec(
    "probe",
    error_codes="""
        - {code: "91", name: OUT_OF_RANGE, texts: [{source: "900", text: out of range}]}
    """,
    sections="""
        rule_codes:
          minimum: "91"
          maximum: "91"
          exclusive_minimum: "91"
          exclusive_maximum: "91"
        types:
          Group:
            source: "900"
            properties:
              key: {type: string, required: true, source: "900"}
          Item:
            source: "900"
            properties:
              id: {type: string, required: true, source: "900"}
              group: {type: string, must_match: /groups/*/key, source: "900"}
              note: {type: string, max_bytes: 10, forbidden_chars: "$[]\\\\^-", source: "900"}
              day: {type: string, format: date, source: "900"}
    """,
    request="""
        token: {type: string, required: true, source: "900"}
        page: {type: integer_string, minimum: 1, maximum: 100, source: "900"}
        size: {type: integer_string, exclusive_minimum: 0, exclusive_maximum: 50, source: "900"}
        floor: {type: integer_string, minimum: 10, source: "900"}
        groups: {type: array, items: {ref: Group}, source: "900"}
        items: {type: array, unique_by: id, items: {ref: Item}, source: "900"}
    """,
)

PROBE_BODY = {
    "token": "t",
    "page": "1",
    "size": "1",
    "floor": "10",
    "groups": [{"key": "a"}, {"key": "b"}],
    "items": [{"id": "1", "group": "a", "note": "", "day": "2024-02-29"}],
}


@pytest.fixture(scope="module")
def probe(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from generator.generate import render
    from generator.sandbox import imported, service_module

    spec = tmp_path_factory.mktemp("probe") / "probe.yaml"
    spec.write_text(PROBE_SPEC, "utf-8")
    service = load_service(spec)
    with imported(render([service])) as package:
        yield service, service_module(package, "probe")


def test_probe_presence(probe: Any) -> None:
    service, module = probe
    emitted = {
        ("op", "request"): module.schema("op"),
        ("op", "response"): module.schema("op", "response"),
    }
    counts = check_presence(service, emitted)
    assert counts == {
        "x-max-bytes": 1,
        "x-must-match": 1,
        "x-unique-by": 1,
        "x-integer-string-bounds": 3,
        "x-forbidden-chars": 1,
        "x-format": 1,
    }
    props = emitted[("op", "request")]["properties"]
    assert props["page"]["x-integer-string-bounds"] == {"minimum": 1, "maximum": 100}
    assert props["size"]["x-integer-string-bounds"] == {
        "exclusiveMinimum": 0,
        "exclusiveMaximum": 50,
    }


def test_probe_enforcement(probe: Any) -> None:
    service, module = probe
    assert module.validate_request("op", PROBE_BODY) == []
    checked = 0
    for name, kind, key, pointer, value in _probe_cases(service, module):
        checked += enforce(module, name, kind, key, pointer, value, PROBE_BODY)
    assert checked > 100


def _probe_cases(service: Service, module: Any) -> list[tuple[str, str, str, str, Any]]:
    emitted = {
        ("op", "request"): module.schema("op"),
        ("op", "response"): module.schema("op", "response"),
    }
    return [
        (name, kind, key, pointer.replace("*", "0"), value)
        for name, kind, pointer, schema, _ in occurrences(service, emitted)
        for key, value in expected_x(schema).items()
    ]


def test_probe_bounds_codes_and_json_schema(probe: Any) -> None:
    """Bounds on digit strings carry the rule's vendor code; JSON Schema checks only the digits."""
    _, module = probe
    found = module.validate_request("op", {**PROBE_BODY, "page": "101", "size": "0", "floor": "9"})
    assert sorted((v.path, v.rule, v.code) for v in found) == [
        ("/floor", "minimum", "91"),
        ("/page", "maximum", "91"),
        ("/size", "exclusive_minimum", "91"),
    ]
    validator = ecma_validator(module.schema("op"))
    assert validator.is_valid({**PROBE_BODY, "page": "101", "size": "0"})  # only x- bounds broken
    assert not validator.is_valid({**PROBE_BODY, "page": "1a"})
    # more digits than int() takes: still a clean verdict, never an exception
    huge = "9" * 10_000
    assert [
        (v.path, v.rule) for v in module.validate_request("op", {**PROBE_BODY, "page": huge})
    ] == [("/page", "maximum")]
    assert module.validate_request("op", {**PROBE_BODY, "floor": huge}) == []
    assert module.validate_request("op", {**PROBE_BODY, "page": "0" * 10_000 + "5"}) == []


def test_probe_forbidden_class_with_regex_metacharacters(probe: Any) -> None:
    """`$ [ ] \\ ^ -` listed as forbidden: escaped in the class, `$` not taken for an anchor."""
    _, module = probe
    validator = ecma_validator(module.schema("op"))
    listed = "$[]\\^-"
    assert module.schema("op")["$defs"]["Item"]["properties"]["note"]["x-forbidden-chars"] == listed
    for ch in CHAR_SAMPLE:
        body = {**PROBE_BODY, "items": [{"id": "1", "note": f"{ch}"}]}
        ours = module.validate_request("op", body) == []
        assert ours == validator.is_valid(body) == (ch not in listed), repr(ch)
