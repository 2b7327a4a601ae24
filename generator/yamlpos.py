"""Safe YAML loading that remembers where every key and value was written.

PyYAML's safe loader forgets positions and silently keeps the last of duplicate keys; specs
need both right, so we compose the node tree ourselves and convert it to plain JSON values.

Specs are plain YAML: no aliases, merge keys or tags beyond the JSON ones, and no YAML 1.1
surprises (`yes` as a boolean, `0200000` as an octal number, `2024-01-01` as a date) — each is
reported with the fix, so a spec means what it looks like it means.

Where PyYAML has libyaml, its C parser produces the events, and a spec as specs are written
is turned from them into values in one pass (_events_to_document: no node tree, positions
kept as (line, col) until one is read). Anything else (an error, a tag, an anchor, a scalar
YAML 1.1 reads surprisingly) is read again by composing a node tree from libyaml's events,
and what the C parser objects to by the pure-Python parser, whose error messages the reports
use. On a 58,000-line spec, composing nodes from libyaml's events took 7.1 s of CPU, the one
pass 1.35 s (of which libyaml's events 0.6 s).
"""

from __future__ import annotations

import functools
import math
import re
from typing import Any

import yaml
from yaml.composer import Composer

from . import yamltree
from .errors import SpecError, SpecErrors, quoted
from .ir import Pos

Path = tuple[str | int, ...]

# Input no spec comes near is refused before any work is spent on it (docs/spec-language.md).
MAX_DEPTH = 64  # nesting levels of collections
MAX_BYTES = 5 * 1024 * 1024  # size of one spec file; the largest shipped spec is 38 KB
MAX_KEYS = 5000  # keys of one mapping (operations, types, properties, …)

_TAG = "tag:yaml.org,2002:"
_STR = _TAG + "str"
_SCALAR_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null")}
_COLLECTION_TAGS: dict[type[yaml.Node], str] = {
    yaml.SequenceNode: _TAG + "seq",
    yaml.MappingNode: _TAG + "map",
}
_PLAIN_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_JSON_EXPONENT = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?[eE][-+]?[0-9]+")
_PLAIN_BOOL = {"true", "True", "TRUE", "false", "False", "FALSE"}


class Positions(dict[Path, tuple[int, int]]):
    """Path → Pos, stored as (line, col) and made a Pos when asked for: a large spec has
    hundreds of thousands of positions and few are ever read."""

    def __init__(self, file: str) -> None:
        super().__init__()
        self.file = file

    def __getitem__(self, path: Path) -> Pos:  # type: ignore[override]
        line, col = dict.__getitem__(self, path)
        return Pos(self.file, line, col)

    def get(self, path: Path, default: Any = None) -> Any:
        mark = dict.get(self, path)
        return default if mark is None else Pos(self.file, mark[0], mark[1])


class Document:
    """A spec file as JSON values, with the position of each value and of each mapping key."""

    def __init__(self, file: str, data: Any) -> None:
        self.file = file
        self.data = data
        self.values = Positions(file)
        self.keys = Positions(file)

    def pos(self, path: Path, *, key: bool = False) -> Pos:
        """Position of the value (or key) at `path`, else of its nearest ancestor."""
        table = self.keys if key else self.values
        values = self.values
        p = tuple(path)
        while p:
            mark = dict.get(table, p) or dict.get(values, p)
            if mark is not None:
                return Pos(self.file, mark[0], mark[1])
            p = p[:-1]
        mark = dict.get(values, ()) or (1, 1)
        return Pos(self.file, mark[0], mark[1])

    def at(self, path: Path) -> Pos | None:
        """Position of the value at `path`, which is in the document (else None)."""
        return self.values.get(path)


