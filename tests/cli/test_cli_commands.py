"""`python -m outbound SERVICE OPERATION [--option …]`: help at each level, options from the
specs, usage errors, calls against the simulator and against a misbehaving server, credentials
from the environment only, and no secret in any output.

The expected option of each parameter is derived here from the spec's wire name (camelCase or
snake_case to kebab-case, written independently of the generator), and its help must carry
the documented values (bounds, lengths, patterns, enum values) and the source.
"""

from __future__ import annotations

import http.server
import json
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
from cli_support import AK, CAMPAIGN, ROOT, SK, VDN, Result, held
from outbound import huawei_isales as hw
from outbound._runtime.pacing import OFF, FilePacer, MemoryPacer

from generator import ir
from generator.mock import MockConfig, MockServer, Simulator

Cli = Callable[..., Result]


def kebab(name: str) -> str:
    """`vdnId` → `vdn-id`, `batch_id` → `batch-id`, `outBoundCustomers` → `out-bound-customers`."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", name).replace("_", "-").lower()


def option_blocks(help_text: str) -> dict[str, str]:
    """Each option's help in argparse's output, whitespace removed (lines wrap anywhere)."""
    blocks: dict[str, str] = {}
    current = None
    for line in help_text.splitlines():
        found = re.match(r"  (--[a-z0-9-]+)", line)
        if found:
            current = found.group(1)
            blocks[current] = ""
            line = line[len(found.group(0)) :]
        elif not line.startswith("    "):
            current = None
        if current is not None:
            blocks[current] += re.sub(r"\s+", "", line)
    return blocks


def squeeze(text: object) -> str:
    return re.sub(r"\s+", "", str(text))


# ---------------------------------------------------------------------------------------------
# Help
# ---------------------------------------------------------------------------------------------


def test_top_level_lists_every_service(cli: Cli, services: dict[str, ir.Service]) -> None:
    shown = cli("--help")
    assert shown.status == 0 and shown.err == ""
    assert shown.out.startswith("usage: python -m outbound SERVICE OPERATION [--option ...]")
    for service in services.values():
        count = len(service.operations)
        assert f"  {service.name} " in shown.out
        assert service.title in shown.out
        assert f"({count} operation{'s' if count > 1 else ''})" in shown.out
    bare = cli()
    assert bare.status == 2 and bare.out == shown.out


def test_service_level_lists_operations_and_the_environment(
    cli: Cli, services: dict[str, ir.Service]
) -> None:
    for service in services.values():
        shown = cli(service.name, "--help")
        assert shown.status == 0
        for op in service.operations:
            assert re.search(
                rf"^  {op.id} +{re.escape(op.summary.strip())}", shown.out, re.MULTILINE
            )
        assert ("serve-callbacks" in shown.out) == bool(service.callbacks)
        prefix = f"OUTBOUND_{service.name.upper()}_"
        assert f"{prefix}BASE_URL" in shown.out
    huawei = cli("huawei_isales", "--help").out
    for name in ("ACCESS_KEY", "SECRET_KEY", "AUTH_VARIANT"):
        assert f"OUTBOUND_HUAWEI_ISALES_{name}, or OUTBOUND_HUAWEI_ISALES_{name}_FILE" in huawei
    assert "add_call_data" in huawei and "bulk loads: --from FILE" in huawei
    assert "OUTBOUND_DEZHU_SPEECH_PRIVATE_KEY_PEM_FILE" in cli("dezhu_speech", "--help").out
    assert "OUTBOUND_YANTONG_GROUPCALL_TOKEN_FILE" in cli("yantong_groupcall").out


def expected_values(s: ir.Schema) -> list[str]:
    """Documented values that must appear in an option's help."""
    values: list[Any] = [
        s.min_length,
        s.max_length,
        s.max_bytes,
        s.pattern,
        s.minimum,
        s.maximum,
        s.exclusive_minimum,
        s.exclusive_maximum,
        s.min_items,
        s.max_items,
        s.unique_by,
    ]
    values += [json.dumps(e.value, ensure_ascii=False) for e in s.enum]
    if s.format is not None:
        values.append(ir.FORMATS[s.format])
    if s.forbidden_chars:
        values.append(s.forbidden_chars)
    return [squeeze(v) for v in values if v is not None]


