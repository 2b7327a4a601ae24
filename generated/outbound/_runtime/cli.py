"""The command line: `python -m outbound SERVICE OPERATION [--option …]` (also `outbound …`).

Data-driven: each service package has a generated table (`outbound/<service>/cli.py`,
`COMMANDS`) naming its operations, their options, the documented constraints and sources; this
module turns a table into argparse parsers and runs the call with the service's client.

* Parameters are `--kebab-case` options (path parameters included); a JSON body (the
  operation's arguments object, wire names) comes from `--json FILE` or `--json -` (stdin) and
  the options given beside it replace its members. The request is validated before anything
  is sent; the typed result is printed on stdout as JSON (`{"result": …, "deviations": […]}`).
* Connection: `--base-url` or `OUTBOUND_<SERVICE>_BASE_URL`; `--verify CA_FILE`, `--insecure`,
  `--timeout SECONDS`, `--pacer URL` (or `OUTBOUND_PACER`, passed to the client's `pacer=`).
  Credentials come only from the environment, `OUTBOUND_<SERVICE>_<CONSTRUCTOR_ARGUMENT>`
  (e.g. `OUTBOUND_HUAWEI_ISALES_ACCESS_KEY`), or from the file named by the same variable with
  `_FILE` appended (a PEM key); never from an option, where other users see it in the process
  list.
* An operation with a batch declaration takes `--from FILE` for a bulk load with a journal
  (`bulk.py`). A service with callbacks has `serve-callbacks` (`outbound._runtime.callbacks`).

Exit status: 0 success; 1 a violation, an API error, a failed exchange, or (bulk) a row that
was not accepted; 2 a usage error. Violations and errors go to stderr.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import os
import re
import shlex
import sys
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from .errors import (
    ApiError,
    ConfirmationRequired,
    OutboundError,
    ResponseError,
    TransportError,
    ValidationError,
    Violation,
)

__all__ = [
    "Batch",
    "Command",
    "Credential",
    "Option",
    "ServiceCommands",
    "UsageError",
    "main",
]

PACER_ENV = "OUTBOUND_PACER"
_PARAMETER = "parameter:"  # argparse dest prefix of parameters: never one of the CLI's own
_PACKAGE = __name__.rsplit(".", 2)[0]  # "outbound"


@dataclass(frozen=True)
class Option:
    """One parameter as an option: `--vdn-id` → keyword `vdn_id` → wire `vdnId`."""

    flag: str
    dest: str
    wire: str
    location: str  # "path" | "body"
    kind: str  # text | int | number | bool | json
    required: bool
    help: str


@dataclass(frozen=True)
class Batch:
    """What `--from FILE` needs of an operation with a batch declaration."""

    dest: str  # the keyword argument of the items (call_data_list)
    wire: str
    items_at: str  # JSON Pointer of the array in the request body
    size: int  # items per call
    item_model: str  # the model class of one item
    fields: tuple[tuple[str, str, str, bool], ...]  # (wire, snake_case, kind, required)
    unique_field: str | None
    unique_py: str | None
    min_interval: float | None  # documented seconds between calls


@dataclass(frozen=True)
class Command:
    id: str
    summary: str
    source: str | None
    route: str
    arguments_at: tuple[str, ...]  # where the arguments object sits in the body
    arguments_model: str
    options: tuple[Option, ...]
    confirm: str | None  # the keyword confirming a guarded call (confirm_delete_all)
    batch: Batch | None


@dataclass(frozen=True)
class Credential:
    """A constructor argument of the client read from the environment (`env`, or `env_FILE`)."""

    argument: str
    env: str
    required: bool
    binary: bool  # the file is read as bytes (a PEM key)


@dataclass(frozen=True)
class ServiceCommands:
    name: str
    title: str
    base_url_env: str
    documented_base_url: str | None
    credentials: tuple[Credential, ...]
    credential_pointer: str | None  # a token the client places in the body
    callbacks: bool
    commands: tuple[Command, ...]

    def command(self, name: str) -> Command | None:
        wanted = name.replace("-", "_")
        return next((c for c in self.commands if c.id == wanted), None)


class UsageError(Exception):
    """The command line cannot run as given: exit status 2."""


# ---------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None, *, prog: str | None = None) -> int:
    """Run the command line; returns the exit status (0, 1 or 2, see the module)."""
    args = list(sys.argv[1:] if argv is None else argv)
    prog = prog or _prog()
    try:
        return _main(prog, args)
    except UsageError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return 2


def _prog() -> str:
    name = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else _PACKAGE
    return f"python -m {_PACKAGE}" if name in ("__main__.py", "-m", "") else name


def _main(prog: str, args: list[str]) -> int:
    services = list(importlib.import_module(_PACKAGE).SERVICES)
    if not args or args[0] in ("-h", "--help"):
        print(_top_help(prog, services), end="")
        return 0 if args else 2
    name = args[0]
    if name not in services:
        raise UsageError(f"unknown service {name!r}; the services are {', '.join(services)}")
    table: ServiceCommands = importlib.import_module(f"{_PACKAGE}.{name}.cli").COMMANDS
    rest = args[1:]
    if not rest or rest[0] in ("-h", "--help"):
        print(_service_help(prog, table), end="")
        return 0 if rest else 2
    if rest[0] == "serve-callbacks" and table.callbacks:
        return _serve_callbacks(name, rest[1:])
    command = table.command(rest[0])
    if command is None:
        known = [c.id for c in table.commands] + (["serve-callbacks"] if table.callbacks else [])
        raise UsageError(
            f"{name} has no operation {rest[0]!r}; its operations are {', '.join(known)}"
        )
    _refuse_credential_options(table, rest[1:])
    parser = _parser(prog, table, command)
    try:
        ns = parser.parse_args(rest[1:])
    except SystemExit as exc:  # argparse printed its message (or the help)
        return exc.code if isinstance(exc.code, int) else 2
    return _Run(prog, table, command, ns, args).run()


def _serve_callbacks(name: str, args: list[str]) -> int:
    """Hand the rest of the command line to the callback receiver of the runtime."""
    from . import callbacks  # only the receiver needs http.server

    return callbacks.cli_main(importlib.import_module(f"{_PACKAGE}.{name}"), args)


def _refuse_credential_options(table: ServiceCommands, args: list[str]) -> None:
    """A credential given as an option is refused without echoing its value (argparse would
    print it back in its "unrecognized arguments" message)."""
    for arg in args:
        if arg == "--":
            return
        name = arg.split("=", 1)[0]
        for credential in table.credentials:
            forms = {"--" + credential.argument, "--" + credential.argument.replace("_", "-")}
            if name in forms:
                raise UsageError(
                    f"{name}: credentials are never taken from the command line (other users "
                    f"see it in the process list); set {credential.env}, or {credential.env}_FILE "
                    "naming a file that holds it"
                )


# ---------------------------------------------------------------------------------------------
# Help
# ---------------------------------------------------------------------------------------------


def _top_help(prog: str, services: list[str]) -> str:
    lines = [
        f"usage: {prog} SERVICE OPERATION [--option ...]",
        f"       {prog} SERVICE --help",
        "",
        "Call any documented operation of the outbound-call vendor APIs; requests are validated",
        "before they are sent, results are printed as JSON.",
        "",
        "services:",
    ]
    for name in services:
        table: ServiceCommands = importlib.import_module(f"{_PACKAGE}.{name}.cli").COMMANDS
        count = len(table.commands)
        lines.append(f"  {name:<20} {table.title} ({count} operation{'s' if count != 1 else ''})")
    lines += [
        "",
        "Connection: --base-url URL or OUTBOUND_<SERVICE>_BASE_URL. Credentials only from the",
        "environment: OUTBOUND_<SERVICE>_<ARGUMENT>, or OUTBOUND_<SERVICE>_<ARGUMENT>_FILE naming",
        "a file that holds it (`SERVICE --help` lists them).",
        "Exit status: 0 success; 1 violations, API errors, rows not all accepted; 2 usage errors.",
    ]
    return "\n".join(lines) + "\n"


def _service_help(prog: str, table: ServiceCommands) -> str:
    width = max([len(c.id) for c in table.commands] + [len("serve-callbacks")])
    lines = [
        f"usage: {prog} {table.name} OPERATION [--option ...]",
        "",
        table.title,
        "",
        "operations:",
    ]
    for c in table.commands:
        notes = [c.source] if c.source else []
        if c.batch is not None:
            notes.append("bulk loads: --from FILE")
        tail = f" ({'; '.join(notes)})" if notes else ""
        lines.append(f"  {c.id:<{width}}  {c.summary}{tail}")
    if table.callbacks:
        lines.append(
            f"  {'serve-callbacks':<{width}}  receive the results the vendor pushes "
            f"({prog} {table.name} serve-callbacks --help)"
        )
    lines += ["", "environment:", *_environment_lines(table), ""]
    lines.append(f"`{prog} {table.name} OPERATION --help` lists the operation's options.")
    return "\n".join(lines) + "\n"


def _environment_lines(table: ServiceCommands) -> list[str]:
    documented = (
        f"; the documents give {table.documented_base_url}" if table.documented_base_url else ""
    )
    lines = [
        f"  {table.base_url_env}",
        f"      the base URL, unless --base-url is given{documented}",
    ]
    for c in table.credentials:
        need = "required" if c.required else "optional"
        lines += [
            f"  {c.env}, or {c.env}_FILE",
            f"      the client's {c.argument} ({need}), or a file holding it",
        ]
    lines += [f"  {PACER_ENV}", "      the pacer URL, unless --pacer is given"]
    return lines


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=30, width=100)


def _parser(prog: str, table: ServiceCommands, command: Command) -> argparse.ArgumentParser:
    description = command.summary
    if command.source:
        description += f"\nSource: {command.source}. Route: {command.route}."
    epilog = "\n".join(
        [
            "environment:",
            *_environment_lines(table),
            "",
            'Prints {"result": ..., "deviations": [...]} as JSON on stdout.',
            "Exit status: 0 success; 1 violations, API errors, failed exchanges (bulk: a row not",
            "accepted); 2 usage errors.",
        ]
    )
    parser = argparse.ArgumentParser(
        prog=f"{prog} {table.name} {command.id}",
        description=description,
        epilog=epilog,
        formatter_class=_Formatter,
        allow_abbrev=False,
    )
    groups = {
        "path": parser.add_argument_group("path parameters"),
        "body": parser.add_argument_group("body (or --json)"),
    }
    for option in command.options:
        groups[option.location].add_argument(
            option.flag,
            dest=_PARAMETER + option.dest,
            type=_READERS[option.kind],
            metavar=_METAVARS[option.kind],
            required=option.location == "path",
            help=option.help.replace("%", "%%"),
        )
    groups["body"].add_argument(
        "--json",
        metavar="FILE",
        dest="_json",
        help="the request's arguments as a JSON object with their wire names, from FILE or - "
        "(stdin); options given beside it replace its members",
    )
    if command.confirm:
        groups["body"].add_argument(
            "--" + command.confirm.replace("_", "-"),
            action="store_true",
            dest="_confirm",
            help="confirm a call that names no criterion (it could select every record)",
        )
    connection = parser.add_argument_group("connection")
    connection.add_argument(
        "--base-url", metavar="URL", dest="_base_url", help=f"default: ${table.base_url_env}"
    )
    verify = connection.add_mutually_exclusive_group()
    verify.add_argument(
        "--verify",
        metavar="CA_FILE",
        dest="_verify",
        help="verify the server's certificate with this CA bundle (PEM) instead of the system's",
    )
    verify.add_argument(
        "--insecure",
        action="store_true",
        dest="_insecure",
        help="do not verify the server's certificate (testing only)",
    )
    connection.add_argument(
        "--timeout",
        type=_positive,
        default=10.0,
        metavar="SECONDS",
        dest="_timeout",
        help="connect, write and read timeout (default: 10; the whole exchange gets three times "
        "that)",
    )
    connection.add_argument(
        "--pacer",
        metavar="URL",
        dest="_pacer",
        help=f"share the documented pacing through this pacer (memory:, off, file:///DIR, "
        f"redis://HOST:PORT/DB); default: ${PACER_ENV}, else the client's own",
    )
    if command.batch is not None:
        _bulk_options(parser, command.batch)
    return parser


def _bulk_options(parser: argparse.ArgumentParser, batch: Batch) -> None:
    fields = ", ".join(
        wire + ("" if py.rstrip("_") == wire else f"/{py.rstrip('_')}") + ("*" if required else "")
        for wire, py, _, required in batch.fields
    )
    pace = f" at least {batch.min_interval:g} s apart" if batch.min_interval else ""
    about = (
        f"Send every row of a file, {batch.size} per call{pace}, with a journal that makes the "
        "load resumable: run the same command again after a crash or Ctrl-C."
    )
    group = parser.add_argument_group("bulk load", textwrap.fill(about, 96))
    group.add_argument(
        "--from",
        metavar="FILE",
        dest="_from",
        help=f"the {batch.item_model} items: CSV with a header of field names ({fields}; "
        "* required), or JSON Lines (.jsonl); UTF-8, with or without BOM. Every row is "
        "checked before anything is sent",
    )
    group.add_argument(
        "--journal",
        metavar="FILE",
        dest="_journal",
        help="the journal (SQLite; default: the input's path + .journal); refuses another "
        "input or other parameters",
    )
    group.add_argument(
        "--skip-invalid",
        action="store_true",
        dest="_skip_invalid",
        help="send the valid rows and leave the invalid ones out (default: send nothing while "
        "a row is invalid)",
    )
    group.add_argument(
        "--resend-unknown",
        action="store_true",
        dest="_resend_unknown",
        help="send again the rows whose call's answer never arrived (unknown); look for them "
        "on the server first",
    )
    group.add_argument(
        "--report",
        metavar="FILE.csv",
        dest="_report",
        help="write one line per input row: row, outcome (accepted, rejected, not sent, "
        "unknown, invalid), code, message",
    )
    group.add_argument(
        "--max-split-calls",
        type=_natural,
        default=20,
        metavar="N",
        dest="_max_split_calls",
        help="extra calls a call refused with an item code may cost to find the rows at fault "
        "(default: 20)",
    )


# ---------------------------------------------------------------------------------------------
# Reading option values
# ---------------------------------------------------------------------------------------------

_INTEGER = re.compile(r"-?[0-9]+")
_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")


def _text(value: str) -> str:
    return value


def _int(value: str) -> int:
    if not _INTEGER.fullmatch(value):
        raise argparse.ArgumentTypeError(f"{value!r} is not an integer")
    return int(value)


def _number(value: str) -> int | float:
    if not _NUMBER.fullmatch(value) or not math.isfinite(float(value)):
        raise argparse.ArgumentTypeError(f"{value!r} is not a number")
    number: int | float = json.loads(value)
    return number


def _bool(value: str) -> bool:
    if value not in ("true", "false"):
        raise argparse.ArgumentTypeError(f"{value!r} is not true or false")
    return value == "true"


def _json(value: str) -> Any:
    try:
        return json.loads(value)
    except (ValueError, RecursionError) as exc:
        raise argparse.ArgumentTypeError(f"not JSON: {exc}") from None


def _positive(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not (math.isfinite(number) and number > 0):
        raise argparse.ArgumentTypeError(f"{value!r} is not a positive number of seconds")
    return number


def _natural(value: str) -> int:
    number = _int(value)
    if number < 0:
        raise argparse.ArgumentTypeError(f"{value!r} is negative")
    return number


_READERS = {"text": _text, "int": _int, "number": _number, "bool": _bool, "json": _json}
_METAVARS = {"text": "TEXT", "int": "INT", "number": "NUMBER", "bool": "true|false", "json": "JSON"}


# ---------------------------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------------------------


class _Run:
    """One parsed command: connection, request, call, output."""

    def __init__(
        self,
        prog: str,
        table: ServiceCommands,
        command: Command,
        ns: argparse.Namespace,
        args: list[str],
    ) -> None:
        self.prog = prog
        self.table = table
        self.command = command
        self.ns = ns
        self.args = args
        self.module: ModuleType = importlib.import_module(f"{_PACKAGE}.{table.name}")
        self.base_url = ""
        self.pacer = ""

    def run(self) -> int:
        ns = self.ns
        bulk_only = ("_journal", "_skip_invalid", "_resend_unknown", "_report")
        given = [n for n in bulk_only if getattr(ns, n, None)]
        if given and not getattr(ns, "_from", None):
            flags = ", ".join("--" + n[1:].replace("_", "-") for n in given)
            raise UsageError(f"{flags} only apply to a bulk load (--from FILE)")
        params = self.path_params()
        if getattr(ns, "_from", None):
            return self.bulk(params)
        arguments = self.arguments()
        violations = self.violations(params, arguments)
        if violations:
            return self.refused(violations)
        kwargs = self.keywords(params, arguments)
        if self.command.confirm and ns._confirm:
            kwargs[self.command.confirm] = True
        try:
            with self.client() as client:
                result = getattr(client, self.command.id)(**kwargs)
        except ValidationError as exc:
            return self.refused(exc.violations)
        except ConfirmationRequired as exc:
            flag = "--" + (exc.argument or "confirm").replace("_", "-")
            raise UsageError(f"{exc} (on the command line: {flag})") from None
        except OutboundError as exc:  # ApiError, ResponseError, TransportError
            print(f"{self.command.id}: {_error_kind(exc)}: {exc}", file=sys.stderr)
            return 1
        deviations = [_violation_json(v) for v in getattr(result, "deviations", [])]
        output = {"result": result.to_wire(), "deviations": deviations}
        print(json.dumps(output, ensure_ascii=False, indent=2))
        return 0

    # -- the request ---------------------------------------------------------------------------

    def given(self, option: Option) -> Any:
        """The value given for a parameter's option (None: not given)."""
        return getattr(self.ns, _PARAMETER + option.dest)

    def path_params(self) -> dict[str, Any]:
        return {o.wire: self.given(o) for o in self.command.options if o.location == "path"}

    def arguments(self) -> dict[str, Any]:
        """The arguments object in wire form: --json, then the options given."""
        arguments: dict[str, Any] = {}
        source = self.ns._json
        if source is not None:
            arguments = _read_json(source)
            pointer = self.table.credential_pointer
            if pointer and not self.command.arguments_at and pointer[1:] in arguments:
                raise UsageError(
                    f"--json: {pointer[1:]!r} is a credential: the client sets it from "
                    f"{self.table.credentials[0].env}; leave it out of the file"
                )
        for option in self.command.options:
            value = self.given(option)
            if option.location == "body" and value is not None:
                arguments[option.wire] = value
        return arguments

    def violations(self, params: dict[str, Any], arguments: dict[str, Any]) -> list[Violation]:
        """Every violation of the request as given (the credential, set by the client, aside)."""
        found: list[Violation] = list(self.module.validate_path(self.command.id, params))
        pointer = self.table.credential_pointer
        for v in self.module.validate_request(self.command.id, self.body(arguments)):
            if pointer and (v.path == pointer or v.path.startswith(pointer + "/")):
                continue
            found.append(v)
        return found

    def body(self, arguments: dict[str, Any]) -> dict[str, Any]:
        body = arguments
        for token in reversed(self.command.arguments_at):
            body = {token: body}
        return body

    def keywords(self, params: dict[str, Any], arguments: dict[str, Any]) -> dict[str, Any]:
        """The client method's keyword arguments. The arguments were validated, so reading them
        into the arguments model loses nothing (models turn "59" into 59 where documented)."""
        model = getattr(self.module.models, self.command.arguments_model).from_wire(arguments)
        kwargs: dict[str, Any] = {}
        for option in self.command.options:
            if option.location == "path":
                kwargs[option.dest] = params[option.wire]
            elif option.wire in arguments:
                kwargs[option.dest] = getattr(model, option.dest)
        return kwargs

    def refused(self, violations: Sequence[Violation]) -> int:
        count = len(violations)
        print(
            f"{self.command.id}: {count} violation{'s' if count != 1 else ''}, nothing was sent:",
            file=sys.stderr,
        )
        for v in violations:
            print(f"  {v}", file=sys.stderr)
        return 1

    # -- the client ----------------------------------------------------------------------------

    def client(self) -> Any:
        ns = self.ns
        base_url = self.base_url = ns._base_url or os.environ.get(self.table.base_url_env, "")
        if not base_url:
            documented = self.table.documented_base_url
            raise UsageError(
                f"no base URL: give --base-url URL or set {self.table.base_url_env}"
                + (f" (the documents give {documented})" if documented else "")
            )
        kwargs: dict[str, Any] = {}
        missing = []
        for credential in self.table.credentials:
            value = _credential(credential)
            if value is not None:
                kwargs[credential.argument] = value
            elif credential.required:
                missing.append(f"{credential.env} (or {credential.env}_FILE)")
        if missing:
            raise UsageError(
                "missing credentials: set "
                + " and ".join(missing)
                + "; credentials are read from the environment only"
            )
        verify: bool | str = True
        if ns._insecure:
            verify = False
        elif ns._verify:
            if not Path(ns._verify).is_file():
                raise UsageError(f"--verify {ns._verify}: no such file")
            verify = ns._verify
        kwargs.update(timeout=ns._timeout, verify=verify)
        pacer = self.pacer = ns._pacer or os.environ.get(PACER_ENV, "")
        if pacer:  # the client parses it (pacing.pacer_from_url); a bad URL is a usage error
            kwargs["pacer"] = pacer
        try:
            return self.module.Client(base_url, **kwargs)
        except (ValueError, TypeError, ImportError) as exc:
            raise UsageError(f"cannot make the {self.table.name} client: {exc}") from None

    # -- bulk ----------------------------------------------------------------------------------

    def bulk(self, params: dict[str, Any]) -> int:
        from . import bulk  # only a bulk load needs csv and sqlite3

        command, ns = self.command, self.ns
        batch = command.batch
        assert batch is not None
        others = [
            o.flag for o in command.options if o.location == "body" and self.given(o) is not None
        ]
        if others or ns._json is not None:
            flags = ", ".join(others + (["--json"] if ns._json is not None else []))
            raise UsageError(
                f"{flags}: a bulk load takes its items from --from, and only path parameters "
                "beside it"
            )
        path_violations = list(self.module.validate_path(command.id, params))
        if path_violations:
            return self.refused(path_violations)
        if ns._from == "-":
            raise UsageError("--from needs a file (the journal resumes against it), not -")
        input_path = Path(ns._from)
        journal_path = Path(ns._journal) if ns._journal else Path(f"{input_path}.journal")
        client = self.client()
        item_model = getattr(self.module.models, batch.item_model)
        send_method = getattr(client, f"{command.id}_in_batches")
        path_keywords = {o.dest: params[o.wire] for o in command.options if o.location == "path"}

        def send_all(items: Any, progress: Any, hooks: Any) -> Any:
            return send_method(
                **path_keywords,
                **{batch.dest: items},
                progress=progress,
                max_split_calls=ns._max_split_calls,
                hooks=hooks,
            )

        def validate_items(wires: list[dict[str, Any]]) -> list[list[Violation]]:
            body = self.body({batch.wire: wires})
            violations = self.module.validate_request(command.id, body)
            return bulk.items_problems(violations, batch.items_at, len(wires), batch.unique_field)

        def unique_code() -> str | None:
            return self.unique_code(batch)

        load = bulk.Load(
            label=f"{self.table.name} {command.id}",
            input_path=input_path,
            journal_path=journal_path,
            report_path=Path(ns._report) if ns._report else None,
            spec=bulk.ItemSpec(batch.fields),
            size=batch.size,
            min_interval=self.pace(command, pacer_off=self.pacer == "off"),
            unique_field=batch.unique_field,
            unique_code=unique_code,
            validate_items=validate_items,
            make_item=item_model.from_wire,
            send_all=send_all,
            params={
                "service": self.table.name,
                "operation": command.id,
                "path": params,
                "base_url": _without_userinfo(self.base_url).rstrip("/"),
                "skip_invalid": bool(ns._skip_invalid),
            },
            skip_invalid=bool(ns._skip_invalid),
            resend_unknown=bool(ns._resend_unknown),
            command_line=self.command_line(),
            version=str(importlib.import_module(_PACKAGE).__version__),
        )
        try:
            with client:
                return load.run()
        except bulk.UsageProblem as exc:
            raise UsageError(str(exc)) from None

    def pace(self, command: Command, *, pacer_off: bool) -> float | None:
        """Seconds between two calls of `command`: the client's own Operation.min_interval (the
        documented pace), none with --pacer off."""
        if pacer_off:
            return None
        client = importlib.import_module(f"{_PACKAGE}.{self.table.name}.client")
        operation = getattr(client, "OP_" + command.id.upper(), None)
        interval = getattr(operation, "min_interval", None)
        return float(interval) if interval else None

    def unique_code(self, batch: Batch) -> str | None:
        """The documented code of a repeated unique key (what the validator reports)."""
        if batch.unique_field is None:
            return None
        twice = {batch.unique_field: "0"}
        body = self.body({batch.wire: [twice, twice]})
        for v in self.module.validate_request(self.command.id, body):
            if v.rule == "unique":
                return v.code  # type: ignore[no-any-return]
        return None

    def command_line(self) -> str:
        """The command as typed, to show how to resume and to record in the journal; the
        user:password of a URL (--base-url, --pacer redis://…) is shown as ***."""
        return f"{self.prog} {shlex.join(_userinfo_masked(a) for a in self.args)}"


