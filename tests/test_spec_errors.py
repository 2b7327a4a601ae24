"""Broken specs are reported as `FILE:LINE:COL: message` on stderr with exit status 2.

Each case mutates a copy of BASE (a small spec that passes `callgen check`) and names where the
problem must be reported: a marker string in the mutated text (its first character is the
expected line and column) and a piece of the message. Most cases also pin the number of
problems, so a mistake never drags a tail of follow-up errors behind it.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.cli import main

BASE = """\
callgen: 1
service: demo
title: Demo service
sources:
  "002": {file: 002_demo.txt, title: Demo document}
base_url:
  documented: "https://ip:port"
  source: "002 URI"
  note: base_note
auth:
  scheme: huawei_auth_v2
  header: Authorization
  source: "002 Auth"
envelope:
  code: /resultCode
  message: /resultDesc
  success: ["0200000"]
  source: "002 Table 5"
rule_codes:
  max_length: "02000003"
error_codes:
  - code: "0200000"
    name: SUCCESS
    success: true
    texts:
      - {source: "002 Table 5", text: Success.}
  - code: "02000003"
    name: TOO_LONG
    scope: data
    operations: [add_numbers]
    texts:
      - {source: "002 Table 7", text: Too long.}
types:
  Number:
    source: "002 Table 4"
    properties:
      called:
        type: string
        required: true
        max_length: 24
        pattern: "^[0-9*#]+$"
        source: "002 Table 4 #1"
      kind:
        source: "002 Table 4 #2"
        type: integer
        default: 0
        enum:
          - {value: 0, meaning: mobile}
          - {value: 1, meaning: fixed}
      extension:
        type: string
        required_if: {field: kind, equals: 1}
        source: "002 Table 4 #3"
