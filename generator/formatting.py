"""black, in pieces: the same bytes as black on the whole file, in time and memory linear in
the file's size, on every core.

black's cost per line grows with the size of the file (its syntax tree is one object graph the
cyclic garbage collector walks again and again), and its memory is about 300 times the source:
a 4.5 MB validators module needs over a gigabyte. So a file is cut into pieces at boundaries
where black's result does not depend on what is on the other side, each piece is formatted
alone (in worker processes when there is enough work), and the results are joined with exactly
the blank lines black puts there.

Where a piece can start (`_boundaries`): a `def`, `async def`, `class` or decorator line at the
top level, or one level down in a top-level class whose body is indented by four spaces, that
follows a blank line whose nearest non-blank line above is neither a comment nor a decorator.
There black always puts two blank lines at the top level and one in a class body (it cannot
attach the line to what precedes it), and every logical line is formatted by itself. A wrong
boundary (inside a string or brackets) leaves a piece that does not parse; then the file is
formatted whole, so a misjudged boundary costs time, never different output. Files with
`fmt:` directives or carriage returns are formatted whole.

black runs its second, stabilising pass only on a piece its first pass changed: code emitted
already in black's style costs one pass.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import multiprocessing
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from _black_version import version as BLACK_VERSION  # black's own; importing black costs more

if TYPE_CHECKING:
    import black

# black's mode, by name: black itself is imported only when something is to be formatted
LINE_LENGTH = 100
TARGET_VERSIONS = ("PY311",)

PIECE_SIZE = 8 * 1024  # characters; small enough to keep memory flat, big enough to be cheap
PARALLEL_FROM = 64 * 1024  # characters to format in all; less is not worth starting workers

_MEMBER = "    "  # the class body indentation where members may start a piece
_DUMMY = "class _:\n"  # a member piece is formatted as the body of this class
_START = re.compile(r"(?:async def |def |class |@)")
_CLASS_HEADER = re.compile(r"class [A-Za-z_][A-Za-z0-9_]*(?:\(.*\))?:\s*(?:#.*)?")


@functools.cache
def black_mode() -> black.Mode:
    import black

    return black.Mode(
        line_length=LINE_LENGTH,
        target_versions={black.TargetVersion[v] for v in TARGET_VERSIONS},
    )


def formatter_key() -> str:
    """What the formatted bytes depend on besides the source: black's exact version and the
    options we give it (its other options change only with its version)."""
    return (
        f"black {BLACK_VERSION}, line_length={LINE_LENGTH}, "
        f"target_versions={','.join(sorted(TARGET_VERSIONS))}"
    )


@dataclasses.dataclass(frozen=True)
class Piece:
    text: str
    member: bool  # formatted inside `class _:`, joined with one blank line (else two)


def split(source: str, *, members: bool = True) -> list[Piece]:
    """The pieces of `source` in order, each of about PIECE_SIZE characters; the whole source
    as one piece when it has no safe boundary. `members=False`: top-level pieces only."""
    if "fmt:" in source or "\r" in source:
        return [Piece(source, False)]
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    pieces: list[Piece] = []
    start, member = 0, False
    for i, is_member in _boundaries(lines):
        if is_member and not members:
            continue
        # the members of a class end where the class does: a top-level boundary always cuts
        if offsets[i] - offsets[start] < PIECE_SIZE and not (member and not is_member):
            continue
        pieces.append(_piece(source[offsets[start] : offsets[i]], member))
        start, member = i, is_member
    pieces.append(_piece(source[offsets[start] :], member))
    return pieces


def _piece(text: str, member: bool) -> Piece:
    """Without the blank lines before the next piece: black would drop them, and a piece black
    leaves unchanged costs one pass instead of two."""
    return Piece(text.rstrip() + "\n" if text.strip() else text, member)


def _boundaries(lines: list[str]) -> Iterator[tuple[int, bool]]:
    """(index of a line a piece may start at, whether it is a class member)."""
    in_class = False  # inside a top-level class whose body is indented by _MEMBER
    previous = ""  # the nearest non-blank line above
    blank_before = False
    for i, line in enumerate(lines):
        if not line.strip():
            blank_before = True
            continue
        top = not line[0].isspace()
        if top:
            in_class = False
        safe = blank_before and previous and not previous.lstrip().startswith(("#", "@"))
        if safe and top and _START.match(line):
            yield i, False
        elif (
            safe
            and in_class
            and line.startswith(_MEMBER)
            and not line[len(_MEMBER)].isspace()
            and _START.match(line, len(_MEMBER))
        ):
            yield i, True
        if top and _CLASS_HEADER.fullmatch(line.rstrip("\n")):
            # members may split only when the body's first line sets the indentation to 4
            following = next((x for x in lines[i + 1 :] if x.strip()), "")
            in_class = (
                following.startswith(_MEMBER)
                and not following[len(_MEMBER)].isspace()
                and not following.lstrip().startswith("#")
            )
        previous = line
        blank_before = False


def _format_piece(piece: Piece, mode: Any) -> str:
    import black

    if not piece.member:
        return black.format_str(piece.text, mode=mode)
    out = black.format_str(_DUMMY + piece.text, mode=mode)
    if not out.startswith(_DUMMY):
        raise black.InvalidInput("a class member piece lost its class")
    return out[len(_DUMMY) :]


def _join(pieces: list[Piece], formatted: list[str]) -> str:
    """The formatted pieces, with black's blank lines between them: two, one in a class."""
    out = [formatted[0]]
    for piece, text in zip(pieces[1:], formatted[1:], strict=True):
        out.append("\n" if piece.member else "\n\n")
        out.append(text)
    return "".join(out)


