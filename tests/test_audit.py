"""`callgen audit`: each seed against its spec, and edited copies of each seed.

- Every seed audited against its spec reports no difference (notes and inferred items are
  reported as such).
- For each seed, edited copies — a new parameter row, a changed max length, a removed error
  code, a changed code text, a changed route, a parameter turned optional — each yield exactly
  the expected finding, at the edited page line and the spec line of the item concerned. Where a
  seed has nothing to edit of a kind, the nearest edit stands in and says so (`why`).
- The same edits on the HTML and Markdown renderings of 002 and 003 (tests/fixtures/pages, made
  by tests/render_pages.py from hand-declared layouts) give the same findings.
- The command: text and JSON output, exit 0 / 1 / 2, clear messages for unusable input.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from render_pages import render_html, render_markdown

from generator.audit import (
    Audit,
    AuditError,
    Finding,
    Report,
    Spec,
    audit,
    first_difference,
    pick_source,
)
from generator.doctables import parse_page
from generator.spec import load_document
from generator.yamlpos import Document

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "specs"
PAGES = ROOT / "tests" / "fixtures" / "pages"
SEEDS_DIR = Path(
    os.environ.get("CALLGEN_SEEDS", Path(__file__).resolve().parents[2] / "shared" / "seeds")
)
if not SEEDS_DIR.is_dir():
    if os.environ.get("CI"):
        raise RuntimeError(f"seed documents not found at {SEEDS_DIR} (set CALLGEN_SEEDS)")
    pytest.skip(f"seed documents not found at {SEEDS_DIR}", allow_module_level=True)

SPEC_OF = {
    "000": "quanshi_event",
    "001": "yantong_groupcall",
    "002": "huawei_isales",
    "003": "dezhu_speech",
    "004": "huawei_isales",
}
EXT = {"text": "txt", "html": "html", "markdown": "md"}


def seed_text(seed: str) -> str:
    return next(SEEDS_DIR.glob(f"{seed}_*.txt")).read_text(encoding="utf-8")


def page_text(seed: str, fmt: str) -> str:
    if fmt == "text":
        return seed_text(seed)
    return (PAGES / f"{seed}.{EXT[fmt]}").read_text(encoding="utf-8")


@functools.cache
def spec_document(name: str) -> Document:
    return load_document(SPECS / f"{name}.yaml", display=f"specs/{name}.yaml")[0]


def run(tmp_path: Path, seed: str, fmt: str, text: str) -> Report:
    """What `audit` reports on a page, with each spec loaded once: loading is most of an
    audit's time. The command itself is tested at the end."""
    file = f"{seed}_page.{EXT[fmt]}"
    spec = spec_document(SPEC_OF[seed])
    findings = Audit(parse_page(text, file), Spec(spec), seed).run()
    return Report(file, spec.file, seed, fmt, tuple(findings))


def key(f: Finding) -> tuple[object, ...]:
    """A finding without its page line (which differs between renderings of one page)."""
    return (
        f.kind,
        f.status,
        f.subject,
        f.rule,
        str(f.page_value),
        str(f.spec_value),
        str(f.spec_pos),
        f.note,
        f.message,
    )


# -- the seeds as they are -----------------------------------------------------------------------


@pytest.mark.parametrize("seed", sorted(SPEC_OF))
def test_each_seed_has_no_difference_with_its_spec(seed: str, tmp_path: Path) -> None:
    report = run(tmp_path, seed, "text", seed_text(seed))
    assert [f.message for f in report.findings if f.status == "differs"] == []
    # what is reported instead is accounted for: each noted item names its note
    assert all(f.note for f in report.findings if f.status == "noted")


