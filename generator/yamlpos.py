"""Safe YAML loading that remembers where every key and value was written.

PyYAML's safe loader forgets positions and silently keeps the last of duplicate keys; specs
need both right, so we compose the node tree ourselves and convert it to plain JSON values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import yaml

from .errors import SpecError, SpecErrors
from .ir import Pos

Path = tuple[str | int, ...]


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


def _pos(file: str, node: yaml.Node) -> Pos:
    return Pos(file, node.start_mark.line + 1, node.start_mark.column + 1)


_constructor = yaml.SafeLoader(b"")  # only its scalar constructors are used


def _scalar(file: str, node: yaml.ScalarNode, errors: list[SpecError]) -> Any:
    try:
        value = _constructor.construct_object(node, deep=True)
    except yaml.YAMLError as exc:
        errors.append(SpecError(_pos(file, node), f"bad scalar: {exc}"))
        return None
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        errors.append(SpecError(_pos(file, node), f"{node.value!r} is not a JSON number"))
        return None
    kind = type(value).__name__
    errors.append(
        SpecError(
            _pos(file, node),
            f"{node.value!r} is read as a YAML {kind}, which JSON has no type for; quote it",
        )
    )
    return None


def _convert(file: str, node: yaml.Node, path: Path, doc: Document, errors: list[SpecError]) -> Any:
    doc.values[path] = _pos(file, node)
    if isinstance(node, yaml.ScalarNode):
        return _scalar(file, node, errors)
    if isinstance(node, yaml.SequenceNode):
        return [_convert(file, item, path + (i,), doc, errors) for i, item in enumerate(node.value)]
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                errors.append(SpecError(_pos(file, key_node), "merge keys (<<) are not supported"))
                continue
            key = _scalar(file, key_node, errors) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                errors.append(
                    SpecError(_pos(file, key_node), f"mapping keys must be strings, got {key!r}")
                )
                continue
            if key in out:
                first = doc.keys[path + (key,)]
                errors.append(
                    SpecError(
                        _pos(file, key_node), f"duplicate key {key!r} (first at line {first.line})"
                    )
                )
                continue
            doc.keys[path + (key,)] = _pos(file, key_node)
            out[key] = _convert(file, value_node, path + (key,), doc, errors)
        return out
    errors.append(SpecError(_pos(file, node), "unsupported YAML node"))
    return None


def load_yaml(file: str, raw: bytes) -> Document:
    """Parse one YAML document. Raises SpecErrors with every problem found."""
    start = Pos(file, 1, 1)
    if b"\x00" in raw:
        raise SpecErrors([SpecError(start, "not a text file (it contains NUL bytes)")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SpecErrors([SpecError(start, f"not UTF-8 text (byte {exc.start}: {exc.reason})")])
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = Pos(file, mark.line + 1, mark.column + 1) if mark else start
        problem = " ".join(p for p in (exc.context, exc.problem) if p) or str(exc)
        raise SpecErrors([SpecError(pos, f"YAML syntax error: {problem}")])
    except yaml.YAMLError as exc:
        raise SpecErrors([SpecError(start, f"YAML error: {exc}")])
    if not nodes or nodes[0] is None:
        raise SpecErrors([SpecError(start, "empty spec: expected a mapping with callgen, service, …")])
    if len(nodes) > 1:
        raise SpecErrors(
            [SpecError(_pos(file, nodes[1]), "one YAML document per spec file, found several")]
        )
    doc = Document(file=file, data=None)
    errors: list[SpecError] = []
    doc.data = _convert(file, nodes[0], (), doc, errors)
    if errors:
        raise SpecErrors(errors)
    if not isinstance(doc.data, dict):
        raise SpecErrors([SpecError(start, "a spec must be a mapping with callgen, service, …")])
    return doc
