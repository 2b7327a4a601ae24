"""schemathesis, a client we did not write, fuzzes each simulator from the document it serves.

For each service: the simulator runs on 127.0.0.1 with known credentials, schemathesis loads
`GET /openapi.json` from it (the `callgen openapi` document) and, for every operation, sends the
document's examples, its coverage cases (boundary values and each constraint broken, valid and
invalid, other methods), then a bounded number of generated valid bodies (positive mode) and of
invalid ones (negative mode). Every answer must pass schemathesis' checks: no 5xx, a status code
the document lists, its content type, a body valid against the documented response schema, and
a 405 with an `Allow` header for another method. (`negative_data_rejection` and `positive_data_acceptance` are not run: these vendors answer a
refusal with HTTP 200 and a result code in the body, which the document says.)

Credentials are applied as the vendor documents them (body token, auth-v2 signature, RSA
headers); every fifth request carries wrong ones, whose documented refusal is checked the same
way. A generated valid body is first made to satisfy the rules the document can only state as
`x-` keywords (must-match, unique-by, byte length), and must then pass the generated validators
too: the document and the simulator's validators agree.

Afterwards the simulator's state must be intact: every request counted and answered once, what
it stored valid by the documented rules and consistent with itself, and a documented example
request still served with success.

Hypothesis runs derandomized in CI (tests/conftest.py); the example counts keep a run within
about ten seconds per service on two cores.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from outbound._runtime.signing import HuaweiAuthV2Signer, RsaSha256Signer
from schemathesis.checks import not_a_server_error
from schemathesis.generation.meta import CoveragePhaseData, CoverageScenario, TestPhase
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    content_type_conformance,
    missing_required_header,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from generator import ir
from generator.mock import MockConfig, MockServer, Simulator

POSITIVE_EXAMPLES = 15  # generated valid requests per operation (besides the coverage cases)
NEGATIVE_EXAMPLES = 5  # generated invalid requests per operation (besides the coverage cases)
WRONG_EVERY = 5  # every fifth request carries wrong credentials

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    unsupported_method,  # another method: 405 with an Allow header
    allow_header_conformance,
]

TOKEN = "b9f43e6f11e111ec906b00163e1260a0"
APP_ID = "99845aaaaebd4d61acccc9b776208f12"
# auth-v2 pacing (0200022) is per AK: rotating keys keeps most adds from being refused for it
ACCESS_KEYS = {f"fuzz-ak-{i}": f"fuzz-sk-{i}-0123456789" for i in range(64)}
# Yantong tasks: small ids, which generated integer strings hit often, and the document's 59
TASKS = {str(i): f"task {i}" for i in range(10)} | {"59": "测试群呼任务"}


# -- credentials as the vendor documents them ----------------------------------------------------


class AuthV2(requests.auth.AuthBase):
    """Signs the exact bytes schemathesis sends (requests calls this after the body is final)."""

    def __init__(self, signer: HuaweiAuthV2Signer) -> None:
        self.signer = signer

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        body = r.body or b""
        raw = body.encode("utf-8") if isinstance(body, str) else body
        assert isinstance(raw, bytes) and r.method and r.url
        r.headers["Host"] = urlsplit(r.url).netloc
        r.headers["Content-Length"] = str(len(raw))
        r.headers.setdefault("Content-Type", "application/json")
        r.headers["Authorization"] = self.signer.authorization(
            r.method, httpx.URL(r.url), dict(r.headers), raw
        )
        return r


CREDENTIAL_HEADERS = {"authorization", "appid", "timestamp", "sign"}


class Credentials:
    """Applies right (or, every WRONG_EVERY-th request, wrong) credentials to a case."""

    def __init__(self, service: ir.Service, private_key: bytes, other_key: bytes) -> None:
        self.scheme = service.auth.scheme
        self.count = itertools.count(1)
        self.keys = itertools.cycle(ACCESS_KEYS.items())
        self.rsa = RsaSha256Signer(APP_ID, private_key)
        self.rsa_wrong = RsaSha256Signer(APP_ID, other_key)
        self.wrong = 0

    def apply(self, case: schemathesis.Case, dropped: str | None) -> dict[str, Any]:
        """Set the body token on the case; the keyword arguments of `case.call` for headers.

        `dropped`: a header schemathesis leaves out on purpose (a coverage case): when it is a
        credential, the request goes without credentials, as schemathesis meant it."""
        if dropped is not None and dropped.lower() in CREDENTIAL_HEADERS:
            return {}
        right = next(self.count) % WRONG_EVERY != 0
        self.wrong += not right
        if self.scheme == "body_token":
            if isinstance(case.body, dict):
                case.body["token"] = TOKEN if right else "not-" + TOKEN
            return {}
        if self.scheme == "huawei_auth_v2":
            ak, sk = next(self.keys)
            return {"auth": AuthV2(HuaweiAuthV2Signer(ak, sk if right else sk + "-wrong"))}
        signer = self.rsa if right else self.rsa_wrong
        return {"headers": signer.headers(b"")}


def config_for(name: str, public_key: bytes) -> MockConfig:
    if name == "huawei_isales":
        return MockConfig(access_keys=dict(ACCESS_KEYS))
    if name == "dezhu_speech":
        return MockConfig(public_keys={APP_ID: public_key})
    if name == "yantong_groupcall":
        return MockConfig(tokens=(TOKEN,), tasks=dict(TASKS))
    return MockConfig(tokens=(TOKEN,))


@pytest.fixture(scope="module")
def other_rsa_key() -> bytes:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


# -- the run -------------------------------------------------------------------------------------


def satisfy_x_rules(op_id: str, body: Any) -> None:
    """Make a generated valid body satisfy what JSON Schema cannot state (the x- keywords)."""
    if not isinstance(body, dict):
        return
    if op_id == "create_outbound_task":  # x-must-match /outboundPhoneGroups/*/identify
        groups = body.get("outboundPhoneGroups") or [{}]
        identify = groups[0].get("identify", "")
        for customer in body.get("outBoundCustomers", []):
            for group in customer.get("phoneGroupVoList", []):
                group["phoneGroupIdentify"] = identify
    if op_id == "add_call_data":  # x-unique-by called: keep the first item of each number
        seen: set[str] = set()
        kept = []
        for item in body.get("callDataList", []):
            if item.get("called") not in seen:
                seen.add(item.get("called"))
                kept.append(item)
        body["callDataList"] = kept
    if op_id == "upload_data":  # x-max-bytes 60 on each record's state
        for record in body.get("data", {}).get("data_list", []):
            if isinstance(record.get("state"), str):
                cut = record["state"].encode("utf-8")[:60]
                record["state"] = cut.decode("utf-8", errors="ignore")


def wire_number(value: Any) -> Any:
    """A path parameter as the server reads it: digits in the URL are a number."""
    text = str(value)
    return int(text) if text.isascii() and text.lstrip("-").isdigit() else value


class Fuzz:
    """Sends schemathesis' cases for one service and validates every answer."""

    def __init__(self, server: MockServer, sim: Simulator, credentials: Credentials) -> None:
        self.url = server.url
        self.sim = sim
        self.credentials = credentials
        self.session = requests.Session()
        self.sent = 0
        self.valid_sent = 0
        self.statuses: dict[int, int] = {}
        self.batches: dict[str, str] = {}  # Yantong: batch id → its task id, from add_batch

    def send(self, case: schemathesis.Case) -> None:
        op_id = case.operation.definition.raw["operationId"]
        meta = case.meta
        assert meta is not None
        coverage = meta.phase.data if isinstance(meta.phase.data, CoveragePhaseData) else None
        dropped = None
        if coverage is not None and coverage.scenario == CoverageScenario.MISSING_PARAMETER:
            dropped = coverage.parameter
        valid = (
            meta.generation.mode is POSITIVE
            and meta.phase.name is not TestPhase.EXAMPLES  # 003's example breaks its own rules
            and case.method.upper() == case.operation.method.upper()
        )
        if valid:
            satisfy_x_rules(op_id, case.body)
            if op_id == "upload_data" and self.batches:  # as a client would: a batch it made
                batch_id = sorted(self.batches)[self.valid_sent % len(self.batches)]
                case.body["data"].update(id=self.batches[batch_id], batch_id=batch_id)
        kwargs = self.credentials.apply(case, dropped)
        if valid:  # what the document calls valid, the simulator's validators accept
            module = self.sim.module
            problems = list(module.validate_request(op_id, case.body))
            path = {k: wire_number(v) for k, v in (case.path_parameters or {}).items()}
            problems += list(module.validate_path(op_id, path))
            assert problems == [], (op_id, case.body, problems)
            self.valid_sent += 1
        response = case.call(base_url=self.url, session=self.session, timeout=10, **kwargs)
        self.sent += 1
        self.statuses[response.status_code] = self.statuses.get(response.status_code, 0) + 1
        case.validate_response(response, checks=self.checks(case))
        if op_id == "add_batch" and response.status_code == 200:
            answer = response.json()
            if answer.get("statusCode") == 0:
                self.batches[str(answer["info"]["batch_id"])] = case.body["data"]["id"]

    @staticmethod
    def checks(case: schemathesis.Case) -> list[Any]:
        """`missing_required_header` expects an HTTP 401 for a missing credential header: only
        where the document says so (Huawei); 003 answers 10001 in an HTTP 200 body."""
        if "401" in case.operation.definition.raw["responses"]:
            return [*CHECKS, missing_required_header]
        return CHECKS

    def examples(self, operation: Any) -> None:
        for strategy in operation.get_strategies_from_examples():
            self.generate(strategy, 1)

    def coverage(self, schema: Any, operation: Any) -> None:
        """Coverage cases of both modes at once (negating one part at a time: asked for
        separately, negative cases would mostly break Yantong's route and end at a 404)."""
        config = schema.config.generation_for(operation=operation)
        modes = list(schemathesis.GenerationMode)
        for case in schema.iter_coverage_cases(
            operation, generation_modes=modes, generation_config=config
        ):
            self.send(case)

    def generate(self, strategy: st.SearchStrategy[Any], examples: int) -> None:
        @settings(
            max_examples=examples,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],  # no shrinking: report the first failure
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        @given(case=strategy)
        def one(case: schemathesis.Case) -> None:
            self.send(case)

        one()