operations:
  add_numbers:
    summary: Add numbers.
    source: "002"
    method: POST
    path: /campaigns/{vdnId}/numbers
    path_params:
      vdnId: {type: integer, minimum: 1, maximum: 9999, source: "002 Table 1"}
    headers:
      Authorization: {credential: true, source: "002 Table 2"}
    creates: true
    batch: {field: numbers}
    request:
      type: object
      properties:
        numbers:
          type: array
          required: true
          min_items: 1
          max_items: 20
          source: "002 Table 3 #1"
          unique_by: called
          items: {ref: Number}
        group:
          type: string
          must_match: /numbers/*/called
          source: "002 Table 3 #2"
    response:
      type: object
      properties:
        resultCode: {source: 002 Table 5, type: string}
        resultDesc: {source: 002 Table 5, type: string}
    error_codes: ["02000003"]
    examples:
      - name: doc_request
        kind: request
        source: "002 Example"
        body:
          numbers:
            - {called: "80021"}
  delete_numbers:
    summary: Delete numbers.
    source: "002"
    method: POST
    path: /campaigns/{vdnId}/numbers/delete
    path_params:
      vdnId: {type: integer, source: "002 Table 5", minimum: 1, maximum: 9999}
    creates: false
    guard:
      unless_any_of: [called]
      confirm: confirm_delete_all
      note: empty_delete
    request:
      type: object
      exactly_one_of: [called, session]
      properties:
        called: {source: 002 D, type: string, max_length: 24}
        session: {source: 002 D, type: string, min_length: 1}
    response:
      type: object
      properties:
        resultCode: {source: 002 Table 5, type: string}
        resultDesc: {source: 002 Table 5, type: string}
callbacks:
  call_result:
    summary: Result of a call.
    source: "002 Callback"
    body:
      type: object
      properties:
        called: {source: 002 D, type: string, max_length: 24}
    examples:
      - name: doc_callback
        source: "002 Callback"
        body: {called: "80021"}
limits:
  - id: numbers_per_call
    operation: add_numbers
    kind: max_items_per_call
    value: 20
    enforced_by: client
    code: "02000003"
    source: "002 Usage"
    description: At most 20 numbers.
notes:
  - id: base_note
    source: "002 URI"
    about: [base_url]
    text: The address is an IP.
    decision: TLS verification stays on.
  - id: empty_delete
    source: "002 Delete"
    about: [delete_numbers]
    text: All criteria are optional.
    decision: Guarded.
version: 1.0.0
changelog:
  - version: 1.0.0
    changes:
      - {change: First version., why: Transcribed., source: "002"}
"""

FILE = "specs/demo.yaml"
LINE = re.compile(r"^[^:]+:\d+:\d+: ")
SUMMARY = re.compile(r"^\d+ problem\(s\) in the specs$")


@dataclass(frozen=True)
class Case:
    id: str
    old: str  # replaced once in BASE (it must occur exactly once)
    new: str
    at: str  # the problem is reported where this marker starts in the mutated text
    message: str  # a piece of the message
    nth: int = 1  # which occurrence of the marker
    count: int | None = 1  # number of problems reported (None: not checked)

    def text(self) -> str:
        assert BASE.count(self.old) == 1, f"{self.id}: {self.old!r} is not unique in BASE"
        return BASE.replace(self.old, self.new)


def position(text: str, marker: str, nth: int = 1) -> tuple[int, int]:
    index = -1
    for _ in range(nth):
        index = text.find(marker, index + 1)
        assert index >= 0, f"marker {marker!r} not found"
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, col


def append(after: str, extra: str) -> tuple[str, str]:
    """A mutation inserting `extra` right after the unique text `after`."""
    return after, after + extra


CASES = [
    # -- YAML itself -------------------------------------------------------------------------
    Case(
        "yaml_syntax",
        "title: Demo service",
        "title: Demo: service",
        ": service",
        "YAML syntax error: mapping values are not allowed here",
    ),
    Case(
        "tab_indentation",
        "  header: Authorization",
        "\theader: Authorization",
        "\theader",
        "tab character: indent with spaces",
    ),
    Case(
        "duplicate_key",
        *append("title: Demo service\n", "title: Again\n"),
        "title: Again",
        "duplicate key 'title' (first at line 3)",
    ),
    Case(
        "merge_key",
        *append("  note: base_note\n", "  <<: {note: base_note}\n"),
        "<<",
        "merge keys (<<) are not supported",
    ),
    Case("alias", "title: Demo service", "title: *url", "*url", "aliases (*url) are not supported"),
    Case(
        "multiple_documents",
        *append("    decision: Guarded.\n", "---\nextra: 1\n"),
        "extra: 1",
        "one YAML document per spec file, found several",
    ),
    Case(
        "unquoted_leading_zero",
        'success: ["0200000"]',
        "success: [0200000]",
        "0200000]",
        "'0200000' is read as the number 65536 (a leading 0 makes YAML read octal): "
        "quote it for a string, or write 65536",
    ),
    Case(
        "unquoted_error_code",
        '  - code: "0200000"',
        "  - code: 0200000",
        "0200000\n",
        "'0200000' is read as the number 65536",
    ),
    Case(
        "unquoted_date_in_example",
        '- {called: "80021"}',
        "- {called: 2024-01-01}",
        "2024-01-01",
        "'2024-01-01' is read as a YAML date, which JSON has no type for; quote it",
    ),
    Case(
        "yes_is_a_boolean",
        "    creates: false",
        "    creates: no",
        "no\n",
        "'no' is read as the boolean false: write false, or quote it for a string",
    ),
    Case(
        "exponent_without_dot",
        "maximum: 9999, source",
        "maximum: 1e4, source",
        "1e4",
        "'1e4' is read as a string: YAML 1.1 reads an exponent as a number only with a dot "
        "and a sign; write 1.0e+4",
    ),
    Case(
        "not_a_number",
        "    value: 20\n",
        "    value: .nan\n",
        ".nan",
        "'.nan' is not a JSON number",
    ),
    Case(
        "custom_tag",
        "title: Demo service",
        "title: !shout Demo service",
        "!shout",
        "YAML tag '!shout' is not supported",
    ),
    # -- shape (meta-schema) -----------------------------------------------------------------
    Case(
        "unknown_top_level_key",
        *append("title: Demo service\n", "titel: Demo\n"),
        "titel",
        "unknown key 'titel' in the top level: did you mean `title`? (allowed: auth, base_url,",
    ),
    Case(
        "unknown_key_in_property",
        "        max_length: 24\n        pattern",
        "        maxlength: 24\n        pattern",
        "maxlength",
        "unknown key 'maxlength' in types/Number/properties/called: did you mean `max_length`? "
        "(allowed: codes, default,",
    ),
    Case(
        "property_without_source",
        '        pattern: "^[0-9*#]+$"\n        source: "002 Table 4 #1"\n',
        '        pattern: "^[0-9*#]+$"\n',
        "called:\n        type: string\n        required: true",
        "types/Number/properties/called: the property names no source: add `source: "
        '"<seed id> <section>"` (every item says which document states it)',
    ),
    Case(
        "path_parameter_without_source",
        'vdnId: {type: integer, minimum: 1, maximum: 9999, source: "002 Table 1"}',
        "vdnId: {type: integer, minimum: 1, maximum: 9999}",
        "vdnId: {type",
        "operations/add_numbers/path_params/vdnId: the path parameter names no source: add "
        '`source: "<seed id> <section>"` (every item says which document states it)',
    ),
    Case(
        "camel_case_key_suggests_the_snake_case_one",
        "        max_length: 24\n        pattern",
        "        maxLength: 24\n        pattern",
        "maxLength",
        "unknown key 'maxLength' in types/Number/properties/called: did you mean `max_length`?",
    ),
    Case(
        "unknown_key_far_from_every_known_one_suggests_nothing",
        *append("title: Demo service\n", "zzz_flavour: Demo\n"),
        "zzz_flavour",
        "unknown key 'zzz_flavour' in the top level (allowed: auth, base_url,",
    ),
    Case(
        "property_one_level_too_shallow",
        "        items: {ref: Number}\n        group:\n          type: string\n"
        '          must_match: /numbers/*/called\n          source: "002 Table 3 #2"\n',
        "        items: {ref: Number}\n      group:\n        type: string\n"
        '        must_match: /numbers/*/called\n        source: "002 Table 3 #2"\n',
        "group:\n        type: string\n        must_match",
        "unknown key 'group' in operations/add_numbers/request: it looks like a property "
        "written one level too shallow; indent it under `properties` (line 68)",
        count=1,
    ),
    Case(
        "property_keyword_one_level_too_shallow",
        *append('        source: "002 Table 4 #1"\n', "      max_length: 24\n"),
        "max_length: 24\n      kind",
        "types/Number/properties: 'max_length' is a property keyword, not a property name: it "
        "is written one level too shallow; indent it under the property 'called' (line 37)",
    ),
    Case(
        "string_for_min_length",
        "session: {source: 002 D, type: string, min_length: 1}",
        'session: {source: 002 D, type: string, min_length: "1"}',
        '"1"}',
        "operations/delete_numbers/request/properties/session/min_length: expected integer, "
        "got a string; write the number without quotes",
    ),
    Case(
        "negative_min_length",
        "session: {source: 002 D, type: string, min_length: 1}",
        "session: {source: 002 D, type: string, min_length: -1}",
        "-1}",
        "session/min_length: must be ≥ 0, got -1",
    ),
    Case(
        "missing_service",
        "service: demo\n",
        "",
        "callgen",
        "the top level: missing required key 'service'",
    ),
    Case(
        "unknown_wire_type",
        "session: {source: 002 D, type: string, min_length: 1}",
        "session: {source: 002 D, type: str}",
        "str}",
        "session/type: 'str' is not one of: 'string', 'integer',",
    ),
    Case(
        "required_outside_properties",
        "items: {ref: Number}",
        "items: {ref: Number, required: true}",
        "required: true}",
        "key 'required' is not allowed in operations/add_numbers/request/properties/numbers/"
        "items: required, required_if and inferred belong to entries of properties",
    ),
    Case(
        "header_without_value",
        'Authorization: {credential: true, source: "002 Table 2"}',
        'Authorization: {source: "002 Table 2"}',
        '{source: "002 Table 2"}',
        "headers/Authorization: needs one of the keys 'value' or 'credential'",
    ),
    Case(
        "callback_example_kind",
        "      - name: doc_callback\n",
        "      - name: doc_callback\n        kind: request\n",
        'kind: request\n        source: "002 Callback"',
        "key 'kind' is not allowed in callbacks/call_result/examples/0",
    ),
    Case(
        "bad_operation_id",
        "  delete_numbers:\n",
        "  DeleteNumbers:\n",
        "DeleteNumbers",
        "key 'DeleteNumbers' in operations: 'DeleteNumbers' does not match ^[a-z][a-z0-9_]*$"
        " — snake_case identifier",
    ),
    Case(
        "source_without_seed_id",
        'source: "002 Table 4 #1"',
        'source: "Table 4 #1"',
        '"Table 4 #1"',
        "'Table 4 #1' does not match ^[0-9]{3}( |$)",
    ),
    # -- names and references ----------------------------------------------------------------
    Case(
        "service_not_file_name",
        "service: demo\n",
        "service: demo2\n",
        "demo2",
        "service 'demo2' must match the file name 'demo'",
    ),
    Case(
        "dangling_ref",
        "items: {ref: Number}",
        "items: {ref: Numbr}",
        "Numbr",
        "unknown type 'Numbr' (types: Number)",
    ),
    Case(
        "ref_cycle",
        "      extension:\n        type: string\n",
        "      extension:\n        ref: Number\n",
        "Number:\n",
        "type 'Number' refers to itself (Number → Number); recursive types are not supported",
    ),
    Case(
        "required_if_not_a_sibling",
        "required_if: {field: kind, equals: 1}",
        "required_if: {field: knd, equals: 1}",
        "knd",
        "required_if names 'knd', not a sibling",
    ),
    Case(
        "exactly_one_of_unknown",
        "exactly_one_of: [called, session]",
        "exactly_one_of: [called, sesion]",
        "sesion",
        "exactly_one_of names 'sesion', not a property",
    ),
    Case(
        "unique_by_scalar_items",
        "unique_by: called\n          items: {ref: Number}",
        "unique_by: called\n          items: {type: string}",
        "called\n          items",
        "unique_by needs items that are objects; for scalar items write unique: true",
        count=2,
    ),  # and must_match /numbers/*/called no longer resolves
    Case(
        "unique_by_unknown_key",
        "unique_by: called",
        "unique_by: calld",
        "calld",
        "unique_by names 'calld', which is not a property of Number",
    ),
    Case(
        "must_match_unresolved",
        "must_match: /numbers/*/called",
        "must_match: /numbers/*/caled",
        "/numbers/*/caled",
        "must_match '/numbers/*/caled' does not resolve in the body schema",
    ),
    Case(
        "path_param_undeclared",
        "path: /campaigns/{vdnId}/numbers\n",
        "path: /campaigns/{vdnId}/numbers/{campaignId}\n",
        "/campaigns/{vdnId}/numbers/{c",
        "path parameter {campaignId} is not declared in path_params",
    ),
    Case(
        "path_param_not_in_path",
        "path: /campaigns/{vdnId}/numbers\n",
        "path: /campaigns/numbers\n",
        "vdnId: {type: integer, minimum: 1, maximum: 9999, s",
        "path parameter 'vdnId' does not appear in path",
    ),
    Case(
        "two_operations_one_route",
        "path: /campaigns/{vdnId}/numbers/delete",
        "path: /campaigns/{vdnId}/numbers",
        "/campaigns/{vdnId}/numbers\n",
        "delete_numbers has the same method, path and query as add_numbers; two operations "
        "must never share a route",
        nth=2,
    ),
    Case(
        "path_param_argument_collision",
        "        session: {source: 002 D, type: string, min_length: 1}\n",
        "        session: {source: 002 D, type: string, min_length: 1}\n        vdn_id: {type: integer, source: 002 D}\n",
        "vdn_id:",
        "argument 'vdn_id' and path parameter 'vdnId' both become the keyword "
        "argument 'vdn_id' of delete_numbers",
    ),
    Case(
        "unknown_code_in_rule_codes",
        '  max_length: "02000003"',
        '  max_length: "02000009"',
        '"02000009"',
        "error code '02000009' is not declared under error_codes",
    ),
    Case(
        "unknown_code_in_limit",
        '    code: "02000003"\n    source: "002 Usage"',
        '    code: "0200029"\n    source: "002 Usage"',
        '"0200029"',
        "error code '0200029' is not declared under error_codes",
    ),
    Case(
        "unknown_code_in_operation",
        'error_codes: ["02000003"]',
        'error_codes: ["02000003", "0200099"]',
        '"0200099"',
        "error code '0200099' is not declared under error_codes",
    ),
    Case(
        "unknown_code_in_codes",
        "session: {source: 002 D, type: string, min_length: 1}",
        'session: {source: 002 D, type: string, min_length: 1, codes: {min_length: "0200099"}}',
        '"0200099"',
        "error code '0200099' is not declared under error_codes",
    ),
    Case(
        "duplicate_error_code",
        *append(
            '      - {source: "002 Table 7", text: Too long.}\n',
            '  - code: "02000003"\n    name: TOO_LONG_AGAIN\n    texts:\n'
            '      - {source: "002 Table 7", text: Again.}\n',
        ),
        '"02000003"\n    name: TOO_LONG_AGAIN',
        "error code '02000003' is declared twice",
    ),
    Case(
        "duplicate_note_id",
        *append(
            "    decision: Guarded.\n",
            '  - id: base_note\n    source: "002 URI"\n    about: [base_url]\n    text: Again.\n'
            "    decision: Again.\n",
        ),
        "base_note\n    source",
        "note id 'base_note' is used twice",
        nth=2,
    ),
    Case(
        "guard_unknown_note",
        "note: empty_delete",
        "note: empty_delet",
        "empty_delet\n",
        "unknown note 'empty_delet'",
    ),
    Case(
        "source_undeclared_seed",
        'source: "002 Table 4 #1"',
        'source: "003 Table 4 #1"',
        '"003 Table 4 #1"',
        "source '003 Table 4 #1' must start with a seed id declared under sources (002)",
    ),
    Case(
        "snake_case_collision",
        "        session: {source: 002 D, type: string, min_length: 1}\n",
        "        session: {source: 002 D, type: string, min_length: 1}\n        fooBar: {type: string, source: 002 D}\n"
        "        foo_bar: {type: string, source: 002 D}\n",
        "foo_bar:",
        "property 'foo_bar' and 'fooBar' both become 'foo_bar' in Python; rename one",
    ),
    Case(
        "python_name_collides_with_a_derived_name",
        "        session: {source: 002 D, type: string, min_length: 1}\n",
        "        session: {source: 002 D, type: string, min_length: 1, python_name: called}\n",
        "called}",
        "property 'session' and 'called' both become 'called' python_name; rename one",
    ),
    Case(
        "python_name_collides_with_another_python_name",
        "        session: {source: 002 D, type: string, min_length: 1}\n",
        "        session: {source: 002 D, type: string, min_length: 1, python_name: criterion}\n"
        "        other: {source: 002 D, type: string, python_name: criterion}\n",
        "criterion}",
        "property 'other' and 'session' both become 'criterion' python_name",
        nth=2,
    ),
    Case(
        "python_name_collides_with_a_path_parameter",
        "        session: {source: 002 D, type: string, min_length: 1}\n",
        "        session: {source: 002 D, type: string, min_length: 1, python_name: vdn_id}\n",
        "session:",
        "argument 'session' and path parameter 'vdnId' both become the keyword argument "
        "'vdn_id' of delete_numbers",
    ),
    Case(
        "python_name_is_the_derived_name",
        "        session: {source: 002 D, type: string, min_length: 1}\n",
        "        session: {source: 002 D, type: string, min_length: 1, python_name: session}\n",
        "session}",
        "python_name 'session' is the name 'session' gets anyway; remove it",
    ),
    Case(
        "python_name_is_a_keyword",
        "        session: {source: 002 D, type: string, min_length: 1}\n",
        "        session: {source: 002 D, type: string, min_length: 1, python_name: lambda}\n",
        "lambda}",
        "python_name 'lambda' is a Python keyword or a name the generated code uses itself",
    ),
    Case(
        "python_name_is_reserved",
        "        session: {source: 002 D, type: string, min_length: 1}\n",
        "        session: {source: 002 D, type: string, min_length: 1, python_name: extra}\n",
        "extra}",
        "(without python_name it would be 'session')",
    ),
    Case(
        "python_name_with_a_trailing_underscore",
        "        session: {source: 002 D, type: string, min_length: 1}\n",
        "        session: {source: 002 D, type: string, min_length: 1, python_name: list_}\n",
        "list_}",
        "python_name 'list_': write a plain snake_case name",
    ),
    Case(
        "python_name_not_snake_case",
        "        session: {source: 002 D, type: string, min_length: 1}\n",
        "        session: {source: 002 D, type: string, min_length: 1, python_name: sessionId}\n",
        "sessionId}",
        "does not match",
    ),
    Case(
        "python_name_on_a_path_parameter",
        '      vdnId: {type: integer, minimum: 1, maximum: 9999, source: "002 Table 1"}',
        '      vdnId: {type: integer, minimum: 1, maximum: 9999, source: "002 Table 1", '
        "python_name: vdn}",
        "python_name: vdn",
        "python_name renames an entry of properties",
    ),
    Case(
        "duplicate_header",
        *append(
            '      Authorization: {credential: true, source: "002 Table 2"}\n',
            '      authorization: {value: "x", source: "002 Table 2"}\n',
        ),
        "authorization:",
        "header 'authorization' is declared twice (as 'Authorization')",
    ),
    Case(
        "duplicate_example_name",
        *append(
            '        body: {called: "80021"}\n',
            '      - name: doc_callback\n        source: "002 Callback"\n        body: {called: "1"}\n',
        ),
        "doc_callback\n        source",
        "example name 'doc_callback' is used twice here " "(first at line",
        nth=2,
    ),
    Case(
        "duplicate_limit_id",
        *append(
            "    description: At most 20 numbers.\n",
            "  - id: numbers_per_call\n    kind: server_quota\n    enforced_by: server\n"
            '    source: "002 Usage"\n    description: Again.\n',
        ),
        "numbers_per_call\n    kind: server",
        "limit id 'numbers_per_call' is used twice",
    ),
    Case(
        "arguments_at_into_items",
        "    batch: {field: numbers}\n",
        "    arguments_at: /numbers/0\n",
        "/numbers/0",
        "arguments_at must name object properties only, not array items",
    ),
    Case(
        "path_param_not_scalar",
        'vdnId: {type: integer, source: "002 Table 5", minimum: 1, maximum: 9999}\n',
        'vdnId: {ref: Number, source: "002 Table 5"}\n',
        "vdnId: {ref",
        "path parameter 'vdnId' must have type string, integer, integer_string or number",
    ),
    Case(
        "must_match_in_callback_unresolved",
        "        called: {source: 002 D, type: string, max_length: 24}\n    examples:",
        "        called: {source: 002 D, type: string, max_length: 24, must_match: /nope}\n    examples:",
        "/nope}",
        "must_match '/nope' does not resolve in the body schema",
    ),
    # -- bounds, patterns, types -------------------------------------------------------------
    Case(
        "min_length_above_max_length",
        "session: {source: 002 D, type: string, min_length: 1}",
        "session: {source: 002 D, type: string, min_length: 50, max_length: 7}",
        "7}",
        "min_length (50) must be ≤ max_length (7)",
    ),
    Case(
        "minimum_above_maximum",
        "minimum: 1, maximum: 9999, source",
        "minimum: 10000, maximum: 9999, source",
        "9999, source",
        "minimum (10000) must be ≤ maximum (9999)",
    ),
    Case(
        "exclusive_bounds_equal",
        'vdnId: {type: integer, source: "002 Table 5", minimum: 1, maximum: 9999}\n',
        'vdnId: {type: integer, source: "002 Table 5", exclusive_minimum: 5, exclusive_maximum: 5}\n',
        "5}",
        "exclusive_minimum (5) must be < exclusive_maximum (5)",
    ),
    Case(
        "min_items_above_max_items",
        "min_items: 1\n",
        "min_items: 21\n",
        '20\n          source: "002 Table 3 #1"\n          unique_by',
        "min_items (21) must be ≤ max_items (20)",
    ),
    Case(
        "unanchored_pattern",
        'pattern: "^[0-9*#]+$"',
        'pattern: "^[0-9]+"',
        '"^[0-9]+"',
        "pattern '^[0-9]+' must be anchored: start with ^ and end with $",
    ),
    Case(
        "pattern_does_not_compile",
        'pattern: "^[0-9*#]+$"',
        'pattern: "^[0-9*#+$"',
        '"^[0-9*#+$"',
        "pattern '^[0-9*#+$' does not compile: unterminated character set",
    ),
    Case(
        "pattern_with_backslash_d",
        'pattern: "^[0-9*#]+$"',
        'pattern: "^\\\\d+$"',
        '"^\\\\d+$"',
        "uses \\d, which match non-ASCII characters too; write an explicit class",
    ),
    Case(
        "non_ascii_pattern",
        'pattern: "^[0-9*#]+$"',
        'pattern: "^[０-９]+$"',
        '"^[０-９]+$"',
        "pattern '^[０-９]+$' must be ASCII",
    ),
    Case(
        "python_only_pattern",
        'pattern: "^[0-9*#]+$"',
        'pattern: "^(?P<n>[0-9]+)$"',
        '"^(?P<n>',
        "which JSON Schema (ECMA-262) regular expressions do not have",
    ),
    Case(
        "enum_value_wrong_type",
        "- {value: 0, meaning: mobile}",
        '- {value: "0", meaning: mobile}',
        '"0", meaning',
        "enum value '0' is not of type integer",
        count=2,
    ),  # and default 0 is not in the enum
    Case(
        "default_not_in_enum",
        "default: 0",
        "default: 2",
        "2\n        enum",
        "default 2 is not one of the enum values",
    ),
    Case(
        "max_length_on_integer",
        "        type: integer\n        default: 0",
        "        type: integer\n        max_length: 3\n        default: 0",
        "max_length: 3",
        "max_length does not apply to type integer",
    ),
    Case(
        "array_without_items",
        "          items: {ref: Number}\n",
        "",
        "numbers:\n          type",
        "an array schema needs items",
    ),
    Case(
        "guard_names_a_non_argument",
        "unless_any_of: [called]",
        "unless_any_of: [calld]",
        "calld",
        "'calld' is not an argument of delete_numbers (arguments: called, session)",
    ),
    Case(
        "guard_group_names_a_non_argument",
        "unless_any_of: [called]",
        "unless_any_of: [called, [session, sesion]]",
        "sesion]",
        "'sesion' is not an argument of delete_numbers (arguments: called, session)",
    ),
    Case(
        "guard_group_of_one",
        "unless_any_of: [called]",
        "unless_any_of: [[called]]",
        "[called]]",
        "['called'] is too short",
    ),
    Case(
        "batch_field_not_an_array",
        "batch: {field: numbers}",
        "batch: {field: group}",
        "group}",
        "batch.field 'group' is not an array: it must name an array argument",
    ),
    # -- examples ----------------------------------------------------------------------------
    Case(
        "example_breaks_its_own_rule",
        '- {called: "80021"}',
        '- {called: "8002180021800218002180021"}',
        '"8002180021800218002180021"',
        "example 'doc_request' of add_numbers: /numbers/0/called: must be at most 24 "
        "characters, got 25 [max_length]",
    ),
    Case(
        "callback_example_breaks_its_rule",
        'body: {called: "80021"}',
        "body: {called: 80021}",
        "80021}",
        "example 'doc_callback' of call_result: /called: ",
    ),
    Case(
        "expect_violations_that_does_not_occur",
        *append(
            '            - {called: "80021"}\n',
            "        expect_violations:\n          - {path: /numbers/0/called, rule: max_length}\n",
        ),
        "name: doc_request",
        "example 'doc_request' of add_numbers: expected a max_length "
        "violation at /numbers/0/called, found none",
    ),
]

