"""How vendor pages state each spec rule, in Chinese and English: one entry per rule keyword.

`RULE_TEXTS` is the one place that knows which description phrases state a `max_length`, a
`max_bytes`, a range, an enumeration, a format, forbidden or allowed characters, an array size —
and which words a spec note uses when it decides that rule. `callgen audit` reads parameter
descriptions with it (`stated_rules`); it is keyed by the spec's rule keyword so that it can
join a project-wide rule table later.

Each phrase is a regular expression whose named groups are rule keywords: `长度:(?P<min_length>…)
至(?P<max_length>…)` states two rules at once. A rule is read from the first phrase that matches,
except `enum`, whose values are collected from every matching phrase (`0:不移历史表…1:移入历史表`).
A phrase only applies to parameters of the rule's wire types: "a maximum of 20" is `max_items`
for a list and `maximum` for a number.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .ir import FORMATS

STRING = frozenset({"string", "integer_string"})
NUMERIC = frozenset({"integer", "number", "integer_string"})
ARRAY = frozenset({"array"})

_NUM = r"[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])|[0-9]+(?:\.[0-9]+)?"


def _n(rule: str) -> str:
    """A number, captured as the value of `rule`."""
    return f"(?P<{rule}>{_NUM})(?![0-9])"


def _number(text: str) -> int | float:
    text = text.replace(",", "")
    return float(text) if "." in text else int(text)


def _values(text: str) -> frozenset[str]:
    return frozenset(v for v in re.split(r"\s*(?:[,,、/|]|\band\b|\bor\b|或)\s*", text) if v)


def _chars(text: str) -> frozenset[str]:
    text = "".join(text.split())
    if re.fullmatch(r"(?:.、)+.", text):  # `<、>、&`: the 、 separate, they are not listed
        text = text[::2]
    return frozenset(text)


# words of an "allowed characters" list → the characters they stand for
_CHAR_WORDS = (
    (r"(?i)upper[- ]?case letters?|大写字母", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    (r"(?i)lower[- ]?case letters?|小写字母", "abcdefghijklmnopqrstuvwxyz"),
    (r"(?i)letters?|字母", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"),
    (r"(?i)digits?|numbers?|numerals?|数字", "0123456789"),
    (r"(?i)underscores?|下划线", "_"),
    (r"(?i)hyphens?|中划线|连字符", "-"),
)


def _allowed(text: str) -> frozenset[str] | None:
    """`digits, asterisks (*), and number signs (#)` / `0~9、*、#` → the characters allowed."""
    chars: set[str] = set()
    for item in re.split(r"\s*(?:,|,|、|\band\b|及|和)\s*", text.strip()):
        item = item.strip()
        if not item:
            continue
        span = re.fullmatch(r"(.)\s*[~～-]\s*(.)", item)
        paren = re.search(r"[((](.)[))]", item)
        if span and span.group(1) <= span.group(2):
            chars |= {chr(c) for c in range(ord(span.group(1)), ord(span.group(2)) + 1)}
        elif paren:
            chars.add(paren.group(1))
        elif len(item) == 1:
            chars.add(item)
        else:
            word = next((cs for w, cs in _CHAR_WORDS if re.fullmatch(w, item)), None)
            if word is None:
                return None  # not a list of characters after all
            chars |= set(word)
    return frozenset(chars) or None


def alphabet(pattern: str) -> frozenset[str] | None:
    """Every character a spec pattern can match (spec patterns are ASCII, anchored, no \\d \\w
    \\s); None for a negated class, which no page's "only these characters" can state."""
    chars: set[str] = set()
    k = 0
    while k < len(pattern):
        c = pattern[k]
        if c == "\\" and k + 1 < len(pattern):
            chars.add(pattern[k + 1])
            k += 2
        elif c == "[":
            end = k + 1
            if pattern[end : end + 1] == "^":
                return None
            if pattern[end : end + 1] == "]":
                end += 1
            members: list[str] = []
            while end < len(pattern) and pattern[end] != "]":
                if pattern[end] == "\\" and end + 1 < len(pattern):
                    end += 1
                members.append(pattern[end])
                end += 1
            j = 0
            while j < len(members):
                if j + 2 < len(members) and members[j + 1] == "-":
                    chars |= {chr(x) for x in range(ord(members[j]), ord(members[j + 2]) + 1)}
                    j += 3
                else:
                    chars.add(members[j])
                    j += 1
            k = end + 1
        elif c == "{":
            k = pattern.index("}", k) + 1 if "}" in pattern[k:] else k + 1
        elif c in "^$()*+?|.":
            if c == "." and (k == 0 or pattern[k - 1] != "\\"):
                return None  # any character
            k += 1
            if c == "(" and pattern[k : k + 2] == "?:":
                k += 2
        else:
            chars.add(c)
            k += 1
    return frozenset(chars)