POSITIVE = schemathesis.GenerationMode.POSITIVE
NEGATIVE = schemathesis.GenerationMode.NEGATIVE
SERVICE_NAMES = ["quanshi_event", "yantong_groupcall", "huawei_isales", "dezhu_speech"]


@pytest.mark.parametrize("name", SERVICE_NAMES)
def test_schemathesis_finds_nothing_and_the_state_stays_intact(
    name: str,
    services: dict[str, ir.Service],
    rsa_keys: tuple[bytes, bytes],
    other_rsa_key: bytes,
) -> None:
    service = services[name]
    sim = Simulator(service, config_for(name, rsa_keys[1]))
    with MockServer([sim]) as server:
        schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
        fuzz = Fuzz(server, sim, Credentials(service, rsa_keys[0], other_rsa_key))
        operations = [result.ok() for result in schema.get_all_operations()]
        assert sorted(o.definition.raw["operationId"] for o in operations) == sorted(
            op.id for op in service.operations
        )
        for operation in operations:
            fuzz.examples(operation)
            fuzz.coverage(schema, operation)
            fuzz.generate(operation.as_strategy(), POSITIVE_EXAMPLES)
            fuzz.generate(operation.as_strategy(generation_mode=NEGATIVE), NEGATIVE_EXAMPLES)
        assert fuzz.credentials.wrong > 0 and fuzz.valid_sent > 0
        over_http = httpx.get(f"{server.url}/_callgen/state").json()[name]
        snapshot = sim.snapshot()
        assert over_http == snapshot
        # every request was routed (or refused as no operation: 404, or another method: 405)
        # and answered exactly once
        routed = fuzz.sent - fuzz.statuses.get(404, 0) - fuzz.statuses.get(405, 0)
        assert snapshot["requests"] == routed == sum(snapshot["answers"].values())
        assert fuzz.statuses.get(200, 0) > fuzz.sent // 2, fuzz.statuses
        assert STORED[name](snapshot["state"]) > 0
        problems = INTACT[name](sim, snapshot["state"])
        assert problems == [], problems
        still_served(name, server, sim, rsa_keys[0])


