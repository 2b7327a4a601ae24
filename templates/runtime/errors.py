"""Exceptions raised by generated clients.

Every text built here names codes, pointers, HTTP statuses, sizes and time stamps only: never
credentials, never a request body. Response bodies are kept on the exception (`.body`, `.raw`),
and so is the signed text of a refused request (`ApiError.signed_request`), not in its message.
"""

from __future__ import annotations

import enum
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

__all__ = [
    "ApiError",
    "ConfirmationRequired",
    "OutboundError",
    "ResponseError",
    "TransportError",
    "ValidationError",
    "Violation",
]


@dataclass(frozen=True)
class Violation:
    """One broken rule in a request body, or one deviation of a response or callback body.

    `path` is a JSON Pointer into the wire body (`""` is the body itself), `rule` the rule name
    (`max_length`, `pattern`, ...), `code` the vendor's documented error code for that rule, if
    any. `value` is the raw value found at `path` for a response or callback deviation (so
    nothing the server sent is lost when a model field cannot hold it); None for a missing
    field and for request violations. It takes no part in equality, hashing, `repr` or `str`:
    it may be large. Messages of request violations never carry a string the caller sent (the
    body is theirs and may hold tokens; a ValidationError's text ends up in logs); a response
    or callback deviation of a pattern, format or digit-string rule shows the server's string,
    quoted and cut to 40 characters.
    """

    path: str
    rule: str
    code: str | None
    message: str
    value: Any = field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        where = self.path if self.path else "(body)"
        tag = f"{self.rule}, {self.code}" if self.code is not None else self.rule
        return f"{where}: {self.message} [{tag}]"


class OutboundError(Exception):
    """Base class of every exception a generated client raises on purpose.

    Each kind has one shared base here (`ApiError`, `ValidationError`, `ResponseError`,
    `TransportError`, `ConfirmationRequired`), exported as `outbound.ApiError` and so on; every
    service's classes derive from them, so `except outbound.ApiError` catches any vendor's
    refusal and `except outbound.OutboundError` anything a client raises on purpose.
    """


def _status_code_deprecated(owner: str) -> None:
    warnings.warn(
        f"{owner}.status_code is deprecated: use .http_status (the HTTP status of the answer)",
        DeprecationWarning,
        stacklevel=3,
    )


def _http_status(http_status: int | None, status_code: int | None, owner: str) -> int | None:
    """The constructor's `http_status`, or the deprecated `status_code=` keyword (warned)."""
    if status_code is None:
        return http_status
    warnings.warn(
        f"{owner}(status_code=) is deprecated: use http_status=",
        DeprecationWarning,
        stacklevel=3,
    )
    return status_code if http_status is None else http_status


class ValidationError(OutboundError, ValueError):
    """A request breaks documented rules; nothing was sent. `.violations` lists every problem."""

    def __init__(self, violations: Iterable[Violation]) -> None:
        self.violations: list[Violation] = list(violations)
        count = len(self.violations)
        head = f"{count} violation{'s' if count != 1 else ''}"
        super().__init__("\n  ".join([head + ":", *(str(v) for v in self.violations)]))

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.violations,))


class ApiError(OutboundError):
    """The vendor answered with a result code that is not a success code.

    A generated service sets `codes` to its `ErrorCode` enum (values are the documented codes as
    strings), `retryable_codes` to its documented throttling codes, `data_codes` to the codes
    meaning "this request's own data is at fault" and `item_codes` to those of them meaning "one
    or more items of the request's array are at fault" (the others may be fine).

    `http_status` is the HTTP status of the answer (None when the exception was built without
    one); `status_code` is its deprecated alias. When the server refused a signed request
    (HTTP 401), `hint` (also in the message) says what to check, and `signed_request` holds the
    text that was signed (auth-v2: the canonical request; no secret in it) to compare with the
    server's log.
    """

    codes: ClassVar[type[enum.Enum] | None] = None
    retryable_codes: ClassVar[frozenset[str]] = frozenset()
    data_codes: ClassVar[frozenset[str]] = frozenset()
    item_codes: ClassVar[frozenset[str]] = frozenset()

    def __init__(
        self,
        raw_code: object,
        message: str | None = None,
        request_id: str | None = None,
        http_status: int | None = None,
        body: Any = None,
        raw: bytes = b"",
        retryable: bool | None = None,
        *,
        hint: str | None = None,
        signed_request: str | None = None,
        status_code: int | None = None,
    ) -> None:
        self.raw_code: str = str(raw_code)
        self.message: str | None = message
        self.request_id: str | None = request_id
        self.http_status: int | None = _http_status(http_status, status_code, "ApiError")
        self.body: Any = body
        self.raw: bytes = raw
        self.retryable: bool = (
            self.raw_code in self.retryable_codes if retryable is None else retryable
        )
        self.hint: str | None = hint
        self.signed_request: str | None = signed_request
        super().__init__(self._describe())

    @property
    def code(self) -> enum.Enum | str:
        """The documented `ErrorCode` member, or the raw code string when it is undocumented."""
        if self.codes is not None:
            try:
                return self.codes(self.raw_code)
            except ValueError:
                pass
        return self.raw_code

    @property
    def status_code(self) -> int | None:
        """Deprecated alias of `http_status` (it warns)."""
        _status_code_deprecated(type(self).__name__)
        return self.http_status

    @property
    def documented(self) -> bool:
        """True when the code is one the documents list (an `ErrorCode` member)."""
        return isinstance(self.code, enum.Enum)

    @property
    def is_data_error(self) -> bool:
        """True when the documented meaning of the code is "this request's data is at fault"."""
        return self.raw_code in self.data_codes

    @property
    def is_item_error(self) -> bool:
        """True when the documented meaning of the code blames individual items of the request's
        array (a duplicate or blacklisted number), not the request as a whole."""
        return self.raw_code in self.item_codes

    def _describe(self) -> str:
        code = self.code  # a StrEnum member is also a str: test for the enum
        text = f"{self.raw_code} {code.name}" if isinstance(code, enum.Enum) else self.raw_code
        if self.message:
            text += f": {self.message}"
        details = []
        if self.http_status is not None:
            details.append(f"HTTP {self.http_status}")
        if self.request_id:
            details.append(f"request id {self.request_id}")
        if self.retryable:
            details.append("retryable")
        if details:
            text += f" ({', '.join(details)})"
        return f"{text}; {self.hint}" if self.hint else text

    def __reduce__(self) -> tuple[Any, ...]:
        args = (
            self.raw_code,
            self.message,
            self.request_id,
            self.http_status,
            self.body,
            self.raw,
            self.retryable,
        )
        kwargs = {"hint": self.hint, "signed_request": self.signed_request}
        return (_rebuild, (type(self), args, kwargs))