def _spec_enum(value: Any) -> frozenset[str]:
    return frozenset(_wire_text(e.get("value") if isinstance(e, dict) else e) for e in value)


def _wire_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass(frozen=True)
class RuleText:
    """How pages state one spec rule."""

    rule: str  # the spec keyword
    applies_to: frozenset[str]  # wire types of the parameters whose descriptions may state it
    phrases: tuple[re.Pattern[str], ...]  # named groups are rule keywords
    words: tuple[str, ...]  # words a spec note uses when it decides this rule
    page_value: Callable[[str], Any]  # the captured text → a value comparable with spec_value
    spec_value: Callable[[Any], Any]  # the spec's value → the same kind
    collect: bool = False  # every match adds values (an enumeration), not only the first

    def show(self, value: Any) -> str:
        if isinstance(value, frozenset):
            return (
                "".join(sorted(value))
                if self.rule in ("forbidden_chars", "pattern")
                else ("{" + ", ".join(sorted(value, key=lambda v: (len(v), v))) + "}")
            )
        return str(value)


def _rule(
    rule: str,
    applies_to: frozenset[str],
    phrases: list[str],
    words: tuple[str, ...],
    page_value: Callable[[str], Any] = _number,
    spec_value: Callable[[Any], Any] = lambda v: v,
    collect: bool = False,
) -> RuleText:
    compiled = tuple(re.compile(p, re.IGNORECASE | re.MULTILINE) for p in phrases)
    return RuleText(rule, applies_to, compiled, (rule,) + words, page_value, spec_value, collect)


_NOT_BYTES = r"(?!\s*个?(?:字节|bytes?))"
_FORMAT_LAYOUTS = sorted(FORMATS.items(), key=lambda kv: -len(kv[1]))  # datetime before date


def _layout_key(text: str) -> str:
    return re.sub(r"[ T]+", " ", text.strip().lower())


def _layout_pattern(layout: str) -> str:
    """`yyyy-MM-dd HH:mm:ss` as written on pages: any case, a space or a T between."""
    return re.escape(layout.lower()).replace(r"\ ", "[ T]")


_FORMAT_OF = {_layout_key(layout): name for name, layout in FORMATS.items()}

