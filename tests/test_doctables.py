"""generator.doctables: each table layout, the prose facts and the errors, on small hand-written
pages whose expected reading is written out here (not derived from the reader).

The five seed documents are read in tests/test_seed_coverage.py (every parameter, code and
example of each must be in its spec) and tests/test_audit.py (as text, HTML and Markdown).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.doctables import (
    Page,
    PageError,
    guess_format,
    mandatory_value,
    parse_page,
    read_page,
)


def rows(page: Page) -> list[tuple[str, str | None, str | None, str | None, str]]:
    return [(r.name, r.type, r.required, r.location, r.description.text) for _, r in page.params]


# -- plain text, one row per line ----------------------------------------------------------------


def test_row_per_line_blank_mandatory_column_and_prose_after() -> None:
    page = parse_page(
        "输入参数\n"
        "\n"
        "参数 类型 必须 说明\n"
        "token String 统一鉴权token\n"
        "beforeMinutes Int Y 提前入会时间(0-60)单位分钟, 默认值30\n"
        "flag Boolean N\n"
        "Copyright © 2022 all rights reserved\n",
        "p.txt",
    )
    (table,) = page.tables
    assert table.kind == "parameters" and table.line == 3
    assert table.caption is not None and table.caption.text == "输入参数"
    assert rows(page) == [
        ("token", "String", "blank", None, "统一鉴权token"),
        ("beforeMinutes", "Int", "yes", None, "提前入会时间(0-60)单位分钟, 默认值30"),
        ("flag", "Boolean", "no", None, ""),
    ]
    assert [r.line for _, r in page.params] == [4, 5, 6]
    assert any(t.text.startswith("Copyright") for t in page.texts)  # not taken as a row


def test_row_per_line_location_conditional_and_generic_types() -> None:
    page = parse_page(
        "参数 位置 类型 是否必填 说明\n"
        "appId header String Y 应用ID\n"
        "multiplyPower Body Integer 送号策略=0:Y 倍率值,范围:大于0\n"
        "taskExecTimes Body List<ExecTimeOpenDto> Y 任务拨打时间段\n",
        "p.txt",
    )
    assert rows(page) == [
        ("appId", "String", "yes", "header", "应用ID"),
        ("multiplyPower", "Integer", "conditional", "body", "倍率值,范围:大于0"),
        ("taskExecTimes", "List<ExecTimeOpenDto>", "yes", "body", "任务拨打时间段"),
    ]


def test_row_per_line_code_table_and_english_headers() -> None:
    page = parse_page(
        "Result codes\n"
        "Error Code Description\n"
        "10000 Success\n"
        "29002 Parameter error, see message\n"
        "\n"
        "Parameter Type Required Description\n"
        "name string yes the name\n",
        "p.txt",
    )
    codes, params = page.tables
    assert codes.kind == "codes" and [(c.code, c.text, c.line) for c in codes.codes] == [
        ("10000", "Success", 3),
        ("29002", "Parameter error, see message", 4),
    ]
    assert params.kind == "parameters"
    assert rows(page) == [("name", "string", "yes", None, "the name")]
    assert [s.code for s in page.success_codes] == ["10000"]  # a row reading "Success"


# -- plain text, one cell per line ---------------------------------------------------------------

HUAWEI_STYLE = """\
URI

https://ip:port/rest/v1/{vdnId}/items

Table 1 Request body parameters

No.

Parameter

Type

Mandatory or Not

Description

1

vdnId

Integer

Yes

VDN ID.

The value is an integer ranging from 1 to 9999.

2

recycleType

String

No

回收类型。

取值范围:

  • 1:删除早于传入的时间的号码。

    例如,传入2020-12-04 17:57:00

  • 2:删除当天的号码。

4

note

String

No

Last row.

CAUTION:
  • an indented bullet that belongs to it.

Response Description

Table 2 Error codes

No.

Error Code

Description

1

0200001

Parameter error.

3

0200007

The campaign does not exist.

