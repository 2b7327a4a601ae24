"""Read a vendor's API page — plain text, Markdown or HTML — into the facts it states.

Vendor pages come as the five seed documents do (saved as plain text) or as the Markdown or
HTML they were published in. Reading happens in two stages:

1. **Layout.** Each format has its reader, which turns the page into blocks in page order:
   `Text` (one line of prose), `Grid` (a table: header cells and rows of cells, each cell one or
   more paragraphs) and `Code` (preformatted text, where the JSON examples are).

   - Plain text knows two table styles. *Row per line*: a header line of column names
     (`参数 类型 必须 说明`, `参数 位置 类型 是否必填 说明`, `结果码 说明`) and then one row per line,
     cells separated by whitespace, the last column taking the rest of the line; a mandatory
     column left blank (000, 001) is recognised because the word in its place is not a mandatory
     value. *Cell per line* (Huawei, 002/004): a caption `Table 4 …` / `表3 …`, the header cells
     one per line up to the first row number, then rows `number, name, type, [mandatory],
     description…`; a description runs on to the next row number, and after the last row for as
     long as its lines read as a continuation (indented, bulleted or ending in punctuation),
     not as the next heading. JSON values starting a line become `Code` blocks.
   - HTML is read with the standard library's `html.parser`: `<table>` rows and cells (`<th>` or
     `<thead>` rows are the header, `<caption>` the caption), paragraphs and headings, `<pre>`.
   - Markdown is read with markdown-it-py (CommonMark with GFM tables): pipe tables, paragraphs,
     headings, fenced or indented code, and raw HTML blocks through the HTML reader.

2. **Interpretation** (`read_page`, the same for every format). A grid whose header names a
   parameter column (`参数`, `Parameter`, `参数名`, `名称`) is a parameter table, one naming a code
   column (`结果码`, `错误码`, `Error Code`) a result-code table; the other header words say which
   cell is the type, the mandatory mark, the location (`位置`: header/body) and the description.
   Prose lines give the routes (`请求地址:/api.php?r=…`, `POST https://{host}/path`, a URL alone
   on its line) and methods (`请求方式:POST`, "supports only the POST method"), and the success
   codes stated in words (`0为正常`, `状态码不为200时`, `0200000表示成功`, `The value 0200000
   indicates success`, a code row reading `请求成功`). Every JSON object in a `Code` block is an
   example.

Lines are those of the file as saved (for HTML, of the markup), so a finding can point at them.
"""

from __future__ import annotations

import html.parser
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qsl

Format = Literal["text", "markdown", "html"]
FORMATS: tuple[Format, ...] = ("text", "markdown", "html")


class PageError(Exception):
    """The page cannot be read at all (missing, binary, not UTF-8); the message says why."""


# -- layout blocks ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """One line of prose (a heading, a paragraph line, a list item line)."""

    text: str
    line: int


@dataclass(frozen=True)
class Cell:
    """One table cell: its paragraphs, each with the line it is on."""

    parts: tuple[Text, ...]
    line: int

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.parts)


@dataclass(frozen=True)
class Grid:
    """A table as laid out: header cells, rows of cells, the caption if the page gives one."""

    line: int
    header: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...]
    caption: Text | None = None


@dataclass(frozen=True)
class Code:
    """Preformatted text (a JSON example); `line` is the line of its first character."""

    text: str
    line: int


Block = Text | Grid | Code


def _cell(text: str, line: int) -> Cell:
    return Cell((Text(text, line),) if text else (), line)


# -- vocabulary of table headers and cells -----------------------------------------------------------

