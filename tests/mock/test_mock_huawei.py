"""Huawei CC-iSales through the generated clients against the simulator on a real port."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from outbound import huawei_isales as hw
from outbound._runtime.signing import HuaweiAuthV2Signer

from generator.mock import Fault, MockConfig, MockConfigError, MockServer, Simulator

AK, SK = "mock-ak", "mock-sk-0123456789"
E = hw.ErrorCode


@pytest.fixture
def sim(server: MockServer, make_sim: Callable[..., Simulator]) -> Callable[..., Simulator]:
    """Install a fresh Huawei simulator with these options on the module's server."""

    def install(**config: Any) -> Simulator:
        config.setdefault("access_keys", {AK: SK})
        simulator = make_sim("huawei_isales", **config)
        server.use(simulator)
        return simulator

    return install


@pytest.fixture
def client(server: MockServer) -> Iterator[Callable[..., hw.Client]]:
    made: list[hw.Client] = []

    def make(**kwargs: Any) -> hw.Client:
        kwargs.setdefault("access_key", AK)
        kwargs.setdefault("secret_key", SK)
        kwargs.setdefault("max_retries", 0)
        c = hw.Client(server.url, **kwargs)
        made.append(c)
        return c

    yield make
    for c in made:
        c.close()


def numbers(*called: str, **fields: Any) -> list[hw.CallData]:
    return [hw.CallData(called=c, **fields) for c in called]


class RawItem(hw.CallData):
    """An item sent exactly as given (what a client without the generated models might send)."""

    def __init__(self, wire: dict[str, Any]) -> None:
        super().__init__(called="unused")
        self.wire = wire

    def to_wire(self) -> dict[str, Any]:
        return dict(self.wire)


def api_error(call: Callable[[], Any]) -> hw.ApiError:
    with pytest.raises(hw.ApiError) as caught:
        call()
    return caught.value


# -- success paths -----------------------------------------------------------------------


def test_add_then_delete_by_each_criterion(sim, client) -> None:
    s = sim()
    c = client()
    added = c.add_call_data(
        vdn_id=1,
        campaign_id=7,
        call_data_list=[
            hw.CallData(called="80021", session_id="s1"),
            hw.CallData(called="80022", custom_field="groupA"),
            hw.CallData(called="80023", custom_field="groupA"),
            hw.CallData(called="*80#24", caller="12345"),
        ],
    )
    assert added.result_code == E.SUCCESS and added.return_code == "0200000"
    assert added.return_object is not None and added.return_object.total_size == 4
    assert c.delete_call_data(vdn_id=1, campaign_id=7, session_id="s1").success_count == 1
    assert c.delete_call_data(vdn_id=1, campaign_id=7, custom_field="groupA").success_count == 2
    assert c.delete_call_data(vdn_id=1, campaign_id=7, called="55555").success_count == 0
    assert c.delete_call_data(vdn_id=1, campaign_id=7, called="*80#24").success_count == 1
    assert s.state.numbers(1, 7) == []


def test_delete_recycle_types_and_archive(sim, client) -> None:
    s = sim()
    c = client()
    times = {
        "100": "2020-12-03 08:00:00",
        "101": "2020-12-04 00:00:00",
        "102": "2020-12-04 17:57:00",
        "103": "2020-12-04 23:59:59",
        "104": "2020-12-05 00:00:00",
        "105": "2020-12-06 10:00:00",
    }
    c.add_call_data(
        vdn_id=2,
        campaign_id=9,
        call_data_list=[hw.CallData(called=k, recycle_time=v) for k, v in times.items()]
        + numbers("106"),  # no recycleTime: never matches a recycleTime criterion
    )
    # 3: equal to the second
    r = c.delete_call_data(
        vdn_id=2, campaign_id=9, recycle_time="2020-12-04 17:57:00", recycle_type="3"
    )
    assert r.success_count == 1
    # recycleTime alone: the client asks for confirmation (note lone_recycle_time); confirmed,
    # the simulator reads it as "equal" (its own reading: the documents say nothing)
    with pytest.raises(hw.ConfirmationRequired):
        c.delete_call_data(vdn_id=2, campaign_id=9, recycle_time="2020-12-06 10:00:00")
    r = c.delete_call_data(
        vdn_id=2, campaign_id=9, recycle_time="2020-12-06 10:00:00", confirm_delete_all=True
    )
    assert r.success_count == 1
    # 2: that day (101 and 103 remain of 2020-12-04)
    r = c.delete_call_data(
        vdn_id=2,
        campaign_id=9,
        recycle_time="2020-12-04 12:00:00",
        recycle_type="2",
        archive_history=1,
    )
    assert r.success_count == 2
    # 1: on or before the day (100 remains; 104 is later)
    r = c.delete_call_data(
        vdn_id=2, campaign_id=9, recycle_time="2020-12-04 00:00:00", recycle_type="1"
    )
    assert r.success_count == 1
    left = {n["called"] for n in s.state.numbers(2, 9)}
    assert left == {"104", "106"}
    campaign = s.snapshot()["state"]["campaigns"][0]
    assert {n["called"] for n in campaign["history"]} == {"101", "103"}


