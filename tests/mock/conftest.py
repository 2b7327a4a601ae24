"""Fixtures of the simulator tests: specs loaded once, a real uvicorn server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from generator import ir
from generator.mock import MockConfig, MockServer, Simulator
from generator.spec import load_specs

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def services() -> dict[str, ir.Service]:
    return {s.name: s for s in load_specs(ROOT / "specs")}


@pytest.fixture
def make_sim(services: dict[str, ir.Service]) -> Callable[..., Simulator]:
    def make(name: str, **config: Any) -> Simulator:
        return Simulator(services[name], MockConfig(**config))

    return make


@pytest.fixture(scope="module")
def server(services: dict[str, ir.Service]) -> Iterator[MockServer]:
    """One uvicorn server per test module; each test installs its own simulator with `use`."""
    with MockServer([Simulator(services["huawei_isales"])]) as running:
        yield running


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
