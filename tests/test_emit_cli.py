"""The command-line tables (`generator/emit_cli.py`): option names, kinds, help words, the
environment variables, what a batch operation declares, and options that would collide."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from generator import emit_cli
from generator.spec import load_specs

ROOT = Path(__file__).resolve().parents[1]
SOURCE = "000 t"


def spec_with(properties: dict[str, Any], *, guard: dict[str, Any] | None = None) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": "Do it.",
        "source": SOURCE,
        "method": "POST",
        "path": "/p/{pathId}",
        "path_params": {"pathId": {"type": "integer", "minimum": 1, "source": SOURCE}},
        "creates": False,
        "request": {
            "type": "object",
            "properties": {"token": {"type": "string", "required": True}, **properties},
        },
        "response": {
            "type": "object",
            "properties": {"code": {"type": "integer"}, "msg": {"type": "string"}},
        },
    }
    if guard:
        operation["guard"] = guard
    return {
        "callgen": 1,
        "service": "tiny",
        "title": "Tiny",
        "sources": {"000": {"file": "000.txt", "title": "t"}},
        "base_url": {"documented": None, "source": SOURCE},
        "auth": {"scheme": "body_token", "source": SOURCE, "body_field": "/token"},
        "envelope": {"code": "/code", "message": "/msg", "success": [0], "source": SOURCE},
        "error_codes": [],
        "operations": {"do_it": operation},
    }


def view(tmp_path: Path, spec: dict[str, Any]) -> emit_cli.ServiceCliView:
    for part in ("request", "response"):  # every property names a source (the spec language)
        for prop in spec["operations"]["do_it"][part]["properties"].values():
            prop.setdefault("source", SOURCE)
    (tmp_path / "tiny.yaml").write_text(
        yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), "utf-8"
    )
    (service,) = load_specs(tmp_path)
    return emit_cli.service_cli(service)


def test_options_kinds_and_help(tmp_path: Path) -> None:
    cli = view(
        tmp_path,
        spec_with(
            {
                "phoneNumber": {
                    "type": "string",
                    "required": True,
                    "max_length": 24,
                    "pattern": "^[0-9]+$",
                    "description": "The number.",
                    "source": "000 #2",
                },
                "count": {"type": "integer", "minimum": 0, "maximum": 9, "default": 1},
                "ratio": {"type": "number", "exclusive_minimum": 0},
                "on": {"type": "boolean"},
                "page": {"type": "integer_string"},
                "mode": {
                    "type": "string",
                    "enum": [{"value": "a", "meaning": "all"}, {"value": "b", "meaning": ""}],
                },
                "items": {"type": "array", "items": {"type": "string"}, "max_items": 3},
            }
        ),
    )
    assert cli.base_url_env == "OUTBOUND_TINY_BASE_URL"
    assert [(c.argument, c.env, c.required) for c in cli.credentials] == [
        ("token", "OUTBOUND_TINY_TOKEN", True)
    ]
    assert cli.credential_pointer == "/token"
    (command,) = cli.commands
    options = {o.flag: o for o in command.options}
    assert list(options) == [
        "--path-id", "--phone-number", "--count", "--ratio", "--on", "--page", "--mode", "--items",
    ]  # fmt: skip
    assert [o.kind for o in options.values()] == [
        "int", "text", "int", "number", "bool", "text", "text", "json",
    ]  # fmt: skip
    assert options["--path-id"].location == "path" and options["--path-id"].required
    assert options["--phone-number"].help == (
        "The number. Constraints: required; at most 24 characters; matching ^[0-9]+$. "
        "Source: 000 #2."
    )
    assert "0 ≤ value ≤ 9; default 1" in options["--count"].help
    assert "0 < value" in options["--ratio"].help
    assert "digits" in options["--page"].help
    assert 'one of "a" (all), "b"' in options["--mode"].help
    assert "a JSON array; at most 3 items" in options["--items"].help
    assert command.batch is None and command.confirm is None
    assert cli.imports == ["Command", "Credential", "Option", "ServiceCommands"]


def test_options_that_would_collide_are_renamed(tmp_path: Path) -> None:
    cli = view(
        tmp_path,
        spec_with(
            {
                "json": {"type": "string"},
                "from": {"type": "string"},
                "bodyJson": {"type": "string"},
                "sure": {"type": "string"},
                "confirm_all": {"type": "string"},
            },
            guard={"unless_any_of": ["sure"], "confirm": "confirm_everything"},
        ),
    )
    flags = [o.flag for o in cli.commands[0].options]
    assert flags == [
        "--path-id",
        "--body-json",
        "--body-from",
        "--body-body-json",
        "--sure",
        "--confirm-all",
    ]
    renamed = cli.commands[0].options[1]
    assert renamed.wire == "json" and renamed.help.endswith(
        "(Named --body-json: --json is another option.)"
    )
    assert cli.commands[0].confirm == "confirm_everything"


def test_huawei_add_declares_its_batch() -> None:
    services = {s.name: s for s in load_specs(ROOT / "specs")}
    cli = emit_cli.service_cli(services["huawei_isales"])
    add, delete = cli.commands
    assert add.batch is not None and delete.batch is None
    assert (add.batch.dest, add.batch.wire, add.batch.items_at, add.batch.size) == (
        "call_data_list",
        "callDataList",
        "/callDataList",
        20,
    )
    assert add.batch.unique_field == "called" and add.batch.min_interval == 1
    assert [f.wire for f in add.batch.fields] == [
        "sessionId", "called", "caller", "customField", "recycleTime", "callData",
    ]  # fmt: skip
    assert [f.wire for f in add.batch.fields if f.required] == ["called"]
    assert delete.confirm == "confirm_delete_all"
    assert [c.env for c in cli.credentials] == [
        "OUTBOUND_HUAWEI_ISALES_ACCESS_KEY",
        "OUTBOUND_HUAWEI_ISALES_SECRET_KEY",
        "OUTBOUND_HUAWEI_ISALES_AUTH_VARIANT",
    ]
    binary = {
        c.argument: c.binary for c in emit_cli.service_cli(services["dezhu_speech"]).credentials
    }
    assert binary == {"app_id": False, "private_key_pem": True}
    # only operations with a batch declaration take --from: the spec decides, not the CLI
    batched = {
        (s.name, c.id)
        for s in services.values()
        for c in emit_cli.service_cli(s).commands
        if c.batch
    }
    assert batched == {("huawei_isales", "add_call_data")}