RAW_CASES = [
    # (id, file content, line, col, message)
    ("empty_file", b"", 1, 1, "empty spec: expected a mapping with callgen, service, …"),
    ("whitespace_only", b"  \n\n    \n", 1, 1, "empty spec"),
    ("comments_only", b"# nothing here\n", 1, 1, "empty spec"),
    (
        "binary_nul_bytes",
        b"callgen: 1\n\x00\x01\x02",
        1,
        1,
        "not a text file (it contains NUL bytes)",
    ),
    (
        "invalid_utf8",
        BASE.replace("Demo service", "Demo \xff").encode("utf-8").replace(b"\xc3\xbf", b"\xff"),
        3,
        13,
        "not UTF-8 text (byte",
    ),
    (
        "control_character",
        b"callgen: 1\ntitle: a\x07b\n",
        2,
        9,
        "character U+0007 is not allowed in YAML text",
    ),
    (
        "list_at_top_level",
        b"- callgen: 1\n- service: demo\n",
        1,
        1,
        "a spec must be a mapping with callgen, service, …; found a list",
    ),
    ("scalar_at_top_level", b"just some words\n", 1, 1, "a spec must be a mapping"),
    ("unclosed_flow", b"callgen: [1, 2\n", 2, 1, "YAML syntax error"),
    (
        "deep_nesting",
        b"a: " + b"[" * 200 + b"]" * 200 + b"\n",
        1,
        67,
        "nested deeper than 64 levels",
    ),
    ("lone_surrogate", b'callgen: 1\ntitle: "\\ud800"\n', 2, 8, "contains a lone surrogate"),
]