Example
"""


def test_cell_per_line_rows_descriptions_and_the_end_of_a_table() -> None:
    page = parse_page(HUAWEI_STYLE, "p.txt")
    params, codes = page.tables
    assert params.caption is not None and params.caption.text == "Table 1 Request body parameters"
    assert [(r.number, r.name, r.type, r.required) for r in params.params] == [
        ("1", "vdnId", "Integer", "yes"),
        ("2", "recycleType", "String", "no"),
        ("4", "note", "String", "no"),  # numbers may skip (a row was removed)
    ]
    vdn, recycle, note = params.params
    assert vdn.line == 19
    assert vdn.description.text == "VDN ID.\nThe value is an integer ranging from 1 to 9999."
    assert [p.line for p in vdn.description.parts] == [25, 27]
    assert recycle.description.text.splitlines() == [
        "回收类型。",
        "取值范围:",
        "• 1:删除早于传入的时间的号码。",
        "例如,传入2020-12-04 17:57:00",
        "• 2:删除当天的号码。",
    ]
    # the last row runs on over its indented and punctuated lines, not into the next heading
    assert note.description.text == "Last row.\nCAUTION:\n• an indented bullet that belongs to it."
    assert any(t.text == "Response Description" for t in page.texts)
    assert [(c.number, c.code, c.text) for c in codes.codes] == [
        ("1", "0200001", "Parameter error."),
        ("3", "0200007", "The campaign does not exist."),
    ]
    assert any(t.text == "Example" for t in page.texts)


def test_json_examples_are_not_tables_and_keep_their_lines() -> None:
    page = parse_page(
        '请求参数:json\n\n{\n    "token": "abc",\n    "data": {"id": "59"}\n}\n'
        "参数 类型 必填 说明\ntoken string 认证码\n  {not json\n",
        "p.txt",
    )
    assert [(e.value, e.line) for e in page.examples] == [
        ({"token": "abc", "data": {"id": "59"}}, 3)
    ]
    assert rows(page) == [("token", "string", "blank", None, "认证码")]
    # the JSON sits between caption and table: the caption is the prose line above it
    assert page.tables[0].caption is not None
    assert page.tables[0].caption.text == "请求参数:json"


# -- routes, methods, success codes -----------------------------------------------------------------


def test_routes_and_methods() -> None:
    page = parse_page(
        "接口名称:\n\n/eventopenapi/event/call/create\n\n发送方式:\n\nPOST\n\n"
        "请求方式:GET\n请求地址:/api.php?r=groupcall/task-list&x=1\n\n"
        "PUT https://{您的专属域名}/speech/v1/task\n"
        "https://ip:port/rest/{vdnId}/calldata\n"
        "accept: application/json;content-type: application/json\n"
        "sign: /fo1OWX+JnfeonAFSGau2gwP1GvFa+RTw5=\n",
        "p.txt",
    )
    assert [(r.method, r.path, r.query, r.line) for r in page.routes] == [
        ("POST", "/eventopenapi/event/call/create", (), 3),
        ("GET", "/api.php", (("r", "groupcall/task-list"), ("x", "1")), 10),
        ("PUT", "/speech/v1/task", (), 12),
        ("PUT", "/rest/{vdnId}/calldata", (), 13),  # the nearest method named
    ]


def test_success_codes_stated_in_words() -> None:
    page = parse_page(
        "参数 类型 说明\n"
        "statusCode int 状态码,0为正常,其他代表错误\n"
        "msg String 当返回结果的状态码不为200时,包含的错误信息\n"
        "\nThe value 0200000 indicates success, and other values indicate failure.\n"
        "原因码。0200001表示成功。\n",
        "p.txt",
    )
    assert {(s.code, s.line) for s in page.success_codes} == {
        ("0", 2),
        ("200", 3),
        ("0200000", 5),
        ("0200001", 6),
    }


def test_mandatory_values() -> None:
    assert [mandatory_value(v) for v in ("Y", "yes", "True", "是", "必填")] == ["yes"] * 5
    assert [mandatory_value(v) for v in ("N", "No", "false", "否", "可选")] == ["no"] * 5
    assert mandatory_value("送号策略=0:Y") == mandatory_value("自动重呼开启:Y") == "conditional"
    assert mandatory_value("") is None and mandatory_value("统一鉴权token") is None


# -- HTML --------------------------------------------------------------------------------------------

HTML_PAGE = """\
<!DOCTYPE html>
<html><head><title>ignored</title><style>td {color: red}</style></head>
<body>
<h2>Request Description</h2>
<table>
<caption>Table 4 Parameter description of callDataList</caption>
<thead><tr><th>No.</th><th>Parameter</th><th>Type</th><th>Mandatory or Not</th>
<th>Description</th></tr></thead>
<tbody>
<tr>
<td>1.4</td>
<td><code>customField</code></td>
<td>String</td>
<td>No</td>
<td><p>User-defined field.</p>
<p>It cannot contain: `~!@#$%^&amp;*()+=|{}'":;&lt;&gt;/?.\\[]&yen;&ndash;,</p></td>
</tr>
<tr><td>1.5</td><td>recycle<b>Time</b></td><td>String</td><td></td><td>Time,<br>yyyy-mm-dd hh:mm:ss.</td></tr>
</tbody>
</table>
<table>
<tr><td>结果码</td><td>说明</td></tr>
<tr><td>10000</td><td>请求成功</td></tr>
</table>
<p>POST
https://abc.xyz/speech/openapi/v1/task</p>
<pre>
{"code": "10000",
 "data": "&lt;123&gt;"}
</pre>
<script>document.write("<table><tr><th>参数</th></tr></table>")</script>
</body></html>
"""


def test_html_tables_captions_cells_and_entities() -> None:
    page = parse_page(HTML_PAGE, "p.html")
    assert page.format == "html"
    params, codes = page.tables
    assert params.caption is not None
    assert params.caption.text == "Table 4 Parameter description of callDataList"
    assert params.context[1].text == "Request Description"
    assert rows(page) == [
        (
            "customField",
            "String",
            "no",
            None,
            "User-defined field.\nIt cannot contain: `~!@#$%^&*()+=|{}'\":;<>/?.\\[]¥–,",
        ),
        ("recycleTime", "String", "blank", None, "Time,\nyyyy-mm-dd hh:mm:ss."),
    ]
    custom, recycle = params.params
    assert (custom.line, custom.number) == (12, "1.4")
    assert [p.line for p in custom.description.parts] == [15, 16]
    assert recycle.line == 18
    # a table without <th>: its first row is the header
    assert [(c.code, c.text, c.line) for c in codes.codes] == [("10000", "请求成功", 23)]
    assert [(e.value, e.line) for e in page.examples] == [({"code": "10000", "data": "<123>"}, 28)]
    # a paragraph is one line of text, wherever the markup breaks it
    assert [(r.method, r.path, r.line) for r in page.routes] == [
        ("POST", "/speech/openapi/v1/task", 25)
    ]
    assert "ignored" not in " ".join(t.text for t in page.texts)  # <title>, <style>, <script>


