"""`callgen mock SERVICE`: serve a vendor simulator built from the specs on a real port."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .common import (
    UsageError,
    body_module,
    default_specs_folder,
    load_services,
    spec_listing,
    specs_option,
)

EPILOG = """\
The first line on standard output is the bound URL (e.g. http://127.0.0.1:41234), flushed as
soon as the server accepts connections. SIGINT or SIGTERM stop it cleanly (exit status 0).
GET /_callgen/state returns the simulator's state as JSON, GET /openapi.json the service's
OpenAPI 3.1.0 document (callgen openapi) with this server as first server (not vendor routes).

Every request is checked as the vendor documents it: credentials, then the body and path
parameters with the validators the spec in --specs generates (validate_request/validate_path:
the installed outbound.<service> when it was generated from that very spec, else the spec
rendered into a temporary folder, so an edited spec is enforced without `callgen generate`);
a violation is answered with its documented code (Violation.code), in the vendor's envelope.
A body that is not JSON (or nested too deeply to decode) gets the "not JSON" code below.

Credentials (without them the simulator runs in open mode and says so on stderr):
  huawei_isales      auth-v2 verified with --access-key/--secret-key, as --auth-variant signs
                     (default: the vendor demo's layout); open mode checks only the header's
                     form. Bad credentials: HTTP 401, plain text, no result code (the documents
                     list no authentication code; 0200001 would blame the parameters).
  dezhu_speech       appId/timestamp/sign (SHA256withRSA over appId+timestamp) verified with the
                     --public-key of --app-id; bad → 10001; an appId without a key → 10002 (so
                     with no --public-key every request gets 10002, as the vendor would).
                     Needs the cryptography package (pip install 'callgen[rsa]'): without it
                     the simulator refuses to start.
  yantong_groupcall, quanshi_event
                     token in the body, one of --token; open mode accepts any non-empty token.

Codes the simulator answers:
  huawei_isales      0200001 body not JSON or unknown field; 02000001 missing/empty field; 02000002 bad
                     characters; 02000003 too long; 02000006 wrong type; 02000007 bad value or
                     range; 02000008 path parameter not an integer; 02000009 recycleType without
                     recycleTime; 0200029 over 20 numbers; 0200018 duplicate numbers (in the call,
                     or already pending unless --allow-repeat-numbers; the numbers refused
                     are named in resultDesc unless --anonymous-refusals); 0200030 bad time;
                     0200022 two adds from one AK within 1 s (--min-interval); 0200007 campaign
                     absent; 0200019 add to a running/finished campaign; 0200028 delete in one;
                     0200024 --blacklist; 0200020 --pending-limit. Only with --fault: 0200006, 02000004,
                     02000005, 02000010, 02000011 (no request can cause them).
  dezhu_speech       10001, 10002, 29002 (rule violations, and a taskName already used — the
                     simulator's choice over 20001). Only with --fault: 20001, 29008.
  yantong_groupcall  statusCode 401 token, 400 invalid request, 404 unknown task or batch
                     (simulator's codes: the document names none besides 0).
  quanshi_event      code 401 token, 400 invalid request (simulator's codes: none documented).

State: Huawei campaigns and their pending numbers (delete by sessionId/called/customField/
recycleTime + recycleType 1 ≤ day, 2 same day, 3 equal; recycleTime alone = equal); Yantong
tasks (from --task), batches, uploaded rows (duplicate phone in a batch → duplicateCount, a row
breaking a rule → failCount), calls placed while a task runs, call records (record-list);
dezhu tasks by unique taskName; Quanshi people per event (a number already in the event, or a
person breaking a rule → fail_data).
"""


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the `mock` command to the `callgen` sub-command parsers."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "mock",
        help="serve a vendor simulator built from the specs",
        description="Serve every operation of SERVICE as the vendor documents it, on a real port.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.listing = spec_listing  # type: ignore[attr-defined]
    p.add_argument("service", metavar="SERVICE", help="service name (listed below)")
    specs_option(p, default=None)
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=0, help="port; 0 picks a free one (default: 0)")
    p.add_argument("--seed", type=int, default=0, help="seed of generated ids and call outcomes")
    p.add_argument("--log-level", default="warning", help="uvicorn log level (default: warning)")
    p.add_argument("--access-log", action="store_true", help="log every request on stderr")

    cred = p.add_argument_group("credentials")
    cred.add_argument(
        "--token",
        action="append",
        default=[],
        metavar="TOKEN",
        help="accepted body token (repeatable; default: any non-empty token)",
    )
    cred.add_argument(
        "--access-key",
        action="append",
        default=[],
        metavar="AK",
        help="Huawei AK (repeatable, paired in order with --secret-key)",
    )
    cred.add_argument(
        "--secret-key",
        action="append",
        default=[],
        metavar="SK",
        help="Huawei SK of the AK at the same position",
    )
    cred.add_argument(
        "--app-id",
        action="append",
        default=[],
        metavar="ID",
        help="003 appId (repeatable, paired in order with --public-key)",
    )
    cred.add_argument(
        "--public-key",
        action="append",
        default=[],
        type=Path,
        metavar="FILE",
        help="003 public key (PEM or base64 DER) of the appId at the same position",
    )
    cred.add_argument(
        "--auth-variant",
        default=None,
        choices=_AuthV2Variants(),
        metavar="NAME",
        help="huawei_isales: the auth-v2 signing variant verified, one of %(choices)s "
        "(default: the first, the layout of the vendor's demo code)",
    )
    cred.add_argument(
        "--max-skew",
        type=float,
        default=None,
        metavar="SECONDS",
        help="refuse signatures whose timestamp is further from now (default: off)",
    )

    known = p.add_argument_group("server facts the documents cannot give (all off by default)")
    known.add_argument(
        "--blacklist",
        action="append",
        default=[],
        metavar="NUMBER",
        help="Huawei: adding this called number → 0200024 (repeatable)",
    )
    known.add_argument(
        "--pending-limit",
        type=int,
        default=None,
        metavar="N",
        help="Huawei: more than N pending numbers in a campaign → 0200020 "
        "(documented value 200000; default: no limit)",
    )
    known.add_argument(
        "--campaign",
        action="append",
        default=[],
        metavar="[VDN/]ID=STATE",
        help="Huawei: campaign state, one of idle, running, finished, absent "
        "(default: every campaign exists and is idle)",
    )
    known.add_argument(
        "--known-campaigns-only",
        action="store_true",
        help="Huawei: campaigns not given with --campaign are absent (0200007)",
    )
    known.add_argument(
        "--allow-repeat-numbers",
        action="store_true",
        help="Huawei: accept a number already pending in the campaign " "(default: 0200018)",
    )
    known.add_argument(
        "--anonymous-refusals",
        action="store_true",
        help="Huawei: refusals of numbers (0200024 blacklisted, 0200018 already pending) give "
        "the documented text only, without the numbers (default: the numbers are named)",
    )
    known.add_argument(
        "--task",
        action="append",
        default=[],
        metavar="ID=NAME",
        help="Yantong: a task that exists, not running (repeatable; default: none)",
    )
    known.add_argument(
        "--push-callbacks",
        action="store_true",
        help="Yantong: push call results to each row's callback_url — loopback "
        "addresses (127.0.0.0/8, ::1) only, others are refused",
    )
    known.add_argument(
        "--answer-rate",
        type=float,
        default=1.0,
        metavar="P",
        help="Yantong: probability that a call connects (default: 1)",
    )
    known.add_argument(
        "--min-interval",
        type=float,
        default=None,
        metavar="SECONDS",
        help="seconds required between two calls of an operation with a documented minimum "
        "interval (Huawei adds: 1), per caller; for tests whose client does not pace "
        "(default: as documented; 0: unchecked)",
    )
    known.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="OP=CODE[:N]",
        help="answer OP with the documented CODE after authentication (every "
        "request, or the next N)",
    )
    return p


class _AuthV2Variants:
    """The variant names of the generated runtime, read only when argparse needs them (help,
    or the option given): importing the runtime would cost every callgen command ~0.15 s."""

    def __iter__(self) -> Iterator[str]:
        from outbound._runtime.signing import AUTH_V2_VARIANTS

        return iter(AUTH_V2_VARIANTS)

    def __contains__(self, name: object) -> bool:
        return name in tuple(self)


def _pairs(items: list[str], what: str) -> list[tuple[str, str]]:
    out = []
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key or not value:
            raise ValueError(f"{what} {item!r}: expected KEY=VALUE")
        out.append((key, value))
    return out


def build_config(args: argparse.Namespace, service: Any) -> Any:
    """The MockConfig an argument namespace asks for (ValueError names a bad option)."""
    from outbound._runtime.signing import DEFAULT_AUTH_V2_VARIANT

    from ..mock.config import Fault, MockConfig

    if len(args.access_key) != len(args.secret_key):
        raise ValueError("give one --secret-key per --access-key, in the same order")
    if len(args.app_id) != len(args.public_key):
        raise ValueError("give one --public-key per --app-id, in the same order")
    public_keys = {}
    for app_id, path in zip(args.app_id, args.public_key, strict=True):
        try:
            public_keys[app_id] = path.read_bytes()
        except OSError as exc:
            raise ValueError(f"cannot read --public-key {path}: {exc.strerror}") from None
    campaigns: dict[tuple[int | None, int], str] = {}
    for key, state in _pairs(args.campaign, "--campaign"):
        vdn, sep, cid = key.rpartition("/")
        try:
            campaigns[(int(vdn) if sep else None, int(cid))] = state
        except ValueError:
            raise ValueError(f"--campaign {key}={state}: ids must be integers") from None
    faults = {}
    ops = {op.id for op in service.operations}
    documented = {c.code for c in service.error_codes if not c.success}
    for op_id, spec in _pairs(args.fault, "--fault"):
        code, _, count = spec.partition(":")
        if op_id not in ops:
            raise ValueError(
                f"--fault {op_id}: no such operation (one of {', '.join(sorted(ops))})"
            )
        if documented and code not in documented:
            raise ValueError(
                f"--fault {op_id}={code}: not a documented error code of {service.name}"
            )
        if count and not count.isdigit():
            raise ValueError(f"--fault {op_id}={spec}: N must be a number")
        faults[op_id] = Fault(code, int(count) if count else None)
    return MockConfig(
        seed=args.seed,
        tokens=tuple(args.token),
        access_keys=dict(zip(args.access_key, args.secret_key, strict=True)),
        public_keys=public_keys,
        max_skew=args.max_skew,
        auth_variant=args.auth_variant or DEFAULT_AUTH_V2_VARIANT,
        blacklist=frozenset(args.blacklist),
        pending_limit=args.pending_limit,
        campaigns=campaigns,
        known_campaigns_only=args.known_campaigns_only,
        allow_repeat_numbers=args.allow_repeat_numbers,
        anonymous_refusals=args.anonymous_refusals,
        tasks=dict(_pairs(args.task, "--task")),
        push_callbacks=args.push_callbacks,
        answer_rate=args.answer_rate,
        faults=faults,
        min_interval=args.min_interval,
    )


def _notes(service: Any, config: Any) -> list[str]:
    scheme = service.auth.scheme
    notes = []
    if scheme == "body_token" and not config.tokens:
        notes.append("no --token: any non-empty token is accepted")
    if scheme == "huawei_auth_v2" and not config.access_keys:
        notes.append("no --access-key/--secret-key: auth-v2 headers are checked for form only")
    if scheme == "huawei_auth_v2":
        notes.append(f"auth-v2 variant: {config.auth_variant}")
    if scheme == "rsa_sha256_headers" and not config.public_keys:
        notes.append("no --app-id/--public-key: every request is answered 10002 (no public key)")
    return notes


def run(args: argparse.Namespace) -> int:
    """Serve until SIGINT/SIGTERM; 0 on a clean stop."""
    from ..mock.config import MockConfigError
    from ..mock.core import Simulator

    services = {s.name: s for s in load_services(args.specs or default_specs_folder())}
    service = services.get(args.service)
    if service is None:
        raise UsageError(f"unknown service {args.service!r}; known: {', '.join(sorted(services))}")
    try:
        config = build_config(args, service)
    except (ValueError, MockConfigError) as exc:
        raise UsageError(str(exc)) from exc
    with body_module(service.name, args.specs, ir=service) as module:
        try:
            simulator = Simulator(service, config, module)
        except MockConfigError as exc:  # e.g. a package the service's credentials need is missing
            raise UsageError(str(exc)) from exc
        return _serve(args, service, config, simulator)


def _serve(args: argparse.Namespace, service: Any, config: Any, simulator: Any) -> int:
    """Serve `simulator` on --host/--port until SIGINT/SIGTERM."""
    from ..mock.app import create_app
    from ..mock.server import bind, serve_forever, url_of

    try:
        sock = bind(args.host, args.port)
    except OSError as exc:
        raise UsageError(f"cannot listen on {args.host}:{args.port}: {exc.strerror}") from exc
    url = url_of(sock)

    def started() -> None:
        print(url, flush=True)
        for note in _notes(service, config):
            print(f"callgen mock: {note}", file=sys.stderr, flush=True)

    try:
        serve_forever(
            create_app(simulator),
            sock,
            on_started=started,
            log_level=args.log_level,
            access_log=args.access_log,
        )
    finally:
        sock.close()
    return 0
