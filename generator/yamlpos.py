"""Safe YAML loading that remembers where every key and value was written.

PyYAML's safe loader forgets positions and silently keeps the last of duplicate keys; specs
need both right, so we compose the node tree ourselves and convert it to plain JSON values.

Specs are plain YAML: no aliases, merge keys or tags beyond the JSON ones, and no YAML 1.1
surprises (`yes` as a boolean, `0200000` as an octal number, `2024-01-01` as a date) — each is
reported with the fix, so a spec means what it looks like it means.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .errors import SpecError, SpecErrors, quoted
from .ir import Pos

Path = tuple[str | int, ...]

MAX_DEPTH = 64  # nesting levels of collections; deeper input is surely not a spec

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null")}
_COLLECTION_TAGS: dict[type[yaml.Node], str] = {
    yaml.SequenceNode: _TAG + "seq",
    yaml.MappingNode: _TAG + "map",
}
_PLAIN_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_JSON_EXPONENT = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?[eE][-+]?[0-9]+")
_STR, _INT, _BOOL, _NULL = (_TAG + t for t in ("str", "int", "bool", "null"))
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_PLAIN_BOOL = {"true", "True", "TRUE", "false", "False", "FALSE"}


@dataclass
class Document:
    """A spec file as JSON values, with the position of each value and of each mapping key."""

    file: str
    data: Any
    values: dict[Path, Pos] = field(default_factory=dict)
    keys: dict[Path, Pos] = field(default_factory=dict)

    def pos(self, path: Path, *, key: bool = False) -> Pos:
        """Position of the value (or key) at `path`, else of its nearest ancestor."""
        table = self.keys if key else self.values
        p = tuple(path)
        while p:
            if p in table:
                return table[p]
            if p in self.values:
                return self.values[p]
            p = p[:-1]
        return self.values.get((), Pos(self.file, 1, 1))


def _pos(file: str, node: yaml.Node | yaml.Event) -> Pos:
    mark = node.start_mark
    return Pos(file, mark.line + 1, mark.column + 1) if mark is not None else Pos(file, 1, 1)


def _one_line(message: str) -> str:
    """Messages are one line each: `FILE:LINE:COL: message`."""
    return " ".join(message.split())


class _Composing(yaml.composer.Composer):
    """Composes nodes; an alias becomes a null placeholder and is reported, never followed."""

    aliases: list[yaml.AliasEvent]

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        if self.check_event(yaml.AliasEvent):
            event = self.get_event()  # type: ignore[no-untyped-call]
            self.aliases.append(event)
            return yaml.ScalarNode(_TAG + "null", "", event.start_mark, event.end_mark)
        node = super().compose_node(parent, index)
        assert node is not None
        return node


class _Loader(_Composing, yaml.SafeLoader):
    """The pure-Python parser: it words every YAML error the way our messages expect."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.aliases = []


try:
    from yaml._yaml import CParser
except ImportError:  # PyYAML built without libyaml
    _CLoader: type | None = None