def test_noted_and_inferred_items_are_reported_as_such(tmp_path: Path) -> None:
    yantong = run(tmp_path, "001", "text", seed_text("001"))
    stop = [f for f in yantong.findings if f.kind == "route.differs"]
    assert [(f.status, f.note, f.page_line, f.subject) for f in stop] == [
        ("noted", "stop_route", 176, "route of stop_task")
    ]
    # the six `info` rows say "string" while the examples show objects: the spec accepts both
    # on the response side (note info_contradiction), so the page's type is no difference
    assert [f for f in yantong.findings if f.kind == "parameter.type"] == []
    quanshi = run(tmp_path, "000", "text", seed_text("000"))
    blank = [f for f in quanshi.findings if f.kind == "parameter.required"]
    assert blank and all(f.status == "inferred" for f in blank)
    pattern = [f for f in quanshi.findings if f.rule == "pattern"]
    assert {(f.subject, f.status, f.note) for f in pattern} == {
        ("CallListEntry.countryCode", "inferred", "country_code_digits"),
        ("CallListEntry.areaCode", "inferred", "area_code_without_zero"),
        ("CallListEntry.phone", "inferred", "phone_digits_only"),
    }


@pytest.mark.parametrize("seed", ["002", "003"])
@pytest.mark.parametrize("fmt", ["html", "markdown"])
def test_renderings_read_like_the_seed(seed: str, fmt: str, tmp_path: Path) -> None:
    text = run(tmp_path, seed, "text", seed_text(seed))
    other = run(tmp_path, seed, fmt, page_text(seed, fmt))
    assert other.format == fmt
    assert sorted(map(key, other.findings)) == sorted(map(key, text.findings))


def test_renderings_are_what_the_script_makes() -> None:
    for seed in ("002", "003"):
        assert page_text(seed, "html") == render_html(
            seed, seed_text(seed)
        ), "run tests/render_pages.py"
        assert page_text(seed, "markdown") == render_markdown(seed, seed_text(seed))


# -- edited pages ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    seed: str
    what: str
    replace: dict[str, tuple[str, str]]  # format → (old, new); each old occurs in the page
    kind: str
    subject: str
    spec_has: str  # text on the spec line the finding names
    page_has: str | None = None  # text on the page line it names (None: the page lacks it)
    rule: str | None = None
    why: str = ""  # why this edit stands in for the one asked (the seed has none of that kind)
    count: int = 1  # how many occurrences to replace (-1: all)
    formats: tuple[str, ...] = field(default=("text",))


def _all(old: str, new: str) -> dict[str, tuple[str, str]]:
    return {fmt: (old, new) for fmt in EXT}


