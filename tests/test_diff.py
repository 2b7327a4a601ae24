"""`callgen diff`: each kind of spec edit gets its class, its item, its rule and its line.

The table below edits a small spec that uses every feature the diff compares (diff_base_spec)
and states, for each edit, the exact entries expected: (class, item, rule, what changed). Each
entry's FILE:LINE is checked against the line where the edit is (or, for a removal, the line
of the surviving parent). Renames are a removal plus an addition. The CLI is run in-process
(text, json, github formats) and with --git against a throw-away repository.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from diff_base_spec import BASE

from generator import cli, diff
from generator.diff import BREAKING as B
from generator.diff import COMPATIBLE as C
from generator.diff import DOCUMENTATION as D
from generator.errors import SpecErrors
from generator.spec import LoadedSpec, SpecText, read_spec
from generator.yamlpos import read_yaml

ROOT = Path(__file__).resolve().parents[1]
Edit = Callable[[str], str]


def sub(old: str, new: str) -> Edit:
    """Replace `old`, which must occur exactly once."""

    def edit(text: str) -> str:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        return text.replace(old, new)

    return edit


def cut(start: str, end: str) -> Edit:
    """Remove from `start` (occurring once) up to, not including, the next `end`."""

    def edit(text: str) -> str:
        assert text.count(start) == 1, start
        i = text.index(start)
        j = text.index(end, i + len(start))
        return text[:i] + text[j:]

    return edit


def both(*edits: Edit) -> Edit:
    def edit(text: str) -> str:
        for e in edits:
            text = e(text)
        return text

    return edit


@dataclass(frozen=True)
class Row:
    id: str
    edit: Edit
    expected: list[tuple[str, str, str, str]]  # (class, item, rule, what), in output order
    at: str | None = None  # text on the line the first entry must name (default: the edit's)


def line_of(text: str, needle: str) -> int:
    assert text.count(needle) == 1, f"{needle!r} occurs {text.count(needle)} times"
    return text[: text.index(needle)].count("\n") + 1


EDITS = [
    # -- breaking: removed or renamed ------------------------------------------------------
    Row("operation removed", cut("  remove:\n", "callbacks:"),
        [(B, "remove", "operation", "removed")], at="operations:"),
    Row("request field removed", cut("        note: {type: string, min_length", "    response:"),
        [(B, "add request /note", "field", "removed")], at="      source: \"900 Add body\"\n      properties:"),
    Row("response field removed", cut("        total: {type: integer", "    examples:"),
        [(B, "add response /total", "field", "removed")], at="      source: \"900 Add answer\"\n      properties:"),
    Row("callback removed", cut("callbacks:\n", "limits:"),
        [(B, "result", "callback", "removed")], at="callgen: 1"),
    Row("error code removed", cut("  - code: \"E4\"", "types:"),
        [(B, "error code E4", "error code", "removed")], at="error_codes:"),
    Row("error code renamed", sub("name: OTHER", "name: OTHER_ERROR"),
        [(B, "error code E4", "name", "changed")]),
    Row("model removed, field inlined",
        both(cut("types:\n", "operations:"),
             sub("items: {ref: Item}", "items: {type: object, properties: {phone: {type: string, source: \"900 T\"}}}")),
        [(B, "Item", "model", "removed"), (B, "add request /items/*", "ref", "changed")],
        at="callgen: 1"),
    # -- breaking: newly required, type changed ----------------------------------------------
    Row("field newly required",
        sub("      label:\n        type: string\n", "      label:\n        type: string\n        required: true\n"),
        [(B, "Item /label", "required", "turned on")], at="      label:\n        type: string\n        required: true"),
    Row("required field added",
        sub("        note: {type: string,", "        extra: {type: string, required: true, source: \"900 Add #5\"}\n        note: {type: string,"),
        [(B, "add request /extra", "field", "added")]),
    Row("conditionally required field added",
        sub("        note: {type: string,", "        extra: {type: string, required_if: {field: mode, equals: 1}, source: \"900 Add #5\"}\n        note: {type: string,"),
        [(B, "add request /extra", "field", "added")]),
    Row("new conditional requirement",
        sub("note: {type: string, min_length: 1,", "note: {type: string, required_if: {field: mode, equals: 0}, min_length: 1,"),
        [(B, "add request /note", "required_if", "added")]),
    Row("type changed", sub("        mode:\n          type: integer", "        mode:\n          type: number"),
        [(B, "add request /mode", "type", "changed")], at="        mode:\n          type: number"),
    Row("nullable added", sub("        max_length: 200\n", "        max_length: 200\n        nullable: true\n"),
        [(B, "Item /label", "type", "changed")], at="      label:\n        type: string"),
    Row("model of a field changed",
        both(sub("types:\n", "types:\n  Other:\n    properties:\n      phone: {type: string, source: \"900 T\"}\n"),
             sub("items: {ref: Item}", "items: {ref: Other}")),
        [(C, "Other", "model", "added"), (B, "add request /items/*", "ref", "changed")],
        at="  Other:"),
    # -- breaking: limits tightened ----------------------------------------------------------
    Row("max_length lowered", sub("max_length: 200", "max_length: 100"),
        [(B, "Item /label", "max_length", "lowered")]),
    Row("max_length added", sub("note: {type: string, min_length: 1,", "note: {type: string, max_length: 30, min_length: 1,"),
        [(B, "add request /note", "max_length", "added")]),
    Row("min_length raised", sub("min_length: 1,", "min_length: 2,"),
        [(B, "add request /note", "min_length", "raised")]),
    Row("max_bytes lowered", sub("max_bytes: 60", "max_bytes: 30"),
        [(B, "add request /note", "max_bytes", "lowered")]),
    Row("minimum raised", sub("minimum: 1, maximum: 9999", "minimum: 10, maximum: 9999"),
        [(B, "add path parameter groupId", "minimum", "raised")]),
    Row("maximum lowered", sub("          maximum: 1\n", "          maximum: 0\n"),
        [(B, "add request /mode", "maximum", "lowered")]),
    Row("exclusive_minimum raised", sub("exclusive_minimum: 0", "exclusive_minimum: 1"),
        [(B, "add request /rate", "exclusive_minimum", "raised")]),
    Row("pattern narrowed", sub('pattern: "^[0-9]+$"', 'pattern: "^[0-9]{1,20}$"'),
        [(B, "Item /phone", "pattern", "narrowed")]),
    Row("pattern changed, direction unknown", sub('pattern: "^[0-9]+$"', 'pattern: "^[0-9a-f]{8}$"'),
        [(B, "Item /phone", "pattern", "changed (not proven to accept every value it did)")]),
    Row("pattern added", sub('forbidden_chars: "<>"', 'forbidden_chars: "<>"\n        pattern: "^[a-z]*$"'),
        [(B, "Item /label", "pattern", "added")], at='pattern: "^[a-z]*$"'),
    Row("enum value removed", sub("          - {value: 2, meaning: two}\n", ""),
        [(B, "Item /kind", "enum", "value 2 removed")], at="        enum:"),
    Row("enum added", sub("kind: {type: string, source", "kind: {type: string, enum: [{value: a, meaning: A}], source"),
        [(B, "remove request /kind", "enum", "added")]),
    Row("forbidden character added", sub('forbidden_chars: "<>"', 'forbidden_chars: "<>&"'),
        [(B, "Item /label", "forbidden_chars", 'adds "&"')]),
    Row("format added", sub('        forbidden_chars: "<>"\n', '        forbidden_chars: "<>"\n        format: date\n'),
        [(B, "Item /label", "format", "added")], at="        forbidden_chars: \"<>\"\n        format: date"),
    Row("format changed", sub("format: date", "format: datetime"),
        [(B, "Item /day", "format", "changed")]),
    Row("dependent requirement added", sub("kind: [phone]", "kind: [phone, token]"),
        [(B, "remove request", "dependent_required", 'adds ["kind", "token"]')],
        at="      dependent_required:"),
    Row("exactly_one_of added", sub("      dependent_required:\n", "      exactly_one_of: [phone, kind]\n      dependent_required:\n"),
        [(B, "remove request", "exactly_one_of", "added")]),
    Row("max_items lowered", sub("max_items: 20", "max_items: 10"),
        [(B, "add request /items", "max_items", "lowered")]),
    Row("min_items raised", sub("min_items: 1", "min_items: 2"),
        [(B, "add request /items", "min_items", "raised")]),
    Row("unique_by changed", sub("unique_by: phone", "unique_by: label"),
        [(B, "add request /items", "unique_by", "changed")]),
    Row("must_match added", sub("max_bytes: 60,", "max_bytes: 60, must_match: /items/*/phone,"),
        [(B, "add request /note", "must_match", "added")]),
    Row("minimum interval lengthened", sub("kind: min_interval\n    value: 1\n", "kind: min_interval\n    value: 2\n"),
        [(B, "limit interval", "min_interval", "raised")], at="kind: min_interval\n    value: 2"),
    Row("max items per call lowered", sub("kind: max_items_per_call\n    value: 20\n", "kind: max_items_per_call\n    value: 10\n"),
        [(B, "limit per_call", "max_items_per_call", "lowered")], at="    value: 10"),
    Row("limit added", sub("notes:\n", "  - {id: quota, kind: server_quota, value: 5, enforced_by: server, source: \"900 Usage #3\", description: Five.}\nnotes:\n"),
        [(B, "limit quota", "server_quota", "added")]),
    Row("server limit added",
        sub("  - id: per_call\n", "  - id: quota\n    kind: server_quota\n    enforced_by: server\n    source: \"900 Usage #3\"\n    description: Some.\n  - id: per_call\n"),
        [(B, "limit quota", "server_quota", "added")], at="  - id: quota"),
    # -- breaking: wire contract -------------------------------------------------------------
    Row("route changed", sub("path: /items/{groupId}\n", "path: /v2/items/{groupId}\n"),
        [(B, "add", "route", "changed")]),
    Row("method changed", sub("    method: POST\n    path: /items/{groupId}/delete", "    method: PUT\n    path: /items/{groupId}/delete"),
        [(B, "remove", "method", "changed")], at="    method: PUT"),
    Row("path parameter added",
        both(sub("path: /items/{groupId}/delete", "path: /items/{groupId}/{part}/delete"),
             sub('groupId: {type: integer, source: "900 Remove #0"}', 'groupId: {type: integer, source: "900 Remove #0"}\n      part: {type: integer, source: "900 Remove #0"}')),
        [(B, "remove", "route", "changed"), (B, "remove path parameter part", "path parameter", "added")],
        at="path: /items/{groupId}/{part}/delete"),
    Row("header value changed", sub("value: application/json,", "value: application/json; charset=UTF-8,"),
        [(B, "add", "header Content-Type", "changed")]),
    Row("auth scheme changed", sub("auth: {scheme: body_token, body_field: /token,", "auth: {scheme: huawei_auth_v2, header: Authorization,"),
        [(B, "auth", "scheme", "changed")]),
    Row("envelope request id added", sub("envelope: {code: /code, message: /msg,", "envelope: {code: /code, message: /msg, request_id: /msg,"),
        [(B, "envelope", "request_id", "added")]),
    Row("success code set changed", sub("success: [0]", "success: [0, 1]"),
        [(B, "envelope", "success codes", "changed")]),
    Row("create may be resent", sub("    creates: true\n", "    creates: false\n"),
        [(B, "add", "creates", "turned off")],
        at="source: \"900 Add headers\"}\n    creates: false"),
    Row("batch method removed", sub("    batch: {field: items}\n", ""),
        [(B, "add", "batch", "removed")], at="  add:"),
    Row("python name given", sub("total: {type: integer,", "total: {type: integer, python_name: total_count,"),
        [(B, "add response /total", "python_name", "changed")]),
    Row("guard confirmation renamed", sub("confirm: confirm_all", "confirm: confirm_every"),
        [(B, "remove", "guard", "changed")]),
    Row("retries stopped", sub("    retryable: true\n", "    retryable: false\n"),
        [(B, "error code E1", "retryable", "turned off")]),
    Row("rule code changed", sub('  max_length: "E3"', '  max_length: "E4"'),
        [(B, "rule codes", "rule_codes", "max_length changed")], at="rule_codes:"),
    Row("error code scope changed", sub('    name: BAD_CHARS\n    scope: data\n', '    name: BAD_CHARS\n    scope: service\n'),
        [(B, "error code E2", "scope", "changed")], at="    scope: service"),
    Row("callback field newly required", sub("state: {type: integer,", "state: {type: integer, required: true,"),
        [(B, "result callback /state", "required", "turned on")]),
    # -- compatible --------------------------------------------------------------------------
    Row("operation added",
        sub("callbacks:\n", "  count:\n    summary: Count.\n    source: \"900 Count\"\n    method: POST\n    path: /count\n    creates: false\n    request: {type: object, properties: {token: {type: string, required: true, source: \"900 Count\"}}}\n    response: {type: object, properties: {code: {type: integer, source: \"900 Count\"}, msg: {type: string, source: \"900 Count\"}}}\ncallbacks:\n"),
        [(C, "count", "operation", "added")], at="  count:"),
    Row("optional field added", sub("        note: {type: string,", "        extra: {type: string, source: \"900 Add #5\"}\n        note: {type: string,"),
        [(C, "add request /extra", "field", "added")]),
    Row("error code added", sub("types:\n", "  - {code: \"E5\", name: NEW_ONE, texts: [{source: \"900 Codes #6\", text: New.}]}\ntypes:\n"),
        [(C, "error code E5", "error code", "added")]),
    Row("enum value added", sub("          - {value: 2, meaning: two}\n", "          - {value: 2, meaning: two}\n          - {value: 3, meaning: three}\n"),
        [(C, "Item /kind", "enum", "value 3 added")], at="        enum:"),
    Row("max_length raised", sub("max_length: 200", "max_length: 300"),
        [(C, "Item /label", "max_length", "raised")]),
    Row("max_length removed", sub("        max_length: 200\n", ""),
        [(C, "Item /label", "max_length", "removed")], at="      label:"),
    Row("minimum lowered", sub("minimum: 1, maximum: 9999", "minimum: 0, maximum: 9999"),
        [(C, "add path parameter groupId", "minimum", "lowered")]),
    Row("pattern widened", sub('pattern: "^[0-9]+$"', 'pattern: "^[0-9*#]+$"'),
        [(C, "Item /phone", "pattern", "widened")]),
    Row("pattern alternative added", sub('pattern: "^[0-9]+$"', 'pattern: "^(?:[0-9]+|-)$"'),
        [(C, "Item /phone", "pattern", "widened")]),
    Row("forbidden character allowed", sub('forbidden_chars: "<>"', 'forbidden_chars: "<"'),
        [(C, "Item /label", "forbidden_chars", 'drops ">"')]),
    Row("field no longer required", sub("        type: string\n        required: true\n        max_length: 24", "        type: string\n        max_length: 24"),
        [(C, "Item /phone", "required", "turned off")], at="    properties:\n      phone:"),
    Row("max_items raised", sub("max_items: 20", "max_items: 40"),
        [(C, "add request /items", "max_items", "raised")]),
    Row("minimum interval shortened", sub("kind: min_interval\n    value: 1\n", "kind: min_interval\n    value: 0.5\n"),
        [(C, "limit interval", "min_interval", "lowered")], at="    value: 0.5"),
    Row("limit removed", cut("  - id: interval\n", "notes:"),
        [(C, "limit interval", "min_interval", "removed")], at="limits:"),
    Row("callback added", sub("limits:\n", "  status:\n    summary: Status.\n    source: \"900 Status\"\n    body: {type: object, properties: {state: {type: integer, source: \"900 Status\"}}}\nlimits:\n"),
        [(C, "status", "callback", "added")], at="  status:"),
    Row("guard removed", sub("    guard: {unless_any_of: [phone], confirm: confirm_all, note: empty_remove}\n", ""),
        [(C, "remove", "guard", "removed")], at="  remove:"),
    Row("retries added", sub("    name: BAD_CHARS\n", "    name: BAD_CHARS\n    retryable: true\n"),
        [(C, "error code E2", "retryable", "turned on")], at="    name: BAD_CHARS\n    retryable: true"),
    Row("rule code added", sub('  pattern: "E2"\n', '  pattern: "E2"\n  min_length: "E3"\n'),
        [(C, "rule codes", "rule_codes", "min_length added")], at="rule_codes:"),
    Row("dependent requirement removed", sub("      dependent_required:\n        kind: [phone]\n", ""),
        [(C, "remove request", "dependent_required", 'drops ["kind", "phone"]')], at="confirm_all, note: empty_remove}\n    request:"),
    Row("format removed", sub("        format: date\n", ""),
        [(C, "Item /day", "format", "removed")], at="      day:"),
    Row("enforced by the server only", sub("    value: 20\n    enforced_by: client\n", "    value: 20\n    enforced_by: server\n"),
        [(C, "limit per_call", "enforced by the client", "turned off")], at="    enforced_by: server"),
    Row("nullable removed... none: union narrowed is a type change", sub("        type: integer\n        enum:", "        type: [integer, string]\n        enum:"),
        [(B, "Item /kind", "type", "changed")], at="        type: [integer, string]"),
    # -- documentation -----------------------------------------------------------------------
    Row("description added", sub('        source: "900 T2 #2"\n', '        source: "900 T2 #2"\n        description: A label.\n'),
        [(D, "Item /label", "description", "added")], at="        description: A label."),
    Row("source changed", sub('source: "900 Add #2"', 'source: "900 Add #2b"'),
        [(D, "add request /mode", "source", "changed")]),
    Row("base URL source changed", sub('source: "900 URI"}', 'source: "900 URI #2"}'),
        [(D, "", "base_url source", "changed")], at='base_url: {documented: "https://ip:port"'),
    Row("summary changed", sub("summary: Add items.", "summary: Add items to a group."),
        [(D, "add", "summary", "changed")]),
    Row("example changed", sub('body: {token: t, items: [{phone: "123"}]}', 'body: {token: t, items: [{phone: "456"}]}'),
        [(D, "add example doc_request", "body", "changed")], at="        body: {token: t, items: [{phone: \"456\"}]}"),
    Row("note changed", sub("decision: The client asks for confirmation.", "decision: The client asks first."),
        [(D, "note empty_remove", "decision", "changed")], at="    decision: The client asks first."),
    Row("error code text changed", sub("text: Other error.", "text: Another error."),
        [(D, "error code E4", "texts", "changed")], at="    texts: [{source: \"900 Codes #5\""),
    Row("enum meaning changed", sub("{value: 1, meaning: one}", "{value: 1, meaning: the first}"),
        [(D, "Item /kind", "enum", "meaning of 1 changed")], at="        enum:"),
    Row("title changed", sub("title: Test service", "title: The test service"),
        [(D, "", "title", "changed")]),
    Row("pattern rewritten", sub('pattern: "^[0-9]+$"', 'pattern: "^[0123456789]+$"'),
        [(D, "Item /phone", "pattern", "rewritten, accepting the same values")]),
    Row("inferred", sub("state: {type: integer,", "state: {type: integer, inferred: true,"),
        [(D, "result callback /state", "inferred", "changed")]),
    Row("default documented", sub("          maximum: 1\n", "          maximum: 1\n          default: 0\n"),
        [(D, "add request /mode", "default", "added")], at="          default: 0"),
    Row("limit description changed", sub("description: At most 20 items a call.", "description: Twenty items a call at most."),
        [(D, "limit per_call", "description", "changed")]),
    Row("document title changed", sub("title: Test document}", "title: Test document v2}"),
        [(D, "source 900", "sources", "changed")]),
    # -- renames: a removal and an addition ------------------------------------------------
    Row("field renamed", sub("      label:\n        type: string", "      caption:\n        type: string"),
        [(B, "Item /label", "field", "removed"), (C, "Item /caption", "field", "added")],
        at="    description: One item.\n    properties:"),
    Row("operation renamed", both(sub("  remove:\n", "  delete:\n"), sub("about: [remove]", "about: [delete]")),
        [(B, "remove", "operation", "removed"), (C, "delete", "operation", "added"),
         (D, "note empty_remove", "about", "changed")],
        at="operations:"),
    Row("callback renamed", sub("  result:\n", "  outcome:\n"),
        [(B, "result", "callback", "removed"), (C, "outcome", "callback", "added")], at="callbacks:"),
    Row("model renamed", both(sub("  Item:\n", "  Entry:\n"), sub("items: {ref: Item}", "items: {ref: Entry}")),
        [(B, "Item", "model", "removed"), (C, "Entry", "model", "added"),
         (B, "add request /items/*", "ref", "changed")], at="types:"),
    Row("error code renumbered", sub('  - code: "E4"', '  - code: "E9"'),
        [(B, "error code E4", "error code", "removed"), (C, "error code E9", "error code", "added")],
        at="error_codes:"),
]  # fmt: skip


@pytest.fixture(scope="module")
def base() -> LoadedSpec:
    return read_spec(BASE.encode(), "old/svc.yaml", "svc")


def entries(changes: list[diff.Change]) -> list[tuple[str, str, str, str]]:
    return [(c.kind, c.item, c.rule, c.what) for c in changes]


def test_the_table_is_big_enough() -> None:
    assert len(EDITS) >= 40
    assert {B, C, D} == {kind for row in EDITS for kind, *_ in row.expected}
    assert len({row.id for row in EDITS}) == len(EDITS)


@pytest.mark.parametrize("row", EDITS, ids=[row.id for row in EDITS])
def test_each_edit_is_classified(base: LoadedSpec, row: Row) -> None:
    text = row.edit(BASE)
    assert text != BASE
    try:
        new = read_spec(text.encode(), "new/svc.yaml", "svc")
    except SpecErrors as exc:  # the edit itself must be a valid spec
        pytest.fail(f"edited spec does not load: {exc}")
    changes = diff.compare_specs([base], [new])
    got = entries(changes)
    assert sorted(got) == sorted(row.expected), "\n".join(str(c) for c in changes)
    first = next(c for c in changes if (c.kind, c.item, c.rule, c.what) == row.expected[0])
    assert first.pos.file == "new/svc.yaml"
    needle = row.at
    if needle is None:  # the first line the edit wrote
        start = next(i for i, (a, b) in enumerate(zip(text, BASE, strict=False)) if a != b)
        needle = text[text.rindex("\n", 0, start) + 1 : text.index("\n", start)]
    # the entry names the line of the needle's last line
    assert first.pos.line == line_of(text, needle) + needle.count("\n"), str(first)
    if first.removed:
        assert first.old_pos is not None and first.old_pos.file == "old/svc.yaml"


@pytest.mark.parametrize("row", EDITS, ids=[row.id for row in EDITS])
def test_reading_both_sides_together_finds_what_reading_each_in_full_finds(
    base: LoadedSpec, row: Row
) -> None:
    """`callgen diff` reads its two sides together and builds only what differs (operations
    written alike are not built again); its changes, with their positions, are those of two
    specs read and built in full."""
    text = row.edit(BASE)
    full = diff.compare_specs([base], [read_spec(text.encode(), "new/svc.yaml", "svc")])
    old, new = diff.read_sides(
        [SpecText(BASE.encode(), "old/svc.yaml", "svc")],
        [SpecText(text.encode(), "new/svc.yaml", "svc")],
    )
    together = diff.compare_specs(old, new)
    assert [(c, str(c.pos), str(c.old_pos)) for c in together] == [
        (c, str(c.pos), str(c.old_pos)) for c in full
    ]


def test_operations_written_alike_are_not_built_again() -> None:
    edited = sub("max_length: 200", "max_length: 100")(BASE)  # a type, read by both operations
    in_one = sub("operations:\n  add:\n", "operations:\n  add:\n    # a comment\n")(BASE)
    readings = [read_yaml(f"{i}.yaml", t.encode()) for i, t in enumerate((BASE, edited, in_one))]
    assert diff.alike_operations(readings[0], readings[1]) == frozenset()  # types differ
    assert diff.alike_operations(readings[0], readings[2]) == {"remove"}
    old, new = diff.read_sides(
        [SpecText(BASE.encode(), "old/svc.yaml", "svc")],
        [SpecText(in_one.encode(), "new/svc.yaml", "svc")],
    )
    assert [op.id for op in old[0].service.operations] == ["add"]
    assert [op.id for op in new[0].service.operations] == ["add"]


def test_an_operation_removed_beside_operations_all_alike() -> None:
    """Every operation the new side keeps is written alike: one of them is still built on
    both sides (a spec has at least one), and only the removal is reported."""
    add = BASE.split("  add:\n", 1)[1].split("  remove:\n", 1)[0]
    extra = "  extra:\n" + add.replace("    path: /", "    path: /extra/", 1)
    old_text = BASE.replace("operations:\n  add:\n", "operations:\n" + extra + "  add:\n", 1)
    texts = [SpecText(old_text.encode(), "old/svc.yaml", "svc")]
    together = diff.compare_specs(
        *diff.read_sides(texts, [SpecText(BASE.encode(), "new/svc.yaml", "svc")])
    )
    full = diff.compare_specs(
        [read_spec(old_text.encode(), "old/svc.yaml", "svc")],
        [read_spec(BASE.encode(), "new/svc.yaml", "svc")],
    )
    assert entries(together) == entries(full) == [(B, "extra", "operation", "removed")]


def test_operations_indented_otherwise_are_not_alike() -> None:
    """The same text indented otherwise may read otherwise (a block scalar's lines must be
    indented deeper than its key): the comparison starts at the key's line."""
    head = "callgen: 1\nservice: s\noperations:\n"
    op = "a:\n  summary: |\n    text\n"
    texts = [head + "".join(" " * n + line for line in op.splitlines(True)) for n in (2, 4)]
    readings = [read_yaml("s.yaml", t.encode()) for t in texts]
    assert readings[0].entry_texts("operations")["a"] != readings[1].entry_texts("operations")["a"]
    assert diff.alike_operations(readings[0], readings[1]) == frozenset()


