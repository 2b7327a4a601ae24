"""The fastest way in: rapidyaml reads a spec, its JSON text gives the values.

rapidyaml (a C++ parser) turns a 2.5 MB spec into JSON text in a few hundredths of a second,
where libyaml's events cost Python objects by the hundred thousand. Its answer is taken only
where it is certainly the one the libyaml paths of yamlpos give: the text has none of the
constructs the two parsers may read apart (tags, anchors, aliases, directives, several
documents, explicit keys, tabs, line breaks other than LF), every number reads as PyYAML reads
it, and every string that YAML 1.1 would read as something else was quoted. Anything else raises
`Unsure`, and the libyaml paths read the text again: they report every error.

The values are read first and checked second (`TreeReading.check`), so `callgen diff` can leave
unchecked the operations both its sides write alike, whose values it never uses.

Positions are not computed while loading. `TreeDocument.pos` gives a `Pos` that is found when
first read (`Locator`): the path is followed through the tree (parsed again then, unless the
caller kept it: hundreds of specs stay loaded while generating, and a tree is about nine times
its text), and rapidyaml's pointer into the text gives the line and column, placed where
libyaml's start marks are (a quoted scalar at its quote, a flow collection at its bracket, a
block one at its first key or dash, a block scalar at its indicator). Where a place cannot be
told from the tree, the libyaml document gives it. Tests compare every position with libyaml's.
"""

from __future__ import annotations

import bisect
import contextlib
import ctypes
import itertools
import json
import os
import re
from collections.abc import Callable, Iterator
from typing import Any

from .ir import Pos

try:
    import ryml
except ImportError:  # pragma: no cover - a dependency; without it the libyaml paths read all
    ryml = None

Path = tuple[str | int, ...]
Mark = tuple[int, int]  # (line, col), 1-based


class Unsure(Exception):
    """rapidyaml's reading may differ from libyaml's here: read the text the other way."""


# Constructs refused outright (the libyaml paths read and report them), found in two steps: the
# characters they need (str.find, fast), then each in its context. Conservative: a quoted "a *b"
# also sends the text the slow way, which gives the same values.
_UNSURE_AT = re.compile(
    r"(?:!|[&*][^\s\]},])"  # a tag, an anchor or an alias (where a node starts)
    r"|[@`%]"  # reserved: no plain scalar starts with one (libyaml refuses, rapidyaml reads)
    r"|\?(?:\s|$)"  # an explicit key
    r"|\\(?:[^0abtnvfre \"\\N_LPxuU\n]|u[dD][89a-fA-F])",  # an escape YAML 1.1 lacks, a
    # lone surrogate (refused), or a backslash in plain text, where the two may differ
)
_NODE_START = " \n[{,:"  # what precedes a node's properties (or starts a line)
_LINE_START = re.compile(r"\n(?:---|\.\.\.|%)")  # documents and directives


def _unsure(text: str) -> bool:
    if text.startswith(("---", "...", "%")) or _LINE_START.search(text):
        return True  # (a line starting `...` or `---` might be text: read the slow way anyway)
    if any(char in text for char in "\t\r\x85\u2028\u2029"):
        return True  # tabs; line breaks other than LF (libyaml counts them)
    for char in "!&*?@`%":
        at = text.find(char)
        while at != -1:
            if (at == 0 or text[at - 1] in _NODE_START) and _UNSURE_AT.match(text, at):
                return True
            at = text.find(char, at + 1)
    at = text.find("\\")
    while at != -1:
        if text[at + 1 : at + 2] == "\\":  # an escaped backslash (or two literal ones)
            at = text.find("\\", at + 2)
            continue
        if _UNSURE_AT.match(text, at):
            return True
        at = text.find("\\", at + 1)
    return False


class _Buffer(ctypes.Structure):
    """CPython's Py_buffer: how to learn where a memoryview of rapidyaml's points to."""

    _fields_ = [
        ("buf", ctypes.c_void_p),
        ("obj", ctypes.py_object),
        ("len", ctypes.c_ssize_t),
        ("itemsize", ctypes.c_ssize_t),
        ("readonly", ctypes.c_int),
        ("ndim", ctypes.c_int),
        ("format", ctypes.c_char_p),
        ("shape", ctypes.c_void_p),
        ("strides", ctypes.c_void_p),
        ("suboffsets", ctypes.c_void_p),
        ("internal", ctypes.c_void_p),
    ]