EDITS = [
    # -- 000 Quanshi: rows per line, blank mandatory column, no code table, no length limit
    Edit(
        "000",
        "new parameter row",
        {
            "text": (
                "phone String 座机电话(如果选择座机,phone必须传递)\n",
                "phone String 座机电话(如果选择座机,phone必须传递)\nextension String 分机号\n",
            )
        },
        "parameter.page_only",
        "CallListEntry extension",
        "CallListEntry:",
        "extension",
    ),
    Edit(
        "000",
        "changed bound",
        {"text": ("提前入会时间(0-60)", "提前入会时间(0-90)")},
        "constraint.differs",
        "create_event_call request /beforeMinutes",
        "maximum: 60",
        "(0-90)",
        rule="maximum",
        why="000 states no length limit; its one bound changes",
    ),
    Edit(
        "000",
        "changed success code",
        {"text": ("状态码不为200时", "状态码不为0时")},
        "code.success",
        "code 0",
        "success: [200]",
        "不为0",
        why="000 has no code table: only its success code, stated in words, can change",
    ),
    Edit(
        "000",
        "changed route",
        {"text": ("/eventopenapi/event/call/create", "/eventopenapi/event/call/add")},
        "route.differs",
        "route of create_event_call",
        "path: /eventopenapi/event/call/create",
        "/eventopenapi/event/call/add",
    ),
    Edit(
        "000",
        "parameter turned optional",
        {"text": ("token String 统一鉴权token", "token String N 统一鉴权token")},
        "parameter.required",
        "create_event_call request /token",
        "required: true",
        "token String N",
        why="the 必须 column is blank: it now says N for token",
    ),
    # -- 001 Yantong: one section per operation, blank 必填 column
    Edit(
        "001",
        "new parameter row",
        {
            "text": (
                "page_size string 每页数据条数\n",
                "page_size string 每页数据条数\nstaff_id string 坐席id\n",
            )
        },
        "parameter.page_only",
        "list_call_records request staff_id",
        "request:",
        "staff_id",
    ),
    Edit(
        "001",
        "changed max length",
        {"text": ("不要超过60个字节", "不要超过30个字节")},
        "constraint.differs",
        "UploadRecord.state",
        "max_bytes: 60",
        "30个字节",
        rule="max_bytes",
        why="001's one length limit is in bytes",
    ),
    Edit(
        "001",
        "changed success code",
        {"text": ("0为正常", "1为正常")},
        "code.success",
        "code 1",
        "success: [0]",
        "1为正常",
        count=-1,
        why="001 has no code table: only its success code, stated in words, can change",
    ),
    Edit(
        "001",
        "changed route",
        {"text": ("r=groupcall/batch-add", "r=groupcall/batch-create")},
        "route.differs",
        "route of add_batch",
        "query: {r: groupcall/batch-add}",
        "batch-create",
    ),
    Edit(
        "001",
        "parameter turned optional",
        {"text": ("id string 群呼id", "id string N 群呼id")},
        "parameter.required",
        "upload_data request /data/id",
        "required: true",
        "id string N",
        why="the 必填 column is blank: it now says N for id",
    ),
    # -- 002 Huawei (English, one cell per line), also as HTML and Markdown
    Edit(
        "002",
        "new parameter row",
        {
            "text": (
                "\nResponse Description\n",
                (
                    "\n1.7\n\npriority\n\nInteger\n\nNo\n\nCall priority, ranging from 1 to 10.\n"
                    "\nResponse Description\n"
                ),
            ),
            "html": (
                "</tr>\n</tbody>\n</table>\n<p>Response Description</p>",
                (
                    "</tr>\n<tr>\n<td>1.7</td>\n<td>priority</td>\n<td>Integer</td>\n<td>No</td>\n"
                    "<td>Call priority, ranging from 1 to 10.</td>\n</tr>\n</tbody>\n</table>\n"
                    "<p>Response Description</p>"
                ),
            ),
            "markdown": (
                " |\n\nResponse Description",
                (
                    " |\n| 1.7 | priority | Integer | No | Call priority, ranging from 1 to 10. |"
                    "\n\nResponse Description"
                ),
            ),
        },
        "parameter.page_only",
        "CallData priority",
        "CallData:",
        "priority",
        formats=("text", "html", "markdown"),
    ),
    Edit(
        "002",
        "changed max length",
        _all("maximum of 32 characters", "maximum of 64 characters"),
        "constraint.differs",
        "CallData.sessionId",
        "max_length: 32",
        "64",
        rule="max_length",
        formats=("text", "html", "markdown"),
    ),
    Edit(
        "002",
        "removed error code",
        {
            "text": ("4\n\n0200018\n\nDuplicate numbers exist.\n\n", ""),
            "html": (
                "<tr>\n<td>4</td>\n<td>0200018</td>\n<td>Duplicate numbers exist.</td>\n</tr>\n",
                "",
            ),
            "markdown": ("| 4 | 0200018 | Duplicate numbers exist. |\n", ""),
        },
        "code.spec_only",
        "code 0200018",
        '"0200018"',
        formats=("text", "html", "markdown"),
    ),
    Edit(
        "002",
        "changed code text",
        _all("Duplicate numbers exist.", "Duplicate called numbers exist."),
        "code.text",
        "code 0200018",
        "Duplicate numbers exist.",
        "Duplicate called",
        formats=("text", "html", "markdown"),
    ),
    Edit(
        "002",
        "changed route",
        _all("/calldata/{campaignId}", "/calldata/{campaignId}/add"),
        "route.differs",
        "route of add_call_data",
        "path: /rest/isales",
        "{campaignId}/add",
        formats=("text", "html", "markdown"),
    ),
    Edit(
        "002",
        "parameter turned optional",
        {
            "text": ("called\n\nString\n\nYes", "called\n\nString\n\nNo"),
            "html": (
                "<td>called</td>\n<td>String</td>\n<td>Yes</td>",
                "<td>called</td>\n<td>String</td>\n<td>No</td>",
            ),
            "markdown": ("| called | String | Yes |", "| called | String | No |"),
        },
        "parameter.required",
        "CallData.called",
        "required: true",
        "called",
        formats=("text", "html", "markdown"),
    ),
    # -- 003 (Chinese, rows per line with a 位置 column), also as HTML and Markdown
    Edit(
        "003",
        "new parameter row",
        {
            "text": (
                "externalData Body String N 透传数据,长度限制:40\n",
                "externalData Body String N 透传数据,长度限制:40\ngender Body Integer N 性别(1-男,2-女)\n",
            ),
            "html": (
                "<td>透传数据,长度限制:40</td>\n</tr>",
                (
                    "<td>透传数据,长度限制:40</td>\n</tr>\n<tr>\n<td>gender</td>\n<td>Body</td>\n"
                    "<td>Integer</td>\n<td>N</td>\n<td>性别(1-男,2-女)</td>\n</tr>"
                ),
            ),
            "markdown": (
                "| externalData | Body | String | N | 透传数据,长度限制:40 |",
                (
                    "| externalData | Body | String | N | 透传数据,长度限制:40 |\n"
                    "| gender | Body | Integer | N | 性别(1-男,2-女) |"
                ),
            ),
        },
        "parameter.page_only",
        "CustomerDto gender",
        "CustomerDto:",
        "gender",
        formats=("text", "html", "markdown"),
    ),
    Edit(
        "003",
        "changed max length",
        _all("客户名称,长度限制:20", "客户名称,长度限制:30"),
        "constraint.differs",
        "CustomerDto.name",
        "max_length: 20",
        "长度限制:30",
        rule="max_length",
        formats=("text", "html", "markdown"),
    ),
    Edit(
        "003",
        "removed error code",
        {
            "text": ("29008 系统异常\n", ""),
            "html": ("<tr>\n<td>29008</td>\n<td>系统异常</td>\n</tr>\n", ""),
            "markdown": ("| 29008 | 系统异常 |\n", ""),
        },
        "code.spec_only",
        "code 29008",
        '"29008"',
        formats=("text", "html", "markdown"),
    ),
    Edit(
        "003",
        "changed code text",
        _all("参数错误", "参数不合法"),
        "code.text",
        "code 29002",
        "参数错误",
        "参数不合法",
        formats=("text", "html", "markdown"),
    ),
    Edit(
        "003",
        "changed route",
        _all("/task/outbound/create", "/task/outbound/add"),
        "route.differs",
        "route of create_outbound_task",
        "path: /speech/openapi",
        "/task/outbound/add",
        formats=("text", "html", "markdown"),
    ),
    Edit(
        "003",
        "parameter turned optional",
        {
            "text": ("skillSetId Body String Y", "skillSetId Body String N"),
            "html": (
                "<td>skillSetId</td>\n<td>Body</td>\n<td>String</td>\n<td>Y</td>",
                "<td>skillSetId</td>\n<td>Body</td>\n<td>String</td>\n<td>N</td>",
            ),
            "markdown": (
                "| skillSetId | Body | String | Y |",
                "| skillSetId | Body | String | N |",
            ),
        },
        "parameter.required",
        "create_outbound_task request /skillSetId",
        "required: true",
        "skillSetId",
        formats=("text", "html", "markdown"),
    ),
    # -- 004 Huawei (Chinese, one cell per line)
    Edit(
        "004",
        "new parameter row",
        {"text": ("\n响应说明\n", "\n7\n\npriority\n\nint\n\nFalse\n\n优先级。\n\n响应说明\n")},
        "parameter.page_only",
        "delete_call_data request priority",
        "request:",
        "priority",
    ),
    Edit(
        "004",
        "changed max length",
        {"text": ("最大长度为32个字符", "最大长度为64个字符")},
        "constraint.differs",
        "delete_call_data request /sessionId",
        "max_length: 32",
        "64",
        rule="max_length",
    ),
    Edit(
        "004",
        "removed error code",
        {"text": ("4\n\n0200028\n\n当前状态不允许删除号码。\n\n", "")},
        "code.spec_only",
        "code 0200028",
        '"0200028"',
    ),
    Edit(
        "004",
        "changed code text",
        {"text": ("外呼活动不存在。", "外呼活动不存在或已删除。")},
        "code.text",
        "code 0200007",
        "外呼活动不存在。",
        "不存在或已删除",
    ),
    Edit(
        "004",
        "changed route",
        {"text": ("/calldata/{campaignId}/delete", "/calldata/{campaignId}/remove")},
        "route.differs",
        "route of delete_call_data",
        "path: /rest/isales",
        "/remove",
    ),
    Edit(
        "004",
        "parameter turned optional",
        {"text": ("vdnId\n\nint\n\nTrue", "vdnId\n\nint\n\nFalse")},
        "parameter.required",
        "delete_call_data path parameter vdnId",
        "vdnId:",
        "vdnId",
        why="every body parameter of 004 is optional already: its path parameter vdnId turns",
    ),
]

