"""A tiny one-operation spec, for tests that need a rule the repository's specs do not use."""

from __future__ import annotations

import textwrap


def probe_spec(
    service: str,
    *,
    request: str,
    response: str = "",
    sections: str = "",
    error_codes: str = "",
) -> str:
    """Spec text of service `service`: operation `op` (POST /op, token in the body).

    `request` and `response` are YAML properties (the response always has `code` and `msg`);
    `sections` adds top-level sections (types, rule_codes); `error_codes` adds code entries.
    """

    def block(text: str, indent: int) -> str:
        return textwrap.indent(textwrap.dedent(text).strip("\n"), " " * indent) + "\n"

    out = f"""\
callgen: 1
service: {service}
title: Probe {service}
sources:
  "900": {{file: {service}.txt, title: Probe}}
base_url: {{documented: null, source: "900"}}
auth: {{scheme: body_token, body_field: /token, source: "900"}}
envelope: {{code: /code, message: /msg, success: [0], source: "900"}}
error_codes:
  - {{code: "0", name: SUCCESS, success: true, texts: [{{source: "900", text: ok}}]}}
"""
    if error_codes:
        out += block(error_codes, 2)
    if sections:
        out += block(sections, 0)
    out += """\
operations:
  op:
    summary: Probe
    source: "900"
    method: POST
    path: /op
    creates: false
    request:
      type: object
      source: "900"
      properties:
"""
    out += block(request, 8)
    out += """\
    response:
      type: object
      source: "900"
      properties:
        code: {type: integer, source: "900"}
        msg: {type: string, source: "900"}
"""
    if response:
        out += block(response, 8)
    return out
