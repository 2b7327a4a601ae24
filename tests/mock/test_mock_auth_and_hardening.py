"""The simulator's side of issue 9: auth-v2 variants, deep JSON, a missing `cryptography`.

* client → simulator over a real port with every auth-v2 variant; a variant mismatch is an
  HTTP 401 whose error carries what the client signed;
* bodies nested 1,000 and 100,000 levels deep get the service's documented "not JSON /
  parameter" refusal, after the credentials wherever they do not travel in the body;
* `callgen mock dezhu_speech` refuses to start when `cryptography` cannot be imported.
"""

from __future__ import annotations

import base64
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from outbound import huawei_isales as hw
from outbound._runtime.signing import (
    AUTH_V2_VARIANTS,
    AuthV2Variant,
    HuaweiAuthV2Signer,
    RsaSha256Signer,
    huawei_auth_v2_canonical_request,
)

from generator import cli
from generator.mock import MockServer, Simulator

ROOT = Path(__file__).resolve().parents[2]
AK, SK = "mock-ak", "mock-sk-0123456789"
ADD_PATH = "/rest/isales/v1/openapi/campaigns/1/calldata/7"
LEVELS = [1_000, 100_000]


def deep(levels: int) -> bytes:
    return b'{"callDataList":' + b"[" * levels + b"]" * levels + b"}"


# -- auth-v2 variants, end to end ----------------------------------------------------------


@pytest.mark.parametrize("variant", AUTH_V2_VARIANTS)
def test_each_variant_end_to_end(
    server: MockServer, make_sim: Callable[..., Simulator], variant: AuthV2Variant
) -> None:
    server.use(make_sim("huawei_isales", access_keys={AK: SK}, auth_variant=variant))
    with hw.Client(server.url, access_key=AK, secret_key=SK, auth_variant=variant) as client:
        added = client.add_call_data(
            vdn_id=1, campaign_id=7, call_data_list=[hw.CallData(called="80021", custom_field="张")]
        )
        assert added.result_code == hw.ErrorCode.SUCCESS
        deleted = client.delete_call_data(vdn_id=1, campaign_id=7, called="80021")
        assert deleted.result_code == hw.ErrorCode.SUCCESS


@pytest.mark.parametrize("server_variant", AUTH_V2_VARIANTS)
def test_a_variant_mismatch_is_401_with_the_signed_request(
    server: MockServer, make_sim: Callable[..., Simulator], server_variant: AuthV2Variant
) -> None:
    sim = make_sim("huawei_isales", access_keys={AK: SK}, auth_variant=server_variant)
    server.use(sim)
    for client_variant in AUTH_V2_VARIANTS:
        if client_variant == server_variant:
            continue
        client = hw.Client(
            server.url, access_key=AK, secret_key=SK, auth_variant=client_variant, max_retries=0
        )
        with client, pytest.raises(hw.ApiError) as info:
            client.add_call_data(
                vdn_id=1, campaign_id=7, call_data_list=[hw.CallData(called="80021")]
            )
        error = info.value
        assert error.http_status == 401
        assert f"auth_variant={client_variant!r}" in str(error) and "AK/SK" in str(error)
        assert error.signed_request is not None
        # what the client signed is what its variant builds from the request the server got
        assert error.signed_request.startswith(f"POST\n{ADD_PATH}\n\n")
        assert SK not in str(error) and SK not in error.signed_request
    assert sim.snapshot()["answers"] == {"HTTP 401": len(AUTH_V2_VARIANTS) - 1}
    assert sim.state.snapshot() == {"campaigns": []}  # refused before the state is touched


def test_signed_request_equals_what_the_server_recomputes(
    server: MockServer, make_sim: Callable[..., Simulator]
) -> None:
    """The canonical request on the error is the one a server builds from what it received."""
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> None:
        seen.append(request)

    server.use(make_sim("huawei_isales", access_keys={AK: "another-sk"}))
    with hw.Client(server.url, access_key=AK, secret_key=SK, max_retries=0) as client:
        client._core._client.event_hooks["request"].append(record)
        with pytest.raises(hw.ApiError) as info:
            client.add_call_data(vdn_id=1, campaign_id=7, call_data_list=[hw.CallData(called="1")])
    (request,) = seen
    assert info.value.signed_request == huawei_auth_v2_canonical_request(
        "POST", request.url, dict(request.headers), request.content
    )