def test_an_entry_names_item_values_position_and_source(base: LoadedSpec) -> None:
    text = sub("max_length: 200", "max_length: 100")(BASE)
    (change,) = diff.compare_specs([base], [read_spec(text.encode(), "new/svc.yaml", "svc")])
    line = line_of(text, "max_length: 100")
    assert str(change) == (
        f"new/svc.yaml:{line}:9: breaking: svc Item /label: max_length lowered: 200 → 100 "
        "[900 T2 #2]"
    )


def test_a_removal_says_where_the_item_was(base: LoadedSpec) -> None:
    text = cut("        note: {type: string, min_length", "    response:")(BASE)
    (change,) = diff.compare_specs([base], [read_spec(text.encode(), "new/svc.yaml", "svc")])
    old_line = line_of(BASE, "        note: {type: string, min_length")
    assert change.removed and change.old_pos is not None
    assert change.old_pos.line == old_line
    assert str(change).endswith(
        f"breaking: svc add request /note: field removed: string, optional → none "
        f"(was at old/svc.yaml:{old_line}:9) [900 Add #4]"
    )


def test_no_change_means_no_entries(base: LoadedSpec) -> None:
    same = read_spec(BASE.encode(), "new/svc.yaml", "svc")
    assert diff.compare_specs([base], [same]) == []