CASES = [(e, fmt) for e in EDITS for fmt in e.formats]


def edited(edit: Edit, fmt: str) -> str:
    text = page_text(edit.seed, fmt)
    old, new = edit.replace[fmt]
    assert old in text, f"{edit.seed} {fmt}: {old!r} is not in the page"
    return text.replace(old, new, edit.count)


@pytest.fixture(scope="module")
def baselines(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Report]:
    tmp = tmp_path_factory.mktemp("baseline")
    return {(e.seed, fmt): run(tmp, e.seed, fmt, page_text(e.seed, fmt)) for e, fmt in CASES}


def test_every_seed_gets_every_edit() -> None:
    asked = {
        "new parameter row",
        "changed max length",
        "removed error code",
        "changed code text",
        "changed route",
        "parameter turned optional",
    }
    for seed in SPEC_OF:
        edits = [e for e in EDITS if e.seed == seed]
        stand_ins = {e.what for e in edits if e.why}
        assert len(edits) >= 5 and {e.what for e in edits} - stand_ins <= asked
        missing = asked - {e.what for e in edits}
        # a kind of edit may only be missing where the seed documents nothing of that kind
        assert not missing or seed in ("000", "001"), (seed, missing)
    assert {fmt for _, fmt in CASES} == {"text", "html", "markdown"}