# -- Markdown ----------------------------------------------------------------------------------------

MARKDOWN_PAGE = """\
# 删除外呼号码

**表3 请求消息体参数说明**

| 序号 | 参数名 | 参数类型 | 是否必选 | 说明 |
|---|---|---|---|---|
| 1 | `sessionId` | String | False | 标识用户的ID。<br>最大长度为32个字符。 |
| 3 | customField | String | False | 不能包含以下特殊字符: \\`~!@#$%^\\&\\*()+=\\|{}'":;\\<\\>/?.\\\\\\[\\]¥–, |

接口URI:

https://ip:port/rest/isales/v1/openapi/campaigns/{vdnId}/calldata/{campaignId}/delete

```json
{"sessionId": "1"}
```

<table><tr><th>错误码</th><th>说明</th></tr>
<tr><td>0200001</td><td>参数异常</td></tr></table>
"""


def test_markdown_tables_escapes_fences_and_raw_html() -> None:
    page = parse_page(MARKDOWN_PAGE, "p.md")
    assert page.format == "markdown"
    params, codes = page.tables
    assert params.caption is not None and params.caption.text == "表3 请求消息体参数说明"
    assert rows(page) == [
        ("sessionId", "String", "no", None, "标识用户的ID。\n最大长度为32个字符。"),
        (
            "customField",
            "String",
            "no",
            None,
            "不能包含以下特殊字符: `~!@#$%^&*()+=|{}'\":;<>/?.\\[]¥–,",
        ),
    ]
    assert [r.line for _, r in page.params] == [7, 8]
    assert [(e.value, e.line) for e in page.examples] == [({"sessionId": "1"}, 15)]
    assert [(c.code, c.text, c.line) for c in codes.codes] == [("0200001", "参数异常", 19)]
    assert [(r.path, r.line) for r in page.routes] == [
        ("/rest/isales/v1/openapi/campaigns/{vdnId}/calldata/{campaignId}/delete", 12)
    ]