class ResponseError(OutboundError):
    """The response cannot be read as documented: not JSON, no envelope, or breaks its schema.

    The request reached the server; whether it took effect is unknown. `.raw` keeps the bytes,
    `.body` the parsed JSON when there was any, `.http_status` the HTTP status (`status_code`
    is its deprecated alias).
    """

    def __init__(
        self,
        message: str,
        *,
        http_status: int | None = None,
        raw: bytes = b"",
        body: Any = None,
        violations: Iterable[Violation] = (),
        status_code: int | None = None,
    ) -> None:
        http_status = _http_status(http_status, status_code, "ResponseError")
        self.http_status: int | None = http_status
        self.raw: bytes = raw
        self.body: Any = body
        self.violations: list[Violation] = list(violations)
        self.reason: str = message
        text = message if http_status is None else f"{message} (HTTP {http_status})"
        if self.violations:
            text = "\n  ".join([text + ":", *(str(v) for v in self.violations)])
        super().__init__(text)

    def __reduce__(self) -> tuple[Any, ...]:
        kwargs = {
            "http_status": self.http_status,
            "raw": self.raw,
            "body": self.body,
            "violations": self.violations,
        }
        return (_rebuild, (type(self), (self.reason,), kwargs))

    @property
    def status_code(self) -> int | None:
        """Deprecated alias of `http_status` (it warns)."""
        _status_code_deprecated(type(self).__name__)
        return self.http_status


class TransportError(OutboundError):
    """The exchange failed at the network level (wraps the httpx exception as `__cause__`).

    `may_have_reached_server` is False only when no connection was ever established, so the
    request cannot have been received; otherwise whether it took effect is unknown.
    `http_status` is the HTTP status when the answer's status line had arrived before the
    exchange failed (the body was cut off: after a 200 the call most likely took effect), else
    None.
    """

    def __init__(
        self,
        message: str,
        *,
        may_have_reached_server: bool,
        method: str | None = None,
        path: str | None = None,
        exception: BaseException | None = None,
        http_status: int | None = None,
    ) -> None:
        self.may_have_reached_server: bool = may_have_reached_server
        self.method: str | None = method
        self.path: str | None = path
        self.exception: BaseException | None = exception
        self.http_status: int | None = http_status
        self.reason: str = message
        where = f"{method} {path}: " if method and path else ""
        if http_status is not None:
            message += f" after the answer's status HTTP {http_status}"
        outcome = (
            "the request may have reached the server"
            if may_have_reached_server
            else "the request did not reach the server"
        )
        super().__init__(f"{where}{message}; {outcome}")

    def __reduce__(self) -> tuple[Any, ...]:
        kwargs = {
            "may_have_reached_server": self.may_have_reached_server,
            "method": self.method,
            "path": self.path,
            "http_status": self.http_status,
        }
        return (_rebuild, (type(self), (self.reason,), kwargs))


class ConfirmationRequired(OutboundError):
    """A dangerous call was refused; pass `argument=True` (named here) to confirm it."""

    def __init__(self, message: str, *, argument: str | None = None) -> None:
        self.argument: str | None = argument
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.args, {"argument": self.argument}))


def _rebuild(cls: type[Exception], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Exception:
    return cls(*args, **kwargs)