def test_delete_with_no_criteria_deletes_all_only_when_confirmed(sim, client) -> None:
    s = sim()
    c = client()
    c.add_call_data(vdn_id=1, campaign_id=1, call_data_list=numbers("1", "2", "3"))
    with pytest.raises(hw.ConfirmationRequired):
        c.delete_call_data(vdn_id=1, campaign_id=1, archive_history=0)
    assert len(s.state.numbers(1, 1)) == 3
    r = c.delete_call_data(vdn_id=1, campaign_id=1, confirm_delete_all=True)
    assert r.success_count == 3


# -- credentials ---------------------------------------------------------------------------


def test_bad_secret_key_is_http_401_without_a_result_code(sim, client) -> None:
    sim()
    err = api_error(
        lambda: client(secret_key="wrong").add_call_data(
            vdn_id=1, campaign_id=1, call_data_list=numbers("1")
        )
    )
    assert err.http_status == 401 and err.code == "HTTP 401" and not err.documented
    assert b"0200001" not in err.raw


def test_unknown_access_key_and_missing_header(sim, client, server) -> None:
    s = sim()
    err = api_error(
        lambda: client(access_key="other").delete_call_data(vdn_id=1, campaign_id=1, called="1")
    )
    assert err.http_status == 401
    r = httpx.post(server.url + "/rest/isales/v1/openapi/campaigns/1/calldata/1", json={})
    assert r.status_code == 401 and "Authorization" in r.text
    assert s.snapshot()["answers"] == {"HTTP 401": 2}


def test_open_mode_checks_the_form_only(sim, client, server) -> None:
    sim(access_keys={})
    r = client(access_key="anyone", secret_key="anything").add_call_data(
        vdn_id=1, campaign_id=1, call_data_list=numbers("1")
    )
    assert r.result_code == E.SUCCESS
    bad = httpx.post(
        server.url + "/rest/isales/v1/openapi/campaigns/1/calldata/1",
        json={"callDataList": [{"called": "1"}]},
        headers={"Authorization": "auth-v2/ak/yesterday/host/abc"},
    )
    assert bad.status_code == 401


# -- every reproducible code ---------------------------------------------------------------


def test_21_numbers_is_0200029(sim, client) -> None:
    sim()
    err = api_error(
        lambda: client(validate_requests=False).add_call_data(
            vdn_id=1, campaign_id=1, call_data_list=numbers(*(str(1000 + i) for i in range(21)))
        )
    )
    assert err.code is E.TOO_MANY_NUMBERS


def test_two_adds_within_one_second_is_0200022(sim, client) -> None:
    s = sim()
    first, second = client(), client()  # two clients, one AK: each paces only itself
    first.add_call_data(vdn_id=1, campaign_id=1, call_data_list=numbers("1"))
    err = api_error(
        lambda: second.add_call_data(vdn_id=1, campaign_id=2, call_data_list=numbers("2"))
    )
    assert err.code is E.CALLED_TOO_SOON and err.retryable
    # another AK is another caller
    s.config.access_keys["ak2"] = "sk2"
    client(access_key="ak2", secret_key="sk2").add_call_data(
        vdn_id=1, campaign_id=2, call_data_list=numbers("2")
    )


