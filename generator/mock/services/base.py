"""The base of every per-service state: credentials by scheme, refusals, example answers.

A subclass holds what the vendor's server keeps (campaigns, tasks, batches …) and answers the
operations that change or read it. What the documents leave open is decided here or in the
subclass, each decision named in its docstring and in `callgen mock --help`.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from ... import ir
from ..calls import MISSING, Answer, Call, Host, value_at
from ..config import MockConfigError


class ServiceState:
    """Generic behaviour; a service without its own class answers with its examples."""

    per_item: ClassVar[dict[str, str]] = {}
    """Operation id → pointer of an array whose items are accepted or failed one by one: a
    violation inside item N goes to the state (`Call.item_violations[N]`) instead of refusing
    the whole request."""

    simulator_codes: ClassVar[dict[str, str]] = {}
    """Codes the simulator chooses where the documents name none: code → message."""

    auth_code: ClassVar[str | None] = None
    """Code answering bad credentials (None: HTTP 401, plain text)."""

    parameter_code: ClassVar[str] = "400"
    """Code answering a body that is not JSON, and violations without a documented code."""

    def __init__(self, sim: Host) -> None:
        self.sim = sim
        self.config = sim.config
        self.service: ir.Service = sim.service
        if self.service.auth.scheme == "rsa_sha256_headers":
            _require_cryptography(self.service.name)

    # -- credentials -----------------------------------------------------------------------

    def authenticate(
        self,
        op: ir.Operation,
        method: str,
        url: str,
        headers: Mapping[str, str],
        raw: bytes,
        body: Any,
    ) -> str | Answer:
        """The caller's identity, or the answer refusing the request.

        `body` is the decoded body for a body-token service; for the others it is MISSING: their
        credentials are checked before the body is decoded.
        """
        auth = self.service.auth
        if auth.scheme == "body_token":
            return self._body_token(op, body)
        if auth.scheme == "huawei_auth_v2":
            return self._auth_v2(method, url, headers, raw)
        if auth.scheme == "rsa_sha256_headers":
            return self._rsa_headers(headers, raw)
        return "anonymous"

    def auth_failed(self, reason: str) -> Answer:
        if self.auth_code is None:
            return Answer(401, text=f"401 Unauthorized: {reason}\n", code=None)
        return self.sim.error(self.auth_code, reason)

    def _body_token(self, op: ir.Operation, body: Any) -> str | Answer:
        if body is MISSING or not isinstance(body, dict):
            return self.not_json(op)
        token = value_at(body, self.service.auth.body_field or "/token")
        if not isinstance(token, str) or not token:
            return self.auth_failed("token missing")
        if self.config.tokens and not any(
            hmac.compare_digest(token.encode(), t.encode()) for t in self.config.tokens
        ):
            return self.auth_failed("token not accepted")
        return token

    def _auth_v2(
        self, method: str, url: str, headers: Mapping[str, str], raw: bytes
    ) -> str | Answer:
        from outbound._runtime.signing import (
            AUTH_V2_SIGNED_HEADERS,
            parse_huawei_auth_v2,
            verify_huawei_auth_v2,
        )

        name = self.service.auth.header or "Authorization"
        variant = self.config.auth_variant
        lowered = {k.lower(): v for k, v in headers.items()}
        value = lowered.get(name.lower())
        if not value:
            return self.auth_failed(f"{name} header missing")
        parsed = parse_huawei_auth_v2(value, variant)
        if parsed is None or not set(AUTH_V2_SIGNED_HEADERS) <= set(parsed.signed_headers):
            return self.auth_failed(f"{name} is not an auth-v2 signature ({variant} variant)")
        skew = None if self.config.max_skew is None else timedelta(seconds=self.config.max_skew)
        if self.config.access_keys:
            if not verify_huawei_auth_v2(
                value,
                method,
                url,
                headers,
                raw,
                self.config.access_keys.get,
                variant=variant,
                max_skew=skew,
            ):
                return self.auth_failed(f"auth-v2 signature does not verify ({variant} variant)")
        else:
            # open mode: no AK/SK configured, the form is checked (above) but not the HMAC
            if lowered.get("content-length", "").strip() != str(len(raw)):
                return self.auth_failed("Content-Length differs from the signed body")
            if skew is not None:
                signed = datetime.strptime(parsed.timestamp, "%Y-%m-%dT%H:%M:%S.%fZ")
                if abs(datetime.now(UTC) - signed.replace(tzinfo=UTC)) > skew:
                    return self.auth_failed("signature timestamp too far from now")
        return parsed.access_key

    def _rsa_headers(self, headers: Mapping[str, str], raw: bytes) -> str | Answer:
        from outbound._runtime.signing import verify_rsa_sha256

        auth = self.service.auth
        lowered = {k.lower(): v for k, v in headers.items()}
        names = (
            auth.app_id_header or "appId",
            auth.timestamp_header or "timestamp",
            auth.sign_header or "sign",
        )
        values = [lowered.get(n.lower(), "") for n in names]
        missing = [n for n, v in zip(names, values, strict=True) if not v]
        if missing:
            return self.auth_failed(f"header {', '.join(missing)} missing")
        app_id, timestamp, sign = values
        if not timestamp.isascii() or not timestamp.isdigit():
            return self.auth_failed(f"{names[1]} is not milliseconds since the epoch")
        try:
            if len(base64.b64decode(sign, validate=True)) == 0:
                raise ValueError
        except (binascii.Error, ValueError):
            return self.auth_failed(f"{names[2]} is not base64")
        key = self.config.public_keys.get(app_id)
        if key is None:
            return self.no_public_key(app_id)
        skew = None if self.config.max_skew is None else timedelta(seconds=self.config.max_skew)
        canonical = {"appId": app_id, "timestamp": timestamp, "sign": sign}
        if not verify_rsa_sha256(key, canonical, raw, max_skew=skew):
            return self.auth_failed("sign does not verify with the appId's public key")
        return app_id

    def no_public_key(self, app_id: str) -> Answer:
        return self.auth_failed(f"no public key for appId {app_id}")

    # -- refusals ------------------------------------------------------------------------------

    def not_json(self, op: ir.Operation) -> Answer:
        return self.sim.error(self.parameter_code, "the body is not JSON")

    def path_not_integer(self, op: ir.Operation, name: str, text: str) -> Answer | None:
        """A path parameter documented as an integer is not one. None: let the validators
        report it (a type violation)."""
        return None

    def refuse(self, op: ir.Operation, violations: list[Any]) -> Answer:
        """Violations of the request: answered with the first one's documented code."""
        first = violations[0]
        code = first.code if first.code is not None else self.parameter_code
        detail = "; ".join(str(v) for v in violations[:5])
        if len(violations) > 5:
            detail += f"; and {len(violations) - 5} more"
        return self.sim.error(code, detail)

    # -- answers ---------------------------------------------------------------------------

    def decorate(self, op: ir.Operation | None, body: dict[str, Any], *, success: bool) -> None:
        """Add the fields every answer of this vendor carries besides the envelope."""

    def request_id(self) -> str:
        return f"callgen-mock-{self.sim.next_request_number()}"

    def handle(self, call: Call) -> Answer:
        """No state of its own: the operation's documented success example, as is."""
        env = self.service.envelope
        for example in call.op.examples:
            if example.kind == "response" and value_at(example.body, env.code) in env.success:
                return Answer(200, example.body, code=str(value_at(example.body, env.code)))
        return self.sim.success(call.op)

    def snapshot(self) -> dict[str, Any]:
        return {}

    # -- time ------------------------------------------------------------------------------

    @staticmethod
    def now() -> datetime:
        """Local wall-clock time (the vendors' examples show local times)."""
        return datetime.now()

    @staticmethod
    def epoch_ms() -> int:
        return time.time_ns() // 1_000_000


def _require_cryptography(service: str) -> None:
    """Refuse to build a simulator that could not verify a single SHA256withRSA signature."""
    try:
        from cryptography.hazmat.primitives.asymmetric import padding  # noqa: F401
    except ImportError as exc:
        raise MockConfigError(
            f"{service} needs the 'cryptography' package to verify SHA256withRSA signatures: "
            f"pip install 'callgen[rsa]' (importing it failed: {exc})"
        ) from exc