def test_every_parameter_is_an_option_with_its_constraints_and_source(
    cli: Cli, services: dict[str, ir.Service]
) -> None:
    checked = 0
    for service in services.values():
        body_token = service.auth.body_field if service.auth.scheme == "body_token" else None
        for op in service.operations:
            shown = cli(service.name, op.id, "--help")
            assert shown.status == 0, shown.err
            blocks = option_blocks(shown.out)
            params = [(p, "path") for p in op.path_params]
            at = op.arguments_at
            params += [
                (p, "body")
                for p in op.arguments.properties
                if f"{at}/{p.name}" != body_token  # the credential: from the environment
            ]
            assert len(blocks) >= len(params)
            for prop, _ in params:
                flag = "--" + kebab(prop.name)
                if prop.py_name.rstrip("_") != kebab(prop.name).replace("-", "_"):
                    # the spec's python_name (Yantong `type` → record_type): the CLI follows
                    # the Python keyword, as the client does
                    flag = "--" + prop.py_name.replace("_", "-")
                assert flag in blocks, (service.name, op.id, flag)
                text = blocks[flag]
                if prop.schema.source:
                    assert squeeze(f"Source: {prop.schema.source}.") in text, (op.id, flag)
                for value in expected_values(prop.schema):
                    assert value in text, (op.id, flag, value)
                if prop.required:
                    assert "required" in text
                checked += 1
            if body_token:
                assert "--token" not in blocks
            assert ("--from" in blocks) == (op.batch_field is not None)
            if op.guard:
                assert "--" + kebab(op.guard.confirm) in blocks
    assert checked > 40


# ---------------------------------------------------------------------------------------------
# Usage errors
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope"], "unknown service 'nope'; the services are"),
        (["huawei_isales", "nope"], "huawei_isales has no operation 'nope'; its operations are"),
        (["huawei_isales", "add_call_data"], "the following arguments are required: --vdn-id"),
        (["huawei_isales", "add_call_data", "--vdn-id", "1.0", "--campaign-id", "1"],
         "argument --vdn-id: '1.0' is not an integer"),
        (["huawei_isales", "add_call_data", "--vdn-id", "1", "--campaign-id", "1",
          "--call-data-list", "[{"], "argument --call-data-list: not JSON"),
        (["huawei_isales", "add_call_data", "--vdn-id", "1", "--campaign-id", "1",
          "--report", "r.csv"], "--report only apply to a bulk load (--from FILE)"),
        (["huawei_isales", "delete_call_data", "--vdn-id", "1", "--campaign-id", "1",
          "--timeout", "0"], "argument --timeout: '0' is not a positive number"),
        (["huawei_isales", "delete_call_data", "--vdn-id", "1", "--campaign-id", "1",
          "--insecure", "--verify", "ca.pem"], "not allowed with argument --insecure"),
        (["huawei_isales", "delete_call_data", "--vdn-id", "1", "--campaign-id", "1",
          "--called-number", "1"], "unrecognized arguments: --called-number"),
        (["huawei_isales", "delete_call_data", "--vdn-id", "1", "--campaign-id", "1", "--calle",
          "1"], "unrecognized arguments: --calle"),  # no abbreviations
    ],
)  # fmt: skip
def test_usage_errors_exit_2(
    cli: Cli, huawei_env: dict[str, str], args: list[str], message: str
) -> None:
    result = cli(*args)
    assert result.status == 2
    assert message in result.err
    assert result.out == ""