def test_min_interval_option_shortens_the_documented_interval(sim, client) -> None:
    """MockConfig.min_interval (callgen mock --min-interval) replaces the documented 1 s, for
    tests whose client does not pace; 0 turns the check off."""
    sim(min_interval=0.3)
    first, second = client(), client()
    first.add_call_data(vdn_id=1, campaign_id=1, call_data_list=numbers("1"))
    err = api_error(
        lambda: second.add_call_data(vdn_id=1, campaign_id=2, call_data_list=numbers("2"))
    )
    assert err.code is E.CALLED_TOO_SOON and "at least 0.3 s" in (err.message or "")
    time.sleep(0.35)  # shorter than the documented 1 s; a fresh client does not wait either
    client().add_call_data(vdn_id=1, campaign_id=2, call_data_list=numbers("2"))
    sim(min_interval=0)
    for n in ("3", "4", "5"):
        client().add_call_data(vdn_id=1, campaign_id=1, call_data_list=numbers(n))
    with pytest.raises(MockConfigError, match="min interval"):
        MockConfig(min_interval=-1)


def test_0200022_is_retried_by_the_client_until_it_passes(sim, client) -> None:
    s = sim()
    client().add_call_data(vdn_id=1, campaign_id=1, call_data_list=numbers("1"))
    r = client(max_retries=4, backoff=0.4).add_call_data(
        vdn_id=1, campaign_id=1, call_data_list=numbers("2")
    )
    assert r.return_object is not None and r.return_object.total_size == 2
    assert s.snapshot()["answers"]["0200022"] >= 1


def test_duplicates_in_one_call_and_across_calls_are_0200018(sim, client) -> None:
    s = sim()
    c = client(validate_requests=False)
    err = api_error(
        lambda: c.add_call_data(vdn_id=1, campaign_id=1, call_data_list=numbers("5", "6", "5"))
    )
    assert err.code is E.DUPLICATE_NUMBERS
    c.add_call_data(vdn_id=1, campaign_id=1, call_data_list=numbers("5"))
    err = api_error(
        lambda: c.add_call_data(vdn_id=1, campaign_id=1, call_data_list=numbers("6", "5"))
    )
    assert err.code is E.DUPLICATE_NUMBERS
    assert [n["called"] for n in s.state.numbers(1, 1)] == ["5"]


def test_batch_with_a_repeat_and_a_pending_number_in_real_time(sim, client) -> None:
    """The issue's 45 numbers (item 26 repeats item 25), one of them (item 10) already pending,
    against the simulator on a real port with real pacing: every other number added once."""
    s = sim()
    items = [hw.CallData(called=f"80{i:03d}") for i in range(45)]
    items[26] = hw.CallData(called=items[25].called)
    campaign = s.state.campaign(1, 1)
    campaign.numbers.append({"called": items[10].called})
    campaign.pending.add(items[10].called)
    arrivals: list[float] = []
    c = client()
    report = c.add_call_data_in_batches(
        vdn_id=1,
        campaign_id=1,
        call_data_list=items,
        progress=lambda p: arrivals.append(time.monotonic()),
    )
    assert [(e.index, e.source, e.code) for e in report.rejected] == [
        (10, "server", "0200018"),
        (26, "client", "0200018"),
    ]
    assert len(report.accepted) == 43 and report.remaining() == []
    # chunk 1 named 80010, its 19 others led chunk 2; the pacing held (no 0200022, no retry)
    assert report.chunks == 4 and "0200022" not in s.snapshot()["answers"]
    assert all(b - a >= 1.0 for a, b in itertools.pairwise(arrivals))
    held = [n["called"] for n in s.state.numbers(1, 1)]
    assert sorted(held) == sorted({i.called for i in items})


def test_repeat_numbers_allowed_when_configured(sim, client) -> None:
    s = sim(allow_repeat_numbers=True)
    c = client()
    c.add_call_data(vdn_id=1, campaign_id=1, call_data_list=numbers("5"))
    r = c.add_call_data(vdn_id=1, campaign_id=1, call_data_list=numbers("5"))
    assert r.return_object is not None and r.return_object.total_size == 2
    assert len(s.state.numbers(1, 1)) == 2


