"""IR → the command-line tables of each service (`outbound/<service>/cli.py`).

`python -m outbound SERVICE OPERATION [--option …]` is data-driven: the runtime
(`templates/runtime/cli.py`) builds its parsers from these tables. Every decision about the
command line is made here, on the IR: each parameter's option name (`--kebab-case` of its
keyword argument, path parameters included), how its text is read (`kind`), its help (the
documented description, constraints in words, source), the environment variables of the
client's constructor arguments, and what a bulk load (`--from FILE`) needs of a batch
operation. The template only renders.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from . import pointers
from .emit_models import client_context
from .ir import FORMATS, ObjectType, Operation, Property, Schema, Service

CLI_OPTIONS = frozenset(
    {
        "--help",
        "--json",
        "--base-url",
        "--verify",
        "--insecure",
        "--timeout",
        "--pacer",
        "--from",
        "--journal",
        "--skip-invalid",
        "--resend-unknown",
        "--report",
        "--max-split-calls",
    }
)
"""The options the runtime CLI defines for every operation (templates/runtime/cli.py); a
parameter whose option would take one of these names is renamed (`_unique_flags`)."""

_KINDS = {  # wire type → how the option's text is read
    "string": "text",
    "integer_string": "text",  # travels as text ("59"): the text is sent as given
    "integer": "int",
    "number": "number",
    "boolean": "bool",
}


@dataclass(frozen=True)
class OptionView:
    flag: str  # --vdn-id
    dest: str  # the client method's keyword argument: vdn_id
    wire: str  # vdnId
    location: str  # "path" | "body"
    kind: str  # text | int | number | bool | json
    required: bool
    help: str


@dataclass(frozen=True)
class ItemFieldView:
    wire: str
    py: str
    kind: str
    required: bool


@dataclass(frozen=True)
class BatchView:
    dest: str
    wire: str
    items_at: str  # JSON Pointer of the array in the request body
    size: int
    item_model: str
    fields: tuple[ItemFieldView, ...]
    unique_field: str | None
    unique_py: str | None
    min_interval: float | None


@dataclass(frozen=True)
class CommandView:
    id: str
    summary: str
    source: str | None
    route: str  # "POST /rest/…/{vdnId}/calldata/{campaignId}"
    arguments_at: tuple[str, ...]
    arguments_model: str
    options: tuple[OptionView, ...]
    confirm: str | None  # the guard's confirmation argument (confirm_delete_all)
    batch: BatchView | None


@dataclass(frozen=True)
class CredentialView:
    argument: str
    env: str
    required: bool
    binary: bool  # str | bytes (a PEM key): the _FILE variant is read as bytes


@dataclass(frozen=True)
class ServiceCliView:
    name: str
    title: str
    base_url_env: str
    documented_base_url: str | None
    credentials: tuple[CredentialView, ...]
    credential_pointer: str | None  # a body token's place, filled by the client
    callbacks: bool
    commands: tuple[CommandView, ...]

    @property
    def imports(self) -> list[str]:
        """The runtime classes the table uses (ruff refuses unused imports)."""
        used = {
            "Batch": any(c.batch for c in self.commands),
            "Command": bool(self.commands),
            "Credential": bool(self.credentials),
            "Option": any(c.options for c in self.commands),
            "ServiceCommands": True,
        }
        return [name for name, needed in used.items() if needed]


def env_prefix(service: Service) -> str:
    return f"OUTBOUND_{service.name.upper()}_"


def flag_of(py_name: str) -> str:
    """`vdn_id` → `--vdn-id`; a trailing `_` (Python keywords: `type_`) is dropped."""
    return "--" + py_name.rstrip("_").replace("_", "-")


def kind_of(s: Schema) -> str:
    kinds = {_KINDS.get(t, "json") for t in s.non_null_types} or {"json"}
    return kinds.pop() if len(kinds) == 1 else "json"


def _number(value: float) -> str:
    return json.dumps(value)


def _bounds(s: Schema, subject: str) -> str | None:
    low = high = ""
    if s.minimum is not None:
        low = f"{_number(s.minimum)} ≤ "
    elif s.exclusive_minimum is not None:
        low = f"{_number(s.exclusive_minimum)} < "
    if s.maximum is not None:
        high = f" ≤ {_number(s.maximum)}"
    elif s.exclusive_maximum is not None:
        high = f" < {_number(s.exclusive_maximum)}"
    if not low and not high:
        return None
    return f"{low}{subject}{high}"


def _count(low: int | None, high: int | None, unit: str) -> str | None:
    def units(n: int) -> str:
        return unit if n == 1 else unit + "s"

    if low is not None and high is not None:
        return f"{low} to {high} {units(high)}" if low != high else f"exactly {low} {units(low)}"
    if high is not None:
        return f"at most {high} {units(high)}"
    if low is not None:
        return f"at least {low} {units(low)}"
    return None


def constraints(s: Schema) -> list[str]:
    """The documented rules on one value, in words (the validators enforce the same)."""
    found: list[str] = []
    if s.enum:
        values = [
            json.dumps(e.value, ensure_ascii=False) + (f" ({e.meaning})" if e.meaning else "")
            for e in s.enum
        ]
        found.append("one of " + ", ".join(values))
    if "integer_string" in s.types:
        found.append("digits")
        bounds = _bounds(s, "number")
    else:
        bounds = _bounds(s, "value")
    length = _count(s.min_length, s.max_length, "character")
    if length:
        found.append(length)
    if s.max_bytes is not None:
        found.append(f"at most {s.max_bytes} bytes in UTF-8")
    if s.pattern is not None:
        found.append(f"matching {s.pattern}")
    if s.forbidden_chars is not None:
        found.append(f"none of the characters {s.forbidden_chars}")
    if s.format is not None:
        found.append(f"format {FORMATS.get(s.format, s.format)}")
    if bounds:
        found.append(bounds)
    items = _count(s.min_items, s.max_items, "item")
    if items:
        found.append(items)
    if s.unique_by is not None:
        found.append(f"no two items with the same {s.unique_by}")
    elif s.unique:
        found.append("items unique")
    if s.must_match is not None:
        found.append(f"equal to one of the values at {s.must_match}")
    if s.has_default:
        found.append(f"default {json.dumps(s.default, ensure_ascii=False)}")
    return found


def _shape(s: Schema) -> str | None:
    """What JSON a `json` option takes, e.g. `a JSON array of CallData objects (called*, …)`."""
    if s.items is not None and s.items.object is not None:
        obj = s.items.object
        return f"a JSON array of {obj.name} objects ({_fields(obj)})"
    if s.object is not None:
        return f"a JSON {s.object.name} object ({_fields(s.object)})"
    if s.items is not None:
        return "a JSON array"
    return None


def _fields(obj: ObjectType) -> str:
    return ", ".join(p.name + ("*" if p.required else "") for p in obj.properties)


def option_help(p: Property, owner: ObjectType | None, extra: list[str] | None = None) -> str:
    s = p.schema
    rules = ["required"] if p.required else []
    if p.required_if is not None:
        equals = json.dumps(p.required_if.equals, ensure_ascii=False)
        rules.append(f"required when {p.required_if.field} is {equals}")
    if owner is not None:
        for name, needs in owner.dependent_required:
            if name == p.name:
                rules.append("needs " + ", ".join(needs))
        if p.name in owner.exactly_one_of:
            rules.append("exactly one of " + ", ".join(owner.exactly_one_of))
    if kind_of(s) == "json":
        shape = _shape(s)
        if shape:
            rules.append(shape)
    rules += constraints(s)
    rules += extra or []
    parts = [s.description.strip()] if s.description.strip() else []
    if rules:
        parts.append("Constraints: " + "; ".join(rules) + ".")
    if s.source:
        parts.append(f"Source: {s.source}.")
    return " ".join(parts)


def _batch(service: Service, op: Operation, prop: Property) -> BatchView:
    array = prop.schema
    assert array.items is not None and array.items.object is not None and array.max_items
    item = array.items.object
    unique_py = None
    if array.unique_by is not None:
        key = item.prop(array.unique_by)
        assert key is not None  # checked by the build
        unique_py = key.py_name
    return BatchView(
        dest=prop.py_name,
        wire=prop.name,
        items_at=op.arguments_at + "/" + pointers.escape(prop.name),
        size=array.max_items,
        item_model=item.name,
        fields=tuple(
            ItemFieldView(f.name, f.py_name, kind_of(f.schema), f.required)
            for f in item.properties
        ),
        unique_field=array.unique_by,
        unique_py=unique_py,
        min_interval=op.min_interval,
    )


def command(service: Service, op: Operation) -> CommandView:
    args = op.arguments
    credential = service.auth.body_field if service.auth.scheme == "body_token" else None
    options: list[OptionView] = []
    for p in op.path_params:
        options.append(
            OptionView(
                flag_of(p.py_name),
                p.py_name,
                p.name,
                "path",
                kind_of(p.schema),
                True,
                option_help(p, None),
            )
        )
    batch = None
    for p in args.properties:
        if credential is not None and op.arguments_at + "/" + pointers.escape(p.name) == credential:
            continue  # the client fills it from its constructor argument
        extra = []
        if p.name == op.batch_field:
            batch = _batch(service, op, p)
            extra.append(f"or --from FILE: a bulk load, {batch.size} items per call")
        options.append(
            OptionView(
                flag_of(p.py_name),
                p.py_name,
                p.name,
                "body",
                kind_of(p.schema),
                p.required,
                option_help(p, args, extra),
            )
        )
    options = _unique_flags(op, options)
    assert op.request.object is not None
    route = op.path + ("?" + "&".join(f"{k}={v}" for k, v in op.query) if op.query else "")
    return CommandView(
        id=op.id,
        summary=op.summary.strip(),
        source=op.source,
        route=f"{op.method.upper()} {route}",
        arguments_at=tuple(pointers.split(op.arguments_at)),
        arguments_model=args.name,
        options=tuple(options),
        confirm=op.guard.confirm if op.guard else None,
        batch=batch,
    )


def _unique_flags(op: Operation, options: list[OptionView]) -> list[OptionView]:
    """Each option gets a name of its own: a parameter whose `--kebab-case` name is one of the
    command line's own options (`--json`, `--from`, …), the guard's confirmation, or an earlier
    parameter's, is `--path-NAME` / `--body-NAME` instead (then numbered, should that be taken
    too); its help says so."""
    taken = set(CLI_OPTIONS)
    if op.guard:
        taken.add(flag_of(op.guard.confirm))
    unique: list[OptionView] = []
    for option in options:
        flag = option.flag
        if flag in taken:
            flag = f"--{option.location}-{option.flag[2:]}"
            number = 2
            while flag in taken:
                flag = f"--{option.location}-{option.flag[2:]}-{number}"
                number += 1
            note = f" (Named {flag}: {option.flag} is another option.)"
            option = replace(option, flag=flag, help=option.help + note)
        taken.add(flag)
        unique.append(option)
    return unique


def service_cli(service: Service) -> ServiceCliView:
    prefix = env_prefix(service)
    params = client_context(service)["auth_params"]
    assert isinstance(params, list)
    credentials = tuple(
        CredentialView(name, prefix + name.upper(), default is None, "bytes" in annotation)
        for name, annotation, default in params
    )
    return ServiceCliView(
        name=service.name,
        title=service.title,
        base_url_env=prefix + "BASE_URL",
        documented_base_url=service.base_url,
        credentials=credentials,
        credential_pointer=(
            service.auth.body_field or "/token" if service.auth.scheme == "body_token" else None
        ),
        callbacks=bool(service.callbacks),
        commands=tuple(command(service, op) for op in service.operations),
    )