_get_buffer = ctypes.pythonapi.PyObject_GetBuffer
_get_buffer.argtypes = [ctypes.py_object, ctypes.POINTER(_Buffer), ctypes.c_int]
_release_buffer = ctypes.pythonapi.PyBuffer_Release
_release_buffer.argtypes = [ctypes.POINTER(_Buffer)]


def _address(obj: Any) -> int:
    view = _Buffer()
    _get_buffer(obj, ctypes.byref(view), 0)  # PyBUF_SIMPLE: read-only views too
    try:
        return int(view.buf or 0)
    finally:
        _release_buffer(ctypes.byref(view))


def available() -> bool:
    return ryml is not None


def _parse(raw: bytes) -> tuple[Any, bytearray]:
    buf = bytearray(raw)  # parsed in place: scalars point into it, at their place in the text
    try:
        with _quiet_stderr():
            return ryml.parse_in_place(buf), buf
    except Exception as exc:  # rapidyaml's own errors: the libyaml paths word them
        raise Unsure from exc


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """rapidyaml's C++ writes a parse error to the process's stderr before raising; the libyaml
    path words the error for the user instead. (Other threads' writes to stderr during a parse
    are lost too: the generator writes from one thread.)"""
    try:
        saved = os.dup(2)
    except OSError:  # no stderr at all
        yield
        return
    try:
        quiet = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(quiet, 2)
        finally:
            os.close(quiet)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


class TreeReading:
    """rapidyaml's reading of a text: its values, trusted once `check` has passed."""

    def __init__(self, raw: bytes, tree: Any, buf: bytearray, data: dict[str, Any]) -> None:
        self.raw = raw
        self.data = data
        self._tree = tree
        self._buf = buf  # the tree points into it

    def entry_texts(self, key: str) -> dict[str, bytes]:
        """The text of each entry of the top-level mapping `key` (from its key to the next
        entry's), or {} when the tree cannot tell: entries written alike read alike."""
        tree = self._tree
        parent = tree.find_child(0, key.encode())
        if not 0 <= parent < tree.size() or not tree.is_map(parent):
            return {}
        base = _address(self._buf)
        starts: list[tuple[str, int]] = []
        child = tree.first_child(parent)
        while 0 <= child < tree.size():
            if not tree.has_key(child) or tree.is_key_quoted(child):
                return {}  # (a quoted key's text is not where its value points)
            starts.append((bytes(tree.key(child)).decode(), _address(tree.key(child)) - base))
            child = tree.next_sibling(child)
        after = tree.next_sibling(parent)
        end = len(self.raw)
        if 0 <= after < tree.size() and tree.has_key(after):
            end = _address(tree.key(after)) - base - (1 if tree.is_key_quoted(after) else 0)
        bounds = [at for _, at in starts[1:]] + [end]
        if any(not 0 <= a < b <= len(self.raw) for (_, a), b in zip(starts, bounds, strict=True)):
            return {}
        # from the start of the key's line: the same text indented otherwise may read otherwise
        raw = self.raw
        return {
            name: raw[raw.rfind(b"\n", 0, a) + 1 : b]
            for (name, a), b in zip(starts, bounds, strict=True)
        }

    def check(
        self,
        *,
        surprising: Callable[[str], bool],
        read_float: Callable[[str], float],
        max_depth: int,
        max_keys: int,
        unchecked: tuple[str, frozenset[str]] = ("", frozenset()),
    ) -> dict[str, Any]:
        """The values, once nothing in them may read otherwise with libyaml; raises Unsure.

        `unchecked` = (key, names): entries of that top-level mapping left unchecked, whose
        values will not be used (see spec.check_document)."""
        _check(self._tree, self.data, surprising, read_float, max_depth, max_keys, unchecked)
        return self.data