@pytest.mark.parametrize("edit,fmt", CASES, ids=[f"{e.seed}-{e.what}-{f}" for e, f in CASES])
def test_an_edit_yields_exactly_the_expected_finding(
    edit: Edit, fmt: str, tmp_path: Path, baselines: dict[tuple[str, str], Report]
) -> None:
    page = edited(edit, fmt)
    report = run(tmp_path, edit.seed, fmt, page)
    differs = [f for f in report.findings if f.status == "differs"]
    assert [(f.kind, f.subject, f.rule) for f in differs] == [
        (edit.kind, edit.subject, edit.rule)
    ], "\n".join(f.message for f in differs)
    (found,) = differs
    assert found.spec_pos is not None
    spec_line = (
        (ROOT / found.spec_pos.file).read_text("utf-8").splitlines()[found.spec_pos.line - 1]
    )
    assert edit.spec_has in spec_line, (found.spec_pos, spec_line)
    if edit.page_has is None:
        assert found.page_line is None
    else:
        assert found.page_line is not None
        assert edit.page_has in page.splitlines()[found.page_line - 1]
    # nothing else changed: what is accounted for (noted, inferred) was there before
    before = Counter(
        (f.kind, f.status, f.subject, f.rule) for f in baselines[edit.seed, fmt].findings
    )
    after = Counter(
        (f.kind, f.status, f.subject, f.rule) for f in report.findings if f.status != "differs"
    )
    assert not after - before


@pytest.mark.parametrize(
    "edit", [e for e in EDITS if len(e.formats) == 3], ids=lambda e: f"{e.seed}-{e.what}"
)
def test_an_edit_gives_the_same_findings_in_every_format(edit: Edit, tmp_path: Path) -> None:
    found = {
        fmt: sorted(map(key, run(tmp_path, edit.seed, fmt, edited(edit, fmt)).findings))
        for fmt in edit.formats
    }
    assert found["html"] == found["text"]
    assert found["markdown"] == found["text"]


# -- rules of the comparison ---------------------------------------------------------------------


