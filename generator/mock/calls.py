"""What the simulator's core and the per-service states exchange: a routed call, an answer,
and `Host`, the part of the simulator a state may use (so `services/` never imports `core`)."""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Protocol

from .. import ir
from ..pointers import split
from .config import MockConfig

MISSING: Any = object()


@dataclass
class Answer:
    """What the simulator sends back: a JSON body, or plain text for HTTP-level refusals."""

    status: int = 200
    body: Any = MISSING
    text: str | None = None
    code: str | None = None  # the result code, as text, for logs and tests

    def encode(self) -> tuple[bytes, str]:
        if self.text is not None:
            return self.text.encode("utf-8"), "text/plain; charset=utf-8"
        raw = json.dumps(self.body, ensure_ascii=False, separators=(",", ":"))
        return raw.encode("utf-8"), "application/json;charset=UTF-8"


@dataclass
class Call:
    """One routed, authenticated request the service state is asked to serve."""

    op: ir.Operation
    path_params: dict[str, Any]
    body: Any
    identity: str  # the caller: AK, appId or token
    item_violations: dict[int, list[Any]] = field(default_factory=dict)
    """Violations confined to one item of the operation's per-item array (see ServiceState)."""


class Host(Protocol):
    """The simulator as a service state sees it (implemented by `core.Simulator`)."""

    service: ir.Service
    config: MockConfig
    module: ModuleType
    rng: random.Random
    lock: threading.RLock
    push_log: list[dict[str, Any]]

    def error(self, code: str, detail: str | None = None, *, status: int = 200) -> Answer: ...

    def success(
        self, op: ir.Operation, data: Any = ..., extra: Mapping[str, Any] | None = None
    ) -> Answer: ...

    def next_request_number(self) -> int: ...

    def push(self, url: str, body: Any) -> None: ...


def value_at(body: Any, pointer: str) -> Any:
    current = body
    for token in split(pointer):
        if isinstance(current, dict) and token in current:
            current = current[token]
        else:
            return MISSING
    return current
