"""`callgen validate`, `callgen schema`, --help and --version, run as a user runs them.

Each command runs in a subprocess (`python -m generator`), so what is checked is the exit status
and the text a user sees: 0 fine, 1 findings, 2 usage error; never a traceback.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from generator import __version__
from generator.spec import load_specs

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "generated" / "outbound"


def callgen(*args: str, stdin: str | bytes | None = None, cwd: Path = ROOT) -> tuple[int, str, str]:
    # no .pyc files in generated/ (tests never write there)
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
    proc = subprocess.run(
        [sys.executable, "-m", "generator", *args],
        check=False,
        cwd=cwd,
        env=env,
        input=data if data is not None else b"",
        capture_output=True,
        timeout=120,
    )
    out, err = proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")
    assert "Traceback" not in err, err
    return proc.returncode, out, err


@pytest.fixture(scope="module")
def examples() -> dict[tuple[str, str, str], Any]:
    """(service, operation or callback, example name) → body, from the specs themselves."""
    found = {}
    for s in load_specs(ROOT / "specs"):
        for op in s.operations:
            for ex in op.examples:
                found[(s.name, op.id, ex.name)] = ex.body
        for cb in s.callbacks:
            for ex in cb.examples:
                found[(s.name, cb.name, ex.name)] = ex.body
    return found


def write_json(path: Path, body: Any) -> str:
    path.write_text(json.dumps(body, ensure_ascii=False), "utf-8")
    return str(path)


# -- validate ----------------------------------------------------------------------------------


def test_valid_request_from_a_file(tmp_path: Path, examples: dict[Any, Any]) -> None:
    body = examples[("huawei_isales", "add_call_data", "doc_request")]
    code, out, err = callgen(
        "validate", "huawei_isales", "add_call_data", write_json(tmp_path / "b.json", body)
    )
    assert (code, out, err) == (0, "valid\n", "")


def test_valid_request_from_stdin(examples: dict[Any, Any]) -> None:
    body = examples[("quanshi_event", "create_event_call", "doc_request")]
    code, out, _ = callgen(
        "validate", "quanshi_event", "create_event_call", "-", stdin=json.dumps(body)
    )
    assert (code, out) == (0, "valid\n")


def test_valid_response_and_callback(examples: dict[Any, Any]) -> None:
    response = examples[("yantong_groupcall", "list_tasks", "doc_response")]
    code, out, _ = callgen(
        "validate", "yantong_groupcall", "list_tasks", "-", "--response", stdin=json.dumps(response)
    )
    assert (code, out) == (0, "valid\n")
    callback = examples[("yantong_groupcall", "call_result", "doc_callback")]
    code, out, _ = callgen(
        "validate",
        "yantong_groupcall",
        "call_result",
        "-",
        "--callback",
        stdin=json.dumps(callback),
    )
    assert (code, out) == (0, "valid\n")


def test_violations_one_per_line(tmp_path: Path, examples: dict[Any, Any]) -> None:
    body = dict(examples[("huawei_isales", "add_call_data", "doc_request")])
    body["surprise"] = 1
    body["callDataList"] = "not a list"
    code, out, err = callgen(
        "validate", "huawei_isales", "add_call_data", write_json(tmp_path / "b.json", body)
    )
    assert code == 1 and err == ""
    lines = out.splitlines()
    assert len(lines) == 2
    assert any(line.startswith("/surprise: ") and "[unknown_field" in line for line in lines)
    assert any(line.startswith("/callDataList: ") and "[type" in line for line in lines)


def test_the_documents_own_broken_example_is_reported(examples: dict[Any, Any]) -> None:
    """The dezhu example sends 1 for a Boolean (see the spec's expect_violations)."""
    body = examples[("dezhu_speech", "create_outbound_task", "doc_request")]
    code, out, _ = callgen(
        "validate", "dezhu_speech", "create_outbound_task", "-", stdin=json.dumps(body)
    )
    assert code == 1
    assert "/strategyDisplaySwitch: " in out and "[type" in out


def test_violations_as_json(examples: dict[Any, Any]) -> None:
    body = dict(examples[("huawei_isales", "add_call_data", "doc_request")])
    body["callDataList"] = [{"called": "x" * 30}] * 21
    code, out, _ = callgen(
        "validate", "huawei_isales", "add_call_data", "-", "--json", stdin=json.dumps(body)
    )
    assert code == 1
    rows = json.loads(out)
    assert isinstance(rows, list) and rows
    for row in rows:
        assert set(row) == {"path", "rule", "code", "message"}
    rules = {(r["path"], r["rule"], r["code"]) for r in rows}
    assert ("/callDataList", "max_items", "0200029") in rules
    assert ("/callDataList/0/called", "max_length", "02000003") in rules


def test_json_output_of_a_valid_body_is_an_empty_list(examples: dict[Any, Any]) -> None:
    body = examples[("huawei_isales", "delete_call_data", "doc_response")]
    code, out, _ = callgen(
        "validate",
        "huawei_isales",
        "delete_call_data",
        "-",
        "--response",
        "--json",
        stdin=json.dumps(body),
    )
    assert code == 0 and json.loads(out) == []


@pytest.mark.parametrize("body", ["[]", '"text"', "null", "3"])
def test_a_body_that_is_not_an_object_is_a_violation(body: str) -> None:
    code, out, _ = callgen("validate", "quanshi_event", "create_event_call", "-", stdin=body)
    assert code == 1
    assert out.startswith("(body): ") and "[type" in out


def test_non_ascii_text_survives(tmp_path: Path, examples: dict[Any, Any]) -> None:
    body = dict(examples[("yantong_groupcall", "add_batch", "doc_request")])
    body["未知"] = "值"
    code, out, _ = callgen(
        "validate", "yantong_groupcall", "add_batch", write_json(tmp_path / "b.json", body)
    )
    assert code == 1 and "/未知: " in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nosuch", "op", "-"], "unknown service 'nosuch'; known: "),
        (
            ["huawei_isales", "nosuch", "-"],
            "no operation named 'nosuch' in huawei_isales; operations: add_call_data, delete_call_data",
        ),
        (
            ["huawei_isales", "add_call_dat", "-", "--response"],
            "no operation named 'add_call_dat' in huawei_isales (did you mean 'add_call_data'?)",
        ),
        (
            ["yantong_groupcall", "list_tasks", "-", "--callback"],
            "('list_tasks' is an operation); callbacks: call_result",
        ),
        (["huawei_isales", "x", "-", "--callback"], "huawei_isales has no callbacks"),
        (["huawei_isales", "add_call_data", "/no/such/file.json"], "cannot read /no/such/file"),
    ],
)
def test_usage_errors_exit_2_with_a_helpful_message(args: list[str], message: str) -> None:
    code, out, err = callgen("validate", *args, stdin="{}")
    assert code == 2 and out == ""
    assert message in err
    assert err.startswith("callgen validate: ")


