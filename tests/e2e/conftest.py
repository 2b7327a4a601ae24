"""Fixtures of the end-to-end tests: real HTTP(S) servers on 127.0.0.1, keys, a loopback guard.

`vendor` is a uvicorn server (port 0, background thread) running a small Starlette app that
records every request exactly as it arrived and answers what the test queued (see
`e2e_server.MockVendor`). `tls_vendor` is the same app over HTTPS with a certificate for the IP
address 127.0.0.1, signed by a CA made for the session (`tls_files`). `rsa_keys` is a fresh
2048-bit key pair. An autouse guard fails any test that connects to another address.

The vendor simulator (`callgen mock`) is deliberately not used: these tests pin the clients
against a server whose every answer the test states. Two exceptions, both with a raw-socket
server that misbehaves on purpose (`fault_server.FaultServer`): test_e2e_deadline.py (drips,
silence, huge bodies) and test_e2e_batches.py, where the simulator stands behind that server
so that a test can check what the campaign holds after a gateway page, a timeout or a reset.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from e2e_server import LOOPBACK, MockVendor, RsaKeys, TlsFiles, start_vendor

# ---------------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def only_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any connection (sync or asyncio) to an address other than 127.0.0.1."""
    original_connect = socket.socket.connect
    original_connect_ex = socket.socket.connect_ex

    def check(address: Any) -> None:
        host = address[0] if isinstance(address, tuple) else address
        if host != LOOPBACK:
            raise AssertionError(f"the test tried to contact {address!r}")

    def connect(self: socket.socket, address: Any) -> None:
        check(address)
        original_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        check(address)
        return original_connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)


@pytest.fixture(scope="session")
def _http_vendor() -> Iterator[MockVendor]:
    vendor = start_vendor()
    yield vendor
    vendor.stop()


@pytest.fixture
def vendor(_http_vendor: MockVendor) -> Iterator[MockVendor]:
    """The plain-HTTP recording server, emptied for this test."""
    _http_vendor.reset()
    yield _http_vendor
    _http_vendor.reset()


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    """A private CA and a server certificate it signed for the IP address 127.0.0.1."""
    directory = tmp_path_factory.mktemp("tls")
    now = dt.datetime.now(dt.UTC)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = _name("callgen e2e test CA")
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    server_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    server_cert = (
        x509.CertificateBuilder()
        .subject_name(_name(LOOPBACK))
        .issuer_name(ca_name)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(LOOPBACK))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    files = TlsFiles(directory / "ca.pem", directory / "server.pem", directory / "server.key")
    files.ca_cert.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    files.server_cert.write_bytes(server_cert.public_bytes(serialization.Encoding.PEM))
    files.server_key.write_bytes(
        server_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return files


@pytest.fixture(scope="session")
def _https_vendor(tls_files: TlsFiles) -> Iterator[MockVendor]:
    vendor = start_vendor(
        ssl_certfile=str(tls_files.server_cert), ssl_keyfile=str(tls_files.server_key)
    )
    yield vendor
    vendor.stop()


@pytest.fixture
def tls_vendor(_https_vendor: MockVendor) -> Iterator[MockVendor]:
    """The recording server over HTTPS (certificate for 127.0.0.1 from `tls_files.ca_cert`)."""
    _https_vendor.reset()
    yield _https_vendor
    _https_vendor.reset()


@pytest.fixture(scope="session")
def rsa_keys() -> RsaKeys:
    """A fresh 2048-bit RSA key pair: the tenant's private key and the uploaded public key."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    public_pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )
    return RsaKeys(private_pem, public_pem)