def run_check(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    files: dict[str, bytes],
) -> tuple[int, list[str]]:
    specs = tmp_path / "specs"
    specs.mkdir()
    for name, data in files.items():
        (specs / name).write_bytes(data)
    monkeypatch.chdir(tmp_path)
    code = main(["check", "--specs", "specs", "--out", "out"])
    captured = capsys.readouterr()
    return code, captured.err.splitlines()


def assert_reported(
    code: int, lines: list[str], expected: str, message: str, count: int | None
) -> None:
    assert code == 2, lines
    assert lines, "nothing on stderr"
    assert SUMMARY.match(lines[-1]), lines[-1]
    problems = lines[:-1]
    assert all(LINE.match(line) for line in problems), problems
    hits = [line for line in problems if line.startswith(expected + ": ") and message in line]
    assert hits, f"expected {expected}: …{message}…, got:\n" + "\n".join(problems)
    if count is not None:
        assert len(problems) == count, "\n".join(problems)
        assert lines[-1] == f"{count} problem(s) in the specs"


def test_the_base_spec_is_valid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, lines = run_check(tmp_path, monkeypatch, capsys, {"demo.yaml": BASE.encode()})
    assert code == 1, lines  # valid; only the (empty) output folder differs
    assert not any(LINE.match(line) for line in lines)


