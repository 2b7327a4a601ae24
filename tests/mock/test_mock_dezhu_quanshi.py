"""003 (dezhu_speech) and 000 (quanshi_event) through the generated clients."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from outbound import dezhu_speech as dz
from outbound import quanshi_event as qs

from generator.mock import Fault, MockServer, Simulator, create_app

APP_ID = "99845aaaaebd4d61acccc9b776208f12"
TOKEN = "5d41c4ac806c6440eb6aa8e071115f2b"


def api_error(call: Callable[[], Any]) -> Any:
    with pytest.raises((dz.ApiError, qs.ApiError)) as caught:
        call()
    return caught.value


# -- 003 ----------------------------------------------------------------------------------------


@pytest.fixture
def dezhu(
    server: MockServer, make_sim: Callable[..., Simulator], rsa_keys: tuple[bytes, bytes]
) -> Callable[..., Simulator]:
    def install(**config: Any) -> Simulator:
        config.setdefault("public_keys", {APP_ID: rsa_keys[1]})
        simulator = make_sim("dezhu_speech", **config)
        server.use(simulator)
        return simulator

    return install


@pytest.fixture
def dz_client(
    server: MockServer, rsa_keys: tuple[bytes, bytes]
) -> Iterator[Callable[..., dz.Client]]:
    made: list[dz.Client] = []

    def make(**kwargs: Any) -> dz.Client:
        kwargs.setdefault("app_id", APP_ID)
        kwargs.setdefault("private_key_pem", rsa_keys[0])
        c = dz.Client(server.url, **kwargs)
        made.append(c)
        return c

    yield make
    for c in made:
        c.close()


def task(name: str = "自动外呼任务名称", **changes: Any) -> dict[str, Any]:
    """The documented example request as keyword arguments (strategyDisplaySwitch fixed)."""
    kwargs: dict[str, Any] = {
        "task_name": name,
        "task_type": 1,
        "task_exec_start_date": "2020-09-27",
        "task_exec_end_date": "2020-09-27",
        "task_exec_times": [
            dz.ExecTimeOpenDto(
                task_exec_time_start_str="11:36:00", task_exec_time_end_str="12:35:00"
            )
        ],
        "task_desc": "自动外呼描述",
        "skill_set_id": "1462016331580064",
        "outbound_number_group_id": "1070678044124225",
        "strategy_display_switch": True,
        "send_number_strategy": 0,
        "abandonment_rate": 2,
        "multiply_power": 2,
        "max_ringing_duration": 20,
        "acw": 10,
        "outbound_phone_groups": [
            dz.PhoneGroupDto(
                name="本人",
                identify="default",
                auto_outbound_switch=1,
                auto_outbound_interval=5,
                auto_outbound_times=1,
            )
        ],
        "out_bound_customers": [
            dz.CustomerDto(
                name="客户名称",
                external_customer_id="1",
                phone_group_vo_list=[
                    dz.PhoneGroupCustomerDto(
                        phone_group_identify="default",
                        relations=[dz.PhoneRelationDto(mobile="13800000001", relation="本人")],
                    )
                ],
            )
        ],
    }
    kwargs.update(changes)
    return kwargs


def test_create_task_ids_and_unique_names(dezhu, dz_client) -> None:
    s = dezhu()
    c = dz_client()
    first = c.create_outbound_task(**task("a"))
    assert (first.code, first.message, first.data) == (dz.ErrorCode.SUCCESS, "请求成功", 123)
    assert c.create_outbound_task(**task("b")).data == 124
    err = api_error(lambda: c.create_outbound_task(**task("a")))
    assert err.code is dz.ErrorCode.PARAMETER_ERROR and "already exists" in err.message
    assert [t["taskName"] for t in s.snapshot()["state"]["tasks"]] == ["a", "b"]


def test_rule_violations_are_29002(dezhu, dz_client) -> None:
    dezhu()
    c = dz_client(validate_requests=False)
    for changes in (
        {"strategy_display_switch": 1},  # the document's own example sends 1 for a Boolean
        {"task_name": "x" * 51},
        {"send_number_strategy": 1, "abandonment_rate": None},
        {"acw": 181},
        {"task_exec_start_date": "2020-02-30"},
        {"outbound_phone_groups": []},
    ):
        err = api_error(lambda ch=changes: c.create_outbound_task(**task(**ch)))
        assert err.code is dz.ErrorCode.PARAMETER_ERROR, changes
    customer = dz.CustomerDto(
        name="n",
        external_customer_id="1",
        phone_group_vo_list=[
            dz.PhoneGroupCustomerDto(
                phone_group_identify="nope", relations=[dz.PhoneRelationDto(mobile="1")]
            )
        ],
    )
    err = api_error(lambda: c.create_outbound_task(**task(out_bound_customers=[customer])))
    assert err.code is dz.ErrorCode.PARAMETER_ERROR and "phoneGroupIdentify" in err.message
    err = api_error(lambda: c.create_outbound_task(**task(out_bound_customers=[customer] * 1001)))
    assert err.code is dz.ErrorCode.PARAMETER_ERROR


def test_signature_failures_are_10001_and_unknown_app_id_is_10002(dezhu, dz_client, server) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    dezhu()
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    err = api_error(lambda: dz_client(private_key_pem=other).create_outbound_task(**task()))
    assert err.code is dz.ErrorCode.AUTHENTICATION_FAILED
    err = api_error(lambda: dz_client(app_id="unknown").create_outbound_task(**task()))
    assert err.code is dz.ErrorCode.PUBLIC_KEY_NOT_FOUND
    url = server.url + "/speech/openapi/v1/task/outbound/create"
    for headers in (
        {},
        {"appId": APP_ID, "timestamp": "1586314097995"},
        {"appId": APP_ID, "timestamp": "soon", "sign": "AAAA"},
        {"appId": APP_ID, "timestamp": "1586314097995", "sign": "not base64!"},
        {
            "appId": APP_ID,
            "timestamp": "1586314097995",
            "sign": base64.b64encode(b"x" * 256).decode(),
        },
    ):
        body = httpx.post(url, json={}, headers=headers).json()
        assert body["code"] == "10001", headers
    dezhu(public_keys={})  # no key uploaded at all
    err = api_error(lambda: dz_client().create_outbound_task(**task()))
    assert err.code is dz.ErrorCode.PUBLIC_KEY_NOT_FOUND


def test_max_skew_refuses_old_signatures(dezhu, rsa_keys) -> None:
    from outbound._runtime.signing import RsaSha256Signer

    s = dezhu(max_skew=60.0)
    signer = RsaSha256Signer(APP_ID, rsa_keys[0])
    from datetime import UTC, datetime

    content = b"{}"
    headers = signer.headers(content, now=datetime(2020, 4, 8, tzinfo=UTC))
    transport = httpx.ASGITransport(app=create_app(s))

    async def send() -> dict[str, Any]:
        async with httpx.AsyncClient(transport=transport, base_url="http://mock") as raw:
            r = await raw.post(
                "/speech/openapi/v1/task/outbound/create", content=content, headers=headers
            )
            return r.json()  # type: ignore[no-any-return]

    assert asyncio.run(send())["code"] == "10001"


@pytest.mark.parametrize("code", ["20001", "29008"])
def test_codes_only_faults_reproduce(dezhu, dz_client, code) -> None:
    dezhu(faults={"create_outbound_task": Fault(code)})
    err = api_error(lambda: dz_client().create_outbound_task(**task()))
    assert err.code is dz.ErrorCode(code)


def test_dezhu_async_in_process(make_sim, rsa_keys) -> None:
    simulator = make_sim("dezhu_speech", public_keys={APP_ID: rsa_keys[1]})

    async def run() -> None:
        transport = httpx.ASGITransport(app=create_app(simulator))
        async with dz.AsyncClient(
            "http://mock", app_id=APP_ID, private_key_pem=rsa_keys[0], transport=transport
        ) as c:
            assert (await c.create_outbound_task(**task())).data == 123

    asyncio.run(run())


# -- 000 ----------------------------------------------------------------------------------------


@pytest.fixture
def quanshi(server: MockServer, make_sim: Callable[..., Simulator]) -> Callable[..., Simulator]:
    def install(**config: Any) -> Simulator:
        config.setdefault("tokens", (TOKEN,))
        simulator = make_sim("quanshi_event", **config)
        server.use(simulator)
        return simulator

    return install


@pytest.fixture
def qs_client(server: MockServer) -> Iterator[Callable[..., qs.Client]]:
    made: list[qs.Client] = []

    def make(**kwargs: Any) -> qs.Client:
        kwargs.setdefault("token", TOKEN)
        c = qs.Client(server.url, **kwargs)
        made.append(c)
        return c

    yield make
    for c in made:
        c.close()


def person(**fields: Any) -> qs.CallListEntry:
    base = {
        "company": "quanshi.com",
        "country_code": "86",
        "name": "user1",
        "area_code": "",
        "phone": "",
    }
    base.update(fields)
    return qs.CallListEntry(**base)


def test_create_event_call_success_and_fail_data(quanshi, qs_client) -> None:
    s = quanshi()
    c = qs_client(validate_requests=False)
    r = c.create_event_call(event_id=542818, call_list=[person(mobile="18100000030")])
    assert (r.code, r.msg) == (200, "Successfully to create the event call!")
    assert r.request_id and r.request_id.startswith("127.0.0.1_") and r.time_stamp
    data = r.data
    assert data is not None and (data.total_count, data.success_count, data.fail_count) == (1, 1, 0)
    assert data.success_data[0].mobile == "18100000030" and len(data.success_data[0].id) == 24  # type: ignore[index, arg-type]
    assert data.extra == {} and data.request_id is None
    r = c.create_event_call(
        event_id=542818,
        before_minutes=10,
        call_list=[
            person(mobile="18100000030"),  # already in the event
            person(mobile="18100000031", phone="58512042"),  # both: breaks exactly_one_of
            person(area_code="10", phone="58512042"),
        ],
    )
    data = r.data
    assert data is not None and (data.total_count, data.success_count, data.fail_count) == (3, 1, 2)
    assert [p.phone for p in data.success_data] == ["58512042"]  # type: ignore[union-attr]
    assert [p.mobile for p in data.fail_data] == ["18100000030", "18100000031"]  # type: ignore[union-attr]
    event = s.snapshot()["state"]["events"][0]
    assert event["beforeMinutes"] == 10 and len(event["people"]) == 2
    # same number in another event is new there
    r = c.create_event_call(event_id=1, call_list=[person(mobile="18100000030")])
    assert r.data is not None and r.data.success_count == 1


def test_quanshi_errors_are_the_simulators_codes(quanshi, qs_client, server) -> None:
    quanshi()
    err = api_error(
        lambda: qs_client(token="wrong").create_event_call(
            event_id=1, call_list=[person(mobile="1")]
        )
    )
    assert err.code == "401" and err.request_id
    c = qs_client(validate_requests=False)
    err = api_error(
        lambda: c.create_event_call(event_id=1, before_minutes=61, call_list=[person(mobile="1")])
    )
    assert err.code == "400" and "/beforeMinutes" in err.message
    err = api_error(lambda: c.create_event_call(event_id=1, call_list=[]))
    assert err.code == "400"
    body = httpx.post(server.url + "/eventopenapi/event/call/create", content=b"nope").json()
    assert body["code"] == 400 and isinstance(body["timeStamp"], int) and body["requestId"]


def test_quanshi_async_in_process(make_sim) -> None:
    simulator = make_sim("quanshi_event")  # open mode: any non-empty token

    async def run() -> None:
        transport = httpx.ASGITransport(app=create_app(simulator))
        async with qs.AsyncClient("http://mock", token="t", transport=transport) as c:
            r = await c.create_event_call(
                event_id=5, call_list=[person(mobile="1"), person(mobile="1")]
            )
            assert r.data is not None and (r.data.success_count, r.data.fail_count) == (1, 1)

    asyncio.run(run())
    assert json.dumps(simulator.snapshot())  # JSON-able


def test_seed_makes_generated_ids_repeatable(make_sim) -> None:
    def ids(seed: int) -> list[str]:
        simulator = make_sim("quanshi_event", seed=seed)
        transport = httpx.ASGITransport(app=create_app(simulator))

        async def run() -> list[str]:
            async with qs.AsyncClient("http://mock", token="t", transport=transport) as c:
                r = await c.create_event_call(
                    event_id=1, call_list=[person(mobile="1"), person(mobile="2")]
                )
                return [p.id for p in r.data.success_data]  # type: ignore[union-attr, misc]

        return asyncio.run(run())

    assert ids(1) == ids(1) != ids(2)
