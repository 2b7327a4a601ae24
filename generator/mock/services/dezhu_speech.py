"""Cloud call-center speech API (003): create automatic outbound tasks.

State: the tasks created, by name (taskName 不能重复) with their id and the request as sent.

Decisions:

* headers appId / timestamp / sign missing or malformed, or a sign that does not verify with
  the appId's public key → 10001 (鉴权失败); an appId without a configured public key → 10002
  (找不到对应的公钥,请先上传公钥) — with no key configured at all, every request gets 10002;
* the signed string is the generated signer's default (`default_rsa_message`: appId +
  timestamp), verified with `verify_rsa_sha256`;
* a taskName already used → 29002 (参数错误): the name is a parameter and 不能重复 is a rule
  on it, whereas 20001 (请求失败) says nothing about the cause;
* task ids count up from the documented example's data (123);
* 20001 and 29008 cannot be caused by a request; the 20,000-customer quota cannot be reached
  (one create carries at most 1000 customers and the documents have no append call): all
  three only through --fault.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ..calls import Answer, Call
from .base import ServiceState


class DezhuSpeechState(ServiceState):
    auth_code: ClassVar[str | None] = "10001"
    parameter_code: ClassVar[str] = "29002"

    def __init__(self, sim: Any) -> None:
        super().__init__(sim)
        self.tasks: dict[str, dict[str, Any]] = {}
        first = 123
        op = self.service.operation("create_outbound_task")
        for example in op.examples if op else ():
            if example.kind == "response" and isinstance(example.body.get("data"), int):
                first = example.body["data"]
                break
        self._next_id = first

    def no_public_key(self, app_id: str) -> Answer:
        return self.sim.error("10002", f"appId {app_id}")

    def handle(self, call: Call) -> Answer:
        if call.op.id != "create_outbound_task":
            return super().handle(call)
        name = call.body["taskName"]
        if name in self.tasks:
            return self.sim.error("29002", f"taskName {name!r} already exists")
        task_id = self._next_id
        self._next_id += 1
        self.tasks[name] = {"id": task_id, "appId": call.identity, "request": call.body}
        return self.sim.success(call.op, task_id)

    def snapshot(self) -> dict[str, Any]:
        return {"tasks": [{"taskName": n, **t} for n, t in self.tasks.items()]}