def test_the_table_is_large_enough() -> None:
    assert len(CASES) + len(RAW_CASES) >= 35
    assert len({c.id for c in CASES} | {c[0] for c in RAW_CASES}) == len(CASES) + len(RAW_CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_broken_spec(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = case.text()
    line, col = position(text, case.at, case.nth)
    code, lines = run_check(tmp_path, monkeypatch, capsys, {"demo.yaml": text.encode()})
    assert_reported(code, lines, f"{FILE}:{line}:{col}", case.message, case.count)


@pytest.mark.parametrize("case", RAW_CASES, ids=lambda c: c[0])
def test_broken_file(
    case: tuple[str, bytes, int, int, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, data, line, col, message = case
    code, lines = run_check(tmp_path, monkeypatch, capsys, {"demo.yaml": data})
    assert_reported(code, lines, f"{FILE}:{line}:{col}", message, 1)


def test_every_problem_of_a_file_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        BASE.replace("items: {ref: Number}", "items: {ref: Numbr}")
        .replace("note: empty_delete", "note: empty_delet")
        .replace(
            "session: {source: 002 D, type: string, min_length: 1}",
            "session: {source: 002 D, type: string, min_length: 50, max_length: 7}",
        )
        .replace('pattern: "^[0-9*#]+$"', 'pattern: "^[0-9]+"')
        .replace('source: "002 Table 4 #1"', 'source: "003 Table 4 #1"')
    )
    code, lines = run_check(tmp_path, monkeypatch, capsys, {"demo.yaml": text.encode()})
    expected = [
        (position(text, "Numbr"), "unknown type 'Numbr'"),
        (position(text, "empty_delet\n"), "unknown note 'empty_delet'"),
        (position(text, "7}"), "min_length (50) must be ≤ max_length (7)"),
        (position(text, '"^[0-9]+"'), "must be anchored"),
        (position(text, '"003 Table 4 #1"'), "must start with a seed id"),
    ]
    assert code == 2
    assert lines[-1] == f"{len(expected)} problem(s) in the specs", lines
    for (line, col), message in expected:
        assert any(x.startswith(f"{FILE}:{line}:{col}: ") and message in x for x in lines), message
    # sorted by position, one per line
    keys = [tuple(int(n) for n in x.split(":")[1:3]) for x in lines[:-1]]
    assert keys == sorted(keys)


def test_every_problem_of_a_file_is_reported_across_stages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # YAML-level problems stop before the meta-schema, but all of them are listed together
    text = (
        BASE.replace('success: ["0200000"]', "success: [0200000]")
        .replace("title: Demo service\n", "title: Demo service\ntitle: Again\n")
        .replace('- {called: "80021"}', "- {called: 2024-01-01}")
    )
    code, lines = run_check(tmp_path, monkeypatch, capsys, {"demo.yaml": text.encode()})
    assert code == 2
    assert lines[-1] == "3 problem(s) in the specs", lines
    assert [x.split(": ", 1)[0] for x in lines[:-1]] == [
        "{}:{}:{}".format(FILE, *position(text, "title: Again")),
        "{}:{}:{}".format(FILE, *position(text, "0200000]")),
        "{}:{}:{}".format(FILE, *position(text, "2024-01-01")),
    ]


def test_problems_of_two_files_are_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    other = BASE.replace("service: demo\n", "service: other\n").replace(
        "items: {ref: Number}", "items: {ref: Numbr}"
    )
    files = {
        "demo.yaml": BASE.replace("unique_by: called", "unique_by: calld").encode(),
        "other.yaml": other.encode(),
        "empty.yaml": b"",
    }
    code, lines = run_check(tmp_path, monkeypatch, capsys, files)
    assert code == 2
    assert lines == [
        "specs/demo.yaml:{}:{}: unique_by names 'calld', which is not a property of Number".format(
            *position(BASE.replace("unique_by: called", "unique_by: calld"), "calld")
        ),
        "specs/empty.yaml:1:1: empty spec: expected a mapping with callgen, service, …",
        "specs/other.yaml:{}:{}: unknown type 'Numbr' (types: Number)".format(
            *position(other, "Numbr")
        ),
        "3 problem(s) in the specs",
    ]


def test_a_service_defined_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # a .yml twin of the same stem: both load, the second is refused by name
    files = {"demo.yaml": BASE.encode(), "demo.yml": BASE.encode()}
    code, lines = run_check(tmp_path, monkeypatch, capsys, files)
    assert code == 2
    assert lines[-1] == "1 problem(s) in the specs"
    assert re.match(
        r"^specs/demo\.yml:1:1: service 'demo' is also defined in specs/demo\.yaml$", lines[0]
    ), lines


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "specs/demo.yaml:1:1: empty spec"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "specs/demo.yaml:1:1: not a text file"),
        (b"callgen: [1\n", "specs/demo.yaml:2:1: YAML syntax error"),
        (
            BASE.replace("items: {ref: Number}", "items: {ref: Numbr}").encode(),
            "specs/demo.yaml:{}:{}: unknown type 'Numbr'".format(
                *position(BASE.replace("items: {ref: Number}", "items: {ref: Numbr}"), "Numbr")
            ),
        ),
    ],
    ids=["empty", "binary", "syntax", "semantic"],
)
def test_real_process(data: bytes, expected: str, tmp_path: Path) -> None:
    """The installed entry point, in its own process: exit status 2, no traceback."""
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "demo.yaml").write_bytes(data)
    result = subprocess.run(
        [sys.executable, "-m", "generator", "check", "--specs", "specs", "--out", "out"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"PYTHONPATH": str(Path(__file__).resolve().parents[1]), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[0].startswith(expected), lines
    assert lines[-1] == "1 problem(s) in the specs"
    assert result.stdout == ""
