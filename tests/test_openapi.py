"""`callgen openapi`: the OpenAPI 3.1.0 document of each service, checked against the spec.

The document is checked by `openapi-spec-validator` (a validator we did not write), and item by
item against the IR and the generated package: the bodies are the schemas `callgen schema`
prints, every documented code has its texts and an example answer the response schema accepts,
every document example is there, every note and source is placed, Yantong's routes that differ
only by query are distinct and send the right query, and the simulator serves the same document.
(tests/mock/test_mock_schemathesis.py fuzzes the simulator with it.)
"""

from __future__ import annotations

import copy
import importlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError
from probe_spec import probe_spec
from referencing.exceptions import Unresolvable

from generator import emit_schema
from generator.emit_openapi import openapi_document, path_key, schema_key
from generator.ir import Schema, Service
from generator.mock import MockConfig, MockServer, Simulator
from generator.pointers import split
from generator.spec import load_service, load_specs

ROOT = Path(__file__).resolve().parents[1]
SERVICES: dict[str, Service] = {s.name: s for s in load_specs(ROOT / "specs")}
NAMES = sorted(SERVICES)


@pytest.fixture(scope="module", params=NAMES)
def service(request: pytest.FixtureRequest) -> Service:
    found: Service = SERVICES[request.param]
    return found


@pytest.fixture(scope="module")
def doc(service: Service) -> dict[str, Any]:
    return openapi_document(service)


def operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for key, item in doc["paths"].items():
        for method, op in item.items():
            yield key, method, op


def op_by_id(doc: dict[str, Any], op_id: str) -> dict[str, Any]:
    return next(op for _, _, op in operations(doc) if op["operationId"] == op_id)


