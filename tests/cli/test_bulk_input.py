"""Reading and checking the rows of a bulk load (`outbound._runtime.bulk`): CSV and JSON Lines,
BOM, header names (wire or snake_case), row numbers as the user counts them, conversions, every
violation of every row, repeats.

Expected rows are written out by hand from the file's text, not computed by the reader.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from outbound import huawei_isales as hw
from outbound._runtime.bulk import (
    InputError,
    ItemSpec,
    Row,
    check_rows,
    items_problems,
    read_rows,
)

CALL_DATA = ItemSpec(
    (
        ("sessionId", "session_id", "text", False),
        ("called", "called", "text", True),
        ("caller", "caller", "text", False),
        ("customField", "custom_field", "text", False),
        ("recycleTime", "recycle_time", "text", False),
        ("callData", "call_data", "text", False),
    )
)
KINDS = ItemSpec(
    (
        ("name", "name", "text", True),
        ("count", "count", "int", False),
        ("ratio", "ratio", "number", False),
        ("on", "on", "bool", False),
        ("tags", "tags", "json", False),
        ("type", "type_", "text", False),
    )
)


def rows(text: str | bytes, name: str = "in.csv", spec: ItemSpec = CALL_DATA) -> list[Row]:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return read_rows(data, name, spec)


def simple(found: list[Row]) -> list[tuple[int, dict[str, Any] | None, list[str]]]:
    return [(r.row, r.wire, [f"{v.path} {v.rule}" for v in r.problems]) for r in found]


# -- CSV ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_csv_with_or_without_bom_and_either_line_ending(bom: bytes, newline: str) -> None:
    text = newline.join(["called,sessionId", "13800000001,a", "13800000002,b", ""])
    assert simple(rows(bom + text.encode())) == [
        (2, {"called": "13800000001", "sessionId": "a"}, []),
        (3, {"called": "13800000002", "sessionId": "b"}, []),
    ]


def test_csv_header_takes_wire_or_snake_case_names_and_trims_them() -> None:
    text = " called , session_id,customField,recycle_time\n138,s,c,2024-01-02 03:04:05\n"
    assert simple(rows(text)) == [
        (
            2,
            {
                "called": "138",
                "sessionId": "s",
                "customField": "c",
                "recycleTime": "2024-01-02 03:04:05",
            },
            [],
        )
    ]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("called,phone", "in.csv:1: unknown column 'phone'; the columns are sessionId or "),
        ("called,,caller", "in.csv:1: column 2 has no name"),
        ("called,customField,custom_field", "in.csv:1: column 'custom_field' names customField"),
        ("sessionId,caller", "in.csv:1: no column for the required field called"),
        ("", "in.csv: empty: no header row"),
    ],
)
def test_csv_header_problems_are_usage_errors(header: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        rows(header + "\n1,2,3\n" if header else "")
    assert str(caught.value).startswith(message)


def test_csv_header_only_is_no_rows() -> None:
    assert rows("called\n") == []
    assert rows("\n\ncalled\n\n") == []


def test_csv_row_numbers_are_the_lines_where_rows_start() -> None:
    """Blank lines are skipped but counted; a quoted cell spanning lines keeps its first."""
    text = '\n"called","callData"\n\n138,"{""a"":\n1}"\n139,x\n\n140,\n'
    assert simple(rows(text)) == [
        (4, {"called": "138", "callData": '{"a":\n1}'}, []),
        (6, {"called": "139", "callData": "x"}, []),
        (8, {"called": "140"}, []),  # an empty cell leaves the field out
    ]


def test_csv_written_by_the_csv_module_reads_back() -> None:
    """An independent writer (Python's csv, as spreadsheets quote) and the reader agree."""
    values = ["plain", "with,comma", 'with "quotes"', "line\nbreak", "  spaces  ", "中文"]
    out = io.StringIO(newline="")
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(["called", "customField"])
    for i, value in enumerate(values):
        writer.writerow([f"13{i}", value])
    found = rows(out.getvalue())
    assert [r.wire for r in found] == [
        {"called": f"13{i}", "customField": v} for i, v in enumerate(values)
    ]
    assert [r.row for r in found] == [2, 3, 4, 5, 7, 8]  # row 5 spans two lines


def test_csv_more_cells_than_columns_is_a_problem_of_that_row() -> None:
    found = rows("called\n138,extra\n139\n")
    assert simple(found) == [(2, {"called": "138"}, [" type"]), (3, {"called": "139"}, [])]
    assert "2 cells, but the header names 1 columns" in found[0].problems[0].message


def test_csv_fewer_cells_leave_fields_out() -> None:
    assert simple(rows("called,caller,customField\n138\n")) == [(2, {"called": "138"}, [])]


def test_not_utf8_names_the_line() -> None:
    with pytest.raises(InputError, match=r"in.csv:3: not UTF-8"):
        rows(b"called\n138\n\xff\xfe139\n")
    with pytest.raises(InputError, match=r"in.csv:1: not UTF-8"):
        rows("called\n138\n".encode("utf-16"))


def test_csv_error_is_a_usage_error() -> None:
    with pytest.raises(InputError, match=r"in.csv:2: not readable as CSV"):
        rows('called\n"138\n')


@pytest.mark.parametrize(
    ("cells", "wire", "problems"),
    [
        ("a,12,1.5,true,\"[1, 2]\",t", {"name": "a", "count": 12, "ratio": 1.5, "on": True,
                                         "tags": [1, 2], "type": "t"}, []),
        ("a,-3,2,false,{},", {"name": "a", "count": -3, "ratio": 2, "on": False, "tags": {}}, []),
        ("a,1.0,,,,", {"name": "a"}, ["/count type"]),
        ("a,12x,1e400,yes,[1,", {"name": "a"}, ["/count type", "/ratio type", "/on type",
                                                "/tags type"]),
        ("a, 12,NaN,True,,", {"name": "a"}, ["/count type", "/ratio type", "/on type"]),
    ],
)  # fmt: skip
def test_csv_cells_of_other_kinds_are_converted_strictly(
    cells: str, wire: dict[str, Any], problems: list[str]
) -> None:
    """Integers are digits, numbers JSON numbers, Booleans true/false, JSON cells JSON; a
    snake_case name ending in _ (type_, a Python keyword) is accepted without it."""
    found = rows("name,count,ratio,on,tags,type_\n" + cells + "\n", spec=KINDS)
    assert simple(found) == [(2, wire, problems)]


# -- JSON Lines --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["in.jsonl", "in.ndjson", "in.data"])
def test_jsonl_by_suffix_or_first_character(name: str) -> None:
    text = '\ufeff{"called": "138", "session_id": "a"}\r\n\n  \n{"called": "139"}\n'
    assert simple(rows(text, name)) == [
        (1, {"called": "138", "sessionId": "a"}, []),
        (4, {"called": "139"}, []),
    ]


def test_a_csv_suffix_is_csv_even_when_it_starts_with_a_brace() -> None:
    with pytest.raises(InputError, match="unknown column"):
        rows('{"called": "138"}\n', "in.csv")


def test_jsonl_lines_that_are_not_items() -> None:
    text = '{"called": "138"}\n{"called": \n[1]\n"138"\n{"called": "1", "called": "2"}\n'
    found = rows(text, "in.jsonl")
    assert simple(found) == [
        (1, {"called": "138"}, []),
        (2, None, [" type"]),
        (3, None, [" type"]),
        (4, None, [" type"]),
        (5, {"called": "2"}, []),  # JSON's last member wins, as every decoder does
    ]
    assert found[1].problems[0].message.startswith("not JSON: ")
    assert found[2].problems[0].message == "expected a JSON object"


def test_jsonl_both_names_of_a_field_is_a_problem_and_values_keep_their_json_type() -> None:
    found = rows('{"customField": "a", "custom_field": "b", "called": 138}\n', "x.jsonl")
    assert simple(found) == [(1, {"customField": "b", "called": 138}, ["/customField type"])]


# -- checking ----------------------------------------------------------------------------------


def validate(wires: list[dict[str, Any]]) -> list[list[Any]]:
    """The generated request validator on a block of items, as the bulk CLI runs it."""
    violations = hw.validate_request("add_call_data", {"callDataList": wires})
    return items_problems(violations, "/callDataList", len(wires), "called")


def test_every_violation_of_every_row_with_its_documented_code() -> None:
    text = (
        "called,customField,recycleTime,sessionId\n"
        "13800000001,ok,,\n"
        "1380000000x,a.b,2024-13-01 00:00:00,\n"
        ",,,s\n"
        "1234567890123456789012345,,,\n"
    )
    found = rows(text)
    check_rows(found, validate_items=validate, unique_field="called", unique_code=lambda: "0200018")
    problems = {r.row: [(v.path, v.rule, v.code) for v in r.problems] for r in found}
    assert problems == {
        2: [],
        3: [
            ("/called", "pattern", "02000002"),
            ("/customField", "forbidden_chars", "02000002"),
            ("/recycleTime", "format", "0200030"),
        ],
        4: [("/called", "required", "02000001")],
        5: [("/called", "max_length", "02000003")],
    }


def test_repeats_keep_the_first_valid_row() -> None:
    """A repeat names the first row; an invalid row never hides a later valid repeat."""
    text = "called,customField\n111,a.b\n111,ok\n222,\n111,\n222,\n"
    found = rows(text)
    check_rows(found, validate_items=validate, unique_field="called", unique_code=lambda: "0200018")
    assert [[(v.rule, v.code, v.message) for v in r.problems] for r in found] == [
        [("forbidden_chars", "02000002", found[0].problems[0].message)],
        [],
        [],
        [("unique", "0200018", "called 111 repeats row 3")],
        [("unique", "0200018", "called 222 repeats row 4")],
    ]
    assert [r.valid for r in found] == [False, True, True, False, False]


def test_unknown_members_and_wrong_json_types_are_violations() -> None:
    found = rows('{"called": 138, "phone": "1"}\n', "x.jsonl")
    check_rows(found, validate_items=validate, unique_field="called", unique_code=lambda: None)
    assert sorted((v.path, v.rule) for v in found[0].problems) == [
        ("/called", "type"),
        ("/phone", "unknown_field"),
    ]


def test_rows_are_checked_in_blocks_with_the_same_result_as_one_by_one() -> None:
    """2,500 rows (three validator calls): each row's violations are its own, as when it is
    validated alone, and the request-level rules (the item count) never reach a row."""
    lines = ["called,customField"]
    for i in range(2500):
        lines.append(f"{'x' if i % 7 == 0 else ''}138{i:08d},{'a.b' if i % 11 == 0 else 'ok'}")
    found = rows("\n".join(lines) + "\n")
    check_rows(found, validate_items=validate, unique_field="called", unique_code=lambda: None)
    for row in found:
        assert row.wire is not None
        alone = hw.validate_request("add_call_data", {"callDataList": [row.wire]})
        expected = sorted((v.path.removeprefix("/callDataList/0"), v.rule) for v in alone)
        assert sorted((v.path, v.rule) for v in row.problems) == expected, row.row
    assert sum(1 for row in found if row.problems) == len(
        {i for i in range(2500) if i % 7 == 0 or i % 11 == 0}
    )
