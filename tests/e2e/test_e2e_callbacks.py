"""Receiving Yantong's pushed call results over real HTTP on 127.0.0.1 (issue 13 §4).

`callback_app(handler)` (ASGI) runs under uvicorn; `serve-callbacks` (the standard library's
server behind `cli_main`) runs as its own process, which the tests post to concurrently, feed
malformed pushes and kill with SIGKILL: nothing it answered 2xx may be missing from its file.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from e2e_server import LOOPBACK
from e2e_support import callback_example
from outbound import huawei_isales
from outbound import yantong_groupcall as yt
from outbound._runtime.callbacks import (
    CallbackAnswer,
    JsonLinesFile,
    PushReader,
    RejectedPush,
    cli_main,
)

DOC = callback_example("yantong_groupcall", "call_result")
SUCCESS = {"statusCode": 0, "message": "success"}


def push(record_id: str, **fields: Any) -> dict[str, Any]:
    body = json.loads(json.dumps(DOC))
    body["call_result"].update(id=record_id, **fields)
    return body


def nested(depth: int) -> dict[str, Any]:
    """A push whose extra member nests objects so that the whole body is `depth` deep."""
    inner: Any = {}
    for _ in range(depth - 2):  # the body and "x" itself are two of the levels
        inner = {"x": inner}
    return {**DOC, "x": inner}


def levels(value: Any) -> int:
    """Nesting depth of objects and arrays, recursively (a second way of counting)."""
    if isinstance(value, dict):
        return 1 + max((levels(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((levels(v) for v in value), default=0)
    return 0


# ---------------------------------------------------------------------------------------------
# The reader, alone
# ---------------------------------------------------------------------------------------------


def reader(**options: int) -> PushReader[Any]:
    return PushReader(yt.CALLBACKS["call_result"], **options)


def test_reader_reads_the_documented_push_and_deviations() -> None:
    outcome = reader().read(json.dumps(DOC).encode(), peer="127.0.0.1:9", path="/cb")
    assert not isinstance(outcome, RejectedPush)
    assert isinstance(outcome.model, yt.CallResultCallback)
    assert outcome.model.call_result is not None and outcome.model.call_result.id == "30249186"
    assert outcome.body == DOC and outcome.deviations == []
    deviating = reader().read(json.dumps(push("1", name=None, sex=1)).encode())
    assert not isinstance(deviating, RejectedPush)
    assert sorted(v.path for v in deviating.deviations) == [
        "/call_result/name",
        "/call_result/sex",
    ]
    assert deviating.model.deviations == deviating.deviations  # the same reading as parse_


LIMIT = 300_000


@pytest.mark.parametrize(
    ("raw", "reason", "status"),
    [
        (b"call_result[id]=1", "not JSON", 400),
        (b"", "not JSON", 400),
        (b"\xff\xfe{", "not JSON", 400),
        (b"[1, 2]", "not a JSON object", 400),
        (b'"text"', "not a JSON object", 400),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply", 400),  # past the JSON decoder
        (json.dumps(nested(65)).encode(), "nested too deeply", 400),  # past max_depth
        (b"{" + b" " * LIMIT + b"}", "too large", 413),
    ],
)
def test_reader_rejects(raw: bytes, reason: str, status: int) -> None:
    outcome = reader(max_body_bytes=LIMIT).read(raw)
    assert isinstance(outcome, RejectedPush)
    assert (outcome.reason, outcome.status) == (reason, status)
    assert outcome.raw == raw[:LIMIT]
    assert outcome.truncated == (len(raw) > LIMIT)


def test_depth_limit_counted_independently() -> None:
    assert levels(nested(64)) == 64 and levels(nested(65)) == 65
    assert not isinstance(reader().read(json.dumps(nested(64)).encode()), RejectedPush)
    assert isinstance(reader().read(json.dumps(nested(65)).encode()), RejectedPush)


def test_a_torn_last_line_is_closed_on_opening(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    path.write_bytes(b'{"a":1}\n{"b":')  # a crash in the middle of a write
    store = JsonLinesFile(path)
    store.append({"c": 3})
    store.close()
    assert path.read_bytes() == b'{"a":1}\n{"b":\n{"c":3}\n'


# ---------------------------------------------------------------------------------------------
# callback_app under uvicorn
# ---------------------------------------------------------------------------------------------


class Uvicorn:
    def __init__(self, app: Any) -> None:
        config = uvicorn.Config(app, host=LOOPBACK, port=0, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert self.thread.is_alive() and time.monotonic() < deadline
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://{LOOPBACK}:{port}/yantong/call-result"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def serve_app() -> Iterator[Any]:
    servers: list[Uvicorn] = []

    def start(app: Any) -> str:
        servers.append(Uvicorn(app))
        return servers[-1].url

    yield start
    for server in servers:
        server.stop()


def test_callback_app_calls_a_plain_handler_in_a_thread(serve_app: Any) -> None:
    got: list[tuple[yt.CallResultCallback, str]] = []

    def handler(result: yt.CallResultCallback) -> None:
        got.append((result, threading.current_thread().name))

    url = serve_app(yt.callback_app(handler))
    answer = httpx.post(url, json=DOC)
    assert answer.status_code == 200 and answer.json() == SUCCESS
    assert answer.headers["content-type"].startswith("application/json")
    ((result, thread),) = got
    assert result.call_result is not None and result.call_result.phone == "18851498762"
    assert thread != threading.main_thread().name


def test_callback_app_awaits_a_coroutine_handler_and_keeps_deviations(serve_app: Any) -> None:
    got: list[yt.CallResultCallback] = []

    async def handler(result: yt.CallResultCallback) -> None:
        await asyncio.sleep(0)
        got.append(result)

    url = serve_app(yt.callback_app(handler))
    answer = httpx.post(url, json=push("77", email=None, extra_field="kept"))
    assert answer.status_code == 200
    (result,) = got
    assert [v.path for v in result.deviations] == ["/call_result/email"]
    assert result.call_result is not None and result.call_result.id == "77"


def test_callback_app_rejects_and_errors(serve_app: Any) -> None:
    rejected: list[RejectedPush] = []

    def handler(result: yt.CallResultCallback) -> None:
        assert result.call_result is not None
        if result.call_result.id == "boom":
            raise RuntimeError("the database is down")

    url = serve_app(
        yt.callback_app(
            handler,
            on_reject=rejected.append,
            answer=CallbackAnswer(body=b"OK", content_type="text/plain"),
            max_body_bytes=4096,
        )
    )
    ok = httpx.post(url, json=DOC)
    assert (ok.status_code, ok.text) == (200, "OK")
    assert httpx.post(url, content=b"not json").status_code == 400
    assert httpx.post(url, content=b"[]").status_code == 400
    assert httpx.post(url, content=b"{" + b" " * 5000 + b"}").status_code == 413
    assert httpx.post(url, json=nested(70)).status_code == 400
    failed = httpx.post(url, json=push("boom"))
    assert failed.status_code == 500 and failed.json()["statusCode"] == 1
    wrong_method = httpx.get(url)
    assert wrong_method.status_code == 405 and wrong_method.headers["allow"] == "POST"
    assert [r.reason for r in rejected] == [
        "not JSON",
        "not a JSON object",
        "too large",
        "nested too deeply",
    ]
    assert rejected[0].raw == b"not json" and rejected[0].peer.startswith("127.0.0.1:")
    assert rejected[0].path == "/yantong/call-result"


# ---------------------------------------------------------------------------------------------
# serve-callbacks, its own process
# ---------------------------------------------------------------------------------------------

SERVE = "import sys; from outbound import {service} as s; " + (
    "from outbound._runtime.callbacks import cli_main; sys.exit(cli_main(s, sys.argv[1:]))"
)


class Receiver:
    def __init__(self, folder: Path, *options: str, service: str = "yantong_groupcall") -> None:
        self.results = folder / "results.jsonl"
        self.rejects = folder / "results.rejects.jsonl"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                SERVE.format(service=service),
                "--port",
                "0",
                "--to",
                str(self.results),
                *options,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.process.stderr is not None
        line = self.process.stderr.readline()
        assert "serving yantong_groupcall call_result pushes on http://" in line, line
        self.url = line.split(" on ", 1)[1].split(" ", 1)[0]
        self.log: list[str] = []
        self._reader = threading.Thread(target=self._read_log, daemon=True)
        self._reader.start()

    def _read_log(self) -> None:
        assert self.process.stderr is not None
        self.log.extend(self.process.stderr)

    def lines(self, path: Path | None = None) -> list[dict[str, Any]]:
        """Every complete JSON line of the results (or of `path`): a torn last line is skipped."""
        records = []
        for line in (path or self.results).read_bytes().splitlines():
            try:
                records.append(json.loads(line))
            except ValueError:
                continue
        return records

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=10)
        self._reader.join(timeout=5)
        return code


@pytest.fixture
def receivers(tmp_path: Path) -> Iterator[Any]:
    started: list[Receiver] = []

    def start(*options: str, service: str = "yantong_groupcall") -> Receiver:
        started.append(Receiver(tmp_path, *options, service=service))
        return started[-1]

    yield start
    for receiver in started:
        receiver.process.kill()
        receiver.process.wait()


def test_serve_callbacks_appends_each_push_before_answering(receivers: Any) -> None:
    receiver = receivers()
    answer = httpx.post(receiver.url + "any/path?x=1", json=push("1", comment=None, sex=2))
    assert answer.status_code == 200 and answer.json() == SUCCESS
    (record,) = receiver.lines()  # on disk by the time the answer came
    assert record["callback"] == "call_result" and record["path"] == "/any/path"
    assert record["body"] == push("1", comment=None, sex=2)  # as received, unknown types kept
    assert record["deviations"] == [
        {"path": "/call_result/sex", "rule": "type", "message": record["deviations"][0]["message"]}
    ]
    assert record["peer"].startswith("127.0.0.1:") and record["received_at"].endswith("Z")
    assert oct(receiver.results.stat().st_mode & 0o777) == "0o600"
    assert receiver.stop() == 0
    assert any("stopped" in line for line in receiver.log)


def test_concurrent_pushes_each_kept_once(receivers: Any) -> None:
    receiver = receivers()
    ids = [str(n) for n in range(200)]
    with httpx.Client() as client, ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(lambda i: client.post(receiver.url, json=push(i)), ids))
    assert [a.status_code for a in answers] == [200] * 200
    records = receiver.lines()
    assert sorted(r["body"]["call_result"]["id"] for r in records) == sorted(ids)
    assert len(receiver.results.read_bytes().splitlines()) == 200  # every line whole


def test_malformed_pushes_end_in_the_rejects_file(receivers: Any) -> None:
    receiver = receivers("--max-body-bytes", "4096")
    cases = [
        (b"call_result%5Bid%5D=1", "not JSON", 400),
        (b"\xff\xfe\x00", "not JSON", 400),
        (b"[1, 2]", "not a JSON object", 400),
        (json.dumps(nested(100)).encode(), "nested too deeply", 400),
        (b"[" * 5000, "too large", 413),
    ]
    for raw, _, status in cases:
        answer = httpx.post(receiver.url, content=raw, headers={"Content-Type": "text/plain"})
        assert answer.status_code == status and answer.json()["statusCode"] == 1

    def chunks() -> Iterator[bytes]:  # no Content-Length: chunked transfer encoding
        yield b'{"call_result": {"id": "chunked", '
        yield b'"phone": "1"}}'

    assert httpx.post(receiver.url, content=chunks()).status_code == 200
    assert [r["body"]["call_result"]["id"] for r in receiver.lines()] == ["chunked"]

    # a sender that announces 100 bytes, sends 12 and goes away: kept, nobody to answer
    host, port = receiver.url.removeprefix("http://").strip("/").rsplit(":", 1)
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
            b'Content-Length: 100\r\n\r\n{"call_resul'
        )
        sock.shutdown(socket.SHUT_WR)
        assert sock.recv(100) == b""
    deadline = time.monotonic() + 5
    while len(receiver.lines(receiver.rejects)) < 6 and time.monotonic() < deadline:
        time.sleep(0.01)

    rejects = receiver.lines(receiver.rejects)
    assert [(r["reason"], r["content_type"]) for r in rejects] == [
        (reason, "text/plain") for _, reason, _ in cases
    ] + [("incomplete", "text/plain")]
    assert rejects[5]["body_text"] == '{"call_resul' and rejects[5]["size"] == 100
    assert rejects[0]["body_text"] == "call_result%5Bid%5D=1"
    assert base64.b64decode(rejects[1]["body_base64"]) == b"\xff\xfe\x00"
    assert rejects[4]["truncated"] and rejects[4]["size"] == 5000
    assert len(rejects[4]["body_text"]) == 4096
    receiver.stop()
    log = "".join(receiver.log)
    assert log.count("push rejected") == 6 and "Traceback" not in log
    assert "call_result%5Bid" not in log  # reasons and sizes are logged, never a body


def test_a_kill_loses_nothing_that_was_answered(receivers: Any) -> None:
    """Eight threads push until the receiver is killed with SIGKILL: every push answered 2xx
    is in the file. A second receiver on the same file goes on after it."""
    receiver = receivers()
    answered: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def pusher(worker: int) -> None:
        with httpx.Client(timeout=5) as client:
            for n in range(10_000):
                if stop.is_set():
                    return
                record_id = f"{worker}-{n}"
                try:
                    answer = client.post(receiver.url, json=push(record_id))
                except httpx.TransportError:
                    return
                if answer.is_success:
                    with lock:
                        answered.append(record_id)

    threads = [threading.Thread(target=pusher, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 30
    while len(answered) < 150 and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(receiver.process.pid, signal.SIGKILL)
    receiver.process.wait()
    stop.set()
    for thread in threads:
        thread.join()
    kept = {r["body"]["call_result"]["id"] for r in receiver.lines()}
    assert len(answered) >= 150
    assert set(answered) <= kept  # some were kept but never answered: at most duplicates later

    again = receivers()
    assert httpx.post(again.url, json=push("after")).status_code == 200
    assert "after" in {r["body"]["call_result"]["id"] for r in again.lines()}
    again.stop()


def test_the_answer_is_configurable(receivers: Any) -> None:
    receiver = receivers("--answer-body", "success", "--answer-content-type", "text/plain")
    answer = httpx.post(receiver.url, json=DOC)
    assert (answer.status_code, answer.text) == (200, "success")
    assert answer.headers["content-type"] == "text/plain"
    assert httpx.get(receiver.url).status_code == 405
    receiver.stop()


def run_cli(service: Any, *argv: str) -> tuple[int, str]:
    code = None
    err = ""
    original = sys.stderr
    from io import StringIO

    sys.stderr = buffer = StringIO()
    try:
        code = cli_main(service, list(argv))
    except SystemExit as exc:  # argparse's usage errors
        code = int(exc.code or 0)
    finally:
        sys.stderr = original
        err = buffer.getvalue()
    return code, err


def test_cli_usage_and_setup_errors(tmp_path: Path) -> None:
    code, err = run_cli(yt)
    assert code == 2 and "--to" in err
    code, err = run_cli(huawei_isales, "--to", str(tmp_path / "r.jsonl"))
    assert code == 2 and "huawei_isales documents no callbacks" in err
    code, err = run_cli(yt, "--port", "0", "--to", str(tmp_path / "missing" / "r.jsonl"))
    assert code == 2 and "No such file or directory" in err and "Traceback" not in err
    code, err = run_cli(yt, "--to", str(tmp_path / "r.jsonl"), "--max-depth", "0")
    assert code == 2 and "--max-depth" in err
    same = str(tmp_path / "r.jsonl")
    code, err = run_cli(yt, "--port", "0", "--to", same, "--rejects", same)
    assert code == 2 and "two different files" in err
    with pytest.raises(SystemExit) as caught:
        cli_main(yt, ["--help"])
    assert caught.value.code == 0


def test_port_in_use_is_a_clear_error(tmp_path: Path, receivers: Any) -> None:
    receiver = receivers()
    port = receiver.url.rsplit(":", 1)[1].strip("/")
    code, err = run_cli(yt, "--port", port, "--to", str(tmp_path / "other.jsonl"))
    assert code == 2 and "Address already in use" in err
    receiver.stop()