def test_a_spec_only_limit_without_note_or_inference_is_a_difference(tmp_path: Path) -> None:
    # 002 states no pattern for caller; a spec that adds one must explain it
    spec = (
        (SPECS / "huawei_isales.yaml")
        .read_text("utf-8")
        .replace(
            '        max_length: 24\n        source: "002 Table 4 #1.3"',
            '        max_length: 24\n        pattern: "^[0-9]+$"\n        source: "002 Table 4 #1.3"',
        )
    )
    assert 'pattern: "^[0-9]+$"' in spec
    path = tmp_path / "huawei_isales.yaml"
    path.write_text(spec, "utf-8")
    page = tmp_path / "002.txt"
    page.write_text(seed_text("002"), "utf-8")
    (found,) = [f for f in audit(page, path).findings if f.status == "differs"]
    assert (found.kind, found.rule, found.subject) == (
        "constraint.spec_only",
        "pattern",
        "CallData.caller",
    )
    # marked inferred, the same limit is reported as inferred
    inferred = spec.replace(
        '        pattern: "^[0-9]+$"\n', '        pattern: "^[0-9]+$"\n        inferred: true\n'
    )
    path.write_text(inferred, "utf-8")
    (found,) = [f for f in audit(page, path).findings if f.rule == "pattern"]
    assert found.status == "inferred"


def test_a_note_deciding_the_aspect_makes_a_difference_noted(tmp_path: Path) -> None:
    # 003's page now types strategyDisplaySwitch as Integer: the spec's note on that very field
    # decides its type, so the difference is reported with the note, not as an error
    text = seed_text("003").replace(
        "strategyDisplaySwitch Body Boolean", "strategyDisplaySwitch Body Integer"
    )
    report = run(tmp_path, "003", "text", text)
    (found,) = [f for f in report.findings if f.kind == "parameter.type"]
    assert (found.status, found.note) == ("noted", "strategy_display_switch_boolean")
    # a note about the field that does not speak of the aspect does not count
    text = seed_text("003").replace("taskName Body String Y", "taskName Body Integer Y")
    (found,) = [
        f for f in run(tmp_path, "003", "text", text).findings if f.kind == "parameter.type"
    ]
    assert found.status == "differs"


def test_a_blank_mandatory_cell_of_a_path_parameter_is_no_difference(tmp_path: Path) -> None:
    # path parameters are always sent (and cannot be marked inferred): blank is not "optional"
    html = page_text("002", "html")
    old = "<td>vdnId</td>\n<td>Integer</td>\n<td>Yes</td>"
    assert old in html
    report = run(
        tmp_path, "002", "html", html.replace(old, "<td>vdnId</td>\n<td>Integer</td>\n<td></td>")
    )
    assert report.differs == 0
    no = run(
        tmp_path, "002", "html", html.replace(old, "<td>vdnId</td>\n<td>Integer</td>\n<td>No</td>")
    )
    assert [(f.kind, f.subject) for f in no.findings if f.status == "differs"] == [
        ("parameter.required", "add_call_data path parameter vdnId")
    ]


def test_pages_state_limits_in_other_words(tmp_path: Path) -> None:
    text = (
        seed_text("003")
        .replace("客户名称,长度限制:20", "客户名称,最大长度为20个字符")
        .replace("放弃率,范围:1 至 5", "放弃率,取值范围为1~5")
        .replace("任务类型(1-自动外呼,2-手动外呼)", "任务类型。取值:1,2")
    )
    assert [
        f.message for f in run(tmp_path, "003", "text", text).findings if f.status == "differs"
    ] == []
    text = seed_text("002").replace(
        "The value can contain a maximum of 32 characters.", "At most 32 characters."
    )
    assert run(tmp_path, "002", "text", text).differs == 0


def test_first_difference() -> None:
    assert first_difference({"a": [1, {"b": 2}]}, {"a": [1, {"b": 3}]}) == "/a/1/b"
    assert first_difference({"a": 1}, {"a": 1, "c": 2}) == "/c"
    assert first_difference([1, 2], [1]) == "/1"
    assert first_difference(1, 1.0) is None and first_difference(True, 1) == "/"


