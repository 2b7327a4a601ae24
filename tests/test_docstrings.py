"""Generated docstrings: triple-quoted for reading, always a literal of exactly their text."""

from __future__ import annotations

import ast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.generate import docstring


@pytest.mark.parametrize(
    "text",
    [
        "a",
        'x"""y',
        'ends with "',
        "back\\slash\\",
        "多行\n文本",
        '"""',
        "a\n\tindented by a tab",
        "\\N{x}",
        "bell \x07 and form \x0c feed",
    ],
)
def test_literal_value_is_the_text(text: str) -> None:
    literal = docstring(text, 4)
    expected = "\n    ".join(line.rstrip() for line in text.strip().splitlines())
    assert ast.literal_eval(literal) == expected


def test_reads_as_prose_and_indents_continuations() -> None:
    assert docstring("First.\n\nSecond line.  ", 4) == '"""First.\n\n    Second line."""'


def test_a_line_starting_with_a_tab_falls_back_to_repr() -> None:
    # spaces before a tab would mix indentation (ruff E101) in the generated file
    assert docstring("a\n\tb", 4).startswith("'")


@settings(max_examples=500, deadline=None)
@given(st.text(), st.integers(0, 8))
def test_any_text_gives_a_literal_or_repr(text: str, indent: int) -> None:
    literal = docstring(text, indent)
    value = ast.literal_eval(literal)
    assert isinstance(value, str)
    assert literal.startswith('"""') or literal == repr(value)