def test_version_and_changelog_are_not_changes(base: LoadedSpec) -> None:
    text = both(
        sub("\nversion: 1.0.0\n", "\nversion: 1.1.0\n"),
        sub(
            "changelog:\n",
            'changelog:\n  - version: 1.1.0\n    changes:\n      - {change: x, why: y, source: "900"}\n',
        ),
    )(BASE)
    assert diff.compare_specs([base], [read_spec(text.encode(), "n.yaml", "svc")]) == []


def test_services_added_and_removed(base: LoadedSpec) -> None:
    other = read_spec(BASE.replace("service: svc", "service: other").encode(), "o.yaml", "other")
    changes = diff.compare_specs([base], [other])
    assert entries(changes) == [
        (C, "", "service", "added"),
        (B, "", "service", "removed"),
    ]
    assert changes[1].removed and changes[1].pos.file == "old/svc.yaml"


# -- the CLI -----------------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def write_pair(tmp_path: Path, edit: Edit, *, version: str = "1.0.0") -> tuple[Path, Path]:
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir(parents=True)
    new.mkdir(parents=True)
    (old / "svc.yaml").write_text(BASE, "utf-8")
    text = edit(BASE)
    if version != "1.0.0":
        text = text.replace("version: 1.0.0\n", f"version: {version}\n", 1).replace(
            "changelog:\n",
            f"changelog:\n  - version: {version}\n    changes:\n"
            '      - {change: c, why: w, source: "900"}\n',
            1,
        )
    (new / "svc.yaml").write_text(text, "utf-8")
    return old, new