def resolve(doc: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/")
    node: Any = doc
    for token in split(ref[1:]):
        node = node[token]
    return node


# -- valid, deterministic, and what the CLI prints -----------------------------------------------


def test_valid_by_openapi_spec_validator(doc: dict[str, Any]) -> None:
    validate(doc)
    assert doc["openapi"] == "3.1.0"


def test_the_validator_is_not_lenient(service: Service) -> None:
    """The validator rejects the same document with a reference inside a body broken, or an
    operation id repeated. (It does not follow a media type's `$ref` to a missing component:
    test_every_ref_resolves_inside_the_document does.)"""
    doc = openapi_document(service)
    text = json.dumps(doc, ensure_ascii=False)
    assert "/$defs/" in text
    broken = json.loads(text.replace("/$defs/", "/$defs/missing-", 1))
    with pytest.raises((OpenAPIValidationError, Unresolvable)):
        validate(broken)
    _, _, first = next(operations(doc))
    twice = copy.deepcopy(doc)
    twice["paths"]["/twice"] = {"post": copy.deepcopy(first)}
    with pytest.raises(OpenAPIValidationError):
        validate(twice)


def test_deterministic_and_json_ready(service: Service) -> None:
    one = json.dumps(openapi_document(service), ensure_ascii=False)
    reloaded = load_service(ROOT / "specs" / f"{service.name}.yaml", f"specs/{service.name}.yaml")
    assert json.dumps(openapi_document(reloaded), ensure_ascii=False) == one


def callgen(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    proc = subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def test_cli_prints_and_writes_the_document(tmp_path: Path) -> None:
    expected = json.dumps(openapi_document(SERVICES["huawei_isales"]), ensure_ascii=False, indent=2)
    printed = callgen("openapi", "huawei_isales")
    assert printed.returncode == 0 and printed.stdout == expected + "\n"
    out = tmp_path / "huawei.json"
    written = callgen("openapi", "huawei_isales", "-o", str(out))
    assert written.returncode == 0 and written.stdout == ""
    assert out.read_text("utf-8") == expected + "\n"
    assert str(out) in written.stderr


def test_cli_refuses_clearly(tmp_path: Path) -> None:
    unknown = callgen("openapi", "no_such_service")
    assert unknown.returncode == 2
    assert "unknown service 'no_such_service'" in unknown.stderr
    assert "huawei_isales" in unknown.stderr
    unwritable = callgen("openapi", "huawei_isales", "-o", str(tmp_path / "no" / "dir.json"))
    assert unwritable.returncode == 2 and "cannot write" in unwritable.stderr
    helped = callgen("openapi", "--help")
    assert helped.returncode == 0 and "-o FILE" in helped.stdout


# -- bodies: the schemas `callgen schema` prints -------------------------------------------------

# keywords whose values are data, not subschemas: copied as they are
_DATA = {"enum", "const", "default", "x-enum", "x-enum-meanings", "x-integer-string-bounds"}
_SCHEMA_MAPS = {"properties", "$defs"}
_SCHEMA_LISTS = {"allOf", "anyOf", "oneOf"}
_SCHEMA_ONE = {"items", "not", "if", "then"}


def unannotate(node: Any, plain: Any, defs_at: str) -> Any:
    """`node` without what `annotated=True` adds, checking each addition against `plain`."""
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in emit_schema.ANNOTATIONS or key == "x-notes":
            continue
        if key == "description":
            if "description" in plain:
                assert value.startswith(plain["description"])
                out[key] = plain["description"]
            continue
        if key == "$ref":
            assert value.startswith(defs_at)
            out[key] = "#/$defs/" + value.removeprefix(defs_at)
        elif key in _SCHEMA_MAPS:
            out[key] = {k: unannotate(v, plain[key][k], defs_at) for k, v in value.items()}
        elif key in _SCHEMA_LISTS:
            out[key] = [unannotate(v, p, defs_at) for v, p in zip(value, plain[key], strict=True)]
        elif key in _SCHEMA_ONE:
            out[key] = unannotate(value, plain[key], defs_at)
        else:
            out[key] = value
    return out


def test_bodies_are_the_schemas_callgen_schema_prints(
    service: Service, doc: dict[str, Any]
) -> None:
    module = importlib.import_module(f"outbound.{service.name}")
    bodies = [(op.id, kind) for op in service.operations for kind in ("request", "response")]
    bodies += [(cb.name, "callback") for cb in service.callbacks]
    schemas = doc["components"]["schemas"]
    assert list(schemas) == [schema_key(name, kind) for name, kind in bodies]
    for name, kind in bodies:
        plain = module.schema(name, kind)
        key = schema_key(name, kind)
        defs_at = f"#/components/schemas/{key}/$defs/"
        assert unannotate(schemas[key], plain, defs_at) == plain
        for _, _, op in operations(doc):
            if op["operationId"] == name:
                where = op["requestBody"] if kind == "request" else op["responses"]["200"]
                assert where["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/" + key
                }


def test_every_ref_resolves_inside_the_document(doc: dict[str, Any]) -> None:
    def refs(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref" and isinstance(value, str):
                    yield value
                elif key not in ("value", "examples", "default", "enum", "const"):
                    yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    found = list(refs(doc))
    assert found
    for ref in found:
        assert isinstance(resolve(doc, ref), dict), ref


def walk_ir(schema: Schema, seen: frozenset[str] = frozenset()) -> Iterator[tuple[str, Schema]]:
    """(property wire name or '', schema) for every schema node under `schema`."""
    yield "", schema
    if schema.items is not None:
        yield from walk_ir(schema.items, seen)
    obj = schema.object
    if obj is not None and obj.name not in seen:
        for prop in obj.properties:
            yield prop.name, prop.schema
            yield from walk_ir(prop.schema, seen | {obj.name})


def test_sources_are_kept(service: Service, doc: dict[str, Any]) -> None:
    """Every source of the spec appears as x-source where the item is."""
    text = json.dumps(doc, ensure_ascii=False)
    for op in service.operations:
        emitted = op_by_id(doc, op.id)
        assert emitted["x-source"] == op.source
        for param in emitted.get("parameters", []):
            if param["in"] == "path":
                prop = next(p for p in op.path_params if p.name == param["name"])
                assert param["x-source"] == prop.schema.source
        for body in (op.request, op.response):
            for _, node in walk_ir(body):
                if node.source is not None:
                    assert json.dumps({"x-source": node.source}, ensure_ascii=False)[1:-1] in text
    for t in service.types:
        defs = [
            s["$defs"][t.name]
            for s in doc["components"]["schemas"].values()
            if t.name in s.get("$defs", {})
        ]
        assert defs, t.name
        assert all(d["x-source"] == t.source for d in defs)
    request = doc["components"]["schemas"][schema_key(service.operations[0].id, "request")]
    first_property = next(iter(service.operations[0].request.object.properties))  # type: ignore[union-attr]
    assert request["properties"][first_property.name]["x-source"] == first_property.schema.source


def test_every_note_is_placed_where_it_belongs(service: Service, doc: dict[str, Any]) -> None:
    def placed(node: Any) -> Iterator[tuple[str, dict[str, Any]]]:
        if isinstance(node, dict):
            for note in node.get("x-notes", []):
                yield note["id"], note
            for value in node.values():
                yield from placed(value)
        elif isinstance(node, list):
            for value in node:
                yield from placed(value)

    found = dict(placed(doc))
    for note in service.notes:
        assert note.id in found, note.id
        assert found[note.id]["text"] == note.text
        assert found[note.id]["decision"] == note.decision
    for op in service.operations:
        ids = [n["id"] for n in op_by_id(doc, op.id).get("x-notes", [])]
        assert ids == [n.id for n in service.notes if op.id in n.about]
    for note in service.notes:
        if "base_url" in note.about:
            assert note.id in [n["id"] for n in doc["servers"][0]["x-notes"]]


# -- servers, paths, parameters, security ----------------------------------------------------------


def test_server_is_the_documented_base_url(service: Service, doc: dict[str, Any]) -> None:
    [server] = doc["servers"]
    assert server["url"] == "{baseUrl}"
    assert server["variables"]["baseUrl"]["default"] == (service.base_url or "")


def test_huawei_path_parameters_and_their_ranges() -> None:
    doc = openapi_document(SERVICES["huawei_isales"])
    for op_id in ("add_call_data", "delete_call_data"):
        params = {p["name"]: p for p in op_by_id(doc, op_id)["parameters"]}
        assert params["vdnId"]["in"] == "path" and params["vdnId"]["required"] is True
        assert params["vdnId"]["schema"]["type"] == "integer"
        assert (params["vdnId"]["schema"]["minimum"], params["vdnId"]["schema"]["maximum"]) == (
            1,
            9999,
        )
        assert params["campaignId"]["schema"]["type"] == "integer"


def test_yantong_routes_differ_only_by_query_and_send_it() -> None:
    """`/api.php#r=…` keys: the fragment is never sent, the `r` parameter is."""
    service = SERVICES["yantong_groupcall"]
    doc = openapi_document(service)
    keys = [key for key, _, _ in operations(doc)]
    assert len(set(keys)) == len(keys) == len(service.operations)
    for op in service.operations:
        key = path_key(op)
        emitted = doc["paths"][key]["post"]
        assert emitted["operationId"] == op.id
        assert emitted["x-route"] == {"method": "POST", "path": "/api.php", "query": dict(op.query)}
        [r] = [p for p in emitted["parameters"] if p["in"] == "query"]
        assert r["name"] == "r" and r["required"] is True
        assert r["schema"] == {"type": "string", "const": dict(op.query)["r"]}
        # a client that appends the path key and the query: what reaches the server
        url = httpx.URL("http://127.0.0.1:1" + key, params={"r": r["schema"]["const"]})
        sent = urlsplit(str(url))
        assert sent.path == "/api.php" and httpx.URL(str(url)).params["r"] == dict(op.query)["r"]
        assert "#" not in httpx.Request("POST", url).url.raw_path.decode()
    stop = op_by_id(doc, "stop_task")
    assert stop["x-route"]["query"] == {"r": "groupcall/task-stop"}  # never task-start
    assert stop["x-notes"][0]["id"] == "stop_route"


def test_security_schemes_name_the_exact_headers_and_the_signing() -> None:
    huawei = openapi_document(SERVICES["huawei_isales"])
    [scheme] = huawei["components"]["securitySchemes"].values()
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "Authorization")
    assert scheme["x-signing-scheme"] == "huawei-auth-v2"
    assert huawei["security"] == [{"huawei_auth_v2": []}]
    for _, _, op in operations(huawei):
        assert "401" in op["responses"]  # a failed signature: HTTP 401

    dezhu = openapi_document(SERVICES["dezhu_speech"])
    schemes = dezhu["components"]["securitySchemes"]
    assert [(s["in"], s["name"]) for s in schemes.values()] == [
        ("header", "appId"),
        ("header", "timestamp"),
        ("header", "sign"),
    ]
    assert {s["x-signing-scheme"] for s in schemes.values()} == {"rsa-sha256-headers"}
    assert dezhu["security"] == [{"appId": [], "timestamp": [], "sign": []}]

    for name in ("quanshi_event", "yantong_groupcall"):
        doc = openapi_document(SERVICES[name])
        assert "security" not in doc and "securitySchemes" not in doc["components"]
        assert doc["x-body-token"]["pointer"] == "/token"
        for _, _, op in operations(doc):
            assert op["x-body-token"]["pointer"] == "/token"


# -- codes and examples ---------------------------------------------------------------------------


def test_every_code_with_its_texts_and_an_example_answer(
    service: Service, doc: dict[str, Any]
) -> None:
    module = importlib.import_module(f"outbound.{service.name}")
    listed: set[str] = set()
    for op in service.operations:
        emitted = op_by_id(doc, op.id)
        content = emitted["responses"]["200"]["content"]["application/json"]
        examples = content.get("examples", {})
        for code in emitted["x-error-codes"]:
            listed.add(code["code"])
            documented = next(c for c in service.error_codes if c.code == code["code"])
            assert code["texts"] == [{"source": s, "text": t} for s, t in documented.texts]
            if documented.success:
                continue
            example = examples[f"code_{documented.code}"]["value"]
            assert module.validate_response(op.id, example) == []
            wire = example
            for token in split(service.envelope.code):
                wire = wire[token]
            assert str(wire) == documented.code
            assert type(wire) is type(service.envelope.success[0])
            assert documented.description in json.dumps(example, ensure_ascii=False)
        for code in op.error_codes:
            assert code in [c["code"] for c in emitted["x-error-codes"]]
    # every code the spec documents is listed at some operation
    assert listed == {c.code for c in service.error_codes}


def test_every_document_example_is_there(service: Service, doc: dict[str, Any]) -> None:
    for op in service.operations:
        emitted = op_by_id(doc, op.id)
        request = emitted["requestBody"]["content"]["application/json"].get("examples", {})
        response = emitted["responses"]["200"]["content"]["application/json"].get("examples", {})
        for ex in op.examples:
            where = request if ex.kind == "request" else response
            assert where[ex.name]["value"] == ex.body
            assert where[ex.name]["x-source"] == ex.source
            expected = [{"path": v.path, "rule": v.rule} for v in ex.expect_violations]
            assert where[ex.name].get("x-expect-violations", []) == expected
    for cb in service.callbacks:
        content = doc["webhooks"][cb.name]["post"]["requestBody"]["content"]["application/json"]
        for ex in cb.examples:
            assert content["examples"][ex.name]["value"] == ex.body


def test_dezhu_example_that_breaks_its_rules_says_so() -> None:
    doc = openapi_document(SERVICES["dezhu_speech"])
    op = op_by_id(doc, "create_outbound_task")
    example = op["requestBody"]["content"]["application/json"]["examples"]["doc_request"]
    assert example["x-expect-violations"] == [{"path": "/strategyDisplaySwitch", "rule": "type"}]
    assert "/strategyDisplaySwitch" in example["description"]


def test_yantong_pushed_result_is_a_webhook() -> None:
    doc = openapi_document(SERVICES["yantong_groupcall"])
    hook = doc["webhooks"]["call_result"]["post"]
    schema = hook["requestBody"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/call_result.callback"}
    resolved = resolve(doc, schema["$ref"])
    assert resolved["properties"]["call_result"]["properties"]["comment"]["type"] == [
        "null",
        "string",
    ]
    assert hook["x-source"] == "001 呼叫记录回调"
    assert "callback_delivery" in [n["id"] for n in hook["x-notes"]]


def test_limits_and_guard_are_extensions_and_words() -> None:
    doc = openapi_document(SERVICES["huawei_isales"])
    add = op_by_id(doc, "add_call_data")
    limits = {lim["id"]: lim for lim in add["x-limits"]}
    assert (limits["numbers_per_call"]["value"], limits["numbers_per_call"]["code"]) == (
        20,
        "0200029",
    )
    assert limits["add_interval"]["kind"] == "min_interval"
    assert "A maximum of 20 numbers" in add["description"]
    delete = op_by_id(doc, "delete_call_data")
    assert delete["x-guard"]["confirm"] == "confirm_delete_all"
    # a group (recycleTime counts only with recycleType) stays a list, as the spec writes it
    assert delete["x-guard"]["unless_any_of"] == [
        "sessionId",
        "called",
        "customField",
        ["recycleTime", "recycleType"],
    ]
    assert "recycleTime with recycleType" in delete["description"]
    assert "confirm_delete_all=True" in delete["description"]


def test_paging_is_an_extension_and_words() -> None:
    doc = openapi_document(SERVICES["yantong_groupcall"])
    records = op_by_id(doc, "list_call_records")
    assert records["x-paging"] == {
        "page": "page",
        "page_size": "page_size",
        "items": "/info/info",
        "total_pages": "/info/total_page",
        "total_items": "/info/total_count",
        "first_page": 1,
    }
    assert "the items of a page are at /info/info (x-paging)" in records["description"]
    assert not any("x-paging" in op_by_id(doc, o) for o in ("list_tasks", "get_task"))


# -- rules JSON Schema cannot state: x- keywords, said in words -----------------------------------

PROBE = probe_spec(
    "probe",
    error_codes="""
        - {code: "91", name: BAD, texts: [{source: "900", text: bad}]}
    """,
    sections="""
        types:
          Group:
            source: "900 Group"
            properties:
              key: {type: string, required: true, source: "900 key"}
          Item:
            source: "900 Item"
            properties:
              id: {type: string, required: true, source: "900 id"}
              group: {type: string, must_match: /groups/*/key, source: "900 group"}
              note: {type: string, max_bytes: 10, source: "900 note", codes: {max_bytes: "91"}}
    """,
    request="""
        token: {type: string, required: true, source: "900 token"}
        page: {type: integer_string, minimum: 1, maximum: 100, source: "900 page"}
        groups: {type: array, items: {ref: Group}, source: "900 groups"}
        items: {type: array, unique_by: id, items: {ref: Item}, source: "900 items"}
    """,
)


def test_x_rules_are_kept_and_said_in_words(tmp_path: Path) -> None:
    spec = tmp_path / "probe.yaml"
    spec.write_text(PROBE, "utf-8")
    doc = openapi_document(load_service(spec))
    validate(doc)
    request = doc["components"]["schemas"]["op.request"]
    page = request["properties"]["page"]
    assert page["x-integer-string-bounds"] == {"minimum": 1, "maximum": 100}
    assert "minimum 1, maximum 100" in page["description"]
    items = request["properties"]["items"]
    assert items["x-unique-by"] == "id" and "same 'id'" in items["description"]
    item = request["$defs"]["Item"]["properties"]
    assert (
        item["note"]["x-max-bytes"] == 10
        and "At most 10 bytes in UTF-8" in item["note"]["description"]
    )
    assert item["note"]["x-codes"] == {"max_bytes": "91"}
    assert item["group"]["x-must-match"] == "/groups/*/key"
    assert "/groups/*/key" in item["group"]["description"]
    assert item["group"]["x-source"] == "900 group"
    assert request["$defs"]["Item"]["x-source"] == "900 Item"


def test_yantong_state_bytes_said_in_words() -> None:
    doc = openapi_document(SERVICES["yantong_groupcall"])
    record = doc["components"]["schemas"]["upload_data.request"]["$defs"]["UploadRecord"]
    state = record["properties"]["state"]
    assert state["x-max-bytes"] == 60
    assert state["description"].startswith("自定义参数,注意不要超过60个字节")
    assert "At most 60 bytes in UTF-8" in state["description"]
    assert state["x-inferred"] is True


# -- the simulator serves it ----------------------------------------------------------------------


def test_the_simulator_serves_its_document(service: Service) -> None:
    with MockServer([Simulator(service, MockConfig())]) as server:
        served = httpx.get(f"{server.url}/openapi.json")
        by_name = httpx.get(f"{server.url}/openapi/{service.name}.json")
    assert served.status_code == 200
    assert served.headers["content-type"].startswith("application/json")
    got = served.json()
    assert got["servers"][0]["url"] == server.url
    expected = openapi_document(service)
    assert got["servers"][1:] == expected["servers"]
    got["servers"] = expected["servers"]
    assert got == json.loads(json.dumps(expected))
    assert by_name.json() == served.json()


def test_several_simulators_each_serve_their_own() -> None:
    sims = [Simulator(SERVICES[n]) for n in ("huawei_isales", "dezhu_speech")]
    with MockServer(sims) as server:
        either = httpx.get(f"{server.url}/openapi.json")
        huawei = httpx.get(f"{server.url}/openapi/huawei_isales.json")
        dezhu = httpx.get(f"{server.url}/openapi/dezhu_speech.json")
        other = httpx.get(f"{server.url}/openapi/quanshi_event.json")
    assert either.status_code == 404 and "/openapi/huawei_isales.json" in either.text
    assert huawei.json()["x-service"] == "huawei_isales"
    assert dezhu.json()["x-service"] == "dezhu_speech"
    assert other.status_code == 404