# column role → the header labels vendors use for it (compared case-insensitively)
COLUMNS: dict[str, tuple[str, ...]] = {
    "number": ("No.", "No", "序号"),
    "name": (
        "参数",
        "参数名",
        "参数名称",
        "名称",
        "字段",
        "字段名",
        "Parameter",
        "Parameter Name",
        "Name",
        "Field",
    ),
    "code": (
        "结果码",
        "错误码",
        "返回码",
        "错误代码",
        "Error Code",
        "Result Code",
        "Return Code",
        "Code",
    ),
    "type": ("类型", "参数类型", "数据类型", "Type", "Data Type"),
    "mandatory": (
        "必须",
        "必填",
        "是否必填",
        "是否必选",
        "是否必须",
        "必选",
        "Mandatory",
        "Mandatory or Not",
        "Required",
    ),
    "location": ("位置", "参数位置", "Location", "In"),
    "description": ("说明", "描述", "备注", "含义", "Description", "Remarks", "Meaning"),
}
_ROLE_OF = {label.lower(): role for role, labels in COLUMNS.items() for label in labels}
# longest first, so "Mandatory or Not" is one column and not "Mandatory" + two unknown words
_LABELS = sorted(_ROLE_OF, key=len, reverse=True)

YES = frozenset({"y", "yes", "true", "是", "必填", "必选", "必须", "required", "mandatory", "m"})
NO = frozenset({"n", "no", "false", "否", "可选", "非必填", "optional", "o"})
_CONDITIONAL = re.compile(r"^.+[:：]\s*(?:y|yes|true|是|必填)$", re.IGNORECASE)

NAME = re.compile(r"^[A-Za-z_$][A-Za-z0-9_.$-]*$")
CODE = re.compile(r"^[A-Za-z]{0,8}[0-9][0-9A-Za-z_.-]*$")
TYPE_WORD = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(?:<[A-Za-z0-9_, <>]*>|\[\])?$")
ROW_NUMBER = re.compile(r"^[0-9]+(?:\.[0-9]+)*$")
CAPTION = re.compile(r"^(?:Table\s*[0-9]+|表\s*[0-9]+)(?:\s|$)")
_BULLET = tuple("•·●○■□◆▪-*")
_RUN_ON_END = tuple(".。:：;；,,、!！?？)）]】")


def mandatory_value(cell: str | None) -> str | None:
    """`yes`, `no` or `conditional` (`送号策略=0:Y`) for a mandatory cell; None when it is none
    of these (a blank column, or text that is not a mandatory mark)."""
    if cell is None:
        return None
    word = cell.strip().lower()
    if word in YES:
        return "yes"
    if word in NO:
        return "no"
    if _CONDITIONAL.match(word):
        return "conditional"
    return None


def header_roles(labels: Iterable[str]) -> list[str | None]:
    return [_ROLE_OF.get(" ".join(label.split()).lower()) for label in labels]


def _split_header(line: str) -> list[str] | None:
    """The column labels of a row-per-line header, or None when the line is not one."""
    rest = " ".join(line.split())
    labels: list[str] = []
    while rest:
        low = rest.lower()
        label = next(
            (
                lab
                for lab in _LABELS
                if low.startswith(lab) and low[len(lab) : len(lab) + 1] in ("", " ")
            ),
            None,
        )
        if label is None:
            return None
        labels.append(rest[: len(label)])
        rest = rest[len(label) :].strip()
    return labels


# -- plain text -------------------------------------------------------------------------------------


