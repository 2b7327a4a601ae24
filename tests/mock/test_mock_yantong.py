"""Yantong group call through the generated clients against the simulator on a real port."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from outbound import yantong_groupcall as yt

from generator.mock import MockServer, Simulator
from generator.mock.services.yantong_groupcall import loopback_url

TOKEN = "b9f43e6f11e111ec906b00163e1260a0"


@pytest.fixture
def sim(server: MockServer, make_sim: Callable[..., Simulator]) -> Callable[..., Simulator]:
    def install(**config: Any) -> Simulator:
        config.setdefault("tokens", (TOKEN,))
        config.setdefault("tasks", {"59": "测试群呼任务", "60": "second"})
        simulator = make_sim("yantong_groupcall", **config)
        server.use(simulator)
        return simulator

    return install


@pytest.fixture
def client(server: MockServer) -> Iterator[Callable[..., yt.Client]]:
    made: list[yt.Client] = []

    def make(**kwargs: Any) -> yt.Client:
        kwargs.setdefault("token", TOKEN)
        c = yt.Client(server.url, **kwargs)
        made.append(c)
        return c

    yield make
    for c in made:
        c.close()


class Receiver:
    """A loopback HTTP server collecting the JSON bodies POSTed to it."""

    def __init__(self) -> None:
        bodies = self.bodies = []  # type: list[Any]

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                bodies.append(json.loads(self.rfile.read(length)))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/callback"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def wait(self, count: int, timeout: float = 5.0) -> list[Any]:
        deadline = time.monotonic() + timeout
        while len(self.bodies) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.bodies

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def rec(phone: str, **fields: Any) -> yt.UploadRecord:
    return yt.UploadRecord(phone=phone, **fields)


def api_error(call: Callable[[], Any]) -> yt.ApiError:
    with pytest.raises(yt.ApiError) as caught:
        call()
    return caught.value


# -- tasks and batches -----------------------------------------------------------------------


def test_tasks_are_only_those_configured(sim, client) -> None:
    sim(tasks={})
    assert client().list_tasks().info.tasks == []  # type: ignore[union-attr]
    sim()
    listed = client().list_tasks()
    assert listed.result_code == 0 and listed.message == "success"
    tasks = listed.info.tasks  # type: ignore[union-attr]
    assert [(t.id, t.name, t.status) for t in tasks] == [(59, "测试群呼任务", 0), (60, "second", 0)]
    assert (tasks[0].start_time, tasks[0].end_time) == ("08:30:01", "19:30:02")  # the example's


def test_get_task_and_unknown_task(sim, client) -> None:
    sim()
    c = client()
    info = c.get_task(id=59).info.task  # type: ignore[union-attr]
    assert info is not None and info.name == "测试群呼任务"
    err = api_error(lambda: c.get_task(id=61))
    assert err.code == "404" and err.http_status == 200 and not err.documented
    for call in (
        lambda: c.add_batch(id=61, name="x"),
        lambda: c.list_bound_batch_ids(id=61),
        lambda: c.start_task(id=61),
        lambda: c.stop_task(id=61),
        lambda: c.upload_data(id=61, batch_id=1, data_list=[rec("1")]),
        lambda: c.list_call_records(id=61),
    ):
        assert api_error(call).code == "404"


def test_batches_are_bound_to_their_task(sim, client) -> None:
    sim()
    c = client()
    first = c.add_batch(id=59, name="api_create_test").info.batch_id  # type: ignore[union-attr]
    second = c.add_batch(id=59, name="more").info.batch_id  # type: ignore[union-attr]
    other = c.add_batch(id=60, name="other").info.batch_id  # type: ignore[union-attr]
    assert (first, second, other) == (672, 673, 674)  # counting on from the example's 671
    assert c.list_bound_batch_ids(id=59).info.batch_ids == [672, 673]  # type: ignore[union-attr]
    assert c.list_bound_batch_ids(id=60).info.batch_ids == [674]  # type: ignore[union-attr]
    # a batch of another task, or no batch at all
    assert api_error(lambda: c.upload_data(id=59, batch_id=674, data_list=[rec("1")])).code == "404"
    assert api_error(lambda: c.upload_data(id=59, batch_id=999, data_list=[rec("1")])).code == "404"


def test_start_and_stop_change_the_status_and_stop_never_starts(sim, client) -> None:
    sim()
    c = client()
    assert c.stop_task(id=59).info == ""
    assert c.get_task(id=59).info.task.status == 0  # type: ignore[union-attr]
    assert c.start_task(id=59).result_code == 0
    assert c.get_task(id=59).info.task.status == 1  # type: ignore[union-attr]
    assert c.start_task(id=59).result_code == 0  # already running: nothing changes
    c.stop_task(id=59)
    assert c.get_task(id=59).info.task.status == 0  # type: ignore[union-attr]


# -- uploads ---------------------------------------------------------------------------------


def test_upload_counts_success_duplicate_and_fail(sim, client) -> None:
    s = sim()
    c = client(validate_requests=False)
    batch = int(c.add_batch(id=59, name="b").info.batch_id)  # type: ignore[union-attr, arg-type]
    r = c.upload_data(
        id=59,
        batch_id=batch,
        data_list=[
            rec("18851498762", name="customer name", address="", state="", email=""),
            rec("18851498763", state="状" * 21),  # 63 bytes > 60: this row fails
            rec("18851498762"),  # duplicate within the upload
            rec("18851498764"),
        ],
    )
    assert r.info.success_count == 2 and r.info.duplicate_count == 1  # type: ignore[union-attr]
    assert r.info.fail_count == 1  # type: ignore[union-attr]
    r = c.upload_data(id=59, batch_id=batch, data_list=[rec("18851498764"), rec("18851498765")])
    assert (r.info.success_count, r.info.duplicate_count, r.info.fail_count) == (1, 1, 0)  # type: ignore[union-attr]
    rows = s.snapshot()["state"]["batches"][0]["rows"]
    assert [row["phone"] for row in rows] == ["18851498762", "18851498764", "18851498765"]


def test_request_level_violations_refuse_the_whole_upload(sim, client) -> None:
    s = sim()
    c = client(validate_requests=False)
    c.add_batch(id=59, name="b")
    err = api_error(lambda: c.upload_data(id=59, batch_id="abc", data_list=[rec("1")]))  # type: ignore[arg-type]
    assert err.code == "400" and "/data/batch_id" in (err.message or "")
    err = api_error(lambda: c.upload_data(id=59, batch_id=672, data_list=[]))
    assert err.code == "400"
    assert s.snapshot()["state"]["batches"][0]["rows"] == []


def test_tokens(sim, client, server) -> None:
    sim()
    err = api_error(lambda: client(token="wrong").list_tasks())
    assert err.code == "401"
    sim(tokens=())  # open mode: any non-empty token
    assert client(token="anything").list_tasks().result_code == 0
    import httpx

    r = httpx.post(server.url + "/api.php?r=groupcall/task-list", json={"token": ""})
    assert r.json()["statusCode"] == 401
    r = httpx.post(server.url + "/api.php?r=groupcall/task-list", content=b"token=x")
    assert r.json()["statusCode"] == 400
    r = httpx.post(server.url + "/api.php?r=groupcall/no-such-route", json={"token": "x"})
    assert r.status_code == 404
    r = httpx.get(server.url + "/api.php?r=groupcall/task-list")
    assert r.status_code == 405
    assert r.headers["allow"] == "POST"  # RFC 9110 (found by schemathesis' unsupported_method)


# -- calls, records and callbacks ---------------------------------------------------------------


def test_calls_happen_while_running_and_records_are_paged(sim, client) -> None:
    sim()
    c = client()
    batch = int(c.add_batch(id=59, name="test").info.batch_id)  # type: ignore[union-attr, arg-type]
    c.upload_data(
        id=59,
        batch_id=batch,
        data_list=[rec(f"1885149870{i}", name="customer name") for i in range(3)],
    )
    assert c.list_call_records(id=59).info.total_count == 0  # type: ignore[union-attr]
    c.start_task(id=59)  # the three rows are called now
    c.upload_data(id=59, batch_id=batch, data_list=[rec(f"1885149871{i}") for i in range(22)])
    page = c.list_call_records(id=59, record_type="1", page=1, page_size=10)
    info = page.info
    assert page.message == "获取成功"
    assert (info.page, info.page_size, info.total_page, info.total_count) == (1, 10, 3, 25)  # type: ignore[union-attr]
    assert len(info.records) == 10 and info.records[0].call_result == 1  # type: ignore[union-attr, arg-type]
    assert info.records[0].batch_name == "test"  # type: ignore[union-attr, index]
    last = c.list_call_records(id=59, page=3, page_size=10).info
    assert len(last.records) == 5 and last.records[-1].name == "customer name"  # type: ignore[union-attr, arg-type, index]
    today = datetime.now().strftime("%Y-%m-%d")
    assert c.list_call_records(id=59, search_date=today).info.total_count == 25  # type: ignore[union-attr]
    assert c.list_call_records(id=59, search_date="2022-03-28").info.total_count == 0  # type: ignore[union-attr]
    assert c.list_call_records(id=59, record_type="2").info.total_count == 0  # type: ignore[union-attr]
    assert c.list_call_records(id=59, call_result="2").info.total_count == 0  # type: ignore[union-attr]
    assert c.list_call_records(id=59, call_result="1").info.total_count == 25  # type: ignore[union-attr]
    assert api_error(lambda: c.list_call_records(id=59, page_size=0)).code == "400"
    c.stop_task(id=59)
    c.upload_data(id=59, batch_id=batch, data_list=[rec("13000000000")])
    assert c.list_call_records(id=59).info.total_count == 25  # type: ignore[union-attr]


def test_iter_list_call_records_walks_every_page(sim, client) -> None:
    """The page iterator against the simulator's record-list paging (page a number,
    total_count a digit string, as in the document): every record once, in the order of the
    pages, with as many requests as there are pages."""
    s = sim()
    c = client()
    batch = int(c.add_batch(id=59, name="test").info.batch_id)  # type: ignore[union-attr, arg-type]
    c.start_task(id=59)
    c.upload_data(id=59, batch_id=batch, data_list=[rec(f"1885149871{i:02d}") for i in range(23)])
    pages = [c.list_call_records(id=59, page=p, page_size=10).info for p in (1, 2, 3)]
    expected = [r for info in pages for r in info.records]  # type: ignore[union-attr]
    assert len(expected) == 23 and len({r.uniqueid for r in expected}) == 23
    before = s.requests
    assert list(c.iter_list_call_records(id=59, page_size=10)) == expected
    assert s.requests - before == 3  # pages 1, 2, 3: the third states total_page 3
    before = s.requests
    assert list(c.iter_list_call_records(id=59, page_size=23)) == expected
    assert s.requests - before == 1
    before = s.requests
    assert len(list(c.iter_list_call_records(id=59))) == 23  # the server's page size, 10
    assert s.requests - before == 3
    # the filters are passed on; a listing with nothing in it is one request
    before = s.requests
    assert list(c.iter_list_call_records(id=59, call_result="2", page_size=5)) == []
    assert list(c.iter_list_call_records(id=60, record_type="1")) == []
    assert s.requests - before == 2
    # asking for the first items only asks for the first page
    before = s.requests
    walk = c.iter_list_call_records(id=59, page_size=10)
    assert [next(walk) for _ in range(10)] == expected[:10]
    assert s.requests - before == 1
    walk.close()


def test_iter_list_call_records_async(sim, server) -> None:
    sim()

    async def go() -> tuple[list[yt.CallRecord], list[yt.CallRecord]]:
        async with yt.AsyncClient(server.url, token=TOKEN) as c:
            batch = (await c.add_batch(id=59, name="b")).info.batch_id  # type: ignore[union-attr]
            await c.start_task(id=59)
            await c.upload_data(
                id=59, batch_id=int(batch), data_list=[rec(f"13{i:09d}") for i in range(7)]  # type: ignore[arg-type]
            )
            one = [r async for r in c.iter_list_call_records(id=59, page_size=3)]
            pages = [(await c.list_call_records(id=59, page=p, page_size=3)).info for p in (1, 2, 3)]
            return one, [r for info in pages for r in info.records]  # type: ignore[union-attr]

    walked, expected = asyncio.run(go())
    assert len(walked) == 7 and walked == expected


def test_answer_rate_zero_means_no_call_connects(sim, client) -> None:
    sim(answer_rate=0.0)
    c = client()
    c.start_task(id=60)
    batch = int(c.add_batch(id=60, name="b").info.batch_id)  # type: ignore[union-attr, arg-type]
    c.upload_data(id=60, batch_id=batch, data_list=[rec("1"), rec("2")])
    assert c.list_call_records(id=60, call_result="2").info.total_count == 2  # type: ignore[union-attr]


def test_call_results_are_pushed_to_loopback_callback_urls_only(sim, client, receiver) -> None:
    s = sim(push_callbacks=True)
    c = client()
    batch = int(c.add_batch(id=59, name="b").info.batch_id)  # type: ignore[union-attr, arg-type]
    c.upload_data(
        id=59,
        batch_id=batch,
        data_list=[
            rec("18851498762", name="n", state="custom", callback_url=receiver.url),
            rec("18851498763", callback_url="http://www.baidu.com"),
            rec("18851498764", callback_url="http://10.0.0.1/cb"),
            rec("18851498765"),
        ],
    )
    assert receiver.bodies == []  # nothing is called before the task runs
    c.start_task(id=59)
    bodies = receiver.wait(1)
    assert len(bodies) == 1
    pushed = yt.parse_call_result(json.dumps(bodies[0]))
    assert pushed.call_result is not None
    assert (pushed.call_result.phone, pushed.call_result.state) == ("18851498762", "custom")
    assert pushed.call_result.batch_id == str(batch) and pushed.call_result.call_result == "success"
    deadline = time.monotonic() + 5
    while len(s.snapshot()["pushes"]) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    log = s.snapshot()["pushes"]
    refused = sorted(p["url"] for p in log if "refused" in p)
    assert refused == ["http://10.0.0.1/cb", "http://www.baidu.com"]
    assert [p["status"] for p in log if "status" in p] == [200]


def test_no_pushes_unless_configured(sim, client, receiver) -> None:
    s = sim()
    c = client()
    c.start_task(id=59)
    batch = int(c.add_batch(id=59, name="b").info.batch_id)  # type: ignore[union-attr, arg-type]
    c.upload_data(id=59, batch_id=batch, data_list=[rec("1", callback_url=receiver.url)])
    time.sleep(0.2)
    assert receiver.bodies == [] and s.snapshot()["pushes"] == []


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("http://127.0.0.1:8000/cb", True),
        ("http://127.1.2.3/cb", True),
        ("https://[::1]:9/cb", True),
        ("http://localhost/cb", False),
        ("http://10.0.0.1/cb", False),
        ("http://[::ffff:10.0.0.1]/cb", False),
        ("ftp://127.0.0.1/cb", False),
        ("http://www.baidu.com", False),
        ("not a url", False),
    ],
)
def test_loopback_url(url: str, ok: bool) -> None:
    assert loopback_url(url) is ok


def test_async_client_in_process(make_sim) -> None:
    import httpx

    from generator.mock import create_app

    simulator = make_sim("yantong_groupcall", tokens=(TOKEN,), tasks={"59": "t"})

    async def run() -> None:
        transport = httpx.ASGITransport(app=create_app(simulator))
        async with yt.AsyncClient("http://mock", token=TOKEN, transport=transport) as c:
            batch = int((await c.add_batch(id=59, name="b")).info.batch_id)  # type: ignore[union-attr, arg-type]
            r = await c.upload_data(id=59, batch_id=batch, data_list=[rec("1"), rec("1")])
            assert (r.info.success_count, r.info.duplicate_count) == (1, 1)  # type: ignore[union-attr]
            assert (await c.list_bound_batch_ids(id=59)).info.batch_ids == [batch]  # type: ignore[union-attr]
            await c.start_task(id=59)
            assert (await c.get_task(id=59)).info.task.status == 1  # type: ignore[union-attr]
            await c.stop_task(id=59)
            assert (await c.list_call_records(id=59)).info.total_count == 1  # type: ignore[union-attr]
            assert len((await c.list_tasks()).info.tasks) == 1  # type: ignore[union-attr, arg-type]

    asyncio.run(run())


def test_state_endpoint_dumps_every_simulator(sim, client, server) -> None:
    import httpx

    sim()
    c = client()
    c.add_batch(id=59, name="b")
    dump = httpx.get(server.url + "/_callgen/state").json()
    state = dump["yantong_groupcall"]
    assert state["answers"] == {"0": 1} and state["requests"] == 1
    assert state["state"]["batches"] == [{"id": "672", "task_id": "59", "name": "b", "rows": []}]