def test_connection_settings_are_required_and_checked(
    cli: Cli, huawei_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    args = ["huawei_isales", "delete_call_data", "--vdn-id", "1", "--campaign-id", "1"]
    monkeypatch.delenv("OUTBOUND_HUAWEI_ISALES_BASE_URL")
    result = cli(*args, "--called", "1")
    assert result.status == 2
    assert "no base URL: give --base-url URL or set OUTBOUND_HUAWEI_ISALES_BASE_URL" in result.err
    assert "(the documents give https://ip:port)" in result.err
    monkeypatch.setenv(
        "OUTBOUND_HUAWEI_ISALES_BASE_URL", huawei_env["OUTBOUND_HUAWEI_ISALES_BASE_URL"]
    )
    monkeypatch.delenv("OUTBOUND_HUAWEI_ISALES_SECRET_KEY")
    result = cli(*args, "--called", "1")
    assert result.status == 2
    assert "missing credentials: set OUTBOUND_HUAWEI_ISALES_SECRET_KEY (or " in result.err
    monkeypatch.setenv("OUTBOUND_HUAWEI_ISALES_SECRET_KEY", SK)
    result = cli(*args, "--called", "1", "--verify", str(tmp_path / "missing.pem"))
    assert result.status == 2 and "--verify" in result.err and "no such file" in result.err
    monkeypatch.setenv("OUTBOUND_HUAWEI_ISALES_AUTH_VARIANT", "no-such-variant")
    result = cli(*args, "--called", "1")
    assert result.status == 2 and "cannot make the huawei_isales client" in result.err


@pytest.mark.parametrize(
    "given",
    [
        ["--secret-key", SK],
        [f"--secret-key={SK}"],
        ["--secret_key", SK],
        ["--access-key", AK],
    ],
)
def test_a_credential_option_is_refused_without_echoing_it(
    cli: Cli, huawei_env: dict[str, str], given: list[str]
) -> None:
    result = cli("huawei_isales", "add_call_data", "--vdn-id", "1", "--campaign-id", "1", *given)
    assert result.status == 2
    assert "credentials are never taken from the command line" in result.err
    assert "OUTBOUND_HUAWEI_ISALES_" in result.err
    assert SK not in result.err + result.out and AK not in result.err + result.out


# ---------------------------------------------------------------------------------------------
# Calls against the simulator
# ---------------------------------------------------------------------------------------------

ADD = ["huawei_isales", "add_call_data", "--vdn-id", str(VDN), "--campaign-id", str(CAMPAIGN)]
DELETE = ["huawei_isales", "delete_call_data", *ADD[2:]]


def test_a_call_prints_the_typed_result_as_json(
    cli: Cli, huawei: Callable[..., Simulator], huawei_env: dict[str, str]
) -> None:
    sim = huawei()
    result = cli(*ADD, "--call-data-list", '[{"called": "13800000001", "sessionId": "s1"}]')
    assert result.status == 0, result.err
    assert result.err == ""
    output = json.loads(result.out)
    assert output == {
        "result": {
            "resultCode": "0200000",
            "resultDesc": "",
            "returnCode": "0200000",
            "returnDesc": "",
            "returnObject": {"totalSize": 1},
        },
        "deviations": [],
    }
    assert held(sim) == ["13800000001"]


def test_violations_exit_1_and_nothing_is_sent(
    cli: Cli, huawei: Callable[..., Simulator], huawei_env: dict[str, str]
) -> None:
    sim = huawei()
    result = cli(
        "huawei_isales", "add_call_data", "--vdn-id", "0", "--campaign-id", "1",
        "--call-data-list", '[{"called": "1x"}, {"called": "2", "phone": "3"}]',
    )  # fmt: skip
    assert result.status == 1 and result.out == ""
    assert result.err.splitlines() == [
        "add_call_data: 3 violations, nothing was sent:",
        "  path:/vdnId: must be at least 1, got 0 [minimum, 02000007]",
        "  /callDataList/0/called: must match ^[0-9*#]+$ [pattern, 02000002]",
        "  /callDataList/1/phone: unknown field 'phone' [unknown_field]",
    ]
    assert sim.requests == 0


def test_an_api_error_exits_1_with_the_documented_code(
    cli: Cli, huawei: Callable[..., Simulator], huawei_env: dict[str, str]
) -> None:
    huawei(blacklist=frozenset({"13800000009"}))
    result = cli(*ADD, "--call-data-list", '[{"called": "13800000009"}]')
    assert result.status == 1 and result.out == ""
    assert result.err.startswith("add_call_data: the server refused the call: 0200024 ")
    assert "NUMBER_BLACKLISTED" in result.err


def test_a_guarded_delete_needs_its_confirmation_flag(
    cli: Cli, huawei: Callable[..., Simulator], huawei_env: dict[str, str]
) -> None:
    sim = huawei()
    assert cli(*ADD, "--call-data-list", '[{"called": "1"}, {"called": "2"}]').status == 0
    delete = [
        "huawei_isales",
        "delete_call_data",
        "--vdn-id",
        str(VDN),
        "--campaign-id",
        str(CAMPAIGN),
    ]
    refused = cli(*delete, "--archive-history", "1")
    assert refused.status == 2
    assert "names none of sessionId, called, customField" in refused.err
    assert "(on the command line: --confirm-delete-all)" in refused.err
    assert held(sim) == ["1", "2"]
    done = cli(*DELETE, "--archive-history", "1", "--confirm-delete-all")
    assert done.status == 0, done.err
    assert json.loads(done.out)["result"]["successCount"] == 2
    assert held(sim) == []


def test_json_body_from_a_file_or_stdin_and_options_replace_its_members(
    cli: Cli, huawei: Callable[..., Simulator], huawei_env: dict[str, str], tmp_path: Path
) -> None:
    sim = huawei()
    body = tmp_path / "body.json"
    body.write_text('\ufeff{"callDataList": [{"called": "111"}]}', "utf-8")
    assert cli(*ADD, "--json", str(body)).status == 0
    replaced = cli(*ADD, "--json", str(body), "--call-data-list", '[{"called": "222"}]')
    assert replaced.status == 0, replaced.err
    piped = cli(*ADD, "--json", "-", stdin='{"callDataList": [{"called": "333"}]}')
    assert piped.status == 0, piped.err
    assert held(sim) == ["111", "222", "333"]
    for text, message in [
        ("[1]", "expected a JSON object"),
        ("{", "not JSON"),
    ]:
        bad = cli(*ADD, "--json", "-", stdin=text)
        assert bad.status == 2 and message in bad.err
    missing = cli(*ADD, "--json", str(tmp_path / "none.json"))
    assert missing.status == 2 and "No such file" in missing.err


@pytest.fixture
def yantong(
    server: MockServer, services: dict[str, ir.Service], monkeypatch: pytest.MonkeyPatch
) -> Simulator:
    sim = Simulator(
        services["yantong_groupcall"], MockConfig(tokens=("tok-secret-42",), tasks={"59": "群呼"})
    )
    server.use(sim)
    for name in ("OUTBOUND_YANTONG_GROUPCALL_TOKEN", "OUTBOUND_YANTONG_GROUPCALL_TOKEN_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OUTBOUND_YANTONG_GROUPCALL_BASE_URL", server.url)
    return sim


def test_a_body_token_comes_from_the_environment_or_a_file(
    cli: Cli, yantong: Simulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Yantong: `--id 59` travels as the documented string "59" inside `data`; the token from
    OUTBOUND_YANTONG_GROUPCALL_TOKEN or from the file …_FILE names (its newline dropped)."""
    token_file = tmp_path / "token"
    token_file.write_text("tok-secret-42\n")
    monkeypatch.setenv("OUTBOUND_YANTONG_GROUPCALL_TOKEN_FILE", str(token_file))
    result = cli("yantong_groupcall", "get_task", "--id", "59")
    assert result.status == 0, result.err
    assert "tok-secret-42" not in result.out + result.err
    assert json.loads(result.out)["result"]["info"]["info"] == {
        "id": "59", "name": "群呼", "status": "0", "start_time": "08:30:01", "end_time": "19:30:02"
    }  # fmt: skip

    monkeypatch.setenv("OUTBOUND_YANTONG_GROUPCALL_TOKEN", "tok-secret-42")
    both = cli("yantong_groupcall", "get_task", "--id", "59")
    assert both.status == 2
    assert (
        "set OUTBOUND_YANTONG_GROUPCALL_TOKEN or OUTBOUND_YANTONG_GROUPCALL_TOKEN_FILE, not both"
        in both.err
    )
    monkeypatch.delenv("OUTBOUND_YANTONG_GROUPCALL_TOKEN_FILE")
    assert cli("yantong_groupcall", "get_task", "--id", "59").status == 0
    listed = cli("yantong_groupcall", "list_tasks")
    assert listed.status == 0, listed.err

    monkeypatch.setenv("OUTBOUND_YANTONG_GROUPCALL_TOKEN", "wrong-token")
    refused = cli("yantong_groupcall", "get_task", "--id", "59")
    assert refused.status == 1 and "wrong-token" not in refused.err
    in_json = cli(
        "yantong_groupcall", "get_task", "--json", "-", stdin='{"id": "59", "token": "x"}'
    )
    assert in_json.status == 1 and "/data/token: unknown field" in in_json.err


def test_a_token_file_that_cannot_be_read_is_named_not_shown(
    cli: Cli, yantong: Simulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("OUTBOUND_YANTONG_GROUPCALL_TOKEN_FILE", str(tmp_path / "absent"))
    result = cli("yantong_groupcall", "list_tasks")
    assert result.status == 2
    assert (
        f"OUTBOUND_YANTONG_GROUPCALL_TOKEN_FILE names {tmp_path / 'absent'}, which cannot be read"
        in result.err
    )
    empty = tmp_path / "empty"
    empty.write_text("\n")
    monkeypatch.setenv("OUTBOUND_YANTONG_GROUPCALL_TOKEN_FILE", str(empty))
    assert "is empty" in cli("yantong_groupcall", "list_tasks").err


def test_a_pem_key_file_is_read_as_bytes(
    cli: Cli,
    server: MockServer,
    services: dict[str, ir.Service],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    rsa_keys: tuple[bytes, bytes],
) -> None:
    """dezhu_speech signs with SHA256withRSA: the private key PEM from …_PRIVATE_KEY_PEM_FILE."""
    private, public = rsa_keys
    server.use(Simulator(services["dezhu_speech"], MockConfig(public_keys={"app-1": public})))
    key = tmp_path / "key.pem"
    key.write_bytes(private)
    monkeypatch.setenv("OUTBOUND_DEZHU_SPEECH_BASE_URL", server.url)
    monkeypatch.setenv("OUTBOUND_DEZHU_SPEECH_APP_ID", "app-1")
    monkeypatch.setenv("OUTBOUND_DEZHU_SPEECH_PRIVATE_KEY_PEM_FILE", str(key))
    example = next(
        e.body for e in services["dezhu_speech"].operations[0].examples if e.kind == "request"
    )
    example = dict(example, strategyDisplaySwitch=True)  # the document's example sends 1
    result = cli("dezhu_speech", "create_outbound_task", "--json", "-", stdin=json.dumps(example))
    assert result.status == 0, result.err
    assert "PRIVATE KEY" not in result.out + result.err


# ---------------------------------------------------------------------------------------------
# A server that misbehaves
# ---------------------------------------------------------------------------------------------


class Canned(http.server.BaseHTTPRequestHandler):
    answers: ClassVar[list[tuple[int, str, bytes]]] = []

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        status, media, body = self.answers.pop(0)
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def canned(
    monkeypatch: pytest.MonkeyPatch, huawei_env: dict[str, str]
) -> Iterator[list[tuple[int, str, bytes]]]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Canned)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv(
        "OUTBOUND_HUAWEI_ISALES_BASE_URL", f"http://127.0.0.1:{httpd.server_address[1]}"
    )
    Canned.answers.clear()
    yield Canned.answers
    httpd.shutdown()
    httpd.server_close()


def test_deviations_of_a_success_answer_are_printed(cli: Cli, canned: list[Any]) -> None:
    body = {
        "resultCode": "0200000",
        "resultDesc": None,
        "returnObject": {"totalSize": "12"},
        "x": 1,
    }
    canned.append((200, "application/json", json.dumps(body).encode()))
    result = cli(*ADD, "--call-data-list", '[{"called": "1"}]')
    assert result.status == 0, result.err
    output = json.loads(result.out)
    assert output["result"]["returnObject"] == {"totalSize": 12}
    assert output["result"]["x"] == 1
    assert sorted((d["path"], d["rule"], d["value"]) for d in output["deviations"]) == [
        ("/resultDesc", "type", None),
        ("/returnObject/totalSize", "type", "12"),
    ]


def test_a_gateway_page_is_an_error_exit_1(cli: Cli, canned: list[Any]) -> None:
    canned.append((502, "text/html", b"<html><body>Bad Gateway</body></html>"))
    result = cli(*ADD, "--call-data-list", '[{"called": "1"}]')
    assert result.status == 1 and result.out == ""
    assert "add_call_data: " in result.err and "502" in result.err


def test_an_unreachable_server_is_an_error_exit_1(
    cli: Cli, huawei_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("OUTBOUND_HUAWEI_ISALES_BASE_URL", f"http://127.0.0.1:{port}")
    result = cli(*ADD, "--call-data-list", '[{"called": "1"}]', "--timeout", "2")
    assert result.status == 1
    assert "the exchange failed" in result.err and "did not reach the server" in result.err


# ---------------------------------------------------------------------------------------------
# Secrets
# ---------------------------------------------------------------------------------------------


def test_no_secret_in_any_output_journal_or_report(
    cli: Cli,
    huawei: Callable[..., Simulator],
    huawei_env: dict[str, str],
    tmp_path: Path,
    fast_pacing: None,
) -> None:
    huawei(blacklist=frozenset({"13800000005"}))
    numbers = tmp_path / "n.csv"
    numbers.write_text("called\n" + "\n".join(f"1380000000{i}" for i in range(10)) + "\nbad\n")
    outputs = [
        cli("--help"),
        cli("huawei_isales", "--help"),
        cli(*ADD, "--help"),
        cli(*ADD, "--call-data-list", '[{"called": "x"}]'),
        cli(*ADD, "--call-data-list", '[{"called": "13800000005"}]'),
        cli(*ADD, "--call-data-list", '[{"called": "13800000001"}]'),
        cli(*ADD, "--from", str(numbers), "--report", str(tmp_path / "r.csv")),
        cli(*ADD, "--from", str(numbers), "--report", str(tmp_path / "r.csv"), "--skip-invalid"),
    ]
    text = "".join(r.out + r.err for r in outputs)
    files = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert {r.status for r in outputs} == {0, 1}
    for secret in (SK, SK.encode()):
        assert secret not in (text if isinstance(secret, str) else files)


def test_the_command_line_of_a_running_load_holds_no_credential(tmp_path: Path) -> None:
    """What other users see in the process list is the argument vector: the CLI has no option
    that takes a credential, so a documented command line cannot carry one."""
    from outbound.huawei_isales.cli import COMMANDS

    flags = {o.flag for c in COMMANDS.commands for o in c.options}
    for credential in COMMANDS.credentials:
        assert "--" + credential.argument.replace("_", "-") not in flags


# ---------------------------------------------------------------------------------------------
# Dispatch to the callback receiver, pacer passing, the real entry points
# ---------------------------------------------------------------------------------------------


def test_serve_callbacks_dispatches_to_the_receiver(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from outbound._runtime import callbacks

    calls: list[tuple[Any, list[str]]] = []

    def cli_main(service_module: Any, argv: list[str]) -> int:
        calls.append((service_module, argv))
        return 3

    monkeypatch.setattr(callbacks, "cli_main", cli_main)
    result = cli("yantong_groupcall", "serve-callbacks", "--port", "0", "--to", "r.jsonl")
    import outbound.yantong_groupcall as yt

    assert result.status == 3
    assert calls == [(yt, ["--port", "0", "--to", "r.jsonl"])]
    other = cli("huawei_isales", "serve-callbacks")
    assert other.status == 2 and "has no operation 'serve-callbacks'" in other.err
    assert calls == [(yt, ["--port", "0", "--to", "r.jsonl"])]


def test_serve_callbacks_runs_the_receiver(tmp_path: Path) -> None:
    """The real receiver behind `python -m outbound yantong_groupcall serve-callbacks`: its
    help, and a push posted over HTTP ends in --to before it is answered."""
    usage = subprocess.run(
        [sys.executable, "-m", "outbound", "yantong_groupcall", "serve-callbacks", "--help"],
        capture_output=True, text=True, timeout=60, check=False, cwd=ROOT,
    )  # fmt: skip
    assert usage.returncode == 0, usage.stderr
    assert usage.stdout.startswith("usage: python -m outbound yantong_groupcall serve-callbacks")
    assert "--to FILE" in usage.stdout
    results = tmp_path / "results.jsonl"
    process = subprocess.Popen(
        [sys.executable, "-m", "outbound", "yantong_groupcall", "serve-callbacks",
         "--port", "0", "--to", str(results)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        assert "serving yantong_groupcall call_result pushes on http://127.0.0.1:" in line, line
        url = line.split(" on ", 1)[1].split(" ", 1)[0]
        body = {"call_result": {"id": "7", "phone": "13800000001"}}
        answer = httpx.post(url, json=body, timeout=30)
        assert answer.status_code == 200
        (record,) = [json.loads(x) for x in results.read_text("utf-8").splitlines()]
        assert record["body"] == body and record["callback"] == "call_result"
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0


def test_pacer_is_passed_to_the_client_unchanged(
    cli: Cli, huawei_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    made: list[dict[str, Any]] = []
    pacers: list[Any] = []

    class PacedClient(hw.Client):
        def __init__(self, base_url: str, *, pacer: str | None = None, **kwargs: Any) -> None:
            made.append(dict(kwargs, pacer=pacer))
            super().__init__(base_url, pacer=pacer, **kwargs)
            pacers.append(self._core.pacer)

    monkeypatch.setattr(hw, "Client", PacedClient)
    args = [*ADD, "--call-data-list", '[{"called": "x"}]', "--timeout", "5"]
    monkeypatch.setenv("OUTBOUND_PACER", "off")
    cli(*args)  # refused by validation before any client exists
    assert made == []
    cli(*DELETE, "--called", "1")
    assert made[-1]["pacer"] == "off" and pacers[-1] is OFF
    assert made[-1]["timeout"] == 10.0 and made[-1]["verify"] is True
    folder = tmp_path / "pace"
    cli(*DELETE, "--called", "1", "--pacer", f"file://{folder}")  # the option wins
    assert made[-1]["pacer"] == f"file://{folder}"
    assert isinstance(pacers[-1], FilePacer)
    monkeypatch.delenv("OUTBOUND_PACER")
    cli(*DELETE, "--called", "1")
    assert made[-1]["pacer"] is None and isinstance(pacers[-1], MemoryPacer)


def test_a_bad_pacer_url_is_a_usage_error(
    cli: Cli, huawei_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    result = cli(*DELETE, "--called", "1", "--pacer", "ftp://example.invalid/x")
    assert result.status == 2 and "unknown pacer" in result.err
    assert "Traceback" not in result.err
    monkeypatch.setenv("OUTBOUND_PACER", "nonsense")
    result = cli(*DELETE, "--called", "1")
    assert result.status == 2 and "unknown pacer" in result.err


def test_python_dash_m_outbound_runs(
    huawei: Callable[..., Simulator], huawei_env: dict[str, str]
) -> None:
    sim = huawei()
    proc = subprocess.run(
        [sys.executable, "-m", "outbound", *ADD, "--call-data-list", '[{"called": "13800000077"}]'],
        capture_output=True, text=True, timeout=60, check=False, cwd=ROOT,
        env={**{k: v for k, v in __import__("os").environ.items()}, **huawei_env},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["result"]["resultCode"] == "0200000"
    assert held(sim) == ["13800000077"]
    usage = subprocess.run(
        [sys.executable, "-m", "outbound", "huawei_isales", "add_call_data", "--help"],
        capture_output=True, text=True, timeout=60, check=False, cwd=ROOT,
    )  # fmt: skip
    assert usage.stdout.startswith("usage: python -m outbound huawei_isales add_call_data")