@pytest.mark.parametrize(
    ("raw", "at"),
    [
        (b"{", "<stdin>:1:2: "),
        (b"", "<stdin>:1:1: "),
        (b"\xff\xfe\x00garbage", "<stdin>:1:1: "),
        (b"{'single': 1}", "<stdin>:1:2: "),
        (b'{\n  "a": 1,\n  "b": tru\n}', "<stdin>:3:8: "),
        (b'{\n  "a": "\xc3"\n}', "<stdin>:2:9: "),  # not UTF-8: the offending byte
    ],
)
def test_bad_json_exits_2_at_file_line_col(raw: bytes, at: str) -> None:
    code, out, err = callgen("validate", "huawei_isales", "add_call_data", "-", stdin=raw)
    assert code == 2 and out == ""
    assert err.startswith(at + "is not JSON: "), err


def test_bad_json_in_a_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "body.json"
    path.write_text('{"callDataList": [\n  {"called": "1"},\n]}', "utf-8")
    code, _, err = callgen("validate", "huawei_isales", "add_call_data", str(path))
    assert code == 2 and err.startswith(f"{path}:3:1: is not JSON: ")


def test_pattern_and_format_violations_show_the_value(examples: dict[Any, Any]) -> None:
    body = json.loads(json.dumps(examples[("huawei_isales", "add_call_data", "doc_request")]))
    body["callDataList"][0]["called"] = "12ab"
    long = "9" * 60 + "x"
    body["callDataList"][1:] = [{**body["callDataList"][0], "called": long}]
    code, out, _ = callgen(
        "validate", "huawei_isales", "add_call_data", "-", stdin=json.dumps(body)
    )
    assert code == 1
    (first,) = [
        li for li in out.splitlines() if li.startswith("/callDataList/0/called: must match")
    ]
    assert first.endswith(", got '12ab' [pattern, 02000002]")
    (second,) = [
        li for li in out.splitlines() if li.startswith("/callDataList/1/called: must match")
    ]
    assert ", got '" + "9" * 39 + "…'" in second  # quoted, shortened to 40 characters
    code, out, _ = callgen(
        "validate", "huawei_isales", "add_call_data", "-", "--json", stdin=json.dumps(body)
    )
    rows = [r for r in json.loads(out) if r["path"] == "/callDataList/0/called"]
    assert any(r["rule"] == "pattern" and r["message"].endswith(", got '12ab'") for r in rows)