def read(raw: bytes, text: str, *, read_int: Callable[[str], int]) -> TreeReading:
    """rapidyaml's reading of `raw` (UTF-8 of `text`, no BOM); raises Unsure."""
    if _unsure(text):
        raise Unsure
    tree, buf = _parse(raw)
    if tree.size() == 0 or tree.root_id() != 0 or not tree.is_map(0):
        raise Unsure  # empty, or not a mapping: reported by libyaml's path
    try:
        json_text = ryml.emit_json_malloc(tree, 0)
    except Exception as exc:  # rapidyaml's own errors (what JSON cannot hold)
        raise Unsure from exc
    try:
        data = json.loads(
            json_text,
            parse_int=read_int,  # rapidyaml writes an integer as it was written
            parse_float=float,  # but rewrites some floats (.5 → 0.5): checked in _check
            parse_constant=_no_constant,
        )
    except (ValueError, TypeError, RecursionError) as exc:  # not JSON, or an int PyYAML reads
        raise Unsure from exc  # otherwise
    if not isinstance(data, dict):
        raise Unsure
    return TreeReading(raw, tree, buf, data)


def _no_constant(text: str) -> Any:
    raise ValueError(text)


def _check(
    tree: Any,
    data: dict[str, Any],
    surprising: Callable[[str], bool],
    read_float: Callable[[str], float],
    max_depth: int,
    max_keys: int,
    unchecked: tuple[str, frozenset[str]],
) -> None:
    """Walk the values in document order — the order of the tree's node ids — and ask the
    tree about the few strings YAML 1.1 reads as something else unless quoted."""
    count = 1  # the root
    verdicts: dict[Any, bool] = {}  # (keys of lists are their indexes, never asked)
    later: list[tuple[int, Any, bool]] = []  # (node id, value, is a key)
    skip = unchecked[1]
    skipped_in = data.get(unchecked[0]) if skip else None

    def visit(value: Any, depth: int) -> None:
        nonlocal count
        if depth >= max_depth:
            raise Unsure
        mapping = type(value) is dict
        if mapping and len(value) > max_keys:
            raise Unsure
        for key, item in value.items() if mapping else enumerate(value):
            node = count
            count += 1
            if mapping:
                if value is skipped_in and key in skip:
                    count = _after(tree, node)  # its subtree's ids are node … count - 1
                    continue
                odd = verdicts.get(key)
                if odd is None:
                    odd = verdicts[key] = surprising(key)  # type: ignore[arg-type]
                if odd:
                    later.append((node, key, True))
            kind = type(item)
            if kind is str:
                odd = verdicts.get(item)
                if odd is None:
                    odd = verdicts[item] = surprising(item)
                if odd:
                    later.append((node, item, False))
            elif kind is dict or kind is list:
                visit(item, depth + 1)
            elif item is None or kind is float:
                later.append((node, item, False))

    visit(data, 0)
    if count != tree.size():  # a duplicate key, kept once by the JSON reader
        raise Unsure
    for node, text, is_key in later:
        if is_key:
            if tree.is_key_plain(node) or bytes(tree.key(node)) != text.encode():
                raise Unsure
            continue
        written = bytes(tree.val(node) or b"") if tree.is_val_plain(node) else None
        if text is None:
            if written != b"null":
                raise Unsure  # `~`, `Null`, or an empty value (libyaml places it elsewhere)
        elif type(text) is float:
            try:
                same = written is not None and read_float(written.decode()) == text
            except ValueError:
                same = False
            if not same:
                raise Unsure  # a float PyYAML reads otherwise (`-.5` is a string to it)
        elif written is not None or bytes(tree.val(node)) != text.encode():
            raise Unsure


def _after(tree: Any, node: int) -> int:
    """The id that follows the subtree of `node` in preorder (the tree's own numbering)."""
    while 0 <= node < tree.size():
        following = tree.next_sibling(node)
        if 0 <= following < tree.size():
            return int(following)
        node = tree.parent(node)
    return int(tree.size())


