"""Signers: worked examples that pin the exact variant, verifiers, and secret hygiene."""

from __future__ import annotations

import base64
import hashlib
import hmac
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from hypothesis import given
from hypothesis import strategies as st
from outbound_runtime_under_test.signing import (
    HuaweiAuthV2Signer,
    RsaSha256Signer,
    default_rsa_message,
    huawei_auth_v2_canonical_request,
    verify_huawei_auth_v2,
    verify_rsa_sha256,
)

AK = "AKEXAMPLE0001"
SK = "SKsecret-9f8e7d6c5b4a"
URL = httpx.URL("https://10.0.0.8:28090/rest/isales/v1/openapi/campaigns/1/calldata/42")
BODY = '{"callDataList":[{"sessionId":"00750","called":"80021","customField":"张"}]}'.encode()
WHEN = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
HEADERS = {"Content-Type": "application/json; charset=UTF-8"}

EXPECTED_AUTHORIZATION = (
    "auth-v2/AKEXAMPLE0001/2024-05-06T07:08:09.123Z/content-length;content-type;host/"
    "a5e0987c26d8022308e41f1fd2bbb92163a271a86527b63ccb481fd2623ba2ea"
)


def test_auth_v2_five_part_worked_example_by_hand() -> None:
    """The "five-part" variant (no signedHeaders line, header values as sent), every step
    written out, independent of the module under test. Every variant: test_auth_v2_vectors."""
    prefix = "auth-v2/AKEXAMPLE0001/2024-05-06T07:08:09.123Z/content-length;content-type;host"
    signing_key_hex = hmac.new(SK.encode(), prefix.encode(), hashlib.sha256).hexdigest()
    canonical = (
        "POST\n"
        "/rest/isales/v1/openapi/campaigns/1/calldata/42\n"
        "\n"  # empty canonical query
        "content-length:77\n"
        "content-type:application/json; charset=UTF-8\n"
        "host:10.0.0.8:28090\n"
        "%7B%22callDataList%22%3A%5B%7B%22sessionId%22%3A%2200750%22%2C%22called%22%3A"
        "%2280021%22%2C%22customField%22%3A%22%E5%BC%A0%22%7D%5D%7D"
    )
    # Hex key chaining: the hex *string* of the first HMAC keys the second one.
    signature = hmac.new(signing_key_hex.encode(), canonical.encode(), hashlib.sha256).hexdigest()
    assert len(BODY) == 77
    assert f"{prefix}/{signature}" == EXPECTED_AUTHORIZATION

    signer = HuaweiAuthV2Signer(AK, SK, "five-part")
    assert signer.authorization("POST", URL, HEADERS, BODY, now=WHEN) == EXPECTED_AUTHORIZATION
    signed = {**HEADERS, "Content-Length": "77", "Host": "10.0.0.8:28090"}
    assert (
        huawei_auth_v2_canonical_request("POST", URL, signed, BODY, variant="five-part")
        == canonical
    )


def test_auth_v2_query_and_host_rules() -> None:
    url = httpx.URL("http://h.example:8080/api.php?r=groupcall/task-list&b=x y&a=2")
    headers = {"Content-Length": "0", "Content-Type": " x ", "Host": "h.example:8080"}
    assert huawei_auth_v2_canonical_request("post", url, headers, b"") == (
        "POST\n/api.php\na=2&b=x%20y&r=groupcall%2Ftask-list\ncontent-length;content-type;host\n"
        "content-length:0\ncontent-type:x\nhost:h.example%3A8080\n"
    )
    # Host is filled from the URL (default port omitted), Content-Length from the body.
    signer = HuaweiAuthV2Signer(AK, SK)
    values = signer.signed_headers(
        httpx.URL("https://a.example:443/x"), {"content-type": "t"}, b"{}"
    )
    assert values == {"content-length": "2", "content-type": "t", "host": "a.example"}
    with pytest.raises(ValueError, match="Content-Type"):
        signer.authorization("POST", URL, {}, BODY)


def test_auth_v2_naive_time_is_utc_and_ms_truncated() -> None:
    signer = HuaweiAuthV2Signer(AK, SK)
    naive = datetime(2024, 5, 6, 7, 8, 9, 123999)
    assert "/2024-05-06T07:08:09.123Z/" in signer.authorization("POST", URL, HEADERS, BODY, naive)
    beijing = datetime(2024, 5, 6, 15, 8, 9, 123999, tzinfo=timezone(timedelta(hours=8)))
    assert "/2024-05-06T07:08:09.123Z/" in signer.authorization("POST", URL, HEADERS, BODY, beijing)
    before_epoch = datetime(1969, 12, 31, 23, 59, 59, 999000)
    assert "/1969-12-31T23:59:59.999Z/" in signer.authorization(
        "POST", URL, HEADERS, BODY, before_epoch
    )