# -- formats and errors ------------------------------------------------------------------------------


def test_guess_format() -> None:
    assert guess_format("a.html", "") == "html" and guess_format("a.HTM", "") == "html"
    assert guess_format("a.md", "") == "markdown" and guess_format("a.txt", "<table>") == "text"
    assert guess_format("page", "<p>x</p><table><tr><td>1</td></tr></table>") == "html"
    assert guess_format("page", "| a | b |\n|---|---|\n| 1 | 2 |\n") == "markdown"
    assert guess_format("page", "参数 类型 说明\n") == "text"


def test_unreadable_pages_are_clear_errors(tmp_path: Path) -> None:
    binary = tmp_path / "page.txt"
    binary.write_bytes(b"PK\x03\x04\x00\x00binary")
    with pytest.raises(PageError, match="not a text file"):
        read_page(binary)
    latin = tmp_path / "page.html"
    latin.write_bytes("<p>ok</p>\n<p>caf\xe9</p>".encode("latin-1"))
    with pytest.raises(PageError, match=r"page.html:2: not UTF-8 text .*save the page as UTF-8"):
        read_page(latin)
    with pytest.raises(PageError, match="cannot read"):
        read_page(tmp_path / "missing.txt")
    prose = tmp_path / "prose.txt"
    prose.write_text("Nothing but words here.\n", encoding="utf-8")
    assert read_page(prose).empty


def test_utf8_bom_is_dropped(tmp_path: Path) -> None:
    page = tmp_path / "p.txt"
    page.write_bytes("\ufeff参数 类型 说明\ncode String 结果码\n".encode())
    assert rows(read_page(page)) == [("code", "String", None, None, "结果码")]


# -- the seeds, counted by hand ------------------------------------------------------------------

SEEDS_DIR = Path(
    os.environ.get("CALLGEN_SEEDS", Path(__file__).resolve().parents[2] / "shared" / "seeds")
)
# (parameter rows per table, result-code rows, JSON examples, success codes), counted in the
# documents: e.g. 001 has eight request tables (1, 1, 1, 1, 1, 1, 5 and 7 rows) and eight
# response tables of 3 rows; 002 has Tables 1–6 with 2, 2, 1, 6, 5 and 1 rows and 21 codes.
SEED_COUNTS = {
    "000": ([4, 6, 3, 5, 5, 7], 0, 3, {"200"}),
    "001": ([1, 3, 1, 3, 1, 3, 1, 3, 1, 3, 1, 3, 5, 3, 7, 3], 0, 17, {"0"}),
    "002": ([2, 2, 1, 6, 5, 1], 21, 2, {"0200000"}),
    "003": ([20, 2, 5, 5, 2, 2, 3], 6, 2, {"10000"}),
    "004": ([2, 2, 6, 5], 16, 2, {"0200000"}),
}


@pytest.mark.parametrize("seed", sorted(SEED_COUNTS))
def test_every_row_of_each_seed_is_read(seed: str) -> None:
    if not SEEDS_DIR.is_dir():
        if os.environ.get("CI"):
            raise RuntimeError(f"seed documents not found at {SEEDS_DIR} (set CALLGEN_SEEDS)")
        pytest.skip(f"seed documents not found at {SEEDS_DIR}")
    page = read_page(next(SEEDS_DIR.glob(f"{seed}_*.txt")))
    rows_per_table, codes, examples, success = SEED_COUNTS[seed]
    assert [len(t.params) for t in page.tables if t.kind == "parameters"] == rows_per_table
    assert sum(len(t.codes) for t in page.tables) == codes
    assert len(page.examples) == examples
    assert {s.code for s in page.success_codes} == success
