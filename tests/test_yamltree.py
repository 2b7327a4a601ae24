"""rapidyaml's path (generator/yamltree.py) gives what libyaml's paths give, or steps aside.

Documents are generated in the styles specs are written in (block and flow collections, plain,
quoted and block scalars, numbers and words YAML 1.1 reads surprisingly); for each, the values
and every value and key position of the rapidyaml path must equal those of libyaml's events and
of the pure-Python parser — or the rapidyaml path must have declined the text (`Unsure`)."""

from __future__ import annotations

import dataclasses
import pickle
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_loader_limits import load_both

from generator import yamlpos, yamltree
from generator.ir import Pos, Schema

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(
    not yamltree.available() or yamlpos._CParser is None,
    reason="needs rapidyaml and libyaml (both are dependencies)",
)

WORDS = ["name", "type", "a b", "名前", "x-y", "E1"]
ODD_WORDS = ["on", "yes", "no", "null", "true", "True", "200"]  # keys YAML 1.1 reads otherwise
PLAIN = ["0", "7", "-3", "1.5", ".5", "3.", "-0", "true", "false", "null", "word", "two words",
         "a#b", "名前", "😀", "1 2", "a-b"]  # fmt: skip
ODD_PLAIN = ["012", "0x1F", "1_000", "-.5", "1e3", "1.0e+3", "True", "yes", "off", "~", "Null",
             "2024-01-01", "1:20", "=", "<<", "+1", ".inf", "x: y", "-"]  # fmt: skip
QUOTED = ['"0"', "'1.5'", '"yes"', "''", '""', '"a\\nb"', "'it''s'", '"\\u00e9 \\"q\\""',
          '"tab\\tx"', "'~'", '"null"', '"2024-01-01"', '"\\\\d"']  # fmt: skip
BLOCKS = ["|\n{i}  line one\n{i}  line two\n", ">-\n{i}  folded\n{i}  text\n", "|+\n{i}  kept\n\n"]


@st.composite
def flow(draw: st.DrawFn, scalars: list[str], keys: list[str], depth: int = 0) -> str:
    if depth > 2 or draw(st.booleans()):
        return draw(st.sampled_from(scalars))
    if draw(st.booleans()):
        items = draw(st.lists(flow(scalars, keys, depth + 1), max_size=3))
        return "[" + ", ".join(items) + "]"
    names = draw(st.lists(st.sampled_from(keys), max_size=3, unique=True))
    return "{" + ", ".join(f"{k}: {draw(flow(scalars, keys, depth + 1))}" for k in names) + "}"


@st.composite
def block(
    draw: st.DrawFn, scalars: list[str], keys: list[str], indent: int = 0, depth: int = 0
) -> str:
    """A block mapping (or sequence) at `indent`, as lines ending in newlines."""
    pad = " " * indent
    out = []
    if depth and draw(st.integers(0, 3)) == 0:
        for _ in range(draw(st.integers(1, 3))):
            out.append(f"{pad}- {draw(flow(scalars, keys, 1))}\n")
        return "".join(out)
    names = draw(st.lists(st.sampled_from(keys), min_size=1, max_size=4, unique=True))
    for key in names:
        kind = draw(st.integers(0, 4)) if depth < 3 else 0
        if kind == 0:
            out.append(f"{pad}{key}: {draw(st.sampled_from(scalars))}\n")
        elif kind == 1:
            out.append(f"{pad}{key}: {draw(flow(scalars, keys))}\n")
        elif kind == 2:
            out.append(f"{pad}{key}: " + draw(st.sampled_from(BLOCKS)).format(i=pad))
        else:
            out.append(f"{pad}{key}:\n" + draw(block(scalars, keys, indent + 2, depth + 1)))
    return "".join(out)


def read(text: str) -> object:
    """The rapidyaml path alone (raises Unsure where it steps aside)."""
    return yamltree.read(text.encode(), text, read_int=yamlpos._read_int).check(
        surprising=yamlpos._surprising,
        read_float=yamlpos._read_float,
        max_depth=yamlpos.MAX_DEPTH,
        max_keys=yamlpos.MAX_KEYS,
    )


