"""Spec problems, reported as `FILE:LINE:COL: message` and collected, never raised one by one."""

from __future__ import annotations

from dataclasses import dataclass

from .ir import Pos


def quoted(value: object, limit: int = 40) -> str:
    """A value as a message shows it: its repr, cut to a readable length (strings keep quotes)."""
    if isinstance(value, str):
        return repr(value if len(value) <= limit else value[: limit - 1] + "…")
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True, order=True)
class SpecError:
    """One problem in a spec, where it is: `FILE:LINE:COL: message`."""

    pos: Pos
    message: str

    def __str__(self) -> str:
        return f"{self.pos}: {self.message}"


class SpecErrors(Exception):
    """Raised once a stage has collected every problem it can find."""

    def __init__(self, errors: list[SpecError]) -> None:
        self.errors = sorted(
            set(errors), key=lambda e: (e.pos.file, e.pos.line, e.pos.col, e.message)
        )
        super().__init__("\n".join(str(e) for e in self.errors))
