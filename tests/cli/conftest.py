"""Fixtures of the command-line tests: the Huawei simulator on 127.0.0.1, credentials in the
environment, and the CLI run in process (`cli`) or as a process (`cli_process`).

Pacing: the CLI keeps its defaults (the documented 1 s between adds). A load of a few
thousand numbers would then take minutes, so these tests shorten it through two documented
test options, never through the CLI:

* the simulator's `MockConfig(min_interval=…)` (`callgen mock --min-interval`): the interval it
  enforces (0200022) between adds of one AK;
* the test harness' `fast_pacing` fixture (in process) and `CALLGEN_TEST_MIN_INTERVAL`
  (`cli_harness.py`, for processes): the generated client's pacing of paced operations is
  set to that many seconds by replacing the module's `Operation` constant. Unlike `--pacer
  off` (no pacing at all, also a way to shorten it), this keeps the client's pacers at work,
  in-process or shared (`--pacer file://DIR`), with a short interval.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_support import (
    AK,
    CLIENT_INTERVAL,
    ROOT,
    SERVER_INTERVAL,
    SK,
    Result,
    harness_command,
    harness_env,
)
from outbound._runtime import cli as outbound_cli
from outbound.huawei_isales import client as hw_client

from generator import ir
from generator.mock import MockConfig, MockServer, Simulator
from generator.spec import load_specs


@pytest.fixture(scope="session")
def services() -> dict[str, ir.Service]:
    return {s.name: s for s in load_specs(ROOT / "specs")}


@pytest.fixture(scope="module")
def server(services: dict[str, ir.Service]) -> Iterator[MockServer]:
    with MockServer([Simulator(services["huawei_isales"])]) as running:
        yield running


@pytest.fixture
def huawei(server: MockServer, services: dict[str, ir.Service]) -> Callable[..., Simulator]:
    """Install a fresh Huawei simulator (AK/SK known, short interval) on the module's server."""

    def install(**config: Any) -> Simulator:
        config.setdefault("access_keys", {AK: SK})
        config.setdefault("min_interval", SERVER_INTERVAL)
        simulator = Simulator(services["huawei_isales"], MockConfig(**config))
        server.use(simulator)
        return simulator

    return install


@pytest.fixture
def huawei_env(server: MockServer, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Base URL and credentials in the environment, as a user sets them."""
    env = {
        "OUTBOUND_HUAWEI_ISALES_BASE_URL": server.url,
        "OUTBOUND_HUAWEI_ISALES_ACCESS_KEY": AK,
        "OUTBOUND_HUAWEI_ISALES_SECRET_KEY": SK,
    }
    for name in [n for n in os.environ if n.startswith("OUTBOUND_")]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


@pytest.fixture
def fast_pacing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test harness' option: the Huawei client paces adds CLIENT_INTERVAL apart."""
    fast = dataclasses.replace(hw_client.OP_ADD_CALL_DATA, min_interval=CLIENT_INTERVAL)
    monkeypatch.setattr(hw_client, "OP_ADD_CALL_DATA", fast)


@pytest.fixture(scope="session")
def rsa_keys() -> tuple[bytes, bytes]:
    """(private PEM, public PEM) of a fresh RSA-2048 key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Run `python -m outbound ARGS…` in this process; stdin from `stdin`."""

    def run(*args: str, stdin: str = "") -> Result:
        out, err = io.StringIO(), io.StringIO()
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = outbound_cli.main(list(args), prog="python -m outbound")
        return Result(status, out.getvalue(), err.getvalue())

    return run


@pytest.fixture
def cli_process(huawei_env: dict[str, str]) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the CLI as a process through the harness (`cli_harness.py`), to completion."""

    def run(*args: str, cwd: Path, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            harness_command(*args),
            cwd=cwd,
            env=harness_env(huawei_env, **extra),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    return run
