"""`callgen mock` as a command: first line is the URL, serves requests, stops on signals."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from outbound import huawei_isales as hw

from generator import cli
from generator.cli import mock as mock_cli
from generator.mock import Fault

ROOT = Path(__file__).resolve().parents[2]
CALLGEN = Path(sys.executable).parent / "callgen"


def _first_line(proc: subprocess.Popen[str], timeout: float = 30.0) -> str:
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(proc.stdout.readline()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    reader.join(timeout)
    if not line:
        proc.kill()
        pytest.fail("callgen mock printed no URL")
    return line[0]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_prints_the_url_first_serves_and_stops_cleanly(sig: signal.Signals) -> None:
    proc = subprocess.Popen(
        [
            str(CALLGEN),
            "mock",
            "huawei_isales",
            "--port",
            "0",
            "--access-key",
            "ak",
            "--secret-key",
            "sk",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = _first_line(proc).strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:[0-9]+", url), url
        with hw.Client(url, access_key="ak", secret_key="sk") as client:
            r = client.add_call_data(
                vdn_id=1, campaign_id=1, call_data_list=[hw.CallData(called="80021")]
            )
            assert r.return_object is not None and r.return_object.total_size == 1
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert out == ""  # nothing after the URL
    assert "Traceback" not in err


def test_serves_an_edited_spec_without_regenerating(tmp_path: Path) -> None:
    """A spec edited in a copy of specs/ (CallData.customField: at most 10 characters, not
    200) is what the simulator enforces: the installed client, still at 200, sends 12."""
    specs = tmp_path / "specs"
    specs.mkdir()
    for spec in (ROOT / "specs").glob("*.yaml"):
        (specs / spec.name).write_bytes(spec.read_bytes())
    edited = specs / "huawei_isales.yaml"
    limit = "        max_length: 200\n        forbidden_chars:"  # CallData.customField's
    text = edited.read_text("utf-8")
    assert text.count(limit) == 1
    edited.write_text(text.replace(limit, limit.replace("200", "10")), "utf-8")
    proc = subprocess.Popen(
        [str(CALLGEN), "mock", "huawei_isales", "--specs", str(specs), "--min-interval", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = _first_line(proc).strip()
        with hw.Client(url, access_key="ak", secret_key="sk") as client:

            def add(custom_field: str) -> Any:
                return client.add_call_data(
                    vdn_id=1,
                    campaign_id=1,
                    call_data_list=[hw.CallData(called="80021", custom_field=custom_field)],
                )

            with pytest.raises(hw.ApiError) as refused:
                add("x" * 11)
            assert refused.value.raw_code == "02000003"  # too long
            r = add("x" * 10)
            assert r.return_object is not None and r.return_object.total_size == 1
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert "warning" not in err and "Traceback" not in err


def test_help_lists_every_option_and_the_simulators_choices(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as done:
        cli.main(["mock", "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    for option in (
        "--host",
        "--port",
        "--seed",
        "--token",
        "--access-key",
        "--secret-key",
        "--app-id",
        "--public-key",
        "--max-skew",
        "--blacklist",
        "--pending-limit",
        "--campaign",
        "--known-campaigns-only",
        "--allow-repeat-numbers",
        "--anonymous-refusals",
        "--task",
        "--push-callbacks",
        "--answer-rate",
        "--fault",
    ):
        assert option in text
    for choice in ("HTTP 401", "10002", "statusCode 401", "code 401", "29002", "0200028"):
        assert choice in text


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["mock", "no_such_service"], "unknown service"),
        (["mock", "huawei_isales", "--campaign", "5=paused"], "unknown state"),
        (["mock", "huawei_isales", "--campaign", "x=running"], "integers"),
        (["mock", "huawei_isales", "--access-key", "ak"], "--secret-key"),
        (["mock", "huawei_isales", "--fault", "add_call_data=12345"], "not a documented"),
        (["mock", "huawei_isales", "--fault", "nope=0200006"], "no such operation"),
        (
            ["mock", "dezhu_speech", "--app-id", "a", "--public-key", "/nonexistent.pem"],
            "cannot read",
        ),
        (["mock", "yantong_groupcall", "--task", "59"], "KEY=VALUE"),
        (["mock", "yantong_groupcall", "--answer-rate", "2"], "answer rate"),
    ],
)
def test_bad_options_are_usage_errors(
    argv: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    services: dict[str, Any],
) -> None:
    import generator.spec

    # the specs are loaded once per session (loading them takes about a second)
    monkeypatch.setattr(generator.spec, "load_specs", lambda folder: list(services.values()))
    assert cli.main(argv) == cli.USAGE
    err = capsys.readouterr().err
    assert err.startswith("callgen mock: ") and message in err


def test_options_become_the_config(
    tmp_path: Path, services: dict[str, Any], rsa_keys: tuple[bytes, bytes]
) -> None:
    key = tmp_path / "key.pem"
    key.write_bytes(rsa_keys[1])
    args = cli._parser().parse_args(
        [
            "mock",
            "huawei_isales",
            "--seed",
            "7",
            "--token",
            "t1",
            "--token",
            "t2",
            "--access-key",
            "a1",
            "--secret-key",
            "s1",
            "--app-id",
            "app",
            "--public-key",
            str(key),
            "--max-skew",
            "30",
            "--blacklist",
            "123",
            "--pending-limit",
            "200000",
            "--campaign",
            "5=running",
            "--campaign",
            "2/6=absent",
            "--known-campaigns-only",
            "--allow-repeat-numbers",
            "--anonymous-refusals",
            "--task",
            "59=测试群呼任务",
            "--push-callbacks",
            "--answer-rate",
            "0.5",
            "--fault",
            "add_call_data=0200006:2",
            "--min-interval",
            "0.05",
        ]
    )
    config = mock_cli.build_config(args, services["huawei_isales"])
    assert config.min_interval == 0.05
    assert config.seed == 7 and config.tokens == ("t1", "t2")
    assert config.access_keys == {"a1": "s1"} and config.public_keys == {"app": rsa_keys[1]}
    assert config.max_skew == 30 and config.blacklist == {"123"} and config.pending_limit == 200000
    assert config.campaigns == {(None, 5): "running", (2, 6): "absent"}
    assert config.known_campaigns_only and config.allow_repeat_numbers and config.push_callbacks
    assert config.anonymous_refusals
    assert config.tasks == {"59": "测试群呼任务"} and config.answer_rate == 0.5
    assert config.faults == {"add_call_data": Fault("0200006", 2)}
