"""Whatever a saved page holds, reading and auditing it never fails with a traceback.

Arbitrary text in each format, and the seeds mangled (lines dropped, repeated, swapped, cut),
are read and audited; every report is well formed: JSON-serialisable, statuses known, page
lines inside the page, spec lines inside the spec.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.audit import STATUSES, Audit, Report, Spec
from generator.doctables import FORMATS, parse_page
from generator.spec import load_document
from generator.yamlpos import Document

ROOT = Path(__file__).resolve().parents[1]
SEEDS_DIR = Path(
    os.environ.get("CALLGEN_SEEDS", Path(__file__).resolve().parents[2] / "shared" / "seeds")
)
SPEC_OF = {
    "000": "quanshi_event",
    "001": "yantong_groupcall",
    "002": "huawei_isales",
    "003": "dezhu_speech",
    "004": "huawei_isales",
}
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@functools.cache
def spec(name: str) -> Document:
    return load_document(ROOT / "specs" / f"{name}.yaml", display=f"specs/{name}.yaml")[0]


@functools.cache
def seed(seed_id: str) -> str:
    if not SEEDS_DIR.is_dir():
        pytest.skip(f"seed documents not found at {SEEDS_DIR}")
    return next(SEEDS_DIR.glob(f"{seed_id}_*.txt")).read_text("utf-8")


def check(text: str, fmt: str, seed_id: str) -> None:
    page = parse_page(text, f"{seed_id}_page", fmt)  # type: ignore[arg-type]
    doc = spec(SPEC_OF[seed_id])
    report = Report(page.file, doc.file, seed_id, fmt, tuple(Audit(page, Spec(doc), seed_id).run()))
    json.dumps(report.json(), ensure_ascii=False)
    report.text()
    spec_lines = len((ROOT / doc.file).read_text("utf-8").splitlines())
    page_lines = max(len(text.splitlines()), 1)
    for f in report.findings:
        assert f.status in STATUSES
        assert f.page_line is None or 1 <= f.page_line <= page_lines, f
        assert f.spec_pos is None or 1 <= f.spec_pos.line <= spec_lines, f


markup = st.sampled_from(
    [
        "<table>",
        "</table>",
        "<tr>",
        "<td>",
        "<th>",
        "</td>",
        "<caption>",
        "<pre>",
        "</pre>",
        "<p>",
        "<br>",
        "| a | b |",
        "|---|---|",
        "```",
        "参数 类型 必填 说明",
        "Table 1 x",
        "No.",
        "1",
        "1.1",
        "Parameter",
        "Type",
        "Yes",
        "{",
        "}",
        '"a": 1',
        "POST /x?r=1",
        "0为正常",
        "\n",
        " ",
        "\t",
    ]
)
pages = st.lists(st.one_of(markup, st.text(max_size=12)), max_size=60).map("".join)


@SETTINGS
@given(text=pages, fmt=st.sampled_from(FORMATS), seed_id=st.sampled_from(sorted(SPEC_OF)))
def test_any_page_is_read_and_audited(text: str, fmt: str, seed_id: str) -> None:
    check(text, fmt, seed_id)


@SETTINGS
@given(data=st.data(), seed_id=st.sampled_from(sorted(SPEC_OF)))
def test_mangled_seeds_are_read_and_audited(data: st.DataObject, seed_id: str) -> None:
    lines = seed(seed_id).splitlines()
    for _ in range(data.draw(st.integers(1, 6))):
        if not lines:
            break
        k = data.draw(st.integers(0, len(lines) - 1))
        action = data.draw(st.sampled_from(["drop", "repeat", "swap", "cut"]))
        if action == "drop":
            del lines[k]
        elif action == "repeat":
            lines.insert(k, lines[k])
        elif action == "swap" and k + 1 < len(lines):
            lines[k], lines[k + 1] = lines[k + 1], lines[k]
        else:
            lines[k] = lines[k][: len(lines[k]) // 2]
    check("\n".join(lines), "text", seed_id)