class _Unsplittable(Exception):
    """A piece did not parse on its own: the file is formatted whole."""


class InvalidPython(Exception):
    """black cannot parse a source: a generator bug, reported with the file's name."""

    def __init__(self, name: str, detail: str) -> None:
        super().__init__(f"{name}: {detail}")
        self.name = name
        self.detail = detail


# (formatter, source) → output: renders in one process (tests) share the runtime's
_recent: OrderedDict[tuple[str, str], str] = OrderedDict()
_RECENT = 64


def format_files(sources: dict[str, str], jobs: int | None = None) -> dict[str, str]:
    """black's output for each source (name → text); raises InvalidPython.

    `jobs` worker processes (default: the usable cores) format when there is enough work.
    Sources formatted recently in this process (the runtime, in tests) are not formatted again.
    """
    key = formatter_key()
    done = {name: _recent[(key, text)] for name, text in sources.items() if (key, text) in _recent}
    todo = {name: text for name, text in sources.items() if name not in done}
    done.update(_format_files(todo, jobs))
    for name, text in todo.items():
        _recent[(key, text)] = done[name]
        while len(_recent) > _RECENT:
            _recent.popitem(last=False)
    return {name: done[name] for name in sources}


def _format_files(sources: dict[str, str], jobs: int | None) -> dict[str, str]:
    split_sources = {name: split(text) for name, text in sources.items()}
    work = [(name, i) for name, pieces in split_sources.items() for i in range(len(pieces))]
    total = sum(len(text) for text in sources.values())
    jobs = usable_cores() if jobs is None else max(1, jobs)
    parallel = jobs > 1 and len(work) > 1 and total >= PARALLEL_FROM and _may_fork()
    with _collector_paused():
        if parallel:
            black_mode()  # black imported once, here: forked workers inherit it
            with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
                pieces = [split_sources[name][i] for name, i in work]
                chunk = max(1, len(pieces) // (jobs * 8))
                results = list(pool.map(_format_or_error, pieces, chunksize=chunk))
        else:
            results = [_format_or_error(split_sources[name][i]) for name, i in work]
        by_file: dict[str, list[str | BaseException]] = {name: [] for name in sources}
        for (name, _), result in zip(work, results, strict=True):
            by_file[name].append(result)
        out: dict[str, str] = {}
        for name, formatted in by_file.items():
            pieces = split_sources[name]
            if any(isinstance(r, BaseException) for r in formatted):
                # a boundary that was not one, or a generator bug: black on the whole file
                # says which (and InvalidPython is raised for the bug)
                out[name] = _format_whole(sources[name], name)
            else:
                out[name] = _join(pieces, formatted)  # type: ignore[arg-type]
    return out


def _format_or_error(piece: Piece) -> str | BaseException:
    import black

    try:
        return _format_piece(piece, black_mode())
    except black.InvalidInput as exc:
        return _Unsplittable(str(exc))


def _format_whole(source: str, name: str) -> str:
    import black

    try:
        return black.format_str(source, mode=black_mode())
    except black.InvalidInput as exc:
        raise InvalidPython(name, str(exc)) from exc


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _may_fork() -> bool:
    """Forking a process that runs other threads can deadlock the child on a held lock."""
    return threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Keep the cyclic collector off what exists already (the IR, the renders, black itself).

    Collections still run, for black's own garbage, but no longer walk everything else each
    time (forked workers inherit the frozen heap, untouched).
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