# -- the state afterwards ------------------------------------------------------------------------


def _huawei(sim: Simulator, state: dict[str, Any]) -> Iterator[str]:
    for c in state["campaigns"]:
        where = f"campaign {c['vdnId']}/{c['campaignId']}"
        if c["state"] != "idle":
            yield f"{where}: state {c['state']} (every campaign starts idle and stays so)"
        called = [n["called"] for n in c["numbers"]]
        if len(set(called)) != len(called):
            yield f"{where}: a number is pending twice"
        for n in c["numbers"] + c["history"]:
            if sim.module.validate_request("add_call_data", {"callDataList": [n]}):
                yield f"{where}: stored number {n} breaks the documented rules"
    campaigns = sim.state.campaigns  # type: ignore[attr-defined]
    for c in campaigns.values():
        if c.pending != {n["called"] for n in c.numbers}:
            yield f"campaign {c.campaign_id}: pending set differs from its numbers"


def _yantong(sim: Simulator, state: dict[str, Any]) -> Iterator[str]:
    tasks = {t["id"]: t for t in state["tasks"]}
    if set(tasks) != set(TASKS):
        yield f"tasks {sorted(tasks)}: only the configured ones may exist"
    batches = {b["id"]: b for b in state["batches"]}
    for t in state["tasks"]:
        if t["status"] not in ("0", "1"):
            yield f"task {t['id']}: status {t['status']!r}"
        for b in t["batches"]:
            if b not in batches or batches[b]["task_id"] != t["id"]:
                yield f"task {t['id']}: bound batch {b} is not its own"
        rows = {r["_id"] for b in t["batches"] for r in batches[b]["rows"]}
        for record in t["records"]:
            if record["_row"] not in rows:
                yield f"task {t['id']}: call record of an unknown row {record['_row']}"
    for b in state["batches"]:
        if b["task_id"] not in tasks or b["id"] not in tasks[b["task_id"]]["batches"]:
            yield f"batch {b['id']}: not bound to its task"
        phones = [r["phone"] for r in b["rows"]]
        if len(set(phones)) != len(phones):
            yield f"batch {b['id']}: a phone is stored twice"
        for r in b["rows"]:
            row = {k: v for k, v in r.items() if not k.startswith("_")}
            body = {"token": TOKEN, "data": {"id": "1", "batch_id": "1", "data_list": [row]}}
            if sim.module.validate_request("upload_data", body):
                yield f"batch {b['id']}: stored row {row} breaks the documented rules"