else:

    class _FastLoader(CParser, yaml.resolver.Resolver):  # type: ignore[misc]
        """libyaml scans, parses and composes (many times faster). It follows an alias to its
        anchor's node instead of reporting it: `_convert` notices a node met twice, and the
        pure-Python loader then reads the text again and reports the alias where it is."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            yaml.resolver.Resolver.__init__(self)
            self.aliases: list[yaml.AliasEvent] = []

    _CLoader = _FastLoader


def _compose(loader_class: type, text: str) -> tuple[list[yaml.Node], list[yaml.AliasEvent]]:
    nodes: list[yaml.Node] = []
    loader = loader_class(text)  # (the pure-Python reader checks the characters at once)
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is not None:
                nodes.append(node)
    finally:
        loader.dispose()
    return nodes, loader.aliases


_constructor = yaml.SafeLoader("")  # only its scalar constructors are used


class _Bad:
    """A scalar that could not be read; its error is already reported."""


_BAD = _Bad()


def _scalar(file: str, node: yaml.ScalarNode, errors: list[SpecError], *, key: bool = False) -> Any:
    """A JSON value from a YAML scalar, refusing the ones YAML 1.1 reads surprisingly.

    A mapping key is always a string, so a key like `1e100` is not ambiguous (`key=True`).
    """
    text = node.value
    if (  # most scalars: a string that needs none of the checks below
        node.tag == _STR
        and (node.style or key or not _JSON_EXPONENT.fullmatch(text))
        and (text.isascii() or not _SURROGATE.search(text))
    ):
        return text
    if not node.style:  # plain numbers, booleans and nulls that need no check below
        if node.tag == _INT and len(text) < 19 and _PLAIN_INT.fullmatch(text):
            return int(text)
        if node.tag == _BOOL and text in _PLAIN_BOOL:
            return text.lower() == "true"
        if node.tag == _NULL:
            return None
    where = _pos(file, node)

    def bad(message: str) -> _Bad:
        errors.append(SpecError(where, _one_line(message)))
        return _BAD

    shown = quoted(text)
    plain = not node.style  # None from the Python parser, "" from libyaml
    if plain and node.tag in (_TAG + "value", _TAG + "merge"):
        return text  # a plain `=` or `<<` as a value is just text
    if node.tag not in _SCALAR_TAGS and node.tag != _TAG + "timestamp":
        return bad(
            f"YAML tag {node.tag!r} is not supported: specs are plain YAML (JSON values only)"
        )
    try:  # a string is its text (what SafeConstructor does, without its bookkeeping)
        value = text if node.tag == _STR else _constructor.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
        reason = getattr(exc, "problem", None) or str(exc).split(";")[0]
        return bad(f"cannot read {shown} as {node.tag.removeprefix(_TAG)}: {reason}")
    if isinstance(value, str):
        if plain and not key and _JSON_EXPONENT.fullmatch(text):
            mantissa, exponent = text.lower().split("e")
            mantissa += "" if "." in mantissa else ".0"
            exponent = exponent if exponent[0] in "+-" else "+" + exponent
            return bad(
                f"{shown} is read as a string: YAML 1.1 reads an exponent as a number only with "
                f"a dot and a sign; write {mantissa}e{exponent}, or quote it for a string"
            )
        if _SURROGATE.search(value):
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


class _Reused(Exception):
    """A node met twice: libyaml followed an alias."""


def _convert(
    file: str,
    node: yaml.Node,
    path: Path,
    doc: Document,
    errors: list[SpecError],
    seen: set[int],
    depth: int = 0,
) -> Any:
    if id(node) in seen:
        raise _Reused
    seen.add(id(node))
    doc.values[path] = _pos(file, node)
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
            _convert(file, item, path + (i,), doc, errors, seen, depth + 1)
            for i, item in enumerate(node.value)
        ]
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
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
            doc.keys[path + (key,)] = _pos(file, key_node)
            out[key] = _convert(file, value_node, path + (key,), doc, errors, seen, depth + 1)
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


def load_yaml(file: str, raw: bytes) -> Document:
    """Parse one YAML document. Raises SpecErrors with every problem found."""
    start = Pos(file, 1, 1)
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
    text = text.removeprefix("\ufeff")
    if _CLoader is not None and not yaml.reader.Reader.NON_PRINTABLE.search(text):
        try:
            return _document(file, text, _CLoader)
        except (SpecErrors, _Reused):
            pass  # the pure-Python loader finds the same problems and words them as before
    return _document(file, text, _Loader)


def _document(file: str, text: str, loader_class: type) -> Document:
    start = Pos(file, 1, 1)
    try:
        nodes, aliases = _compose(loader_class, text)
    except yaml.YAMLError as exc:
        raise SpecErrors([_syntax_error(file, text, exc)]) from None
    except RecursionError:
        raise SpecErrors([SpecError(start, f"nested deeper than {MAX_DEPTH} levels")]) from None
    if not nodes or (
        len(nodes) == 1
        and isinstance(nodes[0], yaml.ScalarNode)
        and nodes[0].value == ""
        and not nodes[0].style
    ):
        raise SpecErrors(
            [SpecError(start, "empty spec: expected a mapping with callgen, service, …")]
        )
    if len(nodes) > 1:
        raise SpecErrors(
            [SpecError(_pos(file, nodes[1]), "one YAML document per spec file, found several")]
        )
    doc = Document(file=file, data=None)
    errors: list[SpecError] = [
        SpecError(
            _pos(file, event),
            f"aliases (*{event.anchor}) are not supported: write the value out where it is used",
        )
        for event in aliases
    ]
    doc.data = _convert(file, nodes[0], (), doc, errors, set())
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