@settings(max_examples=250, deadline=None)
@given(block(PLAIN + QUOTED, WORDS))
def test_documents_as_specs_are_written_take_the_rapidyaml_path_with_libyamls_answer(
    text: str,
) -> None:
    read(text)  # not Unsure
    with pytest.MonkeyPatch.context() as m:
        fast, slow = load_both(text.encode(), m)  # rapidyaml's values and positions vs libyaml's
    assert isinstance(fast, tuple)
    assert fast == slow


@settings(max_examples=250, deadline=None)
@given(block(PLAIN + ODD_PLAIN + QUOTED, WORDS + ODD_WORDS))
def test_documents_with_surprising_scalars_read_alike_on_every_path(text: str) -> None:
    with pytest.MonkeyPatch.context() as m:
        fast, slow = load_both(text.encode(), m)
    assert fast == slow


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\na: 2\n",  # a duplicate key (the JSON reader would keep one)
        "a: yes\n",  # a YAML 1.1 boolean
        "a: 012\n",  # octal
        "a: -.5\n",  # a string to PyYAML; rapidyaml writes -0.5
        "a: 1e3\n",  # a string to PyYAML
        "a: ~\n",
        "a:\n",  # an empty value, which libyaml places elsewhere
        "a: &x 1\n",
        "@: 0\n",  # reserved indicators: libyaml refuses a plain scalar starting with one
        "a: `b`\n",
        "a: [%x]\n",
        "a: !!str 1\n",
        "? a\n: 1\n",
        "--- {a: 1}\n",
        'a: "\\/"\n',  # YAML 1.2's escaped slash: an error for libyaml
        "a: " + "[" * 70 + "]" * 70 + "\n",  # too deep
        "- a\n",
        "200: x\n",  # a key YAML 1.1 reads as a number
    ],
)
def test_what_the_rapidyaml_path_declines(text: str) -> None:
    with pytest.raises(yamltree.Unsure):
        read(text)


def test_a_large_spec_takes_the_rapidyaml_path_with_libyamls_positions() -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    import bench_diff

    raw = bench_diff.spec(60, True).encode()
    doc = yamlpos.load_yaml("synth.yaml", raw)
    assert isinstance(doc, yamlpos.TreeDocument)
    exact = yamlpos._libyaml_document("synth.yaml", raw.decode())
    assert doc.data == exact.data
    assert doc.values == exact.values
    assert doc.keys == exact.keys
    # a path that is not there points at its nearest ancestor, as libyaml's document does
    for path in [("operations", "op3", "nothing"), ("operations", "op3", "request", "x", "y"), ()]:
        assert doc.pos(path) == exact.pos(path)
        assert doc.pos(path, key=True) == exact.pos(path, key=True)


# -- the lazy parts of the IR this path relies on -----------------------------------------------


def test_a_position_found_later_is_a_position() -> None:
    calls: list[int] = []

    def find() -> tuple[int, int]:
        calls.append(1)
        return (3, 7)

    later = Pos.later("x.yaml", find)
    assert calls == []  # nothing asked yet
    assert later == Pos("x.yaml", 3, 7) and hash(later) == hash(Pos("x.yaml", 3, 7))
    assert (str(later), later.line, later.col, calls) == ("x.yaml:3:7", 3, 7, [1])  # asked once
    assert pickle.loads(pickle.dumps(later)) == later


@pytest.mark.parametrize(
    "fields",
    [
        {"pos": Pos("a", 1, 1), "types": ("string",)},
        {"pos": Pos("a", 1, 1), "types": ("integer", "null"), "minimum": 1, "codes": (("x", "y"),)},
        {
            f.name: f.default
            for f in dataclasses.fields(Schema)
            if f.default is not dataclasses.MISSING
        }
        | {"pos": Pos("a", 2, 2), "types": ("array",), "max_items": 3, "unique": True},
    ],
)
def test_schema_of_is_schema(fields: dict[str, object]) -> None:
    """Schema.of (the builder's fast way) makes what the dataclass's own constructor makes."""
    made = Schema.of(**fields)
    assert made == Schema(**fields)  # type: ignore[arg-type]
    assert repr(made) == repr(Schema(**fields))  # type: ignore[arg-type]
    assert hash(made) == hash(Schema(**fields))  # type: ignore[arg-type]
