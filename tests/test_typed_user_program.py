"""A user's program, type-checked with `mypy --strict` against the committed package.

The correct program uses the typed surface the way the README shows (enum arguments, operation
names, schema kinds, the shared exceptions, renamed attributes, the page iterators) and must
pass without a single error. Each typo'd line of the second program must be reported on that
line, with the error code written beside it (`# E: arg-type`), and nothing else may be
reported: a typo that type-checks, or an error on a correct line, fails the test.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CACHES = shutil.ignore_patterns("__pycache__", "*.pyc", ".mypy_cache", ".ruff_cache")

HEADER = """\
from __future__ import annotations

import asyncio
import typing

import outbound
from outbound import dezhu_speech as dz
from outbound import huawei_isales as hw
from outbound import quanshi_event as qs
from outbound import yantong_groupcall as yt
"""

CORRECT = HEADER + '''

def huawei(client: hw.Client) -> None:
    client.add_call_data(vdn_id=1, campaign_id=7, call_data_list=[hw.CallData(called="80021")])
    client.delete_call_data(
        vdn_id=1,
        campaign_id=7,
        recycle_time="2024-05-01 00:00:00",
        recycle_type="1",
        archive_history=0,
    )
    hw.DeleteCallDataRequest(recycle_type="3", archive_history=1)


def dezhu(client: dz.Client) -> None:
    group = dz.PhoneGroupDto(name="g", identify="g1", auto_outbound_switch=0)
    client.create_outbound_task(
        task_name="t",
        task_type=1,
        task_exec_start_date="2024-05-01",
        task_exec_end_date="2024-05-02",
        task_exec_times=[dz.ExecTimeOpenDto(task_exec_time_start_str="08:00:00", task_exec_time_end_str="18:00:00")],
        skill_set_id="1",
        outbound_number_group_id="1",
        strategy_display_switch=False,
        send_number_strategy=0,
        multiply_power=1,
        max_ringing_duration=30,
        acw=5,
        outbound_phone_groups=[group],
        out_bound_customers=[],
    )


def yantong(client: yt.Client) -> list[str]:
    tasks = client.list_tasks()
    code: int | None = tasks.result_code
    names = []
    if isinstance(tasks.info, yt.ListTasksResponseInfo) and tasks.info.tasks:
        names = [t.name or "" for t in tasks.info.tasks]
    got = client.get_task(id=59)
    if isinstance(got.info, yt.GetTaskResponseInfo) and got.info.task is not None:
        names.append(str(got.info.task.id))
    page = client.list_call_records(id=59, record_type="2", call_result="1", page=1, page_size=10)
    if isinstance(page.info, yt.ListCallRecordsResponseInfo):
        names += [r.uniqueid or "" for r in page.info.records or []]
    for record in client.iter_list_call_records(id=59, record_type="1", page_size=50):
        names.append(record.uniqueid or "")
    return names + [str(code)]


async def yantong_async(client: yt.AsyncClient) -> int:
    return len([r async for r in client.iter_list_call_records(id=59)])


def names_and_schemas(name_from_a_file: str) -> None:
    hw.validate_request("add_call_data", {})
    hw.validate_response("delete_call_data", {})
    hw.validate_path("add_call_data", {"vdnId": 1, "campaignId": 2})
    yt.validate_callback("call_result", {})
    hw.schema("add_call_data")
    hw.schema("add_call_data", "response")
    yt.schema("call_result", "callback")
    yt.schema("list_tasks", "request")
    operation: hw.OperationId = "delete_call_data"
    hw.validate_request(operation, {})
    hw.validate_request(typing.cast(hw.OperationId, name_from_a_file), {})  # checked at run time
    callback: yt.CallbackName = "call_result"
    yt.schema(callback, "callback")


def errors(client: hw.Client) -> int | None:
    try:
        huawei(client)
    except outbound.ApiError as refusal:
        return refusal.http_status
    except outbound.ResponseError as unreadable:
        return unreadable.http_status
    except outbound.TransportError as broken:
        return broken.http_status
    except (outbound.ValidationError, outbound.ConfirmationRequired) as mistake:
        print(mistake)
    except outbound.OutboundError:
        raise
    return None


def quanshi(client: qs.Client) -> None:
    client.create_event_call(event_id=1, call_list=[qs.CallListEntry(mobile="18100000030")])


asyncio.run(yantong_async(yt.AsyncClient("http://127.0.0.1:1", token="t")))
'''

TYPOS = HEADER + '''

def typos(h: hw.Client, d: dz.Client, y: yt.Client, a: yt.AsyncClient) -> None:
    h.delete_call_data(vdn_id=1, campaign_id=7, recycle_type="9")  # E: arg-type
    h.delete_call_data(vdn_id=1, campaign_id=7, archive_history=2)  # E: arg-type
    hw.DeleteCallDataRequest(recycle_type="4")  # E: arg-type
    dz.PhoneGroupDto(name="g", identify="g", auto_outbound_switch=2)  # E: arg-type
    y.list_call_records(id=59, record_type="3")  # E: arg-type
    y.iter_list_call_records(id=59, call_result="0")  # E: arg-type
    y.list_call_records(id=59, type_="1")  # E: call-arg
    y.iter_list_call_records(id=59, page=2)  # E: call-arg
    h.add_call_data(vdn_id=1, campaign_id=7, call_data=[])  # E: call-arg
    hw.validate_request("add_call_dat", {})  # E: arg-type
    hw.validate_response("add-call-data", {})  # E: arg-type
    hw.validate_path("delete", {})  # E: arg-type
    yt.validate_request("call_result", {})  # E: arg-type
    hw.validate_callback("call_result", {})  # E: arg-type
    hw.schema("add_call_data", "reqest")  # E: arg-type
    hw.schema("add_call_data", "callback")  # E: arg-type
    yt.schema("list_task")  # E: call-overload
    yt.schema("list_tasks", "callback")  # E: call-overload
    yt.schema("call_result")  # E: call-overload
    name: str = "add_call_data"
    hw.validate_request(name, {})  # E: arg-type
    for r in a.iter_list_call_records(id=59):  # E: attr-defined
        print(r)
    result = y.start_task(id=59)
    print(result.status_code)  # E: attr-defined
    listed = y.list_tasks()
    if isinstance(listed.info, yt.ListTasksResponseInfo):
        print(listed.info.list_)  # E: attr-defined
    print(listed.info.tasks)  # E: union-attr
    try:
        h.add_call_data(vdn_id=1, campaign_id=7, call_data_list=[])
    except outbound.ApiError as refusal:
        print(refusal.http_statu)  # E: attr-defined
        print(refusal.status)  # E: attr-defined
    except outbound.TransportError as broken:
        print(broken.status_code)  # E: attr-defined
'''

ERROR = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): error: (?P<message>.*?)\s+\[(?P<code>[a-z-]+)\]$")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed package copied out (generated/pyproject.toml's mypy settings apply)."""
    out = tmp_path_factory.mktemp("user") / "generated"
    shutil.copytree(ROOT / "generated", out, ignore=CACHES)
    return out