def test_no_change_prints_nothing_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    specs = str(ROOT / "specs")
    assert run(capsys, "diff", specs, specs) == (0, "", "")
    code, out, _ = run(capsys, "diff", specs, specs, "--format", "github")
    assert (code, out) == (0, "")


def test_text_format_and_exit_status(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    old, new = write_pair(tmp_path, sub("max_length: 200", "max_length: 100"))
    code, out, err = run(capsys, "diff", str(old), str(new))
    assert code == 1 and err == ""
    lines = out.splitlines()
    assert re.fullmatch(
        rf"{re.escape(str(new / 'svc.yaml'))}:\d+:9: breaking: svc Item /label: max_length "
        r"lowered: 200 → 100 \[900 T2 #2\]",
        lines[0],
    )
    # the version did not move: named at the version key, with the version to set
    assert re.fullmatch(rf"{re.escape(str(new / 'svc.yaml'))}:4:1: version: .*", lines[1])
    assert "needs a new major version" in lines[1] and "version: 2.0.0" in lines[1]
    assert lines[2] == "1 breaking, 0 compatible, 0 documentation"
    # --allow-breaking lets the breaking change pass, not the missing version bump
    assert run(capsys, "diff", str(old), str(new), "--allow-breaking")[0] == 1


def test_a_major_bump_with_allow_breaking_passes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    old, new = write_pair(tmp_path, sub("max_length: 200", "max_length: 100"), version="2.0.0")
    code, out, _ = run(capsys, "diff", str(old), str(new))
    assert code == 1 and "version:" not in out  # still breaking
    code, out, _ = run(capsys, "diff", str(old), str(new), "--allow-breaking")
    assert code == 0 and out.splitlines()[-1] == "1 breaking, 0 compatible, 0 documentation"


def test_compatible_changes_need_a_minor_bump(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    edit = sub("max_length: 200", "max_length: 300")
    old, new = write_pair(tmp_path, edit)
    code, out, _ = run(capsys, "diff", str(old), str(new))
    assert code == 1 and "1 compatible change" in out and "version: 1.1.0" in out
    old, new = write_pair(tmp_path / "b", edit, version="1.1.0")
    line = line_of((new / "svc.yaml").read_text("utf-8"), "max_length: 300")
    expected = (
        f"{new / 'svc.yaml'}:{line}:9: compatible: svc Item /label: max_length raised: 200 → 300 "
        "[900 T2 #2]\n0 breaking, 1 compatible, 0 documentation\n"
    )
    assert run(capsys, "diff", str(old), str(new)) == (0, expected, "")


def test_documentation_changes_need_no_bump(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    old, new = write_pair(tmp_path, sub("summary: Add items.", "summary: Add some items."))
    code, out, _ = run(capsys, "diff", str(old), str(new))
    assert code == 0 and out.endswith("0 breaking, 0 compatible, 1 documentation\n")


def test_json_format(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    old, new = write_pair(
        tmp_path,
        both(sub("max_length: 200", "max_length: 100"), sub("max_items: 20", "max_items: 40")),
    )
    code, out, _ = run(capsys, "diff", str(old), str(new), "--format", "json")
    assert code == 1
    found = json.loads(out)
    assert found["summary"] == {"breaking": 1, "compatible": 1, "documentation": 0}
    assert found["ok"] is False and found["allow_breaking"] is False
    assert [c["rule"] for c in found["changes"]] == ["max_length", "max_items"]  # file order
    assert found["changes"][1] == {
        "kind": "compatible",
        "service": "svc",
        "item": "add request /items",
        "rule": "max_items",
        "change": "raised",
        "old": "20",
        "new": "40",
        "file": str(new / "svc.yaml"),
        "line": line_of(BASE, "max_items: 20"),
        "column": 11,
        "old_file": str(old / "svc.yaml"),
        "old_line": line_of(BASE, "max_items: 20"),
        "source": "900 Add #1",
    }
    (problem,) = found["version_problems"]
    assert problem["line"] == 4 and "new major version" in problem["message"]
    assert found["versions"] == {"old": {"svc": "1.0.0"}, "new": {"svc": "1.0.0"}}
    assert found["package_version"] == {"old": "1.0.0", "new": "1.0.0"}
    # nothing changed: still a JSON document, with no changes
    code, out, _ = run(capsys, "diff", str(old), str(old), "--format", "json")
    assert code == 0 and json.loads(out)["changes"] == [] and json.loads(out)["ok"] is True


def test_github_format(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    old, new = write_pair(
        tmp_path,
        both(
            sub("max_length: 200", "max_length: 100"),
            sub("summary: Add items.", "summary: Add, items."),
        ),
    )
    code, out, _ = run(capsys, "diff", str(old), str(new), "--format", "github")
    assert code == 1
    lines = out.splitlines()
    pattern = r"::(error|warning|notice) file=([^,]+),line=(\d+),col=(\d+),title=([^:]+)::(.+)"
    parsed = [re.fullmatch(pattern, line) for line in lines[:-1]]
    assert all(parsed), lines
    levels = [(m.group(1), m.group(5)) for m in parsed if m]
    assert levels == [
        ("error", "breaking change"),
        ("notice", "documentation change"),
        ("error", "version"),
    ]
    assert parsed[0] and parsed[0].group(2) == str(new / "svc.yaml")
    assert parsed[0].group(6) == "svc Item /label: max_length lowered: 200 → 100 [900 T2 #2]"
    assert lines[-1] == "1 breaking, 0 compatible, 1 documentation"
    # allowed breaking changes are warnings
    code, out, _ = run(capsys, "diff", str(old), str(new), "--format", "github", "--allow-breaking")
    assert "::warning " in out and "title=breaking change" in out


def test_github_annotations_escape_what_would_end_them() -> None:
    from generator.ir import Pos

    line = diff.annotation("error", Pos("a,b:c.yaml", 3, 4), "t:1,2", "50% done\nnext\r")
    assert line == "::error file=a%2Cb%3Ac.yaml,line=3,col=4,title=t%3A1%2C2::50%25 done%0Anext%0D"


def test_changelog_draft(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    edit = both(sub("max_length: 200", "max_length: 100"), sub("max_items: 20", "max_items: 40"))
    old, new = write_pair(tmp_path, edit)
    code, out, _ = run(capsys, "diff", str(old), str(new), "--changelog")
    assert code == 0
    assert out.splitlines()[:3] == [
        f"# {new / 'svc.yaml'}: 1 breaking, 1 compatible, 0 documentation since 1.0.0",
        "version: 2.0.0",
        "changelog:",
    ]
    assert '        change: "Item /label: max_length lowered: 200 → 100"' in out
    assert '        source: "900 T2 #2"' in out
    # the draft, once its why is written, is a valid spec that satisfies the version rule
    draft = out.replace("TODO: what the document says now, and why", "The page says so.")
    entry = draft[draft.index("  - version: 2.0.0") : draft.index("  # …")]
    text = edit(BASE).replace("version: 1.0.0\n", "version: 2.0.0\n", 1)
    text = text.replace("changelog:\n", "changelog:\n" + entry, 1)
    (new / "svc.yaml").write_text(text, "utf-8")
    code, out, _ = run(capsys, "diff", str(old), str(new), "--allow-breaking")
    assert code == 0, out


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    specs = str(ROOT / "specs")
    assert run(capsys, "diff", specs)[0] == 2
    code, _, err = run(capsys, "diff", specs, specs, "--git", "HEAD")
    assert code == 2 and "either OLD NEW or --git REV" in err
    code, _, err = run(capsys, "diff", str(tmp_path / "nope"), specs)
    assert code == 2 and "no such spec file or folder" in err
    bad = tmp_path / "svc.yaml"
    bad.write_text(BASE.replace("callgen: 1", "callgen: 2"), "utf-8")
    code, _, err = run(capsys, "diff", str(bad), str(bad))
    assert code == 2 and f"{bad}:1:" in err and "Traceback" not in err


# -- --git -------------------------------------------------------------------------------------


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    repo = tmp_path / "repo"
    (repo / "specs").mkdir(parents=True)
    (repo / "specs" / "svc.yaml").write_text(BASE, "utf-8")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "first")
    monkeypatch.chdir(repo)
    return repo


def test_git_compares_a_revision_with_the_work_tree(
    capsys: pytest.CaptureFixture[str], repo: Path
) -> None:
    assert run(capsys, "diff", "--git", "HEAD") == (0, "", "")
    spec = repo / "specs" / "svc.yaml"
    spec.write_text(sub("max_length: 200", "max_length: 100")(BASE), "utf-8")
    code, out, _ = run(capsys, "diff", "--git", "HEAD")
    assert code == 1
    first, version, summary = out.splitlines()
    assert first.startswith("specs/svc.yaml:") and "max_length lowered: 200 → 100" in first
    assert "against HEAD needs a new major version" in version
    assert summary == "1 breaking, 0 compatible, 0 documentation"
    # a removal points at the revision's file
    spec.write_text(cut("        note: {type: string, min_length", "    response:")(BASE), "utf-8")
    code, out, _ = run(capsys, "diff", "--git", "HEAD", "--allow-breaking")
    assert code == 1 and "(was at HEAD:specs/svc.yaml:" in out


def test_git_with_a_version_bump_and_allow_breaking(
    capsys: pytest.CaptureFixture[str], repo: Path
) -> None:
    spec = repo / "specs" / "svc.yaml"
    text = sub("max_length: 200", "max_length: 100")(BASE).replace(
        "version: 1.0.0", "version: 2.0.0", 1
    )
    spec.write_text(text, "utf-8")
    git(repo, "commit", "-q", "-am", "second")
    code, out, _ = run(capsys, "diff", "--git", "HEAD~1", "--allow-breaking", "--format", "json")
    assert code == 0
    assert json.loads(out)["versions"] == {"old": {"svc": "1.0.0"}, "new": {"svc": "2.0.0"}}
    # versions never go down
    spec.write_text(
        BASE.replace("version: 1.0.0", "version: 0.9.0", 1).replace(
            "  - version: 1.0.0", "  - version: 0.9.0", 1
        ),
        "utf-8",
    )
    code, out, _ = run(capsys, "diff", "--git", "HEAD~1")
    assert code == 1 and "version 0.9.0 is lower than 1.0.0 in HEAD~1" in out


def test_git_revision_without_the_folder_or_unknown(
    capsys: pytest.CaptureFixture[str], repo: Path
) -> None:
    (repo / "README").write_text("x\n", "utf-8")
    git(repo, "rm", "-q", "-r", "--cached", "specs")
    git(repo, "add", "README")
    git(repo, "commit", "-q", "-m", "no specs")
    code, out, _ = run(capsys, "diff", "--git", "HEAD")
    assert code == 0
    assert out.splitlines() == [
        "specs/svc.yaml:1:1: compatible: svc service added: none → 1.0.0 [900]",
        "0 breaking, 1 compatible, 0 documentation",
    ]
    code, _, err = run(capsys, "diff", "--git", "no-such-rev")
    assert code == 2 and "unknown revision 'no-such-rev'" in err


def test_git_outside_a_repository(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(ROOT / "specs", tmp_path / "specs")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    code, _, err = run(capsys, "diff", "--git", "HEAD")
    assert code == 2 and "not a git repository" in err and "Traceback" not in err


# -- every field of the IR is compared ---------------------------------------------------------

# IR class → its fields that `callgen diff` compares or deliberately derives from others. A new
# IR field fails this test until it is classified in generator/diff.py and listed here.
COMPARED = {
    "Schema": {"pos", "types", "description", "source", "has_default", "default", "enum",
               "min_length", "max_length", "max_bytes", "pattern", "forbidden_chars", "format",
               "minimum", "maximum", "exclusive_minimum", "exclusive_maximum", "items",
               "min_items", "max_items", "unique_by", "unique", "object", "must_match", "codes"},
    "Property": {"name", "py_name", "schema", "required", "required_if", "inferred", "pos"},
    "ObjectType": {"name", "pos", "properties", "exactly_one_of", "dependent_required",
                   "description", "source", "named"},
    "Operation": {"id", "method", "path", "pos", "request", "response", "summary", "source",
                  "query", "path_params", "headers", "creates", "arguments_at", "error_codes",
                  "guard", "batch_field", "paging", "min_interval", "examples"},
    "Paging": {"page", "items", "page_size", "total_pages", "total_items", "first_page", "note"},
    "Callback": {"name", "pos", "body", "summary", "source", "examples"},
    "ErrorCode": {"code", "name", "pos", "texts", "operations", "retryable", "success", "scope"},
    "Auth": {"scheme", "source", "body_field", "header", "app_id_header", "timestamp_header",
             "sign_header"},
    "Envelope": {"code", "success", "message", "data", "request_id", "source"},
    "Limit": {"id", "kind", "enforced_by", "pos", "operation", "value", "code", "source",
              "description"},
    "Note": {"id", "text", "decision", "source", "about"},
    "Source": {"id", "file", "title"},
    "Example": {"name", "kind", "body", "pos", "source", "expect_violations", "positions"},
    "Header": {"name", "value", "credential", "source"},
    "Guard": {"unless_any_of", "confirm", "note"},
    # version and changelog are what the diff is checked against, not changes themselves
    "Service": {"name", "title", "file", "pos", "auth", "envelope", "sources", "base_url",
                "base_url_source",
                "error_codes", "rule_codes", "types", "operations", "callbacks", "limits", "notes",
                "version", "changelog", "text"},
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(COMPARED))
def test_every_ir_field_is_compared(name: str) -> None:
    import dataclasses

    from generator import ir

    fields = {f.name for f in dataclasses.fields(getattr(ir, name))}
    assert fields == COMPARED[name], (
        f"ir.{name} fields changed: classify {sorted(fields - COMPARED[name])} in "
        "generator/diff.py (breaking, compatible or documentation) and list them here"
    )


def test_paging_is_a_feature() -> None:
    """iter_<op> is something the package offers: adding paging is compatible, removing it or
    changing what it reads breaks callers of the iterator."""
    text = (ROOT / "specs" / "yantong_groupcall.yaml").read_text(encoding="utf-8")
    block = "    paging:\n      page: page\n"
    assert text.count(block) == 1
    start = text.index(block)
    without = text[:start] + text[text.index("    request:", start) :]
    other = text.replace("      total_pages: /info/total_page\n", "")
    specs = {
        name: read_spec(t.encode(), f"{name}/yantong_groupcall.yaml", "yantong_groupcall")
        for name, t in (("with", text), ("without", without), ("other", other))
    }

    def paging(old: str, new: str) -> list[tuple[str, str, str, str]]:
        changes = diff.compare_specs([specs[old]], [specs[new]])
        return [e for e in entries(changes) if e[2] == "paging"]

    assert paging("without", "with") == [(C, "list_call_records", "paging", "added")]
    assert paging("with", "without") == [(B, "list_call_records", "paging", "removed")]
    assert paging("with", "other") == [(B, "list_call_records", "paging", "changed")]


def test_guard_note_is_documentation(base: LoadedSpec) -> None:
    text = both(
        sub("note: empty_remove}", "note: other_note}"),
        sub("notes:\n", "notes:\n  - {id: other_note, source: \"900\", about: [remove], text: t, decision: d}\n"),
    )(BASE)  # fmt: skip
    changes = diff.compare_specs([base], [read_spec(text.encode(), "n.yaml", "svc")])
    assert sorted(entries(changes)) == [
        (D, "note other_note", "note", "added"),
        (D, "remove", "guard note", "changed"),
    ]
