"""The generic part of the vendor simulator, driven by the IR of one service.

A request goes through the same steps for every service:

1. routing: method + path template + fixed query of each operation (`Operation.method`,
   `.path`, `.query`); no match → HTTP 404, wrong method → HTTP 405 (plain text);
2. credentials, as `Service.auth` says (body token, Huawei auth-v2, SHA256withRSA headers),
   checked before the body is decoded unless the credentials are inside it (a body token);
   a body that is not JSON, or nested too deeply to decode, is refused as not JSON;
3. faults injected by configuration (documented codes only);
4. pacing: a `min_interval` limit of the operation, per caller (AK / appId / token), answered
   with the limit's documented code;
5. the body and path parameters against the generated validators (`outbound.<service>`),
   each violation answered with its documented code (`Violation.code`, from `rule_codes`);
6. the service's own state (a small class per service, see `services/`).

Answers use the service's envelope (`Service.envelope`): the code typed like the documented
success code, the documented text of the code as message, data at the data pointer. Every
JSON answer is checked against the generated response validator before it leaves; a
simulator bug is an HTTP 500, never a body the documents do not allow.
"""

from __future__ import annotations

import importlib
import json
import random
import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl

from .. import ir
from ..pointers import split
from .calls import MISSING, Answer, Call, value_at
from .config import MockConfig
from .services import ServiceState, state_class

_PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_INTEGER_TEXT = re.compile(r"-?[0-9]+")


@dataclass(frozen=True)
class _Route:
    op: ir.Operation
    pattern: re.Pattern[str]
    query: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, op: ir.Operation) -> _Route:
        parts = []
        last = 0
        for m in _PARAM.finditer(op.path):
            parts.append(re.escape(op.path[last : m.start()]))
            parts.append(f"(?P<{m.group(1)}>[^/]+)")
            last = m.end()
        parts.append(re.escape(op.path[last:]))
        return cls(op, re.compile("".join(parts)), op.query)

    def match(self, path: str, query: Mapping[str, list[str]]) -> dict[str, str] | None:
        m = self.pattern.fullmatch(path)
        if m is None:
            return None
        for name, value in self.query:
            if query.get(name) != [value]:
                return None
        return m.groupdict()


