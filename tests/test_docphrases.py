"""generator.docphrases: the phrases that state each rule, in Chinese and English, with the
values written out by hand — and the phrases that must not be read as a rule."""

from __future__ import annotations

from typing import Any

import pytest

from generator.docphrases import ARRAY, NUMERIC, RULE_TEXTS, STRING, alphabet, stated_rules
from generator.ir import RULES

INTEGER = frozenset({"integer"})
TEXT = frozenset({"string"})


def read(description: str, types: frozenset[str]) -> dict[str, Any]:
    parts = [(line, n) for n, line in enumerate(description.splitlines(), start=1)]
    return {rule: s.value for rule, s in stated_rules(parts, types).items()}


@pytest.mark.parametrize(
    "description,types,expected",
    [
        # max_length / min_length
        ("The value can contain a maximum of 32 characters.", TEXT, {"max_length": 32}),
        ("At most 1,024 characters.", TEXT, {"max_length": 1024}),
        (
            "最大长度为24个字符,有效字符为:0~9、*、#。",
            TEXT,
            {"max_length": 24, "pattern": frozenset("0123456789*#")},
        ),
        ("客户名称,长度限制:20", TEXT, {"max_length": 20}),
        ("任务名称(不能重复),长度:1至50", TEXT, {"min_length": 1, "max_length": 50}),
        ("Between 2 and 8 characters.", TEXT, {"min_length": 2, "max_length": 8}),
        ("备注,不能超过200个字符", TEXT, {"max_length": 200}),
        # max_bytes
        ("自定义参数,注意不要超过60个字节", TEXT, {"max_bytes": 60}),
        ("A maximum of 60 bytes (UTF-8).", TEXT, {"max_bytes": 60}),
        ("最大长度为60字节", TEXT, {"max_bytes": 60}),
        # minimum / maximum / exclusive bounds
        (
            "The value is an integer ranging from 1 to 9999.",
            INTEGER,
            {"minimum": 1, "maximum": 9999},
        ),
        ("取值的类型为整数,取值范围为1~9999。", INTEGER, {"minimum": 1, "maximum": 9999}),
        ("放弃率,范围:1 至 5", INTEGER, {"minimum": 1, "maximum": 5}),
        ("提前入会时间(0-60)单位分钟,默认值30", INTEGER, {"minimum": 0, "maximum": 60}),
        ("话后时长(1s-180s,默认10s)", INTEGER, {"minimum": 1, "maximum": 180}),
        ("最大振铃时间(最小值20s,最大值50s,默认45s)", INTEGER, {"minimum": 20, "maximum": 50}),
        ("倍率值,范围:大于0", INTEGER, {"exclusive_minimum": 0}),
        ("Greater than 0 and at most 10.", INTEGER, {"exclusive_minimum": 0, "maximum": 10}),
        ("大于等于5", INTEGER, {"minimum": 5}),
        # items
        (
            "List of data to be added. A maximum of 20 data records are supported.",
            ARRAY,
            {"max_items": 20},
        ),
        ("号码批次,目前只支持1个号码组", ARRAY, {"max_items": 1}),
        ("外呼名单,单次可添加1000个名单,可追加到2万", ARRAY, {"max_items": 1000}),
        ("关系人,第一个关系人必须为客户本人,支持3个号码", ARRAY, {"max_items": 3}),
        ("至少1个", ARRAY, {"min_items": 1}),
        # enum
        ("任务类型(1-自动外呼,2-手动外呼)", INTEGER, {"enum": frozenset({"1", "2"})}),
        ("送号策略(0-按倍率值计算 ; 1-预测式外呼)", INTEGER, {"enum": frozenset({"0", "1"})}),
        ("呼叫记录类型1为今日呼叫记录,2:历史呼叫记录", TEXT, {"enum": frozenset({"1", "2"})}),
        (
            "是否移历史表。\n取值范围:0,1。\n0:不移历史表,直接删除。1:移入历史表。默认为0。",
            INTEGER,
            {"enum": frozenset({"0", "1"})},
        ),
        (
            (
                "回收类型。\n取值范围:\n• 1:删除早于传入的recycleTime的号码。\n例如,传入2020-12-04 17:57:00\n"
                "• 2:删除当天的号码。\n• 3:删除相等的号码。"
            ),
            TEXT,
            {"enum": frozenset({"1", "2", "3"})},
        ),
        ("Possible values are A, B and C.", TEXT, {"enum": frozenset({"A", "B", "C"})}),
        # format
        ("Recycling time, in yyyy-mm-dd hh:mm:ss format.", TEXT, {"format": "datetime"}),
        ("任务开始时间(yyyy-MM-dd)", TEXT, {"format": "date"}),
        ("任务执行开始时间,格式:HH:mm:ss", TEXT, {"format": "time"}),
        # forbidden characters
        (
            (
                "User-defined field. The value can contain a maximum of 200 characters and cannot contain "
                "the following special characters: `~!@#$%^&*()+=|{}'\":;<>/?.\\[]¥–,"
            ),
            TEXT,
            {"max_length": 200, "forbidden_chars": frozenset("`~!@#$%^&*()+=|{}'\":;<>/?.\\[]¥–,")},
        ),
        ("不能包含以下特殊字符:<、>、&", TEXT, {"forbidden_chars": frozenset("<>&")}),
        # allowed characters
        (
            "Called number, including only digits, asterisks (*), and number signs (#).",
            TEXT,
            {"pattern": frozenset("0123456789*#")},
        ),
        ("只能是数字", TEXT, {"pattern": frozenset("0123456789")}),
        (
            "Consisting of only letters and underscores.",
            TEXT,
            {"pattern": frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")},
        ),
    ],
)
def test_phrases_state_rules(
    description: str, types: frozenset[str], expected: dict[str, Any]
) -> None:
    assert read(description, types) == expected


@pytest.mark.parametrize(
    "description,types",
    [
        ("状态码,0为正常,其他代表错误", INTEGER),  # one value of an open set
        ("The value 0200000 indicates success, and other values indicate failure.", TEXT),
        (
            "例如,传入2020-12-04 17:57:00,会删除2020-12-04 00:00:00到2020-12-04 23:59:59之间的号码",
            TEXT,
        ),
        ("即国际电话区号,不包含+号,00等其他字符,例如:美国(1)、中国(86)、香港(852)", TEXT),
        ("策略外显开关 true-开启 false-关闭,默认:关闭", frozenset({"boolean"})),
        ("号码批次 - 标识,必须与“号码批次标识一致”", TEXT),
        ("Call-associated data. See JSON Data Invoking, March 31, 2022.", TEXT),
        ("最大长度为24个字符", INTEGER),  # a length is not a bound of a number
        ("The value is an integer ranging from 1 to 9999.", TEXT),  # nor a range one of a string
        ("A maximum of 20 data records are supported.", TEXT),
    ],
)
def test_phrases_that_state_no_rule(description: str, types: frozenset[str]) -> None:
    assert read(description, types) == {}


def test_a_number_is_read_whole() -> None:
    # "maximum of 32 characters" must not leave "maximum 3" for a union of string and integer
    assert read("A maximum of 32 characters.", STRING | NUMERIC) == {"max_length": 32}


def test_the_line_of_a_stated_rule() -> None:
    parts = [("VDN ID.", 46), ("The value is an integer ranging from 1 to 9999.", 54)]
    stated = stated_rules(parts, INTEGER)
    assert {(r, s.line) for r, s in stated.items()} == {("minimum", 54), ("maximum", 54)}


def test_every_rule_text_is_a_spec_rule_and_says_its_keyword() -> None:
    for rule, text in RULE_TEXTS.items():
        assert rule in RULES and text.rule == rule
        assert rule in text.words  # a note that names the keyword decides the rule
        assert text.phrases and text.applies_to


@pytest.mark.parametrize(
    "pattern,chars",
    [
        ("^[0-9*#]+$", "0123456789*#"),
        ("^[1-9][0-9]*$", "0123456789"),
        ("^([1-9][0-9]*)?$", "0123456789"),
        (r"^[A-Z_\-]{1,8}$", "ABCDEFGHIJKLMNOPQRSTUVWXYZ_-"),
        (r"^\+?(?:86|852)$", "+2568"),
    ],
)
def test_alphabet_of_spec_patterns(pattern: str, chars: str) -> None:
    assert alphabet(pattern) == frozenset(chars)


def test_alphabet_gives_up_on_negated_classes_and_dots() -> None:
    assert alphabet("^[^,]+$") is None
    assert alphabet("^a.b$") is None