class Locator:
    """Positions in one text, from rapidyaml's tree of it (parsed again when first needed)."""

    def __init__(
        self, file: str, raw: bytes, exact: Callable[[], Any], parsed: TreeReading | None = None
    ) -> None:
        self.file = file
        self.raw = raw
        self._exact = exact  # the libyaml document, for what the tree cannot place
        self._tree: Any = parsed._tree if parsed else None
        self._buf: bytearray | None = parsed._buf if parsed else None
        self._starts: list[int] = []

    def _ready(self) -> Any:
        if self._tree is None:
            self._tree, self._buf = _parse(self.raw)
        if not self._starts:
            self._base = _address(self._buf)
            lines = (len(line) + 1 for line in self.raw.split(b"\n"))
            self._starts = list(itertools.accumulate(lines, initial=0))  # where each line starts
        return self._tree

    def node(self, path: Path) -> tuple[int, int]:
        """(node id, how many components of `path` exist): the deepest existing ancestor."""
        tree = self._ready()
        node = tree.root_id()
        for depth, part in enumerate(path):
            if isinstance(part, str):
                if not tree.is_map(node):
                    return node, depth
                child = tree.find_child(node, part.encode())
            else:
                if not tree.is_seq(node) or not 0 <= part < tree.num_children(node):
                    return node, depth
                child = tree.child(node, part)
            if not 0 <= child < tree.size():  # rapidyaml's NONE: no such child
                return node, depth
            node = child
        return node, len(path)

    def mark(self, path: Path, key: bool) -> Mark:
        """Where `Document.pos(path, key=key)` points (the nearest existing ancestor)."""
        node, found = self.node(path)
        try:
            if key and found and self._tree.has_key(node):
                return self._key_mark(node)
            return self._value_mark(node)
        except Unsure:
            exact = self._exact()
            return _mark_of(exact.pos(path[:found], key=key))

    # -- from offsets in the text to libyaml's marks ------------------------------------------

    def _at(self, offset: int) -> Mark:
        line = bisect.bisect_right(self._starts, offset) - 1
        start = self._starts[line]
        return line + 1, len(self.raw[start:offset].decode("utf-8", "replace")) + 1

    def _offset(self, view: Any) -> int:
        offset = _address(view) - self._base
        if not 0 <= offset <= len(self.raw):
            raise Unsure  # a scalar rapidyaml rewrote into its arena
        return offset

    def _key_offset(self, node: int) -> int:
        tree = self._tree
        offset = self._offset(tree.key(node))
        return offset - 1 if tree.is_key_quoted(node) else offset

    def _key_mark(self, node: int) -> Mark:
        return self._at(self._key_offset(node))

    def _value_mark(self, node: int) -> Mark:
        return self._at(self._value_offset(node))

    def _value_offset(self, node: int) -> int:
        tree = self._tree
        raw = self.raw
        if tree.is_container(node):
            first = tree.first_child(node)
            if tree.is_flow(node):
                if not 0 <= first < tree.size():
                    raise Unsure  # {} or []: no child to start from
                start = self._key_offset(first) if tree.is_map(node) else self._value_offset(first)
                at = start - 1
                while at >= 0 and raw[at] in b" \n":
                    at -= 1
                if at < 0 or raw[at] not in b"[{":
                    raise Unsure  # a comment between the bracket and the first item
                return at
            if not 0 <= first < tree.size():
                raise Unsure
            if tree.is_map(node):
                return self._key_offset(first)
            at = self._value_offset(first) - 1  # a block sequence starts at its first dash
            while at >= 0 and raw[at] == 0x20:
                at -= 1
            if at < 0 or raw[at] != 0x2D:
                raise Unsure
            return at
        if tree.is_val_literal(node) or tree.is_val_folded(node):
            return self._indicator(node)
        offset = self._offset(tree.val(node))
        return offset - 1 if tree.is_val_quoted(node) else offset

    def _indicator(self, node: int) -> int:
        """A block scalar starts at its | or >, after its plain key and colon on that line."""
        tree = self._tree
        raw = self.raw
        if not tree.has_key(node) or not tree.is_key_plain(node):
            raise Unsure
        at = self._offset(tree.key(node)) + len(bytes(tree.key(node)))
        while at < len(raw) and raw[at] == 0x20:
            at += 1
        if at >= len(raw) or raw[at] != 0x3A:  # ':'
            raise Unsure
        at += 1
        while at < len(raw) and raw[at] == 0x20:
            at += 1
        if at >= len(raw) or raw[at] not in b"|>":
            raise Unsure
        return at


def _mark_of(pos: Pos) -> Mark:
    return pos.line, pos.col