def test_auth_v2_current_time() -> None:
    """Without `now`, the time stamp is the current UTC time to the millisecond."""
    before = datetime.now(UTC).replace(tzinfo=None)
    stamp = HuaweiAuthV2Signer(AK, SK).authorization("POST", URL, HEADERS, BODY).split("/")[2]
    after = datetime.now(UTC).replace(tzinfo=None)
    signed = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ")
    assert before - timedelta(milliseconds=1) <= signed <= after


def test_auth_v2_verifier() -> None:
    lookup = {AK: SK}.get
    auth = HuaweiAuthV2Signer(AK, SK).authorization("POST", URL, HEADERS, BODY, now=WHEN)
    received = {**HEADERS, "content-length": "77", "HOST": "10.0.0.8:28090"}
    assert verify_huawei_auth_v2(auth, "POST", URL, received, BODY, lookup)
    assert verify_huawei_auth_v2(auth, "POST", str(URL), received, BODY, lookup)
    assert not verify_huawei_auth_v2(auth, "POST", URL, received, BODY.replace(b"0", b"1"), lookup)
    assert not verify_huawei_auth_v2(auth, "PUT", URL, received, BODY, lookup)
    assert not verify_huawei_auth_v2(auth, "POST", URL, received, BODY, {AK: "other"}.get)
    assert not verify_huawei_auth_v2(auth, "POST", URL, received, BODY, {}.get)
    assert not verify_huawei_auth_v2(auth, "POST", URL, {**received, "Host": "x"}, BODY, lookup)
    assert not verify_huawei_auth_v2(auth[:-1] + "0", "POST", URL, received, BODY, lookup)
    assert not verify_huawei_auth_v2("Bearer x", "POST", URL, received, BODY, lookup)
    skew = timedelta(minutes=5)
    on_time = WHEN + timedelta(minutes=1)
    late = WHEN + timedelta(minutes=6)
    assert verify_huawei_auth_v2(
        auth, "POST", URL, received, BODY, lookup, now=on_time, max_skew=skew
    )
    assert not verify_huawei_auth_v2(
        auth, "POST", URL, received, BODY, lookup, now=late, max_skew=skew
    )


def test_signers_never_show_secrets() -> None:
    signer = HuaweiAuthV2Signer(AK, SK)
    assert SK not in repr(signer) and "redacted" in repr(signer)
    assert repr(signer) == (
        "HuaweiAuthV2Signer(access_key='AKEX…', secret_key=<redacted>, variant='demo')"
    )
    with pytest.raises(ValueError) as info:
        HuaweiAuthV2Signer("", SK)
    assert SK not in str(info.value)


# ---------------------------------------------------------------------------------------------
# RSA
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def key_pair() -> tuple[bytes, bytes]:
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


def test_rsa_sign_and_verify(key_pair: tuple[bytes, bytes]) -> None:
    private, public = key_pair
    signer = RsaSha256Signer("99845aaaaebd4d61acccc9b776208f12", private)
    when = datetime(2020, 4, 8, 2, 48, 17, 995000, tzinfo=UTC)
    headers = signer.headers(b'{"taskName":"x"}', now=when)
    assert headers["appId"] == "99845aaaaebd4d61acccc9b776208f12"
    assert headers["timestamp"] == "1586314097995"  # the 003 example's timestamp
    assert len(base64.b64decode(headers["sign"])) == 256  # 2048-bit key, like the 003 example
    assert verify_rsa_sha256(public, headers, b'{"taskName":"x"}')
    # Default signed string is appId + timestamp: the body is not covered.
    assert verify_rsa_sha256(public, headers, b"other body")
    assert not verify_rsa_sha256(public, {**headers, "timestamp": "1586314097996"}, b"")
    assert not verify_rsa_sha256(public, {**headers, "appId": "someone-else"}, b"")
    assert not verify_rsa_sha256(public, {**headers, "sign": "not base64!"}, b"")
    assert not verify_rsa_sha256(public, {"appId": "a"}, b"")
    lowered = {name.lower(): value for name, value in headers.items()}
    assert verify_rsa_sha256(public.decode(), lowered, b"")