@pytest.mark.parametrize(
    ("item", "code"),
    [
        ({"called": "1" * 25}, E.TOO_LONG),
        ({"called": "1", "sessionId": "s" * 33}, E.TOO_LONG),
        ({"called": "12a3"}, E.INVALID_CHARACTERS),
        ({"called": "1", "customField": "a.b"}, E.INVALID_CHARACTERS),
        ({"called": "1", "customField": "a–b"}, E.INVALID_CHARACTERS),
        ({"called": "1", "recycleTime": "2024-02-30 10:00:00"}, E.BAD_TIME_FORMAT),
        ({"called": "1", "recycleTime": "2024-01-01T10:00:00"}, E.BAD_TIME_FORMAT),
        ({"sessionId": "1"}, E.EMPTY_PARAMETER),
        ({"called": "1", "colour": "red"}, E.PARAMETER_ERROR),  # no documented code: 0200001
        ({"called": 123}, E.WRONG_TYPE),
    ],
)
def test_bad_items_are_answered_with_their_documented_code(sim, client, item, code) -> None:
    sim()
    err = api_error(
        lambda: client(validate_requests=False).add_call_data(
            vdn_id=1, campaign_id=1, call_data_list=[RawItem(item)]
        )
    )
    assert err.code is code


def test_empty_list_is_02000001(sim, client) -> None:
    sim()
    err = api_error(
        lambda: client(validate_requests=False).add_call_data(
            vdn_id=1, campaign_id=1, call_data_list=[]
        )
    )
    assert err.code is E.EMPTY_PARAMETER


def test_vdn_out_of_range_is_02000007_and_not_an_integer_is_02000008(sim, client) -> None:
    sim()
    c = client(validate_requests=False)
    err = api_error(lambda: c.delete_call_data(vdn_id=10000, campaign_id=1, called="1"))
    assert err.code is E.WRONG_VALUE
    err = api_error(lambda: c.delete_call_data(vdn_id=0, campaign_id=1, called="1"))
    assert err.code is E.WRONG_VALUE
    err = api_error(lambda: c.delete_call_data(vdn_id="abc", campaign_id=1, called="1"))  # type: ignore[arg-type]
    assert err.code is E.CONVERSION_ERROR


def test_delete_rule_codes(sim, client) -> None:
    sim()
    c = client(validate_requests=False)
    cases = [
        ({"called": "1", "recycle_type": "1"}, E.BAD_COMBINATION),
        ({"recycle_time": "2020-13-01 00:00:00", "recycle_type": "3"}, E.BAD_TIME_FORMAT),
        ({"recycle_time": "2020-12-01 00:00:00", "recycle_type": "4"}, E.WRONG_VALUE),
        ({"called": "1", "archive_history": 2}, E.WRONG_VALUE),
        ({"custom_field": "x" * 201}, E.TOO_LONG),
        ({"called": "12-3"}, E.INVALID_CHARACTERS),
        ({"session_id": 5}, E.WRONG_TYPE),
    ]
    for kwargs, code in cases:
        err = api_error(lambda kw=kwargs: c.delete_call_data(vdn_id=1, campaign_id=1, **kw))
        assert err.code is code, kwargs
    # customField of a delete may hold the characters an add forbids (documented for add only)
    assert c.delete_call_data(vdn_id=1, campaign_id=1, custom_field="a.b,c").success_count == 0


def test_body_not_json_is_0200001(sim, client, server) -> None:
    sim()
    url = httpx.URL(server.url + "/rest/isales/v1/openapi/campaigns/1/calldata/1/delete")
    content = b"sessionId=1"  # a generated client never sends this: signed and sent by hand
    headers = {"Content-Type": "application/json; charset=UTF-8"}
    signed = {**headers, "Content-Length": str(len(content)), "Host": url.netloc.decode()}
    headers["Authorization"] = HuaweiAuthV2Signer(AK, SK).authorization(
        "POST", url, signed, content
    )
    response = httpx.post(url, content=content, headers=headers)
    err = api_error(lambda: client()._core.parse(response))  # read by the generated core
    assert err.code is E.PARAMETER_ERROR and "not JSON" in (err.message or "")
    assert response.json()["returnCode"] == "0200001"


