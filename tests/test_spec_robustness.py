"""No input makes the loader or `callgen check` fail with anything but a list of spec problems.

Random bytes, random text, random YAML documents, real specs with lines deleted, duplicated or
edited, and real spec trees with values swapped around: `load_service` returns a Service or
raises SpecErrors (one-line `FILE:LINE:COL: message` each), and `callgen check` exits 0, 1 or 2
with every problem line in that form.
"""

from __future__ import annotations

import contextlib
import copy
import io
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.cli import main
from generator.errors import SpecErrors
from generator.ir import Service
from generator.spec import load_service

ROOT = Path(__file__).resolve().parents[1]
SPECS = sorted((ROOT / "specs").glob("*.yaml"))
SPEC_TEXT = {p.stem: p.read_text(encoding="utf-8") for p in SPECS}
SPEC_DATA = {stem: yaml.safe_load(text) for stem, text in SPEC_TEXT.items()}
LINE = re.compile(r"^[^:\n]+:\d+:\d+: [^\n]*$")
SUMMARY = re.compile(r"^\d+ problem\(s\) in the specs$")

FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TREES = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@contextlib.contextmanager
def spec_file(data: bytes, stem: str = "demo") -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="callgen-fuzz-") as tmp:
        path = Path(tmp) / f"{stem}.yaml"
        path.write_bytes(data)
        yield path


def load(data: bytes, stem: str = "demo") -> Service | None:
    """Load `data` as a spec; SpecErrors are fine (and well-formed), anything else fails."""
    with spec_file(data, stem) as path:
        try:
            return load_service(path, display=f"specs/{stem}.yaml")
        except SpecErrors as exc:
            assert exc.errors, "SpecErrors without a problem"
            for error in exc.errors:
                text = str(error)
                assert LINE.match(text), text
                assert error.pos.file == f"specs/{stem}.yaml"
                assert error.pos.line >= 1 and error.pos.col >= 1
                assert error.message.strip()
            return None


def check_cli(data: bytes, stem: str = "demo") -> int:
    """Run `callgen check` on one spec; the exit status and stderr must keep their promise."""
    with tempfile.TemporaryDirectory(prefix="callgen-fuzz-") as tmp:
        specs = Path(tmp) / "specs"
        specs.mkdir()
        (specs / f"{stem}.yaml").write_bytes(data)
        err, out = io.StringIO(), io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            code = main(["check", "--specs", str(specs), "--out", str(Path(tmp) / "out")])
    lines = err.getvalue().splitlines()
    assert code in (0, 1, 2), (code, lines)
    assert "Traceback" not in err.getvalue()
    assert "internal error" not in err.getvalue(), lines
    if code == 2:
        assert lines and SUMMARY.match(lines[-1]), lines
        assert all(LINE.match(line) for line in lines[:-1]), lines
        assert int(lines[-1].split()[0]) == len(lines) - 1
    return code


# -- raw input ---------------------------------------------------------------------------------


@FAST
@given(st.binary(max_size=400))
def test_random_bytes(data: bytes) -> None:
    assert load(data) is None


@FAST
@given(st.text(max_size=400))
def test_random_text(text: str) -> None:
    assert load(text.encode("utf-8", "surrogatepass")) is None


YAML_TOKENS = [
    "a",
    "-",
    ": ",
    "- ",
    "\n",
    "  ",
    "\t",
    "[",
    "]",
    "{",
    "}",
    ",",
    "&x ",
    "*x",
    "<<: ",
    "!!str ",
    "!!binary ",
    "!x ",
    "? ",
    "|",
    ">",
    "'",
    '"',
    "#",
    "---\n",
    "...\n",
    "%YAML 1.1\n",
    "0200000",
    "yes",
    "~",
    "null",
    ".nan",
    "1e3",
    "2024-01-01",
    "12:30:00",
    "0x1F",
    "\\u00e9",
    "\ufeff",
    "名字",
    "\x85",
    "\u2028",
    "callgen",
    "service",
    "type",
    "properties",
    "ref",
]