def test_rsa_default_message_and_replacement(key_pair: tuple[bytes, bytes]) -> None:
    private, public = key_pair
    assert default_rsa_message("app", "123", b"body") == b"app123"

    def with_body(app_id: str, timestamp: str, body: bytes) -> bytes:
        return app_id.encode() + timestamp.encode() + body

    signer = RsaSha256Signer("app", private, message=with_body)
    headers = signer.headers(b"{}")
    assert verify_rsa_sha256(public, headers, b"{}", message=with_body)
    assert not verify_rsa_sha256(public, headers, b"{ }", message=with_body)
    assert not verify_rsa_sha256(public, headers, b"{}")  # default message differs


def test_rsa_key_formats_and_skew(key_pair: tuple[bytes, bytes]) -> None:
    private, public = key_pair
    # A bare base64 DER key, as vendor consoles show it.
    body_b64 = b"".join(line for line in private.splitlines() if not line.startswith(b"-----"))
    signer = RsaSha256Signer("app", body_b64.decode())
    public_b64 = b"".join(line for line in public.splitlines() if not line.startswith(b"-----"))
    now = datetime.now(UTC)
    headers = signer.headers(b"", now=now - timedelta(minutes=10))
    assert verify_rsa_sha256(public_b64, headers, b"")
    assert not verify_rsa_sha256(public, headers, b"", max_skew=timedelta(minutes=5))
    assert verify_rsa_sha256(public, signer.headers(b""), b"", max_skew=timedelta(minutes=5))
    with pytest.raises(ValueError, match="neither PEM nor base64"):
        RsaSha256Signer("app", "not a key at all!")


def test_rsa_repr_hides_key(key_pair: tuple[bytes, bytes]) -> None:
    private, _ = key_pair
    signer = RsaSha256Signer("app-1", private)
    text = repr(signer)
    assert text == "RsaSha256Signer(app_id='app-1', private_key=<redacted>)"
    secret_line = private.splitlines()[1].decode()
    assert secret_line not in text
    with pytest.raises(ValueError) as info:
        RsaSha256Signer("app-1", private[:200] + private[260:])
    assert secret_line not in str(info.value)


def test_runtime_works_without_cryptography() -> None:
    """Only the RSA signer needs `cryptography`, imported lazily with a clear hint."""
    runtime = Path(__file__).resolve().parents[2] / "templates" / "runtime"
    script = textwrap.dedent(f"""
        import importlib.util, sys
        sys.modules["cryptography"] = None  # as if it were not installed
        spec = importlib.util.spec_from_file_location(
            "rt", {str(runtime / "__init__.py")!r}, submodule_search_locations=[{str(runtime)!r}]
        )
        rt = importlib.util.module_from_spec(spec)
        sys.modules["rt"] = rt
        spec.loader.exec_module(rt)
        rt.HuaweiAuthV2Signer("AK", "SK")
        try:
            rt.RsaSha256Signer("app", "-----BEGIN PRIVATE KEY-----")
        except ImportError as exc:
            print(exc)
        """)
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert "pip install 'outbound[rsa]'" in result.stdout


def test_percent_encoding_equals_urllib_on_every_byte() -> None:
    """The table-driven encoder is a speed-up of quote_from_bytes, nothing else."""
    import os
    from urllib.parse import quote_from_bytes

    from outbound_runtime_under_test import signing

    samples = [
        bytes(range(256)),
        os.urandom(4096),
        "张三 ~x-_.".encode(),
        b"",
        b'{"a":1}',
        b"%%25%",
        '{"name":"张三 100%","list":[1,2]}'.encode(),
    ]
    # around the switch from one replace per distinct byte to one translate pass
    reserved = bytes(b for b in range(256) if chr(b) not in _UNRESERVED_TEXT)
    for distinct in (23, 24, 25, 26):
        samples.append(b"a%" + reserved[:distinct] * 3 + b"z")
    for data in samples:
        assert signing._encode(data) == quote_from_bytes(data, safe="")
        assert signing._encode_bytes(data) == quote_from_bytes(data, safe="").encode()


_UNRESERVED_TEXT = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"


@given(st.binary(max_size=300))
def test_percent_encoding_equals_urllib_on_any_bytes(data: bytes) -> None:
    from urllib.parse import quote_from_bytes

    from outbound_runtime_under_test import signing

    assert signing._encode(data) == quote_from_bytes(data, safe="")