class TreeDocument(Document):
    """A document rapidyaml read (yamltree): positions are found when first read."""

    def __init__(self, file: str, data: Any, locator: yamltree.Locator) -> None:
        self.file = file
        self.data = data
        self._locator = locator

    def pos(self, path: Path, *, key: bool = False) -> Pos:
        return Pos.later(self.file, self._locator.mark, tuple(path), key)

    def at(self, path: Path) -> Pos | None:
        return self.pos(path)

    @property
    def values(self) -> Positions:  # type: ignore[override]
        """Every value's position, found through the tree (tests compare them with libyaml's)."""
        return self._table(key=False)

    @property
    def keys(self) -> Positions:  # type: ignore[override]
        return self._table(key=True)

    def _table(self, *, key: bool) -> Positions:
        table = Positions(self.file)
        stack: list[tuple[Path, Any]] = [((), self.data)]
        while stack:
            path, value = stack.pop()
            if path and (not key or isinstance(path[-1], str)):
                table[path] = self._locator.mark(path, key)
            if isinstance(value, dict):
                stack.extend((path + (k,), v) for k, v in value.items())
            elif isinstance(value, list):
                stack.extend((path + (i,), v) for i, v in enumerate(value))
        if not key:
            table[()] = self._locator.mark((), False)
        return table


def _pos(file: str, node: yaml.Node | yaml.Event) -> Pos:
    mark = node.start_mark
    return Pos(file, mark.line + 1, mark.column + 1) if mark is not None else Pos(file, 1, 1)


def _mark(node: yaml.Node) -> tuple[int, int]:
    """(line, col) of a node, 1-based, as Positions stores it."""
    mark = node.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _one_line(message: str) -> str:
    """Messages are one line each: `FILE:LINE:COL: message`."""
    return " ".join(message.split())


class _Loader(yaml.SafeLoader):
    """Composes nodes; an alias becomes a null placeholder and is reported, never followed."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.aliases: list[yaml.AliasEvent] = []

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        if self.check_event(yaml.AliasEvent):
            event = self.get_event()  # type: ignore[no-untyped-call]
            self.aliases.append(event)
            return yaml.ScalarNode(_TAG + "null", "", event.start_mark, event.end_mark)
        node = Composer.compose_node(self, parent, index)
        assert node is not None
        return node


# libyaml accepts what PyYAML refuses here: tabs in more places, `|#` (a comment with no space
# after a block scalar header), a few characters the YAML spec excludes. A text with any of
# these is read by the pure-Python parser alone.
_NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE
_BLOCK_HEADER_COMMENT = re.compile(r"[|>][-+0-9]*#")
_PRINTABLE_ASCII = bytes([0x09, 0x0A, 0x0D, *range(0x20, 0x7F)])


def _libyaml_differs(text: str) -> bool:
    """Whether the text has any of these (str.find and bytes.translate: a regular expression
    over a 2.5 MB spec costs 20 ms a search)."""
    if "\t" in text:
        return True
    for char in "|>":
        at = text.find(char)
        while at != -1:
            if _BLOCK_HEADER_COMMENT.match(text, at):
                return True
            at = text.find(char, at + 1)
    if text.isascii():
        return bool(text.encode("ascii").translate(None, _PRINTABLE_ASCII))
    return bool(_NON_PRINTABLE.search(text))


class _Unlike(Exception):
    """The C parser would place something differently from the pure-Python one."""


_CParser: Any = getattr(getattr(yaml, "_yaml", None), "CParser", None)  # None without libyaml

if _CParser is not None:

    class _CLoader(_CParser, _Loader):  # type: ignore[misc]
        """_Loader on libyaml's events: the C parser scans, the composer above builds nodes."""

        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            Composer.__init__(self)
            self.aliases = []
            self.text = stream

        # the C parser has a composer of its own, which follows aliases: use ours
        check_node = Composer.check_node
        get_node = Composer.get_node
        compose_document = Composer.compose_document

        def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
            # tags (rare in specs, and refused) are resolved differently by the two parsers
            if getattr(self.peek_event(), "tag", None) is not None:
                raise _Unlike
            return _Loader.compose_node(self, parent, index)

        def compose_scalar_node(self, anchor: dict[Any, yaml.Node]) -> yaml.ScalarNode:
            node: yaml.ScalarNode = Composer.compose_scalar_node(self, anchor)
            if node.style == "":  # libyaml's plain style; PyYAML's (and ours) is None
                node.style = None
                # an empty value (`a:`, `{a: }`): libyaml may mark it at the next token,
                # PyYAML after the colon; let the pure-Python parser place it
                if node.value == "" and node.start_mark.index == node.end_mark.index:
                    raise _Unlike
            return node


