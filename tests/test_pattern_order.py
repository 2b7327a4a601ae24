"""pattern_order.covers: a claimed inclusion always holds; common widenings are proven.

Soundness is checked against Python's own `re`, independently of the prover: for pattern
pairs built by editing a random pattern (a bound moved, a class member added or dropped, an
alternative added), every string Hypothesis draws from the old pattern must match the new
one whenever `covers` says it does.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from generator.pattern_order import covers


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("^[0-9]+$", "^[0-9*#]+$", True),
        ("^[0-9*#]+$", "^[0-9]+$", False),
        ("^[0-9]{1,24}$", "^[0-9]{1,32}$", True),
        ("^[0-9]{1,32}$", "^[0-9]{1,24}$", False),
        ("^[0-9]+$", "^[0-9]*$", True),
        ("^[0-9]*$", "^[0-9]+$", False),
        ("^(?:a|b)$", "^(?:a|b|c)$", True),
        ("^(?:a|b|c)$", "^(?:a|b)$", False),
        ("^abc$", "^(?:abc|def)$", True),
        ("^[0-9]+$", "^(?:[0-9]+|-)$", True),
        ("^a$", "^a?$", True),
        ("^ab$", "^a-?b$", True),
        ("^a-?b$", "^ab$", False),
        ("^(?:ab)$", "^ab$", True),
        ("^[a-z]$", "^.$", True),
        ("^.$", "^[a-z]$", False),
        ("^[^xy]$", "^[^x]$", True),
        ("^[^x]$", "^[^xy]$", False),
        ("^[a-w]$", "^[^xyz]$", True),
        ("^[a-z]$", "^[^xyz]$", False),
        ("^(?:0|86)?1[0-9]{10}$", "^(?:0|86|\\+86)?1[0-9]{10}$", True),
        ("^[0-9]+$", "^[0-9]+?$", True),
        ("^[0-9]+$", "^[0123456789]+$", True),
        ("^x$", "^(?=x)x$", False),  # look-arounds are compared only when identical
        ("^(?i:a)$", "^(?i:[ab])$", False),  # so are flags
        ("^1[0-9]{10}$", "^[0-9]{11}$", False),  # true, but not proven: the safe answer
        ("^[0-9]+$", "^[", False),  # an unparsable pattern proves nothing
    ],
)
def test_known_pairs(old: str, new: str, expected: bool) -> None:
    assert covers(old, new) is expected


ATOMS = ["a", "b", "[0-9]", "[a-c]", "[^x]", ".", "(?:ab|c)", "-"]
QUANTIFIERS = ["", "?", "*", "+", "{1,3}", "{2}", "{0,2}"]


@st.composite
def pattern_pair(draw: st.DrawFn) -> tuple[str, str]:
    terms = draw(
        st.lists(
            st.tuples(st.sampled_from(ATOMS), st.sampled_from(QUANTIFIERS)), min_size=1, max_size=4
        )
    )
    edited = list(terms)
    i = draw(st.integers(0, len(terms) - 1))
    atom, quantifier = edited[i]
    edit = draw(st.sampled_from(["quantifier", "atom", "alternative", "insert", "drop"]))
    if edit == "quantifier":
        edited[i] = (atom, draw(st.sampled_from(QUANTIFIERS)))
    elif edit == "atom":
        edited[i] = (draw(st.sampled_from(ATOMS)), quantifier)
    elif edit == "alternative":
        edited[i] = (f"(?:{atom}|{draw(st.sampled_from(ATOMS))})", quantifier)
    elif edit == "insert":
        edited.insert(i, (draw(st.sampled_from(ATOMS)), draw(st.sampled_from(QUANTIFIERS))))
    elif len(edited) > 1:
        del edited[i]

    def text(ts: list[tuple[str, str]]) -> str:
        return "^" + "".join(a + q for a, q in ts) + "$"

    return text(terms), text(edited)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pattern_pair(), st.data())
def test_a_claimed_inclusion_holds(pair: tuple[str, str], data: st.DataObject) -> None:
    old, new = pair
    assume(covers(old, new))
    compiled = re.compile(new)
    for _ in range(5):
        value = data.draw(st.from_regex(old, fullmatch=True))
        assert compiled.fullmatch(value), (old, new, value)


def test_the_generated_pairs_prove_widenings_often() -> None:
    """The soundness test above means something only if many pairs are proven."""
    proven = 0
    total = 0

    @settings(max_examples=300, deadline=None, database=None, derandomize=True)
    @given(pattern_pair())
    def count(pair: tuple[str, str]) -> None:
        nonlocal proven, total
        total += 1
        proven += covers(*pair)

    count()
    assert proven >= total // 4, (proven, total)