def test_campaign_states_0200007_0200019_0200028(sim, client) -> None:
    s = sim(campaigns={(None, 20): "running", (3, 21): "finished", (None, 22): "absent"})
    c = client()
    for cid in (20, 21):
        err = api_error(
            lambda cid=cid: c.add_call_data(vdn_id=3, campaign_id=cid, call_data_list=numbers("1"))
        )
        assert err.code is E.ADD_NOT_ALLOWED_IN_STATE
        err = api_error(lambda cid=cid: c.delete_call_data(vdn_id=3, campaign_id=cid, called="1"))
        assert err.code is E.DELETE_NOT_ALLOWED_IN_STATE
    err = api_error(lambda: c.delete_call_data(vdn_id=3, campaign_id=22, called="1"))
    assert err.code is E.CAMPAIGN_NOT_FOUND
    # (3, 21) is finished; (4, 21) is another campaign, idle by default
    assert c.delete_call_data(vdn_id=4, campaign_id=21, called="1").success_count == 0
    # a campaign started after numbers were added refuses deletes
    c.add_call_data(vdn_id=1, campaign_id=30, call_data_list=numbers("1"))
    s.state.set_campaign_state(1, 30, "running")
    err = api_error(lambda: c.delete_call_data(vdn_id=1, campaign_id=30, called="1"))
    assert err.code is E.DELETE_NOT_ALLOWED_IN_STATE
    assert len(s.state.numbers(1, 30)) == 1


def test_known_campaigns_only(sim, client) -> None:
    sim(known_campaigns_only=True, campaigns={(1, 5): "idle"})
    c = client()
    err = api_error(lambda: c.add_call_data(vdn_id=1, campaign_id=6, call_data_list=numbers("1")))
    assert err.code is E.CAMPAIGN_NOT_FOUND
    assert (
        c.add_call_data(vdn_id=1, campaign_id=5, call_data_list=numbers("1")).result_code
        == "0200000"
    )


def test_blacklist_0200024_and_pending_limit_0200020(sim, client) -> None:
    s = sim(blacklist=frozenset({"999"}), pending_limit=3)
    c = client()
    err = api_error(
        lambda: c.add_call_data(vdn_id=1, campaign_id=1, call_data_list=numbers("1", "999"))
    )
    assert err.code is E.NUMBER_BLACKLISTED
    c.add_call_data(vdn_id=1, campaign_id=1, call_data_list=numbers("1", "2"))
    err = api_error(
        lambda: c.add_call_data(vdn_id=1, campaign_id=1, call_data_list=numbers("3", "4"))
    )
    assert err.code is E.PENDING_LIMIT_EXCEEDED
    assert c.add_call_data(vdn_id=1, campaign_id=1, call_data_list=numbers("3")).return_object.total_size == 3  # type: ignore[union-attr]
    assert len(s.state.numbers(1, 1)) == 3


@pytest.mark.parametrize("anonymous", [False, True])
def test_refusals_name_the_numbers_unless_anonymous(sim, client, anonymous: bool) -> None:
    s = sim(blacklist=frozenset({"999"}), anonymous_refusals=anonymous)
    campaign = s.state.campaign(1, 1)
    campaign.numbers.append({"called": "5"})
    campaign.pending.add("5")
    c = client()
    dup = api_error(
        lambda: c.add_call_data(vdn_id=1, campaign_id=1, call_data_list=numbers("6", "5"))
    )
    listed = api_error(
        lambda: c.add_call_data(vdn_id=1, campaign_id=1, call_data_list=numbers("7", "999"))
    )
    assert (dup.code, listed.code) == (E.DUPLICATE_NUMBERS, E.NUMBER_BLACKLISTED)
    if anonymous:
        assert dup.message == "Duplicate numbers exist."
        assert listed.message == "The number to be added is in the blacklist."
    else:
        assert dup.message == "Duplicate numbers exist. (already in the campaign: 5)"
        assert listed.message == "The number to be added is in the blacklist. (999)"


@pytest.mark.parametrize("code", ["0200006", "02000004", "02000005", "02000010", "02000011"])
def test_codes_no_request_can_cause_come_only_from_faults(sim, client, code) -> None:
    sim(faults={"delete_call_data": Fault(code, 1)})
    c = client()
    err = api_error(lambda: c.delete_call_data(vdn_id=1, campaign_id=1, called="1"))
    assert err.code is E(code)
    assert c.delete_call_data(vdn_id=1, campaign_id=1, called="1").success_count == 0


def test_error_answers_follow_the_envelope(sim, client) -> None:
    sim()
    err = api_error(
        lambda: client(validate_requests=False).add_call_data(
            vdn_id=1, campaign_id=1, call_data_list=numbers("1a")
        )
    )
    body = json.loads(err.raw)
    assert set(body) == {"resultCode", "resultDesc", "returnCode", "returnDesc"}
    assert body["resultDesc"].startswith("The parameter contains invalid characters.")
    assert "/callDataList/0/called" in body["resultDesc"]