def _json_spans(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) offsets of each JSON object that starts a line (after indentation)."""
    decoder = json.JSONDecoder()
    covered_to = 0
    for m in re.finditer(r"(?m)^[ \t]*(\{)", text):
        start = m.start(1)
        if start < covered_to:
            continue
        try:
            _, end = decoder.raw_decode(text, start)
        except json.JSONDecodeError:
            continue
        covered_to = end
        yield start, end


class _TextLayout:
    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = text.splitlines()
        self.used = [False] * len(self.lines)
        self.blocks: list[Block] = []

    def run(self) -> list[Block]:
        self._examples()
        self._row_per_line_tables()
        self._cell_per_line_tables()
        for n, line in enumerate(self.lines):
            if not self.used[n] and line.strip():
                self.blocks.append(Text(line.strip(), n + 1))
        return sorted(self.blocks, key=_block_line)

    def _examples(self) -> None:
        for start, end in _json_spans(self.text):
            first = self.text.count("\n", 0, start)
            last = self.text.count("\n", 0, end)
            self.blocks.append(Code(self.text[start:end], first + 1))
            for n in range(first, last + 1):
                self.used[n] = True

    def _row_per_line_tables(self) -> None:
        n = 0
        while n < len(self.lines):
            labels = None if self.used[n] else _split_header(self.lines[n])
            roles = header_roles(labels or [])
            if not labels or len(labels) < 2 or not ({"name", "code"} & set(roles)):
                n += 1
                continue
            rows: list[tuple[Cell, ...]] = []
            k = n + 1
            while k < len(self.lines) and not self.used[k]:
                row = _split_row(self.lines[k], roles, k + 1)
                if row is None:
                    break
                rows.append(row)
                k += 1
            if not rows:
                n += 1
                continue
            self.blocks.append(Grid(n + 1, tuple(_cell(lab, n + 1) for lab in labels), tuple(rows)))
            for j in range(n, k):
                self.used[j] = True
            n = k

    def _cell_per_line_tables(self) -> None:
        cells = [
            (n, line) for n, line in enumerate(self.lines) if line.strip() and not self.used[n]
        ]
        starts = [k for k, (_, line) in enumerate(cells) if CAPTION.match(line.strip())]
        for s, start in enumerate(starts):
            end = starts[s + 1] if s + 1 < len(starts) else len(cells)
            grid, consumed = _cell_per_line_table(cells[start:end])
            if grid is not None:
                self.blocks.append(grid)
                for n, _ in cells[start : start + consumed]:
                    self.used[n] = True


def _split_row(line: str, roles: list[str | None], lineno: int) -> tuple[Cell, ...] | None:
    """One row-per-line table row, or None when the line is not one (the table has ended)."""
    width = len(roles)
    tokens = line.split(maxsplit=width - 1)
    if len(tokens) < 2:
        return None
    if "mandatory" in roles:
        k = roles.index("mandatory")
        if k < len(tokens) and mandatory_value(tokens[k]) is None:
            # the mandatory column is blank: the description slid into its place
            tokens = line.split(maxsplit=width - 2)
            tokens.insert(k, "")
    tokens += [""] * (width - len(tokens))
    key = roles.index("code") if "code" in roles else roles.index("name")
    if not (CODE if roles[key] == "code" else NAME).match(tokens[key]):
        return None
    if "type" in roles and not TYPE_WORD.match(tokens[roles.index("type")]):
        return None  # prose after the table (e.g. a copyright line), not a row
    return tuple(_cell(t, lineno) for t in tokens)


def _number(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split("."))


def _cell_per_line_table(region: list[tuple[int, str]]) -> tuple[Grid | None, int]:
    """A Huawei-style table from the non-empty lines of one caption's region.

    Returns the grid and how many of the region's lines it took (caption, header, rows).
    """
    strip = [line.strip() for _, line in region]
    first = next((k for k in range(1, len(strip)) if ROW_NUMBER.match(strip[k])), None)
    if first is None or first < 3:
        return None, 0
    labels = strip[1:first]
    roles = header_roles(labels)
    if "number" not in roles or not ({"name", "code"} & set(roles)):
        return None, 0
    width = len(labels)
    key_role = "code" if "code" in roles else "name"
    offset = roles.index(key_role) - roles.index("number")
    type_offset = roles.index("type") - roles.index("number") if "type" in roles else None
    description = roles.index("description") if "description" in roles else width - 1

    def row_start(k: int, after: tuple[int, ...] | None) -> bool:
        if not ROW_NUMBER.match(strip[k]) or k + width - 1 >= len(strip):
            return False
        if after is not None and _number(strip[k]) <= after:
            return False
        key = strip[k + offset]
        if not (CODE if key_role == "code" else NAME).match(key):
            return False
        return type_offset is None or bool(TYPE_WORD.match(strip[k + type_offset]))

    rows: list[tuple[Cell, ...]] = []
    k = first
    if not row_start(k, None):
        return None, 0
    while True:
        cells = [_cell(strip[j], region[j][0] + 1) for j in range(k, k + width)]
        j = k + width
        current = _number(strip[k])
        nxt = next((m for m in range(j, len(strip)) if row_start(m, current)), None)
        if nxt is None:  # the last row: its description runs on while it reads as one
            while j < len(strip) and _runs_on(region[j][1]):
                j += 1
            stop = j
        else:
            stop = nxt
        more = tuple(Text(strip[m], region[m][0] + 1) for m in range(k + width, stop))
        cells[description] = Cell(cells[description].parts + more, cells[description].line)
        rows.append(tuple(cells))
        if nxt is None:
            break
        k = nxt
    caption = Text(strip[0], region[0][0] + 1)
    header = tuple(_cell(lab, region[1 + i][0] + 1) for i, lab in enumerate(labels))
    return Grid(caption.line, header, tuple(rows), caption), stop


def _runs_on(raw: str) -> bool:
    """Whether a line after a table's last row continues its description (an indented or
    bulleted line, a sentence) rather than starting the next part of the page (a heading)."""
    text = raw.strip()
    return raw[:1].isspace() or text.startswith(_BULLET) or text.endswith(_RUN_ON_END)


# -- HTML ------------------------------------------------------------------------------------------

_BREAKS = {
    "p",
    "div",
    "br",
    "li",
    "dt",
    "dd",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "blockquote",
    "section",
    "article",
    "header",
    "footer",
    "ul",
    "ol",
    "dl",
    "hr",
    "caption",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "main",
    "nav",
    "figure",
    "figcaption",
}
_SKIP = {"script", "style", "template", "head", "title", "noscript"}


@dataclass
class _Para:
    """Text collected since the last break, with the line its first character is on."""

    words: list[str] = field(default_factory=list)
    line: int = 0

    def add(self, data: str, line: int) -> None:
        if not data.strip():
            if self.words:
                self.words.append(" ")
            return
        if not self.words:
            self.line = line + data[: len(data) - len(data.lstrip())].count("\n")
        self.words.append(data)

    def take(self) -> Text | None:
        text = " ".join("".join(self.words).split())
        self.words = []
        return Text(text, self.line) if text else None


@dataclass
class _TableBuild:
    line: int
    caption: list[Text] = field(default_factory=list)
    # rows: (inside <thead>?, [(cell, is <th>?)])
    rows: list[tuple[bool, list[tuple[Cell, bool]]]] = field(default_factory=list)
    cell: list[Text] | None = None
    cell_line: int = 0
    cell_header: bool = False
    in_head: bool = False
    in_caption: bool = False


class _HtmlLayout(html.parser.HTMLParser):
    def __init__(self, line_offset: int = 0) -> None:
        super().__init__(convert_charrefs=True)
        self.line_shift = line_offset  # not `offset`: HTMLParser uses that name itself
        self.blocks: list[Block] = []
        self.para = _Para()
        self.tables: list[_TableBuild] = []
        self.skip = 0
        self.pre: list[str] | None = None
        self.pre_line = 0

    def _line(self) -> int:
        return self.getpos()[0] + self.line_shift

    def _flush(self) -> None:
        text = self.para.take()
        if text is None:
            return
        table = self.tables[-1] if self.tables else None
        if table is not None and table.in_caption:
            table.caption.append(text)
        elif table is not None and table.cell is not None:
            table.cell.append(text)
        elif table is None:
            self.blocks.append(text)
        # text inside a table but outside its cells is dropped (whitespace between rows)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip += 1
            return
        if self.skip:
            return
        if tag == "pre":
            self._flush()
            self.pre, self.pre_line = [], self._line()
            return
        if tag in _BREAKS or tag in ("td", "th"):
            self._flush()
        table = self.tables[-1] if self.tables else None
        if tag == "table":
            self.tables.append(_TableBuild(self._line()))
        elif table is None:
            return
        elif tag == "caption":
            table.in_caption = True
        elif tag == "thead":
            table.in_head = True
        elif tag == "tr":
            self._end_cell(table)
            table.rows.append((table.in_head, []))
        elif tag in ("td", "th"):
            self._end_cell(table)
            if not table.rows:
                table.rows.append((table.in_head, []))
            table.cell, table.cell_line, table.cell_header = [], self._line(), tag == "th"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br" and self.pre is not None:
            self.pre.append("\n")
        elif tag in _BREAKS and not self.skip:
            self._flush()

    def _end_cell(self, table: _TableBuild) -> None:
        self._flush()
        if table.cell is None:
            return
        table.rows[-1][1].append((Cell(tuple(table.cell), table.cell_line), table.cell_header))
        table.cell = None

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if self.skip:
            return
        if tag == "pre" and self.pre is not None:
            text = "".join(self.pre)
            line = self.pre_line
            if text.startswith("\n"):  # HTML drops a newline right after <pre>
                text, line = text[1:], line + 1
            self.blocks.append(Code(text, line))
            self.pre = None
            return
        if tag in _BREAKS or tag in ("td", "th"):
            self._flush()
        table = self.tables[-1] if self.tables else None
        if table is None:
            return
        if tag == "caption":
            table.in_caption = False
        elif tag == "thead":
            table.in_head = False
        elif tag in ("td", "th", "tr"):
            self._end_cell(table)
        elif tag == "table":
            self._end_cell(table)
            self.tables.pop()
            self.blocks.append(_grid(table))

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.pre is not None:
            self.pre.append(data)
            return
        self.para.add(data, self._line())

    def close(self) -> None:
        super().close()
        while self.tables:
            table = self.tables.pop()
            self._end_cell(table)
            self.blocks.append(_grid(table))
        self._flush()


def _grid(table: _TableBuild) -> Grid:
    """The header is the first row inside <thead> or made of <th> cells, else the first row."""
    rows = [(head, cells) for head, cells in table.rows if cells]
    caption = None
    if table.caption:
        caption = Text(" ".join(t.text for t in table.caption), table.caption[0].line)
    at = next((k for k, (head, cells) in enumerate(rows) if head or all(th for _, th in cells)), 0)
    header = tuple(c for c, _ in rows[at][1]) if rows else ()
    body = tuple(tuple(c for c, _ in cells) for _, cells in rows[at + 1 :])
    return Grid(header[0].line if header else table.line, header, body, caption)


def html_layout(text: str, line_offset: int = 0) -> list[Block]:
    parser = _HtmlLayout(line_offset)
    parser.feed(text)
    parser.close()
    return sorted(parser.blocks, key=_block_line)


# -- Markdown --------------------------------------------------------------------------------------


def markdown_layout(text: str) -> list[Block]:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable("table")
    tokens = md.parse(text)
    blocks: list[Block] = []
    k = 0
    while k < len(tokens):
        tok = tokens[k]
        if tok.type == "table_open":
            end = next(j for j in range(k, len(tokens)) if tokens[j].type == "table_close")
            blocks.append(_markdown_table(tokens[k : end + 1]))
            k = end + 1
            continue
        if tok.type in ("fence", "code_block") and tok.map:
            first = tok.map[0] + (2 if tok.type == "fence" else 1)
            blocks.append(Code(tok.content, first))
        elif tok.type == "html_block" and tok.map:
            blocks.extend(html_layout(tok.content, tok.map[0]))
        elif tok.type == "inline" and tok.map:
            blocks.extend(_inline_lines(tok.children or [], tok.map[0] + 1))
        k += 1
    return sorted(blocks, key=_block_line)


def _inline_lines(children: list[Any], first_line: int) -> list[Text]:
    """The lines of an inline run as plain text: markup dropped, a line break or <br> starts a
    new line (only a line break in the source moves to the next line number)."""
    lines: list[tuple[str, int]] = [("", first_line)]
    for child in children:
        if child.type in ("softbreak", "hardbreak"):
            lines.append(("", lines[-1][1] + 1))
        elif child.type == "html_inline" and re.fullmatch(
            r"<br\s*/?>", child.content, re.IGNORECASE
        ):
            lines.append(("", lines[-1][1]))
        elif child.type in ("text", "code_inline"):
            lines[-1] = (lines[-1][0] + child.content, lines[-1][1])
    return [Text(" ".join(t.split()), n) for t, n in lines if t.strip()]


def _markdown_table(tokens: list[Any]) -> Grid:
    rows: list[list[Cell]] = []
    line = 0
    for tok in tokens:
        if tok.type == "tr_open" and tok.map:
            line = tok.map[0] + 1
            rows.append([])
        elif tok.type == "inline" and rows:
            parts = _inline_lines(tok.children or [], line)  # a row is one line: so are its parts
            rows[-1].append(Cell(tuple(parts), line))
    header = tuple(rows[0]) if rows else ()
    return Grid(header[0].line if header else line, header, tuple(tuple(r) for r in rows[1:]))


def _block_line(block: Block) -> int:
    return block.line


# -- interpretation: the facts of a page ---------------------------------------------------------


@dataclass(frozen=True)
class ParamRow:
    """One row of a parameter table, its cells as written."""

    name: str
    line: int
    type: str | None  # None when the table has no type column
    mandatory: str | None  # the cell; None when the table has no mandatory column
    location: str | None  # the 位置 cell, lower case ("header", "body"), if the table has one
    description: Cell
    number: str | None = None  # the row number (Huawei: "1.2")

    @property
    def required(self) -> str | None:
        """`yes`, `no`, `conditional`, `blank` (a mandatory column left empty) or None (no
        mandatory column)."""
        if self.mandatory is None:
            return None
        return mandatory_value(self.mandatory) or "blank"


@dataclass(frozen=True)
class CodeRow:
    code: str
    text: str
    line: int
    number: str | None = None
    text_line: int = 0  # the line of its text (Huawei tables: two lines below the code)


@dataclass(frozen=True)
class Table:
    """A parameter table or a result-code table."""

    kind: Literal["parameters", "codes"]
    line: int
    caption: Text | None  # the page's caption, else the nearest prose line above
    context: tuple[Text, ...]  # prose between the previous table and this one, nearest first
    columns: tuple[str, ...]  # the header labels as written
    params: tuple[ParamRow, ...] = ()
    codes: tuple[CodeRow, ...] = ()


@dataclass(frozen=True)
class Route:
    method: str | None
    path: str
    query: tuple[tuple[str, str], ...]
    line: int
    written: str  # as on the page

    def __str__(self) -> str:
        query = "&".join(f"{k}={v}" for k, v in self.query)
        return f"{self.method or '?'} {self.path}{'?' + query if query else ''}"


@dataclass(frozen=True)
class Example:
    value: Any
    line: int


@dataclass(frozen=True)
class SuccessCode:
    code: str
    line: int


@dataclass(frozen=True)
class Page:
    file: str
    format: Format
    lines: tuple[str, ...]
    texts: tuple[Text, ...]  # prose lines in page order (outside tables and examples)
    tables: tuple[Table, ...]
    routes: tuple[Route, ...]
    examples: tuple[Example, ...]
    success_codes: tuple[SuccessCode, ...]

    @property
    def params(self) -> Iterator[tuple[Table, ParamRow]]:
        for table in self.tables:
            for row in table.params:
                yield table, row

    @property
    def codes(self) -> Iterator[tuple[Table, CodeRow]]:
        for table in self.tables:
            for row in table.codes:
                yield table, row

    @property
    def empty(self) -> bool:
        """Nothing an API page would state: no table, no route, no example."""
        return not (self.tables or self.routes or self.examples)


METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")
_METHOD = re.compile(r"(?<![A-Za-z])(" + "|".join(METHODS) + r")(?![A-Za-z])")
# a route alone on its line: an optional label (`请求地址:`), an optional method, a URL or path
_ROUTE = re.compile(
    r"^(?:(?!(?:[^:：/]*\s)?https?://)[^:：/]{1,30}[:：]\s*)?"
    r"(?:(?P<method>" + "|".join(METHODS) + r")\s+)?"
    r"(?:https?://[^/\s]+)?(?P<path>/[A-Za-z0-9_.~{}%/-]*)(?:\?(?P<query>\S*))?$"
)
SUCCESS_PHRASES = (
    re.compile(r"(?<![0-9])([0-9]+)\s*为正常"),
    re.compile(r"状态码不为\s*([0-9]+)"),
    re.compile(r"(?<![0-9])([0-9]+)\s*表示成功"),
    re.compile(r"value ([0-9]+) indicates success", re.IGNORECASE),
    re.compile(r"(?<![0-9])([0-9]+) (?:means|indicates) success", re.IGNORECASE),
)
_SUCCESS_ROW = re.compile(r"^(?:请求)?成功[。.]?$|^success", re.IGNORECASE)


def _routes(texts: list[Text]) -> list[Route]:
    mentions = [(m.group(1), t.line) for t in texts for m in _METHOD.finditer(t.text)]
    routes = []
    for t in texts:
        m = _ROUTE.match(t.text)
        if m is None or not re.search(r"[A-Za-z]", m.group("path")):
            continue
        method = m.group("method")
        if method is None and mentions:
            # the nearest method named in the prose (before the route on a tie)
            method = min(mentions, key=lambda mm: (abs(mm[1] - t.line), mm[1] > t.line))[0]
        query = tuple(parse_qsl(m.group("query") or "", keep_blank_values=True))
        routes.append(Route(method, m.group("path"), query, t.line, t.text))
    return routes


def _examples(blocks: list[Block]) -> list[Example]:
    out = []
    decoder = json.JSONDecoder()
    for block in blocks:
        if not isinstance(block, Code):
            continue
        for m in re.finditer(r"(?m)^[ \t]*(\{)", block.text):
            try:
                value, _ = decoder.raw_decode(block.text, m.start(1))
            except json.JSONDecodeError:
                continue
            out.append(Example(value, block.line + block.text.count("\n", 0, m.start(1))))
            break  # one example per block; nested objects start lines too
    return out


def _table(grid: Grid, caption: Text | None, context: tuple[Text, ...]) -> Table | None:
    labels = tuple(c.text for c in grid.header)
    roles = header_roles(labels)
    if "code" in roles and "name" not in roles:
        key = roles.index("code")
        text_col = roles.index("description") if "description" in roles else None
        number_col = roles.index("number") if "number" in roles else None
        codes = []
        for row in grid.rows:
            if key >= len(row) or not CODE.match(row[key].text.strip()):
                continue
            cell = row[text_col] if text_col is not None and text_col < len(row) else row[key]
            text = cell.text if cell is not row[key] else ""
            number = row[number_col].text.strip() if number_col is not None else None
            code, line = row[key].text.strip(), row[key].line
            text_line = cell.parts[0].line if cell.parts else cell.line
            codes.append(CodeRow(code, " ".join(text.split()), line, number, text_line))
        return Table("codes", grid.line, caption, context, labels, codes=tuple(codes))
    if "name" not in roles:
        return None

    def col(row: tuple[Cell, ...], role: str) -> Cell | None:
        if role not in roles:
            return None
        k = roles.index(role)
        return row[k] if k < len(row) else _cell("", row[0].line)

    params = []
    for row in grid.rows:
        name_cell = col(row, "name")
        assert name_cell is not None
        name = name_cell.text.strip()
        if not NAME.match(name):
            continue
        type_cell, mandatory, location = (
            col(row, "type"),
            col(row, "mandatory"),
            col(row, "location"),
        )
        number_cell = col(row, "number")
        params.append(
            ParamRow(
                name=name,
                line=name_cell.line,
                type=type_cell.text.strip() if type_cell else None,
                mandatory=mandatory.text.strip() if mandatory else None,
                location=location.text.strip().lower() if location else None,
                description=col(row, "description") or _cell("", name_cell.line),
                number=number_cell.text.strip() if number_cell else None,
            )
        )
    return Table("parameters", grid.line, caption, context, labels, params=tuple(params))


def read_blocks(blocks: list[Block], file: str, fmt: Format, lines: list[str]) -> Page:
    """Interpret a page's layout: tables, routes, examples, success codes."""
    texts = [b for b in blocks if isinstance(b, Text)]
    tables: list[Table] = []
    since_table: list[Text] = []
    for block in blocks:
        if isinstance(block, Text):
            since_table.append(block)
        elif isinstance(block, Grid):
            context = tuple(reversed(since_table))
            caption = block.caption or (context[0] if context else None)
            if block.caption is not None:
                context = (block.caption,) + context
            table = _table(block, caption, context)
            if table is not None:
                tables.append(table)
            since_table = []
    success: dict[str, int] = {}
    prose = texts + [
        part
        for table in tables
        for _, row in ((table, r) for r in table.params)
        for part in row.description.parts
    ]
    for text in sorted(prose, key=lambda t: t.line):
        for pattern in SUCCESS_PHRASES:
            for m in pattern.finditer(text.text):
                success.setdefault(m.group(1), text.line)
    for table in tables:
        for code in table.codes:
            if _SUCCESS_ROW.match(code.text):
                success.setdefault(code.code, code.line)
    return Page(
        file=file,
        format=fmt,
        lines=tuple(lines),
        texts=tuple(texts),
        tables=tuple(tables),
        routes=tuple(_routes(texts)),
        examples=tuple(_examples(blocks)),
        success_codes=tuple(SuccessCode(c, n) for c, n in success.items()),
    )


