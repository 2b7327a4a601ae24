"""A small spec using every feature `callgen diff` compares, for tests that edit it."""

from __future__ import annotations

BASE = """\
callgen: 1
service: svc
title: Test service
version: 1.0.0
changelog:
  - version: 1.0.0
    changes:
      - {change: First version., why: The document was transcribed., source: "900"}
sources:
  "900": {file: svc.txt, title: Test document}
base_url: {documented: "https://ip:port", source: "900 URI"}
auth: {scheme: body_token, body_field: /token, source: "900 Auth"}
envelope: {code: /code, message: /msg, success: [0], source: "900 Envelope"}
rule_codes:
  max_length: "E3"
  pattern: "E2"
error_codes:
  - {code: "0", name: SUCCESS, success: true, texts: [{source: "900 Codes #1", text: Success.}]}
  - code: "E1"
    name: TOO_FAST
    retryable: true
    texts: [{source: "900 Codes #2", text: Too fast.}]
  - code: "E2"
    name: BAD_CHARS
    scope: data
    texts: [{source: "900 Codes #3", text: Bad characters.}]
  - code: "E3"
    name: TOO_LONG
    scope: data
    texts: [{source: "900 Codes #4", text: Too long.}]
  - code: "E4"
    name: OTHER
    texts: [{source: "900 Codes #5", text: Other error.}]
types:
  Item:
    source: "900 T2"
    description: One item.
    properties:
      phone:
        type: string
        required: true
        max_length: 24
        pattern: "^[0-9]+$"
        source: "900 T2 #1"
      label:
        type: string
        max_length: 200
        forbidden_chars: "<>"
        source: "900 T2 #2"
      kind:
        type: integer
        enum:
          - {value: 1, meaning: one}
          - {value: 2, meaning: two}
        source: "900 T2 #3"
      day:
        type: string
        format: date
        source: "900 T2 #4"
operations:
  add:
    summary: Add items.
    source: "900 Add"
    method: POST
    path: /items/{groupId}
    path_params:
      groupId: {type: integer, minimum: 1, maximum: 9999, source: "900 Add #0"}
    headers:
      Content-Type: {value: application/json, source: "900 Add headers"}
    creates: true
    batch: {field: items}
    request:
      type: object
      source: "900 Add body"
      properties:
        token: {type: string, required: true, source: "900 Auth"}
        items:
          type: array
          required: true
          min_items: 1
          max_items: 20
          unique_by: phone
          items: {ref: Item}
          source: "900 Add #1"
        mode:
          type: integer
          minimum: 0
          maximum: 1
          source: "900 Add #2"
        rate:
          type: number
          required_if: {field: mode, equals: 1}
          exclusive_minimum: 0
          source: "900 Add #3"
        note: {type: string, min_length: 1, max_bytes: 60, source: "900 Add #4"}
    response:
      type: object
      source: "900 Add answer"
      properties:
        code: {type: integer, source: "900 Add answer #1"}
        msg: {type: string, source: "900 Add answer #2"}
        total: {type: integer, source: "900 Add answer #3"}
    examples:
      - name: doc_request
        kind: request
        source: "900 Example"
        body: {token: t, items: [{phone: "123"}]}
  remove:
    summary: Remove items.
    source: "900 Remove"
    method: POST
    path: /items/{groupId}/delete
    path_params:
      groupId: {type: integer, source: "900 Remove #0"}
    creates: false
    guard: {unless_any_of: [phone], confirm: confirm_all, note: empty_remove}
    request:
      type: object
      source: "900 Remove body"
      dependent_required:
        kind: [phone]
      properties:
        token: {type: string, required: true, source: "900 Auth"}
        phone: {type: string, source: "900 Remove #1"}
        kind: {type: string, source: "900 Remove #2"}
    response:
      type: object
      source: "900 Remove answer"
      properties:
        code: {type: integer, source: "900 Remove answer #1"}
        msg: {type: string, source: "900 Remove answer #2"}
callbacks:
  result:
    summary: Call result.
    source: "900 Callback"
    body:
      type: object
      source: "900 Callback body"
      properties:
        phone: {type: string, required: true, source: "900 Callback #1"}
        state: {type: integer, source: "900 Callback #2"}
limits:
  - id: per_call
    operation: add
    kind: max_items_per_call
    value: 20
    enforced_by: client
    code: "E3"
    source: "900 Usage #1"
    description: At most 20 items a call.
  - id: interval
    operation: add
    kind: min_interval
    value: 1
    enforced_by: client
    code: "E1"
    source: "900 Usage #2"
    description: At most one call a second.
notes:
  - id: empty_remove
    source: "900 Remove"
    about: [remove]
    text: The document does not say what a remove without criteria does.
    decision: The client asks for confirmation.
"""