def _dezhu(sim: Simulator, state: dict[str, Any]) -> Iterator[str]:
    ids = [t["id"] for t in state["tasks"]]
    if len(set(ids)) != len(ids):
        yield "two tasks share an id"
    for t in state["tasks"]:
        if t["appId"] != APP_ID:
            yield f"task {t['id']} stored for appId {t['appId']!r}"
        if sim.module.validate_request("create_outbound_task", t["request"]):
            yield f"task {t['id']}: stored request breaks the documented rules"
        if t["request"]["taskName"] != t["taskName"]:
            yield f"task {t['id']}: stored under another name"


def _quanshi(sim: Simulator, state: dict[str, Any]) -> Iterator[str]:
    for e in state["events"]:
        people = e["people"]
        numbers = [_phone_number(p) for p in people]
        if len(set(numbers)) != len(numbers):
            yield f"event {e['eventId']}: a number is stored twice"
        for p in people:
            person = {k: v for k, v in p.items() if k != "id"}
            body = {"token": TOKEN, "eventId": 1, "callList": [person]}
            if sim.module.validate_request("create_event_call", body):
                yield f"event {e['eventId']}: stored person {person} breaks the documented rules"


def _phone_number(person: dict[str, Any]) -> tuple[str, ...]:
    """000: a mobile (with its country code), else a landline: country, area code, number."""
    country = person.get("countryCode") or ""
    if person.get("mobile"):
        return ("mobile", country, person["mobile"])
    return ("landline", country, person.get("areaCode") or "", person.get("phone") or "")


STORED: dict[str, Callable[[dict[str, Any]], int]] = {
    "huawei_isales": lambda state: sum(len(c["numbers"]) for c in state["campaigns"]),
    "yantong_groupcall": lambda state: sum(len(b["rows"]) for b in state["batches"]),
    "dezhu_speech": lambda state: len(state["tasks"]),
    "quanshi_event": lambda state: sum(len(e["people"]) for e in state["events"]),
}
"""How many things the simulator stored: the checks of the state are not about an empty one."""

INTACT: dict[str, Callable[[Simulator, dict[str, Any]], list[str]]] = {
    "huawei_isales": lambda sim, state: list(_huawei(sim, state)),
    "yantong_groupcall": lambda sim, state: list(_yantong(sim, state)),
    "dezhu_speech": lambda sim, state: list(_dezhu(sim, state)),
    "quanshi_event": lambda sim, state: list(_quanshi(sim, state)),
}


def still_served(name: str, server: MockServer, sim: Simulator, private_key: bytes) -> None:
    """A documented example request, sent after the fuzzing, is served with success."""
    service = sim.service
    op = service.operations[0]
    example = next(ex for ex in op.examples if ex.kind == "request")
    body: Any = example.body
    path = op.path
    headers = {"Content-Type": "application/json"}
    if name == "huawei_isales":
        path = path.format(vdnId=1, campaignId=987654321)  # a campaign the fuzzing never saw
    if name == "dezhu_speech":  # the document's example sends 1 for a Boolean: fixed here
        body = {**body, "strategyDisplaySwitch": True, "taskName": "after the fuzzing"}
        headers |= RsaSha256Signer(APP_ID, private_key).headers(b"")
    if name == "quanshi_event":
        body = {**body, "eventId": 987654321}
    if service.auth.scheme == "body_token":
        body = {**body, "token": TOKEN}
    url = httpx.URL(server.url + path, params=dict(op.query))
    raw = httpx.Request("POST", url, json=body).content
    if name == "huawei_isales":
        ak, sk = "after-ak", "after-sk"
        sim.config.access_keys[ak] = sk
        headers["Authorization"] = HuaweiAuthV2Signer(ak, sk).authorization(
            "POST", url, headers | {"host": url.netloc.decode()}, raw
        )
    answer = httpx.post(url, content=raw, headers=headers)
    assert answer.status_code == 200, answer.text
    got = answer.json()
    assert sim.module.validate_response(op.id, got) == []
    code_at = service.envelope.code.lstrip("/")
    assert got[code_at] in service.envelope.success, got