def test_a_response_deviation_shows_the_value_the_server_sent(
    examples: dict[Any, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The generated validators put the value into deviation messages of responses and
    callbacks (what the server sent), never into request violations (the caller's own body: it
    ends up in a ValidationError's text, which is logged, and may hold tokens)."""
    import importlib

    monkeypatch.setattr(sys, "dont_write_bytecode", True)  # no .pyc in generated/
    yantong = importlib.import_module("outbound.yantong_groupcall")
    huawei = importlib.import_module("outbound.huawei_isales")
    response = json.loads(json.dumps(examples[("yantong_groupcall", "add_batch", "doc_response")]))
    response["info"]["batch_id"] = "12ab-" + "x" * 50
    (v,) = yantong.validate_response("add_batch", response)
    assert v.message == "must be a string of digits, got '12ab-" + "x" * 34 + "…'"
    request = json.loads(json.dumps(examples[("huawei_isales", "add_call_data", "doc_request")]))
    request["callDataList"][0]["called"] = "12ab-secret"
    found = huawei.validate_request("add_call_data", request)
    assert [v.rule for v in found] == ["pattern"]
    assert "12ab-secret" not in str(found[0])


def test_response_and_callback_exclude_each_other() -> None:
    code, _, err = callgen("validate", "a", "b", "-", "--response", "--callback")
    assert code == 2 and "not allowed with argument" in err


# -- schema ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "name", "kind"),
    [
        ("huawei_isales", "add_call_data", None),
        ("huawei_isales", "add_call_data", "response"),
        ("yantong_groupcall", "call_result", "callback"),
        ("dezhu_speech", "create_outbound_task", None),
    ],
)
def test_schema_prints_the_emitted_json_schema(service: str, name: str, kind: str | None) -> None:
    import jsonschema

    code, out, err = callgen("schema", service, name, *([f"--{kind}"] if kind else []))
    assert code == 0 and err == ""
    printed = json.loads(out)
    # outbound.<service>.schema(name, kind) reads exactly this file
    shipped = SCHEMAS / service / "schemas" / f"{name}.{kind or 'request'}.json"
    assert printed == json.loads(shipped.read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(printed)
    assert "[" not in out.splitlines()[0]  # a pretty-printed object, not a one-liner list


def test_schema_equals_the_package_function(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)  # no .pyc in generated/
    import importlib

    module = importlib.import_module("outbound.quanshi_event")
    code, out, _ = callgen("schema", "quanshi_event", "create_event_call", "--response")
    assert code == 0
    assert json.loads(out) == module.schema("create_event_call", "response")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nosuch", "x"], "unknown service"),
        (["huawei_isales", "nosuch"], "no operation named 'nosuch' in huawei_isales; operations"),
        (["huawei_isales", "add_call_data", "--callback"], "unknown kind 'callback'"),
        (["yantong_groupcall", "call_result"], "('call_result' is a callback)"),
    ],
)
def test_schema_usage_errors(args: list[str], message: str) -> None:
    code, out, err = callgen("schema", *args)
    assert code == 2 and out == "" and message in err


# -- help and version --------------------------------------------------------------------------


def test_help_lists_every_command() -> None:
    code, out, _ = callgen("--help")
    assert code == 0
    for command in ("generate", "check", "validate", "schema"):
        assert command in out


@pytest.mark.parametrize("command", ["generate", "check", "validate", "schema"])
def test_each_command_has_help(command: str) -> None:
    code, out, _ = callgen(command, "--help")
    assert code == 0 and out.startswith("usage: callgen " + command)


def test_version() -> None:
    code, out, _ = callgen("--version")
    assert (code, out) == (0, f"callgen {__version__}\n")


def test_console_script_version() -> None:
    script = Path(sys.executable).with_name("callgen")
    proc = subprocess.run(
        [str(script), "--version"], check=False, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0 and proc.stdout == f"callgen {__version__}\n"


@pytest.mark.parametrize("args", [[], ["frobnicate"], ["validate"], ["schema", "x"]])
def test_usage_mistakes_exit_2(args: list[str]) -> None:
    code, _, err = callgen(*args)
    assert code == 2 and "usage: callgen" in err


# -- list --------------------------------------------------------------------------------------


def test_list_shows_every_service_with_its_version_and_counts() -> None:
    specs = {s.name: s for s in load_specs(ROOT / "specs")}
    code, out, err = callgen("list")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == sorted(specs)
    for line in lines:
        s = specs[line.split()[0]]
        assert line.split()[1] == s.version
        assert f"{len(s.operations)} operation" in line and s.title in line
        assert f"{len(s.error_codes)} code" in line


def test_list_of_a_service_shows_operations_callbacks_and_codes() -> None:
    (yantong,) = [s for s in load_specs(ROOT / "specs") if s.name == "yantong_groupcall"]
    code, out, _ = callgen("list", "yantong_groupcall")
    assert code == 0
    assert out.startswith(f"yantong_groupcall {yantong.version}: ")
    for op in yantong.operations:
        (line,) = [li for li in out.splitlines() if li.split()[:1] == [op.id]]
        assert op.method in line and op.path in line
    assert "POST /api.php?r=groupcall/task-list" in out  # Yantong's routes differ by query
    assert "callbacks (1):\n  call_result " in out
    (huawei,) = [s for s in load_specs(ROOT / "specs") if s.name == "huawei_isales"]
    code, out, _ = callgen("list", "huawei_isales")
    for c in huawei.error_codes:
        (line,) = [li for li in out.splitlines() if li.split()[:1] == [c.code]]
        where = "success" if c.success else ", ".join(c.operations) or "any operation"
        assert f"[{where}]" in line and line.endswith(c.description)


def test_list_json_agrees_with_the_specs() -> None:
    (huawei,) = [s for s in load_specs(ROOT / "specs") if s.name == "huawei_isales"]
    code, out, _ = callgen("list", "huawei_isales", "--json")
    assert code == 0
    listed = json.loads(out)
    assert [o["id"] for o in listed["operations"]] == [o.id for o in huawei.operations]
    assert [c["code"] for c in listed["codes"]] == [c.code for c in huawei.error_codes]
    code, out, _ = callgen("list", "--json")
    assert {row["service"] for row in json.loads(out)} >= {"huawei_isales", "quanshi_event"}


def test_list_unknown_service_names_the_known_ones() -> None:
    code, out, err = callgen("list", "nosuch")
    assert code == 2 and out == ""
    assert "unknown service 'nosuch'; known: dezhu_speech, huawei_isales" in err


# -- --specs: a folder or one file; no folder at all -------------------------------------------


def test_specs_accepts_one_spec_file() -> None:
    code, out, _ = callgen("list", "--specs", "specs/quanshi_event.yaml")
    assert code == 0 and [line.split()[0] for line in out.splitlines()] == ["quanshi_event"]
    code, from_file, _ = callgen("openapi", "quanshi_event", "--specs", "specs/quanshi_event.yaml")
    code2, from_folder, _ = callgen("openapi", "quanshi_event")
    assert code == code2 == 0 and from_file == from_folder


def test_generate_and_check_from_one_spec_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    spec = "specs/quanshi_event.yaml"
    code, printed, err = callgen("generate", "--specs", spec, "--out", str(out), "--jobs", "1")
    assert code == 0, err
    assert "for 1 services" in printed
    assert (out / "outbound" / "quanshi_event").is_dir()
    assert not (out / "outbound" / "huawei_isales").exists()
    code, printed, err = callgen("check", "--specs", spec, "--out", str(out), "--jobs", "1")
    assert code == 0, err


@pytest.mark.parametrize("command", [["list"], ["openapi", "quanshi_event"], ["generate"]])
def test_no_specs_folder_says_to_pass_specs(tmp_path: Path, command: list[str]) -> None:
    code, out, err = callgen(*command, cwd=tmp_path)
    assert code == 2 and out == ""
    assert "no spec folder 'specs' in " in err
    assert "pass --specs PATH (a spec folder or one spec file)" in err


def test_a_missing_specs_path_is_named(tmp_path: Path) -> None:
    code, _, err = callgen("list", "--specs", str(tmp_path / "nope.yaml"))
    assert code == 2 and f"--specs {tmp_path / 'nope.yaml'}: no such spec folder or file" in err


# -- help and choices --------------------------------------------------------------------------


def test_every_argument_and_option_of_every_command_has_a_help_line() -> None:
    import argparse

    from generator.cli import COMMANDS, _parser

    parser = _parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert sorted(sub.choices) == sorted(COMMANDS)
    missing = [
        f"{name} {a.option_strings or a.dest}"
        for name, command in [("callgen", parser), *sub.choices.items()]
        for a in command._actions
        if not a.help or a.help == argparse.SUPPRESS
    ]
    assert not missing
    # and each command has its line in `callgen --help`
    assert sorted(a.dest for a in sub._choices_actions if a.help) == sorted(COMMANDS)


@pytest.mark.parametrize("command", ["validate", "schema"])
def test_help_lists_services_and_their_operations(command: str) -> None:
    code, out, _ = callgen(command, "--help")
    assert code == 0
    listing = out.split("SERVICE and OPERATION, one of (the installed package outbound):\n")[1]
    entries: dict[str, str] = {}
    last = ""
    for line in listing.splitlines():
        if line.startswith("    "):  # a wrapped line goes on with the service above
            entries[last] += " " + line.strip()
        else:
            last, _, names = line.strip().partition(": ")
            entries[last] = names
    for s in load_specs(ROOT / "specs"):
        operations, _, callbacks = entries.pop(s.name).partition("; --callback: ")
        assert operations.split(", ") == sorted(op.id for op in s.operations)
        assert (callbacks.split(", ") if callbacks else []) == sorted(c.name for c in s.callbacks)
    assert not entries


@pytest.mark.parametrize("command", ["openapi", "list", "mock"])
def test_help_of_spec_commands_lists_the_services(command: str) -> None:
    code, out, _ = callgen(command, "--help")
    assert code == 0
    names = sorted(s.name for s in load_specs(ROOT / "specs"))
    assert f"SERVICE, one of (specs): {', '.join(names)}" in out


@pytest.mark.parametrize(
    "args",
    [
        ["openapi", "nosuch"],
        ["mock", "nosuch"],
        ["list", "nosuch"],
        ["validate", "nosuch", "x", "-"],
        ["schema", "nosuch", "x"],
    ],
)
def test_a_wrong_service_lists_the_known_ones(args: list[str]) -> None:
    code, out, err = callgen(*args, stdin="{}")
    assert code == 2 and out == ""
    assert "unknown service 'nosuch'; known: dezhu_speech, huawei_isales, quanshi_event, " in err


# -- answers from the specs, not the installed package -----------------------------------------

# huawei_isales's CallData.customField: at most 200 characters in specs/ and the package
FIELD_LIMIT = "        max_length: 200\n        forbidden_chars:"


def edited_specs(tmp_path: Path, limit: str = "max_length: 10") -> Path:
    """A copy of specs/ whose huawei_isales.yaml sets CallData.customField's `limit` in place
    of max_length: 200 (not generated, not installed)."""
    folder = tmp_path / "specs"
    folder.mkdir()
    for spec in (ROOT / "specs").glob("*.yaml"):
        (folder / spec.name).write_bytes(spec.read_bytes())
    edited = folder / "huawei_isales.yaml"
    text = edited.read_text("utf-8")
    assert text.count(FIELD_LIMIT) == 1
    edited.write_text(text.replace(FIELD_LIMIT, FIELD_LIMIT.replace("max_length: 200", limit)))
    return folder


def _custom_field(length: int) -> str:
    return json.dumps({"callDataList": [{"called": "80021", "customField": "x" * length}]})


def test_validate_answers_from_an_edited_spec_without_regenerating(tmp_path: Path) -> None:
    specs = edited_specs(tmp_path)
    body = _custom_field(12)
    # the installed package (and the unchanged specs/) allow 200 characters
    assert callgen("validate", "huawei_isales", "add_call_data", "-", stdin=body) == (
        0,
        "valid\n",
        "",
    )
    expected = (
        "/callDataList/0/customField: must be at most 10 characters, got 12 "
        "[max_length, 02000003]\n"
    )
    for where in (specs, specs / "huawei_isales.yaml"):  # a folder or the one spec file
        code, out, err = callgen(
            "validate", "huawei_isales", "add_call_data", "-", "--specs", str(where), stdin=body
        )
        assert (code, out, err) == (1, expected, "")
        code, out, _ = callgen(
            "validate",
            "huawei_isales",
            "add_call_data",
            "-",
            "--specs",
            str(where),
            "--json",
            stdin=body,
        )
        assert code == 1 and [v["code"] for v in json.loads(out)] == ["02000003"]
    code, out, err = callgen(
        "validate",
        "huawei_isales",
        "add_call_data",
        "-",
        "--specs",
        str(specs),
        stdin=_custom_field(10),
    )
    assert (code, out, err) == (0, "valid\n", "")


def _custom_field_limit(schema: Any, set_to: int | None = None) -> list[int]:
    """maxLength of every customField property anywhere in a JSON Schema (then set to
    `set_to`, if given)."""
    found = []
    if isinstance(schema, dict):
        field = schema.get("properties", {}).get("customField")
        if isinstance(field, dict) and "maxLength" in field:
            found.append(field["maxLength"])
            if set_to is not None:
                field["maxLength"] = set_to
        for value in schema.values():
            found += _custom_field_limit(value, set_to)
    elif isinstance(schema, list):
        for value in schema:
            found += _custom_field_limit(value, set_to)
    return found


def test_schema_answers_from_an_edited_spec_without_regenerating(tmp_path: Path) -> None:
    specs = edited_specs(tmp_path)
    code, out, err = callgen("schema", "huawei_isales", "add_call_data")
    assert code == 0 and err == "" and _custom_field_limit(json.loads(out)) == [200]
    code, out, err = callgen("schema", "huawei_isales", "add_call_data", "--specs", str(specs))
    schema = json.loads(out)
    assert code == 0 and err == "" and _custom_field_limit(schema, set_to=200) == [10]
    # everything else as the installed package says: only the edit differs
    installed = SCHEMAS / "huawei_isales" / "schemas" / "add_call_data.request.json"
    assert schema == json.loads(installed.read_text("utf-8"))


@pytest.mark.parametrize("command", ["validate", "schema"])
def test_a_broken_spec_is_reported_at_its_line(tmp_path: Path, command: str) -> None:
    specs = edited_specs(tmp_path, limit="max_lenght: 10")
    spec = specs / "huawei_isales.yaml"
    line = spec.read_text("utf-8").splitlines().index("        max_lenght: 10") + 1
    extra = ["-"] if command == "validate" else []
    for where in (specs, spec):
        code, out, err = callgen(
            command, "huawei_isales", "add_call_data", *extra, "--specs", str(where), stdin="{}"
        )
        assert code == 2 and out == ""
        assert err.startswith(f"{spec}:{line}:9: unknown key 'max_lenght'")
        assert "did you mean `max_length`?" in err
    # another service of that folder is not held up by it
    code, out, err = callgen(
        command, "quanshi_event", "create_event_call", *extra, "--specs", str(specs), stdin="{}"
    )
    assert code in (0, 1) and out and err == ""


def test_the_current_package_gets_no_warning() -> None:
    code, _, err = callgen("validate", "huawei_isales", "add_call_data", "-", stdin="{}")
    assert code == 1 and err == ""


def test_a_service_not_in_the_given_spec_file_is_a_usage_error() -> None:
    code, out, err = callgen(
        "validate",
        "quanshi_event",
        "create_event_call",
        "-",
        "--specs",
        "specs/huawei_isales.yaml",
        stdin="{}",
    )
    assert (code, out) == (2, "")
    assert err == "callgen validate: unknown service 'quanshi_event'; known: huawei_isales\n"


def test_the_installed_package_answers_when_it_was_generated_from_the_spec(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cheaper path: a spec byte for byte the one the installed package ships is not
    rendered again; an edited one is; no spec folder (outside a clone) uses the package."""
    from generator import generate
    from generator.cli import common

    rendered: list[str] = []
    render = generate.render

    def counting(services: Any, *args: Any, **kwargs: Any) -> Any:
        rendered.extend(s.name for s in services)
        return render(services, *args, **kwargs)

    monkeypatch.setattr(generate, "render", counting)
    specs = edited_specs(tmp_path)
    for where in (ROOT / "specs", ROOT / "specs" / "huawei_isales.yaml"):
        with common.body_module("huawei_isales", where) as module:
            assert module.validate_request("add_call_data", json.loads(_custom_field(12))) == []
    assert rendered == []
    with common.body_module("huawei_isales", specs) as module:
        violations = module.validate_request("add_call_data", json.loads(_custom_field(12)))
        assert [v.code for v in violations] == ["02000003"]
    assert rendered == ["huawei_isales"]
    monkeypatch.setattr(common, "default_specs_folder", lambda: tmp_path / "no-specs-here")
    with common.body_module("huawei_isales", None) as module:
        assert module.schema("add_call_data")["title"] == "huawei_isales.add_call_data request"
    assert rendered == ["huawei_isales"]
    unknown = "unknown service 'nosuch'; known: dezhu_speech"
    with pytest.raises(common.UsageError, match=unknown), common.body_module("nosuch", None):
        pass


def test_diff_git_with_one_spec_file_compares_that_spec_only(tmp_path: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
            cwd=tmp_path,
            check=True,
            capture_output=True,
        )

    (tmp_path / "specs").mkdir()
    for name in ("quanshi_event.yaml", "huawei_isales.yaml"):
        (tmp_path / "specs" / name).write_bytes((ROOT / "specs" / name).read_bytes())
    git("init", "-q")
    git("add", "-A")
    git("commit", "-q", "-m", "specs")
    for name in ("quanshi_event.yaml", "huawei_isales.yaml"):
        path = tmp_path / "specs" / name
        text = path.read_text("utf-8")
        assert text.count("\ntitle: ") == 1
        path.write_text(text.replace("\ntitle: ", "\ntitle: Edited "), "utf-8")
    code, out, err = callgen("diff", "--git", "HEAD", cwd=tmp_path)
    assert "quanshi_event.yaml" in out and "huawei_isales.yaml" in out, (code, out, err)
    spec = "specs/quanshi_event.yaml"
    code, out, err = callgen("diff", "--git", "HEAD", "--specs", spec, cwd=tmp_path)
    assert "quanshi_event.yaml" in out and "huawei_isales.yaml" not in out, (code, out, err)
    assert "removed" not in out  # the other services are not taken for removed ones