def test_pick_source() -> None:
    sources = {
        "002": {"file": "002_512cf2a56ec58494.txt"},
        "004": {"file": "004_c51bc04581a7025e.txt"},
    }
    assert pick_source("x/002_512cf2a56ec58494.txt", sources, None) == "002"
    assert pick_source("004.html", sources, None) == "004"
    assert pick_source("page.html", sources, "004") == "004"
    assert pick_source("page.html", {"003": {}}, None) == "003"
    with pytest.raises(AuditError, match="name it with --source"):
        pick_source("page.html", sources, None)
    with pytest.raises(AuditError, match="not one of the spec's sources: 002, 004"):
        pick_source("page.html", sources, "001")


# -- the command -------------------------------------------------------------------------------------


def callgen(*args: str) -> tuple[int, str, str]:
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "audit", *args],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
        check=False,
        env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"),
    )
    out, err = proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")
    assert "Traceback" not in err, err
    return proc.returncode, out, err


def test_command_text_and_json(tmp_path: Path) -> None:
    seed = next(SEEDS_DIR.glob("002_*.txt"))
    code, out, _ = callgen(str(seed), "--spec", "specs/huawei_isales.yaml")
    assert code == 0 and out.splitlines()[-1].startswith("no differences between")
    page = tmp_path / "002_new.txt"
    page.write_text(
        seed_text("002").replace("maximum of 32 characters", "maximum of 64 characters"), "utf-8"
    )
    code, out, _ = callgen(str(page), "--spec", "specs/huawei_isales.yaml")
    assert code == 1
    line = next(x for x in out.splitlines() if "differs" in x)
    assert line.startswith(
        f"{page}:146: differs: constraint.differs: CallData.sessionId: max_length page 64"
    )
    # the spec line of CallData.sessionId's max_length, found from the document's positions
    pos = spec_document("huawei_isales").pos(
        ("types", "CallData", "properties", "sessionId", "max_length")
    )
    assert line.endswith(f"(spec specs/huawei_isales.yaml:{pos.line})")
    assert out.splitlines()[-1].startswith("1 difference between")
    code, out, _ = callgen(str(page), "--spec", "specs/huawei_isales.yaml", "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert report["counts"] == {"differs": 1, "noted": 1, "inferred": 0}
    assert report["source"] == "002" and report["format"] == "text"
    (found,) = [f for f in report["findings"] if f["status"] == "differs"]
    assert found == {
        "kind": "constraint.differs",
        "status": "differs",
        "subject": "CallData.sessionId",
        "rule": "max_length",
        "message": found["message"],
        "page": {"file": str(page), "line": 146, "value": 64},
        "spec": {"file": "specs/huawei_isales.yaml", "line": pos.line, "value": 32},
        "note": None,
    }


def test_command_unusable_input_exits_2(tmp_path: Path) -> None:
    spec = "specs/huawei_isales.yaml"
    binary = tmp_path / "002.txt"
    binary.write_bytes(b"\x00\x01binary")
    prose = tmp_path / "002_prose.txt"
    prose.write_text("Just a letter, no API here.\n", "utf-8")
    broken = tmp_path / "broken.yaml"
    broken.write_text("callgen: 1\nservice: [\n", "utf-8")
    seed = str(next(SEEDS_DIR.glob("002_*.txt")))
    cases = [
        ((str(binary), "--spec", spec), "not a text file"),
        ((str(prose), "--spec", spec), "found no parameter table"),
        ((str(tmp_path / "missing.txt"), "--spec", spec), "cannot read"),
        ((seed, "--spec", str(broken)), "YAML syntax error"),
        ((seed, "--spec", str(tmp_path / "none.yaml")), "cannot read"),
        ((seed, "--spec", spec, "--source", "009"), "not one of the spec's sources"),
        ((str(prose.with_name("page.txt")), "--spec", spec), "cannot read"),
    ]
    for args, message in cases:
        code, _out, err = callgen(*args)
        assert code == 2 and message in err, (args, err)
    page = tmp_path / "page.txt"
    page.write_text(seed_text("002"), "utf-8")
    code, _, err = callgen(str(page), "--spec", spec)
    assert code == 2 and "name it with --source ID" in err
    assert callgen(str(page), "--spec", spec, "--source", "002")[0] == 0