def mypy(workdir: Path, name: str, text: str) -> tuple[int, str]:
    (workdir / name).write_text(text, "utf-8")
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    env.pop("PYTHONPATH", None)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-pretty",
            "--show-error-codes",
            "--no-error-summary",
            "--cache-dir",
            str(workdir.parent / "mypy-cache"),
            name,
        ],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return proc.returncode, proc.stdout + proc.stderr


def test_the_correct_program_passes_mypy_strict(workdir: Path) -> None:
    code, out = mypy(workdir, "correct.py", CORRECT)
    assert code == 0 and out.strip() == "", out


def expected_errors() -> dict[int, str]:
    """Line → error code, from the `# E: code` markers."""
    out = {}
    for number, line in enumerate(TYPOS.splitlines(), start=1):
        marker = re.search(r"# E: ([a-z-]+)$", line)
        if marker:
            out[number] = marker.group(1)
    return out


def test_every_typo_is_reported_on_its_line(workdir: Path) -> None:
    code, out = mypy(workdir, "typos.py", TYPOS)
    assert code == 1, out
    found: dict[int, list[str]] = {}
    for line in out.splitlines():
        match = ERROR.match(line)
        if match and match["file"] == "typos.py":
            found.setdefault(int(match["line"]), []).append(match["code"])
        elif line.strip() and ": note: " not in line:
            raise AssertionError(f"unexpected mypy output: {line}")
    expected = expected_errors()
    assert len(expected) >= 20
    lines = TYPOS.splitlines()
    for number, error in expected.items():
        assert error in found.get(number, []), (
            f"line {number} not reported as [{error}]: {lines[number - 1].strip()}\n{out}"
        )
    unexpected = {n: c for n, c in found.items() if n not in expected}
    assert not unexpected, "\n".join(
        f"line {n} {c}: {lines[n - 1].strip()}" for n, c in unexpected.items()
    )


def test_the_typos_fail_at_run_time_too() -> None:
    """What mypy catches is not left to mypy alone: the same mistakes raise when run."""
    import outbound.huawei_isales as hw
    import outbound.yantong_groupcall as yt

    with pytest.raises(ValueError, match="did you mean 'add_call_data'"):
        hw.validate_request("add_call_dat", {})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown kind 'reqest'"):
        hw.schema("add_call_data", "reqest")  # type: ignore[arg-type]
    body = {"recycleTime": "2024-05-01 00:00:00", "recycleType": "9"}
    assert [v.rule for v in hw.validate_request("delete_call_data", body)] == ["enum"]
    client = yt.Client("http://127.0.0.1:1", token="t")
    with pytest.raises(TypeError, match="type_"):
        client.list_call_records(id=59, type_="1")  # type: ignore[call-arg]
    with pytest.raises(yt.ValidationError):
        client.list_call_records(id=59, record_type="3")  # type: ignore[arg-type]
    client.close()
    assert textwrap.dedent(TYPOS) == TYPOS  # the markers count lines of this exact text