def _credential(credential: Credential) -> str | bytes | None:
    """The value of a credential's environment variable, or of the file its _FILE names."""
    value = os.environ.get(credential.env)
    file_name = os.environ.get(credential.env + "_FILE")
    if value and file_name:
        raise UsageError(f"set {credential.env} or {credential.env}_FILE, not both")
    if value:
        return value
    if not file_name:
        return None
    try:
        data = Path(file_name).read_bytes()
    except OSError as exc:
        raise UsageError(
            f"{credential.env}_FILE names {file_name}, which cannot be read: {exc.strerror}"
        ) from None
    if credential.binary:
        return data
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{credential.env}_FILE: {file_name} is not UTF-8 text") from None
    text = text.rstrip("\r\n")  # files usually end with a newline; a credential does not
    if not text:
        raise UsageError(f"{credential.env}_FILE: {file_name} is empty")
    return text


def _read_json(source: str) -> dict[str, Any]:
    where = "stdin" if source == "-" else source
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text("utf-8-sig")
    except OSError as exc:
        raise UsageError(f"--json {where}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise UsageError(f"--json {where}: not UTF-8") from None
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise UsageError(f"--json {where}: not JSON: {exc}") from None
    if type(value) is not dict:
        raise UsageError(f"--json {where}: expected a JSON object of the request's arguments")
    return value


def _without_userinfo(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    host, slash, path = rest.partition("/")
    return f"{scheme}://{host.rpartition('@')[2]}{slash}{path}"


def _userinfo_masked(text: str) -> str:
    scheme, sep, rest = text.partition("://")
    host, slash, path = rest.partition("/")
    if not sep or "@" not in host:
        return text
    return f"{scheme}://***@{host.rpartition('@')[2]}{slash}{path}"


def _violation_json(v: Violation) -> dict[str, Any]:
    return {"path": v.path, "rule": v.rule, "code": v.code, "message": v.message, "value": v.value}


def _error_kind(exc: BaseException) -> str:
    if isinstance(exc, ApiError):
        return "the server refused the call"
    if isinstance(exc, ResponseError):
        return "the answer cannot be read"
    if isinstance(exc, TransportError):
        return "the exchange failed"
    return type(exc).__name__