_constructor = yaml.SafeLoader("")  # only its scalar constructors are used


# -- the fast path: libyaml's events straight to values ----------------------------------------
#
# A spec as specs are written (no tags, anchors or aliases; plain scalars that YAML 1.1 reads
# as they look) is converted from libyaml's events in one pass, with no node tree, and its
# positions are kept as (line, col). Anything else — every input that gets an error, and each
# rare construct — raises _Unlike, and the node-composing path below reads the text again, so
# its values, positions and messages are the ones reported. Tests check both paths agree.

_RESOLVERS: dict[Any, list[tuple[str, re.Pattern[str]]]] = yaml.SafeLoader.yaml_implicit_resolvers
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_PLAIN_NULL = {"~", "null", "Null", "NULL"}


def _resolve_plain(text: str) -> str:
    """The tag PyYAML's resolver gives a plain scalar (what yaml.SafeLoader.resolve does)."""
    for tag, regexp in _RESOLVERS.get(text[0], ()):
        if regexp.match(text):
            return tag
    return _STR


def _surprising(text: str) -> bool:
    """A string that, written plain, YAML 1.1 reads as something else (or we refuse)."""
    if not text:
        return True  # written plain, nothing is null
    if text[0] not in _RESOLVERS:
        return False
    if " " in text and not (text[:4].isdigit() and text[4:5] == "-"):
        return False  # of PyYAML's implicit types only a timestamp has a space
    return _resolve_plain(text) != _STR or bool(_JSON_EXPONENT.fullmatch(text))


def _read_int(text: str) -> int:
    """A plain scalar read as the integer it looks like (what libyaml's events and rapidyaml's
    JSON numbers both go through); ValueError for what PyYAML reads otherwise."""
    if text.isdigit() and (text[0] != "0" or len(text) == 1):
        return int(text)  # the common case, quickly
    if not _PLAIN_INT.fullmatch(text) or _resolve_plain(text) != _TAG + "int":
        raise ValueError(text)
    return int(text)