def test_open_mode_checks_the_variants_form(
    server: MockServer, make_sim: Callable[..., Simulator]
) -> None:
    server.use(make_sim("huawei_isales", auth_variant="raw-key-base64"))
    with hw.Client(
        server.url, access_key="anyone", secret_key="x", auth_variant="raw-key-base64"
    ) as client:
        client.add_call_data(vdn_id=1, campaign_id=7, call_data_list=[hw.CallData(called="1")])
    client = hw.Client(server.url, access_key="anyone", secret_key="x", max_retries=0)
    with client, pytest.raises(hw.ApiError) as info:  # a hex signature: not this form
        client.add_call_data(vdn_id=1, campaign_id=7, call_data_list=[hw.CallData(called="2")])
    assert info.value.http_status == 401 and b"raw-key-base64" in info.value.raw


def test_cli_variant_option(services: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    from generator.cli import mock as mock_cli

    args = cli._parser().parse_args(["mock", "huawei_isales", "--auth-variant", "five-part"])
    assert mock_cli.build_config(args, services["huawei_isales"]).auth_variant == "five-part"
    args = cli._parser().parse_args(["mock", "huawei_isales"])
    assert mock_cli.build_config(args, services["huawei_isales"]).auth_variant == "demo"
    with pytest.raises(SystemExit) as done:
        cli.main(["mock", "huawei_isales", "--auth-variant", "v1"])
    assert done.value.code == cli.USAGE
    assert "'demo', 'five-part', 'raw-key-base64'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["mock", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "--auth-variant NAME" in help_text
    assert f"one of {', '.join(AUTH_V2_VARIANTS)}" in help_text


# -- deep JSON -------------------------------------------------------------------------------


def huawei_headers(raw: bytes, secret_key: str = SK) -> dict[str, str]:
    headers = {"Content-Type": "application/json; charset=UTF-8", "Host": "127.0.0.1"}
    url = httpx.URL("http://127.0.0.1" + ADD_PATH)
    headers["Authorization"] = HuaweiAuthV2Signer(AK, secret_key).authorization(
        "POST", url, headers, raw
    )
    headers["Content-Length"] = str(len(raw))
    return headers


def serve(sim: Simulator, path: str, raw: bytes, headers: dict[str, str]) -> Any:
    found = sim.route("POST", path.split("?")[0], path.partition("?")[2])
    assert found is not None and not isinstance(found, str)
    op, params = found
    return sim.handle(op, params, "POST", "http://127.0.0.1" + path, headers, raw)


@pytest.mark.parametrize("levels", LEVELS)
def test_deep_json_huawei(make_sim: Callable[..., Simulator], levels: int) -> None:
    sim = make_sim("huawei_isales", access_keys={AK: SK})
    raw = deep(levels)
    refused = serve(sim, ADD_PATH, raw, huawei_headers(raw, "wrong-sk"))
    assert refused.status == 401  # credentials before the body
    answer = serve(sim, ADD_PATH, raw, huawei_headers(raw))
    assert answer.status == 200 and answer.code == "0200001"  # documented: body not JSON
    assert "not JSON" in answer.body["resultDesc"]


@pytest.mark.parametrize("levels", LEVELS)
def test_deep_json_dezhu(
    make_sim: Callable[..., Simulator], rsa_keys: tuple[bytes, bytes], levels: int
) -> None:
    private, public = rsa_keys
    sim = make_sim("dezhu_speech", public_keys={"app": public})
    op = sim.service.operations[0]
    raw = b'{"taskName":' + b"[" * levels + b"]" * levels + b"}"
    bad = {"appId": "app", "timestamp": "1586314097995", "sign": base64.b64encode(b"x").decode()}
    assert serve(sim, op.path, raw, bad).code == "10001"  # credentials before the body
    assert serve(sim, op.path, raw, {**bad, "appId": "nobody"}).code == "10002"
    good = RsaSha256Signer("app", private).headers(raw)
    answer = serve(sim, op.path, raw, good)
    assert answer.code == "29002" and "not JSON" in answer.body["message"]


@pytest.mark.parametrize("levels", LEVELS)
@pytest.mark.parametrize("service", ["quanshi_event", "yantong_groupcall"])
def test_deep_json_body_token_services(
    make_sim: Callable[..., Simulator], service: str, levels: int
) -> None:
    sim = make_sim(service)
    op = sim.service.operations[0]
    path = op.path + ("?" + "&".join(f"{k}={v}" for k, v in op.query) if op.query else "")
    raw = b'{"token":"t","data":' + b"[" * levels + b"]" * levels + b"}"
    answer = serve(sim, path, raw, {"Content-Type": "application/json"})
    assert answer.status == 200 and answer.code == sim.state.parameter_code


@pytest.mark.parametrize("levels", LEVELS)
def test_deep_json_over_http_is_not_a_500(
    server: MockServer, make_sim: Callable[..., Simulator], levels: int
) -> None:
    server.use(make_sim("huawei_isales", access_keys={AK: SK}))
    raw = deep(levels)
    headers = huawei_headers(raw)
    headers["Host"] = server.url.split("//")[1]
    headers["Authorization"] = HuaweiAuthV2Signer(AK, SK).authorization(
        "POST", httpx.URL(server.url + ADD_PATH), headers, raw
    )
    response = httpx.post(server.url + ADD_PATH, content=raw, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["resultCode"] == "0200001"


# -- cryptography missing ------------------------------------------------------------------


def test_mock_dezhu_without_cryptography_refuses_to_start() -> None:
    """`cryptography` blocked in sys.modules (as if not installed): exit 2, one line naming
    what to install, no URL printed, no server started."""
    script = textwrap.dedent("""
        import sys
        sys.modules["cryptography"] = None  # import cryptography -> ImportError
        from generator.cli import main
        sys.exit(main(["mock", "dezhu_speech", "--port", "0"]))
        """)
    done = subprocess.run(
        [sys.executable, "-c", script],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == cli.USAGE
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("callgen mock: dezhu_speech needs the 'cryptography' package")
    assert "pip install 'callgen[rsa]'" in lines[0] and "outbound[rsa]" not in lines[0]


def test_callgen_has_the_rsa_extra_it_names() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    (requirement,) = project["optional-dependencies"]["rsa"]
    assert requirement.startswith("cryptography")


def test_other_services_start_without_cryptography() -> None:
    script = textwrap.dedent("""
        import sys
        sys.modules["cryptography"] = None
        from generator.mock import MockConfig, Simulator
        from generator.spec import load_specs
        from pathlib import Path
        for service in load_specs(Path("specs")):
            if service.name != "dezhu_speech":
                Simulator(service, MockConfig())
        print("ok")
        """)
    done = subprocess.run(
        [sys.executable, "-c", script],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and done.stdout == "ok\n", done.stderr


def test_async_client_takes_the_variant_too(
    server: MockServer, make_sim: Callable[..., Simulator]
) -> None:
    import asyncio

    server.use(make_sim("huawei_isales", access_keys={AK: SK}, auth_variant="raw-key-base64"))

    async def main() -> None:
        async with hw.AsyncClient(
            server.url, access_key=AK, secret_key=SK, auth_variant="raw-key-base64"
        ) as client:
            added = await client.add_call_data(
                vdn_id=1, campaign_id=7, call_data_list=[hw.CallData(called="80021")]
            )
            assert added.result_code == hw.ErrorCode.SUCCESS
        async with hw.AsyncClient(server.url, access_key=AK, secret_key=SK) as client:
            try:
                await client.delete_call_data(vdn_id=1, campaign_id=7, called="80021")
            except hw.ApiError as error:
                assert error.http_status == 401 and "auth_variant='demo'" in str(error)
            else:
                raise AssertionError("a demo signature verified as raw-key-base64")

    asyncio.run(main())
