"""Credentials, documented examples and small helpers shared by the end-to-end tests."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Coroutine
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import yaml
from outbound import dezhu_speech as dz
from outbound._runtime.signing import verify_huawei_auth_v2, verify_rsa_sha256

SPECS = Path(__file__).resolve().parents[2] / "specs"

# Distinctive secrets: the hygiene tests look for them in every text the clients produce.
TOKEN = "tok-SECRET-5d41c4ac806c6440eb6a"
ACCESS_KEY = "AK-e2e-visible"
SECRET_KEY = "SK-SECRET-e2e-0d8f3b9c"
APP_ID = "99845aaaaebd4d61acccc9b776208f12"

T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


@cache
def _spec(service: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((SPECS / f"{service}.yaml").read_text("utf-8"))
    return loaded


def example(service: str, operation: str, name: str) -> Any:
    """A documented example body, verbatim from the spec (which transcribes the document)."""
    for entry in _spec(service)["operations"][operation]["examples"]:
        if entry["name"] == name:
            return json.loads(json.dumps(entry["body"]))
    raise KeyError(f"{service}.{operation}: no example {name!r}")


def callback_example(service: str, callback: str) -> Any:
    return json.loads(json.dumps(_spec(service)["callbacks"][callback]["examples"][0]["body"]))


def compact(body: Any) -> bytes:
    """The client's wire encoding: compact UTF-8 JSON, key order kept."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def with_token_first(body: dict[str, Any], token: str = TOKEN) -> dict[str, Any]:
    return {"token": token, **{k: v for k, v in body.items() if k != "token"}}


def huawei_signature_ok(seen: Any, secret_key: str = SECRET_KEY) -> bool:
    """Recompute the auth-v2 signature of a received request, as the vendor's server would."""
    return verify_huawei_auth_v2(
        seen.headers["authorization"],
        seen.method,
        seen.url,
        seen.headers,
        seen.body,
        lambda access_key: secret_key if access_key == ACCESS_KEY else None,
        max_skew=timedelta(minutes=5),
    )


def rsa_signature_ok(seen: Any, public_pem: str) -> bool:
    return verify_rsa_sha256(public_pem, seen.headers, seen.body, max_skew=timedelta(minutes=5))


def doc_task() -> dict[str, Any]:
    """The document's example as keyword arguments (strategyDisplaySwitch as the Boolean the
    table documents, not the example's 1)."""
    body = example("dezhu_speech", "create_outbound_task", "doc_request")
    (group,) = body["outboundPhoneGroups"]
    (customer,) = body["outBoundCustomers"]
    (vo,) = customer["phoneGroupVoList"]
    return {
        "task_name": body["taskName"],
        "task_type": body["taskType"],
        "task_exec_start_date": body["taskExecStartDate"],
        "task_exec_end_date": body["taskExecEndDate"],
        "task_exec_times": [
            dz.ExecTimeOpenDto(
                task_exec_time_start_str=t["taskExecTimeStartStr"],
                task_exec_time_end_str=t["taskExecTimeEndStr"],
            )
            for t in body["taskExecTimes"]
        ],
        "task_desc": body["taskDesc"],
        "skill_set_id": body["skillSetId"],
        "outbound_number_group_id": body["outboundNumberGroupId"],
        "strategy_display_switch": True,
        "send_number_strategy": body["sendNumberStrategy"],
        "abandonment_rate": body["abandonmentRate"],
        "multiply_power": body["multiplyPower"],
        "max_ringing_duration": body["maxRingingDuration"],
        "acw": body["acw"],
        "outbound_phone_groups": [
            dz.PhoneGroupDto(
                name=group["name"],
                identify=group["identify"],
                auto_outbound_switch=group["autoOutboundSwitch"],
                auto_outbound_interval=group["autoOutboundInterval"],
                auto_outbound_times=group["autoOutboundTimes"],
            )
        ],
        "out_bound_customers": [
            dz.CustomerDto(
                name=customer["name"],
                desc=customer["desc"],
                external_customer_id=customer["externalCustomerId"],
                external_data=customer["externalData"],
                phone_group_vo_list=[
                    dz.PhoneGroupCustomerDto(
                        phone_group_identify=vo["phoneGroupIdentify"],
                        relations=[
                            dz.PhoneRelationDto(mobile=r["mobile"], relation=r["relation"])
                            for r in vo["relations"]
                        ],
                    )
                ],
            )
        ],
    }