RULE_TEXTS: dict[str, RuleText] = {
    r.rule: r
    for r in (
        _rule(
            "max_length",
            STRING,
            [
                rf"(?:maximum of|at most|up to|no more than) {_n('max_length')} (?:characters|chars)",
                rf"最大长度(?:为|是|:|：)?\s*{_n('max_length')}{_NOT_BYTES}",
                rf"长度(?:限制|上限|不能超过|不超过|不得超过|最大)(?:为|是|:|：)?\s*{_n('max_length')}{_NOT_BYTES}",
                rf"(?:不能|不得|不要|不可)?超过\s*{_n('max_length')}\s*个?字符",
                rf"{_n('max_length')}\s*个字符以内",
            ],
            ("length", "characters", "long"),
        ),
        _rule(
            "min_length",
            STRING,
            [
                rf"长度(?:为|是|:|：|范围)?\s*{_n('min_length')}\s*(?:至|到|~|～|-)\s*{_n('max_length')}",
                rf"between {_n('min_length')} and {_n('max_length')} characters",
                rf"{_n('min_length')}\s*(?:to|-)\s*{_n('max_length')} characters",
                rf"(?:at least|minimum of) {_n('min_length')} characters",
                rf"最小长度(?:为|是|:|：)?\s*{_n('min_length')}",
                rf"长度(?:不能|不得)?(?:小于|少于)\s*{_n('min_length')}",
            ],
            ("length", "characters", "empty"),
        ),
        _rule(
            "max_bytes",
            STRING,
            [
                rf"(?:不要|不能|不得|不可)?超过\s*{_n('max_bytes')}\s*个?字节",
                rf"(?:maximum of|at most|up to|no more than) {_n('max_bytes')} bytes",
                rf"{_n('max_bytes')}\s*个?字节以内",
                rf"最大(?:长度|字节数)(?:为|是|:|：)?\s*{_n('max_bytes')}\s*个?字节",
            ],
            ("bytes", "byte", "utf-8"),
        ),
        _rule(
            "minimum",
            NUMERIC,
            [
                rf"rang(?:e|es|ing) from {_n('minimum')} to {_n('maximum')}",
                rf"between {_n('minimum')} and {_n('maximum')}(?! characters| bytes)",
                rf"范围(?:为|是|:|：)?\s*{_n('minimum')}\s*[a-z]*\s*(?:至|到|~|～|-)\s*{_n('maximum')}",
                rf"[((]\s*{_n('minimum')}\s*[a-z]*\s*(?:-|~|～|至|到)\s*{_n('maximum')}\s*[a-z]*\s*[,,;;))]",
                rf"最小值(?:为|是|:|：)?\s*{_n('minimum')}",
                rf"(?:大于等于|不小于|不低于|≥|>=)\s*{_n('minimum')}",
                rf"(?:minimum(?: value)?(?: of| is)?|at least|no less than) {_n('minimum')}",
            ],
            ("range", "bound", "at least"),
        ),
        _rule(
            "maximum",
            NUMERIC,
            [
                rf"最大值(?:为|是|:|：)?\s*{_n('maximum')}",
                rf"(?:小于等于|不大于|不高于|≤|<=)\s*{_n('maximum')}",
                rf"(?:maximum(?: value)?(?: of| is)?|at most|no more than|up to) {_n('maximum')}(?! characters| bytes)",
            ],
            ("range", "bound", "at most"),
        ),
        _rule(
            "exclusive_minimum",
            NUMERIC,
            [
                rf"(?<!不)大于\s*{_n('exclusive_minimum')}",
                rf"greater than {_n('exclusive_minimum')}",
            ],
            ("range", "greater", "positive"),
        ),
        _rule(
            "exclusive_maximum",
            NUMERIC,
            [rf"(?<!不)小于\s*{_n('exclusive_maximum')}", rf"less than {_n('exclusive_maximum')}"],
            ("range", "less"),
        ),
        _rule(
            "min_items",
            ARRAY,
            [rf"至少\s*{_n('min_items')}\s*个", rf"(?:at least|minimum of) {_n('min_items')}"],
            ("empty", "at least", "minimum"),
        ),
        _rule(
            "max_items",
            ARRAY,
            [
                rf"(?:maximum of|at most|up to|no more than) {_n('max_items')}",
                rf"(?:最多|至多|不超过|不能超过|只支持|仅支持|支持|单次(?:最多)?可?(?:添加|传入|上传)?)\s*{_n('max_items')}\s*个",
            ],
            ("at most", "maximum", "per call", "split"),
        ),
        _rule(
            "enum",
            STRING | NUMERIC,
            [
                (
                    r"(?:取值范围|取值|可选值|可取值)(?:为|是|:|：)\s*"
                    r"(?P<enum>[0-9A-Za-z_]+(?:\s*[,,、/]\s*[0-9A-Za-z_]+)+)"
                ),
                (
                    r"(?:possible values|values|options)(?: are| is|:)\s*"
                    r"(?P<enum>[0-9A-Za-z_]+(?:\s*(?:,|, and|, or| and| or)\s*[0-9A-Za-z_]+)+)"
                ),
                # value–meaning pairs: 1-自动外呼, 2:历史呼叫记录, 1为今日呼叫记录, • 3:删除…
                r"(?<![0-9A-Za-z.:：\-])(?P<enum>[0-9]+)\s*(?:-|:|：|为|=)\s*(?=[^\s0-9])",
            ],
            ("enum", "values", "value"),
            page_value=_values,
            spec_value=_spec_enum,
            collect=True,
        ),
        _rule(
            "format",
            STRING,
            [rf"(?P<format>{_layout_pattern(layout)})" for _, layout in _FORMAT_LAYOUTS],
            ("format",),
            page_value=lambda text: _FORMAT_OF.get(_layout_key(text)),
        ),
        _rule(
            "forbidden_chars",
            STRING,
            [
                (
                    r"(?:cannot|must not|can't|may not) contain "
                    r"(?:the following |these |any of the following )?"
                    r"(?:special )?characters?\s*[:：]\s*(?P<forbidden_chars>\S.*)$"
                ),
                r"不(?:能|得|可|允许)(?:包含|含有)(?:以下|如下)?(?:特殊)?字符\s*[:：]\s*(?P<forbidden_chars>\S.*)$",
            ],
            ("characters", "forbidden", "special"),
            page_value=_chars,
            spec_value=_chars,
        ),
        _rule(
            "pattern",
            STRING,
            [
                r"(?:including|containing|consisting of|composed of|contains?) only (?P<pattern>[^.;:]+)",
                r"(?:有效字符|合法字符)(?:为|是)?\s*[:：]?\s*(?P<pattern>[^。;；,,\n]+(?:、[^。;；,,\n]+)*)",
                r"(?:只能包含|仅包含|只能为|只能是|仅支持)\s*(?P<pattern>[^。;；,,\n]+(?:、[^。;；,,\n]+)*)",
                r"(?P<pattern>digits) only",
                r"(?:纯|只能是)(?P<pattern>数字)",
            ],
            ("pattern", "digits", "characters", "letters"),
            page_value=lambda text: _allowed(text),
            spec_value=alphabet,
        ),
    )
}