def guess_format(file: str, text: str) -> Format:
    """By the file's extension, else by its content."""
    suffix = Path(file).suffix.lower()
    if suffix in (".html", ".htm", ".xhtml"):
        return "html"
    if suffix in (".md", ".markdown"):
        return "markdown"
    if suffix == ".txt":
        return "text"
    head = text[:4096].lower()
    if "<html" in head or "<!doctype html" in head or "<table" in text.lower():
        return "html"
    if re.search(r"(?m)^\s*\|?\s*:?-{3,}:?\s*\|", text):
        return "markdown"
    return "text"


def parse_page(text: str, file: str = "<page>", fmt: Format | None = None) -> Page:
    text = text.removeprefix("\ufeff")
    fmt = fmt or guess_format(file, text)
    layout = {
        "text": lambda t: _TextLayout(t).run(),
        "markdown": markdown_layout,
        "html": html_layout,
    }[fmt]
    return read_blocks(layout(text), file, fmt, text.splitlines())


def read_page(path: Path, fmt: Format | None = None, display: str | None = None) -> Page:
    """Read a saved page; raises PageError when it cannot be read as text."""
    file = display or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PageError(f"{file}: cannot read: {exc.strerror}") from None
    if b"\x00" in raw:
        raise PageError(
            f"{file}: not a text file (it contains NUL bytes); save the page as text, Markdown or HTML"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PageError(
            f"{file}:{line}: not UTF-8 text (byte {exc.start}: {exc.reason}); save the page as UTF-8"
        ) from None
    return parse_page(text, file, fmt)