@FAST
@given(st.lists(st.sampled_from(YAML_TOKENS), max_size=40))
def test_yaml_token_soup(tokens: list[str]) -> None:
    assert load("".join(tokens).encode("utf-8")) is None


json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=30,
)


@FAST
@given(json_values)
def test_random_yaml_documents(value: Any) -> None:
    for text in (
        yaml.safe_dump(value),
        yaml.safe_dump(value, allow_unicode=True, default_flow_style=True),
    ):
        assert load(text.encode("utf-8")) is None


# -- mutations of the real specs ---------------------------------------------------------------

TROUBLE = [
    "",
    "null",
    "~",
    "0200000",
    "yes",
    "-1",
    "1e3",
    ".inf",
    "2024-01-01",
    "[",
    "{",
    "}",
    "*a",
    "&a x",
    "!!binary eA==",
    "<<: {}",
    "'",
    '"',
    "\t",
    "{}",
    "[]",
    "ref: Nope",
    "type: str",
    "^[0-9]+",
    "/nowhere",
    "x" * 300,
    "名字",
    "\\d",
    "{a: 1, a: 2}",
]


@st.composite
def mutated_text(draw: st.DrawFn) -> tuple[str, str]:
    stem = draw(st.sampled_from(sorted(SPEC_TEXT)))
    lines = SPEC_TEXT[stem].splitlines(keepends=True)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        i = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "value", "indent", "swap", "cut"]))
        line = lines[i]
        if action == "delete":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, line)
        elif action == "value":
            head = line.split(": ", 1)[0] if ": " in line else line.rstrip("\n")
            lines[i] = f"{head}: {draw(st.sampled_from(TROUBLE))}\n"
        elif action == "indent":
            lines[i] = draw(st.sampled_from([" ", "  ", "\t"])) + line
        elif action == "swap":
            j = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        else:
            cut = draw(st.integers(min_value=0, max_value=len(line)))
            lines[i] = line[:cut] + "\n"
        if not lines:
            break
    return stem, "".join(lines)


@FAST
@given(mutated_text())
def test_mutated_spec_text(case: tuple[str, str]) -> None:
    stem, text = case
    load(text.encode("utf-8"), stem)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, path + (i,))


def _get(value: Any, path: tuple[Any, ...]) -> Any:
    for p in path:
        value = value[p]
    return value


@st.composite
def mutated_tree(draw: st.DrawFn) -> tuple[str, Any]:
    """A real spec with subtrees moved, deleted or replaced: shapes the meta-schema often
    accepts, so the semantic checks and the emitters get exercised too."""
    stem = draw(st.sampled_from(sorted(SPEC_DATA)))
    data = copy.deepcopy(SPEC_DATA[stem])
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        paths = [p for p in _paths(data) if p]
        target = draw(st.sampled_from(paths))
        parent = _get(data, target[:-1])
        action = draw(st.sampled_from(["copy", "delete", "replace", "rename"]))
        if action == "copy":
            source = draw(st.sampled_from(paths))
            if target[: len(source)] == source:
                continue
            parent[target[-1]] = copy.deepcopy(_get(data, source))
        elif action == "delete":
            del parent[target[-1]]
        elif action == "replace":
            parent[target[-1]] = draw(json_values)
        elif isinstance(parent, dict):
            new = draw(st.sampled_from(["ref", "type", "items", "Number", "x", "id", "code"]))
            parent[new] = parent.pop(target[-1])
    return stem, data


@TREES
@given(mutated_tree())
def test_mutated_spec_tree(case: tuple[str, Any]) -> None:
    stem, data = case
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    load(text.encode("utf-8"), stem)