@dataclass(frozen=True)
class Stated:
    """A rule a description states: its value, as written, and the line it is on."""

    rule: str
    value: Any
    written: str
    line: int


def stated_rules(parts: list[tuple[str, int]], wire_types: frozenset[str]) -> dict[str, Stated]:
    """The rules that the lines of a description state, for a parameter of these wire types.

    Rules and phrases are tried in table order; a rule keeps the first value found, an
    enumeration collects the values of every match.
    """
    found: dict[str, Stated] = {}
    for rule in RULE_TEXTS.values():
        if not rule.applies_to & wire_types:
            continue
        for phrase in rule.phrases:
            for text, line in parts:
                for m in phrase.finditer(text):
                    for group, raw in m.groupdict().items():
                        target = RULE_TEXTS[group]
                        if raw is None or not target.applies_to & wire_types:
                            continue
                        if group in found and not target.collect:
                            continue
                        value = target.page_value(raw)
                        if value is None:
                            continue
                        if group in found:
                            old = found[group]
                            written = f"{old.written}; {m.group(0).strip()}"
                            found[group] = Stated(group, old.value | value, written, old.line)
                        else:
                            found[group] = Stated(group, value, m.group(0).strip(), line)
    enum = found.get("enum")
    if enum is not None and len(enum.value) < 2:
        del found["enum"]  # `0为正常,其他代表错误` names one value of an open set
    return found


def spec_rules(node: dict[str, Any], wire_types: frozenset[str]) -> dict[str, Any]:
    """The rules of a spec schema node that pages state in words, as comparable values."""
    return {
        rule: text.spec_value(node[rule])
        for rule, text in RULE_TEXTS.items()
        if rule in node and text.applies_to & wire_types
    }


def note_words(rule: str) -> tuple[str, ...]:
    return RULE_TEXTS[rule].words