def _read_float(text: str) -> float:
    """A plain scalar read as the float it looks like; ValueError for what PyYAML reads
    otherwise (or what is no JSON number)."""
    if _resolve_plain(text) != _TAG + "float" or "_" in text or ":" in text:
        raise ValueError(text)
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def _events_to_document(file: str, text: str) -> Document:
    """The document of `text` from libyaml's events; raises _Unlike for what it does not
    handle (and yaml.YAMLError for what libyaml refuses)."""
    if None in _RESOLVERS:  # a resolver for every first character: no cheap pre-test
        raise _Unlike
    parser = _CParser(text)
    get = parser.get_event
    doc = Document(file, None)
    values = doc.values
    keys = doc.keys
    tags: dict[str, str] = {}  # plain scalar text → resolved tag (keys repeat a lot)
    scalar_event = yaml.ScalarEvent
    mapping_start = yaml.MappingStartEvent
    mapping_end = yaml.MappingEndEvent
    sequence_start = yaml.SequenceStartEvent
    sequence_end = yaml.SequenceEndEvent

    def plain(event: Any, key: bool) -> Any:
        text = event.value
        if not text:
            if key or event.start_mark.index == event.end_mark.index:
                raise _Unlike  # see _CLoader.compose_scalar_node
            return None
        if text[0] not in _RESOLVERS:
            return text
        tag = tags.get(text)
        if tag is None:
            tag = tags[text] = _resolve_plain(text)
        if tag == _STR:
            if not key and _JSON_EXPONENT.fullmatch(text):
                raise _Unlike  # reported
            return text
        if key:
            raise _Unlike  # a key that is not a string: reported
        if tag == _TAG + "int" or tag == _TAG + "float":
            try:
                return _read_int(text) if tag == _TAG + "int" else _read_float(text)
            except ValueError:  # 0x1F, 1_000, .inf, more digits than Python converts: reported
                raise _Unlike from None
        if tag == _TAG + "bool" and text in _PLAIN_BOOL:
            return text.lower() == "true"
        if tag == _TAG + "null" and text in _PLAIN_NULL:
            return None
        errors: list[SpecError] = []  # the rare rest, as the composing path reads it
        node = yaml.ScalarNode(tag, text, event.start_mark, event.end_mark, style=None)
        value = _scalar(file, node, errors)
        if errors:
            raise _Unlike
        return value

    def scalar(event: Any, key: bool) -> Any:
        if event.anchor is not None or event.tag is not None:
            raise _Unlike
        if event.style == "":
            return plain(event, key)
        text = event.value
        if _SURROGATE.search(text):
            raise _Unlike  # reported
        return text

    def collection(event: Any, path: Path, depth: int) -> Any:
        if event.anchor is not None or event.tag is not None or depth >= MAX_DEPTH:
            raise _Unlike
        if type(event) is sequence_start:
            items: list[Any] = []
            while True:
                event = get()
                kind = type(event)
                if kind is sequence_end:
                    return items
                at = path + (len(items),)
                mark = event.start_mark
                values[at] = (mark.line + 1, mark.column + 1)
                if kind is scalar_event:
                    items.append(scalar(event, False))
                elif kind is mapping_start or kind is sequence_start:
                    items.append(collection(event, at, depth + 1))
                else:
                    raise _Unlike  # an alias
        out: dict[str, Any] = {}
        while True:
            event = get()
            kind = type(event)
            if kind is mapping_end:
                return out
            if kind is not scalar_event:
                raise _Unlike  # a key that is a collection or an alias
            key = scalar(event, True)
            if key in out or len(out) >= MAX_KEYS:
                raise _Unlike  # reported
            at = path + (key,)
            mark = event.start_mark
            keys[at] = (mark.line + 1, mark.column + 1)
            event = get()
            kind = type(event)
            mark = event.start_mark
            values[at] = (mark.line + 1, mark.column + 1)
            if kind is scalar_event:
                out[key] = scalar(event, False)
            elif kind is mapping_start or kind is sequence_start:
                out[key] = collection(event, at, depth + 1)
            else:
                raise _Unlike  # an alias

    try:
        get()  # the stream's start
        if type(get()) is not yaml.DocumentStartEvent:
            raise _Unlike  # no document
        event: Any = get()
        if type(event) is not mapping_start:
            raise _Unlike  # not a mapping: reported
        root: Any = event.start_mark
        values[()] = (root.line + 1, root.column + 1)
        doc.data = collection(event, (), 0)
        if type(get()) is not yaml.DocumentEndEvent or type(get()) is not yaml.StreamEndEvent:
            raise _Unlike  # several documents: reported
    except RecursionError:
        raise _Unlike from None
    finally:
        parser.dispose()
    return doc


class _Bad:
    """A scalar that could not be read; its error is already reported."""


_BAD = _Bad()