SCHEMA_KEYS = [
    "type",
    "nullable",
    "enum",
    "default",
    "min_length",
    "max_length",
    "max_bytes",
    "pattern",
    "forbidden_chars",
    "format",
    "minimum",
    "maximum",
    "items",
    "min_items",
    "max_items",
    "unique_by",
    "unique",
    "ref",
    "properties",
    "exactly_one_of",
    "dependent_required",
    "must_match",
    "codes",
    "required_if",
]


def _schema_paths(data: Any) -> list[tuple[Any, ...]]:
    return [
        p
        for p in _paths(data)
        if p and isinstance(v := _get(data, p), dict) and {"type", "ref", "properties"} & set(v)
    ]


@st.composite
def swapped_schemas(draw: st.DrawFn) -> tuple[str, Any]:
    """A real spec where schema nodes, or single constraints, are copied to other schema nodes:
    mostly shapes the meta-schema accepts, so the semantic checks and the emitters run on them
    (about half of these specs are valid and get rendered by `callgen check`)."""
    stem = draw(st.sampled_from(sorted(SPEC_DATA)))
    data = copy.deepcopy(SPEC_DATA[stem])
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        paths = _schema_paths(data)
        target, source = draw(st.sampled_from(paths)), draw(st.sampled_from(paths))
        if target[: len(source)] == source or source[: len(target)] == target:
            continue
        if draw(st.booleans()):
            _get(data, target[:-1])[target[-1]] = copy.deepcopy(_get(data, source))
        else:
            keys = [k for k in SCHEMA_KEYS if k in _get(data, source)]
            if keys:
                key = draw(st.sampled_from(keys))
                _get(data, target)[key] = copy.deepcopy(_get(data, source)[key])
    return stem, data


@TREES
@given(swapped_schemas())
def test_swapped_schemas(case: tuple[str, Any]) -> None:
    stem, data = case
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    load(text.encode("utf-8"), stem)


def _dumped(case: tuple[str, Any]) -> tuple[str, str]:
    return case[0], yaml.safe_dump(case[1], allow_unicode=True, sort_keys=False)


@SLOW
@given(st.one_of(mutated_text(), mutated_tree().map(_dumped), swapped_schemas().map(_dumped)))
def test_check_command_on_mutated_specs(case: tuple[str, str]) -> None:
    stem, text = case
    check_cli(text.encode("utf-8"), stem)


@SLOW
@given(
    st.binary(max_size=200)
    | st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass"))
)
def test_check_command_on_garbage(data: bytes) -> None:
    assert check_cli(data) == 2


def test_every_real_spec_loads() -> None:
    for path in SPECS:
        assert isinstance(load(path.read_bytes(), path.stem), Service)


def test_known_crashers() -> None:
    """Inputs that once escaped as exceptions (kept as plain regression cases)."""
    crashers = [
        b"&a [*a]",  # a recursive alias
        b"a: &x [1]\nb: [*x, *x, *x]\n",  # aliases, expanded
        b"a: 1" + b"0" * 5000,  # an integer beyond int()'s digit limit
        b"[" * 5000,  # deeper than the recursion limit
        b"a: [1, \x07]",  # a control character (the YAML reader refuses it)
        b"!!python/object:os.system x",
        b'a: "\\ud800"',  # a lone surrogate escape
        b"? [a]\n: 1",  # a non-scalar key
        b"{002: x}",  # a key read as a number
    ]
    for data in crashers:
        assert load(data) is None


def test_plain_scalars_mean_what_they_look_like() -> None:
    """Values YAML 1.1 tags oddly but a reader takes for text or JSON are read as such."""
    from generator.yamlpos import load_yaml

    doc = load_yaml("x.yaml", b"a: =\nb: <<\nc: 0\nd: -12\ne: 1.5\nf: true\ng: ~\nh: '0200000'\n")
    assert doc.data == {
        "a": "=",
        "b": "<<",
        "c": 0,
        "d": -12,
        "e": 1.5,
        "f": True,
        "g": None,
        "h": "0200000",
    }
