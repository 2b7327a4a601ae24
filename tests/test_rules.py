"""Every documented rule, accepted and rejected, with its rule name, JSON Pointer and vendor code.

The table below is written by hand from the seed documents (the spec line each case checks is
named in the case id). Each case starts from the document's own example body, changes a few
values, and states the exact violations the generated validator must report: (path, rule,
code), nothing more, nothing less. An empty expectation means the body is accepted.

A coverage test then walks the IR of every spec and checks that each rule it states (every
bound, length, pattern, format, enum, list size, uniqueness, conditional requirement, ...) has
at least one rejected case in the table (a violation of that rule at that place) and at least
one accepted case of the same operation that holds a value there. Requiredness and unknown
fields are checked for every field and object by generated tables (`test_required_field`,
`test_unknown_field`).
"""

from __future__ import annotations

import copy
import functools
import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from probe_spec import probe_spec

from generator.ir import Schema, Service
from generator.spec import load_service, load_specs

ROOT = Path(__file__).resolve().parents[1]
SERVICES: dict[str, Service] = {s.name: s for s in load_specs(ROOT / "specs")}

DROP = object()

H_ADD = ("huawei_isales", "add_call_data", "request")
H_ADD_PATH = ("huawei_isales", "add_call_data", "path")
H_DEL = ("huawei_isales", "delete_call_data", "request")
H_DEL_PATH = ("huawei_isales", "delete_call_data", "path")
H_ADD_RESP = ("huawei_isales", "add_call_data", "response")
D_TASK = ("dezhu_speech", "create_outbound_task", "request")
D_RESP = ("dezhu_speech", "create_outbound_task", "response")
Q_CALL = ("quanshi_event", "create_event_call", "request")
Q_RESP = ("quanshi_event", "create_event_call", "response")
Y_UPLOAD = ("yantong_groupcall", "upload_data", "request")
Y_RECORDS = ("yantong_groupcall", "list_call_records", "request")
Y_RECORDS_RESP = ("yantong_groupcall", "list_call_records", "response")
Y_TASKS_RESP = ("yantong_groupcall", "list_tasks", "response")
Y_CALLBACK = ("yantong_groupcall", "call_result", "callback")

# -- bodies --------------------------------------------------------------------------------------


@functools.cache
def _example(target: tuple[str, str, str]) -> Any:
    svc, name, kind = target
    service = SERVICES[svc]
    if kind == "path":
        return {"vdnId": 1, "campaignId": 1}
    owner = service.operation(name) or service.callback(name)
    assert owner is not None
    body = next(ex.body for ex in owner.examples if ex.kind == kind)
    if target == D_TASK:
        # the document's example sends strategyDisplaySwitch 1 for a Boolean (note
        # strategy_display_switch_boolean); start from the corrected body
        body = {**body, "strategyDisplaySwitch": False}
    return body