def _scalar(file: str, node: yaml.ScalarNode, errors: list[SpecError], *, key: bool = False) -> Any:
    """A JSON value from a YAML scalar, refusing the ones YAML 1.1 reads surprisingly.

    A mapping key is always a string, so a key like `1e100` is not ambiguous (`key=True`).
    """
    where = _pos(file, node)

    def bad(message: str) -> _Bad:
        errors.append(SpecError(where, _one_line(message)))
        return _BAD

    text = node.value
    shown = quoted(text)
    if node.style is None and node.tag in (_TAG + "value", _TAG + "merge"):
        return text  # a plain `=` or `<<` as a value is just text
    if node.tag not in _SCALAR_TAGS and node.tag != _TAG + "timestamp":
        return bad(
            f"YAML tag {node.tag!r} is not supported: specs are plain YAML (JSON values only)"
        )
    try:
        # a string is its text (what the constructor returns, for most scalars of a spec)
        value = text if node.tag == _STR else _constructor.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
        reason = getattr(exc, "problem", None) or str(exc).split(";")[0]
        return bad(f"cannot read {shown} as {node.tag.removeprefix(_TAG)}: {reason}")
    plain = node.style is None
    if isinstance(value, str):
        if plain and not key and _JSON_EXPONENT.fullmatch(text):
            mantissa, exponent = text.lower().split("e")
            mantissa += "" if "." in mantissa else ".0"
            exponent = exponent if exponent[0] in "+-" else "+" + exponent
            return bad(
                f"{shown} is read as a string: YAML 1.1 reads an exponent as a number only with "
                f"a dot and a sign; write {mantissa}e{exponent}, or quote it for a string"
            )
        if re.search(r"[\ud800-\udfff]", value):
            return bad(f"{shown} contains a lone surrogate (\\ud800–\\udfff), which is not text")
        return value
    if value is None:
        return None
    if isinstance(value, bool):
        if plain and text not in _PLAIN_BOOL:
            word = "true" if value else "false"
            return bad(
                f"{shown} is read as the boolean {word}: write {word}, or quote it for a string"
            )
        return value
    if isinstance(value, int):
        if plain and not _PLAIN_INT.fullmatch(text):
            hint = " (a leading 0 makes YAML read octal)" if re.match(r"[-+]?0[0-9]", text) else ""
            return bad(
                f"{shown} is read as the number {value}{hint}: "
                f"quote it for a string, or write {value}"
            )
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return bad(f"{shown} is not a JSON number (no infinity or NaN)")
        if plain and ("_" in text or ":" in text):
            return bad(
                f"{shown} is read as the number {value}: quote it for a string, or write {value}"
            )
        return value
    kind = type(value).__name__
    return bad(f"{shown} is read as a YAML {kind}, which JSON has no type for; quote it")


def _describe_node(node: yaml.Node) -> str:
    return "a list" if isinstance(node, yaml.SequenceNode) else "a mapping"


def _convert(
    file: str, node: yaml.Node, path: Path, doc: Document, errors: list[SpecError], depth: int = 0
) -> Any:
    doc.values[path] = _mark(node)
    if isinstance(node, yaml.ScalarNode):
        value = _scalar(file, node, errors)
        return None if value is _BAD else value
    if depth >= MAX_DEPTH:
        errors.append(SpecError(_pos(file, node), f"nested deeper than {MAX_DEPTH} levels"))
        return None
    expected_tag = _COLLECTION_TAGS.get(type(node))
    if expected_tag is not None and node.tag != expected_tag:
        errors.append(
            SpecError(
                _pos(file, node),
                f"YAML tag {node.tag!r} is not supported: specs are plain YAML (JSON values only)",
            )
        )
    if isinstance(node, yaml.SequenceNode):
        return [
            _convert(file, item, path + (i,), doc, errors, depth + 1)
            for i, item in enumerate(node.value)
        ]
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        if len(node.value) > MAX_KEYS:
            errors.append(
                SpecError(
                    _pos(file, node.value[MAX_KEYS][0]),
                    f"more than {MAX_KEYS} keys in one mapping (this is key {MAX_KEYS + 1}); "
                    "no spec needs that many: is this file generated by mistake?",
                )
            )
            return None
        for key_node, value_node in node.value:
            if key_node.tag == _TAG + "merge":
                errors.append(
                    SpecError(
                        _pos(file, key_node),
                        "merge keys (<<) are not supported: write the keys out",
                    )
                )
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                errors.append(
                    SpecError(
                        _pos(file, key_node),
                        f"mapping keys must be strings, not {_describe_node(key_node)}",
                    )
                )
                continue
            key = _scalar(file, key_node, errors, key=True)
            if key is _BAD:
                continue
            if not isinstance(key, str):
                errors.append(
                    SpecError(
                        _pos(file, key_node),
                        f"mapping key {quoted(key_node.value)} is read as {key!r}, not a string; quote it",
                    )
                )
                continue
            if key in out:
                first = doc.keys[path + (key,)]
                errors.append(
                    SpecError(
                        _pos(file, key_node),
                        f"duplicate key {key!r} (first at line {first.line}); keep one",
                    )
                )
                continue
            doc.keys[path + (key,)] = _mark(key_node)
            out[key] = _convert(file, value_node, path + (key,), doc, errors, depth + 1)
        return out
    errors.append(SpecError(_pos(file, node), "unsupported YAML node"))
    return None