class Simulator:
    """One vendor service, simulated: routing, credentials, validation, envelope, state."""

    def __init__(
        self,
        service: ir.Service,
        config: MockConfig | None = None,
        module: ModuleType | None = None,
    ) -> None:
        """`module` holds the service's validate_* functions (default: the installed
        `outbound.<service>`; `callgen mock` passes those of the spec it serves)."""
        self.service = service
        self.config = config or MockConfig()
        self.module: ModuleType = module or importlib.import_module(f"outbound.{service.name}")
        self.codes: dict[str, ir.ErrorCode] = {c.code: c for c in service.error_codes}
        self.routes = [_Route.of(op) for op in service.operations]
        self.rng = random.Random(self.config.seed)
        self.lock = threading.RLock()
        self.intervals: dict[str, ir.Limit] = {
            lim.operation: lim
            for lim in service.limits
            if lim.kind == "min_interval" and lim.operation and lim.value
        }
        self._last_call: dict[tuple[str, str], float] = {}
        self._request_ids = 0
        self.requests = 0
        self.answers: dict[str, int] = {}  # result code (or HTTP status) → count
        self.pushes: list[tuple[str, Any]] = []  # (url, body) waiting to be sent
        self.push_log: list[dict[str, Any]] = []  # every push tried or refused
        self.state: ServiceState = state_class(service.name)(self)
        self._openapi: dict[str, Any] | None = None

    def __repr__(self) -> str:
        return f"Simulator({self.service.name!r})"

    # -- routing ---------------------------------------------------------------------------

    def route(
        self, method: str, path: str, query_string: str
    ) -> tuple[ir.Operation, dict[str, str]] | frozenset[str] | None:
        """(operation, path parameters); when only the method differs, the methods this path
        and query allow (for the 405's Allow header); else None."""
        query: dict[str, list[str]] = {}
        for name, value in parse_qsl(query_string, keep_blank_values=True):
            query.setdefault(name, []).append(value)
        allowed: set[str] = set()
        for route in self.routes:
            params = route.match(path, query)
            if params is None:
                continue
            if route.op.method.upper() == method.upper():
                return route.op, params
            allowed.add(route.op.method.upper())
        return frozenset(allowed) if allowed else None

    # -- the pipeline --------------------------------------------------------------------------

    def handle(
        self,
        op: ir.Operation,
        raw_params: Mapping[str, str],
        method: str,
        url: str,
        headers: Mapping[str, str],
        raw: bytes,
        now: float | None = None,
    ) -> Answer:
        """Serve one routed request (thread-safe: the state is changed under a lock)."""
        with self.lock:
            self.requests += 1
            answer = self._handle(op, raw_params, method, url, headers, raw, now)
            answer = self._checked(op, answer)
            key = answer.code if answer.code is not None else f"HTTP {answer.status}"
            self.answers[key] = self.answers.get(key, 0) + 1
            return answer

    def _handle(
        self,
        op: ir.Operation,
        raw_params: Mapping[str, str],
        method: str,
        url: str,
        headers: Mapping[str, str],
        raw: bytes,
        now: float | None,
    ) -> Answer:
        state = self.state
        # Credentials first; the body is decoded before them only where they travel inside it.
        token_in_body = self.service.auth.scheme == "body_token"
        body: Any = decoded(raw) if token_in_body else MISSING
        identity = state.authenticate(op, method, url, headers, raw, body)
        if isinstance(identity, Answer):
            return identity
        if not token_in_body:
            body = decoded(raw)
        fault = self.config.faults.get(op.id)
        if fault is not None and fault.remaining != 0:
            if fault.remaining is not None:
                fault.remaining -= 1
            return self.error(fault.code, "injected by the simulator's configuration")
        limit = self.intervals.get(op.id)
        if limit is not None:
            moment = time.monotonic() if now is None else now
            key = (identity, op.id)
            last = self._last_call.get(key)
            interval = self.config.min_interval
            if interval is None:
                interval = float(limit.value or 0)
            if last is not None and moment - last < interval:
                return self.error(
                    limit.code or state.parameter_code,
                    f"{moment - last:.3f} s since the previous call, at least {interval:g} s",
                )
            self._last_call[key] = moment
        if body is MISSING:
            return state.not_json(op)
        params: dict[str, Any] = {}
        for prop in op.path_params:
            text = raw_params.get(prop.name, "")
            value: Any = text
            if "integer" in prop.schema.types:
                if _INTEGER_TEXT.fullmatch(text):
                    value = int(text)
                else:
                    refused = state.path_not_integer(op, prop.name, text)
                    if refused is not None:
                        return refused
            params[prop.name] = value
        violations = list(self.module.validate_path(op.id, params)) + list(
            self.module.validate_request(op.id, body)
        )
        per_item = state.per_item.get(op.id)
        items: dict[int, list[Any]] = {}
        if per_item is not None:
            prefix = per_item + "/"
            whole = []
            for v in violations:
                head, _, _ = v.path[len(prefix) :].partition("/")
                if v.path.startswith(prefix) and head.isdigit():
                    items.setdefault(int(head), []).append(v)
                else:
                    whole.append(v)
            violations = whole
        if violations:
            return state.refuse(op, violations)
        return state.handle(Call(op, params, body, identity, items))

    # -- answers ---------------------------------------------------------------------------

    def wire_code(self, code: str) -> Any:
        """A code typed like the documented success code (Quanshi's 200 and Yantong's 0 are
        JSON numbers, Huawei's "0200000" a string)."""
        success = self.service.envelope.success[0] if self.service.envelope.success else ""
        if isinstance(success, int) and _INTEGER_TEXT.fullmatch(code):
            return int(code)
        return code

    def text_of(self, code: str) -> str:
        documented = self.codes.get(code)
        if documented is not None:
            return documented.description
        return self.state.simulator_codes.get(code, "")

    def envelope(self, code: str, message: str, data: Any = MISSING) -> dict[str, Any]:
        env = self.service.envelope
        body: dict[str, Any] = {}
        put_at(body, env.code, self.wire_code(code))
        if env.message is not None:
            put_at(body, env.message, message)
        if data is not MISSING and env.data is not None:
            put_at(body, env.data, data)
        if env.request_id is not None:
            put_at(body, env.request_id, self.state.request_id())
        return body

    def error(self, code: str, detail: str | None = None, *, status: int = 200) -> Answer:
        """An answer with a (documented or simulator-chosen) non-success code."""
        text = self.text_of(code)
        message = f"{text} ({detail})" if text and detail else (text or detail or "")
        body = self.envelope(code, message)
        self.state.decorate(None, body, success=False)
        return Answer(status, body, code=code)

    def success(
        self, op: ir.Operation, data: Any = MISSING, extra: Mapping[str, Any] | None = None
    ) -> Answer:
        """The success envelope, message as in the operation's response example."""
        env = self.service.envelope
        code = str(env.success[0])
        message = ""
        if env.message is not None:
            for example in op.examples:
                if example.kind == "response":
                    found = value_at(example.body, env.message)
                    if isinstance(found, str):
                        message = found
                        break
        body = self.envelope(code, message, data)
        if extra:
            body.update(extra)
        self.state.decorate(op, body, success=True)
        return Answer(200, body, code=code)

    def _checked(self, op: ir.Operation, answer: Answer) -> Answer:
        if answer.text is not None or answer.body is MISSING:
            return answer
        problems = self.module.validate_response(op.id, answer.body)
        if problems:
            detail = "; ".join(str(p) for p in problems)
            return Answer(500, text=f"callgen mock bug: {op.id} answer breaks its schema: {detail}")
        return answer

    # -- helpers for states --------------------------------------------------------------------

    def next_request_number(self) -> int:
        self._request_ids += 1
        return self._request_ids

    def push(self, url: str, body: Any) -> None:
        """Queue a callback for the app to send (after the answer, outside the lock)."""
        self.pushes.append((url, body))

    def take_pushes(self) -> list[tuple[str, Any]]:
        with self.lock:
            pushes, self.pushes = self.pushes, []
            return pushes

    def openapi(self) -> dict[str, Any]:
        """The service's OpenAPI document (`callgen openapi`), built once."""
        if self._openapi is None:
            from ..emit_openapi import openapi_document

            self._openapi = openapi_document(self.service)
        return self._openapi

    def snapshot(self) -> dict[str, Any]:
        """The whole state as JSON-able data (for tests and GET /_callgen/state)."""
        with self.lock:
            return {
                "service": self.service.name,
                "requests": self.requests,
                "answers": dict(sorted(self.answers.items())),
                "pushes": list(self.push_log),
                "state": self.state.snapshot(),
            }


def decoded(raw: bytes) -> Any:
    """The JSON body; MISSING when empty, not JSON, or nested too deeply for json to decode
    (its decoder recurses once per level: RecursionError)."""
    if not raw.strip():
        return MISSING
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return MISSING


def put_at(body: dict[str, Any], pointer: str, value: Any) -> None:
    tokens = split(pointer)
    target = body
    for token in tokens[:-1]:
        target = target.setdefault(token, {})
    target[tokens[-1]] = value