def _tokens(pointer: str) -> list[str]:
    return (
        [t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/")] if pointer else []
    )


def edit(body: Any, changes: dict[str, Any]) -> Any:
    """A copy of `body` with each pointer set to its value (DROP deletes it)."""
    out = copy.deepcopy(body)
    for pointer, value in changes.items():
        tokens = _tokens(pointer)
        parent = out
        for t in tokens[:-1]:
            parent = parent[int(t)] if isinstance(parent, list) else parent[t]
        last: Any = int(tokens[-1]) if isinstance(parent, list) else tokens[-1]
        if value is DROP:
            del parent[last]
        else:
            parent[last] = copy.deepcopy(value)
    return out


@dataclass(frozen=True)
class Case:
    id: str
    target: tuple[str, str, str]
    changes: dict[str, Any] = field(default_factory=dict)
    expected: tuple[tuple[str, str, str | None], ...] = ()
    body: Any = None  # a whole body instead of changes to the example

    def build(self) -> Any:
        base = self.body if self.body is not None else _example(self.target)
        return edit(base, self.changes)


def ok(
    id: str, target: tuple[str, str, str], changes: dict[str, Any] | None = None, body: Any = None
) -> Case:
    return Case(id, target, changes or {}, (), body)


def bad(
    id: str,
    target: tuple[str, str, str],
    changes: dict[str, Any],
    *expected: tuple[str, str, str | None],
    body: Any = None,
) -> Case:
    return Case(id, target, changes, tuple(expected), body)


def numbers(n: int, start: int = 80000) -> list[dict[str, str]]:
    return [{"called": str(start + i)} for i in range(n)]


def customers(n: int) -> list[dict[str, Any]]:
    one = _example(D_TASK)["outBoundCustomers"][0]
    return [{**copy.deepcopy(one), "externalCustomerId": str(i)} for i in range(n)]


def relations(n: int) -> list[dict[str, str]]:
    return [
        {"mobile": f"1380000000{i}", "relation": "本人" if i == 0 else "亲属"} for i in range(n)
    ]


HUAWEI_FORBIDDEN = "`~!@#$%^&*()+=|{}'\":;<>/?.\\[]¥–,"  # 002 Table 4 #1.4, as printed

C0 = "/callDataList/0"
PG = "/outboundPhoneGroups/0"
CU = "/outBoundCustomers/0"
PGC = "/outBoundCustomers/0/phoneGroupVoList/0"
CL = "/callList/0"
DL = "/data/data_list/0"
E = "29002"  # 003: every parameter problem is 29002 参数错误

CASES: list[Case] = [
    # ---- huawei_isales add_call_data (002) ------------------------------------------------
    ok("002 example", H_ADD),
    ok("002 Table 3 #1: 20 numbers", H_ADD, {"/callDataList": numbers(20)}),
    bad(
        "002 Table 3 #1: 21 numbers",
        H_ADD,
        {"/callDataList": numbers(21)},
        ("/callDataList", "max_items", "0200029"),
    ),
    ok("002 Table 3 #1: 1 number", H_ADD, {"/callDataList": numbers(1)}),
    bad(
        "002 note add_requires_one_number: no number",
        H_ADD,
        {"/callDataList": []},
        ("/callDataList", "min_items", "02000001"),
    ),
    bad(
        "002 unique_called: duplicate called",
        H_ADD,
        {"/callDataList": [{"called": "80021"}, {"called": "80021"}]},
        ("/callDataList/1/called", "unique", "0200018"),
    ),
    bad(
        "002 unique_called: duplicate at item 3",
        H_ADD,
        {"/callDataList": [{"called": "1"}, {"called": "2"}, {"called": "3"}, {"called": "2"}]},
        ("/callDataList/3/called", "unique", "0200018"),
    ),
    ok(
        "002 unique_called: same sessionId, different called",
        H_ADD,
        {"/callDataList": [{"called": "1", "sessionId": "s"}, {"called": "2", "sessionId": "s"}]},
    ),
    ok("002 Table 4 #1.2: called of 24 characters", H_ADD, {C0 + "/called": "1" * 24}),
    bad(
        "002 Table 4 #1.2: called of 25 characters",
        H_ADD,
        {C0 + "/called": "1" * 25},
        (C0 + "/called", "max_length", "02000003"),
    ),
    ok("002 Table 4 #1.2: digits, * and #", H_ADD, {C0 + "/called": "*0123456789#"}),
    bad(
        "002 Table 4 #1.2: called 12a",
        H_ADD,
        {C0 + "/called": "12a"},
        (C0 + "/called", "pattern", "02000002"),
    ),
    bad(
        "002 Table 4 #1.2: called empty",
        H_ADD,
        {C0 + "/called": ""},
        (C0 + "/called", "pattern", "02000002"),
    ),
    bad(
        "002 Table 4 #1.2: called with fullwidth digit",
        H_ADD,
        {C0 + "/called": "8002８"},
        (C0 + "/called", "pattern", "02000002"),
    ),
    bad(
        "002 Table 4 #1.2: called with Arabic-Indic digit",
        H_ADD,
        {C0 + "/called": "٣"},
        (C0 + "/called", "pattern", "02000002"),
    ),
    bad(
        "002 Table 4 #1.2: called with trailing newline",
        H_ADD,
        {C0 + "/called": "80021\n"},
        (C0 + "/called", "pattern", "02000002"),
    ),
    bad(
        "002 Table 4 #1.2: called with + prefix",
        H_ADD,
        {C0 + "/called": "+8613800000000"},
        (C0 + "/called", "pattern", "02000002"),
    ),
    bad(
        "002 Table 4 #1.2: called as a number",
        H_ADD,
        {C0 + "/called": 80021},
        (C0 + "/called", "type", "02000006"),
    ),
    bad(
        "002 Table 4 #1.2: called missing",
        H_ADD,
        {C0 + "/called": DROP},
        (C0 + "/called", "required", "02000001"),
    ),
    ok("002 Table 4 #1.1: sessionId of 32", H_ADD, {C0 + "/sessionId": "s" * 32}),
    bad(
        "002 Table 4 #1.1: sessionId of 33",
        H_ADD,
        {C0 + "/sessionId": "s" * 33},
        (C0 + "/sessionId", "max_length", "02000003"),
    ),
    ok("002 Table 4 #1.3: caller of 24", H_ADD, {C0 + "/caller": "1" * 24}),
    bad(
        "002 Table 4 #1.3: caller of 25",
        H_ADD,
        {C0 + "/caller": "1" * 25},
        (C0 + "/caller", "max_length", "02000003"),
    ),
    ok("002 Table 4 #1.4: customField of 200", H_ADD, {C0 + "/customField": "a" * 200}),
    ok(
        "002 Table 4 #1.4: customField of 200 Chinese characters",
        H_ADD,
        {C0 + "/customField": "中" * 200},
    ),
    bad(
        "002 Table 4 #1.4: customField of 201",
        H_ADD,
        {C0 + "/customField": "a" * 201},
        (C0 + "/customField", "max_length", "02000003"),
    ),
    ok(
        "002 Table 4 #1.4: customField with allowed punctuation",
        H_ADD,
        {C0 + "/customField": "张三_客户-VIP 2024年 ok"},
    ),
    bad(
        "002 Table 4 #1.4: customField too long and with forbidden characters",
        H_ADD,
        {C0 + "/customField": "." * 201},
        (C0 + "/customField", "max_length", "02000003"),
        (C0 + "/customField", "forbidden_chars", "02000002"),
    ),
    *[
        bad(
            f"002 Table 4 #1.4: customField with {c!r}",
            H_ADD,
            {C0 + "/customField": f"ab{c}cd"},
            (C0 + "/customField", "forbidden_chars", "02000002"),
        )
        for c in HUAWEI_FORBIDDEN
    ],
    ok(
        "002 Table 4 #1.5: recycleTime 2024-02-29 23:59:59",
        H_ADD,
        {C0 + "/recycleTime": "2024-02-29 23:59:59"},
    ),
    ok(
        "002 Table 4 #1.5: recycleTime 2000-02-29 00:00:00",
        H_ADD,
        {C0 + "/recycleTime": "2000-02-29 00:00:00"},
    ),
    *[
        bad(
            f"002 Table 4 #1.5: recycleTime {v!r}",
            H_ADD,
            {C0 + "/recycleTime": v},
            (C0 + "/recycleTime", "format", "0200030"),
        )
        for v in [
            "2023-02-29 10:00:00",
            "2100-02-29 10:00:00",
            "2024-02-30 10:00:00",
            "2024-04-31 10:00:00",
            "2024-13-01 10:00:00",
            "2024-01-01 25:00:00",
            "2024-01-01 24:00:00",
            "2024-01-01 10:60:00",
            "2024-01-01 10:00:60",
            "2024-01-01",
            "2024-01-01T10:00:00",
            "2024-1-1 10:00:00",
            "0000-01-01 00:00:00",
            "2024-01-01 10:00:00\n",
            "２０２４-01-01 10:00:00",
            "",
        ]
    ],
    ok(
        "002 Table 4 #1.6: callData of 1024 (JSON text)",
        H_ADD,
        {C0 + "/callData": '{"k":"' + "v" * 1016 + '"}'},
    ),
    bad(
        "002 Table 4 #1.6: callData of 1025",
        H_ADD,
        {C0 + "/callData": "v" * 1025},
        (C0 + "/callData", "max_length", "02000003"),
    ),
    bad(
        "002 Table 3: unknown field in an item",
        H_ADD,
        {C0 + "/calledNumber": "1"},
        (C0 + "/calledNumber", "unknown_field", None),
    ),
    bad(
        "002 Table 3: unknown top-level field",
        H_ADD,
        {"/campaignId": 1},
        ("/campaignId", "unknown_field", None),
    ),
    bad(
        "002 Table 3: several problems at once, all reported",
        H_ADD,
        {"/callDataList": [{"called": "1a"}, {"called": "1a", "caller": "9" * 25}]},
        ("/callDataList/0/called", "pattern", "02000002"),
        ("/callDataList/1/called", "unique", "0200018"),
        ("/callDataList/1/called", "pattern", "02000002"),
        ("/callDataList/1/caller", "max_length", "02000003"),
    ),
    ok("002 Table 1 #1: vdnId 1", H_ADD_PATH, {"/vdnId": 1}),
    ok("002 Table 1 #1: vdnId 9999", H_ADD_PATH, {"/vdnId": 9999}),
    bad(
        "002 Table 1 #1: vdnId 0", H_ADD_PATH, {"/vdnId": 0}, ("path:/vdnId", "minimum", "02000007")
    ),
    bad(
        "002 Table 1 #1: vdnId 10000",
        H_ADD_PATH,
        {"/vdnId": 10000},
        ("path:/vdnId", "maximum", "02000007"),
    ),
    bad(
        "002 Table 1 #1: vdnId as a string",
        H_ADD_PATH,
        {"/vdnId": "1"},
        ("path:/vdnId", "type", "02000006"),
    ),
    bad(
        "002 Table 1 #2: campaignId missing",
        H_ADD_PATH,
        {"/campaignId": DROP},
        ("path:/campaignId", "required", "02000001"),
    ),
    ok("004 表1 #1: vdnId 1", H_DEL_PATH, {"/vdnId": 1}),
    ok("004 表1 #1: vdnId 9999", H_DEL_PATH, {"/vdnId": 9999}),
    bad("004 表1 #1: vdnId 0", H_DEL_PATH, {"/vdnId": 0}, ("path:/vdnId", "minimum", "02000007")),
    bad(
        "004 表1 #1: vdnId 10000",
        H_DEL_PATH,
        {"/vdnId": 10000},
        ("path:/vdnId", "maximum", "02000007"),
    ),
    ok("002 Table 5: response with an unknown field", H_ADD_RESP, {"/extra": {"x": 1}}),
    bad(
        "002 Table 6: totalSize as a string",
        H_ADD_RESP,
        {"/returnObject/totalSize": "46"},
        ("/returnObject/totalSize", "type", "02000006"),
    ),
    # ---- huawei_isales delete_call_data (004) -----------------------------------------------
    ok("004 example", H_DEL),
    ok("004 表3: no criteria at all (the client guards it, the body is valid)", H_DEL, body={}),
    bad(
        "004 表3 #5: recycleType without recycleTime",
        H_DEL,
        {"/recycleType": "1"},
        ("/recycleType", "dependent_required", "02000009"),
    ),
    *[
        ok(
            f"004 表3 #5: recycleType {t} with recycleTime",
            H_DEL,
            {"/recycleType": t, "/recycleTime": "2024-02-29 23:59:59"},
        )
        for t in ("1", "2", "3")
    ],
    bad(
        "004 表3 #5: recycleType 4",
        H_DEL,
        {"/recycleType": "4", "/recycleTime": "2024-01-01 00:00:00"},
        ("/recycleType", "enum", "02000007"),
    ),
    bad(
        "004 表3 #5: recycleType as a number",
        H_DEL,
        {"/recycleType": 1, "/recycleTime": "2024-01-01 00:00:00"},
        ("/recycleType", "type", "02000006"),
    ),
    ok("004 表3 #6: archiveHistory 0", H_DEL, {"/archiveHistory": 0}),
    ok("004 表3 #6: archiveHistory 1", H_DEL, {"/archiveHistory": 1}),
    bad(
        "004 表3 #6: archiveHistory 2",
        H_DEL,
        {"/archiveHistory": 2},
        ("/archiveHistory", "enum", "02000007"),
    ),
    bad(
        "004 表3 #6: archiveHistory true",
        H_DEL,
        {"/archiveHistory": True},
        ("/archiveHistory", "type", "02000006"),
    ),
    bad(
        "004 表3 #6: archiveHistory '1'",
        H_DEL,
        {"/archiveHistory": "1"},
        ("/archiveHistory", "type", "02000006"),
    ),
    ok(
        "004 表3 #4: recycleTime 2024-02-29 23:59:59",
        H_DEL,
        {"/recycleTime": "2024-02-29 23:59:59"},
    ),
    bad(
        "004 表3 #4: recycleTime 2023-02-29 10:00:00",
        H_DEL,
        {"/recycleTime": "2023-02-29 10:00:00"},
        ("/recycleTime", "format", "0200030"),
    ),
    ok("004 表3 #1: sessionId of 32", H_DEL, {"/sessionId": "1" * 32}),
    bad(
        "004 表3 #1: sessionId of 33",
        H_DEL,
        {"/sessionId": "1" * 33},
        ("/sessionId", "max_length", "02000003"),
    ),
    ok("004 表3 #2: called 24", H_DEL, {"/called": "#" * 24}),
    bad(
        "004 表3 #2: called 25", H_DEL, {"/called": "1" * 25}, ("/called", "max_length", "02000003")
    ),
    bad("004 表3 #2: called 12a", H_DEL, {"/called": "12a"}, ("/called", "pattern", "02000002")),
    ok(
        "004 表3 #3: customField of 200 (dots allowed: note delete_custom_field_chars)",
        H_DEL,
        {"/customField": "." * 200},
    ),
    bad(
        "004 表3 #3: customField of 201",
        H_DEL,
        {"/customField": "a" * 201},
        ("/customField", "max_length", "02000003"),
    ),
    bad(
        "004 表3: unknown field",
        H_DEL,
        {"/campaignId": 1},
        ("/campaignId", "unknown_field", None),
    ),
    # ---- dezhu_speech create_outbound_task (003) --------------------------------------------
    ok("003 example with strategyDisplaySwitch false", D_TASK),
    bad(
        "003 strategyDisplaySwitch 1 (as in the example)",
        D_TASK,
        {"/strategyDisplaySwitch": 1},
        ("/strategyDisplaySwitch", "type", E),
    ),
    bad(
        "003 strategyDisplaySwitch 'true'",
        D_TASK,
        {"/strategyDisplaySwitch": "true"},
        ("/strategyDisplaySwitch", "type", E),
    ),
    ok("003 strategyDisplaySwitch true", D_TASK, {"/strategyDisplaySwitch": True}),
    bad("003 taskName of 0 characters", D_TASK, {"/taskName": ""}, ("/taskName", "min_length", E)),
    ok("003 taskName of 1 character", D_TASK, {"/taskName": "a"}),
    ok("003 taskName of 50 characters", D_TASK, {"/taskName": "a" * 50}),
    ok("003 taskName of 50 Chinese characters", D_TASK, {"/taskName": "任" * 50}),
    bad(
        "003 taskName of 51 characters",
        D_TASK,
        {"/taskName": "a" * 51},
        ("/taskName", "max_length", E),
    ),
    bad(
        "003 taskName of 51 Chinese characters",
        D_TASK,
        {"/taskName": "任" * 51},
        ("/taskName", "max_length", E),
    ),
    ok("003 taskType 2", D_TASK, {"/taskType": 2}),
    bad("003 taskType 3", D_TASK, {"/taskType": 3}, ("/taskType", "enum", E)),
    ok("003 taskExecStartDate 2020-09-27", D_TASK, {"/taskExecStartDate": "2020-09-27"}),
    ok("003 taskExecEndDate 2024-02-29", D_TASK, {"/taskExecEndDate": "2024-02-29"}),
    bad(
        "003 taskExecStartDate 2020-13-01",
        D_TASK,
        {"/taskExecStartDate": "2020-13-01"},
        ("/taskExecStartDate", "format", E),
    ),
    bad(
        "003 taskExecEndDate 2023-02-29",
        D_TASK,
        {"/taskExecEndDate": "2023-02-29"},
        ("/taskExecEndDate", "format", E),
    ),
    bad(
        "003 taskExecEndDate 2020/09/27",
        D_TASK,
        {"/taskExecEndDate": "2020/09/27"},
        ("/taskExecEndDate", "format", E),
    ),
    bad(
        "003 taskExecStartDate with a time",
        D_TASK,
        {"/taskExecStartDate": "2020-09-27 00:00:00"},
        ("/taskExecStartDate", "format", E),
    ),
    ok(
        "003 ExecTimeOpenDto 11:36:00",
        D_TASK,
        {"/taskExecTimes/0/taskExecTimeStartStr": "11:36:00"},
    ),
    ok("003 ExecTimeOpenDto 23:59:59", D_TASK, {"/taskExecTimes/0/taskExecTimeEndStr": "23:59:59"}),
    bad(
        "003 ExecTimeOpenDto 24:00:00",
        D_TASK,
        {"/taskExecTimes/0/taskExecTimeStartStr": "24:00:00"},
        ("/taskExecTimes/0/taskExecTimeStartStr", "format", E),
    ),
    bad(
        "003 ExecTimeOpenDto 12:35",
        D_TASK,
        {"/taskExecTimes/0/taskExecTimeEndStr": "12:35"},
        ("/taskExecTimes/0/taskExecTimeEndStr", "format", E),
    ),
    bad(
        "003 ExecTimeOpenDto 12:60:00",
        D_TASK,
        {"/taskExecTimes/0/taskExecTimeEndStr": "12:60:00"},
        ("/taskExecTimes/0/taskExecTimeEndStr", "format", E),
    ),
    bad(
        "003 note required_lists_not_empty: taskExecTimes []",
        D_TASK,
        {"/taskExecTimes": []},
        ("/taskExecTimes", "min_items", E),
    ),
    ok(
        "003 sendNumberStrategy 0 with multiplyPower, without abandonmentRate",
        D_TASK,
        {"/abandonmentRate": DROP},
    ),
    bad(
        "003 multiplyPower missing when sendNumberStrategy 0",
        D_TASK,
        {"/multiplyPower": DROP},
        ("/multiplyPower", "required_if", E),
    ),
    ok(
        "003 sendNumberStrategy 1 with abandonmentRate, without multiplyPower",
        D_TASK,
        {"/sendNumberStrategy": 1, "/multiplyPower": DROP},
    ),
    bad(
        "003 abandonmentRate missing when sendNumberStrategy 1",
        D_TASK,
        {"/sendNumberStrategy": 1, "/abandonmentRate": DROP},
        ("/abandonmentRate", "required_if", E),
    ),
    bad(
        "003 sendNumberStrategy 2",
        D_TASK,
        {"/sendNumberStrategy": 2},
        ("/sendNumberStrategy", "enum", E),
    ),
    bad(
        "003 multiplyPower 0 (must be greater than 0)",
        D_TASK,
        {"/multiplyPower": 0},
        ("/multiplyPower", "exclusive_minimum", E),
    ),
    ok("003 multiplyPower 1", D_TASK, {"/multiplyPower": 1}),
    bad("003 multiplyPower 1.5", D_TASK, {"/multiplyPower": 1.5}, ("/multiplyPower", "type", E)),
    bad(
        "003 abandonmentRate 0", D_TASK, {"/abandonmentRate": 0}, ("/abandonmentRate", "minimum", E)
    ),
    ok("003 abandonmentRate 1", D_TASK, {"/abandonmentRate": 1}),
    ok("003 abandonmentRate 5", D_TASK, {"/abandonmentRate": 5}),
    bad(
        "003 abandonmentRate 6", D_TASK, {"/abandonmentRate": 6}, ("/abandonmentRate", "maximum", E)
    ),
    bad(
        "003 maxRingingDuration 19",
        D_TASK,
        {"/maxRingingDuration": 19},
        ("/maxRingingDuration", "minimum", E),
    ),
    ok("003 maxRingingDuration 20", D_TASK, {"/maxRingingDuration": 20}),
    ok("003 maxRingingDuration 50", D_TASK, {"/maxRingingDuration": 50}),
    bad(
        "003 maxRingingDuration 51",
        D_TASK,
        {"/maxRingingDuration": 51},
        ("/maxRingingDuration", "maximum", E),
    ),
    bad("003 acw 0", D_TASK, {"/acw": 0}, ("/acw", "minimum", E)),
    ok("003 acw 1", D_TASK, {"/acw": 1}),
    ok("003 acw 180", D_TASK, {"/acw": 180}),
    bad("003 acw 181", D_TASK, {"/acw": 181}, ("/acw", "maximum", E)),
    bad(
        "003 PhoneGroupDto autoOutboundInterval 4",
        D_TASK,
        {PG + "/autoOutboundInterval": 4},
        (PG + "/autoOutboundInterval", "minimum", E),
    ),
    ok("003 PhoneGroupDto autoOutboundInterval 5", D_TASK, {PG + "/autoOutboundInterval": 5}),
    ok("003 PhoneGroupDto autoOutboundInterval 2880", D_TASK, {PG + "/autoOutboundInterval": 2880}),
    bad(
        "003 PhoneGroupDto autoOutboundInterval 2881",
        D_TASK,
        {PG + "/autoOutboundInterval": 2881},
        (PG + "/autoOutboundInterval", "maximum", E),
    ),
    bad(
        "003 PhoneGroupDto autoOutboundTimes 0",
        D_TASK,
        {PG + "/autoOutboundTimes": 0},
        (PG + "/autoOutboundTimes", "minimum", E),
    ),
    ok("003 PhoneGroupDto autoOutboundTimes 3", D_TASK, {PG + "/autoOutboundTimes": 3}),
    bad(
        "003 PhoneGroupDto autoOutboundTimes 4",
        D_TASK,
        {PG + "/autoOutboundTimes": 4},
        (PG + "/autoOutboundTimes", "maximum", E),
    ),
    bad(
        "003 PhoneGroupDto interval and times missing when switch 1",
        D_TASK,
        {PG + "/autoOutboundInterval": DROP, PG + "/autoOutboundTimes": DROP},
        (PG + "/autoOutboundInterval", "required_if", E),
        (PG + "/autoOutboundTimes", "required_if", E),
    ),
    ok(
        "003 PhoneGroupDto interval and times not required when switch 0",
        D_TASK,
        {
            PG + "/autoOutboundSwitch": 0,
            PG + "/autoOutboundInterval": DROP,
            PG + "/autoOutboundTimes": DROP,
        },
    ),
    bad(
        "003 PhoneGroupDto autoOutboundSwitch 2",
        D_TASK,
        {PG + "/autoOutboundSwitch": 2},
        (PG + "/autoOutboundSwitch", "enum", E),
    ),
    bad(
        "003 PhoneGroupDto autoOutboundSwitch true",
        D_TASK,
        {PG + "/autoOutboundSwitch": True},
        (PG + "/autoOutboundSwitch", "type", E),
    ),
    bad(
        "003 outboundPhoneGroups of 2 (目前只支持1个号码组)",
        D_TASK,
        {
            "/outboundPhoneGroups": [
                _example(D_TASK)["outboundPhoneGroups"][0],
                {**_example(D_TASK)["outboundPhoneGroups"][0], "identify": "other"},
            ]
        },
        ("/outboundPhoneGroups", "max_items", E),
    ),
    bad(
        "003 outboundPhoneGroups empty",
        D_TASK,
        {"/outboundPhoneGroups": []},
        ("/outboundPhoneGroups", "min_items", E),
        (PGC + "/phoneGroupIdentify", "must_match", E),
    ),
    ok("003 outBoundCustomers: 1000", D_TASK, {"/outBoundCustomers": customers(1000)}),
    bad(
        "003 outBoundCustomers: 1001",
        D_TASK,
        {"/outBoundCustomers": customers(1001)},
        ("/outBoundCustomers", "max_items", E),
    ),
    bad(
        "003 outBoundCustomers: none",
        D_TASK,
        {"/outBoundCustomers": []},
        ("/outBoundCustomers", "min_items", E),
    ),
    ok("003 CustomerDto name of 20", D_TASK, {CU + "/name": "客" * 20}),
    bad(
        "003 CustomerDto name of 21",
        D_TASK,
        {CU + "/name": "客" * 21},
        (CU + "/name", "max_length", E),
    ),
    ok("003 CustomerDto desc of 200", D_TASK, {CU + "/desc": "d" * 200}),
    bad(
        "003 CustomerDto desc of 201",
        D_TASK,
        {CU + "/desc": "d" * 201},
        (CU + "/desc", "max_length", E),
    ),
    ok("003 CustomerDto externalCustomerId of 64", D_TASK, {CU + "/externalCustomerId": "9" * 64}),
    bad(
        "003 CustomerDto externalCustomerId of 65",
        D_TASK,
        {CU + "/externalCustomerId": "9" * 65},
        (CU + "/externalCustomerId", "max_length", E),
    ),
    ok("003 CustomerDto externalData of 40", D_TASK, {CU + "/externalData": "x" * 40}),
    bad(
        "003 CustomerDto externalData of 41",
        D_TASK,
        {CU + "/externalData": "x" * 41},
        (CU + "/externalData", "max_length", E),
    ),
    bad(
        "003 CustomerDto phoneGroupVoList empty",
        D_TASK,
        {CU + "/phoneGroupVoList": []},
        (CU + "/phoneGroupVoList", "min_items", E),
    ),
    ok("003 PhoneGroupCustomerDto relations: 3", D_TASK, {PGC + "/relations": relations(3)}),
    bad(
        "003 PhoneGroupCustomerDto relations: 4",
        D_TASK,
        {PGC + "/relations": relations(4)},
        (PGC + "/relations", "max_items", E),
    ),
    bad(
        "003 PhoneGroupCustomerDto relations: none",
        D_TASK,
        {PGC + "/relations": []},
        (PGC + "/relations", "min_items", E),
    ),
    bad(
        "003 PhoneGroupCustomerDto phoneGroupIdentify not declared",
        D_TASK,
        {PGC + "/phoneGroupIdentify": "other"},
        (PGC + "/phoneGroupIdentify", "must_match", E),
    ),
    bad(
        "003 PhoneGroupCustomerDto phoneGroupIdentify differs in case",
        D_TASK,
        {PGC + "/phoneGroupIdentify": "Default"},
        (PGC + "/phoneGroupIdentify", "must_match", E),
    ),
    ok(
        "003 PhoneGroupCustomerDto phoneGroupIdentify follows a renamed group",
        D_TASK,
        {PG + "/identify": "g1", PGC + "/phoneGroupIdentify": "g1"},
    ),
    bad(
        "003 PhoneRelationDto mobile missing",
        D_TASK,
        {PGC + "/relations/0/mobile": DROP},
        (PGC + "/relations/0/mobile", "required", E),
    ),
    bad("003 unknown field", D_TASK, {"/taskId": 1}, ("/taskId", "unknown_field", E)),
    ok("003 response with an unknown field", D_RESP, {"/traceId": "x"}),
    bad("003 response data as a string", D_RESP, {"/data": "123"}, ("/data", "type", E)),
    # ---- quanshi_event create_event_call (000) ----------------------------------------------
    ok("000 example: mobile with empty areaCode and phone", Q_CALL),
    ok(
        "000 mobile_or_phone: phone only",
        Q_CALL,
        {CL + "/mobile": DROP, CL + "/phone": "58512042", CL + "/areaCode": "10"},
    ),
    bad(
        "000 mobile_or_phone: null counts as absent, but phone is a string",
        Q_CALL,
        {CL + "/phone": None},
        (CL + "/phone", "type", None),
    ),
    bad(
        "000 mobile_or_phone: both empty",
        Q_CALL,
        {CL + "/mobile": ""},
        (CL, "exactly_one_of", None),
    ),
    bad(
        "000 mobile_or_phone: neither given",
        Q_CALL,
        {CL + "/mobile": DROP, CL + "/phone": DROP},
        (CL, "exactly_one_of", None),
    ),
    bad(
        "000 mobile_or_phone: both given",
        Q_CALL,
        {CL + "/phone": "58512042"},
        (CL, "exactly_one_of", None),
    ),
    bad(
        "000 beforeMinutes -1", Q_CALL, {"/beforeMinutes": -1}, ("/beforeMinutes", "minimum", None)
    ),
    ok("000 beforeMinutes 0", Q_CALL, {"/beforeMinutes": 0}),
    ok("000 beforeMinutes 60", Q_CALL, {"/beforeMinutes": 60}),
    bad(
        "000 beforeMinutes 61", Q_CALL, {"/beforeMinutes": 61}, ("/beforeMinutes", "maximum", None)
    ),
    bad(
        "000 beforeMinutes '30'", Q_CALL, {"/beforeMinutes": "30"}, ("/beforeMinutes", "type", None)
    ),
    ok("000 countryCode 86", Q_CALL, {CL + "/countryCode": "86"}),
    ok("000 countryCode 1", Q_CALL, {CL + "/countryCode": "1"}),
    ok("000 countryCode 852", Q_CALL, {CL + "/countryCode": "852"}),
    *[
        bad(
            f"000 countryCode {v!r}",
            Q_CALL,
            {CL + "/countryCode": v},
            (CL + "/countryCode", "pattern", None),
        )
        for v in ["+86", "0086", "(86)", "", "８６", "86\n", "1234", "8610"]
    ],
    ok(
        "000 countryCode 999 (three digits, the E.164 maximum)",
        Q_CALL,
        {CL + "/countryCode": "999"},
    ),
    ok(
        "000 phone digits only (说明 phone: 58512042)",
        Q_CALL,
        {CL + "/mobile": DROP, CL + "/phone": "58512042", CL + "/areaCode": "10"},
    ),
    *[
        bad(
            f"000 phone {v!r} is not a local number",
            Q_CALL,
            {CL + "/mobile": DROP, CL + "/phone": v, CL + "/areaCode": "10"},
            (CL + "/phone", "pattern", None),
        )
        for v in [
            "+8658512042",
            "010-58512042",
            "58512042-123",
            "5851 2042",
            "５８５１",
            "58512042\n",
        ]
    ],
    ok("000 areaCode 10", Q_CALL, {CL + "/areaCode": "10"}),
    ok("000 areaCode 29", Q_CALL, {CL + "/areaCode": "29"}),
    ok("000 areaCode empty (as in the example)", Q_CALL, {CL + "/areaCode": ""}),
    *[
        bad(
            f"000 areaCode {v!r}",
            Q_CALL,
            {CL + "/areaCode": v},
            (CL + "/areaCode", "pattern", None),
        )
        for v in ["010", "0", "1a", "١٠"]
    ],
    bad("000 eventId as a string", Q_CALL, {"/eventId": "542818"}, ("/eventId", "type", None)),
    bad("000 callList empty", Q_CALL, {"/callList": []}, ("/callList", "min_items", None)),
    bad(
        "000 unknown field in callList",
        Q_CALL,
        {CL + "/email": "a@b.c"},
        (CL + "/email", "unknown_field", None),
    ),
    ok("000 response with unknown fields", Q_RESP, {"/extra": 1, "/data/extra": [1]}),
    bad("000 response code as a string", Q_RESP, {"/code": "200"}, ("/code", "type", None)),
    # ---- yantong_groupcall (001) -------------------------------------------------------------
    ok("001 upload example", Y_UPLOAD),
    ok("001 state of 60 bytes", Y_UPLOAD, {DL + "/state": "s" * 60}),
    bad(
        "001 state of 61 bytes",
        Y_UPLOAD,
        {DL + "/state": "s" * 61},
        (DL + "/state", "max_bytes", None),
    ),
    ok("001 state of 20 Chinese characters (60 bytes)", Y_UPLOAD, {DL + "/state": "状" * 20}),
    bad(
        "001 state of 21 Chinese characters (63 bytes)",
        Y_UPLOAD,
        {DL + "/state": "状" * 21},
        (DL + "/state", "max_bytes", None),
    ),
    ok("001 state of 15 emoji (60 bytes)", Y_UPLOAD, {DL + "/state": "😀" * 15}),
    bad(
        "001 state of 58 ASCII + 1 Chinese (61 bytes, 59 characters)",
        Y_UPLOAD,
        {DL + "/state": "s" * 58 + "状"},
        (DL + "/state", "max_bytes", None),
    ),
    ok("001 id '59'", Y_UPLOAD, {"/data/id": "59"}),
    bad("001 id 59 (a number)", Y_UPLOAD, {"/data/id": 59}, ("/data/id", "type", None)),
    *[
        bad(f"001 id {v!r}", Y_UPLOAD, {"/data/id": v}, ("/data/id", "type", None))
        for v in ["5a", "", "-1", "5.0", "٥٩", "５９", "59\n", " 59"]
    ],
    bad(
        "001 batch_id 659 (a number)",
        Y_UPLOAD,
        {"/data/batch_id": 659},
        ("/data/batch_id", "type", None),
    ),
    bad(
        "001 data_list empty",
        Y_UPLOAD,
        {"/data/data_list": []},
        ("/data/data_list", "min_items", None),
    ),
    bad("001 token missing", Y_UPLOAD, {"/token": DROP}, ("/token", "required", None)),
    bad(
        "001 unknown field in data",
        Y_UPLOAD,
        {"/data/page": "1"},
        ("/data/page", "unknown_field", None),
    ),
    ok("001 record-list example", Y_RECORDS),
    ok("001 record-list type 2", Y_RECORDS, {"/data/type": "2"}),
    bad("001 record-list type 3", Y_RECORDS, {"/data/type": "3"}, ("/data/type", "enum", None)),
    bad(
        "001 record-list type 1 (a number)",
        Y_RECORDS,
        {"/data/type": 1},
        ("/data/type", "type", None),
    ),
    ok("001 record-list call_result 2", Y_RECORDS, {"/data/call_result": "2"}),
    bad(
        "001 record-list call_result 0",
        Y_RECORDS,
        {"/data/call_result": "0"},
        ("/data/call_result", "enum", None),
    ),
    ok("001 record-list search_date 2024-02-29", Y_RECORDS, {"/data/search_date": "2024-02-29"}),
    bad(
        "001 record-list search_date 2022-02-29",
        Y_RECORDS,
        {"/data/search_date": "2022-02-29"},
        ("/data/search_date", "format", None),
    ),
    bad(
        "001 record-list page 'one'", Y_RECORDS, {"/data/page": "one"}, ("/data/page", "type", None)
    ),
    bad(
        "001 record-list page_size 10 (a number)",
        Y_RECORDS,
        {"/data/page_size": 10},
        ("/data/page_size", "type", None),
    ),
    ok(
        "001 record-list with the filters left out",
        Y_RECORDS,
        {
            "/data/type": DROP,
            "/data/search_date": DROP,
            "/data/call_result": DROP,
            "/data/page": DROP,
            "/data/page_size": DROP,
        },
    ),
    ok(
        "001 record-list response: numbers or strings",
        Y_RECORDS_RESP,
        {"/info/page": "1", "/info/total_count": 3, "/info/info/0/call_result": "2"},
    ),
    ok(
        "001 record-list response: a call_result the request enum does not list",
        Y_RECORDS_RESP,
        {"/info/info/0/call_result": 7},
    ),
    bad(
        "001 record-list response: total_count '3a'",
        Y_RECORDS_RESP,
        {"/info/total_count": "3a"},
        ("/info/total_count", "type", None),
    ),
    ok(
        "001 task-list response: ids as numbers",
        Y_TASKS_RESP,
        {"/info/list/0/id": 59, "/info/list/0/status": 0},
    ),
    ok(
        "001 task-list response: unknown fields",
        Y_TASKS_RESP,
        {"/info/list/0/owner": "x", "/extra": None},
    ),
    bad(
        "001 task-list response: id '5a'",
        Y_TASKS_RESP,
        {"/info/list/0/id": "5a"},
        ("/info/list/0/id", "type", None),
    ),
    ok("001 callback example", Y_CALLBACK),
    ok(
        "001 callback with unknown fields and a new call_result",
        Y_CALLBACK,
        {"/call_result/call_result": "busy", "/call_result/duration": "12", "/pushed_at": 1},
    ),
    bad(
        "001 callback comment as a number",
        Y_CALLBACK,
        {"/call_result/comment": 5},
        ("/call_result/comment", "type", None),
    ),
]


def _validate(target: tuple[str, str, str], body: Any) -> list[Any]:
    svc, name, kind = target
    module = importlib.import_module(f"outbound.{svc}")
    return list(getattr(module, f"validate_{kind}")(name, body))


def _example_cases() -> list[Case]:
    """Every example of the specs is accepted (003's request once its Boolean is corrected)."""
    out = []
    for svc, service in sorted(SERVICES.items()):
        owners = [(op.id, op.examples) for op in service.operations]
        owners += [(cb.name, cb.examples) for cb in service.callbacks]
        for name, examples in owners:
            for ex in examples:
                out.append(ok(f"{svc}.{name} {ex.kind} example {ex.name}", (svc, name, ex.kind)))
    return out


def _integer_string_cases() -> list[Case]:
    """001: ids and paging values travel as strings of ASCII digits, in every request."""
    out = []
    for svc, service in sorted(SERVICES.items()):
        for op in service.operations:
            target = (svc, op.id, "request")
            for pointer, schema in _leaves(op.request, "", _example(target)):
                if "integer_string" not in schema.types:
                    continue
                code = service.code_for("type", schema)
                for bad_value in ("5a", "٥٩", "59\n", 59):
                    out.append(
                        bad(
                            f"{svc}.{op.id} {pointer} {bad_value!r}",
                            target,
                            {pointer: bad_value},
                            (pointer, "type", code),
                        )
                    )
                out.append(ok(f"{svc}.{op.id} {pointer} '0'", target, {pointer: "0"}))
                out.append(ok(f"{svc}.{op.id} {pointer} '007'", target, {pointer: "007"}))
    return out


def _leaves(schema: Schema, pointer: str, body: Any) -> Any:
    """(pointer, schema) of every value present in `body`."""
    yield pointer, schema
    if schema.object is not None and isinstance(body, dict):
        for prop in schema.object.properties:
            if prop.name in body:
                yield from _leaves(prop.schema, f"{pointer}/{prop.name}", body[prop.name])
    if schema.items is not None and isinstance(body, list):
        for i, item in enumerate(body):
            yield from _leaves(schema.items, f"{pointer}/{i}", item)


ALL_CASES = CASES + _example_cases() + _integer_string_cases()


@pytest.mark.parametrize("case", ALL_CASES, ids=[c.id for c in ALL_CASES])
def test_rule(case: Case) -> None:
    found = _validate(case.target, case.build())
    assert sorted((v.path, v.rule, v.code) for v in found) == sorted(case.expected), "\n".join(
        map(str, found)
    )


def test_case_ids_are_unique() -> None:
    ids = [c.id for c in ALL_CASES]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


def test_the_document_example_breaks_only_the_boolean() -> None:
    """003's own request example sends strategyDisplaySwitch 1: the one declared violation."""
    service = SERVICES["dezhu_speech"]
    op = service.operation("create_outbound_task")
    assert op is not None
    example = next(ex for ex in op.examples if ex.kind == "request")
    found = _validate(D_TASK, example.body)
    assert [(v.path, v.rule, v.code) for v in found] == [("/strategyDisplaySwitch", "type", E)]


# -- requiredness and unknown fields, for every field and object --------------------------------


def _walk_objects(schema: Schema, pointer: str, body: Any) -> Any:
    """(pointer, object type, value in the body) for every object present in `body`."""
    if schema.object is not None and isinstance(body, dict):
        yield pointer, schema.object, body
        for prop in schema.object.properties:
            if prop.name in body:
                yield from _walk_objects(prop.schema, f"{pointer}/{prop.name}", body[prop.name])
    if schema.items is not None and isinstance(body, list) and body:
        yield from _walk_objects(schema.items, f"{pointer}/0", body[0])


def _request_targets() -> list[tuple[tuple[str, str, str], Schema]]:
    out = []
    for svc, service in sorted(SERVICES.items()):
        for op in service.operations:
            out.append(((svc, op.id, "request"), op.request))
    return out


def _required_cases() -> list[tuple[tuple[str, str, str], str, str | None]]:
    cases = []
    for target, schema in _request_targets():
        service = SERVICES[target[0]]
        for pointer, obj, _ in _walk_objects(schema, "", _example(target)):
            for prop in obj.properties:
                if prop.required:
                    cases.append(
                        (
                            target,
                            f"{pointer}/{prop.name}",
                            service.code_for("required", prop.schema),
                        )
                    )
    return cases


REQUIRED = _required_cases()


@pytest.mark.parametrize(
    "target,pointer,code", REQUIRED, ids=[f"{t[0]}.{t[1]}:{p}" for t, p, _ in REQUIRED]
)
def test_required_field(target: tuple[str, str, str], pointer: str, code: str | None) -> None:
    body = edit(_example(target), {pointer: DROP})
    found = [(v.path, v.rule, v.code) for v in _validate(target, body)]
    assert (pointer, "required", code) in found
    # only consequences of the missing value besides: a group identify nobody declares any more
    assert all(r in ("required", "must_match", "exactly_one_of") for _, r, _ in found), found


UNKNOWN = [
    (
        target,
        pointer,
        SERVICES[target[0]].code_for(
            "unknown_field", Schema(pos=obj.pos, types=("object",), object=obj)
        ),
    )
    for target, schema in _request_targets()
    for pointer, obj, _ in _walk_objects(schema, "", _example(target))
]


@pytest.mark.parametrize(
    "target,pointer,code", UNKNOWN, ids=[f"{t[0]}.{t[1]}:{p or '/'}" for t, p, _ in UNKNOWN]
)
def test_unknown_field(target: tuple[str, str, str], pointer: str, code: str | None) -> None:
    body = edit(_example(target), {f"{pointer}/zz~1extra": 1})
    found = [(v.path, v.rule, v.code) for v in _validate(target, body)]
    assert found == [(f"{pointer}/zz~1extra", "unknown_field", code)]


def test_unknown_fields_in_responses_and_callbacks_are_accepted() -> None:
    checked = 0
    for svc, service in SERVICES.items():
        bodies = [
            ((svc, op.id, ex.kind), ex.body)
            for op in service.operations
            for ex in op.examples
            if ex.kind != "request"
        ]
        bodies += [
            ((svc, cb.name, "callback"), ex.body) for cb in service.callbacks for ex in cb.examples
        ]
        for target, body in bodies:
            for pointer, _, _ in _walk_objects(_body_schema(target), "", body):
                assert _validate(target, edit(body, {f"{pointer}/zzExtra": {"any": [1]}})) == []
                checked += 1
    assert checked >= 20


def _body_schema(target: tuple[str, str, str]) -> Schema:
    svc, name, kind = target
    service = SERVICES[svc]
    if kind == "callback":
        cb = service.callback(name)
        assert cb is not None
        return cb.body
    op = service.operation(name)
    assert op is not None
    return op.response if kind == "response" else op.request


# -- an enum in a response: unknown values are accepted ----------------------------------------

PROBE_SPEC = probe_spec(
    "probe",
    request="""
        token: {type: string, required: true, source: "900"}
        state:
          type: string
          enum: [{value: "on", meaning: "on"}, {value: "off", meaning: "off"}]
          source: "900"
    """,
    response="""
        state:
          type: string
          enum: [{value: "on", meaning: "on"}, {value: "off", meaning: "off"}]
          source: "900"
    """,
)


@pytest.fixture(scope="module")
def probe(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A tiny service with the same enum in a request and in a response, rendered in a sandbox
    (the specs of this repository have no enum in any response)."""
    from generator.generate import render
    from generator.sandbox import imported, service_module

    spec = tmp_path_factory.mktemp("probe") / "probe.yaml"
    spec.write_text(PROBE_SPEC, "utf-8")
    with imported(render([load_service(spec)])) as package:
        yield service_module(package, "probe")


def test_unknown_enum_value_in_a_response_is_accepted(probe: Any) -> None:
    assert probe.validate_response("op", {"code": 0, "state": "on"}) == []
    assert probe.validate_response("op", {"code": 0, "state": "standby"}) == []
    assert [(v.path, v.rule) for v in probe.validate_response("op", {"state": 1})] == [
        ("/state", "type")
    ]
    assert [
        (v.path, v.rule) for v in probe.validate_request("op", {"token": "t", "state": "standby"})
    ] == [("/state", "enum")]
    assert probe.validate_request("op", {"token": "t", "state": "off"}) == []


def test_no_response_of_the_specs_lists_an_enum() -> None:
    """If one ever does, it must be tolerant like the probe's: add it to the table above."""
    for svc, service in SERVICES.items():
        for op in service.operations:
            for pointer, obj, _ in _walk_objects(op.response, "", _everything(op.response)):
                assert not any(p.schema.enum for p in obj.properties), f"{svc}.{op.id} {pointer}"


def _everything(schema: Schema) -> Any:
    """A body skeleton holding every object of `schema` (one item per array)."""
    if schema.object is not None:
        return {p.name: _everything(p.schema) for p in schema.object.properties}
    if schema.items is not None:
        return [_everything(schema.items)]
    return None


# -- coverage: each documented rule has a rejected and an accepted case --------------------------

VALUE_RULES = {
    "min_length": "min_length",
    "max_length": "max_length",
    "max_bytes": "max_bytes",
    "pattern": "pattern",
    "forbidden_chars": "forbidden_chars",
    "format": "format",
    "minimum": "minimum",
    "maximum": "maximum",
    "exclusive_minimum": "exclusive_minimum",
    "exclusive_maximum": "exclusive_maximum",
    "min_items": "min_items",
    "max_items": "max_items",
    "must_match": "must_match",
}


def _stated_rules(schema: Schema, pointer: str, strict: bool) -> Any:
    """(pointer with * for array items, rule) for every rule the spec states below `schema`."""
    for attr, rule in VALUE_RULES.items():
        if getattr(schema, attr) is not None:
            yield pointer, rule
    if strict and schema.enum:
        yield pointer, "enum"
    if strict and "integer_string" in schema.types:
        yield pointer, "type"  # a string of digits (responses take numbers as well)
    if schema.unique_by is not None:
        yield f"{pointer}/*/{schema.unique_by}", "unique"
    if schema.items is not None:
        yield from _stated_rules(schema.items, pointer + "/*", strict)
    if schema.object is not None:
        obj = schema.object
        if obj.exactly_one_of:
            yield pointer, "exactly_one_of"
        for name, _ in obj.dependent_required:
            yield f"{pointer}/{name}", "dependent_required"
        for prop in obj.properties:
            if prop.required_if is not None:
                yield f"{pointer}/{prop.name}", "required_if"
            yield from _stated_rules(prop.schema, f"{pointer}/{prop.name}", strict)


def _documented() -> list[tuple[tuple[str, str, str], str, str]]:
    out = []
    for svc, service in sorted(SERVICES.items()):
        for op in service.operations:
            out += [((svc, op.id, "request"), p, r) for p, r in _stated_rules(op.request, "", True)]
            out += [
                ((svc, op.id, "response"), p, r) for p, r in _stated_rules(op.response, "", False)
            ]
            for prop in op.path_params:
                out += [
                    ((svc, op.id, "path"), p, r)
                    for p, r in _stated_rules(prop.schema, f"path:/{prop.name}", True)
                ]
        for cb in service.callbacks:
            out += [
                ((svc, cb.name, "callback"), p, r) for p, r in _stated_rules(cb.body, "", False)
            ]
    return sorted(set(out))


DOCUMENTED = _documented()


def _generalize(path: str) -> str:
    return "/".join("*" if t.isdigit() else t for t in path.split("/"))


def _has_value(body: Any, pattern: str) -> bool:
    tokens = _tokens(pattern.removeprefix("path:"))

    def walk(value: Any, rest: list[str]) -> bool:
        if not rest:
            return True
        head, tail = rest[0], rest[1:]
        if head == "*":
            return isinstance(value, list) and any(walk(v, tail) for v in value)
        return isinstance(value, dict) and head in value and walk(value[head], tail)

    return walk(body, tokens)


def test_documented_rules_are_found() -> None:
    rules = {r for _, _, r in DOCUMENTED}
    assert {
        "max_items",
        "unique",
        "max_length",
        "pattern",
        "forbidden_chars",
        "format",
        "minimum",
        "maximum",
        "exclusive_minimum",
        "enum",
        "dependent_required",
        "required_if",
        "must_match",
        "max_bytes",
        "exactly_one_of",
        "min_length",
        "min_items",
        "type",
    } <= rules


@pytest.mark.parametrize(
    "target,pointer,rule",
    DOCUMENTED,
    ids=[f"{'.'.join(t)}:{p or '/'}:{r}" for t, p, r in DOCUMENTED],
)
def test_documented_rule_has_cases(target: tuple[str, str, str], pointer: str, rule: str) -> None:
    rejected = [
        c
        for c in ALL_CASES
        if c.target == target
        and any(_generalize(p) == pointer and r == rule for p, r, _ in c.expected)
    ]
    accepted = [
        c
        for c in ALL_CASES
        if c.target == target and not c.expected and _has_value(c.build(), pointer)
    ]
    if rule in ("required_if", "dependent_required"):  # accepted: present, or absent when allowed
        accepted = [c for c in ALL_CASES if c.target == target and not c.expected]
    assert rejected, f"no rejected case for {rule} at {pointer or '/'}"
    assert accepted, f"no accepted case with a value at {pointer or '/'}"