def _syntax_error(file: str, text: str, exc: yaml.YAMLError) -> SpecError:
    start = Pos(file, 1, 1)
    if isinstance(exc, yaml.reader.ReaderError):
        before = text[: exc.position]
        line = before.count("\n") + 1
        col = exc.position - (before.rfind("\n") + 1) + 1
        char = exc.character
        code = f"U+{char:04X}" if isinstance(char, int) else repr(char)
        return SpecError(
            Pos(file, line, col),
            f"character {code} is not allowed in YAML text; remove it "
            "(or write it as an escape inside a double-quoted string)",
        )
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        pos = Pos(file, mark.line + 1, mark.column + 1) if mark else start
        if mark is not None and 0 <= mark.index < len(text) and text[mark.index] == "\t":
            return SpecError(
                pos, "tab character: indent with spaces (YAML does not allow tabs here)"
            )
        if "duplicate anchor" in (exc.context or ""):
            return SpecError(pos, "duplicate anchor (&name); anchors and aliases are not supported")
        problem = " ".join(p for p in (exc.context, exc.problem) if p) or str(exc)
        return SpecError(pos, _one_line(f"YAML syntax error: {problem}"))
    return SpecError(
        start, _one_line(f"YAML error: {str(exc).splitlines()[0] if str(exc) else exc!r}")
    )


def _compose(text: str) -> tuple[list[yaml.Node], list[yaml.AliasEvent]]:
    """The documents of `text` as node trees, and the aliases met (as null placeholders)."""
    loaders: list[type[_Loader]] = [_Loader]
    if _CParser is not None and not _libyaml_differs(text):
        loaders.insert(0, _CLoader)
    for i, kind in enumerate(loaders):
        nodes: list[yaml.Node] = []
        loader = kind(text)  # the pure-Python reader checks the characters at once
        try:
            while loader.check_node():
                node = loader.get_node()
                if node is not None:
                    nodes.append(node)
            return nodes, loader.aliases
        except (yaml.YAMLError, RecursionError, _Unlike):
            if i == len(loaders) - 1:
                raise
            # the pure-Python parser's messages and positions are the ones we report
        finally:
            loader.dispose()
    raise AssertionError("unreachable")


def _too_large(file: str, raw: bytes) -> SpecError:
    """Where the file crosses MAX_BYTES (the line it is on), with the limit."""
    head = raw[:MAX_BYTES]
    line = head.count(b"\n") + 1
    return SpecError(
        Pos(file, line, 1),
        f"the spec is larger than {MAX_BYTES // (1024 * 1024)} MiB ({MAX_BYTES} bytes) from "
        "this line on: split the service, or take out what is not a documented fact",
    )


def load_yaml(file: str, raw: bytes) -> Document:
    """Parse one YAML document. Raises SpecErrors with every problem found."""
    return read_yaml(file, raw).document()


