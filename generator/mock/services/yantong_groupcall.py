"""Yantong group call (001): tasks, data batches bound to tasks, uploaded data, call records.

State: tasks (only those configured: the documents have no call that creates one), each with
a status, its bound batches, and its call records; batches hold the uploaded rows.

Decisions (where the documents are silent; codes are the simulator's own, the documents name
no error code besides 0):

* statusCode 401: token missing or not accepted; 400: the request breaks the documented rules
  (or is not JSON); 404: the task, or the batch within the task, does not exist;
* task status: "0" not running (as in the example), "1" running;
* start_task on a running task and stop_task on a stopped one succeed and change nothing;
* upload_data: a row whose phone is already in the batch (earlier, or earlier in the same
  upload) counts as duplicateCount and is not stored; a row that breaks a documented rule
  (e.g. state over 60 bytes) counts as failCount and is not stored; a request-level problem
  (unknown field, missing batch_id …) refuses the whole upload with 400;
* calls: a stored row is called as soon as its task runs (at upload, or at start_task); the
  call is answered with probability config.answer_rate (default 1: every call connects), and
  makes one call record (record-list) and, with config.push_callbacks, one push of the
  documented callback body to the row's callback_url — only to a loopback IP address
  (127.0.0.0/8, ::1), anything else is refused and logged; the pushed fields the simulator
  cannot know (company_id, sex, customer_type …) keep the documented example's values, and
  call_result is "success" as in the example, or "failed" for a call not answered (the
  document shows no other value);
* record-list: type 1 = records of today, 2 = before today; search_date the day of
  update_time; page defaults to 1 and page_size to 10 (the example's values), newest first;
  page or page_size below 1 → 400.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import urlsplit

from ..calls import MISSING, Answer, Call, value_at
from .base import ServiceState

RUNNING, STOPPED = "1", "0"


@dataclass
class Batch:
    id: str
    task_id: str
    name: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    phones: set[str] = field(default_factory=set)


@dataclass
class Task:
    id: str
    name: str
    status: str
    start_time: str
    end_time: str
    batches: list[str] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)

    def wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "status": self.status,
            "start_time": self.start_time,
            "end_time": self.end_time,
        }


def loopback_url(url: str) -> bool:
    """True when `url` is http(s) to a loopback IP literal (127.0.0.0/8 or ::1)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        if parts.scheme not in ("http", "https") or not host:
            return False
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class YantongGroupcallState(ServiceState):
    per_item: ClassVar[dict[str, str]] = {"upload_data": "/data/data_list"}
    simulator_codes: ClassVar[dict[str, str]] = {
        "400": "invalid request (simulator's code: the documents name none)",
        "401": "token missing or not accepted (simulator's code: the documents name none)",
        "404": "no such task or batch (simulator's code: the documents name none)",
    }
    auth_code: ClassVar[str | None] = "401"
    parameter_code: ClassVar[str] = "400"

    def __init__(self, sim: Any) -> None:
        super().__init__(sim)
        example = self._task_example()
        self.tasks: dict[str, Task] = {
            str(tid): Task(str(tid), name, STOPPED, example["start_time"], example["end_time"])
            for tid, name in self.config.tasks.items()
        }
        self.batches: dict[str, Batch] = {}
        self._batch_ids = int(self._example_value("add_batch", "/info/batch_id", "671"))
        self._row_ids = int(self._callback_value("/call_result/id", "30249186"))

    # -- values from the spec's examples ---------------------------------------------------

    def _example_value(self, op_id: str, pointer: str, fallback: Any) -> Any:
        op = self.service.operation(op_id)
        for example in op.examples if op else ():
            if example.kind == "response":
                found = value_at(example.body, pointer)
                if found is not MISSING:
                    return found
        return fallback

    def _callback_value(self, pointer: str, fallback: Any) -> Any:
        return self._callback_example().get(pointer.rsplit("/", 1)[-1], fallback)

    def _callback_example(self) -> dict[str, Any]:
        callback = self.service.callback("call_result")
        for example in callback.examples if callback else ():
            inner = value_at(example.body, "/call_result")
            if isinstance(inner, dict):
                return dict(inner)
        return {}

    def _task_example(self) -> dict[str, Any]:
        listed = self._example_value("list_tasks", "/info/list", [])
        first = listed[0] if listed and isinstance(listed[0], dict) else {}
        return {
            "start_time": first.get("start_time", "00:00:00"),
            "end_time": first.get("end_time", "23:59:59"),
        }

    # -- inspection -----------------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        return {
            "tasks": [
                {**t.wire(), "batches": list(t.batches), "records": [dict(r) for r in t.records]}
                for t in self.tasks.values()
            ],
            "batches": [
                {
                    "id": b.id,
                    "task_id": b.task_id,
                    "name": b.name,
                    "rows": [dict(r) for r in b.rows],
                }
                for b in self.batches.values()
            ],
        }

    # -- operations ----------------------------------------------------------------------------

    def handle(self, call: Call) -> Answer:
        data = call.body.get("data", {})
        if call.op.id == "list_tasks":
            return self.sim.success(call.op, {"list": [t.wire() for t in self.tasks.values()]})
        task = self.tasks.get(data.get("id", ""))
        if task is None:
            return self.sim.error("404", f"task {data.get('id')!r}")
        handler = getattr(self, "_" + call.op.id, None)
        if handler is None:
            return super().handle(call)
        answer: Answer = handler(call, task, data)
        return answer

    def _get_task(self, call: Call, task: Task, data: dict[str, Any]) -> Answer:
        return self.sim.success(call.op, {"info": task.wire()})

    def _add_batch(self, call: Call, task: Task, data: dict[str, Any]) -> Answer:
        self._batch_ids += 1
        batch = Batch(str(self._batch_ids), task.id, data["name"])
        self.batches[batch.id] = batch
        task.batches.append(batch.id)
        return self.sim.success(call.op, {"batch_id": batch.id})

    def _list_bound_batch_ids(self, call: Call, task: Task, data: dict[str, Any]) -> Answer:
        return self.sim.success(call.op, {"list": list(task.batches)})

    def _start_task(self, call: Call, task: Task, data: dict[str, Any]) -> Answer:
        if task.status != RUNNING:
            task.status = RUNNING
            for batch_id in task.batches:
                for row in self.batches[batch_id].rows:
                    if not row["_called"]:
                        self._call(task, self.batches[batch_id], row)
        return self.sim.success(call.op, "")

    def _stop_task(self, call: Call, task: Task, data: dict[str, Any]) -> Answer:
        task.status = STOPPED
        return self.sim.success(call.op, "")

    def _upload_data(self, call: Call, task: Task, data: dict[str, Any]) -> Answer:
        batch = self.batches.get(data["batch_id"])
        if batch is None or batch.task_id != task.id:
            return self.sim.error("404", f"batch {data['batch_id']!r} of task {task.id!r}")
        success = duplicate = fail = 0
        for index, record in enumerate(data["data_list"]):
            if index in call.item_violations or not isinstance(record, dict):
                fail += 1
                continue
            phone = record["phone"]
            if phone in batch.phones:
                duplicate += 1
                continue
            self._row_ids += 1
            row = {**record, "_id": str(self._row_ids), "_called": False}
            batch.rows.append(row)
            batch.phones.add(phone)
            success += 1
            if task.status == RUNNING:
                self._call(task, batch, row)
        counts = {"successCount": success, "duplicateCount": duplicate, "failCount": fail}
        return self.sim.success(call.op, counts)

    def _list_call_records(self, call: Call, task: Task, data: dict[str, Any]) -> Answer:
        page = int(data.get("page", "1"))
        size = int(data.get("page_size", "10"))
        if page < 1 or size < 1:
            return self.sim.error("400", "page and page_size must be at least 1")
        today = self.now().strftime("%Y-%m-%d")
        selected = []
        for record in reversed(task.records):
            day = record["update_time"][:10]
            if data.get("type") == "1" and day != today:
                continue
            if data.get("type") == "2" and day >= today:
                continue
            if "search_date" in data and day != data["search_date"]:
                continue
            if "call_result" in data and str(record["call_result"]) != data["call_result"]:
                continue
            selected.append(record)
        pages = (len(selected) + size - 1) // size
        shown = selected[(page - 1) * size : page * size]
        info = {
            "page": page,
            "page_size": size,
            "total_page": pages,
            "total_count": str(len(selected)),
            "info": [{k: v for k, v in r.items() if not k.startswith("_")} for r in shown],
        }
        return self.sim.success(call.op, info)

    # -- calls -------------------------------------------------------------------------------

    def _call(self, task: Task, batch: Batch, row: dict[str, Any]) -> None:
        row["_called"] = True
        moment = self.now()
        stamp = moment.strftime("%Y-%m-%d %H:%M:%S")
        answered = self.sim.rng.random() < self.config.answer_rate
        phone = row["phone"]
        unique = f"{task.id}_{self.sim.rng.getrandbits(128):032x}_{row['_id']}"
        record = {
            "name": row.get("name", ""),
            "path": f"recordings/{moment:%Y-%m-%d}/{moment:%Y%m%d%H%M%S}_{phone}_{phone}.wav",
            "address": row.get("address", ""),
            "staff_id": "0",
            "update_time": stamp,
            "call_result": 1 if answered else 2,
            "batch_name": batch.name,
            "uniqueid": f"mock_groupcall_{unique}",
            "_row": row["_id"],
        }
        task.records.append(record)
        url = row.get("callback_url")
        if self.config.push_callbacks and isinstance(url, str) and url:
            self._push(url, batch, row, stamp, answered)

    def _push(
        self, url: str, batch: Batch, row: dict[str, Any], stamp: str, answered: bool
    ) -> None:
        if not loopback_url(url):
            self.sim.push_log.append({"url": url, "refused": "not a loopback address"})
            return
        body = self._callback_example()
        body.update(
            {
                "id": row["_id"],
                "batch_id": batch.id,
                "name": row.get("name", ""),
                "phone": row["phone"],
                "address": row.get("address", ""),
                "email": row.get("email", ""),
                "call_result": "success" if answered else "failed",
                "update_time": stamp,
                "create_time": stamp,
                "callback_url": url,
                "state": row.get("state") or None,
                "is_push": "0",
            }
        )
        pushed = {"call_result": body}
        problems = self.sim.module.validate_callback("call_result", pushed)
        if problems:  # a simulator bug: never push what the documents do not allow
            self.sim.push_log.append({"url": url, "refused": "; ".join(map(str, problems))})
            return
        self.sim.push(url, pushed)

    @staticmethod
    def now() -> datetime:
        return datetime.now()
