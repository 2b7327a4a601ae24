"""Quanshi event API (000): add outbound-call people to a live event.

State: per eventId, the people added (with the id given to each) and beforeMinutes.

Decisions (the document names no code besides 200; these are the simulator's own):

* code 401: token missing or not accepted; 400: the request breaks the documented rules or is
  not JSON (a problem outside callList's items);
* a callList item that breaks a rule (e.g. both mobile and phone) goes to fail_data; an item
  whose number (countryCode + mobile, or areaCode + phone) is already in the event also goes
  to fail_data — "不会影响已有数据": existing data is left as it is — the others to
  success_data; every item gets an id (24 hex digits, like the examples');
* every answer carries timeStamp (ms) and requestId `<ip>_<yyyyMMdd>_<HHmmss>_<ms>` shaped
  like the examples'; data.requestId is null, as in both examples.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ... import ir
from ..calls import Answer, Call
from .base import ServiceState


class QuanshiEventState(ServiceState):
    per_item: ClassVar[dict[str, str]] = {"create_event_call": "/callList"}
    simulator_codes: ClassVar[dict[str, str]] = {
        "400": "invalid request (simulator's code: the document names none)",
        "401": "token missing or not accepted (simulator's code: the document names none)",
    }
    auth_code: ClassVar[str | None] = "401"
    parameter_code: ClassVar[str] = "400"

    def __init__(self, sim: Any) -> None:
        super().__init__(sim)
        self.events: dict[int, dict[str, Any]] = {}

    def decorate(self, op: ir.Operation | None, body: dict[str, Any], *, success: bool) -> None:
        ms = self.epoch_ms()
        body["timeStamp"] = ms
        if isinstance(body.get("data"), dict):
            body["data"].setdefault("requestId", None)

    def request_id(self) -> str:
        return f"127.0.0.1_{self.now():%Y%m%d_%H%M%S}_{self.epoch_ms()}"

    def handle(self, call: Call) -> Answer:
        if call.op.id != "create_event_call":
            return super().handle(call)
        body = call.body
        event = self.events.setdefault(body["eventId"], {"people": [], "numbers": set()})
        event["beforeMinutes"] = body.get("beforeMinutes", 30)
        success: list[dict[str, Any]] = []
        failed: list[dict[str, Any]] = []
        for index, person in enumerate(body["callList"]):
            record = _record(person, f"{self.sim.rng.getrandbits(96):024x}")
            if index in call.item_violations or not isinstance(person, dict):
                failed.append(record)
                continue
            number = _number(person)
            if number in event["numbers"]:
                failed.append(record)
                continue
            event["numbers"].add(number)
            event["people"].append(record)
            success.append(record)
        data = {
            "total_count": len(body["callList"]),
            "success_count": len(success),
            "fail_count": len(failed),
            "requestId": None,
            "fail_data": failed,
            "success_data": success,
        }
        return self.sim.success(call.op, data)

    def snapshot(self) -> dict[str, Any]:
        return {
            "events": [
                {"eventId": eid, "beforeMinutes": e.get("beforeMinutes"), "people": e["people"]}
                for eid, e in self.events.items()
            ]
        }


_FIELDS = ("name", "company", "countryCode", "mobile", "areaCode", "phone")


def _record(person: Any, record_id: str) -> dict[str, Any]:
    record: dict[str, Any] = {"id": record_id}
    if isinstance(person, dict):
        for name in _FIELDS:
            value = person.get(name)
            if isinstance(value, str):
                record[name] = value
    return record


def _number(person: dict[str, Any]) -> tuple[str, ...]:
    if person.get("mobile"):
        return ("mobile", person.get("countryCode") or "", person["mobile"])
    return ("phone", person.get("countryCode") or "", person.get("areaCode") or "", person["phone"])
