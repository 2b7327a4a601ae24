"""Huawei auth-v2 test vectors, every variant, against a second implementation written here.

The expected canonical requests and signatures are computed in this file from the written
description of each variant (issue 9, the GUIDE, `HuaweiAuthV2Signer`'s docstring): its own
percent-encoder (a loop over UTF-8 bytes), its own canonical-request builder, and the standard
library's hmac/hashlib/base64. Nothing here calls the runtime to compute an expected value.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from outbound_runtime_under_test.signing import (
    AUTH_V2_VARIANTS,
    DEFAULT_AUTH_V2_VARIANT,
    AuthV2Variant,
    HuaweiAuthV2Signer,
    huawei_auth_v2_canonical_request,
    parse_huawei_auth_v2,
    verify_huawei_auth_v2,
)

# The vendor page's placeholders, as the public ports of the demo keep them.
AK = "globalaktest"
SK = "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p"
HOST = "10.22.26.181:28080"
PATH = "/rest/isales/v1/openapi/campaigns/1/calldata/42"
CONTENT_TYPE = "application/json; charset=UTF-8"
WHEN = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
STAMP = "2024-05-06T07:08:09.123Z"
SIGNED_HEADERS = ["content-length", "content-type", "host"]

# ---------------------------------------------------------------------------------------------
# The independent implementation
# ---------------------------------------------------------------------------------------------

_KEPT = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"
_HEX = "0123456789ABCDEF"


def pct(value: str | bytes) -> str:
    """RFC 3986: each UTF-8 byte that is not unreserved becomes `%XX` (upper-case hex)."""
    data = value.encode("utf-8") if isinstance(value, str) else value
    out = []
    for byte in data:
        char = chr(byte)
        if char in _KEPT:
            out.append(char)
        else:
            out.append("%" + _HEX[byte // 16] + _HEX[byte % 16])
    return "".join(out)


@dataclass(frozen=True)
class Case:
    name: str
    query: tuple[tuple[str, str], ...]  # decoded (name, value) pairs, in the order sent
    body: bytes

    @property
    def url(self) -> str:
        if not self.query:
            return f"https://{HOST}{PATH}"
        sent = "&".join(f"{pct(name)}={pct(value)}" for name, value in self.query)
        return f"https://{HOST}{PATH}?{sent}"

    @property
    def headers(self) -> dict[str, str]:
        return {
            "content-length": str(len(self.body)),
            "content-type": CONTENT_TYPE,
            "host": HOST,
        }


def expected_canonical(variant: AuthV2Variant, case: Case) -> str:
    query = "&".join(sorted(pct(name) + "=" + pct(value) for name, value in case.query))
    headers = case.headers
    body = pct(case.body)
    if variant == "demo":
        lines = [f"{name}:{pct(headers[name].strip())}" for name in SIGNED_HEADERS]
        return "\n".join(["POST", PATH, query, ";".join(SIGNED_HEADERS), "\n".join(lines), body])
    if variant == "five-part":
        lines = [f"{name}:{headers[name].strip()}" for name in SIGNED_HEADERS]
        return "\n".join(["POST", PATH, query, "\n".join(lines), body])
    if variant == "raw-key-base64":
        text = "POST\n" + PATH + "\n" + query + "\n" + ";".join(SIGNED_HEADERS) + "\n"
        for name in SIGNED_HEADERS:
            text += name + ":" + pct(headers[name].strip()) + "\n"
        return text + "\n" + body
    raise AssertionError(variant)


def expected_authorization(variant: AuthV2Variant, canonical: str, stamp: str = STAMP) -> str:
    prefix = f"auth-v2/{AK}/{stamp}/content-length;content-type;host"
    if variant == "raw-key-base64":
        key = hmac.new(SK.encode(), prefix.encode(), hashlib.sha256).digest()
        digest = hmac.new(key, canonical.encode(), hashlib.sha256).digest()
        return prefix + "/" + base64.b64encode(digest).decode()
    key_text = hmac.new(SK.encode(), prefix.encode(), hashlib.sha256).hexdigest()
    return (
        prefix + "/" + hmac.new(key_text.encode(), canonical.encode(), hashlib.sha256).hexdigest()
    )


ASCII = b'{"callDataList":[{"sessionId":"00750","called":"80021"}]}'
NON_ASCII = '{"callDataList":[{"called":"80021","customField":"张三 ~ 100% 林子航"}]}'.encode()
# "a.b=1" sorts before "a=2" as text, after it as a (name, value) pair: the demo sorts text
QUERY = (("r", "groupcall/task-list"), ("b", "x y"), ("a", "2"), ("a.b", "1"), ("z", "é"))
CASES = [
    Case("ascii", (), ASCII),
    Case("non-ascii", (), NON_ASCII),
    Case("ascii+query", QUERY, ASCII),
    Case("non-ascii+query", QUERY, NON_ASCII),
]


# ---------------------------------------------------------------------------------------------
# The independent implementation against the written description
# ---------------------------------------------------------------------------------------------


def test_independent_encoder_matches_the_documented_examples() -> None:
    assert pct(CONTENT_TYPE) == "application%2Fjson%3B%20charset%3DUTF-8"  # issue 9, §2
    assert pct("张") == "%E5%BC%A0"
    assert pct("a-b_c.d~e f+g%") == "a-b_c.d~e%20f%2Bg%25"


def test_demo_vector_written_out() -> None:
    """The default layout, every line written by hand: six parts, an empty query line."""
    assert len(ASCII) == 57
    assert expected_canonical("demo", CASES[0]) == (
        "POST\n"
        "/rest/isales/v1/openapi/campaigns/1/calldata/42\n"
        "\n"
        "content-length;content-type;host\n"
        "content-length:57\n"
        "content-type:application%2Fjson%3B%20charset%3DUTF-8\n"
        "host:10.22.26.181%3A28080\n"
        "%7B%22callDataList%22%3A%5B%7B%22sessionId%22%3A%2200750%22%2C%22called%22%3A"
        "%2280021%22%7D%5D%7D"
    )
    assert expected_canonical("raw-key-base64", CASES[0]).endswith(
        "host:10.22.26.181%3A28080\n\n%7B%22callDataList"
        "%22%3A%5B%7B%22sessionId%22%3A%2200750%22%2C%22called%22%3A%2280021%22%7D%5D%7D"
    )
    query_line = expected_canonical("demo", CASES[2]).split("\n")[2]
    assert query_line == "a.b=1&a=2&b=x%20y&r=groupcall%2Ftask-list&z=%C3%A9"


# ---------------------------------------------------------------------------------------------
# The runtime against the vectors
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
@pytest.mark.parametrize("variant", AUTH_V2_VARIANTS)
def test_runtime_matches_the_vectors(variant: AuthV2Variant, case: Case) -> None:
    canonical = expected_canonical(variant, case)
    authorization = expected_authorization(variant, canonical)
    url = httpx.URL(case.url)

    signer = HuaweiAuthV2Signer(AK, SK, variant)
    signed = signer.sign("POST", url, {"Content-Type": CONTENT_TYPE}, case.body, now=WHEN)
    assert signed.canonical_request.decode("utf-8") == canonical
    assert signed.authorization == authorization
    assert signed.timestamp == STAMP and signed.variant == variant
    assert signer.authorization("POST", url, {"Content-Type": CONTENT_TYPE}, case.body, WHEN) == (
        authorization
    )
    assert (
        huawei_auth_v2_canonical_request("POST", url, case.headers, case.body, variant=variant)
        == canonical
    )
    received = {"Host": HOST, "Content-Length": str(len(case.body)), "Content-Type": CONTENT_TYPE}
    assert verify_huawei_auth_v2(
        authorization, "POST", url, received, case.body, {AK: SK}.get, variant=variant
    )


def test_the_default_is_the_demo_layout() -> None:
    assert DEFAULT_AUTH_V2_VARIANT == "demo" == AUTH_V2_VARIANTS[0]
    case = CASES[1]
    signed = HuaweiAuthV2Signer(AK, SK).sign(
        "POST", httpx.URL(case.url), {"Content-Type": CONTENT_TYPE}, case.body, now=WHEN
    )
    assert signed.authorization == expected_authorization("demo", expected_canonical("demo", case))


@pytest.mark.parametrize(
    ("signed_by", "checked_as"), list(itertools.permutations(AUTH_V2_VARIANTS, 2))
)
def test_a_signature_verifies_under_its_own_variant_only(
    signed_by: AuthV2Variant, checked_as: AuthV2Variant
) -> None:
    case = CASES[3]
    url = httpx.URL(case.url)
    signer = HuaweiAuthV2Signer(AK, SK, signed_by)
    authorization = signer.authorization("POST", url, {"Content-Type": CONTENT_TYPE}, case.body)
    lookup = {AK: SK}.get
    assert verify_huawei_auth_v2(
        authorization, "POST", url, case.headers, case.body, lookup, variant=signed_by
    )
    assert not verify_huawei_auth_v2(
        authorization, "POST", url, case.headers, case.body, lookup, variant=checked_as
    )


def test_base64_signature_holding_a_slash_is_parsed_and_verified() -> None:
    """A base64 signature may contain `/`, the header's own separator: split four times only."""
    case = CASES[0]
    url = httpx.URL(case.url)
    signer = HuaweiAuthV2Signer(AK, SK, "raw-key-base64")
    for ms in range(200):
        moment = WHEN + timedelta(milliseconds=ms)
        authorization = signer.authorization(
            "POST", url, {"Content-Type": CONTENT_TYPE}, case.body, moment
        )
        if "/" in authorization.split("/", 4)[4]:
            break
    else:
        pytest.fail("no signature with a '/' in 200 tries")  # ~50% chance each: never happens
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    assert authorization == expected_authorization(
        "raw-key-base64", expected_canonical("raw-key-base64", case), stamp
    )
    parsed = parse_huawei_auth_v2(authorization, "raw-key-base64")
    assert parsed is not None and parsed.access_key == AK and "/" in parsed.signature
    assert verify_huawei_auth_v2(
        authorization, "POST", url, case.headers, case.body, {AK: SK}.get, variant="raw-key-base64"
    )
    assert parse_huawei_auth_v2(authorization, "demo") is None  # not a hex signature


def test_unknown_variant_is_refused_with_the_names() -> None:
    with pytest.raises(ValueError, match="'demo', 'five-part', 'raw-key-base64'") as info:
        HuaweiAuthV2Signer(AK, SK, "java")  # type: ignore[arg-type]
    assert SK not in str(info.value)
    with pytest.raises(ValueError, match="unknown auth-v2 variant"):
        verify_huawei_auth_v2("x", "POST", PATH, {}, b"", {}.get, variant="v1")  # type: ignore[arg-type]