def read_yaml(file: str, raw: bytes) -> Reading:
    """The first half of load_yaml: the text read, its values checked later (raises SpecErrors
    for what cannot be a spec at all: too large, not UTF-8 text)."""
    start = Pos(file, 1, 1)
    if len(raw) > MAX_BYTES:
        raise SpecErrors([_too_large(file, raw)])
    if b"\x00" in raw:
        raise SpecErrors([SpecError(start, "not a text file (it contains NUL bytes)")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SpecErrors(
            [
                SpecError(
                    Pos(file, line, col),
                    f"not UTF-8 text (byte {exc.start}: {exc.reason}); save the file as UTF-8",
                )
            ]
        ) from None
    if text.startswith("\ufeff"):
        text, raw = text[1:], raw[3:]
    reading = None
    if yamltree.available() and not _libyaml_differs(text):
        try:
            reading = yamltree.read(raw, text, read_int=_read_int)
        except yamltree.Unsure:
            pass  # read by libyaml, which reports what is wrong
    return Reading(file, raw, text, reading)


class Reading:
    """A spec file read, its values not yet checked: `document()` checks them."""

    def __init__(self, file: str, raw: bytes, text: str, tree: yamltree.TreeReading | None) -> None:
        self.file = file
        self._raw = raw
        self._text = text
        self._tree = tree
        self._document: Document | None = None

    @property
    def data(self) -> Any:
        """The values as read (checked by `document()`, which may read them otherwise)."""
        if self._tree is not None:
            return self._tree.data
        return self.document().data

    def entry_texts(self, key: str) -> dict[str, bytes]:
        """The text of each entry of the top-level mapping `key`, where the reading tells."""
        return self._tree.entry_texts(key) if self._tree is not None else {}

    def document(
        self, *, unchecked: tuple[str, frozenset[str]] = ("", frozenset()), keep_tree: bool = False
    ) -> Document:
        """The document, its values checked; raises SpecErrors. Entries of top-level mapping
        `unchecked[0]` named in `unchecked[1]` may be left unchecked (their values unused).
        `keep_tree`: positions will be asked for soon; keep rapidyaml's tree (about 9 times the
        text) rather than parse the text again when they are."""
        if self._document is None:
            self._document = self._check(unchecked, keep_tree)
        return self._document

    def _check(self, unchecked: tuple[str, frozenset[str]], keep_tree: bool) -> Document:
        if self._tree is not None:
            try:
                data = self._tree.check(
                    surprising=_surprising,
                    read_float=_read_float,
                    max_depth=MAX_DEPTH,
                    max_keys=MAX_KEYS,
                    unchecked=unchecked,
                )
            except yamltree.Unsure:
                pass  # read by libyaml, which reports what is wrong
            else:
                # what the tree cannot place, libyaml's document of the text places (read once)
                exact = functools.partial(_libyaml_document, self.file, self._text)
                parsed = self._tree if keep_tree else None
                locator = yamltree.Locator(self.file, self._raw, functools.cache(exact), parsed)
                return TreeDocument(self.file, data, locator)
            finally:
                self._tree = None  # (its C++ tree is large)
        return _libyaml_document(self.file, self._text)


def _libyaml_document(file: str, text: str) -> Document:
    """The document of `text` read through PyYAML (libyaml's events where it can)."""
    start = Pos(file, 1, 1)
    if _CParser is not None and not _libyaml_differs(text):
        try:
            return _events_to_document(file, text)
        except (yaml.YAMLError, _Unlike):
            pass  # read again by the composing path, whose values and messages are reported
    try:
        nodes, aliases = _compose(text)
    except yaml.YAMLError as exc:
        raise SpecErrors([_syntax_error(file, text, exc)]) from None
    except RecursionError:
        raise SpecErrors([SpecError(start, f"nested deeper than {MAX_DEPTH} levels")]) from None
    if not nodes or (
        len(nodes) == 1
        and isinstance(nodes[0], yaml.ScalarNode)
        and nodes[0].value == ""
        and nodes[0].style is None
    ):
        raise SpecErrors(
            [SpecError(start, "empty spec: expected a mapping with callgen, service, …")]
        )
    if len(nodes) > 1:
        raise SpecErrors(
            [SpecError(_pos(file, nodes[1]), "one YAML document per spec file, found several")]
        )
    doc = Document(file, None)
    errors: list[SpecError] = [
        SpecError(
            _pos(file, event),
            f"aliases (*{event.anchor}) are not supported: write the value out where it is used",
        )
        for event in aliases
    ]
    doc.data = _convert(file, nodes[0], (), doc, errors)
    if errors:
        raise SpecErrors(errors)
    if not isinstance(doc.data, dict):
        what = "a list" if isinstance(doc.data, list) else f"the scalar {doc.data!r}"
        raise SpecErrors(
            [
                SpecError(
                    doc.pos(()), f"a spec must be a mapping with callgen, service, …; found {what}"
                )
            ]
        )
    return doc
